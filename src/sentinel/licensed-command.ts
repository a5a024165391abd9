// The sequence every licence-loading verb (`run`, `activate`, `deactivate`) shares:
// the embedded key, SIGINT/SIGTERM caught for the whole command, the licence read and
// verified. A signal before the work is done ends as Interrupted (128+N) in the one handler.
import { UsageError } from "../errors.ts";
import { loadLicense } from "../license/load.ts";
import type { License, StandardLicense } from "../license/validate.ts";
import { embeddedOrgKey, type OrgKey } from "../org-key.ts";
import { Shutdown } from "./shutdown.ts";

export type LicensedWork<L extends License> = (license: L, orgKey: OrgKey, shutdown: Shutdown) => Promise<number>;

/** Runs `work` on the licence at `path`, with the signal handlers installed throughout. */
export async function withLicense(path: string, work: LicensedWork<License>): Promise<number> {
  const orgKey = embeddedOrgKey();
  const shutdown = new Shutdown();
  const uninstall = shutdown.installSignalHandlers();
  try {
    return await work(await loadLicense(path, orgKey.point), orgKey, shutdown);
  } finally {
    uninstall();
  }
}

/** As withLicense, for the verbs that apply only to a STANDARD licence (`refusal` names why, exit 64). */
export function withStandardLicense(path: string, refusal: string, work: LicensedWork<StandardLicense>): Promise<number> {
  return withLicense(path, (license, orgKey, shutdown) => {
    if (license.licenseType !== "STANDARD") throw new UsageError(refusal);
    return work(license, orgKey, shutdown);
  });
}
