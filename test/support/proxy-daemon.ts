// A real proxy daemon (Debian's tinyproxy) on a loopback port, configured and
// started by the test with its own config, pid and log files in a temp dir, and
// a private /etc/hosts (mount namespace) so a test host name resolves to loopback.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IS_ROOT } from "./other-user.ts";
import { firstMissing, missingCommand } from "./system.ts";
import { waitFor } from "./wait-for.ts";

/** The name the TLS tests give the DRM server: not loopback by name, so it may be proxied (spec 14.2). */
export const DRM_HOST = "drm.sentinel.test";

export const MISSING_PROXY_DAEMON = firstMissing(
  missingCommand("tinyproxy", "tinyproxy"),
  missingCommand("unshare", "util-linux"),
  IS_ROOT ? undefined : "root (a private /etc/hosts in a mount namespace)",
);

/** A hosts file mapping `names` to 127.0.0.1, for hostsWrapper. */
export function writeHostsFile(dir: string, names: string[] = [DRM_HOST]): string {
  const path = join(dir, "hosts");
  writeFileSync(path, `127.0.0.1 localhost\n${names.map((name) => `127.0.0.1 ${name}`).join("\n")}\n`);
  return path;
}

/** A command prefix that runs the rest with `hostsPath` as its /etc/hosts (private mount namespace). */
export function hostsWrapper(hostsPath: string): string[] {
  return [
    "unshare",
    "--mount",
    "--propagation",
    "private",
    "--",
    "sh",
    "-c",
    'mount --bind "$1" /etc/hosts && shift && exec "$@"',
    "sh",
    hostsPath,
  ];
}

export interface ProxyDaemon {
  port: number;
  /** `http://[user:password@]127.0.0.1:port`. */
  url(credentials?: { user: string; password: string }): string;
  /** The daemon's own log (CONNECT lines, auth failures). */
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = probe;
  probe.stop(true);
  return port;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });

/** Starts tinyproxy in the foreground; `basicAuth` makes it demand Proxy-Authorization (407 otherwise). */
export async function startTinyproxy(options: { basicAuth?: { user: string; password: string } } = {}): Promise<ProxyDaemon> {
  const dir = mkdtempSync(join(tmpdir(), "sentinel-proxy-"));
  const port = await freePort();
  const logPath = join(dir, "tinyproxy.log");
  const config = [
    `Port ${port}`,
    "Listen 127.0.0.1",
    "Timeout 30",
    `LogFile "${logPath}"`,
    `PidFile "${join(dir, "tinyproxy.pid")}"`,
    "LogLevel Info",
    "MaxClients 50",
    "Allow 127.0.0.1",
    // Root would otherwise drop to nobody, who cannot write the log in this 0700 dir.
    ...(IS_ROOT ? ["User root", "Group root"] : []),
    ...(options.basicAuth ? [`BasicAuth ${options.basicAuth.user} ${options.basicAuth.password}`] : []),
  ];
  writeFileSync(join(dir, "tinyproxy.conf"), `${config.join("\n")}\n`);
  const hosts = writeHostsFile(dir);
  const proc = Bun.spawn([...hostsWrapper(hosts), "tinyproxy", "-d", "-c", join(dir, "tinyproxy.conf")], {
    stdout: "ignore",
    stderr: "pipe",
  });
  await waitFor(async () => proc.exitCode !== null || (await accepts(port)), "tinyproxy to listen");
  if (proc.exitCode !== null) throw new Error(`tinyproxy exited ${proc.exitCode}: ${await new Response(proc.stderr).text()}`);
  return {
    port,
    url: (credentials) => `http://${credentials ? `${credentials.user}:${credentials.password}@` : ""}127.0.0.1:${port}`,
    log: () => readFileSync(logPath, "utf8"),
    async stop() {
      proc.kill();
      await proc.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
