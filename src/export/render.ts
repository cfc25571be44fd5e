/**
 * Laying out and writing the export, in the style of `examples/`: one
 * directory per project, `project.yaml` with the project and its
 * environments, one file per service (with its domains and children) in a
 * directory per environment, and files a manifest names (a compose file)
 * beside it. Every document starts with the `yaml-language-server` line of
 * its kind's schema, so an editor validates and completes it.
 */
import { Document, isScalar, visit } from "yaml";
import { kindModule } from "../kinds/registry.ts";
import { manifestSchemas } from "../manifest/schema.ts";
import { API_VERSION } from "../model/resource.ts";
import type { ExportFile, ExportObject } from "./model.ts";

/** Where each object's document goes, and where each of its inputs is written. */
export interface Layout {
  /** Manifest files in writing order, each with its objects in document order. */
  files: Array<{ path: string; objects: ExportObject[] }>;
}

/** A JSON pointer's value setter (the field that names an input file). */
function setAt(spec: Record<string, unknown>, pointer: string, value: string): void {
  const parts = pointer.split("/").slice(2).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node: Record<string, unknown> = spec;
  for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
  node[parts[parts.length - 1]!] = value;
}

/**
 * Assigns files: `<project>/project.yaml`, `<project>/<environment>/<service>.yaml`
 * (`<service>.<kind>.yaml` when two kinds share a name there), records in
 * their service's file. Sets each input's field to `./<file>` beside it.
 */
export function layOut(objects: readonly ExportObject[]): Layout {
  const byKey = new Map(objects.map((o) => [o.key, o]));
  const fileOf = new Map<string, string>();
  const files = new Map<string, ExportObject[]>();
  const place = (o: ExportObject, path: string): void => {
    fileOf.set(o.key, path);
    (files.get(path) ?? files.set(path, []).get(path)!).push(o);
  };
  for (const o of objects) {
    const family = kindModule(o.kind).family;
    const id = o.identity;
    if (family === "container") {
      place(o, `${id.project}/project.yaml`);
    } else if (family === "service") {
      let base = `${id.project}/${id.environment}/${id.name}`;
      if (files.has(`${base}.yaml`)) base = `${base}.${o.kind.toLowerCase()}`;
      place(o, `${base}.yaml`);
      for (const input of o.inputs) {
        const name = `${base.split("/").pop()}.${input.suffix}`;
        input.file = `${id.project}/${id.environment}/${name}`;
        setAt(o.spec, input.pointer, `./${name}`);
      }
    } else {
      const parentFile = o.parentKey ? fileOf.get(o.parentKey) : undefined;
      if (!parentFile || !byKey.has(o.parentKey!)) throw new Error(`${o.key}: internal error: its parent was not laid out first`);
      place(o, parentFile);
    }
  }
  return { files: [...files].map(([path, objs]) => ({ path, objects: objs })) };
}

/** A document's YAML, in the examples' style: block mappings, short lists of scalars inline. */
function documentText(o: ExportObject): string {
  const doc = new Document({ apiVersion: API_VERSION, kind: o.kind, metadata: o.metadata, spec: o.spec });
  visit(doc, {
    Seq(_key, node) {
      if (node.items.every((i) => isScalar(i))) node.flow = true;
    },
  });
  const schema = manifestSchemas().kindSchemas[o.kind].$id;
  const head = schema ? `# yaml-language-server: $schema=${schema}\n` : "";
  return head + doc.toString({ lineWidth: 0 });
}

/** The rendered files, and the line each document starts on (to tie a diagnostic to its object). */
export function renderLayout(layout: Layout): { files: ExportFile[]; starts: Map<string, Array<{ line: number; object: ExportObject }>> } {
  const files: ExportFile[] = [];
  const starts = new Map<string, Array<{ line: number; object: ExportObject }>>();
  for (const { path, objects } of layout.files) {
    let text = "";
    let line = 1;
    const docStarts: Array<{ line: number; object: ExportObject }> = [];
    objects.forEach((o, i) => {
      if (i > 0) {
        text += "---\n";
        line += 1;
      }
      docStarts.push({ line, object: o });
      const body = documentText(o);
      text += body;
      line += body.split("\n").length - 1;
    });
    files.push({ path, content: text });
    starts.set(path, docStarts);
    for (const o of objects) for (const input of o.inputs) if (input.file) files.push({ path: input.file, content: input.content });
  }
  return { files, starts };
}
