// The flags `run`, `activate` and `deactivate` share, as the options the STANDARD
// flows take: one mapping from citty's names to the flows' own.
import type { StandardOptions } from "../sentinel/standard.ts";
import { networkFlags } from "./network-args.ts";

export interface StandardArgs {
  "server-url"?: string;
  "state-dir"?: string;
  keystore?: string;
  "software-version"?: string;
  proxy?: string;
}

export function standardOptions(args: StandardArgs, rawArgs: readonly string[]): StandardOptions {
  return {
    serverUrl: args["server-url"],
    stateDir: args["state-dir"],
    keystore: args.keystore,
    softwareVersion: args["software-version"],
    network: networkFlags(args, rawArgs),
  };
}
