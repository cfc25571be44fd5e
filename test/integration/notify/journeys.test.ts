/**
 * Notifications from `dokploy-gitops run` (a child process, a real git
 * repository, the simulator) to a local receiver on 127.0.0.1 that verifies
 * every delivery's HMAC-SHA256 signature, and to a Slack-style one. Each
 * event is announced once when it starts and once when it clears, however
 * many passes see it; no secret (a manifest's secret value, the signing key,
 * the status token, the webhook URLs) is ever in a body.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER } from "../../../src/notify/formats.ts";
import type { SimulatorHandle } from "../../../src/simulator/types.ts";
import { runCliProcess } from "../../helpers/cli.ts";
import { spawnDaemon, type SpawnedDaemon } from "../../helpers/daemon.ts";
import { eventually } from "../../helpers/eventually.ts";
import { createTestRepo, tempDir, type TestRepo } from "../../helpers/git-repo.ts";
import { startTestSimulator } from "../../helpers/simulator.ts";

const HMAC_KEY = "notify-hmac-key-0b7e";
const CANARY = "canary-app-secret-91d2";
const STATUS_TOKEN = "notify-status-token-c4a8";
const SLACK_PATH = "/services/T0/B0/slack-path-token-e5";
const WAIT = { timeoutMs: 25_000, intervalMs: 50 };

interface Delivery {
  event: string;
  state: string;
  body: Record<string, unknown>;
}

interface Receiver {
  url: string;
  deliveries: Delivery[];
  raw: string[];
  badSignatures: number;
  close(): Promise<void>;
}

/** A webhook receiver that checks the signature the way docs/operations.md tells users to. */
async function startReceiver(): Promise<Receiver> {
  const r = { deliveries: [] as Delivery[], raw: [] as string[], badSignatures: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      r.raw.push(body.toString("utf8"));
      if (req.url === SLACK_PATH) {
        res.writeHead(200).end("ok");
        return;
      }
      const expected = Buffer.from(`sha256=${createHmac("sha256", HMAC_KEY).update(body).digest("hex")}`);
      const given = Buffer.from(String(req.headers[SIGNATURE_HEADER] ?? ""));
      if (given.length !== expected.length || !timingSafeEqual(given, expected) || !req.headers[DELIVERY_HEADER]) {
        r.badSignatures++;
        res.writeHead(401).end();
        return;
      }
      const parsed = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
      expect(req.headers[EVENT_HEADER]).toBe(parsed.event);
      r.deliveries.push({ event: String(parsed.event), state: String(parsed.state), body: parsed });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(r, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

function manifests(image: string, withApi = true): Record<string, string> {
  const app = (name: string): string => `---
apiVersion: dokploy-gitops/v1
kind: Application
metadata: { name: ${name}, project: shop, environment: production }
spec:
  source: { type: docker, image: "${image}" }
  env:
    LOG_LEVEL: info
    PAYMENT_KEY: { fromEnv: PAYMENT_KEY }
`;
  return { "deploy/app.yaml": `apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata: { name: shop }\n${app("web")}${withApi ? app("api") : ""}` };
}
const BROKEN = { "deploy/app.yaml": "apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata: { name: shop }\nspec:\n  colour: blue\n" };

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  cleanups.push(() => r.close());
  return r;
}

/**
 * Starts the daemon with both targets in a notification config file (URLs from the environment,
 * the signing key from a file), and a burst large enough for a journey of a dozen notices.
 */
async function daemon(args: string[], rcv: Receiver, workDir: string, extraEnv: Record<string, string> = {}): Promise<SpawnedDaemon> {
  mkdirSync(workDir, { recursive: true });
  const keyFile = path.join(workDir, "..", "notify-hmac-key");
  const config = path.join(workDir, "..", "notify.yaml");
  writeFileSync(keyFile, `${HMAC_KEY}\n`);
  writeFileSync(config, `rateLimit: { burst: 50, per: 1m }\ntargets:\n  - type: webhook\n    url: { fromEnv: HOOK_URL }\n    secret: { fromFile: ${keyFile} }\n  - url: { fromEnv: CHAT_URL }\n    type: slack\n`);
  const d = await spawnDaemon(["--listen", "127.0.0.1:0", "--interval", "1h", "--work-dir", workDir, "--deploy-timeout", "10s", "--public-url", "https://gitops.example.com/", "--notify-config", config, ...args], {
    env: {
      HOOK_URL: `${rcv.url}/hook`,
      CHAT_URL: `${rcv.url}${SLACK_PATH}`,
      DOKPLOY_GITOPS_STATUS_TOKEN: STATUS_TOKEN,
      PAYMENT_KEY: CANARY,
      ...extraEnv,
    },
  });
  cleanups.push(() => d.stop("SIGKILL"));
  return d;
}

const auth = { authorization: `Bearer ${STATUS_TOKEN}` };
const reconcile = async (d: SpawnedDaemon): Promise<void> => {
  const res = await fetch(`${d.url}/reconcile`, { method: "POST", headers: auth });
  expect(res.status).toBe(202);
};
/** Waits until the daemon finished a pass on `revision` after the one it had. */
async function passOn(d: SpawnedDaemon, previous: string | undefined, revision?: string): Promise<string> {
  return eventually(async () => {
    const s = await d.status(auth);
    expect(s.lastPass?.reconcileId).not.toBe(previous);
    if (revision) expect(s.lastPass?.revision).toBe(revision);
    return s.lastPass!.reconcileId;
  }, WAIT);
}
const seq = (r: Receiver): string[] => r.deliveries.map((d) => `${d.event}:${d.state}`);

function expectNoSecrets(r: Receiver): void {
  expect(r.raw.length).toBeGreaterThan(0);
  for (const body of r.raw) {
    for (const secret of [CANARY, HMAC_KEY, STATUS_TOKEN, SLACK_PATH, "slack-path-token-e5"]) expect(body).not.toContain(secret);
  }
  expect(r.badSignatures).toBe(0);
}

describe("notifications (apply mode)", () => {
  it("announces each event once when it starts and once when it clears, signed, with no secret in any body", async () => {
    const rcv = await receiver();
    const repo: TestRepo = createTestRepo();
    cleanups.push(repo.cleanup);
    repo.commit(manifests("nginx:1.27"));
    const d = await daemon(["--simulator", "--source", repo.url, "--path", "deploy", "--prune", "--max-deletions", "0"], rcv, path.join(repo.dir, "work"));
    let last = await passOn(d, undefined);
    expect((await d.status(auth)).lastPass?.outcome).toBe("succeeded");

    // A deploy fails: the pass only queues the deploys and succeeds; later passes read the failed builds,
    // each announced once over three passes. The applications stay Degraded, so their deploy failures
    // stay active and are not repeated.
    await fetch(`${d.simulatorUrl}/__simulator/fail-deploys`, { method: "POST", body: JSON.stringify({ imagePattern: "*broken*" }), headers: { "content-type": "application/json" } });
    repo.commit(manifests("nginx:broken"));
    for (let i = 0; i < 3; i++) {
      await reconcile(d);
      last = await passOn(d, last);
    }
    // Both applications' failures are announced; no pass failure (the pass only queued the deploys).
    // (With one build at a time, a failure seen while the other build still waits may clear and fire again once.)
    await eventually(() => expect(seq(rcv).filter((e) => e === "deploy-failed:firing").length).toBeGreaterThanOrEqual(2), WAIT);
    expect(seq(rcv).filter((e) => e.startsWith("pass-failed"))).toEqual([]);
    // The pass only queued the deploys; a later pass read the failed builds (with their deployment ids).
    const deploy = rcv.deliveries.find((x) => x.event === "deploy-failed" && /\(deployment /.test(JSON.stringify(x.body)))!.body as { events: Array<{ resource: string; deploymentId: string | null; message: string }>; url: string; revision: string };
    expect(deploy.events[0]!.resource).toMatch(/^Application\/shop\/production\/(web|api)$/);
    expect(deploy.events[0]!.deploymentId).toEqual(expect.any(String));
    expect(deploy.events[0]!.message).toMatch(/deploy failed \(deployment [\w-]+\)/);
    expect(deploy.url).toBe("https://gitops.example.com/");
    expect(deploy.revision).toBe(repo.head());

    // Fixed: each deploy failure clears once.
    await fetch(`${d.simulatorUrl}/__simulator/fail-deploys`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    repo.commit(manifests("nginx:1.28"));
    await reconcile(d);
    last = await passOn(d, last, repo.head());
    const count = (e: string): number => seq(rcv).filter((x) => x === e).length;
    await eventually(() => expect(count("deploy-failed:resolved")).toBe(count("deploy-failed:firing")), WAIT);
    const cleared = seq(rcv).length;

    // A broken commit, then the source goes away: the pass failure is not cleared by the source failure.
    repo.commit(BROKEN);
    await reconcile(d);
    last = await passOn(d, last, repo.head());
    renameSync(repo.bare, `${repo.bare}.away`);
    await reconcile(d);
    last = await passOn(d, last);
    await eventually(() => expect(seq(rcv).slice(cleared)).toEqual(["pass-failed:firing", "source-unreachable:firing"]), WAIT);
    renameSync(`${repo.bare}.away`, repo.bare);
    const good = repo.commit(manifests("nginx:1.28"));
    await reconcile(d);
    last = await passOn(d, last, good);
    await eventually(() => expect(seq(rcv).slice(cleared + 2).sort()).toEqual(["pass-failed:resolved", "source-unreachable:resolved"]), WAIT);

    // Removing an application with --max-deletions 0: the prune guard refuses.
    repo.commit(manifests("nginx:1.28", false));
    await reconcile(d);
    last = await passOn(d, last, repo.head());
    await eventually(() => expect(seq(rcv).slice(cleared + 4).sort()).toEqual(["pass-failed:firing", "prune-refused:firing"]), WAIT);
    expect(rcv.deliveries.find((x) => x.event === "prune-refused")!.body.text).toMatch(/prune refused by the max-deletions guard/);
    repo.commit(manifests("nginx:1.28"));
    await reconcile(d);
    last = await passOn(d, last, repo.head());
    await eventually(() => expect(seq(rcv).slice(cleared + 6).sort()).toEqual(["pass-failed:resolved", "prune-refused:resolved"]), WAIT);

    // Someone edits the application in Dokploy: the next pass corrects it and says so (once).
    const state = (await (await fetch(`${d.simulatorUrl}/__simulator/state`)).json()) as { projects: Array<{ name: string; environments: Array<{ applications: Array<{ applicationId: string; name: string; env: string }> }> }> };
    const web = state.projects.find((p) => p.name === "shop")!.environments.flatMap((e) => e.applications).find((a) => a.name === "web")!;
    await fetch(`${d.simulatorUrl}/__simulator/update`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: "application", id: web.applicationId, patch: { env: web.env.replace("LOG_LEVEL=info", "LOG_LEVEL=debug") } }) });
    await reconcile(d);
    last = await passOn(d, last);
    await reconcile(d);
    last = await passOn(d, last);
    await eventually(() => expect(seq(rcv).slice(cleared + 8)).toEqual(["drift-corrected:firing"]), WAIT);
    expect(rcv.deliveries.at(-1)!.body.text).toBe("application/shop/production/web: drift corrected (/spec/env/LOG_LEVEL)");

    // The Slack-style target got the same notices, as text.
    await eventually(() => expect(rcv.raw.length - rcv.deliveries.length).toBe(rcv.deliveries.length), WAIT);
    expectNoSecrets(rcv);
    expect(d.logs.map((l) => JSON.stringify(l)).join("\n")).not.toContain("slack-path-token-e5");
    // Counted per provider, never per host (/metrics is read without a credential).
    const metrics = (await (await fetch(`${d.url}/metrics`)).text()).split("\n").filter((l) => l.startsWith("dokploy_gitops_notifications_total"));
    expect(metrics).toEqual(expect.arrayContaining([`dokploy_gitops_notifications_total{provider="webhook",result="sent"} ${rcv.deliveries.length}`]));
    expect(metrics.join("\n")).not.toContain("127.0.0.1");
  }, 120_000);
});

describe("notifications (detect mode)", () => {
  let sim: SimulatorHandle | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it("announces a drift once when found and once when it is gone", async () => {
    const rcv = await receiver();
    sim = await startTestSimulator();
    const dir = tempDir("dg-notify-");
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const repo = createTestRepo();
    cleanups.push(repo.cleanup);
    repo.commit(manifests("nginx:1.27"));
    const env = { DOKPLOY_URL: sim.url, DOKPLOY_API_KEY: sim.apiKey, PAYMENT_KEY: CANARY };
    const applied = await runCliProcess(["apply", path.join(repo.work, "deploy")], { env });
    expect(applied.code, applied.stderr).toBe(0);
    const d = await daemon(["--url", sim.url, "--mode", "detect", "--source", repo.url, "--path", "deploy"], rcv, path.join(dir, "work"), { DOKPLOY_API_KEY: sim.apiKey });
    let last = await passOn(d, undefined);

    const app = sim.control.state().projects.flatMap((p) => p.environments.flatMap((e) => e.applications)).find((a) => a.name === "api")!;
    sim.control.update("application", app.applicationId, { env: String(app.env).replace("LOG_LEVEL=info", "LOG_LEVEL=debug") });
    for (let i = 0; i < 3; i++) {
      await reconcile(d);
      last = await passOn(d, last);
    }
    await eventually(() => expect(seq(rcv)).toEqual(["drift-detected:firing"]), WAIT);
    expect(rcv.deliveries[0]!.body.text).toBe("application/shop/production/api: drifted (/spec/env/LOG_LEVEL)");
    sim.control.update("application", app.applicationId, { env: String(app.env) });
    await reconcile(d);
    last = await passOn(d, last);
    await eventually(() => expect(seq(rcv)).toEqual(["drift-detected:firing", "drift-detected:resolved"]), WAIT);
    expectNoSecrets(rcv);
  }, 90_000);
});
