// The SIGBUS guard behind MappedFile: a fixed array of slots (no allocation, no locks) that
// the signal handler can search, and the handler itself.
#include <capture/detail/mapped_file_hook.h>
#include <sipdx/capture/mapped_file.h>

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <limits>
#include <mutex>
#include <utility>

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace sipdx::capture {
namespace {

constexpr std::uint64_t no_fault = std::numeric_limits<std::uint64_t>::max();

// One guarded range. `begin` != 0 publishes the slot to the handler; `in_handler` counts the
// handlers looking at it, so that unregistering can wait until none does before the range is
// unmapped (otherwise a handler could map zeros over whatever is mapped there next).
struct Slot {
    std::atomic<bool> claimed{false};
    std::atomic<std::uintptr_t> begin{0};
    std::atomic<std::size_t> length{0}; // whole pages
    std::atomic<std::uint64_t> file_offset{0};
    std::atomic<std::uint32_t> in_handler{0};
    std::atomic<bool> shrank{false};
    std::atomic<std::uint64_t> first_fault{no_fault};      // offset in the file
    std::atomic<std::atomic<std::size_t>*> watch{nullptr}; // see notify_on_fault()
};

static_assert(std::atomic<std::uintptr_t>::is_always_lock_free);
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);
static_assert(std::atomic<bool>::is_always_lock_free);
static_assert(std::atomic<std::atomic<std::size_t>*>::is_always_lock_free);

std::array<Slot, max_guarded_mappings> g_slots;
struct sigaction g_previous {};
std::uintptr_t g_page_size = 4096;
std::once_flag g_install_once;
bool g_installed = false;
std::atomic<detail::MapHook> g_map_hook{nullptr};

// Gives the fault to whoever had SIGBUS before us: restore that action and return, so the
// faulting instruction runs again and faults into it (the default action kills the process
// with SIGBUS, as if we had never been there). A SIGBUS sent by kill() has no faulting
// instruction to re-run: it is raised again instead (blocked here, delivered on return).
void pass_on(const siginfo_t* info) {
    if (g_previous.sa_handler == SIG_IGN) {
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        ::sigaction(SIGBUS, &dfl, nullptr);
    } else {
        ::sigaction(SIGBUS, &g_previous, nullptr);
    }
    if (info == nullptr || info->si_code <= 0) {
        ::raise(SIGBUS);
    }
}

// Only async-signal-safe work here: atomics that are lock-free, and raw system calls.
void on_sigbus(int /*signal*/, siginfo_t* info, void* /*context*/) {
    const int saved_errno = errno;
    // BUS_ADRERR is what the kernel sends for a page beyond the end of a mapped file; other
    // codes (alignment, hardware memory errors, kill()) are not ours to hide.
    if (info != nullptr && info->si_code == BUS_ADRERR) {
        const auto address = reinterpret_cast<std::uintptr_t>(info->si_addr);
        for (auto& slot : g_slots) {
            slot.in_handler.fetch_add(1, std::memory_order_seq_cst);
            const std::uintptr_t begin = slot.begin.load(std::memory_order_seq_cst);
            const std::size_t length = slot.length.load(std::memory_order_acquire);
            if (begin != 0 && address - begin < length) {
                // Zero pages from the faulting one to the end of the mapping: the file has no
                // bytes there any more, so every later page would fault too. mmap(MAP_FIXED)
                // is a single system call that takes no user-space lock and allocates
                // nothing of ours; called through syscall() so that no interceptor (ASan's)
                // runs inside the handler. POSIX does not list mmap as async-signal-safe, but
                // on Linux it is the raw system call, which is all the handler needs.
                const std::uintptr_t page = address & ~(g_page_size - 1);
                const auto zeros = static_cast<std::uintptr_t>(
                    ::syscall(SYS_mmap, page, begin + length - page, PROT_READ,
                              MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
                if (zeros == page) {
                    const std::uint64_t at =
                        slot.file_offset.load(std::memory_order_relaxed) + (page - begin);
                    std::uint64_t seen = slot.first_fault.load(std::memory_order_relaxed);
                    while (at < seen && !slot.first_fault.compare_exchange_weak(
                                            seen, at, std::memory_order_relaxed)) {
                    }
                    slot.shrank.store(true, std::memory_order_seq_cst);
                    if (auto* watch = slot.watch.load(std::memory_order_seq_cst)) {
                        watch->store(0, std::memory_order_seq_cst);
                    }
                    slot.in_handler.fetch_sub(1, std::memory_order_seq_cst);
                    errno = saved_errno;
                    return; // the read is retried and now sees zeros
                }
                // Could not map zeros (out of memory): nothing left but to crash.
            }
            slot.in_handler.fetch_sub(1, std::memory_order_seq_cst);
        }
    }
    pass_on(info);
    errno = saved_errno;
}

void install_handler() {
    g_page_size = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    struct sigaction action {};
    action.sa_sigaction = on_sigbus;
    // SA_ONSTACK: a thread that set up an alternate signal stack (for stack overflows) gets
    // the handler there; the handler needs only a few hundred bytes of stack either way.
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigemptyset(&action.sa_mask);
    // The previous action is read first, so that it is complete before any fault can reach
    // the new handler (the kernel writes the old action out only after installing the new).
    g_installed = ::sigaction(SIGBUS, nullptr, &g_previous) == 0 &&
                  ::sigaction(SIGBUS, &action, nullptr) == 0;
}

int claim_slot(std::uintptr_t begin, std::size_t length, std::uint64_t file_offset) {
    for (std::size_t i = 0; i < g_slots.size(); ++i) {
        auto& slot = g_slots[i];
        bool expected = false;
        if (!slot.claimed.compare_exchange_strong(expected, true, std::memory_order_acq_rel)) {
            continue;
        }
        slot.shrank.store(false, std::memory_order_relaxed);
        slot.first_fault.store(no_fault, std::memory_order_relaxed);
        slot.file_offset.store(file_offset, std::memory_order_relaxed);
        slot.watch.store(nullptr, std::memory_order_relaxed);
        slot.length.store(length, std::memory_order_release);
        slot.begin.store(begin, std::memory_order_seq_cst); // visible to the handler from here
        return static_cast<int>(i);
    }
    return -1;
}

// A handler that saw the slot's old state is mapping zeros: one system call, then it is gone.
void wait_for_handlers(const Slot& slot) {
    while (slot.in_handler.load(std::memory_order_seq_cst) != 0) {
        ::sched_yield();
    }
}

void free_slot(int index) {
    auto& slot = g_slots[static_cast<std::size_t>(index)];
    slot.begin.store(0, std::memory_order_seq_cst);
    wait_for_handlers(slot);
    slot.claimed.store(false, std::memory_order_release);
}

} // namespace

std::string MapError::message() const {
    switch (code) {
    case MapErrorCode::map_failed:
        return fmt::format("mmap failed: {}", std::strerror(sys_errno));
    case MapErrorCode::no_guard:
        return "no SIGBUS guard available for another mapping";
    case MapErrorCode::empty_range:
        return "nothing to map";
    }
    return "mmap failed";
}

tl::expected<MappedFile, MapError> MappedFile::map(int fd, std::uint64_t offset, std::size_t length,
                                                   MapOptions options) {
    if (length == 0) {
        return tl::unexpected(MapError{MapErrorCode::empty_range, 0});
    }
    std::call_once(g_install_once, install_handler);
    if (!g_installed) {
        return tl::unexpected(MapError{MapErrorCode::no_guard, 0});
    }
    const int own_fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (own_fd < 0) {
        return tl::unexpected(MapError{MapErrorCode::map_failed, errno});
    }
    const int flags = MAP_PRIVATE | (options.populate ? MAP_POPULATE : 0);
    void* address = ::mmap(nullptr, length, PROT_READ, flags, fd, static_cast<off_t>(offset));
    if (address == MAP_FAILED) {
        const int saved = errno;
        ::close(own_fd);
        return tl::unexpected(MapError{MapErrorCode::map_failed, saved});
    }
    const std::size_t mapped = (length + g_page_size - 1) & ~(g_page_size - 1);
    const int slot = claim_slot(reinterpret_cast<std::uintptr_t>(address), mapped, offset);
    if (slot < 0) {
        ::munmap(address, length);
        ::close(own_fd);
        return tl::unexpected(MapError{MapErrorCode::no_guard, 0});
    }
    if (options.sequential) {
        ::madvise(address, length, MADV_SEQUENTIAL);
    }
    MappedFile file;
    file.m_bytes = {static_cast<const std::uint8_t*>(address), length};
    file.m_mapped_length = mapped;
    file.m_offset = offset;
    file.m_fd = own_fd;
    file.m_slot = slot;
    if (const auto hook = g_map_hook.load(std::memory_order_acquire); hook != nullptr) {
        hook(file);
    }
    return file;
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : m_bytes(std::exchange(other.m_bytes, {})),
      m_mapped_length(std::exchange(other.m_mapped_length, 0)),
      m_offset(std::exchange(other.m_offset, 0)), m_fd(std::exchange(other.m_fd, -1)),
      m_slot(std::exchange(other.m_slot, -1)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
    if (this != &other) {
        release();
        m_bytes = std::exchange(other.m_bytes, {});
        m_mapped_length = std::exchange(other.m_mapped_length, 0);
        m_offset = std::exchange(other.m_offset, 0);
        m_fd = std::exchange(other.m_fd, -1);
        m_slot = std::exchange(other.m_slot, -1);
    }
    return *this;
}

MappedFile::~MappedFile() {
    release();
}

void MappedFile::release() noexcept {
    if (m_slot >= 0) {
        free_slot(m_slot); // before munmap: the range must not be guarded once it is reused
        m_slot = -1;
    }
    if (!m_bytes.empty()) {
        ::munmap(const_cast<std::uint8_t*>(m_bytes.data()), m_mapped_length);
        m_bytes = {};
    }
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
}

bool MappedFile::shrank() const {
    // seq_cst: a reader that stored its bound and then reads this flag cannot miss a fault
    // whose reset of that bound it overwrote (see MemoryInput::check_mapping()).
    return m_slot >= 0 &&
           g_slots[static_cast<std::size_t>(m_slot)].shrank.load(std::memory_order_seq_cst);
}

void MappedFile::notify_on_fault(std::atomic<std::size_t>* reset) const {
    if (m_slot < 0) {
        return;
    }
    auto& slot = g_slots[static_cast<std::size_t>(m_slot)];
    slot.watch.store(reset, std::memory_order_seq_cst);
    if (reset == nullptr) {
        wait_for_handlers(slot);
    }
}

std::optional<std::uint64_t> MappedFile::first_fault() const {
    if (m_slot < 0) {
        return std::nullopt;
    }
    const auto at =
        g_slots[static_cast<std::size_t>(m_slot)].first_fault.load(std::memory_order_relaxed);
    if (at == no_fault) {
        return std::nullopt;
    }
    return at;
}

tl::expected<std::uint64_t, int> MappedFile::file_size() const {
    struct stat st {};
    if (m_fd < 0 || ::fstat(m_fd, &st) != 0) {
        return tl::unexpected(m_fd < 0 ? EBADF : errno);
    }
    return static_cast<std::uint64_t>(st.st_size);
}

namespace detail {
MapHook set_map_hook_for_tests(MapHook hook) {
    return g_map_hook.exchange(hook, std::memory_order_acq_rel);
}
} // namespace detail

} // namespace sipdx::capture
