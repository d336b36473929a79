// sha256_file on a file that shrinks while it is hashed: an input error naming the file, not
// a SIGBUS. The truncation happens from the mapping hook (right after a window is mapped), so
// the test is deterministic and needs no second thread.
#include <sipdx/store/sha256.h>

#include <capture/detail/mapped_file_hook.h>

#include "unit/store/store_test_util.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace {

using sipdx::capture::MappedFile;
using sipdx::capture::detail::set_map_hook_for_tests;

std::string g_path;    // the file the hook truncates
off_t g_new_size = 0;  // to this size
int g_maps = 0;        // mappings seen by the hook
int g_truncate_on = 1; // ... on this one (1-based)

void truncate_hook(const MappedFile& /*mapping*/) {
    if (++g_maps == g_truncate_on) {
        EXPECT_EQ(::truncate(g_path.c_str(), g_new_size), 0);
    }
}

// Installs the hook for one test and always removes it.
struct HookScope {
    HookScope(const std::filesystem::path& path, off_t new_size, int on_map) {
        g_path = path.string();
        g_new_size = new_size;
        g_maps = 0;
        g_truncate_on = on_map;
        set_map_hook_for_tests(truncate_hook);
    }
    ~HookScope() { set_map_hook_for_tests(nullptr); }
    HookScope(const HookScope&) = delete;
    HookScope& operator=(const HookScope&) = delete;
};

void write_file(const std::filesystem::path& path, std::size_t size) {
    std::string bytes(size, 'x');
    std::ofstream(path, std::ios::binary) << bytes;
}

TEST(Sha256Shrink, FileTruncatedWhileHashedIsAnInputError) {
    const auto dir = sipdx::store::test::temp_dir("sha-shrink");
    const auto path = dir / "capture.pcap";
    write_file(path, 3u << 20);
    HookScope hook(path, 1 << 20, 1); // the first (only) window loses two thirds
    const auto hash = sipdx::store::sha256_file(path.string());
    ASSERT_FALSE(hash);
    EXPECT_EQ(hash.error().kind, sipdx::store::ErrorKind::input);
    EXPECT_EQ(hash.error().message, path.string() + ": changed while being hashed (shrank)");
}

TEST(Sha256Shrink, TruncatedBeforeTheSecondWindowIsAnInputError) {
    // 16 MiB windows: the file is cut while the second window is being hashed. Sparse, so
    // writing it costs nothing.
    const auto dir = sipdx::store::test::temp_dir("sha-shrink2");
    const auto path = dir / "big.pcap";
    std::ofstream(path, std::ios::binary).put('x');
    std::filesystem::resize_file(path, (16u << 20) + (1u << 20));
    HookScope hook(path, (16 << 20) + 4096, 2);
    const auto hash = sipdx::store::sha256_file(path.string());
    ASSERT_FALSE(hash);
    EXPECT_EQ(g_maps, 2);
    EXPECT_EQ(hash.error().message, path.string() + ": changed while being hashed (shrank)");
}

TEST(Sha256Shrink, LossOfLessThanAPageIsAlsoFound) {
    // No fault at all (the lost bytes share a page with kept ones): the size check finds it.
    const auto dir = sipdx::store::test::temp_dir("sha-shrink3");
    const auto path = dir / "small.pcap";
    write_file(path, 10000);
    HookScope hook(path, 9990, 1);
    const auto hash = sipdx::store::sha256_file(path.string());
    ASSERT_FALSE(hash);
    EXPECT_EQ(hash.error().message, path.string() + ": changed while being hashed (shrank)");
}

TEST(Sha256Shrink, UnchangedFileStillHashes) {
    const auto dir = sipdx::store::test::temp_dir("sha-shrink4");
    const auto path = dir / "same.pcap";
    write_file(path, 100000);
    const auto hash = sipdx::store::sha256_file(path.string());
    ASSERT_TRUE(hash);
    EXPECT_EQ(*hash, sipdx::store::sha256_hex(std::string(100000, 'x')));
}

} // namespace
