// Takes the README screenshots of a report in headless Chromium.
// Usage: node report_screenshots.mjs REPORT.html OUT_DIR [MEDIA_REPORT.html SESSIONS_REPORT.html]
// The two optional reports add the media and sessions shots (docs/report.md says which
// captures and options they are written from).
import { pathToFileURL } from "node:url";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Browser } from "./cdp.mjs";

const [reportArg, outArg, mediaArg, sessionsArg] = process.argv.slice(2);
if (!reportArg || !outArg) {
  console.error("usage: node report_screenshots.mjs REPORT.html OUT_DIR");
  process.exit(2);
}
const url = pathToFileURL(resolve(reportArg)).href;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Each shot: viewport, what to open, where to scroll to.
const shots = [
  { file: "report-summary-desktop.png", width: 1280, height: 900 },
  { file: "report-charts-desktop.png", width: 1280, height: 900, scrollTo: "#charts" },
  { file: "report-call-desktop.png", width: 1280, height: 900, call: "busy-1@sipdx.test", arrow: 3, scrollTo: "#call" },
  { file: "report-summary-phone.png", width: 390, height: 844, scale: 2, mobile: true },
  { file: "report-call-phone.png", width: 390, height: 844, scale: 2, mobile: true, call: "busy-1@sipdx.test", arrow: 3, scrollTo: "#call-view .ladder-box" },
];
if (mediaArg) shots.push({ file: "report-media-desktop.png", width: 1280, height: 900, report: mediaArg, openFirst: "#media table.streams a.call-link", scrollTo: "#call-view .call-media" });
if (sessionsArg) shots.push({ file: "report-sessions-desktop.png", width: 1280, height: 900, report: sessionsArg, scrollTo: "#sessions" });
const browser = await Browser.launch();
try {
  for (const shot of shots) {
    const page = await browser.newPage(shot);
    await page.colorScheme("light");
    const base = shot.report ? pathToFileURL(resolve(shot.report)).href : url;
    await page.goto(base + (shot.call ? `#call=${encodeURIComponent(shot.call)}` : ""));
    for (let i = 0; i < 100 && !(await page.evaluate(() => document.body.dataset.ready === "1")); i++) await sleep(50);
    if (shot.openFirst) {
      await page.evaluate((sel) => document.querySelector(sel)?.click(), shot.openFirst);
      await sleep(300);
    }
    if (shot.arrow !== undefined) {
      await sleep(200);
      await page.evaluate((k) => document.querySelector(`#call-view g.msg[data-k="${k}"]`)?.dispatchEvent(new MouseEvent("click", { bubbles: true })), shot.arrow);
    }
    await sleep(200);
    await page.evaluate((sel) => {
      if (!sel) return window.scrollTo(0, 0);
      const el = document.querySelector(sel);
      if (el) window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 8);
    }, shot.scrollTo || "");
    await sleep(150);
    writeFileSync(join(resolve(outArg), shot.file), await page.screenshot());
    console.log(`wrote ${shot.file}`);
  }
} finally {
  await browser.close();
}
