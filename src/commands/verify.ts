// `sentinel verify --license F`: section 3 only, offline; prints the summary and, for a
// HARDWARE_BOUND licence, whether this machine fits it (spec 13.4, names only).
import { defineCommand } from "citty";
import { loadLicense } from "../license/load.ts";
import type { License } from "../license/validate.ts";
import { embeddedOrgKey } from "../org-key.ts";
import { machineFit } from "../sentinel/machine-binding.ts";
import { printJson, printLine } from "./output.ts";
import { jsonArg, licenseArg, logLevelArg } from "./shared-args.ts";

export function licenseSummary(license: License): Record<string, unknown> {
  return {
    license_key: license.licenseKey,
    license_type: license.licenseType,
    org_id: license.orgId,
    software_id: license.softwareId,
    issue_date: license.issueDate,
    expiry_date: license.expiryDate,
    max_machines: license.maxMachines,
  };
}

export default defineCommand({
  meta: { name: "verify", description: "Verify a licence file offline and print its summary" },
  args: { license: licenseArg, json: jsonArg, "log-level": logLevelArg },
  async run({ args }) {
    const orgKey = embeddedOrgKey();
    const license = await loadLicense(args.license, orgKey.point);
    // HARDWARE_BOUND: whether this machine fits is reported, not enforced; the licence itself is valid.
    const fit = await machineFit(license, orgKey.derSha256);
    if (args.json) {
      printJson({ valid: true, ...licenseSummary(license), ...(fit ? { binding: fit.json } : {}) }, { features: license.featuresJson });
    } else {
      printLine(
        `valid ${license.licenseType} license ${license.licenseKey} for ${license.softwareId} (org ${license.orgId}), expires ${license.expiryDate}`,
      );
      if (fit) printLine(`binding: ${fit.words}`);
    }
    return 0;
  },
});
