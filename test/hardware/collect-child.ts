// Test helper process: collects the Linux fingerprint under the root given as
// argv[2] and prints the outcome as JSON, so a test can run the collector
// without root's permission override (see linux-permissions.test.ts).
import { collectFingerprint } from "../../src/hardware/fingerprint.ts";

try {
  const { fingerprint } = await collectFingerprint({ platform: "linux", root: process.argv[2] ?? "/" });
  process.stdout.write(JSON.stringify({ fingerprint }));
} catch (error) {
  const { name, message, exitCode } = error as { name: string; message: string; exitCode?: number };
  process.stdout.write(JSON.stringify({ name, message, exitCode }));
}
