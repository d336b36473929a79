#include <sipdx/text/safe_file.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sipdx::text {

namespace {

std::string errno_text(int error) {
    return std::strerror(error);
}

FileError failed(std::string path, std::string message) {
    return FileError{std::move(path), std::move(message)};
}

// Closes a descriptor when it goes out of scope.
struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

std::vector<std::string_view> split_path(std::string_view relative) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (start <= relative.size()) {
        const std::size_t slash = relative.find('/', start);
        const std::size_t end = slash == std::string_view::npos ? relative.size() : slash;
        parts.push_back(relative.substr(start, end - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return parts;
}

bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

} // namespace

bool is_symlink(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

FileError write_file_under(const std::string& root, std::string_view relative,
                           std::string_view bytes) {
    const auto parts = split_path(relative);
    for (const auto part : parts)
        if (part.empty() || part == "." || part == "..")
            return failed(root + "/" + std::string(relative), "not a plain relative file name");
    Fd dir(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.fd < 0) return failed(root, errno_text(errno));
    std::string shown = root;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        const std::string name(parts[i]);
        shown += "/" + name;
        if (::mkdirat(dir.fd, name.c_str(), 0777) != 0 && errno != EEXIST)
            return failed(shown, errno_text(errno));
        const int next =
            ::openat(dir.fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0) {
            const int error = errno;
            struct stat st {};
            if (::fstatat(dir.fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                S_ISLNK(st.st_mode))
                return failed(shown, "is a symbolic link; refusing to write through it");
            return failed(shown, errno_text(error));
        }
        ::close(dir.fd);
        dir.fd = next;
    }
    const std::string name(parts.back());
    shown += "/" + name;
    struct stat st {};
    if (::fstatat(dir.fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISLNK(st.st_mode))
            return failed(shown, "is a symbolic link; refusing to write through it");
        if (!S_ISREG(st.st_mode)) return failed(shown, "exists and is not a regular file");
    }
    // A fresh name: O_EXCL refuses anything already there, a link above all.
    static thread_local std::mt19937_64 random{std::random_device{}()};
    std::string temp;
    int fd = -1;
    for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
        temp = "." + name + ".tmp" + std::to_string(random() % 1'000'000'000);
        fd = ::openat(dir.fd, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                      0666);
        if (fd < 0 && errno != EEXIST) return failed(shown, errno_text(errno));
    }
    if (fd < 0) return failed(shown, "no free temporary name beside it");
    Fd file(fd);
    if (!write_all(fd, bytes)) {
        const int error = errno;
        ::unlinkat(dir.fd, temp.c_str(), 0);
        return failed(shown, errno_text(error));
    }
    if (::close(file.fd) != 0) {
        file.fd = -1;
        const int error = errno;
        ::unlinkat(dir.fd, temp.c_str(), 0);
        return failed(shown, errno_text(error));
    }
    file.fd = -1;
    // rename() replaces a name and never follows a link at it; a link planted between the
    // check above and here is replaced, not written through.
    if (::renameat(dir.fd, temp.c_str(), dir.fd, name.c_str()) != 0) {
        const int error = errno;
        ::unlinkat(dir.fd, temp.c_str(), 0);
        return failed(shown, errno_text(error));
    }
    return {};
}

std::FILE* open_output_file(const std::string& path, FileError& error) {
    error = {};
    const int fd =
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) {
        const int e = errno;
        if (e == ELOOP && is_symlink(path))
            error = failed(path, "is a symbolic link; refusing to write through it");
        else
            error = failed(path, errno_text(e));
        return nullptr;
    }
    std::FILE* file = ::fdopen(fd, "wb");
    if (file == nullptr) {
        error = failed(path, errno_text(errno));
        ::close(fd);
    }
    return file;
}

} // namespace sipdx::text
