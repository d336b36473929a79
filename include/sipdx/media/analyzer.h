// Media tied to the call: RTP and RTCP found beside the SIP (in every tunnel the decoder
// reads), matched to each call's SDP offer/answer, measured per stream and judged.
//
//   media::MediaAnalyzer media;
//   analysis::AnalyzeOptions options;
//   media.attach(options);                    // a payload consumer per input, SDP from each
//   message analysis::Analyzer analyzer(options); analyzer.on_record([&](session::CallRecord&& r) {
//   records.push_back(std::move(r)); }); analyzer.run(paths); media.finish(); // matches streams to
//   calls, scores, findings for (const media::StreamReport& s : media.streams()) ...
//   media.annotate(record);                   // the call's media findings into its explanation
//
// Threads: packets are counted on the decoding thread and SDP is read on the tracking thread;
// the two never share state, and finish() (after run) joins them. Memory: one fixed-size entry
// per stream (bounded by MediaOptions::max_streams) and a few per SDP media line.
#pragma once

#include <sipdx/analysis/analyzer.h>
#include <sipdx/decode/packet.h>
#include <sipdx/media/emodel.h>
#include <sipdx/media/series.h>
#include <sipdx/media/stream.h>
#include <sipdx/session/record.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sipdx::media {

enum class FindingCode : std::uint8_t {
    one_way_audio,            // RTP in one direction only, after the answer
    no_media_after_answer,    // answered with SDP, but no RTP at all
    early_media_without_sdp,  // RTP from the callee before the answer, no 18x with SDP before it
    codec_not_negotiated,     // a payload type the SDP did not offer/answer
    private_address_nat,      // SDP names a private address while signalling crossed a NAT
    long_silence,             // a gap of 2 s or more inside a stream
    media_stopped_before_bye, // the last RTP came 2 s or more before the BYE
    high_loss,                // 5% or more of the expected packets lost
    high_jitter,              // interarrival jitter reached 50 ms
    t38,                      // fax: T.38 negotiated (m=image udptl)
    on_hold,                  // a party put the media on hold (sendonly/inactive/recvonly)
    rtp_without_sdp,          // a stream found by its headers alone, no SDP names it
    ssrc_change,              // the same flow changed SSRC
    sequence_reset,           // the sequence jumped and restarted (RFC 3550 A.1)
    no_fax_media,             // T.38 answered, but no UDPTL from a party after the answer
    count_
};
std::string_view to_string(FindingCode code);
knowledge::Severity severity_of(FindingCode code);
std::string_view describe(FindingCode code);

struct Finding {
    FindingCode code = FindingCode::one_way_audio;
    std::string detail; // plain words with the figures, e.g. "no RTP from the callee after 200 OK"
};
// "code: detail; code: detail", the one-field form of a stream's or call's findings (CSV, TSV,
// the store).
std::string findings_text(const std::vector<Finding>& findings);

// The E-model score of a stream, with what went into it.
struct Quality {
    std::optional<EModelResult> score; // absent: no MOS (why_not says why)
    EModelInputs inputs;
    std::string basis;   // where Ie/Bpl come from
    std::string why_not; // when there is no score
    // "G.107 E-model: Ie 0, Bpl 25.1 (G.113 ...), Ppl 1.20%, BurstR 1.00, Ta 0 ms"
    std::string model_text() const;
};

// What RTCP receivers said about a stream (the reports whose blocks name its SSRC).
struct RtcpView {
    std::uint32_t reports = 0;
    double fraction_lost_pct = 0;     // the latest report
    std::int64_t cumulative_lost = 0; // the latest report
    double jitter_ms = 0;             // the latest report, by the stream's clock rate
    std::optional<double> rtt_ms;     // mean of LSR/DLSR round trips (RFC 3550 6.4.1)
    std::optional<double> max_rtt_ms;
    std::optional<XrVoipMetrics> voip_metrics; // RTCP XR (RFC 3611 BT=7), the latest
};

struct StreamReport {
    // "rtp" (RTP, with its RTCP) or "t38" (UDPTL packets of T.38 fax: no SSRC, no payload type,
    // no jitter, no MOS; `recovered` and `error_recovery` are theirs).
    std::string kind = "rtp";
    std::string transport = "udp"; // "tcp": RTP framed by RFC 4571 in a TCP connection
    std::string call_id;           // empty when no SDP names the stream
    decode::Address src;
    decode::Address dst;
    std::uint16_t sport = 0;
    std::uint16_t dport = 0;
    std::uint32_t ssrc = 0;
    std::string from_party; // "caller" / "callee"; empty when unmatched
    // "sdp": the destination is an SDP address; "sdp-source": only the source is (symmetric
    // RTP behind NAT); "heuristic": no SDP, recognised by its headers over several packets.
    std::string matched_by;
    int payload_type = 0; // the voice codec's (the most used type)
    std::string codec;    // rtpmap encoding, else the static name; empty when unknown
    std::uint32_t clock_rate = 0;
    std::vector<int> payload_types; // every type seen
    std::uint64_t packets = 0;
    std::uint64_t expected = 0;
    std::int64_t lost = 0;
    double loss_pct = 0;
    std::uint64_t duplicates = 0;
    std::uint64_t out_of_order = 0;
    std::uint32_t sequence_resets = 0;
    std::uint64_t loss_bursts = 0;
    std::uint64_t max_burst = 0;
    double max_delta_ms = 0;
    double mean_jitter_ms = 0;
    double max_jitter_ms = 0;
    std::uint32_t markers = 0;
    std::uint32_t payload_type_changes = 0;
    std::uint32_t ssrc_changes = 0; // other SSRCs seen on the same flow
    std::uint32_t dtmf_events = 0;
    std::string dtmf_digits;
    std::int64_t first_ns = 0;
    std::int64_t last_ns = 0;
    std::uint64_t first_frame = 0;
    // t38: missing primaries that the packet after the gap carried again as redundancy, and
    // the error recovery the sender used ("redundancy", "fec"; both when it switched).
    std::uint64_t recovered = 0;
    std::string error_recovery;
    RtcpView rtcp;
    Quality quality;
    std::vector<Finding> findings;
    StreamTimeline timeline; // packets, loss and jitter over time (MediaOptions::keep_series)
};

// A call's media: its streams (indices into MediaAnalyzer::streams()) and what was wrong.
struct CallMedia {
    std::string call_id;
    std::vector<std::size_t> streams;
    std::vector<Finding> findings;
    bool t38 = false;
    bool has_sdp = false;
    std::optional<double> worst_mos; // lowest MOS of its scored streams
};

struct MediaOptions {
    std::size_t max_streams = 1u << 20; // beyond: packets of new streams are only counted
    // Keep every RTP/RTCP frame number per stream (for `filter --media`): memory per packet.
    bool keep_frames = false;
    // Keep each stream's quality over time (series.h): about 1.7 KB per stream.
    bool keep_series = false;
    std::size_t max_series_streams = 50000; // the first streams keep it, later ones do not
    // Streams without SDP need this many packets, most of them in sequence.
    std::uint64_t heuristic_min_packets = 5;
};

class MediaAnalyzer {
public:
    explicit MediaAnalyzer(MediaOptions options = {});
    ~MediaAnalyzer();
    MediaAnalyzer(const MediaAnalyzer&) = delete;
    MediaAnalyzer& operator=(const MediaAnalyzer&) = delete;

    // Registers a payload consumer for each input and reads SDP from every message (an
    // on_message already set is still called).
    void attach(analysis::AnalyzeOptions& options);

    // The parts attach() wires, for callers that drive the decoder themselves.
    decode::PayloadConsumer& consumer(std::uint32_t source);
    void on_message(const analysis::MessageContext& message);

    // After the run: matches streams to calls, scores them and finds what went wrong.
    void finish();

    const std::vector<StreamReport>& streams() const;
    const std::vector<CallMedia>& calls() const;
    const CallMedia* call(std::string_view call_id) const;
    // The streams of one call, in order of their first packet (the report's API).
    std::vector<const StreamReport*> streams_of(std::string_view call_id) const;
    // Appends the call's media findings to record.explanation.
    void annotate(session::CallRecord& record) const;

    // RTP/RTCP frames of the given calls, per input (keep_frames only).
    std::vector<std::vector<std::uint64_t>>
    frames_of(const std::vector<std::string>& call_ids) const;

    struct Counters {
        std::uint64_t rtp_packets = 0;
        std::uint64_t rtcp_packets = 0;
        std::uint64_t udptl_packets = 0;   // well-formed UDPTL, kept only when an SDP names them
        std::uint64_t streams_dropped = 0; // packets of streams beyond max_streams
    };
    const Counters& counters() const;

    struct Impl; // src/media/detail/state.h

private:
    std::unique_ptr<Impl> m_impl;
};

} // namespace sipdx::media
