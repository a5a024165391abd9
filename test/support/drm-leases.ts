// Floating seats on the reference DRM server (spec 16.1): one lease per
// session_id, a seat count and lease length per licence (admin-set, default
// 300 s), seats counted from unexpired leases. In memory; test-side only.
import { equalsConstantTime } from "../../src/crypto/sha256.ts";
import type { Refusal } from "./drm-request-auth.ts";

export const LEASE_ENDPOINTS = ["lease", "lease-renew", "lease-release"] as const;
export type LeaseEndpoint = (typeof LEASE_ENDPOINTS)[number];
export const isLeaseEndpoint = (name: string): name is LeaseEndpoint => LEASE_ENDPOINTS.includes(name as LeaseEndpoint);

export const DEFAULT_LEASE_SECONDS = 300;

export interface FloatingConfig {
  license_key: string;
  max_concurrent: number;
  lease_seconds: number;
}

export interface LeaseRecord {
  session_id: string;
  license_key: string;
  machine_id: string;
  /** Milliseconds since the epoch. */
  expires_at: number;
}

export type LeaseAnswer = { ok: true; payload: Record<string, unknown> } | Refusal;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const refuse = (status: number, error: string): Refusal => ({ ok: false, status, error });
/** ISO 8601 UTC to the second, as the Python backend writes it. */
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export class LeaseBook {
  private readonly configs = new Map<string, FloatingConfig>();
  private readonly leases = new Map<string, LeaseRecord>();

  configure(input: { license_key: string; max_concurrent: number; lease_seconds?: number }): FloatingConfig {
    const config = { ...input, lease_seconds: input.lease_seconds ?? DEFAULT_LEASE_SECONDS };
    this.configs.set(input.license_key, config);
    return config;
  }

  /** A decommissioned machine can no longer sign a release: its seats are freed with it. */
  dropMachine(licenseKey: string, machineId: string): void {
    for (const [id, lease] of this.leases) if (lease.license_key === licenseKey && lease.machine_id === machineId) this.leases.delete(id);
  }

  /** Unexpired leases of a licence: the seats in use. */
  active(licenseKey: string, nowMs: number): LeaseRecord[] {
    return [...this.leases.values()].filter((lease) => lease.license_key === licenseKey && lease.expires_at > nowMs);
  }

  /** One of the three calls, for an authenticated machine whose licence has `status` today; `nowMs` is the server's clock. */
  answer(endpoint: LeaseEndpoint, body: Record<string, unknown>, status: string | null, nowMs: number): LeaseAnswer {
    if (status === null) return refuse(404, "License not found.");
    const licenseKey = body.license_key as string;
    const machineId = body.machine_id as string;
    const sessionId = body.session_id;
    if (typeof sessionId !== "string" || !UUID.test(sessionId)) return refuse(400, "session_id is required.");
    const config = this.configs.get(licenseKey);
    if (!config) return refuse(400, "License is not a floating license.");
    const base = { machine_id: machineId, license_key: licenseKey, session_id: sessionId };
    const held = this.leases.get(sessionId);
    const mine = held?.license_key === licenseKey && held.machine_id === machineId ? held : undefined;

    if (endpoint === "lease-release") {
      if (mine) this.leases.delete(sessionId);
      return { ok: true, payload: { ...base, status: "RELEASED" } };
    }
    if (endpoint === "lease-renew") {
      if (!mine || mine.expires_at <= nowMs) {
        if (mine) this.leases.delete(sessionId);
        return { ok: true, payload: { ...base, status: "LEASE_LOST" } };
      }
      // A licence that stopped being ACTIVE answers with its status, as a heartbeat does, and frees the seat.
      if (status !== "ACTIVE") {
        this.leases.delete(sessionId);
        return { ok: true, payload: { ...base, status } };
      }
      return { ok: true, payload: this.grant(config, mine, nowMs, base) };
    }
    if (status !== "ACTIVE") return refuse(400, `License is ${status}.`);
    const others = this.active(licenseKey, nowMs).filter((lease) => lease.session_id !== sessionId);
    if (others.length >= config.max_concurrent) return refuse(409, `All ${config.max_concurrent} concurrent seats are in use.`);
    const lease = { session_id: sessionId, license_key: licenseKey, machine_id: machineId, expires_at: 0 };
    return { ok: true, payload: this.grant(config, lease, nowMs, base) };
  }

  /** (Re)sets the lease to a full length from now; the answer's expiry is in `responded_at`'s whole seconds. */
  private grant(config: FloatingConfig, lease: LeaseRecord, nowMs: number, base: Record<string, string>): Record<string, unknown> {
    lease.expires_at = nowMs + config.lease_seconds * 1000;
    this.leases.set(lease.session_id, lease);
    const expiresAt = isoSeconds(Math.floor(nowMs / 1000) * 1000 + config.lease_seconds * 1000);
    const seats_used = this.active(config.license_key, nowMs).length;
    return { ...base, status: "LEASED", lease_expires_at: expiresAt, seats_used, seats_total: config.max_concurrent };
  }
}

/** `/admin/floating` (set a licence's seats and lease length) and `/admin/leases` (the unexpired ones); null for other paths. */
export async function handleFloatingAdmin(
  request: Request,
  path: string,
  token: string,
  book: LeaseBook,
  nowMs: number,
): Promise<Response | null> {
  if (path !== "/admin/floating" && path !== "/admin/leases") return null;
  if (!equalsConstantTime(request.headers.get("authorization") ?? "", `Bearer ${token}`)) {
    return Response.json({ error: "Admin token required." }, { status: 401 });
  }
  if (request.method === "GET" && path === "/admin/leases") {
    return Response.json(book.active(new URL(request.url).searchParams.get("license_key") ?? "", nowMs));
  }
  if (request.method !== "POST" || path !== "/admin/floating") return null;
  const body = (await request.json().catch(() => null)) as Record<string, unknown> | null;
  const { license_key, max_concurrent, lease_seconds } = body ?? {};
  const positive = (value: unknown) => Number.isSafeInteger(value) && (value as number) > 0;
  if (typeof license_key !== "string" || !positive(max_concurrent) || (lease_seconds !== undefined && !positive(lease_seconds))) {
    return Response.json(
      { error: "license_key, max_concurrent and an optional lease_seconds (positive integers) are required." },
      { status: 400 },
    );
  }
  return Response.json(
    book.configure({ license_key, max_concurrent: max_concurrent as number, lease_seconds: lease_seconds as number | undefined }),
  );
}

export interface FloatingAdmin {
  /** Makes the licence floating: `max_concurrent` seats, leases of `lease_seconds` (default 300). */
  configure(licenseKey: string, maxConcurrent: number, leaseSeconds?: number): Promise<FloatingConfig>;
  leases(licenseKey: string): Promise<LeaseRecord[]>;
}

export function createFloatingAdmin(origin: string, token: string): FloatingAdmin {
  const call = async <T>(path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${origin}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = (await response.json()) as T & { error?: string };
    if (!response.ok) throw new Error(`admin ${path}: ${response.status} ${data.error}`);
    return data;
  };
  return {
    configure: (license_key, max_concurrent, lease_seconds) => call("/admin/floating", { license_key, max_concurrent, lease_seconds }),
    leases: (licenseKey) => call(`/admin/leases?license_key=${encodeURIComponent(licenseKey)}`),
  };
}
