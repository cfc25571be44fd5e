/**
 * Renders the chart with the real helm and checks the objects a cluster would
 * get: one Recreate replica, probes, a locked-down security context, and
 * credentials wired only through Secrets.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderChart, writeValuesFile, type K8sObject, type Rendered } from "../../helpers/helm.ts";
import { fullValues, KNOWN_HOSTS, SECRETS } from "./values.ts";

interface Container {
  name: string;
  args: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  ports: Array<{ name: string; containerPort: number }>;
  livenessProbe: { httpGet: { path: string; port: string | number } };
  readinessProbe: { httpGet: { path: string; port: string | number } };
  securityContext: Record<string, unknown>;
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}
interface Volume {
  name: string;
  emptyDir?: Record<string, unknown>;
  persistentVolumeClaim?: { claimName: string };
  secret?: { secretName: string; items?: Array<{ key: string; path: string }> };
}
interface PodSpec {
  securityContext: Record<string, unknown>;
  automountServiceAccountToken: boolean;
  serviceAccountName: string;
  containers: Container[];
  volumes: Volume[];
}
interface Deployment extends K8sObject {
  spec: {
    replicas: number;
    strategy: { type: string };
    template: { metadata: { annotations?: Record<string, string> }; spec: PodSpec };
  };
}

function only(rendered: Rendered, kind: string): K8sObject {
  const found = rendered.objects.filter((o) => o.kind === kind);
  expect(found, `exactly one ${kind}`).toHaveLength(1);
  return found[0]!;
}

function deploymentOf(rendered: Rendered): Deployment {
  return only(rendered, "Deployment") as Deployment;
}

function containerOf(rendered: Rendered): Container {
  const containers = deploymentOf(rendered).spec.template.spec.containers;
  expect(containers).toHaveLength(1);
  return containers[0]!;
}

/** The value following a flag in the args, or undefined when the flag is absent. */
function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

/** The Secret key behind a mounted credential file, following mount -> volume -> item. */
function secretBehindFile(rendered: Rendered, file: string): { secretName: string; key: string } {
  const pod = deploymentOf(rendered).spec.template.spec;
  const mount = pod.containers[0]!.volumeMounts.find((m) => file.startsWith(`${m.mountPath}/`));
  expect(mount, `a volume mount containing ${file}`).toBeDefined();
  expect(mount!.readOnly).toBe(true);
  const volume = pod.volumes.find((v) => v.name === mount!.name);
  expect(volume?.secret, `volume ${mount!.name} is a Secret volume`).toBeDefined();
  const item = volume!.secret!.items?.find((i) => `${mount!.mountPath}/${i.path}` === file);
  expect(item, `an item of the secret volume for ${file}`).toBeDefined();
  return { secretName: volume!.secret!.secretName, key: item!.key };
}

/** Every rendered byte outside Secret data: the only place a credential may live. */
function textOutsideSecretData(rendered: Rendered): string {
  return rendered.objects
    .map((o) => {
      if (o.kind !== "Secret") return JSON.stringify(o);
      const { data: _d, stringData: _s, ...rest } = o as K8sObject & { data?: unknown; stringData?: unknown };
      return JSON.stringify(rest);
    })
    .join("\n");
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "dokploy-gitops-helm-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("helm template with default values", () => {
  let rendered: Rendered;
  beforeAll(() => {
    rendered = renderChart();
  });

  it("renders exactly the core objects, with the optional ones off", () => {
    expect(rendered.objects.map((o) => o.kind).sort()).toEqual(["Deployment", "Secret", "Service", "ServiceAccount"]);
  });

  it("runs one replica with the Recreate strategy, so two reconcilers never overlap", () => {
    const d = deploymentOf(rendered);
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: "Recreate" });
  });

  it("probes /healthz for liveness and /readyz for readiness on the http port 8080", () => {
    const c = containerOf(rendered);
    expect(c.ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    expect(c.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(c.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(flag(c.args, "--listen")).toBe("0.0.0.0:8080");
  });

  it("locks the container down: non-root, read-only root, no escalation, no capabilities, RuntimeDefault seccomp", () => {
    const d = deploymentOf(rendered);
    const c = containerOf(rendered);
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(c.securityContext.runAsUser).not.toBe(0);
    expect(d.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(d.spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  it("sets resource requests and limits", () => {
    const { resources } = containerOf(rendered);
    expect(resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(resources.limits).toMatchObject({ memory: expect.any(String) });
  });

  it("gives the read-only container a writable work dir and /tmp, both emptyDirs", () => {
    const pod = deploymentOf(rendered).spec.template.spec;
    const mounts = Object.fromEntries(pod.containers[0]!.volumeMounts.map((m) => [m.mountPath, m.name]));
    const volumes = Object.fromEntries(pod.volumes.map((v) => [v.name, v]));
    expect(volumes[mounts["/var/lib/dokploy-gitops"]!]?.emptyDir).toBeDefined();
    expect(volumes[mounts["/tmp"]!]?.emptyDir).toBeDefined();
    expect(flag(pod.containers[0]!.args, "--work-dir")).toBe("/var/lib/dokploy-gitops");
  });

  it("starts the daemon with `run` and reads the API key from the chart's Secret file", () => {
    const c = containerOf(rendered);
    expect(c.args[0]).toBe("run");
    // No branch by default: the daemon follows the remote's default branch.
    expect(c.args).not.toContain("--branch");
    expect(c.args).not.toContain("--schedule");
    expect(flag(c.args, "--interval")).toBe("1m"); // the daemon's own default
    const file = flag(c.args, "--api-key-file");
    expect(file).toBeDefined();
    const secret = only(rendered, "Secret");
    expect(secretBehindFile(rendered, file!)).toEqual({ secretName: secret.metadata.name, key: "api-key" });
    // The one literal env var: V8's young-generation cap (not a secret; see values.yaml nodeOptions).
    expect(c.env ?? []).toEqual([{ name: "NODE_OPTIONS", value: "--max-semi-space-size=8 --expose-gc" }]);
  });

  it("puts a checksum of the created Secret on the pod", () => {
    const annotations = deploymentOf(rendered).spec.template.metadata.annotations ?? {};
    expect(annotations["checksum/credentials"]).toMatch(/^[0-9a-f]{64}$/);
  });

  it("labels every object with the standard labels", () => {
    for (const o of rendered.objects) {
      expect(o.metadata.labels, `${o.kind} labels`).toMatchObject({
        "app.kubernetes.io/name": "dokploy-gitops",
        "app.kubernetes.io/instance": "test-release",
        "app.kubernetes.io/managed-by": "Helm",
        "helm.sh/chart": "dokploy-gitops-0.1.0",
      });
    }
  });
});

describe("helm template with every option on", () => {
  let rendered: Rendered;
  beforeAll(() => {
    rendered = renderChart([writeValuesFile(dir, "full.json", fullValues())]);
  });

  it("renders the optional objects too", () => {
    expect(rendered.objects.map((o) => o.kind).sort()).toEqual([
      "Deployment",
      "Ingress",
      "NetworkPolicy",
      "PersistentVolumeClaim",
      "Secret",
      "Service",
      "ServiceAccount",
      "ServiceMonitor",
    ]);
  });

  it("passes every setting to the daemon as a flag", () => {
    const { args } = containerOf(rendered);
    expect(args[0]).toBe("run");
    expect(flag(args, "--source")).toBe("https://github.com/acme/dokploy-config.git");
    expect(flag(args, "--branch")).toBe("production");
    expect(flag(args, "--path")).toBe("clusters/prod");
    expect(flag(args, "--interval")).toBe("2m");
    expect(args).not.toContain("--schedule");
    expect(flag(args, "--mode")).toBe("apply");
    expect(args).toContain("--prune");
    expect(args).not.toContain("--allow-empty");
    expect(flag(args, "--max-deletions")).toBe("5");
    expect(flag(args, "--concurrency")).toBe("8");
    expect(flag(args, "--deploy-timeout")).toBe("15m");
    expect(flag(args, "--instance")).toBe("prod-eu");
    expect(flag(args, "--log-level")).toBe("debug");
    expect(flag(args, "--url")).toBe("https://dokploy.example.com");
    expect(flag(args, "--request-timeout")).toBe("45s");
    expect(args.at(-1)).toBe("--some-future-flag");
  });

  it("wires every credential through the Secret: files for keys and secrets, secretKeyRef for GIT_TOKEN", () => {
    const c = containerOf(rendered);
    const secretName = only(rendered, "Secret").metadata.name;
    const files: Array<[string, string]> = [
      ["--api-key-file", "api-key"],
      ["--git-ssh-key", "ssh-privatekey"],
      ["--git-known-hosts", "known_hosts"],
      ["--webhook-secret-file", "webhook-secret"],
      ["--status-token-file", "status-token"],
    ];
    for (const [name, key] of files) {
      const file = flag(c.args, name);
      expect(file, name).toBeDefined();
      expect(secretBehindFile(rendered, file!)).toEqual({ secretName, key });
    }
    const gitToken = c.env?.find((e) => e.name === "GIT_TOKEN");
    expect(gitToken).toEqual({ name: "GIT_TOKEN", valueFrom: { secretKeyRef: { name: secretName, key: "git-token" } } });
  });

  it("stores each credential base64-encoded in the created Secret's data", () => {
    const secret = only(rendered, "Secret") as K8sObject & { data: Record<string, string>; stringData?: unknown };
    const decoded = Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]));
    expect(decoded).toEqual({
      "api-key": SECRETS.apiKey,
      "git-token": SECRETS.gitToken,
      "ssh-privatekey": SECRETS.sshPrivateKey,
      known_hosts: KNOWN_HOSTS,
      "webhook-secret": SECRETS.webhookSecret,
      "status-token": SECRETS.statusToken,
    });
    expect(secret.stringData).toBeUndefined();
  });

  it("never renders a credential (plain or base64) outside a Secret's data, and renders no ConfigMap", () => {
    expect(rendered.objects.some((o) => o.kind === "ConfigMap")).toBe(false);
    const outside = textOutsideSecretData(rendered);
    for (const [name, value] of Object.entries(SECRETS)) {
      for (const form of [value, JSON.stringify(value).slice(1, -1), Buffer.from(value).toString("base64")]) {
        expect(outside.includes(form), `${name} leaked outside Secret data`).toBe(false);
      }
    }
    // The raw text too: comments and documents the parser might not surface.
    const secretDoc = rendered.text.split(/^---$/m).find((d) => /^kind: Secret$/m.test(d)) ?? "";
    const rest = rendered.text.replace(secretDoc, "");
    for (const value of Object.values(SECRETS)) expect(rest.includes(value)).toBe(false);
    const c = containerOf(rendered);
    for (const e of c.env ?? []) {
      if (e.name === "NODE_OPTIONS") expect(e.value).toBe("--max-semi-space-size=8 --expose-gc");
      else expect(e.value, `env ${e.name} has a literal value`).toBeUndefined();
    }
  });

  it("uses the PersistentVolumeClaim for the work dir", () => {
    const pvc = only(rendered, "PersistentVolumeClaim") as K8sObject & { spec: { storageClassName: string; resources: { requests: { storage: string } } } };
    expect(pvc.spec.storageClassName).toBe("fast");
    expect(pvc.spec.resources.requests.storage).toBe("2Gi");
    const work = deploymentOf(rendered).spec.template.spec.volumes.find((v) => v.name === "work");
    expect(work?.persistentVolumeClaim?.claimName).toBe(pvc.metadata.name);
  });

  it("routes only /webhooks through the Ingress, to the Service port", () => {
    const ingress = only(rendered, "Ingress") as K8sObject & {
      spec: { ingressClassName: string; rules: Array<{ host: string; http: { paths: Array<{ path: string; backend: { service: { name: string; port: { number: number } } } }> } }> };
    };
    const service = only(rendered, "Service") as K8sObject & { spec: { ports: Array<{ port: number; targetPort: string }> } };
    expect(ingress.spec.ingressClassName).toBe("nginx");
    const paths = ingress.spec.rules.flatMap((r) => r.http.paths);
    expect(paths.map((p) => p.path)).toEqual(["/webhooks"]);
    expect(paths[0]!.backend.service).toEqual({ name: service.metadata.name, port: { number: 9090 } });
    expect(service.spec.ports).toEqual([{ name: "http", port: 9090, targetPort: "http", protocol: "TCP" }]);
  });

  it("scrapes /metrics with the ServiceMonitor, keeping the user's endpoint fields", () => {
    const sm = only(rendered, "ServiceMonitor") as K8sObject & { spec: { endpoints: Array<Record<string, unknown>> } };
    expect(sm.metadata.labels?.release).toBe("kube-prometheus-stack");
    expect(sm.spec.endpoints).toEqual([{ port: "http", path: "/metrics", interval: "15s", scrapeTimeout: "5s", honorLabels: true }]);
  });

  it("limits the NetworkPolicy to the http port from the given peers, with DNS plus the given egress", () => {
    const np = only(rendered, "NetworkPolicy") as K8sObject & {
      spec: { policyTypes: string[]; ingress: Array<{ ports: unknown[]; from?: unknown[] }>; egress: Array<{ ports?: Array<{ port: number }> }> };
    };
    expect(np.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(np.spec.ingress).toHaveLength(1);
    expect(np.spec.ingress[0]!.ports).toEqual([{ port: "http", protocol: "TCP" }]);
    expect(np.spec.ingress[0]!.from).toHaveLength(1);
    expect(np.spec.egress[0]!.ports?.map((p) => p.port)).toEqual([53, 53]);
    expect(np.spec.egress).toHaveLength(2);
  });

  it("keeps extra env entries as given (secretKeyRef), next to GIT_TOKEN", () => {
    const names = (containerOf(rendered).env ?? []).map((e) => e.name);
    expect(names).toEqual(["NODE_OPTIONS", "GIT_TOKEN", "SHOP_DB_PASSWORD"]);
  });

  it("changes the pod's checksum when the API key changes, so a rotated key restarts the pod", () => {
    const rotated = fullValues();
    (rotated.credentials as { apiKey: { value: string } }).apiKey.value = `${SECRETS.apiKey}-rotated`;
    const again = renderChart([writeValuesFile(dir, "rotated.json", rotated)]);
    const before = deploymentOf(rendered).spec.template.metadata.annotations?.["checksum/credentials"];
    const after = deploymentOf(again).spec.template.metadata.annotations?.["checksum/credentials"];
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(after).toMatch(/^[0-9a-f]{64}$/);
    expect(after).not.toBe(before);
  });
});

describe("helm template with an existing Secret", () => {
  it("creates no Secret, points every credential at the named one with the given keys, and has no checksum", () => {
    const rendered = renderChart([
      writeValuesFile(dir, "existing.json", {
        source: { url: "git@github.com:acme/dokploy-config.git", schedule: "*/10 * * * *" },
        dokploy: { url: "https://dokploy.example.com" },
        credentials: {
          existingSecret: "my-gitops-creds",
          apiKey: { key: "DOKPLOY_API_KEY" },
          gitSsh: { enabled: true, privateKeyKey: "id_ed25519", knownHostsKey: "hosts" },
          gitToken: { enabled: true, key: "token" },
        },
      }),
    ]);
    expect(rendered.objects.some((o) => o.kind === "Secret")).toBe(false);
    const c = containerOf(rendered);
    expect(secretBehindFile(rendered, flag(c.args, "--api-key-file")!)).toEqual({ secretName: "my-gitops-creds", key: "DOKPLOY_API_KEY" });
    expect(secretBehindFile(rendered, flag(c.args, "--git-ssh-key")!)).toEqual({ secretName: "my-gitops-creds", key: "id_ed25519" });
    expect(secretBehindFile(rendered, flag(c.args, "--git-known-hosts")!)).toEqual({ secretName: "my-gitops-creds", key: "hosts" });
    expect(c.env?.find((e) => e.name === "GIT_TOKEN")?.valueFrom?.secretKeyRef).toEqual({ name: "my-gitops-creds", key: "token" });
    expect(c.args).not.toContain("--webhook-secret-file");
    expect(flag(c.args, "--schedule")).toBe("*/10 * * * *");
    expect(c.args).not.toContain("--interval");
    expect(deploymentOf(rendered).spec.template.metadata.annotations?.["checksum/credentials"]).toBeUndefined();
  });

  it("scales to zero when asked, still with Recreate", () => {
    const d = deploymentOf(renderChart([writeValuesFile(dir, "zero.json", { replicaCount: 0 })]));
    expect(d.spec.replicas).toBe(0);
    expect(d.spec.strategy.type).toBe("Recreate");
  });
});
