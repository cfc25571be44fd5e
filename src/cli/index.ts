/**
 * Command dispatch. Each command lives in its own module and is loaded on
 * demand, so `validate` does not pay for the HTTP server or git.
 */
import { UsageError, type CliIo, type Command } from "./io.ts";

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  validate: {
    summary: "Validate the manifests under a directory",
    load: async () => (await import("./validate.ts")).validateCommand,
  },
  plan: {
    summary: "Show what apply would change (reads only)",
    load: async () => (await import("./plan.ts")).planCommand,
  },
  apply: {
    summary: "Apply the manifests to Dokploy",
    load: async () => (await import("./apply.ts")).applyCommand,
  },
  export: {
    summary: "Write manifests for what exists in Dokploy (read-only; secrets never written)",
    load: async () => (await import("./export.ts")).exportCommand,
  },
  run: {
    summary: "Run the reconciler daemon (git-driven, with /status, /metrics, webhooks)",
    load: async () => (await import("./run.ts")).runCommand,
  },
  comment: {
    summary: "Post the plan as a pull-request comment (GitHub, Gitea, GitLab)",
    load: async () => (await import("./comment.ts")).commentCommand,
  },
  simulator: {
    summary: "Serve the built-in Dokploy API simulator on loopback",
    load: async () => (await import("./simulator.ts")).simulatorCommand,
  },
};

/** The version printed by `--version`. */
export const VERSION = "0.1.0";

function usage(): string {
  const lines = [
    "Usage: dokploy-gitops <command> [options]",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`),
    "",
    "Run `dokploy-gitops <command> --help` for a command's options.",
  ];
  return lines.join("\n") + "\n";
}

/** Runs one CLI invocation and returns its exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(usage());
    return name === undefined ? 1 : 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout.write(`dokploy-gitops ${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`error: unknown command "${name}"\n\n${usage()}`);
    return 1;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
