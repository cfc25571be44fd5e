/**
 * Command dispatch. Each command lives in its own module and is loaded on
 * demand, so `validate` does not pay for the HTTP server or git.
 */
import { closestMatch } from "../manifest/suggest.ts";
import { Redactor } from "../util/redact.ts";
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
  doctor: {
    summary: "Check the URL, the API key, its access and the Dokploy version",
    load: async () => (await import("./doctor.ts")).doctorCommand,
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

/**
 * Environment variables whose values are secrets: masked in the last-resort
 * error line, whichever command failed.
 */
const SECRET_VARIABLES = [
  "DOKPLOY_API_KEY", "DOKPLOY_API_TOKEN", "GIT_TOKEN", "DOKPLOY_GITOPS_GIT_TOKEN", "DOKPLOY_GITOPS_WEBHOOK_SECRET",
  "DOKPLOY_GITOPS_STATUS_TOKEN", "GITHUB_TOKEN", "GH_TOKEN", "GITEA_TOKEN", "GITLAB_TOKEN", "CI_JOB_TOKEN",
];

/** `plan: message` once: messages that already start with their command keep their own prefix. */
function withCommand(name: string, message: string): string {
  return message.startsWith(`${name}: `) ? message : `${name}: ${message}`;
}

/**
 * Runs one CLI invocation and returns its exit code. Nothing a user types
 * ends in a stack trace: a usage error is one `error: COMMAND: ...` line and
 * exit 1, and an unexpected failure is one line too (with the stack only
 * when DOKPLOY_GITOPS_DEBUG=1), secrets masked.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  // `help plan` is `plan --help`, as in git and npm.
  if (name === "help" && rest[0] !== undefined) return runCli([rest[0], "--help"], io);
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
    const near = closestMatch(name, Object.keys(COMMANDS));
    io.stderr.write(`error: unknown command "${name}"${near ? `; did you mean "${near}"?` : ""} (see dokploy-gitops --help)\n\n${usage()}`);
    return 1;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (err) {
    const redactor = new Redactor().add(...SECRET_VARIABLES.map((v) => io.env[v]));
    if (err instanceof UsageError) {
      io.stderr.write(redactor.redact(`error: ${withCommand(name, err.message)}\n`));
      return 1;
    }
    const message = err instanceof Error ? err.message : String(err);
    const debug = io.env.DOKPLOY_GITOPS_DEBUG === "1" && err instanceof Error ? `\n${err.stack ?? ""}` : "";
    // Reaching here is a bug (every expected failure has its own sentence): say so, in one line.
    const first = message.split("\n")[0] ?? message;
    io.stderr.write(redactor.redact(`error: ${withCommand(name, `unexpected failure: ${first}`)} (please report it; DOKPLOY_GITOPS_DEBUG=1 shows where)${debug}\n`));
    return 1;
  }
}
