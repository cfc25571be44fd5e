/**
 * The child lists of the random live worlds (`live-world.ts`): ports, mounts
 * of each type (file mounts included), redirects, basic-auth users and
 * schedules on applications; mounts and schedules on compose stacks. Each
 * entry is made by hand, or recorded in its owned service's marker (as an
 * apply of this instance would have left it). Secrets carry the world's canary.
 */
import fc from "fast-check";
import type { ChildRecord, Marker } from "../../src/model/marker.ts";

/** In every secret the world holds: none may appear in an exported file, an output or a log. */
export const WORLD_CANARY = "canary-world-Zq7Xw2Lm";

export interface WorldPort { id: string; publishedPort: number; targetPort: number; protocol: "tcp" | "udp"; publishMode: "ingress" | "host"; recorded: boolean }
/** A scheduled copy of a volume mount's volume (the destination is one of the world's). */
export interface WorldVolumeBackup { id: string; destinationId: string; cronExpression: string; prefix: string; keepLatestCount: number | null; enabled: boolean | null; recorded: boolean }
export type WorldMount = { id: string; mountPath: string; recorded: boolean } & (
  | { type: "volume"; volumeName: string; backup: WorldVolumeBackup | null }
  | { type: "bind"; hostPath: string }
  | { type: "file"; filePath: string; content: string }
);
export interface WorldRedirect { id: string; regex: string; replacement: string; permanent: boolean; recorded: boolean }
export interface WorldSecurity { id: string; username: string; password: string; recorded: boolean }
export interface WorldSchedule {
  id: string; name: string; cronExpression: string; command: string; shellType: "bash" | "sh"; enabled: boolean;
  timezone: string | null; description: string | null; serviceName: string | null; recorded: boolean;
}

/** A service's child lists (compose stacks have mounts and schedules only). */
export interface WorldChildren {
  /** The owned service's marker also records a mount and a domain deleted in the UI since (their ids are gone). */
  staleRecord: boolean;
  /** The first recorded entry of each list had its key changed in the UI (a port's number, a schedule's name) since it was recorded. */
  renamedInUi: boolean;
  ports: WorldPort[];
  mounts: WorldMount[];
  redirects: WorldRedirect[];
  security: WorldSecurity[];
  schedules: WorldSchedule[];
}

/** Recorded in the owned service's marker (dropped where the service is not ours). */
export const recorded = fc.boolean();

const portArb = fc.record({
  publishedPort: fc.constantFrom(8080, 8443, 5353, 9000), targetPort: fc.constantFrom(80, 3000, 53),
  protocol: fc.constantFrom<"tcp" | "udp">("tcp", "udp"), publishMode: fc.constantFrom<"ingress" | "host">("ingress", "host"), recorded,
});

const fileContent = fc.constantFrom("", "server { listen 80; }\n", "{\"feature\": true}", "line one\nline two\n", "key: 'quoted' # not a comment\n", "ünïcödé ✓");
const mountArb = fc.oneof(
  fc.record({
    type: fc.constant("volume" as const), mountPath: fc.constantFrom("/data", "/var/lib/app", "/cache"), volumeName: fc.constantFrom("app-data", "shared_cache"), recorded,
    backup: fc.option(fc.record({
      destinationId: fc.constantFrom("dest-main", "dest-eu"), cronExpression: fc.constantFrom("0 1 * * *", "*/30 * * * *"), prefix: fc.constantFrom("/", "volumes/"),
      keepLatestCount: fc.constantFrom(null, 3), enabled: fc.constantFrom(true, false, null), recorded,
    }), { nil: null }),
  }),
  fc.record({ type: fc.constant("bind" as const), mountPath: fc.constantFrom("/data", "/etc/ssl/certs", "/var/run/docker.sock"), hostPath: fc.constantFrom("/srv/data", "/etc/ssl/certs", "/var/run/docker.sock"), recorded }),
  fc.record({
    type: fc.constant("file" as const), mountPath: fc.constantFrom("/etc/nginx/conf.d/default.conf", "/app/config.json", "/data"),
    customName: fc.boolean(), content: fileContent, recorded,
  }).map(({ customName, ...m }) => ({ ...m, filePath: customName ? "settings.conf" : m.mountPath.split("/").filter(Boolean).pop()! })),
);

const redirectArb = fc.record({
  regex: fc.constantFrom("^https?://www\\.(.*)", "^/old/(.*)$", "/legacy"), replacement: fc.constantFrom("https://$1", "/new/$1", "/"),
  permanent: fc.boolean(), recorded,
});

const securityArb = fc.record({
  username: fc.constantFrom("admin", "ops", "viewer"), password: fc.constantFrom(`${WORLD_CANARY}-basic`, "hunter2", "p@ss word #1"), recorded,
});

const scheduleArb = (compose: boolean) => fc.record({
  name: fc.constantFrom("nightly", "cleanup", "weekly report"), cronExpression: fc.constantFrom("0 3 * * *", "*/5 * * * *", "@daily"),
  command: fc.constantFrom("npm run job", "echo 'hi' && date", "python -m tasks.clean"), shellType: fc.constantFrom<"bash" | "sh">("bash", "sh"),
  enabled: fc.boolean(), timezone: fc.constantFrom(null, "UTC", "Europe/Paris"), description: fc.constantFrom(null, "Made in the UI"),
  serviceName: compose ? fc.constantFrom("web", "app") : fc.constant(null), recorded,
});

/** The children of an application (`compose`: of a compose stack, mounts and schedules only). */
const none = fc.constant<Array<Record<string, unknown>>>([]);
/** A database's children: mounts only (with volume backups). */
export const databaseChildrenArb = (): fc.Arbitrary<ChildDrafts> =>
  // `/data` is Redis's data volume (Dokploy's, never an entry).
  childrenArb(true).map((c) => ({ ...c, schedules: [], mounts: c.mounts.filter((m) => m.mountPath !== "/data") }));

export const childrenArb = (compose: boolean): fc.Arbitrary<ChildDrafts> => fc.record({
  staleRecord: fc.boolean(),
  renamedInUi: fc.boolean(),
  ports: compose ? none : fc.uniqueArray(portArb, { selector: (p) => `${p.publishedPort}/${p.protocol}`, maxLength: 2 }),
  // One volume backup per volume (Dokploy links a backup to its service by the volume's name).
  mounts: fc.uniqueArray(mountArb, { selector: (m) => m.mountPath, maxLength: 3 }).map((ms) => ms.map((m, i) =>
    m.type === "volume" && m.backup && ms.slice(0, i).some((o) => o.type === "volume" && o.backup && o.volumeName === m.volumeName) ? { ...m, backup: null } : m)),
  redirects: compose ? none : fc.uniqueArray(redirectArb, { selector: (r) => r.regex, maxLength: 2 }),
  security: compose ? none : fc.uniqueArray(securityArb, { selector: (s) => s.username, maxLength: 2 }),
  schedules: fc.uniqueArray(scheduleArb(compose), { selector: (s) => s.name, maxLength: 2 }),
});

/** The child lists as generated, before ids. */
export type ChildDrafts = { staleRecord: boolean; renamedInUi: boolean } & Record<ChildList, Array<Record<string, unknown>>>;
/** The lists a world's service has. */
export type ChildList = Exclude<keyof WorldChildren, "staleRecord" | "renamedInUi">;
/** Every list of {@link WorldChildren}, in marker order. */
export const WORLD_LISTS: readonly ChildList[] = ["ports", "mounts", "redirects", "security", "schedules"];

/** Ids given, `recorded` kept only where the service is ours (nothing can record an entry of a service that is not). */
export function worldChildren(drafts: ChildDrafts, owned: boolean, id: (prefix: string) => string): WorldChildren {
  const finish = <T>(list: Array<Record<string, unknown>>, prefix: string): T[] => list.map((x) => ({
    ...x, id: id(prefix), recorded: owned && x.recorded === true,
    ...(isRecord(x.backup) ? { backup: { ...x.backup, id: id("vbk"), recorded: owned && x.backup.recorded === true } } : {}),
  }) as T);
  return {
    staleRecord: owned && drafts.staleRecord,
    renamedInUi: owned && drafts.renamedInUi,
    ports: finish(drafts.ports, "port"), mounts: finish(drafts.mounts, "mnt"), redirects: finish(drafts.redirects, "rdr"),
    security: finish(drafts.security, "sec"), schedules: finish(drafts.schedules, "sch"),
  };
}

/** The ids stale records name: a mount and a domain deleted in the UI after this instance recorded them (the marker may keep them). */
export const GONE_MOUNT_ID = "mount-deleted-in-the-ui";
export const GONE_DOMAIN_ID = "domain-deleted-in-the-ui";

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null;

/** The volume backups of a service's mounts. */
export function volumeBackupsOf(c: WorldChildren): Array<WorldVolumeBackup & { volumeName: string }> {
  return c.mounts.flatMap((m) => (m.type === "volume" && m.backup ? [{ ...m.backup, volumeName: m.volumeName }] : []));
}

/** The natural key of each list's entries (how the marker records them). */
const KEYS: { [L in ChildList]: (x: WorldChildren[L][number]) => string } = {
  ports: (p) => `${p.publishedPort}/${p.protocol}`,
  mounts: (m) => m.mountPath,
  redirects: (r) => r.regex,
  security: (s) => s.username,
  schedules: (s) => s.name,
};

/** The records an owned service's marker carries for its recorded entries. */
export function childRecords(c: WorldChildren): Partial<Marker> {
  const out: Partial<Record<ChildList, Record<string, ChildRecord>>> = {};
  for (const list of WORLD_LISTS) {
    const entries = (c[list] as Array<WorldChildren[typeof list][number]>).filter((x) => x.recorded);
    const key = (x: (typeof entries)[number], i: number): string => `${(KEYS[list] as (y: typeof x) => string)(x)}${c.renamedInUi && i === 0 ? "-before-the-ui-edit" : ""}`;
    if (entries.length > 0) out[list] = Object.fromEntries(entries.map((x, i) => [key(x, i), { id: x.id }]));
  }
  const backups = volumeBackupsOf(c).filter((b) => b.recorded);
  if (backups.length > 0) (out as Partial<Marker>).volumeBackups = Object.fromEntries(backups.map((b) => [b.volumeName, { id: b.id }]));
  if (c.staleRecord) {
    out.mounts = { ...out.mounts, "/deleted/in/the/ui": { id: GONE_MOUNT_ID } };
    (out as Partial<Marker>).domains = { "deleted-in-the-ui": { host: "gone.example.com", path: "/", id: GONE_DOMAIN_ID } };
  }
  return out as Partial<Marker>;
}

/** The entries as the simulator's seed takes them (nested under an application). */
export function seedChildren(c: WorldChildren): Record<string, unknown[]> {
  return {
    ports: c.ports.map((p) => ({ portId: p.id, publishedPort: p.publishedPort, targetPort: p.targetPort, protocol: p.protocol, publishMode: p.publishMode })),
    mounts: c.mounts.map(seedMount),
    redirects: c.redirects.map((r) => ({ redirectId: r.id, regex: r.regex, replacement: r.replacement, permanent: r.permanent })),
    security: c.security.map((s) => ({ securityId: s.id, username: s.username, password: s.password })),
    schedules: c.schedules.map(seedSchedule),
    volumeBackups: volumeBackupsOf(c).map(seedVolumeBackup),
  };
}

/** One volume backup as the seed takes it. */
export function seedVolumeBackup(b: WorldVolumeBackup & { volumeName: string }): Record<string, unknown> {
  return {
    volumeBackupId: b.id, name: b.volumeName, volumeName: b.volumeName, destinationId: b.destinationId, cronExpression: b.cronExpression,
    prefix: b.prefix, keepLatestCount: b.keepLatestCount, enabled: b.enabled,
  };
}

/** One mount as the seed takes it. */
export function seedMount(m: WorldMount): Record<string, unknown> {
  const base = { mountId: m.id, type: m.type, mountPath: m.mountPath };
  if (m.type === "volume") return { ...base, volumeName: m.volumeName };
  if (m.type === "bind") return { ...base, hostPath: m.hostPath };
  return { ...base, filePath: m.filePath, content: m.content };
}

/** One schedule as the seed takes it. */
export function seedSchedule(s: WorldSchedule): Record<string, unknown> {
  return {
    scheduleId: s.id, name: s.name, cronExpression: s.cronExpression, command: s.command, shellType: s.shellType, enabled: s.enabled,
    timezone: s.timezone, description: s.description, ...(s.serviceName !== null ? { serviceName: s.serviceName } : {}),
  };
}
