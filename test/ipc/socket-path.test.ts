import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, InternalError } from "../../src/errors.ts";
import { prepareSocketPath } from "../../src/ipc/socket-path.ts";

const root = mkdtempSync(join(tmpdir(), "sentinel-socket-path-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const uid = process.getuid?.() ?? 0;
const ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
let counter = 0;
/** A fresh, empty directory standing in for os.tmpdir(). */
const freshTmp = () => {
  const dir = join(root, `t${counter++}`);
  mkdirSync(dir);
  return dir;
};
const mode = (path: string) => lstatSync(path).mode & 0o7777;

function configError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(78);
    return (error as ConfigError).message;
  }
  throw new Error("expected a ConfigError");
}

describe("prepareSocketPath", () => {
  test("without XDG_RUNTIME_DIR: <tmpdir>/sentinel-drm-<uid>, made 0700", () => {
    const tmp = freshTmp();
    const path = prepareSocketPath({ id: "abc", pid: 42, env: {}, tmpdir: tmp, uid });
    expect(path).toBe(join(tmp, `sentinel-drm-${uid}`, "sentinel-abc-42.sock"));
    expect(mode(join(tmp, `sentinel-drm-${uid}`))).toBe(0o700);
  });

  test("with XDG_RUNTIME_DIR: $XDG_RUNTIME_DIR/sentinel-drm", () => {
    const xdg = freshTmp();
    const path = prepareSocketPath({ id: "abc", pid: 42, env: { XDG_RUNTIME_DIR: xdg }, tmpdir: freshTmp(), uid });
    expect(path).toBe(join(xdg, "sentinel-drm", "sentinel-abc-42.sock"));
    expect(mode(join(xdg, "sentinel-drm"))).toBe(0o700);
  });

  test("a relative or empty XDG_RUNTIME_DIR is ignored, as XDG requires", () => {
    const tmp = freshTmp();
    for (const value of ["relative/dir", ""]) {
      const path = prepareSocketPath({ id: "abc", pid: 1, env: { XDG_RUNTIME_DIR: value }, tmpdir: tmp, uid });
      expect(path).toBe(join(tmp, `sentinel-drm-${uid}`, "sentinel-abc-1.sock"));
    }
  });

  test("the umask cannot leave the new directory unusable or open", () => {
    const tmp = freshTmp();
    const previous = process.umask(0o277);
    try {
      prepareSocketPath({ id: "abc", pid: 1, env: {}, tmpdir: tmp, uid });
    } finally {
      process.umask(previous);
    }
    expect(mode(join(tmp, `sentinel-drm-${uid}`))).toBe(0o700);
  });

  test("an existing private directory is reused, and a stale socket at the same path removed", () => {
    const tmp = freshTmp();
    const first = prepareSocketPath({ id: "abc", pid: 7, env: {}, tmpdir: tmp, uid });
    writeFileSync(first, "left by an earlier process with this pid");
    const other = join(tmp, `sentinel-drm-${uid}`, "sentinel-abc-8.sock");
    writeFileSync(other, "another instance");
    expect(prepareSocketPath({ id: "abc", pid: 7, env: {}, tmpdir: tmp, uid })).toBe(first);
    expect(existsSync(first)).toBe(false);
    expect(existsSync(other)).toBe(true);
  });

  test("the 103-byte guard shortens the id to 16 characters, from 104 bytes on", () => {
    const tmp = freshTmp();
    const bare = join(tmp, `sentinel-drm-${uid}`, "sentinel--123456.sock").length;
    const whole = ID.slice(0, 103 - bare);
    const tooLong = ID.slice(0, 104 - bare);
    expect(whole.length).toBeGreaterThan(16);
    const kept = prepareSocketPath({ id: whole, pid: 123456, env: {}, tmpdir: tmp, uid });
    expect(kept).toBe(join(tmp, `sentinel-drm-${uid}`, `sentinel-${whole}-123456.sock`));
    expect(Buffer.byteLength(kept)).toBe(103);
    const shortened = prepareSocketPath({ id: tooLong, pid: 123456, env: {}, tmpdir: tmp, uid });
    expect(shortened).toBe(join(tmp, `sentinel-drm-${uid}`, `sentinel-${ID.slice(0, 16)}-123456.sock`));
  });

  test("a directory too deep even for the short id is a configuration error", () => {
    const tmp = join(freshTmp(), "z".repeat(100));
    mkdirSync(tmp);
    expect(configError(() => prepareSocketPath({ id: ID, pid: 1, env: {}, tmpdir: tmp, uid }))).toContain("IPC socket path too long");
  });

  test("Windows: a named pipe, no directory", () => {
    const tmp = freshTmp();
    expect(prepareSocketPath({ id: "abc", pid: 42, env: {}, platform: "win32", tmpdir: tmp })).toBe("\\\\.\\pipe\\sentinel-abc-42");
    expect(existsSync(join(tmp, "sentinel-drm-undefined"))).toBe(false);
  });
});

describe("security: planted directories and ids", () => {
  test("a directory with mode 0755 is refused, naming the path and the mode", () => {
    const tmp = freshTmp();
    const dir = join(tmp, `sentinel-drm-${uid}`);
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    const message = configError(() => prepareSocketPath({ id: "abc", pid: 1, env: {}, tmpdir: tmp, uid }));
    expect(message).toBe(`refusing IPC socket directory ${dir}: its mode is 0755, expected 0700`);
  });

  test.each([0o750, 0o701, 0o1700, 0o2700, 0o600])("mode %o is refused", (bits) => {
    const tmp = freshTmp();
    const dir = join(tmp, `sentinel-drm-${uid}`);
    mkdirSync(dir);
    chmodSync(dir, bits);
    expect(configError(() => prepareSocketPath({ id: "abc", pid: 1, env: {}, tmpdir: tmp, uid }))).toContain("its mode is");
  });

  test("a symlink is refused, even to a private directory of ours", () => {
    const tmp = freshTmp();
    const target = join(tmp, "target");
    mkdirSync(target, { mode: 0o700 });
    chmodSync(target, 0o700);
    symlinkSync(target, join(tmp, `sentinel-drm-${uid}`));
    expect(configError(() => prepareSocketPath({ id: "abc", pid: 1, env: {}, tmpdir: tmp, uid }))).toEndWith("it is a symbolic link");
  });

  test("a file in its place is refused", () => {
    const tmp = freshTmp();
    writeFileSync(join(tmp, `sentinel-drm-${uid}`), "");
    expect(configError(() => prepareSocketPath({ id: "abc", pid: 1, env: {}, tmpdir: tmp, uid }))).toEndWith("it is not a directory");
  });

  test("a directory owned by another user is refused", () => {
    if (uid !== 0) {
      console.warn("skipped: chown to another user needs root");
      return;
    }
    const tmp = freshTmp();
    const dir = join(tmp, "sentinel-drm-0");
    mkdirSync(dir);
    chmodSync(dir, 0o700);
    chownSync(dir, 65534, 65534);
    expect(configError(() => prepareSocketPath({ id: "abc", pid: 1, env: {}, tmpdir: tmp, uid }))).toBe(
      `refusing IPC socket directory ${dir}: it belongs to uid 65534, not to us (uid 0)`,
    );
  });

  test("a parent that does not exist is a configuration error", () => {
    const message = configError(() => prepareSocketPath({ id: "abc", pid: 1, env: {}, tmpdir: join(root, "absent", "deeper"), uid }));
    expect(message).toContain("cannot create IPC socket directory");
  });

  test("a directory at the socket path itself is refused", () => {
    const tmp = freshTmp();
    const path = prepareSocketPath({ id: "abc", pid: 3, env: {}, tmpdir: tmp, uid });
    mkdirSync(path);
    expect(configError(() => prepareSocketPath({ id: "abc", pid: 3, env: {}, tmpdir: tmp, uid }))).toContain("is a directory");
  });

  test.each(["../escape", "a/b", "", "id with space", "dot.dot"])("id %p cannot shape the path", (id) => {
    expect(() => prepareSocketPath({ id, pid: 1, env: {}, tmpdir: freshTmp(), uid })).toThrow(InternalError);
  });
});
