/**
 * The simulator on the wire (apps/dokploy/pages/api/[...trpc].ts): auth before routing, routing and
 * methods, content types and limits, validation in Dokploy's zod-4 shape.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatorHandle } from "../../../src/simulator/index.ts";
import { InputValidator } from "../../../src/simulator/validation.ts";
import { api, callApi, startTestSimulator } from "../../helpers/simulator.ts";

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(async () => {
  await sim.close();
});

describe("authentication", () => {
  it.each([
    ["missing", null],
    ["wrong", "not-the-key"],
  ])("answers a %s key with the bare 401, even on unknown paths", async (_label, key) => {
    for (const path of ["project.all", "no.such", "project.create"]) {
      const res = await callApi(sim, path === "project.create" ? "POST" : "GET", path, undefined, { apiKey: key });
      expect(res.status).toBe(401);
      expect(res.text).toBe('{"message":"Unauthorized"}');
    }
  });

  it("serves /api/health without a key", async () => {
    const res = await callApi(sim, "GET", "health", undefined, { apiKey: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });

  it("revokes and restores the key", async () => {
    sim.control.setApiKeyValid(false);
    expect((await callApi(sim, "GET", "project.all")).status).toBe(401);
    sim.control.setApiKeyValid(true);
    expect((await callApi(sim, "GET", "project.all")).status).toBe(200);
  });
});

describe("routing", () => {
  const notFound = { message: "Not found", code: "NOT_FOUND", data: { code: "NOT_FOUND", httpStatus: 404, zodError: null } };

  it("answers an unknown procedure and a wrong method with 404 Not found, without data.path", async () => {
    expect(await callApi(sim, "GET", "project.nothing")).toMatchObject({ status: 404, body: notFound });
    const wrong = await callApi(sim, "POST", "project.all", {});
    expect(wrong).toMatchObject({ status: 404, body: notFound });
    expect((wrong.body as { data: object }).data).not.toHaveProperty("path");
  });

  it("matches paths case-insensitively", async () => {
    expect(await api(sim, "GET", "SETTINGS.getdokployversion")).toBe("v0.30.2");
  });

  it("returns raw JSON with no envelope", async () => {
    const res = await callApi(sim, "GET", "settings.getDokployVersion");
    expect(res.text).toBe('"v0.30.2"');
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  });
});

describe("request bodies", () => {
  it("refuses a POST without a JSON content type with 415", async () => {
    const res = await callApi(sim, "POST", "project.create", undefined, { headers: { "content-type": "text/plain" }, rawBody: '{"name":"x"}' });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE", data: { httpStatus: 415, path: "project.create" } });
  });

  it("refuses a body over 1 MB with Next's plain-text 413", async () => {
    const res = await callApi(sim, "POST", "project.create", undefined, { rawBody: JSON.stringify({ name: "x".repeat(1024 * 1024 + 10) }) });
    expect(res.status).toBe(413);
    expect(res.text).toBe("Body exceeded 1mb limit");
  });

  it("accepts a description just under the limit", async () => {
    const res = await callApi(sim, "POST", "project.create", { name: "big", description: "d".repeat(1000 * 1000) });
    expect(res.status).toBe(200);
  });

  it("answers malformed JSON with Next's plain-text 400", async () => {
    const res = await callApi(sim, "POST", "project.create", undefined, { rawBody: "{nope" });
    expect(res).toMatchObject({ status: 400, text: "Invalid JSON" });
  });
});

describe("validation", () => {
  it("reports a missing and a mistyped field in Dokploy's 400 shape", async () => {
    const res = await callApi(sim, "POST", "project.create", { description: 5 });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      message: "Input validation failed",
      code: "BAD_REQUEST",
      data: {
        code: "BAD_REQUEST",
        httpStatus: 400,
        path: "project.create",
        zodError: {
          formErrors: [],
          fieldErrors: {
            name: ["Invalid input: expected string, received undefined"],
            description: ["Invalid input: expected string, received number"],
          },
        },
      },
      issues: [
        { expected: "string", code: "invalid_type", path: ["name"], message: "Invalid input: expected string, received undefined" },
        { expected: "string", code: "invalid_type", path: ["description"], message: "Invalid input: expected string, received number" },
      ],
    });
  });

  it("requires nonoptional keys to be present, null allowed", async () => {
    const missing = await callApi(sim, "POST", "application.saveDockerProvider", { applicationId: "a", dockerImage: "nginx" });
    expect(missing.status).toBe(400);
    const issues = (missing.body as { issues: Array<Record<string, unknown>> }).issues;
    expect(issues.map((i) => (i.path as string[])[0])).toEqual(["username", "password", "registryUrl"]);
    for (const issue of issues) expect(issue).toMatchObject({ code: "invalid_type", expected: "nonoptional" });
    const nulls = await callApi(sim, "POST", "application.saveDockerProvider", {
      applicationId: "a", dockerImage: "nginx", username: null, password: null, registryUrl: null,
    });
    expect(nulls).toMatchObject({ status: 404, body: { message: "Application not found" } });
  });

  it("lets saveGithubProvider omit triggerType (zod default), unlike the spec says", async () => {
    const res = await callApi(sim, "POST", "application.saveGithubProvider", {
      applicationId: "a", repository: null, owner: null, buildPath: null, githubId: null, branch: "main",
    });
    expect(res.status).toBe(404);
  });

  it("checks the branch pattern with Dokploy's message", async () => {
    const res = await callApi(sim, "POST", "application.saveGitProvider", {
      applicationId: "a", customGitUrl: null, customGitBuildPath: null, watchPaths: null, customGitBranch: "bad branch",
    });
    expect((res.body as { issues: unknown[] }).issues).toEqual([
      { origin: "string", code: "invalid_format", format: "regex", pattern: "/^[a-zA-Z0-9._\\-/#]+$/", path: ["customGitBranch"], message: "Invalid branch name" },
    ]);
  });

  it("reports string length and enum issues", async () => {
    const res = await callApi(sim, "POST", "application.saveBuildType", {
      applicationId: "a", buildType: "maven", dockerfile: null, dockerContextPath: null, dockerBuildStage: null,
      herokuVersion: null, railpackVersion: null,
    });
    expect((res.body as { issues: unknown[] }).issues).toEqual([
      {
        code: "invalid_value", path: ["buildType"],
        values: ["dockerfile", "heroku_buildpacks", "paketo_buildpacks", "nixpacks", "static", "railpack"],
        message: 'Invalid option: expected one of "dockerfile"|"heroku_buildpacks"|"paketo_buildpacks"|"nixpacks"|"static"|"railpack"',
      },
    ]);
    const empty = await callApi(sim, "POST", "project.create", { name: "" });
    expect((empty.body as { issues: unknown[] }).issues).toEqual([
      { origin: "string", code: "too_small", minimum: 1, inclusive: true, path: ["name"], message: "Too small: expected string to have >=1 characters" },
    ]);
  });

  it("applies the domain host refinements and port bounds", async () => {
    const res = await callApi(sim, "POST", "domain.create", { host: "a_b.example.com", port: 0 });
    expect((res.body as { data: { zodError: unknown } }).data.zodError).toEqual({
      formErrors: [],
      fieldErrors: {
        host: ["Invalid domain name. Use only letters, numbers, hyphens and dots (e.g. example.com). Underscores are not allowed."],
        port: ["Port must be at least 1"],
      },
    });
    const spaced = await callApi(sim, "POST", "domain.create", { host: " example.com" });
    expect((spaced.body as { issues: unknown[] }).issues).toEqual([
      { code: "custom", path: ["host"], message: "Domain name cannot have leading or trailing spaces" },
    ]);
  });

  it("accepts domain.update.enabled and application.create.sourceType (missing from the spec)", async () => {
    const { environment } = await api<{ environment: { environmentId: string } }>(sim, "POST", "project.create", { name: "spec-gaps" });
    const app = await api<{ applicationId: string; sourceType: string }>(sim, "POST", "application.create", {
      name: "web", environmentId: environment.environmentId, sourceType: "docker",
    });
    expect(app.sourceType).toBe("docker");
    const domain = await api<{ domainId: string }>(sim, "POST", "domain.create", { host: "a.example.com", applicationId: app.applicationId });
    const updated = await api<{ enabled: boolean }>(sim, "POST", "domain.update", { domainId: domain.domainId, host: "a.example.com", enabled: false });
    expect(updated.enabled).toBe(false);
    const noId = await callApi(sim, "POST", "domain.update", { host: "a.example.com" });
    expect((noId.body as { issues: unknown[] }).issues).toEqual([
      { expected: "nonoptional", code: "invalid_type", path: ["domainId"], message: "Invalid input: expected nonoptional, received undefined" },
    ]);
  });

  it("strips unknown keys silently", async () => {
    const res = await api<{ project: Record<string, unknown> }>(sim, "POST", "project.create", { name: "strip", bogus: 1, projectId: "forced" });
    expect(res.project).not.toHaveProperty("bogus");
    expect(res.project.projectId).not.toBe("forced");
    const state = sim.control.state().projects.find((p) => p.name === "strip");
    expect(state).not.toHaveProperty("bogus");
  });

  it("validates GET query parameters (empty id → too_small)", async () => {
    const res = await callApi(sim, "GET", "project.one", { projectId: "" });
    expect(res.status).toBe(400);
    expect((res.body as { data: { path: string } }).data.path).toBe("project.one");
  });
});

describe("query coercion (the OpenAPI adapter's rules)", () => {
  const validator = new InputValidator({
    paths: {
      "/t.q": {
        get: {
          parameters: [
            { name: "flag", schema: { type: "boolean" } },
            { name: "n", schema: { type: "number" } },
            { name: "tags", schema: { type: "array", items: { type: "string" } } },
            { name: "s", schema: { type: "string" } },
          ],
        },
      },
    },
  });

  it("coerces booleans with Boolean() (so ?flag=false is true), numbers, and repeated keys to arrays", () => {
    const input = validator.coerceQuery("t.q", new URLSearchParams("flag=false&n=42&tags=a&tags=b&s=x&unknown=1"));
    expect(input).toMatchObject({ flag: true, n: 42, tags: ["a", "b"], s: "x" });
    expect(validator.validate("t.q", input)).toEqual({ ok: true, value: { flag: true, n: 42, tags: ["a", "b"], s: "x" } });
  });

  it("reports a non-numeric number as received nan", () => {
    const result = validator.validate("t.q", validator.coerceQuery("t.q", new URLSearchParams("n=abc")));
    expect(result).toEqual({ ok: false, issues: [{ expected: "number", code: "invalid_type", path: ["n"], message: "Invalid input: expected number, received nan" }] });
  });
});
