// `npm run demo`: the whole STANDARD story in a dozen seconds, on loopback, with
// a throwaway organisation key. Builds the sentinel with that key, starts the
// reference DRM server, mints a licence, runs a demo program under the sentinel,
// then shows a heartbeat, an outage on grace, a revocation stopping it (77), and
// a floating licence's one seat passing from one instance to the next.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSentinel } from "../../build.ts";
import { floatingStory } from "./demo-floating.ts";
import { startDrmServer } from "./drm-server.ts";
import { generateKeyPair } from "./keys.ts";
import { mintLicense, standardPayload } from "./mint.ts";

const MINUTE_MS = 20; // one licence minute lasts 20 ms here, so a 60-minute heartbeat comes every 1.2 s
const work = mkdtempSync(join(tmpdir(), "sentinel-demo-"));
const step = (text: string) => process.stdout.write(`\n\u25b6 ${text}\n`);
const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`demo: timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
};

const server = { current: undefined as ReturnType<typeof startDrmServer> | undefined };
try {
  step("A vendor makes an organisation key and builds the sentinel with it baked in");
  const org = generateKeyPair();
  writeFileSync(join(work, "org_public.pem"), org.publicPem);
  const [binary] = await buildSentinel({
    orgKeyPem: org.publicPem,
    version: "demo",
    targets: [`bun-linux-${process.arch}`],
    outdir: join(work, "dist"),
    testBuild: true,
  });
  process.stdout.write(`  built ${binary}\n`);

  step("The vendor's DRM server runs (here: the reference server on loopback) and issues a STANDARD licence");
  const drm = startDrmServer({ orgSecret: org.secret });
  server.current = drm;
  const licenseKey = "LK-DEMO-0001";
  await drm.admin.createLicense({
    license_key: licenseKey,
    max_machines: 1,
    heartbeat_interval_minutes: 60,
    heartbeat_grace_period_days: 1,
  });
  const licensePath = join(work, "acme.lic");
  const payload = standardPayload({
    license_key: licenseKey,
    software_id: "acme-server",
    server_url: drm.url,
    max_machines: 1,
    heartbeat_interval_minutes: 60,
    heartbeat_grace_period_days: 1,
  });
  writeFileSync(licensePath, mintLicense(payload, org.secret));
  process.stdout.write(`  server ${drm.url}, licence ${licensePath}\n`);

  const app = join(work, "acme-app");
  writeFileSync(app, `#!/bin/sh\nexec "${process.execPath}" "${join(import.meta.dir, "demo-app.ts")}"\n`);
  chmodSync(app, 0o755);
  const stateDir = join(work, "state");
  mkdirSync(join(work, "run"), { mode: 0o700 });

  step("The customer runs: sentinel --license acme.lic --software ./acme-app (activation, heartbeat, launch)");
  const sentinel = Bun.spawn([binary as string, "--license", licensePath, "--software", app], {
    env: {
      ...process.env,
      SENTINEL_STATE_DIR: stateDir,
      SENTINEL_KEYSTORE: "file",
      XDG_RUNTIME_DIR: join(work, "run"),
      SENTINEL_TEST_MINUTE_MS: String(MINUTE_MS),
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const heartbeats = async () => (await drm.admin.requestCounts()).heartbeat ?? 0;
  await until("two heartbeats", async () => (await heartbeats()) >= 3);

  step("The DRM server goes down for one heartbeat: the sentinel keeps the program running on grace");
  await drm.admin.injectFault({ kind: "http-500-html" }, 3);
  const before = await heartbeats();
  await until("the outage and the next good heartbeat", async () => (await heartbeats()) >= before + 4);

  step("The vendor revokes the licence: at the next heartbeat the sentinel stops the program");
  await drm.admin.setLicenseStatus(licenseKey, "REVOKED");
  const code = await sentinel.exited;
  step(`The sentinel exited with ${code} (77 = denied: the licence was revoked).`);
  const floating = await floatingStory({ binary: binary as string, app, work, drm, orgSecret: org.secret, step, until });
  step("Demo over.");
  process.exitCode = code === 77 && floating ? 0 : 1;
} finally {
  await server.current?.stop();
  rmSync(work, { recursive: true, force: true });
}
