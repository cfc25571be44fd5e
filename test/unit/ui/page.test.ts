/**
 * The status page over a real socket, without a browser: guarded exactly
 * like `/status`, served under a strict CSP with no inline script or style,
 * every value escaped, secrets never in the HTML, and the event stream that
 * pushes a fresh live part when a pass finishes.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createMetrics } from "../../../src/metrics/metrics.ts";
import { StatusStore } from "../../../src/reconcile/status-store.ts";
import { startServer, type DaemonServer } from "../../../src/server/server.ts";
import { PassHistory } from "../../../src/ui/history.ts";
import { StatusPage } from "../../../src/ui/page.ts";
import { renderPage } from "../../../src/ui/render.ts";
import { Redactor } from "../../../src/util/redact.ts";
import { passResult, resource, silentLogger } from "../../helpers/daemon-fakes.ts";
import { eventually } from "../../helpers/eventually.ts";

const TOKEN = "page-status-token";
const SECRET = "db-password-123";

let server: DaemonServer | undefined;
let page: StatusPage | undefined;
afterEach(async () => {
  page?.close();
  await server?.close();
});

async function start(statusToken?: string): Promise<{ status: StatusStore; history: PassHistory }> {
  const redactor = new Redactor().add(TOKEN, SECRET);
  const status = new StatusStore({ instance: "default", source: { url: "https://git.example/org/repo.git", branch: "main" }, mode: "apply", suspended: false, redactor });
  const history = new PassHistory(redactor);
  page = new StatusPage({ status, history, log: silentLogger() });
  const loop = { trigger: () => "accepted" as const, suspend: () => undefined, resume: () => undefined };
  server = await startServer(
    { status, loop, metrics: createMetrics(), log: silentLogger(), branch: () => "main", page, ...(statusToken ? { statusToken } : {}) },
    { host: "127.0.0.1", port: 0 },
  );
  return { status, history };
}

describe("the status page's routes", () => {
  it.each(["/", "/ui/page.js", "/ui/page.css", "/ui/events", "/ui/nothing"])("%s needs the status token when one is set, like /status", async (route) => {
    await start(TOKEN);
    expect((await fetch(`${server!.url}${route}`)).status).toBe(401);
    expect((await fetch(`${server!.url}${route}`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const ok = await fetch(`${server!.url}${route}`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(5_000) });
    expect(ok.status).toBe(route === "/ui/nothing" ? 404 : 200);
    await ok.body?.cancel();
  });

  it("serves HTML without inline script or style, under a CSP that allows only its own origin, with every value escaped", async () => {
    const { status } = await start();
    status.passFinished(passResult({
      resources: [resource("Application/shop/production/web", "Error", { message: `update failed: <img src=x onerror=alert(1)> password ${SECRET}` })],
    }), false);
    const res = await fetch(`${server!.url}/`);
    expect(res.headers.get("content-security-policy")).toBe("default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/<style|<[^>]*\s(style|on[a-z]+)=/i);
    expect(html).toContain("update failed: &lt;img src=x onerror=alert(1)&gt; password ***");
    expect(html).not.toContain(SECRET);
    expect((await fetch(`${server!.url}/`, { method: "POST" })).status).toBe(405);
    const js = await fetch(`${server!.url}/ui/page.js`);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const etag = js.headers.get("etag")!;
    expect((await fetch(`${server!.url}/ui/page.js`, { headers: { "if-none-match": etag } })).status).toBe(304);
  });

  it("streams the live part again when a pass finishes", async () => {
    const { status, history } = await start();
    const controller = new AbortController();
    const res = await fetch(`${server!.url}/ui/events`, { signal: controller.signal });
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = res.body!.getReader();
    let text = "";
    const read = async (): Promise<void> => {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
    };
    await eventually(async () => {
      await read();
      expect(text).toMatch(/event: update\ndata: \{"version":\d+/);
    });
    const result = passResult({ resources: [resource("Application/shop/production/fresh-app", "OutOfSync")] });
    status.passFinished(result, false);
    history.add(result, 1234);
    page!.changed();
    await eventually(async () => {
      await read();
      expect(text).toContain("fresh-app");
    });
    const last = JSON.parse(text.trim().split("\n").at(-1)!.slice("data: ".length)) as { live: string; projects: string[] };
    expect(last.projects).toEqual(["shop"]);
    expect(last.live).toContain("1.2 s");
    controller.abort();
  });

  it("puts the server's CSRF token, escaped, where the page's script reads it", async () => {
    const { status } = await start();
    const html = renderPage({ status: status.snapshot(), passes: [], filter: {}, version: 1, csrfToken: 'tok"en' });
    expect(html).toContain('<meta name="csrf-token" content="tok&quot;en">');
    expect(renderPage({ status: status.snapshot(), passes: [], filter: {}, version: 1 })).not.toContain("csrf-token");
  });
});
