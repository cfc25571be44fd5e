/**
 * Generated references for the planner's property tests: which services
 * reference which (hosts, names, domain URLs, composed values carrying a
 * canary secret, command arguments), always without a cycle, and the checks
 * every plan of them must pass (each applied step after what it
 * references, no step that can never run, "known after apply" only for what
 * this apply creates).
 */
import fc from "fast-check";
import { expect } from "vitest";
import type { PlanStep } from "../../src/plan/types.ts";

/** A secret reached through references (a composed value's argument): it must never be printed. */
export const CANARY = "canary-secret-4d1f9b";
/** The environment variable the generated manifests read the canary from. */
export const CANARY_ENV = "CANARY_PW";

/** What a generated reference reads: a host, a name, a domain's URL, a composed value with the canary, a command argument. */
export type RefKind = "host" | "name" | "url" | "composed" | "args";

/** One generated reference: from the `from`-th service to an earlier one (or itself), by `kind`. */
export const refSpec = fc.record({ from: fc.nat(15), to: fc.nat(15), kind: fc.constantFrom<RefKind>("host", "name", "url", "composed", "args") });
/** A value of `refSpec`. */
export type RefSpecValue = { from: number; to: number; kind: RefKind };

/** A service of the generated tree. */
export interface GraphNode {
  kind: "Application" | "Compose";
  environment: string;
  name: string;
}

/** Where a node's generated references go: env entries, and arguments (applications only). */
export interface Wires {
  env: string[];
  args: string[];
}

/** The node's key in the `wiring` map. */
export const nodeKey = (n: GraphNode): string => `${n.kind}/${n.environment}/${n.name}`;

/**
 * The env and args of each node from the generated references: a node
 * references only nodes before it (and their domains) or itself by a field
 * its manifest decides (its name, its own domain's URL), so the graph has no
 * cycle. `hasDomains`: every node has a domain `dom0`.
 */
export function wiring(nodes: readonly GraphNode[], refs: readonly RefSpecValue[], hasDomains: boolean): Map<string, Wires> {
  const out = new Map(nodes.map((n) => [nodeKey(n), { env: [] as string[], args: [] as string[] }]));
  refs.forEach((r, i) => {
    if (nodes.length === 0) return;
    const i0 = r.from % nodes.length;
    const from = nodes[i0]!;
    // An earlier node, or (when there is none, or one in three times) itself.
    const to = i0 === 0 || r.to % 3 === 0 ? from : nodes[i0 - 1 - (r.to % i0)]!;
    const self = from === to;
    const target = `${to.kind}/${to.environment}/${to.name}`;
    const w = out.get(nodeKey(from))!;
    switch (r.kind) {
      case "host":
        if (!self) w.env.push(`R${i}: { ref: ${target}, field: host }`);
        break;
      case "name":
        w.env.push(`R${i}: { ref: ${target}, field: name }`);
        break;
      case "url":
        if (hasDomains) w.env.push(`R${i}: { ref: Domain/${to.environment}/${to.kind === "Compose" ? `compose:${to.name}` : to.name}/dom0, field: url }`);
        break;
      case "composed":
        if (!self) w.env.push(`R${i}: { format: "pg://app:{pw}@{h}/db", args: { pw: { fromEnv: ${CANARY_ENV} }, h: { ref: ${target}, field: host } } }`);
        break;
      case "args":
        if (!self) (from.kind === "Application" ? w.args : w.env).push(from.kind === "Application" ? `{ ref: ${target}, field: appName }` : `R${i}: { ref: ${target}, field: appName }`);
        break;
    }
  });
  return out;
}

/** The flow-style spec text a node's wires add (`, env: {...}, args: [...]`). */
export function wiresText(w: Wires | undefined): string {
  if (!w) return "";
  return `${w.env.length > 0 ? `, env: { ${w.env.join(", ")} }` : ""}${w.args.length > 0 ? `, args: [${w.args.join(", ")}]` : ""}`;
}

const APPLIED = new Set(["create", "update", "adopt", "delete", "orphan"]);

/**
 * Every applied step comes after the applied steps of what it references
 * (its own domain's URL excepted: the manifest decides it), a value "known
 * after apply" belongs to a target this apply creates, and the applied steps
 * can all run (their order has no cycle).
 */
export function expectReferencesOrdered(steps: readonly PlanStep[]): void {
  const byKey = new Map(steps.map((s) => [s.key, s]));
  for (const s of steps) {
    if (!APPLIED.has(s.action)) continue;
    for (const r of s.references ?? []) {
      const target = byKey.get(r.target);
      if (r.within || !target || !APPLIED.has(target.action)) continue;
      expect(s.dependsOn, `${s.key} waits for ${r.target}`).toContain(r.target);
    }
    for (const c of s.changes) {
      if (c.pending !== "after-apply") continue;
      expect((s.references ?? []).some((r) => byKey.get(r.target)?.action === "create"), `${s.key} ${c.path}: known after apply, so something it references is created`).toBe(true);
    }
  }
  // Kahn's algorithm over the applied steps, as the applier runs them.
  const applied = steps.filter((s) => APPLIED.has(s.action));
  const keys = new Set(applied.map((s) => s.key));
  const waiting = new Map(applied.map((s) => [s.key, new Set(s.dependsOn.filter((k) => keys.has(k)))]));
  let progress = true;
  while (progress && waiting.size > 0) {
    progress = false;
    for (const [key, deps] of waiting) {
      if ([...deps].some((k) => waiting.has(k))) continue;
      waiting.delete(key);
      progress = true;
    }
  }
  expect([...waiting.keys()], "steps whose dependencies can never be met").toEqual([]);
}
