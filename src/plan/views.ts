/**
 * Views: desired manifests and live Dokploy rows projected into one shape,
 * `{metadata: {name}, spec: {...}}`, with every default filled in. The diff
 * compares views, so only what the manifest format manages is ever compared,
 * and a field Dokploy fills in on create reads back equal to its default.
 * The applier builds its Dokploy payloads from the same desired view, so what
 * is compared is exactly what is sent.
 */
import { parseDescription } from "../model/marker.ts";
import { isSecretRef, isValueReference, type EnvMap, type EnvValue, type SecretRef, type ValueReference } from "../model/spec.ts";
import { parseDotenv } from "./dotenv.ts";

/** A secret in a desired view: resolved only when diffing or sending. */
export interface SecretSlot {
  $secret: SecretRef;
  /**
   * The live side holds `hashSecret(value)`, not the value (a database's
   * password, which Dokploy returns in plain text): the diff compares hashes,
   * so the plaintext never enters a view.
   */
  hashed?: true;
}

export function isSecretSlot(v: unknown): v is SecretSlot {
  return typeof v === "object" && v !== null && "$secret" in v;
}

/** A desired env map: text, secret slots, and value references (resolved by the diff and, when applying, before the payloads). */
export type EnvView = Record<string, string | SecretSlot | ValueReference>;

export interface View {
  metadata: { name: string };
  spec: Record<string, unknown>;
}

/** Dokploy's column defaults (packages/server/src/db/schema/*.ts) used for omitted manifest fields. */
export const DEFAULTS = {
  buildPath: "/",
  triggerType: "push",
  buildType: "nixpacks",
  dockerfile: "Dockerfile",
  herokuVersion: "24",
  railpackVersion: "0.15.4",
  replicas: 1,
  autoDeploy: true,
  domainPort: 3000,
  domainPath: "/",
  internalPath: "/",
} as const;

/**
 * A desired value as text, a secret slot for a secret reference, or the value
 * reference itself: a kind's desired view passes a `{ref, field}` or
 * `{format, args}` through untouched, and the diff and the applier resolve it.
 */
export function envValueText(v: EnvValue): string | SecretSlot | ValueReference {
  if (isSecretRef(v)) return { $secret: v };
  if (isValueReference(v)) return v;
  return String(v);
}

/** Desired env map view: literals as text, secret references as secret slots, value references as they are. */
export function desiredEnv(env: EnvMap | undefined): EnvView {
  const out: EnvView = {};
  for (const [k, v] of Object.entries(env ?? {})) out[k] = envValueText(v);
  return out;
}

/** Live env view from Dokploy's dotenv text. */
export function liveEnv(text: string | null | undefined): Record<string, string> {
  return Object.fromEntries(parseDotenv(text));
}

/** `""` and absent read as null, as Dokploy stores them. */
export const emptyToNull = (v: string | null | undefined): string | null => (v === undefined || v === "" ? null : v);
/** A nullable list as a list. */
export const arr = (v: string[] | null | undefined): string[] => v ?? [];

/**
 * A desired description as it reads back: without trailing newlines (a YAML
 * `|` block ends with one, and the marker line always follows a blank line,
 * so Dokploy can never hold them).
 */
export const descriptionText = (d: string | null | undefined): string => (d ?? "").replace(/\n+$/, "");

// ---- Project / Environment -------------------------------------------------

export function desiredContainerView(name: string, spec: { description?: string; env?: EnvMap }): View {
  return { metadata: { name }, spec: { description: descriptionText(spec.description), env: desiredEnv(spec.env) } };
}

export function liveContainerView(row: { name: string; description: string | null; env: string | null }): View {
  return {
    metadata: { name: row.name },
    spec: { description: parseDescription(row.description).text, env: liveEnv(row.env) },
  };
}

