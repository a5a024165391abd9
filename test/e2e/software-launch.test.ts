// Spec 12.4 and the parent-death guarantee on the compiled binary: `--software` is a
// path (absolute once, never from PATH), the checksum is taken on the descriptor at launch,
// and on Linux that descriptor is what runs, even when the file is swapped meanwhile.
import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sha256Hex } from "../../src/crypto/sha256.ts";
import { MISSING_EXEC_HELPER, runSentinel } from "../support/binary.ts";
import { keyPairFromPem } from "../support/keys.ts";
import { hardwareBoundPayload, mintLicense } from "../support/mint.ts";
import { VECTORS } from "../support/paths.ts";
import { isAlive, readReport, startSentinel, waitFor, workspace } from "../support/sentinel-process.ts";
import { standardWorld } from "../support/standard-world.ts";
import { testNeeding } from "../support/system.ts";

/** A test build made without the C compiler has no exec helper (build.ts). */

const org = await keyPairFromPem(readFileSync(join(VECTORS, "org_private.pem"), "utf8"));
const FINGERPRINT = readFileSync(join(VECTORS, "hwroot.expected"), "utf8").trim();
const LICENSE = join(VECTORS, "valid_hardware_bound.lic");
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function place() {
  const space = workspace();
  dirs.push(space.dir);
  const env = { SENTINEL_HW_ROOT: join(VECTORS, "hwroot"), XDG_RUNTIME_DIR: space.runtimeDir };
  const licenseWith = async (checksum: string) => {
    const path = join(space.dir, "checksum.lic");
    writeFileSync(path, await mintLicense(hardwareBoundPayload(FINGERPRINT, { software_checksum: checksum }), org.secret));
    return path;
  };
  return { ...space, env, licenseWith };
}

function script(path: string, body: string): string {
  writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return path;
}

describe("--software is a path, made absolute once", () => {
  test("a relative path runs the file under the working directory, as its absolute path", async () => {
    const { dir, env } = place();
    mkdirSync(join(dir, "bin"));
    script(join(dir, "bin", "app"), 'echo "$0"');
    for (const given of ["bin/app", "./bin/app", "bin/../bin/app"]) {
      const result = await runSentinel(["run", "--license", LICENSE, "--software", given], { env, cwd: dir });
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toBe(`${join(dir, "bin", "app")}\n`);
    }
  });

  test("a bare name found in PATH but not in the working directory is 64, and the PATH one never runs", async () => {
    const { dir, env } = place();
    const pathDir = join(dir, "on-path");
    mkdirSync(pathDir);
    const marker = join(dir, "ran");
    script(join(pathDir, "vendor-app"), `touch ${marker}`);
    const cwd = join(dir, "cwd");
    mkdirSync(cwd);
    const result = await runSentinel(["run", "--license", LICENSE, "--software", "vendor-app"], {
      env: { ...env, PATH: `${pathDir}:${process.env.PATH}` },
      cwd,
    });
    expect(result.exitCode).toBe(64);
    expect(result.stderr.trim()).toBe(`sentinel error: software not found: ${join(cwd, "vendor-app")}`);
    expect(readdirSync(dir)).not.toContain("ran");
  });

  test("a bare name present in the working directory runs that file", async () => {
    const { dir, env } = place();
    script(join(dir, "vendor-app"), "echo local");
    const result = await runSentinel(["run", "--license", LICENSE, "--software", "vendor-app"], { env, cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("local\n");
  });
});

describe("the file hashed is the file run (Linux: the descriptor is executed)", () => {
  test("the software binary swapped between check and launch: the hashed content runs, not the swapped-in file", async () => {
    const { dir, env, licenseWith } = place();
    // A real binary padded to 96 MiB (trailing bytes do not change what an ELF runs), so
    // hashing it takes long enough for this test to see the open descriptor and swap the file.
    const software = join(dir, "vendor-echo");
    copyFileSync("/bin/echo", software);
    writeFileSync(software, Buffer.alloc(96 * 1024 * 1024), { flag: "a", mode: 0o755 });
    const checksum = sha256Hex(readFileSync(software));
    const impostor = script(join(dir, "impostor"), "echo swapped-in; exit 0");

    const sentinel = await startSentinel(
      ["run", "--license", await licenseWith(checksum), "--software", software, "--", "hashed", "content"],
      env,
    );
    // Synchronous polling, so nothing of this process runs between seeing the descriptor and the swap.
    const fdDir = `/proc/${sentinel.proc.pid}/fd`;
    const deadline = Date.now() + 30_000;
    let sawOpen = false;
    while (!sawOpen && Date.now() < deadline && sentinel.proc.exitCode === null) {
      for (const fd of readdirSync(fdDir, { withFileTypes: false }) as string[]) {
        try {
          if (readlinkSync(`${fdDir}/${fd}`) === software) sawOpen = true;
        } catch {
          // The descriptor closed between the listing and the link.
        }
      }
    }
    if (sawOpen) renameSync(impostor, software);
    expect(sawOpen).toBe(true);
    expect(await sentinel.exited).toBe(0);
    expect(sentinel.stdout()).toBe("hashed content\n");
    // The swap really happened: the path now names the impostor.
    expect(readFileSync(software, "utf8")).toStartWith("#!/bin/sh\necho swapped-in");
  }, 60_000);

  test("a binary whose content does not match is refused with 65 and never runs", async () => {
    const { dir, env, licenseWith } = place();
    const marker = join(dir, "ran");
    const software = script(join(dir, "app"), `touch ${marker}`);
    const result = await runSentinel(["run", "--license", await licenseWith(sha256Hex("something else")), "--software", software], { env });
    expect(result.exitCode).toBe(65);
    expect(result.stderr).toContain("software checksum mismatch");
    expect(readdirSync(dir)).not.toContain("ran");
  });

  testNeeding(MISSING_EXEC_HELPER, "a checksummed script is read by its interpreter from the hashed descriptor", async () => {
    const { dir, env, licenseWith } = place();
    const software = script(join(dir, "app.sh"), 'echo "script $0"');
    const result = await runSentinel(["run", "--license", await licenseWith(sha256Hex(readFileSync(software))), "--software", software], {
      env,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("script /dev/fd/4\n");
  });

  testNeeding(MISSING_EXEC_HELPER, "a binary inherits neither the descriptor it was run from nor the helper's", async () => {
    const { env, licenseWith } = place();
    const result = await runSentinel(
      ["run", "--license", await licenseWith(sha256Hex(readFileSync("/bin/ls"))), "--software", "/bin/ls", "--", "/proc/self/fd"],
      {
        env,
      },
    );
    expect(result.exitCode).toBe(0);
    // 0-2 and the directory ls itself opened to list.
    expect(result.stdout.split("\n").filter(Boolean)).toEqual(["0", "1", "2", "3"]);
  });
});

describe("the software dies with a SIGKILLed sentinel (Linux parent-death signal)", () => {
  testNeeding(MISSING_EXEC_HELPER, "STANDARD: killed within 1 s of the sentinel", async () => {
    const world = await standardWorld();
    dirs.push(world.dir);
    try {
      const sentinel = await world.start(["wait"]);
      const seen = await waitFor(() => readReport(world.report), "the software to start");
      expect(isAlive(seen.pid)).toBe(true);
      sentinel.proc.kill("SIGKILL");
      await sentinel.proc.exited;
      await waitFor(() => !isAlive(seen.pid), "the software to die with the sentinel", 1000);
    } finally {
      await world.stop();
    }
  });
});
