import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, UsageError } from "../../src/errors.ts";
import { type KeystoreChoice, openKeystore, resolveKeystoreChoice } from "../../src/keystore/auto.ts";
import { removeTempRoots, tempRoot } from "../state/helpers.ts";
import { missingLibrary, testNeeding } from "../support/system.ts";

afterAll(removeTempRoots);

const FIXTURE = join(import.meta.dir, "fixtures", "open-keystore.ts");

/** Opens a keystore in a child whose D-Bus session address is `bus`; returns what it printed and logged. */
async function openInChild(bus: string, args: string[]) {
  // No DISPLAY: no X11 autolaunch of a bus either.
  const env: Record<string, string | undefined> = { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus, DISPLAY: undefined };
  const child = Bun.spawn([process.execPath, FIXTURE, ...args], { env, stdout: "pipe", stderr: "pipe" });
  const [out, log] = [await new Response(child.stdout).text(), await new Response(child.stderr).text()];
  await child.exited;
  return { result: JSON.parse(out) as { backend?: string; error?: string; exitCode?: number }, log };
}

const NO_BUS = "unix:path=/nonexistent/sentinel-test-bus";
const LIBSECRET = missingLibrary("libsecret-1.so.0", "secret_password_store_sync", "libsecret-1-0");

describe("resolveKeystoreChoice", () => {
  const cases: [string, string | undefined, Record<string, string>, KeystoreChoice][] = [
    ["flag beats env", "file", { SENTINEL_KEYSTORE: "os" }, "file"],
    ["env when no flag", undefined, { SENTINEL_KEYSTORE: "os" }, "os"],
    ["auto by default", undefined, {}, "auto"],
  ];
  for (const [name, flag, env, expected] of cases) test(name, () => expect(resolveKeystoreChoice(flag, env)).toBe(expected));

  test("a bad value is a usage error naming where it came from", () => {
    expect(() => resolveKeystoreChoice("vault", {})).toThrow(UsageError);
    expect(() => resolveKeystoreChoice("vault", {})).toThrow("--keystore must be auto, os or file (got vault)");
    expect(() => resolveKeystoreChoice(undefined, { SENTINEL_KEYSTORE: "x" })).toThrow(
      "SENTINEL_KEYSTORE must be auto, os or file (got x)",
    );
  });
});

describe("openKeystore", () => {
  test("auto picks file when no Secret Service is reachable, and says why at debug level", async () => {
    const { stateDir } = tempRoot();
    const { result, log } = await openInChild(NO_BUS, ["auto", stateDir]);
    expect(result).toEqual({ backend: "file" });
    expect(log).toMatch(/debug: keystore: file \(OS keystore unusable: .+\)/);
    expect(existsSync(stateDir)).toBe(false);
  });

  // Without libsecret the probe fails at once instead of waiting on the bus.
  testNeeding(LIBSECRET, "a hung D-Bus costs only the probe timeout", async () => {
    const { root, stateDir } = tempRoot();
    const socket = join(root, "bus.sock");
    // Accepts connections and never answers, like a wedged session bus.
    const server = Bun.listen({ unix: socket, socket: { data() {} } });
    try {
      const { result, log } = await openInChild(`unix:path=${socket}`, ["auto", stateDir, "300"]);
      expect(result).toEqual({ backend: "file" });
      expect(log).toContain("the OS keystore probe timed out after 300 ms");
    } finally {
      server.stop(true);
    }
  });

  test("os without a Secret Service is a configuration error (78) pointing at --keystore file", async () => {
    const { stateDir } = tempRoot();
    const { result } = await openInChild(NO_BUS, ["os", stateDir]);
    expect(result.exitCode).toBe(78);
    expect(result.error).toMatch(/^OS keystore unusable: .+ \(use --keystore file\)$/);
  });

  test("auto keeps using keystore.enc once the directory has one", async () => {
    const { stateDir } = tempRoot();
    mkdirSync(stateDir);
    writeFileSync(join(stateDir, "keystore.enc"), "{}");
    const keystore = await openKeystore({ choice: "auto", stateDir, osMachineId: async () => "m" });
    expect(keystore.backend).toBe("file");
  });

  test("file without a readable OS machine id is a configuration error (78) pointing at --keystore os", async () => {
    const { stateDir } = tempRoot();
    const attempt = openKeystore({ choice: "file", stateDir, osMachineId: () => Promise.reject(new Error("ENOENT: /etc/machine-id")) });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(
      "file keystore unusable: cannot read the OS machine id: ENOENT: /etc/machine-id (use --keystore os)",
    );
    const empty = openKeystore({ choice: "file", stateDir, osMachineId: async () => "  \n" });
    await expect(empty).rejects.toThrow("cannot read the OS machine id: the OS machine id is empty");
  });

  test("auto with neither backend usable names both failures", async () => {
    const { stateDir } = tempRoot();
    const { result } = await openInChild(NO_BUS, ["auto", stateDir, "", "no-machine-id"]);
    expect(result.exitCode).toBe(78);
    expect(result.error).toMatch(
      /^file keystore unusable: cannot read the OS machine id: no id \(and the OS keystore is unusable too: .+\)$/,
    );
  });
});

/** Every file in `dir` with its bytes, to prove nothing changed. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name)).toString("base64")]));
}

function sealedDir(files: Record<string, string>): string {
  const { stateDir } = tempRoot();
  mkdirSync(stateDir, { mode: 0o700 });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(stateDir, name), text, { mode: 0o600 });
  return stateDir;
}

describe("spec 12.2: the keystore that sealed a state is the only one that opens it", () => {
  const osSealed = { keystore: "os\n", "state.enc": "sealed by the os backend" };
  const unavailable = (dir: string, backend: string) => `the state in ${dir} is sealed by the ${backend} keystore, which is unavailable: `;

  test("auto on an os-sealed directory without a Secret Service: 78 with the spec's message, every file as it was", async () => {
    const stateDir = sealedDir(osSealed);
    const before = snapshot(stateDir);
    const { result, log } = await openInChild(NO_BUS, ["auto", stateDir]);
    expect(result.exitCode).toBe(78);
    expect(result.error).toStartWith(unavailable(stateDir, "os"));
    expect(log).not.toContain("keystore: file");
    expect(snapshot(stateDir)).toEqual(before);
  });

  testNeeding(LIBSECRET, "a hung D-Bus on an os-sealed directory: 78 after the probe timeout, never the file backend", async () => {
    const { root } = tempRoot();
    const stateDir = sealedDir(osSealed);
    const socket = join(root, "bus.sock");
    const server = Bun.listen({ unix: socket, socket: { data() {} } });
    try {
      const { result } = await openInChild(`unix:path=${socket}`, ["auto", stateDir, "300"]);
      expect(result).toEqual({ exitCode: 78, error: `${unavailable(stateDir, "os")}the OS keystore probe timed out after 300 ms` });
      expect(readdirSync(stateDir).sort()).toEqual(["keystore", "state.enc"]);
    } finally {
      server.stop(true);
    }
  });

  test("migration: a state.enc with neither keystore.enc nor a marker was sealed by the os backend", async () => {
    const stateDir = sealedDir({ "state.enc": "written before the marker existed" });
    const before = snapshot(stateDir);
    const { result } = await openInChild(NO_BUS, ["auto", stateDir]);
    expect(result.exitCode).toBe(78);
    expect(result.error).toStartWith(unavailable(stateDir, "os"));
    expect(snapshot(stateDir)).toEqual(before);
  });

  test("a file-sealed directory whose OS machine id cannot be read: 78 naming the file keystore", async () => {
    const stateDir = sealedDir({ "keystore.enc": "{}", "state.enc": "x" });
    const { result } = await openInChild(NO_BUS, ["auto", stateDir, "", "no-machine-id"]);
    expect(result).toEqual({ exitCode: 78, error: `${unavailable(stateDir, "file")}cannot read the OS machine id: no id` });
  });

  test("an explicit choice other than the sealing backend is refused (78), not read as tampered", async () => {
    const osDir = sealedDir(osSealed);
    const asFile = openKeystore({ choice: "file", stateDir: osDir, osMachineId: async () => "m" });
    await expect(asFile).rejects.toThrow(`the state in ${osDir} is sealed by the os keystore, not file (use --keystore os or auto)`);
    const fileDir = sealedDir({ "keystore.enc": "{}" });
    const asOs = openKeystore({ choice: "os", stateDir: fileDir, osMachineId: async () => "m" });
    await expect(asOs).rejects.toBeInstanceOf(ConfigError);
    await expect(asOs).rejects.toThrow("is sealed by the file keystore, not os");
  });

  test("a marker that does not say os is a configuration error, not a guess", async () => {
    const stateDir = sealedDir({ keystore: "vault\n" });
    await expect(openKeystore({ choice: "auto", stateDir, osMachineId: async () => "m" })).rejects.toThrow(
      `${join(stateDir, "keystore")} should name the keystore that sealed this state`,
    );
  });
});
