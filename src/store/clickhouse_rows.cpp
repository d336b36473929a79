// The TabSeparated text of the ClickHouse rows, column by column in table order.
#include "store/detail/clickhouse_rows.h"

#include <sipdx/analysis/explain.h>
#include <sipdx/sip/method.h>
#include <sipdx/text/escape.h>

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace sipdx::store::detail::ch {

// ClickHouse's TabSeparated escapes a NUL as \0, which text::append_tsv (the escaping sipdx's
// own TSV outputs use) leaves as it is: the NULs are escaped here, the rest goes through it.
void tsv(std::string& out, std::string_view v) {
    for (;;) {
        const auto nul = v.find('\0');
        text::append_tsv(out, v.substr(0, nul));
        if (nul == std::string_view::npos) return;
        out += "\\0";
        v.remove_prefix(nul + 1);
    }
}

void real(std::string& out, std::optional<double> v) {
    if (v) {
        fmt::format_to(std::back_inserter(out), "{}", *v);
    } else {
        out += "\\N";
    }
}

std::int64_t seconds(std::int64_t ns) {
    const std::int64_t s = ns / 1'000'000'000 - (ns % 1'000'000'000 < 0 ? 1 : 0);
    return std::max<std::int64_t>(s, 0); // DateTime starts at 1970
}

void append_message_row(std::string& o, std::string_view sha256, std::uint64_t seq,
                        const RowBatch& batch, const MessageRow& m) {
    tsv(o, sha256);
    o += '\t';
    num(o, seq);
    o += '\t';
    num(o, m.frame);
    o += '\t';
    num(o, seconds(m.time_ns));
    o += '\t';
    num(o, m.time_ns);
    o += '\t';
    o += m.src.to_string();
    o += '\t';
    num(o, m.sport);
    o += '\t';
    o += m.dst.to_string();
    o += '\t';
    num(o, m.dport);
    o += '\t';
    o += decode::to_string(m.transport);
    o += '\t';
    o += m.is_request ? "request\t" : "response\t";
    if (m.is_request) tsv(o, batch.view(m.method));
    o += '\t';
    num(o, m.is_request ? 0 : std::clamp(m.status, 0, 65535));
    o += '\t';
    if (!m.is_request) tsv(o, batch.view(m.reason));
    o += '\t';
    tsv(o, batch.view(m.call_id));
    o += '\t';
    num(o, m.cseq);
    o += '\t';
    tsv(o, batch.view(m.cseq_method));
    o += '\t';
    tsv(o, batch.view(m.from_tag));
    o += '\t';
    tsv(o, batch.view(m.to_tag));
    o += '\t';
    tsv(o, batch.view(m.branch));
    o += '\t';
    num(o, m.size);
    o += m.retransmission ? "\t1" : "\t0";
    o += m.duplicate ? "\t1\t" : "\t0\t";
    num(o, m.file_offset);
    o += '\t';
    num(o, m.interface_id);
    o += '\t';
    o += m.encap.to_string();
    o += '\t';
    o += m.decode_findings.to_string();
    o += '\t';
    tsv(o, batch.view(m.sip_findings));
    o += '\n';
}

void append_call_row(std::string& o, std::string_view sha256, std::string_view name,
                     std::uint64_t seq, const session::CallRecord& r) {
    auto text = [&](std::string_view v) {
        tsv(o, v);
        o += '\t';
    };
    auto n = [&](auto v) {
        num(o, v);
        o += '\t';
    };
    text(sha256);
    text(name);
    n(seq);
    text(r.call_id);
    text(session::to_string(r.kind));
    text(r.first_method);
    text(r.from);
    text(r.to);
    n(seconds(r.start_ns));
    n(r.start_ns);
    n(r.end_ns);
    text(session::to_string(r.outcome));
    n(std::clamp(r.final_code, 0, 65535));
    text(r.final_reason);
    n(r.final_code / 100);
    text(analysis::category_of(r.final_code));
    text(r.reason_header);
    text(r.warning);
    text(r.has_failed_by ? analysis::failed_by_text(r) : std::string());
    text(r.failed_by_product);
    text(r.icid);
    text(r.bye_by);
    real(o, r.pdd_ms);
    o += '\t';
    real(o, r.setup_ms);
    o += '\t';
    real(o, r.duration_s);
    o += '\t';
    for (auto v : {r.messages, r.retransmissions, r.duplicates, r.transactions, r.attempts,
                   r.challenges, r.dialogs, r.reinvites, r.pracks, r.hops})
        n(v);
    n(r.cancel_seen ? 1 : 0);
    n(r.has_sdp ? 1 : 0);
    n(r.registrations);
    n(r.registrations_ok);
    n(r.deregistrations);
    tsv(o, r.explanation);
    o += '\n';
}

void append_final_row(std::string& w, std::string_view sha256, std::uint64_t seq,
                      std::uint64_t call_seq, std::int64_t start_ns, int code,
                      std::uint64_t count) {
    tsv(w, sha256);
    w += '\t';
    num(w, seq);
    w += '\t';
    num(w, call_seq);
    w += '\t';
    num(w, seconds(start_ns));
    w += '\t';
    num(w, std::clamp(code, 0, 65535));
    w += '\t';
    num(w, count);
    w += '\n';
}

void append_finding_row(std::string& w, std::string_view sha256, std::uint64_t seq,
                        std::uint64_t call_seq, const session::CallRecord& r,
                        const session::FindingHit& hit) {
    tsv(w, sha256);
    w += '\t';
    num(w, seq);
    w += '\t';
    num(w, call_seq);
    w += '\t';
    tsv(w, r.call_id);
    w += '\t';
    num(w, seconds(r.start_ns));
    w += '\t';
    w += session::to_string(hit.code);
    w += '\t';
    w += session::to_string(session::severity_of(hit.code));
    w += '\t';
    num(w, hit.frame);
    w += '\t';
    num(w, hit.count);
    w += '\n';
}

} // namespace sipdx::store::detail::ch
