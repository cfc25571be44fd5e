#!/usr/bin/env node
/**
 * Entry point of the `dokploy-gitops` command. The only place that reads argv
 * and the process environment: each command resolves them once into a frozen
 * settings object and hands it down.
 */
import { runCli } from "./cli/index.ts";

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
process.exitCode = code;
