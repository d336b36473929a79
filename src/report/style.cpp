// The report's style sheet: light and dark themes (prefers-color-scheme), a phone layout below
// 700 px, and a print layout. Text colours keep a contrast of at least 4.5:1 on their
// backgrounds in both themes (the browser test measures it).
#include "report/detail/page.h"

namespace sipdx::report::detail {

std::string_view report_css() {
    return R"CSS(
:root{--bg:#fff;--fg:#1b1c1f;--muted:#50545c;--line:#c9cdd3;--panel:#f3f4f6;--link:#0a53c4;--focus:#0a53c4;--row:30px;
--s0:#6b7280;--s1:#5a6b85;--s2:#1e8e3e;--s3:#0b8091;--s4:#d9730d;--s5:#d93025;--s6:#8e24aa;--s7:#9aa0a6;
--b-ok:#dff3e4;--b-bad:#fde2e0;--b-warn:#fdefd6;--b-info:#e3ecfb;--b-none:#eceef1;--sel:#dbe7fd}
@media (prefers-color-scheme:dark){:root{--bg:#131417;--fg:#e6e7ea;--muted:#a9adb5;--line:#3b3f46;--panel:#1d1f24;--link:#8ab4f8;--focus:#8ab4f8;
--s0:#9aa0a6;--s1:#8fa3c4;--s2:#5bb974;--s3:#4fc3d1;--s4:#f6a04d;--s5:#f28b82;--s6:#c58af9;--s7:#6b7280;
--b-ok:#173a22;--b-bad:#4a1d1a;--b-warn:#45300f;--b-info:#1c2d4a;--b-none:#2a2d33;--sel:#223457}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;overflow-wrap:anywhere}
a{color:var(--link)}
:focus-visible{outline:2px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:var(--bg);padding:4px 8px;z-index:9}
header.top,main,footer{max-width:1240px;margin:0 auto;padding:0 16px}
header.top h1{font-size:1.45rem;margin:16px 0 4px}
.meta,.muted{color:var(--muted)}
.meta{margin:0 0 8px}
.banner{background:var(--b-warn);border-radius:6px;padding:8px 12px;margin:8px 0}
nav ul{list-style:none;margin:0;padding:0 0 8px;display:flex;flex-wrap:wrap;gap:4px 14px;border-bottom:1px solid var(--line)}
section{margin:18px 0 26px}
h2{font-size:1.2rem;margin:0 0 8px;padding-top:6px}
h3{font-size:1rem;margin:14px 0 4px}
.lead{margin:4px 0 10px;max-width:80ch}
code{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,monospace;font-size:.9em;background:var(--panel);padding:0 3px;border-radius:3px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:8px;margin:0}
.tile{background:var(--panel);border-radius:8px;padding:8px 10px}
.tile dt{font-size:.8rem;color:var(--muted)}.tile dd{margin:0;font-size:1.25rem;font-weight:600}
.tile small{display:block;font-size:.75rem;font-weight:400;color:var(--muted)}
.class-block{margin:8px 0 14px}
.cls{display:inline-block;min-width:2.6em;text-align:center;border-radius:4px;padding:0 4px;color:#fff;background:var(--s1)}
@media (prefers-color-scheme:dark){.cls{color:#131417}}
.cls.c2{background:#137333}.cls.c3{background:#08707e}.cls.c4{background:#b35a00}.cls.c5{background:#c5221f}.cls.c6{background:var(--s6)}.cls.c1{background:#4a5a73}
@media (prefers-color-scheme:dark){.cls.c2{background:var(--s2)}.cls.c3{background:var(--s3)}.cls.c4{background:var(--s4)}.cls.c5{background:var(--s5)}.cls.c1{background:var(--s1)}}
.codes{list-style:none;margin:0;padding:0}
.code-head,.code summary{display:grid;grid-template-columns:1fr 7em 7em 8em;gap:6px;align-items:baseline}
.code-head{font-size:.8rem;color:var(--muted);padding:0 8px}.code-head span:not(:first-child){text-align:right}
.code summary{cursor:pointer;padding:4px 8px;border-top:1px solid var(--line);list-style:none}
.code summary::-webkit-details-marker{display:none}
.code summary .cname::before{content:"▸ ";color:var(--muted)}.code[open] summary .cname::before{content:"▾ "}
.code summary:hover{background:var(--panel)}
.n{text-align:right;font-variant-numeric:tabular-nums}
.ref{padding:4px 12px 10px 22px;background:var(--panel);max-width:100%}.ref p{margin:4px 0}
.two{display:grid;grid-template-columns:1fr 1fr;gap:16px}
table{border-collapse:collapse}
.plain th,.plain td,.grid th,.grid td,.findings th,.findings td{padding:3px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
.plain th{font-weight:500}
thead th{overflow-wrap:normal;white-space:nowrap}
.scroll{overflow-x:auto;max-width:100%}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:.85em;background:var(--b-none)}
.o-answered,.o-registered,.o-completed,.o-ended,.o-unregistered{background:var(--b-ok)}
.o-failed,.o-timeout,.o-challenged{background:var(--b-bad)}
.o-cancelled,.o-redirected,.o-in_progress{background:var(--b-warn)}
.sev-error{background:var(--b-bad)}.sev-warning{background:var(--b-warn)}.sev-info{background:var(--b-info)}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,520px),1fr));gap:14px}
figure{margin:0;background:var(--panel);border-radius:8px;padding:8px 10px;break-inside:avoid}
figcaption h3{margin:0}figcaption p{margin:0 0 4px;font-size:.85rem}
svg.chart{width:100%;height:auto;display:block}
.chart .grid{stroke:var(--line);stroke-width:1}.chart .axis{stroke:var(--muted)}
.chart .tick{fill:var(--muted);font-size:12px}
.chart .line{fill:none;stroke-width:2}
.s0{fill:var(--s0);stroke:var(--s0)}.s1{fill:var(--s1);stroke:var(--s1)}.s2{fill:var(--s2);stroke:var(--s2)}.s3{fill:var(--s3);stroke:var(--s3)}
.s4{fill:var(--s4);stroke:var(--s4)}.s5{fill:var(--s5);stroke:var(--s5)}.s6{fill:var(--s6);stroke:var(--s6)}.s7{fill:var(--s7);stroke:var(--s7)}
.chart rect{stroke:none}.chart path.line{fill:none}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:2px 14px;margin:4px 0 0;padding:0;font-size:.85rem}
.key{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:5px;vertical-align:-1px;background:currentColor}
.key.s1{background:var(--s1)}.key.s2{background:var(--s2)}.key.s3{background:var(--s3)}.key.s4{background:var(--s4)}.key.s5{background:var(--s5)}.key.s6{background:var(--s6)}.key.s7{background:var(--s7)}
.grid th{white-space:nowrap;overflow-wrap:normal}.grid th[scope=col]{text-align:right}.grid td{text-align:right}
.cell{font:inherit;background:var(--b-bad);color:var(--fg);border:0;border-radius:4px;padding:1px 8px;cursor:pointer;min-width:2.5em}
.cell:hover{outline:1px solid var(--fg)}
.filter{display:flex;flex-wrap:wrap;gap:6px 10px;align-items:center}
.filter input{font:inherit;flex:1 1 240px;max-width:520px;padding:6px 8px;border:1px solid var(--muted);border-radius:6px;background:var(--bg);color:var(--fg)}
#chip{background:var(--b-info);border-radius:12px;padding:2px 4px 2px 10px}
#chip button{font:inherit;border:0;background:none;color:var(--fg);cursor:pointer}
#status{margin:6px 0;color:var(--muted)}
.vtable{border:1px solid var(--line);border-radius:6px;font-size:.9rem}
.vhead,.vrow{display:grid;grid-template-columns:minmax(9em,2fr) 6.5em 7.5em 3.5em minmax(6em,1fr) minmax(8em,1.3fr) 4.5em 4.5em 4.5em 6.5em minmax(10em,3fr);gap:0 8px;padding:0 8px;align-items:center}
.vhead{background:var(--panel);border-bottom:1px solid var(--line);font-weight:600}
.vhead button{font:inherit;font-weight:600;background:none;border:0;color:var(--fg);padding:6px 0;cursor:pointer;text-align:left;width:100%}
.vhead button[aria-sort=ascending]::after{content:" ▲"}.vhead button[aria-sort=descending]::after{content:" ▼"}
.vbody{position:relative;max-height:min(60vh,560px);min-height:3em;overflow-y:auto;overflow-x:hidden}
#spacer{width:1px}
.vrow{position:absolute;left:0;right:0;height:var(--row);border-bottom:1px solid var(--line);cursor:pointer}
.vrow:hover,.vrow.sel{background:var(--sel)}
.vrow span{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.vrow .c-pdd,.vrow .c-setup,.vrow .c-dur,.vrow .c-code{text-align:right;font-variant-numeric:tabular-nums}
#call-view{background:var(--panel);border-radius:8px;padding:10px 12px}
#call-view h3{font-size:1.05rem;margin:0 0 6px}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0}
.facts dt{color:var(--muted)}.facts dd{margin:0}
.ladder-box{overflow-x:auto;background:var(--bg);border:1px solid var(--line);border-radius:6px;margin:8px 0}
svg.ladder{display:block;font:12px ui-monospace,"DejaVu Sans Mono",Menlo,monospace}
.ladder .life{stroke:var(--line);stroke-width:1}
.ladder .host{fill:var(--fg);font-weight:600}
.ladder .t{fill:var(--muted)}
.ladder .msg{color:var(--fg);cursor:pointer}
.ladder .msg line.a{stroke:currentColor;stroke-width:1.5}.ladder .msg polygon{fill:currentColor}
.ladder .msg text{fill:currentColor}
.ladder .msg line.hit{stroke:transparent;stroke-width:14}
.ladder .msg.retx{color:var(--s5)}.ladder .msg.retx line.a,.ladder .msg.dup line.a{stroke-dasharray:5 3}
.ladder .msg.dup{color:var(--muted)}
.ladder .msg.fail{color:var(--s5)}.ladder .msg.ok{color:var(--s2)}
.ladder .msg:hover text,.ladder .msg.sel text{font-weight:700;text-decoration:underline}
.ladder .msg.sel line.a{stroke-width:3}
pre.message{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:8px;margin:6px 0;font:12.5px/1.4 ui-monospace,"DejaVu Sans Mono",Menlo,monospace;max-height:70vh;overflow-y:auto}
pre.sdp{border-left:4px solid var(--s3)}
.link-strong{background:var(--b-ok)}.link-medium{background:var(--b-info)}.link-weak{background:var(--b-warn);font-style:italic}
.session{border:1px solid var(--line);border-radius:6px;padding:6px 10px;margin:8px 0}.session summary{cursor:pointer}
.verdict{font-weight:600}.links{padding-left:1.2em}
.call-media{margin-top:14px}.stream{border-top:1px solid var(--line);margin-top:8px}.stream h5{margin:8px 0 4px;font-size:.95rem}
.stream-fig{margin:6px 0;max-width:720px}.chart .hover{fill:transparent}
.streams td.path,.legs td.path,.nodes td:nth-child(-n+3){white-space:nowrap}.streams .call-link,.legs .call-link{display:inline-block}
footer{border-top:1px solid var(--line);color:var(--muted);font-size:.85rem;margin-top:30px}
@media (max-width:700px){
:root{--row:50px}
body{font-size:14px}
.two{grid-template-columns:1fr}
.code-head,.code summary{grid-template-columns:1fr 3.6em 3.6em 3.9em;font-size:.85rem}
.vhead,.vrow{grid-template-columns:1fr auto auto;grid-template-rows:auto auto}
.vhead .c-kind,.vhead .c-reason,.vhead .c-fb,.vhead .c-pdd,.vhead .c-setup,.vhead .c-dur,.vhead .c-start,.vhead .c-why{display:none}
.vrow .c-kind,.vrow .c-reason,.vrow .c-fb,.vrow .c-pdd,.vrow .c-setup,.vrow .c-dur,.vrow .c-start{display:none}
.vrow .c-why{grid-column:1/-1;color:var(--muted);font-size:.85em}
.facts{grid-template-columns:1fr}.facts dd{margin-bottom:4px}
.chart .tick{font-size:19px}
.findings thead{display:none}.findings tr{display:block;border-bottom:1px solid var(--line);padding:4px 0}
.findings td{display:inline-block;border:0;padding:2px 6px}.findings td:nth-child(2){display:block}
.findings td.n::before{content:attr(data-label) " ";color:var(--muted)}
}
@media print{
:root{--bg:#fff;--fg:#000;--muted:#333;--line:#bbb;--panel:#f3f3f3;--link:#000}
nav,.filter,#status,.vtable,.skip,#call-empty,noscript{display:none}
section{break-inside:auto}figure,.class-block,tr{break-inside:avoid}
.charts{grid-template-columns:1fr 1fr}
.ladder-box{overflow:visible}pre.message{max-height:none}
a{text-decoration:none}
}
)CSS";
}

} // namespace sipdx::report::detail
