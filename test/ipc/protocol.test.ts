import { describe, expect, test } from "bun:test";
import { createRequestHandler, type StatusSnapshot } from "../../src/ipc/protocol.ts";
import { compactJson } from "../../src/text/raw-json.ts";
import { FEATURES_JSON, HARDWARE_LICENSE, ONLINE, STANDARD_LICENSE } from "./sample.ts";

const utf8 = new TextEncoder();
const standard = createRequestHandler({ license: STANDARD_LICENSE, status: () => ONLINE });
const ask = (line: string | Uint8Array, handler = standard) => handler(typeof line === "string" ? utf8.encode(line) : line);

const LICENSE_TEXT =
  `{"license_key":"LK-0001","license_type":"STANDARD","expiry_date":"2099-12-31",` +
  `"features":${FEATURES_JSON},"org_id":"org-1","software_id":"soft-1"}`;

describe("methods", () => {
  test.each([
    ['{"method":"health"}', '{"status":"ok"}'],
    ['{"method":"get_features"}', `{"status":"ok","features":${FEATURES_JSON}}`],
    ['{"method":"get_license"}', `{"status":"ok","license":${LICENSE_TEXT}}`],
    [
      '{"method":"get_status"}',
      '{"status":"ok","state":{"license_type":"STANDARD","online":true,"last_heartbeat_success":1700000000,' +
        '"grace_remaining_seconds":86400,"grace_exhausted":false,"expiry_date":"2099-12-31","floating":null}}',
    ],
    ['{"method":"nope"}', '{"status":"error","error":"unknown method: nope"}'],
  ])("%s", (request, response) => {
    expect(ask(request)).toBe(response);
  });

  test("get_status reads the status afresh on every request", () => {
    let snapshot: StatusSnapshot = ONLINE;
    const handler = createRequestHandler({ license: STANDARD_LICENSE, status: () => snapshot });
    expect(JSON.parse(ask('{"method":"get_status"}', handler)).state.online).toBe(true);
    snapshot = { online: false, lastHeartbeatSuccess: null, graceRemainingSeconds: 0, graceExhausted: true };
    expect(JSON.parse(ask('{"method":"get_status"}', handler)).state).toEqual({
      license_type: "STANDARD",
      online: false,
      last_heartbeat_success: null,
      grace_remaining_seconds: 0,
      grace_exhausted: true,
      expiry_date: "2099-12-31",
      floating: null,
    });
  });

  test("a floating seat held shows in get_status (spec 16.2 step 6)", () => {
    const floating = { lease_expires_at: "2099-01-01T00:05:00Z", seats_used: 2, seats_total: 5 };
    const handler = createRequestHandler({ license: STANDARD_LICENSE, status: () => ({ ...ONLINE, floating }) });
    expect(JSON.parse(ask('{"method":"get_status"}', handler)).state.floating).toEqual(floating);
  });

  test("HARDWARE_BOUND: STANDARD-only fields are null", () => {
    const handler = createRequestHandler({ license: HARDWARE_LICENSE, status: () => ONLINE });
    expect(ask('{"method":"get_status"}', handler)).toBe(
      '{"status":"ok","state":{"license_type":"HARDWARE_BOUND","online":null,"last_heartbeat_success":null,' +
        '"grace_remaining_seconds":null,"grace_exhausted":null,"expiry_date":"2099-12-31","floating":null}}',
    );
  });
});

describe("ids are echoed as written", () => {
  test.each([
    ["7", "7"],
    ['"abc"', '"abc"'],
    ["null", "null"],
    ["123456789012345678901234567890", "123456789012345678901234567890"],
    ["1.0", "1.0"],
    ['{"b": [1, 2.0], "a": {}}', '{"b": [1, 2.0], "a": {}}'],
  ])("id %s", (id, echoed) => {
    expect(ask(`{"id": ${id}, "method": "health"}`)).toBe(`{"status":"ok","id":${echoed}}`);
    expect(ask(`{"method":"missing","id":${id}}`)).toBe(`{"status":"error","id":${echoed},"error":"unknown method: missing"}`);
  });

  test("no id, no echo; an id nested elsewhere is not the request's", () => {
    expect(ask('{"method":"health","x":{"id":1}}')).toBe('{"status":"ok"}');
  });

  test("the id as JSON.parse reads it: written with escapes, or twice (the last wins)", () => {
    expect(ask('{"\\u0069d": 5, "method": "health"}')).toBe('{"status":"ok","id":5}');
    expect(ask('{"id": 1, "method": "health", "id": "second"}')).toBe('{"status":"ok","id":"second"}');
    expect(ask('{"i\\u0064": 1, "id": 2.50}')).toBe('{"status":"error","id":2.50,"error":"malformed request"}');
  });
});

describe("compactJson", () => {
  test("drops whitespace outside strings and keeps every token", () => {
    expect(compactJson('{ "a" : [ 1.0 ,\n\t 12345678901234567890 ],\r\n "b\\" c" : " x  y " }')).toBe(
      '{"a":[1.0,12345678901234567890],"b\\" c":" x  y "}',
    );
  });

  test("a pretty-printed signed features object still answers on one line", () => {
    const handler = createRequestHandler({ license: { ...STANDARD_LICENSE, featuresJson: '{\n  "one": 1.0\n}' }, status: () => ONLINE });
    expect(ask('{"method":"get_features"}', handler)).toBe('{"status":"ok","features":{"one":1.0}}');
  });
});

describe("security: malformed requests", () => {
  const malformed = '{"status":"error","error":"malformed request"}';
  test.each([
    ["not JSON", "hello"],
    ["empty line", ""],
    ["truncated", '{"method":"health"'],
    ["an array", '["health"]'],
    ["a string", '"health"'],
    ["null", "null"],
    ["a number", "42"],
    ["no method", '{"id":1}'],
    ["method not a string", '{"method":["health"]}'],
    ["method null", '{"method":null}'],
    ["two objects", '{"method":"health"}{"method":"health"}'],
  ])("%s", (_name, line) => {
    expect(JSON.parse(ask(line))).toMatchObject({ status: "error", error: "malformed request" });
    if (!line.includes('"id"')) expect(ask(line)).toBe(malformed);
  });

  test("invalid UTF-8 is malformed", () => {
    expect(ask(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]))).toBe(malformed);
  });

  test("an object without method still gets its id back", () => {
    expect(ask('{"id":9}')).toBe('{"status":"error","id":9,"error":"malformed request"}');
  });

  test.each(["__proto__", "constructor", "toString", "hasOwnProperty"])("method %s is just unknown", (name) => {
    expect(ask(JSON.stringify({ method: name }))).toBe(`{"status":"error","error":"unknown method: ${name}"}`);
  });

  test("a hostile method name is escaped, never injected", () => {
    const name = 'x","status":"ok\n';
    const response = ask(JSON.stringify({ method: name }));
    expect(response).not.toContain("\n");
    expect(JSON.parse(response)).toEqual({ status: "error", error: `unknown method: ${name}` });
  });

  test("a __proto__ member does not pollute anything", () => {
    expect(ask('{"__proto__":{"method":"get_license"},"id":1}')).toBe('{"status":"error","id":1,"error":"malformed request"}');
    expect(({} as Record<string, unknown>).method).toBeUndefined();
  });
});
