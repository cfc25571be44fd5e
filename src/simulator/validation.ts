/**
 * Input validation the way Dokploy's zod schemas do it (drizzle-zod
 * `createInsertSchema` in packages/server/src/db/schema/*.ts; the error body of
 * apps/dokploy/server/api/trpc.ts `errorFormatter`):
 * checks come from Dokploy's own OpenAPI request schemas (the committed
 * subset, patched by `spec-patches.ts`), run with ajv; failures are reported
 * as zod 4 issues so the 400 body matches Dokploy's byte for byte where it
 * matters (`code`, `path`, `expected`, `message`). Unknown keys are stripped
 * silently, GET query strings are coerced like the OpenAPI adapter does.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { readFileSync } from "node:fs";
import type { ZodIssue } from "./errors.ts";
import { SERVICE_SPEC_PATCHES, SPEC_PATCHES, type SpecPatch } from "./spec-patches.ts";

type Schema = Record<string, unknown>;

interface Compiled {
  properties: Record<string, Schema>;
  order: string[];
  check: ValidateFunction;
  patch: SpecPatch;
}

/** The outcome of validating one input. */
export type ValidationResult = { ok: true; value: Record<string, unknown> | undefined } | { ok: false; issues: ZodIssue[] };

interface SubsetSpec {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; required?: boolean; schema: Schema }>; requestBody?: { content: { "application/json": { schema: Schema } } } }>>;
}

/** `anyOf: [T, {type:"null"}]` becomes `T` + `nullable: true`, which ajv understands and reports as one type error. */
function normalize(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(normalize);
  if (typeof schema !== "object" || schema === null) return schema;
  const s = schema as Schema;
  const anyOf = s.anyOf as Schema[] | undefined;
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const nullIdx = anyOf.findIndex((b) => b.type === "null" && Object.keys(b).length === 1);
    const other = anyOf[1 - nullIdx];
    if (nullIdx >= 0 && other && typeof other.type === "string") {
      const { anyOf: _drop, ...rest } = s;
      return { ...(normalize(other) as Schema), ...rest, nullable: true };
    }
  }
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, normalize(v)]));
}

function zodParsedType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isNaN(value) ? "nan" : "number";
  return typeof value;
}

function schemaType(schema: Schema | undefined): string {
  const t = schema?.type;
  if (typeof t === "string") return t;
  return "object";
}

function describeValues(values: unknown[]): string {
  return values.map((v) => (typeof v === "string" ? `"${v}"` : String(v))).join("|");
}

/** Compiles every served endpoint's input schema once; validates inputs by endpoint. */
export class InputValidator {
  #ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true });
  #compiled = new Map<string, Compiled | null>();

  constructor(spec: SubsetSpec) {
    for (const [path, methods] of Object.entries(spec.paths)) {
      const endpoint = path.slice(1);
      const op = methods.get ?? methods.post;
      const patch = SPEC_PATCHES[endpoint] ?? SERVICE_SPEC_PATCHES[endpoint] ?? {};
      let schema: Schema | undefined = op?.requestBody?.content["application/json"].schema;
      if (!schema && op?.parameters) {
        schema = {
          type: "object",
          properties: Object.fromEntries(op.parameters.map((p) => [p.name, p.schema])),
          required: op.parameters.filter((p) => p.required).map((p) => p.name),
        };
      }
      if (!schema) {
        this.#compiled.set(endpoint, null);
        continue;
      }
      const s = normalize(structuredClone(schema)) as Schema;
      const properties = { ...((s.properties as Record<string, Schema>) ?? {}) };
      for (const [k, v] of Object.entries(patch.addProperties ?? {})) properties[k] = normalize(v) as Schema;
      if (patch.dropDefaults) {
        for (const [k, v] of Object.entries(properties)) {
          const { default: _dropped, ...rest } = v;
          properties[k] = rest;
        }
      }
      s.properties = properties;
      s.required = ((s.required as string[]) ?? []).filter((k) => !(patch.notRequired ?? []).includes(k));
      this.#compiled.set(endpoint, { properties, order: Object.keys(properties), check: this.#ajv.compile(s), patch });
    }
  }

  /** Turns a query string into the input object (one key per field, arrays as repeated keys, number/boolean coercion). */
  coerceQuery(endpoint: string, params: URLSearchParams): Record<string, unknown> {
    const compiled = this.#compiled.get(endpoint);
    const out: Record<string, unknown> = {};
    for (const key of new Set(params.keys())) {
      const values = params.getAll(key);
      const prop = compiled?.properties[key];
      const type = schemaType(prop);
      const coerce = (v: string): unknown => (type === "number" ? Number(v) : type === "boolean" ? Boolean(v) : v);
      if (type === "array") out[key] = values;
      else out[key] = values.length === 1 ? coerce(values[0]!) : values.map(coerce);
    }
    return out;
  }

  /** Validates `input` for `endpoint`; on success returns it with unknown keys stripped and zod defaults applied. */
  validate(endpoint: string, input: unknown): ValidationResult {
    const compiled = this.#compiled.get(endpoint);
    if (!compiled) return { ok: true, value: undefined };
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
      return {
        ok: false,
        issues: [{ expected: "object", code: "invalid_type", path: [], message: `Invalid input: expected object, received ${zodParsedType(input)}` }],
      };
    }
    const value: Record<string, unknown> = {};
    for (const key of compiled.order) {
      if (key in input) value[key] = (input as Record<string, unknown>)[key];
    }
    if (compiled.patch.coerce) coerceBody(compiled, value);
    const issues: ZodIssue[] = [];
    // ajv counts NaN as a number; zod does not (a coerced "?n=abc" is NaN).
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === "number" && Number.isNaN(v)) {
        issues.push({ expected: "number", code: "invalid_type", path: [k], message: "Invalid input: expected number, received nan" });
      }
    }
    if (!compiled.check(value)) issues.push(...this.#toIssues(compiled, value, compiled.check.errors ?? []));
    const failed = new Set(issues.map((i) => i.path[0]));
    for (const r of compiled.patch.refinements ?? []) {
      const v = value[r.field];
      if (typeof v === "string" && !failed.has(r.field) && !r.test(v)) {
        issues.push({ code: "custom", path: [r.field], message: r.message });
        failed.add(r.field);
      }
    }
    if (issues.length > 0) {
      const rank = (i: ZodIssue): number => {
        const idx = compiled.order.indexOf(String(i.path[0]));
        return idx < 0 ? -1 : idx;
      };
      return { ok: false, issues: issues.map((i, n) => ({ i, n })).sort((a, b) => rank(a.i) - rank(b.i) || a.n - b.n).map((x) => x.i) };
    }
    return { ok: true, value };
  }

  #toIssues(compiled: Compiled, value: Record<string, unknown>, errors: ErrorObject[]): ZodIssue[] {
    const unions = errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf");
    const issues: ZodIssue[] = [];
    for (const e of errors) {
      if (unions.some((u) => u !== e && e.schemaPath.startsWith(`${u.schemaPath}/`))) continue;
      const path: Array<string | number> = e.instancePath
        .split("/")
        .slice(1)
        .map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg.replace(/~1/g, "/").replace(/~0/g, "~")));
      const field = String(path[0] ?? "");
      const custom = path.length === 1 ? compiled.patch.messages?.[field] : undefined;
      const p = e.params as Record<string, unknown>;
      switch (e.keyword) {
        case "required": {
          const key = String(p.missingProperty);
          const nonoptional = path.length === 0 && (compiled.patch.nonoptional ?? []).includes(key);
          const expected = nonoptional ? "nonoptional" : schemaType(path.length === 0 ? compiled.properties[key] : undefined);
          issues.push({ expected, code: "invalid_type", path: [...path, key], message: `Invalid input: expected ${expected}, received undefined` });
          break;
        }
        case "type": {
          const expected = String(p.type).split(",").find((t) => t !== "null") ?? "null";
          const actual = path.reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], value);
          const exp = expected === "integer" ? "int" : expected;
          issues.push({ expected: exp, code: "invalid_type", path, message: `Invalid input: expected ${exp}, received ${zodParsedType(actual)}` });
          break;
        }
        case "minLength":
          issues.push({ origin: "string", code: "too_small", minimum: p.limit, inclusive: true, path, message: custom?.minLength ?? `Too small: expected string to have >=${String(p.limit)} characters` });
          break;
        case "maxLength":
          issues.push({ origin: "string", code: "too_big", maximum: p.limit, inclusive: true, path, message: custom?.maxLength ?? `Too big: expected string to have <=${String(p.limit)} characters` });
          break;
        case "pattern":
          issues.push({ origin: "string", code: "invalid_format", format: "regex", pattern: `/${String(p.pattern)}/`, path, message: custom?.pattern ?? `Invalid string: must match pattern /${String(p.pattern)}/` });
          break;
        case "minimum":
          issues.push({ origin: "number", code: "too_small", minimum: p.limit, inclusive: true, path, message: custom?.minimum ?? `Too small: expected number to be >=${String(p.limit)}` });
          break;
        case "maximum":
          issues.push({ origin: "number", code: "too_big", maximum: p.limit, inclusive: true, path, message: custom?.maximum ?? `Too big: expected number to be <=${String(p.limit)}` });
          break;
        case "enum": {
          const values = p.allowedValues as unknown[];
          issues.push({ code: "invalid_value", values, path, message: `Invalid option: expected one of ${describeValues(values)}` });
          break;
        }
        case "anyOf":
        case "oneOf":
          issues.push({ code: "invalid_union", errors: [], path, message: "Invalid input" });
          break;
        case "additionalProperties":
          issues.push({ code: "unrecognized_keys", keys: [p.additionalProperty], path, message: `Unrecognized key: "${String(p.additionalProperty)}"` });
          break;
        default:
          issues.push({ code: "custom", path, message: e.message ?? "Invalid input" });
      }
    }
    return issues;
  }
}

/** The REST adapter's coercion of top-level boolean and number fields (see `SpecPatch.coerce`). */
function coerceBody(compiled: Compiled, value: Record<string, unknown>): void {
  const required = new Set((compiled.check.schema as { required?: string[] }).required ?? []);
  const nonoptional = new Set(compiled.patch.nonoptional ?? []);
  for (const [key, prop] of Object.entries(compiled.properties)) {
    const type = prop.type;
    if ((type !== "boolean" && type !== "number") || nonoptional.has(key)) continue;
    const v = value[key];
    if (v === null || (v === undefined && !required.has(key) && !(key in value))) continue;
    if (v === undefined && type === "number") continue; // `Number(undefined)` is NaN: the required check reports it
    value[key] = type === "boolean" ? Boolean(v) : Number(v);
  }
}

let shared: InputValidator | undefined;

/** The validator over the committed spec subset (compiled once per process: ajv compilation is the slow part). */
export function defaultValidator(): InputValidator {
  if (!shared) {
    shared = new InputValidator(loadSubset());
  }
  return shared;
}

/** Reads the subset next to this module (src/) or, from dist/, in the packaged `src/simulator/spec`. */
function loadSubset(): SubsetSpec {
  const candidates = ["./spec/openapi-subset.json", "../../src/simulator/spec/openapi-subset.json"];
  for (const rel of candidates) {
    try {
      return JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as SubsetSpec;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  throw new Error(`simulator: openapi-subset.json not found (looked for ${candidates.join(", ")} next to ${import.meta.url})`);
}
