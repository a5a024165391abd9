// A reference DRM server (spec 4) on Bun.serve + bun:sqlite, for tests and the
// demo: checks every request, signs every 200, and misbehaves on demand (faults).
import { parseArgs } from "node:util";
import { generateSecretKey, publicPointOf } from "../../src/crypto/es256.ts";
import { parsePrivateKeyPem, writePublicKeyPem } from "../../src/crypto/pem.ts";
import { ENDPOINTS } from "../../src/drm/server-url.ts";
import { createAdminClient, type DrmAdmin, handleAdmin } from "./drm-admin.ts";
import { answer, type EndpointName, licenseStatus, signingKeyFor } from "./drm-endpoints.ts";
import { dripResponse, earlyFaultResponse, type Fault, FaultQueue, faultedBody } from "./drm-faults.ts";
import { createFloatingAdmin, type FloatingAdmin, handleFloatingAdmin, isLeaseEndpoint, LeaseBook } from "./drm-leases.ts";
import { DEFAULT_OFFLINE_DAYS, OFFLINE_PATHS, type OfflineEndpoint, offlineAnswerCli, serveOffline } from "./drm-offline.ts";
import { authenticateRequest, TIMESTAMP_WINDOW_SECONDS } from "./drm-request-auth.ts";
import { DrmStore } from "./drm-store.ts";

/** `npx bun test/support/drm-server.ts offline-answer …`: the vendor's side of an offline request by hand (drm-offline.ts). */
if (import.meta.main && process.argv[2] === "offline-answer") process.exit(await offlineAnswerCli(process.argv.slice(3)));

export interface DrmServerOptions {
  /** The organisation key that signs every 200 (PKCS#8 PEM); or `orgSecret`; else a fresh one. */
  orgPrivatePem?: string;
  orgSecret?: Uint8Array;
  port?: number;
  hostname?: string;
  /** Serve the API under a prefix, e.g. `/drm` (admin stays at `/admin`). */
  pathPrefix?: string;
  /** bun:sqlite path; default in memory. */
  database?: string;
  adminToken?: string;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** Serve https:// with this chain and key (spec 14); admin then gets a plain loopback port of its own. */
  tls?: { chainPem: string; keyPem: string };
  /** The host name in `url` (default the listening address), e.g. one named in the certificate. */
  urlHost?: string;
  /** Shift of the `Date` header from `now`, in ms: a server whose clock is off (sentinel doctor). */
  dateSkewMs?: number;
  /** Days an offline activation lasts after today (spec 15.2); default 30. */
  offlineDays?: number;
  /** The clock request timestamps are checked against (default `now`): a test that moves a client's clock moves this one. */
  requestClock?: () => number;
}

export interface DrmServer {
  /** Base URL of the API, prefix included: what `--server-url` takes. */
  url: string;
  adminToken: string;
  orgPublicPem: string;
  orgPublicPoint: Uint8Array;
  admin: DrmAdmin;
  /** Floating seats (spec 16): configure a licence, list its leases. */
  floating: FloatingAdmin;
  stop(): Promise<void>;
}

const ENDPOINT_BY_PATH = new Map<string, EndpointName>([
  [ENDPOINTS.activate, "activate"],
  [ENDPOINTS.heartbeat, "heartbeat"],
  [ENDPOINTS.decommissionAck, "decommission-ack"],
  [ENDPOINTS.deactivate, "deactivate"],
  [ENDPOINTS.lease, "lease"],
  [ENDPOINTS.leaseRenew, "lease-renew"],
  [ENDPOINTS.leaseRelease, "lease-release"],
]);
const OFFLINE_BY_PATH = new Map<string, OfflineEndpoint>(
  Object.entries(OFFLINE_PATHS).map(([name, path]) => [path, name as OfflineEndpoint]),
);

const errorResponse = (status: number, error: string) => Response.json({ error }, { status });
/** ISO 8601 UTC to the second, as the Python backend writes it. */
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export async function startDrmServer(options: DrmServerOptions = {}): Promise<DrmServer> {
  const orgSecret = options.orgSecret ?? (options.orgPrivatePem ? parsePrivateKeyPem(options.orgPrivatePem) : generateSecretKey());
  const keys = { org: orgSecret, other: generateSecretKey() };
  const prefix = (options.pathPrefix ?? "").replace(/\/+$/, "");
  const now = options.now ?? Date.now;
  const offlineDays = options.offlineDays ?? DEFAULT_OFFLINE_DAYS;
  const adminToken = options.adminToken ?? Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("hex");
  const store = new DrmStore(options.database);
  const faults = new FaultQueue();
  const leases = new LeaseBook();
  let previousBody: string | null = null;

  async function serveEndpoint(request: Request, path: string, endpoint: EndpointName, fault: Fault | null): Promise<Response> {
    const early = fault && earlyFaultResponse(fault);
    if (early) return early;
    if (fault?.kind === "delay") await Bun.sleep(fault.ms);
    if (request.method !== "POST") return errorResponse(405, "Method not allowed.");
    const nowSeconds = Math.floor(now() / 1000);
    const auth = await authenticateRequest(request, path, {
      now: options.requestClock ? Math.floor(options.requestClock() / 1000) : nowSeconds,
      keyFor: (body, licenseKey, machineId) => signingKeyFor(store, endpoint, body, licenseKey, machineId),
      rememberNonce: (nonce) => store.rememberNonce(nonce, nowSeconds, TIMESTAMP_WINDOW_SECONDS),
    });
    if (!auth.ok) return errorResponse(auth.status, auth.error);
    const result = isLeaseEndpoint(endpoint)
      ? leases.answer(endpoint, auth.body, licenseStatus(store, auth.licenseKey, nowSeconds), now())
      : answer(store, endpoint, auth.body, nowSeconds);
    if (!result.ok) return errorResponse(result.status, result.error);
    // A machine that can no longer sign a release gives its seats back with its activation.
    if (endpoint === "decommission-ack" || endpoint === "deactivate") leases.dropMachine(auth.licenseKey, auth.machineId);
    const payload = { ...result.payload, request_nonce: auth.nonce, responded_at: isoSeconds(now()) };
    const body = await faultedBody(fault, payload, keys, previousBody);
    if (!fault) previousBody = body;
    if (fault?.kind === "slow-drip") return dripResponse(body, fault.intervalMs ?? 50);
    return new Response(body, { headers: { "content-type": "application/json" } });
  }

  const server = Bun.serve({
    port: options.port ?? 0,
    hostname: options.hostname ?? "127.0.0.1",
    idleTimeout: 30,
    fetch: withDate(async (request) => {
      const path = new URL(request.url).pathname;
      if (path.startsWith("/admin/"))
        return (
          (await handleFloatingAdmin(request, path, adminToken, leases, now())) ?? handleAdmin(request, path, adminToken, store, faults)
        );
      const offline = path.startsWith(prefix) ? OFFLINE_BY_PATH.get(path.slice(prefix.length)) : undefined;
      if (offline) {
        const response = await serveOffline(request, offline, { store, orgSecret, nowMs: now(), offlineDays });
        store.logRequest({ endpoint: offline, http_status: response.status, fault: null, machine_id: null, at: now() });
        return response;
      }
      const endpoint = path.startsWith(prefix) ? ENDPOINT_BY_PATH.get(path.slice(prefix.length)) : undefined;
      if (!endpoint) return errorResponse(404, "Not found.");
      const fault = faults.take();
      // Logged whatever happens, so tests can count attempts, including ones the client gave up on.
      let response = errorResponse(500, "Internal server error.");
      try {
        response = await serveEndpoint(request, path, endpoint, fault);
      } finally {
        const http_status = fault?.kind === "drop" ? 0 : response.status;
        store.logRequest({
          endpoint,
          http_status,
          fault: fault?.kind ?? null,
          machine_id: request.headers.get("X-Sentinel-Machine-Id"),
          at: now(),
        });
      }
      return response;
    }),
    error: () => errorResponse(500, "Internal server error."),
    ...(options.tls ? { tls: { cert: options.tls.chainPem, key: options.tls.keyPem } } : {}),
  });

  /** Every answer's `Date` header shifted by `dateSkewMs` when one is set. */
  function withDate(handler: (request: Request) => Promise<Response>) {
    return async (request: Request) => {
      const response = await handler(request);
      if (options.dateSkewMs) response.headers.set("date", new Date(now() + options.dateSkewMs).toUTCString());
      return response;
    };
  }

  const host = server.hostname?.includes(":") ? `[${server.hostname}]` : server.hostname;
  const scheme = options.tls ? "https" : "http";
  // Admin calls must work whatever the certificate (expired, wrong host): plain HTTP beside it.
  const adminServer = options.tls ? Bun.serve({ port: 0, hostname: server.hostname, fetch: (request) => server.fetch(request) }) : null;
  const origin = `http://${host}:${adminServer?.port ?? server.port}`;
  const orgPublicPoint = await publicPointOf(orgSecret);
  return {
    url: `${scheme}://${options.urlHost ?? host}:${server.port}${prefix}`,
    adminToken,
    orgPublicPem: writePublicKeyPem(orgPublicPoint),
    orgPublicPoint,
    admin: createAdminClient(origin, adminToken),
    floating: createFloatingAdmin(origin, adminToken),
    stop: async () => {
      await adminServer?.stop(true);
      await server.stop(true);
      store.close();
    },
  };
}

/** Licence tooling: `npx bun test/support/drm-server.ts mint-hardware-bound …` (see drm-mint-cli.ts). */
if (import.meta.main && process.argv[2] === "mint-hardware-bound") {
  process.exit(await (await import("./drm-mint-cli.ts")).mintHardwareBoundCli(process.argv.slice(3)));
}

/** CLI: `npx bun test/support/drm-server.ts [--port N] [--hostname H] [--org-key file] [--prefix /drm] [--db file]`. */
if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "0" },
      hostname: { type: "string", default: "127.0.0.1" },
      "org-key": { type: "string" },
      prefix: { type: "string" },
      db: { type: "string" },
    },
  });
  const orgKey = values["org-key"];
  const server = await startDrmServer({
    orgPrivatePem: orgKey ? await Bun.file(orgKey).text() : undefined,
    port: Number(values.port),
    hostname: values.hostname,
    pathPrefix: values.prefix,
    database: values.db,
  });
  process.stdout.write(`DRM server: ${server.url}\nadmin token: ${server.adminToken}\norg public key:\n${server.orgPublicPem}`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void server.stop().then(() => process.exit(0)));
}
