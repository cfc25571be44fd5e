/**
 * The manifest JSON Schemas, compiled once. `manifests-schema/*.schema.json`
 * is the single source of truth: editors read the files through
 * `# yaml-language-server: $schema=...`, and the validator compiles the very
 * same files with ajv. They are located relative to the package root, so the
 * code works from `src/` (Node 24 type stripping) and from `dist/` after `tsc`.
 */
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020, type AnySchemaObject, type ValidateFunction } from "ajv/dist/2020.js";
import * as formatsModule from "ajv-formats";
import type { Kind } from "../model/resource.ts";
import { MANIFEST_REGISTRY } from "../kinds/registry.ts";

/** Name in `package.json` that marks the package root. */
const PACKAGE_NAME = "dokploy-gitops";

/** The schema directory, relative to the package root. */
export const SCHEMA_DIR = "manifests-schema";

/**
 * Annotation keywords of our schemas. They never affect validity; the
 * validator reads them to write better messages and to find secret fields:
 * - `x-secret`: the value is a secret (a literal gets a warning);
 * - `x-expected`: what a valid value looks like, for "expected ..." messages;
 * - `x-message`: the whole message for an error raised by that schema;
 * - `x-context`: a suffix naming the discriminator branch (`for source type "github"`);
 * - `x-fields`: the fields a kind offers to references, with whether each is a secret and when it is known.
 */
export const ANNOTATION_KEYWORDS = ["x-secret", "x-expected", "x-message", "x-context", "x-fields"] as const;

/** The compiled schemas and what the validator derives from them. */
export interface ManifestSchemas {
  /** Validates any document against `manifest.schema.json` (dispatches on `kind`). */
  validate: ValidateFunction;
  /** The raw schema of each kind, as read from disk. */
  kindSchemas: Readonly<Record<Kind, AnySchemaObject>>;
  /**
   * Paths of the fields marked `x-secret`, per kind. A path is a list of
   * property names where `*` stands for any key of a map, e.g.
   * `["spec", "buildSecrets", "*"]`.
   */
  secretPaths: Readonly<Record<Kind, readonly (readonly string[])[]>>;
  /** The directory the schemas were read from. */
  dir: string;
}

let cached: ManifestSchemas | undefined;

/**
 * Finds the package root by walking up from `fromDir` to the directory whose
 * `package.json` is named `dokploy-gitops`. Throws a clear error when there is
 * none (a broken install), rather than failing later on a missing schema.
 */
export function findPackageRoot(fromDir: string): string {
  let dir = fromDir;
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: unknown };
      if (pkg.name === PACKAGE_NAME) return dir;
    } catch {
      // no (readable) package.json here: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`cannot find the ${PACKAGE_NAME} package root (a package.json named "${PACKAGE_NAME}") above ${fromDir}`);
    }
    dir = parent;
  }
}

/**
 * The compiled manifest schemas. Compiled on first use and kept for the life
 * of the process: compiling costs far more than validating, and validating
 * 1,000 manifests must stay well under a second.
 */
export function manifestSchemas(): ManifestSchemas {
  cached ??= compileSchemas(join(findPackageRoot(dirname(fileURLToPath(import.meta.url))), SCHEMA_DIR));
  return cached;
}

/** Reads and compiles every `*.schema.json` in `dir`. Exported for tests that compile a copy. */
export function compileSchemas(dir: string): ManifestSchemas {
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
    allowUnionTypes: true,
  });
  addFormats(ajv);
  for (const keyword of ANNOTATION_KEYWORDS) ajv.addKeyword({ keyword });

  const byFile = new Map<string, AnySchemaObject>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".schema.json")).sort()) {
    const schema = JSON.parse(readFileSync(join(dir, file), "utf8")) as AnySchemaObject;
    byFile.set(file, schema);
    if (file !== "manifest.schema.json") ajv.addSchema(schema);
  }
  const any = byFile.get("manifest.schema.json");
  if (!any) throw new Error(`${join(dir, "manifest.schema.json")} is missing`);

  const kindSchemas = {} as Record<Kind, AnySchemaObject>;
  const secretPaths = {} as Record<Kind, string[][]>;
  for (const { kind, schemaFile } of MANIFEST_REGISTRY) {
    const schema = byFile.get(schemaFile);
    if (!schema) throw new Error(`${join(dir, schemaFile)} is missing`);
    kindSchemas[kind] = schema;
    secretPaths[kind] = collectSecretPaths(schema);
  }
  return { validate: ajv.compile(any), kindSchemas, secretPaths, dir };
}

/** ajv-formats is CommonJS; under Node's ESM loader its plugin may sit on `default`. */
function addFormats(ajv: Ajv2020): void {
  const mod = formatsModule as unknown as { default?: unknown };
  const plugin = (typeof mod.default === "function" ? mod.default : mod) as (a: Ajv2020, formats: string[]) => unknown;
  // Only the formats our schemas use: each one costs compile time.
  plugin(ajv, ["hostname"]);
}

/**
 * Walks a kind schema and lists the instance paths of `x-secret` fields.
 * Follows `properties`, `additionalProperties` and `items` (as `*`), `allOf`, `then`,
 * `else` and local `$ref`s, which is all our schemas use.
 */
export function collectSecretPaths(root: AnySchemaObject): string[][] {
  const found = new Map<string, string[]>();
  const walk = (node: unknown, path: string[], depth: number): void => {
    if (typeof node !== "object" || node === null || depth > 40) return;
    const s = node as Record<string, unknown>;
    if (s["x-secret"] === true) found.set(path.join("\u0000"), path);
    if (typeof s.$ref === "string" && s.$ref.startsWith("#/")) {
      walk(resolveLocalRef(root, s.$ref), path, depth + 1);
    }
    if (typeof s.properties === "object" && s.properties !== null) {
      for (const [key, sub] of Object.entries(s.properties)) walk(sub, [...path, key], depth + 1);
    }
    if (typeof s.additionalProperties === "object") walk(s.additionalProperties, [...path, "*"], depth + 1);
    if (typeof s.items === "object") walk(s.items, [...path, "*"], depth + 1);
    if (Array.isArray(s.allOf)) for (const sub of s.allOf) walk(sub, path, depth + 1);
    walk(s.then, path, depth + 1);
    walk(s.else, path, depth + 1);
  };
  walk(root, [], 0);
  return [...found.values()];
}

function resolveLocalRef(root: AnySchemaObject, ref: string): unknown {
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}
