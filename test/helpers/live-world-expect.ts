/**
 * What an export of a random live world (`live-world.ts`) must show, from
 * the world alone: the live value each `.env.example` line stands for (so a
 * wrong comment fails the round trip), the objects another instance owns
 * (left out and listed), a database's backups made by hand (listed too),
 * and what every exported service records as ours
 * once the export is applied: itself, each domain, each child entry and
 * each backup its marker recorded (so an entry the export forgot to write,
 * which the plan would silently leave alone, fails the round trip too).
 */
import type { ChildField } from "../../src/model/marker.ts";
import { parseDotenv } from "../../src/plan/dotenv.ts";
import { WORLD_LISTS, volumeBackupsOf } from "./live-world-children.ts";
import { DATABASE_KIND_NAMES } from "./live-world-databases.ts";
import { dotenv, type World } from "./live-world.ts";

/** The live value a `.env.example` variable stands for, found from its comment (resource label and pointer). */
export function secretValue(world: World, label: string, pointer: string): string | undefined {
  const [kind, projectName, envName, appName] = label.split("/");
  const [, , field, key] = pointer.split("/");
  const p = world.projects.find((x) => x.name === projectName);
  const parsed = (m: Record<string, string>): Map<string, string> => parseDotenv(dotenv(m));
  if (kind === "project") return field === "env" ? parsed(p?.env ?? {}).get(key!) : undefined;
  const e = p?.environments.find((x) => x.name === envName);
  if (kind === "environment") return field === "env" ? parsed(e?.env ?? {}).get(key!) : undefined;
  if (kind === "compose") return field === "env" ? parsed(e?.stacks.find((x) => x.name === appName)?.env ?? {}).get(key!) : undefined;
  const db = e?.databases.find((x) => DATABASE_KIND_NAMES[x.kind].toLowerCase() === kind!.toLowerCase() && x.name === appName);
  if (db) {
    if (field === "env") return parsed(db.env).get(key!);
    return field === "databasePassword" || field === "databaseRootPassword" ? String(db.columns[field]) : undefined;
  }
  const a = e?.apps.find((x) => x.name === appName);
  if (kind !== "application" || !a) return undefined;
  if (field === "env" || field === "buildArgs" || field === "buildSecrets") return parsed(a[field]).get(key!);
  if (field === "source" && key === "password") return String(a.columns.password);
  // A basic-auth user's password: the list is exported in username order.
  const [, , , index, leaf] = pointer.split("/");
  if (field === "security" && leaf === "password") return [...a.children.security].sort((x, y) => (x.username < y.username ? -1 : 1))[Number(index)]?.password;
  return undefined;
}

/** Labels of the objects another instance owns (export leaves them out and lists them). */
export function foreignLabels(world: World): string[] {
  const out: string[] = [];
  for (const p of world.projects) {
    if (p.standing === "foreign") {
      out.push(`project/${p.name}`);
      continue;
    }
    for (const e of p.environments) {
      if (e.standing === "foreign") {
        out.push(`environment/${p.name}/${e.name}`);
        continue;
      }
      for (const a of e.apps) if (a.standing === "foreign") out.push(`application/${p.name}/${e.name}/${a.name}`);
      for (const c of e.stacks) if (c.standing === "foreign") out.push(`compose/${p.name}/${e.name}/${c.name}`);
      for (const d of e.databases) if (d.standing === "foreign") out.push(`${d.kind}/${p.name}/${e.name}/${d.name}`);
    }
  }
  return out;
}

/** What an exported service must record as ours after the apply. */
export interface TakenOver {
  id: string;
  label: string;
  domains: string[];
  children: Partial<Record<ChildField, string[]>>;
  /** Backups its marker recorded before (hand-made ones are not adopted: they stay hand-made). */
  backups: string[];
}

/** Every service `export` writes (neither it nor a parent is another instance's), with what it then owns. */
export function takenOver(world: World): TakenOver[] {
  const out: TakenOver[] = [];
  const sorted = (ids: string[]): string[] => [...ids].sort();
  for (const p of world.projects) {
    if (p.standing === "foreign") continue;
    for (const e of p.environments) {
      if (e.standing === "foreign") continue;
      const at = `${p.name}/${e.name}`;
      for (const s of [...e.apps.map((a) => ({ ...a, kind: "application" })), ...e.stacks.map((c) => ({ ...c, kind: "compose" }))]) {
        if (s.standing === "foreign") continue;
        const children: Partial<Record<ChildField, string[]>> = Object.fromEntries(WORLD_LISTS.filter((f) => s.children[f].length > 0).map((f) => [f, sorted(s.children[f].map((x) => x.id))]));
        const backups = volumeBackupsOf(s.children);
        if (backups.length > 0) children.volumeBackups = sorted(backups.map((b) => b.id));
        out.push({ id: s.id, label: `${s.kind}/${at}/${s.name}`, domains: sorted(s.domains.map((d) => d.id)), children, backups: [] });
      }
      for (const d of e.databases) {
        if (d.standing === "foreign") continue;
        const backups = sorted(d.backups.filter((b) => b.recordedAs).map((b) => b.id));
        const children: Partial<Record<ChildField, string[]>> = d.children.mounts.length > 0 ? { mounts: sorted(d.children.mounts.map((m) => m.id)) } : {};
        const volumeBackups = volumeBackupsOf(d.children);
        if (volumeBackups.length > 0) children.volumeBackups = sorted(volumeBackups.map((b) => b.id));
        out.push({ id: d.id, label: `${DATABASE_KIND_NAMES[d.kind].toLowerCase()}/${at}/${d.name}`, domains: [], children, backups });
      }
    }
  }
  return out;
}

/** The database label of each backup made by hand in an exported database (export lists them as left out, one line each). */
export function handMadeBackups(world: World): string[] {
  return takenOver(world).flatMap((t) => {
    const d = world.projects.flatMap((p) => p.environments.flatMap((e) => e.databases)).find((x) => x.id === t.id);
    return (d?.backups ?? []).filter((b) => !b.recordedAs).map(() => t.label);
  });
}
