/**
 * References in an export: a variable whose live value is exactly what
 * another exported service of the same environment offers to references is
 * written as a reference to it (`{ref: "Postgres/db", field: databasePassword}`,
 * `{ref: "Application/api", field: host}`), so the manifests say what the
 * value is, and a password reached that way is never a file's value nor a
 * `.env.example` variable. Only two facts are matched: a service's host (its
 * appName, which Dokploy makes unique) and a secret field (a database's
 * passwords) of at least `MIN_SECRET_LENGTH` characters; a short password or
 * a port or user name equal by chance would make a reference nobody meant.
 * Only whole values: a URL holding a password may hold other secrets too,
 * and stays a secret of its own. A reference never points at its own
 * resource, nor closes a cycle (validation refuses one).
 */
import { kindModule } from "../kinds/registry.ts";
import { referenceableFields } from "../kinds/reference-targets.ts";
import type { AnyManifest, DesiredState } from "../model/manifest.ts";
import type { Reference, ValueReference } from "../model/spec.ts";
import type { ResolveReference } from "../plan/diff.ts";
import { ReferenceValues, type TargetState } from "../plan/references.ts";
import type { SecretValues } from "../plan/secrets.ts";
import type { ExportObject } from "./model.ts";

/** The shortest secret value matched: shorter ones equal each other by chance too easily. */
export const MIN_SECRET_LENGTH = 8;

/** A field value one exported object offers. */
interface Offer {
  key: string;
  reference: Reference;
}

/** A reference written, and how to write the value it replaced if its target is left out. */
interface Written {
  target: string;
  restore: () => void;
}

/** The environment a service lives in, as one scope key (undefined: not a service). */
function scopeOf(o: ExportObject): string | undefined {
  if (kindModule(o.kind).family !== "service" || o.identity.environment === undefined) return undefined;
  return `${o.identity.project}\u0000${o.identity.environment}`;
}

/** The references one export writes: built from the collected objects before any secret is replaced. */
export class ExportReferences {
  readonly #offers = new Map<string, Map<string, Offer[]>>();
  readonly #edges = new Map<string, Set<string>>();
  #written: Written[] = [];

  /** `objects` still hold their live values (passwords in clear). */
  constructor(objects: readonly ExportObject[]) {
    for (const o of objects) {
      const scope = scopeOf(o);
      if (scope === undefined) continue;
      const offers = this.#offers.get(scope) ?? this.#offers.set(scope, new Map()).get(scope)!;
      const offer = (value: string, field: string): void => {
        const list = offers.get(value) ?? offers.set(value, []).get(value)!;
        list.push({ key: o.key, reference: { ref: `${o.kind}/${o.identity.name}`, field } });
      };
      const fields = referenceableFields(o.kind);
      if (o.appName && fields.host) offer(o.appName, "host");
      // The kind's own reading of its fields, on the spec as exported (a manifest in the making).
      const asManifest = { kind: o.kind, key: o.key, identity: o.identity, metadata: o.metadata, spec: o.spec } as unknown as AnyManifest;
      for (const [field, def] of Object.entries(fields)) {
        if (!def.secret) continue;
        const value = def.read(asManifest as never, { id: o.key, name: o.identity.name, ...(o.appName ? { appName: o.appName } : {}) });
        if (typeof value === "string" && value.length >= MIN_SECRET_LENGTH) offer(value, field);
      }
    }
  }

  /**
   * The reference to write for `value` in `o`, if another exported service
   * of its environment offers exactly that value; `restore` writes what the
   * value would be otherwise, should the target be left out of the export.
   */
  match(o: ExportObject, value: string, restore: () => void): Reference | undefined {
    const scope = scopeOf(o);
    const offers = scope === undefined ? undefined : this.#offers.get(scope)?.get(value);
    for (const offer of offers ?? []) {
      if (offer.key === o.key || this.#reaches(offer.key, o.key)) continue;
      (this.#edges.get(o.key) ?? this.#edges.set(o.key, new Set()).get(o.key)!).add(offer.key);
      this.#written.push({ target: offer.key, restore });
      return { ...offer.reference };
    }
    return undefined;
  }

  /** True when `from` already references `to`, directly or through others. */
  #reaches(from: string, to: string): boolean {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const at = stack.pop()!;
      if (at === to) return true;
      if (seen.has(at)) continue;
      seen.add(at);
      stack.push(...(this.#edges.get(at) ?? []));
    }
    return false;
  }

  /** Writes back the values of references to `gone` objects (left out of the export); true when there was one. */
  restoreTargets(gone: ReadonlySet<string>): boolean {
    const restored = this.#written.filter((w) => gone.has(w.target));
    this.#written = this.#written.filter((w) => !gone.has(w.target));
    for (const w of restored) w.restore();
    return restored.length > 0;
  }
}

/**
 * How the export's self-check resolves a reference written in `referrer`:
 * against the manifests just written, each target's live facts (its
 * appName), and the secrets' live values held in memory.
 */
export function exportResolver(desired: DesiredState, objects: readonly ExportObject[], secrets: SecretValues): (referrer: AnyManifest) => ResolveReference {
  const targets = new Map<string, TargetState>(objects.map((o) => [o.key, {
    state: "live", facts: { id: o.key, name: o.identity.name, ...(o.appName ? { appName: o.appName } : {}) },
  }]));
  const values = new ReferenceValues(desired, (key) => targets.get(key), secrets);
  return (referrer) => (value: ValueReference) => values.evaluate(referrer.identity, value);
}
