/**
 * The process logger: pino JSON lines (pretty when a person is watching a
 * terminal), with every line passed through the `Redactor` twice: once before
 * serialization (messages, objects, errors, child bindings) and once on the
 * finished line, so a secret cannot leak through a path nobody thought of.
 */
import { createRequire } from "node:module";
import { pino, type Logger, type LevelWithSilent } from "pino";
import type { PrettyOptions, PrettyStream } from "pino-pretty";
import type { Redactor } from "./redact.ts";

/**
 * pino-pretty (about 30 modules with its dependencies) is required only when
 * a person watches a terminal: the daemon in a container logs JSON and never
 * pays for it. `require` keeps `createLogger` synchronous.
 */
function loadPretty(): (options: PrettyOptions) => PrettyStream {
  return createRequire(import.meta.url)("pino-pretty") as (options: PrettyOptions) => PrettyStream;
}

/** The levels `--log-level` accepts. */
export const LOG_LEVELS: readonly LevelWithSilent[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** Where log lines go: anything with a `write(line)`. */
export interface LogSink {
  write(line: string): unknown;
}

export interface LoggerOptions {
  level: LevelWithSilent;
  redactor: Redactor;
  /** Human-readable output (pino-pretty); the CLI turns it on when stdout is a TTY. */
  pretty?: boolean;
  /** Defaults to file descriptor 1 (stdout). */
  destination?: LogSink;
  /** Fields on every line (e.g. `instance`). */
  base?: Record<string, unknown>;
}

/** True for a level name `--log-level` accepts. */
export function isLogLevel(value: string): value is LevelWithSilent {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * Deep copy of a log payload with every string redacted. Errors become plain
 * objects (type, message, stack, code) because their fields are not
 * enumerable and would otherwise reach pino's serializer unredacted.
 */
export function redactLogValue(value: unknown, redactor: Redactor, depth = 0): unknown {
  if (typeof value === "string") return redactor.redact(value);
  if (value === null || typeof value !== "object") return value;
  if (depth > 8) return "[depth]";
  if (value instanceof Error) {
    const out: Record<string, unknown> = {
      type: value.name,
      message: redactor.redact(value.message),
    };
    if (value.stack) out.stack = redactor.redact(value.stack);
    for (const [k, v] of Object.entries(value)) out[k] = redactLogValue(v, redactor, depth + 1);
    if (value.cause !== undefined) out.cause = redactLogValue(value.cause, redactor, depth + 1);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redactLogValue(v, redactor, depth + 1));
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactLogValue(v, redactor, depth + 1);
  return out;
}

/** A sink that redacts each finished line before handing it on (the last line of defence). */
function redactingSink(redactor: Redactor, next: LogSink): LogSink {
  return { write: (line: string) => next.write(redactor.redact(line)) };
}

/**
 * Creates the root logger. Pass phases get a child with `reconcileId`
 * (`logger.child({ reconcileId })`); children inherit the redaction.
 */
export function createLogger(options: LoggerOptions): Logger {
  const { redactor } = options;
  const target: LogSink = options.pretty
    ? loadPretty()({ colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname", sync: true })
    : (options.destination ?? pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      level: options.level,
      base: options.base ?? null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => redactLogValue(obj, redactor) as Record<string, unknown>,
        bindings: (bindings) => redactLogValue(bindings, redactor) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const redacted = args.map((a) => (typeof a === "string" ? redactor.redact(a) : a));
          return method.apply(this, redacted as Parameters<typeof method>);
        },
      },
    },
    redactingSink(redactor, target) as pino.DestinationStream,
  );
}
