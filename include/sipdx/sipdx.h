// sipdx as a library: the few calls a program needs, in one include.
//
//   find_package(sipdx REQUIRED)
//   target_link_libraries(app PRIVATE sipdx::sipdx)
//   #include <sipdx/sipdx.h>
//
// Data flows one way through the stages (docs/architecture.md): capture -> decode -> sip ->
// session -> analysis -> store. Each call below is the front door of one stage; its header
// says the rest. Errors are values (tl::expected, or problems listed per input); nothing here
// throws on bad input, and a capture is never trusted to be well formed.
//
// OPEN A CAPTURE: frames, as the file holds them.
//   auto source = sipdx::capture::open("trace.pcapng");  // pcap, pcapng, .gz, SIP text, "-"
//   if (!source) fail(source.error().message());
//   sipdx::capture::Frame frame;
//   while ((*source)->next(frame) == sipdx::capture::ReadStatus::frame) ...
//   sipdx::capture::LiveOptions live;                     // or an interface (capture/live.h)
//   live.interface = "lo";
//   auto interface = sipdx::capture::open_live(live);
//
// ITERATE MESSAGES: every SIP message, decoded (tunnels, fragments, TCP, SCTP, WebSocket, HEP)
// and parsed, one at a time, with each input's problems and decode stats.
//   sipdx::decode::MessageReader reader({"a.pcap", "traces/"});
//   while (const sipdx::decode::ReadMessage* m = reader.next())
//       use(m->payload.src, m->payload.time_ns, m->message.method_text, m->message.status);
//   for (const auto& input : reader.inputs()) if (!input.clean()) ...
//
// ANALYSE: calls, registrations and other dialogs with their outcome, plus the whole trace's
// counts and KPIs. Several inputs are one trace, merged by capture time.
//   sipdx::analysis::AnalyzeOptions options;             // threads, tracker limits, callbacks
//   sipdx::analysis::Analyzer analyzer(options);
//   analyzer.on_record([](sipdx::session::CallRecord&& call) { ... });  // one per Call-ID
//   const sipdx::analysis::RunResult run = analyzer.run({"a.pcap"});
//   analyzer.summary().kpis().asr; run.exit_code();
//
// EXPLAIN: what happened to one Call-ID and why, in plain words from the knowledge base
// (response codes, Q.850 causes, Warning codes). The analyzer fills CallRecord::explanation
// already; these answer for a record or a code on their own.
//   sipdx::analysis::explain(call);              // one paragraph
//   sipdx::analysis::standard_phrase(486);       // "Busy Here"
//
// STORE: the analysis of captures kept in SQLite (and/or ClickHouse), each capture once.
//   sipdx::store::StoreOptions store;
//   store.db = "sipdx.db";
//   auto stored = sipdx::store::ingest({"a.pcap"}, store);
//   if (!stored) fail(stored.error().message);
#pragma once

#include <sipdx/analysis/analyzer.h>
#include <sipdx/analysis/explain.h>
#include <sipdx/analysis/summary.h>
#include <sipdx/capture/live.h>
#include <sipdx/capture/source.h>
#include <sipdx/decode/message_reader.h>
#include <sipdx/session/record.h>
#include <sipdx/store/writer.h>
