/**
 * Host key verification for git over ssh. Without a known key, the first
 * connection trusts whoever answers, and a container that loses its work dir
 * at every restart trusts again at every restart. So ssh sources always run
 * with `StrictHostKeyChecking=yes` against either the operator's
 * `--git-known-hosts` file or the host keys GitHub, GitLab, Bitbucket and
 * Codeberg publish (shipped here); anything else is refused with the
 * `ssh-keyscan` line that adds it. Trust on first use stays available behind
 * `--git-insecure-accept-new-host-keys`.
 */

/**
 * The published host keys, in known_hosts format. Sources (SHA256
 * fingerprints to compare against; `test/unit/source/known-hosts.test.ts`
 * recomputes them from the keys):
 *
 * - github.com: https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/githubs-ssh-key-fingerprints
 *   (also https://api.github.com/meta `ssh_keys`)
 * - gitlab.com: https://docs.gitlab.com/user/gitlab_com/#ssh-known_hosts-entries
 * - bitbucket.org: https://bitbucket.org/site/ssh
 * - codeberg.org: https://docs.codeberg.org/security/ssh-fingerprint/
 *
 * Keep them current with `scripts/check-known-hosts.sh`, which scans the four
 * hosts and reports any difference.
 */
export const PUBLISHED_KNOWN_HOSTS = `# dokploy-gitops: published ssh host keys (see src/source/known-hosts.ts)
github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl
github.com ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg=
github.com ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQCj7ndNxQowgcQnjshcLrqPEiiphnt+VTTvDP6mHBL9j1aNUkY4Ue1gvwnGLVlOhGeYrnZaMgRK6+PKCUXaDbC7qtbW8gIkhL7aGCsOr/C56SJMy/BCZfxd1nWzAOxSDPgVsmerOBYfNqltV9/hWCqBywINIR+5dIg6JTJ72pcEpEjcYgXkE2YEFXV1JHnsKgbLWNlhScqb2UmyRkQyytRLtL+38TGxkxCflmO+5Z8CSSNY7GidjMIZ7Q4zMjA2n1nGrlTDkzwDCsw+wqFPGQA179cnfGWOWRVruj16z6XyvxvjJwbz0wQZ75XK5tKSb7FNyeIEs4TT4jk+S4dhPeAUC5y+bDYirYgM4GC7uEnztnZyaVWQ7B381AK4Qdrwt51ZqExKbQpTUNn+EjqoTwvqNj4kqx5QUCI0ThS/YkOxJCXmPUWZbhjpCg56i+2aB6CmK2JGhn57K5mj0MNdBXA4/WnwH6XoPWJzK5Nyu2zB3nAZp+S5hpQs+p1vN1/wsjk=
gitlab.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAfuCHKVTjquxvt6CM6tdG4SLp1Btn/nOeHHE5UOzRdf
gitlab.com ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBFSMqzJeV9rUzU4kWitGjeR4PWSa29SPqJ1fVkhtj3Hw9xjLVXVYrU9QlYWrOLXBpQ6KWjbjTDTdDkoohFzgbEY=
gitlab.com ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCsj2bNKTBSpIYDEGk9KxsGh3mySTRgMtXL583qmBpzeQ+jqCMRgBqB98u3z++J1sKlXHWfM9dyhSevkMwSbhoR8XIq/U0tCNyokEi/ueaBMCvbcTHhO7FcwzY92WK4Yt0aGROY5qX2UKSeOvuP4D6TPqKF1onrSzH9bx9XUf2lEdWT/ia1NEKjunUqu1xOB/StKDHMoX4/OKyIzuS0q/T1zOATthvasJFoPrAjkohTyaDUz2LN5JoH839hViyEG82yB+MjcFV5MU3N1l1QL3cVUCh93xSaua1N85qivl+siMkPGbO5xR/En4iEY6K2XPASUEMaieWVNTRCtJ4S8H+9
bitbucket.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIazEu89wgQZ4bqs3d63QSMzYVa0MuJ2e2gKTKqu+UUO
bitbucket.org ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBPIQmuzMBuKdWeF4+a2sjSSpBK0iqitSQ+5BM9KhpexuGt20JpTVM7u5BDZngncgrqDMbWdxMWWOGtZ9UgbqgZE=
codeberg.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIVIC02vnjFyL+I4RHfvIGNtOgJMe769VTF1VR4EB3ZB
`;

/** Where an ssh URL connects: host and, when not 22, port. */
export interface SshTarget {
  host: string;
  port?: number;
}

/**
 * The host (and port) of an ssh git URL: `ssh://[user@]host[:port]/path`
 * (also `git+ssh://`, `ssh+git://`) or scp-like `[user@]host:path`.
 * Undefined for anything else (https, file, a local path).
 */
export function sshTarget(url: string): SshTarget | undefined {
  const m = /^(?:ssh|git\+ssh|ssh\+git):\/\/(?:[^@/]+@)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?\//i.exec(url);
  if (m) {
    const host = m[1]!.replace(/^\[|\]$/g, "");
    const port = m[2] !== undefined ? Number(m[2]) : undefined;
    return port !== undefined && port !== 22 ? { host, port } : { host };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return undefined;
  const scp = /^(?:[^@/:]+@)?([^/:]+):(?!\/\/)/.exec(url);
  return scp ? { host: scp[1]! } : undefined;
}

/** How ssh says it refused a host key (unknown under strict checking, or changed). */
export function hostKeyFailure(output: string): "unknown" | "changed" | undefined {
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for \S+ has changed/i.test(output)) return "changed";
  if (/No \S+ host key is known for|Host key verification failed/i.test(output)) return "unknown";
  return undefined;
}

/**
 * The message for a refused host key: what happened and the line that fixes
 * it. A changed key is not fixed blindly: the host may have rotated it, or
 * someone is in the middle.
 */
export function hostKeyHint(target: SshTarget, failure: "unknown" | "changed", knownHostsFile: string | undefined): string {
  const name = target.port ? `[${target.host}]:${target.port}` : target.host;
  const scan = `ssh-keyscan ${target.port ? `-p ${target.port} ` : ""}${target.host} >> known_hosts`;
  const where = knownHostsFile
    ? `the known hosts file ${knownHostsFile} (--git-known-hosts)`
    : "the known hosts (only github.com, gitlab.com, bitbucket.org and codeberg.org are built in; give others with --git-known-hosts FILE)";
  if (failure === "changed") {
    return `the ssh host key of ${name} does not match ${where}: if the host announced a new key, replace its line (${scan}, then compare \`ssh-keygen -lf known_hosts\` with the fingerprints the host publishes); otherwise the connection may be intercepted. Nothing was fetched`;
  }
  return `the ssh host key of ${name} is not in ${where}; add it: ${scan} (then compare \`ssh-keygen -lf known_hosts\` with the fingerprints the host publishes) and pass --git-known-hosts known_hosts, or trust it on first use with --git-insecure-accept-new-host-keys. Nothing was fetched`;
}
