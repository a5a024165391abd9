// `sentinel deactivate --license F [--offline-request FILE]` (spec 15.3): give
// this machine's seat back, then forget the activation locally.
import { defineCommand } from "citty";
import { withStandardLicense } from "../sentinel/licensed-command.ts";
import { printJson, printLine } from "./output.ts";
import { caFileArg, jsonArg, keystoreArg, licenseArg, logLevelArg, proxyArg, serverUrlArg, stateDirArg } from "./shared-args.ts";
import { standardOptions } from "./standard-options.ts";

export default defineCommand({
  meta: { name: "deactivate", description: "Release this machine's seat (online, or as a request file to send to the vendor)" },
  args: {
    license: licenseArg,
    "server-url": serverUrlArg,
    "state-dir": stateDirArg,
    keystore: keystoreArg,
    proxy: proxyArg,
    "ca-file": caFileArg,
    "offline-request": {
      type: "string",
      description: "Write a signed deactivation request to this file instead (no network)",
      valueHint: "file",
    },
    json: jsonArg,
    "log-level": logLevelArg,
  },
  run({ args, rawArgs }) {
    return withStandardLicense(args.license, "deactivate applies to STANDARD licenses only", async (license, orgKey, shutdown) => {
      const { deactivateOffline, deactivateOnline } = await import("../offline/deactivate.ts");
      const options = standardOptions(args, rawArgs);
      const requestPath = args["offline-request"];
      const machineId =
        requestPath === undefined
          ? await deactivateOnline(license, orgKey, options, shutdown)
          : await deactivateOffline(license, options, requestPath);
      if (args.json) {
        printJson({
          status: requestPath === undefined ? "DEACTIVATED" : "REQUEST_WRITTEN",
          license_key: license.licenseKey,
          machine_id: machineId,
          ...(requestPath === undefined ? {} : { request_file: requestPath }),
        });
      } else if (requestPath === undefined) printLine(`deactivated: machine ${machineId} released its seat of ${license.licenseKey}`);
      else {
        printLine(`deactivation request written to ${requestPath}; this machine's activation of ${license.licenseKey} is removed`);
        printLine("send the file to your vendor so the seat is freed");
      }
      return 0;
    });
  },
});
