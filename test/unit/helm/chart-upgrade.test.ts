/**
 * The generated status token survives upgrades: the chart reads the release's
 * Secret with Helm `lookup`. `helm template --dry-run=server` is run against a
 * small fake Kubernetes API on 127.0.0.1 (discovery plus the Secrets the test
 * puts there), so `lookup` sees a cluster without one. Also: an operator's
 * existing Secret without the token key is refused at install with what to do.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CHART_DIR, runHelmAsync, type HelmResult } from "../../helpers/helm.ts";

const NAMESPACE = "gitops";
const RELEASE = "rel";
const FULLNAME = "rel-dokploy-gitops";

/** Secrets in the fake cluster, by name: their `data` (base64 values). */
const secrets = new Map<string, Record<string, string>>();
let server: Server;
let dir: string;
let kubeconfig: string;

function resourceList(groupVersion: string, kinds: Array<[string, string]>): unknown {
  return {
    kind: "APIResourceList",
    groupVersion,
    resources: kinds.map(([name, kind]) => ({ name, singularName: kind.toLowerCase(), namespaced: true, kind, verbs: ["get", "list", "create", "update"] })),
  };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? "/").split("?")[0]!;
    if (path === "/version") return json(200, { major: "1", minor: "30", gitVersion: "v1.30.0" });
    if (path === "/api") return json(200, { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] });
    if (path === "/apis") {
      return json(200, { kind: "APIGroupList", apiVersion: "v1", groups: [{ name: "apps", versions: [{ groupVersion: "apps/v1", version: "v1" }], preferredVersion: { groupVersion: "apps/v1", version: "v1" } }] });
    }
    if (path === "/api/v1") return json(200, resourceList("v1", [["secrets", "Secret"], ["services", "Service"], ["serviceaccounts", "ServiceAccount"], ["persistentvolumeclaims", "PersistentVolumeClaim"]]));
    if (path === "/apis/apps/v1") return json(200, resourceList("apps/v1", [["deployments", "Deployment"]]));
    const m = new RegExp(`^/api/v1/namespaces/${NAMESPACE}/secrets/([^/]+)$`).exec(path);
    const data = m ? secrets.get(m[1]!) : undefined;
    if (data) {
      return json(200, {
        apiVersion: "v1",
        kind: "Secret",
        // Owned by the release, as Helm leaves it, so an upgrade may take it over.
        metadata: { name: m![1], namespace: NAMESPACE, labels: { "app.kubernetes.io/managed-by": "Helm" }, annotations: { "meta.helm.sh/release-name": RELEASE, "meta.helm.sh/release-namespace": NAMESPACE } },
        type: "Opaque",
        data,
      });
    }
    return json(404, { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404, message: "not found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  dir = mkdtempSync(join(tmpdir(), "dokploy-gitops-helm-upgrade-"));
  kubeconfig = join(dir, "kubeconfig");
  const port = (server.address() as AddressInfo).port;
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "fake", cluster: { server: `http://127.0.0.1:${port}` } }],
      users: [{ name: "test", user: { token: "fake" } }],
      contexts: [{ name: "fake", context: { cluster: "fake", user: "test", namespace: NAMESPACE } }],
      "current-context": "fake",
    }),
  );
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => secrets.clear());

/** `helm template --dry-run=server` against the fake cluster. */
function renderAgainstCluster(sets: string[] = []): Promise<HelmResult> {
  const args = ["template", RELEASE, CHART_DIR, "--namespace", NAMESPACE, "--dry-run=server", "--disable-openapi-validation"];
  for (const s of sets) args.push("--set", s);
  return runHelmAsync(args, kubeconfig);
}

function renderedToken(r: HelmResult): string | undefined {
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  for (const doc of parseAllDocuments(r.stdout)) {
    const o = doc.toJS() as { kind?: string; data?: Record<string, string> } | null;
    if (o?.kind === "Secret") return o.data?.["status-token"];
  }
  return undefined;
}

const b64 = (s: string): string => Buffer.from(s).toString("base64");

describe("the status token across upgrades (Helm lookup against a fake API server)", () => {
  it("keeps the token already in the release's Secret", async () => {
    secrets.set(FULLNAME, { "api-key": "", "status-token": b64("token-from-the-first-install") });
    expect(renderedToken(await renderAgainstCluster())).toBe(b64("token-from-the-first-install"));
  });

  it("generates one when the Secret has none yet (an upgrade from a chart without the token)", async () => {
    secrets.set(FULLNAME, { "api-key": "" });
    const token = Buffer.from(renderedToken(await renderAgainstCluster())!, "base64").toString("utf8");
    expect(token).toMatch(/^[A-Za-z0-9]{48}$/);
  });

  it("refuses an operator's existing Secret that lacks the token, saying how to add one", async () => {
    secrets.set("ops-creds", { "api-key": b64("k") });
    const r = await renderAgainstCluster(["credentials.existingSecret=ops-creds"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('credentials.existingSecret ops-creds has no key "status-token"');
    expect(r.stderr).toContain(`kubectl -n ${NAMESPACE} patch secret ops-creds`);
    expect(r.stderr).toContain("openssl rand -hex 32");
  });

  it("refuses an operator's existing Secret that lacks a notification key in use, naming the value to set", async () => {
    secrets.set("ops-creds", { "api-key": b64("k"), "status-token": b64("t"), "notify-urls": b64("https://hooks.slack.com/services/T/B/X") });
    const sets = ["credentials.existingSecret=ops-creds", "notifications.enabled=true", "credentials.notifySecret.enabled=true"];
    const r = await renderAgainstCluster(sets);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('credentials.existingSecret ops-creds has no key "notify-secret" (credentials.notifySecret.key)');
    expect(r.stderr).not.toContain("hooks.slack.com");
    secrets.set("ops-creds", { ...secrets.get("ops-creds")!, "notify-secret": b64("h") });
    expect((await renderAgainstCluster(sets)).status).toBe(0);
  });

  it("accepts an operator's existing Secret that holds the token", async () => {
    secrets.set("ops-creds", { "api-key": b64("k"), "status-token": b64("t") });
    const r = await renderAgainstCluster(["credentials.existingSecret=ops-creds"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
