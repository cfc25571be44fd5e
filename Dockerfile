# syntax=docker/dockerfile:1
#
# dokploy-gitops container image: the reconciler daemon (`run`, the default)
# and the CI commands (`validate`, `plan`, `comment`, `apply`).
#
#   docker build -t dokploy-gitops .
#   docker run --rm dokploy-gitops --help
#
# Base: the official Node 24 image on Debian bookworm, slim variant, pinned to
# a minor release (24.21, the same Node the project's CI installs through the
# node@^24.21.0 dev dependency) so a rebuild picks up Node patch releases and
# Debian security fixes but never a new minor behind our back. Debian rather
# than Alpine: glibc like CI, and Debian's git and openssh-client packages.
ARG NODE_IMAGE=node:24.21-bookworm-slim

# ---- build: compile TypeScript to dist/ -------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the package's `prepare` would run tsc before the sources
# are here (it runs below, explicitly), and the node@24 dev dependency's
# install script would download a second Node binary the image never uses.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- runtime -----------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG NODE_IMAGE
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=https://github.com/dokploy-gitops/dokploy-gitops
LABEL org.opencontainers.image.title="dokploy-gitops" \
      org.opencontainers.image.description="GitOps reconciler for Dokploy: YAML manifests in git become live Dokploy projects, environments, applications and domains." \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.url="${SOURCE}" \
      org.opencontainers.image.documentation="${SOURCE}/blob/main/docs/operations.md" \
      org.opencontainers.image.base.name="docker.io/library/${NODE_IMAGE}"

# git and ssh for the manifests repository; ca-certificates for https remotes.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git openssh-client ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# A fixed numeric non-root user, so Kubernetes' runAsNonRoot can verify it and
# volume ownership is predictable. Its home is the work dir: the only place
# (with /tmp) that must be writable, so the root filesystem can be read-only.
RUN groupadd --system --gid 10001 dokploy-gitops \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/dokploy-gitops \
      --shell /usr/sbin/nologin dokploy-gitops \
 && mkdir -p /var/lib/dokploy-gitops \
 && chown 10001:10001 /var/lib/dokploy-gitops

# Memory (bench/RESULTS.md, daemon footprint; bench/lib/daemon-process.ts reads
# NODE_OPTIONS and MALLOC_* from here so the benchmark runs with them):
# --max-semi-space-size=8 caps V8's young generation (on a large host Node lets
# it grow to 128 MiB); --expose-gc lets the daemon run a memory-reducing
# collection after each pass (V8 otherwise keeps the pages a pass grew its heap
# by: ~300 MiB instead of ~150 MiB RSS at 1,000 applications). MALLOC_ARENA_MAX=2:
# glibc gives each thread that allocates (V8's GC and compiler workers, libuv's
# pool) its own 64 MiB arena and rarely gives their pages back (-10 MiB RSS).
ENV NODE_ENV=production \
    HOME=/var/lib/dokploy-gitops \
    NODE_OPTIONS="--max-semi-space-size=8 --expose-gc" \
    MALLOC_ARENA_MAX=2

WORKDIR /opt/dokploy-gitops
COPY --from=build /app/package.json /app/package-lock.json ./
# Production dependencies only; no lifecycle scripts (`prepare` runs tsc, a dev tool).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force
COPY --from=build /app/dist ./dist
# Read at run time, relative to the package root: the manifest JSON Schemas,
# the Dokploy API spec subset the built-in simulator validates against, and
# the status page's script, stylesheet and icon.
COPY manifests-schema ./manifests-schema
COPY --from=build /app/src/simulator/spec ./src/simulator/spec
COPY --from=build /app/src/ui/assets ./src/ui/assets
RUN chmod 0755 dist/main.js \
 && ln -s /opt/dokploy-gitops/dist/main.js /usr/local/bin/dokploy-gitops

USER 10001:10001
WORKDIR /var/lib/dokploy-gitops
VOLUME ["/var/lib/dokploy-gitops"]
EXPOSE 8080

# Assumes the default --listen port (8080). Node's fetch: the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["dokploy-gitops"]
CMD ["run"]
