/**
 * Which forge hosts a git source, worked out from its URL: github.com,
 * gitlab.com, codeberg.org and hosts whose name says gitea, forgejo or
 * gitlab; any other host needs the forge named explicitly. Gives the API base
 * URL and the repository path the commit status API wants. Pure.
 */
import type { ProviderName } from "../comment/types.ts";

/** What the source URL tells about its forge (fields missing when it cannot tell). */
export interface DetectedForge {
  forge?: ProviderName;
  /** The web origin of the forge, `https://host[:port]`. */
  origin?: string;
  /** `owner/name` (GitHub, Gitea) or the project path (GitLab, may be nested). */
  repo?: string;
}

const KNOWN_HOSTS: Record<string, ProviderName> = {
  "github.com": "github",
  "gitlab.com": "gitlab",
  "codeberg.org": "gitea",
  "gitea.com": "gitea",
};

/** The host and path of https, ssh and scp-style (`git@host:path`) URLs; undefined for files and directories. */
function hostAndPath(source: string): { host: string; path: string } | undefined {
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(source);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) return { host: scp[1]!, path: scp[2]! };
  try {
    const u = new URL(source);
    if (u.protocol !== "https:" && u.protocol !== "http:" && u.protocol !== "ssh:" && u.protocol !== "git:") return undefined;
    return { host: u.hostname, path: decodeURIComponent(u.pathname) };
  } catch {
    return undefined;
  }
}

/** Detects the forge, origin and repository of a git source URL. */
export function detectForge(source: string): DetectedForge {
  const hp = hostAndPath(source);
  if (!hp) return {};
  const host = hp.host.toLowerCase();
  const repo = hp.path.replace(/^\/+/, "").replace(/\/+$/, "").replace(/\.git$/, "");
  const forge = KNOWN_HOSTS[host] ?? (/(^|[.-])gitlab([.-]|$)/.test(host) ? "gitlab" : /(^|[.-])(gitea|forgejo)([.-]|$)/.test(host) ? "gitea" : undefined);
  // ssh URLs say nothing about the web port or scheme: assume https on the default port.
  return { ...(forge ? { forge } : {}), origin: `https://${host}`, ...(repo.includes("/") ? { repo } : {}) };
}

/** The API base URL of a forge at `origin` (GitHub Enterprise serves `/api/v3`). */
export function forgeApiUrl(forge: ProviderName, origin: string): string {
  const base = origin.replace(/\/+$/, "");
  if (forge === "github") return base === "https://github.com" ? "https://api.github.com" : `${base}/api/v3`;
  return forge === "gitea" ? `${base}/api/v1` : `${base}/api/v4`;
}
