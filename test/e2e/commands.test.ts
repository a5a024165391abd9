// The installer-facing verbs on the compiled test build: activate, status and
// fingerprint, human and --json, as a vendor's installer would call them.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runSentinel } from "../support/binary.ts";
import { VECTORS } from "../support/paths.ts";
import { endpointsSeen, type World } from "../support/standard-world.ts";
import { worldPerTest } from "../support/world-per-test.ts";

/** The current test's world, for the helpers below; worldPerTest stops it. */
let world: World;
const newWorld = worldPerTest();
const activate = (extra: string[] = []) => runSentinel(["activate", "--license", world.licensePath, ...extra], { env: world.env });

describe("sentinel activate", () => {
  test("activates and checks in without launching; the next run does not activate again", async () => {
    world = await newWorld();
    const result = await activate(["--json"]);
    expect(result.exitCode).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed).toMatchObject({
      status: "ACTIVE",
      license_key: world.licenseKey,
      grace_remaining_seconds: 86_400,
      grace_exhausted: false,
    });
    expect(printed.machine_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await endpointsSeen(world)).toEqual(["activate", "heartbeat"]);
    expect((await runSentinel(["run", "--license", world.licensePath, "--software", "/bin/true"], { env: world.env })).exitCode).toBe(0);
    expect(await endpointsSeen(world)).toEqual(["activate", "heartbeat", "heartbeat"]);
  });

  test("human output names the machine; offline after activation it may run on grace (0); never activated and offline: 69", async () => {
    world = await newWorld();
    const online = await activate();
    expect(online.stdout).toStartWith("activated: machine ");
    const offline = await activate(["--server-url", "http://127.0.0.1:9"]);
    expect(offline.exitCode).toBe(0);
    expect(offline.stdout).toContain("server unreachable");
    const fresh = await runSentinel(["activate", "--license", world.licensePath, "--server-url", "http://127.0.0.1:9"], {
      env: { ...world.env, SENTINEL_STATE_DIR: join(world.dir, "fresh") },
    });
    expect(fresh.exitCode).toBe(69);
  });

  test("a HARDWARE_BOUND licence needs no activation: 64", async () => {
    world = await newWorld();
    const result = await runSentinel(["activate", "--license", join(VECTORS, "valid_hardware_bound.lic")], { env: world.env });
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toContain("activate applies to STANDARD licenses only");
  });
});

describe("sentinel status", () => {
  test("with no state it says so, prints {state: null}, and creates nothing", async () => {
    world = await newWorld();
    const env = { ...world.env, SENTINEL_STATE_DIR: join(world.dir, "never-used") };
    const human = await runSentinel(["status"], { env });
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toBe(`no licence state in ${join(world.dir, "never-used")}\n`);
    expect(JSON.parse((await runSentinel(["status", "--json"], { env })).stdout)).toEqual({ ok: true, state: null });
    expect(existsSync(join(world.dir, "never-used"))).toBe(false);
  });

  test("after activation it shows the machine, the licence, grace and the keystore", async () => {
    world = await newWorld();
    await activate();
    const human = await runSentinel(["status"], { env: world.env });
    expect(human.stdout).toContain(`license key:     ${world.licenseKey}`);
    expect(human.stdout).toContain("activated:       yes");
    expect(human.stdout).toContain("grace remaining: 1d 0h");
    expect(human.stdout).toContain("keystore:        file");
  });
});

describe("sentinel fingerprint", () => {
  test("prints v1 and v2; --json names the sources and hashes, never the raw values", async () => {
    const env = { SENTINEL_HW_ROOT: join(VECTORS, "hwroot") };
    const expected = readFileSync(join(VECTORS, "hwroot.expected"), "utf8").trim();
    const plain = (await runSentinel(["fingerprint"], { env })).stdout.split("\n");
    expect(plain[0]).toBe(`fingerprint (v1): ${expected}`);
    expect(plain[1]).toMatch(/^components \(v2\), org key [0-9a-f]{64}, environment vm:$/);
    expect(plain).toContainEqual(expect.stringMatching(/^ {2}machine_id {3}[0-9a-f]{64} {2}\(\/etc\/machine-id\)$/));
    expect(plain).toContainEqual(expect.stringMatching(/^ {2}mac {10}unavailable — \/sys\/class\/net: /));
    const json = await runSentinel(["fingerprint", "--json"], { env });
    const document = JSON.parse(json.stdout);
    expect(document).toMatchObject({
      ok: true,
      fingerprint: expected,
      parts: {
        cpu_id: { source: "/sys/class/dmi/id/product_uuid" },
        disk_serial: { source: "/sys/block/sda/serial" },
        machine_id: { source: "/etc/machine-id" },
      },
    });
    expect(Object.keys(document.v2.components).sort()).toEqual(["disk_serial", "machine_id", "product_uuid"]);
    expect(json.stdout).not.toContain("WD-WCC4N7KJ1234");
    expect(json.stdout).not.toContain("5f3e7c2a9b8d4e1f8a6b0c2d4e6f8a1b");
  });
});

describe("spec 12.9: --json prints one document on failure too", () => {
  test("each command's failure: ok false, the exit code and the message, on stdout; success carries ok true", async () => {
    world = await newWorld();
    const missing = join(world.dir, "missing.lic");
    const cases: Array<[string[], Record<string, string | undefined>, number, string]> = [
      [["verify", "--license", missing, "--json"], {}, 65, `license file not found: ${missing}`],
      [["activate", "--license", missing, "--json"], world.env, 65, `license file not found: ${missing}`],
      [
        ["activate", "--license", world.licensePath, "--server-url", "http://127.0.0.1:9", "--json"],
        world.env,
        69,
        "activation failed: DRM server unreachable",
      ],
      [["status", "--json", "--bogus"], world.env, 64, "unknown flag: --bogus"],
      [["run", "--license", world.licensePath, "--software", "/bin/true", "--json"], world.env, 64, "unknown flag: --json"],
    ];
    for (const [args, env, code, message] of cases) {
      const result = await runSentinel(args, { env });
      expect({ args, code: result.exitCode }).toEqual({ args, code });
      const printed = JSON.parse(result.stdout);
      expect(printed).toEqual({ ok: false, exit_code: code, error: message });
      expect(result.stdout.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toContain(printed.error);
    }
    const ok = JSON.parse((await runSentinel(["verify", "--license", world.licensePath, "--json"])).stdout);
    expect(ok).toMatchObject({ ok: true, valid: true, license_key: world.licenseKey });
  });
});
