// Writing output files without following symbolic links someone planted on the way.
//
// sipdx writes where the user says (a site folder, a capture, a report, a database), often into
// folders other people can write to. A symlink waiting at a file's name, or in place of a
// subfolder, would turn the write into an overwrite of whatever it points at. Every file
// writer opens its files through these calls:
//
// - write_file_under(root, relative, bytes): for a tree of files below a folder the user named
//   (`site`, reports). The root itself is taken as given (it may be a link the user made); below
//   it, every folder is created or entered without following a link, and the file is written to
//   a new temporary file (O_EXCL | O_NOFOLLOW) in its folder, then renamed over the name, so a
//   reader never sees half a file. A symlink at the file's name or in place of a subfolder is
//   refused, naming it.
// - open_output_file(path): one file the user named (`filter -w`, a report): opened with
//   O_NOFOLLOW, so a symlink at that name is refused rather than followed; created 0666 minus
//   the umask, truncated when it exists.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace sipdx::text {

// What went wrong, in one line naming the path ("" when the call succeeded).
struct FileError {
    std::string path;
    std::string message;
    explicit operator bool() const { return !message.empty(); }
};

// Writes `bytes` to root/relative (relative: '/'-separated, no "..", no leading '/').
FileError write_file_under(const std::string& root, std::string_view relative,
                           std::string_view bytes);

// A writable FILE* for `path` ("-" is not special here), or nullptr with `error` filled.
std::FILE* open_output_file(const std::string& path, FileError& error);

// True when `path` exists and is a symbolic link (not followed).
bool is_symlink(const std::string& path);

} // namespace sipdx::text
