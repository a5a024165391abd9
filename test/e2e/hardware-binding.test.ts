// Machine binding v2 on the compiled test build (spec 13): a customer's
// `fingerprint --json` on a fixture machine, a licence minted from it as a backend
// would, then runs on that machine as it is, after one part changed, after two,
// and in a disallowed environment. And `fingerprint --json` on this very machine.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodePem } from "../../src/crypto/pem.ts";
import { sha256Hex } from "../../src/crypto/sha256.ts";
import { MACHINES, machineNamed } from "../hardware/fixtures/machines.ts";
import { machineRoot, removeMachineRoots } from "../hardware/machine-roots.ts";
import { runSentinel } from "../support/binary.ts";
import { canonicalJson } from "../support/canonical-json.ts";
import { keyPairFromPem } from "../support/keys.ts";
import { hardwareBindingPayload, mintLicense } from "../support/mint.ts";
import { bindingFromFingerprint } from "../support/mint-binding.ts";
import { REPO_ROOT, VECTORS } from "../support/paths.ts";
import { fixtureRunArgs, readReport, workspace } from "../support/sentinel-process.ts";

afterAll(removeMachineRoots);

const org = await keyPairFromPem(readFileSync(join(VECTORS, "org_private.pem"), "utf8"));
const sata = machineNamed("sata-desktop");

async function fingerprintJson(root: string) {
  const result = await runSentinel(["fingerprint", "--json"], { env: { SENTINEL_HW_ROOT: root } });
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stdout);
}

async function licenseFile(binding: Record<string, unknown>): Promise<string> {
  const path = join(workspace().dir, "v2.lic");
  writeFileSync(path, await mintLicense(hardwareBindingPayload(binding), org.secret));
  return path;
}

async function runOn(root: string, license: string) {
  const { runtimeDir, report } = workspace();
  const result = await runSentinel(fixtureRunArgs(license, report, ["exit", "0"]), {
    env: { SENTINEL_HW_ROOT: root, XDG_RUNTIME_DIR: runtimeDir },
  });
  return { ...result, report: readReport(report), lastLine: result.stderr.trim().split("\n").at(-1) };
}

describe("a HARDWARE_BOUND v2 licence on the compiled binary", () => {
  let binding: Record<string, unknown>;
  let license: string;

  test("fingerprint --json on the machine names hashes and sources, never a raw value", async () => {
    const document = await fingerprintJson(machineRoot(sata));
    // v1 cannot read this disk's serial (it is only in VPD page 0x80): v1 fails, the command does not.
    expect(document.fingerprint).toBeNull();
    expect(document.error).toBe("cannot read disk_serial from /sys/block/sda/serial: not found");
    expect(document.v2.environment).toBe("physical");
    expect(document.v2.org_key).toBe(sha256Hex(decodePem(readFileSync(join(VECTORS, "org_public.pem"), "utf8"), "PUBLIC KEY")));
    expect(Object.keys(document.v2.components).sort()).toEqual(["board_serial", "disk_serial", "mac", "machine_id", "product_uuid"]);
    expect(document.v2.components.disk_serial.source).toBe("/sys/block/sda/device/vpd_pg80");
    for (const value of Object.values(sata.values)) expect(JSON.stringify(document)).not.toContain(value as string);
    binding = bindingFromFingerprint(document);
    expect(Object.keys(binding.components as object)).toEqual(["machine_id", "disk_serial", "mac"]);
    expect(binding.min_match).toBe(2);
    license = await licenseFile(binding);
  });

  test("valid with all components: the software runs, on a socket named by the binding", async () => {
    const result = await runOn(machineRoot(sata), license);
    expect(result.exitCode).toBe(0);
    const socketId = sha256Hex(canonicalJson(binding)).slice(0, 16);
    expect(result.report?.socket).toMatch(new RegExp(`/sentinel-${socketId}-\\d+\\.sock$`));
  });

  test.each(["disk_serial", "mac", "machine_id"] as const)("valid with %s changed", async (changed) => {
    const result = await runOn(machineRoot(sata, [changed]), license);
    expect(result.exitCode).toBe(0);
    expect(result.report?.answers).toHaveLength(4);
    expect(result.stderr).toContain(`hardware binding: 2 of 3 components match (2 needed); different: ${changed}; environment physical`);
  });

  test("refused (65) with too few: the exact message, the software never started", async () => {
    const result = await runOn(machineRoot(sata, ["disk_serial", "mac"]), license);
    expect(result.exitCode).toBe(65);
    expect(result.lastLine).toBe("sentinel error: hardware binding mismatch: 1 of 3 components match, 2 needed");
    expect(result.report).toBeUndefined();
  });

  test("refused (65) in an environment the licence does not allow", async () => {
    const docker = machineNamed("docker-container");
    const document = await fingerprintJson(machineRoot(docker));
    const physicalOnly = await licenseFile(bindingFromFingerprint(document, { environments: ["physical", "vm"] }));
    const result = await runOn(machineRoot(docker), physicalOnly);
    expect(result.exitCode).toBe(65);
    expect(result.lastLine).toBe("sentinel error: this license does not allow running in a container");
    expect(result.report).toBeUndefined();
  });

  test("verify --json reports the binding by names only; plain verify says it in words", async () => {
    const root = machineRoot(sata, ["mac"]);
    const json = await runSentinel(["verify", "--license", license, "--json"], { env: { SENTINEL_HW_ROOT: root } });
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout).binding).toEqual({
      matched: ["machine_id", "disk_serial"],
      different: ["mac"],
      unavailable: [],
      min_match: 2,
      environment: "physical",
      ok: true,
    });
    const words = await runSentinel(["verify", "--license", license], {
      env: { SENTINEL_HW_ROOT: machineRoot(sata, ["mac", "machine_id"]) },
    });
    expect(words.stdout.split("\n")[1]).toBe(
      "binding: 1 of 3 components match (2 needed); different: machine_id, mac; environment physical — this machine is refused",
    );
  });
});

test("verify --json on a v1 licence says whether this machine's fingerprint matches", async () => {
  const verify = async (root: string) =>
    JSON.parse(
      (
        await runSentinel(["verify", "--license", join(VECTORS, "valid_hardware_bound.lic"), "--json"], {
          env: { SENTINEL_HW_ROOT: join(VECTORS, root) },
        })
      ).stdout,
    ).binding;
  expect(await verify("hwroot")).toEqual({ fingerprint: "match", ok: true });
  expect(await verify("hwroot-nvme")).toEqual({ fingerprint: "different", ok: false });
});

describe("the dev server's licence tooling", () => {
  test("mint-hardware-bound turns a customer's fingerprint --json into a licence that runs there", async () => {
    const { dir } = workspace();
    const root = machineRoot(machineNamed("raspberry-pi"));
    writeFileSync(join(dir, "fp.json"), JSON.stringify(await fingerprintJson(root)));
    const mint = Bun.spawnSync(
      [
        process.execPath,
        join(REPO_ROOT, "test/support/drm-server.ts"),
        "mint-hardware-bound",
        "--org-key",
        join(VECTORS, "org_private.pem"),
        "--fingerprint",
        join(dir, "fp.json"),
        "--environments",
        "physical",
      ],
      { stderr: "pipe" },
    );
    expect(mint.stderr.toString()).toBe("");
    expect(mint.exitCode).toBe(0);
    writeFileSync(join(dir, "pi.lic"), mint.stdout);
    expect((await runOn(root, join(dir, "pi.lic"))).exitCode).toBe(0);
    expect((await runOn(machineRoot(machineNamed("raspberry-pi"), ["cpu_serial"]), join(dir, "pi.lic"))).exitCode).toBe(0);
    const missing = Bun.spawnSync([process.execPath, join(REPO_ROOT, "test/support/drm-server.ts"), "mint-hardware-bound"], {
      stderr: "pipe",
    });
    expect(missing.exitCode).toBe(64);
    expect(missing.stderr.toString()).toStartWith("mint-hardware-bound: usage: ");
  });
});

test("fingerprint --json succeeds on every fixture root, with each machine's components, and v1 stays as before", async () => {
  for (const machine of MACHINES) {
    const document = await fingerprintJson(machineRoot(machine));
    expect({ machine: machine.name, names: Object.keys(document.v2.components).sort(), environment: document.v2.environment }).toEqual({
      machine: machine.name,
      names: Object.keys(machine.values).sort(),
      environment: machine.environment,
    });
  }
  for (const root of ["hwroot", "hwroot-nvme", "hwroot-arm"]) {
    const document = await fingerprintJson(join(VECTORS, root));
    expect(document.fingerprint).toBe(readFileSync(join(VECTORS, `${root}.expected`), "utf8").trim());
    expect(Object.keys(document.v2.components)).toContain("machine_id");
  }
});

describe("this machine, with the real collectors (no SENTINEL_HW_ROOT)", () => {
  test("fingerprint --json succeeds with v2 components, whether or not v1 can be read here", async () => {
    const result = await runSentinel(["fingerprint", "--json"], { env: { SENTINEL_HW_ROOT: undefined } });
    expect(result.exitCode).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(Object.keys(document.v2.components).length).toBeGreaterThan(0);
    if (document.fingerprint === null) expect(document.error).toMatch(/^cannot read (cpu_id|disk_serial|machine_id) from /);
    else expect(document.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    if (existsSync("/etc/machine-id") && readFileSync("/etc/machine-id", "utf8").trim() !== "") {
      expect(document.v2.components.machine_id.source).toBe("/etc/machine-id");
    }
  });
});
