/**
 * The build flags of `dokploy-gitops simulator`: durations, jitter, the
 * builds concurrency and the deterministic failing builds, parsed with clear
 * errors and effective in a child process as a person runs it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { UsageError } from "../../../src/cli/io.ts";
import { parseSimulatorArgs } from "../../../src/cli/simulator.ts";
import { eventually } from "../../helpers/eventually.ts";
import { api } from "../../helpers/simulator.ts";

type Row = Record<string, unknown>;
const MAIN = fileURLToPath(new URL("../../../src/main.ts", import.meta.url));
let child: ChildProcess | undefined;

afterEach(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  child = undefined;
});

describe("simulator build flags", () => {
  it("parses durations (a bare number is milliseconds), jitter, concurrency and the fail rule", () => {
    expect(parseSimulatorArgs([
      "--deploy-duration", "2m", "--database-deploy-duration", "500ms", "--deploy-jitter", "0.1", "--builds-concurrency", "3",
      "--fail-deploys-image", "*:broken", "--fail-deploys-branch", "broken/*",
    ])).toMatchObject({
      deployDurationMs: 120_000, databaseDeployDurationMs: 500, deployJitter: 0.1, buildsConcurrency: 3,
      failDeploys: { imagePattern: "*:broken", branchPattern: "broken/*" },
    });
    expect(parseSimulatorArgs(["--deploy-duration", "250", "--builds-concurrency", "unlimited"])).toMatchObject({
      deployDurationMs: 250, buildsConcurrency: "unlimited",
    });
    expect(parseSimulatorArgs([])).not.toHaveProperty("buildsConcurrency");
  });

  it.each([
    [["--deploy-duration", "soon"], '--deploy-duration: expected a duration such as 90s, 2m, 500ms or a number of milliseconds, got "soon"'],
    [["--builds-concurrency", "0"], '--builds-concurrency: expected a positive integer or "unlimited", got "0"'],
    [["--deploy-jitter", "1.5"], '--deploy-jitter: expected a fraction between 0 and 1 such as 0.2, got "1.5"'],
    [["--fail-deploys-image", ""], "--fail-deploys-image: must not be empty"],
  ])("rejects %j", (argv, message) => {
    expect(() => parseSimulatorArgs(argv)).toThrow(UsageError);
    expect(() => parseSimulatorArgs(argv)).toThrow(message);
  });

  it("fails the builds whose image matches --fail-deploys-image, in a child process", async () => {
    child = spawn(process.execPath, [
      MAIN, "simulator", "--listen", "127.0.0.1:0", "--api-key", "KEY", "--seed", "1", "--deploy-duration", "50ms",
      "--database-deploy-duration", "10", "--fail-deploys-image", "*:broken",
    ], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    const url = await eventually(() => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (!m) throw new Error(`not started yet: ${out}`);
      return m[1]!;
    }, { timeoutMs: 15_000 });
    const s = { url, apiKey: "KEY" };
    const { environment } = await api<{ environment: Row }>(s, "POST", "project.create", { name: "p" });
    const environmentId = environment.environmentId;
    const ok = await api<Row>(s, "POST", "application.create", { name: "ok", environmentId });
    const broken = await api<Row>(s, "POST", "application.create", { name: "broken", environmentId });
    for (const [app, image] of [[ok, "nginx:1"], [broken, "nginx:broken"]] as const) {
      await api(s, "POST", "application.saveDockerProvider", { applicationId: app.applicationId, dockerImage: image, username: null, password: null, registryUrl: null });
      await api(s, "POST", "application.deploy", { applicationId: app.applicationId });
    }
    const statusOf = async (app: Row): Promise<unknown> =>
      (await api<Row>(s, "GET", "application.one", { applicationId: app.applicationId })).applicationStatus;
    await eventually(async () => {
      expect(await statusOf(ok)).toBe("done");
      expect(await statusOf(broken)).toBe("error");
    }, { timeoutMs: 10_000 });
    const pg = await api<Row>(s, "POST", "postgres.create", { name: "db", environmentId, databaseName: "d", databaseUser: "u", databasePassword: "p", dockerImage: "postgres:broken" });
    const res = await fetch(`${url}/api/postgres.deploy`, {
      method: "POST", headers: { "x-api-key": "KEY", "content-type": "application/json" }, body: JSON.stringify({ postgresId: pg.postgresId }),
    });
    expect(res.status).toBe(500);
  });
});
