// `sentinel [run] --license F --software S [-- ARGS]`: the whole flow of section 8.
import { defineCommand } from "citty";
import { UsageError } from "../errors.ts";
import { checkExecutable, softwarePath } from "../process/software-file.ts";
import { launch } from "../sentinel/launch.ts";
import { withLicense } from "../sentinel/licensed-command.ts";
import { licenseArg, logLevelArg, serverArgs, softwareArg, stopTimeoutArg } from "./shared-args.ts";
import { standardOptions } from "./standard-options.ts";
import type { VerbData } from "./verb-data.ts";

/** A flag in seconds, from 0 to `max`, as milliseconds. */
function parseSeconds(flag: string, text: string, max: number): number {
  const seconds = Number(text);
  if (text.trim() === "" || !Number.isFinite(seconds) || seconds < 0 || seconds > max) {
    throw new UsageError(`invalid --${flag}: ${text} (expected seconds from 0 to ${max})`);
  }
  return seconds * 1000;
}

export const parseStopTimeout = (text: string) => parseSeconds("stop-timeout", text, 3600);
/** Up to a week: longer waits belong to a scheduler that retries on exit 75. */
export const parseWaitForSeat = (text: string) => parseSeconds("wait-for-seat", text, 604_800);

export default defineCommand({
  meta: { name: "run", description: "Verify the licence, start the software and enforce the licence while it runs (default)" },
  args: {
    license: licenseArg,
    software: softwareArg,
    ...serverArgs,
    "stop-timeout": stopTimeoutArg,
    "wait-for-seat": {
      type: "string",
      description: "Floating licences: wait up to this many seconds for a free seat (default: exit 75 at once)",
      valueHint: "seconds",
    },
    "log-level": logLevelArg,
  },
  run({ args, data, rawArgs }) {
    const stopTimeoutMs = parseStopTimeout(args["stop-timeout"]);
    const waitForSeat = args["wait-for-seat"];
    const waitForSeatMs = waitForSeat === undefined ? undefined : parseWaitForSeat(waitForSeat);
    const software = softwarePath(args.software);
    checkExecutable(software);
    const { passthrough }: VerbData = data;
    return withLicense(args.license, (license, orgKey, shutdown) =>
      launch(
        license,
        orgKey,
        { software, args: passthrough, stopTimeoutMs, shutdown },
        { ...standardOptions(args, rawArgs), waitForSeatMs },
      ),
    );
  },
});
