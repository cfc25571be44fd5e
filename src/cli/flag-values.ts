/**
 * Parsers for flag values every command shares (durations, counts, listen
 * addresses). One parser per kind of value, so `--interval` and
 * `--request-timeout` accept and refuse the same things in every command,
 * and a flag another command adds later gets the same wording for free.
 * Every refusal is a UsageError naming the flag, the value and what was
 * expected.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { DURATION_UNITS_MS as UNIT_MS, durationMs } from "../util/duration.ts";
import { UsageError } from "./io.ts";

/** The longest duration a timer can wait (Node's setTimeout fires at once beyond it). */
export const MAX_DURATION_MS = 2_147_483_647;

/** Bounds of a duration flag. */
export interface DurationBounds {
  /** Smallest accepted value in ms (default 1: a zero timeout or interval is never meant). */
  minMs?: number;
  /** Largest accepted value in ms (default `MAX_DURATION_MS`, about 24 days). */
  maxMs?: number;
}

/** `90000` as `1m30s`, for messages. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  let rest = ms;
  let out = "";
  for (const unit of ["d", "h", "m", "s", "ms"]) {
    const size = UNIT_MS[unit]!;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/**
 * Parses a Go-style duration: one or more `<number><unit>` parts with units
 * `ms`, `s`, `m`, `h`, `d` (`30s`, `1m30s`, `1.5h`, `500ms`). A bare number is
 * refused with a hint: `--interval 5` meaning seconds or minutes is exactly
 * the ambiguity a config should not have.
 */
export function parseDuration(text: string, flag: string, bounds: DurationBounds = {}): number {
  const value = text.trim();
  const example = "30s, 1m30s, 2h or 500ms";
  if (/^\d+(?:\.\d+)?$/.test(value)) {
    throw new UsageError(`${flag}: "${text}" has no unit: write ${value}s for seconds or ${value}m for minutes (units: ms, s, m, h, d)`);
  }
  const ms = durationMs(value);
  if (ms === undefined) throw new UsageError(`${flag}: expected a duration such as ${example}, got "${text}"`);
  const min = bounds.minMs ?? 1;
  const max = bounds.maxMs ?? MAX_DURATION_MS;
  if (ms < min) throw new UsageError(`${flag}: expected at least ${formatDuration(min)}, got "${text}"`);
  if (ms > max) throw new UsageError(`${flag}: expected at most ${formatDuration(max)}, got "${text}"`);
  return ms;
}

/**
 * Parses a whole number flag within `[min, max]`; `fallback` when absent.
 * Negative and fractional values get the same sentence as words do.
 */
export function parseCount(text: string | undefined, flag: string, fallback: number, min: number, max = 1_000_000): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) {
    throw new UsageError(`${flag}: expected a whole number from ${min} to ${max}, got "${text}"`);
  }
  return n;
}

/**
 * Parses `HOST:PORT` (IPv6 as `[::1]:8080`; `:PORT` means every interface,
 * `defaultHost`). Port 0 picks a free port.
 */
export function parseListenAddress(text: string, flag: string, example: string, defaultHost = "0.0.0.0"): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UsageError(`${flag}: expected HOST:PORT such as ${example}, got "${text}"`);
  const host = m[1] ?? m[2] ?? "";
  return { host: host === "" ? defaultHost : host, port };
}

/**
 * Checks, before any work, that a file can be written where a flag says
 * (its directory exists and is a directory), so `plan --out` or `--state`
 * fails at once with a sentence instead of after the work with a stack.
 */
export function checkOutputFile(file: string, flag: string): void {
  if (file.trim() === "") throw new UsageError(`${flag}: empty value`);
  const dir = path.dirname(path.resolve(file));
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new UsageError(`${flag}: cannot write ${file}: directory ${dir} does not exist`);
  }
  if (!st.isDirectory()) throw new UsageError(`${flag}: cannot write ${file}: ${dir} is not a directory`);
  const target = statSync(file, { throwIfNoEntry: false });
  if (target?.isDirectory()) throw new UsageError(`${flag}: cannot write ${file}: it is a directory`);
}

/**
 * A failure to listen, as a sentence naming the address and what to do
 * (`--listen 127.0.0.1:8080: the address is in use by another process`), or
 * undefined when `err` is not one.
 */
export function listenProblem(err: unknown, listen: { host?: string; port?: number }): string | undefined {
  const code = (err as NodeJS.ErrnoException).code;
  const where = `--listen ${listen.host?.includes(":") ? `[${listen.host}]` : (listen.host ?? "")}:${listen.port ?? ""}`;
  if (code === "EADDRINUSE") return `${where}: the address is in use by another process (pick another port, or port 0 for a free one)`;
  if (code === "EACCES") return `${where}: permission denied (ports below 1024 need privileges)`;
  if (code === "EADDRNOTAVAIL") return `${where}: no network interface of this machine has that address`;
  return undefined;
}
