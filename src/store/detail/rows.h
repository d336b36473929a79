// Owned copies of what the analysis hands out, so the sinks can write them on a writer thread
// after the callback has returned (the views of a MessageContext die with the callback).
//
// A RowBatch is filled on the analysis thread and consumed on the writer thread; batches are
// recycled (vectors and the text arena keep their capacity), so steady-state copying does not
// allocate per message.
#pragma once

#include <sipdx/analysis/analyzer.h>
#include <sipdx/decode/packet.h>
#include <sipdx/session/record.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sipdx::store::detail {

// A span of RowBatch::text.
struct TextRef {
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
};

// One row of the messages table, before rendering (addresses and encapsulation are rendered
// on the writer thread).
struct MessageRow {
    std::uint32_t source = 0;
    std::uint64_t seq = 0;  // ordinal of the message in its capture (kept rows may have gaps)
    std::uint64_t call = 0; // CallRecord::number of its record (0: no Call-ID)
    std::uint64_t frame = 0;
    std::int64_t time_ns = 0;
    std::uint64_t file_offset = 0;
    std::uint32_t interface_id = 0;
    decode::Address src;
    decode::Address dst;
    std::uint16_t sport = 0;
    std::uint16_t dport = 0;
    decode::Transport transport = decode::Transport::udp;
    bool is_request = true;
    bool has_cseq = false; // a CSeq method was present (cseq_seq is NULL otherwise)
    bool retransmission = false;
    bool duplicate = false;
    decode::DecodeFindings decode_findings;
    decode::Encap encap;
    int status = 0;
    std::uint32_t cseq = 0;
    std::uint32_t size = 0;
    TextRef method; // resolved method name (requests)
    TextRef reason; // reason phrase (responses)
    TextRef call_id;
    TextRef cseq_method;
    TextRef from_tag;
    TextRef to_tag;
    TextRef branch;
    TextRef sip_findings; // distinct parse finding codes, comma-separated
};

struct RowBatch {
    std::vector<MessageRow> messages;
    std::vector<session::CallRecord> calls;
    std::string text;
    // After these rows: the captures (sources) whose rows are all given, to be completed in
    // this order, and whether an analysis run ended (its record numbers start again).
    std::vector<std::uint32_t> completed;
    bool end_of_run = false;

    std::string_view view(TextRef r) const {
        return std::string_view(text).substr(r.offset, r.size);
    }
    std::size_t rows() const { return messages.size() + calls.size(); }
    void clear() {
        messages.clear();
        calls.clear();
        text.clear();
        completed.clear();
        end_of_run = false;
    }
    TextRef add(std::string_view v) {
        TextRef r{static_cast<std::uint32_t>(text.size()), static_cast<std::uint32_t>(v.size())};
        text.append(v);
        return r;
    }
    // Copies what the messages table keeps of one message.
    void add_message(const analysis::MessageContext& m, std::uint64_t seq);
    // Copies a row of another batch (its text included).
    void add_row(const RowBatch& from, const MessageRow& row);
};

} // namespace sipdx::store::detail
