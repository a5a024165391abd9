// `sentinel fingerprint [--json]`: the machine's hardware fingerprint (spec 6),
// for the customer to send to the vendor. --json names the sources, never the raw values.
import { defineCommand } from "citty";
import { collectFingerprint } from "../hardware/fingerprint.ts";
import { printJson, printLine } from "./output.ts";
import { jsonArg, logLevelArg } from "./shared-args.ts";

export default defineCommand({
  meta: { name: "fingerprint", description: "Print this machine's hardware fingerprint (for HARDWARE_BOUND licences)" },
  args: { json: jsonArg, "log-level": logLevelArg },
  async run({ args }) {
    const { fingerprint, parts } = await collectFingerprint();
    if (!args.json) {
      printLine(fingerprint);
      return 0;
    }
    const sources = Object.fromEntries(Object.entries(parts).map(([name, part]) => [name, { source: part.source }]));
    printJson({ fingerprint, parts: sources });
    return 0;
  },
});
