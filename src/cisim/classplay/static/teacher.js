// The teacher's screen: the join code and QR code, the network with the students'
// organisations marked, the month's decisions, the pace, and the debrief at the end.
"use strict";
const $ = (id) => document.getElementById(id);
const key = new URLSearchParams(location.hash.slice(1)).get("key") || "";
const SVG = "http://www.w3.org/2000/svg";
const SECTOR_COLOURS = { public: "#1f5f8b", private: "#8a5a00", nonprofit: "#6b3fa0", community: "#e07b39", philanthropy: "#b5476b" };
let version = -1;
let deadline = null;
window.__seen = {};
window.__renders = 0;

async function api(path, body) {
  const options = { headers: { "X-Key": key } };
  if (body !== undefined) {
    options.method = "POST";
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const reply = await fetch(path, options);
  if (!reply.ok) { const data = await reply.json().catch(() => ({})); throw new Error(data.error || reply.statusText); }
  return reply;
}

function el(name, attrs, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function trustColour(t) {
  const r = Math.round(200 * (1 - t)), g = Math.round(150 * t);
  return "rgb(" + r + "," + g + ",60)";
}

function drawNetwork(v) {
  const svg = $("network");
  const nodes = new Map(v.network.nodes.map((n) => [n.slot, n]));
  const asked = new Map(v.asked.map((a) => [a.slot, a]));
  const answered = new Map(v.answers.map((a) => [a.slot, a]));
  const last = new Map(v.last && v.phase !== "deciding" ? v.last.decisions.map((d) => [d.slot, d]) : []);
  const parts = [];
  for (const [a, b, t] of v.network.edges) {
    const p = nodes.get(a), q = nodes.get(b);
    parts.push(el("line", { x1: 1000 * p.x, y1: 700 * p.y, x2: 1000 * q.x, y2: 700 * q.y,
      stroke: trustColour(t), "stroke-width": 1 + 4 * t, "stroke-opacity": 0.6 }));
  }
  for (const n of v.network.nodes) {
    const x = 1000 * n.x, y = 700 * n.y;
    const g = el("g", { "data-slot": n.slot, class: n.student ? "seat" : "agent" });
    const d = answered.get(n.slot) || last.get(n.slot);
    const ring = d ? (d.response === "learn" ? "#1a7f37" : "#b0261b") : asked.has(n.slot) ? "#d9a400" : n.student ? "#111" : "none";
    g.append(el("circle", { cx: x, cy: y, r: n.student ? 17 : 12, fill: n.active ? SECTOR_COLOURS[n.sector] : "#bbb",
      stroke: ring, "stroke-width": ring === "none" ? 0 : 6 }));
    if (n.student) g.append(el("text", { x: x + 20, y: y + 6 }, n.student));
    g.append(el("title", {}, n.name + (n.student ? " (" + n.student + ")" : " (the model)")));
    parts.push(g);
  }
  svg.replaceChildren(...parts);
}

function drawChart(v) {
  const s = v.series, n = Math.max(v.months, s.mean_trust.length - 1, 1);
  const line = (values, colour) => el("polyline", { fill: "none", stroke: colour, "stroke-width": 2.5,
    points: values.map((y, t) => (300 * t / n).toFixed(1) + "," + (115 - 110 * y).toFixed(1)).join(" ") });
  $("chart").replaceChildren(el("rect", { x: 0, y: 0, width: 300, height: 120, fill: "none" }),
    line(s.mean_trust, "#1a7f37"), line(s.blame_climate, "#b0261b"));
}

function row(cells, classes) {
  const tr = document.createElement("tr");
  cells.forEach((c, i) => { const td = document.createElement("td"); td.textContent = c; if (classes[i]) td.className = classes[i]; tr.append(td); });
  return tr;
}

function drawDecisions(v) {
  const body = $("decisions").tBodies[0];
  const rows = [];
  if (v.phase === "deciding") {
    const answers = new Map(v.answers.map((a) => [a.slot, a]));
    for (const a of v.asked) {
      const d = answers.get(a.slot);
      const what = d ? d.response + (d.target ? " " + d.target : "") : "deciding…";
      rows.push(row([a.student || "", a.org, what], ["", "", d ? d.response : "pending"]));
    }
  } else if (v.last) {
    for (const d of v.last.decisions.filter((x) => x.student)) {
      const who = d.by === "student" ? "" : " (model)";
      rows.push(row([d.student, d.org, d.response + (d.target ? " " + d.target : "") + who], ["", "", d.response]));
    }
  }
  body.replaceChildren(...rows);
}

function statusText(v) {
  const words = { lobby: "Waiting for students to join", running: v.paused ? "Paused" : "Running",
    deciding: "Students are deciding", ended: "The class is over" };
  const month = v.phase === "deciding" ? v.month + 1 : v.month;  // the month being decided
  let text = "Month " + month + " of " + v.months + " · " + words[v.phase];
  if (v.phase === "deciding") {
    const done = v.asked.filter((a) => a.answered).length;
    text += " (" + done + " of " + v.asked.length + " answered)";
  }
  return text;
}

function percent(x) { return x === null || x === undefined ? "–" : Math.round(100 * x) + "%"; }
function signed(x) { return x === null || x === undefined ? "–" : (x >= 0 ? "+" : "") + (100 * x).toFixed(1) + " pts"; }

function drawDebrief(d) {
  const box = $("debrief-body");
  const table = document.createElement("table");
  table.append(row(["", "learned", "blamed", "learned (share)"], []));
  for (const [label, c] of [["The class's organisations", d.class], ["… decided by students", d.students],
    ["… decided by the model (no answer in time)", d.timeouts], ["The model's organisations", d.model]]) {
    table.append(row([label, String(c.learn), String(c.blame), percent(c.learn_share)], []));
  }
  const effects = document.createElement("table");
  effects.append(row(["Partners' trust in the responder over its month", "decided by students", "decided by the model"], []));
  effects.append(row(["after learning", signed(d.trust_effect.learn_student), signed(d.trust_effect.learn_model)], []));
  effects.append(row(["after blaming", signed(d.trust_effect.blame_student), signed(d.trust_effect.blame_model)], []));
  const worlds = document.createElement("table");
  worlds.append(row(["", "regime", "trust", "blame climate", "progress"], []));
  worlds.append(row(["Your class's world", d.regime.words, percent(d.worlds.class.mean_trust), percent(d.worlds.class.blame_climate), percent(d.worlds.class.progress)], []));
  worlds.append(row(["The model's world (same start, same luck)", d.model_regime.words, percent(d.worlds.model.mean_trust), percent(d.worlds.model.blame_climate), percent(d.worlds.model.progress)], []));
  const moments = document.createElement("ol");
  for (const m of d.moments) {
    const li = document.createElement("li");
    li.textContent = "Month " + m.month + ": " + m.learned + " learned, " + m.blamed + " blamed; trust " +
      signed(m.trust_change) + ", blame climate " + signed(m.climate_change) +
      (m.students.length ? ". Students: " + m.students.join("; ") : "");
    moments.append(li);
  }
  const r = d.rule;
  const why = document.createElement("p");
  why.textContent = "The rule: a blame game when at least " + percent(r.blame_share) +
    " of the setbacks of the last " + r.window_months + " months were met by blame (more blamed than learned); " +
    "otherwise a learning journey when progress reached " + percent(r.min_progress) + ". Your class: " +
    r.met_by_blame + " of " + r.setbacks + " setbacks met by blame, progress " + percent(r.progress) + ".";
  const h = (text) => { const x = document.createElement("h3"); x.textContent = text; return x; };
  box.replaceChildren(h("Learning or blame"), table, h("What it did to trust"), effects,
    h("Two worlds"), worlds, why, h("The moments that decided it"), moments);
}

function render(v) {
  $("code").textContent = v.code;
  $("join-url").textContent = v.join_url;
  if (v.reachable) { $("warning").hidden = false; $("warning").textContent = "This class is reachable by others on the network at " + v.join_url + ": anyone there can open the join page; only those with the code can join."; }
  $("status").textContent = statusText(v);
  deadline = v.deadline_in === null ? null : Date.now() + 1000 * v.deadline_in;
  if (document.activeElement !== $("pace")) $("pace").value = v.pace;
  if (document.activeElement !== $("limit")) $("limit").value = v.time_limit;
  drawNetwork(v);
  drawDecisions(v);
  drawChart(v);
  $("count").textContent = "(" + v.students.length + " of " + v.seats + ")";
  $("students").textContent = v.students.map((s) => s.name + ": " + s.org).join(" · ");
  if (v.debrief) { $("debrief").hidden = false; drawDebrief(v.debrief); }
  const now = Date.now();
  const shown = v.answers.map((a) => a.slot + "@" + (v.month + 1));
  if (v.last) for (const d of v.last.decisions) if (d.by === "student") shown.push(d.slot + "@" + v.last.month);
  for (const k of shown) if (!(k in window.__seen)) window.__seen[k] = now;
  window.__renders += 1;
  document.body.dataset.version = String(v.version);
  document.body.dataset.phase = v.phase;
  document.body.dataset.month = String(v.month);
}

async function poll() {
  for (;;) {
    try {
      const v = await (await api("/api/teacher?since=" + version)).json();
      version = v.version;
      render(v);
    } catch (e) {
      $("status").textContent = "Cannot reach the class: " + e.message;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

async function control(action, body) {
  try { await api("/api/teacher/" + action, body || {}); } catch (e) { $("status").textContent = e.message; }
}

async function qr() {
  try {
    const svg = await (await api("/api/teacher/qr")).text();
    $("qr").src = "data:image/svg+xml;base64," + btoa(svg);
  } catch (e) { /* the code and the address are on the screen */ }
}

for (const a of ["start", "pause", "step", "end"]) $(a).addEventListener("click", () => control(a));
$("apply").addEventListener("click", () => control("pace", { pace: Number($("pace").value), time_limit: Number($("limit").value) }));
setInterval(() => {
  if (deadline !== null && document.body.dataset.phase === "deciding") {
    const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    $("status").textContent = $("status").textContent.replace(/ · \d+ s left$/, "") + " · " + left + " s left";
  }
}, 500);
if (!key) { $("nokey").hidden = false; } else { qr(); poll(); }
