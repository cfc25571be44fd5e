/**
 * Redaction at the boundary: every path to a log, diff, PR comment, status
 * response or error message passes text through one `Redactor`, which knows
 * every secret the process holds (API key, webhook secret, git credentials,
 * resolved `fromEnv`/`fromFile` values) and masks each occurrence.
 */

export const MASK = "***";

/** Secrets shorter than this are not masked by substring (they would mask ordinary text). */
const MIN_SECRET_LENGTH = 4;

export class Redactor {
  #secrets = new Set<string>();
  #pattern: RegExp | undefined;

  /** Registers secret values to mask from now on. Empty or very short values are ignored. */
  add(...values: Array<string | undefined | null>): this {
    let changed = false;
    for (const v of values) {
      if (typeof v === "string" && v.length >= MIN_SECRET_LENGTH && !this.#secrets.has(v)) {
        this.#secrets.add(v);
        // A URL-encoded form can appear in URLs (git credentials).
        const enc = encodeURIComponent(v);
        if (enc !== v) this.#secrets.add(enc);
        changed = true;
      }
    }
    if (changed) this.#pattern = undefined;
    return this;
  }

  /** Masks every registered secret in `text`. */
  redact(text: string): string {
    if (this.#secrets.size === 0) return text;
    this.#pattern ??= new RegExp(
      [...this.#secrets]
        .sort((a, b) => b.length - a.length)
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
        .join("|"),
      "g",
    );
    return text.replace(this.#pattern, MASK);
  }

  /**
   * Deep-redacts strings (values and keys) inside a JSON-like value (returns
   * a copy). String by string: masking the JSON text instead broke it when a
   * secret was also JSON syntax (a variable whose value is `true`).
   */
  redactValue<T>(value: T): T {
    if (this.#secrets.size === 0) return value;
    const walk = (v: unknown): unknown => {
      if (typeof v === "string") return this.redact(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [this.redact(k), walk(x)]));
      return v;
    };
    return walk(JSON.parse(JSON.stringify(value) ?? "null")) as T;
  }

  /** True when `text` contains a registered secret (used by tests and self-checks). */
  leaks(text: string): boolean {
    return [...this.#secrets].some((s) => text.includes(s));
  }
}

/** Strips user:password from a URL for display (git sources, Dokploy URL). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = u.username ? MASK : "";
      u.password = "";
    }
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]+@/, `//${MASK}@`);
  }
}
