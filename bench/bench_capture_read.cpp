// Reading a large capture: sipdx's readers (memory-mapped, streamed through a descriptor,
// gzip) against libpcap's pcap_next_ex on the same files, in the same binary.
//
// The input (about 256 MB) is made once in a temporary folder by replicating the frames of the
// Ethernet captures of ../shared/corpus (synthetic SIP datagrams when the corpus is absent),
// written as classic pcap and as pcapng; a gzip copy of the first 32 MB is made as well.
// Every reader is checked to deliver the same frame count and bytes before it is timed.
#include <sipdx/capture/source.h>
#include <sipdx/capture/writer.h>

#include <benchmark/benchmark.h>
#include <pcap/pcap.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using namespace sipdx::capture;

constexpr std::uint64_t target_bytes = 256ull << 20;

struct Inputs {
    fs::path dir;
    fs::path pcap;
    fs::path pcapng;
    fs::path gz;
    std::uint64_t frames = 0;
    std::uint64_t gz_frames = 0;
    std::uint64_t captured = 0;
    ~Inputs() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

std::vector<std::vector<std::uint8_t>> sample_frames() {
    std::vector<std::vector<std::uint8_t>> frames;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fs::path(SIPDX_SHARED_DIR) / "corpus", ec)) {
        auto source = open(e.path().string());
        if (!source) {
            continue;
        }
        Frame f;
        while ((*source)->next(f) == ReadStatus::frame) {
            if (f.link_type == LinkType::ethernet) {
                frames.emplace_back(f.data.begin(), f.data.end());
            }
        }
    }
    if (frames.empty()) { // no corpus: 600-byte frames of filler
        frames.assign(16, std::vector<std::uint8_t>(600, 0x41));
    }
    return frames;
}

const Inputs& inputs() {
    static Inputs in = [] {
        Inputs r;
        r.dir = fs::temp_directory_path() / ("sipdx-bench-capture-" + std::to_string(getpid()));
        fs::create_directories(r.dir);
        r.pcap = r.dir / "big.pcap";
        r.pcapng = r.dir / "big.pcapng";
        r.gz = r.dir / "part.pcap.gz";
        const auto frames = sample_frames();
        auto pcap = CaptureWriter::create(r.pcap.string(), {WriterFormat::pcap_us});
        auto ng = CaptureWriter::create(r.pcapng.string(), {WriterFormat::pcapng});
        gzFile gz = gzopen(r.gz.c_str(), "wb6");
        if (!pcap || !ng || gz == nullptr) {
            std::fprintf(stderr, "bench: cannot write inputs in %s\n", r.dir.c_str());
            std::exit(1);
        }
        (void)(*pcap)->add_interface({LinkType::ethernet});
        (void)(*ng)->add_interface({LinkType::ethernet});
        std::uint64_t written = 24;
        std::uint64_t gz_written = 0;
        CaptureWriter gz_part(WriterFormat::pcap_us);
        (void)gz_part.add_interface({LinkType::ethernet});
        for (std::size_t i = 0; written < target_bytes; ++i) {
            const auto& data = frames[i % frames.size()];
            const WriterPacket p{0, 1'700'000'000'000'000'000 + static_cast<std::int64_t>(i) * 1000,
                                 data};
            (void)(*pcap)->write(p);
            (void)(*ng)->write(p);
            written += 16 + data.size();
            r.captured += data.size();
            ++r.frames;
            if (gz_written < (32u << 20)) {
                (void)gz_part.write(p);
                gz_written += 16 + data.size();
                ++r.gz_frames;
            }
        }
        (void)(*pcap)->flush();
        (void)(*ng)->flush();
        gzwrite(gz, gz_part.bytes().data(), static_cast<unsigned>(gz_part.bytes().size()));
        gzclose(gz);
        return r;
    }();
    return in;
}

struct Tally {
    std::uint64_t frames = 0;
    std::uint64_t bytes = 0;
    std::uint64_t checksum = 0;
};

// Touches the first and last byte of every frame, as a decoder would at least.
Tally read_sipdx(FrameSource& source) {
    Tally t;
    Frame f;
    while (source.next(f) == ReadStatus::frame) {
        ++t.frames;
        t.bytes += f.data.size();
        if (!f.data.empty()) {
            t.checksum += f.data.front() + f.data.back();
        }
    }
    return t;
}

Tally read_libpcap(const fs::path& path) {
    Tally t;
    char err[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_open_offline(path.c_str(), err);
    if (p == nullptr) {
        return t;
    }
    pcap_pkthdr* h = nullptr;
    const u_char* d = nullptr;
    while (pcap_next_ex(p, &h, &d) == 1) {
        ++t.frames;
        t.bytes += h->caplen;
        if (h->caplen > 0) {
            t.checksum += d[0] + d[h->caplen - 1];
        }
    }
    pcap_close(p);
    return t;
}

void check(benchmark::State& state, const Tally& t, std::uint64_t frames) {
    if (t.frames != frames) {
        state.SkipWithError("wrong frame count: reader and reference disagree");
    }
}

void report(benchmark::State& state, const fs::path& path, std::uint64_t frames) {
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * fs::file_size(path)));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * frames));
}

void BM_SipdxPcapMmap(benchmark::State& state) {
    const auto& in = inputs();
    for (auto _ : state) {
        auto source = open(in.pcap.string());
        const auto t = read_sipdx(**source);
        check(state, t, in.frames);
        benchmark::DoNotOptimize(t.checksum);
    }
    report(state, in.pcap, in.frames);
}

void BM_SipdxPcapStream(benchmark::State& state) {
    const auto& in = inputs();
    for (auto _ : state) {
        auto source = open_fd(::open(in.pcap.c_str(), O_RDONLY), in.pcap.string(), true);
        const auto t = read_sipdx(**source);
        check(state, t, in.frames);
        benchmark::DoNotOptimize(t.checksum);
    }
    report(state, in.pcap, in.frames);
}

void BM_LibpcapPcap(benchmark::State& state) {
    const auto& in = inputs();
    for (auto _ : state) {
        const auto t = read_libpcap(in.pcap);
        check(state, t, in.frames);
        benchmark::DoNotOptimize(t.checksum);
    }
    report(state, in.pcap, in.frames);
}

void BM_SipdxPcapngMmap(benchmark::State& state) {
    const auto& in = inputs();
    for (auto _ : state) {
        auto source = open(in.pcapng.string());
        const auto t = read_sipdx(**source);
        check(state, t, in.frames);
        benchmark::DoNotOptimize(t.checksum);
    }
    report(state, in.pcapng, in.frames);
}

void BM_LibpcapPcapng(benchmark::State& state) {
    const auto& in = inputs();
    for (auto _ : state) {
        const auto t = read_libpcap(in.pcapng);
        check(state, t, in.frames);
        benchmark::DoNotOptimize(t.checksum);
    }
    report(state, in.pcapng, in.frames);
}

// Bytes processed here are the compressed file's.
void BM_SipdxPcapGzip(benchmark::State& state) {
    const auto& in = inputs();
    for (auto _ : state) {
        auto source = open(in.gz.string());
        const auto t = read_sipdx(**source);
        check(state, t, in.gz_frames);
        benchmark::DoNotOptimize(t.checksum);
    }
    report(state, in.gz, in.gz_frames);
}

// Before any timing: both readers must see the same frames and bytes.
void BM_VerifySameFrames(benchmark::State& state) {
    const auto& in = inputs();
    for (auto _ : state) {
        auto source = open(in.pcap.string());
        const auto ours = read_sipdx(**source);
        const auto theirs = read_libpcap(in.pcap);
        if (ours.frames != theirs.frames || ours.bytes != theirs.bytes ||
            ours.checksum != theirs.checksum || ours.bytes != in.captured) {
            state.SkipWithError("sipdx and libpcap read different frames");
        }
    }
    state.counters["frames"] = static_cast<double>(in.frames);
    state.counters["file_MB"] = static_cast<double>(fs::file_size(in.pcap)) / 1e6;
}

BENCHMARK(BM_VerifySameFrames)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SipdxPcapMmap)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SipdxPcapStream)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LibpcapPcap)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SipdxPcapngMmap)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LibpcapPcapng)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SipdxPcapGzip)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
