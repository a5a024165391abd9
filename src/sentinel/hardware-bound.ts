// Flow 8.5: fully offline. No server, no state, no keystore, no network: the
// machine's fingerprint must match the licence, then the software runs.
import { equalsConstantTime } from "../crypto/sha256.ts";
import { LicenseError } from "../errors.ts";
import { collectFingerprint } from "../hardware/fingerprint.ts";
import type { License } from "../license/validate.ts";
import type { Shutdown } from "./shutdown.ts";
import { superviseSoftware } from "./supervise.ts";

export interface LaunchRequest {
  /** Absolute, checked (spec 12.4). */
  software: string;
  softwareChecksum?: string;
  args: string[];
  stopTimeoutMs: number;
  shutdown: Shutdown;
}

const OFFLINE_STATUS = { online: false, lastHeartbeatSuccess: null, graceRemainingSeconds: 0, graceExhausted: false };

export async function runHardwareBound(license: License, request: LaunchRequest): Promise<number> {
  const { fingerprint } = await collectFingerprint();
  if (!equalsConstantTime(fingerprint, license.hardwareFingerprint ?? "")) {
    throw new LicenseError("hardware fingerprint mismatch: this license is not valid for this machine");
  }
  return superviseSoftware({ ...request, socketId: fingerprint, license, status: () => OFFLINE_STATUS });
}
