/**
 * Links between the services of a random live world (`live-world.ts`): a
 * variable holding what another service of its environment offers to
 * references, which export must write as a reference, never as a value.
 */
import fc from "fast-check";
import type { WorldEnvironment } from "./live-world.ts";

/** One link as generated. */
interface Link {
  from: number;
  to: number;
  key: string;
  value: "databasePassword" | "databaseRootPassword" | "appName";
}

/**
 * A variable of an application or stack set to what another service of its
 * environment offers to references (a database's password, a service's
 * appName), as people paste them in the UI: export writes it as a reference.
 * `from` and `to` pick the services (modulo their count).
 */
export const linkArb: fc.Arbitrary<Link> = fc.record({
  from: fc.nat(), to: fc.nat(),
  key: fc.constantFrom("DB_PASSWORD", "DB_HOST", "UPSTREAM"),
  value: fc.constantFrom<Link["value"]>("databasePassword", "databaseRootPassword", "appName"),
});

/** Sets the variables `links` ask for (a link with nothing to point at, or at itself, does nothing). */
export function linkServices(p: { name: string }, e: Pick<WorldEnvironment, "name" | "apps" | "stacks" | "databases">, links: readonly Link[]): void {
  const referrers: Array<{ name: string; env: Record<string, string> }> = [...e.apps, ...e.stacks];
  const services = [
    ...[...e.apps, ...e.stacks].map((s) => ({ s, appName: `${p.name}-${e.name}-${s.name}`, columns: {} as Record<string, unknown> })),
    ...e.databases.map((d) => ({ s: d, appName: `${p.name}-${e.name}-${d.kind}-${d.name}`, columns: d.columns })),
  ];
  for (const link of links) {
    const from = referrers[link.from % Math.max(1, referrers.length)];
    const to = services[link.to % Math.max(1, services.length)];
    if (!from || !to || to.s === from) continue;
    const value = link.value === "appName" ? to.appName : to.columns[link.value];
    if (typeof value === "string") from.env = { ...from.env, [link.key]: value };
  }
}
