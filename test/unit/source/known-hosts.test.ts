/**
 * The shipped host keys are the published ones (their SHA256 fingerprints,
 * recomputed here, are the ones the hosts list on their documentation pages),
 * and ssh URLs are read correctly for the `ssh-keyscan` hint.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hostKeyFailure, hostKeyHint, PUBLISHED_KNOWN_HOSTS, sshTarget } from "../../../src/source/known-hosts.ts";

/** As `ssh-keygen -lf` prints them, and as each host publishes them. */
const PUBLISHED_FINGERPRINTS = {
  "github.com ssh-ed25519": "SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU",
  "github.com ecdsa-sha2-nistp256": "SHA256:p2QAMXNIC1TJYWeIOttrVc98/R1BUFWu3/LiyKgUfQM",
  "github.com ssh-rsa": "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s",
  "gitlab.com ssh-ed25519": "SHA256:eUXGGm1YGsMAS7vkcx6JOJdOGHPem5gQp4taiCfCLB8",
  "gitlab.com ecdsa-sha2-nistp256": "SHA256:HbW3g8zUjNSksFbqTiUWPWg2Bq1x8xdGUrliXFzSnUw",
  "gitlab.com ssh-rsa": "SHA256:ROQFvPThGrW4RuWLoL9tq9I9zJ42fK4XywyRtbOz/EQ",
  "bitbucket.org ssh-ed25519": "SHA256:ybgmFkzwOSotHTHLJgHO0QN8L0xErw6vd0VhFA9m3SM",
  "bitbucket.org ecdsa-sha2-nistp256": "SHA256:FC73VB6C4OQLSCrjEayhMp9UMxS97caD/Yyi2bhW/J0",
  "codeberg.org ssh-ed25519": "SHA256:mIlxA9k46MmM6qdJOdMnAQpzGxF4WIVVL+fj+wZbw0g",
};

describe("PUBLISHED_KNOWN_HOSTS", () => {
  it("holds exactly the published keys of GitHub, GitLab, Bitbucket and Codeberg", () => {
    const lines = PUBLISHED_KNOWN_HOSTS.split("\n").filter((l) => l && !l.startsWith("#"));
    const fingerprints = Object.fromEntries(
      lines.map((l) => {
        const [host, type, key] = l.split(" ");
        return [`${host} ${type}`, `SHA256:${createHash("sha256").update(Buffer.from(key!, "base64")).digest("base64").replace(/=+$/, "")}`];
      }),
    );
    expect(fingerprints).toEqual(PUBLISHED_FINGERPRINTS);
  });
});

describe("sshTarget", () => {
  it.each([
    ["ssh://git@github.com/acme/config.git", { host: "github.com" }],
    ["ssh://git@git.example.com:2222/acme/config.git", { host: "git.example.com", port: 2222 }],
    ["ssh://git.example.com:22/acme/config.git", { host: "git.example.com" }],
    ["git+ssh://git@[::1]:2200/repo", { host: "::1", port: 2200 }],
    ["git@gitlab.com:acme/config.git", { host: "gitlab.com" }],
    ["codeberg.org:acme/config.git", { host: "codeberg.org" }],
    ["https://github.com/acme/config.git", undefined],
    ["file:///srv/repo.git", undefined],
    ["/srv/repo.git", undefined],
  ])("%s", (url, target) => {
    expect(sshTarget(url)).toEqual(target);
  });
});

describe("hostKeyFailure and hostKeyHint", () => {
  it.each([
    ["No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\nHost key verification failed.", "unknown"],
    ["@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@\nHost key verification failed.", "changed"],
    ["Permission denied (publickey).", undefined],
  ])("%s -> %s", (output, failure) => {
    expect(hostKeyFailure(output)).toBe(failure);
  });

  it("gives the ssh-keyscan line, with the port when it is not 22", () => {
    expect(hostKeyHint({ host: "git.example.com", port: 2222 }, "unknown", undefined)).toContain("ssh-keyscan -p 2222 git.example.com >> known_hosts");
    expect(hostKeyHint({ host: "git.example.com" }, "unknown", "/etc/kh")).toContain("the known hosts file /etc/kh (--git-known-hosts); add it: ssh-keyscan git.example.com >> known_hosts");
  });
});
