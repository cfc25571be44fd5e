/**
 * `dokploy-gitops doctor`: checks the connection before anything else does.
 * A first run that fails with "401" leaves a person guessing between a
 * mistyped URL, a wrong key, a rate-limited key and a Dokploy version this
 * tool does not know; `doctor` asks Dokploy each question separately and
 * prints one line per answer (never the key).
 */
import { Redactor } from "../util/redact.ts";
import { CONNECTION_HELP, CONNECTION_OPTIONS, resolveConnection } from "./connection.ts";
import { BUILT_FOR_DOKPLOY, runDoctorChecks, type DoctorTarget, type Finding } from "./doctor-checks.ts";
import { UsageError, parseCommandArgs, type CliIo } from "./io.ts";

const HELP = `Usage: dokploy-gitops doctor [options]

Checks the connection to Dokploy the way plan, apply and run will use it, and
prints what it found, one line per check (the key is never printed):

  url      the URL answers as Dokploy (/api/health, no key needed)
  key      Dokploy accepts the key (a refused key is unknown, expired, disabled
           or rate-limited: Dokploy answers all four with the same 401)
  version  Dokploy's version, against the one this tool is built for (${BUILT_FOR_DOKPLOY})
  access   what the key's user may change: read-only (enough for plan and
           comment) or allowed to write (needed by apply and run)

Options:
  -o, --output text|json  output format (default text)
  -h, --help              show this help

${CONNECTION_HELP}
Exit status: 0 when the tool can work with this Dokploy (warnings allowed),
1 when a check failed or on bad usage.
`;

const MARK: Record<Finding["status"], string> = { ok: "ok  ", warn: "warn", fail: "FAIL", skipped: "-   " };

/** `dokploy-gitops doctor`: see HELP. */
export async function doctorCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs("doctor", argv, {
    ...CONNECTION_OPTIONS,
    output: { type: "string", short: "o" },
    help: { type: "boolean", short: "h" },
  }, { allowPositionals: false });
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const output = values.output ?? "text";
  if (output !== "text" && output !== "json") throw new UsageError(`--output: expected text or json, got "${output}"`);
  const connection = resolveConnection(values, io.env);
  const redactor = new Redactor().add(connection.apiKey);
  let target: DoctorTarget;
  let close = async (): Promise<void> => {};
  if (connection.simulator) {
    // Loaded only here: a doctor run against a real Dokploy never needs the simulator's modules.
    const { startSimulator } = await import("../simulator/index.ts");
    const sim = await startSimulator({});
    redactor.add(sim.apiKey);
    target = { url: sim.url, apiKey: sim.apiKey, keyFrom: "the embedded simulator", timeoutMs: connection.requestTimeoutMs };
    close = () => sim.close();
  } else {
    target = { url: connection.url!, apiKey: connection.apiKey!, keyFrom: connection.sources?.apiKey ?? "the environment", timeoutMs: connection.requestTimeoutMs };
  }
  let findings: Finding[];
  try {
    findings = await runDoctorChecks(target);
  } finally {
    await close();
  }
  const failed = findings.some((f) => f.status === "fail");
  if (output === "json") {
    io.stdout.write(redactor.redact(JSON.stringify({ url: target.url, ok: !failed, findings }, null, 2)) + "\n");
  } else {
    const lines = findings.map((f) => `${MARK[f.status]}  ${f.check.padEnd(8)} ${f.message}`);
    lines.push(failed ? "doctor: the tool cannot work with this Dokploy yet (see FAIL above)" : "doctor: ready to plan and apply");
    io.stdout.write(redactor.redact(lines.join("\n")) + "\n");
  }
  return failed ? 1 : 0;
}
