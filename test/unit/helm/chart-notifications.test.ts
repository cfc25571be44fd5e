/**
 * The chart's notification and commit-status settings (issue 17's features):
 * targets, the webhook HMAC secret and the tokens reach the daemon only
 * through the Secret (a mounted file or a secretKeyRef), the plain values
 * only carry what is not secret, and what the chart renders is accepted by
 * the daemon's own flag parser. Also: the chart's defaults are the daemon's
 * (interval, log level). Real `helm template`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveRunSettings } from "../../../src/cli/run.ts";
import { CHART_DIR, renderChart, runHelm, writeValuesFile, type K8sObject, type Rendered } from "../../helpers/helm.ts";

const CREDENTIALS_DIR = "/etc/dokploy-gitops/credentials";
const SLACK = "https://hooks.slack.com/services/T0TEST/B0TEST/slackTESTsecret123";
const HOOK = "webhook+https://hooks.example.com/dokploy";
const NOTIFY = { hmac: "notify-TEST-hmac-9f8e7d", ntfy: "tk_TESTntfytoken42", commitStatus: "ghp_TESTcommitstatus0987" };

interface Env { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }
interface Pod {
  containers: Array<{ args: string[]; env?: Env[] }>;
  volumes: Array<{ name: string; secret?: { secretName: string; items?: Array<{ key: string; path: string }> } }>;
}

function pod(r: Rendered): Pod {
  return (r.objects.find((o) => o.kind === "Deployment") as K8sObject & { spec: { template: { spec: Pod } } }).spec.template.spec;
}
function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}
/** Secret name and key behind a credential file the args name. */
function mounted(r: Rendered, file: string | undefined): { secretName: string; key: string } | undefined {
  const volume = pod(r).volumes.find((v) => v.name === "credentials");
  const item = volume?.secret?.items?.find((i) => `${CREDENTIALS_DIR}/${i.path}` === file);
  return item ? { secretName: volume!.secret!.secretName, key: item.key } : undefined;
}
function secretData(r: Rendered): Record<string, string> {
  const s = r.objects.find((o) => o.kind === "Secret") as (K8sObject & { data: Record<string, string> }) | undefined;
  return Object.fromEntries(Object.entries(s?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "dokploy-gitops-helm-notify-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function values(extra: Record<string, unknown> = {}, credentials: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    source: { url: "https://github.com/acme/dokploy-config.git" },
    dokploy: { url: "https://dokploy.example.com" },
    publicUrl: "https://gitops.example.com/",
    notifications: { enabled: true, renotifyInterval: "2h" },
    commitStatus: { enabled: true, context: "dokploy-gitops/prod" },
    ...extra,
    credentials: {
      apiKey: { value: "dkp-TEST-apikey" },
      notifyUrls: { value: `${SLACK} ${HOOK}` },
      notifySecret: { value: NOTIFY.hmac },
      ntfyToken: { value: NOTIFY.ntfy },
      commitStatusToken: { value: NOTIFY.commitStatus },
      ...credentials,
    },
  };
}

describe("notifications and commit statuses, the chart creating the Secret", () => {
  let rendered: Rendered;
  beforeAll(() => {
    rendered = renderChart([writeValuesFile(dir, "notify.json", values())]);
  });

  it("keeps every target, secret and token in the Secret's data and nowhere else", () => {
    const data = secretData(rendered);
    expect(data).toMatchObject({ "notify-urls": `${SLACK} ${HOOK}`, "notify-secret": NOTIFY.hmac, "ntfy-token": NOTIFY.ntfy, "commit-status-token": NOTIFY.commitStatus });
    const outside = rendered.objects.filter((o) => o.kind !== "Secret").map((o) => JSON.stringify(o)).join("\n");
    for (const value of [SLACK, NOTIFY.hmac, NOTIFY.ntfy, NOTIFY.commitStatus]) {
      for (const form of [value, Buffer.from(value).toString("base64")]) expect(outside.includes(form), value).toBe(false);
    }
  });

  it("passes the targets and the ntfy token as secretKeyRef variables, the HMAC secret and the forge token as mounted files", () => {
    const c = pod(rendered).containers[0]!;
    const secretName = rendered.objects.find((o) => o.kind === "Secret")!.metadata.name;
    const ref = (name: string) => c.env?.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
    expect(ref("DOKPLOY_GITOPS_NOTIFY")).toEqual({ name: secretName, key: "notify-urls" });
    expect(ref("DOKPLOY_GITOPS_NTFY_TOKEN")).toEqual({ name: secretName, key: "ntfy-token" });
    expect(c.env?.every((e) => e.value === undefined || e.name === "NODE_OPTIONS")).toBe(true);
    expect(mounted(rendered, flag(c.args, "--notify-secret-file"))).toEqual({ secretName, key: "notify-secret" });
    expect(mounted(rendered, flag(c.args, "--commit-status-token-file"))).toEqual({ secretName, key: "commit-status-token" });
    expect(flag(c.args, "--public-url")).toBe("https://gitops.example.com/");
    expect(flag(c.args, "--notify-renotify")).toBe("2h");
    expect(c.args).toContain("--commit-status");
    expect(flag(c.args, "--commit-status-context")).toBe("dokploy-gitops/prod");
  });

  it("renders what the daemon accepts: its parser resolves the same targets, secrets and forge", () => {
    const creds = join(dir, "credentials");
    mkdirSync(creds, { recursive: true });
    const data = secretData(rendered);
    const c = pod(rendered).containers[0]!;
    const args = c.args.map((a) => {
      if (!a.startsWith(`${CREDENTIALS_DIR}/`)) return a;
      const name = a.slice(CREDENTIALS_DIR.length + 1);
      const key = mounted(rendered, a)!.key;
      writeFileSync(join(creds, name), `${data[key]}\n`);
      return join(creds, name);
    });
    // What the kubelet would set from the secretKeyRefs.
    const env = Object.fromEntries((c.env ?? []).filter((e) => e.valueFrom?.secretKeyRef).map((e) => [e.name, data[e.valueFrom!.secretKeyRef!.key]!]));
    const settings = resolveRunSettings(args.slice(1), env);
    if (settings === "help") throw new Error("unexpected help");
    expect(settings.report).toMatchObject({
      publicUrl: "https://gitops.example.com/",
      notify: {
        renotifyMs: 2 * 3_600_000,
        targets: [{ kind: "slack", url: SLACK }, { kind: "webhook", url: "https://hooks.example.com/dokploy", secret: NOTIFY.hmac }],
      },
      commitStatus: { forge: "github", repo: "acme/dokploy-config", token: NOTIFY.commitStatus, context: "dokploy-gitops/prod" },
    });
  });
});

describe("notifications with an operator's Secret", () => {
  it("reads every key from that Secret, under the key names given, and renders no Secret", () => {
    const r = renderChart([writeValuesFile(dir, "existing.json", {
      ...values(),
      credentials: {
        existingSecret: "ops-creds",
        notifyUrls: { key: "chat-hooks" },
        notifySecret: { enabled: true, key: "hmac" },
        commitStatusToken: { enabled: true, key: "forge-token" },
      },
    })]);
    expect(r.objects.some((o) => o.kind === "Secret")).toBe(false);
    const c = pod(r).containers[0]!;
    expect(c.env?.find((e) => e.name === "DOKPLOY_GITOPS_NOTIFY")?.valueFrom?.secretKeyRef).toEqual({ name: "ops-creds", key: "chat-hooks" });
    expect(c.env?.some((e) => e.name === "DOKPLOY_GITOPS_NTFY_TOKEN")).toBe(false);
    expect(mounted(r, flag(c.args, "--notify-secret-file"))).toEqual({ secretName: "ops-creds", key: "hmac" });
    expect(mounted(r, flag(c.args, "--commit-status-token-file"))).toEqual({ secretName: "ops-creds", key: "forge-token" });
  });

  it("uses the git token for commit statuses when there is no commit-status token", () => {
    const r = renderChart([writeValuesFile(dir, "git-token.json", {
      source: { url: "https://github.com/acme/dokploy-config.git" },
      commitStatus: { enabled: true },
      credentials: { existingSecret: "ops-creds", gitToken: { enabled: true } },
    })]);
    const c = pod(r).containers[0]!;
    expect(c.args).toContain("--commit-status");
    expect(c.args).not.toContain("--commit-status-token-file");
    expect(c.env?.find((e) => e.name === "GIT_TOKEN")?.valueFrom?.secretKeyRef).toEqual({ name: "ops-creds", key: "git-token" });
  });
});

describe("defaults", () => {
  let rendered: Rendered;
  beforeAll(() => {
    rendered = renderChart();
  });

  it("send nothing and set no commit status", () => {
    const c = pod(rendered).containers[0]!;
    for (const f of ["--public-url", "--notify-secret-file", "--notify-renotify", "--commit-status", "--commit-status-token-file"]) expect(c.args).not.toContain(f);
    expect(c.env?.map((e) => e.name)).toEqual(["NODE_OPTIONS"]);
    expect(Object.keys(secretData(rendered)).sort()).toEqual(["api-key", "status-token"]);
  });

  it("are the daemon's own: the same interval and log level as `run` without those flags", () => {
    const args = pod(rendered).containers[0]!.args;
    const base = ["--source", "https://github.com/acme/c.git", "--url", "https://dokploy.example.com", "--api-key", "k"];
    const daemon = resolveRunSettings(base, {});
    const chart = resolveRunSettings([...base, "--interval", flag(args, "--interval")!, "--log-level", flag(args, "--log-level")!], {});
    if (daemon === "help" || chart === "help") throw new Error("unexpected help");
    expect(flag(args, "--interval")).toBe("1m");
    expect(chart.intervalMs).toBe(daemon.intervalMs);
    expect(chart.logLevel).toBe(daemon.logLevel);
  });
});

describe("NOTES.txt", () => {
  it("says notifications and commit statuses are on, without a target or token", () => {
    const r = runHelm(["install", "t", CHART_DIR, "--dry-run=client", "-f", writeValuesFile(dir, "notes.json", values({ publicUrl: "" }))]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Notifications: on, to the targets in the Secret\'s "notify-urls" key (set publicUrl to link them to the status page).');
    expect(r.stdout).toContain("Commit statuses: on, context dokploy-gitops/prod.");
    const notes = r.stdout.slice(r.stdout.indexOf("NOTES:"));
    for (const secret of [SLACK, NOTIFY.hmac, NOTIFY.ntfy, NOTIFY.commitStatus]) expect(notes).not.toContain(secret);
  });
});

describe("bad notification values fail the install with a message naming the value", () => {
  function template(sets: string[]): { status: number; output: string } {
    const args = ["template", "t", CHART_DIR];
    for (const s of sets) args.push("--set", s);
    const r = runHelm(args);
    return { status: r.status, output: r.stdout + r.stderr };
  }

  it.each([
    ["notifications on without targets", ["notifications.enabled=true"], "credentials.notifyUrls.value is empty"],
    ["an HMAC secret switched on without a value", ["notifications.enabled=true", "credentials.notifyUrls.value=https://hooks.slack.com/x", "credentials.notifySecret.enabled=true"], "credentials.notifySecret.value is empty"],
    ["a notification secret with notifications off", ["credentials.notifySecret.value=abc"], "notifications are off"],
    ["commit statuses without any token", ["commitStatus.enabled=true"], "commitStatus.enabled needs a token"],
    ["a target value next to existingSecret", ["credentials.existingSecret=creds", "credentials.notifyUrls.value=https://hooks.slack.com/SECRET-do-not-echo"], "credentials.notifyUrls.value is set, but so is credentials.existingSecret"],
  ])("rejects %s", (_name, sets, message) => {
    const r = template(sets);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain(message);
    expect(r.output).not.toContain("SECRET-do-not-echo");
  });

  it.each([
    ["an unknown forge", ["commitStatus.forge=bitbucket"], "/commitStatus/forge"],
    ["a renotify interval without unit", ["notifications.renotifyInterval=4"], "/notifications/renotifyInterval"],
    ["a public URL without scheme", ["publicUrl=gitops.example.com"], "/publicUrl"],
    ["an interval without unit (the daemon refuses a bare number)", ["source.interval=5"], "/source/interval"],
  ])("the schema rejects %s", (_name, sets, where) => {
    const r = template(sets);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain(where);
  });

  it.each([
    ["a compound interval", ["source.interval=1m30s"]],
    ["the silent log level the daemon accepts", ["logLevel=silent"]],
  ])("accepts %s", (_name, sets) => {
    expect(template(sets).status).toBe(0);
  });
});
