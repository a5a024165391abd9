// `run` once the licence is loaded: the flow the licence type names. Each flow loads
// only its own modules: a HARDWARE_BOUND start never loads the network code.
import type { License } from "../license/validate.ts";
import { log } from "../log.ts";
import type { OrgKey } from "../org-key.ts";
import type { LaunchRequest } from "./launch-request.ts";
import type { RunOptions } from "./standard.ts";

export async function launch(
  license: License,
  orgKey: OrgKey,
  software: Omit<LaunchRequest, "softwareChecksum">,
  options: RunOptions,
): Promise<number> {
  log.info(`license ${license.licenseKey} (${license.licenseType}) valid until ${license.expiryDate}`);
  // The checksum is checked at launch, on the descriptor that is then executed (spec 12.4).
  const request: LaunchRequest = { ...software, softwareChecksum: license.softwareChecksum };
  if (license.licenseType === "HARDWARE_BOUND") {
    const { runHardwareBound } = await import("./hardware-bound.ts");
    return await runHardwareBound(license, request);
  }
  const { runStandard } = await import("./standard.ts");
  return await runStandard(license, orgKey, request, options);
}
