/**
 * Resolved secret values, kept apart from the plan. The planner only asks
 * "equal or not"; the applier asks for the value to send. Nothing here is
 * ever rendered.
 */
import { createHash } from "node:crypto";
import type { SecretRef } from "../model/spec.ts";

/**
 * The comparable stand-in of a secret that live state returns in plain text
 * (database passwords): views hold this, never the value.
 */
export function hashSecret(value: string): string {
  return `sha256:${createHash("sha256").update(value).digest("hex")}`;
}

/** Stable id of a secret reference: `env:NAME` or `file:PATH`. */
export function secretRefId(ref: SecretRef): string {
  return "fromEnv" in ref ? `env:${ref.fromEnv}` : `file:${ref.fromFile}`;
}

/** Human description of a reference for messages: `environment variable DB_PASSWORD`. */
export function describeSecretRef(ref: SecretRef): string {
  return "fromEnv" in ref ? `environment variable ${ref.fromEnv}` : `file ${ref.fromFile}`;
}

/** Secret values by reference id; a missing entry means "could not be resolved". */
export class SecretValues {
  readonly #values = new Map<string, string>();
  readonly #errors = new Map<string, string>();

  set(ref: SecretRef, value: string): void {
    this.#values.set(secretRefId(ref), value);
  }

  fail(ref: SecretRef, reason: string): void {
    this.#errors.set(secretRefId(ref), reason);
  }

  /** The value, or undefined when unresolved. */
  get(ref: SecretRef): string | undefined {
    return this.#values.get(secretRefId(ref));
  }

  /** Why a reference could not be resolved. */
  error(ref: SecretRef): string | undefined {
    return this.#errors.get(secretRefId(ref));
  }

  /** Every resolved value (to register with the Redactor). */
  values(): string[] {
    return [...this.#values.values()];
  }
}
