// `sipdx filter`: writes the frames of the selected Call-IDs to a new capture: classic pcap
// when the output name ends in .pcap, pcapng otherwise.
//
// Two passes over the inputs: the first tracks every Call-ID and selects records with a
// RecordFilter; the second copies the frames that carried their messages. The decoder names
// only the frame that completed a message, so for a message that took several frames (TCP
// segments, IP fragments) the earlier frames are found by flow: on a plain link layer
// (Ethernet/VLAN, SLL, SLL2, null, raw IP) every frame of the same TCP direction since the
// previous message on it, or every IP fragment of the same address pair just before it.
// Tunnelled multi-frame messages (GTP-U, GRE, ESP ...) keep only their completing frame.
#pragma once

#include <sipdx/analysis/analyzer.h>
#include <sipdx/analysis/record_filter.h>
#include <sipdx/capture/source.h>

#include <tl/expected.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sipdx::analysis {

struct FilterResult {
    RunResult run;
    std::uint64_t call_ids = 0; // selected records
    std::uint64_t messages = 0; // their messages
    std::uint64_t frames_written = 0;
};

// Frames beyond the messages (media::filter_capture_with_media adds the calls' RTP/RTCP).
struct FilterExtras {
    // Called on the first pass's options before it runs (payload consumers, on_message).
    std::function<void(AnalyzeOptions&)> prepare;
    // After the first pass: more frames to write for the selected Call-IDs, per input.
    std::function<std::vector<std::vector<std::uint64_t>>(const std::vector<std::string>&)>
        frames_of;
};

// Fails only when the output cannot be written: the writer's CaptureError (code, file,
// message()). `progress` is called as AnalyzeOptions::progress during the first pass.
// Unreadable inputs are reported per input in `run`, as for analyse.
tl::expected<FilterResult, capture::CaptureError>
filter_capture(const std::vector<std::string>& paths, const RecordFilter& filter,
               const std::string& output,
               std::function<void(std::uint64_t done, std::uint64_t total)> progress = {},
               const FilterExtras& extras = {});

} // namespace sipdx::analysis
