/**
 * The labels messages, plans and `.env.example` use for a resource: the key
 * with its kind in lower case as people write it (`application/...`,
 * `volumeBackup/...`), and a kind with an acronym as Dokploy names it
 * (`mysql`, `mariadb`, `libsql`), never `mySQL`.
 */
import { describe, expect, it } from "vitest";
import { resourceLabel } from "../../../src/model/resource.ts";

describe("resourceLabel", () => {
  it.each([
    [{ kind: "Application", project: "shop", environment: "production", name: "web" }, "application/shop/production/web"],
    [{ kind: "Project", name: "shop" }, "project/shop"],
    [{ kind: "MySQL", project: "blog", environment: "production", name: "db" }, "mysql/blog/production/db"],
    [{ kind: "MariaDB", project: "bi", environment: "production", name: "db" }, "mariadb/bi/production/db"],
    [{ kind: "LibSQL", project: "shop", environment: "production", name: "flags" }, "libsql/shop/production/flags"],
    [{ kind: "Postgres", project: "p", environment: "e", name: "db" }, "postgres/p/e/db"],
  ] as const)("%o -> %s", (identity, label) => {
    expect(resourceLabel(identity as never)).toBe(label);
  });
});
