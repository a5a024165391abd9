// A reference DRM server with one licence and machines to drive it with the real
// client, over loopback HTTP. Test-side only.
import { createDrmClient, type DrmClient, type DrmClientOptions } from "../../src/drm/client.ts";
import type { LicenseInput } from "./drm-admin.ts";
import { type DrmServer, type DrmServerOptions, startDrmServer } from "./drm-server.ts";
import { generateKeyPair, type KeyPair } from "./keys.ts";

export interface TestMachine {
  machineId: string;
  key: KeyPair;
  client: DrmClient;
  activate(): ReturnType<DrmClient["activate"]>;
  heartbeat(): ReturnType<DrmClient["heartbeat"]>;
  decommissionAck(): ReturnType<DrmClient["decommissionAck"]>;
}

export interface DrmFixture {
  server: DrmServer;
  licenseKey: string;
  /** A machine with its own id and key; client options default to fast retries (no backoff). */
  machine(options?: Partial<DrmClientOptions>): Promise<TestMachine>;
  stop(): Promise<void>;
}

export async function startDrmFixture(options: { server?: DrmServerOptions; license?: Partial<LicenseInput> } = {}): Promise<DrmFixture> {
  const server = await startDrmServer(options.server);
  const licenseKey = `LK-${crypto.randomUUID()}`;
  await server.admin.createLicense({ license_key: licenseKey, ...options.license });
  return {
    server,
    licenseKey,
    async machine(overrides = {}) {
      const key = await generateKeyPair();
      const machineId = crypto.randomUUID();
      const client = createDrmClient({
        baseUrl: new URL(server.url),
        machineId,
        machineSecret: key.secret,
        orgPublicPoint: server.orgPublicPoint,
        timeoutMs: 5000,
        backoffMs: [0],
        ...overrides,
      });
      return {
        machineId,
        key,
        client,
        activate: () => client.activate({ licenseKey, machinePublicKeyPem: key.publicPem }),
        heartbeat: () => client.heartbeat({ licenseKey }),
        decommissionAck: () => client.decommissionAck({ licenseKey }),
      };
    },
    stop: () => server.stop(),
  };
}
