// The state record of spec 5.3: its fields, strict validation of decrypted JSON, and
// the two starting states the policy needs. Pure apart from the UUID it draws.

export interface State {
  /** UUID v4, made once per state. */
  machine_id: string;
  activated: boolean;
  license_key: string;
  /** Unix seconds of the last verified heartbeat or activation; null before the first. */
  last_heartbeat_success: number | null;
  grace_remaining_seconds: number;
  grace_exhausted: boolean;
  /** Set by the store on every save; whatever a caller puts here is replaced. */
  generation: number;
  /** The latest Unix time this machine has seen. */
  last_seen: number;
  /** Spec 15.2: the nonce of the offline activation request awaiting its response. */
  pending_offline_nonce?: string;
  /** Spec 15.2: the last day (UTC, inclusive) this machine runs without the DRM server. */
  offline_until?: string;
}

/** What a load found. "tampered" covers undecryptable, unparsable and rolled-back states. */
export type Loaded = { kind: "none" } | { kind: "ok"; state: State } | { kind: "tampered"; reason: string };

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** First run: a new machine id, not activated, the full grace quota. */
export function freshState(licenseKey: string, graceSeconds: number, now: number): State {
  return {
    machine_id: crypto.randomUUID(),
    activated: false,
    license_key: licenseKey,
    last_heartbeat_success: null,
    grace_remaining_seconds: graceSeconds,
    grace_exhausted: false,
    generation: 0,
    last_seen: now,
  };
}

/** After tampering (spec 5.3): a new machine id and no grace, so the server must be reached. */
export function tamperedState(licenseKey: string, now: number): State {
  return { ...freshState(licenseKey, 0, now), grace_exhausted: true };
}

/** The state in `value`, or a message naming the first field that is wrong. Extra fields are dropped. */
export function checkState(value: unknown): State | string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON object";
  const v = value as Record<string, unknown>;
  if (typeof v.machine_id !== "string" || !UUID_V4.test(v.machine_id)) return "machine_id is not a UUID v4";
  if (typeof v.activated !== "boolean") return "activated is not a boolean";
  if (typeof v.license_key !== "string" || v.license_key === "") return "license_key is not a non-empty string";
  if (v.last_heartbeat_success !== null && !isCount(v.last_heartbeat_success)) return "last_heartbeat_success is not Unix seconds or null";
  if (!isCount(v.grace_remaining_seconds)) return "grace_remaining_seconds is not a non-negative integer";
  if (typeof v.grace_exhausted !== "boolean") return "grace_exhausted is not a boolean";
  if (!isCount(v.generation)) return "generation is not a non-negative integer";
  if (!isCount(v.last_seen)) return "last_seen is not Unix seconds";
  if (v.pending_offline_nonce !== undefined && (typeof v.pending_offline_nonce !== "string" || !UUID_V4.test(v.pending_offline_nonce)))
    return "pending_offline_nonce is not a UUID v4";
  if (v.offline_until !== undefined && (typeof v.offline_until !== "string" || !DAY.test(v.offline_until)))
    return "offline_until is not a YYYY-MM-DD date";
  return {
    machine_id: v.machine_id,
    activated: v.activated,
    license_key: v.license_key,
    last_heartbeat_success: v.last_heartbeat_success as number | null,
    grace_remaining_seconds: v.grace_remaining_seconds,
    grace_exhausted: v.grace_exhausted,
    generation: v.generation,
    last_seen: v.last_seen,
    ...(v.pending_offline_nonce === undefined ? {} : { pending_offline_nonce: v.pending_offline_nonce as string }),
    ...(v.offline_until === undefined ? {} : { offline_until: v.offline_until as string }),
  };
}
