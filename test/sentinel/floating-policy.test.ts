// The floating-seat rules (spec 16.2) as tables: lease answers, renewal answers,
// and the monotonic times they lead to. No sleeping, no network.
import { describe, expect, test } from "bun:test";
import type { Outcome } from "../../src/drm/outcome.ts";
import { decideLease, decideRenewal, type LeaseContext, leaseDeadline, readLease, renewalDue } from "../../src/sentinel/floating-policy.ts";

const RESPONDED = "2026-03-01T10:00:00Z";
const leased = (overrides: Record<string, unknown> = {}): Outcome => ({
  class: "verified",
  payload: {
    status: "LEASED",
    responded_at: RESPONDED,
    lease_expires_at: "2026-03-01T10:05:00Z",
    seats_used: 2,
    seats_total: 5,
    ...overrides,
  },
});
const verified = (status: string, extra: Record<string, unknown> = {}): Outcome => ({ class: "verified", payload: { status, ...extra } });
const payloadOf = (outcome: Outcome) => (outcome as { payload: Record<string, unknown> }).payload;
const full: Outcome = { class: "rejected", httpStatus: 409, message: "All 5 concurrent seats are in use." };
const unreachable: Outcome = { class: "unreachable", reason: "connection failed (ECONNREFUSED)" };

describe("readLease: the length is lease_expires_at − responded_at, from the arrival on the monotonic clock", () => {
  test("a five-minute lease that arrived at 1000 ms: renew at 151 s, deadline at 301 s", () => {
    const lease = readLease(payloadOf(leased()), 1000);
    expect(lease).toEqual({ receivedAt: 1000, lengthMs: 300_000, expiresAt: "2026-03-01T10:05:00Z", seatsUsed: 2, seatsTotal: 5 });
    expect(renewalDue(lease as NonNullable<typeof lease>)).toBe(151_000);
    expect(leaseDeadline(lease as NonNullable<typeof lease>)).toBe(301_000);
  });
  test.each([
    ["expiry not after the response", { lease_expires_at: RESPONDED }],
    ["expiry not ISO 8601", { lease_expires_at: "soon" }],
    ["no responded_at", { responded_at: undefined }],
    ["a negative seat count", { seats_used: -1 }],
    ["a fractional seat count", { seats_total: 1.5 }],
    ["seats as a string", { seats_used: "2" }],
  ])("%s: unusable", (_, overrides) => {
    expect(readLease(payloadOf(leased(overrides)), 0)).toBeNull();
  });
});

describe("decideLease (step 1)", () => {
  // Asked at 9 s, answered at 10 s: the next ask is 5 s after the last one was sent.
  const context: LeaseContext = { now: 10_000, askedAt: 9000, waitUntil: null, retryMs: 5000, maxConcurrent: 3 };
  test.each<[string, Outcome, Partial<LeaseContext>, unknown]>([
    ["LEASED: go on", leased(), {}, { kind: "leased", lease: expect.objectContaining({ receivedAt: 10_000, lengthMs: 300_000 }) }],
    [
      "409 without --wait-for-seat: 75 with the server's message",
      full,
      {},
      { kind: "stop", exit: "temporary", message: "All 5 concurrent seats are in use." },
    ],
    ["409 while waiting: ask again 5 s after the last ask", full, { waitUntil: 60_000 }, { kind: "wait", at: 14_000, used: 5, total: 5 }],
    ["409 near the end of the wait: one last ask at the end", full, { waitUntil: 12_000 }, { kind: "wait", at: 12_000, used: 5, total: 5 }],
    [
      "409 once the wait is over: 75",
      full,
      { waitUntil: 10_000 },
      { kind: "stop", exit: "temporary", message: "All 5 concurrent seats are in use." },
    ],
    [
      "409 with another message: the licence's count is shown",
      { class: "rejected", httpStatus: 409, message: "busy" },
      { waitUntil: 60_000 },
      { kind: "wait", at: 14_000, used: 3, total: 3 },
    ],
    [
      "another rejection: 77",
      { class: "rejected", httpStatus: 400, message: "License is REVOKED." },
      {},
      { kind: "stop", exit: "denied", message: "floating seat refused: License is REVOKED." },
    ],
    [
      "unreachable: 69, never on grace",
      unreachable,
      {},
      { kind: "stop", exit: "unavailable", message: "floating seat lease failed: DRM server unreachable" },
    ],
    ["a verified REVOKED: 77 as 8.4", verified("REVOKED"), {}, { kind: "stop", exit: "denied", message: "license has been revoked" }],
    [
      "a verified ACTIVE is not a lease: 77",
      verified("ACTIVE"),
      {},
      { kind: "stop", exit: "denied", message: "unexpected lease status: ACTIVE" },
    ],
    [
      "LEASED without a usable expiry: 69",
      leased({ lease_expires_at: null }),
      {},
      { kind: "stop", exit: "unavailable", message: "floating seat lease failed: unusable lease answer" },
    ],
  ])("%s", (_, outcome, overrides, expected) => {
    expect(decideLease(outcome, { ...context, ...overrides })).toEqual(expected as never);
  });
});

describe("decideRenewal (step 3)", () => {
  test.each<[string, Outcome, unknown]>([
    ["LEASED: renewed from this arrival", leased(), { kind: "renewed", lease: expect.objectContaining({ receivedAt: 50_000 }) }],
    ["LEASE_LOST: lost", verified("LEASE_LOST"), { kind: "lost" }],
    [
      "REVOKED: the verdict of 8.4",
      verified("REVOKED"),
      { kind: "verdict", verdict: { kind: "deny", message: "license has been revoked" } },
    ],
    [
      "SUSPENDED: the verdict",
      verified("SUSPENDED"),
      { kind: "verdict", verdict: { kind: "deny", message: "license is suspended — contact your vendor" } },
    ],
    [
      "decommission asked: the verdict",
      verified("ACTIVE", { decommission_pending: true }),
      { kind: "verdict", verdict: { kind: "decommission" } },
    ],
    [
      "a verified ACTIVE without a lease: a miss",
      verified("ACTIVE"),
      { kind: "retry", at: 55_000, reason: "unexpected lease status: ACTIVE" },
    ],
    ["unreachable: retry in 5 s", unreachable, { kind: "retry", at: 55_000, reason: "connection failed (ECONNREFUSED)" }],
    [
      "rejected (unsigned): a miss, retry in 5 s",
      { class: "rejected", httpStatus: 400, message: "nope" },
      { kind: "retry", at: 55_000, reason: "refused: nope" },
    ],
    ["LEASED but unusable: a miss", leased({ seats_total: null }), { kind: "retry", at: 55_000, reason: "unusable lease answer" }],
  ])("%s", (_, outcome, expected) => {
    expect(decideRenewal(outcome, 50_000, 5000)).toEqual(expected as never);
  });
});
