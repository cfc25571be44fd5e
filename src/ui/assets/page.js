/*
 * The status page's script (served as /ui/page.js; plain JavaScript, no build
 * step, no dependency). It only enhances the server-rendered page: filters
 * apply as they change (and stay in the URL), the live part is replaced by
 * fresh HTML that the daemon pushes over server-sent events (open drift
 * details and keyboard focus survive the swap), and "Reconcile now" posts
 * with the headers the server checks against cross-site requests. No inline
 * code anywhere: the page runs under `Content-Security-Policy: default-src 'self'`.
 */
/* global document, window, EventSource, fetch, history, URL */

const live = document.getElementById("live");
const form = document.getElementById("filters");
const liveState = document.getElementById("live-state");
const reconcile = document.getElementById("reconcile");
/** The CSRF token to echo: the page's meta tag, else the daemon's CSRF cookie (double submit; the session cookie itself is HttpOnly). */
function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]')?.getAttribute("content");
  if (meta) return meta;
  const m = /(?:^|;\s*)dokploy_gitops_csrf=([^;]+)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]) : "";
}

function say(text) {
  liveState.textContent = text;
}

function filterValues() {
  const data = new window.FormData(form);
  return { project: data.get("project") || "", kind: data.get("kind") || "", state: data.get("state") || "" };
}

/** Shows the rows that pass the filters, and says how many. */
function applyFilters() {
  const f = filterValues();
  const rows = live.querySelectorAll("tr[data-key]");
  let shown = 0;
  for (const row of rows) {
    const ok = (!f.project || row.dataset.project === f.project)
      && (!f.kind || row.dataset.kind === f.kind)
      && (!f.state || row.dataset.state.split(" ").includes(f.state));
    row.hidden = !ok;
    if (ok) shown++;
  }
  const counter = document.getElementById("shown");
  if (counter) counter.textContent = rows.length === 0 ? "" : `Showing ${shown} of ${rows.length} resources.`;
}

function keepFiltersInUrl() {
  const url = new URL(window.location.href);
  for (const [name, value] of Object.entries(filterValues())) {
    if (value) url.searchParams.set(name, value);
    else url.searchParams.delete(name);
  }
  history.replaceState(null, "", url);
}

/** Rebuilds the project list from the pushed state, keeping the choice. */
function updateProjects(projects) {
  const select = form.elements.namedItem("project");
  const current = select.value;
  const first = select.options[0];
  select.replaceChildren(first, ...projects.map((p) => new window.Option(p, p, false, p === current)));
  if (current && !projects.includes(current)) {
    select.value = "";
  }
}

/** Replaces the live part, keeping open drift details and the focused control. */
function swap(update) {
  if (String(update.version) === live.dataset.version) return;
  const open = new Set([...live.querySelectorAll("details[open][data-key]")].map((d) => d.dataset.key));
  const focused = document.activeElement && live.contains(document.activeElement) ? document.activeElement.closest("[data-key]")?.dataset.key : undefined;
  live.innerHTML = update.live;
  live.dataset.version = String(update.version);
  for (const d of live.querySelectorAll("details[data-key]")) {
    if (open.has(d.dataset.key)) d.open = true;
  }
  updateProjects(update.projects);
  applyFilters();
  if (focused !== undefined) {
    const again = [...live.querySelectorAll("[data-key]")].find((el) => el.dataset.key === focused);
    (again?.querySelector("summary") ?? again)?.focus?.();
  }
  say(`Updated ${new Date().toLocaleTimeString()}`);
}

function follow() {
  if (typeof EventSource !== "function") return;
  const events = new EventSource("/ui/events");
  events.addEventListener("update", (event) => {
    try {
      swap(JSON.parse(event.data));
    } catch {
      say("Could not read an update; reload the page.");
    }
  });
  events.addEventListener("open", () => say("Live"));
  events.addEventListener("error", () => {
    say(events.readyState === EventSource.CLOSED ? "Live updates stopped: reload the page (signed out?)." : "Reconnecting…");
  });
}

async function reconcileNow() {
  reconcile.disabled = true;
  try {
    const headers = { "x-requested-with": "dokploy-gitops" };
    const csrf = csrfToken();
    if (csrf) headers["x-csrf-token"] = csrf;
    const res = await fetch("/reconcile", { method: "POST", credentials: "same-origin", headers });
    let body = {};
    try {
      body = await res.json();
    } catch {
      body = {};
    }
    if (res.status === 202) say("Reconciliation queued.");
    else if (res.status === 401 || res.status === 403) say("Not allowed: sign in with the status token.");
    else say(`Not queued: ${body.error ?? `HTTP ${res.status}`}`);
  } catch {
    say("Could not reach the daemon.");
  } finally {
    reconcile.disabled = false;
  }
}

form.querySelector(".apply").hidden = true;
form.addEventListener("change", () => {
  applyFilters();
  keepFiltersInUrl();
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  applyFilters();
  keepFiltersInUrl();
});
reconcile.hidden = false;
reconcile.addEventListener("click", () => void reconcileNow());
applyFilters();
follow();
