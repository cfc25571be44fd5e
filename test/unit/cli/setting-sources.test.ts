/**
 * Precedence, as docs/operations.md ("Where settings come from") writes it
 * down: the flag, then its file flag, then the environment variables in
 * their documented order, the first set and non-empty one winning. Tested
 * through the real resolvers of the connection and the daemon.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveConnection } from "../../../src/cli/connection.ts";
import { resolveRunSettings } from "../../../src/cli/run.ts";
import type { DaemonSettings } from "../../../src/reconcile/daemon.ts";
import { REPO_ROOT } from "../../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "dg-precedence-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const keyFile = join(dir, "key");
writeFileSync(keyFile, "key-from-file\n");
const tokenFile = join(dir, "token");
writeFileSync(tokenFile, "token-from-file\n");

describe("where settings come from", () => {
  it("the API key: --api-key, then --api-key-file, then DOKPLOY_API_KEY, then DOKPLOY_API_TOKEN", () => {
    const env = { DOKPLOY_URL: "https://d.example.com", DOKPLOY_API_KEY: "key-from-env", DOKPLOY_API_TOKEN: "key-from-token-env" };
    expect(resolveConnection({ "api-key": "key-from-flag", "api-key-file": keyFile }, env).apiKey).toBe("key-from-flag");
    expect(resolveConnection({ "api-key-file": keyFile }, env).apiKey).toBe("key-from-file");
    expect(resolveConnection({}, env).apiKey).toBe("key-from-env");
    expect(resolveConnection({}, { ...env, DOKPLOY_API_KEY: "" }).apiKey).toBe("key-from-token-env");
  });

  it("the URL: --url, then DOKPLOY_URL, DOKPLOY_API_URL, DOKPLOY_SERVER_URL; an empty variable does not hide the next", () => {
    const env = { DOKPLOY_API_KEY: "k-k-k", DOKPLOY_URL: "https://a.example.com", DOKPLOY_API_URL: "https://b.example.com", DOKPLOY_SERVER_URL: "https://c.example.com" };
    expect(resolveConnection({ url: "https://flag.example.com" }, env).url).toBe("https://flag.example.com");
    expect(resolveConnection({}, env).url).toBe("https://a.example.com");
    expect(resolveConnection({}, { ...env, DOKPLOY_URL: "" }).url).toBe("https://b.example.com");
    expect(resolveConnection({}, { ...env, DOKPLOY_URL: " ", DOKPLOY_API_URL: "" }).url).toBe("https://c.example.com");
  });

  it("names the source of a bad value as the user set it", () => {
    expect(() => resolveConnection({}, { DOKPLOY_URL: "dokploy.example.com", DOKPLOY_API_KEY: "k-k-k" })).toThrow(/^DOKPLOY_URL: expected an http\(s\) URL/);
    expect(() => resolveConnection({ url: "ftp://x" }, { DOKPLOY_API_KEY: "k-k-k" })).toThrow(/^--url: expected an http\(s\) URL/);
    expect(() => resolveConnection({}, { DOKPLOY_URL: "https://d.example.com", DOKPLOY_API_KEY: "" })).toThrow(/^no Dokploy API key: set DOKPLOY_API_KEY or DOKPLOY_API_TOKEN/);
    expect(() => resolveConnection({ instance: "Prod" }, {})).toThrow(/^--instance: expected a lowercase DNS label/);
    expect(() => resolveConnection({}, { DOKPLOY_GITOPS_INSTANCE: "Prod" })).toThrow(/^DOKPLOY_GITOPS_INSTANCE: expected a lowercase DNS label/);
  });

  it("the daemon's secrets: the flag, then the file flag, then the variable", () => {
    const run = (args: string[], env: NodeJS.ProcessEnv): DaemonSettings => resolveRunSettings(["--simulator", "--source", REPO_ROOT, ...args], env) as DaemonSettings;
    const env = { DOKPLOY_GITOPS_STATUS_TOKEN: "token-from-env", GIT_TOKEN: "", DOKPLOY_GITOPS_GIT_TOKEN: "git-from-second-env" };
    expect(run(["--status-token", "token-from-flag", "--status-token-file", tokenFile], env).statusToken).toBe("token-from-flag");
    expect(run(["--status-token-file", tokenFile], env).statusToken).toBe("token-from-file");
    expect(run([], env).statusToken).toBe("token-from-env");
    expect(run([], env).git.token).toBe("git-from-second-env");
  });
});
