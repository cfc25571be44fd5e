/**
 * The notification durations (`--notify-renotify`, the config file's
 * `renotifyInterval` and `rateLimit.per`) take the grammar of every other
 * duration (`1h30m`, `2d`); they took one unit only before, so `1h30m` was
 * refused there and accepted by `--interval`.
 */
import { describe, expect, it } from "vitest";
import { resolveReport } from "../../../src/cli/report-flags.ts";
import { parseInterval } from "../../../src/notify/config.ts";

describe("parseInterval", () => {
  it.each([["0", 0], ["30m", 1_800_000], ["1h30m", 5_400_000], ["2d", 172_800_000], ["1.5h", 5_400_000]])("%s is %d ms", (text, ms) => {
    expect(parseInterval(text, "renotifyInterval")).toBe(ms);
  });

  it.each(["4", "soon", "1h30", ""])("refuses %j with the expected form", (text) => {
    expect(() => parseInterval(text, "notify.yaml:1:19: renotifyInterval")).toThrow(`notify.yaml:1:19: renotifyInterval: expected a duration such as 30m, 4h or 1h30m (0 never repeats), got "${text}"`);
  });
});

describe("run --notify-renotify", () => {
  const ctx = { source: "https://github.com/acme/c.git", sourceIsGit: true, instance: "default", requestTimeoutMs: 30_000 };

  it("accepts a compound duration like the other duration flags", () => {
    const report = resolveReport({ notify: ["https://hooks.slack.com/services/T/B/X"], "notify-renotify": "1h30m" }, {}, ctx);
    expect(report?.notify?.renotifyMs).toBe(5_400_000);
  });
});
