// The one logger: consola, to stderr only (stdout belongs to the software and to
// --json), one line per event, colour only on a TTY and never with NO_COLOR.
// consola/core: the logger without its fancy reporters, which cost ~5 ms at every start.
import { type ConsolaReporter, createConsola, type LogObject } from "consola/core";
import { stderrIsTerminal, writeStderr } from "./stdio.ts";

export const LOG_LEVELS = ["silent", "error", "warn", "info", "debug"] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

const LEVEL: Record<LogLevelName, number> = { silent: Number.NEGATIVE_INFINITY, error: 0, warn: 1, info: 3, debug: 4 };
const COLOUR: Record<string, string> = { error: "31", fatal: "31", warn: "33", debug: "90" };
const useColour = stderrIsTerminal() && !process.env.NO_COLOR;

const lineReporter: ConsolaReporter = {
  log(entry: LogObject) {
    const label =
      entry.type === "log" || entry.type === "success" || entry.type === "start" || entry.type === "ready" ? "info" : entry.type;
    // Bun.inspect, not node:util (whose module costs ~3 ms at every start).
    const text = entry.args
      .map((arg) => (typeof arg === "string" ? arg : Bun.inspect(arg, { colors: false })))
      .join(" ")
      .replace(/\r?\n/g, "\\n");
    const prefix = `sentinel ${label}:`;
    const colour = COLOUR[label];
    writeStderr(`${useColour && colour ? `\u001b[${colour}m${prefix}\u001b[0m` : prefix} ${text}\n`);
  },
};

export const log = createConsola({ level: LEVEL.info, reporters: [lineReporter] });

export function setLogLevel(name: LogLevelName): void {
  log.level = LEVEL[name];
}
