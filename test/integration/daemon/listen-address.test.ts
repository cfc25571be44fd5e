/**
 * The daemon always says where it listens: with `--listen 127.0.0.1:0` the
 * port is only known once bound, and a `--log-level` above info hides the
 * log line that names it (regression: the port was never printed).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT, startCli } from "../../helpers/cli.ts";
import { eventually } from "../../helpers/eventually.ts";

const work = mkdtempSync(path.join(tmpdir(), "dg-listen-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the listen address", () => {
  it.each(["warn", "silent"])("is printed once on stderr at --log-level %s, and the daemon answers there", async (level) => {
    const { child, done } = startCli(
      ["run", "--simulator", "--source", path.join(REPO_ROOT, "examples"), "--listen", "127.0.0.1:0", "--log-level", level, "--work-dir", path.join(work, level)],
      { timeoutMs: 60_000 },
    );
    let stderr = "";
    let stdout = "";
    child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
    child.stdout!.on("data", (b: Buffer) => (stdout += b.toString()));
    try {
      const url = await eventually(() => {
        const m = /^run: listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stderr);
        if (!m) throw new Error(`no listen line yet: ${stderr}`);
        return m[1]!;
      }, { timeoutMs: 20_000 });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect(stderr.match(/listening on/g)).toHaveLength(1);
      if (level === "silent") expect(stdout).toBe("");
    } finally {
      child.kill("SIGTERM");
    }
    expect((await done).code).toBe(0);
  });
});
