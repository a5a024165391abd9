// The demo's floating chapter (spec 16): one seat, two colleagues. The first runs
// the program; the second waits for the seat and starts when the first exits.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { issueDemoLicense } from "./demo-license.ts";
import type { DrmServer } from "./drm-server.ts";

export interface DemoContext {
  binary: string;
  app: string;
  work: string;
  drm: DrmServer;
  orgSecret: Uint8Array;
  /** Extra environment for every sentinel (the --tls run's CA file). */
  env: Record<string, string>;
  step(text: string): void;
  until(what: string, check: () => boolean | Promise<boolean>): Promise<void>;
}

/** A licence minute of 12 s: the 5 s between seat requests becomes 1 s. */
const MINUTE_MS = 12_000;

/** True when the second instance got the seat after the first one exited. */
export async function floatingStory({ binary, app, work, drm, orgSecret, env, step, until }: DemoContext): Promise<boolean> {
  step("The vendor sells a floating licence: any machine, but only 1 copy running at a time");
  const licenseKey = "LK-DEMO-FLOAT";
  const licensePath = join(work, "acme-floating.lic");
  await issueDemoLicense(drm, orgSecret, licensePath, { license_key: licenseKey, max_machines: 2, max_concurrent: 1 });
  await drm.floating.configure(licenseKey, 1, 60);
  const start = (who: string, extra: string[] = []) => {
    mkdirSync(join(work, `run-${who}`), { mode: 0o700 });
    return Bun.spawn([binary, "--license", licensePath, "--software", app, ...extra], {
      env: {
        ...process.env,
        SENTINEL_STATE_DIR: join(work, `state-${who}`),
        SENTINEL_KEYSTORE: "file",
        XDG_RUNTIME_DIR: join(work, `run-${who}`),
        SENTINEL_TEST_MINUTE_MS: String(MINUTE_MS),
        ...env,
      },
      stdio: ["ignore", "inherit", "inherit"],
    });
  };
  const leases = async (status: number) =>
    (await drm.admin.requestLog()).filter((entry) => entry.endpoint === "lease" && entry.http_status === status).length;

  step("Alice starts the program on her machine: her sentinel leases the seat before launching it");
  const alice = start("alice");
  await until("Alice's seat", async () => (await leases(200)) >= 1);

  step("Bob starts it too, with --wait-for-seat 60: no seat is free, so his sentinel waits");
  const bob = start("bob", ["--wait-for-seat", "60"]);
  await until("Bob to wait", async () => (await leases(409)) >= 2);

  step("Alice closes the program: her seat is released at once, and Bob's sentinel takes it");
  alice.kill("SIGTERM");
  await alice.exited;
  await until("Bob's seat", async () => (await leases(200)) >= 2);
  await Bun.sleep(1200); // pacing, not synchronisation: time for one status line from Bob's program
  bob.kill("SIGTERM");
  return (await bob.exited) === 0 && (await drm.floating.leases(licenseKey)).length === 0;
}
