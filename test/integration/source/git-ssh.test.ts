/**
 * Git over ssh verifies the server's host key, against a real OpenSSH server
 * on 127.0.0.1 with its own host key: a known host fetches; an unknown or
 * changed key is refused with the `ssh-keyscan` hint and nothing is fetched;
 * `--git-insecure-accept-new-host-keys` trusts a new key (never a changed one).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitSource, type GitAuth } from "../../../src/source/git-source.ts";
import { SourceError } from "../../../src/source/types.ts";
import { Redactor } from "../../../src/util/redact.ts";
import { createTestRepo, tempDir, type TestRepo } from "../../helpers/git-repo.ts";
import { knownHostsLine, sshdUnavailable, startSshd, type TestSshd } from "../../helpers/sshd.ts";

const unavailable = sshdUnavailable();
if (unavailable) console.warn(`skipping git-over-ssh tests: ${unavailable}`);

describe.skipIf(unavailable !== undefined)("git over ssh (real sshd on 127.0.0.1)", () => {
  let dir: string;
  let sshd: TestSshd;
  let repo: TestRepo;
  let head: string;
  let otherKeyLine: string;
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };

  beforeAll(async () => {
    dir = tempDir("dg-sshd-");
    sshd = await startSshd(dir);
    repo = createTestRepo();
    head = repo.commit({ "deploy/app.yaml": "v: 1\n" });
    // Another key, to play a server whose key changed (or an impostor).
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "impostor")], { stdio: "ignore" });
    otherKeyLine = knownHostsLine(sshd.port, path.join(dir, "impostor.pub"));
  }, 60_000);
  afterAll(async () => {
    await sshd?.stop();
    repo?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  let n = 0;
  function source(auth: Omit<GitAuth, "sshKeyFile">): { src: GitSource; workDir: string } {
    const workDir = path.join(dir, `work-${++n}`);
    return { workDir, src: new GitSource({ url: sshd.url(repo.bare), workDir, env, redactor: new Redactor(), auth: { sshKeyFile: sshd.clientKey, ...auth } }) };
  }
  function knownHosts(name: string, line: string): string {
    const file = path.join(dir, name);
    writeFileSync(file, `${line}\n`);
    return file;
  }
  const fetched = (workDir: string): boolean => existsSync(path.join(workDir, "repo", ".git", "refs", "dokploy-gitops", "current"));

  it("fetches from a host whose key is in --git-known-hosts", async () => {
    const { src, workDir } = source({ knownHostsFile: knownHosts("known", sshd.knownHostsLine) });
    const snap = await src.prepare();
    expect(snap.revision).toBe(head);
    expect(readFileSync(path.join(snap.root, "deploy", "app.yaml"), "utf8")).toBe("v: 1\n");
    expect(fetched(workDir)).toBe(true);
  });

  it("refuses a host that is in no known hosts (not one of the built-in ones), with the ssh-keyscan line, and fetches nothing", async () => {
    const { src, workDir } = source({});
    const err = await src.prepare().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    const message = (err as SourceError).message;
    expect(message).toContain(`the ssh host key of [127.0.0.1]:${sshd.port} is not in the known hosts`);
    expect(message).toContain(`ssh-keyscan -p ${sshd.port} 127.0.0.1 >> known_hosts`);
    expect(message).toContain("--git-insecure-accept-new-host-keys");
    expect((err as SourceError).transient).toBe(false);
    expect(fetched(workDir)).toBe(false);
  });

  it("refuses a host whose key changed, and fetches nothing", async () => {
    const file = knownHosts("changed", otherKeyLine);
    const { src, workDir } = source({ knownHostsFile: file });
    const err = await src.prepare().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).message).toContain(`the ssh host key of [127.0.0.1]:${sshd.port} does not match the known hosts file ${file}`);
    expect((err as SourceError).message).toContain(`ssh-keyscan -p ${sshd.port} 127.0.0.1`);
    expect(fetched(workDir)).toBe(false);
  });

  it("trusts a new host on first use only with the explicit insecure flag, and remembers the key", async () => {
    const { src, workDir } = source({ insecureAcceptNewHostKeys: true });
    expect((await src.prepare()).revision).toBe(head);
    expect(readFileSync(path.join(workDir, "known_hosts"), "utf8")).toContain(sshd.knownHostsLine.split(" ")[2]);
  });

  it("still refuses a changed key with the insecure flag", async () => {
    const { src, workDir } = source({ insecureAcceptNewHostKeys: true, knownHostsFile: knownHosts("changed-insecure", otherKeyLine) });
    const err = await src.prepare().then(() => undefined, (e: unknown) => e);
    expect((err as SourceError).message).toContain("does not match");
    expect(fetched(workDir)).toBe(false);
  });
});
