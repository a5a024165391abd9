import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError } from "../../src/errors.ts";
import { ensureStateDir, resolveStateDir, type StateDirContext } from "../../src/storage/location.ts";
import { removeTempRoots, tempRoot } from "../state/helpers.ts";

afterAll(removeTempRoots);

describe("resolveStateDir (spec 5.1)", () => {
  const cases: [string, string | undefined, StateDirContext, string][] = [
    ["flag beats env", "/f", { env: { SENTINEL_STATE_DIR: "/e" }, platform: "linux", home: "/h" }, "/f"],
    ["env beats default", undefined, { env: { SENTINEL_STATE_DIR: "/e", XDG_DATA_HOME: "/x" }, platform: "linux", home: "/h" }, "/e"],
    ["relative flag made absolute", "rel/dir", { env: {}, platform: "linux", home: "/h" }, resolve("rel/dir")],
    ["empty flag ignored", "", { env: { SENTINEL_STATE_DIR: "/e" }, platform: "linux", home: "/h" }, "/e"],
    ["linux XDG_DATA_HOME", undefined, { env: { XDG_DATA_HOME: "/x" }, platform: "linux", home: "/h" }, "/x/sentinel-drm"],
    ["linux default", undefined, { env: {}, platform: "linux", home: "/h" }, "/h/.local/share/sentinel-drm"],
    [
      "linux relative XDG ignored",
      undefined,
      { env: { XDG_DATA_HOME: "x" }, platform: "linux", home: "/h" },
      "/h/.local/share/sentinel-drm",
    ],
    [
      "macOS",
      undefined,
      { env: { XDG_DATA_HOME: "/x" }, platform: "darwin", home: "/Users/u" },
      "/Users/u/Library/Application Support/sentinel-drm",
    ],
    [
      "windows APPDATA",
      undefined,
      { env: { APPDATA: "C:\\Users\\u\\AppData\\Roaming" }, platform: "win32", home: "C:\\Users\\u" },
      "C:\\Users\\u\\AppData\\Roaming\\sentinel-drm",
    ],
    [
      "windows without APPDATA",
      undefined,
      { env: {}, platform: "win32", home: "C:\\Users\\u" },
      "C:\\Users\\u\\AppData\\Roaming\\sentinel-drm",
    ],
  ];
  for (const [name, flag, context, expected] of cases) test(name, () => expect(resolveStateDir(flag, context)).toBe(expected));
});

describe("ensureStateDir", () => {
  test("creates missing directories with mode 0700", () => {
    const { stateDir } = tempRoot();
    const nested = join(stateDir, "a", "b");
    ensureStateDir(nested);
    expect(statSync(nested).mode & 0o777).toBe(0o700);
  });

  test("tightens an existing directory others could read", () => {
    const { stateDir } = tempRoot();
    mkdirSync(stateDir);
    chmodSync(stateDir, 0o755);
    ensureStateDir(stateDir);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
  });

  test("a file in the way is a configuration error", () => {
    const { stateDir } = tempRoot();
    writeFileSync(stateDir, "");
    expect(() => ensureStateDir(stateDir)).toThrow(ConfigError);
    expect(() => ensureStateDir(stateDir)).toThrow(`state directory ${stateDir} is not a directory`);
  });

  test("an uncreatable directory is a configuration error naming it", () => {
    const { stateDir } = tempRoot();
    writeFileSync(stateDir, "");
    expect(() => ensureStateDir(join(stateDir, "sub"))).toThrow(`cannot create the state directory ${join(stateDir, "sub")}`);
  });
});
