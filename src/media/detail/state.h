// The media analyzer's state, shared by its three parts: packets (analyzer.cpp, decoding
// thread), SDP (sdp_book.cpp, tracking thread) and the join after the run (join.cpp).
#pragma once

#include <sipdx/media/analyzer.h>
#include <sipdx/media/udptl.h>
#include <sipdx/session/flat_index.h>
#include <sipdx/session/record_cache.h>
#include <sipdx/sip/sdp.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace sipdx::media::detail {

// 5-tuple and SSRC as bytes: source address (16), destination (16), ports (4), SSRC (4),
// address families (2), transport (1: 0 UDP, 1 TCP), padding (1).
struct FlowKey {
    alignas(8) std::array<std::uint8_t, 48> bytes{}; // the last 4 stay zero
    // Six word compares, inlined: the look-up's compare runs once per packet.
    friend bool operator==(const FlowKey& a, const FlowKey& b) {
        std::uint64_t diff = 0;
        for (std::size_t i = 0; i < 48; i += 8) {
            std::uint64_t x = 0;
            std::uint64_t y = 0;
            std::memcpy(&x, a.bytes.data() + i, 8);
            std::memcpy(&y, b.bytes.data() + i, 8);
            diff |= x ^ y;
        }
        return diff == 0;
    }
    // A multiply-xorshift over the six words: cheaper than a general hash for 48 bytes.
    std::uint64_t hash() const {
        std::uint64_t h = 0x9E3779B97F4A7C15ull;
        for (std::size_t i = 0; i < 48; i += 8) {
            std::uint64_t x = 0;
            std::memcpy(&x, bytes.data() + i, 8);
            h = (h ^ x) * 0xBF58476D1CE4E5B9ull;
            h ^= h >> 31;
        }
        return h;
    }
};

struct StreamEntry {
    FlowKey key;
    decode::Address src;
    decode::Address dst;
    std::uint16_t sport = 0;
    std::uint16_t dport = 0;
    std::uint32_t ssrc = 0;
    std::uint32_t source = 0; // input of its first packet
    StreamCounters counters;
};

// Open addressing with linear probing, power-of-two capacity, at most half full: a look-up is
// one hash and, almost always, one compare. Grows by doubling (rare), never per packet.
class FlowTable {
public:
    FlowTable();
    // The entry's index, inserting when absent (then `inserted` is true); SIZE_MAX when full.
    std::size_t find_or_insert(const FlowKey& key, std::uint64_t hash, std::size_t limit,
                               bool& inserted);
    std::vector<StreamEntry> entries;

private:
    void grow();
    std::vector<std::uint64_t> m_hashes;
    std::vector<std::uint32_t> m_slots; // entry index + 1; 0 = empty
    std::size_t m_mask = 0;
};

// A UDPTL flow (no SSRC): the FlowKey with the SSRC bytes zero.
struct UdptlEntry {
    decode::Address src;
    decode::Address dst;
    std::uint16_t sport = 0;
    std::uint16_t dport = 0;
    std::uint32_t source = 0;
    UdptlCounters counters;
    std::vector<std::pair<std::uint32_t, std::uint64_t>> frames; // keep_frames
};

struct FlowKeyHasher {
    std::size_t operator()(const FlowKey& k) const { return k.hash(); }
};

struct RtcpAbout {
    std::uint32_t reports = 0;
    std::uint8_t fraction_lost = 0;
    std::int32_t cumulative_lost = 0;
    std::uint32_t jitter = 0;
    double rtt_sum_ms = 0;
    std::uint32_t rtt_count = 0;
    double rtt_max_ms = 0;
    bool has_xr = false;
    XrVoipMetrics xr;
};

struct SrSeen {
    std::array<std::uint32_t, 4> ntp_middle{};
    std::array<std::int64_t, 4> time_ns{};
    std::uint8_t next = 0;
};

struct RtcpFrame {
    std::uint32_t source = 0;
    std::uint64_t frame = 0;
    std::array<std::uint32_t, 3> ssrcs{}; // sender, first two reported
};

struct RtpMapEntry {
    int payload_type = -1;
    std::string encoding;
    std::uint32_t clock_rate = 0;
};

// The payload types of an m= line and their rtpmaps. Most calls of a trace offer one of a few
// sets, so each distinct set is kept once (SdpBook) and lines point at it.
struct CodecSet {
    std::vector<int> formats;
    std::vector<RtpMapEntry> rtpmaps;
};

// One m= line of one SDP. Its words and codec set point into the SdpBook, which outlives it:
// a line costs no allocation of its own (a trace keeps one per m= line of every call until the
// join, 400k calls on an operator's hour).
struct SdpLine {
    int party = 0; // 0 caller, 1 callee
    decode::Address address;
    std::uint16_t port = 0;
    std::string_view media; // audio, video, image...
    std::string_view protocol;
    const CodecSet* codecs = nullptr; // never null once recorded
    sip::MediaDirection direction = sip::MediaDirection::sendrecv;
    std::int64_t time_ns = 0;
    decode::Address signalled_from; // the SIP message's source address
    std::string_view label;         // "INVITE", "183", "200"...
};

struct CallSdp {
    std::string call_id;
    std::string caller_tag;
    std::int64_t invite_ns = 0;
    std::int64_t answer_ns = 0;
    int answer_code = 0;
    std::int64_t early_sdp_ns = 0; // first 18x with SDP
    std::int64_t bye_ns = 0;
    std::vector<SdpLine> lines;
};

// Call-IDs looked up by view: no string is made for a Call-ID already known.
struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Each distinct word (media, protocol, label) and codec set of the SDP seen, kept once; the
// elements of node-based containers stay put, so lines keep views and pointers to them.
class SdpBook {
public:
    std::string_view word(std::string_view text) {
        auto it = m_words.find(text);
        if (it == m_words.end()) it = m_words.emplace(text).first;
        return *it;
    }
    // The set of these formats and rtpmaps, `key` a byte string naming them exactly.
    const CodecSet* codecs(const std::string& key, const sip::SdpMedia& media);

private:
    std::unordered_set<std::string, TextHash, std::equal_to<>> m_words;
    std::unordered_map<std::string, CodecSet, TextHash, std::equal_to<>> m_codecs;
};

bool is_private(const decode::Address& a);
// "10.0.0.1:4000", "[2001:db8::1]:4000"
std::string endpoint_text(const decode::Address& a, std::uint16_t port);

} // namespace sipdx::media::detail

namespace sipdx::media {

struct MediaAnalyzer::Impl {
    MediaOptions options;
    Counters counters;
    // Decoding thread.
    detail::FlowTable flows;
    std::vector<std::vector<std::pair<std::uint32_t, std::uint64_t>>> stream_frames; // keep_frames
    std::vector<StreamSeries> stream_series; // keep_series, by flows.entries index
    std::unordered_map<std::uint32_t, detail::RtcpAbout> rtcp_about;  // by reported SSRC
    std::unordered_map<std::uint32_t, detail::SrSeen> sender_reports; // by sender SSRC
    std::vector<detail::RtcpFrame> rtcp_frames;                       // keep_frames
    std::vector<std::unique_ptr<decode::PayloadConsumer>> consumers;
    std::unordered_map<detail::FlowKey, std::size_t, detail::FlowKeyHasher> udptl_index;
    std::vector<detail::UdptlEntry> udptl_flows;
    // Tracking thread.
    std::vector<detail::CallSdp> calls_sdp;
    detail::SdpBook sdp_book;
    std::string codec_key; // scratch
    // By the Call-ID's 64-bit hash (XXH3): one look-up per record (call_recent has the rest).
    session::FlatIndex call_index;
    session::RecordCache<std::uint32_t> call_recent; // record number -> calls_sdp index
    // After finish().
    std::vector<StreamReport> reports;
    std::vector<CallMedia> calls;
    std::unordered_map<std::string, std::size_t, detail::TextHash, std::equal_to<>>
        call_media_index;
    std::vector<std::size_t> report_entry; // report -> flows.entries index (SIZE_MAX: t38)
    std::vector<std::size_t> report_udptl; // report -> udptl_flows index (SIZE_MAX: rtp)
    bool finished = false;

    void packet(const decode::Payload& p, std::uint32_t source);
    void rtcp(const decode::Payload& p, std::uint32_t source);
    void udptl(const decode::Payload& p, std::uint32_t source, detail::FlowKey key);
    void join();
    // T.38 (fax.cpp): UDPTL flows named by an m=image line become t38 streams; then, per call,
    // whether each party sent fax packets after the T.38 answer.
    void join_udptl(std::vector<std::size_t>& stream_call);
    void judge_fax(std::size_t call);
};

} // namespace sipdx::media
