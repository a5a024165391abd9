// `npm run dev-server -- mint-hardware-bound …`: the reference backend's licence
// tooling for v2 bindings. Reads a customer's `sentinel fingerprint --json`,
// writes a signed HARDWARE_BOUND licence to stdout. Test and development only.
import { parseArgs } from "node:util";
import { parsePrivateKeyPem } from "../../src/crypto/pem.ts";
import { hardwareBindingPayload, isoDay, mintLicense } from "./mint.ts";
import { bindingFromFingerprint } from "./mint-binding.ts";

export const MINT_USAGE =
  "usage: mint-hardware-bound --org-key org_private.pem --fingerprint fingerprint.json [--components a,b,c] [--min-match k] " +
  "[--environments physical,vm] [--license-key K] [--org-id O] [--software-id S] [--expiry YYYY-MM-DD] [--features JSON]";

const list = (text: string | undefined) => (text === undefined ? undefined : text.split(",").map((item) => item.trim()));

/** Returns the exit code; the licence goes to stdout, a refusal to stderr in one line. */
export async function mintHardwareBoundCli(argv: string[]): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        "org-key": { type: "string" },
        fingerprint: { type: "string" },
        components: { type: "string" },
        "min-match": { type: "string" },
        environments: { type: "string" },
        "license-key": { type: "string", default: "LK-DEV-HARDWARE-BOUND" },
        "org-id": { type: "string", default: "org-dev" },
        "software-id": { type: "string", default: "sw-dev" },
        expiry: { type: "string", default: isoDay(365) },
        features: { type: "string", default: "{}" },
      },
    });
    if (!values["org-key"] || !values.fingerprint) throw new Error(MINT_USAGE);
    const minMatch = values["min-match"] === undefined ? undefined : Number(values["min-match"]);
    const binding = bindingFromFingerprint(JSON.parse(await Bun.file(values.fingerprint).text()), {
      components: list(values.components),
      minMatch,
      environments: list(values.environments),
    });
    const payload = hardwareBindingPayload(binding, {
      license_key: values["license-key"],
      org_id: values["org-id"],
      software_id: values["software-id"],
      expiry_date: values.expiry,
      issue_date: isoDay(),
      features: JSON.parse(values.features),
    });
    process.stdout.write(`${await mintLicense(payload, parsePrivateKeyPem(await Bun.file(values["org-key"]).text()))}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`mint-hardware-bound: ${(error as Error).message}\n`);
    return 64;
  }
}
