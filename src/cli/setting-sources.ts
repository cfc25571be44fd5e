/**
 * Where a setting comes from, decided the same way for every setting of
 * every command (and written down once, in docs/operations.md, "Where
 * settings come from"):
 *
 *   1. the flag (`--api-key KEY`),
 *   2. its file flag (`--api-key-file FILE`, trailing newline dropped),
 *   3. the environment variables, in their documented order (the first one
 *      that is set and not empty wins: an empty `DOKPLOY_URL=` does not hide
 *      `DOKPLOY_API_URL`).
 *
 * The result remembers which of these it came from, so a bad value is
 * reported under the name the user actually set (`DOKPLOY_URL: expected an
 * http(s) URL`, not `--url: ...`).
 */
import { readFileSync } from "node:fs";
import { UsageError } from "./io.ts";

/** Why a file could not be read or written, in words (`no such file`, not `ENOENT`). */
export function fileProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    ENOENT: "no such file", EISDIR: "is a directory", EACCES: "permission denied", EPERM: "permission denied",
    ENOTDIR: "a part of the path is not a directory", EROFS: "read-only file system", ENOSPC: "no space left on the device",
  };
  return (code && words[code]) ?? code ?? (err as Error).message;
}

/** A resolved setting and the name it was given under (`--url`, `--api-key-file FILE`, `DOKPLOY_URL`). */
export interface SettingValue {
  value: string;
  from: string;
}

/** One setting's possible sources. */
export interface SettingSources {
  /** The flag's name (`--api-key`) and its value when given. */
  flag?: { name: string; value: string | undefined };
  /** The file flag's name (`--api-key-file`) and the path when given. */
  file?: { name: string; path: string | undefined };
  /** Environment variable names, in order of preference. */
  envNames?: readonly string[];
}

/** Resolves one setting by the documented precedence; undefined when no source has it. */
export function resolveSetting(sources: SettingSources, env: NodeJS.ProcessEnv): SettingValue | undefined {
  const { flag, file } = sources;
  if (flag?.value !== undefined) {
    if (flag.value.trim() === "") throw new UsageError(`${flag.name}: empty value`);
    return { value: flag.value, from: flag.name };
  }
  if (file?.path !== undefined) {
    if (file.path.trim() === "") throw new UsageError(`${file.name}: empty value`);
    let text: string;
    try {
      text = readFileSync(file.path, "utf8");
    } catch (err) {
      throw new UsageError(`${file.name}: cannot read ${file.path}: ${fileProblem(err)}`);
    }
    const value = text.replace(/\r?\n$/, "");
    if (value.trim() === "") throw new UsageError(`${file.name}: ${file.path} is empty`);
    return { value, from: `${file.name} ${file.path}` };
  }
  for (const name of sources.envNames ?? []) {
    const value = env[name];
    if (value !== undefined && value.trim() !== "") return { value, from: name };
  }
  return undefined;
}
