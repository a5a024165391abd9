import { describe, expect, test } from "bun:test";
import type { StandardLicense } from "../../src/license/validate.ts";
import {
  type CallOutcome,
  clockTurnedBack,
  dayAfterMs,
  decideActivation,
  decideHeartbeat,
  decideStartup,
  startingState,
  statusVerdict,
} from "../../src/sentinel/policy.ts";
import type { State } from "../../src/state/state-record.ts";

const HOUR = 3600;
const license = {
  licenseKey: "LK-1",
  licenseType: "STANDARD",
  heartbeatIntervalMinutes: 60,
  heartbeatGracePeriodDays: 1,
} as StandardLicense;
const NOW = 1_800_000_000;
const base: State = {
  machine_id: "m-1",
  activated: true,
  license_key: "LK-1",
  last_heartbeat_success: NOW - HOUR,
  grace_remaining_seconds: 24 * HOUR,
  grace_exhausted: false,
  generation: 5,
  last_seen: NOW - 10,
};
const active: CallOutcome = { class: "verified", status: "ACTIVE", decommission: false, respondedAt: NOW + 5 };
const down: CallOutcome = { class: "unreachable", reason: "connection refused" };
const refused: CallOutcome = { class: "rejected", message: "nope" };

describe("starting state", () => {
  test("first run: new machine id, not activated, full quota", () => {
    const state = startingState({ kind: "none" }, license, NOW);
    expect(state.machine_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(state).toEqual({
      machine_id: state.machine_id,
      activated: false,
      license_key: "LK-1",
      last_heartbeat_success: null,
      grace_remaining_seconds: 86_400,
      grace_exhausted: false,
      generation: 0,
      last_seen: NOW,
    });
  });
  test("tampered: new machine id, no grace, exhausted", () => {
    const state = startingState({ kind: "tampered", reason: "bad tag" }, license, NOW);
    expect(state).toMatchObject({ grace_remaining_seconds: 0, grace_exhausted: true, activated: false });
    expect(state.machine_id).not.toBe(base.machine_id);
  });
  test("same licence: kept as it is", () => {
    expect(startingState({ kind: "ok", state: base }, license, NOW)).toEqual({ ...base, last_seen: NOW });
  });
  test("licence change: re-activate with full grace, same machine id", () => {
    const old = { ...base, license_key: "LK-OLD", grace_remaining_seconds: 0, grace_exhausted: true };
    expect(startingState({ kind: "ok", state: old }, license, NOW)).toMatchObject({
      machine_id: "m-1",
      activated: false,
      license_key: "LK-1",
      grace_remaining_seconds: 86_400,
      grace_exhausted: false,
    });
  });
  test("last_seen never moves backwards", () => {
    expect(startingState({ kind: "ok", state: { ...base, last_seen: NOW + 99 } }, license, NOW).last_seen).toBe(NOW + 99);
  });
});

describe("heartbeat decisions", () => {
  const cases: Array<[string, Partial<State>, CallOutcome, "startup" | "loop", string, Partial<State>]> = [
    [
      "verified ACTIVE continues and consumes nothing",
      {},
      active,
      "loop",
      "continue",
      { grace_remaining_seconds: 24 * HOUR, last_heartbeat_success: NOW, last_seen: NOW + 5 },
    ],
    [
      "verified ACTIVE never restores quota",
      { grace_remaining_seconds: HOUR },
      active,
      "loop",
      "continue",
      { grace_remaining_seconds: HOUR },
    ],
    ["startup miss with quota consumes one interval", {}, down, "startup", "grace", { grace_remaining_seconds: 23 * HOUR }],
    ["startup miss with zero quota exhausts", { grace_remaining_seconds: 0 }, down, "startup", "exhausted", { grace_exhausted: true }],
    [
      "startup miss once exhausted refuses",
      { grace_exhausted: true, grace_remaining_seconds: 0 },
      down,
      "startup",
      "exhausted",
      { grace_exhausted: true },
    ],
    ["startup miss with clock turned back refuses", { last_seen: NOW + 2 * HOUR }, down, "startup", "exhausted", { grace_exhausted: true }],
    ["startup rejected denies", {}, refused, "startup", "deny", { grace_remaining_seconds: 24 * HOUR }],
    ["loop rejected is a miss", {}, refused, "loop", "grace", { grace_remaining_seconds: 23 * HOUR }],
    ["loop miss with quota consumes one interval", {}, down, "loop", "grace", { grace_remaining_seconds: 23 * HOUR }],
    [
      "loop miss reaching zero exhausts",
      { grace_remaining_seconds: HOUR },
      down,
      "loop",
      "exhausted",
      { grace_remaining_seconds: 0, grace_exhausted: true },
    ],
    [
      "loop miss clamps at zero",
      { grace_remaining_seconds: 10 },
      down,
      "loop",
      "exhausted",
      { grace_remaining_seconds: 0, grace_exhausted: true },
    ],
    [
      "once exhausted, a single loop miss stops even with quota shown",
      { grace_exhausted: true, grace_remaining_seconds: 0 },
      down,
      "loop",
      "exhausted",
      {},
    ],
  ];
  test.each(cases)("%s", (_, from, outcome, phase, verdict, expected) => {
    const decision = decideHeartbeat({ ...base, ...from }, outcome, license, NOW, phase);
    expect(decision.verdict.kind).toBe(verdict as never);
    expect(decision.state).toMatchObject(expected);
  });
  test("the exhausted messages are the spec's", () => {
    expect(decideHeartbeat({ ...base, grace_exhausted: true }, down, license, NOW, "startup").verdict).toEqual({
      kind: "exhausted",
      message: "server unreachable and grace period exhausted — cannot start",
    });
    expect(decideHeartbeat({ ...base, grace_remaining_seconds: 1 }, down, license, NOW, "loop").verdict).toEqual({
      kind: "exhausted",
      message: "grace period exhausted — shutting down",
    });
  });
  test("restart cycling while offline: each start consumes an interval until it refuses", () => {
    let state = { ...base, grace_remaining_seconds: 3 * HOUR };
    const verdicts: string[] = [];
    for (let start = 0; start < 5; start++) {
      const decision = decideHeartbeat(state, down, license, NOW, "startup");
      state = decision.state;
      verdicts.push(decision.verdict.kind);
    }
    expect(verdicts).toEqual(["grace", "grace", "grace", "exhausted", "exhausted"]);
  });
});

describe("status table (8.4)", () => {
  test.each([
    ["ACTIVE", false, { kind: "continue" }],
    ["ACTIVE", true, { kind: "decommission" }],
    ["DECOMMISSION_PENDING", false, { kind: "decommission" }],
    ["REVOKED", false, { kind: "deny", message: "license has been revoked" }],
    ["EXPIRED", false, { kind: "deny", message: "license has expired" }],
    ["SUSPENDED", false, { kind: "deny", message: "license is suspended — contact your vendor" }],
    ["WEIRD", false, { kind: "deny", message: "unexpected license status: WEIRD" }],
  ])("%s (decommission_pending %p)", (status, flag, verdict) => {
    expect(statusVerdict(status, flag)).toEqual(verdict as never);
  });
});

describe("activation", () => {
  const fresh = { ...base, activated: false, last_heartbeat_success: null };
  test("verified ACTIVE activates", () => {
    expect(decideActivation(fresh, active, NOW)).toMatchObject({
      verdict: { kind: "continue" },
      state: { activated: true, last_heartbeat_success: NOW },
    });
  });
  test("unreachable never runs on grace", () => {
    expect(decideActivation(fresh, down, NOW).verdict).toEqual({ kind: "exhausted", message: "activation failed: DRM server unreachable" });
  });
  test("refusals carry the server's message or status", () => {
    expect(decideActivation(fresh, { class: "rejected", message: "Maximum machine limit reached for this license." }, NOW).verdict).toEqual(
      {
        kind: "deny",
        message: "activation refused: Maximum machine limit reached for this license.",
      },
    );
    expect(decideActivation(fresh, { ...active, status: "SUSPENDED" }, NOW).verdict).toEqual({
      kind: "deny",
      message: "activation refused: license status SUSPENDED",
    });
  });
});

describe("decideStartup: the clock and the saved state, before any server contact", () => {
  const day = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
  const expiring = { ...license, expiryDate: day(NOW) };
  const cases: [string, Partial<State>, StandardLicense, ReturnType<typeof decideStartup>][] = [
    ["clock ahead of last_seen: nothing to say", {}, license, { clockTurnedBack: false }],
    ["an hour behind last_seen is still slack", { last_seen: NOW + HOUR }, license, { clockTurnedBack: false }],
    ["more than an hour behind: turned back", { last_seen: NOW + HOUR + 1 }, license, { clockTurnedBack: true }],
    [
      "turned back past the expiry day: expired, judged on last_seen",
      { last_seen: NOW + 2 * 86_400 },
      expiring,
      { clockTurnedBack: true, refusal: `license has expired (expiry: ${day(NOW)})` },
    ],
    [
      "last_seen past expiry but the clock not turned back: the licence check already judged today",
      {},
      expiring,
      { clockTurnedBack: false },
    ],
    ["inside an offline window", { offline_until: day(NOW) }, license, { clockTurnedBack: false, offlineUntil: day(NOW) }],
    ["an offline window that has ended", { offline_until: day(NOW - 86_400) }, license, { clockTurnedBack: false }],
    [
      "a clock turned back cannot reopen an offline window",
      { offline_until: day(NOW), last_seen: NOW + 86_400 },
      license,
      { clockTurnedBack: true },
    ],
    [
      "an offline window of another licence is not this one's",
      { offline_until: day(NOW), license_key: "LK-0" },
      license,
      { clockTurnedBack: false },
    ],
  ];
  for (const [name, change, licence, expected] of cases) {
    test(name, () => expect(decideStartup({ ...base, ...change }, licence, NOW)).toEqual(expected));
  }
});

describe("clock and expiry", () => {
  test("an hour of slack, then the clock counts as turned back", () => {
    expect(clockTurnedBack({ ...base, last_seen: NOW + HOUR }, NOW)).toBe(false);
    expect(clockTurnedBack({ ...base, last_seen: NOW + HOUR + 1 }, NOW)).toBe(true);
  });
  test("expiry begins at the start of the UTC day after expiry_date", () => {
    expect(dayAfterMs("2030-06-01")).toBe(Date.parse("2030-06-02T00:00:00Z"));
    expect(dayAfterMs("2030-12-31")).toBe(Date.parse("2031-01-01T00:00:00Z"));
    expect(dayAfterMs("2032-02-28")).toBe(Date.parse("2032-02-29T00:00:00Z"));
  });
});
