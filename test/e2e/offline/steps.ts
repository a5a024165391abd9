// The offline steps of spec 15 as an installer and a vendor take them, for the
// e2e tests: the compiled binary writes and reads the files, the reference server
// answers them over HTTP, and a test can forge or re-sign a response.
import { expect } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeBase64url } from "../../../src/crypto/base64url.ts";
import { type RunResult, runSentinel } from "../../support/binary.ts";
import { OFFLINE_PATHS, type OfflineEndpoint } from "../../support/drm-offline.ts";
import { signedEnvelope } from "../../support/mint.ts";
import type { World } from "../../support/standard-world.ts";

/** The decoded payload of an envelope file (request or response). */
export function payloadOf(text: string): Record<string, unknown> {
  const { payload } = JSON.parse(text) as { payload: string };
  return JSON.parse(new TextDecoder().decode(decodeBase64url(payload) as Uint8Array)) as Record<string, unknown>;
}

export const sentinel = (world: World, args: string[], env: Record<string, string> = {}): Promise<RunResult> =>
  runSentinel(args, { env: { ...world.env, ...env } });

/** `activate --offline-request`: exit 0, the request file's path returned. */
export async function writeRequest(world: World, name = "request.json", env: Record<string, string> = {}): Promise<string> {
  const path = join(world.dir, name);
  const result = await sentinel(world, ["activate", "--license", world.licensePath, "--offline-request", path], env);
  expect(result.stderr).not.toContain("error");
  expect(result.exitCode).toBe(0);
  return path;
}

/** The vendor's side: the request file POSTed to the reference server; its answer saved as a response file. */
export async function answerAtServer(world: World, requestPath: string, endpoint: OfflineEndpoint = "offline-activate"): Promise<string> {
  const response = await fetch(`${world.server.url}${OFFLINE_PATHS[endpoint]}`, { method: "POST", body: readFileSync(requestPath) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`server refused the request file: ${response.status} ${text}`);
  const path = requestPath.replace(/(\.json)?$/, ".response.json");
  writeFileSync(path, text);
  return path;
}

/** `activate --offline-response`. */
export const applyResponse = (world: World, responsePath: string, env: Record<string, string> = {}) =>
  sentinel(world, ["activate", "--license", world.licensePath, "--offline-response", responsePath], env);

/** Request, vendor answer and response applied (exit 0); returns the response file. */
export async function activateOffline(world: World, env: Record<string, string> = {}): Promise<string> {
  const response = await answerAtServer(world, await writeRequest(world, "request.json", env));
  const applied = await applyResponse(world, response, env);
  expect(applied.stderr).not.toMatch(/warn|error/);
  expect(applied.exitCode).toBe(0);
  return response;
}

/** A response file with `payload`, signed by `secret` (the vendor's key, or another). */
export async function writeSignedResponse(
  world: World,
  name: string,
  payload: Record<string, unknown>,
  secret: Uint8Array,
): Promise<string> {
  const path = join(world.dir, name);
  writeFileSync(path, await signedEnvelope(payload, secret, { alg: "ES256" }));
  return path;
}
