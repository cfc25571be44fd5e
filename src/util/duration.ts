/**
 * The one duration grammar of the tool, Go's: one or more `<number><unit>`
 * parts (`500ms`, `30s`, `1m30s`, `1.5h`, `2d`). Every duration a user
 * writes (flags, the notification config file) goes through it, so
 * `--interval 1m30s` and `renotifyInterval: 1h30m` accept the same things.
 * Pure: callers word their own refusals.
 */

/** Milliseconds per unit. */
export const DURATION_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of `text`, or undefined when it is not a duration (a bare number is not: `5` could be seconds or minutes). */
export function durationMs(text: string): number | undefined {
  const value = text.trim();
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (value === "" || parts.map((p) => p[0]).join("") !== value) return undefined;
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * DURATION_UNITS_MS[p[2]!]!, 0));
}
