/**
 * Validation of value references (`{ref, field}`, `{format, args}`) across a
 * revision, before anything is read from Dokploy: each reference names a
 * declared resource of the same project and a field its kind offers; a
 * composed value's placeholders and arguments match; a secret only goes
 * where live values are hidden; and the references, with the hierarchy
 * (a resource is created after the one it lives in), form no cycle. Every
 * problem points at the reference's own file:line.
 */
import type { Diagnostic } from "../model/manifest.ts";
import { resourceKey, type Kind, type ResourceIdentity } from "../model/resource.ts";
import { escapeToken, parseFormat, referencesOf, secretArgsOf, valueReferencesIn } from "../model/references.ts";
import { isComposedValue } from "../model/spec.ts";
import { kindModule, parseResourceKey } from "../kinds/registry.ts";
import { article, isWithin, ownerKey, referenceTarget, referenceableFields } from "../kinds/reference-targets.ts";
import { manifestSchemas } from "./schema.ts";
import { closestMatch } from "./suggest.ts";
import type { CheckedDocument } from "./validate.ts";

function diagnostic(d: CheckedDocument, pointer: string, code: string, message: string): Diagnostic {
  return {
    severity: "error",
    ...d.doc.positionOf(pointer),
    ...(d.resource !== undefined ? { resource: d.resource } : {}),
    pointer,
    code,
    message: `${pointer}: ${message}`,
  };
}

/** One reference edge of the dependency graph, with where it is written. */
interface Edge {
  from: string;
  to: string;
  doc: CheckedDocument;
  pointer: string;
}

/** True when a secret may be written at `pointer` of a `kind` manifest: where live values are hidden or secret. */
function secretAllowedAt(kind: Kind, pointer: string): boolean {
  const f = kindModule(kind).fields;
  if ([...f.hiddenLiveMaps, ...f.secretMaps].some((p) => pointer === p || pointer.startsWith(`${p}/`))) return true;
  const segments = pointer.split("/").slice(1);
  return manifestSchemas().secretPaths[kind].some((pattern) => pattern.length === segments.length && pattern.every((s, i) => s === "*" || s === segments[i]));
}

/** Every reference problem of a revision; see the module comment. */
export function referenceRules(docs: readonly CheckedDocument[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const declared = new Map<string, ResourceIdentity>();
  for (const d of docs) if (d.identity) declared.set(resourceKey(d.identity), d.identity);
  const edges: Edge[] = [];
  for (const d of docs) {
    const m = d.manifest;
    if (!m) continue;
    for (const { pointer, value } of valueReferencesIn(m.spec)) {
      if (isComposedValue(value)) out.push(...formatProblems(d, pointer, value.format, Object.keys(value.args)));
      let secret = secretArgsOf(value).length > 0;
      for (const { arg, ref } of referencesOf(value)) {
        const at = arg === undefined ? pointer : `${pointer}/args/${escapeToken(arg)}`;
        const target = referenceTarget(m.identity, ref.ref);
        if ("error" in target) {
          out.push(diagnostic(d, `${at}/ref`, "invalid-reference", target.error));
          continue;
        }
        if (!declared.has(target.key)) {
          const sameKind = [...declared.values()].filter((i) => i.kind === target.identity.kind && i.project === m.identity.project).map((i) => resourceKey(i));
          const hint = closestMatch(target.key, sameKind);
          out.push(diagnostic(d, `${at}/ref`, "unknown-reference", `"${ref.ref}" names ${target.key}, which no manifest declares${hint ? ` (did you mean ${hint}?)` : ""}`));
          continue;
        }
        const fields = referenceableFields(target.identity.kind);
        const field = fields[ref.field];
        if (!field) {
          const names = Object.keys(fields);
          const hint = closestMatch(ref.field, names);
          out.push(diagnostic(d, `${at}/field`, "unknown-field", names.length === 0
            ? `${article(target.identity.kind)} ${target.identity.kind} offers no field to references`
            : `${article(target.identity.kind)} ${target.identity.kind} offers no field "${ref.field}" to references (expected one of: ${names.join(", ")})${hint && hint !== ref.field ? ` (did you mean "${hint}"?)` : ""}`));
          continue;
        }
        secret ||= field.secret;
        // A field the manifest decides, of the referrer itself or of something inside it (its own domain's URL), orders nothing.
        if (field.source === "manifest" && isWithin(target.identity, m.key)) continue;
        edges.push({ from: m.key, to: target.key, doc: d, pointer: at });
      }
      if (secret && !secretAllowedAt(m.kind, pointer)) {
        out.push(diagnostic(d, pointer, "secret-reference", "holds a secret, and this field is shown in plans and in Dokploy in the clear: pass the secret through an env variable instead"));
      }
    }
  }
  out.push(...cycleProblems(declared, edges));
  return out;
}

/** Placeholders without an argument, arguments no placeholder uses, and malformed formats. */
function formatProblems(d: CheckedDocument, pointer: string, format: string, args: string[]): Diagnostic[] {
  const parsed = parseFormat(format);
  if ("error" in parsed) return [diagnostic(d, `${pointer}/format`, "invalid-format", parsed.error)];
  const used = new Set(parsed.parts.flatMap((p) => ("arg" in p ? [p.arg] : [])));
  const out: Diagnostic[] = [];
  for (const name of used) {
    if (!args.includes(name)) out.push(diagnostic(d, `${pointer}/format`, "invalid-format", `placeholder {${name}} has no argument in args${args.length > 0 ? ` (args: ${args.join(", ")})` : ""}`));
  }
  for (const name of args) {
    if (!used.has(name)) out.push(diagnostic(d, `${pointer}/args/${escapeToken(name)}`, "invalid-format", `argument "${name}" is not used by the format (write {${name}} where it goes)`));
  }
  return out;
}

/**
 * Cycles of the graph "references, plus every resource after the one it
 * lives in": one error per reference on a cycle, naming the whole cycle.
 */
function cycleProblems(declared: ReadonlyMap<string, ResourceIdentity>, edges: readonly Edge[]): Diagnostic[] {
  if (edges.length === 0) return [];
  const next = new Map<string, Set<string>>();
  const link = (from: string, to: string): void => void (next.get(from) ?? next.set(from, new Set()).get(from)!).add(to);
  for (const id of declared.values()) {
    for (let cur: ResourceIdentity | undefined = id; cur; ) {
      const owner = ownerKey(cur);
      if (owner === undefined) break;
      link(resourceKey(cur), owner);
      cur = parseResourceKey(owner);
    }
  }
  for (const e of edges) link(e.from, e.to);
  const component = stronglyConnected(next);
  const out: Diagnostic[] = [];
  for (const e of edges) {
    const c = component.get(e.from);
    if (c === undefined || c !== component.get(e.to)) continue;
    const path = [e.from, ...pathWithin(next, component, e.to, e.from)];
    out.push(diagnostic(e.doc, e.pointer, "reference-cycle", `reference cycle: ${path.join(" -> ")} (a resource comes after what it references and after the resource it lives in)`));
  }
  return out;
}

/** Tarjan's strongly connected components (iterative): the component id of each node on a cycle. */
function stronglyConnected(next: ReadonlyMap<string, ReadonlySet<string>>): Map<string, number> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const component = new Map<string, number>();
  let counter = 0;
  let components = 0;
  for (const root of next.keys()) {
    if (index.has(root)) continue;
    const work: Array<{ node: string; it: Iterator<string> }> = [];
    const open = (node: string): void => {
      index.set(node, counter);
      low.set(node, counter++);
      stack.push(node);
      onStack.add(node);
      work.push({ node, it: (next.get(node) ?? new Set<string>()).values() });
    };
    open(root);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const step = top.it.next();
      if (!step.done) {
        const to = step.value;
        if (!index.has(to)) open(to);
        else if (onStack.has(to)) low.set(top.node, Math.min(low.get(top.node)!, index.get(to)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(top.node)!));
      if (low.get(top.node) === index.get(top.node)) {
        const members: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          members.push(member);
        } while (member !== top.node);
        const selfLoop = next.get(top.node)?.has(top.node) ?? false;
        if (members.length > 1 || selfLoop) {
          for (const n of members) component.set(n, components);
          components++;
        }
      }
    }
  }
  return component;
}

/** The shortest path from `from` to `to` inside their component, `from` excluded. */
function pathWithin(next: ReadonlyMap<string, ReadonlySet<string>>, component: ReadonlyMap<string, number>, from: string, to: string): string[] {
  const c = component.get(from);
  const previous = new Map<string, string>([[from, from]]);
  const queue = [from];
  while (queue.length > 0) {
    const node = queue.shift()!;
    if (node === to && previous.size > 1) break;
    for (const n of next.get(node) ?? []) {
      if (component.get(n) !== c || previous.has(n)) continue;
      previous.set(n, node);
      queue.push(n);
    }
  }
  if (from === to || !previous.has(to)) return [to];
  const path: string[] = [];
  for (let node = to; node !== from; node = previous.get(node)!) path.unshift(node);
  path.unshift(from);
  return path;
}
