// The demo's licences: the reference server's record and the signed file, made from the
// same terms so the two never disagree.
import { writeFileSync } from "node:fs";
import type { DrmServer } from "./drm-server.ts";
import { mintLicense, standardPayload } from "./mint.ts";

/** A 60-minute heartbeat and a day of grace, as the demo shows them. */
const TERMS = { heartbeat_interval_minutes: 60, heartbeat_grace_period_days: 1 };

/** Registers `license_key` on `drm` and writes its signed STANDARD licence to `path`. */
export async function issueDemoLicense(
  drm: DrmServer,
  orgSecret: Uint8Array,
  path: string,
  fields: { license_key: string; max_machines: number; max_concurrent?: number },
): Promise<void> {
  await drm.admin.createLicense({ license_key: fields.license_key, max_machines: fields.max_machines, ...TERMS });
  writeFileSync(
    path,
    await mintLicense(standardPayload({ software_id: "acme-server", server_url: drm.url, ...fields, ...TERMS }), orgSecret),
  );
}
