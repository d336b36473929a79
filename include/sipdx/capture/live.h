// Live capture through libpcap, producing the same Frames as a file (Format::live).
#pragma once

#include <sipdx/capture/source.h>

#include <atomic>
#include <cstdint>
#include <string>

namespace sipdx::capture {

struct LiveOptions {
    std::string interface;   // e.g. "lo", "eth0"; required
    std::string filter;      // BPF expression (pcap-filter(7)); empty: everything
    std::uint64_t count = 0; // stop after this many frames; 0: no limit
    double duration_s = 0;   // stop after this many seconds; 0: no limit
    std::uint32_t snaplen = max_caplen;
    bool promiscuous = false;
    int poll_ms = 100;                       // how often next() wakes up to check limits and `stop`
    const std::atomic<bool>* stop = nullptr; // set it (e.g. from SIGINT) to end the capture
};

// Opens the interface (needs CAP_NET_RAW or root). Errors: cannot_open with libpcap's text,
// unsupported for a BPF filter that does not compile. Timestamps are nanosecond when the
// platform offers it. next() returns ReadStatus::end when a limit is reached or `stop` is set.
[[nodiscard]] tl::expected<std::unique_ptr<FrameSource>, CaptureError>
open_live(const LiveOptions& options);

} // namespace sipdx::capture
