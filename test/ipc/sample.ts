// A licence and status for IPC tests; `features` holds what JSON.parse would change.
import type { IpcLicense, StatusSnapshot } from "../../src/ipc/protocol.ts";

export const FEATURES_JSON = '{"big":12345678901234567890,"nested":{"list":[1,2.50,-0,1e400]},"one":1.0,"text":"\\u00e9 \\" \\n"}';

export const STANDARD_LICENSE: IpcLicense = {
  licenseKey: "LK-0001",
  licenseType: "STANDARD",
  expiryDate: "2099-12-31",
  featuresJson: FEATURES_JSON,
  orgId: "org-1",
  softwareId: "soft-1",
};

export const HARDWARE_LICENSE: IpcLicense = { ...STANDARD_LICENSE, licenseType: "HARDWARE_BOUND" };

export const ONLINE: StatusSnapshot = {
  online: true,
  lastHeartbeatSuccess: 1_700_000_000,
  graceRemainingSeconds: 86_400,
  graceExhausted: false,
};
