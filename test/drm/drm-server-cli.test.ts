// The reference server runs on its own (npm run dev-server): it prints its URL and
// admin token, and a real client gets verified answers signed by the given org key.
import { afterAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePublicKeyPem } from "../../src/crypto/pem.ts";
import { createDrmClient } from "../../src/drm/client.ts";
import { createAdminClient } from "../support/drm-admin.ts";
import { generateKeyPair } from "../support/keys.ts";
import { REPO_ROOT, VECTORS } from "../support/paths.ts";

const dir = await mkdtemp(join(tmpdir(), "drm-cli-"));
const child = Bun.spawn(
  [
    process.execPath,
    "test/support/drm-server.ts",
    "--port",
    "0",
    "--org-key",
    `${VECTORS}/org_private.pem`,
    "--prefix",
    "/drm",
    "--db",
    join(dir, "drm.sqlite"),
  ],
  { cwd: REPO_ROOT, stdout: "pipe", stderr: "inherit" },
);
afterAll(async () => {
  child.kill();
  await child.exited;
  await rm(dir, { recursive: true, force: true });
});

/** Reads stdout until both lines are there (the test's own timeout is the deadline). */
async function banner(): Promise<{ url: string; token: string }> {
  const reader = child.stdout.getReader();
  let text = "";
  for (;;) {
    const url = /^DRM server: (\S+)$/m.exec(text)?.[1];
    const token = /^admin token: (\S+)$/m.exec(text)?.[1];
    if (url && token && text.includes("-----END PUBLIC KEY-----")) return (reader.releaseLock(), { url, token });
    const { done, value } = await reader.read();
    if (done) throw new Error(`server exited early: ${text}`);
    text += new TextDecoder().decode(value);
  }
}

test("prints URL and token; serves signed answers under the prefix", async () => {
  const { url, token } = await banner();
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/drm$/);
  const admin = createAdminClient(new URL(url).origin, token);
  await admin.createLicense({ license_key: "LK-CLI" });
  const machine = await generateKeyPair();
  const client = createDrmClient({
    baseUrl: new URL(url),
    machineId: crypto.randomUUID(),
    machineSecret: machine.secret,
    orgPublicPoint: parsePublicKeyPem(await Bun.file(`${VECTORS}/org_public.pem`).text()),
  });
  expect((await client.activate({ licenseKey: "LK-CLI", machinePublicKeyPem: machine.publicPem })).class).toBe("verified");
  expect((await client.heartbeat({ licenseKey: "LK-CLI" })).class).toBe("verified");
  expect(await admin.requestCounts()).toEqual({ activate: 1, heartbeat: 1 });
});
