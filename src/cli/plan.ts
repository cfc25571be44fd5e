/**
 * `dokploy-gitops plan [DIR]`: what `apply` would do, per resource. Reads
 * only (it never calls a write endpoint, so a read-only key is enough).
 */
import { writeFile } from "node:fs/promises";
import { formatDiagnostic } from "../manifest/index.ts";
import { renderPlanJson } from "../plan/render-json.ts";
import { renderPlanMarkdown } from "../plan/render-markdown.ts";
import { detailedExitCode } from "../plan/render-shared.ts";
import { renderPlanText } from "../plan/render-text.ts";
import { planRevisionDetailed } from "../reconcile/plan-revision.ts";
import { CONNECTION_HELP, CONNECTION_OPTIONS } from "./connection.ts";
import { ENGINE_HELP, ENGINE_OPTIONS, openEngineCommand } from "./engine-flags.ts";
import { checkOutputFile } from "./flag-values.ts";
import { fileProblem } from "./setting-sources.ts";
import { UsageError, displayPath, parseCommandArgs, type CliIo } from "./io.ts";

const HELP = `Usage: dokploy-gitops plan [DIR] [options]

Shows what apply would do to Dokploy for the manifests under DIR (default .):
create, update (with a field-level diff), adopt, delete, no-op or conflict per
resource, then a summary line. Reads only.

Output:
  --output FORMAT        text (default), markdown (a PR comment) or json
  --out FILE             also write the plan as JSON to FILE (for comment --plan-file)
  --detailed-exitcode    exit 0 when Dokploy matches git, 2 when there are changes,
                         conflicts or refused prunes (what apply would fail on),
                         1 on an error

${ENGINE_HELP}
${CONNECTION_HELP}`;

export async function planCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`plan: expected at most one directory, got ${positionals.length}: ${positionals.join(" ")}`);
  const output = values.output ?? "text";
  if (!["text", "markdown", "json"].includes(output)) throw new UsageError(`--output: expected text, markdown or json, got "${output}"`);
  const dir = positionals[0] ?? ".";
  // Checked before planning: a plan must not be computed (and printed) only to fail writing it.
  if (values.out !== undefined) checkOutputFile(values.out, "--out");
  const { connection, settings, redactor, revision, conn } = await openEngineCommand(values, io.env, dir, "detect");
  try {
    const planned = await planRevisionDetailed({ root: dir, ...(revision ? { revision } : {}), settings }, { api: conn.api, redactor, secretEnv: io.env, placeholderSecrets: connection.simulator });
    for (const d of planned.diagnostics) io.stderr.write(`${formatDiagnostic(d, displayPath(dir, d.file))}\n`);
    if (!planned.plan) {
      io.stderr.write(`error: plan: ${redactor.redact(planned.failure?.message ?? "no plan")}\n`);
      return 1;
    }
    const plan = planned.plan;
    plan.apiCalls = planned.apiCalls;
    const rendered =
      output === "json" ? renderPlanJson(plan, { redactor })
      : output === "markdown" ? renderPlanMarkdown(plan, { redactor, directory: dir, instance: connection.instance })
      : renderPlanText(plan, { redactor, color: (io.stdout as NodeJS.WriteStream).isTTY === true && !io.env.NO_COLOR });
    io.stdout.write(rendered.endsWith("\n") ? rendered : `${rendered}\n`);
    if (values.out) {
      try {
        await writeFile(values.out, renderPlanJson(plan, { redactor }));
      } catch (err) {
        io.stderr.write(`error: plan: --out: cannot write ${values.out}: ${fileProblem(err)}\n`);
        return 1;
      }
    }
    for (const p of planned.secretProblems) io.stderr.write(`warning: ${redactor.redact(p.message)}\n`);
    // As validate refuses it: a mistyped or emptied path plans "No changes" (or every deletion with --prune).
    if (planned.desired?.manifests.length === 0 && !settings.allowEmpty) {
      io.stderr.write(`warning: plan: no manifests found under ${dir} (*.yaml and *.yml files with apiVersion and kind); is the path right?\n`);
    }
    return values["detailed-exitcode"] ? detailedExitCode(plan) : 0;
  } finally {
    await conn.close();
  }
}

function parse(argv: string[]) {
  return parseCommandArgs("plan", argv, {
    ...CONNECTION_OPTIONS,
    ...ENGINE_OPTIONS,
    output: { type: "string", short: "o" },
    out: { type: "string" },
    "detailed-exitcode": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
}
