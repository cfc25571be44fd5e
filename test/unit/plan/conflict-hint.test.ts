/**
 * A name clash's hint suggests adoption only where adoption would be
 * accepted (regression: it suggested adopting another instance's object,
 * which adoption then refused).
 */
import { describe, expect, it } from "vitest";
import { renderDescription } from "../../../src/model/marker.ts";
import { matchLive, type LiveRef } from "../../../src/plan/match.ts";

const want = { key: "Application/shop/production/web", name: "web", label: "application/shop/production/web", adopt: false, instance: "default" };
const live = (id: string, description: string | null): LiveRef => ({ id, name: "web", description });

describe("conflict hints", () => {
  it.each([
    ["a hand-made object: adopt it", [live("a1", "made by hand")], /add the annotation dokploy-gitops\/adopt: "true" to its manifest to take it over$/],
    [
      "another instance's object: never adopt; rename, or have that instance release it",
      [live("a1", renderDescription("", { v: 1, instance: "team-b", key: want.key, id: "a1" }))],
      /one instance cannot adopt another's objects: rename the manifest, or let instance "team-b" release it/,
    ],
    ["two objects of that name: none can be adopted", [live("a1", null), live("a2", null)], /2 objects in Dokploy have this name, so none can be adopted/],
  ])("%s", (_name, lives, hint) => {
    const m = matchLive(lives, (l) => l, want);
    expect(m.kind).toBe("conflict");
    const reasons = (m as { reasons: string[] }).reasons;
    expect(reasons.at(-1)).toMatch(hint);
    if (!/adopt: "true"/.test(String(hint))) expect(reasons.join("\n")).not.toContain('adopt: "true"');
  });
});
