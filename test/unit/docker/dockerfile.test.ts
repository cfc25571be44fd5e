/**
 * The image cannot be built here (no Docker engine), so its promises are
 * checked on the Dockerfile itself: Node 24 base pinned to a minor, a build
 * stage and a lean runtime stage, non-root, `dokploy-gitops run` by default,
 * a /healthz health check, OCI labels, and that everything it copies exists
 * and survives .dockerignore.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../helpers/helm.ts";
import {
  all,
  dockerignore,
  execForm,
  instructions,
  pairs,
  parseCopy,
  parseDockerfile,
  substitute,
  type Stage,
} from "./dockerfile.ts";

const text = readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8");
const dockerfile = parseDockerfile(text);
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  license: string;
  bin: Record<string, string>;
  files: string[];
};
const sent = dockerignore(readFileSync(join(REPO_ROOT, ".dockerignore"), "utf8"));
const stageNames = new Set(dockerfile.stages.map((s) => s.name).filter(Boolean));
const runtime = dockerfile.stages.at(-1)!;
const build = dockerfile.stages.find((s) => s.name === "build");

/** The last value of a single-valued instruction in a stage. */
function last(stage: Stage, keyword: string): string | undefined {
  return all(stage, keyword).at(-1)?.rest;
}

/** The stage's WORKDIR in effect before the instruction at `line`. */
function workdirAt(stage: Stage, line: number): string {
  return all(stage, "WORKDIR").filter((w) => w.line < line).at(-1)?.rest ?? "/";
}

function absolute(dest: string, workdir: string): string {
  const path = dest.startsWith("/") ? dest : `${workdir.replace(/\/$/, "")}/${dest.replace(/^\.\//, "")}`;
  return path.replace(/\/\.?$/, "").replace(/\/+$/, "") || "/";
}

describe("Dockerfile base images", () => {
  it("builds every stage on the official Node 24 image, pinned to a minor (slim or alpine)", () => {
    const external = dockerfile.stages.filter((s) => !stageNames.has(s.image));
    expect(external.length).toBeGreaterThan(0);
    for (const stage of external) {
      expect(stage.image).toMatch(/^node:24\.\d+(\.\d+)?-(bookworm-slim|trixie-slim|alpine3\.\d+)$/);
    }
  });

  it("is multi-stage: a build stage, and a runtime stage that starts from the base image, not from the build", () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(build).toBeDefined();
    expect(stageNames.has(runtime.image)).toBe(false);
  });

  it("compiles in the build stage with npm ci and npm run build", () => {
    const runs = all(build!, "RUN").map((r) => r.rest);
    expect(runs.some((r) => /\bnpm ci\b/.test(r))).toBe(true);
    expect(runs.some((r) => /\bnpm run build\b/.test(r))).toBe(true);
  });

  it("installs only production dependencies in the runtime, without lifecycle scripts, and copies no node_modules", () => {
    const runs = all(runtime, "RUN").map((r) => r.rest);
    const install = runs.find((r) => /\bnpm ci\b/.test(r));
    expect(install).toBeDefined();
    expect(install).toContain("--omit=dev");
    expect(install).toContain("--ignore-scripts");
    for (const copy of all(runtime, "COPY").map((c) => parseCopy(c.rest))) {
      for (const src of copy.sources) expect(src).not.toContain("node_modules");
    }
  });
});

describe("Dockerfile runtime stage", () => {
  it("runs as a numeric non-root user", () => {
    const user = last(runtime, "USER");
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user!.split(":")[0])).toBeGreaterThan(0);
  });

  it('has ENTRYPOINT ["dokploy-gitops"] and CMD ["run"] in exec form', () => {
    expect(execForm(last(runtime, "ENTRYPOINT") ?? "")).toEqual(["dokploy-gitops"]);
    expect(execForm(last(runtime, "CMD") ?? "")).toEqual(["run"]);
  });

  it("puts dokploy-gitops on the PATH, pointing at the package's bin", () => {
    const link = all(runtime, "RUN").map((r) => /ln -s (\S+) \/usr\/local\/bin\/dokploy-gitops\b/.exec(r.rest)).find(Boolean);
    expect(link, "a symlink into /usr/local/bin").toBeTruthy();
    const root = workdirAt(runtime, all(runtime, "RUN").find((r) => r.rest.includes("ln -s"))!.line);
    expect(link![1]).toBe(absolute(pkg.bin["dokploy-gitops"]!, root));
  });

  it("checks /healthz on 127.0.0.1:8080 with a tool the image has", () => {
    const healthcheck = last(runtime, "HEALTHCHECK");
    expect(healthcheck).toBeDefined();
    const cmd = /\bCMD\s+(.*)$/.exec(healthcheck!)?.[1] ?? "";
    const argv = execForm(cmd) ?? [cmd];
    expect(argv.join(" ")).toContain("http://127.0.0.1:8080/healthz");
    expect(["node", "curl", "wget"]).toContain(argv[0]);
    if (argv[0] !== "node") expect(all(runtime, "RUN").some((r) => r.rest.includes(argv[0]!))).toBe(true);
  });

  it("installs git and openssh-client", () => {
    const install = all(runtime, "RUN").map((r) => r.rest).find((r) => /apt-get install|apk add/.test(r));
    expect(install).toBeDefined();
    expect(install).toMatch(/\bgit\b/);
    expect(install).toMatch(/\bopenssh-client\b/);
  });

  it("keeps the work dir on a volume, exposes 8080 and sets NODE_ENV=production", () => {
    expect(all(runtime, "VOLUME").flatMap((v) => execForm(v.rest) ?? v.rest.split(/\s+/))).toContain("/var/lib/dokploy-gitops");
    expect(all(runtime, "EXPOSE").map((e) => e.rest)).toContain("8080");
    const env = Object.assign({}, ...all(runtime, "ENV").map((e) => pairs(e.rest))) as Record<string, string>;
    expect(env.NODE_ENV).toBe("production");
  });

  it("runs Node with the young generation capped, gc exposed (the daemon releases memory between passes) and two malloc arenas", () => {
    const env = Object.assign({}, ...all(runtime, "ENV").map((e) => pairs(e.rest))) as Record<string, string>;
    expect(env.NODE_OPTIONS?.split(/\s+/)).toEqual(expect.arrayContaining(["--max-semi-space-size=8", "--expose-gc"]));
    expect(env.MALLOC_ARENA_MAX).toBe("2");
  });

  it("carries the OCI labels, with the package's license", () => {
    const labels = Object.assign({}, ...all(runtime, "LABEL").map((l) => pairs(l.rest))) as Record<string, string>;
    for (const key of ["title", "description", "version", "revision", "source", "licenses", "created"]) {
      expect(labels[`org.opencontainers.image.${key}`], key).toBeTruthy();
    }
    expect(labels["org.opencontainers.image.title"]).toBe(pkg.name);
    expect(labels["org.opencontainers.image.licenses"]).toBe(pkg.license);
  });

  it("defaults the version build arg to package.json's version", () => {
    const arg = all(runtime, "ARG").map((a) => a.rest).find((a) => a.startsWith("VERSION="));
    expect(arg).toBe(`VERSION=${pkg.version}`);
  });
});

describe("Dockerfile copies", () => {
  /** Context paths behind a build-stage path (`/app/src/x` -> `src/x`), when a COPY put it there. */
  function contextPathOf(stage: Stage, stagePath: string): string | undefined {
    for (const ins of all(stage, "COPY")) {
      const copy = parseCopy(ins.rest);
      if (copy.flags.from) continue;
      const dest = absolute(copy.dest, workdirAt(stage, ins.line));
      for (const src of copy.sources) {
        const target = copy.sources.length > 1 || copy.dest.endsWith("/") ? `${dest}/${src.split("/").at(-1)}` : dest;
        if (stagePath === target || stagePath.startsWith(`${target}/`)) return src.replace(/\/$/, "") + stagePath.slice(target.length);
      }
    }
    return undefined;
  }

  it("copies only paths that exist in the repository and that .dockerignore lets through", () => {
    let checked = 0;
    for (const stage of dockerfile.stages) {
      for (const ins of all(stage, "COPY")) {
        const copy = parseCopy(ins.rest);
        for (const raw of copy.sources) {
          let src = raw;
          if (copy.flags.from) {
            const from = dockerfile.stages.find((s) => s.name === copy.flags.from);
            expect(from, `COPY --from=${copy.flags.from} names a stage`).toBeDefined();
            const mapped = contextPathOf(from!, raw);
            if (mapped === undefined) continue; // made by a RUN in that stage (dist/)
            src = mapped;
          }
          const path = substitute(src, {}).replace(/^\.\//, "");
          expect(existsSync(join(REPO_ROOT, path)), `Dockerfile:${ins.line}: ${path} exists`).toBe(true);
          expect(sent(path), `Dockerfile:${ins.line}: ${path} is not excluded by .dockerignore`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  it("puts everything package.json ships (its `files`) and the package manifest into the runtime's package root", () => {
    const ln = all(runtime, "RUN").find((r) => r.rest.includes("ln -s"))!;
    const root = workdirAt(runtime, ln.line);
    const dests = all(runtime, "COPY").flatMap((ins) => {
      const copy = parseCopy(ins.rest);
      const dest = absolute(copy.dest, workdirAt(runtime, ins.line));
      return copy.dest.endsWith("/") || copy.sources.length > 1 ? copy.sources.map((s) => `${dest}/${s.split("/").at(-1)}`) : [dest];
    });
    for (const file of [...pkg.files, "package.json", "package-lock.json"]) {
      expect(dests, file).toContain(absolute(file, root));
    }
  });
});

describe(".dockerignore", () => {
  it.each(["node_modules/yaml/package.json", ".git/HEAD", "dist/main.js", "test/unit/x.test.ts", ".env", "helm/dokploy-gitops/values.yaml"])(
    "keeps %s out of the build context",
    (path) => {
      expect(sent(path)).toBe(false);
    },
  );
});

describe("the Dockerfile reader", () => {
  it("joins continuations, skips comments, and substitutes ARG defaults in FROM", () => {
    const parsed = parseDockerfile('ARG BASE=node:24.1-alpine3.20\nFROM ${BASE} AS b\n# note\nRUN a \\\n  # inside\n  && b\nLABEL x="y z" q=1\n');
    expect(parsed.stages[0]).toMatchObject({ image: "node:24.1-alpine3.20", name: "b" });
    expect(parsed.stages[0]!.instructions.map((i) => [i.keyword, i.rest])).toEqual([
      ["RUN", "a && b"],
      ["LABEL", 'x="y z" q=1'],
    ]);
    expect(pairs('x="y z" q=1')).toEqual({ x: "y z", q: "1" });
  });

  it("reads COPY flags and JSON form", () => {
    expect(parseCopy("--from=build --chown=1:1 /a /b ./")).toEqual({ flags: { from: "build", chown: "1:1" }, sources: ["/a", "/b"], dest: "./" });
    expect(parseCopy('["a b", "c"]')).toEqual({ flags: {}, sources: ["a b"], dest: "c" });
  });

  it("refuses what it cannot read", () => {
    expect(() => parseDockerfile("RUN x\n")).toThrow("only ARG may come before the first FROM");
    expect(() => instructions("RUN a \\\n")).toThrow("continuation at end of file");
    expect(() => substitute("${NOPE}", {})).toThrow("$NOPE has no default value");
  });

  it("evaluates .dockerignore like Docker: last match wins, directories cover their contents", () => {
    const ok = dockerignore("*\n!src\nsrc/**/*.test.ts\n");
    expect(ok("src/main.ts")).toBe(true);
    expect(ok("src/a/b.test.ts")).toBe(false);
    expect(ok("README.md")).toBe(false);
  });
});
