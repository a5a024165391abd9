// The certificate authorities an https:// DRM server is checked against (spec 14.1):
// the runtime's bundled roots plus PEM files from --ca-file, SENTINEL_CA_FILE and
// NODE_EXTRA_CA_CERTS. Verification itself is the runtime's and is never turned off.
import { readFileSync } from "node:fs";
import { describeError, UsageError } from "../errors.ts";

/** Required only when extra CAs need the bundled roots beside them: node:tls takes ~5 ms to load (bench, issue 15). */
const bundledRoots = (): readonly string[] => (require("node:tls") as typeof import("node:tls")).rootCertificates;

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;
const HOLDS_CERTIFICATE = new RegExp(CERTIFICATE.source);

export interface TrustSources {
  /** `--ca-file`, in the order given. */
  caFiles?: readonly string[];
  env: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
}

/** Every extra CA file named by the flags and variables, flags first, without repeats. */
export function extraCaFiles({ caFiles = [], env, platform = process.platform }: TrustSources): string[] {
  const separator = platform === "win32" ? ";" : ":";
  const fromEnv = (env.SENTINEL_CA_FILE ?? "").split(separator);
  const paths = [...caFiles, ...fromEnv, env.NODE_EXTRA_CA_CERTS ?? ""].map((path) => path.trim()).filter(Boolean);
  return [...new Set(paths)];
}

/** A CA file's text, checked to hold a PEM certificate: unreadable or holding none is a usage error (64). */
function readCaText(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read CA file ${path}: ${describeError(error)}`);
  }
  if (!HOLDS_CERTIFICATE.test(text)) throw new UsageError(`CA file ${path} holds no PEM certificate (BEGIN CERTIFICATE)`);
  return text;
}

/** The PEM certificates in one file; a file that holds none is a usage error (64). */
export function readCaFile(path: string): string[] {
  return readCaText(path).match(CERTIFICATE) ?? [];
}

/**
 * The `ca` list for fetch, or undefined for the runtime's defaults. Bun's `tls.ca`
 * replaces the trust store (bundled roots and NODE_EXTRA_CA_CERTS alike) instead of
 * adding to it, so extra CAs are appended to the bundled roots here. NODE_EXTRA_CA_CERTS
 * alone is checked but not passed: the runtime read that very file into its own store at
 * start-up, and re-reading a system-wide bundle (and node:tls for the roots) costs ~8 ms
 * of every start (issue 15).
 */
export function trustedCas(sources: TrustSources): string[] | undefined {
  const files = extraCaFiles(sources);
  const nodeExtra = sources.env.NODE_EXTRA_CA_CERTS?.trim();
  if (nodeExtra && files.length === 1 && files[0] === nodeExtra && nodeExtra === process.env.NODE_EXTRA_CA_CERTS?.trim()) {
    readCaText(nodeExtra);
    return undefined;
  }
  const extra = files.flatMap(readCaFile);
  return extra.length === 0 ? undefined : [...bundledRoots(), ...extra];
}
