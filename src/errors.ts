// The one exit-code table (spec 9.3) and the errors that carry those codes.
// Every failure the sentinel reports is one of these classes; anything else thrown
// is a bug and ends as `internal` (70) in the one handler, src/cli.ts.
import { constants } from "node:os";

export const ExitCode = {
  ok: 0,
  usage: 64,
  licenseInvalid: 65,
  unavailable: 69,
  internal: 70,
  temporary: 75,
  denied: 77,
  config: 78,
} as const;

export class SentinelError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 64: bad flag, missing file, software not executable, bad server URL. */
export class UsageError extends SentinelError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

/** 65: licence format, signature, dates, fields, fingerprint or checksum. */
export class LicenseError extends SentinelError {
  constructor(message: string) {
    super(message, ExitCode.licenseInvalid);
  }
}

/** 69: DRM server unreachable and no grace left, or activation unreachable. */
export class UnavailableError extends SentinelError {
  constructor(message: string) {
    super(message, ExitCode.unavailable);
  }
}

/** 70: a bug or an environment failure nothing else names. */
export class InternalError extends SentinelError {
  constructor(message: string) {
    super(message, ExitCode.internal);
  }
}

/** 75: temporary — no floating seat is free now; a script may try again later. */
export class TemporaryError extends SentinelError {
  constructor(message: string) {
    super(message, ExitCode.temporary);
  }
}

/** 77: revoked, expired, suspended, decommissioned, refused. */
export class DeniedError extends SentinelError {
  constructor(message: string) {
    super(message, ExitCode.denied);
  }
}

/** 78: no usable embedded organisation key, keystore or runtime directory unusable. */
export class ConfigError extends SentinelError {
  constructor(message: string) {
    super(message, ExitCode.config);
  }
}

/** 128+N: a signal (SIGINT/SIGTERM) arrived before the software was launched. */
export class Interrupted extends SentinelError {
  constructor(readonly signal: "SIGINT" | "SIGTERM") {
    super(`interrupted by ${signal}`, 128 + (constants.signals[signal] as number));
  }
}

/** Error text of anything thrown, without a stack. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
