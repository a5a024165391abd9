import { afterAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freshState } from "../../src/state/state-record.ts";
import { fileStore, lines, listDir, removeTempRoots, tempRoot } from "./helpers.ts";

afterAll(removeTempRoots);

const FIXTURE = join(import.meta.dir, "fixtures", "consume-grace.ts");
const PROCESSES = 8;
const TIMES = 50;
const INTERVAL = 60;
const START = 10 * 86_400;

test(`${PROCESSES} processes consuming grace ${TIMES} times each at once lose no update`, async () => {
  const { root, stateDir } = tempRoot();
  const store = await fileStore(stateDir);
  const first = await store.update(() => freshState("LIC-RACE", START, 1));
  // Start from a lock left by a dead process, so all of them race to take it over too.
  const dead = Bun.spawn(["true"]);
  await dead.exited;
  const boot = await Bun.file("/proc/sys/kernel/random/boot_id").text();
  writeFileSync(join(stateDir, "state.lock"), `${dead.pid} 0123456789ab ${boot.trim()}\n`);

  const goFile = join(root, "go");
  const children = Array.from({ length: PROCESSES }, () =>
    Bun.spawn([process.execPath, FIXTURE, stateDir, goFile, String(TIMES), String(INTERVAL)], { stdout: "pipe", stderr: "pipe" }),
  );
  // Everyone loaded and waiting, then released together.
  for (const child of children) for await (const line of lines(child.stdout)) if (line === "ready") break;
  writeFileSync(goFile, "");
  const codes = await Promise.all(children.map((child) => child.exited));
  const errors = await Promise.all(children.map((child) => new Response(child.stderr).text()));
  expect({ codes, errors: errors.filter(Boolean) }).toEqual({ codes: Array(PROCESSES).fill(0), errors: [] });

  const loaded = await store.read();
  expect(loaded.kind).toBe("ok");
  if (loaded.kind !== "ok") return;
  expect(loaded.state.grace_remaining_seconds).toBe(START - PROCESSES * TIMES * INTERVAL);
  expect(loaded.state.generation).toBe((first?.generation as number) + PROCESSES * TIMES);
  expect(listDir(stateDir)).toEqual(["keystore.enc", "state.enc"]);
}, 60_000);
