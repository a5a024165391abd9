// A wall clock that moves while one sentinel process runs: libfaketime (Debian
// package `faketime`) re-reads its offset from a file on every call, while the
// monotonic clock is left alone, as an NTP step or a hand-set clock leaves it.
import { renameSync, writeFileSync } from "node:fs";

export interface MovingClock {
  /** A startSentinel wrapper: the binary runs with this clock. */
  wrapper: string[];
  /** Moves the process's wall clock to real time + `offsetMs` (whole seconds). */
  set(offsetMs: number): void;
  offsetMs(): number;
}

export function movingClock(file: string): MovingClock {
  let current = 0;
  const write = (offsetMs: number) => {
    const seconds = Math.round(offsetMs / 1000);
    // Renamed into place, so the library never reads a half-written offset.
    writeFileSync(`${file}.tmp`, `${seconds < 0 ? "" : "+"}${seconds}\n`);
    renameSync(`${file}.tmp`, file);
    current = seconds * 1000;
  };
  write(0);
  // `faketime` finds its preload library; `env -u FAKETIME` then hands the offset over to the file.
  const wrapper = ["env", "FAKETIME_DONT_FAKE_MONOTONIC=1", "faketime", "-f", "+0"];
  return {
    wrapper: [...wrapper, "env", "-u", "FAKETIME", `FAKETIME_TIMESTAMP_FILE=${file}`, "FAKETIME_NO_CACHE=1"],
    set: write,
    offsetMs: () => current,
  };
}
