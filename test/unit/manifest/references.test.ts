/**
 * Validation of value references: each problem is an error at the
 * reference's own line and pointer (an unknown target, a field the kind does
 * not offer, a malformed ref or format, a secret where values are shown, a
 * cycle), and valid references (other environments, domains, a resource's
 * own manifest-decided fields) pass.
 */
import { describe, expect, it } from "vitest";
import { loadManifestTexts } from "../../../src/manifest/index.ts";

const HEAD = `apiVersion: dokploy-gitops/v1
kind: Project
metadata: { name: p }
spec: {}
---
apiVersion: dokploy-gitops/v1
kind: Environment
metadata: { name: staging, project: p }
spec: {}
---
apiVersion: dokploy-gitops/v1
kind: Application
metadata: { name: api, project: p, environment: production }
spec: { source: { type: docker, image: "nginx:1" } }
---
apiVersion: dokploy-gitops/v1
kind: Application
metadata: { name: api, project: p, environment: staging }
spec: { source: { type: docker, image: "nginx:1" } }
---
apiVersion: dokploy-gitops/v1
kind: Domain
metadata: { name: main, project: p, environment: production, application: api }
spec: { host: api.example.com, path: /v1, https: true }
`;

/** A `web` application whose spec is `spec` (YAML flow or block text, indented by the caller). */
const web = (spec: string, env = "production"): string => `---
apiVersion: dokploy-gitops/v1
kind: Application
metadata: { name: web, project: p, environment: ${env} }
spec:
  source: { type: docker, image: "nginx:1" }
${spec}
`;

function problems(yaml: string): string[] {
  return loadManifestTexts([{ file: "m.yaml", text: yaml }]).diagnostics.filter((d) => d.severity === "error").map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`);
}

const LINE = HEAD.split("\n").length + 6; // the first line of `spec` text in web()

describe("valid references", () => {
  it.each([
    ["same environment", "  env: { A: { ref: Application/api, field: host } }"],
    ["another environment", "  env: { A: { ref: Application/staging/api, field: appName } }"],
    ["a domain's url", "  env: { A: { ref: Domain/api/main, field: url } }"],
    ["a composed value with a secret in an env map", '  env: { A: { format: "x://{u}:{p}@{h}", args: { u: { ref: Application/api, field: name }, p: { fromEnv: PW }, h: { ref: Application/api, field: host } } } }'],
    ["literal braces", '  env: { A: { format: "{{x}} {h}", args: { h: { ref: Application/api, field: host } } } }'],
    ["command and args", "  command: { ref: Application/api, field: host }\n  args: [a, { ref: Application/api, field: host }]"],
    ["its own name", "  env: { A: { ref: Application/web, field: name } }"],
    ["build args", "  buildArgs: { A: { ref: Application/api, field: host } }"],
  ])("%s", (_name, spec) => {
    expect(problems(HEAD + web(spec))).toEqual([]);
  });

  it("its own domain's URL, which the manifest decides", () => {
    const domain = `---
apiVersion: dokploy-gitops/v1
kind: Domain
metadata: { name: site, project: p, environment: production, application: web }
spec: { host: web.example.com }
`;
    expect(problems(HEAD + web("  env: { URL: { ref: Domain/web/site, field: url } }") + domain)).toEqual([]);
  });
});

describe("invalid references", () => {
  it.each([
    ["an undeclared resource, with a hint", "  env: { A: { ref: Application/apu, field: host } }",
      `${LINE}:20 unknown-reference /spec/env/A/ref: "Application/apu" names Application/p/production/apu, which no manifest declares (did you mean Application/p/production/api?)`],
    ["a field the kind does not offer", "  env: { A: { ref: Application/api, field: password } }",
      `${LINE}:44 schema /spec/env/A/field: expected a field an Application offers: host, appName or name, got "password"`],
    ["an unknown environment", "  env: { A: { ref: Application/qa/api, field: host } }",
      `${LINE}:20 unknown-reference /spec/env/A/ref: "Application/qa/api" names Application/p/qa/api, which no manifest declares`],
    ["a kind that cannot be referenced", "  env: { A: { ref: Environment/staging/x, field: name } }",
      `${LINE}:20 schema /spec/env/A/ref: expected Application, Compose, Postgres, MySQL, MariaDB, Mongo, Redis, LibSQL or Domain followed by /<name> or /<environment>/<name>, e.g. Application/api, got "Environment/staging/x"`],
    ["a placeholder without an argument", '  env: { A: { format: "{h}:{port}", args: { h: { ref: Application/api, field: host } } } }',
      `${LINE}:23 invalid-format /spec/env/A/format: placeholder {port} has no argument in args (args: h)`],
    ["an argument no placeholder uses", '  env: { A: { format: "{h}", args: { h: { ref: Application/api, field: host }, x: { fromEnv: X } } } }',
      `${LINE}:83 invalid-format /spec/env/A/args/x: argument "x" is not used by the format (write {x} where it goes)`],
    ["an unclosed brace", '  env: { A: { format: "{h", args: { h: { ref: Application/api, field: host } } } }',
      `${LINE}:23 invalid-format /spec/env/A/format: unclosed "{" at character 1 (write "{{" for a literal brace)`],
    ["a secret where values are shown", '  command: { format: "run --pw {p}", args: { p: { fromEnv: PW } } }',
      `${LINE}:12 secret-reference /spec/command: holds a secret, and this field is shown in plans and in Dokploy in the clear: pass the secret through an env variable instead`],
    ["its own host (known only after its own create)", "  env: { A: { ref: Application/web, field: host } }",
      `${LINE}:13 reference-cycle /spec/env/A: reference cycle: Application/p/production/web -> Application/p/production/web (a resource comes after what it references and after the resource it lives in)`],
  ])("%s", (_name, spec, expected) => {
    expect(problems(HEAD + web(spec))).toEqual([expected]);
  });

  it("a project's reference must name the environment", () => {
    const yaml = HEAD.replace("kind: Project\nmetadata: { name: p }\nspec: {}", "kind: Project\nmetadata: { name: p }\nspec: { env: { A: { ref: Application/api, field: host } } }");
    expect(problems(yaml)).toEqual([`4:26 invalid-reference /spec/env/A/ref: "Application/api": a Project has no environment, so its references name one: Application/<environment>/...`]);
  });

  it("a cycle through two resources: an error at each reference, naming the cycle", () => {
    const yaml = HEAD.replace('metadata: { name: api, project: p, environment: production }\nspec: { source: { type: docker, image: "nginx:1" } }',
      'metadata: { name: api, project: p, environment: production }\nspec: { source: { type: docker, image: "nginx:1" }, env: { W: { ref: Application/web, field: host } } }') +
      web("  env: { A: { ref: Application/api, field: host } }");
    expect(problems(yaml)).toEqual([
      "14:63 reference-cycle /spec/env/W: reference cycle: Application/p/production/api -> Application/p/production/web -> Application/p/production/api (a resource comes after what it references and after the resource it lives in)",
      `${LINE}:13 reference-cycle /spec/env/A: reference cycle: Application/p/production/web -> Application/p/production/api -> Application/p/production/web (a resource comes after what it references and after the resource it lives in)`,
    ]);
  });

  it("an environment's env reading a service that lives in it is a cycle; one of another environment is not", () => {
    const inProduction = HEAD + `---
apiVersion: dokploy-gitops/v1
kind: Environment
metadata: { name: production, project: p }
spec: { env: { API: { ref: Application/api, field: host } } }
`;
    expect(problems(inProduction)).toEqual([
      expect.stringMatching(/reference-cycle \/spec\/env\/API: reference cycle: Environment\/p\/production -> Application\/p\/production\/api -> Environment\/p\/production/),
    ]);
    expect(problems(HEAD.replace("kind: Environment\nmetadata: { name: staging, project: p }\nspec: {}", "kind: Environment\nmetadata: { name: staging, project: p }\nspec: { env: { API: { ref: Application/production/api, field: host } } }"))).toEqual([]);
  });
});
