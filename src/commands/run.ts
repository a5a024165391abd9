// `sentinel [run] --license F --software S [-- ARGS]`: the whole flow of section 8.
import { defineCommand } from "citty";
import type { RunData } from "../cli.ts";
import { UsageError } from "../errors.ts";
import { loadLicense } from "../license/load.ts";
import { log } from "../log.ts";
import { embeddedOrgKey } from "../org-key.ts";
import { checkExecutable, softwarePath } from "../process/software-file.ts";
import { Interrupted, Shutdown } from "../sentinel/shutdown.ts";
import {
  keystoreArg,
  licenseArg,
  logLevelArg,
  serverUrlArg,
  softwareArg,
  softwareVersionArg,
  stateDirArg,
  stopTimeoutArg,
} from "./shared-args.ts";

export function parseStopTimeout(text: string): number {
  const seconds = Number(text);
  if (text.trim() === "" || !Number.isFinite(seconds) || seconds < 0 || seconds > 3600) {
    throw new UsageError(`invalid --stop-timeout: ${text} (expected seconds from 0 to 3600)`);
  }
  return seconds * 1000;
}

export default defineCommand({
  meta: { name: "run", description: "Verify the licence, start the software and enforce the licence while it runs (default)" },
  args: {
    license: licenseArg,
    software: softwareArg,
    "server-url": serverUrlArg,
    "state-dir": stateDirArg,
    keystore: keystoreArg,
    "software-version": softwareVersionArg,
    "stop-timeout": stopTimeoutArg,
    "log-level": logLevelArg,
  },
  async run({ args, data }) {
    const stopTimeoutMs = parseStopTimeout(args["stop-timeout"]);
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
