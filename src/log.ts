// The one logger: consola, to stderr only (stdout belongs to the software and to
// --json), one line per event, colour only on a TTY and never with NO_COLOR.
import { createConsola } from "consola";

export const LOG_LEVELS = ["silent", "error", "warn", "info", "debug"] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

const LEVEL: Record<LogLevelName, number> = { silent: Number.NEGATIVE_INFINITY, error: 0, warn: 1, info: 3, debug: 4 };

export const log = createConsola({
  level: LEVEL.info,
  stdout: process.stderr,
  stderr: process.stderr,
  formatOptions: { colors: Boolean(process.stderr.isTTY) && !process.env.NO_COLOR, date: false, compact: true },
});

export function setLogLevel(name: LogLevelName): void {
  log.level = LEVEL[name];
}
