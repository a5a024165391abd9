// One line of `sentinel doctor` (spec 14.4): a named check, ok/warn/fail, what was
// found and what to do; the report's exit status and its two printed forms.
import { ExitCode } from "../errors.ts";

export type CheckStatus = "ok" | "warn" | "fail";

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  /** What a customer can do about a warning or failure; empty when ok. */
  hint: string;
  /** The exit code a failure stands for (spec 9.3). */
  code?: number;
}

export const ok = (name: string, detail: string): Check => ({ name, status: "ok", detail, hint: "" });
export const warn = (name: string, detail: string, hint: string): Check => ({ name, status: "warn", detail, hint });
export const fail = (name: string, detail: string, hint: string, code: number): Check => ({ name, status: "fail", detail, hint, code });

/** 0 when nothing failed, else the code of the first failure. */
export function exitCodeOf(checks: readonly Check[]): number {
  return checks.find((check) => check.status === "fail")?.code ?? ExitCode.ok;
}

/** The `--json` document: `{"ok", "checks": [{"name", "status", "detail", "hint"}]}`. */
export function jsonReport(checks: readonly Check[]): { ok: boolean; checks: Omit<Check, "code">[] } {
  return {
    ok: checks.every((check) => check.status !== "fail"),
    checks: checks.map(({ name, status, detail, hint }) => ({ name, status, detail, hint })),
  };
}

/** One line per check: `fail  tls        certificate has expired — renew …`. */
export function humanLines(checks: readonly Check[]): string[] {
  const width = Math.max(...checks.map((check) => check.name.length));
  return checks.map(({ name, status, detail, hint }) => `${status.padEnd(4)}  ${name.padEnd(width)}  ${detail}${hint ? ` — ${hint}` : ""}`);
}
