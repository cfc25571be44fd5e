/**
 * `manifest.schema.json` is generated from the kind schema files: this test
 * fails when the committed envelope is stale, and pins the generator's order
 * of kinds, its `--check` exit codes and its errors for a malformed directory.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadSchemas, REPO_ROOT, SCHEMA_DIR, type JsonSchema } from "../../../scripts/gen-manifest-reference.ts";
import {
  ENVELOPE_FILE,
  kindSchemaFiles,
  REGENERATE_COMMAND,
  renderManifestSchema,
  runGenerator,
} from "../../../scripts/gen-manifest-schema.ts";

/** A minimal kind schema, as the generator reads it. */
const kindSchema = (kind: string, apiVersion = "dokploy-gitops/v1"): JsonSchema => ({
  properties: { apiVersion: { const: apiVersion }, kind: { const: kind } },
});

/** Schemas keyed by file name, one per kind, named as the validator expects. */
const schemasFor = (...kinds: string[]): Record<string, JsonSchema> =>
  Object.fromEntries(kinds.map((k) => [`${k.toLowerCase()}.schema.json`, kindSchema(k)]));

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of manifests-schema/ in a temp directory, so --check and writes never touch the repository. */
function copyOfSchemas(): string {
  const dir = mkdtempSync(join(tmpdir(), "dg-envelope-"));
  temps.push(dir);
  cpSync(SCHEMA_DIR, dir, { recursive: true });
  return dir;
}

describe("manifests-schema/manifest.schema.json", () => {
  it("is what the generator makes of the kind schemas", () => {
    const committed = readFileSync(join(SCHEMA_DIR, ENVELOPE_FILE), "utf8");
    const expected = renderManifestSchema(loadSchemas(SCHEMA_DIR));
    expect(committed === expected, `manifests-schema/${ENVELOPE_FILE} is out of date: run ${REGENERATE_COMMAND}`).toBe(true);
  });

  it("dispatches every kind schema of the directory, parents first", () => {
    const envelope = JSON.parse(readFileSync(join(SCHEMA_DIR, ENVELOPE_FILE), "utf8")) as JsonSchema;
    expect(envelope.properties?.kind?.enum).toEqual(["Project", "Environment", "Application", "Compose", "Postgres", "MySQL", "MariaDB", "Mongo", "Redis", "LibSQL", "Domain"]);
    expect(envelope.allOf?.map((b) => b.then?.$ref)).toEqual([
      "project.schema.json",
      "environment.schema.json",
      "application.schema.json",
      "compose.schema.json",
      "postgres.schema.json",
      "mysql.schema.json",
      "mariadb.schema.json",
      "mongo.schema.json",
      "redis.schema.json",
      "libsql.schema.json",
      "domain.schema.json",
    ]);
  });
});

describe("kindSchemaFiles", () => {
  it("puts the known kinds in dependency order and any other kind after them, alphabetically", () => {
    const kinds = kindSchemaFiles(schemasFor("Widget", "Domain", "Alpha", "Compose", "Project", "Application", "Environment"));
    expect(kinds.map((k) => k.kind)).toEqual(["Project", "Environment", "Application", "Compose", "Domain", "Alpha", "Widget"]);
    expect(kinds[0]).toEqual({ kind: "Project", file: "project.schema.json" });
  });

  it("ignores the envelope itself", () => {
    const kinds = kindSchemaFiles({ ...schemasFor("Project"), [ENVELOPE_FILE]: { properties: { kind: { enum: ["Project"] } } } });
    expect(kinds).toEqual([{ kind: "Project", file: "project.schema.json" }]);
  });

  it.each<[string, Record<string, JsonSchema>, RegExp]>([
    ["a schema without a kind", { "shared.schema.json": { properties: {} } }, /shared\.schema\.json: no properties\.kind\.const/],
    ["a file not named after its kind", { "app.schema.json": kindSchema("Application") }, /app\.schema\.json: declares kind Application, so it must be named application\.schema\.json/],
    ["no kind at all", {}, /no kind schemas/],
  ])("refuses %s", (_name, schemas, message) => {
    expect(() => kindSchemaFiles(schemas)).toThrow(message);
  });
});

describe("renderManifestSchema", () => {
  it("names each kind in the enum, its message and an if/then branch to its file", () => {
    const envelope = JSON.parse(renderManifestSchema(schemasFor("Project", "Zeta"))) as JsonSchema;
    expect(envelope.properties?.kind).toMatchObject({ enum: ["Project", "Zeta"], "x-expected": "one of Project, Zeta" });
    expect(envelope.allOf?.[1]).toEqual({ if: { properties: { kind: { const: "Zeta" } }, required: ["kind"] }, then: { $ref: "zeta.schema.json" } });
    expect(envelope.properties?.apiVersion?.const).toBe("dokploy-gitops/v1");
  });

  it("refuses kind schemas that disagree on apiVersion", () => {
    const schemas = { ...schemasFor("Project"), "zeta.schema.json": kindSchema("Zeta", "dokploy-gitops/v2") };
    expect(() => renderManifestSchema(schemas)).toThrow(/one properties\.apiVersion\.const/);
  });
});

describe("gen-manifest-schema --check", () => {
  it("exits 0 on a fresh envelope, 1 on a stale one, and writing makes it fresh again", () => {
    const dir = copyOfSchemas();
    expect(runGenerator(["--check"], dir)).toBe(0);
    const path = join(dir, ENVELOPE_FILE);
    writeFileSync(path, readFileSync(path, "utf8").replace('"Compose",', ""));
    expect(runGenerator(["--check"], dir)).toBe(1);
    expect(runGenerator([], dir)).toBe(0);
    expect(runGenerator(["--check"], dir)).toBe(0);
    expect(readFileSync(path, "utf8")).toBe(readFileSync(join(SCHEMA_DIR, ENVELOPE_FILE), "utf8"));
  });

  it("runs as a script against the repository's schemas", () => {
    const run = spawnSync(process.execPath, ["scripts/gen-manifest-schema.ts", "--check"], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});
