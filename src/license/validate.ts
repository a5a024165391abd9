// Section 3.2: the payload rules, checked in table order; the first failure is
// the one reported. Pure: the day to judge dates against is passed in.
import { LicenseError } from "../errors.ts";
import { shown } from "../text/quote.ts";
import { rawMembers } from "../text/raw-json.ts";
import { calendarDate, PayloadFields } from "./fields.ts";
import { type HardwareBinding, readHardwareBinding } from "./hardware-binding.ts";

/** What every licence type carries. */
interface LicenseCommon {
  licenseKey: string;
  orgId: string;
  softwareId: string;
  issueDate: string;
  expiryDate: string;
  maxMachines: number;
  /** `features` exactly as signed, as JSON text. */
  featuresJson: string;
  issuedAt?: string;
  softwareChecksum?: string;
}

/** Checked in with a DRM server (spec 8.2): heartbeats, grace, optionally a floating seat. */
export interface StandardLicense extends LicenseCommon {
  licenseType: "STANDARD";
  serverUrl?: string;
  heartbeatIntervalMinutes: number;
  heartbeatGracePeriodDays: number;
  /** A floating licence: at most this many instances at once (spec 16). */
  maxConcurrent?: number;
}

/** Fully offline (spec 8.5): bound to a machine by its v1 fingerprint or its v2 binding (13.3), never both. */
export type HardwareBoundLicense = LicenseCommon & { licenseType: "HARDWARE_BOUND" } & (
    | { hardwareFingerprint: string; hardwareBinding?: undefined }
    | { hardwareBinding: HardwareBinding; hardwareFingerprint?: undefined }
  );

export type License = StandardLicense | HardwareBoundLicense;

const STANDARD_ONLY = ["heartbeat_interval_minutes", "heartbeat_grace_period_days"] as const;

/** Validates a decoded payload against `today` (UTC `YYYY-MM-DD`). */
export function validatePayload(payloadText: string, values: Record<string, unknown>, today: string): License {
  const fields = new PayloadFields(values, rawMembers(payloadText));
  const version = fields.integer("v");
  if (version !== 1) throw new LicenseError(`license version ${version} is not supported (expected 1)`);
  const licenseKey = fields.nonEmptyString("license_key");
  const orgId = fields.nonEmptyString("org_id");
  const softwareId = fields.nonEmptyString("software_id");
  const licenseType = fields.string("license_type");
  if (licenseType !== "STANDARD" && licenseType !== "HARDWARE_BOUND") {
    throw new LicenseError(`unknown license type: ${shown(licenseType)}`);
  }
  const issueDate = calendarDate(fields, "issue_date");
  if (today < issueDate) throw new LicenseError(`license is not yet active (activates: ${issueDate})`);
  const expiryDate = calendarDate(fields, "expiry_date");
  if (today > expiryDate) throw new LicenseError(`license has expired (expiry: ${expiryDate})`);
  const common: LicenseCommon = {
    licenseKey,
    orgId,
    softwareId,
    issueDate,
    expiryDate,
    maxMachines: fields.positiveInteger("max_machines"),
    featuresJson: fields.objectText("features"),
  };
  if (fields.has("issued_at")) common.issuedAt = fields.string("issued_at");
  const license = licenseType === "STANDARD" ? standardPart(fields, common) : hardwareBoundPart(fields, values, common);
  if (fields.has("software_checksum")) {
    const checksum = fields.string("software_checksum");
    if (!/^[0-9a-f]{64}$/.test(checksum)) throw new LicenseError("invalid software_checksum: expected 64 lowercase hex digits");
    license.softwareChecksum = checksum;
  }
  if (fields.has("max_concurrent")) {
    if (license.licenseType !== "STANDARD") throw new LicenseError("HARDWARE_BOUND license must not have max_concurrent");
    license.maxConcurrent = fields.positiveInteger("max_concurrent");
  }
  return license;
}

function standardPart(fields: PayloadFields, common: LicenseCommon): StandardLicense {
  // Spec 12.6: an empty server_url counts as not given, like an empty --server-url.
  const serverUrl = fields.has("server_url") && fields.string("server_url") !== "" ? fields.string("server_url") : undefined;
  const required = (name: (typeof STANDARD_ONLY)[number]) => {
    if (!fields.has(name)) throw new LicenseError(`STANDARD license missing ${name}`);
    return fields.positiveInteger(name);
  };
  const license: StandardLicense = {
    ...common,
    licenseType: "STANDARD",
    heartbeatIntervalMinutes: required("heartbeat_interval_minutes"),
    heartbeatGracePeriodDays: required("heartbeat_grace_period_days"),
  };
  if (serverUrl !== undefined) license.serverUrl = serverUrl;
  if (fields.has("hardware_fingerprint") && fields.string("hardware_fingerprint") !== "") {
    throw new LicenseError("STANDARD license must not have hardware_fingerprint");
  }
  if (fields.has("hardware_binding")) throw new LicenseError("STANDARD license must not have hardware_binding");
  return license;
}

function hardwareBoundPart(fields: PayloadFields, values: Record<string, unknown>, common: LicenseCommon): HardwareBoundLicense {
  for (const name of STANDARD_ONLY) {
    if (fields.has(name)) throw new LicenseError(`HARDWARE_BOUND license must not have ${name}`);
  }
  const hasBinding = fields.has("hardware_binding");
  if (hasBinding && fields.has("hardware_fingerprint")) {
    throw new LicenseError("HARDWARE_BOUND license has both hardware_fingerprint and hardware_binding");
  }
  if (hasBinding) {
    const hardwareBinding = readHardwareBinding(values.hardware_binding, fields.objectText("hardware_binding"));
    return { ...common, licenseType: "HARDWARE_BOUND", hardwareBinding };
  }
  if (!fields.has("hardware_fingerprint")) throw new LicenseError("HARDWARE_BOUND license missing hardware_fingerprint");
  return { ...common, licenseType: "HARDWARE_BOUND", hardwareFingerprint: fields.nonEmptyString("hardware_fingerprint") };
}
