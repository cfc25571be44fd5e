/**
 * The status page in a real browser: Debian's Chromium, headless, driven by
 * playwright-core, loads `GET /` from `dokploy-gitops run` (a child process)
 * against the simulator, under the page's own strict Content-Security-Policy.
 * It reads the resource table, filters it, opens a drifted resource's diff
 * with the keyboard, sees a change made in the simulator appear without a
 * reload, checks the 360 px and dark layouts, and saves screenshots under
 * `.tmp/test-output/status-page/` (with DOKPLOY_GITOPS_UPDATE_DOCS=1, the one
 * in docs/ too). Skips, saying why, only when no Chromium is installed.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatorHandle } from "../../../src/simulator/types.ts";
import { REPO_ROOT, runCliProcess } from "../../helpers/cli.ts";
import { spawnDaemon, type SpawnedDaemon } from "../../helpers/daemon.ts";
import { eventually } from "../../helpers/eventually.ts";
import { tempDir } from "../../helpers/git-repo.ts";
import { startTestSimulator } from "../../helpers/simulator.ts";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
const OUTPUT = path.join(REPO_ROOT, ".tmp/test-output/status-page");
const CANARY = "canary-secret-7f3a9c";
const LIVE_CANARY = "live-canary-secret-b81e";
const WAIT = { timeoutMs: 20_000, intervalMs: 100 };

function app(name: string, project: string, level: string): string {
  return `apiVersion: dokploy-gitops/v1
kind: Application
metadata: { name: ${name}, project: ${project}, environment: production }
spec:
  source: { type: docker, image: "nginx:1.27" }
  env:
    LOG_LEVEL: ${level}
    API_TOKEN: { fromEnv: APP_API_TOKEN }
`;
}

const MANIFESTS: Record<string, string> = {
  "shop.yaml": `apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata: { name: shop }\n---\n${app("web", "shop", "info")}---\n${app("api", "shop", "info")}`,
  "blog.yaml": `apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata: { name: blog }\n---\n${app("site", "blog", "warn")}`,
};

/** The daemon's status token: the page's reads and its "Reconcile now" go through a /login session. */
const STATUS_TOKEN = "status-token-for-the-page-test";

let sim: SimulatorHandle;
let dir: string;
let daemon: SpawnedDaemon;
let browser: BrowserContext;

function appId(name: string): string {
  for (const p of sim.control.state().projects) for (const e of p.environments) for (const a of e.applications) if (a.name === name) return a.applicationId;
  throw new Error(`no application ${name} in the simulator`);
}

/** Changes an application's env behind the daemon's back, as a person in Dokploy's UI would. */
function driftEnv(name: string, change: (env: string) => string): void {
  const id = appId(name);
  const current = sim.control.state().projects.flatMap((p) => p.environments.flatMap((e) => e.applications)).find((a) => a.applicationId === id)!;
  sim.control.update("application", id, { env: change(String(current.env ?? "")) });
}

const rowOf = (page: Page, key: string) => page.locator(`tr[data-key="${key}"]`);
const API = "Application/shop/production/api";
const WEB = "Application/shop/production/web";

describe.skipIf(!CHROMIUM)(CHROMIUM ? "the status page in Chromium" : "the status page in Chromium (SKIPPED: no Chromium at /usr/bin/chromium; `apt-get install chromium`, as .ci/run does)", () => {
  beforeAll(async () => {
    sim = await startTestSimulator();
    dir = tempDir("dg-ui-");
    const manifests = path.join(dir, "manifests");
    mkdirSync(manifests);
    for (const [file, text] of Object.entries(MANIFESTS)) writeFileSync(path.join(manifests, file), text);
    const env = { DOKPLOY_URL: sim.url, DOKPLOY_API_KEY: sim.apiKey, APP_API_TOKEN: CANARY };
    const applied = await runCliProcess(["apply", manifests, "--deploy-timeout", "20s"], { env });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    // Someone changed the api by hand: a plain value and the secret.
    driftEnv("api", (e) => e.replace("LOG_LEVEL=info", "LOG_LEVEL=debug").replace(CANARY, LIVE_CANARY));
    daemon = await spawnDaemon(["--listen", "127.0.0.1:0", "--interval", "1h", "--mode", "detect", "--source", manifests, "--work-dir", path.join(dir, "work")], { env: { ...env, DOKPLOY_GITOPS_STATUS_TOKEN: STATUS_TOKEN } });
    await eventually(async () => expect((await daemon.status()).lastPass).not.toBeNull(), WAIT);
    // A fresh profile per run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(path.join(dir, "chromium-profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    rmSync(OUTPUT, { recursive: true, force: true });
    mkdirSync(OUTPUT, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop("SIGTERM");
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("shows every resource, filters them, opens a drift, and follows a change made in Dokploy without a reload", async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || /Content Security Policy/i.test(m.text())) problems.push(m.text());
    });
    page.on("pageerror", (err) => problems.push(err.message));
    const offSite: string[] = [];
    const posts: Array<Record<string, string>> = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(daemon.url)) offSite.push(r.url());
      if (r.method() === "POST") posts.push({ url: r.url(), ...r.headers() });
    });

    // Without a session the page is refused; the login form (no script) opens one and comes back.
    expect((await page.goto(`${daemon.url}/`))?.status()).toBe(401);
    await page.goto(`${daemon.url}/login?next=/`);
    await page.fill("#token", STATUS_TOKEN);
    await Promise.all([page.waitForURL(`${daemon.url}/`), page.press("#token", "Enter")]);
    problems.length = 0; // the refused first load (401) and the bare login page's missing favicon are expected
    const response = await page.goto(`${daemon.url}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-security-policy"]).toContain("default-src 'self'");
    await eventually(async () => expect(await page.locator("#live-state").textContent()).toBe("Live"), WAIT);

    // The table: every managed resource, with sync and health.
    const rows = page.locator("tr[data-key]");
    await eventually(async () => expect(await rows.count()).toBe(5));
    expect(await rowOf(page, API).locator("td[data-label=Sync]").textContent()).toBe("OutOfSync");
    expect(await rowOf(page, WEB).locator("td[data-label=Sync]").textContent()).toBe("Synced");
    expect(await rowOf(page, WEB).locator("td[data-label=Health]").textContent()).toBe("Healthy");
    await eventually(async () => expect(await page.locator("#shown").textContent()).toBe("Showing 5 of 5 resources."));

    // Filters apply at once and stay in the URL.
    await page.selectOption("select[name=state]", "OutOfSync");
    expect(await page.locator("tr[data-key]:visible").count()).toBe(1);
    expect(page.url()).toContain("state=OutOfSync");
    await page.selectOption("select[name=state]", "");
    await page.selectOption("select[name=project]", "blog");
    expect(await page.locator("tr[data-key]:visible").evaluateAll((els) => els.map((e) => e.getAttribute("data-key")))).toEqual(["Project/blog", "Application/blog/production/site"]);
    await page.selectOption("select[name=project]", "");
    await page.selectOption("select[name=kind]", "Application");
    expect(await page.locator("tr[data-key]:visible").count()).toBe(3);
    await page.selectOption("select[name=kind]", "");

    // The api's drift, opened from the keyboard: the field with both values; the secret only as "changed".
    const summary = rowOf(page, API).locator("summary");
    await summary.focus();
    await page.keyboard.press("Enter");
    const drift = rowOf(page, API).locator("table.drift");
    await eventually(async () => expect(await drift.isVisible()).toBe(true));
    const driftText = (await drift.textContent()) ?? "";
    expect(driftText).toContain("/spec/env/LOG_LEVEL");
    // Live env values are never shown (one set by hand may be a secret): git's value, and "(hidden)".
    expect(driftText).toMatch(/LOG_LEVELinfo\(hidden\)/);
    expect(driftText).not.toContain("debug");
    expect(driftText).toContain("/spec/env/API_TOKEN");
    expect(driftText).toContain("secret changed (value hidden)");

    // A change in the simulator appears without a reload (the marker survives), after "Reconcile now".
    await page.evaluate("window.notReloaded = true");
    driftEnv("web", (e) => e.replace("LOG_LEVEL=info", "LOG_LEVEL=trace"));
    // The CSRF cookie the login set (readable by script, unlike the session cookie) is echoed in a header.
    const csrf = (await browser.cookies(daemon.url)).find((c) => c.name === "dokploy_gitops_csrf")!.value;
    await page.click("#reconcile");
    await eventually(async () => expect(await rowOf(page, WEB).locator("td[data-label=Sync]").textContent()).toBe("OutOfSync"), WAIT);
    expect(await page.evaluate("window.notReloaded")).toBe(true);
    // The action was a same-origin POST carrying the header the server can check against cross-site requests.
    expect(posts.filter((p) => p.url === `${daemon.url}/reconcile`)).toEqual([expect.objectContaining({ "x-requested-with": "dokploy-gitops", "x-csrf-token": csrf })]);
    expect(await rowOf(page, API).locator("details").getAttribute("open")).not.toBeNull();
    await page.locator(".passes").scrollIntoViewIfNeeded();
    expect(await page.locator(".passes tbody tr").count()).toBe(2);

    const html = await page.content();
    expect(html).not.toContain(CANARY);
    expect(html).not.toContain(LIVE_CANARY);
    expect(problems).toEqual([]);
    expect(offSite).toEqual([]);
    await page.evaluate("window.scrollTo(0, 0)");
    await page.screenshot({ path: path.join(OUTPUT, "status-page.png"), fullPage: true });
    if (process.env.DOKPLOY_GITOPS_UPDATE_DOCS === "1") copyFileSync(path.join(OUTPUT, "status-page.png"), path.join(REPO_ROOT, "docs/status-page.png"));
    await page.close();
  }, 60_000);

  it("fits a 360 px screen, follows the dark scheme, filters from the URL, and starts keyboard navigation at the skip link", async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 360, height: 740 });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(`${daemon.url}/?state=OutOfSync`);
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(360);
    const background = await page.evaluate<string>("getComputedStyle(document.documentElement).backgroundColor");
    const [r, g, b] = (background.match(/\d+/g) ?? []).map(Number);
    expect(r! + g! + b!).toBeLessThan(120);
    // Server-side filtering from the query string (works without script too).
    expect(await page.locator("select[name=state]").inputValue()).toBe("OutOfSync");
    expect(await page.locator("tr[data-key]:visible").count()).toBe(await page.locator('tr[data-state~="OutOfSync"]').count());
    // Keyboard: the skip link is the first stop and lands on the content.
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement?.textContent")).toBe("Skip to content");
    await page.screenshot({ path: path.join(OUTPUT, "status-page-360-dark.png"), fullPage: false });
    await page.close();
  }, 60_000);
});
