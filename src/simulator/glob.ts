/**
 * Glob matching for fault routes and deploy-failure rules: `*` matches any run
 * of characters, everything else is literal, the match is whole-string and
 * case-insensitive (Dokploy's routes are).
 */

const cache = new Map<string, RegExp>();

/** True when `text` matches `pattern` (`*` wildcard). */
export function globMatch(pattern: string, text: string): boolean {
  let re = cache.get(pattern);
  if (!re) {
    const body = pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*");
    re = new RegExp(`^${body}$`, "i");
    cache.set(pattern, re);
  }
  return re.test(text);
}
