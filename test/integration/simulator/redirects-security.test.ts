/**
 * `redirects.*` and `security.*` behave like Dokploy v0.30.2's
 * (apps/dokploy/server/api/routers/{redirects,security}.ts, checked against a
 * real server): `true` with no id from create, the empty body of
 * `security.update`, the `(username, applicationId)` uniqueness, the re-wraps.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SimulatorHandle } from "../../../src/simulator/index.ts";
import { api, callApi, startTestSimulator } from "../../helpers/simulator.ts";

type Row = Record<string, unknown>;

let sim: SimulatorHandle;
let appId: string;
let otherAppId: string;
beforeEach(async () => {
  sim = await startTestSimulator();
  const seeded = sim.control.seed({
    projects: [{ name: "shop", environments: [{ name: "production", applications: [{ name: "web" }, { name: "api" }] }] }],
  });
  appId = seeded.ids["shop/production/web"]!;
  otherAppId = seeded.ids["shop/production/api"]!;
});
afterEach(async () => {
  await sim.close();
});

const children = async (key: "redirects" | "security", applicationId = appId): Promise<Row[]> =>
  (await api<Record<string, Row[]>>(sim, "GET", "application.one", { applicationId }))[key]!;

describe("redirects", () => {
  const redirect = { regex: "^https?://www\\.shop\\.example\\.com/(.*)", replacement: "https://shop.example.com/${1}", permanent: true };

  it("create returns true with no id; the row (with its own uniqueConfigKey serial) is in application.one", async () => {
    const res = await callApi(sim, "POST", "redirects.create", { applicationId: appId, ...redirect });
    expect(res).toMatchObject({ status: 200, text: "true" });
    expect(await children("redirects")).toEqual([
      { redirectId: expect.any(String), ...redirect, uniqueConfigKey: 1, createdAt: expect.any(String), applicationId: appId },
    ]);
  });

  it("accepts identical duplicates, each with its own uniqueConfigKey", async () => {
    await api(sim, "POST", "redirects.create", { applicationId: appId, ...redirect });
    await api(sim, "POST", "redirects.create", { applicationId: appId, ...redirect });
    const rows = await children("redirects");
    expect(rows.map((r) => r.uniqueConfigKey)).toEqual([1, 2]);
    expect(new Set(rows.map((r) => r.redirectId)).size).toBe(2);
  });

  it("permanent must be present and a real boolean; an unknown application is 400 `Error creating this redirect`", async () => {
    const cases: Array<[Row, Row]> = [
      [{}, { expected: "nonoptional", code: "invalid_type", path: ["permanent"], message: "Invalid input: expected nonoptional, received undefined" }],
      [{ permanent: null }, { expected: "boolean", code: "invalid_type", path: ["permanent"], message: "Invalid input: expected boolean, received null" }],
      [{ permanent: "false" }, { expected: "boolean", code: "invalid_type", path: ["permanent"], message: "Invalid input: expected boolean, received string" }],
    ];
    for (const [extra, issue] of cases) {
      const res = await callApi(sim, "POST", "redirects.create", { applicationId: appId, regex: "a", replacement: "b", ...extra });
      expect(res.status).toBe(400);
      expect((res.body as { issues: Row[] }).issues).toEqual([issue]);
    }
    const unknown = await callApi(sim, "POST", "redirects.create", { applicationId: "nope", ...redirect });
    expect(unknown).toMatchObject({ status: 400, body: { message: "Error creating this redirect", code: "BAD_REQUEST" } });
    expect(await children("redirects")).toEqual([]);
  });

  it("one, update (a full replace returning the row) and delete (returning the row); unknown ids are 404", async () => {
    await api(sim, "POST", "redirects.create", { applicationId: appId, ...redirect });
    const [row] = await children("redirects");
    const id = row!.redirectId as string;
    await expect(api(sim, "GET", "redirects.one", { redirectId: id })).resolves.toEqual(row);

    const partial = await callApi(sim, "POST", "redirects.update", { redirectId: id, regex: "^x" });
    expect((partial.body as { issues: Row[] }).issues.map((i) => i.path)).toEqual([["replacement"], ["permanent"]]);
    const updated = await api(sim, "POST", "redirects.update", { redirectId: id, regex: "^x", replacement: "/y", permanent: false });
    expect(updated).toEqual({ ...row, regex: "^x", replacement: "/y", permanent: false });

    await expect(api(sim, "POST", "redirects.delete", { redirectId: id })).resolves.toEqual(updated);
    for (const [endpoint, input] of [
      ["redirects.one", { redirectId: id }], ["redirects.delete", { redirectId: id }],
      ["redirects.update", { redirectId: id, regex: "a", replacement: "b", permanent: true }],
    ] as const) {
      const res = await callApi(sim, endpoint === "redirects.one" ? "GET" : "POST", endpoint, input);
      expect(res, endpoint).toMatchObject({ status: 404, body: { message: "Redirect not found", code: "NOT_FOUND" } });
    }
  });
});

describe("security", () => {
  it("create returns true with no id; the row (password in plaintext) is in application.one", async () => {
    const res = await callApi(sim, "POST", "security.create", { applicationId: appId, username: "preview", password: "s3cret" });
    expect(res).toMatchObject({ status: 200, text: "true" });
    expect(await children("security")).toEqual([
      { securityId: expect.any(String), username: "preview", password: "s3cret", createdAt: expect.any(String), applicationId: appId },
    ]);
  });

  it("(username, applicationId) is unique: a clash is 400 with drizzle's text, which echoes the password; another app may reuse it", async () => {
    await api(sim, "POST", "security.create", { applicationId: appId, username: "preview", password: "first" });
    const clash = await callApi(sim, "POST", "security.create", { applicationId: appId, username: "preview", password: "canary-pw" });
    expect(clash.status).toBe(400);
    const message = (clash.body as Row).message as string;
    expect(message).toMatch(/^Failed query: insert into "security" \("securityId", "username", "password", "createdAt", "applicationId"\)/);
    expect(message).toContain("canary-pw");
    await expect(api(sim, "POST", "security.create", { applicationId: otherAppId, username: "preview", password: "x" })).resolves.toBe(true);
    expect(await children("security")).toHaveLength(1);
  });

  it("an unknown application is 400 `Application not found`; empty values are too_small", async () => {
    const unknown = await callApi(sim, "POST", "security.create", { applicationId: "nope", username: "u", password: "p" });
    expect(unknown).toMatchObject({ status: 400, body: { message: "Application not found", code: "BAD_REQUEST" } });
    const empty = await callApi(sim, "POST", "security.create", { applicationId: appId, username: "", password: "p" });
    expect((empty.body as { issues: Row[] }).issues).toEqual([
      { origin: "string", code: "too_small", minimum: 1, inclusive: true, path: ["username"], message: "Too small: expected string to have >=1 characters" },
    ]);
  });

  it("update needs username and password, answers 200 with an EMPTY body, and keeps the uniqueness", async () => {
    await api(sim, "POST", "security.create", { applicationId: appId, username: "a", password: "pa" });
    await api(sim, "POST", "security.create", { applicationId: appId, username: "b", password: "pb" });
    const [a] = await children("security");
    const id = a!.securityId as string;
    const partial = await callApi(sim, "POST", "security.update", { securityId: id, username: "a2" });
    expect((partial.body as { issues: Row[] }).issues).toEqual([
      { expected: "string", code: "invalid_type", path: ["password"], message: "Invalid input: expected string, received undefined" },
    ]);
    const res = await callApi(sim, "POST", "security.update", { securityId: id, username: "a2", password: "new" });
    expect(res).toMatchObject({ status: 200, text: "" });
    await expect(api(sim, "GET", "security.one", { securityId: id })).resolves.toEqual({ ...a, username: "a2", password: "new" });
    const clash = await callApi(sim, "POST", "security.update", { securityId: id, username: "b", password: "canary-pw" });
    expect(clash.status).toBe(400);
    expect((clash.body as Row).message).toMatch(/^Failed query: update "security" set .*canary-pw/s);
  });

  it("delete returns the row (password included); unknown ids are 404 Security not found", async () => {
    await api(sim, "POST", "security.create", { applicationId: appId, username: "u", password: "p" });
    const [row] = await children("security");
    const id = row!.securityId as string;
    await expect(api(sim, "POST", "security.delete", { securityId: id })).resolves.toEqual(row);
    for (const [method, endpoint, input] of [
      ["GET", "security.one", { securityId: id }], ["POST", "security.delete", { securityId: id }],
      ["POST", "security.update", { securityId: id, username: "u", password: "p" }],
    ] as const) {
      expect(await callApi(sim, method, endpoint, input), endpoint).toMatchObject({ status: 404, body: { message: "Security not found" } });
    }
    const noId = await callApi(sim, "POST", "security.update", { username: "u", password: "p" });
    expect((noId.body as { issues: Row[] }).issues[0]).toMatchObject({ expected: "nonoptional", path: ["securityId"] });
  });
});
