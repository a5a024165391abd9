import { describe, expect, test } from "bun:test";
import { checkState, freshState, tamperedState } from "../../src/state/state-record.ts";

const NOW = 1_750_000_000;

describe("starting states", () => {
  test("fresh: new UUID v4, not activated, full grace", () => {
    const state = freshState("LIC-1", 864_000, NOW);
    expect(state).toMatchObject({
      activated: false,
      license_key: "LIC-1",
      last_heartbeat_success: null,
      grace_remaining_seconds: 864_000,
      grace_exhausted: false,
      last_seen: NOW,
    });
    expect(state.machine_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(freshState("LIC-1", 1, NOW).machine_id).not.toBe(state.machine_id);
  });

  test("tampered: new machine id, no grace, exhausted", () => {
    expect(tamperedState("LIC-1", NOW)).toMatchObject({
      activated: false,
      grace_remaining_seconds: 0,
      grace_exhausted: true,
      last_seen: NOW,
    });
  });
});

describe("security: checkState refuses malformed decrypted content", () => {
  const good = freshState("LIC-1", 60, NOW);
  test("accepts a good state and drops unknown fields", () => {
    expect(checkState({ ...good, extra: 1 })).toEqual(good);
  });
  const cases: [string, unknown, string][] = [
    ["array", [], "not a JSON object"],
    ["null", null, "not a JSON object"],
    ["machine id not a UUID", { ...good, machine_id: "x" }, "machine_id is not a UUID v4"],
    ["activated as string", { ...good, activated: "true" }, "activated is not a boolean"],
    ["empty licence key", { ...good, license_key: "" }, "license_key is not a non-empty string"],
    ["float heartbeat", { ...good, last_heartbeat_success: 1.5 }, "last_heartbeat_success is not Unix seconds or null"],
    ["negative grace", { ...good, grace_remaining_seconds: -1 }, "grace_remaining_seconds is not a non-negative integer"],
    ["grace as string", { ...good, grace_remaining_seconds: "60" }, "grace_remaining_seconds is not a non-negative integer"],
    ["missing exhausted", { ...good, grace_exhausted: undefined }, "grace_exhausted is not a boolean"],
    ["unsafe generation", { ...good, generation: 2 ** 53 }, "generation is not a non-negative integer"],
    ["missing last_seen", { ...good, last_seen: undefined }, "last_seen is not Unix seconds"],
  ];
  for (const [name, value, message] of cases) test(name, () => expect(checkState(value)).toBe(message));
});
