// The offline window rules (spec 15.2) as a table: today judged against the later
// of the clock and last_seen, the window's owner, the accepted response, renewals.
import { describe, expect, test } from "bun:test";
import type { StandardLicense } from "../../src/license/validate.ts";
import { acceptOfflineActivation, awaitOfflineResponse, offlineWindow } from "../../src/sentinel/offline-window.ts";
import { startingState } from "../../src/sentinel/policy.ts";
import type { State } from "../../src/state/state-record.ts";

const at = (iso: string) => Date.parse(iso) / 1000;
const NOW = at("2026-06-10T12:00:00Z");
const base: State = {
  machine_id: "9b2f1c4e-8a7d-4f3b-9c2e-1d5a6b7c8d9e",
  activated: true,
  license_key: "LK-1",
  last_heartbeat_success: NOW - 3600,
  grace_remaining_seconds: 86_400,
  grace_exhausted: false,
  generation: 3,
  last_seen: NOW - 10,
  offline_until: "2026-06-20",
};

describe("offlineWindow", () => {
  const cases: [string, Partial<State>, number, ReturnType<typeof offlineWindow>][] = [
    ["well inside", {}, NOW, { kind: "inside", until: "2026-06-20" }],
    ["the last day, one second before midnight", {}, at("2026-06-20T23:59:59Z"), { kind: "inside", until: "2026-06-20" }],
    ["the first second of the day after", {}, at("2026-06-21T00:00:00Z"), { kind: "ended", until: "2026-06-20" }],
    [
      "clock turned back into the window: last_seen says it ended",
      { last_seen: at("2026-06-22T08:00:00Z") },
      NOW,
      { kind: "ended", until: "2026-06-20" },
    ],
    ["last_seen behind the clock changes nothing", { last_seen: at("2026-01-01T00:00:00Z") }, NOW, { kind: "inside", until: "2026-06-20" }],
    ["no offline activation", { offline_until: undefined }, NOW, { kind: "none" }],
    ["not activated (a new request pending)", { activated: false }, NOW, { kind: "none" }],
    ["the state belongs to another licence", { license_key: "LK-OTHER" }, NOW, { kind: "none" }],
  ];
  for (const [name, change, now, expected] of cases) {
    test(name, () => expect(offlineWindow({ ...base, ...change }, "LK-1", now)).toEqual(expected));
  }
});

describe("accepting a response and renewing", () => {
  test("accepted: activated, the window saved, last success = responded_at, pending request cleared", () => {
    const pending = awaitOfflineResponse({ ...base, activated: false, offline_until: undefined }, "0b7f5c1e-2a3d-4e5f-8a9b-0c1d2e3f4a5b");
    expect(pending.pending_offline_nonce).toBe("0b7f5c1e-2a3d-4e5f-8a9b-0c1d2e3f4a5b");
    const accepted = acceptOfflineActivation(pending, { offlineUntil: "2026-07-10", respondedAt: NOW - 100 }, NOW);
    expect(accepted).toEqual({ ...base, activated: true, offline_until: "2026-07-10", last_heartbeat_success: NOW - 100, last_seen: NOW });
    expect("pending_offline_nonce" in accepted).toBe(false);
  });

  test("a responded_at ahead of the clock becomes the latest time seen", () => {
    expect(acceptOfflineActivation(base, { offlineUntil: "2026-07-10", respondedAt: NOW + 500 }, NOW).last_seen).toBe(NOW + 500);
  });

  test("a renewal request keeps the current window and the machine id", () => {
    const renewing = awaitOfflineResponse(base, "1c8e6d2f-3b4e-4f60-9bac-1d2e3f4a5b6c");
    expect(renewing).toEqual({ ...base, pending_offline_nonce: "1c8e6d2f-3b4e-4f60-9bac-1d2e3f4a5b6c" });
  });

  test("a licence change drops the window and the pending request with the activation (8.2 step 4)", () => {
    const license = { licenseKey: "LK-2", heartbeatGracePeriodDays: 1, heartbeatIntervalMinutes: 60 } as StandardLicense;
    const loaded = { kind: "ok" as const, state: { ...base, pending_offline_nonce: "1c8e6d2f-3b4e-4f60-9bac-1d2e3f4a5b6c" } };
    const next = startingState(loaded, license, NOW);
    expect(next).toMatchObject({ activated: false, license_key: "LK-2", machine_id: base.machine_id });
    expect(next.offline_until).toBeUndefined();
    expect(next.pending_offline_nonce).toBeUndefined();
  });
});
