// The reference DRM server's records (bun:sqlite): licences, machines and their
// seats, seen nonces, and the request log. Test-side only; no HTTP here.
import { Database } from "bun:sqlite";

export const LICENSE_STATUSES = ["ACTIVE", "REVOKED", "EXPIRED", "SUSPENDED"] as const;
export type LicenseStatus = (typeof LICENSE_STATUSES)[number];
/** How a decommission request shows in heartbeats: the status, or the flag beside ACTIVE. */
export type DecommissionForm = "status" | "flag";

export interface LicenseRecord {
  license_key: string;
  status: LicenseStatus;
  max_machines: number;
  expiry_date: string;
  heartbeat_interval_minutes: number;
  heartbeat_grace_period_days: number;
  features: Record<string, unknown>;
}

export interface MachineRecord {
  license_key: string;
  machine_id: string;
  public_key_pem: string;
  platform: string;
  software_version: string;
  state: "ACTIVE" | "DECOMMISSIONED" | "DEACTIVATED";
  decommission: DecommissionForm | null;
  activated_at: number;
  last_seen_at: number;
}

// A type alias, not an interface, so it binds as SQL parameters.
export type RequestLogEntry = {
  endpoint: string;
  http_status: number;
  fault: string | null;
  machine_id: string | null;
  at: number;
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS licenses (license_key TEXT PRIMARY KEY, status TEXT NOT NULL, max_machines INTEGER NOT NULL,
  expiry_date TEXT NOT NULL, heartbeat_interval_minutes INTEGER NOT NULL, heartbeat_grace_period_days INTEGER NOT NULL, features TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS machines (license_key TEXT NOT NULL, machine_id TEXT NOT NULL, public_key_pem TEXT NOT NULL,
  platform TEXT NOT NULL, software_version TEXT NOT NULL, state TEXT NOT NULL, decommission TEXT,
  activated_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL, PRIMARY KEY (license_key, machine_id));
CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, seen_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS request_log (id INTEGER PRIMARY KEY AUTOINCREMENT, endpoint TEXT NOT NULL, http_status INTEGER NOT NULL,
  fault TEXT, machine_id TEXT, at INTEGER NOT NULL);
`;

type LicenseRow = Omit<LicenseRecord, "features"> & { features: string };

export class DrmStore {
  private readonly db: Database;

  constructor(path = ":memory:") {
    this.db = new Database(path, { create: true, strict: true });
    this.db.exec("PRAGMA journal_mode = WAL;");
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.db.close();
  }

  putLicense(license: LicenseRecord): void {
    this.db
      .query(
        `INSERT OR REPLACE INTO licenses VALUES ($license_key, $status, $max_machines, $expiry_date,
         $heartbeat_interval_minutes, $heartbeat_grace_period_days, $features)`,
      )
      .run({ ...license, features: JSON.stringify(license.features) });
  }

  getLicense(key: string): LicenseRecord | null {
    const row = this.db.query<LicenseRow, [string]>("SELECT * FROM licenses WHERE license_key = ?").get(key);
    return row ? { ...row, features: JSON.parse(row.features) } : null;
  }

  setLicenseStatus(key: string, status: LicenseStatus): boolean {
    return this.db.query("UPDATE licenses SET status = ? WHERE license_key = ?").run(status, key).changes > 0;
  }

  getMachine(key: string, machineId: string): MachineRecord | null {
    return this.db
      .query<MachineRecord, [string, string]>("SELECT * FROM machines WHERE license_key = ? AND machine_id = ?")
      .get(key, machineId);
  }

  listMachines(key: string): MachineRecord[] {
    return this.db
      .query<MachineRecord, [string]>("SELECT * FROM machines WHERE license_key = ? ORDER BY activated_at, machine_id")
      .all(key);
  }

  /** Seats in use: machines not decommissioned. */
  seatsUsed(key: string): number {
    const row = this.db
      .query<{ n: number }, [string]>("SELECT COUNT(*) AS n FROM machines WHERE license_key = ? AND state = 'ACTIVE'")
      .get(key);
    return row?.n ?? 0;
  }

  /** Registers (or re-registers after a decommission) a machine on a seat. */
  putMachine(machine: Omit<MachineRecord, "state" | "decommission">): void {
    this.db
      .query(
        `INSERT OR REPLACE INTO machines VALUES ($license_key, $machine_id, $public_key_pem, $platform, $software_version,
         'ACTIVE', NULL, $activated_at, $last_seen_at)`,
      )
      .run(machine);
  }

  touchMachine(key: string, machineId: string, at: number, softwareVersion?: string): void {
    this.db
      .query(
        "UPDATE machines SET last_seen_at = ?, software_version = COALESCE(?, software_version) WHERE license_key = ? AND machine_id = ?",
      )
      .run(at, softwareVersion ?? null, key, machineId);
  }

  requestDecommission(key: string, machineId: string, form: DecommissionForm): boolean {
    const sql = "UPDATE machines SET decommission = ? WHERE license_key = ? AND machine_id = ? AND state = 'ACTIVE'";
    return this.db.query(sql).run(form, key, machineId).changes > 0;
  }

  /** Frees the seat. */
  markDecommissioned(key: string, machineId: string): void {
    this.db
      .query("UPDATE machines SET state = 'DECOMMISSIONED', decommission = NULL WHERE license_key = ? AND machine_id = ?")
      .run(key, machineId);
  }

  /** Spec 15.3: the seat is freed, and the machine's later heartbeats are refused. */
  markDeactivated(key: string, machineId: string): void {
    this.db
      .query("UPDATE machines SET state = 'DEACTIVATED', decommission = NULL WHERE license_key = ? AND machine_id = ?")
      .run(key, machineId);
  }

  /** False when the nonce was seen before (a replay). Nonces older than the timestamp window are forgotten. */
  rememberNonce(nonce: string, now: number, windowSeconds: number): boolean {
    this.db.query("DELETE FROM nonces WHERE seen_at < ?").run(now - 2 * windowSeconds);
    return this.db.query("INSERT OR IGNORE INTO nonces VALUES (?, ?)").run(nonce, now).changes > 0;
  }

  logRequest(entry: RequestLogEntry): void {
    this.db
      .query(
        "INSERT INTO request_log (endpoint, http_status, fault, machine_id, at) VALUES ($endpoint, $http_status, $fault, $machine_id, $at)",
      )
      .run(entry);
  }

  requestLog(): RequestLogEntry[] {
    return this.db.query<RequestLogEntry, []>("SELECT endpoint, http_status, fault, machine_id, at FROM request_log ORDER BY id").all();
  }

  clearRequestLog(): void {
    this.db.exec("DELETE FROM request_log");
  }
}
