/**
 * The benchmark fleet: a manifest repository of `projects` projects, each
 * with a configured `production` and a `staging` environment, and
 * `appsPerEnvironment` applications per environment, each with one domain.
 * The default shape is the issue's: 20 projects x 2 environments, 1,000
 * applications, 1,000 domains. Sources alternate docker / github / git so
 * every provider call of the applier is exercised.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Shape of a generated fleet. */
export interface FleetShape {
  projects: number;
  appsPerEnvironment: number;
  /**
   * Every fifth application also reads `API_TOKEN` from this environment
   * variable (`fromEnv`): the reliability suite plants a canary secret there.
   */
  secretFromEnv?: string;
}

/** The issue's fleet: 20 x 2 x 25 = 1,000 applications and 1,000 domains. */
export const ISSUE_FLEET: FleetShape = { projects: 20, appsPerEnvironment: 25 };

/** Environments per project (production, which Dokploy creates, and staging). */
export const ENVIRONMENTS = ["production", "staging"] as const;

function projectDocs(p: string): string {
  return `apiVersion: dokploy-gitops/v1
kind: Project
metadata:
  name: ${p}
spec:
  description: Fleet project ${p}
  env:
    LOG_LEVEL: info
---
apiVersion: dokploy-gitops/v1
kind: Environment
metadata:
  name: production
  project: ${p}
spec:
  description: Customers use this one
---
apiVersion: dokploy-gitops/v1
kind: Environment
metadata:
  name: staging
  project: ${p}
spec:
  description: Every merge lands here first
`;
}

/** The manifests of one application and its domain; `version` is the value of its VERSION env var. */
export function appDocs(p: string, env: string, a: string, i: number, version = "1", secretFromEnv?: string): string {
  const source =
    i % 3 === 0
      ? `    type: docker\n    image: ghcr.io/example/${a}:1.${i}.0\n`
      : i % 3 === 1
        ? `    type: github\n    owner: example\n    repository: ${a}\n    branch: main\n`
        : `    type: git\n    url: https://git.example.com/${p}/${a}.git\n    branch: main\n`;
  const build = i % 3 === 0 ? "" : `  build:\n    type: dockerfile\n`;
  return `apiVersion: dokploy-gitops/v1
kind: Application
metadata:
  name: ${a}
  project: ${p}
  environment: ${env}
spec:
  description: Service ${a}
  source:
${source}${build}  env:
    PORT: "3000"
    VERSION: "${version}"
${secretFromEnv && i % 5 === 0 ? `    API_TOKEN: {fromEnv: ${secretFromEnv}}\n` : ""}---
apiVersion: dokploy-gitops/v1
kind: Domain
metadata:
  name: public
  project: ${p}
  environment: ${env}
  application: ${a}
spec:
  host: ${a}.${env}.${p}.example.com
  port: 3000
`;
}

/** Names used by the generator, so benchmarks can point at one application. */
export const projectName = (pi: number): string => `p${String(pi).padStart(2, "0")}`;
export const appName = (i: number): string => `app-${String(i).padStart(3, "0")}`;

/** The file holding one application (one file per application, as many repositories do). */
export const appFile = (pi: number, env: string, i: number): string => join(projectName(pi), env, `${appName(i)}.yaml`);

/** Writes the fleet into `root` (created if missing); returns counts. */
export async function writeFleet(root: string, shape: FleetShape = ISSUE_FLEET): Promise<{ applications: number; domains: number; projects: number }> {
  let applications = 0;
  for (let pi = 0; pi < shape.projects; pi++) {
    const p = projectName(pi);
    await mkdir(join(root, p), { recursive: true });
    await writeFile(join(root, p, "project.yaml"), projectDocs(p));
    for (const env of ENVIRONMENTS) {
      await mkdir(join(root, p, env), { recursive: true });
      for (let i = 0; i < shape.appsPerEnvironment; i++) {
        await writeFile(join(root, appFile(pi, env, i)), appDocs(p, env, appName(i), i, "1", shape.secretFromEnv));
        applications++;
      }
    }
  }
  return { applications, domains: applications, projects: shape.projects };
}

/** A fresh temp dir with the fleet written into it. */
export async function fleetDir(shape: FleetShape = ISSUE_FLEET): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "dokploy-gitops-fleet-"));
  await writeFleet(root, shape);
  return root;
}
