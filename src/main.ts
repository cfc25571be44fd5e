#!/usr/bin/env node
/**
 * Entry point of the `dokploy-gitops` command. The only place that reads argv
 * and the process environment: each command resolves them once into a frozen
 * settings object and hands it down.
 *
 * The Node.js version is checked before any other module loads: on an older
 * Node the first sign of trouble would otherwise be a stack trace from inside
 * a dependency (undici 8 needs Node 22.19). Node 22.19+ and 24 are supported
 * and tested (`test/e2e/install.test.ts` runs the installed package on every
 * Node binary it is given); the image and development use 24.
 */
import { nodeVersionProblem } from "./node-version.ts";

const problem = nodeVersionProblem(process.versions.node);
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}

const { runCli } = await import("./cli/index.ts");
const code = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
process.exitCode = code;
