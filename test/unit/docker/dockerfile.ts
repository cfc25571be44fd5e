/**
 * A small Dockerfile and .dockerignore reader for the image tests. There is no
 * Docker engine in CI, so the structure is checked statically; this covers
 * the syntax our Dockerfile uses (continuations, comments, JSON and shell
 * forms, ARG defaults in FROM, COPY flags, quoted LABEL pairs), and throws on
 * anything it does not understand rather than guessing.
 */

/** One instruction, with its continuation lines joined. */
export interface Instruction {
  keyword: string;
  /** The text after the keyword, continuations joined with a space. */
  rest: string;
  line: number;
}

/** A build stage: its FROM and the instructions up to the next FROM. */
export interface Stage {
  /** The image as written (`${NODE_IMAGE}`) and with global ARG defaults substituted. */
  from: string;
  image: string;
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string>;
  stages: Stage[];
}

/** Splits the file into instructions: joins `\` continuations, drops comments and blank lines. */
export function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  let current: { parts: string[]; line: number } | undefined;
  lines.forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return; // comments may sit inside a continuation too
    const continues = /\\\s*$/.test(raw);
    const content = continues ? raw.replace(/\\\s*$/, "").trim() : trimmed;
    current ??= { parts: [], line: i + 1 };
    current.parts.push(content);
    if (!continues) {
      const joined = current.parts.join(" ");
      const m = /^([A-Za-z]+)\s*(.*)$/.exec(joined);
      if (!m) throw new Error(`Dockerfile:${current.line}: cannot read instruction "${joined}"`);
      out.push({ keyword: m[1]!.toUpperCase(), rest: m[2]!.trim(), line: current.line });
      current = undefined;
    }
  });
  if (current) throw new Error(`Dockerfile:${current.line}: continuation at end of file`);
  return out;
}

/** Substitutes `${NAME}` and `$NAME` from the given variables; unknown names are an error. */
export function substitute(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b)!;
    const value = vars[name];
    if (value === undefined) throw new Error(`Dockerfile: $${name} has no default value`);
    return value;
  });
}

/** Parses the JSON (exec) form `["a", "b"]`, or returns undefined for the shell form. */
export function execForm(rest: string): string[] | undefined {
  if (!rest.startsWith("[")) return undefined;
  const parsed = JSON.parse(rest) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === "string")) {
    throw new Error(`Dockerfile: not a JSON array of strings: ${rest}`);
  }
  return parsed;
}

/** Splits words, honouring double and single quotes (for LABEL, COPY and ARG). */
export function words(text: string): string[] {
  const out: string[] = [];
  const re = /(?:[^\s"']+|"(?:[^"\\]|\\.)*"|'[^']*')+/g;
  for (const m of text.matchAll(re)) out.push(m[0]);
  return out;
}

function unquote(text: string): string {
  return text.replace(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g, (_m, dq: string | undefined, sq: string | undefined) =>
    dq !== undefined ? dq.replace(/\\(.)/g, "$1") : sq!,
  );
}

/** `KEY=value` pairs of a LABEL or ENV instruction, quotes removed. */
export function pairs(rest: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const w of words(rest)) {
    const eq = w.indexOf("=");
    if (eq <= 0) throw new Error(`Dockerfile: expected KEY=value, got "${w}"`);
    out[unquote(w.slice(0, eq))] = unquote(w.slice(eq + 1));
  }
  return out;
}

/** A COPY instruction's flags, sources and destination. */
export interface Copy {
  flags: Record<string, string>;
  sources: string[];
  dest: string;
}

export function parseCopy(rest: string): Copy {
  const all = words(rest);
  const flags: Record<string, string> = {};
  while (all[0]?.startsWith("--")) {
    const flag = all.shift()!.slice(2);
    const eq = flag.indexOf("=");
    flags[eq === -1 ? flag : flag.slice(0, eq)] = eq === -1 ? "true" : flag.slice(eq + 1);
  }
  const json = execForm(all.join(" "));
  const items = json ?? all.map(unquote);
  if (items.length < 2) throw new Error(`Dockerfile: COPY needs a source and a destination: ${rest}`);
  return { flags, sources: items.slice(0, -1), dest: items.at(-1)! };
}

/** Parses the whole file into global ARGs and stages. */
export function parseDockerfile(text: string): Dockerfile {
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instructions(text)) {
    if (ins.keyword === "FROM") {
      const parts = words(ins.rest).filter((w) => !w.startsWith("--"));
      const from = parts[0];
      if (!from) throw new Error(`Dockerfile:${ins.line}: FROM without an image`);
      const asIndex = parts.findIndex((p) => p.toUpperCase() === "AS");
      const stage: Stage = { from, image: substitute(from, globalArgs), instructions: [] };
      if (asIndex !== -1) stage.name = parts[asIndex + 1];
      stages.push(stage);
    } else if (stages.length === 0) {
      if (ins.keyword !== "ARG") throw new Error(`Dockerfile:${ins.line}: only ARG may come before the first FROM, got ${ins.keyword}`);
      const decl = unquote(ins.rest);
      const eq = decl.indexOf("=");
      globalArgs[eq === -1 ? decl : decl.slice(0, eq)] = eq === -1 ? "" : decl.slice(eq + 1);
    } else {
      stages.at(-1)!.instructions.push(ins);
    }
  }
  return { globalArgs, stages };
}

/** The instructions of a stage with the given keyword. */
export function all(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

function globToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      re += ".*";
      i++;
      if (pattern[i + 1] === "/") i++;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/**
 * A .dockerignore evaluated as Docker does: patterns in order, the last match
 * wins, `!` re-includes, and a pattern matching a directory covers everything
 * under it. Returns a predicate "is this context path sent to the builder?".
 */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const negated = l.startsWith("!");
      const pattern = (negated ? l.slice(1) : l).trim().replace(/^\/+/, "").replace(/\/+$/, "");
      return { negated, re: globToRegExp(pattern) };
    });
  return (path: string) => {
    const clean = path.replace(/^\.\//, "").replace(/\/+$/, "");
    const segments = clean.split("/");
    const prefixes = segments.map((_s, i) => segments.slice(0, i + 1).join("/"));
    let included = true;
    for (const rule of rules) {
      if (prefixes.some((p) => rule.re.test(p))) included = rule.negated;
    }
    return included;
  };
}
