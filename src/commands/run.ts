// `sentinel [run] --license F --software S [-- ARGS]`: the whole flow of section 8.
import { defineCommand } from "citty";
import type { RunData } from "../cli.ts";
import { UsageError } from "../errors.ts";
import { loadLicense } from "../license/load.ts";
import { log } from "../log.ts";
import { embeddedOrgKey } from "../org-key.ts";
import { checkExecutable, softwarePath } from "../process/software-file.ts";
import { Interrupted, Shutdown } from "../sentinel/shutdown.ts";
import { networkFlags } from "./network-args.ts";
import {
  caFileArg,
  keystoreArg,
  licenseArg,
  logLevelArg,
  proxyArg,
  serverUrlArg,
  softwareArg,
  softwareVersionArg,
  stateDirArg,
  stopTimeoutArg,
} from "./shared-args.ts";

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
    "server-url": serverUrlArg,
    "state-dir": stateDirArg,
    keystore: keystoreArg,
    "software-version": softwareVersionArg,
    proxy: proxyArg,
    "ca-file": caFileArg,
    "stop-timeout": stopTimeoutArg,
    "wait-for-seat": {
      type: "string",
      description: "Floating licences: wait up to this many seconds for a free seat (default: exit 75 at once)",
      valueHint: "seconds",
    },
    "log-level": logLevelArg,
  },
  async run({ args, data, rawArgs }) {
    const stopTimeoutMs = parseStopTimeout(args["stop-timeout"]);
    const waitForSeat = args["wait-for-seat"];
    const waitForSeatMs = waitForSeat === undefined ? undefined : parseWaitForSeat(waitForSeat);
    const software = softwarePath(args.software);
    checkExecutable(software);
    const orgKey = embeddedOrgKey();
    const shutdown = new Shutdown();
    const uninstall = shutdown.installSignalHandlers();
    try {
      const license = loadLicense(args.license, orgKey.point);
      log.info(`license ${license.licenseKey} (${license.licenseType}) valid until ${license.expiryDate}`);
      // The checksum is checked at launch, on the descriptor that is then executed (spec 12.4).
      const request = {
        software,
        softwareChecksum: license.softwareChecksum,
        args: (data as RunData).passthrough,
        stopTimeoutMs,
        shutdown,
      };
      // Each flow loads only its own modules: a HARDWARE_BOUND start never loads the network code.
      if (license.licenseType === "HARDWARE_BOUND") {
        const { runHardwareBound } = await import("../sentinel/hardware-bound.ts");
        return await runHardwareBound(license, request);
      }
      const { runStandard } = await import("../sentinel/standard.ts");
      return await runStandard(license, orgKey, request, {
        serverUrl: args["server-url"],
        stateDir: args["state-dir"],
        keystore: args.keystore,
        softwareVersion: args["software-version"],
        network: networkFlags(args, rawArgs),
        waitForSeatMs,
      });
    } catch (error) {
      if (!(error instanceof Interrupted)) throw error;
      log.info(`${error.message} before the software started`);
      return error.exitCode;
    } finally {
      uninstall();
    }
  },
});
