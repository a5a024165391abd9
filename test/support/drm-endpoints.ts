// The reference server's three endpoints (spec 4.1–4.2) as decisions over the
// store: an answer payload (signed later by the server) or an error. Test-side only.
import { KeyFormatError, parsePublicKeyPem } from "../../src/crypto/pem.ts";
import type { LeaseEndpoint } from "./drm-leases.ts";
import type { Refusal } from "./drm-request-auth.ts";
import type { DrmStore, LicenseRecord } from "./drm-store.ts";

export type Answer = { ok: true; payload: Record<string, unknown> } | Refusal;
export type EndpointName = "activate" | "heartbeat" | "decommission-ack" | "deactivate" | LeaseEndpoint;

const refuse = (status: number, error: string): Refusal => ({ ok: false, status, error });
const today = (nowSeconds: number) => new Date(nowSeconds * 1000).toISOString().slice(0, 10);

/** The licence's status as of today: an ACTIVE licence past its last day answers EXPIRED. */
function effectiveStatus(license: LicenseRecord, nowSeconds: number): string {
  return license.status === "ACTIVE" && license.expiry_date < today(nowSeconds) ? "EXPIRED" : license.status;
}

/** The licence's status today, for the lease endpoints (drm-leases.ts); null when there is no such licence. */
export function licenseStatus(store: DrmStore, licenseKey: string, nowSeconds: number): string | null {
  const license = store.getLicense(licenseKey);
  return license ? effectiveStatus(license, nowSeconds) : null;
}

/** The key a request must be signed with: activation proves possession of the key it registers. */
export function signingKeyFor(
  store: DrmStore,
  endpoint: EndpointName,
  body: Record<string, unknown>,
  licenseKey: string,
  machineId: string,
) {
  if (endpoint === "activate") {
    if (typeof body.machine_public_key_pem !== "string") return refuse(400, "machine_public_key_pem is required.");
    try {
      return parsePublicKeyPem(body.machine_public_key_pem);
    } catch (error) {
      if (error instanceof KeyFormatError) return refuse(400, `Invalid machine_public_key_pem: ${error.message}.`);
      throw error;
    }
  }
  const machine = store.getMachine(licenseKey, machineId);
  // A deactivated machine still proves who it is, and is then told so (see answer()).
  if (machine?.state !== "ACTIVE" && machine?.state !== "DEACTIVATED") return refuse(403, "Machine is not activated for this license.");
  return parsePublicKeyPem(machine.public_key_pem);
}

export function answer(store: DrmStore, endpoint: EndpointName, body: Record<string, unknown>, nowSeconds: number): Answer {
  const licenseKey = body.license_key as string;
  const machineId = body.machine_id as string;
  const license = store.getLicense(licenseKey);
  if (!license) return refuse(404, "License not found.");
  const status = effectiveStatus(license, nowSeconds);
  const base = { machine_id: machineId, license_key: licenseKey, expiry_date: license.expiry_date };

  if (endpoint === "activate") {
    const known = store.getMachine(licenseKey, machineId);
    // A machine that lost its key (spec 12.3) activates again with a new one, signed by it:
    // it keeps its seat, and the old key is no longer accepted.
    const rekey = known?.state === "ACTIVE" && known.public_key_pem !== body.machine_public_key_pem;
    // A licence that is not ACTIVE takes no new seat; the client reads the status.
    if (status === "ACTIVE" && (known?.state !== "ACTIVE" || rekey)) {
      if (!rekey && store.seatsUsed(licenseKey) >= license.max_machines)
        return refuse(400, "Maximum machine limit reached for this license.");
      store.putMachine({
        license_key: licenseKey,
        machine_id: machineId,
        public_key_pem: body.machine_public_key_pem as string,
        platform: String(body.platform ?? ""),
        software_version: String(body.software_version ?? ""),
        activated_at: nowSeconds,
        last_seen_at: nowSeconds,
      });
    }
    const { heartbeat_interval_minutes, heartbeat_grace_period_days, features } = license;
    return { ok: true, payload: { ...base, status, heartbeat_interval_minutes, heartbeat_grace_period_days, features } };
  }

  const machine = store.getMachine(licenseKey, machineId);
  if (machine?.state === "DEACTIVATED") return refuse(400, "Machine has been deactivated.");
  if (endpoint === "deactivate") {
    store.markDeactivated(licenseKey, machineId);
    return { ok: true, payload: { status: "DEACTIVATED", machine_id: machineId, license_key: licenseKey } };
  }
  if (endpoint === "heartbeat") {
    store.touchMachine(licenseKey, machineId, nowSeconds, typeof body.software_version === "string" ? body.software_version : undefined);
    const form = machine?.decommission ?? null;
    const shown = status === "ACTIVE" && form === "status" ? "DECOMMISSION_PENDING" : status;
    return { ok: true, payload: { ...base, status: shown, decommission_pending: form !== null } };
  }

  if (!machine?.decommission) return refuse(409, "No decommission was requested for this machine.");
  store.markDecommissioned(licenseKey, machineId);
  return { ok: true, payload: { machine_id: machineId, license_key: licenseKey, status: "DECOMMISSIONED" } };
}
