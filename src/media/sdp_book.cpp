// The SDP side of the media analyzer: each call's offers and answers (INVITE, 18x, 200,
// re-INVITE, UPDATE, PRACK), who sent them and when, on the tracking thread.
#include <sipdx/media/analyzer.h>

#include "media/detail/state.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <xxhash.h>

#include <charconv>

namespace sipdx::media {

namespace detail {

bool is_private(const decode::Address& a) {
    const auto& b = a.bytes;
    if (a.family == 4) {
        return b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168) ||
               (b[0] == 100 && (b[1] & 0xC0) == 64) || (b[0] == 169 && b[1] == 254);
    }
    if (a.family == 6) return (b[0] & 0xFE) == 0xFC || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80);
    return false;
}

std::string endpoint_text(const decode::Address& a, std::uint16_t port) {
    if (a.family == 6) return fmt::format("[{}]:{}", a.to_string(), port);
    return fmt::format("{}:{}", a.to_string(), port);
}

const CodecSet* SdpBook::codecs(const std::string& key, const sip::SdpMedia& media) {
    if (auto it = m_codecs.find(key); it != m_codecs.end()) return &it->second;
    CodecSet set;
    for (auto f : media.formats) {
        int v = -1;
        std::from_chars(f.data(), f.data() + f.size(), v);
        set.formats.push_back(v);
    }
    for (const auto& map : media.rtpmaps)
        set.rtpmaps.push_back({map.payload_type, std::string(map.encoding), map.clock_rate});
    return &m_codecs.emplace(key, std::move(set)).first->second;
}

} // namespace detail

namespace {

std::optional<decode::Address> parse_address(std::string_view text) {
    if (auto slash = text.find('/'); slash != std::string_view::npos) text = text.substr(0, slash);
    if (text.empty() || text.size() > 45) return std::nullopt;
    char buf[64] = {};
    text.copy(buf, text.size());
    std::uint8_t raw[16];
    if (inet_pton(AF_INET, buf, raw) == 1) return decode::Address::v4(raw);
    if (inet_pton(AF_INET6, buf, raw) == 1) return decode::Address::v6(raw);
    return std::nullopt;
}

// The bytes that name an m= line's formats and rtpmaps exactly (lengths first, so no two
// lists share a key).
void codec_key(std::string& key, const sip::SdpMedia& media) {
    key.clear();
    auto put_size = [&key](std::size_t n) {
        const auto v = static_cast<std::uint32_t>(n);
        key.append(reinterpret_cast<const char*>(&v), sizeof v);
    };
    put_size(media.formats.size());
    for (auto f : media.formats) {
        put_size(f.size());
        key += f;
    }
    put_size(media.rtpmaps.size());
    for (const auto& map : media.rtpmaps) {
        put_size(static_cast<std::uint32_t>(map.payload_type));
        put_size(map.clock_rate);
        put_size(map.encoding.size());
        key += map.encoding;
    }
}

} // namespace

void MediaAnalyzer::on_message(const analysis::MessageContext& m) {
    Impl& impl = *m_impl;
    const session::SipEvent& e = m.event;
    if (e.call_id.empty()) return;
    const bool invite_related =
        e.is_request
            ? (e.method == sip::Method::invite || e.method == sip::Method::bye ||
               e.method == sip::Method::update || e.method == sip::Method::prack)
            : e.cseq_method == sip::Method::invite || e.cseq_method == sip::Method::update ||
                  e.cseq_method == sip::Method::prack;
    if (!invite_related) return;
    // A record belongs to one Call-ID: the record number finds the call without hashing.
    std::size_t index = 0;
    if (const std::uint32_t* hit = impl.call_recent.find(m.step.call)) {
        index = *hit;
    } else {
        const std::uint64_t key = XXH3_64bits(e.call_id.data(), e.call_id.size());
        bool inserted = false;
        index = impl.call_index.find_or_insert(
            key, static_cast<std::uint32_t>(impl.calls_sdp.size()), inserted);
        if (inserted) {
            impl.calls_sdp.emplace_back();
            impl.calls_sdp.back().call_id = std::string(e.call_id);
            // The first request's From tag is the caller's (a response first: its From is too).
            impl.calls_sdp.back().caller_tag = std::string(e.from_tag);
        }
        impl.call_recent.put(m.step.call, static_cast<std::uint32_t>(index));
    }
    detail::CallSdp& call = impl.calls_sdp[index];
    const bool initial_invite = e.is_request && e.method == sip::Method::invite && e.to_tag.empty();
    if (initial_invite && call.invite_ns == 0) call.invite_ns = e.time_ns;
    if (!e.is_request && e.cseq_method == sip::Method::invite && e.status >= 200 &&
        e.status < 300 && call.answer_ns == 0) {
        call.answer_ns = e.time_ns;
        call.answer_code = e.status;
    }
    if (e.is_request && e.method == sip::Method::bye && call.bye_ns == 0) call.bye_ns = e.time_ns;
    if (m.message.body.empty()) return;
    const auto sdp = m.message.sdp();
    if (!sdp) return;
    if (!e.is_request && e.status >= 180 && e.status < 200 && call.early_sdp_ns == 0)
        call.early_sdp_ns = e.time_ns;
    // A request from the caller carries the caller's From tag; a response answers it.
    const bool from_caller_tag = e.from_tag == call.caller_tag;
    const int party = (e.is_request == from_caller_tag) ? 0 : 1;
    char status[16];
    const auto status_end = std::to_chars(status, status + sizeof status, e.status).ptr;
    const std::string_view label = impl.sdp_book.word(
        e.is_request ? e.method_text : std::string_view(status, status_end - status));
    for (const sip::SdpMedia& media : sdp->media) {
        detail::SdpLine line;
        line.party = party;
        const auto& connection = media.connection ? media.connection : sdp->connection;
        if (connection) {
            if (auto a = parse_address(connection->address)) line.address = *a;
        }
        line.port = static_cast<std::uint16_t>(media.port);
        line.media = impl.sdp_book.word(media.media);
        line.protocol = impl.sdp_book.word(media.protocol);
        codec_key(impl.codec_key, media);
        line.codecs = impl.sdp_book.codecs(impl.codec_key, media);
        line.direction = media.effective_direction(sdp->direction);
        line.time_ns = e.time_ns;
        line.signalled_from = e.src.address;
        line.label = label;
        call.lines.push_back(line);
    }
}

} // namespace sipdx::media
