// After the run: streams matched to the SDP that named their addresses, measured, scored by
// the E-model, and each call judged (one-way audio, no media, early media, NAT...).
#include <sipdx/media/analyzer.h>

#include <sipdx/media/codec.h>

#include "media/detail/state.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace sipdx::media {

namespace {

constexpr double silence_s = 2.0;
constexpr double high_loss_pct = 5.0;
constexpr double high_jitter_ms = 50.0;

struct EndpointKey {
    decode::Address address;
    std::uint16_t port = 0;
    friend bool operator<(const EndpointKey& a, const EndpointKey& b) {
        if (a.address.family != b.address.family) return a.address.family < b.address.family;
        if (a.address.bytes != b.address.bytes) return a.address.bytes < b.address.bytes;
        return a.port < b.port;
    }
};

struct LineRef {
    std::size_t call = 0;
    std::size_t line = 0;
};

const char* party_name(int party) {
    return party == 0 ? "caller" : "callee";
}

// The SDP line a stream belongs to: among the lines naming the endpoint, the latest one sent
// before the stream began (a re-INVITE may move it), else the first one after.
const LineRef* pick(const std::vector<LineRef>& refs, const std::vector<detail::CallSdp>& calls,
                    std::int64_t first_ns) {
    const LineRef* best = nullptr;
    std::int64_t best_time = 0;
    for (const auto& r : refs) {
        const std::int64_t t = calls[r.call].lines[r.line].time_ns;
        if (t <= first_ns) {
            if (!best || best_time > first_ns || t >= best_time) best = &r, best_time = t;
        } else if (!best || (best_time > first_ns && t < best_time)) {
            best = &r, best_time = t;
        }
    }
    return best;
}

const detail::RtpMapEntry* find_map(const detail::CallSdp& call, int pt, int prefer_party) {
    const detail::RtpMapEntry* other = nullptr;
    for (const auto& line : call.lines) {
        for (const auto& map : line.codecs->rtpmaps) {
            if (map.payload_type != pt) continue;
            if (line.party == prefer_party) return &map;
            if (!other) other = &map;
        }
    }
    return other;
}

bool negotiated(const detail::CallSdp& call, int pt) {
    for (const auto& line : call.lines)
        if (std::find(line.codecs->formats.begin(), line.codecs->formats.end(), pt) !=
            line.codecs->formats.end())
            return true;
    return false;
}

void add(std::vector<Finding>& to, FindingCode code, std::string detail) {
    for (const auto& f : to)
        if (f.code == code && f.detail == detail) return;
    to.push_back({code, std::move(detail)});
}

Quality score(const StreamReport& s) {
    Quality q;
    std::string_view why;
    const auto impairment = impairment_for(s.codec, &why);
    if (!impairment) {
        q.why_not = std::string(why);
        return q;
    }
    q.basis = std::string(impairment->basis);
    q.inputs.ie = impairment->ie;
    q.inputs.bpl = impairment->bpl;
    q.inputs.ppl = std::max(0.0, s.loss_pct);
    if (s.loss_bursts > 0 && s.packets > 0 && s.lost > 0) {
        // G.107: BurstR = 1 / (p + q) for the two-state loss model, p = P(lost | found),
        // q = P(found | lost), each gap being one found->lost and one lost->found step.
        const double p = static_cast<double>(s.loss_bursts) / static_cast<double>(s.packets);
        const double qq = static_cast<double>(s.loss_bursts) / static_cast<double>(s.lost);
        q.inputs.burst_r = std::max(1.0, 1.0 / (p + qq));
    }
    if (s.rtcp.rtt_ms) {
        q.inputs.t_ms = q.inputs.ta_ms = *s.rtcp.rtt_ms / 2;
        q.inputs.tr_ms = *s.rtcp.rtt_ms;
    }
    q.score = emodel(q.inputs);
    return q;
}

} // namespace

std::string Quality::model_text() const {
    if (!score) return "no MOS: " + why_not;
    return fmt::format("G.107 E-model: R {:.1f}; Ie {:g}, Bpl {:g} ({}); Ppl {:.2f}%, BurstR "
                       "{:.2f}; Ta {:.0f} ms{}; other parameters G.107 defaults",
                       score->r, inputs.ie, inputs.bpl, basis, inputs.ppl, inputs.burst_r,
                       inputs.ta_ms, inputs.ta_ms > 0 ? " (RTCP round trip / 2)" : " (unknown)");
}

void MediaAnalyzer::Impl::join() {
    // Every SDP endpoint, by address and port.
    std::map<EndpointKey, std::vector<LineRef>> endpoints;
    for (std::size_t c = 0; c < calls_sdp.size(); ++c)
        for (std::size_t l = 0; l < calls_sdp[c].lines.size(); ++l) {
            const auto& line = calls_sdp[c].lines[l];
            if (line.port != 0 && line.address.family != 0)
                endpoints[{line.address, line.port}].push_back({c, l});
        }

    // Streams sharing one flow (an SSRC change).
    std::map<std::array<std::uint8_t, 40>, std::uint32_t> per_flow;
    auto flow_of = [](const detail::FlowKey& k) {
        std::array<std::uint8_t, 40> f{};
        std::copy(k.bytes.begin(), k.bytes.begin() + 36, f.begin());
        f[36] = k.bytes[40];
        f[37] = k.bytes[41];
        f[38] = k.bytes[42];
        return f;
    };
    for (const auto& e : flows.entries)
        ++per_flow[flow_of(e.key)];

    std::vector<std::size_t> stream_call; // report -> calls_sdp index (or SIZE_MAX)
    for (std::size_t i = 0; i < flows.entries.size(); ++i) {
        const detail::StreamEntry& e = flows.entries[i];
        const StreamCounters& c = e.counters;
        StreamReport s;
        const LineRef* ref = nullptr;
        int receiver = -1;
        const bool tcp = e.key.bytes[42] != 0;
        s.transport = tcp ? "tcp" : "udp";
        if (auto it = endpoints.find({e.dst, e.dport}); it != endpoints.end()) {
            ref = pick(it->second, calls_sdp, c.first_ns);
            s.matched_by = "sdp";
            receiver = calls_sdp[ref->call].lines[ref->line].party;
        } else if (auto src = endpoints.find({e.src, e.sport}); src != endpoints.end()) {
            ref = pick(src->second, calls_sdp, c.first_ns);
            // Over TCP the passive end's SDP port is the connection's source in one direction
            // (RFC 4145): no NAT in that.
            s.matched_by = tcp ? "sdp" : "sdp-source";
            receiver = 1 - calls_sdp[ref->call].lines[ref->line].party;
        } else {
            const bool regular = c.packets >= options.heuristic_min_packets &&
                                 c.in_order_steps * 10 >= (c.packets - 1) * 6;
            if (!regular) continue;
            s.matched_by = "heuristic";
        }
        s.src = e.src;
        s.dst = e.dst;
        s.sport = e.sport;
        s.dport = e.dport;
        s.ssrc = e.ssrc;
        // The voice codec: the type with the most packets.
        std::size_t main = 0;
        for (std::size_t t = 1; t < c.type_count; ++t)
            if (c.type_packets[t] > c.type_packets[main]) main = t;
        s.payload_type = c.types[main];
        for (std::size_t t = 0; t < c.type_count; ++t)
            s.payload_types.push_back(c.types[t]);
        const detail::CallSdp* call = ref ? &calls_sdp[ref->call] : nullptr;
        if (call) {
            s.call_id = call->call_id;
            s.from_party = party_name(1 - receiver);
        }
        if (const auto* map = call ? find_map(*call, s.payload_type, receiver) : nullptr) {
            s.codec = map->encoding;
            s.clock_rate = map->clock_rate;
        } else if (auto st = static_payload(s.payload_type)) {
            s.codec = std::string(st->name);
            s.clock_rate = st->clock_rate;
        }
        const std::uint32_t clock = s.clock_rate ? s.clock_rate : 8000;
        s.packets = c.packets;
        s.expected = c.expected();
        s.lost = c.lost();
        s.loss_pct =
            s.expected ? 100.0 * static_cast<double>(s.lost) / static_cast<double>(s.expected) : 0;
        s.duplicates = c.duplicates;
        s.out_of_order = c.out_of_order;
        s.sequence_resets = c.sequence_resets;
        s.loss_bursts = c.loss_bursts;
        s.max_burst = c.max_burst;
        s.max_delta_ms = c.max_delta_s * 1000;
        const JitterTrack& j = c.jitter_for(clock);
        s.max_jitter_ms = j.max_s * 1000;
        // The mean over the packets that updated the estimate.
        s.mean_jitter_ms =
            c.jitter_samples ? j.sum_s * 1000 / static_cast<double>(c.jitter_samples) : 0;
        s.markers = c.markers;
        s.payload_type_changes = c.payload_type_changes;
        s.ssrc_changes = per_flow[flow_of(e.key)] - 1;
        if (c.events > 0) {
            const detail::RtpMapEntry* map =
                call ? find_map(*call, c.event_type, receiver) : nullptr;
            if (!call || (map && is_signalling_payload(map->encoding) && map->encoding != "CN")) {
                s.dtmf_events = c.events;
                s.dtmf_digits.assign(c.digits.data(), c.digit_count);
            }
        }
        s.first_ns = c.first_ns;
        s.last_ns = c.last_ns;
        s.first_frame = c.first_frame;
        if (auto r = rtcp_about.find(e.ssrc); r != rtcp_about.end()) {
            const detail::RtcpAbout& a = r->second;
            s.rtcp.reports = a.reports;
            s.rtcp.fraction_lost_pct = a.fraction_lost * 100.0 / 256.0;
            s.rtcp.cumulative_lost = a.cumulative_lost;
            s.rtcp.jitter_ms = a.jitter * 1000.0 / clock;
            if (a.rtt_count) {
                s.rtcp.rtt_ms = a.rtt_sum_ms / a.rtt_count;
                s.rtcp.max_rtt_ms = a.rtt_max_ms;
            }
            if (a.has_xr) s.rtcp.voip_metrics = a.xr;
        }
        s.quality = score(s);
        if (i < stream_series.size()) s.timeline = resolve(stream_series[i], c, clock);

        // The stream's own findings.
        if (s.matched_by == "heuristic")
            add(s.findings, FindingCode::rtp_without_sdp, "no SDP names this stream");
        if (s.matched_by == "sdp-source")
            add(s.findings, FindingCode::private_address_nat,
                fmt::format("RTP sent to {}, not to the address the SDP gave",
                            detail::endpoint_text(s.dst, s.dport)));
        if (s.expected >= 10 && s.loss_pct >= high_loss_pct)
            add(s.findings, FindingCode::high_loss,
                fmt::format("{:.1f}% lost ({} of {})", s.loss_pct, s.lost, s.expected));
        if (s.max_jitter_ms >= high_jitter_ms && !tcp) // over TCP: delivery, not the network
            add(s.findings, FindingCode::high_jitter,
                fmt::format("jitter up to {:.1f} ms", s.max_jitter_ms));
        if (c.max_delta_s >= silence_s)
            add(s.findings, FindingCode::long_silence,
                fmt::format("no packet for {:.1f} s", c.max_delta_s));
        if (s.ssrc_changes)
            add(s.findings, FindingCode::ssrc_change,
                fmt::format("{} SSRCs on this flow", s.ssrc_changes + 1));
        if (s.sequence_resets)
            add(s.findings, FindingCode::sequence_reset,
                fmt::format("sequence restarted {} time(s)", s.sequence_resets));
        if (call && !negotiated(*call, s.payload_type) && !call->lines.empty())
            add(s.findings, FindingCode::codec_not_negotiated,
                fmt::format("payload type {} is in no SDP of the call", s.payload_type));
        reports.push_back(std::move(s));
        report_entry.push_back(i);
        report_udptl.push_back(SIZE_MAX);
        stream_call.push_back(ref ? ref->call : SIZE_MAX);
    }
    join_udptl(stream_call);

    // Per call: its streams and what the streams say together.
    calls.resize(calls_sdp.size());
    for (std::size_t c = 0; c < calls_sdp.size(); ++c) {
        calls[c].call_id = calls_sdp[c].call_id;
        call_media_index.emplace(calls_sdp[c].call_id, c);
    }
    std::vector<std::size_t> order(reports.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return reports[a].first_ns < reports[b].first_ns;
    });
    for (std::size_t i : order)
        if (stream_call[i] != SIZE_MAX) calls[stream_call[i]].streams.push_back(i);

    for (std::size_t c = 0; c < calls_sdp.size(); ++c) {
        const detail::CallSdp& sdp = calls_sdp[c];
        CallMedia& cm = calls[c];
        cm.has_sdp = !sdp.lines.empty();
        if (!cm.has_sdp) continue;
        // What each party last said about sending audio.
        std::array<bool, 2> offers_audio{false, false};
        std::array<bool, 2> will_send{true, true};
        for (const auto& line : sdp.lines) {
            if (line.media == "image") {
                cm.t38 = true;
                add(cm.findings, FindingCode::t38,
                    fmt::format("T.38 fax negotiated by the {} ({} {})", party_name(line.party),
                                line.label, line.protocol));
            }
            if (line.media != "audio") continue;
            offers_audio[line.party] = line.port != 0;
            const auto d = line.direction;
            will_send[line.party] = line.port != 0 && (d == sip::MediaDirection::sendrecv ||
                                                       d == sip::MediaDirection::sendonly ||
                                                       d == sip::MediaDirection::unspecified);
            if (d == sip::MediaDirection::sendonly || d == sip::MediaDirection::inactive ||
                (d == sip::MediaDirection::recvonly && line.label != "INVITE"))
                add(cm.findings, FindingCode::on_hold,
                    fmt::format("the {} set a=sendonly/recvonly/inactive in its {} ({})",
                                party_name(line.party), line.label,
                                sip::to_string(line.direction)));
            if (detail::is_private(line.address) && line.signalled_from.family != 0 &&
                !detail::is_private(line.signalled_from))
                add(cm.findings, FindingCode::private_address_nat,
                    fmt::format("the {}'s SDP ({}) gives the private address {} while its "
                                "signalling came from {}",
                                party_name(line.party), line.label, line.address.to_string(),
                                line.signalled_from.to_string()));
        }

        std::array<std::uint64_t, 2> after_answer{0, 0};
        std::array<std::int64_t, 2> last_ns{0, 0};
        std::uint64_t scored = 0;
        for (std::size_t i : cm.streams) {
            const StreamReport& s = reports[i];
            if (s.kind == "t38") {
                // After a switch to fax, UDPTL is the media that goes on until the BYE.
                const int sender = s.from_party == "caller" ? 0 : 1;
                last_ns[sender] = std::max(last_ns[sender], s.last_ns);
                for (const auto& f : s.findings)
                    add(cm.findings, f.code,
                        fmt::format("{} fax stream {}: {}", s.from_party,
                                    detail::endpoint_text(s.src, s.sport), f.detail));
                continue;
            }
            const int from = s.from_party == "caller" ? 0 : 1;
            if (sdp.answer_ns && s.last_ns >= sdp.answer_ns) after_answer[from] += s.packets;
            last_ns[from] = std::max(last_ns[from], s.last_ns);
            if (from == 1 && (sdp.answer_ns == 0 || s.first_ns < sdp.answer_ns) &&
                (sdp.early_sdp_ns == 0 || s.first_ns < sdp.early_sdp_ns))
                add(cm.findings, FindingCode::early_media_without_sdp,
                    fmt::format("RTP from the callee from {} before any 18x with SDP",
                                detail::endpoint_text(s.src, s.sport)));
            for (const auto& f : s.findings)
                if (f.code != FindingCode::rtp_without_sdp)
                    add(cm.findings, f.code,
                        fmt::format("{} stream 0x{:08X}: {}", s.from_party, s.ssrc, f.detail));
            if (s.quality.score) {
                ++scored;
                if (!cm.worst_mos || s.quality.score->mos < *cm.worst_mos)
                    cm.worst_mos = s.quality.score->mos;
            }
        }
        const std::string answer =
            sdp.answer_code == 200 ? "200 OK" : std::to_string(sdp.answer_code);
        if (sdp.answer_ns && offers_audio[0] && offers_audio[1]) {
            if (after_answer[0] == 0 && after_answer[1] == 0) {
                add(cm.findings, FindingCode::no_media_after_answer,
                    fmt::format("no RTP in either direction after {}", answer));
            } else {
                for (int p = 0; p < 2; ++p)
                    if (after_answer[p] == 0 && will_send[p] && after_answer[1 - p] > 0)
                        add(cm.findings, FindingCode::one_way_audio,
                            fmt::format("no RTP from the {} after {}", party_name(p), answer));
            }
        }
        if (sdp.bye_ns && (after_answer[0] || after_answer[1])) {
            const std::int64_t last = std::max(last_ns[0], last_ns[1]);
            const double before = static_cast<double>(sdp.bye_ns - last) / 1e9;
            if (before >= silence_s)
                add(cm.findings, FindingCode::media_stopped_before_bye,
                    fmt::format("the last RTP{} came {:.1f} s before the BYE",
                                cm.t38 ? " or UDPTL" : "", before));
        }
        (void)scored;
        judge_fax(c);
    }
}

void MediaAnalyzer::annotate(session::CallRecord& record) const {
    const CallMedia* c = call(record.call_id);
    if (!c || c->findings.empty()) return;
    std::string text;
    for (const auto& f : c->findings) {
        if (severity_of(f.code) == knowledge::Severity::info) continue;
        if (!text.empty()) text += "; ";
        text += fmt::format("{}: {}", describe(f.code), f.detail);
    }
    if (text.empty()) return;
    if (!record.explanation.empty() && record.explanation.back() != ' ') record.explanation += ' ';
    record.explanation += fmt::format("Media: {}.", text);
}

std::vector<std::vector<std::uint64_t>>
MediaAnalyzer::frames_of(const std::vector<std::string>& call_ids) const {
    std::vector<std::vector<std::uint64_t>> out;
    std::set<std::uint32_t> ssrcs;
    for (const auto& id : call_ids) {
        const CallMedia* c = call(id);
        if (!c) continue;
        for (std::size_t i : c->streams) {
            if (const std::size_t u = m_impl->report_udptl[i]; u != SIZE_MAX) {
                for (const auto& [source, frame] : m_impl->udptl_flows[u].frames) {
                    if (out.size() <= source) out.resize(source + 1);
                    out[source].push_back(frame);
                }
                continue;
            }
            const std::size_t entry = m_impl->report_entry[i];
            ssrcs.insert(m_impl->reports[i].ssrc);
            if (entry >= m_impl->stream_frames.size()) continue;
            for (const auto& [source, frame] : m_impl->stream_frames[entry]) {
                if (out.size() <= source) out.resize(source + 1);
                out[source].push_back(frame);
            }
        }
    }
    for (const auto& f : m_impl->rtcp_frames) {
        if (!ssrcs.count(f.ssrcs[0]) && !ssrcs.count(f.ssrcs[1]) && !ssrcs.count(f.ssrcs[2]))
            continue;
        if (out.size() <= f.source) out.resize(f.source + 1);
        out[f.source].push_back(f.frame);
    }
    for (auto& list : out)
        std::sort(list.begin(), list.end());
    return out;
}

} // namespace sipdx::media
