// T.38 fax after the run: UDPTL flows that an m=image line's address names become streams of
// kind t38, counted like RTP's sequence (gaps, duplicates, reordering, what redundancy carried
// again), and each call whose T.38 offer was answered is checked for fax packets both ways.
#include <sipdx/media/analyzer.h>

#include "media/detail/state.h"

#include <fmt/format.h>

#include <map>
#include <tuple>

namespace sipdx::media {

namespace {

constexpr double high_loss_pct = 5.0;

const char* party_name(int party) {
    return party == 0 ? "caller" : "callee";
}

bool is_fax_line(const detail::SdpLine& line) {
    return line.media == "image" && line.port != 0 && line.address.family != 0;
}

void add_once(std::vector<Finding>& to, FindingCode code, std::string detail) {
    for (const auto& f : to)
        if (f.code == code && f.detail == detail) return;
    to.push_back({code, std::move(detail)});
}

using Endpoint = std::tuple<std::uint8_t, std::array<std::uint8_t, 16>, std::uint16_t>;

Endpoint endpoint_of(const decode::Address& a, std::uint16_t port) {
    return {a.family, a.bytes, port};
}

} // namespace

void MediaAnalyzer::Impl::join_udptl(std::vector<std::size_t>& stream_call) {
    if (udptl_flows.empty()) return;
    // Every m=image endpoint: (call, line), the latest offer/answer naming it wins.
    std::map<Endpoint, std::pair<std::size_t, std::size_t>> fax_endpoints;
    for (std::size_t c = 0; c < calls_sdp.size(); ++c)
        for (std::size_t l = 0; l < calls_sdp[c].lines.size(); ++l)
            if (is_fax_line(calls_sdp[c].lines[l])) {
                const auto& line = calls_sdp[c].lines[l];
                fax_endpoints[endpoint_of(line.address, line.port)] = {c, l};
            }
    for (std::size_t u = 0; u < udptl_flows.size(); ++u) {
        const detail::UdptlEntry& e = udptl_flows[u];
        StreamReport s;
        int receiver = -1;
        std::size_t call = SIZE_MAX;
        if (auto it = fax_endpoints.find(endpoint_of(e.dst, e.dport)); it != fax_endpoints.end()) {
            s.matched_by = "sdp";
            call = it->second.first;
            receiver = calls_sdp[call].lines[it->second.second].party;
        } else if (auto src = fax_endpoints.find(endpoint_of(e.src, e.sport));
                   src != fax_endpoints.end()) {
            s.matched_by = "sdp-source";
            call = src->second.first;
            receiver = 1 - calls_sdp[call].lines[src->second.second].party;
        } else {
            continue; // UDPTL has no signature of its own: without SDP it is not claimed
        }
        const UdptlCounters& c = e.counters;
        s.kind = "t38";
        s.codec = "t38";
        s.payload_type = -1;
        s.call_id = calls_sdp[call].call_id;
        s.from_party = party_name(1 - receiver);
        s.src = e.src;
        s.dst = e.dst;
        s.sport = e.sport;
        s.dport = e.dport;
        s.packets = c.packets;
        s.expected = c.expected();
        s.lost = static_cast<std::int64_t>(c.lost());
        s.loss_pct =
            s.expected ? 100.0 * static_cast<double>(s.lost) / static_cast<double>(s.expected) : 0;
        s.duplicates = c.duplicates;
        s.out_of_order = c.out_of_order;
        s.loss_bursts = c.loss_bursts;
        s.max_burst = c.max_burst;
        s.max_delta_ms = c.max_delta_s * 1000;
        s.recovered = c.recovered;
        if (c.redundancy_packets) s.error_recovery = "redundancy";
        if (c.fec_packets) s.error_recovery += s.error_recovery.empty() ? "fec" : ", fec";
        s.first_ns = c.first_ns;
        s.last_ns = c.last_ns;
        s.first_frame = c.first_frame;
        s.quality.why_not = "T.38 fax (UDPTL) carries no voice: the E-model does not apply";
        const std::uint64_t unrecovered =
            s.lost > 0 && static_cast<std::uint64_t>(s.lost) > s.recovered
                ? static_cast<std::uint64_t>(s.lost) - s.recovered
                : 0;
        if (s.expected >= 10 &&
            100.0 * static_cast<double>(unrecovered) / static_cast<double>(s.expected) >=
                high_loss_pct)
            add_once(s.findings, FindingCode::high_loss,
                     fmt::format("{:.1f}% of the fax packets lost ({} of {}, {} carried again by "
                                 "redundancy)",
                                 s.loss_pct, s.lost, s.expected, s.recovered));
        if (s.matched_by == "sdp-source")
            add_once(s.findings, FindingCode::private_address_nat,
                     fmt::format("UDPTL sent to {}, not to the address the SDP gave",
                                 detail::endpoint_text(s.dst, s.dport)));
        reports.push_back(std::move(s));
        report_entry.push_back(SIZE_MAX);
        report_udptl.push_back(u);
        stream_call.push_back(call);
    }
}

void MediaAnalyzer::Impl::judge_fax(std::size_t call) {
    const detail::CallSdp& sdp = calls_sdp[call];
    CallMedia& cm = calls[call];
    // The T.38 offer, and the other party's m=image answering it.
    const detail::SdpLine* offer = nullptr;
    const detail::SdpLine* answer = nullptr;
    for (const auto& line : sdp.lines) {
        if (!is_fax_line(line)) continue;
        if (!offer) {
            offer = &line;
        } else if (line.party != offer->party && line.time_ns >= offer->time_ns) {
            answer = &line;
            break;
        }
    }
    if (!offer || !answer) return;
    std::array<std::uint64_t, 2> after{0, 0};
    for (std::size_t i : cm.streams) {
        const StreamReport& s = reports[i];
        if (s.kind != "t38" || s.last_ns < answer->time_ns) continue;
        after[s.from_party == "caller" ? 0 : 1] += s.packets;
    }
    const std::string when =
        fmt::format("the T.38 answer ({} from the {})", answer->label, party_name(answer->party));
    if (after[0] == 0 && after[1] == 0) {
        add_once(cm.findings, FindingCode::no_fax_media,
                 fmt::format("no UDPTL in either direction after {}", when));
        return;
    }
    for (int p = 0; p < 2; ++p)
        if (after[p] == 0)
            add_once(cm.findings, FindingCode::no_fax_media,
                     fmt::format("no UDPTL from the {} after {}", party_name(p), when));
}

} // namespace sipdx::media
