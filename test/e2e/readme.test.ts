/**
 * README's two set-up commands are a promise to newcomers: keep them true.
 * Command 2 must be exactly what CI runs; command 1 must start the daemon
 * against the embedded simulator, reconcile `examples/` and serve /status.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI_NODE, REPO_ROOT } from "../helpers/cli.ts";
import { eventually } from "../helpers/eventually.ts";

const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");

/** The shell commands of the "Quick start" section's numbered steps, in order. */
function quickStartCommands(): string[] {
  const section = readme.split(/^## Quick start$/m)[1]!.split(/^## /m)[0]!;
  const steps = section.split(/^Against your own Dokploy/m)[0]!;
  return [...steps.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
}

describe("README quick start", () => {
  it("has exactly two commands, the second of which is what .ci/run executes", () => {
    const commands = quickStartCommands();
    expect(commands).toHaveLength(2);
    expect(commands[1]).toBe("npm ci && npm test");
    const ci = readFileSync(join(REPO_ROOT, ".ci/run"), "utf8");
    expect(ci.split("\n").map((l) => l.trim())).toContain(commands[1]);
  });

  it("command 1 names the package's own binary, built from src/main.ts", () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { name: string; bin: Record<string, string>; scripts: Record<string, string> };
    expect(quickStartCommands()[0]).toMatch(/^npm ci && npx dokploy-gitops run /);
    expect(pkg.name).toBe("dokploy-gitops");
    expect(pkg.bin["dokploy-gitops"]).toBe("dist/main.js");
    expect(pkg.scripts.prepare).toMatch(/tsc -p tsconfig\.build\.json/); // npm ci builds dist/
  });

  it("command 1 starts the daemon, reconciles examples/ in the simulator and serves /status", async () => {
    const args = quickStartCommands()[0]!.replace(/^npm ci && npx dokploy-gitops /, "").split(/\s+/);
    // The README's port may be taken on a CI machine: use an ephemeral one, everything else as written.
    const listen = args.indexOf("--listen");
    expect(listen).toBeGreaterThan(0);
    args[listen + 1] = "127.0.0.1:0";
    const child = spawn(CLI_NODE, [join(REPO_ROOT, "src/main.ts"), ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    try {
      const base = await eventually(() => {
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (!m) throw new Error(`not listening yet:\n${out}`);
        return m[1]!;
      }, { timeoutMs: 20_000 });
      const status = await eventually(async () => {
        const res = await fetch(`${base}/status`);
        const body = (await res.json()) as { lastPass?: { outcome: string }; resources: Array<{ sync: string }> };
        if (body.lastPass?.outcome !== "succeeded") throw new Error(`no successful pass yet: ${JSON.stringify(body.lastPass)}`);
        return body;
      }, { timeoutMs: 30_000 });
      expect(status.resources.length).toBeGreaterThanOrEqual(20);
      expect(status.resources.every((r) => r.sync === "Synced")).toBe(true);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
  });
});
