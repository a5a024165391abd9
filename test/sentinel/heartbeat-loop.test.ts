// The heartbeat loop with real timers and a short interval: one beat at a time, stop
// semantics, fail closed. Waits poll with a deadline (test/support/wait-for.ts).
import { expect, test } from "bun:test";
import { createHeartbeatLoop } from "../../src/sentinel/heartbeat-loop.ts";
import { waitFor } from "../support/wait-for.ts";

const noFailure = (error: unknown) => {
  throw new Error(`unexpected loop failure: ${String(error)}`);
};

/** A promise the test settles: a beat parked on it stays in flight until the test says so. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

test("one beat at a time: the next starts only after the previous one finished", async () => {
  const events: string[] = [];
  const gates = [gate(), gate(), gate(), gate(), gate()];
  let beats = 0;
  const loop = createHeartbeatLoop(1, { onFailure: noFailure }, async () => {
    const n = ++beats;
    events.push(`start ${n}`);
    await gates[n - 1]?.opened;
    events.push(`end ${n}`);
  });
  loop.start();
  for (let n = 1; n <= 4; n++) {
    await waitFor(() => beats === n, `beat ${n} to start`);
    // Many 1 ms intervals pass while beat n is parked (a control loop proves it): no beat n+1.
    await intervalsPass(10);
    expect(beats).toBe(n);
    gates[n - 1]?.open();
  }
  await loop.stop();
  gates[4]?.open();
  expect(events.slice(0, 8)).toEqual(["start 1", "end 1", "start 2", "end 2", "start 3", "end 3", "start 4", "end 4"]);
});

test("stop lets a beat waiting on the network return at once, and waits for one that is saving", async () => {
  const order: string[] = [];
  const loop = createHeartbeatLoop(1, { onFailure: noFailure }, async ({ stopping, stopped }) => {
    order.push("waiting on the network");
    await Promise.race([new Promise(() => {}), stopping]);
    if (stopped()) order.push("abandoned the network wait");
  });
  loop.start();
  await waitFor(() => order.includes("waiting on the network"), "the beat to reach the network");
  await loop.stop();
  expect(order).toEqual(["waiting on the network", "abandoned the network wait"]);

  const saved = gate();
  const saving = createHeartbeatLoop(1, { onFailure: noFailure }, async () => {
    order.push("saving");
    await saved.opened;
    order.push("saved");
  });
  saving.start();
  await waitFor(() => order.includes("saving"), "the beat to start saving");
  const stopped = saving.stop();
  // Opened on a later turn of the event loop: a stop that did not wait would resolve first.
  setImmediate(saved.open);
  await stopped;
  expect(order.slice(2)).toEqual(["saving", "saved"]);
});

test("security: a beat that throws stops the loop and is reported, never skipped (spec 12.1: fail closed)", async () => {
  let beats = 0;
  const failures: unknown[] = [];
  const loop = createHeartbeatLoop(1, { onFailure: (error) => failures.push(error) }, async () => {
    beats++;
    throw new Error("boom");
  });
  loop.start();
  await waitFor(() => failures.length > 0, "the failure to be reported");
  // Several intervals later, still one beat: the loop did not go on without a decision.
  await intervalsPass(10);
  await loop.stop();
  expect(beats).toBe(1);
  expect(failures).toHaveLength(1);
  expect(String(failures[0])).toContain("boom");
});

/** Waits until a second loop with the same 1 ms interval has beaten `count` times. */
async function intervalsPass(count: number): Promise<void> {
  let ticks = 0;
  const clock = createHeartbeatLoop(1, { onFailure: noFailure }, async () => void ticks++);
  clock.start();
  await waitFor(() => ticks >= count, `${count} intervals of a control loop`);
  await clock.stop();
}
