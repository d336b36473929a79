#include "store/detail/sqlite_rows.h"

#include <sipdx/analysis/explain.h>
#include <sipdx/sip/method.h>

#include <fmt/format.h>

#include <algorithm>

namespace sipdx::store::detail {

std::string insert_messages_sql(std::size_t rows) {
    std::string sql =
        "INSERT OR ROLLBACK INTO messages (capture_id, seq, frame, time_ns, src, sport, dst, "
        "dport, transport, kind, method, status, reason, call_id, cseq_seq, cseq_method, from_tag, "
        "to_tag, branch, length, retransmission, duplicate, file_offset, interface_id, encap, "
        "decode_findings, sip_findings, call) VALUES ";
    for (std::size_t r = 0; r < rows; ++r) {
        sql += r == 0 ? "(" : ",(";
        for (int c = 1; c <= k_message_columns; ++c)
            sql += fmt::format("{}?{}", c == 1 ? "" : ",", r * k_message_columns + c);
        sql += ')';
    }
    return sql;
}

std::string insert_sql(std::string_view table, std::string_view names, int columns,
                       std::size_t rows) {
    std::string sql = fmt::format("INSERT OR ROLLBACK INTO {} ({}) VALUES ", table, names);
    for (std::size_t r = 0; r < rows; ++r) {
        sql += r == 0 ? "(" : ",(";
        for (int c = 1; c <= columns; ++c)
            sql +=
                fmt::format("{}?{}", c == 1 ? "" : ",", r * static_cast<std::size_t>(columns) + c);
        sql += ')';
    }
    return sql;
}

void MessageRowBinder::bind(CachedStatement& s, int slot, const RowBatch& batch,
                            const MessageRow& m, std::int64_t capture, std::int64_t call_base) {
    const int o = slot * k_message_columns;
    auto& text = m_slot_text[static_cast<std::size_t>(slot)];
    text[0] = m_addresses.text(m.src);
    text[1] = m_addresses.text(m.dst);
    const auto layers = m.encap.view();
    if (m_encap_text.empty() || layers.size() != m_encap.count ||
        !std::equal(layers.begin(), layers.end(), m_encap.layers.begin())) {
        m_encap = m.encap;
        m_encap_text = m.encap.to_string();
    }
    if (m.decode_findings.bits != m_findings_bits) {
        m_findings_bits = m.decode_findings.bits;
        m_findings_text = m.decode_findings.to_string();
    }
    text[2] = m_encap_text;
    text[3] = m_findings_text;
    s.bind(o + 1, capture);
    s.bind(o + 2, m.seq);
    s.bind(o + 3, m.frame);
    s.bind(o + 4, m.time_ns);
    s.bind_static(o + 5, text[0]);
    s.bind(o + 6, std::uint32_t{m.sport});
    s.bind_static(o + 7, text[1]);
    s.bind(o + 8, std::uint32_t{m.dport});
    s.bind_static(o + 9, decode::to_string(m.transport));
    s.bind_static(o + 10, m.is_request ? "request" : "response");
    // Every parameter is bound on every row (NULL included), so no clear_bindings.
    if (m.is_request) {
        s.bind_static(o + 11, batch.view(m.method));
        s.bind_null(o + 12);
        s.bind_null(o + 13);
    } else {
        s.bind_null(o + 11);
        s.bind(o + 12, m.status);
        s.bind_static(o + 13, batch.view(m.reason));
    }
    s.bind_static_or_null(o + 14, batch.view(m.call_id));
    if (m.has_cseq) {
        s.bind(o + 15, m.cseq);
    } else {
        s.bind_null(o + 15);
    }
    s.bind_static_or_null(o + 16, batch.view(m.cseq_method));
    s.bind_static_or_null(o + 17, batch.view(m.from_tag));
    s.bind_static_or_null(o + 18, batch.view(m.to_tag));
    s.bind_static_or_null(o + 19, batch.view(m.branch));
    s.bind(o + 20, m.size);
    s.bind(o + 21, m.retransmission);
    s.bind(o + 22, m.duplicate);
    s.bind(o + 23, m.file_offset);
    s.bind(o + 24, m.interface_id);
    s.bind_static(o + 25, text[2]);
    s.bind_static(o + 26, text[3]);
    s.bind_static(o + 27, batch.view(m.sip_findings));
    if (m.call != 0) {
        s.bind(o + 28, call_base + static_cast<std::int64_t>(m.call));
    } else {
        s.bind_null(o + 28);
    }
}

void bind_call_row(CachedStatement& s, int o, CallRow& row) {
    const auto& r = *row.record;
    s.bind(o + 1, row.capture);
    s.bind_static(o + 2, std::string_view(r.call_id));
    s.bind_static(o + 3, session::to_string(r.kind));
    s.bind_static(o + 4, std::string_view(r.first_method));
    s.bind_static(o + 5, std::string_view(r.from));
    s.bind_static(o + 6, std::string_view(r.to));
    s.bind(o + 7, r.start_ns);
    s.bind(o + 8, r.end_ns);
    s.bind_static(o + 9, session::to_string(r.outcome));
    if (r.final_code) {
        s.bind(o + 10, r.final_code);
        s.bind(o + 12, r.final_code / 100);
    } else {
        s.bind_null(o + 10);
        s.bind_null(o + 12);
    }
    s.bind_static(o + 11, std::string_view(r.final_reason));
    s.bind_static(o + 13, analysis::category_of(r.final_code));
    s.bind_static(o + 14, std::string_view(r.reason_header));
    s.bind_static(o + 15, std::string_view(r.warning));
    if (r.has_failed_by) {
        row.failed_by = analysis::failed_by_text(r);
        s.bind_static(o + 16, row.failed_by);
    } else {
        s.bind_null(o + 16);
    }
    s.bind_static(o + 17, std::string_view(r.failed_by_product));
    s.bind_static(o + 18, std::string_view(r.icid));
    s.bind_static(o + 19, std::string_view(r.bye_by));
    s.bind(o + 20, r.pdd_ms);
    s.bind(o + 21, r.setup_ms);
    s.bind(o + 22, r.duration_s);
    s.bind(o + 23, r.messages);
    s.bind(o + 24, r.retransmissions);
    s.bind(o + 25, r.duplicates);
    s.bind(o + 26, r.transactions);
    s.bind(o + 27, r.attempts);
    s.bind(o + 28, r.challenges);
    s.bind(o + 29, r.dialogs);
    s.bind(o + 30, r.reinvites);
    s.bind(o + 31, r.pracks);
    s.bind(o + 32, r.hops);
    s.bind(o + 33, r.cancel_seen);
    s.bind(o + 34, r.has_sdp);
    s.bind(o + 35, r.registrations);
    s.bind(o + 36, r.registrations_ok);
    s.bind(o + 37, r.deregistrations);
    s.bind_static(o + 38, std::string_view(r.explanation));
    s.bind(o + 39, row.id);
}

void bind_final_row(CachedStatement& s, int o, const FinalRow& row) {
    s.bind(o + 1, row.call);
    s.bind(o + 2, row.capture);
    s.bind(o + 3, row.code);
    s.bind(o + 4, row.count);
}

void bind_finding_row(CachedStatement& s, int o, const FindingRow& row) {
    s.bind(o + 1, row.call);
    s.bind(o + 2, row.capture);
    s.bind_static(o + 3, session::to_string(row.hit.code));
    s.bind_static(o + 4, session::to_string(session::severity_of(row.hit.code)));
    s.bind(o + 5, row.hit.frame);
    s.bind(o + 6, row.hit.count);
}

} // namespace sipdx::store::detail
