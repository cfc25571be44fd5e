/**
 * The compose example (dokploy-gitops as a Dokploy Compose service) must stay
 * runnable as the image and the package change: same image and version as the
 * chart, the daemon's work dir on a volume, secrets only by interpolation, and
 * excluded from manifest loading.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CHART_DIR, REPO_ROOT } from "../../helpers/helm.ts";
import { all, execForm, parseDockerfile } from "./dockerfile.ts";

interface ComposeService {
  image: string;
  command: string[];
  environment: Record<string, string>;
  volumes: string[];
  read_only?: boolean;
  tmpfs?: string[];
  cap_drop?: string[];
  networks: string[];
  user?: string;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
  networks: Record<string, { external?: boolean }>;
}

const compose = parse(readFileSync(join(REPO_ROOT, "examples/dokploy-compose/docker-compose.yml"), "utf8")) as ComposeFile;
const service = compose.services["dokploy-gitops"]!;
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
const chartValues = parse(readFileSync(join(CHART_DIR, "values.yaml"), "utf8")) as { image: { repository: string } };
const runtime = parseDockerfile(readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8")).stages.at(-1)!;

function flag(name: string): string | undefined {
  const i = service.command.indexOf(name);
  return i === -1 ? undefined : service.command[i + 1];
}

describe("examples/dokploy-compose/docker-compose.yml", () => {
  it("runs the chart's image at the package's version", () => {
    expect(service.image).toBe(`${chartValues.image.repository}:${pkg.version}`);
  });

  it("starts `run` with the work dir on the image's volume, served on 8080", () => {
    expect(service.command[0]).toBe("run");
    const volume = all(runtime, "VOLUME").flatMap((v) => execForm(v.rest) ?? [])[0];
    expect(flag("--work-dir")).toBe(volume);
    expect(service.volumes.some((v) => v.endsWith(`:${volume}`))).toBe(true);
    expect(flag("--listen")).toBe("0.0.0.0:8080");
  });

  it("requires the source URL and the API key, and takes secrets only from interpolated variables", () => {
    expect(flag("--source")).toMatch(/^\$\{GITOPS_SOURCE_URL:\?.+\}$/);
    expect(service.environment.DOKPLOY_API_KEY).toMatch(/^\$\{DOKPLOY_API_KEY:\?.+\}$/);
    for (const [name, value] of Object.entries(service.environment)) {
      if (/KEY|TOKEN|SECRET|PASSWORD/.test(name)) expect(value, name).toMatch(/^\$\{[A-Z_]+(:[?-].*)?\}$/);
    }
  });

  it("requires a status token (control and /status need one), taken from an interpolated variable", () => {
    expect(service.environment.DOKPLOY_GITOPS_STATUS_TOKEN).toMatch(/^\$\{DOKPLOY_GITOPS_STATUS_TOKEN:\?.*openssl rand -hex 32.*\}$/);
    expect(service.command).not.toContain("--public-status");
  });

  it("reaches Dokploy on dokploy-network, which the Dokploy installer created", () => {
    expect(service.networks).toContain("dokploy-network");
    expect(compose.networks["dokploy-network"]?.external).toBe(true);
    expect(service.environment.DOKPLOY_URL).toContain("http://dokploy:3000");
  });

  it("runs locked down: read-only root with a /tmp tmpfs, no capabilities", () => {
    expect(service.read_only).toBe(true);
    expect(service.tmpfs).toContain("/tmp");
    expect(service.cap_drop).toEqual(["ALL"]);
  });

  it("is excluded from manifest loading by examples/.dokploygitopsignore", () => {
    const ignore = readFileSync(join(REPO_ROOT, "examples/.dokploygitopsignore"), "utf8").split("\n").map((l) => l.trim());
    expect(ignore).toContain("dokploy-compose/");
  });
});
