// `sentinel activate --license F`: STANDARD steps 1–6 without launching, for
// installers right after install. Prints the outcome (human or --json).
import { defineCommand } from "citty";
import { formatDuration } from "../duration.ts";
import { UsageError } from "../errors.ts";
import { withStandardLicense } from "../sentinel/licensed-command.ts";
import { printJson, printLine } from "./output.ts";
import { jsonArg, licenseArg, logLevelArg, serverArgs } from "./shared-args.ts";
import { standardOptions } from "./standard-options.ts";

export default defineCommand({
  meta: { name: "activate", description: "Activate this machine and check in with the DRM server, without starting the software" },
  args: {
    license: licenseArg,
    ...serverArgs,
    json: jsonArg,
    "log-level": logLevelArg,
    "offline-request": { type: "string", description: "Write an offline activation request to this file (no network)", valueHint: "file" },
    "offline-response": {
      type: "string",
      description: "Complete an offline activation with the vendor's response file",
      valueHint: "file",
    },
  },
  run({ args, rawArgs }) {
    const refusal = "activate applies to STANDARD licenses only (HARDWARE_BOUND licenses need no activation)";
    return withStandardLicense(args.license, refusal, async (license, orgKey, shutdown) => {
      const options = standardOptions(args, rawArgs);
      const offline = { request: args["offline-request"], response: args["offline-response"] };
      if (offline.request !== undefined && offline.response !== undefined)
        throw new UsageError("--offline-request and --offline-response are two separate steps: give one");
      if (offline.request !== undefined || offline.response !== undefined) {
        const { activateOffline } = await import("./activate-offline.ts");
        return await activateOffline(license, orgKey, options, { licensePath: args.license, ...offline, json: args.json });
      }
      const { startStandard } = await import("../sentinel/standard.ts");
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
    });
  },
});
