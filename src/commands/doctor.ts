// `sentinel doctor [--license F] [--server-url U] [--json]` (spec 14.4): what would
// stop the sentinel here, one line per check. Read-only; the checks live in src/doctor.
import { defineCommand } from "citty";
import { exitCodeOf, humanLines, jsonReport } from "../doctor/check.ts";
import { runDoctor } from "../doctor/doctor.ts";
import { networkFlags } from "./network-args.ts";
import { printJson, printLine } from "./output.ts";
import { caFileArg, jsonArg, keystoreArg, logLevelArg, proxyArg, serverUrlArg, stateDirArg } from "./shared-args.ts";

export default defineCommand({
  meta: { name: "doctor", description: "Check this machine's setup and the way to the DRM server, changing nothing" },
  args: {
    license: { type: "string", description: "Licence file to check (.lic)", valueHint: "file" },
    "server-url": serverUrlArg,
    "state-dir": stateDirArg,
    keystore: keystoreArg,
    proxy: proxyArg,
    "ca-file": caFileArg,
    json: jsonArg,
    "log-level": logLevelArg,
  },
  async run({ args, rawArgs }) {
    const checks = await runDoctor({
      licensePath: args.license,
      serverUrl: args["server-url"],
      stateDir: args["state-dir"],
      keystore: args.keystore,
      network: networkFlags(args, rawArgs),
    });
    if (args.json) printJson(jsonReport(checks));
    else for (const line of humanLines(checks)) printLine(line);
    return exitCodeOf(checks);
  },
});
