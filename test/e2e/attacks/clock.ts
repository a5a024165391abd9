// The clock set back for one sentinel process with libfaketime (Debian package
// `faketime`): its LD_PRELOAD shifts CLOCK_REALTIME for the compiled binary, while
// monotonic time is left alone so timers and retry backoff behave normally.

/** A startSentinel wrapper that runs the binary with its wall clock shifted by `offset` (e.g. "-2d"). */
export function clockShifted(offset: string): string[] {
  if (!Bun.which("faketime")) throw new Error("faketime is not installed (Debian: apt-get install faketime)");
  return ["env", "FAKETIME_DONT_FAKE_MONOTONIC=1", "faketime", "-f", offset];
}
