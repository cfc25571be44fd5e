/**
 * `dokploy-gitops simulator` as a person runs it: a child process that prints
 * its URL and key, answers the API, and exits 0 on SIGTERM.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { parseSimulatorArgs } from "../../../src/cli/simulator.ts";
import { UsageError } from "../../../src/cli/io.ts";
import { eventually } from "../../helpers/eventually.ts";
import { callApi } from "../../helpers/simulator.ts";

const MAIN = fileURLToPath(new URL("../../../src/main.ts", import.meta.url));
let child: ChildProcess | undefined;

afterEach(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  child = undefined;
});

describe("dokploy-gitops simulator (child process)", () => {
  it("serves the API with the given key, answers like Dokploy, and exits 0 on SIGTERM", async () => {
    child = spawn(process.execPath, [MAIN, "simulator", "--listen", "127.0.0.1:0", "--api-key", "KEY"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    const url = await eventually(() => {
      const m = /Dokploy simulator listening on (http:\/\/127\.0\.0\.1:\d+) \(API key: KEY\)/.exec(out);
      if (!m) throw new Error(`not started yet; stdout=${out} stderr=${err}`);
      return m[1]!;
    }, { timeoutMs: 15_000 });
    const sim = { url, apiKey: "KEY" };

    expect(await callApi(sim, "GET", "project.all")).toMatchObject({ status: 200, text: "[]" });
    expect(await callApi(sim, "GET", "project.all", undefined, { apiKey: "bad" })).toMatchObject({ status: 401, text: '{"message":"Unauthorized"}' });
    const invalid = await callApi(sim, "POST", "project.create", { name: "" });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      message: "Input validation failed", code: "BAD_REQUEST",
      data: { code: "BAD_REQUEST", httpStatus: 400, path: "project.create", zodError: { formErrors: [], fieldErrors: { name: [expect.any(String)] } } },
      issues: [{ code: "too_small", path: ["name"] }],
    });

    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const [code] = await exited;
    expect(code).toBe(0);
    expect(out).toContain("Dokploy simulator stopped (SIGTERM)");
  });

  it("refuses to start on a non-loopback address without --allow-remote", async () => {
    child = spawn(process.execPath, [MAIN, "simulator", "--listen", "0.0.0.0:0"], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    const [code] = await once(child, "exit");
    expect(code).toBe(1);
    expect(err).toContain("not a loopback address");
  });
});

describe("simulator flags", () => {
  it("parses listen, key, state, seed and latency", () => {
    expect(parseSimulatorArgs(["--listen", "127.0.0.1:3000", "--api-key", "K", "--state", "s.json", "--seed", "7", "--latency", "5"])).toEqual({
      host: "127.0.0.1", port: 3000, apiKey: "K", statePath: "s.json", seed: 7, latencyMs: 5,
    });
    expect(parseSimulatorArgs(["--listen", "[::1]:0"])).toMatchObject({ host: "::1", port: 0 });
    expect(parseSimulatorArgs(["--listen", "10.0.0.1:80", "--allow-remote"])).toMatchObject({ host: "10.0.0.1" });
    expect(parseSimulatorArgs(["--help"])).toBe("help");
  });

  it.each([
    [["--listen", "nope"], 'expected HOST:PORT such as 127.0.0.1:7300, got "nope"'],
    [["--listen", "127.0.0.1:70000"], "expected HOST:PORT"],
    [["--seed", "x"], '--seed: expected a whole number from 0 to 9007199254740991, got "x"'],
    [["--bogus"], 'simulator: unknown flag "--bogus" (see dokploy-gitops simulator --help)'],
  ])("rejects %j", (argv, message) => {
    expect(() => parseSimulatorArgs(argv)).toThrow(UsageError);
    expect(() => parseSimulatorArgs(argv)).toThrow(message);
  });
});
