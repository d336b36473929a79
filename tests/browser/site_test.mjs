// Browser test of the generated response reference site, in real headless Chromium.
// Usage: node site_test.mjs SITE_DIR   (SITE_DIR written by `sipdx site`)
// Exit 0 when every check passes, 1 on a failed check, 77 when chromium is missing.
import { pathToFileURL } from "node:url";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { Browser, findChromium } from "./cdp.mjs";

const siteDir = resolve(process.argv[2] || "");
if (!process.argv[2] || !existsSync(join(siteDir, "index.html"))) {
  console.error(`site_test: no index.html in ${siteDir}`);
  process.exit(2);
}
if (!findChromium()) {
  console.log("site_test: chromium not found, skipping");
  process.exit(77);
}

let failures = 0;
let passes = 0;
function check(condition, what, detail = "") {
  if (condition) {
    passes += 1;
    console.log(`ok   ${what}`);
  } else {
    failures += 1;
    console.log(`FAIL ${what}${detail ? `: ${detail}` : ""}`);
  }
}

// What the index shows right now: the visible entries, sections and the status line.
function visibleState() {
  const shown = (el) => !el.hidden && el.getClientRects().length > 0;
  return {
    codes: [...document.querySelectorAll(".code-item")].filter(shown).map((li) => li.dataset.code),
    all: [...document.querySelectorAll(".code-item")].map((li) => ({ code: li.dataset.code, search: li.dataset.search })),
    sections: [...document.querySelectorAll(".class-section")].filter(shown).map((s) => s.dataset.class),
    status: document.getElementById("filter-status").textContent,
    noResults: shown(document.getElementById("no-results")),
    active: document.activeElement ? document.activeElement.id : "",
    value: document.getElementById("filter-input").value,
    counts: Object.fromEntries([...document.querySelectorAll("[data-class-link]")].map((a) => [a.dataset.classLink, a.querySelector("[data-count]").textContent])),
  };
}

// Runs with scripts disabled in the page, so it must not rely on anything the site script sets.
function visibleStateWithoutScript() {
  const shown = (el) => el.getClientRects().length > 0;
  return {
    entries: [...document.querySelectorAll(".code-item")].filter(shown).length,
    sections: [...document.querySelectorAll(".class-section")].filter(shown).length,
    filterShown: shown(document.querySelector("[data-filter]")),
  };
}

// WCAG contrast ratio of an element's text against the first opaque background behind it.
function contrastReport(selectors) {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const c = parse(getComputedStyle(node).backgroundColor);
      if (c && c.a >= 0.99) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const out = [];
  for (const sel of selectors) {
    for (const el of document.querySelectorAll(sel)) {
      if (el.getClientRects().length === 0) continue;
      const fg = parse(getComputedStyle(el).color);
      const bg = background(el);
      const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      out.push({ sel, text: el.textContent.trim().slice(0, 30), ratio: (l1 + 0.05) / (l2 + 0.05) });
    }
  }
  return out;
}

const browser = await Browser.launch();
try {
  const page = await browser.newPage({ width: 1280, height: 900 });
  const indexUrl = pathToFileURL(join(siteDir, "index.html")).href;
  await page.goto(indexUrl);

  // The six class sections and every entry render, styled, with the filter box shown.
  const layout = await page.evaluate(() => ({
    sections: [...document.querySelectorAll(".class-section h2")].map((h) => h.textContent.trim()),
    fastAnswers: [...document.querySelectorAll(".class-section .fast-answer")].filter((p) => p.textContent.trim().length > 20).length,
    entries: document.querySelectorAll(".code-item").length,
    entryHeights: [...document.querySelectorAll(".code-item")].filter((li) => li.getBoundingClientRect().height < 20).length,
    firstLink: document.querySelector(".code-item a")?.textContent.trim(),
    filterShown: !document.querySelector("[data-filter]").hidden,
    styled: getComputedStyle(document.querySelector(".code-list")).listStyleType === "none",
    legend: document.querySelectorAll(".legend-list .badge").length,
    title: document.title,
  }));
  const initial = await page.evaluate(visibleState);
  const total = initial.all.length;
  check(layout.sections.length === 6 && layout.sections.every((t, i) => t.startsWith(`${i + 1}xx`)),
    "index shows six class sections 1xx..6xx in order", JSON.stringify(layout.sections));
  check(layout.fastAnswers === 6, "every class section has its fast-answer sentence");
  check(total >= 60, `index lists every registered code (${total})`);
  check(initial.codes.length === total && layout.entryHeights === 0, "every entry is rendered and visible");
  check(layout.firstLink && layout.firstLink.startsWith("100"), "the first entry is 100", layout.firstLink);
  check(layout.styled, "the stylesheet is applied");
  check(layout.filterShown, "the script reveals the filter box");
  check(layout.legend >= 12, "the category legend has a labelled badge per category");

  // Keyboard: "/" jumps to the filter, then typing narrows the list as you type.
  await page.press("/", { code: "Slash", keyCode: 191 });
  let state = await page.evaluate(visibleState);
  check(state.active === "filter-input", "'/' moves the focus to the filter box", state.active);

  await page.type("4");
  state = await page.evaluate(visibleState);
  const fours = initial.all.filter((e) => e.code.startsWith("4")).map((e) => e.code);
  check(JSON.stringify(state.codes) === JSON.stringify(fours), `typing '4' leaves the 4xx codes (${state.codes.length})`);

  await page.type("8");
  state = await page.evaluate(visibleState);
  const expected48 = initial.all.filter((e) => e.code.startsWith("48")).map((e) => e.code);
  check(expected48.length > 0 && JSON.stringify(state.codes) === JSON.stringify(expected48),
    `typing '48' leaves exactly the 48x codes`, `${state.codes} vs ${expected48}`);
  check(JSON.stringify(state.sections) === '["4"]', "only the 4xx section stays", JSON.stringify(state.sections));
  check(state.status === `${expected48.length} of ${total} codes shown`, "the status line counts the matches", state.status);
  check(state.counts["4"] === String(expected48.length) && ["1", "2", "3", "5", "6"].every((c) => state.counts[c] === "0"),
    "the class list counts the matches per class", JSON.stringify(state.counts));

  await page.press("Escape", { code: "Escape", keyCode: 27 });
  state = await page.evaluate(visibleState);
  check(state.codes.length === total && state.value === "", "Escape clears the filter and shows every code again");

  const wordFilter = async (word, mustInclude) => {
    await page.type(word);
    const s = await page.evaluate(visibleState);
    const expected = s.all.filter((e) => e.search.includes(word)).map((e) => e.code);
    check(s.codes.length > 0 && s.codes.length < total && JSON.stringify(s.codes) === JSON.stringify(expected),
      `typing '${word}' narrows the list to the entries that mention it (${s.codes.join(" ")})`);
    for (const code of mustInclude) {
      if (s.all.some((e) => e.code === code)) check(s.codes.includes(code), `'${word}' finds ${code}`);
    }
    await page.press("Escape", { code: "Escape", keyCode: 27 });
  };
  await wordFilter("busy", ["486", "600"]);
  await wordFilter("auth", ["401", "407"]);

  await page.type("zzzz");
  state = await page.evaluate(visibleState);
  check(state.codes.length === 0 && state.noResults, "a filter that matches nothing says so");
  await page.press("Escape", { code: "Escape", keyCode: 27 });

  // Follow a link to a code page, by clicking it as a reader would.
  await page.type("486");
  const target = (await page.evaluate(visibleState)).codes[0] || initial.codes[0];
  const navigated = browser.waitFor("Page.loadEventFired", page.sessionId);
  await page.click(`.code-item[data-code="${target}"] a`);
  await navigated;
  const codePage = await page.evaluate(() => ({
    url: location.href,
    h1: document.querySelector("h1")?.textContent.trim(),
    sections: [...document.querySelectorAll("article h2")].map((h) => h.textContent.trim()),
    styled: getComputedStyle(document.querySelector(".site-header")).borderBottomStyle === "solid",
    q850: document.querySelector('a[href^="../q850/"]:not(.site-nav a)')?.getAttribute("href") || "",
  }));
  check(codePage.url.endsWith(`/codes/${target}.html`), `clicking ${target} opens codes/${target}.html`, codePage.url);
  check(codePage.h1 && codePage.h1.startsWith(target), "the code page heading names the code", codePage.h1);
  check(["What to check next", "Find it in a capture"].every((t) => codePage.sections.includes(t)),
    "the code page has its sections", JSON.stringify(codePage.sections));
  check(codePage.styled, "the code page is styled");
  if (codePage.q850) {
    const toCause = browser.waitFor("Page.loadEventFired", page.sessionId);
    await page.click(`article a[href="${codePage.q850}"]`);
    await toCause;
    const cause = await page.evaluate(() => ({ url: location.href, h1: document.querySelector("h1")?.textContent.trim() }));
    check(cause.url.includes("/q850/") && /^\d+/.test(cause.h1 || ""), "a Q.850 link opens the cause page", cause.h1);
  }

  // Phone widths: nothing wider than the screen.
  for (const phone of [320, 390]) {
    await page.resize({ width: phone, height: 800, scale: 2, mobile: true });
    for (const path of ["index.html", "codes/486.html", "q850/index.html", "warning/index.html"]) {
      if (!existsSync(join(siteDir, path))) continue;
      await page.goto(pathToFileURL(join(siteDir, path)).href);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      check(width <= phone, `${path} fits a ${phone} px wide phone (${width} px)`);
    }
  }

  // Contrast (WCAG AA, 4.5:1 for text) in light and dark mode.
  await page.resize({ width: 1280, height: 900 });
  for (const scheme of ["light", "dark"]) {
    await page.colorScheme(scheme);
    for (const path of ["index.html", "codes/486.html"]) {
      if (!existsSync(join(siteDir, path))) continue;
      await page.goto(pathToFileURL(join(siteDir, path)).href);
      const report = await page.evaluate(contrastReport, [
        "body", ".badge", ".summary", ".fast-answer", ".hint", ".lede", ".code-link .num", ".eyebrow",
        ".fact dt", ".fact-note", ".command-what", ".breadcrumb a", ".site-nav a", "a.code-ref",
        ".checklist li", ".class-chip", ".site-footer p", ".legend-description",
      ]);
      const worst = report.reduce((w, r) => (r.ratio < w.ratio ? r : w), { ratio: 99 });
      check(report.length > 20 && worst.ratio >= 4.5, `${scheme} mode ${path}: text contrast >= 4.5:1 (lowest ${worst.ratio.toFixed(2)} ${worst.sel} "${worst.text}")`);
    }
  }
  await page.colorScheme("dark");
  await page.goto(indexUrl);
  const darkBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  check(/rgb\((\d+), (\d+), (\d+)\)/.test(darkBg) && darkBg.match(/\d+/g).slice(0, 3).every((v) => Number(v) < 60),
    "dark mode gives a dark page", darkBg);

  // Keyboard: the first Tab reaches the skip link, Enter on it moves to the main content.
  await page.colorScheme("light");
  await page.goto(indexUrl);
  await page.press("Tab", { code: "Tab", keyCode: 9 });
  const skip = await page.evaluate(() => document.activeElement?.className || "");
  check(skip === "skip-link", "the first Tab focuses the skip link", skip);
  await page.press("Enter", { code: "Enter", keyCode: 13, text: "\r" });
  const afterSkip = await page.evaluate(() => location.hash);
  check(afterSkip === "#main", "the skip link jumps to the main content", afterSkip);

  // Without JavaScript the whole list is there and no dead filter box shows.
  await page.send("Emulation.setScriptExecutionDisabled", { value: true });
  await page.goto(indexUrl);
  const noScript = await page.evaluate(visibleStateWithoutScript);
  check(noScript.entries === total && noScript.sections === 6 && !noScript.filterShown,
    "without JavaScript every entry shows and the filter box stays hidden", JSON.stringify(noScript));
  await page.send("Emulation.setScriptExecutionDisabled", { value: false });

  check(page.errors.length === 0, "no script errors or failed loads", page.errors.join(" | "));
  const outside = page.requests.filter((url) => !url.startsWith("file:") && !url.startsWith("data:"));
  check(page.requests.length > 10 && outside.length === 0,
    `every request stays on the local site (${page.requests.length} requests)`, outside.slice(0, 5).join(" "));
} catch (error) {
  failures += 1;
  console.log(`FAIL ${error.stack || error}`);
} finally {
  await browser.close();
}
console.log(`${passes} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
