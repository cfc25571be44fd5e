#!/usr/bin/env bash
# Compares the ssh host keys shipped in src/source/known-hosts.ts with what
# github.com, gitlab.com, bitbucket.org and codeberg.org present today
# (ssh-keyscan; needs network). Exit 0 when they agree, 1 with the difference
# otherwise. A difference is not proof of a rotation: check the hosts'
# published fingerprints (URLs in known-hosts.ts) before updating the file.
set -euo pipefail
cd "$(dirname "$0")/.."
shipped=$(mktemp)
scanned=$(mktemp)
trap 'rm -f "$shipped" "$scanned"' EXIT
sed -n '/^export const PUBLISHED_KNOWN_HOSTS = `/,/^`;/p' src/source/known-hosts.ts | grep -E '^[a-z0-9.-]+ (ssh-|ecdsa-)' | sort >"$shipped"
for host in github.com gitlab.com bitbucket.org codeberg.org; do
  types=$(awk -v h="$host" '$1 == h { print $2 }' "$shipped" | sed 's/^ssh-//; s/-sha2-nistp256$//' | paste -sd, -)
  ssh-keyscan -T 10 -t "$types" "$host" 2>/dev/null | grep -v '^#' || true
done | sort >"$scanned"
if diff -u "$shipped" "$scanned"; then
  echo "shipped host keys match what the hosts present"
else
  echo "host keys differ (- shipped, + scanned): verify against the published fingerprints before changing src/source/known-hosts.ts" >&2
  exit 1
fi
