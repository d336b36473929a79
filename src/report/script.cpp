// The report's script: it only adds interaction to what the page already shows. It inflates
// the embedded call rows (DecompressionStream, no network), draws the virtualised calls table
// (only the rows in view exist in the DOM), filters and sorts it, and opens one call: its
// detail chunk is inflated on demand and its ladder drawn as SVG.
#include "report/detail/page.h"

namespace sipdx::report::detail {

std::string_view report_js() {
    return R"JS(
(() => {
"use strict";
const $ = (id) => document.getElementById(id);
const meta = JSON.parse($("meta").textContent);
const dict = meta.dict;
const str = (v) => (typeof v === "number" ? dict[v] : v) || "";
let rows = [];        // [id, kind, outcome, code, reason, failedBy, pdd, setup, dur, startMs, why, flags, severity]
let view = new Uint32Array(0);
let sortKey = -1, sortDir = 1, exact = null, selected = -1;

async function inflate(id) {
  const b64 = $(id).textContent;
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return JSON.parse(await new Response(stream).text());
}

const pad = (n, w = 2) => String(n).padStart(w, "0");
function utc(ms) {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}
const cols = [
  { c: "id", label: "Call-ID", get: (r) => r[0] },
  { c: "kind", label: "kind", get: (r) => meta.kinds[r[1]] },
  { c: "out", label: "outcome", get: (r) => meta.outcomes[r[2]] },
  { c: "code", label: "code", get: (r) => r[3] || "", num: (r) => r[3] },
  { c: "reason", label: "reason", get: (r) => str(r[4]) },
  { c: "fb", label: "failed by", get: (r) => str(r[5]) },
  { c: "pdd", label: "PDD ms", get: (r) => (r[6] == null ? "" : r[6]), num: (r) => (r[6] == null ? -1 : r[6]) },
  { c: "setup", label: "setup ms", get: (r) => (r[7] == null ? "" : r[7]), num: (r) => (r[7] == null ? -1 : r[7]) },
  { c: "dur", label: "dur. s", get: (r) => (r[8] == null ? "" : r[8]), num: (r) => (r[8] == null ? -1 : r[8]) },
  { c: "start", label: "start UTC", get: (r) => utc(meta.base + r[9]), num: (r) => r[9] },
  { c: "why", label: "why", get: (r) => str(r[10]) },
];

function rowHeight() {
  return parseFloat(getComputedStyle(document.documentElement).getPropertyValue("--row")) || 30;
}

function buildHead() {
  const head = $("thead");
  cols.forEach((col, k) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "c-" + col.c;
    b.textContent = col.label;
    b.setAttribute("role", "columnheader");
    b.addEventListener("click", () => {
      sortDir = sortKey === k ? -sortDir : 1;
      sortKey = k;
      head.querySelectorAll("button").forEach((x) => x.removeAttribute("aria-sort"));
      b.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      applyView();
    });
    head.appendChild(b);
  });
}

function compare(a, b) {
  const col = cols[sortKey];
  const ra = rows[a], rb = rows[b];
  let d;
  if (col.num) d = col.num(ra) - col.num(rb);
  else { const x = String(col.get(ra)), y = String(col.get(rb)); d = x < y ? -1 : x > y ? 1 : 0; }
  return d !== 0 ? d * sortDir : rows[a][9] - rows[b][9];
}

function applyView() {
  const words = $("q").value.toLowerCase().split(/\s+/).filter(Boolean);
  const keep = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (exact && (str(r[5]) !== exact.fb || r[3] !== exact.code)) continue;
    if (words.length) {
      const text = (r[0] + " " + meta.kinds[r[1]] + " " + meta.outcomes[r[2]] + " " + r[3] + " " + str(r[4]) + " " + str(r[5]) + " " + str(r[10])).toLowerCase();
      let all = true;
      for (const w of words) if (!text.includes(w)) { all = false; break; }
      if (!all) continue;
    }
    keep.push(i);
  }
  view = Uint32Array.from(keep);
  if (sortKey >= 0) view.sort(compare);
  $("status").textContent = `Showing ${view.length.toLocaleString("en")} of ${rows.length.toLocaleString("en")} calls` +
    (view.length ? "" : " — no call matches");
  const body = $("rows");
  $("spacer").style.height = view.length * rowHeight() + "px";
  body.scrollTop = 0;
  render();
}

let pool = [];
function render() {
  const body = $("rows");
  const h = rowHeight();
  const first = Math.max(0, Math.floor(body.scrollTop / h) - 5);
  const last = Math.min(view.length, Math.ceil((body.scrollTop + body.clientHeight) / h) + 5);
  let used = 0;
  for (let v = first; v < last; v++, used++) {
    let el = pool[used];
    if (!el) {
      el = document.createElement("div");
      el.className = "vrow";
      el.setAttribute("role", "row");
      el.tabIndex = 0;
      for (const col of cols) {
        const s = document.createElement("span");
        s.className = "c-" + col.c;
        s.setAttribute("role", "cell");
        el.appendChild(s);
      }
      body.appendChild(el);
      pool.push(el);
    }
    const i = view[v];
    const r = rows[i];
    el.style.top = v * h + "px";
    el.dataset.i = i;
    el.dataset.call = r[0];
    el.hidden = false;
    el.classList.toggle("sel", i === selected);
    const cells = el.children;
    for (let k = 0; k < cols.length; k++) {
      const t = String(cols[k].get(r));
      if (k === 2) {
        if (cells[2].dataset.o !== t) {
          cells[2].dataset.o = t;
          cells[2].replaceChildren(html("span", "badge o-" + t, t));
        }
      } else if (cells[k].textContent !== t) { cells[k].textContent = t; cells[k].title = t; }
    }
  }
  for (let k = used; k < pool.length; k++) pool[k].hidden = true;
}

const chunkCache = new Map();
const perChunk = meta.per_chunk;
// The detail's explanation [template, number...]: the template (a meta.dict index or the string)
// with each \u0003 standing for the next number, \u0001 and \u0002 for From and To.
function whyText(w, from, to) {
  let k = 1;
  const t = typeof w === "string" ? w : str(w[0]).replace(/\u0003/g, () => String(w[k++]));
  return t.replaceAll("\u0001", () => from).replaceAll("\u0002", () => to);
}
// The call as the view needs it: its table row and its detail entry put together.
async function detail(i) {
  const r = rows[i];
  const id = "d" + Math.floor(i / perChunk);
  if (!chunkCache.has(id)) {
    if (chunkCache.size >= 6) chunkCache.delete(chunkCache.keys().next().value);
    chunkCache.set(id, inflate(id));
  }
  const a = (await chunkCache.get(id))[i % perChunk];
  const m = [];
  let t = 0;
  const shape = str(a[13]);
  if (shape) shape.split("|").forEach((part, k) => {
    const x = /^(\d+)>(\d+) (\S+) (.*) (\d+)$/.exec(part);
    t += a[14][k];
    const text = a[16] && a[16][k] != null ? k : -1;
    m.push([t / 10, +x[1], +x[2], x[4], +x[5], a[17] ? a[17][k] : 0, text, x[3]]);
  });
  const start = meta.base + r[9];
  const iso = (ms) => new Date(ms).toISOString().replace("T", " ");
  return { id: r[0], kind: meta.kinds[r[1]], outcome: meta.outcomes[r[2]], code: r[3], reason: str(r[4]),
    failed_by: str(r[5]), pdd: r[6], setup: r[7], dur: r[8], start: iso(start), end: iso(start + a[20]),
    continued: (r[11] & 4) !== 0, from: a[0], to: a[1],
    why: whyText(a[2], a[0], a[1]), root: a[3], reason_header: a[4],
    warning: a[5], icid: a[6], abandon: a[7], bye_by: a[8], counts: a[9], mid: a[10], findings: a[11],
    hosts: a[12], m, firstFrame: a[15], texts: a[16], left: a[18], cut: a[19] };
}

const svgNS = "http://www.w3.org/2000/svg";
function el(name, attrs, text) {
  const e = document.createElementNS(svgNS, name);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (text != null) e.textContent = text;
  return e;
}
function html(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}

function drawLadder(d, onPick) {
  const narrow = window.innerWidth < 700;
  const col = narrow ? 150 : 200, left = 70, top = 44, step = 26;
  const hosts = d.hosts;
  const w = left + col * Math.max(hosts.length - 1, 1) + 90;
  const hgt = top + step * (d.m.length + 1);
  const svg = el("svg", { class: "ladder", width: w, height: hgt, viewBox: `0 0 ${w} ${hgt}`, role: "img" });
  svg.appendChild(el("title", {}, `Ladder of Call-ID ${d.id}: ${d.outcome}${d.code ? " " + d.code : ""}`));
  hosts.forEach((hst, k) => {
    const x = left + k * col;
    svg.appendChild(el("text", { class: "host", x, y: 16, "text-anchor": "middle" }, hst));
    svg.appendChild(el("line", { class: "life", x1: x, y1: 24, x2: x, y2: hgt - 6 }));
  });
  d.m.forEach((m, k) => {
    const [t, from, to, label, flags] = m;
    const y = top + step * k;
    const x1 = left + from * col, x2 = left + to * col;
    const code = parseInt(label, 10);
    let cls = "msg";
    if (flags & 1) cls += " retx"; else if (flags & 2) cls += " dup";
    else if (code >= 300) cls += " fail"; else if (code >= 200) cls += " ok";
    const g = el("g", { class: cls, tabindex: 0, "data-k": k });
    g.appendChild(el("text", { class: "t", x: 4, y: y + 4 }, "+" + (t / 1000).toFixed(3)));
    let text = label + (flags & 4 ? " (SDP)" : "") + (flags & 1 ? " retransmission" : flags & 2 ? " copy" : "");
    if (from === to) {
      g.appendChild(el("text", { x: x1 + 6, y: y + 4 }, "↺ " + text));
    } else {
      const dir = x2 > x1 ? 1 : -1;
      g.appendChild(el("line", { class: "hit", x1, y1: y, x2, y2: y }));
      g.appendChild(el("line", { class: "a", x1, y1: y, x2: x2 - dir * 8, y2: y }));
      g.appendChild(el("polygon", { points: `${x2},${y} ${x2 - dir * 9},${y - 4} ${x2 - dir * 9},${y + 4}` }));
      g.appendChild(el("text", { x: (x1 + x2) / 2, y: y - 5, "text-anchor": "middle" }, text));
    }
    g.appendChild(el("title", {}, `${label}${m[5] ? " · frame " + m[5] : ""} · ${m[7]} · ${hosts[from]} → ${hosts[to]}`));
    const pick = () => { svg.querySelectorAll(".sel").forEach((x) => x.classList.remove("sel")); g.classList.add("sel"); onPick(k); };
    g.addEventListener("click", pick);
    g.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(); } });
    svg.appendChild(g);
  });
  return svg;
}

const leftWhy = { mode: "it succeeded without warnings (the report embeds the messages of failed and flagged calls; --messages all embeds every call)",
  budget: "the report's message budget was used up (--message-budget-mb)", memory: "memory for open calls was full while it ran" };

function showMessage(box, d, k) {
  const m = d.m[k];
  box.innerHTML = "";
  const frame = m[5] ? `frame ${m[5]}` : `frame ${k === 0 ? "" : "after "}${d.firstFrame}`;
  const head = html("p", "", `${m[3]} · ${frame} · ${m[7].toUpperCase()} · ${d.hosts[m[1]]} → ${d.hosts[m[2]]} · +${(m[0] / 1000).toFixed(3)} s`);
  head.id = "message-head";
  box.appendChild(head);
  if (m[6] >= 0) {
    const text = d.texts[m[6]];
    const cut = text.search(/\r?\n\r?\n/);
    const headers = cut >= 0 ? text.slice(0, cut) : text;
    const body = cut >= 0 ? text.slice(cut).replace(/^\r?\n\r?\n/, "") : "";
    const pre = html("pre", "message", headers);
    pre.id = "message";
    box.appendChild(pre);
    if (body) {
      box.appendChild(html("p", "muted", /(^|\n)v=0/.test(body) ? "SDP body" : "Body"));
      box.appendChild(html("pre", "message sdp", body));
    }
  } else {
    const p = html("p", "", `The text of this message is not in the report: ${leftWhy[d.left] || "it was not kept"}. `);
    p.id = "message";
    p.appendChild(html("code", "", `${meta.hint} '${d.id}'`));
    p.appendChild(document.createTextNode(" shows the call from the capture."));
    box.appendChild(p);
  }
}

async function openCall(i, scroll = true) {
  selected = i;
  render();
  const d = await detail(i);
  const box = $("call-view");
  box.innerHTML = "";
  const h = html("h3", "", "");
  h.id = "call-title";
  const badge = html("span", "badge o-" + d.outcome, d.outcome);
  h.append(badge, ` ${d.code ? d.code + " " + d.reason : ""} — Call-ID ${d.id}${d.continued ? " (continued)" : ""}`);
  box.appendChild(h);
  const why = html("p", "", d.why);
  why.id = "call-why";
  box.appendChild(why);
  const facts = html("dl", "facts");
  const fact = (k, v) => { if (v !== "" && v != null) facts.append(html("dt", "", k), html("dd", "", String(v))); };
  fact("kind", d.kind);
  fact("from", d.from); fact("to", d.to);
  fact("start", d.start); fact("end", d.end);
  fact("failed by", d.failed_by); fact("root cause", d.root);
  fact("Reason", d.reason_header); fact("Warning", d.warning);
  fact("caller gave up", d.abandon); fact("BYE by", d.bye_by);
  fact("PDD", d.pdd == null ? "" : d.pdd + " ms"); fact("setup", d.setup == null ? "" : d.setup + " ms");
  fact("duration", d.dur == null ? "" : d.dur + " s");
  fact("messages", `${d.counts[0]} (${d.counts[1]} retransmissions, ${d.counts[2]} duplicate copies, ${d.counts[3]} transactions)`);
  fact("ICID", d.icid);
  if (d.mid) fact("note", "seen mid-dialog: the call started before the capture");
  box.appendChild(facts);
  if (d.findings.length) {
    const ul = html("ul", "call-findings");
    for (const [name, n, frame] of d.findings) {
      const info = meta.findings[name] || ["info", ""];
      const li = html("li", "");
      li.append(html("span", "badge sev-" + info[0], info[0]), ` ${name} ×${n} (frame ${frame}): ${info[1]}`);
      ul.appendChild(li);
    }
    box.appendChild(ul);
  }
  const ladderBox = html("div", "ladder-box");
  const msgBox = html("div", "");
  msgBox.id = "message-box";
  ladderBox.appendChild(drawLadder(d, (k) => showMessage(msgBox, d, k)));
  box.appendChild(html("p", "muted", "Hosts as columns, time from the first message on the left; red dashed arrows are retransmissions. Click an arrow for the message."));
  box.appendChild(ladderBox);
  if (d.cut) box.appendChild(html("p", "muted", `${d.cut} more messages of this call are not drawn.`));
  box.appendChild(msgBox);
  const legOf = $("call-sessions");
  if (legOf) for (const n of legOf.content.children) if (n.dataset.call === d.id) { box.insertBefore(n.cloneNode(true), facts); break; }
  const media = $("media-calls");
  if (media) for (const n of media.content.children) if (n.dataset.call === d.id) {
    const block = n.cloneNode(true);
    box.appendChild(block);
    // The record was explained before media was joined to it: the call's media findings
    // complete the sentence, as `calls --media` does in its explanation.
    const list = block.querySelector(":scope > ul.call-findings");
    if (list) {
      const said = [...list.children].map((li) => li.textContent.slice(li.firstChild.textContent.length).trim());
      why.append(` Media: ${said.join("; ")}.`);
    }
    break;
  }
  history.replaceState(null, "", "#call=" + encodeURIComponent(d.id));
  if (scroll) $("call").scrollIntoView({ block: "start" });
}

function openById(id) {
  for (let i = 0; i < rows.length; i++) if (rows[i][0] === id) return openCall(i);
}

function hashCall() {
  const m = /^#call=(.*)$/.exec(location.hash);
  if (m) openById(decodeURIComponent(m[1]));
}

async function load() {
  buildHead();
  let start = 0;
  for (let c = 0; c < meta.rows; c++) {
    const part = await inflate("r" + c);
    for (const r of part) { start += r[9]; r[9] = start; rows.push(r); }
    if (c % 8 === 7) $("status").textContent = `Loading the calls… ${rows.length.toLocaleString("en")}`;
  }
  sortKey = 9;
  $("thead").children[9].setAttribute("aria-sort", "ascending");
  applyView();
  let timer = 0;
  $("q").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(applyView, rows.length > 50000 ? 200 : 60); });
  $("rows").addEventListener("scroll", () => requestAnimationFrame(render), { passive: true });
  window.addEventListener("resize", () => { $("spacer").style.height = view.length * rowHeight() + "px"; render(); });
  const pickRow = (e) => { const r = e.target.closest(".vrow"); if (r) openCall(+r.dataset.i); };
  $("rows").addEventListener("click", pickRow);
  $("rows").addEventListener("keydown", (e) => { if (e.key === "Enter") pickRow(e); });
  document.querySelectorAll("button.cell").forEach((b) => b.addEventListener("click", () => {
    exact = { fb: b.dataset.fb, code: +b.dataset.code };
    $("q").value = "";
    const chip = $("chip");
    chip.hidden = false;
    chip.textContent = `failed by ${exact.fb || "not known"}, code ${exact.code || "none"} `;
    const x = document.createElement("button");
    x.type = "button"; x.textContent = "✕"; x.setAttribute("aria-label", "Remove this filter");
    x.addEventListener("click", () => { exact = null; chip.hidden = true; applyView(); });
    chip.appendChild(x);
    applyView();
    $("calls").scrollIntoView({ block: "start" });
  }));
  document.querySelectorAll("a.call-link").forEach((a) => a.addEventListener("click", (e) => { e.preventDefault(); openById(a.dataset.call); }));
  window.addEventListener("hashchange", hashCall);
  hashCall();
  document.body.dataset.ready = "1";
}
load().catch((e) => { $("status").textContent = "The calls could not be loaded: " + e.message; throw e; });
})();
)JS";
}

} // namespace sipdx::report::detail
