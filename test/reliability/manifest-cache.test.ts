/**
 * The daemon's manifest parse cache (added after bench/daemon.ts showed YAML
 * parsing to be most of a quiet pass's cost): an unchanged file is not parsed
 * again, a changed file always is (never a stale manifest), and a removed
 * file is forgotten and missing from the next load.
 */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { appDocs, appFile, writeFleet } from "../../bench/lib/fleet.ts";
import { loadManifests, ManifestCache } from "../../src/manifest/index.ts";

const root = mkdtempSync(join(tmpdir(), "dg-manifest-cache-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const envOf = (r: Awaited<ReturnType<typeof loadManifests>>, key: string): unknown =>
  r.desired?.manifests.find((m) => m.key === key && m.kind === "Application")?.spec;

describe("ManifestCache", () => {
  it("reuses unchanged files, re-parses changed ones, forgets removed ones", async () => {
    await writeFleet(root, { projects: 2, appsPerEnvironment: 2 });
    const cache = new ManifestCache();
    const first = await loadManifests(root, { cache });
    const again = await loadManifests(root, { cache });
    expect(again.desired!.manifests).toHaveLength(first.desired!.manifests.length);
    // Same objects: nothing was parsed again.
    expect(again.desired!.manifests.every((m) => first.desired!.manifests.includes(m))).toBe(true);

    writeFileSync(join(root, appFile(0, "production", 1)), appDocs("p00", "production", "app-001", 1, "changed"));
    const changed = await loadManifests(root, { cache });
    expect(JSON.stringify(envOf(changed, "Application/p00/production/app-001"))).toContain("changed");
    expect(changed.desired!.manifests.filter((m) => !first.desired!.manifests.includes(m)).map((m) => m.key).sort())
      .toEqual(["Application/p00/production/app-001", "Domain/p00/production/app-001/public"]);
    // Same answer as a load without the cache.
    expect(JSON.stringify(changed.desired)).toBe(JSON.stringify((await loadManifests(root)).desired));

    unlinkSync(join(root, appFile(1, "staging", 0)));
    const removed = await loadManifests(root, { cache });
    expect(removed.desired!.manifests.some((m) => m.key === "Application/p01/staging/app-000")).toBe(false);
  });
});
