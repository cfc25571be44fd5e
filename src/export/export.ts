/**
 * `export`, the pure part: live state in, manifest files out. Each selected
 * live object becomes a document (`collect.ts`), loses the fields equal to
 * Dokploy's defaults (`defaults.ts`) and its secret values (`secrets.ts`; a
 * variable equal to another exported service's host or password becomes a
 * reference to it, `references.ts`), is laid out and rendered (`render.ts`), and the whole tree is then loaded and
 * validated exactly as `validate` would: an object whose document is not
 * valid (a live value the manifest format cannot express) is left out, with
 * everything in it, and listed with the reason. Finally every manifest is
 * planned against the live object it came from, with the secrets' live
 * values held in memory: a field that would not plan in sync is reported,
 * since `plan` on a fresh export must show adoptions only.
 */
import { CHILD_KINDS, KINDS, kindModule, kindRank } from "../kinds/registry.ts";
import { loadManifestTexts } from "../manifest/index.ts";
import type { Diagnostic, DesiredState } from "../model/manifest.ts";
import type { ObservedState } from "../model/observed.ts";
import { DEFAULT_ENVIRONMENT, resourceLabel } from "../model/resource.ts";
import { diffViews } from "../plan/diff.ts";
import type { SecretValues } from "../plan/secrets.ts";
import { collectObjects } from "./collect.ts";
import { dropDefaults } from "./defaults.ts";
import type { ExportObject, ExportOptions, ExportResult, SkippedObject } from "./model.ts";
import { ExportReferences, exportResolver } from "./references.ts";
import { layOut, renderLayout } from "./render.ts";
import { ExportSecrets, renderEnvExample } from "./secrets.ts";

/** The file listing the secrets' variable names. */
export const ENV_EXAMPLE = ".env.example";

/** Sort key: project, its environments, then each environment's services with their records. */
function orderOf(o: ExportObject): Array<string | number> {
  const id = o.identity;
  const env = (name: string | undefined): string => (name === DEFAULT_ENVIRONMENT ? "" : `~${name ?? ""}`);
  const family = kindModule(o.kind).family;
  if (family === "container") return o.kind === "Project" ? [id.project] : [id.project, 0, env(id.name)];
  if (family === "service") return [id.project, 1, env(id.environment), kindRank(o.kind), id.name];
  // A record, after its service.
  const parentKind = id.compose !== undefined ? "Compose" : "Application";
  return [id.project, 1, env(id.environment), kindRank(parentKind), id.application ?? id.compose ?? "", kindRank(o.kind), id.name];
}

function compareOrder(a: ExportObject, b: ExportObject): number {
  const ka = orderOf(a);
  const kb = orderOf(b);
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
  }
  return ka.length - kb.length;
}

/** Leaves out `bad` objects and everything under them, recording why. */
function leaveOut(objects: ExportObject[], bad: Map<ExportObject, string[]>, skipped: SkippedObject[]): ExportObject[] {
  const gone = new Set<string>();
  const kept: ExportObject[] = [];
  for (const o of objects) {
    const reasons = bad.get(o);
    if (o.parentKey !== undefined && gone.has(o.parentKey)) {
      skipped.push({ label: resourceLabel(o.identity), reason: "its parent was left out" });
      gone.add(o.key);
    } else if (reasons) {
      skipped.push({ label: resourceLabel(o.identity), reason: `cannot be written as a valid manifest: ${reasons.join("; ")}` });
      gone.add(o.key);
    } else {
      kept.push(o);
    }
  }
  return kept;
}

/** The object each error diagnostic is about, by file and line. */
function objectsAt(errors: readonly Diagnostic[], starts: ReadonlyMap<string, Array<{ line: number; object: ExportObject }>>): Map<ExportObject, string[]> {
  const bad = new Map<ExportObject, string[]>();
  for (const d of errors) {
    const docs = starts.get(d.file) ?? [];
    const at = [...docs].reverse().find((s) => s.line <= d.line) ?? docs[0];
    if (!at) throw new Error(`export: internal error: a diagnostic on ${d.file}, which export did not write: ${d.message}`);
    // A name is how the plan finds the object: it must be fixed in Dokploy, not in the file.
    const message = d.pointer === "/metadata/name" ? `${d.message} (rename it in Dokploy, then export again)` : d.message;
    (bad.get(at.object) ?? bad.set(at.object, []).get(at.object)!).push(message);
  }
  return bad;
}

/** Plans each manifest against the live object it came from: every difference is a field that would not round-trip. */
function selfCheck(desired: DesiredState, objects: readonly ExportObject[], secrets: SecretValues): string[] {
  const byKey = new Map(objects.map((o) => [o.key, o]));
  const resolver = exportResolver(desired, objects, secrets);
  const problems: string[] = [];
  for (const m of desired.manifests) {
    const o = byKey.get(m.key);
    if (!o) continue;
    const kind = kindModule(m.kind);
    const diff = diffViews(kind.desiredView(m as never), o.live, secrets, kind.fields, resolver(m));
    for (const c of diff.changes) {
      problems.push(o.owned && c.path === "/metadata/name"
        ? `${resourceLabel(m.identity)}: renamed in Dokploy to "${o.live.metadata.name}" after dokploy-gitops applied it; exported under the name its marker records, so the plan will rename it back`
        : `${resourceLabel(m.identity)}: ${c.path}: the exported value would not plan in sync with Dokploy (a bug: please report it)`);
    }
  }
  return problems;
}

/** Turns the live state into manifest files (pure). */
export function exportLive(observed: ObservedState, options: ExportOptions): ExportResult {
  const { objects: collected, skipped } = collectObjects(observed, options);
  let objects = [...collected].sort(compareOrder);
  layOut(objects); // input file names first: they are values of the documents
  for (const o of objects) dropDefaults(o);
  const references = new ExportReferences(objects);
  const secrets = new ExportSecrets(options.plainEnv, references);
  for (const o of objects) secrets.replaceIn(o);

  for (;;) {
    const rendered = renderLayout(layOut(objects));
    const report = loadManifestTexts(rendered.files.map((f) => ({ file: f.path, text: f.content })));
    const errors = report.diagnostics.filter((d) => d.severity === "error");
    if (errors.length === 0) {
      const labels = new Set(objects.map((o) => resourceLabel(o.identity)));
      const variables = secrets.variables.filter((v) => labels.has(v.label));
      return {
        files: [...rendered.files, { path: ENV_EXAMPLE, content: renderEnvExample(variables) }],
        counts: KINDS.map((kind) => ({ kind, count: objects.filter((o) => o.kind === kind).length })),
        entries: CHILD_KINDS.map((c) => ({ kind: c.kind, count: objects.reduce((n, o) => n + (Array.isArray(o.spec[c.field]) ? (o.spec[c.field] as unknown[]).length : 0), 0) })),
        owned: objects.filter((o) => o.owned).length,
        skipped,
        variables,
        problems: report.desired ? selfCheck(report.desired, objects, secrets.values) : [],
      };
    }
    const bad = objectsAt(errors, rendered.starts);
    // A reference to an object left out is an error of its own: write those values back first, then validate again.
    if (references.restoreTargets(new Set([...bad.keys()].map((o) => o.key)))) continue;
    objects = leaveOut(objects, bad, skipped);
    const kept = new Set(objects.map((o) => o.key));
    references.restoreTargets(new Set(collected.map((o) => o.key).filter((k) => !kept.has(k))));
  }
}
