// SHA-256 against the FIPS 180-4 / NIST example vectors, across block boundaries.
#include <sipdx/store/sha256.h>

#include "unit/store/store_test_util.h"

#include <fstream>

using sipdx::store::Sha256;
using sipdx::store::sha256_file;
using sipdx::store::sha256_hex;

TEST(Sha256, KnownVectors) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, ChunkedUpdatesEqualOneShot) {
    std::string data;
    for (int i = 0; i < 300; ++i)
        data += static_cast<char>(i * 7);
    for (std::size_t step : {1u, 3u, 63u, 64u, 65u, 127u}) {
        Sha256 h;
        for (std::size_t i = 0; i < data.size(); i += step)
            h.update(data.data() + i, std::min(step, data.size() - i));
        const auto digest = h.finish();
        std::string hex;
        for (auto b : digest)
            hex += fmt::format("{:02x}", b);
        EXPECT_EQ(hex, sha256_hex(data)) << "step " << step;
    }
}

TEST(Sha256, File) {
    const auto dir = sipdx::store::test::temp_dir("sha");
    std::ofstream(dir / "f") << "abc";
    auto h = sha256_file((dir / "f").string());
    ASSERT_TRUE(h);
    EXPECT_EQ(*h, sha256_hex("abc"));
    auto missing = sha256_file((dir / "nope").string());
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("nope"), std::string::npos);
    std::filesystem::remove_all(dir);
}

// Regular files are hashed through memory mappings of 16 MiB windows: a file that spans
// several windows, with a tail that is not a multiple of the block size, must hash as its
// bytes do.
TEST(Sha256, FileAcrossMappingWindows) {
    const auto dir = sipdx::store::test::temp_dir("sha-windows");
    std::string data((16u << 20) * 2 + 12345, '\0');
    std::uint32_t x = 7;
    for (auto& c : data) {
        x = x * 1664525 + 1013904223;
        c = static_cast<char>(x >> 24);
    }
    std::ofstream(dir / "big", std::ios::binary)
        .write(data.data(), static_cast<std::streamsize>(data.size()));
    auto h = sha256_file((dir / "big").string());
    ASSERT_TRUE(h);
    EXPECT_EQ(*h, sha256_hex(data));
    std::ofstream(dir / "empty", std::ios::binary).flush();
    auto empty = sha256_file((dir / "empty").string());
    ASSERT_TRUE(empty);
    EXPECT_EQ(*empty, sha256_hex(""));
    std::filesystem::remove_all(dir);
}

// What cannot be mapped (a character device here) is read instead.
TEST(Sha256, NonRegularFileIsRead) {
    auto h = sha256_file("/dev/null");
    ASSERT_TRUE(h);
    EXPECT_EQ(*h, sha256_hex(""));
}
