// Deactivation (spec 15.3): give this machine's seat back, online through the
// DRM server or offline as a signed request file, then forget the activation:
// the state file and this state directory's keystore entries.
import { createDrmClient } from "../drm/client.ts";
import { type NetworkFlags, resolveNetwork } from "../drm/network.ts";
import { payloadStatus } from "../drm/outcome.ts";
import { resolveServerUrl } from "../drm/server-url.ts";
import { DeniedError, UnavailableError, UsageError } from "../errors.ts";
import type { StandardLicense } from "../license/validate.ts";
import { log } from "../log.ts";
import type { OrgKey } from "../org-key.ts";
import { type MachineSession, openMachineSession, type SessionOptions } from "../sentinel/machine-session.ts";
import type { Shutdown } from "../sentinel/shutdown.ts";
import { readLocalState } from "../state/local-state.ts";
import { resolveStateDir } from "../storage/location.ts";
import { deactivationRequestPayload, signRequestFile, writeRequestFile } from "./request-file.ts";

/** The machine's session when it holds an activation of this licence; 64 otherwise, with nothing changed. */
async function activatedSession(license: StandardLicense, options: SessionOptions): Promise<MachineSession> {
  const dir = resolveStateDir(options.stateDir);
  // Read-only first: opening a session for another licence would reset the stored activation (8.2 step 4).
  const { loaded } = await readLocalState(dir, options.keystore);
  const held = loaded.kind === "ok" && loaded.state.activated && loaded.state.license_key === license.licenseKey;
  if (!held) throw new UsageError(`nothing to deactivate: this machine is not activated for ${license.licenseKey} (state in ${dir})`);
  return openMachineSession(license, options);
}

/** Online: a verified DEACTIVATED answer, then the activation is forgotten. 77 rejected, 69 unreachable, state kept. */
export async function deactivateOnline(
  license: StandardLicense,
  orgKey: OrgKey,
  options: SessionOptions & { serverUrl?: string; network?: NetworkFlags },
  shutdown: Shutdown,
): Promise<string> {
  const baseUrl = resolveServerUrl(options.serverUrl, license.serverUrl);
  const network = resolveNetwork(options.network, process.env, baseUrl);
  const session = await activatedSession(license, options);
  try {
    const machineId = session.state.machine_id;
    const client = createDrmClient({ baseUrl, machineId, machineSecret: session.machineSecret, orgPublicPoint: orgKey.point, network });
    log.info(`deactivating machine ${machineId} with ${baseUrl.origin}`);
    const outcome = await shutdown.race(client.deactivate({ licenseKey: license.licenseKey }));
    if (outcome.class === "unreachable") throw new UnavailableError(`deactivation failed: DRM server unreachable (${outcome.reason})`);
    if (outcome.class === "rejected") throw new DeniedError(`deactivation refused: ${outcome.message}`);
    const status = payloadStatus(outcome.payload);
    if (status !== "DEACTIVATED") throw new DeniedError(`deactivation refused: unexpected status ${JSON.stringify(status)}`);
    await session.forget();
    return machineId;
  } finally {
    await session.close();
  }
}

/** Offline: the signed request written first, then the activation forgotten (the vendor frees the seat). */
export async function deactivateOffline(license: StandardLicense, options: SessionOptions, requestPath: string): Promise<string> {
  const session = await activatedSession(license, options);
  try {
    const machineId = session.state.machine_id;
    const payload = deactivationRequestPayload({
      licenseKey: license.licenseKey,
      machineId,
      nonce: crypto.randomUUID(),
      nowMs: Date.now(),
    });
    writeRequestFile(requestPath, await signRequestFile(payload, session.machineSecret));
    await session.forget();
    return machineId;
  } finally {
    await session.close();
  }
}
