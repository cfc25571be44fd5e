/**
 * Rules no single-document schema can express: identities declared twice,
 * references to parents no manifest declares, two domains routing the same
 * host and path, and a few per-document combinations Dokploy would silently
 * ignore. Pure functions of the checked documents.
 */
import type { Diagnostic, SourcePosition } from "../model/manifest.ts";
import { DEFAULT_ENVIRONMENT, resourceKey } from "../model/resource.ts";
import { childKindsOf, kindModule } from "../kinds/registry.ts";
import { desiredEntries } from "../kinds/child-list.ts";
import { parentOf } from "../kinds/types.ts";
import type { ApplicationSpec, DomainSpec } from "../model/spec.ts";
import { closestMatch } from "./suggest.ts";
import type { CheckedDocument } from "./validate.ts";

function where(pos: SourcePosition): string {
  return `${pos.file}:${pos.line}:${pos.column}`;
}

function diagnostic(
  checked: CheckedDocument,
  pointer: string,
  code: string,
  message: string,
  severity: Diagnostic["severity"] = "error",
): Diagnostic {
  return {
    severity,
    ...checked.doc.positionOf(pointer),
    ...(checked.resource !== undefined ? { resource: checked.resource } : {}),
    pointer,
    code,
    message: `${pointer}: ${message}`,
  };
}

/**
 * Cross-document rules over every document of a revision. Documents without
 * an identity (invalid metadata) take no part; documents with an identity but
 * an invalid spec still count as declared, so one schema error does not
 * cascade into "not declared" errors for their children.
 */
export function crossDocumentRules(docs: readonly CheckedDocument[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const withIdentity = docs.filter((d) => d.identity !== undefined);

  // Duplicate identities: the first declaration wins, each later one is an error naming it.
  const firstByKey = new Map<string, CheckedDocument>();
  for (const d of withIdentity) {
    const key = resourceKey(d.identity!);
    const first = firstByKey.get(key);
    if (first) {
      out.push(diagnostic(d, "/metadata/name", "duplicate-identity", `${key} is already declared at ${where(first.doc.positionOf("/metadata/name"))}`));
    } else {
      firstByKey.set(key, d);
    }
  }

  // References to parents.
  const projects = new Set<string>();
  const environments = new Map<string, Set<string>>();
  /** Services by `Kind|project/environment`. */
  const services = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, scope: string, name: string): void => {
    map.set(scope, (map.get(scope) ?? new Set()).add(name));
  };
  for (const d of withIdentity) {
    const id = d.identity!;
    if (id.kind === "Project") projects.add(id.name);
    if (id.kind === "Environment") add(environments, id.project, id.name);
    if (kindModule(id.kind).family === "service") add(services, `${id.kind}|${id.project}/${id.environment}`, id.name);
  }
  const hint = (name: string, candidates: Iterable<string>): string => {
    const match = closestMatch(name, candidates);
    return match !== undefined && match !== name ? ` (did you mean "${match}"?)` : "";
  };
  for (const d of withIdentity) {
    const id = d.identity!;
    if (id.kind === "Project") continue;
    if (!projects.has(id.project)) {
      out.push(diagnostic(d, "/metadata/project", "unknown-reference", `project "${id.project}" is not declared by any manifest${hint(id.project, projects)}`));
      continue;
    }
    if (id.kind === "Environment") continue;
    const env = id.environment!;
    if (env !== DEFAULT_ENVIRONMENT && !environments.get(id.project)?.has(env)) {
      const names = [DEFAULT_ENVIRONMENT, ...(environments.get(id.project) ?? [])];
      out.push(
        diagnostic(d, "/metadata/environment", "unknown-reference", `environment "${env}" of project "${id.project}" is not declared by any manifest (only "${DEFAULT_ENVIRONMENT}" exists without one)${hint(env, names)}`),
      );
      continue;
    }
    const parent = parentOf(id);
    if (!parent) continue;
    const scope = `${id.project}/${env}`;
    const ref = parent.kind === "Compose" ? "compose" : "application";
    const known = services.get(`${parent.kind}|${scope}`);
    if (!known?.has(parent.name)) {
      out.push(
        diagnostic(d, `/metadata/${ref}`, "unknown-reference", `${ref} "${parent.name}" in ${scope} is not declared by any manifest${hint(parent.name, known ?? [])}`),
      );
    }
  }

  // One host+path routed twice (hosts compare case-insensitively, as DNS does).
  const routes = new Map<string, CheckedDocument>();
  for (const d of docs) {
    if (d.manifest?.kind !== "Domain") continue;
    const spec = d.manifest.spec as DomainSpec;
    const path = spec.path ?? "/";
    const route = `${spec.host.toLowerCase()}\u0000${path}`;
    const first = routes.get(route);
    if (first) {
      out.push(
        diagnostic(d, "/spec/host", "duplicate-domain", `host "${spec.host}" with path "${path}" is already routed by ${first.manifest!.key} at ${where(first.doc.positionOf("/spec/host"))}`),
      );
    } else {
      routes.set(route, d);
    }
  }
  return out;
}

/**
 * Per-document combinations that are valid YAML and valid schema but that
 * Dokploy ignores: warnings, so the user learns a line has no effect.
 */
export function documentRules(d: CheckedDocument): Diagnostic[] {
  const m = d.manifest;
  const out: Diagnostic[] = [];
  if (m?.kind === "Application") {
    const spec = m.spec as ApplicationSpec;
    if (spec.source.type === "docker") {
      for (const field of ["build", "buildArgs", "buildSecrets"] as const) {
        if (spec[field] !== undefined) {
          out.push(diagnostic(d, `/spec/${field}`, "ignored-field", `ignored for source type "docker": Dokploy runs the image as it is`, "warning"));
        }
      }
    }
  }
  if (m) out.push(...duplicateEntries(d));
  if (m?.kind === "Domain") {
    const spec = m.spec as DomainSpec;
    if (spec.stripPath === true && (spec.path ?? "/") === "/") {
      out.push(diagnostic(d, "/spec/stripPath", "ignored-field", `has no effect when path is "/" (set a path prefix to strip)`, "warning"));
    }
    if (spec.certificateType !== undefined && spec.certificateType !== "none" && spec.https !== true) {
      out.push(diagnostic(d, "/spec/certificateType", "ignored-field", `has no effect without https: true`, "warning"));
    }
  }
  return out;
}

/**
 * Two entries of a child list with the same natural key (two ports 8443/tcp,
 * two mounts at /data): each entry is one Dokploy object, so the list would
 * say two different things about one object.
 */
function duplicateEntries(d: CheckedDocument): Diagnostic[] {
  const out: Diagnostic[] = [];
  const m = d.manifest!;
  for (const kind of childKindsOf(m.kind)) {
    const first = new Map<string, string>();
    for (const entry of desiredEntries(kind, m.spec) ?? []) {
      const key = kind.entryKey(entry.spec as never);
      const at = first.get(key);
      if (at === undefined) first.set(key, entry.pointer);
      else out.push(diagnostic(d, entry.pointer, "duplicate-entry", `a second ${kind.noun} ${JSON.stringify(key)}: the first is ${at} at ${where(d.doc.positionOf(at))} (an entry is identified by its ${KEY_WORDS[kind.field]})`));
    }
  }
  return out;
}

/** How each child list identifies an entry, in words. */
const KEY_WORDS: Readonly<Record<string, string>> = {
  ports: "publishedPort and protocol", mounts: "mountPath", redirects: "regex", security: "username", schedules: "name", volumeBackups: "volumeName",
};
