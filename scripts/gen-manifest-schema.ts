/**
 * Generates `manifests-schema/manifest.schema.json`, the envelope that
 * dispatches a document to its kind's schema, from the kind schema files
 * themselves: adding a kind means adding its `*.schema.json` and
 * regenerating, not editing a list of kinds by hand in a second place. A unit
 * test regenerates the envelope and fails when the committed copy differs.
 *
 * The kinds are those of every other `*.schema.json` (each one's
 * `properties.kind.const`), in dependency order: the kinds of the first
 * release and Compose first, then any other kind alphabetically.
 *
 * Usage: `node scripts/gen-manifest-schema.ts` (writes the file) or
 * `node scripts/gen-manifest-schema.ts --check` (exit 1 when out of date).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadSchemas, SCHEMA_DIR, type JsonSchema } from "./gen-manifest-reference.ts";
import { syncReferenceDefs } from "./reference-schema.ts";

/** The file this script writes; every other `*.schema.json` of the directory is a kind schema. */
export const ENVELOPE_FILE = "manifest.schema.json";

/** The command that regenerates the envelope; the test quotes it when the file is stale. */
export const REGENERATE_COMMAND = "node scripts/gen-manifest-schema.ts";

/**
 * Kinds whose place is fixed (parents before children). Validation messages
 * and the manifest reference list the kinds in this order.
 */
export const KIND_ORDER: readonly string[] = ["Project", "Environment", "Application", "Compose", "Postgres", "MySQL", "MariaDB", "Mongo", "Redis", "LibSQL", "Domain"];

/** Where the envelope's `$id` points: beside the kind schemas, under the same base. */
const ID_BASE = "https://raw.githubusercontent.com/dokploy-gitops/dokploy-gitops/main/manifests-schema/";

/** A kind and the schema file that describes it. */
export interface KindSchemaFile {
  kind: string;
  file: string;
}

/**
 * The kinds of a directory's schemas (keyed by file name, as `loadSchemas`
 * returns them), in envelope order. Throws a clear error for a schema that
 * names no kind or a file not named after its kind (the validator looks a
 * kind's schema up as `<kind lowercased>.schema.json`, which also makes a
 * kind declared twice impossible).
 */
export function kindSchemaFiles(schemas: Readonly<Record<string, JsonSchema>>): KindSchemaFile[] {
  const byKind = new Map<string, string>();
  for (const [file, schema] of Object.entries(schemas)) {
    if (file === ENVELOPE_FILE) continue;
    const kind = schema.properties?.kind?.const;
    if (typeof kind !== "string" || kind === "") {
      throw new Error(`manifests-schema/${file}: no properties.kind.const, so it names no kind (every *.schema.json but ${ENVELOPE_FILE} is a kind schema)`);
    }
    if (file !== `${kind.toLowerCase()}.schema.json`) {
      throw new Error(`manifests-schema/${file}: declares kind ${kind}, so it must be named ${kind.toLowerCase()}.schema.json`);
    }
    byKind.set(kind, file);
  }
  if (byKind.size === 0) throw new Error("manifests-schema: no kind schemas (*.schema.json with properties.kind.const)");
  const rank = (kind: string): number => {
    const i = KIND_ORDER.indexOf(kind);
    return i === -1 ? KIND_ORDER.length : i;
  };
  return [...byKind.entries()]
    .map(([kind, file]) => ({ kind, file }))
    .sort((a, b) => rank(a.kind) - rank(b.kind) || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}

/** The one `apiVersion` every kind schema accepts; they must agree, or the envelope could not name it. */
function apiVersionOf(schemas: Readonly<Record<string, JsonSchema>>, kinds: readonly KindSchemaFile[]): string {
  const versions = new Set(kinds.map(({ file }) => schemas[file]?.properties?.apiVersion?.const));
  const [version] = versions;
  if (versions.size !== 1 || typeof version !== "string") {
    throw new Error(`manifests-schema: the kind schemas must all have one properties.apiVersion.const, found ${[...versions].map((v) => JSON.stringify(v)).join(", ")}`);
  }
  return version;
}

/**
 * The envelope's text for a directory's schemas (keyed by file name). Pure
 * and deterministic, so the test can compare it with the committed file byte
 * for byte; formatted as the other schema files are (two-space JSON and a
 * final newline).
 */
export function renderManifestSchema(schemas: Readonly<Record<string, JsonSchema>>): string {
  const kinds = kindSchemaFiles(schemas);
  const names = kinds.map(({ kind }) => kind);
  const envelope = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `${ID_BASE}${ENVELOPE_FILE}`,
    title: "dokploy-gitops/v1 manifest (any kind)",
    description: "Any dokploy-gitops manifest document; `kind` selects the schema of that kind.",
    type: "object",
    required: ["apiVersion", "kind"],
    properties: {
      apiVersion: { description: "Manifest format version.", const: apiVersionOf(schemas, kinds) },
      kind: { description: "The kind of object.", enum: names, "x-expected": `one of ${names.join(", ")}` },
    },
    allOf: kinds.map(({ kind, file }) => ({
      if: { properties: { kind: { const: kind } }, required: ["kind"] },
      then: { $ref: file },
    })),
  };
  return `${JSON.stringify(envelope, null, 2)}\n`;
}

/**
 * Writes the envelope of the schemas in `dir`, or with `--check` only
 * compares it. Returns the exit code: 1 when `--check` finds the file stale.
 */
export function runGenerator(argv: readonly string[], dir: string = SCHEMA_DIR): number {
  const path = join(dir, ENVELOPE_FILE);
  // Each kind file's `$defs.reference` comes from the kind modules' `referenceable` declarations.
  const staleDefs = syncReferenceDefs(dir, argv.includes("--check"));
  const text = renderManifestSchema(loadSchemas(dir));
  if (argv.includes("--check")) {
    if (staleDefs.length > 0) {
      process.stderr.write(`manifests-schema: $defs.reference of ${staleDefs.join(", ")} is out of date: run ${REGENERATE_COMMAND}\n`);
      return 1;
    }
    let current: string | undefined;
    try {
      current = readFileSync(path, "utf8");
    } catch {
      current = undefined;
    }
    if (current === text) return 0;
    process.stderr.write(`manifests-schema/${ENVELOPE_FILE} is out of date: run ${REGENERATE_COMMAND}\n`);
    return 1;
  }
  writeFileSync(path, text);
  process.stdout.write(`wrote ${path}\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = runGenerator(process.argv.slice(2));
}
