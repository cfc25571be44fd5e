/**
 * Validating one document: apiVersion and kind first (an unknown one is its
 * own problem, not a pile of schema errors), then the schema of its kind, with
 * ajv's raw errors translated into one clear message per problem: the field as
 * a JSON pointer, what was expected, what was found, and a "did you mean" for
 * likely typos.
 */
import type { ErrorObject } from "ajv/dist/2020.js";
import type { AnyManifest, Diagnostic, Manifest } from "../model/manifest.ts";
import { API_VERSION, resourceKey, type Kind, type ResourceIdentity } from "../model/resource.ts";
import { MANIFEST_KINDS as KINDS, kindModule } from "../kinds/registry.ts";
import { ANNOTATION_ADOPT, ANNOTATION_DELETION_POLICY, type DeletionPolicy } from "../model/spec.ts";
import { toPointer, type ParsedDocument, type PositionOptions } from "./load.ts";
import type { ManifestSchemas } from "./schema.ts";
import { closestMatch } from "./suggest.ts";

/** A document after validation: as much as could be learned about it. */
export interface CheckedDocument {
  doc: ParsedDocument;
  kind?: Kind;
  /** `KIND/NAME` for messages, once the kind is known. */
  resource?: string;
  /** Set when kind and metadata are valid, even if the spec is not, so references to it still resolve. */
  identity?: ResourceIdentity;
  /** Set when the whole document is valid. */
  manifest?: AnyManifest;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;


/** Validates one parsed document against the schemas; never throws on bad input. */
export function validateDocument(doc: ParsedDocument, schemas: ManifestSchemas): { checked: CheckedDocument; diagnostics: Diagnostic[] } {
  const checked: CheckedDocument = { doc };
  const diagnostics: Diagnostic[] = [];
  const report = (pointer: string, code: string, message: string, options?: PositionOptions, severity: Diagnostic["severity"] = "error"): void => {
    const pos = doc.positionOf(pointer, options);
    diagnostics.push({
      severity,
      ...pos,
      ...(checked.resource !== undefined ? { resource: checked.resource } : {}),
      ...(pointer !== "" ? { pointer } : {}),
      code,
      message: pointer !== "" ? `${pointer}: ${message}` : message,
    });
  };

  const value = doc.value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    report("", "non-mapping-document", `expected a mapping with apiVersion, kind, metadata and spec, got ${describe(value, false)}`);
    return { checked, diagnostics };
  }
  const obj = value as Record<string, unknown>;
  const kindValue = obj.kind;
  const metadata = obj.metadata as Record<string, unknown> | undefined;
  if (typeof kindValue === "string" && (KINDS as readonly string[]).includes(kindValue)) {
    checked.kind = kindValue as Kind;
    const name = typeof metadata === "object" && metadata !== null ? metadata.name : undefined;
    checked.resource = `${kindValue}/${typeof name === "string" && name !== "" ? name : "(unnamed)"}`;
  }

  let stop = false;
  if (!("apiVersion" in obj)) {
    report("", "schema", `missing required field "apiVersion" (expected "${API_VERSION}")`);
    stop = true;
  } else if (obj.apiVersion !== API_VERSION) {
    report("/apiVersion", "unknown-api-version", `unknown apiVersion ${describe(obj.apiVersion, false)}: expected "${API_VERSION}"`);
    stop = true;
  }
  if (!("kind" in obj)) {
    report("", "schema", `missing required field "kind" (expected one of ${KINDS.join(", ")})`);
    stop = true;
  } else if (checked.kind === undefined) {
    const hint = typeof kindValue === "string" ? closestMatch(kindValue, KINDS) : undefined;
    report("/kind", "unknown-kind", `unknown kind ${describe(kindValue, false)}: expected one of ${KINDS.join(", ")}${hint ? ` (did you mean "${hint}"?)` : ""}`);
    stop = true;
  }
  if (stop) return { checked, diagnostics };
  const kind = checked.kind!;

  checked.identity = identityOf(kind, metadata);
  if (!schemas.validate(value)) {
    for (const d of translateErrors(schemas.validate.errors ?? [])) report(d.pointer, "schema", d.message, { key: d.atKey });
    return { checked, diagnostics };
  }

  const identity = checked.identity!;
  const annotations = (metadata!.annotations ?? {}) as Record<string, string>;
  const manifest = {
    apiVersion: API_VERSION,
    kind,
    metadata: metadata as Manifest["metadata"],
    spec: (obj.spec ?? {}) as Manifest["spec"],
    identity,
    key: resourceKey(identity),
    source: doc.source,
    positionOf: (pointer: string) => doc.positionOf(pointer),
    adopt: annotations[ANNOTATION_ADOPT] === "true",
    deletionPolicy: (annotations[ANNOTATION_DELETION_POLICY] ?? kindModule(kind).defaultDeletionPolicy ?? "delete") as DeletionPolicy,
  } as AnyManifest;
  checked.manifest = manifest;

  for (const path of schemas.secretPaths[kind]) {
    for (const [segments, v] of expandPath(value, path)) {
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
        report(
          toPointer(segments),
          "literal-secret",
          "secret written as a literal: use {fromEnv: NAME} or {fromFile: /path} so the value stays out of git",
          undefined,
          "warning",
        );
      }
    }
  }
  return { checked, diagnostics };
}

/** The identity, when kind and the metadata names it needs are valid. */
function identityOf(kind: Kind, metadata: Record<string, unknown> | undefined): ResourceIdentity | undefined {
  if (typeof metadata !== "object" || metadata === null) return undefined;
  const label = (k: string): string | undefined => {
    const v = metadata[k];
    return typeof v === "string" && v.length <= 63 && DNS_LABEL.test(v) ? v : undefined;
  };
  const name = label("name");
  if (name === undefined) return undefined;
  const module = kindModule(kind);
  const refs: Record<string, string> = {};
  for (const ref of module.refs) {
    const v = label(ref);
    if (v === undefined) return undefined;
    refs[ref] = v;
  }
  if (module.family === "record") {
    // Exactly one parent reference, of one of the kinds the record can live in.
    const named = module.parentRefs.filter((p) => metadata[p.ref] !== undefined);
    if (named.length !== 1) return undefined;
    const v = label(named[0]!.ref);
    if (v === undefined) return undefined;
    refs[named[0]!.ref] = v;
  }
  return {
    kind, project: kind === "Project" ? name : refs.project!,
    ...("environment" in refs ? { environment: refs.environment } : {}),
    ...("application" in refs ? { application: refs.application } : {}),
    ...("compose" in refs ? { compose: refs.compose } : {}),
    name,
  };
}

/** Every (path, value) in `value` matching a path pattern where `*` is any map key. */
function expandPath(value: unknown, pattern: readonly string[]): Array<[string[], unknown]> {
  let current: Array<[string[], unknown]> = [[[], value]];
  for (const segment of pattern) {
    const next: Array<[string[], unknown]> = [];
    for (const [path, v] of current) {
      if (typeof v !== "object" || v === null || (Array.isArray(v) && segment !== "*")) continue;
      const o = v as Record<string, unknown>;
      const keys = segment === "*" ? Object.keys(o) : segment in o ? [segment] : [];
      for (const k of keys) next.push([[...path, k], o[k]]);
    }
    current = next;
  }
  return current;
}

/** A translated schema error, before it gets a position. */
export interface SchemaProblem {
  pointer: string;
  /** Point at the key rather than the value (unknown fields, bad map keys). */
  atKey: boolean;
  message: string;
}

/** Values of these fields may be secrets: never echo them in a message. */
const SENSITIVE = /^\/spec\/(env|buildArgs|buildSecrets)\/[^/]+$|^\/spec\/source\/password$|^\/spec\/security\/\d+\/password$|^\/spec\/mounts\/\d+\/content$/;

/**
 * Turns ajv errors into one problem per field. Drops the noise (`if`
 * failures, the outer `propertyNames` error), keeps the first error per
 * pointer, and writes messages from the schema's own `x-expected`,
 * `x-message` and `x-context` annotations.
 */
export function translateErrors(errors: readonly ErrorObject[]): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const err of errors) {
    if (err.keyword === "if" || err.keyword === "propertyNames") continue;
    const parent = (err.parentSchema ?? {}) as Record<string, unknown>;
    const expected = typeof parent["x-expected"] === "string" ? parent["x-expected"] : undefined;
    const context = typeof parent["x-context"] === "string" ? ` ${parent["x-context"]}` : "";
    const custom = typeof parent["x-message"] === "string" ? parent["x-message"] : undefined;
    const params = err.params as Record<string, unknown>;
    const propertyName = (err as { propertyName?: string }).propertyName;
    let pointer = err.instancePath;
    let atKey = false;
    let dedupeKey = pointer;
    let message: string;
    const got = (): string => describe(err.data, SENSITIVE.test(pointer));

    if (propertyName !== undefined) {
      pointer = `${err.instancePath}${toPointer([propertyName])}`;
      atKey = true;
      dedupeKey = pointer;
      const hint = Array.isArray(err.schema) ? closestMatch(propertyName, err.schema as string[]) : undefined;
      message = `invalid key "${propertyName}": expected ${expected ?? ajvExpectation(err)}${hint ? ` (did you mean "${hint}"?)` : ""}`;
    } else if (err.keyword === "additionalProperties") {
      const prop = String(params.additionalProperty);
      pointer = `${err.instancePath}${toPointer([prop])}`;
      atKey = true;
      dedupeKey = pointer;
      // Offer only fields that are allowed here (not `not: {}` placeholders, not the discriminator).
      const props = (parent.properties ?? {}) as Record<string, Record<string, unknown>>;
      const allowed = Object.keys(props).filter((k) => props[k]?.["x-message"] === undefined);
      const hint = closestMatch(prop, allowed);
      const list = allowed.filter((k) => k !== "type");
      message = `unknown field "${prop}"${context}${hint ? ` (did you mean "${hint}"?)` : list.length > 0 && list.length <= 12 ? ` (expected one of: ${list.join(", ")})` : ""}`;
    } else if (err.keyword === "required") {
      const missing = String(params.missingProperty);
      dedupeKey = `${pointer}\u0000${missing}`;
      atKey = true;
      message = custom ?? `missing required field "${missing}"${context}`;
    } else if (custom !== undefined) {
      atKey = true;
      message = custom;
    } else if (err.keyword === "type") {
      message = `expected ${expected ?? typeNames(params.type)}, got ${got()}`;
    } else if (err.keyword === "enum") {
      const allowed = (err.schema ?? []) as unknown[];
      const hint = typeof err.data === "string" ? closestMatch(err.data, allowed.filter((a): a is string => typeof a === "string")) : undefined;
      message = `expected ${expected ?? `one of ${allowed.map(String).join(", ")}`}, got ${got()}${hint ? ` (did you mean "${hint}"?)` : ""}`;
    } else if (err.keyword === "const") {
      message = `expected ${JSON.stringify(params.allowedValue)}, got ${got()}`;
    } else if (err.keyword === "false schema") {
      atKey = true;
      message = "not allowed here";
    } else {
      message = `expected ${expected ?? ajvExpectation(err)}, got ${got()}`;
    }
    if (seen.has(dedupeKey)) continue;
    seen.add(dedupeKey);
    out.push({ pointer, atKey, message });
  }
  return out;
}

/** The expectation of a keyword without an `x-expected` annotation. */
function ajvExpectation(err: ErrorObject): string {
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case "minLength":
      return p.limit === 1 ? "a non-empty string" : `at least ${String(p.limit)} characters`;
    case "maxLength":
      return `at most ${String(p.limit)} characters`;
    case "minimum":
      return `a number >= ${String(p.limit)}`;
    case "maximum":
      return `a number <= ${String(p.limit)}`;
    case "exclusiveMinimum":
      return `a number > ${String(p.limit)}`;
    case "exclusiveMaximum":
      return `a number < ${String(p.limit)}`;
    case "pattern":
      return `a value matching ${String(p.pattern)}`;
    case "format":
      return `a valid ${String(p.format)}`;
    case "minItems":
      return `at least ${String(p.limit)} items`;
    case "maxItems":
      return `at most ${String(p.limit)} items`;
    case "minProperties":
      return `at least ${String(p.limit)} fields`;
    case "maxProperties":
      return `at most ${String(p.limit)} fields`;
    default:
      return err.message ?? err.keyword;
  }
}

function typeNames(type: unknown): string {
  const names: Record<string, string> = {
    integer: "integer",
    number: "number",
    string: "string",
    boolean: "boolean (true or false)",
    array: "list",
    object: "map",
    null: "null",
  };
  const list = (Array.isArray(type) ? type : String(type).split(",")).map((t) => names[String(t)] ?? String(t));
  return list.length <= 2 ? list.join(" or ") : `${list.slice(0, -1).join(", ")} or ${list.at(-1)}`;
}

/** A short description of a value for "got ..."; strings of sensitive fields are never shown. */
export function describe(value: unknown, sensitive: boolean): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  if (typeof value === "string") {
    if (sensitive) return value.includes("\n") ? "a string with a line break" : "a string";
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  if (sensitive) return `a ${typeof value}`;
  return String(value);
}
