// `--proxy` and the repeatable `--ca-file` (spec 14) as one NetworkFlags object.
// citty keeps only the last of a repeated flag, so every `--ca-file` is read from the raw tokens.
import type { NetworkFlags } from "../drm/network.ts";
import { UsageError } from "../errors.ts";

/** Every value of `--name V` / `--name=V` in `tokens`, in order. */
export function repeatedFlag(tokens: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (token === `--${name}`) {
      const value = tokens[++i];
      if (value === undefined || value.startsWith("--")) throw new UsageError(`--${name} needs a value`);
      values.push(value);
    } else if (token.startsWith(`--${name}=`)) values.push(token.slice(name.length + 3));
  }
  return values;
}

export function networkFlags(args: { proxy?: string }, rawArgs: readonly string[]): NetworkFlags {
  return { proxy: args.proxy, caFiles: repeatedFlag(rawArgs, "ca-file") };
}
