/**
 * `.dokploygitopsignore`: which YAML files under the manifest root are not
 * manifests. A manifest repository often holds other YAML (CI workflows, a
 * docker-compose file); listing their directories here keeps the loader from
 * reading them as manifests, explicitly, rather than guessing from content.
 *
 * Syntax (a subset of `.gitignore`): one pattern per line; blank lines and
 * lines starting with `#` are ignored; a trailing `/` matches a directory
 * (and so everything under it); a pattern containing a `/` elsewhere is
 * anchored at the root, otherwise it matches a name at any depth; `*` matches
 * within one path segment, `**` across segments, `?` one character.
 * Negation (`!`) is not supported and is reported.
 */

/** The ignore file's name, looked up at the manifest root only. */
export const IGNORE_FILE = ".dokploygitopsignore";

/** A compiled ignore file. Paths are root-relative with `/` separators. */
export interface IgnoreRules {
  /** True when the file or directory at `path` is ignored. */
  ignores(path: string, isDirectory: boolean): boolean;
  /** Lines that could not be used (1-based line number and why). */
  problems: Array<{ line: number; column: number; message: string }>;
}

interface Rule {
  regex: RegExp;
  directoryOnly: boolean;
}

/** Parses the text of an ignore file. Never throws: bad lines become `problems`. */
export function parseIgnoreFile(text: string): IgnoreRules {
  const rules: Rule[] = [];
  const problems: IgnoreRules["problems"] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    if (line.startsWith("!")) {
      problems.push({ line: index + 1, column: raw.indexOf("!") + 1, message: `negated pattern "${line}" is not supported in ${IGNORE_FILE}` });
      return;
    }
    const directoryOnly = line.endsWith("/");
    let pattern = directoryOnly ? line.slice(0, -1) : line;
    const anchored = pattern.includes("/");
    pattern = pattern.replace(/^\/+/, "");
    if (pattern === "") return;
    const body = globToRegex(pattern);
    rules.push({ regex: new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`), directoryOnly });
  });
  return {
    problems,
    ignores(path, isDirectory) {
      return rules.some((r) => (!r.directoryOnly || isDirectory) && r.regex.test(path));
    },
  };
}

/** Translates one glob to a regular expression body. */
function globToRegex(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        // `**/` matches zero or more directories; a bare `**` anything.
        if (glob[i + 2] === "/") {
          out += "(?:.*/)?";
          i += 2;
        } else {
          out += ".*";
          i += 1;
        }
      } else {
        out += "[^/]*";
      }
    } else if (c === "?") {
      out += "[^/]";
    } else {
      out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
  }
  return out;
}

/** Rules that ignore nothing (no ignore file). */
export const NO_IGNORE_RULES: IgnoreRules = { problems: [], ignores: () => false };
