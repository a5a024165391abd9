// Opening a machine session saves only what opening changed: a first run, another
// licence. An unchanged state is not rewritten (the decision that follows saves the
// time seen), which spares every STANDARD start one durable save (issue 15).
import { afterAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { StandardLicense } from "../../src/license/validate.ts";
import { openMachineSession } from "../../src/sentinel/machine-session.ts";
import { removeTempRoots, tempRoot } from "../state/helpers.ts";

afterAll(removeTempRoots);

const licenseFor = (licenseKey: string) =>
  ({ licenseKey, licenseType: "STANDARD", heartbeatIntervalMinutes: 480, heartbeatGracePeriodDays: 1 }) as StandardLicense;

const filesOf = (stateDir: string) => ({
  state: readFileSync(join(stateDir, "state.enc")),
  keystore: readFileSync(join(stateDir, "keystore.enc")),
});

test("a first open saves the new state; opening it again unchanged writes nothing; the next decision saves the time seen", async () => {
  const { stateDir } = tempRoot();
  await (await openMachineSession(licenseFor("LK-A"), { stateDir, keystore: "file" })).close();
  const saved = filesOf(stateDir);

  const again = await openMachineSession(licenseFor("LK-A"), { stateDir, keystore: "file" });
  expect(filesOf(stateDir)).toEqual(saved);
  await again.touch();
  expect(filesOf(stateDir).state).not.toEqual(saved.state);
  await again.close();
});

test("opening with another licence saves at once: the licence change is on disk before anything acts on it", async () => {
  const { stateDir } = tempRoot();
  await (await openMachineSession(licenseFor("LK-A"), { stateDir, keystore: "file" })).close();
  const saved = filesOf(stateDir);
  const other = await openMachineSession(licenseFor("LK-B"), { stateDir, keystore: "file" });
  expect(other.state).toMatchObject({ license_key: "LK-B", activated: false });
  expect(filesOf(stateDir).state).not.toEqual(saved.state);
  await other.close();
});
