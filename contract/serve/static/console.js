// The negotiation console: vanilla JS, no external request. Talks to this app's JSON API only.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { base: null, proposal: null, commissioner: [], set: {}, sliders: [], seq: 0, shown: 0, diffSeq: 0 };

function money(text, signed) {
  if (text === null || text === undefined) return "unknown";
  const value = Number(text);
  const whole = Math.abs(value) >= 1000;
  const body = Math.abs(value).toLocaleString("en-GB", { minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: whole ? 0 : 2 });
  const sign = value < 0 ? "−" : (signed && value > 0 ? "+" : "");
  return sign + "£" + body;
}
// A rate as the sources write it (the project's `lang.text.rate`): £1.50, £0.147, £0.5143, £37,810.
function rate(text) {
  if (text === null || text === undefined) return "unknown";
  const raw = String(text).trim().replace(/^-/, "");
  const decimals = raw.includes(".") ? raw.split(".")[1].replace(/0+$/, "").length : 0;
  const places = decimals === 0 ? 0 : Math.max(2, decimals);
  const body = Number(raw).toLocaleString("en-GB", { minimumFractionDigits: places, maximumFractionDigits: places });
  return (String(text).trim().startsWith("-") ? "−" : "") + "£" + body;
}
const count = (n) => Number(n).toLocaleString("en-GB");
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
const cls = (text) => (Number(text) > 0 ? "gain" : Number(text) < 0 ? "loss" : "");

async function api(path, body) {
  const response = await fetch(path, body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) {
    let message = response.status + " " + response.statusText;
    try { const e = await response.json(); message = (e.detail || []).map((d) => (d.loc || []).slice(1).join(".") + ": " + d.msg).join("; ") || message; } catch (err) { /* not JSON */ }
    throw new Error(message);
  }
  return response;
}
const json = async (path, body) => (await api(path, body)).json();

// A number that links to its explanation and sources.
function explainLink(text, version, term, entity) {
  const e = entity ? ` data-entity="${esc(entity)}"` : "";
  return `<a class="num" href="#explain" data-version="${esc(version)}" data-term="${esc(term)}"${e}>${text}</a>`;
}

async function init() {
  const versions = (await json("/api/versions")).result;
  for (const id of ["base", "proposal"]) {
    $(id).innerHTML = versions.map((v) => `<option value="${esc(v.id)}">${esc(v.id)} · ${esc(v.status.replace("_", " "))}</option>`).join("");
  }
  const params = new URLSearchParams(location.search);
  const ids = versions.map((v) => v.id);
  $("base").value = params.get("base") && ids.includes(params.get("base")) ? params.get("base") : ids[0];
  $("proposal").value = params.get("proposal") && ids.includes(params.get("proposal")) ? params.get("proposal") : ids[Math.min(1, ids.length - 1)];
  if (params.get("commissioner")) { $("commissioner").value = params.get("commissioner"); }
  $("base").addEventListener("change", choose);
  $("proposal").addEventListener("change", choose);
  $("apply-area").addEventListener("click", applyArea);
  $("commissioner").addEventListener("keydown", (e) => { if (e.key === "Enter") applyArea(); });
  $("export-zip").addEventListener("click", () => download("/api/export/overlay?format=zip"));
  $("export-yaml").addEventListener("click", () => download("/api/export/overlay?format=yaml"));
  $("export-xlsx").addEventListener("click", () => download("/api/export/workbook"));
  $("explain-close").addEventListener("click", () => { $("explain").hidden = true; });
  document.addEventListener("click", (e) => {
    const a = e.target.closest("a.num");
    if (a) { e.preventDefault(); explain(a.dataset.version, a.dataset.term, a.dataset.entity); }
  });
  state.commissioner = areaCodes();
  await choose();
}

function areaCodes() { return $("commissioner").value.split(/[ ,]+/).map((c) => c.trim().toUpperCase()).filter(Boolean); }

async function applyArea() { state.commissioner = areaCodes(); await price(); }

async function choose() {
  state.base = $("base").value; state.proposal = $("proposal").value; state.set = {}; state.sliders = [];
  $("sliders").innerHTML = "<p class=muted>Preparing the proposal's plan over the population…</p>";
  await Promise.all([glance(), price()]);
}

async function glance() {
  const seq = ++state.diffSeq;
  $("diff-summary").textContent = "…";
  try {
    const d = (await json("/api/diff", { versions: [state.base, state.proposal] })).result;
    if (seq !== state.diffSeq) return;
    const m = d.money;
    $("diff-summary").innerHTML = [
      ["Base, average network", money(m.old_total)], ["Proposal, average network", money(m.new_total)],
      ["Change", `<span class="${cls(m.delta_total)}">${money(m.delta_total, true)}</span>`],
      ["Terms added · removed · changed", `${d.counts.added ?? 0} · ${d.counts.removed ?? 0} · ${d.counts.changed ?? 0}`],
      ["Obligations with no funding", String(d.unfunded.length)],
    ].map(([l, v]) => `<div class="card"><span class="label">${esc(l)}</span><span class="value">${v}</span></div>`).join("")
      + `<p class="muted">${esc(m.assumption)}</p>`;
    const lines = m.lines.filter((x) => x.delta !== null && Number(x.delta) !== 0)
      .sort((x, y) => Math.abs(Number(y.delta)) - Math.abs(Number(x.delta))).slice(0, 6);
    $("diff-lines").tBodies[0].innerHTML = lines.map((x) => `<tr><td>${esc(x.title)}</td>
      <td class="n">${x.old === null ? "–" : explainLink(money(x.old), d.a.id, x.term_id)}</td>
      <td class="n">${x.new === null ? "–" : explainLink(money(x.new), d.b.id, x.term_id)}</td>
      <td class="n ${cls(x.delta)}">${money(x.delta, true)}</td></tr>`).join("") || "<tr><td colspan=4>No priced line changes.</td></tr>";
    $("unfunded").innerHTML = d.unfunded.map((id) => `<li>${explainLink(esc(id), d.b.id, id)}</li>`).join("") || "<li>None.</li>";
  } catch (err) {
    $("diff-summary").textContent = "Diff: " + err.message;
  }
}

function sliderRow(s) {
  const value = Number(s.value);
  const max = value > 0 ? value * 2 : 1;
  const step = Math.abs(value) >= 1000 ? Math.pow(10, Math.floor(Math.log10(value)) - 2) : 0.01;
  const id = "s-" + s.id.replace(/[^a-z0-9]/gi, "-");
  return `<div class="slider" data-param="${esc(s.id)}">
    <label for="${id}">${esc(s.title)} <code>${esc(s.id)}</code>${s.per ? " per " + esc(s.per.replace("_", " ")) : ""}${s.plain_rate ? "" : " <small>(re-evaluates)</small>"}</label>
    <input type="range" id="${id}" min="0" max="${max}" step="${step}" value="${value}">
    <input type="number" min="0" step="${step}" value="${value}" aria-label="${esc(s.id)}">
    <span class="was">in ${esc(state.proposal)}: ${explainLink(rate(s.value), state.proposal, s.id)}</span></div>`;
}

function drawSliders(sliders) {
  state.sliders = sliders;
  $("sliders").innerHTML = sliders.length ? sliders.map(sliderRow).join("") : "<p>This proposal has no national £ rate to move.</p>";
  for (const row of $("sliders").querySelectorAll(".slider")) {
    const [range, box] = row.querySelectorAll("input");
    const param = row.dataset.param;
    const original = state.sliders.find((s) => s.id === param).value;
    const move = (value) => {
      if (value === "" || Number.isNaN(Number(value))) return;
      if (Number(value) === Number(original)) { delete state.set[param]; } else { state.set[param] = value; }
      schedule();
    };
    range.addEventListener("input", () => { box.value = range.value; move(range.value); });
    box.addEventListener("change", () => { range.value = box.value; move(box.value); });
  }
}

let pending = null;
function schedule() { if (pending === null) pending = requestAnimationFrame(() => { pending = null; price(); }); }

async function price() {
  const seq = ++state.seq;
  const started = performance.now();
  $("status").textContent = "pricing…";
  let answer;
  try {
    answer = (await json("/api/scenario", { base: state.base, proposal: state.proposal, set: state.set, commissioner: state.commissioner })).result;
  } catch (err) {
    if (seq === state.seq) $("status").textContent = err.message;
    return;
  }
  if (seq !== state.seq) return; // a newer move has been asked for
  if (!state.sliders.length || state.sliders[0] === undefined) drawSliders(answer.sliders);
  show(answer.scenario);
  const ms = performance.now() - started;
  $("status").textContent = "";
  $("timing").textContent = `Priced in ${Math.round(ms)} ms (server ${Math.round(answer.scenario.seconds * 1000)} ms, ${answer.scenario.path} path).`;
  state.shown = seq;
  document.body.dataset.updated = String(seq);
  document.body.dataset.ms = String(ms);
}

function show(s) {
  $("scope").textContent = s.commissioner.length ? "commissioner " + s.commissioner.join(", ") : "England";
  $("national-delta").innerHTML = money(s.delta, true);
  $("national-delta").className = "value " + cls(s.delta);
  $("totals").textContent = `${money(s.base_total)} → ${money(s.proposal_total)} a year`;
  const practices = s.levels.find((l) => l.level === "practice"), networks = s.levels.find((l) => l.level === "network");
  const both = (k) => practices[k] + networks[k];
  $("gainers").textContent = count(both("gainers"));
  $("losers").textContent = count(both("losers"));
  $("gainers-sub").textContent = `${count(practices.gainers)} practices, ${count(networks.gainers)} networks`;
  $("losers-sub").textContent = `${count(practices.losers)} practices, ${count(networks.losers)} networks · ${count(both("partial"))} with a line unknown (left out of their change)`;
  $("line-table").tBodies[0].innerHTML = s.lines.map((x) => `<tr><td>${esc(x.title)} <small class="muted">${esc(x.level)}</small></td>
    ${x.known === 0 ? `<td class="n muted" colspan="3">unknown for all ${count(x.of)}: an input is missing (never counted as £0)</td></tr>` : `
    <td class="n">${explainLink(money(x.base), s.base, x.term_id)}</td>
    <td class="n">${explainLink(money(x.proposal), s.proposal, x.term_id)}</td>
    <td class="n ${cls(x.delta)}">${money(x.delta, true)}${x.known < x.of ? ` <small class="muted">(${count(x.known)} of ${count(x.of)} known)</small>` : ""}</td></tr>`}`).join("");
  const biggest = {};
  for (const level of ["practice", "network"]) {
    const mine = s.lines.filter((x) => x.level === level).sort((x, y) => Math.abs(Number(y.delta)) - Math.abs(Number(x.delta)));
    biggest[level] = mine.length ? mine[0].term_id : null;
  }
  const row = (m) => `<tr><td>${esc(m.code)} ${esc(m.name || "")} <small class="muted">${esc(m.level)}${m.commissioner ? ", " + esc(m.commissioner) : ""}</small></td>
    <td class="n ${cls(m.delta)}">${biggest[m.level] ? explainLink(money(m.delta, true), s.proposal, biggest[m.level], m.code) : money(m.delta, true)}</td></tr>`;
  $("top-gainers").tBodies[0].innerHTML = s.top_gainers.map(row).join("") || "<tr><td colspan=2>None.</td></tr>";
  $("top-losers").tBodies[0].innerHTML = s.top_losers.map(row).join("") || "<tr><td colspan=2>None.</td></tr>";
  $("notes").innerHTML = s.notes.map((n) => `<li>${esc(n)}</li>`).join("");
  $("chart").innerHTML = "<h4>Networks</h4>" + histogram(s.histograms.network, "networks")
    + "<h4>Practices</h4>" + histogram(s.histograms.practice, "practices");
}

// The distribution chart: inline SVG, drawn here.
function histogram(h, what) {
  const W = 520, H = 200, L = 44, B = 34, T = 8;
  const n = h.counts.length;
  if (!n) return "<p class=muted>None in this area.</p>";
  const top = Math.max(...h.counts, 1);
  const low = Number(h.low), high = Number(h.high);
  const bw = (W - L - 8) / n;
  const x0 = (v) => L + ((v - low) / ((high - low) || 1)) * (W - L - 8);
  let bars = "";
  h.counts.forEach((c, i) => {
    const from = low + (i * (high - low)) / n, to = low + ((i + 1) * (high - low)) / n;
    const mid = (from + to) / 2;
    const height = (c / top) * (H - B - T);
    const colour = mid > 0 ? "#1a7f37" : mid < 0 ? "#b42318" : "#5b6570";
    bars += `<rect x="${(L + i * bw + 1).toFixed(1)}" y="${(H - B - height).toFixed(1)}" width="${Math.max(bw - 2, 1).toFixed(1)}" height="${height.toFixed(1)}" fill="${colour}"><title>${count(c)} ${what}: ${money(from, true)} to ${money(to, true)}</title></rect>`;
  });
  const zero = low < 0 && high > 0 ? `<line x1="${x0(0).toFixed(1)}" x2="${x0(0).toFixed(1)}" y1="${T}" y2="${H - B}" stroke="#1b1f24" stroke-dasharray="3 3"/>` : "";
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${what} by change">
    <line x1="${L}" x2="${W - 8}" y1="${H - B}" y2="${H - B}" stroke="#8a939c"/>
    <text x="${L - 4}" y="${T + 10}" text-anchor="end" font-size="11">${count(top)}</text>
    <text x="${L - 4}" y="${H - B}" text-anchor="end" font-size="11">0</text>
    ${bars}${zero}
    <text x="${L}" y="${H - B + 16}" font-size="11">${money(low, true)}</text>
    <text x="${W - 8}" y="${H - B + 16}" text-anchor="end" font-size="11">${money(high, true)}</text>
    <text x="${(L + W) / 2}" y="${H - 4}" text-anchor="middle" font-size="11">change in payments for the year</text></svg>`;
}

async function explain(version, term, entity) {
  const panel = $("explain"), body = $("explain-body");
  panel.hidden = false;
  body.innerHTML = "<p>…</p>";
  try {
    const request = { version, term, set: version === state.proposal ? state.set : {} };
    if (entity) request.entity = entity;
    const r = (await json("/api/explain", request)).result;
    const cites = (r.citations || (r.finding && r.finding.citations) || []).map((c) =>
      `<li><a href="${esc(c.url)}" rel="noreferrer" target="_blank">${esc(c.title)}</a>${c.locator ? ", " + esc(c.locator) : ""} <small>(${esc(c.confidence)})</small>${c.caveat ? `<br><small>${esc(c.caveat)}</small>` : ""}</li>`).join("");
    let head;
    if (r.finding) {
      const f = r.finding;
      head = `<h3>${esc(f.title)} <small>${esc(f.term_id)}</small></h3><p>${esc(f.entity_type)} ${esc(f.entity_code)} ${esc(f.entity_name || "")}, ${esc(r.version)} at ${esc(r.as_of)}</p>
        <p><b>${esc(f.status.replace("_", " "))}</b>${f.amount !== null ? " · " + money(f.amount) + " for the year" : ""}</p><p>${esc(f.explanation)}</p>
        <ul>${Object.entries(f.values || {}).map(([k, v]) => `<li><code>${esc(k)}</code> = ${esc(v)}</li>`).join("")}</ul>`;
    } else {
      head = `<h3>${esc(r.term.title)} <small>${esc(r.term.id)}</small></h3><p>${esc(r.version)} at ${esc(r.as_of)}: <b>${esc(r.value ?? "no value")}</b></p><p class="muted">${esc(r.source)}</p>`;
    }
    body.innerHTML = head + `<p>${esc(r.term.summary || "")}</p><h4>Sources</h4><ul>${cites}</ul>`;
  } catch (err) {
    body.textContent = err.message;
  }
}

async function download(path) {
  $("export-status").textContent = "preparing…";
  try {
    const response = await api(path, { proposal: state.proposal, set: state.set, commissioner: state.commissioner });
    const blob = await response.blob();
    const name = (response.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name ? name[1] : "scenario";
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    $("export-status").textContent = "";
  } catch (err) {
    $("export-status").textContent = err.message;
  }
}

init().catch((err) => { $("status").textContent = err.message; });
