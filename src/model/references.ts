/**
 * Value references in manifests (`{ref, field}` and `{format, args}`): where
 * they are in a spec, which resources they name, and how a composed value's
 * text is put together. Pure and kind-agnostic: which fields a kind offers
 * and how their values are read live in the kind modules
 * (`referenceable`), how they are resolved in `plan/references.ts` (plan
 * time) and `apply/references.ts` (apply time).
 */
import { isComposedValue, isReference, isSecretRef, isValueReference, type Reference, type SecretRef, type ValueReference } from "./spec.ts";

/** A value reference found in a spec, with the JSON pointer of the value. */
export interface FoundReference {
  pointer: string;
  value: ValueReference;
}

/** A map key as a JSON pointer token (`~` and `/` escaped). */
export const escapeToken = (k: string): string => k.replace(/~/g, "~0").replace(/\//g, "~1");

/**
 * Every value reference in `spec` (maps and lists, any depth), with the
 * pointer of each, e.g. `/spec/env/DB_HOST`. A walk of the whole spec, so a
 * kind's new reference-capable field is covered without a list to keep.
 */
export function valueReferencesIn(spec: unknown, base = "/spec"): FoundReference[] {
  const out: FoundReference[] = [];
  const walk = (v: unknown, pointer: string): void => {
    if (isValueReference(v)) {
      out.push({ pointer, value: v });
      return;
    }
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${pointer}/${i}`));
    else if (typeof v === "object" && v !== null && !isSecretRef(v)) {
      for (const [k, x] of Object.entries(v)) walk(x, `${pointer}/${escapeToken(k)}`);
    }
  };
  walk(spec, base);
  return out;
}

/** True when `spec` holds at least one value reference. */
export function hasValueReferences(spec: unknown): boolean {
  if (isValueReference(spec)) return true;
  if (Array.isArray(spec)) return spec.some(hasValueReferences);
  if (typeof spec === "object" && spec !== null && !isSecretRef(spec)) return Object.values(spec).some(hasValueReferences);
  return false;
}

/** The single-field references of a value, with the argument each fills (composed values). */
export function referencesOf(value: ValueReference): Array<{ arg?: string; ref: Reference }> {
  if (isReference(value)) return [{ ref: value }];
  return Object.entries(value.args).filter((e): e is [string, Reference] => isReference(e[1])).map(([arg, ref]) => ({ arg, ref }));
}

/** The secret references among a composed value's arguments. */
export function secretArgsOf(value: ValueReference): Array<{ arg: string; ref: SecretRef }> {
  if (!isComposedValue(value)) return [];
  return Object.entries(value.args).filter((e): e is [string, SecretRef] => isSecretRef(e[1])).map(([arg, ref]) => ({ arg, ref }));
}

/** A format string cut into literal text and `{name}` placeholders. */
export type FormatPart = { text: string } | { arg: string };

const ARG = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses a format: `{name}` is a placeholder, `{{` and `}}` are literal
 * braces. Returns the parts, or a message naming what is wrong (an unclosed
 * or empty placeholder, a stray `}`).
 */
export function parseFormat(format: string): { parts: FormatPart[] } | { error: string } {
  const parts: FormatPart[] = [];
  let text = "";
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === "{" && format[i + 1] === "{") {
      text += "{";
      i++;
    } else if (c === "}" && format[i + 1] === "}") {
      text += "}";
      i++;
    } else if (c === "{") {
      const end = format.indexOf("}", i + 1);
      if (end < 0) return { error: `unclosed "{" at character ${i + 1} (write "{{" for a literal brace)` };
      const name = format.slice(i + 1, end);
      if (!ARG.test(name)) return { error: `"{${name}}" at character ${i + 1} is not a placeholder: expected {name} with letters, digits and _ (write "{{" for a literal brace)` };
      if (text) parts.push({ text });
      text = "";
      parts.push({ arg: name });
      i = end;
    } else if (c === "}") {
      return { error: `stray "}" at character ${i + 1} (write "}}" for a literal brace)` };
    } else text += c;
  }
  if (text) parts.push({ text });
  return { parts };
}

/** The text of a composed value once every argument has a value (the format must be valid). */
export function renderFormat(format: string, args: Readonly<Record<string, string>>): string {
  const parsed = parseFormat(format);
  if ("error" in parsed) throw new Error(`internal error: invalid format reached rendering: ${parsed.error}`);
  return parsed.parts.map((p) => ("text" in p ? p.text : args[p.arg] ?? "")).join("");
}
