/**
 * The safety protocols every kind goes through, written once. A kind module
 * supplies its calls (how to create, list, re-read, release and remove one
 * object); the order and the checks are here, so no kind can skip them:
 *
 * - create: the object is created carrying a *pending* marker (no id), so a
 *   create whose answer was lost is found again by it instead of being sent
 *   a second time (Dokploy names are not unique: a second create is a second
 *   object);
 * - delete and release: two proofs. The plan said the object is ours, and a
 *   re-read right before the call still shows this instance's marker for this
 *   key with the object's own id. A delete that would cascade to anything
 *   that is not ours is refused. "Not found" counts as deleted.
 */
import { ownershipOf, parseDescription, type Marker } from "../model/marker.ts";
import { resourceLabel } from "../model/resource.ts";
import type { PlanStep } from "../plan/types.ts";
import { SafetyRefusal, isNotFound, mayHaveApplied, type ApplyContext } from "../apply/context.ts";
import type { StepResult } from "./types.ts";

/** The marker without its id: what a create writes before the id is known. */
export function withoutId(marker: Marker | undefined): Marker {
  if (!marker) throw new Error("internal error: step without marker");
  const { id: _id, ...rest } = marker;
  return rest;
}

/** The marker completed with the object's own id. */
export function withId(marker: Marker | undefined, id: string): Marker {
  if (!marker) throw new Error("internal error: step without marker");
  return { ...marker, id };
}

/** The user's description with our marker removed (releasing ownership). */
export function releasedText(description: string | null): string {
  return parseDescription(description).text;
}

/** A live object as the protocols need it: its id and description. */
export interface Claimant {
  id: string;
  description: string | null;
}

/**
 * Sends a create once. When its outcome is unknown (the answer was lost), the
 * one object carrying this step's pending marker is the one it made; none or
 * several means the original error stands (the next pass re-plans).
 */
export async function createOnce(
  ctx: ApplyContext, step: PlanStep, send: () => Promise<string>, candidates: () => Promise<Claimant[]>,
): Promise<string> {
  try {
    return await send();
  } catch (err) {
    if (!mayHaveApplied(err)) throw err;
    const found = (await candidates()).filter((c) => {
      const o = ownershipOf(c.description, ctx.instance, c.id);
      return o.kind === "pending" && o.marker.key === step.key;
    });
    if (found.length !== 1) throw err;
    return found[0]!.id;
  }
}

/** The calls the delete protocol needs from a kind. */
export interface RemovalCalls<L extends Claimant> {
  /** Re-reads the object right before the delete; rejects with a not-found error when it is gone. */
  read(): Promise<L>;
  /** Writes the description without our marker. */
  release(description: string): Promise<unknown>;
  /** Deletes the object (`marker` is its live marker, re-read just now). */
  remove(live: L, marker: Marker): Promise<unknown>;
  /**
   * What Dokploy would delete with the object that is not ours, judged on the
   * re-read object and its live marker. Required: no kind may assume that
   * nothing cascades.
   */
  cascades(live: L, marker: Marker): string[];
}

/**
 * Deletes or releases (orphan) an object this instance owns, with the second
 * proof and the cascade check on a fresh read.
 */
export async function removeOwned<L extends Claimant>(ctx: ApplyContext, step: PlanStep, calls: RemovalCalls<L>): Promise<StepResult> {
  const id = ctx.idOf(step.key);
  let live: L;
  try {
    live = await calls.read();
  } catch (err) {
    if (isNotFound(err)) return { dokployId: id };
    throw err;
  }
  const marker = ctx.assertStillOurs(step, live.description, id);
  if (step.action === "orphan") {
    await calls.release(releasedText(live.description));
    return { dokployId: id };
  }
  const foreign = calls.cascades(live, marker);
  if (foreign.length > 0) {
    throw new SafetyRefusal(`${resourceLabel(step.identity)}: refused: it holds ${foreign.join(", ")}, which Dokploy would delete with it; left untouched`);
  }
  try {
    await calls.remove(live, marker);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return { dokployId: id };
}
