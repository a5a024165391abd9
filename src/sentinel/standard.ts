// Flow 8.2: steps 1–6 before launch (shared with `activate`), then the
// software with the heartbeat loop. Every decision comes from policy.ts and is
// saved, under the state lock, before it is acted on.
import { publicPointOf } from "../crypto/es256.ts";
import { writePublicKeyPem } from "../crypto/pem.ts";
import { createDrmClient, type DrmClient } from "../drm/client.ts";
import { type NetworkFlags, resolveNetwork } from "../drm/network.ts";
import { isDecommissionRequested, type Outcome, payloadStatus } from "../drm/outcome.ts";
import { resolveServerUrl } from "../drm/server-url.ts";
import { formatDuration } from "../duration.ts";
import { DeniedError, describeError, InternalError, LicenseError, UnavailableError } from "../errors.ts";
import type { StandardLicense } from "../license/validate.ts";
import { log } from "../log.ts";
import type { OrgKey } from "../org-key.ts";
import { detectPlatform } from "../platform.ts";
import type { State } from "../state/state-record.ts";
import { type FloatingSeat, takeFloatingSeat } from "./floating.ts";
import { createHeartbeatLoop } from "./heartbeat-loop.ts";
import type { LaunchRequest } from "./launch-request.ts";
import { type MachineSession, nowSeconds, openMachineSession, type SessionOptions } from "./machine-session.ts";
import { createOfflineHandover } from "./offline-handover.ts";
import { type CallOutcome, decideActivation, decideHeartbeat, decideStartup, type HeartbeatDecision, type Verdict } from "./policy.ts";
import type { Shutdown } from "./shutdown.ts";
import { superviseSoftware } from "./supervise.ts";
import { minuteMs, wallCheckMs } from "./timing.ts";

export type StandardOptions = SessionOptions & {
  serverUrl?: string;
  softwareVersion?: string;
  network?: NetworkFlags;
  /** `run` honours an offline activation (15.2); `activate` checks in with the server regardless. */
  offlineWindow?: boolean;
};
/** `run` only: `--wait-for-seat` in milliseconds (spec 16.2), for floating licences. */
export type RunOptions = StandardOptions & { waitForSeatMs?: number };

function toCallOutcome(outcome: Outcome): CallOutcome {
  if (outcome.class !== "verified") return outcome;
  const status = payloadStatus(outcome.payload) ?? "(none)";
  return { class: "verified", status, decommission: isDecommissionRequested(outcome.payload), respondedAt: outcome.respondedAt };
}

export interface StandardStart {
  session: MachineSession;
  client: DrmClient;
  state: State;
  online: boolean;
  /** Set when the start was inside an offline window: no server contact until the day after it. */
  offlineUntil?: string;
}

/** Steps 1–6: server URL, keystore and machine key, state, activation, startup heartbeat. */
export async function startStandard(
  license: StandardLicense,
  orgKey: OrgKey,
  options: StandardOptions,
  shutdown: Shutdown,
): Promise<StandardStart> {
  const baseUrl = resolveServerUrl(options.serverUrl, license.serverUrl);
  // Before any state is touched: a bad CA file or proxy URL is a usage error (64).
  const network = resolveNetwork(options.network, process.env, baseUrl);
  const session = await openMachineSession(license, options);
  try {
    let state = session.state;
    const startup = decideStartup(state, license, nowSeconds());
    // `activate` checks in with the server even inside an offline window.
    const offlineUntil = options.offlineWindow ? startup.offlineUntil : undefined;
    if (startup.clockTurnedBack) {
      log.warn(
        `the system clock is more than an hour behind the last time seen (${new Date(state.last_seen * 1000).toISOString()})${offlineUntil ? "" : ": the server must be reached"}`,
      );
    }
    if (startup.refusal) throw new LicenseError(startup.refusal);
    const client = createDrmClient({
      baseUrl,
      machineId: state.machine_id,
      machineSecret: session.machineSecret,
      orgPublicPoint: orgKey.point,
      softwareVersion: options.softwareVersion,
      network,
    });
    if (offlineUntil) {
      log.info(`offline activation valid until ${offlineUntil} (UTC): no contact with the DRM server until then`);
      // No decision follows before the launch: the time seen is saved here.
      return { session, client, state: await session.touch(), online: false, offlineUntil };
    }
    if (!state.activated) {
      log.info(`activating machine ${state.machine_id} with ${baseUrl.origin}`);
      const outcome = toCallOutcome(
        await shutdown.race(
          client.activate({
            licenseKey: license.licenseKey,
            machinePublicKeyPem: writePublicKeyPem(await publicPointOf(session.machineSecret)),
            platform: detectPlatform(),
            softwareVersion: options.softwareVersion,
          }),
        ),
      );
      const decision = await session.decide((current, now) => decideActivation(current, outcome, now));
      state = decision.state;
      actBeforeLaunch(decision);
      log.info("machine activated");
    }
    const outcome = toCallOutcome(
      await shutdown.race(client.heartbeat({ licenseKey: license.licenseKey, softwareVersion: options.softwareVersion })),
    );
    const decision = await session.decide((current, now) => decideHeartbeat(current, outcome, license, now, "startup"));
    state = decision.state;
    if (decision.verdict.kind === "decommission") await decommission(session, client, license);
    actBeforeLaunch(decision);
    return { session, client, state, online: outcome.class === "verified" };
  } catch (error) {
    await session.close();
    throw error;
  }
}

/** Acts on a pre-launch verdict: at startup "stop" means the software is never launched. */
function actBeforeLaunch(decision: HeartbeatDecision): void {
  const { verdict } = decision;
  if (verdict.kind === "deny") throw new DeniedError(verdict.message);
  if (verdict.kind === "exhausted") throw new UnavailableError(verdict.message);
  if (verdict.kind === "grace") log.warn(`server unreachable, running on grace (${formatDuration(verdict.remaining)} remaining)`);
}

/** Decommission (8.4): acknowledge (failure only logged), delete the state, deny. */
async function decommission(session: MachineSession, client: DrmClient, license: StandardLicense): Promise<never> {
  log.warn("the vendor has decommissioned this machine");
  const ack = await client.decommissionAck({ licenseKey: license.licenseKey });
  if (ack.class !== "verified") log.warn(`decommission acknowledgement failed: ${ack.class === "rejected" ? ack.message : ack.reason}`);
  // The verdict stands even when the file cannot be deleted (spec 12.1).
  await session.deleteState().catch((error) => log.error(`cannot delete the state: ${describeError(error)}`));
  throw new DeniedError("machine decommissioned");
}

/** The whole STANDARD flow: steps 1–6, then launch with the heartbeat loop until the end. */
export async function runStandard(license: StandardLicense, orgKey: OrgKey, request: LaunchRequest, options: RunOptions): Promise<number> {
  const start = await startStandard(license, orgKey, { ...options, offlineWindow: true }, request.shutdown);
  const { session, client } = start;
  let { state, online } = start;
  let decommissioned = false;
  const intervalMs = license.heartbeatIntervalMinutes * minuteMs();

  const heartbeat = (stopping: Promise<void>): Promise<Outcome | undefined> =>
    Promise.race([
      client.heartbeat({ licenseKey: license.licenseKey, softwareVersion: options.softwareVersion }),
      stopping.then(() => undefined),
    ]);
  const onAnswer = async (answer: Outcome) => {
    const outcome = toCallOutcome(answer);
    const decision = await session.decide((current, now) => decideHeartbeat(current, outcome, license, now, "loop"));
    state = decision.state;
    online = outcome.class === "verified";
    const { verdict } = decision;
    if (verdict.kind === "continue") log.debug("heartbeat verified");
    else if (verdict.kind === "grace")
      log.warn(`heartbeat missed (${outcome.class}), running on grace (${formatDuration(verdict.remaining)} remaining)`);
    else if (verdict.kind === "exhausted") request.shutdown.request({ kind: "licence", error: new UnavailableError(verdict.message) });
    else await obey(verdict);
  };

  /** A deny or decommission verdict, from a heartbeat or a floating seat's renewal (8.4). */
  async function obey(verdict: Verdict): Promise<void> {
    if (verdict.kind === "deny") request.shutdown.request({ kind: "licence", error: new DeniedError(verdict.message) });
    else if (verdict.kind === "decommission") {
      decommissioned = true;
      await decommission(session, client, license).catch((error: DeniedError) => request.shutdown.request({ kind: "licence", error }));
    }
  }

  // A beat that fails without a decision stops the software: never run on no decision (12.1).
  const onFailure = (error: unknown) =>
    request.shutdown.request({ kind: "licence", error: new InternalError(`heartbeat failed: ${describeError(error)}`) });
  const loop = createHeartbeatLoop(intervalMs, { onFailure, checkMs: wallCheckMs() }, async ({ stopping, stopped }) => {
    const answer = await heartbeat(stopping);
    if (answer && !stopped()) await onAnswer(answer);
  });
  const until = start.offlineUntil;
  const background = until
    ? createOfflineHandover({ until, heartbeat, onVerified: onAnswer, onFailure, shutdown: request.shutdown, loop })
    : loop;

  let seat: FloatingSeat | undefined;
  try {
    if (license.maxConcurrent !== undefined) {
      seat = await takeFloatingSeat({
        client,
        licenseKey: license.licenseKey,
        maxConcurrent: license.maxConcurrent,
        softwareVersion: options.softwareVersion,
        shutdown: request.shutdown,
        waitForSeatMs: options.waitForSeatMs ?? null,
        // 5 licence seconds: 5 s in release builds, shorter under SENTINEL_TEST_MINUTE_MS in test builds.
        retryMs: (5 * minuteMs()) / 60,
        onVerdict: (verdict) => void obey(verdict),
      });
    }
    session.launched();
    return await superviseSoftware({
      ...request,
      socketId: state.machine_id,
      license,
      status: () => ({
        online,
        lastHeartbeatSuccess: state.last_heartbeat_success,
        graceRemainingSeconds: state.grace_remaining_seconds,
        graceExhausted: state.grace_exhausted,
        offlineUntil: state.offline_until,
        floating: seat?.status() ?? null,
      }),
      background,
      onCleanup: async () => {
        if (!decommissioned) state = await session.touch();
      },
    });
  } finally {
    // After the software has stopped (supervise returns only then), on every path.
    await seat?.release();
    await session.close();
  }
}
