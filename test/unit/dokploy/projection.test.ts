/**
 * `application.one` answers keep the fields `ApplicationDetail` types and
 * lose the rest of what Dokploy sends (a pass holds one per application).
 */
import { describe, expect, it } from "vitest";
import { projectApplicationDetail, projectMounts } from "../../../src/dokploy/projection.ts";

const answer = {
  applicationId: "a1", name: "web", appName: "web-abc123", description: null, env: "A=1", replicas: 2, sourceType: "docker",
  dockerImage: "nginx:1.27", password: null, createdAt: "2026-01-01T00:00:00.000Z",
  // Not typed: dropped.
  healthCheckSwarm: { Test: ["CMD", "true"] }, refreshToken: "tok", github: { githubId: "g1" }, hasGitProviderAccess: true,
  unauthorizedProvider: null, previewDeployments: [{ previewDeploymentId: "pv1" }],
  // The service children: kept (the plan reads them here), each cut to its row's columns.
  mounts: [{ mountId: "m1", type: "file", content: "x".repeat(1000), mountPath: "/c.json", hostPath: null, application: { appName: "dropped" } }],
  ports: [{ portId: "po1", publishedPort: 8443, targetPort: 443, protocol: "tcp", publishMode: "ingress", applicationId: "a1", extra: 1 }],
  redirects: [{ redirectId: "r1", regex: "^a", replacement: "b", permanent: true, uniqueConfigKey: 4, createdAt: "2026", applicationId: "a1", x: 1 }],
  security: [{ securityId: "s1", username: "u", password: "p", createdAt: "2026", applicationId: "a1", application: {} }],
  domains: [{ domainId: "d1", host: "a.example.com", path: null, https: true, extra: "dropped" }],
  deployments: [{ deploymentId: "dep1", status: "done", createdAt: "2026-01-01T00:00:01.000Z", logPath: "/l", pid: 7 }],
  environment: {
    environmentId: "e1", name: "production", isDefault: true, env: "", projectId: "p1", description: null, applications: [{ applicationId: "a1" }],
    project: { projectId: "p1", name: "shop", description: null, env: "", organizationId: "o1", createdAt: "2026", environments: [] },
  },
};

describe("projectApplicationDetail", () => {
  it("keeps the typed fields, nulls included, and drops the rest at every level", () => {
    const p = projectApplicationDetail(answer) as unknown as Record<string, unknown>;
    expect(p).toMatchObject({ applicationId: "a1", name: "web", appName: "web-abc123", description: null, env: "A=1", replicas: 2, password: null });
    for (const dropped of ["healthCheckSwarm", "refreshToken", "github", "hasGitProviderAccess", "unauthorizedProvider", "previewDeployments"]) {
      expect(p, dropped).not.toHaveProperty(dropped);
    }
    expect(p.domains).toEqual([{ domainId: "d1", host: "a.example.com", path: null, https: true }]);
    expect(p.mounts).toEqual([{ mountId: "m1", type: "file", content: "x".repeat(1000), mountPath: "/c.json", hostPath: null }]);
    expect(p.ports).toEqual([{ portId: "po1", publishedPort: 8443, targetPort: 443, protocol: "tcp", publishMode: "ingress", applicationId: "a1" }]);
    expect(p.redirects).toEqual([{ redirectId: "r1", regex: "^a", replacement: "b", permanent: true, uniqueConfigKey: 4, createdAt: "2026", applicationId: "a1" }]);
    expect(p.security).toEqual([{ securityId: "s1", username: "u", password: "p", createdAt: "2026", applicationId: "a1" }]);
    expect(p.deployments).toEqual([{ deploymentId: "dep1", status: "done", createdAt: "2026-01-01T00:00:01.000Z", logPath: "/l" }]);
    expect(p.environment).toEqual({
      environmentId: "e1", name: "production", isDefault: true, env: "", projectId: "p1", description: null,
      project: { projectId: "p1", name: "shop", description: null, env: "", organizationId: "o1", createdAt: "2026" },
    });
  });

  it("leaves absent fields absent rather than inventing undefined ones", () => {
    const p = projectApplicationDetail({ applicationId: "a1" });
    expect(Object.keys(p)).toEqual(["applicationId"]);
  });

  it("projectMounts cuts a compose or database answer's mounts to their columns", () => {
    const mounts = [{ mountId: "m2", type: "volume", volumeName: "db-data", serviceType: "postgres", postgresId: "pg1", mountPath: "/data", postgres: {} }];
    expect(projectMounts(mounts)).toEqual([{ mountId: "m2", type: "volume", volumeName: "db-data", serviceType: "postgres", postgresId: "pg1", mountPath: "/data" }]);
    expect(projectMounts(undefined)).toBeUndefined();
  });

  it.each([null, "text", 42, [1, 2]])("returns a non-object answer (%j) as it came, for the reader to reject", (value) => {
    expect(projectApplicationDetail(value)).toBe(value);
  });
});
