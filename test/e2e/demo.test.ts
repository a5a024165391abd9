// `npm run demo` must keep working: it is the README's first command.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { REPO_ROOT } from "../support/paths.ts";

test("the demo tells the whole story: revocation (77), then one floating seat passing from one instance to the next", async () => {
  const demo = Bun.spawn([process.execPath, "run", join(REPO_ROOT, "test/support/demo.ts")], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, NO_COLOR: "1" },
  });
  const [stdout, stderr, code] = await Promise.all([new Response(demo.stdout).text(), new Response(demo.stderr).text(), demo.exited]);
  expect(code).toBe(0);
  expect(stdout).toContain("[demo-app] licensed to run: LK-DEMO-0001 (STANDARD)");
  expect(stdout).toContain("server UNREACHABLE, grace left 23 h");
  expect(stdout).toContain("The sentinel exited with 77");
  expect(stderr).toContain("sentinel warn: heartbeat missed (unreachable), running on grace");
  expect(stderr).toContain("sentinel error: license has been revoked");
  expect(stderr).toContain("sentinel info: waiting for a floating seat (1/1 in use)");
  expect(stdout).toContain("[demo-app] licensed to run: LK-DEMO-FLOAT (STANDARD)");
  expect(stdout).toContain("Demo over.");
});
