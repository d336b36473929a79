#include <sipdx/sip/method.h>

#include "store/detail/rows.h"

namespace sipdx::store::detail {

void RowBatch::add_message(const analysis::MessageContext& m, std::uint64_t seq) {
    const decode::SipPayload& p = m.payload;
    const session::SipEvent& e = m.event;
    MessageRow& r = messages.emplace_back();
    r.source = e.source;
    r.seq = seq;
    r.call = m.step.call;
    r.frame = e.frame;
    r.time_ns = e.time_ns;
    r.file_offset = p.file_offset;
    r.interface_id = p.interface_id;
    r.src = e.src.address;
    r.dst = e.dst.address;
    r.sport = e.src.port;
    r.dport = e.dst.port;
    r.transport = e.transport;
    r.is_request = e.is_request;
    r.has_cseq = !e.cseq_method_text.empty();
    r.retransmission = m.step.retransmission();
    r.duplicate = m.step.duplicate();
    r.decode_findings = p.findings;
    r.encap = p.encap;
    r.status = e.status;
    r.cseq = e.cseq;
    r.size = e.size;
    if (e.is_request) {
        r.method = add(e.method == sip::Method::unknown ? e.method_text : sip::to_string(e.method));
    } else {
        r.reason = add(e.reason_phrase);
    }
    r.call_id = add(e.call_id);
    r.cseq_method = add(e.cseq_method_text);
    r.from_tag = add(e.from_tag);
    r.to_tag = add(e.to_tag);
    r.branch = add(e.branch);
    // Each code once, in the order the parser reported them (as `sipdx messages` lists them).
    const std::uint32_t start = static_cast<std::uint32_t>(text.size());
    for (const auto& f : m.message.findings) {
        const std::string_view name = f.code_name();
        if (name.empty()) continue;
        bool seen = false;
        for (const auto& g : m.message.findings) {
            if (&g == &f) break;
            if (g.code == f.code) {
                seen = true;
                break;
            }
        }
        if (seen) continue;
        if (text.size() > start) text += ',';
        text.append(name);
    }
    r.sip_findings = {start, static_cast<std::uint32_t>(text.size() - start)};
}

void RowBatch::add_row(const RowBatch& from, const MessageRow& row) {
    MessageRow& r = messages.emplace_back(row);
    for (TextRef MessageRow::*field :
         {&MessageRow::method, &MessageRow::reason, &MessageRow::call_id, &MessageRow::cseq_method,
          &MessageRow::from_tag, &MessageRow::to_tag, &MessageRow::branch,
          &MessageRow::sip_findings})
        r.*field = add(from.view(row.*field));
}

} // namespace sipdx::store::detail
