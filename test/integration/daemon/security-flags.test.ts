/**
 * The access flags of `run` (issue 20): off by default, each one read, and a
 * protected /metrics without a token refused at start with what to do.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RUN_HELP, resolveRunSettings } from "../../../src/cli/run.ts";
import type { DaemonSettings } from "../../../src/reconcile/daemon.ts";

const dir = mkdtempSync(path.join(tmpdir(), "dg-sec-flags-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const resolve = (args: string[], env: NodeJS.ProcessEnv = {}): DaemonSettings =>
  resolveRunSettings(["--simulator", "--source", dir, ...args], env) as DaemonSettings;

describe("run: access flags", () => {
  it("are off by default", () => {
    const s = resolve([]);
    expect(s.publicStatus).toBeUndefined();
    expect(s.protectMetrics).toBeUndefined();
    expect(s.statusToken).toBeUndefined();
    expect(s.git.insecureAcceptNewHostKeys).toBeUndefined();
  });

  it("reads --public-status, --protect-metrics and --git-insecure-accept-new-host-keys", () => {
    const s = resolve(["--public-status", "--protect-metrics", "--git-insecure-accept-new-host-keys"], { DOKPLOY_GITOPS_STATUS_TOKEN: "a-token-from-the-env" });
    expect(s).toMatchObject({ publicStatus: true, protectMetrics: true, statusToken: "a-token-from-the-env", git: { insecureAcceptNewHostKeys: true } });
  });

  it("refuses --protect-metrics without a status token, saying how to give one", () => {
    expect(() => resolve(["--protect-metrics"])).toThrow("run: --protect-metrics needs a status token (--status-token-file or DOKPLOY_GITOPS_STATUS_TOKEN)");
  });

  it("documents them in --help", () => {
    for (const flag of ["--public-status", "--protect-metrics", "--git-insecure-accept-new-host-keys", "--status-token-file"]) expect(RUN_HELP).toContain(flag);
  });
});
