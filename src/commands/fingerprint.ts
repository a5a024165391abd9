// `sentinel fingerprint [--json]`: the machine's v1 fingerprint (spec 6) and v2
// component hashes (spec 13.4), for the customer to send to the vendor. Names,
// sources and hashes only, never raw values. v1 failing is fatal only when v2 has nothing.
import { defineCommand } from "citty";
import { describeError } from "../errors.ts";
import { collectHashedComponents, type HashedComponents } from "../hardware/collect-components.ts";
import { collectFingerprint, type Fingerprint } from "../hardware/fingerprint.ts";
import { embeddedOrgKey } from "../org-key.ts";
import { printJson, printLine } from "./output.ts";
import { jsonArg, logLevelArg } from "./shared-args.ts";

function v2Json(v2: HashedComponents): Record<string, unknown> {
  return { org_key: v2.orgKey, environment: v2.environment, components: v2.components, unavailable: v2.unavailable };
}

function v1Json(v1: Fingerprint | Error): Record<string, unknown> {
  if (v1 instanceof Error) return { fingerprint: null, error: v1.message };
  const parts = Object.fromEntries(Object.entries(v1.parts).map(([name, part]) => [name, { source: part.source }]));
  return { fingerprint: v1.fingerprint, parts };
}

function printWords(v1: Fingerprint | Error, v2: HashedComponents): void {
  printLine(`fingerprint (v1): ${v1 instanceof Error ? `unavailable — ${v1.message}` : v1.fingerprint}`);
  printLine(`components (v2), org key ${v2.orgKey}, environment ${v2.environment}:`);
  for (const [name, component] of Object.entries(v2.components)) printLine(`  ${name.padEnd(12)} ${component.hash}  (${component.source})`);
  for (const [name, reason] of Object.entries(v2.unavailable)) printLine(`  ${name.padEnd(12)} unavailable — ${reason}`);
}

export default defineCommand({
  meta: {
    name: "fingerprint",
    description: "Print this machine's hardware fingerprint and binding components (for HARDWARE_BOUND licences)",
  },
  args: { json: jsonArg, "log-level": logLevelArg },
  async run({ args }) {
    const orgKey = embeddedOrgKey();
    const [v1, v2] = await Promise.all([
      collectFingerprint().catch((error: unknown) => (error instanceof Error ? error : new Error(describeError(error)))),
      collectHashedComponents(orgKey.derSha256),
    ]);
    if (v1 instanceof Error && Object.keys(v2.components).length === 0) throw v1;
    if (args.json) printJson({ ...v1Json(v1), v2: v2Json(v2) });
    else printWords(v1, v2);
    return 0;
  },
});
