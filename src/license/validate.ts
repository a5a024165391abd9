// Section 3.2: the payload rules, checked in table order; the first failure is
// the one reported. Pure: the day to judge dates against is passed in.
import { LicenseError } from "../errors.ts";
import { calendarDate, PayloadFields, shown } from "./fields.ts";
import { type HardwareBinding, readHardwareBinding } from "./hardware-binding.ts";
import { rawMembers } from "./raw-json.ts";

export type LicenseType = "STANDARD" | "HARDWARE_BOUND";

export interface License {
  licenseKey: string;
  orgId: string;
  softwareId: string;
  licenseType: LicenseType;
  issueDate: string;
  expiryDate: string;
  maxMachines: number;
  /** `features` exactly as signed, as JSON text. */
  featuresJson: string;
  issuedAt?: string;
  serverUrl?: string;
  heartbeatIntervalMinutes?: number;
  heartbeatGracePeriodDays?: number;
  hardwareFingerprint?: string;
  /** Machine binding v2 (spec 13.3); a HARDWARE_BOUND licence has this or hardwareFingerprint, never both. */
  hardwareBinding?: HardwareBinding;
  softwareChecksum?: string;
  /** STANDARD only: a floating licence, at most this many instances at once (spec 16). */
  maxConcurrent?: number;
}

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
  const license: License = {
    licenseKey,
    orgId,
    softwareId,
    licenseType,
    issueDate,
    expiryDate,
    maxMachines: fields.positiveInteger("max_machines"),
    featuresJson: fields.objectText("features"),
  };
  if (fields.has("issued_at")) license.issuedAt = fields.string("issued_at");
  if (licenseType === "STANDARD") {
    // Spec 12.6: an empty server_url counts as not given, like an empty --server-url.
    if (fields.has("server_url") && fields.string("server_url") !== "") license.serverUrl = fields.string("server_url");
    const [interval, grace] = STANDARD_ONLY.map((name) => {
      if (!fields.has(name)) throw new LicenseError(`STANDARD license missing ${name}`);
      return fields.positiveInteger(name);
    });
    license.heartbeatIntervalMinutes = interval;
    license.heartbeatGracePeriodDays = grace;
    if (fields.has("hardware_fingerprint") && fields.string("hardware_fingerprint") !== "") {
      throw new LicenseError("STANDARD license must not have hardware_fingerprint");
    }
    if (fields.has("hardware_binding")) throw new LicenseError("STANDARD license must not have hardware_binding");
  } else {
    for (const name of STANDARD_ONLY) {
      if (fields.has(name)) throw new LicenseError(`HARDWARE_BOUND license must not have ${name}`);
    }
    const hasBinding = fields.has("hardware_binding");
    if (hasBinding && fields.has("hardware_fingerprint")) {
      throw new LicenseError("HARDWARE_BOUND license has both hardware_fingerprint and hardware_binding");
    }
    if (hasBinding) license.hardwareBinding = readHardwareBinding(values.hardware_binding, fields.objectText("hardware_binding"));
    else if (!fields.has("hardware_fingerprint")) throw new LicenseError("HARDWARE_BOUND license missing hardware_fingerprint");
    else license.hardwareFingerprint = fields.nonEmptyString("hardware_fingerprint");
  }
  if (fields.has("software_checksum")) {
    const checksum = fields.string("software_checksum");
    if (!/^[0-9a-f]{64}$/.test(checksum)) throw new LicenseError("invalid software_checksum: expected 64 lowercase hex digits");
    license.softwareChecksum = checksum;
  }
  if (fields.has("max_concurrent")) {
    if (licenseType !== "STANDARD") throw new LicenseError("HARDWARE_BOUND license must not have max_concurrent");
    license.maxConcurrent = fields.positiveInteger("max_concurrent");
  }
  return license;
}
