// Measures a report in headless Chromium: first paint of the summary, the time until every
// call is loaded into the table, and the time to open one call (docs/report.md "Figures").
// Usage: node report_paint.mjs REPORT.html
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { Browser } from "./cdp.mjs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node report_paint.mjs REPORT.html");
  process.exit(2);
}
const browser = await Browser.launch({ timeoutMs: 180000 });
try {
  const page = await browser.newPage({ width: 1280, height: 900 });
  const started = Date.now();
  await page.goto(pathToFileURL(resolve(file)).href);
  const loadEvent = Date.now() - started;
  let ready = null;
  for (let i = 0; i < 1200 && ready === null; i++) {
    if (await page.evaluate(() => document.body.dataset.ready === "1")) ready = Date.now() - started;
    else await new Promise((r) => setTimeout(r, 100));
  }
  const paint = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType("paint").map((p) => [p.name, Math.round(p.startTime)])));
  const open = await page.evaluate(async () => {
    const t0 = performance.now();
    document.querySelector(".vrow:not([hidden])").click();
    for (let i = 0; i < 200 && !document.querySelector("#call-view svg.ladder"); i++) await new Promise((r) => setTimeout(r, 10));
    return Math.round(performance.now() - t0);
  });
  const heap = await page.evaluate(() => (performance.memory ? Math.round(performance.memory.usedJSHeapSize / 1e6) : null));
  console.log(JSON.stringify({ first_paint_ms: paint["first-paint"], first_contentful_paint_ms: paint["first-contentful-paint"],
    load_event_ms: loadEvent, calls_loaded_ms: ready, open_call_ms: open, js_heap_mb: heap, errors: page.errors }));
} finally {
  await browser.close();
}
