/**
 * Dev-only: copies the request schemas of the endpoints the simulator serves
 * (`SERVED_ENDPOINTS`: the port's and every router module's under
 * `src/dokploy/routers/`, so a new router is picked up without editing this
 * list) from Dokploy's own openapi.json (v0.30.2, kept beside the project in
 * `../shared/dokploy-api/openapi.json`) into `src/simulator/spec/openapi-subset.json`.
 * The project never reads `../shared` at build, test or run time; it reads the
 * subset, which is committed. Response schemas are dropped: in Dokploy's spec
 * they are placeholders (`{"type":"object","properties":{}}`). Spec staleness is patched in code
 * (`src/simulator/spec-patches.ts`), not here, so the subset stays a faithful copy.
 *
 * Usage: node scripts/extract-openapi.ts [path/to/openapi.json]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { SERVED_ENDPOINTS } from "../src/simulator/endpoints.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = process.argv[2] ?? join(root, "..", "shared", "dokploy-api", "openapi.json");
const target = join(root, "src", "simulator", "spec", "openapi-subset.json");

interface Operation {
  parameters?: unknown[];
  requestBody?: { content?: { "application/json"?: { schema?: unknown } } };
}

const spec = JSON.parse(readFileSync(source, "utf8")) as { paths: Record<string, Record<string, Operation>> };
const paths: Record<string, Record<string, unknown>> = {};
for (const [endpoint, method] of Object.entries(SERVED_ENDPOINTS)) {
  const m = method.toLowerCase();
  const op = spec.paths[`/${endpoint}`]?.[m];
  if (!op) throw new Error(`${source}: no ${method} /${endpoint} in the spec`);
  const kept: Record<string, unknown> = {};
  if (op.parameters && op.parameters.length > 0) kept.parameters = op.parameters;
  const body = op.requestBody?.content?.["application/json"]?.schema;
  if (body) kept.requestBody = { content: { "application/json": { schema: body } } };
  paths[`/${endpoint}`] = { [m]: kept };
}
const subset = {
  "x-source":
    "Dokploy v0.30.2 openapi.json (apps/dokploy/public/openapi.json, blob 668865d3dd88); request schemas only, for the endpoints the simulator serves. Regenerate with scripts/extract-openapi.ts.",
  openapi: "3.1.0",
  paths,
};
writeFileSync(target, JSON.stringify(subset, null, 2) + "\n");
console.log(`wrote ${Object.keys(paths).length} paths to ${target}`);
