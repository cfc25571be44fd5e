/**
 * `dokploy-gitops export`: writes manifests for what already exists in a
 * Dokploy, so a team can bring it under git. Reads only (GET endpoints: a
 * read-only key is enough) and never writes a secret: secret values become
 * `{fromEnv: NAME}` and `.env.example` lists the names. With `--adopt`, the
 * manifests take the objects over on the next apply; `plan` on a fresh
 * export shows adoptions and nothing else.
 */
import { mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { ENV_EXAMPLE, exportLive } from "../export/export.ts";
import { Selection } from "../export/collect.ts";
import type { ExportOptions, ExportResult } from "../export/model.ts";
import { DEFAULT_READ_CONCURRENCY } from "../reconcile/plan-revision.ts";
import { exportScope, observeScoped } from "../reconcile/observe.ts";
import { Redactor } from "../util/redact.ts";
import { CONNECTION_HELP, CONNECTION_OPTIONS, resolveConnection } from "./connection.ts";
import { connectDokploy } from "./dokploy-connection.ts";
import { parseCount } from "./engine-flags.ts";
import { UsageError, parseCommandArgs, type CliIo } from "./io.ts";

const HELP = `Usage: dokploy-gitops export [options]

Reads what exists in Dokploy (read-only: a read-only API key is enough) and
writes it as manifests into DIR: one directory per project with
project.yaml (the project and its environments) and one file per service
(with its domains) under a directory per environment; a raw compose stack's
YAML beside its manifest. Fields equal to Dokploy's defaults are left out.

No secret is written: secret fields and, by default, every variable value
become {fromEnv: NAME}; DIR/.env.example lists the names (never values),
each with the resource and field it feeds. Set them before plan or apply.
Values that are only \${{...}} references to other variables stay literal.

Options:
  --project NAME         export this project (repeatable; default: every project the key sees)
  --environment P/E      export environment E of project P, with P's project manifest (repeatable)
  --out DIR              where to write (default .); must be empty unless --force
  --adopt                add dokploy-gitops/adopt: "true" to every object this instance does
                         not own yet, so apply takes them over (objects of another instance
                         are left out and listed)
  --force                write into a non-empty DIR (files export writes are replaced; others kept)
  --plain-env KEY        keep variables named KEY literal instead of secret (repeatable;
                         globs with * and ?, e.g. --plain-env 'NODE_*'); never build secrets
  --read-concurrency N   reads in flight (default ${DEFAULT_READ_CONCURRENCY})
  --simulator-state FILE with --simulator: the simulator's data file to export from
  -h, --help             show this help

Then: set the variables of DIR/${ENV_EXAMPLE}, run \`dokploy-gitops validate DIR\` and
\`dokploy-gitops plan DIR\` (with --adopt: adoptions only, no field changes), then apply.

${CONNECTION_HELP}`;

/** Flags of `export`, kept apart so the shared parser can change around them. */
function parse(argv: string[]) {
  return parseCommandArgs("export", argv, {
    ...CONNECTION_OPTIONS,
    project: { type: "string", multiple: true },
    environment: { type: "string", multiple: true },
    out: { type: "string" },
    adopt: { type: "boolean" },
    force: { type: "boolean" },
    "plain-env": { type: "string", multiple: true },
    "read-concurrency": { type: "string" },
    "simulator-state": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
}

const PLAIN_ENV = /^[A-Za-z0-9_*?]+$/;

/** The export's choices from its flags; UsageError on a malformed one. */
function exportOptions(values: ReturnType<typeof parse>["values"], instance: string): ExportOptions {
  const environments = values.environment ?? [];
  for (const pe of environments) {
    if (!/^[^/\s]+\/[^/\s]+$/.test(pe)) throw new UsageError(`--environment: expected PROJECT/ENVIRONMENT such as shop/staging, got "${pe}"`);
  }
  const plainEnv = values["plain-env"] ?? [];
  for (const p of plainEnv) {
    if (!PLAIN_ENV.test(p)) throw new UsageError(`--plain-env: expected a variable name or a glob of one (letters, digits, _, * and ?), got "${p}"`);
  }
  return { instance, projects: values.project ?? [], environments, adopt: values.adopt === true, plainEnv };
}

/** Refuses a non-empty directory without --force (a file there could be a hand edit). */
async function checkOut(dir: string, force: boolean): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) return;
  if (!info.isDirectory()) throw new UsageError(`--out: "${dir}" exists and is not a directory`);
  const entries = await readdir(dir);
  if (entries.length > 0 && !force) {
    throw new UsageError(`--out: "${dir}" is not empty (${entries.length} entr${entries.length === 1 ? "y" : "ies"}); export into an empty directory, or pass --force to write over the files it produces`);
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** What export wrote, in the order a person reads it. */
function report(result: ExportResult, dir: string, from: string, adopt: boolean): string {
  const lines: string[] = [];
  const exported = result.counts.filter((c) => c.count > 0);
  const total = exported.reduce((n, c) => n + c.count, 0);
  lines.push(`Exported from ${from} into ${dir}: ${exported.length > 0 ? exported.map((c) => `${c.count} ${c.kind}`).join(", ") : "nothing"} (${plural(result.files.length, "file")}).`);
  const entries = result.entries.filter((c) => c.count > 0);
  if (entries.length > 0) lines.push(`In their services' lists: ${entries.map((c) => `${c.count} ${c.kind}`).join(", ")}.`);
  if (total > 0) {
    lines.push(adopt
      ? `${total - result.owned} marked dokploy-gitops/adopt: "true"; ${result.owned} already managed by this instance.`
      : `${result.owned} already managed by this instance; ${total - result.owned} not (without --adopt, plan reports them as conflicts).`);
  }
  lines.push(result.variables.length > 0
    ? `${plural(result.variables.length, "secret")} written as {fromEnv: NAME}: the names are in ${join(dir, ENV_EXAMPLE)} (values never written).`
    : `No secrets: ${join(dir, ENV_EXAMPLE)} lists no variable.`);
  if (result.skipped.length > 0) {
    lines.push(`Left out (${result.skipped.length}):`);
    for (const s of result.skipped) lines.push(`  ${s.label}: ${s.reason}`);
  }
  for (const p of result.problems) lines.push(`warning: ${p}`);
  lines.push(
    "Next:",
    `  1. set the variables of ${join(dir, ENV_EXAMPLE)} to their values in Dokploy`,
    `  2. dokploy-gitops validate ${dir}`,
    `  3. dokploy-gitops plan ${dir}`,
  );
  return `${lines.join("\n")}\n`;
}

/** Writes the export under `dir`, and nowhere else. */
async function writeFiles(dir: string, result: ExportResult): Promise<void> {
  const base = resolve(dir);
  for (const f of result.files) {
    const path = join(dir, f.path);
    // Names come from Dokploy: a file is only ever written inside DIR (validated names guarantee it; this proves it).
    if (!resolve(path).startsWith(base + sep)) throw new Error(`internal error: refusing to write ${f.path} outside ${dir}`);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, f.content);
    } catch (err) {
      throw new Error(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
}

/** `dokploy-gitops export`: see HELP. */
export async function exportCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`export takes no positional arguments (got ${positionals.join(" ")}); name the directory with --out`);
  const connection = resolveConnection(values, io.env);
  const options = exportOptions(values, connection.instance);
  const readConcurrency = parseCount(values["read-concurrency"], "--read-concurrency", DEFAULT_READ_CONCURRENCY, 1);
  const dir = values.out ?? ".";
  await checkOut(dir, values.force === true);
  const redactor = new Redactor();
  if (connection.apiKey) redactor.add(connection.apiKey);
  const conn = await connectDokploy(connection, redactor, {
    ...(values["simulator-state"] ? { simulatorState: values["simulator-state"] } : {}),
    engine: { concurrency: 1, readConcurrency },
  });
  try {
    const selection = new Selection(options);
    let observed;
    try {
      observed = await observeScoped(conn.api, exportScope(selection.projectNames), { instance: connection.instance, concurrency: readConcurrency });
    } catch (err) {
      io.stderr.write(`error: export: reading ${conn.describe} failed: ${redactor.redact((err as Error).message)}\n`);
      return 1;
    }
    const unknown = selection.unknown(observed);
    if (unknown.length > 0) {
      io.stderr.write(redactor.redact(unknown.map((u) => `error: ${u}`).join("\n")) + "\n");
      return 1;
    }
    let result: ExportResult;
    try {
      result = exportLive(observed, options);
      await writeFiles(dir, result);
    } catch (err) {
      io.stderr.write(`error: export: ${redactor.redact((err as Error).message)}\n`);
      return 1;
    }
    io.stdout.write(redactor.redact(report(result, dir, conn.describe, options.adopt)));
    return 0;
  } finally {
    await conn.close();
  }
}
