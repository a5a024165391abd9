// The reference server's side of spec 15 through the real client and real files:
// request files checked with the machine's key, seats taken and freed, the online
// deactivation, a deactivated machine's heartbeats refused, and `offline-answer`.
import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePublicKeyPem } from "../../src/crypto/pem.ts";
import { verifyResponse } from "../../src/drm/response.ts";
import { activationRequestPayload, deactivationRequestPayload, signRequestFile } from "../../src/offline/request-file.ts";
import { type DrmFixture, startDrmFixture, type TestMachine } from "../support/drm-fixture.ts";
import { OFFLINE_PATHS, type OfflineEndpoint } from "../support/drm-offline.ts";
import { generateKeyPair, type KeyPair } from "../support/keys.ts";
import { isoDay } from "../support/mint.ts";
import { REPO_ROOT, VECTORS } from "../support/paths.ts";

let drm: DrmFixture;
beforeEach(async () => {
  drm = await startDrmFixture({ server: { offlineDays: 10 }, license: { max_machines: 1 } });
});
afterEach(() => drm.stop());
const dir = mkdtempSync(join(tmpdir(), "drm-offline-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function activationFile(machineId: string, key: KeyPair, signer = key.secret, licenseKey = drm.licenseKey): Promise<string> {
  const payload = activationRequestPayload({
    licenseKey,
    machineId,
    machinePublicKeyPem: key.publicPem,
    platform: "LINUX_AMD64",
    softwareVersion: "1.0.0",
    nonce: crypto.randomUUID(),
    nowMs: Date.now(),
  });
  return signRequestFile(payload, signer);
}
const deactivationFile = (machine: TestMachine, signer = machine.key.secret) =>
  signRequestFile(
    deactivationRequestPayload({ licenseKey: drm.licenseKey, machineId: machine.machineId, nonce: crypto.randomUUID(), nowMs: Date.now() }),
    signer,
  );
const post = (endpoint: OfflineEndpoint, body: string) => fetch(`${drm.server.url}${OFFLINE_PATHS[endpoint]}`, { method: "POST", body });
const requestNonce = (requestFile: string): string =>
  JSON.parse(Buffer.from(JSON.parse(requestFile).payload, "base64url").toString("utf8")).request_nonce;
/** The answer verified as the sentinel verifies a server response, for the request's nonce. */
async function verifiedPayload(response: Response, requestFile: string, machineId: string) {
  const nonce = requestNonce(requestFile);
  const body = new Uint8Array(await response.arrayBuffer());
  const verified = await verifyResponse(body, { orgPublicPoint: drm.server.orgPublicPoint, nonce, machineId, licenseKey: drm.licenseKey });
  if (!verified.ok) throw new Error(`response failed ${verified.failed}`);
  return verified.payload;
}

describe("POST /api/v1/drm/offline/activate/", () => {
  test("a request signed by the key inside it takes a seat and is answered with the window", async () => {
    const key = await generateKeyPair();
    const machineId = crypto.randomUUID();
    const file = await activationFile(machineId, key);
    const response = await post("offline-activate", file);
    expect(response.status).toBe(200);
    expect(await verifiedPayload(response, file, machineId)).toMatchObject({
      status: "ACTIVE",
      machine_id: machineId,
      offline_until: isoDay(10),
    });
    expect(await drm.server.admin.listMachines(drm.licenseKey)).toMatchObject([{ machine_id: machineId, state: "ACTIVE" }]);
  });

  test("signed by another key than the one inside: 401, no seat taken", async () => {
    const response = await post(
      "offline-activate",
      await activationFile(crypto.randomUUID(), await generateKeyPair(), (await generateKeyPair()).secret),
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "Invalid request signature." });
    expect(await drm.server.admin.listMachines(drm.licenseKey)).toEqual([]);
  });

  test("seats are counted as online: the second machine is refused under max_machines 1", async () => {
    expect((await post("offline-activate", await activationFile(crypto.randomUUID(), await generateKeyPair()))).status).toBe(200);
    const second = await post("offline-activate", await activationFile(crypto.randomUUID(), await generateKeyPair()));
    expect(second.status).toBe(400);
    expect(await second.json()).toEqual({ error: "Maximum machine limit reached for this license." });
  });

  test("a deactivation request sent to the activation endpoint, or junk: 400", async () => {
    const machine = await drm.machine();
    expect((await post("offline-activate", await deactivationFile(machine))).status).toBe(400);
    expect((await post("offline-activate", "not a file")).status).toBe(400);
  });
});

describe("deactivation frees the seat", () => {
  test("online: a verified DEACTIVATED, then the machine's heartbeats are 400 Machine has been deactivated.", async () => {
    const first = await drm.machine();
    expect((await first.activate()).class).toBe("verified");
    const answer = await first.client.deactivate({ licenseKey: drm.licenseKey });
    expect(answer.class === "verified" && answer.payload).toMatchObject({ status: "DEACTIVATED", machine_id: first.machineId });
    expect(await first.heartbeat()).toEqual({ class: "rejected", httpStatus: 400, message: "Machine has been deactivated." });
    expect((await (await drm.machine()).activate()).class).toBe("verified");
  });

  test("offline: the request checked with the registered key; a forged one is refused and frees nothing", async () => {
    const first = await drm.machine();
    expect((await first.activate()).class).toBe("verified");
    const forged = await post("offline-deactivate", await deactivationFile(first, (await generateKeyPair()).secret));
    expect(forged.status).toBe(401);
    expect((await (await drm.machine()).activate()).class).toBe("rejected");
    const file = await deactivationFile(first);
    const response = await post("offline-deactivate", file);
    expect(await verifiedPayload(response, file, first.machineId)).toMatchObject({ status: "DEACTIVATED", license_key: drm.licenseKey });
    expect((await (await drm.machine()).activate()).class).toBe("verified");
  });
});

describe("npm run dev-server -- offline-answer", () => {
  const cli = (args: string[]) =>
    Bun.spawnSync([process.execPath, "test/support/drm-server.ts", "offline-answer", ...args], {
      cwd: REPO_ROOT,
      stdout: "pipe",
      stderr: "pipe",
    });

  test("prints the signed response file for a request file, signed with --org-key", async () => {
    const key = await generateKeyPair();
    const machineId = crypto.randomUUID();
    const path = join(dir, "request.json");
    const file = await activationFile(machineId, key, key.secret, "LK-BY-HAND");
    writeFileSync(path, file);
    const result = cli([path, "--org-key", `${VECTORS}/org_private.pem`, "--offline-days", "5"]);
    expect(result.stderr.toString()).toBe("");
    expect(result.exitCode).toBe(0);
    const orgPublicPoint = parsePublicKeyPem(readFileSync(`${VECTORS}/org_public.pem`, "utf8"));
    const expected = { orgPublicPoint, nonce: requestNonce(file), machineId, licenseKey: "LK-BY-HAND" };
    const verified = await verifyResponse(new Uint8Array(result.stdout), expected);
    expect(verified.ok && verified.payload).toMatchObject({ status: "ACTIVE", offline_until: isoDay(5) });
  });

  test("without --org-key: usage, 64", () => {
    const result = cli([join(dir, "request.json")]);
    expect(result.exitCode).toBe(64);
    expect(result.stderr.toString()).toContain("usage: offline-answer");
  });
});
