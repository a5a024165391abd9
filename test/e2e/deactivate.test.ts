// Deactivation (spec 15.3) end to end on the compiled binary: the seat given back
// online or by request file, taken by a second machine (another state directory)
// under max_machines 1; failures keep the state; an old copy of it is refused.
import { describe, expect, test } from "bun:test";
import { cpSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { STATE_FILE } from "../../src/state/store.ts";
import type { World } from "../support/standard-world.ts";
import { worldPerTest } from "../support/world-per-test.ts";
import { activateOffline, answerAtServer, payloadOf, sentinel } from "./offline/steps.ts";

const world = worldPerTest({ license: { max_machines: 1 } });

const activate = (w: World, stateDir = w.stateDir) =>
  sentinel(w, ["activate", "--license", w.licensePath], { SENTINEL_STATE_DIR: stateDir });
const deactivate = (w: World, extra: string[] = [], stateDir = w.stateDir) =>
  sentinel(w, ["deactivate", "--license", w.licensePath, ...extra], { SENTINEL_STATE_DIR: stateDir });
/** The entry names in the file keystore (values are sealed; names are not). */
const keystoreEntries = (stateDir: string) => Object.keys(JSON.parse(readFileSync(join(stateDir, "keystore.enc"), "utf8")));

/** An activated machine whose state directory was copied, then deactivated online. */
async function deactivatedWithOldCopy(): Promise<{ w: World; copy: string }> {
  const w = await world();
  expect((await activate(w)).exitCode).toBe(0);
  const copy = join(w.dir, "old-copy");
  cpSync(w.stateDir, copy, { recursive: true });
  expect((await deactivate(w)).exitCode).toBe(0);
  return { w, copy };
}

describe("deactivation", () => {
  test("online: the seat is freed and a second machine takes it (max_machines 1); state and keystore entries are gone", async () => {
    const w = await world();
    const second = join(w.dir, "second-machine");
    expect((await activate(w)).exitCode).toBe(0);
    const full = await activate(w, second);
    expect(full.exitCode).toBe(77);
    expect(full.stderr).toContain("Maximum machine limit reached for this license.");
    const machineId = (await w.status())?.machine_id;

    const result = await deactivate(w);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`deactivated: machine ${machineId} released its seat of ${w.licenseKey}`);
    expect(existsSync(join(w.stateDir, STATE_FILE))).toBe(false);
    expect(keystoreEntries(w.stateDir)).toEqual([]);
    expect(await w.status()).toBeNull();
    const [machine] = await w.server.admin.listMachines(w.licenseKey);
    expect(machine).toMatchObject({ machine_id: machineId, state: "DEACTIVATED" });

    expect((await activate(w, second)).exitCode).toBe(0);
  });

  test("an old copy of the state heartbeating after deactivation is refused: 400 Machine has been deactivated (77)", async () => {
    const { w, copy } = await deactivatedWithOldCopy();
    const run = await sentinel(w, ["run", "--license", w.licensePath, "--software", "/bin/true"], { SENTINEL_STATE_DIR: copy });
    expect(run.exitCode).toBe(77);
    expect(run.stderr).toContain("startup heartbeat refused: Machine has been deactivated.");
  });

  test("refused (77) or unreachable (69): the state is kept as it was", async () => {
    const { w, copy } = await deactivatedWithOldCopy();
    // The copy's machine is already deactivated: the server refuses, and the copy keeps its state.
    const refused = await deactivate(w, [], copy);
    expect(refused.exitCode).toBe(77);
    expect(refused.stderr).toContain("deactivation refused: Machine has been deactivated.");
    expect(existsSync(join(copy, STATE_FILE))).toBe(true);
    expect(keystoreEntries(copy).sort()).toEqual(["machine-private-key", "state-encryption-key", "state-generation"]);

    expect((await activate(w)).exitCode).toBe(0);
    const before = await w.status();
    await w.server.stop();
    const unreachable = await deactivate(w);
    expect(unreachable.exitCode).toBe(69);
    expect(unreachable.stderr).toContain("deactivation failed: DRM server unreachable");
    expect(await w.status()).toMatchObject({ machine_id: before?.machine_id, activated: true });
  });

  test("nothing to deactivate: 64, nothing created", async () => {
    const w = await world();
    const result = await deactivate(w);
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toContain(`nothing to deactivate: this machine is not activated for ${w.licenseKey}`);
    expect(await w.status()).toBeNull();
  });

  test("offline: the signed request is written, the activation forgotten, and the vendor's answer frees the seat", async () => {
    const w = await world();
    await activateOffline(w);
    const machineId = (await w.status())?.machine_id;
    const path = join(w.dir, "deactivation.json");
    const result = await deactivate(w, ["--offline-request", path]);
    expect(result.exitCode).toBe(0);
    expect(payloadOf(readFileSync(path, "utf8"))).toMatchObject({
      v: 1,
      type: "deactivation_request",
      license_key: w.licenseKey,
      machine_id: machineId,
    });
    expect(await w.status()).toBeNull();
    expect(keystoreEntries(w.stateDir)).toEqual([]);

    const second = join(w.dir, "second-machine");
    expect((await activate(w, second)).exitCode).toBe(77);
    const answer = payloadOf(readFileSync(await answerAtServer(w, path, "offline-deactivate"), "utf8"));
    expect(answer).toMatchObject({ status: "DEACTIVATED", machine_id: machineId, license_key: w.licenseKey });
    expect((await activate(w, second)).exitCode).toBe(0);
  });
});
