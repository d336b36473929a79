// Live capture: libpcap hands out one packet at a time from its ring; the frame points into
// it until the next call, like a file source.
#include <sipdx/capture/live.h>

#include <fmt/format.h>
#include <pcap/pcap.h>

#include <chrono>

#include <poll.h>
#include <unistd.h>

namespace sipdx::capture {
namespace {

struct PcapCloser {
    void operator()(pcap_t* p) const { pcap_close(p); }
};

class LiveSource final : public FrameSource {
public:
    LiveSource(std::unique_ptr<pcap_t, PcapCloser> handle, const LiveOptions& options)
        : FrameSource(options.interface, Format::live), m_handle(std::move(handle)),
          m_options(options), m_start(std::chrono::steady_clock::now()) {
        m_nanosecond = pcap_get_tstamp_precision(m_handle.get()) == PCAP_TSTAMP_PRECISION_NANO;
        InterfaceInfo iface;
        int dlt = pcap_datalink(m_handle.get());
        // DLT_RAW differs between platforms (12 or 14); the file format uses LINKTYPE_RAW.
        if (dlt == DLT_RAW) {
            dlt = static_cast<int>(LinkType::raw);
        }
        iface.link_type = static_cast<LinkType>(dlt);
        iface.snaplen = static_cast<std::uint32_t>(pcap_snapshot(m_handle.get()));
        iface.name = options.interface;
        iface.tsresol = m_nanosecond ? 9 : 6;
        m_interfaces.push_back(iface);
    }

    ReadStatus next(Frame& frame) override {
        while (!m_ended) {
            if (limit_reached()) {
                break;
            }
            pcap_pkthdr* header = nullptr;
            const u_char* data = nullptr;
            const int rc = pcap_next_ex(m_handle.get(), &header, &data);
            if (rc == 0) {
                wait_readable();
                continue; // check the limits again
            }
            if (rc < 0) {
                if (rc == PCAP_ERROR) {
                    report(ProblemCode::read_error, m_counters.frames + 1, 0,
                           pcap_geterr(m_handle.get()));
                }
                break;
            }
            frame.number = ++m_counters.frames;
            const std::int64_t frac = header->ts.tv_usec; // ns when the precision is nano
            frame.time_ns = std::int64_t{header->ts.tv_sec} * 1'000'000'000 +
                            (m_nanosecond ? frac : frac * 1000);
            frame.link_type = m_interfaces[0].link_type;
            frame.interface_id = 0;
            frame.original_length = header->len;
            frame.file_offset = 0;
            frame.data = {data, header->caplen};
            frame.comment = {};
            frame.text = {};
            m_counters.captured_bytes += header->caplen;
            m_counters.input_bytes += header->caplen;
            ++m_interfaces[0].frames;
            return ReadStatus::frame;
        }
        m_ended = true;
        return ReadStatus::end;
    }

private:
    // Non-blocking handle plus poll(): a bounded wait whatever libpcap's timeout semantics.
    void wait_readable() const {
        const int fd = pcap_get_selectable_fd(m_handle.get());
        int wait_ms = m_options.poll_ms > 0 ? m_options.poll_ms : 100;
        if (fd < 0) {
            ::usleep(static_cast<useconds_t>(wait_ms) * 1000);
            return;
        }
        pollfd pfd{fd, POLLIN, 0};
        ::poll(&pfd, 1, wait_ms);
    }

    bool limit_reached() const {
        if (m_options.stop != nullptr && m_options.stop->load()) {
            return true;
        }
        if (m_options.count != 0 && m_counters.frames >= m_options.count) {
            return true;
        }
        if (m_options.duration_s > 0) {
            const std::chrono::duration<double> elapsed =
                std::chrono::steady_clock::now() - m_start;
            return elapsed.count() >= m_options.duration_s;
        }
        return false;
    }

    std::unique_ptr<pcap_t, PcapCloser> m_handle;
    LiveOptions m_options;
    std::chrono::steady_clock::time_point m_start;
    bool m_ended = false;
};

CaptureError live_error(CaptureErrorCode code, const std::string& iface, std::string detail) {
    return CaptureError{code, iface, 0, std::move(detail)};
}

} // namespace

tl::expected<std::unique_ptr<FrameSource>, CaptureError> open_live(const LiveOptions& options) {
    if (options.interface.empty()) {
        return tl::unexpected(
            live_error(CaptureErrorCode::cannot_open, "(live)", "no interface given"));
    }
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    std::unique_ptr<pcap_t, PcapCloser> handle(pcap_create(options.interface.c_str(), errbuf));
    if (!handle) {
        return tl::unexpected(live_error(CaptureErrorCode::cannot_open, options.interface, errbuf));
    }
    pcap_set_snaplen(handle.get(), static_cast<int>(options.snaplen));
    pcap_set_promisc(handle.get(), options.promiscuous ? 1 : 0);
    pcap_set_timeout(handle.get(), options.poll_ms > 0 ? options.poll_ms : 100);
    pcap_set_immediate_mode(handle.get(), 1); // deliver each packet without batching delay
    pcap_set_tstamp_precision(handle.get(), PCAP_TSTAMP_PRECISION_NANO); // may be refused
    const int rc = pcap_activate(handle.get());
    if (rc < 0) {
        return tl::unexpected(live_error(
            CaptureErrorCode::cannot_open, options.interface,
            fmt::format("cannot capture: {}",
                        rc == PCAP_ERROR ? pcap_geterr(handle.get()) : pcap_statustostr(rc))));
    }
    if (pcap_setnonblock(handle.get(), 1, errbuf) != 0) {
        return tl::unexpected(live_error(CaptureErrorCode::cannot_open, options.interface, errbuf));
    }
    if (!options.filter.empty()) {
        bpf_program program{};
        if (pcap_compile(handle.get(), &program, options.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) !=
            0) {
            return tl::unexpected(live_error(
                CaptureErrorCode::unsupported, options.interface,
                fmt::format("bad filter '{}': {}", options.filter, pcap_geterr(handle.get()))));
        }
        const int set = pcap_setfilter(handle.get(), &program);
        pcap_freecode(&program);
        if (set != 0) {
            return tl::unexpected(live_error(CaptureErrorCode::cannot_open, options.interface,
                                             pcap_geterr(handle.get())));
        }
    }
    return std::unique_ptr<FrameSource>(std::make_unique<LiveSource>(std::move(handle), options));
}

} // namespace sipdx::capture
