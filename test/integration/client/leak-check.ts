/**
 * The API key must never leave the client inside a thrown value. Every test
 * that catches an error runs it through `expectNoKeyIn`, which looks at every
 * way a caller or a logger could print it.
 */
import { inspect } from "node:util";
import { expect } from "vitest";
import { DokployError } from "../../../src/dokploy/errors.ts";

/** Asserts that no rendering of `err` contains `apiKey`. Returns `err` for chaining. */
export function expectNoKeyIn<T>(err: T, apiKey: string): T {
  const e = err as { message?: unknown; stack?: unknown; cause?: unknown };
  const renderings = [
    String(err),
    String(e?.message),
    String(e?.stack),
    JSON.stringify(err) ?? "",
    JSON.stringify(Object.fromEntries(Object.entries(err as object))),
    inspect(err, { showHidden: true, depth: 20, getters: true }),
    String(e?.cause ?? ""),
  ];
  for (const text of renderings) expect(text.includes(apiKey), `API key leaked in: ${text.slice(0, 300)}`).toBe(false);
  return err;
}

/** Awaits `promise`, which must reject; returns the rejection after the leak check. */
export async function rejection(promise: Promise<unknown>, apiKey: string): Promise<Record<string, unknown> & Error> {
  try {
    await promise;
  } catch (err) {
    return expectNoKeyIn(err as Record<string, unknown> & Error, apiKey);
  }
  throw new Error("expected the call to reject, but it resolved");
}

/** Awaits `promise`, which must reject with a `DokployError` that does not carry `apiKey`. */
export async function dokployRejection(promise: Promise<unknown>, apiKey: string): Promise<DokployError> {
  const err = await rejection(promise, apiKey);
  expect(err).toBeInstanceOf(DokployError);
  return err as unknown as DokployError;
}
