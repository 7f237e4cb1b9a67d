/**
 * The /admin event explorer (SPEC §7): one HTML page, its stylesheet and its script, all served by the
 * Worker from the same origin (no inline script or style, so a strict `script-src 'self'` CSP allows it).
 * Its data calls go to /api/admin/* with the token the operator types in, kept in sessionStorage.
 */

export const adminScriptPath = "/admin/app.js";
export const adminStylePath = "/admin/app.css";

/** What the page offers in its selects; the app passes the names the admin API accepts. */
export interface AdminPageLists {
  /** Aggregate stream names, e.g. `stores.Store`. */
  aggregates: readonly string[];
  /** Contexts with a read model that can be rebuilt. */
  readModels: readonly string[];
  /** Contexts whose dead letters can be listed. */
  contexts: readonly string[];
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const options = (values: readonly string[]) => values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`).join("");

export function adminPage(lists: AdminPageLists): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MallBots admin</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${adminStylePath}">
<script src="${adminScriptPath}" defer></script>
</head><body>
<header><h1>MallBots event explorer</h1>
<p id="session" hidden>Token kept for this tab. <button type="button" id="logout">Forget token</button></p></header>
<p id="status" role="status" aria-live="polite"></p>

<form id="login" hidden>
  <h2>Admin token</h2>
  <p>Enter the Worker's <code>ADMIN_TOKEN</code>. It is kept in this tab only (sessionStorage).</p>
  <label>Token <input id="token" type="password" autocomplete="off" required></label>
  <button type="submit">Sign in</button>
</form>

<main id="tools" hidden>
<section>
  <h2>Stream history</h2>
  <form id="stream-form">
    <label>Aggregate <select id="stream-name">${options(lists.aggregates)}</select></label>
    <label>ID <input id="stream-id" required size="40"></label>
    <button type="submit">Show events</button>
  </form>
  <div id="stream-out"></div>
</section>

<section>
  <h2>Create-order saga</h2>
  <form id="saga-form">
    <label>Order ID <input id="saga-id" required size="40"></label>
    <button type="submit">Show saga</button>
  </form>
  <div id="saga-out"></div>
</section>

<section>
  <h2>Dead letters</h2>
  <form id="dl-form">
    <label>Context <select id="dl-context"><option value="">all</option>${options(lists.contexts)}</select></label>
    <label>Per page <input id="dl-limit" type="number" min="1" max="100" value="20"></label>
    <button type="submit">List</button>
  </form>
  <div id="dl-out"></div>
  <div id="dl-detail"></div>
</section>

<section>
  <h2>Read-model rebuild</h2>
  <form id="rebuild-form">
    <label>Context <select id="rebuild-context">${options(lists.readModels)}</select></label>
    <label>Batch size <input id="rebuild-batch" type="number" min="1" max="500" value="100"></label>
    <button type="submit">Rebuild</button>
  </form>
  <p id="rebuild-out" role="status"></p>
</section>
</main>
</body></html>`;
}

export const adminStyle = `[hidden]{display:none!important}
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 1.5rem;color:#1d232b}
h1{margin:.2rem 0}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:1.6rem;font-size:1.2rem}
form{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;margin:.4rem 0}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #e3e6ea;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}code,pre{font:12px ui-monospace,monospace}pre{background:#f6f8fa;padding:.4rem;margin:0;overflow:auto;max-height:18rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem}dt{font-weight:600}dd{margin:0}
#status:empty{display:none}#status{padding:.5rem .7rem;border-radius:6px;background:#eef6ff}
#status.error{background:#ffebe9;color:#82071e}
`;

/** Plain browser JavaScript (no build step): DOM built with textContent, never with innerHTML. */
export const adminScript = `"use strict";
const tokenKey = "mallbots.adminToken";
const $ = (id) => document.getElementById(id);

/** Builds an element; children are nodes or text (text is never parsed as HTML). */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : String(c));
  return node;
}
const json = (value) => el("pre", {}, JSON.stringify(value, null, 2));
const table = (headers, rows) =>
  el("table", {}, el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", {}, h)))), el("tbody", {}, ...rows));
const row = (cells, attrs) => el("tr", attrs, ...cells.map((c) => el("td", {}, c)));

function say(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

class ApiError extends Error {}

/** A call to the admin API with the tab's token; 401 asks for the token again, 404 "Not Found" means disabled. */
async function api(method, path, body) {
  const headers = { authorization: "Bearer " + (sessionStorage.getItem(tokenKey) || "") };
  if (body !== undefined) headers["content-type"] = "application/json";
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError("The Worker did not answer: " + error.message);
  }
  const data = await res.json().catch(() => ({}));
  if (res.status === 401) {
    signOut("The admin token was refused: enter it again.");
    throw new ApiError("unauthenticated");
  }
  if (res.status === 404 && data.message === "Not Found") {
    signOut("The admin API is disabled: this Worker has no ADMIN_TOKEN.");
    throw new ApiError("disabled");
  }
  if (!res.ok) throw new ApiError(res.status + ": " + (data.message || res.statusText));
  return data;
}

function signOut(message) {
  sessionStorage.removeItem(tokenKey);
  $("tools").hidden = true;
  $("session").hidden = true;
  $("login").hidden = false;
  say(message, true);
}

function signedIn() {
  $("login").hidden = true;
  $("session").hidden = false;
  $("tools").hidden = false;
}

/** Runs a form's action; errors go to the status line. */
function onSubmit(id, action) {
  $(id).addEventListener("submit", async (event) => {
    event.preventDefault();
    await action().catch(report);
  });
}
/** Shows an error, unless it was a 401 or "disabled", which signOut already explained. */
function report(error) {
  if (!(error instanceof ApiError) || (error.message !== "unauthenticated" && error.message !== "disabled")) say(error.message, true);
}

onSubmit("login", async () => {
  sessionStorage.setItem(tokenKey, $("token").value);
  $("token").value = "";
  await api("GET", "/api/admin/dead-letters?limit=1");
  signedIn();
  say("Signed in.");
});
$("logout").addEventListener("click", () => signOut("Token forgotten."));

// Stream history, one page of 100 events at a time.
let stream = null;
onSubmit("stream-form", async () => {
  stream = { name: $("stream-name").value, id: $("stream-id").value.trim() };
  if (!stream.id) throw new Error("Enter the stream's ID.");
  $("stream-out").replaceChildren();
  await moreEvents(1);
});
async function moreEvents(fromVersion) {
  const { name, id } = stream;
  const page = await api("GET", "/api/admin/streams/" + encodeURIComponent(name) + "/" + encodeURIComponent(id) + "/events?limit=100&fromVersion=" + fromVersion);
  const out = $("stream-out");
  out.querySelector("button.more")?.remove();
  if (fromVersion === 1) {
    out.append(
      el("p", {}, page.streamName + " " + page.streamId + ": version " + page.version + ", snapshot at " + page.snapshotVersion),
      table(["Version", "Name", "Occurred at", "Payload", "Metadata"], []),
    );
  }
  out.querySelector("tbody").append(
    ...page.events.map((e) => row([String(e.version), e.name, e.occurredAt, json(e.payload), json(e.metadata)], { "data-version": e.version })),
  );
  const last = page.events.length ? page.events[page.events.length - 1].version : page.version;
  if (last < page.version) {
    const more = el("button", { type: "button", class: "more" }, "More events");
    more.addEventListener("click", () => moreEvents(last + 1).catch(report));
    out.append(more);
  }
  say("Stream " + name + " " + id + " has " + page.version + " events.");
}

// Saga state and history.
onSubmit("saga-form", async () => {
  const orderId = $("saga-id").value.trim();
  if (!orderId) throw new Error("Enter the order's ID.");
  const { saga } = await api("GET", "/api/admin/sagas/" + encodeURIComponent(orderId));
  const fields = ["id", "name", "status", "step", "compensating", "done", "lastFailure", "failureReason", "createdAt", "updatedAt"];
  $("saga-out").replaceChildren(
    el("dl", {}, ...fields.flatMap((f) => [el("dt", {}, f), el("dd", { "data-field": f }, String(saga[f]))])),
    el("h3", {}, "Data"), json(saga.data),
    el("h3", {}, "Awaiting"), json(saga.awaiting),
    el("h3", {}, "History"),
    table(["At", "Step", "Kind", "Name", "Outcome", "Message ID"],
      (saga.history || []).map((h) => row([h.at, String(h.step), h.kind, h.name, h.outcome || "", h.messageId]))),
  );
  say("Saga " + saga.id + " is " + saga.status + ".");
});

// Dead letters: a page at a time, newest first; each can be shown, replayed or discarded.
let pages = [""];
onSubmit("dl-form", async () => {
  pages = [""];
  await listDeadLetters();
});
async function listDeadLetters() {
  const context = $("dl-context").value;
  const query = "?limit=" + encodeURIComponent($("dl-limit").value) + "&next=" + encodeURIComponent(pages[pages.length - 1]) +
    (context ? "&context=" + encodeURIComponent(context) : "");
  const page = await api("GET", "/api/admin/dead-letters" + query);
  const nav = el("p", {});
  if (pages.length > 1) nav.append(pageButton("Previous page", () => pages.pop()));
  if (page.next) nav.append(pageButton("Next page", () => pages.push(page.next)));
  $("dl-out").replaceChildren(
    el("p", {}, "Page " + pages.length + ": " + page.deadLetters.length + " dead letter(s)."),
    table(["Dead-lettered at", "Context", "Name", "Message ID", "Attempts", "Replays", ""], page.deadLetters.map(deadLetterRow)),
    nav,
  );
  $("dl-detail").replaceChildren();
}
function pageButton(label, move) {
  const button = el("button", { type: "button" }, label);
  button.addEventListener("click", () => {
    move();
    listDeadLetters().catch(report);
  });
  return button;
}
function deadLetterRow(d) {
  const actions = el("span", {});
  for (const [label, action] of [["Show", showDeadLetter], ["Replay", replayDeadLetter], ["Discard", discardDeadLetter]]) {
    const button = el("button", { type: "button" }, label);
    button.addEventListener("click", () => action(d.id).catch(report));
    actions.append(button, " ");
  }
  const tr = row([d.deadLetteredAt, d.context, d.name, d.messageId, String(d.attempts), String(d.replayCount), actions], { "data-id": d.id });
  tr.cells[5].className = "replays";
  return tr;
}
async function showDeadLetter(id) {
  const { deadLetter: d } = await api("GET", "/api/admin/dead-letters/" + encodeURIComponent(id));
  $("dl-detail").replaceChildren(
    el("h3", {}, "Dead letter " + d.id),
    el("dl", {},
      ...[["name", d.name], ["context", d.context], ["messageId", d.messageId], ["attempts", d.attempts], ["lastError", d.lastError || "(none recorded)"],
        ["deadLetteredAt", d.deadLetteredAt], ["replayedAt", d.replayedAt || "never"], ["replayCount", d.replayCount]]
        .flatMap(([k, v]) => [el("dt", {}, k), el("dd", { "data-field": k }, String(v))])),
    el("h4", {}, "Envelope"), json(d.envelope),
  );
  const old = document.querySelector('#dl-out tr[data-id="' + CSS.escape(d.id) + '"]');
  old?.replaceWith(deadLetterRow(d));
  return d;
}
async function replayDeadLetter(id) {
  await api("POST", "/api/admin/dead-letters/" + encodeURIComponent(id) + "/replay", {});
  const d = await showDeadLetter(id);
  say("Replayed " + d.name + " (" + d.messageId + "): " + d.replayCount + " replay(s) so far.");
}
async function discardDeadLetter(id) {
  if (!confirm("Discard this dead letter? It cannot be replayed afterwards.")) return;
  await api("DELETE", "/api/admin/dead-letters/" + encodeURIComponent(id));
  await listDeadLetters();
  say("Discarded dead letter " + id + ".");
}

// Read-model rebuild: one batch per call until next is "", with the running count.
onSubmit("rebuild-form", async () => {
  const context = $("rebuild-context").value;
  const button = $("rebuild-form").querySelector("button");
  const out = $("rebuild-out");
  const batchSize = Number($("rebuild-batch").value) || 100;
  button.disabled = true;
  let rebuilt = 0;
  let next = "";
  try {
    do {
      out.textContent = "Rebuilding " + context + ": " + rebuilt + " rows so far…";
      const page = await api("POST", "/api/admin/read-models/" + encodeURIComponent(context) + "/rebuild", { next, batchSize });
      rebuilt += page.rebuilt;
      next = page.next;
    } while (next !== "");
    out.textContent = "Rebuilt " + context + ": " + rebuilt + " rows. Done.";
  } catch (error) {
    out.textContent = "Rebuild of " + context + " stopped after " + rebuilt + " rows.";
    throw error;
  } finally {
    button.disabled = false;
  }
});

if (sessionStorage.getItem(tokenKey)) signedIn();
else {
  $("login").hidden = false;
  say("Enter the admin token to start.");
}
`;
