/**
 * The Node.js versions dokploy-gitops runs on. Kept free of imports: the
 * entry point checks the version before loading anything that could fail on
 * an older Node. `package.json`'s `engines` says the same (a test keeps them
 * equal).
 */

/**
 * The oldest supported Node.js. 22.19 is the floor of undici 8 (the HTTP
 * client); Node 22 also strips TypeScript types by default since 22.18, so
 * the sources run as they do on 24 (the GitHub Action runs them directly).
 */
export const MIN_NODE_VERSION = "22.19.0";

function parts(version: string): number[] {
  return version.replace(/^v/, "").split(/[.-]/).slice(0, 3).map((p) => Number.parseInt(p, 10) || 0);
}

/** The one-line refusal for an unsupported Node, or undefined when `version` is supported. */
export function nodeVersionProblem(version: string): string | undefined {
  const have = parts(version);
  const need = parts(MIN_NODE_VERSION);
  for (let i = 0; i < 3; i++) {
    if (have[i]! > need[i]!) return undefined;
    if (have[i]! < need[i]!) return `dokploy-gitops needs Node.js >= ${MIN_NODE_VERSION}; this is v${version.replace(/^v/, "")}`;
  }
  return undefined;
}
