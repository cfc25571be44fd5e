/**
 * A real OpenSSH server for git-over-ssh tests: its own host key, client key,
 * config and pid file in a temp dir, listening on 127.0.0.1 on a free port,
 * serving the test user's repositories. Debian's `openssh-server` provides it
 * (`.ci/run` installs it); tests skip with a clear message when it is absent.
 * The server has a bounded lifetime: it is killed by `stop()` or, at the
 * latest, `lifetimeMs` after it started.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { userInfo } from "node:os";
import path from "node:path";
import { eventually } from "./eventually.ts";

/** Where Debian puts sshd; undefined when it is not installed. */
export function sshdBinary(): string | undefined {
  return ["/usr/sbin/sshd", "/usr/local/sbin/sshd"].find((p) => existsSync(p));
}

/** Why the ssh tests cannot run here, or undefined when they can. */
export function sshdUnavailable(): string | undefined {
  if (!sshdBinary()) return "sshd not found: install Debian's openssh-server (`apt-get install -y openssh-server`, as .ci/run does) to run the git-over-ssh tests";
  return undefined;
}

export interface TestSshd {
  port: number;
  user: string;
  /** The known_hosts line of this server's host key (`[127.0.0.1]:PORT ssh-ed25519 ...`). */
  knownHostsLine: string;
  /** Private key file the server accepts for `user`. */
  clientKey: string;
  /** `ssh://user@127.0.0.1:PORT<absolute path>` for a repository on this machine. */
  url(repoPath: string): string;
  stop(): Promise<void>;
}

function keygen(file: string): void {
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "dokploy-gitops-test", "-f", file], { stdio: "ignore" });
}

/** A known_hosts line for `[127.0.0.1]:port` with the public key in `pubFile`. */
export function knownHostsLine(port: number, pubFile: string): string {
  const [type, key] = readFileSync(pubFile, "utf8").trim().split(/\s+/);
  return `[127.0.0.1]:${port} ${type} ${key}`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Starts sshd in `dir` (which must exist); rejects when it does not come up. */
export async function startSshd(dir: string, options: { lifetimeMs?: number } = {}): Promise<TestSshd> {
  const bin = sshdBinary();
  if (!bin) throw new Error(sshdUnavailable());
  const user = userInfo().username;
  const hostKey = path.join(dir, "ssh_host_ed25519_key");
  const clientKey = path.join(dir, "client_ed25519");
  keygen(hostKey);
  keygen(clientKey);
  writeFileSync(path.join(dir, "authorized_keys"), readFileSync(`${clientKey}.pub`));
  // sshd started as root wants its privilege separation directory.
  if (process.getuid?.() === 0) mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });

  let lastError = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const config = path.join(dir, "sshd_config");
    writeFileSync(
      config,
      [
        `Port ${port}`,
        "ListenAddress 127.0.0.1",
        `HostKey ${hostKey}`,
        `PidFile ${path.join(dir, "sshd.pid")}`,
        `AuthorizedKeysFile ${path.join(dir, "authorized_keys")}`,
        `AllowUsers ${user}`,
        "StrictModes no",
        "UsePAM no",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PubkeyAuthentication yes",
        "PermitRootLogin prohibit-password",
        "LogLevel ERROR",
        "",
      ].join("\n"),
    );
    const child = spawn(bin, ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    let exited = false;
    const gone = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
    const lifetime = setTimeout(() => child.kill("SIGKILL"), options.lifetimeMs ?? 120_000);
    lifetime.unref();
    const stop = async (): Promise<void> => {
      clearTimeout(lifetime);
      if (!exited) child.kill("SIGTERM");
      const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await gone;
      clearTimeout(force);
    };
    try {
      await eventually(async () => {
        if (exited) throw new Error(`sshd exited: ${stderr.trim()}`);
        return accepts(port);
      }, { timeoutMs: 10_000 });
    } catch (err) {
      lastError = (err as Error).message;
      await stop();
      continue;
    }
    return {
      port,
      user,
      knownHostsLine: knownHostsLine(port, `${hostKey}.pub`),
      clientKey,
      url: (repoPath) => `ssh://${user}@127.0.0.1:${port}${repoPath}`,
      stop,
    };
  }
  throw new Error(`sshd did not start: ${lastError}`);
}
