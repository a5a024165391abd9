// Every `--ca-file` of a command line (citty keeps only the last of a repeated flag).
import { expect, test } from "bun:test";
import { networkFlags, repeatedFlag } from "../../src/commands/network-args.ts";

test("both spellings, in order, nothing else", () => {
  expect(repeatedFlag(["--ca-file", "a.pem", "--proxy", "http://p:1", "--ca-file=b.pem", "--ca-files", "x"], "ca-file")).toEqual([
    "a.pem",
    "b.pem",
  ]);
  expect(repeatedFlag([], "ca-file")).toEqual([]);
});

test("a --ca-file without a value is a usage error", () => {
  expect(() => repeatedFlag(["--ca-file"], "ca-file")).toThrow("--ca-file needs a value");
  expect(() => repeatedFlag(["--ca-file", "--json"], "ca-file")).toThrow("--ca-file needs a value");
});

test("networkFlags joins --proxy and the CA files", () => {
  expect(networkFlags({ proxy: "http://p:1" }, ["--ca-file", "a.pem"])).toEqual({ proxy: "http://p:1", caFiles: ["a.pem"] });
});
