// The site's stylesheet and script. They are kept here as raw string literals, not as separate
// files, so that the library carries them without a build step to embed files (the top-level
// CMake globs src/output/*.cpp and nothing else is needed). Edit them here; `sipdx site`
// writes them to assets/site.css and assets/site.js. Constraints (docs/site.md): no external
// fonts, images or scripts; every page must read well without the script.
#include "output/detail/site_assets.h"

namespace sipdx::output::detail {

namespace {

constexpr std::string_view stylesheet =
    R"css(/* sipdx response reference: one stylesheet, light and dark. */
:root {
  color-scheme: light dark;
  --bg: #f6f7f9;
  --surface: #ffffff;
  --surface-2: #f0f2f5;
  --text: #17202b;
  --text-2: #3a4554;
  --muted: #5b6675;
  --border: #dde2e8;
  --border-strong: #c5ccd6;
  --accent: #1a5bc4;
  --accent-strong: #124494;
  --accent-soft: #e7effc;
  --code-bg: #f2f4f7;
  --shadow: 0 1px 2px rgb(15 23 42 / 5%), 0 2px 6px rgb(15 23 42 / 5%);
  --shadow-hover: 0 2px 4px rgb(15 23 42 / 7%), 0 8px 20px rgb(15 23 42 / 8%);
  --radius: 10px;
  --radius-small: 6px;
  --badge-bg: 94%;
  --badge-fg: 26%;
  --badge-line: 44%;
  --font: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial,
    "DejaVu Sans", sans-serif;
  --mono: ui-monospace, "SFMono-Regular", "Cascadia Mono", "Roboto Mono", "DejaVu Sans Mono",
    Menlo, Consolas, monospace;
}

@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117;
    --surface: #151b23;
    --surface-2: #1b222c;
    --text: #e7ebf0;
    --text-2: #c3cad3;
    --muted: #98a3b1;
    --border: #29313c;
    --border-strong: #3a4452;
    --accent: #82b4ff;
    --accent-strong: #a9cbff;
    --accent-soft: #17253b;
    --code-bg: #1b222c;
    --shadow: none;
    --shadow-hover: 0 0 0 1px var(--border-strong);
    --badge-bg: 19%;
    --badge-fg: 83%;
    --badge-line: 62%;
  }
}

/* Category hues: the badge always carries its text label, so colour is never the only cue. */
.cat-progress { --h: 205; --s: 70%; }
.cat-success { --h: 145; --s: 55%; }
.cat-redirection { --h: 265; --s: 55%; }
.cat-request-error { --h: 28; --s: 80%; }
.cat-authentication { --h: 185; --s: 65%; }
.cat-policy { --h: 340; --s: 65%; }
.cat-capability-mismatch { --h: 295; --s: 45%; }
.cat-reachability { --h: 45; --s: 90%; }
.cat-dialog-state { --h: 230; --s: 55%; }
.cat-server-error { --h: 5; --s: 75%; }
.cat-network-timeout { --h: 85; --s: 50%; }
.cat-global-final { --h: 220; --s: 12%; }

*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
.visually-hidden {
  position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}

html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0;
  background: var(--bg);
  color: var(--text);
  font: 400 1rem/1.6 var(--font);
  font-kerning: normal;
  text-rendering: optimizeLegibility;
}

a { color: var(--accent); text-decoration-thickness: 1px; text-underline-offset: 0.18em; }
a:hover { color: var(--accent-strong); text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; border-radius: 3px; }
main:focus { outline: none; }

h1, h2, h3 { line-height: 1.2; letter-spacing: -0.01em; color: var(--text); }
h1 { font-size: clamp(1.75rem, 1.2rem + 2.2vw, 2.5rem); font-weight: 700; margin: 0 0 0.75rem; }
h2 { font-size: 1.3rem; font-weight: 650; margin: 0 0 0.75rem; }
p { margin: 0 0 1rem; }
code, kbd, pre { font-family: var(--mono); font-size: 0.9em; }
code { background: var(--code-bg); padding: 0.1em 0.35em; border-radius: 4px; }
kbd {
  display: inline-block; padding: 0 0.4em; border: 1px solid var(--border-strong);
  border-bottom-width: 2px; border-radius: 4px; background: var(--surface); font-size: 0.8em;
  line-height: 1.5; color: var(--text-2);
}
.num { font-family: var(--mono); font-variant-numeric: tabular-nums; font-weight: 650; }
.muted { color: var(--muted); font-weight: 400; }
.flag {
  display: inline-block; align-self: center; margin-left: 0.5rem; padding: 0.1em 0.5em;
  border: 1px solid var(--border-strong); border-radius: 4px; color: var(--muted);
  font: 700 0.68rem/1.4 var(--font); letter-spacing: 0.07em; text-transform: uppercase;
  vertical-align: 0.2em;
}
h1 .flag { font-size: 0.8rem; }

.wrap { width: 100%; max-width: 78rem; margin: 0 auto; padding: 0 1.5rem; }
.wrap.narrow { max-width: 52rem; }

.skip-link {
  position: absolute; left: 1rem; top: -4rem; z-index: 10; padding: 0.6rem 1rem;
  background: var(--accent); color: #fff; border-radius: var(--radius-small); font-weight: 600;
}
.skip-link:focus { top: 1rem; color: #fff; }

/* Header and footer */
.site-header { background: var(--surface); border-bottom: 1px solid var(--border); }
.header-inner {
  display: flex; align-items: center; justify-content: space-between; gap: 1rem 2rem;
  flex-wrap: wrap; padding-top: 0.85rem; padding-bottom: 0.85rem;
}
.brand { display: inline-flex; align-items: center; gap: 0.7rem; color: var(--text); text-decoration: none; }
.brand:hover { color: var(--text); }
.brand-mark {
  display: inline-grid; place-items: center; width: 2.4rem; height: 2.4rem; border-radius: 9px;
  background: linear-gradient(135deg, #1a5bc4, #3b82f6); color: #fff; font: 700 0.8rem/1 var(--mono);
  letter-spacing: 0.04em;
}
.brand-text { display: flex; flex-direction: column; line-height: 1.15; }
.brand-name { font-weight: 700; font-size: 1.1rem; letter-spacing: -0.01em; }
.brand-sub { color: var(--muted); font-size: 0.85rem; }
.site-nav ul { display: flex; flex-wrap: wrap; gap: 0.25rem; margin: 0; padding: 0; list-style: none; }
.site-nav a {
  display: block; padding: 0.4rem 0.8rem; border-radius: 999px; color: var(--text-2);
  text-decoration: none; font-weight: 550; font-size: 0.95rem;
}
.site-nav a:hover { background: var(--surface-2); color: var(--text); }
.site-nav a[aria-current="page"], .site-nav a.is-active { background: var(--accent-soft); color: var(--accent-strong); }

.site-footer {
  margin-top: 4rem; padding: 2rem 0 2.5rem; border-top: 1px solid var(--border);
  color: var(--muted); font-size: 0.875rem; background: var(--surface);
}
.site-footer p { max-width: 52rem; margin: 0; }

/* Index */
.hero { padding: 2.75rem 0 1.75rem; }
.lede { font-size: 1.125rem; line-height: 1.6; color: var(--text-2); max-width: 46rem; }
.stats { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 1.25rem 0 0; font-size: 0.9rem; color: var(--muted); }
.stats > span {
  padding: 0.3rem 0.75rem; border: 1px solid var(--border); border-radius: 999px;
  background: var(--surface);
}
.stats strong { color: var(--text); font-variant-numeric: tabular-nums; }
.stats a { color: inherit; text-decoration: none; }
.stats a:hover strong, .stats a:hover { color: var(--accent); }

.index-layout { display: grid; grid-template-columns: minmax(0, 1fr); gap: 2rem; align-items: start; }
.sidebar { display: grid; gap: 1.5rem; }
.sidebar-title {
  font-size: 0.75rem; font-weight: 700; letter-spacing: 0.08em; text-transform: uppercase;
  color: var(--muted); margin: 0 0 0.6rem;
}

.filter label { display: block; font-weight: 650; margin-bottom: 0.4rem; }
.filter input {
  width: 100%; padding: 0.7rem 0.9rem; font: inherit; font-size: 1.05rem; color: var(--text);
  background: var(--surface); border: 1.5px solid var(--border-strong); border-radius: var(--radius-small);
  box-shadow: var(--shadow);
}
.filter input::placeholder { color: var(--muted); opacity: 0.8; }
.filter input:focus { outline: 3px solid var(--accent-soft); border-color: var(--accent); }
.hint { font-size: 0.82rem; color: var(--muted); margin: 0.5rem 0 0; }
.filter-status { font-size: 0.875rem; font-weight: 600; color: var(--text-2); margin: 0.5rem 0 0; min-height: 1.4em; }

.class-nav ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.15rem; }
.class-nav a {
  display: flex; align-items: center; gap: 0.6rem; padding: 0.35rem 0.5rem; border-radius: var(--radius-small);
  color: var(--text-2); text-decoration: none;
}
.class-nav a:hover { background: var(--surface-2); color: var(--text); }
.class-nav .class-name { flex: 1; font-size: 0.93rem; }
.class-nav .count { font-size: 0.8rem; color: var(--muted); font-variant-numeric: tabular-nums; }
.class-nav a.is-empty { opacity: 0.45; }

.class-chip {
  display: inline-block; min-width: 2.9em; padding: 0.1em 0.45em; border-radius: 5px;
  font: 700 0.85em/1.4 var(--mono); text-align: center; color: hsl(var(--ch) 60% var(--badge-fg));
  background: hsl(var(--ch) 60% var(--badge-bg)); border: 1px solid hsl(var(--ch) 60% var(--badge-line) / 35%);
}
.class-1 { --ch: 205; } .class-2 { --ch: 145; } .class-3 { --ch: 265; }
.class-4 { --ch: 35; } .class-5 { --ch: 5; } .class-6 { --ch: 220; }

.legend summary { cursor: pointer; list-style: none; display: flex; align-items: center; gap: 0.4rem; }
.legend summary::-webkit-details-marker { display: none; }
.legend summary::after {
  content: ""; width: 0.45em; height: 0.45em; border-right: 2px solid var(--muted);
  border-bottom: 2px solid var(--muted); transform: rotate(-45deg); margin: 0 0 0.6rem 0.2rem;
}
.legend[open] summary::after { transform: rotate(45deg); }
.legend summary .sidebar-title { margin-bottom: 0.6rem; }
.legend-list { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.55rem; }
.legend-list li { display: grid; gap: 0.15rem; justify-items: start; }
.legend-description { font-size: 0.82rem; color: var(--muted); line-height: 1.45; }

.badge {
  display: inline-flex; align-items: center; gap: 0.4em; padding: 0.12em 0.6em; border-radius: 999px;
  font-size: 0.78rem; font-weight: 650; line-height: 1.5; white-space: nowrap;
  color: hsl(var(--h, 220) var(--s, 10%) var(--badge-fg));
  background: hsl(var(--h, 220) var(--s, 10%) var(--badge-bg));
  border: 1px solid hsl(var(--h, 220) var(--s, 10%) var(--badge-line) / 40%);
}
.badge::before {
  content: ""; width: 0.55em; height: 0.55em; border-radius: 50%;
  background: hsl(var(--h, 220) var(--s, 10%) var(--badge-line));
}

.no-results {
  padding: 1.25rem 1.5rem; border: 1px dashed var(--border-strong); border-radius: var(--radius);
  color: var(--text-2); background: var(--surface);
}
.class-section { margin-bottom: 2.5rem; scroll-margin-top: 1rem; }
.class-head { margin-bottom: 1rem; }
.class-head h2 { display: flex; align-items: center; gap: 0.6rem; font-size: 1.45rem; margin-bottom: 0.4rem; }
.fast-answer { color: var(--text-2); max-width: 48rem; margin: 0; }

.code-list {
  list-style: none; margin: 0; padding: 0; background: var(--surface); border: 1px solid var(--border);
  border-radius: var(--radius); box-shadow: var(--shadow); overflow: hidden;
}
.code-item {
  position: relative; display: grid; grid-template-columns: minmax(0, 1fr) auto; column-gap: 1rem;
  row-gap: 0.1rem; align-items: baseline; padding: 0.7rem 1.1rem 0.75rem 1.25rem;
  border-top: 1px solid var(--border); transition: background-color 0.12s ease;
}
.code-item:first-child { border-top: 0; }
.code-item::before {
  content: ""; position: absolute; left: 0; top: 0; bottom: 0; width: 4px;
  background: hsl(var(--h) var(--s) var(--badge-line));
}
.code-item:hover { background: var(--surface-2); }
.code-link {
  display: flex; align-items: baseline; color: var(--text); text-decoration: none; font-weight: 650;
  font-size: 1.03rem;
}
.code-link::after { content: ""; position: absolute; inset: 0; }
.code-link:hover { color: var(--accent-strong); }
.code-link:focus-visible { outline: none; }
.code-link:focus-visible::after { outline: 3px solid var(--accent); outline-offset: -3px; }
.code-link .num { flex: none; width: 3.4rem; color: hsl(var(--h) var(--s) var(--badge-fg)); }
.code-item .badge { justify-self: end; }
.code-item .summary {
  grid-column: 1 / -1; margin: 0; padding-left: 3.4rem; color: var(--muted); font-size: 0.92rem;
  line-height: 1.5;
}

/* Code, cause and warning pages */
.breadcrumb { margin: 1.75rem 0 0; font-size: 0.875rem; }
.breadcrumb ol { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 0.5rem; }
.breadcrumb li { color: var(--muted); }
.breadcrumb li + li::before { content: "/"; margin-right: 0.5rem; color: var(--border-strong); }
.breadcrumb a { color: var(--text-2); text-decoration: none; }
.breadcrumb a:hover { color: var(--accent); text-decoration: underline; }

.entry-wrap { max-width: 52rem; }
.entry-layout { display: grid; grid-template-columns: minmax(0, 1fr); gap: 3rem; align-items: start; }
.toc { display: none; }
@media (min-width: 75rem) {
  .entry-wrap { max-width: 70rem; }
  .entry-layout { grid-template-columns: minmax(0, 1fr) 13rem; }
  .toc {
    display: block; position: sticky; top: 1.5rem; margin-top: 2rem; padding-left: 1rem;
    border-left: 1px solid var(--border);
  }
  .toc ol { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.35rem; font-size: 0.9rem; }
  .toc a { color: var(--text-2); text-decoration: none; }
  .toc a:hover { color: var(--accent); text-decoration: underline; }
  .entry-wrap .pager { max-width: calc(100% - 16rem); }
}
.entry-head { padding: 1.5rem 0 0.5rem; }
.eyebrow {
  font-size: 0.78rem; font-weight: 700; letter-spacing: 0.08em; text-transform: uppercase;
  color: var(--muted); margin-bottom: 0.6rem;
}
.entry-head h1 { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.2em 0.45em; }
.entry-head h1 .num {
  color: hsl(var(--h, 215) var(--s, 70%) var(--badge-fg)); background: hsl(var(--h, 215) var(--s, 70%) var(--badge-bg));
  padding: 0.02em 0.3em; border-radius: 8px; font-weight: 700;
}
.facts {
  display: grid; grid-template-columns: repeat(auto-fit, minmax(11.5rem, 1fr)); gap: 0.75rem;
  margin: 1.5rem 0 0;
}
.fact {
  background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius);
  padding: 0.8rem 1rem; box-shadow: var(--shadow);
}
.fact dt {
  font-size: 0.72rem; font-weight: 700; letter-spacing: 0.08em; text-transform: uppercase;
  color: var(--muted); margin-bottom: 0.3rem;
}
.fact dd { margin: 0; font-weight: 550; }
.fact-note { display: block; margin-top: 0.35rem; font-size: 0.85rem; font-weight: 400; color: var(--muted); line-height: 1.45; }

.block { margin-top: 2.25rem; }
.block h2 { padding-bottom: 0.5rem; border-bottom: 1px solid var(--border); }
.block > p { max-width: 46rem; color: var(--text-2); }

.checklist { list-style: none; counter-reset: check; margin: 0; padding: 0; display: grid; gap: 0.6rem; }
.checklist li {
  counter-increment: check; position: relative; padding: 0.7rem 1rem 0.7rem 3.1rem;
  background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius);
  color: var(--text-2);
}
.checklist li::before {
  content: counter(check); position: absolute; left: 0.85rem; top: 0.72rem; width: 1.5rem; height: 1.5rem;
  display: grid; place-items: center; border-radius: 50%; background: var(--accent-soft);
  color: var(--accent-strong); font: 700 0.8rem/1 var(--font);
}

.command-list {
  list-style: none; margin: 0; padding: 0; background: var(--surface); border: 1px solid var(--border);
  border-radius: var(--radius); overflow: hidden;
}
.command { padding: 0.65rem 1rem 0.7rem; border-top: 1px solid var(--border); }
.command:first-child { border-top: 0; }
.command-what { margin: 0 0 0.25rem; font-size: 0.85rem; color: var(--muted); }
.command pre { margin: 0; overflow-x: auto; line-height: 1.5; }
.command pre code { background: none; padding: 0; font-size: 0.9rem; color: var(--text); font-weight: 550; }

.related-list { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.6rem;
  grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); }
.related-list li {
  position: relative; padding: 0.75rem 1rem; background: var(--surface); border: 1px solid var(--border);
  border-left: 4px solid hsl(var(--h) var(--s) var(--badge-line)); border-radius: var(--radius);
}
.related-list .code-ref { font-weight: 650; }
.related-list .badge { display: flex; width: fit-content; margin: 0.4rem 0 0; }
.related-list .summary { margin: 0.35rem 0 0; font-size: 0.88rem; color: var(--muted); line-height: 1.45; }

.code-ref .num { font-weight: 700; margin-right: 0.1em; }
.link-list { margin: 0.25rem 0 1rem; padding-left: 1.2rem; display: grid; gap: 0.3rem; }
.mapping .link-list { margin-bottom: 0; }
.link-list.columns { grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr)); column-gap: 2rem; }

.mapping { margin: 0; display: grid; gap: 1rem; }
.mapping > div { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); padding: 0.9rem 1.1rem; }
.mapping dt { font-weight: 650; margin-bottom: 0.35rem; }
.mapping dd { margin: 0; color: var(--text-2); }
.mapping dd p { margin: 0 0 0.4rem; }

.reference-list { margin: 0; padding-left: 1.2rem; display: grid; gap: 0.25rem; }
a.external::after { content: " \2197"; font-size: 0.85em; }

.pager { display: grid; grid-template-columns: 1fr 1fr; gap: 0.75rem; margin-top: 3rem; }
.pager a {
  display: block; padding: 0.8rem 1rem; border: 1px solid var(--border); border-radius: var(--radius);
  background: var(--surface); text-decoration: none; color: var(--text);
}
.pager a:hover { border-color: var(--accent); }
.pager-next { grid-column: 2; text-align: right; }
.pager-dir { display: block; font-size: 0.75rem; font-weight: 700; letter-spacing: 0.08em; text-transform: uppercase; color: var(--muted); }
.pager-title { font-weight: 600; }

.table-wrap { overflow-x: auto; background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); box-shadow: var(--shadow); }
.data-table { width: 100%; border-collapse: collapse; font-size: 0.95rem; }
.data-table caption { text-align: left; padding: 0.9rem 1rem; color: var(--muted); font-size: 0.875rem; caption-side: top; }
.data-table th, .data-table td { padding: 0.6rem 1rem; text-align: left; vertical-align: top; border-top: 1px solid var(--border); }
.data-table th { font-size: 0.75rem; letter-spacing: 0.07em; text-transform: uppercase; color: var(--muted); background: var(--surface-2); }
.data-table tbody tr:hover { background: var(--surface-2); }
.num-cell { font-family: var(--mono); font-weight: 700; font-variant-numeric: tabular-nums; white-space: nowrap; }

@media (min-width: 62rem) {
  .index-layout { grid-template-columns: 18.5rem minmax(0, 1fr); gap: 3rem; }
  .sidebar {
    position: sticky; top: 1.25rem; max-height: calc(100vh - 2.5rem); overflow-y: auto;
    padding: 0.25rem 0.5rem 1rem 0.25rem; margin-left: -0.25rem;
  }
}

@media (max-width: 61.99rem) {
  .class-nav ul { grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); column-gap: 1rem; }
}

@media (max-width: 40rem) {
  .wrap { padding: 0 1rem; }
  .header-inner { padding-top: 0.7rem; padding-bottom: 0.6rem; gap: 0.6rem; }
  .site-nav { width: 100%; margin: 0 -0.55rem; }
  .site-nav ul { gap: 0; }
  .site-nav a { padding: 0.3rem 0.45rem; font-size: 0.85rem; white-space: nowrap; }
  .brand-mark { width: 2.1rem; height: 2.1rem; font-size: 0.72rem; }
  .hero { padding: 1.5rem 0 1rem; }
  .lede { font-size: 1rem; }
  .stats, .keys-hint { display: none; }
  .sidebar { gap: 1rem; }
  .class-nav ul { display: flex; flex-wrap: wrap; gap: 0.2rem; }
  .class-nav a { padding: 0.1rem 0.15rem; gap: 0.2rem; }
  .class-nav .class-chip { min-width: 2.6em; }
  .class-nav .count { font-size: 0.75rem; }
  .class-nav .class-name { display: none; }
  .code-item { grid-template-columns: minmax(0, 1fr); padding: 0.7rem 0.9rem 0.75rem 1.1rem; }
  .code-item .badge { justify-self: start; margin: 0.25rem 0 0.2rem 3rem; }
  .code-link .num { width: 3rem; }
  .code-item .summary { padding-left: 3rem; }
  .class-head h2 { font-size: 1.2rem; }
  .fast-answer { font-size: 0.93rem; }
  .code-link { font-size: 1rem; }
  .code-item .summary { font-size: 0.88rem; }
  .facts { gap: 0.5rem; margin-top: 1.1rem; }
  .fact { padding: 0.6rem 0.85rem; }
  .pager { grid-template-columns: 1fr; }
  .pager-next { grid-column: 1; }
  .data-table th, .data-table td { padding: 0.55rem 0.7rem; }
}

@media (prefers-reduced-motion: reduce) {
  * { transition: none !important; }
}

@media print {
  .site-header, .sidebar, .pager, .skip-link { display: none; }
  .code-item, .fact, .checklist li { box-shadow: none; }
}
)css";

constexpr std::string_view script =
    R"js(// sipdx response reference: the index filter. Every page is complete without this script.
(function () {
  "use strict";

  // On narrow screens the category legend starts folded so the codes come first.
  var legend = document.querySelector("[data-legend]");
  if (legend && window.matchMedia && window.matchMedia("(max-width: 61.99rem)").matches) {
    legend.open = false;
  }

  var box = document.querySelector("[data-filter]");
  if (!box) {
    return;
  }
  var input = box.querySelector("input");
  var status = document.getElementById("filter-status");
  var empty = document.getElementById("no-results");
  var items = Array.prototype.slice.call(document.querySelectorAll(".code-item"));
  var sections = Array.prototype.slice.call(document.querySelectorAll(".class-section"));
  var classLinks = Array.prototype.slice.call(document.querySelectorAll("[data-class-link]"));
  box.hidden = false;

  // A term matches when it is the start of a code ("48"), a class ("4xx"), or a piece of the
  // words on the entry: reason phrase, category and one-line meaning ("busy", "auth").
  function termMatches(item, term) {
    var code = item.getAttribute("data-code");
    if (/^[0-9]+$/.test(term)) {
      return code.indexOf(term) === 0;
    }
    if (/^[1-6]xx$/.test(term)) {
      return code.charAt(0) === term.charAt(0);
    }
    return item.getAttribute("data-search").indexOf(term) !== -1;
  }

  function apply() {
    var terms = input.value.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 0; });
    var shown = 0;
    var perClass = {};
    items.forEach(function (item) {
      var visible = terms.every(function (term) { return termMatches(item, term); });
      item.hidden = !visible;
      if (visible) {
        shown += 1;
        var cls = item.getAttribute("data-code").charAt(0);
        perClass[cls] = (perClass[cls] || 0) + 1;
      }
    });
    sections.forEach(function (section) {
      section.hidden = !perClass[section.getAttribute("data-class")];
    });
    classLinks.forEach(function (link) {
      var n = perClass[link.getAttribute("data-class-link")] || 0;
      var count = link.querySelector("[data-count]");
      if (count) {
        count.textContent = String(n);
      }
      link.classList.toggle("is-empty", n === 0);
    });
    empty.hidden = shown !== 0;
    if (terms.length === 0) {
      status.textContent = "";
    } else {
      status.textContent = shown + " of " + items.length + (items.length === 1 ? " code" : " codes") + " shown";
    }
  }

  input.addEventListener("input", apply);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && input.value !== "") {
      input.value = "";
      apply();
      event.preventDefault();
    }
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable);
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });

  // A filter can be linked: index.html?q=busy
  var match = /[?&]q=([^&#]*)/.exec(window.location.search);
  if (match) {
    try {
      input.value = decodeURIComponent(match[1].replace(/\+/g, " "));
    } catch (e) {
      input.value = "";
    }
  }
  if (input.value) {
    apply();
  }
})();
)js";

} // namespace

std::string_view site_stylesheet() {
    return stylesheet;
}
std::string_view site_script() {
    return script;
}

} // namespace sipdx::output::detail
