// What the STANDARD-only verbs (`activate`, `deactivate`) share: the embedded key,
// SIGINT/SIGTERM caught for the whole command, and the licence loaded and checked.
import { UsageError } from "../errors.ts";
import { loadLicense } from "../license/load.ts";
import type { License } from "../license/validate.ts";
import { embeddedOrgKey, type OrgKey } from "../org-key.ts";
import { Interrupted, Shutdown } from "../sentinel/shutdown.ts";

export type StandardCommand = (license: License, orgKey: OrgKey, shutdown: Shutdown) => Promise<number>;

/** Runs `command` on the STANDARD licence at `path`; a signal during it ends with the signal's exit status. */
export async function withStandardLicense(path: string, refusal: string, command: StandardCommand): Promise<number> {
  const orgKey = embeddedOrgKey();
  const shutdown = new Shutdown();
  const uninstall = shutdown.installSignalHandlers();
  try {
    const license = loadLicense(path, orgKey.point);
    if (license.licenseType !== "STANDARD") throw new UsageError(refusal);
    return await command(license, orgKey, shutdown);
  } catch (error) {
    if (error instanceof Interrupted) return error.exitCode;
    throw error;
  } finally {
    uninstall();
  }
}
