/**
 * The `reference` definition every kind schema carries in its shared `$defs`
 * (`{ref: "<Kind>/<name>", field}`), generated from what the kind modules
 * declare (`referenceable` in `src/kinds/*.ts`): the kinds a `ref` may start
 * with, and for each kind the fields an editor completes and the validator
 * accepts. `node scripts/gen-manifest-schema.ts` writes it into every kind
 * file; a unit test fails when a file's copy is stale.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { article, referenceableFields, referenceableKinds, referenceShape } from "../src/kinds/reference-targets.ts";
import type { JsonSchema } from "./gen-manifest-reference.ts";

/** The name of the definition in `$defs`. */
export const REFERENCE_DEF = "reference";

/** `a, b or c`. */
function list(items: readonly string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

/** The `$defs.reference` schema, from the kind registry. */
export function referenceSchema(): JsonSchema {
  const kinds = referenceableKinds();
  return {
    description:
      "A field of another resource of the same project, read when applying: `ref` is the resource's key without its project, " +
      "`<Kind>/<name>` in the referrer's own environment or `<Kind>/<environment>/<name>` in another one (a domain adds its service: " +
      "`Domain/<application>/<name>`, `Domain/compose:<stack>/<name>`). A field Dokploy chooses (a service's host) is \"(known after apply)\" " +
      "in plans until the resource exists; a secret field stays a secret. The resource is created or updated first.",
    type: "object",
    required: ["ref", "field"],
    "x-expected": "{ref: Kind/name, field: NAME}",
    properties: {
      ref: {
        description: `The resource: ${kinds.map(referenceShape).join("; ")}.`,
        type: "string",
        pattern: `^(${kinds.join("|")})(/[a-z0-9:][-a-z0-9:]*){1,3}$`,
        "x-expected": `${list(kinds)} followed by /<name> or /<environment>/<name>, e.g. ${kinds[0] ?? "Application"}/api`,
      },
      field: {
        description: "The field to read. Each kind offers its own (see the `then` branches, and \"References\" in the manifest reference).",
        type: "string",
        pattern: "^[A-Za-z][A-Za-z0-9]*$",
        "x-expected": "a field name such as host",
      },
    },
    additionalProperties: false,
    allOf: kinds.map((kind) => {
      const fields = referenceableFields(kind);
      const names = Object.keys(fields);
      return {
        if: { properties: { ref: { pattern: `^${kind}/` } }, required: ["ref"] },
        then: {
          "x-context": `for ${article(kind)} ${kind}`,
          properties: {
            field: {
              description: names.map((n) => `${n}: ${fields[n]!.description}`).join(" "),
              enum: names,
              "x-expected": `a field ${article(kind)} ${kind} offers: ${list(names)}`,
              "x-fields": Object.fromEntries(names.map((n) => [n, { secret: fields[n]!.secret, source: fields[n]!.source, description: fields[n]!.description }])),
            },
          },
        },
      };
    }),
  };
}

/**
 * Brings `$defs.reference` of every kind schema in `dir` (each file with a
 * `$defs`) up to date, or with `check` only compares. Returns the files that
 * were (or would be) rewritten.
 */
export function syncReferenceDefs(dir: string, check: boolean): string[] {
  const expected = referenceSchema();
  const stale: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".schema.json")).sort()) {
    const path = join(dir, file);
    const schema = JSON.parse(readFileSync(path, "utf8")) as JsonSchema;
    if (typeof schema.$defs !== "object" || schema.$defs === null) continue;
    if (JSON.stringify(schema.$defs[REFERENCE_DEF]) === JSON.stringify(expected)) continue;
    stale.push(file);
    if (!check) writeFileSync(path, `${JSON.stringify({ ...schema, $defs: { ...schema.$defs, [REFERENCE_DEF]: expected } }, null, 2)}\n`);
  }
  return stale;
}
