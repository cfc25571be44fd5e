import { describe, expect, it } from "vitest";
import { DokployError } from "../../../src/dokploy/errors.ts";
import {
  encodeQuery, endpointPath, errorFromResponse, formatIssues, kindOfStatus, parseSuccessBody, resolveDokployBase,
  resolveEndpointUrl, UNAUTHORIZED_MESSAGE,
} from "../../../src/dokploy/wire.ts";

const id = (t: string): string => t;

describe("resolveDokployBase", () => {
  it.each([
    ["https://dokploy.example.com", "https://dokploy.example.com", ""],
    ["https://dokploy.example.com/", "https://dokploy.example.com", ""],
    ["http://127.0.0.1:3000//", "http://127.0.0.1:3000", ""],
    ["https://example.com/dokploy/", "https://example.com", "/dokploy"],
    ["https://example.com/api/", "https://example.com", ""],
  ])("%s", (url, origin, basePath) => {
    expect(resolveDokployBase(url)).toEqual({ origin, basePath });
  });

  it.each([
    ["not a url", /expected an http\(s\) URL/],
    ["ftp://example.com", /http or https scheme/],
    ["https://user:pw@example.com", /credentials in the URL/],
    ["https://example.com/?x=1", /no query or fragment/],
  ])("rejects %s", (url, message) => {
    expect(() => resolveDokployBase(url)).toThrow(message);
  });

  it("does not echo credentials of a rejected URL", () => {
    expect(() => resolveDokployBase("https://user:hunter22@example.com")).toThrow(expect.objectContaining({
      message: expect.not.stringContaining("hunter22"),
    }));
  });

  it("builds endpoint URLs", () => {
    expect(resolveEndpointUrl("https://d.example.com/", "project.all")).toBe("https://d.example.com/api/project.all");
    expect(endpointPath({ origin: "x", basePath: "/p" }, "health")).toBe("/p/api/health");
  });
});

describe("encodeQuery", () => {
  it.each([
    [undefined, ""],
    [{}, ""],
    [{ projectId: "abc" }, "?projectId=abc"],
    [{ a: "x y&z", b: 3, c: false }, "?a=x+y%26z&b=3&c=false"],
    [{ ids: ["1", "2"], skip: undefined, nil: null }, "?ids=1&ids=2"],
  ])("%j -> %s", (input, expected) => {
    expect(encodeQuery("e.p", input)).toBe(expected);
  });

  it("refuses nested objects with the field name", () => {
    expect(() => encodeQuery("project.one", { filter: { a: 1 } })).toThrow(/project\.one: query field "filter"/);
    expect(() => encodeQuery("project.one", "abc")).toThrow(/expected an object input/);
  });
});

describe("formatIssues", () => {
  it("renders zod 4 issues as JSON pointers", () => {
    expect(
      formatIssues([
        { code: "invalid_type", expected: "string", path: ["branch"], message: "Invalid input: expected string, received undefined" },
        { code: "invalid_type", expected: "nonoptional", path: ["repository"], message: "Invalid input" },
        { code: "too_small", path: ["name"], message: "Too small: expected string to have >=1 characters", minimum: 1 },
        { code: "custom", path: ["a/b", 0], message: "bad" },
      ]),
    ).toBe(
      "/branch expected string; /repository must be present (null is allowed); /name Too small: expected string to have >=1 characters; /a~1b/0 bad",
    );
  });

  it("returns undefined without issues", () => {
    expect(formatIssues(undefined)).toBeUndefined();
    expect(formatIssues([])).toBeUndefined();
  });
});

describe("errorFromResponse", () => {
  it("gives the bare 401 the key-or-rate-limit message", () => {
    const e = errorFromResponse("project.all", 401, '{"message":"Unauthorized"}', id, false);
    expect(e).toBeInstanceOf(DokployError);
    expect(e.kind).toBe("unauthorized");
    expect(e.retriable).toBe(false);
    expect(e.message).toBe(`project.all: ${UNAUTHORIZED_MESSAGE}`);
    expect(e.dokployMessage).toBe("Unauthorized");
  });

  it("words a 401 that carries a handler's own message as a refused call, not a bad key", () => {
    const e = errorFromResponse("application.create", 401, '{"message":"You are not authorized to access this server","code":"UNAUTHORIZED"}', id, false);
    expect(e.kind).toBe("unauthorized");
    expect(e.message).toBe("application.create: Dokploy refused the call (401 Unauthorized): You are not authorized to access this server. The API key was accepted but may not do this: check the permissions of the key's user and that the object belongs to its organization");
    expect(e.message).not.toContain("invalid");
    // An empty 401 is the auth layer's: the key message.
    expect(errorFromResponse("project.all", 401, "", id, false).message).toBe(`project.all: ${UNAUTHORIZED_MESSAGE}`);
  });

  it("keeps Dokploy's message and code, and lists validation issues", () => {
    const body = JSON.stringify({
      message: "Input validation failed",
      code: "BAD_REQUEST",
      data: { code: "BAD_REQUEST", httpStatus: 400 },
      issues: [{ code: "invalid_type", expected: "string", path: ["branch"], message: "x" }],
    });
    const e = errorFromResponse("application.saveGithubProvider", 400, body, id, false);
    expect(e.kind).toBe("rejected");
    expect(e.code).toBe("BAD_REQUEST");
    expect(e.message).toContain("Input validation failed: /branch expected string");
    expect(e.isNotFound).toBe(false);
  });

  it.each([
    [404, '{"message":"Project not found","code":"NOT_FOUND"}', "rejected", true],
    [400, '{"message":"Error updating the environment: Environment not found","code":"BAD_REQUEST"}', "rejected", true],
    [409, '{"message":"Application with this \'AppName\' already exists","code":"CONFLICT"}', "rejected", false],
    [413, "<html>Body exceeded 1mb limit</html>", "rejected", false],
    [500, '{"message":"boom","code":"INTERNAL_SERVER_ERROR"}', "server", false],
    [502, "<html>\n<body>Bad gateway</body></html>", "server", false],
    [429, "", "server", false],
  ])("%i %s", (status, body, kind, notFound) => {
    const e = errorFromResponse("x.y", status, body, id, false);
    expect(e.kind).toBe(kind);
    expect(e.status).toBe(status);
    expect(e.isNotFound).toBe(notFound);
    expect(e.message).not.toContain("\n");
  });

  it("redacts server text", () => {
    const e = errorFromResponse("x.y", 500, '{"message":"bad key sk-secret-123"}', (t) => t.replaceAll("sk-secret-123", "***"), false);
    expect(e.message).not.toContain("sk-secret-123");
    expect(e.dokployMessage).toBe("bad key ***");
  });

  it("maps statuses to kinds", () => {
    expect([401, 400, 403, 404, 415, 408, 429, 500, 503, 302].map(kindOfStatus)).toEqual([
      "unauthorized", "rejected", "rejected", "rejected", "rejected", "server", "server", "server", "server", "protocol",
    ]);
  });
});

describe("parseSuccessBody", () => {
  it("reads an empty body as undefined and JSON as values", () => {
    expect(parseSuccessBody("a.b", 200, "", id)).toBeUndefined();
    expect(parseSuccessBody("a.b", 200, "true", id)).toBe(true);
    expect(parseSuccessBody("a.b", 200, '"v0.30.2"', id)).toBe("v0.30.2");
  });

  it("throws a protocol error for non-JSON", () => {
    expect(() => parseSuccessBody("a.b", 200, "<html>login</html>", id)).toThrow(
      expect.objectContaining({ kind: "protocol", message: expect.stringContaining("expected a JSON body") }),
    );
  });
});
