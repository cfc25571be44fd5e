import { describe, expect, it } from "vitest";
import { createLogger } from "../../../src/util/log.ts";
import { Redactor } from "../../../src/util/redact.ts";

function capture(): { lines: string[]; sink: { write(line: string): void } } {
  const lines: string[] = [];
  return { lines, sink: { write: (line: string) => void lines.push(line) } };
}

describe("createLogger", () => {
  const SECRET = "sk-live-abcdef123456";

  it("redacts secrets in messages, objects, errors and child bindings", () => {
    const redactor = new Redactor().add(SECRET);
    const { lines, sink } = capture();
    const log = createLogger({ level: "info", redactor, destination: sink });
    const child = log.child({ reconcileId: "r-1", url: `https://x:${SECRET}@git.example/repo` });
    child.info(`token is ${SECRET}`);
    child.info({ nested: { deep: [SECRET] } }, "object");
    child.error(new Error(`failed with ${SECRET}`), "error");
    child.warn({ err: new Error(`wrapped ${SECRET}`) }, "wrapped %s", SECRET);
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(line).not.toContain(SECRET);
      expect(JSON.parse(line)).toMatchObject({ reconcileId: "r-1" });
    }
    expect(JSON.parse(lines[2]!).err.message).toBe("failed with ***");
  });

  it("honours the level", () => {
    const { lines, sink } = capture();
    const log = createLogger({ level: "warn", redactor: new Redactor(), destination: sink });
    log.info("hidden");
    log.warn("shown");
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(["shown"]);
    expect(JSON.parse(lines[0]!).level).toBe("warn");
  });
});
