/**
 * Generates `docs/manifest-reference.md` from `manifests-schema/*.schema.json`,
 * so the user-facing reference can never drift from what the validator
 * accepts: the schemas are the single source of truth, and a unit test
 * regenerates the page and fails when the committed copy differs.
 *
 * Usage: `node scripts/gen-manifest-reference.ts` (writes the page) or
 * `node scripts/gen-manifest-reference.ts --check` (exit 1 when out of date).
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The subset of JSON Schema (2020-12 / draft-07) the manifest schemas use, plus our `x-` annotations. */
export interface JsonSchema {
  $id?: string;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  title?: string;
  description?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  if?: JsonSchema;
  then?: JsonSchema;
  not?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  format?: string;
  pattern?: string;
  /** The value is sensitive: it should be a secret reference, never a literal in git. */
  "x-secret"?: boolean;
  /** Human wording of the condition of an `if/then` branch ("for source type \"github\""). */
  "x-context"?: string;
  [keyword: string]: unknown;
}

/** The envelope schema: it names the kinds and points at each kind's file. */
const ENVELOPE_FILE = "manifest.schema.json";

/** The command that regenerates the page; tests quote it when the page is stale. */
export const REGENERATE_COMMAND = "node scripts/gen-manifest-reference.ts";

interface Row {
  path: string;
  type: string;
  required: string;
  default: string;
  secret: string;
  description: string;
}

/** Resolves a local `#/$defs/NAME` reference within the schema file it appears in; other refs are left as they are. */
function resolveRef(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  const seen = new Set<string>();
  while (current.$ref?.startsWith("#/$defs/") && !seen.has(current.$ref)) {
    seen.add(current.$ref);
    const target = root.$defs?.[current.$ref.slice("#/$defs/".length)];
    if (!target) throw new Error(`${root.$id ?? "schema"}: unresolved $ref ${current.$ref}`);
    // Keywords next to $ref (usually a more specific description) win over the target's.
    const { $ref: _ref, ...local } = current;
    current = { ...target, ...local };
  }
  return current;
}

/** True for a property the schema forbids (`not: {}`), e.g. `metadata.project` on a Project: not worth a row. */
function isForbidden(schema: JsonSchema): boolean {
  return schema.not !== undefined && Object.keys(schema.not).length === 0;
}

/** True when the schema has the shape of a secret reference ({fromEnv} | {fromFile}). */
function isSecretRef(schema: JsonSchema): boolean {
  return Boolean(schema.properties?.fromEnv && schema.properties.fromFile);
}

/** True when a value may be written as a secret reference (directly, or through an `if object then secretRef` branch). */
function acceptsSecretRef(schema: JsonSchema, root: JsonSchema, depth = 0): boolean {
  if (depth > 8) return false;
  const s = resolveRef(schema, root);
  if (isSecretRef(s)) return true;
  const branches = [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])];
  return branches.some((b) => acceptsSecretRef(b.then ?? b, root, depth + 1));
}

/** True when the schema has the shape of a value reference ({ref, field} | {format, args}). */
function isValueRef(schema: JsonSchema): boolean {
  const p = schema.properties;
  return Boolean((p?.ref && p.field) || (p?.format && p.args));
}

/** True when a value may be written as a value reference (through `if object then ...` branches). */
function acceptsValueRef(schema: JsonSchema, root: JsonSchema, depth = 0): boolean {
  if (depth > 8) return false;
  const s = resolveRef(schema, root);
  if (isValueRef(s)) return true;
  return (s.allOf ?? []).some((b) => b.then !== undefined && acceptsValueRef(b.then, root, depth + 1));
}

function code(value: unknown): string {
  return `\`${JSON.stringify(value)}\``;
}

function typeNames(s: JsonSchema): string[] {
  if (Array.isArray(s.type)) return s.type;
  if (typeof s.type === "string") return [s.type];
  return [];
}

/** A compact, human type: `"a"` \| `"b"`, `integer 1-65535`, `map of NAME: value`, `list of string`... */
function describeType(schema: JsonSchema, root: JsonSchema): string {
  const s = resolveRef(schema, root);
  if (s.const !== undefined) return code(s.const);
  if (s.enum) return s.enum.map(code).join(" \\| ");
  if (isSecretRef(s)) return "secret reference";
  if (isValueRef(s)) return "value reference";
  const parts: string[] = [];
  const refOk = acceptsSecretRef(s, root);
  const valueRefOk = acceptsValueRef(s, root);
  for (const t of typeNames(s)) {
    if (t === "object") {
      if (refOk || valueRefOk) {
        if (refOk) parts.push("secret reference");
        if (valueRefOk) parts.push("value reference");
      } else if (typeof s.additionalProperties === "object") {
        parts.push(`map of ${describeType(s.additionalProperties, root)}`);
      } else {
        parts.push("object");
      }
    } else if (t === "array") {
      parts.push(s.items ? `list of ${describeType(s.items, root)}` : "list");
    } else if (t === "integer" || t === "number") {
      parts.push(`${t}${range(s)}`);
    } else if (t === "string" && s.format) {
      parts.push(`string (${s.format})`);
    } else {
      parts.push(t);
    }
  }
  return parts.length > 0 ? parts.join(" \\| ") : "any";
}

function range(s: JsonSchema): string {
  const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? `>${s.exclusiveMinimum}` : undefined);
  if (min !== undefined && s.maximum !== undefined) return ` ${min}-${s.maximum}`;
  if (typeof min === "number") return ` >= ${min}`;
  if (typeof min === "string") return ` ${min}`;
  if (s.maximum !== undefined) return ` <= ${s.maximum}`;
  return "";
}

/** `secret` for values that are always sensitive, `ref ok` for values that may be a secret reference. */
function secretMark(schema: JsonSchema, root: JsonSchema): string {
  const s = resolveRef(schema, root);
  const valueSchema = typeof s.additionalProperties === "object" ? resolveRef(s.additionalProperties, root) : undefined;
  if (s["x-secret"] === true || valueSchema?.["x-secret"] === true) return "secret";
  if (acceptsSecretRef(s, root) || (valueSchema && !s.properties && acceptsSecretRef(valueSchema, root))) return "ref ok";
  return "";
}

function childPath(parent: string, key: string): string {
  const segment = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `"${key}"`;
  return parent ? `${parent}.${segment}` : segment;
}

/** Describes the condition of an `if/then` branch from its `x-context`, or from the `if`'s consts. */
function branchCondition(branch: JsonSchema, root: JsonSchema): string {
  const context = branch.then?.["x-context"];
  if (typeof context === "string") return context.replace(/^for /, "");
  const consts = Object.entries(branch.if?.properties ?? {})
    .map(([key, s]) => [key, resolveRef(s, root).const] as const)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
  return consts.length > 0 ? consts.join(", ") : "a condition";
}

/**
 * A field whose format comes from a shared definition (`$ref: #/$defs/dnsLabel`)
 * has a description that does not repeat the format, so the definition's
 * expectation is appended ("Format: a lowercase DNS label ...").
 */
function sharedFormat(raw: JsonSchema, field: JsonSchema): string {
  const expected = field["x-expected"];
  if (!raw.$ref || typeof expected !== "string" || field.enum || field.const !== undefined) return "";
  if (!field.pattern && !field.format) return "";
  return ` Format: ${expected}.`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|").trim();
}

/**
 * Flattens an object schema into rows: one per field, nested objects and
 * list items by dotted path, `if/then` branches (discriminated unions such as
 * `source.type`) as rows qualified by their condition.
 */
function collectRows(schema: JsonSchema, root: JsonSchema, path: string, rows: Row[], condition = "", depth = 0): void {
  if (depth > 12) throw new Error(`${root.$id ?? "schema"}: ${path}: nesting too deep (a $ref cycle?)`);
  const s = resolveRef(schema, root);
  const required = new Set(s.required ?? []);
  const conditionalRequired = new Map<string, string>();
  const branches = (s.allOf ?? []).filter((b) => b.if && b.then);
  for (const branch of branches) {
    const then = resolveRef(branch.then!, root);
    if (!then.properties) {
      for (const key of then.required ?? []) conditionalRequired.set(key, `if ${branchCondition(branch, root)}`);
    }
  }
  const prefix = condition ? `${condition}: ` : "";
  for (const [key, raw] of Object.entries(s.properties ?? {})) {
    if (isForbidden(raw)) continue;
    const field = resolveRef(raw, root);
    const p = childPath(path, key);
    rows.push({
      path: p,
      type: describeType(field, root),
      required: required.has(key) ? "yes" : (conditionalRequired.get(key) ?? ""),
      default: field.default !== undefined ? code(field.default) : "",
      secret: secretMark(field, root),
      description: oneLine(`${prefix}${field.description ?? ""}${sharedFormat(raw, field)}`),
    });
    descend(field, root, p, rows, depth);
  }
  for (const branch of branches) {
    const then = resolveRef(branch.then!, root);
    if (!then.properties) continue;
    const inner: Row[] = [];
    const own = { ...then, properties: Object.fromEntries(Object.entries(then.properties).filter(([k]) => !s.properties?.[k])) };
    collectRows(own, root, path, inner, `When ${branchCondition(branch, root)}`, depth + 1);
    rows.push(...inner);
  }
}

/** Recurses into nested objects, list items and maps whose values have known keys. */
function descend(field: JsonSchema, root: JsonSchema, path: string, rows: Row[], depth: number): void {
  if (isSecretRef(field) || acceptsSecretRef(field, root) || acceptsValueRef(field, root)) return;
  if (field.properties || field.allOf?.some((b) => b.then)) {
    collectRows(field, root, path, rows, "", depth + 1);
  } else if (field.items) {
    const items = resolveRef(field.items, root);
    if (items.properties) collectRows(items, root, `${path}[]`, rows, "", depth + 1);
  }
}

function table(rows: Row[]): string {
  const lines = [
    "| Field | Type | Required | Default | Secret | Description |",
    "|---|---|---|---|---|---|",
    ...rows.map((r) => `| \`${r.path}\` | ${r.type} | ${r.required} | ${r.default} | ${r.secret} | ${r.description} |`),
  ];
  return lines.join("\n");
}

function anchor(kind: string): string {
  return kind.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}

/** The kinds in the envelope's order, each with its schema file (from `if kind = K then $ref FILE`). */
function kindsOf(schemas: Record<string, JsonSchema>): Array<{ kind: string; file: string }> {
  const envelope = schemas[ENVELOPE_FILE];
  if (!envelope) throw new Error(`manifests-schema: ${ENVELOPE_FILE} is missing (it names the kinds)`);
  const kinds: Array<{ kind: string; file: string }> = [];
  for (const branch of envelope.allOf ?? []) {
    const kind = branch.if?.properties?.kind?.const;
    const file = branch.then?.$ref;
    if (typeof kind !== "string" || typeof file !== "string") continue;
    if (!schemas[file]) throw new Error(`manifests-schema/${ENVELOPE_FILE}: kind ${kind} refers to ${file}, which does not exist`);
    kinds.push({ kind, file });
  }
  if (kinds.length === 0) throw new Error(`manifests-schema/${ENVELOPE_FILE}: no "if kind then $ref" branches, so no kinds to document`);
  return kinds;
}

/** The first secret reference definition found, documented once in its own section. */
function secretRefSchema(schemas: Record<string, JsonSchema>): { schema: JsonSchema; root: JsonSchema } | undefined {
  for (const root of Object.values(schemas)) {
    for (const def of Object.values(root.$defs ?? {})) {
      if (isSecretRef(def)) return { schema: def, root };
    }
  }
  return undefined;
}

/**
 * Renders the whole reference page from the parsed schema files (keyed by file
 * name, e.g. `application.schema.json`). Pure and deterministic, so the test can
 * compare its output with the committed page byte for byte.
 */
export function renderManifestReference(schemas: Record<string, JsonSchema>): string {
  const envelope = schemas[ENVELOPE_FILE];
  const kinds = kindsOf(schemas);
  const out: string[] = [
    "# Manifest reference",
    "",
    `<!-- Generated from manifests-schema/*.schema.json by \`${REGENERATE_COMMAND}\`. Do not edit: change the schemas and regenerate. -->`,
    "",
    oneLine(envelope?.description ?? ""),
    `Every document has \`apiVersion: ${String(resolveRef(envelope?.properties?.apiVersion ?? {}, envelope ?? {}).const ?? "")}\` and a \`kind\`; the tables below list every field of each kind.`,
    "",
    `Kinds: ${kinds.map(({ kind }) => `[${kind}](#${anchor(kind)})`).join(" · ")}`,
    "",
    "Columns: **Required** is `yes` when the field must be present (or the condition under which it must);",
    "**Default** is the value used when the field is omitted, which is Dokploy's own default, so deleting a line reverts the field;",
    "**Secret** is `secret` for values that are always sensitive (write them as a secret reference so they stay out of git)",
    "and `ref ok` for values that may be a secret reference. Fields of a variant (such as one `source.type`) start with *When ...*.",
  ];
  for (const { kind, file } of kinds) {
    const root = schemas[file]!;
    const rows: Row[] = [];
    collectRows(root, root, "", rows);
    out.push("", `## ${kind}`, "", oneLine(root.description ?? ""), "", `Schema: \`manifests-schema/${file}\``, "", table(rows));
  }
  const ref = secretRefSchema(schemas);
  if (ref) {
    const rows: Row[] = [];
    collectRows(ref.schema, ref.root, "", rows);
    out.push("", "## Secret references", "", oneLine(ref.schema.description ?? ""), "", table(rows));
  }
  out.push(...valueReferenceSections(schemas));
  return out.join("\n") + "\n";
}

/**
 * "Value references": the `reference` and `composedValue` definitions, and
 * the fields each kind offers (from the `x-fields` of the reference's
 * per-kind branches, generated from the kind modules).
 */
function valueReferenceSections(schemas: Record<string, JsonSchema>): string[] {
  const root = Object.values(schemas).find((s) => s.$defs?.reference && s.$defs.composedValue);
  if (!root) return [];
  const reference = root.$defs!.reference!;
  const composed = root.$defs!.composedValue!;
  const rows = [
    "| Kind | Field | Secret | Known | Description |",
    "|---|---|---|---|---|",
  ];
  for (const branch of reference.allOf ?? []) {
    const kind = String(branch.then?.["x-context"] ?? "").replace(/^for an? /, "");
    const fields = (branch.then?.properties?.field?.["x-fields"] ?? {}) as Record<string, { secret: boolean; source: string; description: string }>;
    for (const [name, f] of Object.entries(fields)) {
      rows.push(`| ${kind} | \`${name}\` | ${f.secret ? "secret" : ""} | ${f.source === "live" ? "after apply" : "when planning"} | ${oneLine(f.description)} |`);
    }
  }
  const composedRows: Row[] = [];
  collectRows(composed, root, "", composedRows);
  return [
    "", "## Value references", "", oneLine(reference.description ?? ""), "",
    "Fields each kind offers (**Known**: *when planning* for a field the manifest decides; *after apply* for one Dokploy chooses, shown as `(known after apply)` until the resource exists):",
    "", rows.join("\n"),
    "", "### Composed values", "", oneLine(composed.description ?? ""), "", table(composedRows),
  ];
}

/** Reads every `*.schema.json` of a directory, keyed by file name, with a clear error for a broken file. */
export function loadSchemas(dir: string): Record<string, JsonSchema> {
  const schemas: Record<string, JsonSchema> = {};
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".schema.json")).sort()) {
    const path = join(dir, name);
    try {
      schemas[name] = JSON.parse(readFileSync(path, "utf8")) as JsonSchema;
    } catch (err) {
      throw new Error(`${path}: not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  return schemas;
}

/** The repository root, from this file's location. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Where the schemas are read from and the page is written to. */
export const SCHEMA_DIR = join(REPO_ROOT, "manifests-schema");
export const REFERENCE_PATH = join(REPO_ROOT, "docs", "manifest-reference.md");

function main(argv: string[]): number {
  const page = renderManifestReference(loadSchemas(SCHEMA_DIR));
  if (argv.includes("--check")) {
    const current = readFileSync(REFERENCE_PATH, "utf8");
    if (current === page) return 0;
    process.stderr.write(`docs/manifest-reference.md is out of date: run ${REGENERATE_COMMAND}\n`);
    return 1;
  }
  writeFileSync(REFERENCE_PATH, page);
  process.stdout.write(`wrote ${REFERENCE_PATH}\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
