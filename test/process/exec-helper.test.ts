// The exec helper (native/exec-helper.c) run directly, as the sentinel runs it: fd 3 the
// handshake pipe, fd 4 the software, from the sealed memfd of src/process/exec-helper.ts.
import { afterAll, expect, test } from "bun:test";
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execHelperImage, missingHelperCompiler } from "../../native/compile-exec-helper.ts";
import { execHelperMemfd } from "../../src/process/exec-helper.ts";
import { describeNeeding } from "../support/system.ts";

const TARGET = `bun-linux-${process.arch}`;
const dir = mkdtempSync(join(tmpdir(), "sentinel-exec-helper-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeNeeding(process.platform === "linux" ? missingHelperCompiler(TARGET) : "Linux", "exec helper", () => {
  const image = () => execHelperImage(TARGET);

  /** Runs the helper from its memfd with `software` as fd 4; returns stdout, stderr, status and the handshake byte. */
  async function run(parentPid: number, path: string, software: string, args: string[]) {
    const memfd = execHelperMemfd(image()) as number;
    const fd = openSync(software, "r");
    try {
      const proc = Bun.spawn(["/proc/self/fd/5", String(parentPid), path, software, ...args], {
        stdio: ["ignore", "pipe", "pipe", "pipe", fd, memfd],
      });
      const handshake = new Response(Bun.file(proc.stdio[3] as number).stream()).text();
      const [stdout, stderr, status] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      return { stdout, stderr, status, handshake: await handshake };
    } finally {
      closeSync(fd);
      closeSync(memfd);
    }
  }

  test("executes fd 4 with the given argv, default signal handling and nothing of the helper's inherited", async () => {
    const result = await run(process.pid, "", "/bin/sh", ["-c", 'echo "$0"; grep -E "^Sig(Ign|Blk)" /proc/self/status; ls /proc/self/fd']);
    expect(result).toMatchObject({ status: 0, handshake: "R", stderr: "" });
    // sh itself is the descriptor's program; ls lists 0-2 and its own directory handle.
    expect(result.stdout).toBe("/bin/sh\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n0\n1\n2\n3\n");
  });

  test("a parent that is not the sentinel (it died before the request took effect): exit 70, nothing executed", async () => {
    const marker = join(dir, "ran");
    const result = await run(1, "", "/bin/sh", ["-c", `touch ${marker}`]);
    expect(result.status).toBe(70);
    expect(result.stderr).toBe("sentinel error: the sentinel exited before the software started (errno 3)\n");
    expect(existsSync(marker)).toBe(false);
  });

  test("a script without a checksum is executed by its path, so $0 is its name", async () => {
    const script = join(dir, "app.sh");
    writeFileSync(script, '#!/bin/sh\necho "$0"\n', { mode: 0o755 });
    expect((await run(process.pid, script, script, [])).stdout).toBe(`${script}\n`);
    expect((await run(process.pid, "", script, [])).stdout).toBe("/dev/fd/4\n");
  });

  test("the memfd is sealed: not even the sentinel can write to it", () => {
    const memfd = execHelperMemfd(image()) as number;
    try {
      expect(() => writeSync(memfd, "x")).toThrow();
    } finally {
      closeSync(memfd);
    }
  });
});

describeNeeding(process.platform === "linux" ? undefined : "Linux", "exec helper memfd", () => {
  test("a build without the helper says so instead of failing", () => {
    expect(execHelperMemfd("")).toBe("this build has no exec helper");
  });
});
