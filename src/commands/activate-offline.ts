// `sentinel activate --offline-request F | --offline-response F` (spec 15.2):
// the two halves of an offline activation, with what to do next printed.
import type { StandardLicense } from "../license/validate.ts";
import { applyOfflineActivationResponse, type OfflineOptions, writeOfflineActivationRequest } from "../offline/activate-offline.ts";
import type { OrgKey } from "../org-key.ts";
import { printJson, printLine } from "./output.ts";

export interface OfflineActivateArgs {
  licensePath: string;
  request?: string;
  response?: string;
  json?: boolean;
}

export async function activateOffline(
  license: StandardLicense,
  orgKey: OrgKey,
  options: OfflineOptions,
  args: OfflineActivateArgs,
): Promise<number> {
  if (args.request !== undefined) {
    const { state, nonce } = await writeOfflineActivationRequest(license, options, args.request);
    if (args.json) {
      printJson({
        status: "REQUEST_WRITTEN",
        request_file: args.request,
        license_key: license.licenseKey,
        machine_id: state.machine_id,
        request_nonce: nonce,
      });
    } else {
      printLine(`offline activation request written to ${args.request} (machine ${state.machine_id}, license ${license.licenseKey})`);
      printLine("send this file to your vendor; when the response file comes back, run:");
      printLine(`  sentinel activate --license ${args.licensePath} --offline-response <response file>`);
    }
    return 0;
  }
  const state = await applyOfflineActivationResponse(license, orgKey, options, args.response as string);
  if (args.json) {
    printJson({
      status: "ACTIVE",
      license_key: license.licenseKey,
      machine_id: state.machine_id,
      offline_until: state.offline_until,
      last_heartbeat_success: state.last_heartbeat_success,
    });
  } else
    printLine(
      `activated offline: machine ${state.machine_id} runs ${license.licenseKey} without the DRM server until ${state.offline_until} (UTC)`,
    );
  return 0;
}
