/**
 * Benchmark: how long `loadManifests` takes for 1,000 manifests (the issue
 * asks for well under a second). Generates a realistic repository in a temp
 * directory (10 projects, each with a staging environment, 40 applications
 * and 50 domains, spread over multi-document files), then times a cold load
 * (schema compilation included) and warm loads. Prints figures; asserts
 * nothing.
 *
 *     node bench/validate.ts [MANIFESTS]
 */
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { loadManifests } from "../src/manifest/index.ts";

const target = Number(process.argv[2] ?? 1000);
const PROJECTS = 10;
const perProject = Math.max(3, Math.floor(target / PROJECTS));

function projectFile(p: string): string {
  return `apiVersion: dokploy-gitops/v1
kind: Project
metadata:
  name: ${p}
spec:
  description: Benchmark project ${p}
  env:
    LOG_LEVEL: info
    SENTRY_DSN: {fromEnv: SENTRY_DSN}
---
apiVersion: dokploy-gitops/v1
kind: Environment
metadata:
  name: staging
  project: ${p}
spec:
  env:
    PUBLIC_URL: https://staging.${p}.example.com
`;
}

function appFile(p: string, env: string, a: string, i: number): string {
  const source =
    i % 3 === 0
      ? `    type: github\n    owner: example\n    repository: ${a}\n    branch: main\n    watchPaths: [src/**]\n`
      : i % 3 === 1
        ? `    type: git\n    url: git@git.example.com:${p}/${a}.git\n    branch: main\n`
        : `    type: docker\n    image: ghcr.io/example/${a}:1.${i}.0\n`;
  const build = i % 3 === 2 ? "" : `  build:\n    type: ${i % 2 === 0 ? "dockerfile" : "nixpacks"}\n`;
  return `apiVersion: dokploy-gitops/v1
kind: Application
metadata:
  name: ${a}
  project: ${p}
  environment: ${env}
  annotations:
    dokploy-gitops/deletion-policy: delete
spec:
  description: Service ${a}
  source:
${source}${build}  replicas: ${1 + (i % 3)}
  resources:
    memoryLimit: 512Mi
    cpuLimit: 500m
  env:
    PORT: 3000
    DATABASE_URL: {fromEnv: DATABASE_URL_${i}}
    LOG_LEVEL: \${{project.LOG_LEVEL}}
---
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
  https: true
  certificateType: letsencrypt
`;
}

const root = await mkdtemp(join(tmpdir(), "dokploy-gitops-bench-"));
try {
  let manifests = 0;
  let files = 0;
  for (let pi = 0; pi < PROJECTS; pi++) {
    const p = `project-${pi}`;
    await mkdir(join(root, p), { recursive: true });
    await writeFile(join(root, p, "project.yaml"), projectFile(p));
    manifests += 2;
    files++;
    for (let i = 0; manifests < ((pi + 1) * target) / PROJECTS - 1 && i < perProject; i++) {
      const env = i % 2 === 0 ? "production" : "staging";
      await writeFile(join(root, p, `app-${i}.yaml`), appFile(p, env, `app-${i}`, i));
      manifests += 2;
      files++;
    }
  }

  // Wall time depends on what else the machine runs; CPU time of this process much less so.
  const time = async (): Promise<{ ms: number; cpuMs: number; documents: number; valid: boolean }> => {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const report = await loadManifests(root);
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    const errors = report.diagnostics.filter((d) => d.severity === "error");
    if (errors.length > 0) console.error(`unexpected errors, first: ${errors[0]!.file}:${errors[0]!.line}: ${errors[0]!.message}`);
    return { ms, cpuMs, documents: report.documentCount, valid: report.desired !== undefined };
  };

  const cold = await time();
  const runs: Array<{ ms: number; cpuMs: number }> = [];
  for (let i = 0; i < 5; i++) runs.push(await time());
  const warm = runs.map((r) => r.ms).sort((a, b) => a - b);
  const warmCpu = runs.map((r) => r.cpuMs).sort((a, b) => a - b);
  const median = warm[Math.floor(warm.length / 2)]!;
  const medianCpu = warmCpu[Math.floor(warmCpu.length / 2)]!;
  const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
  console.log(`machine:                  ${availableParallelism()} CPUs, load average ${loadavg()[0]!.toFixed(2)} (figures scale with it)`);
  console.log(`manifests:                ${cold.documents} in ${files} files (valid: ${cold.valid})`);
  console.log(`cold load (incl. schema): ${fmt(cold.ms)} wall, ${fmt(cold.cpuMs)} CPU`);
  console.log(`warm load, median of 5:   ${fmt(median)} wall (min ${fmt(warm[0]!)}, max ${fmt(warm.at(-1)!)}), ${fmt(medianCpu)} CPU`);
  console.log(`per manifest (warm):      ${((median * 1000) / cold.documents).toFixed(1)} µs wall, ${((medianCpu * 1000) / cold.documents).toFixed(1)} µs CPU`);
} finally {
  await rm(root, { recursive: true, force: true });
}
