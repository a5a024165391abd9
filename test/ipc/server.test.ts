import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, lstatSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { StatusSnapshot } from "../../src/ipc/protocol.ts";
import { type IpcServer, MAX_CONNECTIONS, startIpcServer } from "../../src/ipc/server.ts";
import { prepareSocketPath } from "../../src/ipc/socket-path.ts";
import { connectAs, ensureOtherUser, OTHER_USER, PYTHON, PYTHON_MISSING, testAsOtherUser } from "../support/other-user.ts";
import { testNeeding } from "../support/system.ts";
import { connectLineClient, type LineClient } from "./line-client.ts";
import { FEATURES_JSON, ONLINE, STANDARD_LICENSE } from "./sample.ts";

// Traversable by everyone, so that only the sentinel's own directory and socket modes keep other users out.
const root = mkdtempSync(join(tmpdir(), "sentinel-ipc-"));
chmodSync(root, 0o755);
const servers: IpcServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  rmSync(root, { recursive: true, force: true });
});

let nextPid = 1000;
let snapshot: StatusSnapshot = ONLINE;

/** A fresh server on its own prepared path, so connection counts never leak between tests. */
async function freshServer(path = prepareSocketPath({ id: "servertest", pid: nextPid++, env: {}, tmpdir: root })): Promise<IpcServer> {
  const server = await startIpcServer({ path, license: STANDARD_LICENSE, status: () => snapshot });
  servers.push(server);
  return server;
}

async function rawRequest(client: LineClient, line: string): Promise<string | null> {
  await client.send(`${line}\n`);
  return client.nextLine();
}

describe("IPC server over a real unix socket", () => {
  test("directory 0700, socket 0600", async () => {
    const server = await freshServer();
    const stats = lstatSync(server.path);
    expect(stats.isSocket()).toBe(true);
    expect(stats.mode & 0o777).toBe(0o600);
    expect(lstatSync(dirname(server.path)).mode & 0o7777).toBe(0o700);
  });

  test("the four methods, with ids echoed as written", async () => {
    const server = await freshServer();
    const client = await connectLineClient(server.path);
    expect(await rawRequest(client, '{"method":"health","id":1}')).toBe('{"status":"ok","id":1}');
    expect(await rawRequest(client, '{"method":"get_features","id":"s"}')).toBe(`{"status":"ok","id":"s","features":${FEATURES_JSON}}`);
    const license = await rawRequest(client, '{"method":"get_license","id":{"n":[1,2]}}');
    expect(license).toStartWith('{"status":"ok","id":{"n":[1,2]},"license":{"license_key":"LK-0001","license_type":"STANDARD"');
    expect(license).toContain(`"features":${FEATURES_JSON},`);
    expect(JSON.parse(license as string).license).toMatchObject({ org_id: "org-1", software_id: "soft-1", expiry_date: "2099-12-31" });
    expect(await rawRequest(client, '{"method":"get_status","id":123456789012345678901234567890}')).toBe(
      '{"status":"ok","id":123456789012345678901234567890,"state":{"license_type":"STANDARD","online":true,' +
        '"last_heartbeat_success":1700000000,"grace_remaining_seconds":86400,"grace_exhausted":false,"expiry_date":"2099-12-31","floating":null}}',
    );
    snapshot = { ...ONLINE, online: false, graceRemainingSeconds: 600 };
    expect((await client.request({ method: "get_status" })).state).toMatchObject({ online: false, grace_remaining_seconds: 600 });
    snapshot = ONLINE;
    client.close();
  });

  test("pipelined requests in one write, and one request split over many writes", async () => {
    const server = await freshServer();
    const client = await connectLineClient(server.path);
    await client.send('{"method":"health","id":1}\n{"method":"health","id":2}\r\n{"method":"health","id":3}\n');
    expect([await client.nextLine(), await client.nextLine(), await client.nextLine()]).toEqual([
      '{"status":"ok","id":1}',
      '{"status":"ok","id":2}',
      '{"status":"ok","id":3}',
    ]);
    // Split inside a multi-byte character too: the line is decoded only once whole.
    const bytes = new TextEncoder().encode('{"method":"health","id":"é✓"}\n');
    for (let i = 0; i < bytes.length; i++) {
      await client.send(bytes.subarray(i, i + 1));
      await Bun.sleep(0);
    }
    expect(await client.nextLine()).toBe('{"status":"ok","id":"é✓"}');
    client.close();
  });

  test("many connections at once are all answered", async () => {
    const server = await freshServer();
    const clients = await Promise.all(Array.from({ length: 10 }, () => connectLineClient(server.path)));
    const answers = await Promise.all(clients.map((client, i) => client.request({ method: "health", id: i })));
    expect(answers).toEqual(clients.map((_, i) => ({ status: "ok", id: i })));
    for (const client of clients) client.close();
  });

  test("close() ends connections, removes the socket file, and can be repeated", async () => {
    const server = await freshServer();
    const client = await connectLineClient(server.path);
    expect(await client.request({ method: "health" })).toEqual({ status: "ok" });
    await server.close();
    expect(existsSync(server.path)).toBe(false);
    await client.closed;
    await server.close();
    await expect(connectLineClient(server.path)).rejects.toThrow();
  });

  test("a path already in use is a configuration error", async () => {
    const server = await freshServer();
    await expect(startIpcServer({ path: server.path, license: STANDARD_LICENSE, status: () => snapshot })).rejects.toMatchObject({
      exitCode: 78,
    });
  });
});

describe("security: hostile and careless clients", () => {
  test("malformed lines get an error and the connection stays usable", async () => {
    const server = await freshServer();
    const client = await connectLineClient(server.path);
    for (const line of ["{not json", "[1,2]", '"health"', '{"id":5}', "", '{"method":7}']) {
      const response = JSON.parse((await rawRequest(client, line)) as string);
      expect(response).toMatchObject({ status: "error", error: "malformed request" });
    }
    expect(await client.request({ method: "health" })).toEqual({ status: "ok" });
    client.close();
  });

  test("a line of exactly 64 KiB is read; one byte more is too large and closes the connection", async () => {
    const server = await freshServer();
    const client = await connectLineClient(server.path);
    const head = '{"method":"health","pad":"';
    const exact = `${head}${"x".repeat(64 * 1024 - head.length - 2)}"}`;
    expect(Buffer.byteLength(exact)).toBe(64 * 1024);
    expect(await rawRequest(client, exact)).toBe('{"status":"ok"}');
    expect(await rawRequest(client, exact.replace('"pad":"', '"pad":"y'))).toBe('{"status":"error","error":"request too large"}');
    expect(await client.nextLine()).toBeNull();
    await client.closed;
  });

  test("a 1 MiB line: request too large, connection closed, others unaffected", async () => {
    const server = await freshServer();
    const bystander = await connectLineClient(server.path);
    const client = await connectLineClient(server.path);
    await client.send(`{"method":"health","pad":"${"x".repeat(1024 * 1024)}"}\n`);
    expect(await client.nextLine()).toBe('{"status":"error","error":"request too large"}');
    expect(await client.nextLine()).toBeNull();
    await client.closed;
    expect(await bystander.request({ method: "health", id: "still" })).toEqual({ status: "ok", id: "still" });
    bystander.close();
  });

  test(`200 connections at once: ${MAX_CONNECTIONS} served, the rest closed at accept`, async () => {
    const server = await freshServer();
    const wellBehaved = await connectLineClient(server.path);
    expect(await wellBehaved.request({ method: "health" })).toEqual({ status: "ok" });
    const crowd = await Promise.all(Array.from({ length: 200 }, () => connectLineClient(server.path)));
    const first = await Promise.all(crowd.map((client) => rawRequest(client, '{"method":"health"}')));
    const served = crowd.filter((_, i) => first[i] === '{"status":"ok"}');
    const refused = crowd.filter((_, i) => first[i] === '{"status":"error","error":"too many connections"}');
    expect(served.length).toBe(MAX_CONNECTIONS - 1);
    expect(refused.length).toBe(200 - served.length);
    await Promise.all(refused.map((client) => client.closed));
    expect(await wellBehaved.request({ method: "health", id: "during" })).toEqual({ status: "ok", id: "during" });

    // Slots come back when clients leave.
    for (const client of served) client.close();
    await Promise.all(served.map((client) => client.closed));
    const deadline = Date.now() + 10_000;
    let answer: string | null = null;
    while (answer !== '{"status":"ok"}' && Date.now() < deadline) {
      const late = await connectLineClient(server.path);
      answer = await rawRequest(late, '{"method":"health"}');
      late.close();
    }
    expect(answer).toBe('{"status":"ok"}');
    wellBehaved.close();
  });

  testNeeding(
    PYTHON_MISSING,
    "a client that floods requests and never reads is dropped; a well-behaved one keeps its answers",
    async () => {
      const server = await freshServer();
      const wellBehaved = await connectLineClient(server.path);
      const flood = Bun.spawn([PYTHON, join(import.meta.dir, "fixtures", "flood.py"), server.path], {
        stdout: "pipe",
        stderr: "inherit",
      });
      let floodDone = false;
      const floodResult = Promise.all([flood.exited, new Response(flood.stdout).text()]).finally(() => {
        floodDone = true;
      });
      let answered = 0;
      do {
        expect(await wellBehaved.request({ method: "get_status", id: answered })).toMatchObject({ status: "ok", id: answered });
        answered++;
      } while (!floodDone);
      const [code, output] = await floodResult;
      expect(output.trim()).toBe("dropped");
      expect(code).toBe(0);
      expect(answered).toBeGreaterThan(0);
      expect(await wellBehaved.request({ method: "health", id: "after" })).toEqual({ status: "ok", id: "after" });
      wellBehaved.close();
    },
  );
});

describe("security: other local users", () => {
  testAsOtherUser("another Unix user cannot connect: the 0700 directory and the 0600 socket each refuse it", async () => {
    ensureOtherUser();
    const prepared = await freshServer();
    expect(await connectAs(OTHER_USER, prepared.path)).toBe("permission denied");
    expect(await connectAs(null, prepared.path)).toBe('{"status":"ok"}');

    // A socket in an open directory: its own 0600 mode is what refuses the other user.
    const bare = await freshServer(join(root, `bare-${nextPid++}.sock`));
    expect(lstatSync(bare.path).mode & 0o777).toBe(0o600);
    expect(await connectAs(OTHER_USER, bare.path)).toBe("permission denied");
    // Control: opened up by hand, the same user connects, so the refusals above were the modes'.
    chmodSync(bare.path, 0o666);
    expect(await connectAs(OTHER_USER, bare.path)).toBe('{"status":"ok"}');
  });
});
