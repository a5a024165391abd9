// The reference DRM server's admin API (bearer token) and its typed client, for
// tests and the demo: licences, decommission requests, the request log, faults.
import { equalsConstantTime } from "../../src/crypto/sha256.ts";
import type { Fault, FaultQueue } from "./drm-faults.ts";
import {
  type DecommissionForm,
  type DrmStore,
  LICENSE_STATUSES,
  type LicenseRecord,
  type LicenseStatus,
  type MachineRecord,
  type RequestLogEntry,
} from "./drm-store.ts";
import { isoDay } from "./mint.ts";

export type LicenseInput = Partial<LicenseRecord> & { license_key: string };

/** Defaults match standardPayload() in mint.ts, so a minted licence and its server record agree. */
export function licenseRecord(input: LicenseInput): LicenseRecord {
  return {
    status: "ACTIVE",
    max_machines: 2,
    expiry_date: isoDay(365),
    heartbeat_interval_minutes: 60,
    heartbeat_grace_period_days: 7,
    features: { tier: "pro", seats: 5 },
    ...input,
  };
}

const ok = (body: unknown = { ok: true }) => Response.json(body);
const bad = (error: string, status = 400) => Response.json({ error }, { status });
const isStatus = (value: unknown): value is LicenseStatus => LICENSE_STATUSES.includes(value as LicenseStatus);

/** Answers /admin/* requests; everything else is not its business. */
export async function handleAdmin(request: Request, path: string, token: string, store: DrmStore, faults: FaultQueue): Promise<Response> {
  const auth = request.headers.get("authorization") ?? "";
  if (!equalsConstantTime(auth, `Bearer ${token}`)) return bad("Admin token required.", 401);
  const body = request.method === "POST" ? ((await request.json().catch(() => null)) as Record<string, unknown> | null) : null;
  const query = new URL(request.url).searchParams;
  const route = `${request.method} ${path}`;
  if (route === "GET /admin/machines") return ok(store.listMachines(query.get("license_key") ?? ""));
  if (route === "GET /admin/requests") return ok(store.requestLog());
  if (route === "POST /admin/requests/clear") return (store.clearRequestLog(), ok());
  if (route === "POST /admin/faults/clear") return (faults.clear(), ok());
  if (!body) return bad("Not found or malformed JSON body.", 404);
  const key = typeof body.license_key === "string" ? body.license_key : "";
  switch (route) {
    case "POST /admin/licenses": {
      if (!key || (body.status !== undefined && !isStatus(body.status))) return bad("license_key and a valid status are required.");
      const record = licenseRecord(body as LicenseInput);
      store.putLicense(record);
      return ok(record);
    }
    case "POST /admin/licenses/status":
      if (!isStatus(body.status)) return bad("A valid status is required.");
      return store.setLicenseStatus(key, body.status) ? ok() : bad("License not found.", 404);
    case "POST /admin/decommission": {
      const form: DecommissionForm = body.form === "flag" ? "flag" : "status";
      return store.requestDecommission(key, String(body.machine_id), form) ? ok() : bad("No such active machine.", 404);
    }
    case "POST /admin/faults":
      faults.inject(body.fault as Fault, typeof body.count === "number" ? body.count : 1);
      return ok();
    default:
      return bad("Not found.", 404);
  }
}

export interface DrmAdmin {
  createLicense(input: LicenseInput): Promise<LicenseRecord>;
  setLicenseStatus(licenseKey: string, status: LicenseStatus): Promise<void>;
  /** `status` (default): heartbeats answer DECOMMISSION_PENDING; `flag`: ACTIVE with decommission_pending true. */
  requestDecommission(licenseKey: string, machineId: string, form?: DecommissionForm): Promise<void>;
  listMachines(licenseKey: string): Promise<MachineRecord[]>;
  requestLog(): Promise<RequestLogEntry[]>;
  /** Requests seen per endpoint (`activate`, `heartbeat`, `decommission-ack`). */
  requestCounts(): Promise<Record<string, number>>;
  clearRequestLog(): Promise<void>;
  /** The fault answers the next `count` DRM requests. */
  injectFault(fault: Fault, count?: number): Promise<void>;
  clearFaults(): Promise<void>;
}

export function createAdminClient(origin: string, token: string): DrmAdmin {
  async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${origin}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = (await response.json()) as T & { error?: string };
    if (!response.ok) throw new Error(`admin ${path}: ${response.status} ${data.error}`);
    return data;
  }
  const requestLog = () => call<RequestLogEntry[]>("GET", "/admin/requests");
  return {
    createLicense: (input) => call("POST", "/admin/licenses", input),
    setLicenseStatus: async (license_key, status) => void (await call("POST", "/admin/licenses/status", { license_key, status })),
    requestDecommission: async (license_key, machine_id, form = "status") =>
      void (await call("POST", "/admin/decommission", { license_key, machine_id, form })),
    listMachines: (licenseKey) => call("GET", `/admin/machines?license_key=${encodeURIComponent(licenseKey)}`),
    requestLog,
    requestCounts: async () => {
      const counts: Record<string, number> = {};
      for (const entry of await requestLog()) counts[entry.endpoint] = (counts[entry.endpoint] ?? 0) + 1;
      return counts;
    },
    clearRequestLog: async () => void (await call("POST", "/admin/requests/clear")),
    injectFault: async (fault, count = 1) => void (await call("POST", "/admin/faults", { fault, count })),
    clearFaults: async () => void (await call("POST", "/admin/faults/clear")),
  };
}
