/**
 * Dokploy stores env, build args and build secrets as dotenv text (`KEY=value`
 * per line). The tool compares them as maps, so ordering, blank lines and
 * comments made in the UI are not drift; it renders them in manifest order.
 */

/** Parses dotenv text into a map. Later duplicates win, as in a shell. */
export function parseDotenv(text: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!text) return out;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const key = line.slice(0, eq).replace(/^export\s+/, "").trim();
    let value = line.slice(eq + 1);
    if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) {
      value = value.slice(1, -1);
    }
    out.set(key, value);
  }
  return out;
}

/** Renders a map as dotenv text, in the map's order. Empty map: empty string. */
export function renderDotenv(entries: Iterable<[string, string]>): string {
  const lines: string[] = [];
  for (const [k, v] of entries) lines.push(`${k}=${v}`);
  return lines.join("\n");
}
