// The command line: picks the verb (default `run`), refuses unknown flags, lets citty's
// runCommand parse and run it (setup/run/cleanup), and maps every failure to one line
// on stderr and the exit code of spec 9.3: the one error handler.
import { type ArgsDef, type CommandDef, parseArgs, renderUsage, runCommand } from "citty";
import { jsonRequested, printJsonFailure } from "./commands/output.ts";
import type { VerbData } from "./commands/verb-data.ts";
import { printVersion } from "./commands/version.ts";
import { describeError, ExitCode, Interrupted, SentinelError, UsageError } from "./errors.ts";
import { LOG_LEVELS, type LogLevelName, log, setLogLevel } from "./log.ts";
import { stdoutIsTerminal, writeStdout } from "./stdio.ts";

// biome-ignore lint/suspicious/noExplicitAny: citty command definitions differ in their args types
type AnyCommand = CommandDef<any>;

const VERBS: Record<string, () => Promise<AnyCommand>> = {
  run: () => import("./commands/run.ts").then((m) => m.default),
  activate: () => import("./commands/activate.ts").then((m) => m.default),
  verify: () => import("./commands/verify.ts").then((m) => m.default),
  status: () => import("./commands/status.ts").then((m) => m.default),
  fingerprint: () => import("./commands/fingerprint.ts").then((m) => m.default),
  deactivate: () => import("./commands/deactivate.ts").then((m) => m.default),
  doctor: () => import("./commands/doctor.ts").then((m) => m.default),
};

const ROOT: AnyCommand = {
  meta: {
    name: "sentinel",
    description: "Licence-enforcement wrapper: verifies the licence, runs the software, answers its licence questions",
  },
  subCommands: Object.fromEntries(Object.keys(VERBS).map((verb) => [verb, () => VERBS[verb]!()])),
};

function flagName(token: string): string {
  return token.replace(/^--?/, "").split("=")[0] as string;
}

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** citty ignores unknown flags; a licence wrapper must not silently drop a misspelt one. */
function assertKnownFlags(tokens: string[], args: ArgsDef): void {
  const known = new Set(["help", "h", "log-level"]);
  for (const [name, def] of Object.entries(args)) {
    known.add(name);
    if (def.type === "boolean") known.add(`no-${name}`);
  }
  for (const token of tokens) {
    if (!token.startsWith("-") || token === "-") continue;
    const name = flagName(token);
    if (!known.has(name) && ![...known].some((k) => camel(k) === name)) throw new UsageError(`unknown flag: ${token}`);
  }
}

async function dispatch(argv: string[]): Promise<number> {
  const split = argv.indexOf("--");
  const own = split < 0 ? argv : argv.slice(0, split);
  const passthrough = split < 0 ? [] : argv.slice(split + 1);
  if (own.length === 1 && (own[0] === "--version" || own[0] === "-v")) return printVersion();
  const explicit = own[0] !== undefined && own[0] in VERBS;
  const verb = explicit ? (own[0] as string) : "run";
  const tokens = explicit ? own.slice(1) : own;
  if (own.includes("--help") || own.includes("-h")) {
    const command = explicit ? await VERBS[verb]!() : ROOT;
    const usage = await renderUsage(command, explicit ? ROOT : undefined);
    const plain = !stdoutIsTerminal() || Boolean(process.env.NO_COLOR);
    writeStdout(`${plain ? Bun.stripANSI(usage) : usage}\n`);
    return ExitCode.ok;
  }
  if (!explicit && own[0] !== undefined && !own[0].startsWith("-")) throw new UsageError(`unknown command: ${own[0]}`);
  const command = await VERBS[verb]!();
  checkArgs(tokens, command.args ?? {});
  const data: VerbData = { passthrough };
  const { result } = await runCommand(command, { rawArgs: tokens, data });
  return typeof result === "number" ? result : ExitCode.ok;
}

const logLevelOf = (value: unknown): LogLevelName => LOG_LEVELS.find((level) => level === value) ?? "info";

/** Before runCommand: unknown flags, malformed values and stray arguments are usage errors (64). */
function checkArgs(tokens: string[], argsDef: ArgsDef): void {
  assertKnownFlags(tokens, argsDef);
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(tokens, argsDef);
  } catch (error) {
    throw new UsageError(Bun.stripANSI(describeError(error)));
  }
  if (args._.length > 0) throw new UsageError(`unexpected argument: ${args._[0]} (pass arguments for the software after --)`);
  setLogLevel(logLevelOf(args.logLevel));
}

/** The whole command: runs it, reports a failure in one line (and as JSON when asked), exits. */
export async function main(argv: string[]): Promise<never> {
  let exitCode: number;
  let failure = "";
  try {
    exitCode = await dispatch(argv);
    if (exitCode !== ExitCode.ok) failure = `stopped with exit status ${exitCode}`;
  } catch (error) {
    exitCode = error instanceof SentinelError ? error.exitCode : ExitCode.internal;
    if (error instanceof Interrupted) {
      // Not a failure of the sentinel: someone stopped it before the work was done.
      log.info(error.message);
      failure = `stopped with exit status ${exitCode}`;
    } else {
      failure = error instanceof SentinelError ? error.message : `internal error: ${describeError(error)}`;
      log.error(failure);
      if (error instanceof Error && error.stack) log.debug(error.stack);
    }
  }
  if (failure && jsonRequested(argv)) printJsonFailure(exitCode, failure);
  // Exit explicitly: a timed-out keystore probe or an abandoned request must not keep the
  // process alive. Every write was synchronous (stdio.ts): nothing is left to flush.
  process.exit(exitCode);
}
