// `sentinel --version`: version, platform and the SHA-256 of the embedded key's DER.
import { VERSION } from "../build-info.ts";
import { ExitCode } from "../errors.ts";
import { embeddedOrgKey } from "../org-key.ts";
import { detectPlatform } from "../platform.ts";
import { writeStdout } from "../stdio.ts";

export function printVersion(): number {
  const key = embeddedOrgKey();
  writeStdout(`sentinel ${VERSION} (${detectPlatform()})\norg key sha256: ${key.derSha256}\n`);
  return ExitCode.ok;
}
