/**
 * Unowned look-alike objects for the reliability suite: rows a person (or
 * another tool, or another instance of this one) made that resemble what the
 * manifests declare. The tool must never write to any of them.
 */
import { renderDescription } from "../../src/model/marker.ts";
import type { SeedData, SimulatorHandle, SimulatorState } from "../../src/simulator/index.ts";

/** Ids of seeded look-alikes. */
export type LookalikeIds = Set<string>;

/**
 * A whole unmanaged project shaped like a fleet project: same environment,
 * application names and hosts, no marker (or another instance's marker).
 */
export function unmanagedProject(name: string, appNames: string[], foreign: boolean): SeedData {
  const description = foreign ? renderDescription("made by another instance", { v: 1, instance: "other", key: `Project/${name}`, id: "x" }) : "made by hand";
  return {
    projects: [{
      name, description,
      environments: [
        { name: "production", applications: appNames.map((a) => ({ name: a, appName: `${name}-${a}-hand`, description: `hand-made ${a}`, env: "PORT=3000", domains: [{ host: `${a}.production.${name}.example.com`, port: 3000 }] })) },
        { name: "staging" },
      ],
    }],
  };
}

/**
 * Look-alikes inside environments the tool manages: an unmarked application
 * with a domain, and one carrying another instance's marker. Returns the
 * seed for every managed environment present in `state`, picked by `pick`.
 */
export function insideManaged(state: SimulatorState, projects: ReadonlySet<string>, tag: string): SeedData {
  const applications: NonNullable<SeedData["applications"]> = [];
  for (const p of state.projects) {
    if (!projects.has(p.name)) continue;
    for (const e of p.environments) {
      applications.push({ environmentId: e.environmentId, name: `manual-${tag}`, appName: `manual-${tag}-${e.environmentId}`, description: "kept by hand", domains: [{ host: `manual-${tag}.${e.name}.${p.name}.example.com` }] });
      applications.push({
        environmentId: e.environmentId, name: `other-${tag}`, appName: `other-${tag}-${e.environmentId}`,
        description: renderDescription("", { v: 1, instance: "other", key: `Application/${p.name}/${e.name}/other-${tag}`, id: "unknown" }),
      });
    }
  }
  return { applications };
}

/** Seeds `data` and returns every id it created. */
export function seedLookalikes(sim: SimulatorHandle, data: SeedData): LookalikeIds {
  const r = sim.control.seed(data);
  return new Set([...r.projectIds, ...r.environmentIds, ...r.applicationIds, ...r.domainIds]);
}
