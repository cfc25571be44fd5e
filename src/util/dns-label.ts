/**
 * Readable DNS labels made from free text, for the names `export` gives to
 * objects Dokploy does not name (a domain is a host and a path, no name).
 */

/** The longest DNS label. */
export const DNS_LABEL_MAX = 63;

/**
 * `["Shop.Example.com", "/api"]` -> `shop-example-com-api`: lowercase, every
 * run of other characters one `-`, trimmed to `max`, never empty (`fallback`).
 */
export function dnsLabel(parts: readonly string[], fallback: string, max = DNS_LABEL_MAX): string {
  const label = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, max)
    .replace(/^-+|-+$/g, "");
  return label === "" ? fallback : label;
}

/** `base`, or `base-2`, `base-3`... (kept within `max`), the first that `taken` does not hold. */
export function uniqueLabel(base: string, taken: ReadonlySet<string>, max = DNS_LABEL_MAX): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, max - suffix.length).replace(/-+$/, "")}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}
