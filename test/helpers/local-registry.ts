/**
 * A throwaway npm registry on 127.0.0.1 that serves the checkout's
 * production dependencies (the versions `package-lock.json` pins, packed
 * from `node_modules/`), so a test can `npm install` the packed tool the way
 * a user does, without the network. Packuments carry only what npm needs to
 * resolve and fetch: name, version, dependencies, bin and the tarball URL.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  link?: boolean;
}

/** A running registry: pass `url` as npm's `--registry`. */
export interface LocalRegistry {
  url: string;
  /** Package names served (for assertions and messages). */
  packages: string[];
  close(): Promise<void>;
}

/** The package name of a lockfile path (`node_modules/a/node_modules/@s/b` -> `@s/b`). */
function nameOf(lockPath: string): string {
  const parts = lockPath.split("node_modules/");
  return parts[parts.length - 1]!.replace(/\/$/, "");
}

/** Starts a registry serving every non-dev package of `repo`'s lockfile from `repo/node_modules`. */
export async function startLocalRegistry(repo: string): Promise<LocalRegistry> {
  const lock = JSON.parse(readFileSync(path.join(repo, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  // name -> version -> directory holding that version
  const dirs = new Map<string, Map<string, string>>();
  for (const [lockPath, entry] of Object.entries(lock.packages)) {
    if (lockPath === "" || entry.dev || entry.link || !entry.version) continue;
    const dir = path.join(repo, lockPath);
    let manifest: { version?: string };
    try {
      manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { version?: string };
    } catch {
      continue; // an optional dependency for another platform, not installed here
    }
    if (manifest.version !== entry.version) continue;
    const name = nameOf(lockPath);
    if (!dirs.has(name)) dirs.set(name, new Map());
    dirs.get(name)!.set(entry.version, dir);
  }
  const tarballs = new Map<string, Buffer>();
  let base = "";

  const packument = (name: string): unknown => {
    const versions: Record<string, unknown> = {};
    for (const [version, dir] of dirs.get(name)!) {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as Record<string, unknown>;
      versions[version] = {
        name, version,
        dependencies: pkg.dependencies ?? {},
        optionalDependencies: pkg.optionalDependencies ?? {},
        peerDependencies: pkg.peerDependencies ?? {},
        peerDependenciesMeta: pkg.peerDependenciesMeta ?? {},
        bin: pkg.bin, engines: pkg.engines,
        dist: { tarball: `${base}/-/${encodeURIComponent(name)}/${version}.tgz` },
      };
    }
    const latest = [...dirs.get(name)!.keys()].at(-1)!;
    return { name, "dist-tags": { latest }, versions };
  };

  const tarball = (name: string, version: string): Buffer => {
    const key = `${name}@${version}`;
    let data = tarballs.get(key);
    if (!data) {
      const dir = dirs.get(name)!.get(version)!;
      // npm expects the files under `package/`; nested node_modules are other packages.
      data = execFileSync("tar", ["-czf", "-", "--exclude=./node_modules", "--transform=s,^\\.,package,", "-C", dir, "."], { maxBuffer: 256 * 1024 * 1024 });
      tarballs.set(key, data);
    }
    return data;
  };

  const server: Server = createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? "/").split("?")[0]!);
    const tar = /^\/-\/(.+)\/([^/]+)\.tgz$/.exec(url);
    try {
      if (tar && dirs.get(tar[1]!)?.has(tar[2]!)) {
        res.writeHead(200, { "content-type": "application/octet-stream" }).end(tarball(tar[1]!, tar[2]!));
        return;
      }
      const name = url.slice(1);
      if (dirs.has(name)) {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(packument(name)));
        return;
      }
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: `not found: ${name} (not a production dependency in package-lock.json)` }));
    } catch (err) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/`,
    packages: [...dirs.keys()].sort(),
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
