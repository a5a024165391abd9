// Flow 8.5: fully offline. No server, no state, no keystore, no network: the
// machine's v1 fingerprint or v2 binding (spec 13.3) must match the licence, then the software runs.
import { equalsConstantTime } from "../crypto/sha256.ts";
import { LicenseError } from "../errors.ts";
import { collectFingerprint } from "../hardware/fingerprint.ts";
import type { HardwareBoundLicense } from "../license/validate.ts";
import { log } from "../log.ts";
import { embeddedOrgKey } from "../org-key.ts";
import { bindingFailure, describeBinding } from "./binding-check.ts";
import type { LaunchRequest } from "./launch-request.ts";
import { checkThisMachine } from "./machine-binding.ts";
import { superviseSoftware } from "./supervise.ts";

const OFFLINE_STATUS = { online: false, lastHeartbeatSuccess: null, graceRemainingSeconds: 0, graceExhausted: false };

/** Checks the machine against the licence's v1 fingerprint or v2 binding; returns the socket id. */
async function acceptMachine(license: HardwareBoundLicense): Promise<string> {
  const binding = license.hardwareBinding;
  if (binding) {
    const report = await checkThisMachine(binding, embeddedOrgKey().derSha256);
    // Accepted with parts changed is worth a line: the customer may want a fresh licence before the next swap.
    const line = `hardware binding: ${describeBinding(report)}`;
    if (report.different.length + report.unavailable.length > 0) log.info(line);
    else log.debug(line);
    const failure = bindingFailure(report);
    if (failure) throw failure;
    return binding.socketId;
  }
  const { fingerprint } = await collectFingerprint();
  if (!equalsConstantTime(fingerprint, license.hardwareFingerprint)) {
    throw new LicenseError("hardware fingerprint mismatch: this license is not valid for this machine");
  }
  return fingerprint;
}

export async function runHardwareBound(license: HardwareBoundLicense, request: LaunchRequest): Promise<number> {
  const socketId = await acceptMachine(license);
  return superviseSoftware({ ...request, socketId, license, status: () => OFFLINE_STATUS });
}
