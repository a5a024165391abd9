// Spec 12.1 in-process: a state that cannot be saved. Before launch the start fails (70);
// once the software runs, decisions are taken on the state in memory and enforced, and
// the save is retried at the next event. The fault is real: state.enc replaced by a directory.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, readFileSync, renameSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { ExitCode } from "../../src/errors.ts";
import type { StandardLicense } from "../../src/license/validate.ts";
import { openMachineSession } from "../../src/sentinel/machine-session.ts";
import { type CallOutcome, decideHeartbeat } from "../../src/sentinel/policy.ts";
import { StateSaveError } from "../../src/sentinel/save-failure.ts";
import { fileStore, removeTempRoots, tempRoot } from "../state/helpers.ts";

afterAll(removeTempRoots);

const license = {
  licenseKey: "LK-UNSAVED",
  licenseType: "STANDARD",
  heartbeatIntervalMinutes: 480,
  heartbeatGracePeriodDays: 1,
} as StandardLicense;
const down: CallOutcome = { class: "unreachable", reason: "connection refused" };
const revoked: CallOutcome = { class: "verified", status: "REVOKED", decommission: false };
const miss = (outcome: CallOutcome) => (current: Parameters<typeof decideHeartbeat>[0], now: number) =>
  decideHeartbeat(current, outcome, license, now, "loop");

/** Makes state.enc unreadable and unwritable (a directory in its place); returns the undo. */
function breakStateFile(stateDir: string): () => void {
  const path = join(stateDir, "state.enc");
  renameSync(path, `${path}.kept`);
  mkdirSync(path);
  return () => {
    rmdirSync(path);
    renameSync(`${path}.kept`, path);
  };
}

test("while running: misses consume grace in memory, exhaustion and verdicts still come, the save is retried", async () => {
  const { stateDir } = tempRoot();
  const session = await openMachineSession(license, { stateDir, keystore: "file" });
  expect(session.state.grace_remaining_seconds).toBe(86_400);
  session.launched();
  const onDisk = readFileSync(join(stateDir, "state.enc"));

  const repair = breakStateFile(stateDir);
  const first = await session.decide(miss(down));
  expect(first.verdict).toEqual({ kind: "grace", remaining: 86_400 - 28_800 });
  const verdict = await session.decide(miss(revoked));
  expect(verdict.verdict).toEqual({ kind: "deny", message: "license has been revoked" });
  expect(readFileSync(join(stateDir, "state.enc.kept"))).toEqual(onDisk);

  // The next event after the fault is gone saves what memory decided: no grace comes back.
  repair();
  const second = await session.decide(miss(down));
  expect(second.state.grace_remaining_seconds).toBe(86_400 - 2 * 28_800);
  const saved = await (await fileStore(stateDir, readFileSync("/etc/machine-id", "utf8").trim())).read();
  expect(saved).toMatchObject({
    kind: "ok",
    state: { grace_remaining_seconds: 86_400 - 2 * 28_800, machine_id: session.state.machine_id },
  });

  const undo = breakStateFile(stateDir);
  const third = await session.decide(miss(down));
  expect(third.verdict).toEqual({ kind: "exhausted", message: "grace period exhausted — shutting down" });
  expect(third.state.grace_exhausted).toBe(true);
  undo();
  await session.close();
});

test("before launch: a state that cannot be saved stops the start with 70 `cannot save state: <reason>`", async () => {
  const { stateDir } = tempRoot();
  const first = await openMachineSession(license, { stateDir, keystore: "file" });
  await first.close();
  breakStateFile(stateDir);
  const attempt = openMachineSession(license, { stateDir, keystore: "file" });
  await expect(attempt).rejects.toBeInstanceOf(StateSaveError);
  await expect(attempt).rejects.toThrow(/^cannot save state: cannot read .+state\.enc: EISDIR/);
  expect((await attempt.catch((error) => error)).exitCode).toBe(ExitCode.internal);
});
