import { expect, test } from "bun:test";
import { formatDuration } from "../src/duration.ts";

test.each([
  [0, "0m 0s"],
  [59, "0m 59s"],
  [3599, "59m 59s"],
  [3600, "1h 0m"],
  [86_399, "23h 59m"],
  [86_400, "1d 0h"],
  [7 * 86_400 + 5 * 3600 + 59, "7d 5h"],
])("%d seconds read %s", (seconds, text) => {
  expect(formatDuration(seconds)).toBe(text);
});
