// `npm run demo`: the whole STANDARD story in a dozen seconds, on loopback, with
// a throwaway organisation key. Builds the sentinel with that key, starts the
// reference DRM server, mints a licence, runs a demo program under the sentinel,
// then shows a heartbeat, an outage on grace, a move to a new machine (deactivate,
// activate), a revocation stopping it (77), and a floating licence's one seat
// passing from one instance to the next.
// `npm run demo -- --tls`: the server on https:// with a throwaway CA the sentinel is told to trust.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSentinel } from "../../build.ts";
import { floatingStory } from "./demo-floating.ts";
import { issueDemoLicense } from "./demo-license.ts";
import { startDrmServer } from "./drm-server.ts";
import { generateKeyPair } from "./keys.ts";
import { makeTestCa } from "./test-ca.ts";

const TLS = process.argv.includes("--tls");
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

// --tls: a throwaway CA, a certificate for localhost, and SENTINEL_CA_FILE for the sentinel.
const ca = TLS ? makeTestCa("Sentinel Demo CA") : undefined;
const server = { current: undefined as Awaited<ReturnType<typeof startDrmServer>> | undefined };
try {
  step("A vendor makes an organisation key and builds the sentinel with it baked in");
  const org = await generateKeyPair();
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
  const tls = ca ? { tls: ca.issue({ names: ["localhost", "127.0.0.1"] }), urlHost: "localhost" } : {};
  const drm = await startDrmServer({ orgSecret: org.secret, ...tls });
  server.current = drm;
  const licenseKey = "LK-DEMO-0001";
  const licensePath = join(work, "acme.lic");
  await issueDemoLicense(drm, org.secret, licensePath, { license_key: licenseKey, max_machines: 1 });
  process.stdout.write(`  server ${drm.url}, licence ${licensePath}\n`);

  const app = join(work, "acme-app");
  writeFileSync(app, `#!/bin/sh\nexec "${process.execPath}" "${join(import.meta.dir, "demo-app.ts")}"\n`);
  chmodSync(app, 0o755);
  const stateDir = join(work, "state");
  mkdirSync(join(work, "run"), { mode: 0o700 });

  const env = (state: string) => ({
    ...process.env,
    SENTINEL_STATE_DIR: state,
    SENTINEL_KEYSTORE: "file",
    XDG_RUNTIME_DIR: join(work, "run"),
    SENTINEL_TEST_MINUTE_MS: String(MINUTE_MS),
    ...(ca ? { SENTINEL_CA_FILE: ca.certPath } : {}),
  });
  const start = (state: string) =>
    Bun.spawn([binary as string, "--license", licensePath, "--software", app], {
      env: env(state),
      stdio: ["ignore", "inherit", "inherit"],
    });
  /** One installer command on the machine whose state is `state`; fails the demo on another exit code. */
  const command = async (args: string[], state: string, expected: number) => {
    process.stdout.write(`  $ sentinel ${args.join(" ")}\n`);
    const code = await Bun.spawn([binary as string, ...args], { env: env(state), stdio: ["ignore", "inherit", "inherit"] }).exited;
    if (code !== expected) throw new Error(`demo: sentinel ${args[0]} exited with ${code}, expected ${expected}`);
    process.stdout.write(`  (exit ${code})\n`);
  };

  if (ca) {
    step(`The customer's IT trusts the server's CA (SENTINEL_CA_FILE=${ca.certPath}) and checks: sentinel doctor`);
    await command(["doctor", "--license", licensePath], stateDir, 0);
  }

  step("The customer runs: sentinel --license acme.lic --software ./acme-app (activation, heartbeat, launch)");
  const sentinel = start(stateDir);
  const heartbeats = async () => (await drm.admin.requestCounts()).heartbeat ?? 0;
  await until("two heartbeats", async () => (await heartbeats()) >= 3);

  step("The DRM server goes down for one heartbeat: the sentinel keeps the program running on grace");
  await drm.admin.injectFault({ kind: "http-500-html" }, 3);
  const before = await heartbeats();
  await until("the outage and the next good heartbeat", async () => (await heartbeats()) >= before + 4);

  step("The customer moves to a new machine (max_machines 1): the new one is refused while the old one holds the seat");
  sentinel.kill("SIGTERM");
  await sentinel.exited;
  const newStateDir = join(work, "new-machine-state");
  await command(["activate", "--license", licensePath], newStateDir, 77);
  step("sentinel deactivate on the old machine gives the seat back; the new machine activates and runs");
  await command(["deactivate", "--license", licensePath], stateDir, 0);
  await command(["activate", "--license", licensePath], newStateDir, 0);
  const moved = start(newStateDir);
  const onNew = await heartbeats();
  await until("a heartbeat from the new machine", async () => (await heartbeats()) >= onNew + 2);

  step("The vendor revokes the licence: at the next heartbeat the sentinel stops the program");
  await drm.admin.setLicenseStatus(licenseKey, "REVOKED");
  const code = await moved.exited;
  step(`The sentinel exited with ${code} (77 = denied: the licence was revoked).`);
  const floating = await floatingStory({
    binary: binary as string,
    app,
    work,
    drm,
    orgSecret: org.secret,
    env: ca ? { SENTINEL_CA_FILE: ca.certPath } : {},
    step,
    until,
  });
  step("Demo over.");
  process.exitCode = code === 77 && floating ? 0 : 1;
} finally {
  await server.current?.stop();
  rmSync(work, { recursive: true, force: true });
  ca?.remove();
}
