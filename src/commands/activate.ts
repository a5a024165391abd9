// `sentinel activate --license F`: STANDARD steps 1–6 without launching, for
// installers right after install. Prints the outcome (human or --json).
import { defineCommand } from "citty";
import { formatDuration } from "../duration.ts";
import { UsageError } from "../errors.ts";
import { loadLicense } from "../license/load.ts";
import { embeddedOrgKey } from "../org-key.ts";
import { Interrupted, Shutdown } from "../sentinel/shutdown.ts";
import { startStandard } from "../sentinel/standard.ts";
import { networkFlags } from "./network-args.ts";
import { printJson, printLine } from "./output.ts";
import {
  caFileArg,
  jsonArg,
  keystoreArg,
  licenseArg,
  logLevelArg,
  proxyArg,
  serverUrlArg,
  softwareVersionArg,
  stateDirArg,
} from "./shared-args.ts";

export default defineCommand({
  meta: { name: "activate", description: "Activate this machine and check in with the DRM server, without starting the software" },
  args: {
    license: licenseArg,
    "server-url": serverUrlArg,
    "state-dir": stateDirArg,
    keystore: keystoreArg,
    "software-version": softwareVersionArg,
    proxy: proxyArg,
    "ca-file": caFileArg,
    json: jsonArg,
    "log-level": logLevelArg,
  },
  async run({ args, rawArgs }) {
    const orgKey = embeddedOrgKey();
    const shutdown = new Shutdown();
    const uninstall = shutdown.installSignalHandlers();
    try {
      const license = loadLicense(args.license, orgKey.point);
      if (license.licenseType !== "STANDARD")
        throw new UsageError("activate applies to STANDARD licenses only (HARDWARE_BOUND licenses need no activation)");
      const options = {
        serverUrl: args["server-url"],
        stateDir: args["state-dir"],
        keystore: args.keystore,
        softwareVersion: args["software-version"],
        network: networkFlags(args, rawArgs),
      };
      const { session, state, online } = await startStandard(license, orgKey, options, shutdown);
      await session.close();
      const status = online ? "ACTIVE" : "OFFLINE_GRACE";
      if (args.json) {
        printJson({
          status,
          license_key: license.licenseKey,
          machine_id: state.machine_id,
          grace_remaining_seconds: state.grace_remaining_seconds,
          grace_exhausted: state.grace_exhausted,
          last_heartbeat_success: state.last_heartbeat_success,
        });
      } else {
        const grace = `grace ${formatDuration(state.grace_remaining_seconds)} left`;
        printLine(
          online
            ? `activated: machine ${state.machine_id} is active for ${license.licenseKey} (${grace})`
            : `server unreachable: machine ${state.machine_id} may run on grace (${grace})`,
        );
      }
      return 0;
    } catch (error) {
      if (error instanceof Interrupted) return error.exitCode;
      throw error;
    } finally {
      uninstall();
    }
  },
});
