/**
 * Secrets in an export: no secret value is ever written. Every value at a
 * field the kind's schema marks `x-secret` (build secrets, a registry
 * password, ...) and, by default, every value of a variables map (`env`,
 * build args: they often hold secrets typed into the UI) becomes
 * `{fromEnv: NAME}`, with a readable name made from the resource and the
 * field (`SHOP_PRODUCTION_WEB_STRIPE_KEY`), stable for the same live state.
 * A variable stays literal only when it cannot hold a secret (empty, or
 * nothing but `${{...}}` references to other variables) or when
 * `--plain-env` names its key (never in an always-secret map). A variable
 * equal to another exported service's host or password is written as a
 * reference to it (`references.ts`), never as a value or a variable.
 * The values stay in memory, for the export's own check that the manifests
 * plan clean; they never reach a file, a message or a log.
 */
import { childKindsOf, kindModule } from "../kinds/registry.ts";
import { manifestSchemas } from "../manifest/schema.ts";
import { resourceLabel } from "../model/resource.ts";
import { SecretValues } from "../plan/secrets.ts";
import type { ExportObject, SecretVariable } from "./model.ts";
import type { ExportReferences } from "./references.ts";

/** A value made only of Dokploy variable references (`${{project.DB_URL}}`): no secret in it. */
const ONLY_REFERENCES = /^\s*(?:\$\{\{[^{}]+\}\}\s*)+$/;

/** A glob on variable names (`*`, `?`), as a regular expression. */
function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
}

/** `stripeKey`, `my-app` -> `STRIPE_KEY`, `MY_APP`. */
function upperSnake(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

/** Walks `spec` at an `x-secret` path pattern (`*`: any key or index), yielding pointers and values. */
function* atPattern(node: unknown, pattern: readonly string[], pointer: string): Generator<[string, unknown, Record<string, unknown> | unknown[], string]> {
  const [head, ...rest] = pattern;
  if (head === undefined || node === null || typeof node !== "object") return;
  const container = node as Record<string, unknown>;
  const keys = head === "*" ? Object.keys(container) : head in container ? [head] : [];
  for (const k of keys) {
    const at = `${pointer}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    if (rest.length === 0) yield [at, container[k], container, k];
    else yield* atPattern(container[k], rest, at);
  }
}

/** The secrets of one export: names handed out, what `.env.example` lists, the values (memory only). */
export class ExportSecrets {
  readonly variables: SecretVariable[] = [];
  /** Each name's live value, for the export's self-check; never rendered. */
  readonly values = new SecretValues();
  readonly #taken = new Set<string>();
  readonly #plain: RegExp[];

  readonly #references: ExportReferences | undefined;

  /** `references`: the values other exported services offer, written as references instead (`references.ts`). */
  constructor(plainEnv: readonly string[], references?: ExportReferences) {
    this.#plain = plainEnv.map(globToRegExp);
    this.#references = references;
  }

  /**
   * Replaces, in place, every secret value of `o.spec` with a `{fromEnv}`
   * reference, and every variable equal to what another exported service
   * offers with a reference to it.
   */
  replaceIn(o: ExportObject): void {
    const kind = kindModule(o.kind);
    const patterns = manifestSchemas().secretPaths[o.kind].filter((p) => p[0] === "spec").map((p) => p.slice(1));
    const always = new Set<string>();
    for (const pattern of patterns) {
      for (const [pointer, value, container, key] of atPattern(o.spec, pattern, "/spec")) {
        always.add(pointer);
        if (typeof value === "string" && value !== "") (container as Record<string, unknown>)[key] = this.#reference(o, pointer, value);
      }
    }
    const secretMaps = new Set(kind.fields.secretMaps);
    for (const mapPointer of kind.fields.hiddenLiveMaps) {
      for (const [pointer, value, container, key] of atPattern(o.spec, [...mapPointer.split("/").slice(2), "*"], "/spec")) {
        if (always.has(pointer) || typeof value !== "string" || value === "") continue;
        const map = container as Record<string, unknown>;
        const literal = !secretMaps.has(mapPointer) && (ONLY_REFERENCES.test(value) || this.#plain.some((re) => re.test(key)));
        // Even a --plain-env key: a host is no secret, and a password is better not written at all.
        const otherwise = (): void => {
          map[key] = literal ? value : this.#reference(o, pointer, value);
        };
        const reference = this.#references?.match(o, value, otherwise);
        if (reference) map[key] = reference;
        else otherwise();
      }
    }
  }

  #reference(o: ExportObject, pointer: string, value: string): { fromEnv: string } {
    const id = o.identity;
    const owner = [id.project, id.environment, id.application ?? id.compose, o.kind === "Project" ? undefined : id.name].filter((x): x is string => x !== undefined);
    const field = pointer.split("/").slice(2).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    if (field[0] === "env") field.shift();
    // An entry of a child list is named by its natural key, not its position (`SECURITY_ADMIN_PASSWORD`).
    const list = childKindsOf(o.kind).find((c) => c.field === field[0]);
    const entry = list && /^\d+$/.test(field[1] ?? "") ? (o.spec[list.field] as unknown[] | undefined)?.[Number(field[1])] : undefined;
    if (list && entry !== undefined) field[1] = list.entryKey(entry as never);
    let base = [...owner, ...field].map(upperSnake).filter((s) => s !== "").join("_");
    if (/^[0-9]/.test(base)) base = `_${base}`;
    let name = base;
    for (let n = 2; this.#taken.has(name); n++) name = `${base}_${n}`;
    this.#taken.add(name);
    this.variables.push({ name, label: resourceLabel(id), pointer });
    this.values.set({ fromEnv: name }, value);
    return { fromEnv: name };
  }
}

/** `.env.example`: every variable the manifests read, with where it is used; never a value. */
export function renderEnvExample(variables: readonly SecretVariable[]): string {
  const lines = [
    "# The secrets of the manifests `dokploy-gitops export` wrote: names only, never values.",
    "# Before plan or apply, set each variable in the environment of dokploy-gitops to the",
    "# value the field has in Dokploy today (the manifests read them as {fromEnv: NAME}).",
    "# Keep the values out of git.",
  ];
  for (const v of variables) lines.push("", `# ${v.label}: ${v.pointer}`, `${v.name}=`);
  return `${lines.join("\n")}\n`;
}
