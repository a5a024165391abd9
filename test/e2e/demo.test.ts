// `npm run demo` must keep working: it is the README's first command.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { REPO_ROOT } from "../support/paths.ts";
import { testNeeding } from "../support/system.ts";
import { MISSING_OPENSSL } from "../support/test-ca.ts";

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
  expect(stdout).toMatch(/deactivated: machine \S+ released its seat of LK-DEMO-0001/);
  expect(stderr).toContain("activation refused: Maximum machine limit reached for this license.");
  expect(stdout).toContain("The sentinel exited with 77");
  expect(stderr).toContain("sentinel warn: heartbeat missed (unreachable), running on grace");
  expect(stderr).toContain("sentinel error: license has been revoked");
  expect(stderr).toContain("sentinel info: waiting for a floating seat (1/1 in use)");
  expect(stdout).toContain("[demo-app] licensed to run: LK-DEMO-FLOAT (STANDARD)");
  expect(stdout).toContain("Demo over.");
});

testNeeding(MISSING_OPENSSL, "demo --tls: the same story over https:// with a throwaway CA, sentinel doctor all ok", async () => {
  const demo = Bun.spawn([process.execPath, "run", join(REPO_ROOT, "test/support/demo.ts"), "--tls"], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, NO_COLOR: "1" },
  });
  const [stdout, code] = await Promise.all([new Response(demo.stdout).text(), demo.exited]);
  expect(code).toBe(0);
  expect(stdout).toMatch(/server https:\/\/localhost:\d+/);
  expect(stdout).toMatch(/^ok +tls +localhost, issued by Sentinel Demo CA/m);
  expect(stdout).not.toMatch(/^fail/m);
  expect(stdout).toContain("The sentinel exited with 77");
});
