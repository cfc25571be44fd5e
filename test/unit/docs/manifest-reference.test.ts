/**
 * The manifest reference is generated from the schemas: this test fails when
 * the committed page is stale, and pins how the generator reads the JSON
 * Schema shapes the schemas use (refs, maps, discriminated `if/then`, secrets).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  loadSchemas,
  REFERENCE_PATH,
  REGENERATE_COMMAND,
  renderManifestReference,
  SCHEMA_DIR,
  type JsonSchema,
} from "../../../scripts/gen-manifest-reference.ts";

/** The table row of a field, split into its cells (path without backticks). */
function row(page: string, path: string, occurrence = 0): Record<"type" | "required" | "default" | "secret" | "description", string> {
  const lines = page.split("\n").filter((l) => l.startsWith(`| \`${path}\` |`));
  const line = lines[occurrence];
  if (!line) throw new Error(`no row for ${path} (#${occurrence}) in:\n${page}`);
  const cells = line.split(/(?<!\\)\|/).slice(2, -1).map((c) => c.trim());
  const [type = "", required = "", dflt = "", secret = "", description = ""] = cells;
  return { type, required, default: dflt, secret, description };
}

const envelope = (kinds: Record<string, string>): JsonSchema => ({
  description: "Any manifest.",
  properties: { apiVersion: { const: "example/v1" }, kind: { enum: Object.keys(kinds) } },
  allOf: Object.entries(kinds).map(([kind, file]) => ({ if: { properties: { kind: { const: kind } } }, then: { $ref: file } })),
});

const widget: JsonSchema = {
  description: "A widget | with a pipe.",
  required: ["kind", "metadata"],
  properties: {
    kind: { const: "Widget", description: "The kind." },
    metadata: {
      type: "object",
      description: "Identity.",
      required: ["name"],
      properties: {
        name: { $ref: "#/$defs/label", description: "Name of the widget." },
        parent: { description: "Not allowed here.", not: {} },
      },
    },
    spec: {
      type: "object",
      description: "Desired state.",
      properties: {
        size: { type: "integer", minimum: 1, maximum: 9, default: 3, description: "How big." },
        env: { $ref: "#/$defs/envMap", description: "Variables." },
        secrets: { type: "object", description: "Secret variables.", additionalProperties: { $ref: "#/$defs/envValue", "x-secret": true } },
        source: {
          type: "object",
          required: ["type"],
          description: "Where from.",
          properties: { type: { enum: ["git", "image"], description: "Provider." } },
          allOf: [
            {
              if: { properties: { type: { const: "git" } } },
              then: { "x-context": "for source type \"git\"", required: ["url"], properties: { type: { const: "git" }, url: { type: "string", description: "Clone URL." } } },
            },
            {
              if: { properties: { type: { const: "image" } } },
              then: {
                properties: {
                  image: { type: "string", description: "Image." },
                  password: { type: ["string", "object", "null"], "x-secret": true, description: "Registry password.", allOf: [{ if: { type: "object" }, then: { $ref: "#/$defs/secretRef" } }] },
                },
              },
            },
          ],
        },
        tls: { enum: ["none", "custom"], default: "none", description: "TLS mode." },
        resolver: { type: ["string", "null"], description: "Resolver." },
        ports: { type: "array", description: "Ports.", items: { type: "object", properties: { number: { type: "integer", description: "Port number." } } } },
      },
      allOf: [{ if: { properties: { tls: { const: "custom" } } }, then: { required: ["resolver"] } }],
    },
  },
  $defs: {
    label: { type: "string", pattern: "^[a-z]+$", "x-expected": "lowercase letters" },
    secretRef: { type: "object", properties: { fromEnv: { type: "string", description: "Env var." }, fromFile: { type: "string", description: "File." } } },
    envValue: { type: ["string", "number", "object"], allOf: [{ if: { type: "object" }, then: { $ref: "#/$defs/secretRef" } }] },
    envMap: { type: "object", additionalProperties: { $ref: "#/$defs/envValue" } },
  },
};

describe("docs/manifest-reference.md", () => {
  it("is up to date with manifests-schema/", () => {
    const expected = renderManifestReference(loadSchemas(SCHEMA_DIR));
    const committed = readFileSync(REFERENCE_PATH, "utf8");
    expect(committed === expected, `docs/manifest-reference.md is out of date: run ${REGENERATE_COMMAND}`).toBe(true);
  });

  it("documents every kind the envelope names, and marks the schemas' secret fields", () => {
    const schemas = loadSchemas(SCHEMA_DIR);
    const page = renderManifestReference(schemas);
    const kinds = (schemas["manifest.schema.json"]?.properties?.kind?.enum ?? []) as string[];
    expect(kinds.length).toBeGreaterThan(0);
    for (const kind of kinds) expect(page).toContain(`\n## ${kind}\n`);
    expect(page).toMatch(/\| secret \|/);
  });
});

describe("renderManifestReference", () => {
  const page = renderManifestReference({ "manifest.schema.json": envelope({ Widget: "widget.schema.json" }), "widget.schema.json": widget });

  it("starts with a do-not-edit note naming the command, and lists the kinds", () => {
    expect(page).toContain(REGENERATE_COMMAND);
    expect(page).toContain("Kinds: [Widget](#widget)");
    expect(page).toContain("`apiVersion: example/v1`");
  });

  it("renders consts, required fields and shared formats from $defs", () => {
    expect(row(page, "kind")).toMatchObject({ type: '`"Widget"`', required: "yes" });
    expect(row(page, "metadata.name")).toMatchObject({ type: "string", required: "yes", description: "Name of the widget. Format: lowercase letters." });
  });

  it("leaves out fields the schema forbids", () => {
    expect(page).not.toContain("metadata.parent");
  });

  it("renders ranges and defaults", () => {
    expect(row(page, "spec.size")).toMatchObject({ type: "integer 1-9", default: "`3`", required: "" });
    expect(row(page, "spec.tls")).toMatchObject({ type: '`"none"` \\| `"custom"`', default: '`"none"`' });
  });

  it("marks maps whose values may be secret references, and maps whose values are secret", () => {
    expect(row(page, "spec.env")).toMatchObject({ type: "map of string \\| number \\| secret reference", secret: "ref ok" });
    expect(row(page, "spec.secrets").secret).toBe("secret");
  });

  it("lists each variant's fields with its condition, without repeating the discriminator", () => {
    expect(row(page, "spec.source.type")).toMatchObject({ required: "yes", description: "Provider." });
    expect(page.split("\n").filter((l) => l.startsWith("| `spec.source.type` |"))).toHaveLength(1);
    expect(row(page, "spec.source.url")).toMatchObject({ required: "yes", description: 'When source type "git": Clone URL.' });
    expect(row(page, "spec.source.password")).toMatchObject({ type: "string \\| secret reference \\| null", secret: "secret", description: 'When type: "image": Registry password.' });
  });

  it("shows a requirement that depends on another field", () => {
    expect(row(page, "spec.resolver").required).toBe('if tls: "custom"');
  });

  it("descends into list items", () => {
    expect(row(page, "spec.ports[].number").type).toBe("integer");
  });

  it("escapes pipes in descriptions so the table stays a table", () => {
    expect(page).toContain("A widget \\| with a pipe.");
  });

  it("documents secret references once", () => {
    expect(page).toContain("## Secret references");
    expect(row(page, "fromEnv").description).toBe("Env var.");
  });

  it("is deterministic", () => {
    expect(renderManifestReference({ "manifest.schema.json": envelope({ Widget: "widget.schema.json" }), "widget.schema.json": widget })).toBe(page);
  });

  it.each([
    ["no envelope", { "widget.schema.json": widget }, "manifest.schema.json is missing"],
    ["a kind whose file is missing", { "manifest.schema.json": envelope({ Widget: "nope.schema.json" }) }, "kind Widget refers to nope.schema.json, which does not exist"],
    ["an envelope without kinds", { "manifest.schema.json": { properties: {} } }, "no \"if kind then $ref\" branches"],
    [
      "a dangling $ref",
      { "manifest.schema.json": envelope({ Widget: "w.schema.json" }), "w.schema.json": { $id: "w", properties: { a: { $ref: "#/$defs/missing" } } } },
      "w: unresolved $ref #/$defs/missing",
    ],
  ])("fails clearly on %s", (_name, schemas, message) => {
    expect(() => renderManifestReference(schemas as Record<string, JsonSchema>)).toThrow(message);
  });
});
