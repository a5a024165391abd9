// A private Secret Service for tests: its own D-Bus session daemon and a throwaway,
// unlocked gnome-keyring whose files live in a temp dir, so a developer's own keyring is
// never touched. Started from the test itself, so `npm test` runs the os backend for real.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { libcCandidates, libcFunction } from "../../src/libc.ts";
import { firstMissing, missingCommand, missingLibrary } from "./system.ts";

/** What is missing on this machine to run a Secret Service, or undefined. */
export const secretServiceMissing = firstMissing(
  missingCommand("dbus-daemon", "dbus-daemon"),
  missingCommand("dbus-send", "dbus-bin"),
  missingCommand("gnome-keyring-daemon", "gnome-keyring"),
  missingLibrary("libsecret-1.so.0", "secret_password_store_sync", "libsecret-1-0"),
);

export interface SecretService {
  /** The session bus address to give a child (DBUS_SESSION_BUS_ADDRESS). */
  address: string;
  /** Environment for a child that should use this Secret Service. */
  env: Record<string, string | undefined>;
  /** Kills the keyring daemon (the bus stays up): the store is gone, as when the daemon dies. */
  killKeyring(): Promise<void>;
  /** Starts a new keyring daemon on the same bus with the same keyring files. */
  restartKeyring(): Promise<void>;
  stop(): Promise<void>;
}

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    text += decoder.decode(chunk, { stream: true });
    if (text.includes("\n")) break;
  }
  return text.split("\n")[0]?.trim() ?? "";
}

async function nameOwned(env: Record<string, string | undefined>): Promise<boolean> {
  const ask = Bun.spawn(
    [
      "dbus-send",
      "--session",
      "--print-reply",
      "--dest=org.freedesktop.DBus",
      "/org/freedesktop/DBus",
      "org.freedesktop.DBus.NameHasOwner",
      "string:org.freedesktop.secrets",
    ],
    { env, stdout: "pipe", stderr: "ignore" },
  );
  const out = await new Response(ask.stdout).text();
  return (await ask.exited) === 0 && out.includes("boolean true");
}

/**
 * A session bus without service directories: nothing is started on demand, so a killed
 * keyring stays dead (the system's session config would auto-start a fresh, locked one).
 */
const BUS_CONFIG = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;

export async function startSecretService(): Promise<SecretService> {
  const home = mkdtempSync(join(tmpdir(), "sentinel-keyring-"));
  const config = join(home, "bus.conf");
  writeFileSync(config, BUS_CONFIG);
  const bus = Bun.spawn(["dbus-daemon", `--config-file=${config}`, "--nofork", "--nopidfile", "--print-address=1"], {
    stdout: "pipe",
    stderr: "ignore",
  });
  const address = await firstLine(bus.stdout);
  // No DISPLAY: nothing may autolaunch another bus behind the test's back.
  const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: address, XDG_DATA_HOME: home, XDG_RUNTIME_DIR: home, DISPLAY: undefined };
  let keyring: Bun.Subprocess<"pipe", "ignore", "ignore"> | undefined;

  const startKeyring = async () => {
    keyring = Bun.spawn(["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"], {
      env,
      stdin: "pipe",
      stdout: "ignore",
      stderr: "ignore",
    });
    keyring.stdin.write("sentinel-test");
    keyring.stdin.end();
    const deadline = Date.now() + 15_000;
    while (!(await nameOwned(env))) {
      if (Date.now() > deadline || keyring.exitCode !== null) throw new Error("gnome-keyring-daemon did not come up on the private bus");
      await Bun.sleep(20);
    }
  };
  const killKeyring = async () => {
    keyring?.kill("SIGKILL");
    await keyring?.exited;
    keyring = undefined;
  };
  await startKeyring();
  return {
    address,
    env,
    killKeyring,
    restartKeyring: startKeyring,
    async stop() {
      await killKeyring();
      bus.kill();
      await bus.exited;
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * Points this test process's own Bun.secrets at `address`. libsecret reads the C
 * environment, which assigning process.env does not change; GDBus then keeps the first
 * connection it makes, so call this once per process, before the first Bun.secrets call.
 */
export function useSessionBusInProcess(address: string): void {
  const setenv = libcFunction(libcCandidates(), "setenv", { args: ["cstring", "cstring", "i32"], returns: "i32" });
  if (typeof setenv === "string") throw new Error(setenv);
  setenv(Buffer.from("DBUS_SESSION_BUS_ADDRESS\0"), Buffer.from(`${address}\0`), 1);
  process.env.DBUS_SESSION_BUS_ADDRESS = address;
}
