// The doctor's pure parts: the clock rule (skew warns, behind last_seen fails),
// the exit status of a report, and both printed forms.
import { describe, expect, test } from "bun:test";
import { exitCodeOf, fail, humanLines, jsonReport, ok, warn } from "../../src/doctor/check.ts";
import { checkClock } from "../../src/doctor/clock-check.ts";

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const at = (offsetSeconds: number) => new Date(NOW + offsetSeconds * 1000).toUTCString();
const nowSeconds = NOW / 1000;

describe("checkClock", () => {
  const cases: [string, Parameters<typeof checkClock>[0], string, RegExp][] = [
    ["in step with the server", { nowMs: NOW, serverDate: at(3) }, "ok", /within 3 s/],
    ["5 minutes exactly is still ok", { nowMs: NOW, serverDate: at(300) }, "ok", /within 5 min/],
    ["server 2 hours ahead: warn, this clock is behind", { nowMs: NOW, serverDate: at(7200) }, "warn", /2 h behind the server's/],
    ["server 6 minutes behind: warn, this clock is ahead", { nowMs: NOW, serverDate: at(-360) }, "warn", /6 min ahead of the server's/],
    ["no Date header", { nowMs: NOW, serverDate: null }, "warn", /no usable Date header/],
    ["an unparsable Date header", { nowMs: NOW, serverDate: "yesterday" }, "warn", /no usable Date header/],
    ["no server asked", { nowMs: NOW }, "ok", /not compared/],
    ["last_seen 59 minutes ahead is tolerated", { nowMs: NOW, lastSeen: nowSeconds + 3540 }, "ok", /not compared/],
    [
      "last_seen 2 hours ahead: fail",
      { nowMs: NOW, lastSeen: nowSeconds + 7200, serverDate: at(0) },
      "fail",
      /2 h behind the last time this machine was seen/,
    ],
  ];
  for (const [name, input, status, detail] of cases) {
    test(name, () => {
      const check = checkClock(input);
      expect(check.status).toBe(status as never);
      expect(check.detail).toMatch(detail);
      expect(check.hint === "").toBe(status === "ok");
    });
  }
  test("behind last_seen is a config failure (78)", () => {
    expect(checkClock({ nowMs: NOW, lastSeen: nowSeconds + 7200 }).code).toBe(78);
  });
});

describe("report", () => {
  const checks = [
    ok("key", "embedded"),
    warn("clock", "off", "fix NTP"),
    fail("dns", "no such host", "check DNS", 69),
    fail("tls", "x", "y", 78),
  ];
  test("exit status: the first failure's code, 0 with warnings only", () => {
    expect(exitCodeOf(checks)).toBe(69);
    expect(exitCodeOf(checks.slice(0, 2))).toBe(0);
  });
  test("--json: ok and the four fields per check, no exit code", () => {
    expect(jsonReport(checks.slice(0, 2))).toEqual({
      ok: true,
      checks: [
        { name: "key", status: "ok", detail: "embedded", hint: "" },
        { name: "clock", status: "warn", detail: "off", hint: "fix NTP" },
      ],
    });
    expect(jsonReport(checks).ok).toBe(false);
  });
  test("one line per check, status first, the hint after the detail", () => {
    expect(humanLines(checks.slice(0, 3))).toEqual([
      "ok    key    embedded",
      "warn  clock  off — fix NTP",
      "fail  dns    no such host — check DNS",
    ]);
  });
});
