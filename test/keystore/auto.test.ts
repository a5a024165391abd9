import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, UsageError } from "../../src/errors.ts";
import { type KeystoreChoice, openKeystore, resolveKeystoreChoice } from "../../src/keystore/auto.ts";
import { removeTempRoots, tempRoot } from "../state/helpers.ts";

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

  test("a hung D-Bus costs only the probe timeout", async () => {
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
