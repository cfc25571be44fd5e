/**
 * The chart is secure without configuration: with no values at all it renders
 * a Secret holding a generated status token and a daemon that requires it;
 * it uses an operator's existing Secret when one is named; the metrics and
 * status switches reach the daemon; and the NetworkPolicy example lets only
 * the ingress controller in. Real `helm template`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHART_DIR, renderChart, runHelm, writeValuesFile, type K8sObject, type Rendered } from "../../helpers/helm.ts";

interface Pod {
  metadata: { annotations?: Record<string, string> };
  spec: {
    containers: Array<{ args: string[]; volumeMounts: Array<{ name: string; mountPath: string }> }>;
    volumes: Array<{ name: string; secret?: { secretName: string; items?: Array<{ key: string; path: string }> } }>;
  };
}

const CREDENTIALS_DIR = "/etc/dokploy-gitops/credentials";

function deployment(r: Rendered): Pod {
  return (r.objects.find((o) => o.kind === "Deployment") as K8sObject & { spec: { template: Pod } }).spec.template;
}
function args(r: Rendered): string[] {
  return deployment(r).spec.containers[0]!.args;
}
function flag(list: string[], name: string): string | undefined {
  const i = list.indexOf(name);
  return i === -1 ? undefined : list[i + 1];
}
/** Secret name and key mounted at the credentials dir under `file`. */
function mounted(r: Rendered, file: string): { secretName: string; key: string } | undefined {
  const volume = deployment(r).spec.volumes.find((v) => v.name === "credentials");
  const item = volume?.secret?.items?.find((i) => `${CREDENTIALS_DIR}/${i.path}` === file);
  return item ? { secretName: volume!.secret!.secretName, key: item.key } : undefined;
}
function secretData(r: Rendered): Record<string, string> | undefined {
  return (r.objects.find((o) => o.kind === "Secret") as (K8sObject & { data: Record<string, string> }) | undefined)?.data;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "dokploy-gitops-helm-sec-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("the chart with no values set", () => {
  let rendered: Rendered;
  beforeAll(() => {
    rendered = renderChart();
  });

  it("generates a long random status token into its Secret", () => {
    const data = secretData(rendered)!;
    const token = Buffer.from(data["status-token"]!, "base64").toString("utf8");
    expect(token).toMatch(/^[A-Za-z0-9]{48}$/);
    // Random per install (`lookup` keeps it across upgrades on a real cluster).
    const again = Buffer.from(secretData(renderChart())!["status-token"]!, "base64").toString("utf8");
    expect(again).not.toBe(token);
  });

  it("runs a daemon that requires it: --status-token-file is the Secret's status-token, and /status is not public", () => {
    const list = args(rendered);
    const file = flag(list, "--status-token-file");
    expect(file).toBe(`${CREDENTIALS_DIR}/status-token`);
    const secret = rendered.objects.find((o) => o.kind === "Secret")!;
    expect(mounted(rendered, file!)).toEqual({ secretName: secret.metadata.name, key: "status-token" });
    expect(flag(list, "--listen")).toBe("0.0.0.0:8080");
    expect(list).not.toContain("--public-status");
    expect(list).not.toContain("--status-token");
  });

  it("keeps the pod's checksum stable across renders (a generated token does not restart the pod at every upgrade)", () => {
    const checksum = (r: Rendered) => deployment(r).metadata.annotations?.["checksum/credentials"];
    expect(checksum(rendered)).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(renderChart())).toBe(checksum(rendered));
  });

  it("says in NOTES how to read the token and use it (curl and the browser login)", () => {
    const r = runHelm(["install", "gitops", CHART_DIR, "--dry-run=client", "--namespace", "infra"]);
    expect(r.status).toBe(0);
    const notes = r.stdout.slice(r.stdout.indexOf("NOTES:"));
    expect(notes).toContain("kubectl --namespace infra get secret gitops-dokploy-gitops -o jsonpath='{.data.status-token}' | base64 -d");
    expect(notes).toContain('curl -s -H "Authorization: Bearer $TOKEN"');
    expect(notes).toContain("http://127.0.0.1:8080/login");
    expect(notes).not.toMatch(/[A-Za-z0-9]{48}/);
  });
});

describe("the status token from values", () => {
  it("uses a given value", () => {
    const r = renderChart([writeValuesFile(dir, "given.json", { credentials: { statusToken: { value: "given-token-0123456789abcdef" } } })]);
    expect(Buffer.from(secretData(r)!["status-token"]!, "base64").toString("utf8")).toBe("given-token-0123456789abcdef");
  });

  it("reads it from an operator's existing Secret when one is named, and creates no Secret", () => {
    const r = renderChart([writeValuesFile(dir, "existing.json", { credentials: { existingSecret: "ops-gitops", statusToken: { key: "token" } } })]);
    expect(r.objects.some((o) => o.kind === "Secret")).toBe(false);
    expect(mounted(r, flag(args(r), "--status-token-file")!)).toEqual({ secretName: "ops-gitops", key: "token" });
  });

  it("can be turned off: no token, no flag (the daemon then refuses every control request)", () => {
    const r = renderChart([writeValuesFile(dir, "off.json", { credentials: { statusToken: { enabled: false } } })]);
    expect(args(r)).not.toContain("--status-token-file");
    expect(secretData(r)!["status-token"]).toBeUndefined();
  });
});

describe("publicStatus and protectMetrics", () => {
  it("pass --public-status and --protect-metrics, and the ServiceMonitor sends the token", () => {
    const r = renderChart([writeValuesFile(dir, "switches.json", { publicStatus: true, protectMetrics: true, serviceMonitor: { enabled: true } })]);
    expect(args(r)).toContain("--public-status");
    expect(args(r)).toContain("--protect-metrics");
    const sm = r.objects.find((o) => o.kind === "ServiceMonitor") as K8sObject & { spec: { endpoints: Array<Record<string, unknown>> } };
    const secret = r.objects.find((o) => o.kind === "Secret")!;
    expect(sm.spec.endpoints[0]!.authorization).toEqual({ type: "Bearer", credentials: { name: secret.metadata.name, key: "status-token" } });
  });
});

describe("helm/dokploy-gitops/examples/webhooks-via-ingress-only.yaml", () => {
  it("routes only /webhooks and lets only the ingress controller reach the port", () => {
    const r = renderChart([join(CHART_DIR, "examples", "webhooks-via-ingress-only.yaml")], ["--set", "credentials.existingSecret=creds"]);
    const ingress = r.objects.find((o) => o.kind === "Ingress") as K8sObject & { spec: { rules: Array<{ http: { paths: Array<{ path: string }> } }> } };
    expect(ingress.spec.rules.flatMap((rule) => rule.http.paths.map((p) => p.path))).toEqual(["/webhooks"]);
    const np = r.objects.find((o) => o.kind === "NetworkPolicy") as K8sObject & { spec: { policyTypes: string[]; ingress: Array<{ from: unknown[]; ports: unknown[] }> } };
    expect(np.spec.policyTypes).toContain("Ingress");
    expect(np.spec.ingress).toEqual([
      {
        ports: [{ port: "http", protocol: "TCP" }],
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "ingress-nginx" } } }],
      },
    ]);
    expect(args(r)).toContain("--webhook-secret-file");
  });
});
