// The command line every capture generator shares:
//   GENERATOR OUTDIR          writes every file into OUTDIR
//   GENERATOR --check DIR     exits 1 unless DIR holds these bytes
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

namespace gen {

using Bytes = std::vector<std::uint8_t>;
using Files = std::map<std::string, Bytes>; // file name -> content

inline Bytes read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// `build` makes the files; it runs only once the command line is known to be right.
inline int generator_main(int argc, char** argv, Files (*build)()) {
    const bool check = argc == 3 && std::strcmp(argv[1], "--check") == 0;
    if (argc != 2 && !check) {
        std::fprintf(stderr, "usage: %s OUTDIR | --check DIR\n", argv[0]);
        return 2;
    }
    const std::filesystem::path dir = argv[check ? 2 : 1];
    int failures = 0;
    for (const auto& [name, bytes] : build()) {
        const auto path = dir / name;
        if (check) {
            if (!std::filesystem::exists(path) || read_file(path) != bytes) {
                std::fprintf(stderr, "%s differs from what the generator makes\n", path.c_str());
                ++failures;
            }
            continue;
        }
        std::filesystem::create_directories(dir);
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(bytes.data()),
                  static_cast<std::streamsize>(bytes.size()));
        if (!out) {
            std::fprintf(stderr, "cannot write %s\n", path.c_str());
            ++failures;
        }
    }
    return failures == 0 ? 0 : 1;
}

} // namespace gen
