// The IPC client snippets in docs/INTEGRATION.md, run as the licensed software
// under the compiled sentinel, so the vendor documentation cannot rot.
import { expect } from "bun:test";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runSentinel } from "../support/binary.ts";
import { keyPairFromPem } from "../support/keys.ts";
import { hardwareBoundPayload, mintLicense } from "../support/mint.ts";
import { REPO_ROOT, VECTORS } from "../support/paths.ts";
import { workspace } from "../support/sentinel-process.ts";
import { missingCommand, testNeeding } from "../support/system.ts";

const doc = readFileSync(join(REPO_ROOT, "docs/INTEGRATION.md"), "utf8");

function snippet(language: string): string {
  const match = new RegExp(`<!-- snippet: ${language} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(doc);
  if (!match?.[1]) throw new Error(`docs/INTEGRATION.md has no ${language} snippet`);
  return match[1];
}

const clients: Array<[string, string, (file: string) => string, string | undefined]> = [
  ["typescript", "client.ts", (file) => `exec "${process.execPath}" "${file}"`, undefined],
  ["python", "client.py", (file) => `exec python3 "${file}"`, missingCommand("python3", "python3")],
];

for (const [language, name, command, missing] of clients)
  testNeeding(missing, `the ${language} client gets the licence from a running sentinel`, async () => {
    const { dir, runtimeDir } = workspace();
    const client = join(dir, name);
    writeFileSync(client, snippet(language));
    const software = join(dir, "software");
    writeFileSync(software, `#!/bin/sh\n${command(client)}\n`);
    chmodSync(software, 0o755);
    const org = await keyPairFromPem(readFileSync(join(VECTORS, "org_private.pem"), "utf8"));
    const fingerprint = readFileSync(join(VECTORS, "hwroot.expected"), "utf8").trim();
    const license = join(dir, "docs.lic");
    writeFileSync(
      license,
      await mintLicense(hardwareBoundPayload(fingerprint, { license_key: "LK-DOCS", features: { tier: "gold" } }), org.secret),
    );
    const result = await runSentinel(["run", "--license", license, "--software", software], {
      env: { SENTINEL_HW_ROOT: join(VECTORS, "hwroot"), XDG_RUNTIME_DIR: runtimeDir },
    });
    expect(result.stdout).toBe("licensed: LK-DOCS tier=gold\n");
    expect(result.exitCode).toBe(0);
  });
