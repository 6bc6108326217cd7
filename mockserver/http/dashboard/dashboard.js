// The mock's dashboard: reads and drives the control API under /_mock/, and nothing else.
// Everything shown is set as text (never as HTML): the journal holds what any client sent.
"use strict";

const POLL_MS = 2000;
const TIMEOUT_MS = 5000;
const JOURNAL_ROWS = 200;

let controlToken = null; // asked for when the control API wants one; kept in memory only
let seen = { clock: null, clockAt: 0, users: [], tokens: [], requests: [], faults: [] };
let pollTimer = null;

function $(id) { return document.getElementById(id); }

function say(text) { $("status").textContent = text; }

class ControlError extends Error {
  constructor(status, body) {
    super(body && body.error_description ? `${status}: ${body.error_description}` : `HTTP ${status}`);
    this.status = status;
  }
}

/** One control API call: JSON in and out, the control token when one was given, a deadline. */
async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (controlToken) headers.Authorization = `Bearer ${controlToken}`;
  const init = { method, headers, cache: "no-store", credentials: "omit", signal: AbortSignal.timeout(TIMEOUT_MS) };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`/_mock/${path}`, init);
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null; // not JSON (a fault's text body, say): the status tells enough
  }
  if (!response.ok) {
    if (response.status === 401) $("token-form").hidden = false;
    throw new ControlError(response.status, data);
  }
  return data;
}

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function replaceRows(tbody, rows, emptyText, columns) {
  if (rows.length === 0) {
    const row = document.createElement("tr");
    const td = cell(row, emptyText, "empty");
    td.colSpan = columns;
    rows = [row];
  }
  tbody.replaceChildren(...rows);
}

function iso(seconds) {
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}

function mockNow() {
  if (!seen.clock) return Date.now() / 1000;
  return seen.clock.now + (performance.now() - seen.clockAt) / 1000;
}

function duration(seconds) {
  const total = Math.max(0, Math.round(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  return hours ? `${hours} h ${minutes} min ${rest} s` : minutes ? `${minutes} min ${rest} s` : `${rest} s`;
}

function renderClock() {
  if (!seen.clock) return;
  const now = mockNow();
  const time = $("clock-now");
  time.textContent = iso(Math.floor(now));
  time.dateTime = iso(Math.floor(now));
  const offset = Math.round(now - Date.now() / 1000);
  $("clock-offset").textContent = offset === 0 ? "none" : `${offset > 0 ? "+" : "-"}${duration(Math.abs(offset))}`;
  const live = liveTokens();
  const past = $("advance-past");
  past.disabled = live.length === 0;
  past.title = live.length ? "" : "no live token";
}

function renderUsers() {
  const rows = seen.users.map((user) => {
    const row = document.createElement("tr");
    cell(row, user.username);
    cell(row, user.permissions.join(" ") || "none");
    const status = user.disabled ? "disabled" : user.locked_for > 0 ? `locked for ${duration(user.locked_for)}` : "active";
    cell(row, status, user.disabled || user.locked_for > 0 ? "refused" : "");
    return row;
  });
  replaceRows($("users"), rows, "no users", 3);
}

function liveTokens() {
  const now = mockNow();
  return seen.tokens.filter((token) => token.state === "live" && token.expires_at > now);
}

function renderTokens() {
  const now = mockNow();
  const rows = seen.tokens.map((token) => {
    const row = document.createElement("tr");
    row.dataset.tokenId = token.id;
    cell(row, token.prefix, "token");
    cell(row, token.username);
    cell(row, iso(token.issued_at));
    const left = token.expires_at - now;
    const state = token.state === "live" && left <= 0 ? "expired" : token.state;
    cell(row, state === "live" ? duration(left) : "—", "expires-in");
    cell(row, state, state === "live" ? "" : "refused");
    const action = document.createElement("td");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Revoke";
    button.className = "revoke";
    button.setAttribute("aria-label", `Revoke token ${token.prefix} of ${token.username}`);
    button.disabled = state === "revoked";
    button.addEventListener("click", () => act(`revoked ${token.prefix}`, () => api("DELETE", `tokens/${encodeURIComponent(token.id)}`, {})));
    action.appendChild(button);
    row.appendChild(action);
    return row;
  });
  replaceRows($("tokens"), rows, "no logins in the journal", 6);
}

/** The token a journal entry carried (its prefix as the journal shows it), or the one a login got. */
function tokenOf(entry) {
  if (entry.issued) return `issued ${entry.issued.prefix}`;
  for (const [name, value] of Object.entries(entry.headers || {})) {
    if (name.toLowerCase() === "authorization") {
      const words = String(value).split(" ");
      return words.length > 1 ? words.slice(1).join(" ") : words[0];
    }
  }
  return "";
}

function renderJournal() {
  const path = $("filter-path").value.trim();
  const status = $("filter-status").value;
  const entries = seen.requests
    .filter((entry) => (!path || entry.path.includes(path)) && (!status || String(entry.status).startsWith(status)))
    .reverse()
    .slice(0, JOURNAL_ROWS);
  const rows = entries.map((entry) => {
    const row = document.createElement("tr");
    cell(row, iso(entry.time));
    cell(row, entry.method);
    cell(row, entry.query ? `${entry.path}?${entry.query}` : entry.path, "path");
    cell(row, String(entry.status), entry.status >= 400 ? "refused" : "");
    cell(row, entry.error || "");
    cell(row, tokenOf(entry), "token");
    return row;
  });
  replaceRows($("journal"), rows, seen.requests.length ? "no request matches the filter" : "no requests yet", 6);
}

function renderFaults() {
  const items = seen.faults.map((fault) => {
    const item = document.createElement("li");
    const spec = document.createElement("code");
    const { id, ...rest } = fault;
    spec.textContent = JSON.stringify(rest);
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Remove";
    button.setAttribute("aria-label", `Remove fault ${id}`);
    button.addEventListener("click", () => act("fault removed", () => api("DELETE", `faults/${encodeURIComponent(id)}`, {})));
    item.append(spec, " ", button);
    return item;
  });
  if (items.length === 0) {
    const item = document.createElement("li");
    item.textContent = "no fault armed";
    item.className = "empty";
    items.push(item);
  }
  $("faults").replaceChildren(...items);
}

function render() {
  renderClock();
  renderUsers();
  renderTokens();
  renderJournal();
  renderFaults();
}

async function refresh() {
  clearTimeout(pollTimer);
  try {
    const [clock, users, tokens, requests, faults] = await Promise.all([
      api("GET", "clock"), api("GET", "users"), api("GET", "tokens"), api("GET", "requests"), api("GET", "faults"),
    ]);
    seen = { clock, clockAt: performance.now(), users: users.users, tokens: tokens.tokens, requests: requests.requests, faults: faults.faults };
    render();
    document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || 0) + 1);
  } catch (error) {
    say(`Could not read the control API: ${error.message}`);
  } finally {
    pollTimer = setTimeout(refresh, POLL_MS);
  }
}

/** A change through the control API, then a fresh read; the outcome is announced. */
async function act(done, call) {
  try {
    await call();
    say(done);
  } catch (error) {
    say(`Refused: ${error.message}`);
  }
  await refresh();
}

function advance(seconds) {
  return act(`clock advanced ${duration(seconds)}`, () => api("POST", "clock", { advance: seconds }));
}

function wire() {
  for (const button of document.querySelectorAll("[data-advance]")) {
    button.addEventListener("click", () => advance(Number(button.dataset.advance)));
  }
  $("advance-past").addEventListener("click", () => {
    const live = liveTokens();
    if (live.length === 0) return say("no live token");
    const shortest = Math.min(...live.map((token) => token.expires_at - mockNow()));
    return advance(Math.ceil(shortest) + 1);
  });
  $("clock-reset").addEventListener("click", () => act("clock back to real time", () => api("POST", "clock", { set: Date.now() / 1000 })));
  $("mock-reset").addEventListener("click", () => act("mock reset", () => api("POST", "reset", {})));
  $("journal-clear").addEventListener("click", () => act("journal cleared", () => api("DELETE", "requests", {})));
  $("faults-clear").addEventListener("click", () => act("faults removed", () => api("DELETE", "faults", {})));
  $("filter-path").addEventListener("input", renderJournal);
  $("filter-status").addEventListener("change", renderJournal);
  $("fault-form").addEventListener("submit", (event) => {
    event.preventDefault();
    let spec;
    try {
      spec = JSON.parse($("fault-spec").value);
    } catch (error) {
      return say(`The fault is not JSON: ${error.message}`);
    }
    return act("fault added", () => api("POST", "faults", spec));
  });
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    controlToken = $("control-token").value.trim() || null;
    $("control-token").value = "";
    $("token-form").hidden = true;
    say("control token set for this page");
    refresh();
  });
  setInterval(() => { renderClock(); renderTokens(); }, 1000);
}

wire();
refresh();
