/**
 * The notifier at unit level: a flood of 1,000 failing passes sends a bounded
 * number of messages (fast: an injected clock and an in-memory HTTP client),
 * the wire formats of each provider, and the config file's errors.
 */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseNotifyConfig, parseTargetUrl, checkTargets, NotifyConfigError, type NotifySettings } from "../../../src/notify/config.ts";
import { formatRequest, SIGNATURE_HEADER } from "../../../src/notify/formats.ts";
import { Notifier } from "../../../src/notify/notifier.ts";
import type { Notice } from "../../../src/notify/tracker.ts";
import { Redactor } from "../../../src/util/redact.ts";
import { passResult, silentLogger } from "../../helpers/daemon-fakes.ts";
import { eventually } from "../../helpers/eventually.ts";

interface Sent {
  url: string;
  body: string;
}

function notifier(settings: Partial<NotifySettings>, clock: { now: number }): { n: Notifier; sent: Sent[] } {
  const sent: Sent[] = [];
  const fakeFetch = (async (url: string, init: RequestInit) => {
    sent.push({ url, body: String(init.body) });
    return new Response("ok", { status: 200 });
  }) as typeof fetch;
  const n = new Notifier(
    { targets: [{ kind: "slack", url: "https://hooks.slack.com/services/T0/B0/unit-slack-token" }], renotifyMs: 3_600_000, rateLimit: { burst: 10, refillMs: 60_000 }, ...settings },
    { instance: "default", mode: "apply", log: silentLogger(), redactor: new Redactor(), pageUrl: () => "http://127.0.0.1:8080/", now: () => clock.now, fetch: fakeFetch },
  );
  return { n, sent };
}

describe("a flood of failing passes", () => {
  it("1,000 passes failing the same way send one message, and the recovery one more", async () => {
    const clock = { now: 0 };
    const { n, sent } = notifier({}, clock);
    for (let i = 0; i < 1_000; i++) {
      clock.now += 1_000;
      n.observePass(passResult({ reason: "ApplyFailed", message: "1 step(s) failed; first: boom", revision: "r1" }));
    }
    n.observePass(passResult({ revision: "r1" }));
    await n.close();
    expect(sent).toHaveLength(2);
    expect(sent[0]!.body).toContain("reconciliation failed (ApplyFailed)");
    expect(sent[1]!.body).toContain("recovered");
  });

  it("1,000 flapping passes (fail, succeed, fail...) are held to the rate limit, and say how many were suppressed", async () => {
    const clock = { now: 0 };
    const { n, sent } = notifier({}, clock);
    let notices = 0;
    for (let i = 0; i < 1_000; i++) {
      clock.now += 1_000;
      notices += n.observePass(i % 2 === 0 ? passResult({ reason: "ApplyFailed", message: `failure ${i}` }) : passResult()).length;
    }
    await n.close();
    expect(notices).toBe(1_000);
    // 10 at once, then one a minute over 1,000 s: at most 10 + 17.
    expect(sent.length).toBeGreaterThanOrEqual(10);
    expect(sent.length).toBeLessThanOrEqual(27);
    expect(sent.at(-1)!.body).toMatch(/\d+ earlier notification\(s\) suppressed by the rate limit/);
  });

  it("sends each notice to every target that wants it, and a target filtered to deploy failures gets none of the pass failures", async () => {
    const clock = { now: 0 };
    const { n, sent } = notifier({
      targets: [
        { kind: "discord", url: "https://discord.com/api/webhooks/1/unit-discord-token" },
        { kind: "ntfy", url: "https://ntfy.sh/unit-topic", events: ["deploy-failed"] },
      ],
    }, clock);
    n.observePass(passResult({ reason: "ValidationFailed", message: "deploy/app.yaml:3:1: bad" }));
    await eventually(() => expect(sent).toHaveLength(1));
    await n.close();
    expect(sent[0]!.url).toBe("https://discord.com/api/webhooks/1/unit-discord-token");
  });
});

const notice: Notice = {
  type: "deploy-failed", state: "firing", repeat: false, revision: "3f9c2a7e5b1d4c6a8e0f2b4d6c8a0e2f4b6d8c0a",
  text: "application/shop/production/web: deploy failed (deployment dep-1): <b>@everyone</b>", total: 1, since: "2025-01-01T00:00:00.000Z",
  events: [{ key: "deploy-failed:Application/shop/production/web", type: "deploy-failed", resource: "Application/shop/production/web", deploymentId: "dep-1", message: "x" }],
};
const ctx = { instance: "prod", pageUrl: "https://gitops.example.com/", suppressed: 0, at: "2025-01-01T00:00:01.000Z" };

describe("wire formats", () => {
  it("signs the generic webhook's exact body with HMAC-SHA256", () => {
    const req = formatRequest("webhook", "https://hooks.example.com/x", notice, ctx, { secret: "hmac-key" });
    const expected = `sha256=${createHmac("sha256", "hmac-key").update(req.body).digest("hex")}`;
    expect(req.headers[SIGNATURE_HEADER]).toBe(expected);
    expect(JSON.parse(req.body)).toMatchObject({ version: 1, instance: "prod", event: "deploy-failed", state: "firing", revision: notice.revision, url: ctx.pageUrl, events: [{ deploymentId: "dep-1" }] });
  });

  it("escapes Slack's markup, mutes Discord's mentions, builds a Teams card and publishes ntfy JSON to the server root", () => {
    const slack = JSON.parse(formatRequest("slack", "https://hooks.slack.com/services/a", notice, ctx).body) as { text: string };
    expect(slack.text).toContain("&lt;b&gt;@everyone&lt;/b&gt;");
    expect(slack.text).toContain("[3f9c2a7]");
    expect(slack.text).toContain("<https://gitops.example.com/|status page>");
    const discord = JSON.parse(formatRequest("discord", "https://discord.com/api/webhooks/1/t", notice, ctx).body) as { allowed_mentions: unknown };
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    const teams = JSON.parse(formatRequest("teams", "https://x.logic.azure.com/workflows/1", notice, ctx).body) as { attachments: Array<{ content: { type: string; actions: unknown[] } }> };
    expect(teams.attachments[0]!.content).toMatchObject({ type: "AdaptiveCard", actions: [{ type: "Action.OpenUrl", url: ctx.pageUrl }] });
    const ntfy = formatRequest("ntfy", "https://ntfy.example.com/deploys", notice, ctx, { token: "tk_abc" });
    expect(ntfy.url).toBe("https://ntfy.example.com/");
    expect(ntfy.headers.authorization).toBe("Bearer tk_abc");
    expect(JSON.parse(ntfy.body)).toMatchObject({ topic: "deploys", click: ctx.pageUrl, priority: 4 });
  });
});

describe("notification settings", () => {
  it.each([
    ["https://hooks.slack.com/services/T/B/X", "slack"],
    ["https://discord.com/api/webhooks/1/abc", "discord"],
    ["https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke", "teams"],
    ["https://ntfy.sh/my-topic", "ntfy"],
    ["ntfy+https://push.example.com/deploys", "ntfy"],
    ["https://hooks.example.com/dokploy", "webhook"],
  ])("%s is a %s target", (url, kind) => {
    expect(parseTargetUrl(url, "--notify").kind).toBe(kind);
  });

  it("refuses unknown providers, non-http URLs and an unsigned generic webhook, saying where", () => {
    expect(() => parseTargetUrl("matrix+https://x", "--notify")).toThrow('--notify: unknown provider "matrix"');
    expect(() => parseTargetUrl("ftp://x/y", "--notify")).toThrow("--notify: expected an http or https URL");
    expect(() => checkTargets([{ kind: "webhook", url: "https://hooks.example.com/x" }])).toThrow(/needs a signing secret/);
  });

  it("reads a config file with secrets from env and files, and points at the line of a mistake", () => {
    const text = "renotifyInterval: 30m\nrateLimit: { burst: 5, per: 2m }\ntargets:\n  - url: { fromEnv: SLACK_URL }\n  - type: webhook\n    url: https://hooks.example.com/x\n    secret: { fromFile: /secrets/hmac }\n    events: [pass-failed]\n";
    const sources = { env: { SLACK_URL: "https://hooks.slack.com/services/T/B/X" }, readFile: (p: string) => (p === "/secrets/hmac" ? "file-secret\n" : "") };
    const cfg = parseNotifyConfig("notify.yaml", text, sources);
    expect(cfg).toEqual({
      renotifyMs: 1_800_000,
      rateLimit: { burst: 5, refillMs: 120_000 },
      targets: [
        { kind: "slack", url: "https://hooks.slack.com/services/T/B/X" },
        { kind: "webhook", url: "https://hooks.example.com/x", secret: "file-secret", events: ["pass-failed"] },
      ],
    });
    const bad = (t: string): string => {
      try {
        parseNotifyConfig("notify.yaml", t, sources);
      } catch (err) {
        expect(err).toBeInstanceOf(NotifyConfigError);
        return (err as Error).message;
      }
      throw new Error("no error");
    };
    expect(bad("targets:\n  - url: https://x.example\n    secret: literal\n")).toBe("notify.yaml:3:13: targets[0].secret: a literal secret is not allowed here; use {fromEnv: NAME} or {fromFile: PATH}");
    expect(bad("targets:\n  - url: { fromEnv: MISSING }\n")).toBe("notify.yaml:2:10: targets[0].url: environment variable MISSING is not set or empty");
    expect(bad("targets:\n  - url: https://x.example\n    events: [deploy-exploded]\n")).toMatch(/^notify\.yaml:3:13: targets\[0\]\.events: expected a list of .* \(got "deploy-exploded"\)$/);
    expect(bad("target: []\n")).toBe("notify.yaml:1:1: target: unknown field (expected targets, renotifyInterval or rateLimit)");
  });
});
