/**
 * Generates the documentation's examples from the real code paths, so what
 * the docs show is what the tool prints:
 *
 * - `examples/pr-comment.md`: the comment `dokploy-gitops comment` posts for
 *   a realistic pull request, planned by the real planner against the
 *   simulator (hand-made objects, an adoption, a conflict, a removed
 *   manifest, a changed secret);
 * - the `/status?format=text` example in README.md: a real pass in detect
 *   mode after a change made by hand in the "UI", rendered by the server's
 *   own renderer.
 *
 * Deterministic: a seeded simulator, fixed revisions, and the pass's clock
 * fields (start, finish, id) pinned. `npm run docs:generate` writes the
 * files; `test/unit/docs/generated-examples.test.ts` fails when a committed
 * copy is stale.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { planCommentBody } from "../src/comment/body.ts";
import { COMMENT_LIMITS } from "../src/comment/types.ts";
import { createDokployClient } from "../src/dokploy/client.ts";
import { planRevision } from "../src/reconcile/plan-revision.ts";
import { reconcilePass } from "../src/reconcile/pass.ts";
import { StatusStore } from "../src/reconcile/status-store.ts";
import type { PassSettings } from "../src/reconcile/types.ts";
import { renderStatusText } from "../src/server/status-text.ts";
import { startSimulator } from "../src/simulator/index.ts";
import { Redactor } from "../src/util/redact.ts";
import { MAIN_REVISION, PR_REVISION, SCENARIO_SECRETS_MAIN, SCENARIO_SECRETS_PR, mainManifests, prManifests } from "./example-scenario.ts";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** Where the generated PR comment lives. */
export const PR_COMMENT_PATH = path.join(REPO, "examples/pr-comment.md");
/** The README, whose status example sits between these markers. */
export const README_PATH = path.join(REPO, "README.md");
export const STATUS_BEGIN = "<!-- generated: status-text (npm run docs:generate) -->";
export const STATUS_END = "<!-- end generated: status-text -->";
/** What regenerates the files. */
export const REGENERATE_EXAMPLES = "npm run docs:generate";

const quiet = { info() {}, warn() {}, debug() {}, error() {} };

function settings(mode: PassSettings["mode"]): PassSettings {
  return { instance: "default", mode, prune: false, allowEmpty: false, maxDeletions: 10, concurrency: 1, readConcurrency: 1, deployTimeoutMs: 30_000, waitForDeploys: true };
}

function writeTree(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
}

/** The generated examples, computed (nothing is written). */
export async function renderExamples(): Promise<{ prComment: string; statusText: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), "dg-gen-examples-"));
  const sim = await startSimulator({ seed: 7, deployDurationMs: 5, queueDelayMs: 1 });
  const api = createDokployClient({ url: sim.url, apiKey: sim.apiKey, requestTimeoutMs: 10_000 });
  const redactor = new Redactor().add(sim.apiKey, ...Object.values(SCENARIO_SECRETS_MAIN), ...Object.values(SCENARIO_SECRETS_PR));
  try {
    // What main says, applied; then what people made by hand in the UI.
    writeTree(path.join(dir, "main"), mainManifests());
    const applied = await reconcilePass({ root: path.join(dir, "main"), revision: MAIN_REVISION, settings: settings("apply") }, { api, log: quiet, redactor, secretEnv: SCENARIO_SECRETS_MAIN });
    if (applied.outcome !== "succeeded") throw new Error(`gen-examples: applying main failed: ${applied.reason}: ${applied.message}`);
    const shop = sim.control.state().projects.find((p) => p.name === "shop")!;
    const production = shop.environments.find((e) => e.name === "production")!;
    for (const name of ["legacy-api", "admin"]) {
      await api.applicationCreate({ name, appName: `shop-${name}`, environmentId: production.environmentId, description: "made in the Dokploy UI" });
    }

    // The pull request's plan, as `comment` posts it.
    writeTree(path.join(dir, "pr"), prManifests());
    const planned = await planRevision(
      { root: path.join(dir, "pr"), revision: PR_REVISION, settings: settings("detect") },
      { api, redactor, secretEnv: SCENARIO_SECRETS_PR },
    );
    if (!planned.plan) throw new Error(`gen-examples: no plan: ${planned.failure?.message ?? JSON.stringify(planned.diagnostics)}`);
    planned.plan.apiCalls = planned.apiCalls;
    const prComment = planCommentBody(planned.plan, { instance: "default", directory: "deploy", maxLength: COMMENT_LIMITS.github, redactor });

    // The daemon's view of main after a hand change: detect mode reports the drift.
    const web = production.applications.find((a) => a.name === "web")!;
    sim.control.update("application", web.applicationId, { replicas: 5 });
    const detected = await reconcilePass(
      { root: path.join(dir, "main"), revision: MAIN_REVISION, reconcileId: "6f1c0b9e-3d2a-4c51-9a7e-2b8d4f0e1a37", settings: settings("detect") },
      { api, log: quiet, redactor, secretEnv: SCENARIO_SECRETS_MAIN },
    );
    const store = new StatusStore({
      instance: "default",
      source: { url: "https://github.com/acme/infra.git", branch: "main", path: "deploy" },
      mode: "detect",
      suspended: false,
      redactor,
      now: () => new Date("2026-05-04T09:30:12.000Z"),
    });
    store.passFinished({ ...detected, startedAt: "2026-05-04T09:30:11.412Z", finishedAt: "2026-05-04T09:30:12.003Z" }, false);
    const statusText = renderStatusText(store.snapshot());
    return { prComment, statusText };
  } finally {
    await api.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** README.md with its status example replaced by `statusText`. */
export function readmeWithStatus(readme: string, statusText: string): string {
  const begin = readme.indexOf(STATUS_BEGIN);
  const end = readme.indexOf(STATUS_END);
  if (begin < 0 || end < begin) throw new Error(`README.md: the markers ${STATUS_BEGIN} ... ${STATUS_END} are missing`);
  return `${readme.slice(0, begin + STATUS_BEGIN.length)}\n\`\`\`text\n${statusText}\`\`\`\n${readme.slice(end)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { prComment, statusText } = await renderExamples();
  writeFileSync(PR_COMMENT_PATH, prComment);
  writeFileSync(README_PATH, readmeWithStatus(readFileSync(README_PATH, "utf8"), statusText));
  process.stdout.write(`wrote ${path.relative(REPO, PR_COMMENT_PATH)} and the status example in README.md\n`);
}
