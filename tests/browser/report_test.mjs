// Browser test of `sipdx report` pages, in real headless Chromium (docs/report.md).
// Usage: node report_test.mjs SIPDX OUT_DIR SAMPLE_PCAP [CORPUS_DIR]
// The sample's report is checked in depth; each corpus capture's report is loaded and checked
// for errors, requests, summary counts and one call. Exit 0 pass, 1 fail, 77 no chromium.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Browser, findChromium } from "./cdp.mjs";

const [sipdx, outArg, sample, corpusArg] = process.argv.slice(2);
if (!sipdx || !outArg || !sample) {
  console.error("usage: node report_test.mjs SIPDX OUT_DIR SAMPLE_PCAP [CORPUS_DIR]");
  process.exit(2);
}
if (!findChromium()) {
  console.log("report_test: chromium not found, skipping");
  process.exit(77);
}
const outDir = resolve(outArg);
mkdirSync(outDir, { recursive: true });

let failures = 0;
function check(condition, what, detail = "") {
  if (condition) console.log(`ok   ${what}`);
  else {
    failures += 1;
    console.log(`FAIL ${what}${detail ? `: ${detail}` : ""}`);
  }
}
// sipdx's stdout; exit 1 (input with problems, still analysed) is fine here.
const run = (args) => {
  const r = spawnSync(sipdx, args, { encoding: "utf8", maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "ignore"] });
  if (r.status !== 0 && r.status !== 1) throw new Error(`sipdx ${args.join(" ")}: exit ${r.status}`);
  return r.stdout;
};
function report(capture, name, extra = []) {
  const file = join(outDir, name);
  try {
    execFileSync(sipdx, ["report", capture, "-o", file, ...extra], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (e) {
    if (!existsSync(file)) throw e; // exit 1 (something skipped) still writes the report
  }
  return file;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function ready(page) {
  for (let i = 0; i < 300; i++) {
    if (await page.evaluate(() => document.body.dataset.ready === "1")) return true;
    await sleep(50);
  }
  return false;
}
async function until(page, fn, arg) {
  for (let i = 0; i < 100; i++) {
    const v = await page.evaluate(fn, arg);
    if (v) return v;
    await sleep(50);
  }
  return null;
}

// The summary counts on the page against `sipdx analyze --json`.
async function checkSummary(page, capture, label) {
  const analyzed = JSON.parse(run(["analyze", "--json", capture]));
  const shown = await page.evaluate(() => [...document.querySelectorAll("details.code")].map((d) => ({
    code: +d.dataset.code, messages: +d.dataset.messages, tx: +d.dataset.finalTx, calls: +d.dataset.finalCalls,
    text: d.querySelector("summary").textContent,
  })));
  const expected = analyzed.responses.map((r) => ({ code: r.code, messages: r.messages, tx: r.final_transactions, calls: r.final_calls }));
  const same = shown.length === expected.length && shown.every((s, i) =>
    s.code === expected[i].code && s.messages === expected[i].messages && s.tx === expected[i].tx && s.calls === expected[i].calls &&
    s.text.replace(/,/g, "").includes(String(expected[i].messages)));
  check(same, `${label}: summary counts equal analyze --json (${expected.length} codes)`,
    JSON.stringify({ shown: shown.slice(0, 4), expected: expected.slice(0, 4) }));
  return analyzed;
}

function checkClean(page, label, url) {
  check(page.errors.length === 0, `${label}: no console errors`, page.errors.join(" | "));
  const other = page.requests.filter((u) => u !== url);
  check(other.length === 0, `${label}: no network requests`, other.join(" "));
}

const browser = await Browser.launch();
try {
  // ---- The bundled sample, in depth.
  const file = report(sample, "sample.html");
  const url = pathToFileURL(file).href;
  const page = await browser.newPage({ width: 1280, height: 900 });
  await page.goto(url);
  check(await ready(page), "sample: the calls load");
  checkClean(page, "sample", url);
  const paint = await page.evaluate(() => performance.getEntriesByType("paint").map((p) => [p.name, Math.round(p.startTime)]));
  console.log(`     first paint: ${JSON.stringify(paint)}`);
  await checkSummary(page, sample, "sample");

  const calls = run(["calls", "--format", "ndjson", sample]).trim().split("\n").map((l) => JSON.parse(l));
  const failed = calls.filter((c) => ["failed", "timeout", "challenged"].includes(c.outcome)).map((c) => c.call_id);
  const status = await page.evaluate(() => document.getElementById("status").textContent);
  check(status === `Showing ${calls.length} of ${calls.length} calls`, "sample: the table counts every call", status);
  // Each failed Call-ID, typed into the filter, is a row of the table.
  let found = 0;
  for (const id of failed) {
    await page.evaluate((v) => { const q = document.getElementById("q"); q.value = v; q.dispatchEvent(new Event("input")); }, id);
    const row = await until(page, (v) => [...document.querySelectorAll(".vrow")].some((r) => !r.hidden && r.dataset.call === v), id);
    if (row) found += 1;
  }
  check(failed.length >= 5 && found === failed.length, `sample: every failed Call-ID is in the table (${found}/${failed.length})`);

  // Typing narrows the table.
  await page.evaluate(() => { const q = document.getElementById("q"); q.value = ""; q.dispatchEvent(new Event("input")); });
  await until(page, (n) => document.getElementById("status").textContent.startsWith(`Showing ${n} of`), calls.length);
  await page.click("#q");
  await page.type("busy");
  const narrowed = await until(page, () => {
    const s = document.getElementById("status").textContent;
    return s.startsWith("Showing 1 of") ? s : null;
  });
  check(narrowed, "sample: typing 'busy' narrows the table to one call", narrowed || "");
  const visible = await page.evaluate(() => [...document.querySelectorAll(".vrow")].filter((r) => !r.hidden).map((r) => r.dataset.call));
  check(visible.length === 1 && visible[0] === "busy-1@sipdx.test", "sample: the one row left is busy-1", visible.join(" "));

  // A click on the row opens the call: title, explanation, ladder.
  await page.click(".vrow:not([hidden])");
  const view = await until(page, () => {
    const t = document.getElementById("call-title");
    const svg = document.querySelector("#call-view svg.ladder");
    return t && svg ? { title: t.textContent, arrows: svg.querySelectorAll("g.msg").length, hosts: svg.querySelectorAll("text.host").length,
      svgTitle: svg.querySelector("title").textContent, why: document.getElementById("call-why").textContent } : null;
  });
  check(view && view.title.includes("busy-1@sipdx.test") && view.title.includes("486"), "sample: the call view names the Call-ID and the code", JSON.stringify(view));
  check(view && view.arrows === 5 && view.hosts === 2, "sample: the ladder draws 5 messages between 2 hosts", JSON.stringify(view));
  check(view && /busy/i.test(view.why), "sample: the explanation is shown");
  // A click on an arrow shows the message in full; the INVITE's SDP is shown as its body.
  await page.click('#call-view g.msg[data-k="3"] text:not(.t)');
  const message = await until(page, () => document.getElementById("message")?.textContent);
  check(message && message.startsWith("SIP/2.0 486 Busy Here") && message.includes("Call-ID: busy-1@sipdx.test"), "sample: clicking the 486 arrow shows that message", (message || "").slice(0, 80));
  await page.click('#call-view g.msg[data-k="0"] text:not(.t)');
  const invite = await until(page, () => {
    const pres = [...document.querySelectorAll("#message-box pre")].map((p) => p.textContent);
    return pres.length === 2 && pres[0].startsWith("INVITE") ? pres : null;
  });
  check(invite && invite[1].startsWith("v=0"), "sample: the INVITE's SDP body is shown", JSON.stringify(invite));
  // A retransmitted call marks its retransmissions.
  await page.evaluate(() => { location.hash = "#call=noanswer-1%40sipdx.test"; });
  const retx = await until(page, () => document.getElementById("call-title")?.textContent.includes("noanswer") && document.querySelectorAll("#call-view g.msg.retx").length);
  check(retx >= 1, "sample: a link to #call=ID opens that call, retransmissions marked", String(retx));

  // The grid opens the calls behind a cell.
  await page.click('button.cell[data-code="404"]');
  const cell = await until(page, () => {
    const rows = [...document.querySelectorAll(".vrow")].filter((r) => !r.hidden);
    return rows.length === 1 ? rows[0].dataset.call : null;
  });
  check(cell === "notfound-1@sipdx.test", "sample: the 404 cell of the grid opens its call", cell || "");

  // Contrast of text in both themes.
  const contrast = () => {
    const parse = (c) => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null; const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
    const lum = ({ r, g, b }) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
    const bg = (el) => { for (let n = el; n; n = n.parentElement) { const c = parse(getComputedStyle(n).backgroundColor); if (c && c.a >= 0.99) return c; } return { r: 255, g: 255, b: 255 }; };
    let worst = { ratio: 99 };
    for (const el of document.querySelectorAll("h1,h2,h3,p,dt,dd,th,td,.badge,.cls,.vrow span,.legend li,summary span,a,button,pre")) {
      if (!el.getClientRects().length || !el.textContent.trim()) continue;
      const fg = parse(getComputedStyle(el).color); const b = bg(el);
      const [l1, l2] = [lum(fg), lum(b)].sort((x, y) => y - x);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      if (ratio < worst.ratio) worst = { ratio, text: el.textContent.trim().slice(0, 30), tag: el.tagName + "." + el.className };
    }
    return worst;
  };
  for (const scheme of ["light", "dark"]) {
    await page.colorScheme(scheme);
    const worst = await page.evaluate(contrast);
    check(worst.ratio >= 4.5, `sample: text contrast ≥ 4.5:1 in the ${scheme} theme (lowest ${worst.ratio.toFixed(2)})`, JSON.stringify(worst));
  }
  await page.colorScheme("light");

  // A phone: 390 px wide, no sideways scroll, the table and the call still work.
  await page.resize({ width: 390, height: 844, scale: 2, mobile: true });
  await sleep(200);
  const phone = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, body: document.body.scrollWidth }));
  check(phone.scroll <= 390 && phone.body <= 390, "sample: 390 px wide without sideways scroll", JSON.stringify(phone));
  checkClean(page, "sample after interaction", url);

  // With scripts off the summary and the charts still read.
  const still = await browser.newPage({ width: 1280, height: 900 });
  await still.send("Emulation.setScriptExecutionDisabled", { value: true });
  await still.goto(url);
  const noScript = await still.evaluate(() => ({ charts: document.querySelectorAll("svg.chart rect").length, codes: document.querySelectorAll("details.code").length }));
  check(noScript.charts > 0 && noScript.codes > 0, "sample: summary and charts render with JavaScript off", JSON.stringify(noScript));

  // ---- The shared corpus: every capture's report loads cleanly and agrees with analyze.
  const corpus = corpusArg && existsSync(corpusArg) ? resolve(corpusArg) : null;
  if (!corpus) {
    console.log("skip corpus: ../shared/corpus is absent");
  } else {
    const captures = readdirSync(corpus).filter((f) => /\.(pcap|pcapng|cap)(\.gz)?$/.test(f))
      .map((f) => join(corpus, f)).filter((f) => statSync(f).size < 64 << 20).slice(0, 40);
    const started = Date.now();
    for (const capture of captures) {
      if (Date.now() - started > 120000) { console.log("corpus: time budget used, stopping"); break; }
      const name = capture.split("/").pop();
      let file;
      try { file = report(capture, `corpus-${name}.html`); } catch { console.log(`skip ${name}: sipdx could not read it`); continue; }
      const u = pathToFileURL(file).href;
      const p = await browser.newPage({ width: 1280, height: 900 });
      await p.goto(u);
      check(await ready(p), `${name}: the calls load`);
      checkClean(p, name, u);
      await checkSummary(p, capture, name);
      const meta = await p.evaluate(() => JSON.parse(document.getElementById("meta").textContent).calls);
      if (meta > 0) {
        await p.click(".vrow:not([hidden])");
        const ok = await until(p, () => document.querySelector("#call-view svg.ladder") !== null);
        check(ok, `${name}: a row opens its call with a ladder`);
      }
      await p.send("Page.close").catch(() => {});
    }

    // Media: a capture with RTP beside its call; the streams the page lists are `sipdx media`'s,
    // a call's streams open under its ladder with a loss/jitter chart each, on a phone too.
    const rtp = join(corpus, "sip-udp-register-call-rtp-rtcp.pcap");
    if (existsSync(rtp)) {
      const f = report(rtp, "media.html");
      const u = pathToFileURL(f).href;
      const p = await browser.newPage({ width: 1280, height: 900 });
      await p.goto(u);
      check(await ready(p), "media: the calls load");
      const streams = run(["media", "--format", "ndjson", rtp]).trim().split("\n").map((l) => JSON.parse(l));
      const listed = await p.evaluate(() => [...document.querySelectorAll("#media table.streams tbody tr")].map((r) => r.children[1].textContent));
      const ssrcs = streams.map((x) => "0x" + Number(x.ssrc).toString(16).padStart(8, "0"));
      check(listed.length === streams.length && ssrcs.every((x) => listed.includes(x)),
        `media: the streams table lists sipdx media's ${streams.length} streams`, JSON.stringify({ listed, ssrcs }));
      await p.click("#media table.streams a.call-link");
      const opened = await until(p, () => {
        const box = document.querySelector("#call-view .call-media");
        if (!box || !document.querySelector("#call-view svg.ladder")) return null;
        return { streams: box.querySelectorAll(".stream").length, charts: box.querySelectorAll("svg.stream-chart rect").length,
          mos: box.textContent.includes("G.107 E-model"), why: document.querySelector("#call-why").textContent };
      });
      const ofCall = streams.filter((x) => x.call_id && x.call_id === streams.find((y) => y.call_id).call_id).length;
      check(opened && opened.streams === ofCall && opened.charts > 0 && opened.mos,
        `media: a call opens with its ${ofCall} streams, each with a chart and the MOS model`, JSON.stringify(opened));
      const callFindings = run(["calls", "--media", "--format", "ndjson", rtp]).includes("long_silence");
      check(opened && (!callFindings || /Media: long_silence: /.test(opened.why)),
        "media: the call's media findings complete its explanation, as in calls --media", JSON.stringify(opened && opened.why));
      await p.resize({ width: 390, height: 844, scale: 2, mobile: true });
      await sleep(200);
      const phone = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, body: document.body.scrollWidth }));
      check(phone.scroll <= 390 && phone.body <= 390, "media: 390 px wide without sideways scroll (call open)", JSON.stringify(phone));
      checkClean(p, "media", u);
      await p.send("Page.close").catch(() => {});
    }

    // Sessions: a transfer with Replaces, three Call-IDs in one session; each leg opens its call.
    const multi = join(corpus, "sip-gre-teb-mirror-subscribe-notify-refer.pcapng");
    if (existsSync(multi)) {
      const f = report(multi, "sessions.html", ["--sessions"]);
      const u = pathToFileURL(f).href;
      const p = await browser.newPage({ width: 1280, height: 900 });
      await p.goto(u);
      check(await ready(p), "sessions: the calls load");
      const expected = run(["sessions", "--format", "ndjson", multi]).trim().split("\n").map((l) => JSON.parse(l));
      const shown = await p.evaluate(() => [...document.querySelectorAll("#sessions details.session")].map((d) => ({
        id: d.id.replace("session-", ""), strength: d.dataset.strength, legs: d.querySelectorAll("table.legs tbody tr").length,
        weakShownAsGuess: [...d.querySelectorAll(".link-weak")].every((b) => b.textContent.includes("guess")),
      })));
      const same = expected.length === shown.length && expected.every((e) => {
        const s = shown.find((x) => x.id === e.session_id);
        return s && s.strength === e.strength && s.legs === e.legs && s.weakShownAsGuess;
      });
      check(same, `sessions: ${expected.length} sessions with their legs and strength as sipdx sessions gives them`, JSON.stringify({ shown, expected: expected.map((e) => [e.session_id, e.legs, e.strength]) }));
      const multiLeg = expected.find((e) => e.legs > 1);
      if (multiLeg) {
        const leg = multiLeg.leg_list[multiLeg.leg_list.length - 1].call_id;
        await p.evaluate((id) => [...document.querySelectorAll("#sessions a.call-link")].find((a) => a.dataset.call === id).click(), leg);
        const title = await until(p, (id) => { const t = document.getElementById("call-title"); return t && t.textContent.includes(id) && document.querySelector("#call-view svg.ladder") ? t.textContent : null; }, leg);
        check(title, "sessions: a leg's Call-ID opens that call with its ladder", String(title));
        const back = await p.evaluate(() => document.querySelector("#call-view .call-session a")?.getAttribute("href"));
        check(back === `#session-${multiLeg.session_id}`, "sessions: the call view names its session", String(back));
      }
      await p.resize({ width: 390, height: 844, scale: 2, mobile: true });
      await sleep(200);
      const phone = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, body: document.body.scrollWidth }));
      check(phone.scroll <= 390 && phone.body <= 390, "sessions: 390 px wide without sideways scroll", JSON.stringify(phone));
      checkClean(p, "sessions", u);
      await p.send("Page.close").catch(() => {});
    }
  }
} finally {
  await browser.close();
}
console.log(failures === 0 ? "report_test: all checks passed" : `report_test: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
