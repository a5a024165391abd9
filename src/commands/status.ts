// `sentinel status [--json]`: the local STANDARD state, read-only. Creates
// nothing: no state directory, no file, no keystore entry.
import { defineCommand } from "citty";
import { formatDuration } from "../duration.ts";
import { readLocalState } from "../state/local-state.ts";
import type { Loaded } from "../state/state-record.ts";
import { resolveStateDir } from "../storage/location.ts";
import { printJson, printLine } from "./output.ts";
import { jsonArg, keystoreArg, logLevelArg, stateDirArg } from "./shared-args.ts";

const when = (seconds: number | null) => (seconds === null ? "never" : new Date(seconds * 1000).toISOString());

function printHuman(loaded: Loaded, dir: string, backend: string): void {
  if (loaded.kind === "none") {
    printLine(`no licence state in ${dir}`);
    return;
  }
  if (loaded.kind === "tampered") {
    printLine(`licence state in ${dir} is unusable (${loaded.reason}); the next start must reach the server`);
    return;
  }
  const s = loaded.state;
  printLine(`machine id:      ${s.machine_id}`);
  printLine(`license key:     ${s.license_key}`);
  printLine(`activated:       ${s.activated ? "yes" : "no"}`);
  printLine(`last heartbeat:  ${when(s.last_heartbeat_success)}`);
  printLine(`grace remaining: ${formatDuration(s.grace_remaining_seconds)}${s.grace_exhausted ? " (exhausted)" : ""}`);
  if (s.offline_until) printLine(`offline until:   ${s.offline_until} (UTC, no DRM server contact until the day after)`);
  printLine(`keystore:        ${backend}`);
}

export default defineCommand({
  meta: { name: "status", description: "Show this machine's local licence state (read-only)" },
  args: { "state-dir": stateDirArg, keystore: keystoreArg, json: jsonArg, "log-level": logLevelArg },
  async run({ args }) {
    const dir = resolveStateDir(args["state-dir"]);
    const { loaded, backend } = await readLocalState(dir, args.keystore);
    if (!args.json) printHuman(loaded, dir, backend);
    else if (loaded.kind === "ok") printJson({ ...loaded.state, keystore: backend });
    else printJson({ state: null, ...(loaded.kind === "tampered" ? { tampered: loaded.reason } : {}) });
    return 0;
  },
});
