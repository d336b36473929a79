// Takes the README screenshots of a generated site in headless Chromium.
// Usage: node screenshots.mjs SITE_DIR OUT_DIR [CODE]
import { pathToFileURL } from "node:url";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Browser } from "./cdp.mjs";

const [siteArg, outArg, code = "486"] = process.argv.slice(2);
if (!siteArg || !outArg) {
  console.error("usage: node screenshots.mjs SITE_DIR OUT_DIR [CODE]");
  process.exit(2);
}
const siteDir = resolve(siteArg);
const outDir = resolve(outArg);
const shots = [
  { file: "site-index-desktop.png", page: "index.html", width: 1280, height: 860, scale: 1 },
  // The phone shot shows the filter at work: "48" typed, the list narrowed to the 48x codes.
  { file: "site-index-phone.png", page: "index.html", query: "?q=48", scrollTo: "[data-filter]", width: 390, height: 844, scale: 2, mobile: true },
  { file: "site-code-desktop.png", page: `codes/${code}.html`, width: 1280, height: 860, scale: 1 },
  { file: "site-code-phone.png", page: `codes/${code}.html`, width: 390, height: 844, scale: 2, mobile: true },
];

const browser = await Browser.launch();
try {
  for (const shot of shots) {
    const page = await browser.newPage(shot);
    await page.colorScheme(shot.scheme || "light");
    await page.goto(pathToFileURL(join(siteDir, shot.page)).href + (shot.query || ""));
    if (shot.scrollTo) {
      await page.evaluate((sel) => {
        const el = document.querySelector(sel);
        if (el) window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 12);
      }, shot.scrollTo);
    }
    writeFileSync(join(outDir, shot.file), await page.screenshot());
    console.log(`wrote ${join(outDir, shot.file)}`);
  }
} finally {
  await browser.close();
}
