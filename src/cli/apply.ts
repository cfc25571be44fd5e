/**
 * `dokploy-gitops apply [DIR]`: plan, then apply in dependency order, and
 * report each step's outcome. Exit 0 only when everything converged.
 */
import { formatDiagnostic } from "../manifest/index.ts";
import { renderPlanText } from "../plan/render-text.ts";
import { reconcilePass } from "../reconcile/pass.ts";
import type { PassResult } from "../reconcile/types.ts";
import type { StepOutcome } from "../apply/types.ts";
import { CONNECTION_HELP, CONNECTION_OPTIONS } from "./connection.ts";
import { ENGINE_HELP, ENGINE_OPTIONS, openEngineCommand } from "./engine-flags.ts";
import { UsageError, displayPath, parseCommandArgs, type CliIo } from "./io.ts";

const HELP = `Usage: dokploy-gitops apply [DIR] [options]

Applies the manifests under DIR (default .) to Dokploy: projects, then
environments, services (applications, compose stacks), then their domains;
removals (with --prune) children first.
Changes that only take effect on deploy trigger a deploy, which is followed to
done or error. Touches only objects this tool created or a manifest adopts.

Apply:
  --deploy-timeout DUR   how long to follow each deploy (default 10m)
  --no-wait              queue deploys without following them
  --output FORMAT        text (default) or json (the pass result)

${ENGINE_HELP}
${CONNECTION_HELP}`;

function outcomeLine(o: StepOutcome): string {
  const mark = o.status === "succeeded" ? "✓" : o.status === "failed" ? "✗" : "-";
  const secs = `${(o.durationMs / 1000).toFixed(1)}s`;
  const deploy = o.deploy ? `, deploy ${o.deploy.status}${o.deploy.deploymentId ? ` (${o.deploy.deploymentId})` : ""}` : "";
  const life = o.lifecycle ? `, ${o.lifecycle}` : "";
  const base = `${mark} ${o.action.padEnd(7)} ${o.key.charAt(0).toLowerCase()}${o.key.slice(1)} (${secs}${deploy}${life})`;
  return o.error ? `${base}\n    ${o.error}` : base;
}

function summaryLine(r: PassResult): string {
  const count = (action: string): number => r.apply?.outcomes.filter((o) => o.action === action && o.status === "succeeded").length ?? 0;
  const failed = r.apply?.outcomes.filter((o) => o.status === "failed").length ?? 0;
  const parts = [
    `${count("create")} created`, `${count("update")} updated`, `${count("adopt")} adopted`,
    `${count("delete")} deleted`, `${count("orphan")} released`, `${failed} failed`,
  ];
  const head = r.outcome === "succeeded" ? "Apply complete" : "Apply incomplete";
  return `${head}: ${parts.join(", ")}. ${r.apiCalls} API calls.`;
}

export async function applyCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`apply: expected at most one directory, got ${positionals.length}: ${positionals.join(" ")}`);
  const output = values.output ?? "text";
  if (!["text", "json"].includes(output)) throw new UsageError(`--output: expected text or json, got "${output}"`);
  const dir = positionals[0] ?? ".";
  const { connection, settings, redactor, revision, conn } = await openEngineCommand(values, io.env, dir, "apply", values["no-wait"] ? { waitForDeploys: false } : {});
  const quiet = { info() {}, warn() {}, debug() {}, error() {} };
  try {
    const result = await reconcilePass({ root: dir, ...(revision ? { revision } : {}), settings }, { api: conn.api, log: quiet, redactor, secretEnv: io.env, placeholderSecrets: connection.simulator });
    if (output === "json") {
      const { plan: _plan, ...rest } = result;
      io.stdout.write(`${redactor.redact(JSON.stringify(rest, null, 2))}\n`);
      return result.outcome === "succeeded" ? 0 : 1;
    }
    for (const d of result.diagnostics) io.stderr.write(`${formatDiagnostic(d, displayPath(dir, d.file))}\n`);
    if (result.plan) io.stdout.write(renderPlanText(result.plan, { redactor }).replace(/\n*$/, "\n\n"));
    for (const o of result.apply?.outcomes ?? []) {
      if (o.action === "noop" || o.action === "conflict" || o.action === "would-prune") continue;
      io.stdout.write(`${redactor.redact(outcomeLine(o))}\n`);
    }
    if (result.outcome !== "succeeded") io.stderr.write(`error: apply: ${result.reason}: ${result.message}\n`);
    io.stdout.write(`${summaryLine(result)}\n`);
    return result.outcome === "succeeded" ? 0 : 1;
  } finally {
    await conn.close();
  }
}

function parse(argv: string[]) {
  return parseCommandArgs("apply", argv, {
    ...CONNECTION_OPTIONS,
    ...ENGINE_OPTIONS,
    "deploy-timeout": { type: "string" },
    "no-wait": { type: "boolean" },
    output: { type: "string", short: "o" },
    help: { type: "boolean", short: "h" },
  }, { elsewhere: { "dry-run": "`dokploy-gitops plan` shows what apply would do without writing (with --detailed-exitcode for scripts)" } });
}
