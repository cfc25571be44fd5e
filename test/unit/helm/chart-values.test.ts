/**
 * Bad values fail the install with a message naming the value: the schema
 * catches shapes and enums, the templates catch what spans several fields.
 */
import { describe, expect, it } from "vitest";
import { CHART_DIR, runHelm } from "../../helpers/helm.ts";

function template(sets: string[]): { status: number; output: string } {
  const args = ["template", "t", CHART_DIR];
  for (const s of sets) args.push("--set", s);
  const r = runHelm(args);
  return { status: r.status, output: r.stdout + r.stderr };
}

describe("values.schema.json", () => {
  it.each([
    ["an unknown mode", ["mode=foo"], "/mode"],
    ["two replicas", ["replicaCount=2"], "/replicaCount"],
    ["an unknown top-level key (a typo)", ["prunne=true"], "prunne"],
    ["an unknown nested key", ["source.branchh=main"], "branchh"],
    ["a duration with words", ["source.interval=5 minutes"], "/source/interval"],
    ["a cron schedule with too few fields", ["source.schedule=* *"], "/source/schedule"],
    ["a git URL with a password in it", ["source.url=https://bot:hunter22@github.com/acme/config.git"], "/source/url"],
    ["a git URL with a token as user", ["source.url=https://ghp_abcdef123456@github.com/acme/config.git"], "/source/url"],
    ["a Dokploy URL without scheme", ["dokploy.url=dokploy.example.com"], "/dokploy/url"],
    ["an instance that is not a DNS label", ["instance=Prod_EU"], "/instance"],
    ["an unknown log level", ["logLevel=verbose"], "/logLevel"],
    ["a negative concurrency", ["concurrency=-1"], "/concurrency"],
    ["a string for prune", ["prune=yes"], "/prune"],
    ["a branch with a space", ["source.branch=my branch"], "/source/branch"],
    ["an ingress path without leading slash", ["ingress.enabled=true", "ingress.hosts[0].host=x.example.com", "ingress.hosts[0].paths[0].path=webhooks", "ingress.hosts[0].paths[0].pathType=Prefix"], "/ingress/hosts/0/paths/0/path"],
  ])("rejects %s", (_name, sets, where) => {
    const r = template(sets);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain("don't meet the specifications of the schema");
    expect(r.output).toContain(where);
  });

  it.each([
    ["an https git URL", ["source.url=https://github.com/acme/config.git"]],
    ["an scp-style ssh URL", ["source.url=git@github.com:acme/config.git"]],
    ["an ssh:// URL with a user", ["source.url=ssh://git@gitea.example.com:2222/acme/config.git"]],
    ["a six-field cron", ["source.schedule=0 */5 * * * *"]],
    ["detect mode, zero replicas", ["mode=detect", "replicaCount=0"]],
  ])("accepts %s", (_name, sets) => {
    const r = template(sets);
    expect(r.output).not.toContain("Error");
    expect(r.status).toBe(0);
  });
});

describe("cross-field checks in the templates", () => {
  it.each([
    [
      "a value next to existingSecret",
      ["credentials.existingSecret=creds", "credentials.apiKey.value=abcd1234"],
      "credentials.apiKey.value is set, but so is credentials.existingSecret",
    ],
    ["a git token switched on without a value", ["credentials.gitToken.enabled=true"], "credentials.gitToken.value is empty"],
    ["an SSH key without known_hosts", ["credentials.gitSsh.privateKey=KEYDATA"], "credentials.gitSsh.knownHosts is empty"],
    ["SSH switched on without a key", ["credentials.gitSsh.enabled=true"], "credentials.gitSsh.privateKey is empty"],
    ["a webhook secret switched on without a value", ["credentials.webhookSecret.enabled=true"], "credentials.webhookSecret.value is empty"],
    ["metrics protected without a status token", ["protectMetrics=true", "credentials.statusToken.enabled=false"], "protectMetrics needs the status token"],
    ["an existing claim with persistence off", ["persistence.existingClaim=work"], "persistence.existingClaim is set but persistence.enabled is false"],
  ])("rejects %s with a message that says what to do", (_name, sets, message) => {
    const r = template(sets);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain(message);
  });

  it("does not echo the conflicting credential value in the error", () => {
    const r = template(["credentials.existingSecret=creds", "credentials.apiKey.value=dkp-SECRET-do-not-echo"]);
    expect(r.status).not.toBe(0);
    expect(r.output).not.toContain("dkp-SECRET-do-not-echo");
  });
});

describe("NOTES.txt", () => {
  it("tells how to reach /status through a port-forward, with the bearer token when one is set", () => {
    const r = runHelm([
      "install", "gitops", CHART_DIR, "--dry-run=client", "--namespace", "infra",
      "--set", "source.url=https://github.com/acme/config.git",
      "--set", "dokploy.url=https://dokploy.example.com",
      "--set", "credentials.existingSecret=creds",
    ]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const notes = r.stdout.slice(r.stdout.indexOf("NOTES:"));
    expect(notes).toContain("kubectl --namespace infra port-forward service/gitops-dokploy-gitops 8080:8080");
    expect(notes).toContain("http://127.0.0.1:8080/status");
    expect(notes).toContain("Authorization: Bearer");
    expect(notes).not.toContain("WARNING");
  });

  it("warns when the source, Dokploy URL or API key is missing", () => {
    const r = runHelm(["install", "gitops", CHART_DIR, "--dry-run=client"]);
    expect(r.status).toBe(0);
    const notes = r.stdout.slice(r.stdout.indexOf("NOTES:"));
    expect(notes).toContain("WARNING: source.url is empty");
    expect(notes).toContain("WARNING: dokploy.url is empty");
    expect(notes).toContain("WARNING: no Dokploy API key");
  });
});
