// Offline activation (spec 15.1–15.2) end to end on the compiled binary: the
// request file, the reference server answering it, the response checks, and the
// offline window with no network at all, including its end while running.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeBase64url } from "../../src/crypto/base64url.ts";
import { canonicalJson } from "../../src/crypto/canonical-json.ts";
import { verifyEs256 } from "../../src/crypto/es256.ts";
import { parsePublicKeyPem } from "../../src/crypto/pem.ts";
import { runSentinel } from "../support/binary.ts";
import { keyPairFromPem } from "../support/keys.ts";
import { isoDay } from "../support/mint.ts";
import { VECTORS } from "../support/paths.ts";
import { fixtureRunArgs, readReport, startSentinel } from "../support/sentinel-process.ts";
import { ORG, type World } from "../support/standard-world.ts";
import { firstMissing, missingCommand, testNeeding } from "../support/system.ts";
import { waitFor } from "../support/wait-for.ts";
import { worldPerTest } from "../support/world-per-test.ts";
import { clockShifted } from "./attacks/clock.ts";
import { activateOffline, answerAtServer, applyResponse, payloadOf, writeRequest, writeSignedResponse } from "./offline/steps.ts";

const world = worldPerTest();

const requestsSeen = async (w: World) => (await w.server.admin.requestLog()).map((entry) => entry.endpoint);
/** The fields a refused response must leave exactly as they were. */
const kept = (state: Record<string, unknown> | null) => ({
  machine_id: state?.machine_id,
  activated: state?.activated,
  pending_offline_nonce: state?.pending_offline_nonce,
  offline_until: state?.offline_until,
  last_heartbeat_success: state?.last_heartbeat_success,
  grace_remaining_seconds: state?.grace_remaining_seconds,
});

describe("offline activation", () => {
  test("full round trip: a machine-signed request, the reference server's answer, and the window saved", async () => {
    const w = await world();
    const requestPath = await writeRequest(w);
    const requestText = readFileSync(requestPath, "utf8");
    const envelope = JSON.parse(requestText) as { alg: string; payload: string; sig: string };
    const request = payloadOf(requestText);
    expect(envelope.alg).toBe("ES256");
    expect(request).toMatchObject({ v: 1, type: "activation_request", license_key: w.licenseKey, platform: "LINUX_AMD64" });
    // Canonical JSON, signed by the machine key whose public half travels inside.
    const payloadBytes = decodeBase64url(envelope.payload) as Uint8Array;
    expect(new TextDecoder().decode(payloadBytes)).toBe(canonicalJson(request));
    const machinePoint = parsePublicKeyPem(request.machine_public_key_pem as string);
    expect(await verifyEs256(decodeBase64url(envelope.sig) as Uint8Array, envelope.payload, machinePoint)).toBe(true);
    const pending = await w.status();
    expect(pending).toMatchObject({ activated: false, pending_offline_nonce: request.request_nonce, machine_id: request.machine_id });

    const responsePath = await answerAtServer(w, requestPath);
    const applied = await applyResponse(w, responsePath, {});
    expect(applied.exitCode).toBe(0);
    expect(applied.stdout).toContain(`until ${isoDay(30)}`);
    const response = payloadOf(readFileSync(responsePath, "utf8"));
    const state = await w.status();
    expect(state).toMatchObject({ activated: true, offline_until: isoDay(30), machine_id: request.machine_id });
    expect(state?.pending_offline_nonce).toBeUndefined();
    expect(state?.last_heartbeat_success).toBe(Date.parse(response.responded_at as string) / 1000);
    const [machine] = await w.server.admin.listMachines(w.licenseKey);
    expect(machine).toMatchObject({ machine_id: request.machine_id, state: "ACTIVE", public_key_pem: request.machine_public_key_pem });
    expect(await requestsSeen(w)).toEqual(["offline-activate"]);

    // Inside the window: the server is up, and still never called; get_status shows the window.
    const run = await w.run(["exit", "0"]);
    expect(run.exitCode).toBe(0);
    expect(await requestsSeen(w)).toEqual(["offline-activate"]);
    const status = readReport(w.report)?.answers[3] as { state: Record<string, unknown> };
    expect(status.state).toMatchObject({ online: false, offline_until: isoDay(30) });
    expect((await w.status())?.grace_remaining_seconds).toBe(state?.grace_remaining_seconds);
  });

  testNeeding(
    firstMissing(missingCommand("unshare", "util-linux"), process.getuid?.() === 0 ? undefined : "root (for unshare -n)"),
    "inside the window, in a network namespace with no network at all, the software starts and no grace is consumed",
    async () => {
      const w = await world();
      await activateOffline(w);
      const before = await w.status();
      await w.server.stop();
      // The server is gone, and inside `unshare -n` not even loopback is up: any connection
      // attempt would fail, and a failed startup heartbeat would cost grace.
      const deadServer = await w.start(["exit", "0"]);
      const unshared = await startSentinel(fixtureRunArgs(w.licensePath, `${w.report}.unshared`, ["exit", "0"]), w.env, ["unshare", "-n"]);
      expect(await deadServer.exited).toBe(0);
      expect(await unshared.exited).toBe(0);
      expect(unshared.stderr()).not.toMatch(/unreachable|grace/);
      const after = await w.status();
      expect(after?.grace_remaining_seconds).toBe(before?.grace_remaining_seconds);
      expect(after?.grace_exhausted).toBe(false);
      expect(after?.last_heartbeat_success).toBe(before?.last_heartbeat_success);
    },
  );

  test("the day after the window it is an ordinary STANDARD machine again: startup heartbeat, then grace when unreachable", async () => {
    const w = await world({ server: { offlineDays: -1 } });
    await activateOffline(w);
    expect((await w.status())?.offline_until).toBe(isoDay(-1));
    const online = await w.run(["exit", "0"]);
    expect(online.exitCode).toBe(0);
    expect(await requestsSeen(w)).toEqual(["offline-activate", "heartbeat"]);
    const before = await w.status();
    await w.server.stop();
    const onGrace = await w.run(["exit", "0"]);
    expect(onGrace.exitCode).toBe(0);
    expect(onGrace.stderr).toContain("server unreachable, running on grace");
    expect((await w.status())?.grace_remaining_seconds).toBe((before?.grace_remaining_seconds as number) - 720 * 60);
  });

  test("a floating licence cannot be activated offline: 64, no request written, no state", async () => {
    const w = await world({ payload: { max_concurrent: 2 } });
    const path = join(w.dir, "request.json");
    const result = await runSentinel(["activate", "--license", w.licensePath, "--offline-request", path], { env: w.env });
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toContain("floating licenses need the DRM server");
    expect(existsSync(path)).toBe(false);
    expect(await w.status()).toBeNull();
  });

  describe("refused responses: 65 naming the check, state unchanged", () => {
    test("a replayed old response", async () => {
      const w = await world();
      const first = await activateOffline(w);
      const again = await applyResponse(w, first);
      expect(again.exitCode).toBe(65);
      expect(again.stderr).toContain("no offline activation request is pending");
      await writeRequest(w, "renewal.json");
      const before = await w.status();
      const replayed = await applyResponse(w, first);
      expect(replayed.exitCode).toBe(65);
      expect(replayed.stderr).toContain("offline activation response refused: request_nonce check failed");
      expect(kept(await w.status())).toEqual(kept(before));
    });

    test("a response for another machine, or for another licence", async () => {
      const w = await world();
      const request = payloadOf(readFileSync(await writeRequest(w), "utf8"));
      const before = await w.status();
      const genuine = payloadOf(readFileSync(await answerAtServer(w, join(w.dir, "request.json")), "utf8"));
      const otherMachine = await writeSignedResponse(w, "other-machine.json", { ...genuine, machine_id: crypto.randomUUID() }, ORG.secret);
      const forMachine = await applyResponse(w, otherMachine);
      expect(forMachine.exitCode).toBe(65);
      expect(forMachine.stderr).toContain("machine_id check failed");
      const otherLicense = await writeSignedResponse(w, "other-license.json", { ...genuine, license_key: "LK-SOMEONE-ELSE" }, ORG.secret);
      const forLicense = await applyResponse(w, otherLicense);
      expect(forLicense.exitCode).toBe(65);
      expect(forLicense.stderr).toContain("license_key check failed");
      // A second machine's genuine answer carries that machine's nonce.
      const second = join(w.dir, "state-2");
      const secondResponse = await answerAtServer(w, await writeRequest(w, "second.json", { SENTINEL_STATE_DIR: second }));
      const forSecond = await applyResponse(w, secondResponse);
      expect(forSecond.exitCode).toBe(65);
      expect(forSecond.stderr).toContain("request_nonce check failed");
      expect(kept(await w.status())).toEqual(kept(before));
      expect(before?.pending_offline_nonce).toBe(request.request_nonce);
    });

    test("a response signed by another key", async () => {
      const w = await world();
      const genuine = payloadOf(readFileSync(await answerAtServer(w, await writeRequest(w)), "utf8"));
      const other = await keyPairFromPem(readFileSync(join(VECTORS, "other_private.pem"), "utf8"));
      const before = await w.status();
      const result = await applyResponse(w, await writeSignedResponse(w, "other-key.json", genuine, other.secret));
      expect(result.exitCode).toBe(65);
      expect(result.stderr).toContain("signature check failed");
      expect(kept(await w.status())).toEqual(kept(before));
    });

    test("a response whose status is not ACTIVE", async () => {
      const w = await world();
      const genuine = payloadOf(readFileSync(await answerAtServer(w, await writeRequest(w)), "utf8"));
      const result = await applyResponse(w, await writeSignedResponse(w, "revoked.json", { ...genuine, status: "REVOKED" }, ORG.secret));
      expect(result.exitCode).toBe(65);
      expect(result.stderr).toContain('status check failed ("REVOKED", not ACTIVE)');
      expect((await w.status())?.activated).toBe(false);
    });
  });

  test("an expired licence inside the window: 65, judged against the latest time seen", async () => {
    // The vendor's answer comes from tomorrow; the licence's last day is today.
    const w = await world({ payload: { expiry_date: isoDay(0) }, server: { now: () => Date.now() + 86_400_000 } });
    await activateOffline(w);
    expect((await w.status())?.offline_until).toBe(isoDay(31));
    const result = await w.run(["exit", "0"]);
    expect(result.exitCode).toBe(65);
    expect(result.stderr).toContain(`license has expired (expiry: ${isoDay(0)})`);
    expect(readReport(w.report)).toBeUndefined();
  });
});

describe("the end of the window while the software runs", () => {
  const needs = firstMissing(missingCommand("faketime", "faketime"));
  /** Seconds to add to the clock to stand `seconds` before the next UTC midnight (libfaketime shifts the sentinel's). */
  const shiftToBeforeMidnight = (seconds: number) =>
    Math.floor((Date.parse(`${isoDay(1)}T00:00:00Z`) - seconds * 1000 - Date.now()) / 1000);
  const startShifted = (w: World, shift: number) =>
    startSentinel(fixtureRunArgs(w.licensePath, w.report, ["wait"]), w.env, clockShifted(`+${shift}`));

  testNeeding(
    needs,
    "no verified heartbeat when the next day begins: stopped, 69 offline activation ended",
    async () => {
      const w = await world({ server: { offlineDays: 0 } });
      await activateOffline(w);
      await w.server.stop();
      const running = await startShifted(w, shiftToBeforeMidnight(3));
      expect(await running.exited).toBe(69);
      expect(readReport(w.report)).toBeDefined();
      expect(running.stderr()).toContain(`sentinel error: offline activation ended on ${isoDay(0)}`);
    },
    30_000,
  );

  testNeeding(
    needs,
    "a verified heartbeat when the next day begins: the software goes on under the ordinary heartbeat loop",
    async () => {
      const shift = shiftToBeforeMidnight(3);
      // The server's clock shifted like the sentinel's, so the request timestamps agree.
      const w = await world({ server: { offlineDays: 0, now: () => Date.now() + shift * 1000 }, minuteMs: 2 });
      await activateOffline(w);
      const running = await startShifted(w, shift);
      const activated = (await w.status())?.last_heartbeat_success as number;
      // The verified answer is saved before it is acted on: a newer last_heartbeat_success is the proof.
      await waitFor(async () => ((await w.status())?.last_heartbeat_success as number) > activated, "the verified heartbeat");
      // The ordinary loop took over: the next heartbeat one (short test) interval later.
      await waitFor(async () => (await requestsSeen(w)).filter((name) => name === "heartbeat").length >= 2, "the loop's heartbeat");
      // faketime forks rather than execs, so the software is stopped directly: the sentinel then ends with its status.
      process.kill((readReport(w.report) as { pid: number }).pid, "SIGTERM");
      expect(await running.exited).toBe(42);
      expect(running.stderr()).not.toContain("sentinel error");
    },
    30_000,
  );
});
