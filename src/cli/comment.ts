/**
 * `dokploy-gitops comment`: the plan of a pull request, posted as one comment
 * that later runs update in place (Atlantis style). Reads Dokploy only: the
 * key CI holds can be read-only, and no write endpoint is ever called. Flags
 * and the CI environment are resolved once here; the providers, the body and
 * the upsert live in `src/comment/`.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { isAbsolute, relative } from "node:path";
import type { Diagnostic } from "../model/manifest.ts";
import type { Plan } from "../plan/types.ts";
import { parsePlanJson, PlanFormatError } from "../plan/render-json.ts";
import { renderPlanText } from "../plan/render-text.ts";
import { detailedExitCode } from "../plan/render-shared.ts";
import { Redactor } from "../util/redact.ts";
import { resolveCommentTarget } from "../comment/ci-detect.ts";
import { commentMarker, diagnosticsCommentBody, normalizeCommentDirectory, planCommentBody } from "../comment/body.ts";
import { createCommentApi } from "../comment/providers.ts";
import { upsertComment } from "../comment/upsert.ts";
import { planRevision } from "../reconcile/plan-revision.ts";
import {
  COMMENT_LIMITS, CommentPostError, CommentSetupError, PROVIDER_TITLE, type CommentTarget, type ProviderName,
} from "../comment/types.ts";
import { CONNECTION_HELP, CONNECTION_OPTIONS, resolveConnection, resolveRequestTimeout, type ConnectionSettings } from "./connection.ts";
import { connectDokploy } from "./dokploy-connection.ts";
import { ENGINE_HELP, ENGINE_OPTIONS, detectRevision, requireSimulatorForState, resolveEngine } from "./engine-flags.ts";
import { UsageError, parseCommandArgs, type CliIo } from "./io.ts";
import { fileProblem } from "./setting-sources.ts";

const HELP = `Usage: dokploy-gitops comment [DIR] [options]

Posts the plan of DIR (default: .) as a pull-request comment, or updates the
comment an earlier run posted (found by a hidden marker, one per instance and
directory). Reads Dokploy only: a read-only API key is enough.

Where to post (detected from GitHub Actions, Gitea Actions or GitLab CI when absent):
  --provider github|gitea|gitlab
  --repo OWNER/NAME        (GitLab: project id or path, e.g. 1234 or group/project)
  --pr N                   pull request (GitLab: merge request IID)
  --api-url URL            https://api.github.com, https://ghe.example.com/api/v3,
                           https://gitea.example.com/api/v1, https://gitlab.example.com/api/v4
  Tokens come from the environment only: GITHUB_TOKEN (GitHub), GITEA_TOKEN or
  GITHUB_TOKEN (Gitea), GITLAB_TOKEN or CI_JOB_TOKEN (GitLab).

Plan:
  --plan-file FILE         post this plan (from \`plan --out FILE\` or \`plan --output json\`)
                           instead of computing one; pass DIR too so the same comment is updated

Output:
  --dry-run                print the comment body; post nothing (no token needed)
  --detailed-exitcode      exit 2 when the plan has changes, conflicts or refused
                           prunes (as plan --detailed-exitcode)
  -h, --help               show this help

${ENGINE_HELP}
${CONNECTION_HELP}
Exit status: 0 posted (no changes), 2 posted with changes, conflicts or refused
prunes (with --detailed-exitcode), 1 on invalid manifests (posted as a comment
too), a failure to post, or bad usage.
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  ...ENGINE_OPTIONS,
  "plan-file": { type: "string" },
  provider: { type: "string" },
  repo: { type: "string" },
  pr: { type: "string" },
  "api-url": { type: "string" },
  "dry-run": { type: "boolean" },
  "detailed-exitcode": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Token variables masked in every message, whether or not they are used. */
const TOKEN_VARIABLES = ["GITHUB_TOKEN", "GH_TOKEN", "GITEA_TOKEN", "GITLAB_TOKEN", "CI_JOB_TOKEN", "DOKPLOY_API_KEY", "DOKPLOY_API_TOKEN"];

function parse(argv: string[]) {
  return parseCommandArgs("comment", argv, OPTIONS);
}

/** A plan, or the validation problems that prevented one, or an error already naming its subject. */
type DirectoryPlan = { plan?: Plan; diagnostics: Diagnostic[] } | { error: string };

/** Plans DIR against Dokploy (or the embedded simulator), reading only. */
async function planDirectory(
  dir: string,
  connection: ConnectionSettings,
  values: ReturnType<typeof parse>["values"],
  revision: string | undefined,
  redactor: Redactor,
  env: NodeJS.ProcessEnv,
): Promise<DirectoryPlan> {
  const settings = resolveEngine(values, connection.instance, "detect", { waitForDeploys: false });
  const conn = await connectDokploy(connection, redactor, { ...(values["simulator-state"] ? { simulatorState: values["simulator-state"] } : {}), engine: settings });
  try {
    const r = await planRevision({ root: dir, ...(revision ? { revision } : {}), settings }, { api: conn.api, redactor, secretEnv: env });
    if (r.plan) {
      r.plan.apiCalls = r.apiCalls;
      return { plan: r.plan, diagnostics: r.diagnostics };
    }
    if (r.diagnostics.some((d) => d.severity === "error")) return { diagnostics: r.diagnostics };
    return { error: `cannot plan ${dir}: ${r.failure?.message ?? "no plan was produced"}` };
  } finally {
    await conn.close();
  }
}

/** Joins the directory as typed with a root-relative file, so the comment links what reviewers see in the PR. */
function displayPath(dir: string, file: string): string {
  const d = normalizeCommentDirectory(dir);
  return d === "." ? file : `${d}/${file}`;
}

/** `dokploy-gitops comment`: see HELP. */
export async function commentCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help === true) {
    io.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 1) {
    throw new UsageError(`comment: expected at most one directory, got ${positionals.length}: ${positionals.join(" ")}`);
  }
  const redactor = new Redactor().add(...TOKEN_VARIABLES.map((v) => io.env[v]));
  const fail = (message: string): number => {
    io.stderr.write(redactor.redact(`error: comment: ${message}\n`));
    return 1;
  };
  const dir = positionals[0] ?? ".";
  // The marker and headline name the directory as the repository sees it, not as this machine does.
  const shownDir = isAbsolute(dir) ? relative(process.cwd(), dir) || "." : dir;
  const dryRun = values["dry-run"] === true;
  const requestTimeoutMs = resolveRequestTimeout(values["request-timeout"]);
  requireSimulatorForState(values["simulator-state"], values.simulator === true);
  if (values["plan-file"] !== undefined && (values.prune || values["allow-empty"] || values["max-deletions"] !== undefined || values.simulator)) {
    throw new UsageError("comment: --prune, --allow-empty, --max-deletions and --simulator shape a computed plan; a --plan-file was planned already");
  }

  // Where to post, resolved before any Dokploy call: a missing token should not cost a plan.
  let target: CommentTarget | undefined;
  let ciRevision: string | undefined;
  if (!dryRun) {
    try {
      const resolved = resolveCommentTarget(
        {
          ...(values.provider !== undefined ? { provider: values.provider } : {}),
          ...(values.repo !== undefined ? { repo: values.repo } : {}),
          ...(values.pr !== undefined ? { pr: values.pr } : {}),
          ...(values["api-url"] !== undefined ? { apiUrl: values["api-url"] } : {}),
          requestTimeoutMs,
        },
        io.env,
        (p) => readFileSync(p, "utf8"),
      );
      target = resolved.target;
      ciRevision = resolved.ci?.revision;
      redactor.add(target.token);
    } catch (err) {
      if (err instanceof CommentSetupError) return fail(err.message);
      throw err;
    }
  } else if (values.provider !== undefined && !["github", "gitea", "gitlab"].includes(values.provider)) {
    throw new UsageError(`--provider: expected one of github, gitea, gitlab, got "${values.provider}"`);
  }
  const provider = (target?.provider ?? values.provider ?? "github") as ProviderName;
  const maxLength = COMMENT_LIMITS[provider];

  // The plan: from a file, or computed from DIR against Dokploy (reads only).
  let plan: Plan | undefined;
  let diagnostics: Diagnostic[] = [];
  let instance: string;
  if (values["plan-file"] !== undefined) {
    const file = values["plan-file"];
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      return fail(`--plan-file: cannot read ${file}: ${fileProblem(err)}`);
    }
    try {
      plan = parsePlanJson(text);
    } catch (err) {
      if (err instanceof PlanFormatError) return fail(`--plan-file ${file}: ${err.message.replace(/^plan file: /, "")}`);
      throw err;
    }
    const wanted = values.instance ?? io.env.DOKPLOY_GITOPS_INSTANCE;
    if (wanted !== undefined && wanted !== plan.instance) {
      throw new UsageError(`comment: --instance "${wanted}" does not match the plan file's instance "${plan.instance}"`);
    }
    instance = plan.instance;
  } else {
    const connection = resolveConnection(values, io.env);
    redactor.add(connection.apiKey);
    instance = connection.instance;
    const revision = values.revision ?? ciRevision ?? (await detectRevision(dir));
    const result = await planDirectory(dir, connection, values, revision, redactor, io.env);
    if ("error" in result) return fail(result.error);
    plan = result.plan;
    diagnostics = result.diagnostics.map((d) => ({ ...d, file: displayPath(shownDir, d.file) }));
  }
  const invalid = diagnostics.some((d) => d.severity === "error") || plan === undefined;
  const revision = plan?.revision ?? values.revision ?? ciRevision;
  const bodyOptions = { instance, directory: shownDir, maxLength, redactor };
  const body = invalid || plan === undefined
    ? diagnosticsCommentBody(diagnostics, { ...bodyOptions, ...(revision !== undefined ? { revision } : {}) })
    : planCommentBody(plan, bodyOptions);

  if (plan && !invalid && !dryRun) io.stdout.write(renderPlanText(plan, { redactor }));
  if (dryRun) {
    io.stdout.write(redactor.redact(body));
  } else if (target) {
    try {
      const api = createCommentApi(target, redactor);
      const res = await upsertComment(api, commentMarker(instance, shownDir), body);
      const where = target.provider === "gitlab" ? `${target.repo}!${target.pr}` : `${target.repo}#${target.pr}`;
      io.stdout.write(redactor.redact(
        `comment: ${res.action} ${PROVIDER_TITLE[target.provider]} comment ${res.id} on ${where}${res.url ? ` (${res.url})` : ""}\n`,
      ));
    } catch (err) {
      if (err instanceof CommentPostError) return fail(err.message);
      throw err;
    }
  }
  if (invalid) {
    io.stderr.write(redactor.redact(`error: comment: the manifests under ${dir} are invalid (${diagnostics.filter((d) => d.severity === "error").length} errors); see the comment${dryRun ? " body above" : ""}\n`));
    return 1;
  }
  return values["detailed-exitcode"] === true ? detailedExitCode(plan!) : 0;
}
