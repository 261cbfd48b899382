// The student's page: join with the code, then follow the class by long polling and decide
// when the organisation meets a setback. Text from the server is set with textContent only.
"use strict";
const KEY = "cisim-class-token";
const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem(KEY) || "";
let etag = "";
let view = null;
let deadline = null;
window.__clicked = {};

function show(id, on) { $(id).hidden = !on; }

async function api(path, body) {
  const options = { headers: { "X-Token": token } };
  if (body !== undefined) {
    options.method = "POST";
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const reply = await fetch(path, options);
  const data = await reply.json().catch(() => ({}));
  if (!reply.ok) { const e = new Error(data.error || reply.statusText); e.status = reply.status; throw e; }
  return data;
}

async function join(event) {
  event.preventDefault();
  $("join-error").textContent = "";
  try {
    const data = await api("/api/join", { code: $("code").value, name: $("name").value });
    token = data.token;
    sessionStorage.setItem(KEY, token);
    start();
  } catch (e) { $("join-error").textContent = e.message; }
}

function render(v) {
  view = v;
  const c = v.card;
  $("org").textContent = c.name;
  $("org-again").textContent = c.name;
  $("sector").textContent = c.sector_label + " · played by " + v.name;
  $("means").textContent = "Authority: " + c.authority + " · Capacity: " + c.capacity;
  $("role").textContent = c.text;
  const month = v.must_decide || v.answered ? v.month + 1 : v.month;  // the month being decided
  let status = "Month " + month + " of " + v.months + ". ";
  if (v.phase === "lobby") status += "Waiting for the teacher to start.";
  else if (v.phase === "ended") status += "The class is over" + (v.regime ? ": the collaboration " + v.regime + "." : ".");
  else if (!v.active) status += "Your organisation is no longer at the table.";
  else if (v.answered) status += "Decision sent. Waiting for the others.";
  else if (!v.must_decide) status += "Your organisation is at work.";
  if (v.trust_in_me !== null && v.trust_in_me !== undefined) status += " Your partners' trust in you: " + Math.round(100 * v.trust_in_me) + "%.";
  $("status").textContent = status;
  const deciding = v.must_decide;
  if (deciding && $("decision").hidden) openDecision(v);
  show("decision", deciding);
  deadline = deciding && v.deadline_in !== null ? Date.now() + 1000 * v.deadline_in : null;
  const list = $("history");
  list.replaceChildren();
  for (const h of v.history) {
    const item = document.createElement("li");
    item.textContent = "Month " + h.month + ": " + (h.response === "learn" ? "learned" : "blamed") +
      (h.by === "student" ? " (your decision)" : " (the model decided)");
    list.append(item);
  }
  const partners = $("partners");
  partners.replaceChildren();
  if (v.partners.length) {
    const p = document.createElement("p");
    p.textContent = "You work with: " + v.partners.map((x) => x.name + (x.trust === null ? "" : " (trust " + Math.round(100 * x.trust) + "%)")).join(", ");
    partners.append(p);
  }
}

function openDecision(v) {
  for (const r of document.querySelectorAll("input[name=response]")) r.checked = false;
  const whom = $("whom");
  whom.replaceChildren();
  const any = document.createElement("option");
  any.value = "";
  any.textContent = "the partner I trust least";
  whom.append(any);
  for (const p of v.partners) {
    const o = document.createElement("option");
    o.value = String(p.slot);
    o.textContent = p.name;
    whom.append(o);
  }
  show("whom-label", false);
  $("effort").value = String(Math.round(100 * v.effort));
  $("effort-shown").textContent = $("effort").value + "%";
  $("send").disabled = false;
  $("decide-error").textContent = "";
}

async function send(event) {
  event.preventDefault();
  const chosen = document.querySelector("input[name=response]:checked");
  if (!chosen) { $("decide-error").textContent = "Choose learn or blame."; return; }
  const whom = $("whom").value;
  const body = {
    slot: view.card.slot,
    response: chosen.value,
    target: chosen.value === "blame" && whom !== "" ? Number(whom) : null,
    effort: Number($("effort").value) / 100,
  };
  window.__clicked[view.month + 1] = Date.now();
  $("send").disabled = true;
  try {
    await api("/api/decide", body);
    show("decision", false);
    $("status").textContent = "Month " + (view.month + 1) + " of " + view.months + ". Decision sent. Waiting for the others.";
  }
  catch (e) { $("decide-error").textContent = e.message; $("send").disabled = false; }
}

async function poll() {
  for (;;) {
    try {
      const v = await api("/api/student?etag=" + encodeURIComponent(etag));
      etag = v.etag;
      render(v);
    } catch (e) {
      if (e.status === 401) { sessionStorage.removeItem(KEY); token = ""; show("play", false); show("join", true); return; }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

function tickCountdown() {
  if (deadline === null) { $("countdown").textContent = ""; return; }
  const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
  $("countdown").textContent = left + " s left, then the model decides for you";
}

function start() {
  show("join", false);
  show("play", true);
  poll();
}

$("join").addEventListener("submit", join);
$("decision").addEventListener("submit", send);
for (const r of document.querySelectorAll("input[name=response]")) {
  r.addEventListener("change", () => show("whom-label", r.value === "blame" && r.checked));
}
$("effort").addEventListener("input", () => { $("effort-shown").textContent = $("effort").value + "%"; });
setInterval(tickCountdown, 250);
$("code").value = new URLSearchParams(location.search).get("code") || "";
if (token) start(); else show("join", true);
