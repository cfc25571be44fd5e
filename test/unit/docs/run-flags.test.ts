/**
 * The chart, the compose example and docs/operations.md all speak the `run`
 * command's flag contract. This feeds what they say to the daemon's own flag
 * parser, so a renamed flag or a bad default fails here instead of at the
 * first deploy.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { RUN_HELP, resolveRunSettings } from "../../../src/cli/run.ts";
import { CONNECTION_HELP } from "../../../src/cli/connection.ts";
import { REPO_ROOT, renderChart, writeValuesFile, type K8sObject } from "../../helpers/helm.ts";
import { fullValues } from "../helm/values.ts";

const CREDENTIALS_DIR = "/etc/dokploy-gitops/credentials";

let dir: string;
let credentials: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "dokploy-gitops-flags-"));
  credentials = join(dir, "credentials");
  mkdirSync(credentials);
  for (const file of ["api-key", "ssh-privatekey", "known_hosts", "webhook-secret", "status-token"]) {
    writeFileSync(join(credentials, file), `test-${file}-value\n`);
  }
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The rendered container's args, with the mounted credential files pointed at local copies. */
function chartArgs(values: Record<string, unknown>): string[] {
  const rendered = renderChart([writeValuesFile(dir, "values.json", values)]);
  const deployment = rendered.objects.find((o) => o.kind === "Deployment") as K8sObject & {
    spec: { template: { spec: { containers: Array<{ args: string[] }> } } };
  };
  const args = deployment.spec.template.spec.containers[0]!.args;
  return args.map((a) => (a.startsWith(`${CREDENTIALS_DIR}/`) ? join(credentials, a.slice(CREDENTIALS_DIR.length + 1)) : a));
}

describe("the Helm chart's args", () => {
  it("are accepted by `run` with every option on", () => {
    const args = chartArgs({ ...fullValues(), extraArgs: [] });
    expect(args[0]).toBe("run");
    const settings = resolveRunSettings(args.slice(1), { GIT_TOKEN: "test-git-token" });
    if (settings === "help") throw new Error("unexpected help");
    expect(settings).toMatchObject({
      source: "https://github.com/acme/dokploy-config.git",
      branch: "production",
      path: "clusters/prod",
      workDir: "/var/lib/dokploy-gitops",
      intervalMs: 120_000,
      listen: { host: "0.0.0.0", port: 8080 },
      logLevel: "debug",
      webhookSecret: "test-webhook-secret-value",
      statusToken: "test-status-token-value",
      connection: { url: "https://dokploy.example.com", apiKey: "test-api-key-value", instance: "prod-eu", requestTimeoutMs: 45_000 },
      pass: { instance: "prod-eu", mode: "apply", prune: true, maxDeletions: 5, concurrency: 8, deployTimeoutMs: 900_000 },
    });
    expect(settings.git).toMatchObject({ token: "test-git-token", sshKeyFile: join(credentials, "ssh-privatekey"), knownHostsFile: join(credentials, "known_hosts") });
  });

  it("are accepted by `run` with the defaults plus the two required values, and a cron schedule", () => {
    const args = chartArgs({ source: { url: "git@github.com:acme/config.git", schedule: "*/10 * * * *" }, dokploy: { url: "https://dokploy.example.com" } });
    const settings = resolveRunSettings(args.slice(1), {});
    if (settings === "help") throw new Error("unexpected help");
    expect(settings).toMatchObject({ source: "git@github.com:acme/config.git", schedule: "*/10 * * * *", pass: { mode: "apply", prune: false } });
    expect(settings.intervalMs).toBeUndefined();
  });
});

describe("the compose example's command", () => {
  function composeRun(vars: Record<string, string>) {
    const compose = parse(readFileSync(join(REPO_ROOT, "examples/dokploy-compose/docker-compose.yml"), "utf8")) as {
      services: Record<string, { command: string[]; environment: Record<string, string> }>;
    };
    const service = compose.services["dokploy-gitops"]!;
    // Compose interpolation: ${VAR}, ${VAR:-default}, ${VAR:?error}.
    const interpolate = (text: string): string =>
      text.replace(/\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op: string | undefined, arg: string | undefined) => {
        const value = vars[name];
        if (value !== undefined && value !== "") return value;
        if (op === "?") throw new Error(`compose would stop: ${arg}`);
        return op === "-" ? (arg ?? "") : "";
      });
    const argv = service.command.map(interpolate);
    const env = Object.fromEntries(Object.entries(service.environment).map(([k, v]) => [k, interpolate(v)]));
    expect(argv[0]).toBe("run");
    const settings = resolveRunSettings(argv.slice(1), env);
    if (settings === "help") throw new Error("unexpected help");
    return settings;
  }
  const required = { GITOPS_SOURCE_URL: "https://github.com/acme/config.git", DOKPLOY_API_KEY: "test-api-key", DOKPLOY_GITOPS_STATUS_TOKEN: "test-status-token" };

  it("is accepted by `run` once Dokploy has filled in the variables, with the daemon's default interval", () => {
    const settings = composeRun(required);
    const daemon = resolveRunSettings(["--source", required.GITOPS_SOURCE_URL, "--url", "http://dokploy:3000", "--api-key", "k"], {});
    if (daemon === "help") throw new Error("unexpected help");
    expect(settings.intervalMs).toBe(daemon.intervalMs);
    expect(settings.report).toBeUndefined();
    expect(settings.webhookSecret).toBeUndefined();
    expect(settings).toMatchObject({
      source: "https://github.com/acme/config.git",
      workDir: "/var/lib/dokploy-gitops",
      connection: { url: "http://dokploy:3000", apiKey: "test-api-key", instance: "default" },
      statusToken: "test-status-token",
    });
  });

  it("passes the optional git token, webhook secret and notification variables through when they are set", () => {
    const settings = composeRun({
      ...required,
      GIT_TOKEN: "test-git-token",
      DOKPLOY_GITOPS_WEBHOOK_SECRET: "test-webhook-secret",
      DOKPLOY_GITOPS_NOTIFY: "https://hooks.slack.com/services/T/B/X webhook+https://hooks.example.com/x",
      DOKPLOY_GITOPS_NOTIFY_SECRET: "test-notify-secret",
      DOKPLOY_GITOPS_NTFY_TOKEN: "test-ntfy-token",
    });
    expect(settings.git.token).toBe("test-git-token");
    expect(settings.webhookSecret).toBe("test-webhook-secret");
    expect(settings.report?.notify?.targets).toEqual([
      expect.objectContaining({ kind: "slack", url: "https://hooks.slack.com/services/T/B/X" }),
      expect.objectContaining({ kind: "webhook", url: "https://hooks.example.com/x", secret: "test-notify-secret" }),
    ]);
  });
});

describe("docs/operations.md", () => {
  it("lists only flags the run command has", () => {
    const page = readFileSync(join(REPO_ROOT, "docs/operations.md"), "utf8");
    const table = page.slice(page.indexOf("## The `run` flags"), page.indexOf("## As a binary"));
    const flags = [...table.matchAll(/`(--[a-z][a-z-]*)/g)].map((m) => m[1]!);
    expect(flags.length).toBeGreaterThan(15);
    const help = RUN_HELP + CONNECTION_HELP;
    for (const flag of flags) expect(help, flag).toMatch(new RegExp(`${flag}\\b`));
  });
});
