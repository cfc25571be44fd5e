/**
 * Create-or-update of the plan comment: one comment per pull request,
 * instance and directory, found by its hidden marker and edited in place on
 * every run, so a PR that is pushed ten times shows one current plan rather
 * than ten stale ones.
 */
import { isMarkedComment } from "./body.ts";
import type { CommentApi } from "./types.ts";

/** What happened to the comment. */
export interface UpsertResult {
  action: "created" | "updated";
  id: string;
  url?: string;
}

/**
 * Finds the comment carrying `marker` among all of the PR's comments (every
 * page) and updates it, or creates one. When several carry the marker (two
 * runs raced), the oldest listed is updated and the others are left alone.
 */
export async function upsertComment(api: CommentApi, marker: string, body: string): Promise<UpsertResult> {
  const existing = (await api.listComments()).find((c) => isMarkedComment(c.body, marker));
  if (existing) {
    const res = await api.updateComment(existing.id, body);
    return { action: "updated", id: res.id || existing.id, ...(res.url ? { url: res.url } : {}) };
  }
  const res = await api.createComment(body);
  return { action: "created", id: res.id, ...(res.url ? { url: res.url } : {}) };
}
