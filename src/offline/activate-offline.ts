// Offline activation (spec 15.2 steps 1 and 3): write the signed request and
// remember its nonce; later accept the vendor's signed response for it. No network.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { VERSION } from "../build-info.ts";
import { publicPointOf } from "../crypto/es256.ts";
import { writePublicKeyPem } from "../crypto/pem.ts";
import { LicenseError, UsageError } from "../errors.ts";
import type { StandardLicense } from "../license/validate.ts";
import type { OrgKey } from "../org-key.ts";
import { detectPlatform } from "../platform.ts";
import { openMachineSession, type SessionOptions } from "../sentinel/machine-session.ts";
import { acceptOfflineActivation, awaitOfflineResponse } from "../sentinel/offline-window.ts";
import type { State } from "../state/state-record.ts";
import { STATE_FILE } from "../state/store.ts";
import { resolveStateDir } from "../storage/location.ts";
import { activationRequestPayload, signRequestFile, writeRequestFile } from "./request-file.ts";
import { checkOfflineResponse, openResponseFile, readResponseFile } from "./response-file.ts";

export type OfflineOptions = SessionOptions & { softwareVersion?: string };

/** Step 1: steps 1–4 of 8.2 without the network, then the request written and its nonce kept. */
export async function writeOfflineActivationRequest(
  license: StandardLicense,
  options: OfflineOptions,
  requestPath: string,
): Promise<{ state: State; nonce: string }> {
  // Spec 16.2 item 7: a floating seat is leased at every start, which a file cannot do.
  if (license.maxConcurrent !== undefined) throw new UsageError("floating licenses need the DRM server");
  const session = await openMachineSession(license, options);
  try {
    const nonce = crypto.randomUUID();
    const { state } = await session.decide((current) => ({ state: awaitOfflineResponse(current, nonce), verdict: { kind: "continue" } }));
    const payload = activationRequestPayload({
      licenseKey: license.licenseKey,
      machineId: state.machine_id,
      machinePublicKeyPem: writePublicKeyPem(await publicPointOf(session.machineSecret)),
      platform: detectPlatform(),
      softwareVersion: options.softwareVersion ?? VERSION,
      nonce,
      nowMs: Date.now(),
    });
    writeRequestFile(requestPath, await signRequestFile(payload, session.machineSecret));
    return { state, nonce };
  } finally {
    await session.close();
  }
}

/** Step 3: the response verified against the pending request; any failure is 65 and saves nothing. */
export async function applyOfflineActivationResponse(
  license: StandardLicense,
  orgKey: OrgKey,
  options: OfflineOptions,
  responsePath: string,
): Promise<State> {
  const file = await openResponseFile(readResponseFile(responsePath), orgKey.point);
  const dir = resolveStateDir(options.stateDir);
  if (!existsSync(join(dir, STATE_FILE)))
    throw new LicenseError(`offline activation response refused: no offline activation request is pending in ${dir}`);
  const session = await openMachineSession(license, options);
  try {
    const decision = await session.decide((current, now) => {
      const check = checkOfflineResponse(file, {
        pendingNonce: current.pending_offline_nonce,
        machineId: current.machine_id,
        licenseKey: license.licenseKey,
      });
      // Thrown inside the update: the lock is released and nothing is saved.
      if (!check.ok) throw new LicenseError(`offline activation response refused: ${check.message}`);
      return { state: acceptOfflineActivation(current, check, now), verdict: { kind: "continue" } };
    });
    return decision.state;
  } finally {
    await session.close();
  }
}
