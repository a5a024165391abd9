// The doctor's clock check (spec 14.4, 6), pure: the server's Date header against
// this clock (over 5 minutes: warn) and this clock against the state's last_seen
// (over an hour behind: fail, as a start would refuse to run offline).
import { ExitCode } from "../errors.ts";
import { CLOCK_TOLERANCE_SECONDS } from "../sentinel/policy.ts";
import { type Check, fail, ok, warn } from "./check.ts";

export const SKEW_WARN_SECONDS = 300;

export interface ClockInput {
  nowMs: number;
  /** The server's `Date` header, if one was read. */
  serverDate?: string | null;
  /** `last_seen` of this machine's state (Unix seconds), if there is state. */
  lastSeen?: number;
}

function span(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 360) / 10} h`;
}

export function checkClock({ nowMs, serverDate, lastSeen }: ClockInput): Check {
  const now = Math.floor(nowMs / 1000);
  if (lastSeen !== undefined && now < lastSeen - CLOCK_TOLERANCE_SECONDS) {
    return fail(
      "clock",
      `this clock is ${span(lastSeen - now)} behind the last time this machine was seen (${new Date(lastSeen * 1000).toISOString()})`,
      "set the system clock right (enable NTP); until then the sentinel must reach the server to start",
      ExitCode.config,
    );
  }
  const serverMs = serverDate ? Date.parse(serverDate) : Number.NaN;
  if (!Number.isFinite(serverMs)) {
    if (serverDate === undefined) return ok("clock", "not compared with a server (none answered)");
    return warn(
      "clock",
      "the server sent no usable Date header to compare with",
      "nothing to do unless licences seem to expire early or late",
    );
  }
  // Date has one-second resolution: compare whole seconds.
  const offset = Math.floor(serverMs / 1000) - now;
  const direction = offset > 0 ? "behind" : "ahead of";
  if (Math.abs(offset) > SKEW_WARN_SECONDS) {
    return warn("clock", `this clock is ${span(offset)} ${direction} the server's`, "set the system clock right (enable NTP)");
  }
  return ok("clock", `within ${span(offset)} of the server's`);
}
