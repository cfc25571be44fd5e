/**
 * Values the chart tests render with. The secret strings are distinctive so a
 * leak check can search the whole rendered output for them (and their base64).
 */

/** Credentials given to the chart in tests; none may show outside a Secret's data. */
export const SECRETS = {
  apiKey: "dkp-TEST-apikey-7f3a9c1e5b2d4680",
  gitToken: "ghp_TESTgittoken0123456789abcdef",
  sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nTESTsshkeyb3BlbnNzaC1rZXktdjEAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
  webhookSecret: "whsec-TEST-5e6f7a8b9c0d",
  statusToken: "status-TEST-token-a1b2c3d4",
} as const;

/** A known_hosts line: public, but it rides in the Secret with the key. */
export const KNOWN_HOSTS = "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n";

/** Every optional feature switched on, with the chart creating the Secret. */
export function fullValues(): Record<string, unknown> {
  return {
    replicaCount: 1,
    image: { repository: "registry.example.com/dokploy-gitops", tag: "1.2.3", pullPolicy: "Always" },
    imagePullSecrets: [{ name: "regcred" }],
    source: {
      url: "https://github.com/acme/dokploy-config.git",
      branch: "production",
      path: "clusters/prod",
      interval: "2m",
      schedule: "",
    },
    dokploy: { url: "https://dokploy.example.com", requestTimeout: "45s" },
    mode: "apply",
    prune: true,
    allowEmpty: false,
    maxDeletions: 5,
    concurrency: 8,
    deployTimeout: "15m",
    suspend: false,
    instance: "prod-eu",
    logLevel: "debug",
    extraArgs: ["--some-future-flag"],
    credentials: {
      existingSecret: "",
      apiKey: { key: "api-key", value: SECRETS.apiKey },
      gitToken: { enabled: true, key: "git-token", value: SECRETS.gitToken },
      gitSsh: {
        enabled: true,
        privateKeyKey: "ssh-privatekey",
        knownHostsKey: "known_hosts",
        privateKey: SECRETS.sshPrivateKey,
        knownHosts: KNOWN_HOSTS,
      },
      webhookSecret: { enabled: true, key: "webhook-secret", value: SECRETS.webhookSecret },
      statusToken: { enabled: true, key: "status-token", value: SECRETS.statusToken },
    },
    extraEnv: [
      { name: "SHOP_DB_PASSWORD", valueFrom: { secretKeyRef: { name: "shop-secrets", key: "db-password" } } },
    ],
    extraEnvFrom: [{ secretRef: { name: "manifest-secrets" } }],
    extraVolumes: [{ name: "manifest-files", secret: { secretName: "manifest-files" } }],
    extraVolumeMounts: [{ name: "manifest-files", mountPath: "/etc/manifest-files", readOnly: true }],
    persistence: { enabled: true, storageClass: "fast", size: "2Gi" },
    serviceAccount: { create: true, name: "gitops-sa", annotations: { "example.com/team": "platform" } },
    podAnnotations: { "example.com/scrape": "true" },
    podLabels: { team: "platform" },
    priorityClassName: "system-cluster-critical",
    nodeSelector: { "kubernetes.io/os": "linux" },
    tolerations: [{ key: "dedicated", operator: "Equal", value: "infra", effect: "NoSchedule" }],
    affinity: {},
    service: { type: "ClusterIP", port: 9090, annotations: { "example.com/svc": "yes" } },
    ingress: {
      enabled: true,
      className: "nginx",
      annotations: { "cert-manager.io/cluster-issuer": "letsencrypt" },
      hosts: [{ host: "gitops.example.com", paths: [{ path: "/webhooks", pathType: "Prefix" }] }],
      tls: [{ secretName: "gitops-tls", hosts: ["gitops.example.com"] }],
    },
    serviceMonitor: {
      enabled: true,
      interval: "15s",
      scrapeTimeout: "5s",
      labels: { release: "kube-prometheus-stack" },
      endpointConfig: { honorLabels: true },
    },
    networkPolicy: {
      enabled: true,
      ingressFrom: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }],
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 443, protocol: "TCP" }, { port: 22, protocol: "TCP" }] }],
      allowDNS: true,
    },
  };
}
