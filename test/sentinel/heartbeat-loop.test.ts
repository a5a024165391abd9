import { expect, test } from "bun:test";
import { createHeartbeatLoop } from "../../src/sentinel/heartbeat-loop.ts";

const noFailure = (error: unknown) => {
  throw new Error(`unexpected loop failure: ${String(error)}`);
};

test("one beat at a time: the next starts only after the previous one finished", async () => {
  const events: string[] = [];
  let beats = 0;
  const loop = createHeartbeatLoop(5, { onFailure: noFailure }, async () => {
    const n = ++beats;
    events.push(`start ${n}`);
    await Bun.sleep(30);
    events.push(`end ${n}`);
  });
  loop.start();
  while (beats < 4) await Bun.sleep(5);
  await loop.stop();
  const firstFour = events.slice(0, 8);
  expect(firstFour).toEqual(["start 1", "end 1", "start 2", "end 2", "start 3", "end 3", "start 4", "end 4"]);
});

test("stop lets a beat waiting on the network return at once, and waits for one that is saving", async () => {
  const order: string[] = [];
  const loop = createHeartbeatLoop(1, { onFailure: noFailure }, async ({ stopping, stopped }) => {
    await Promise.race([new Promise(() => {}), stopping]);
    if (stopped()) {
      order.push("abandoned the network wait");
      return;
    }
  });
  loop.start();
  await Bun.sleep(20);
  await loop.stop();
  expect(order).toEqual(["abandoned the network wait"]);

  const saving = createHeartbeatLoop(1, { onFailure: noFailure }, async () => {
    order.push("saving");
    await Bun.sleep(30);
    order.push("saved");
  });
  saving.start();
  while (!order.includes("saving")) await Bun.sleep(1);
  await saving.stop();
  expect(order.slice(1)).toEqual(["saving", "saved"]);
});

test("security: a beat that throws stops the loop and is reported, never skipped (spec 12.1: fail closed)", async () => {
  let beats = 0;
  const failures: unknown[] = [];
  const loop = createHeartbeatLoop(1, { onFailure: (error) => failures.push(error) }, async () => {
    beats++;
    throw new Error("boom");
  });
  loop.start();
  while (failures.length === 0) await Bun.sleep(2);
  // Several intervals later, still one beat: the loop did not go on without a decision.
  await Bun.sleep(20);
  await loop.stop();
  expect(beats).toBe(1);
  expect(failures).toHaveLength(1);
  expect(String(failures[0])).toContain("boom");
});
