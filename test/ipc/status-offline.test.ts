// get_status and an offline activation (spec 15.2): `offline_until` appears only when set.
import { expect, test } from "bun:test";
import { createRequestHandler } from "../../src/ipc/protocol.ts";
import { ONLINE, STANDARD_LICENSE } from "./sample.ts";

const status = (snapshot: typeof ONLINE) =>
  JSON.parse(
    createRequestHandler({ license: STANDARD_LICENSE, status: () => snapshot })(new TextEncoder().encode('{"method":"get_status"}')),
  ).state;

test("inside an offline window: online false and offline_until", () => {
  expect(status({ ...ONLINE, online: false, offlineUntil: "2026-07-10" })).toMatchObject({ online: false, offline_until: "2026-07-10" });
});

test("without one: no offline_until member at all", () => {
  expect("offline_until" in status(ONLINE)).toBe(false);
});
