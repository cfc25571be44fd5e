/**
 * `.dokploygitopsignore`: which YAML files under the manifest root are not
 * manifests. A manifest repository often holds other YAML (CI workflows, a
 * docker-compose file); listing their directories here keeps the loader from
 * reading them at all. A file that is listed nowhere and plainly not a
 * manifest is skipped with a warning (foreign.ts); this file is the explicit
 * way, and silences that warning.
 *
 * The syntax is `.gitignore`'s, all of it (negation, `**`, character classes,
 * escapes), implemented by the `ignore` package (the one ESLint and Prettier
 * use), so a pattern means here what it means to git. As in git, a file
 * inside an ignored directory cannot be re-included by a later `!` pattern.
 */
import ignore from "ignore";

/** The ignore file's name, looked up at the manifest root only. */
export const IGNORE_FILE = ".dokploygitopsignore";

/** A compiled ignore file. Paths are root-relative with `/` separators. */
export interface IgnoreRules {
  /** True when the file or directory at `path` is ignored. */
  ignores(path: string, isDirectory: boolean): boolean;
  /** Lines that could not be used (1-based line number and why). */
  problems: Array<{ line: number; column: number; message: string }>;
}

/** Parses the text of an ignore file. Never throws: a pattern that cannot be compiled becomes a problem. */
export function parseIgnoreFile(text: string): IgnoreRules {
  const matcher = ignore();
  const problems: IgnoreRules["problems"] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    // Leading blanks are dropped, as the earlier parser of this file did (git would keep them).
    const line = raw.trimStart();
    if (line === "" || line.startsWith("#")) return;
    try {
      // Compiled one line at a time so a bad line is reported with its number and the others still apply.
      ignore().add(line).ignores("probe");
      matcher.add(line);
    } catch (err) {
      problems.push({ line: index + 1, column: raw.search(/\S/) + 1, message: `pattern "${raw.trim()}" cannot be used in ${IGNORE_FILE}: ${(err as Error).message}` });
    }
  });
  return {
    problems,
    ignores(path, isDirectory) {
      return matcher.ignores(isDirectory ? `${path}/` : path);
    },
  };
}

/** Rules that ignore nothing (no ignore file). */
export const NO_IGNORE_RULES: IgnoreRules = { problems: [], ignores: () => false };
