#include <sipdx/store/database.h>
#include <sipdx/text/safe_file.h>

#include <fmt/format.h>

#include <sqlite3.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include <unistd.h>

namespace sipdx::store {
namespace {

// Migration N takes a database from user_version N to N+1. Append, never edit: a database in
// the field may be at any earlier version. docs/store.md documents the resulting schema.
constexpr std::array<std::string_view, schema_version> k_migrations{
    R"sql(
CREATE TABLE captures (
    id            INTEGER PRIMARY KEY,
    sha256        TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    size          INTEGER NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('ingesting', 'complete')),
    first_ns      INTEGER,
    last_ns       INTEGER,
    frames        INTEGER,
    sip_messages  INTEGER,
    calls         INTEGER,
    clean         INTEGER,
    ingested_at   TEXT NOT NULL,
    schema        INTEGER NOT NULL
);
CREATE TABLE calls (
    id                INTEGER PRIMARY KEY,
    capture_id        INTEGER NOT NULL REFERENCES captures(id),
    call_id           TEXT NOT NULL,
    kind              TEXT NOT NULL,
    first_method      TEXT NOT NULL,
    from_uri          TEXT NOT NULL,
    to_uri            TEXT NOT NULL,
    start_ns          INTEGER NOT NULL,
    end_ns            INTEGER NOT NULL,
    outcome           TEXT NOT NULL,
    final_code        INTEGER,
    final_reason      TEXT NOT NULL,
    class             INTEGER,
    category          TEXT NOT NULL,
    reason_header     TEXT NOT NULL,
    warning           TEXT NOT NULL,
    failed_by         TEXT,
    failed_by_product TEXT NOT NULL,
    icid              TEXT NOT NULL,
    bye_by            TEXT NOT NULL,
    pdd_ms            REAL,
    setup_ms          REAL,
    duration_s        REAL,
    messages          INTEGER NOT NULL,
    retransmissions   INTEGER NOT NULL,
    duplicates        INTEGER NOT NULL,
    transactions      INTEGER NOT NULL,
    attempts          INTEGER NOT NULL,
    challenges        INTEGER NOT NULL,
    dialogs           INTEGER NOT NULL,
    reinvites         INTEGER NOT NULL,
    pracks            INTEGER NOT NULL,
    hops              INTEGER NOT NULL,
    cancel_seen       INTEGER NOT NULL,
    has_sdp           INTEGER NOT NULL,
    registrations     INTEGER NOT NULL,
    registrations_ok  INTEGER NOT NULL,
    deregistrations   INTEGER NOT NULL,
    explanation       TEXT NOT NULL
);
CREATE INDEX calls_by_start ON calls (start_ns);
CREATE INDEX calls_by_code ON calls (final_code, start_ns);
CREATE INDEX calls_by_capture ON calls (capture_id, call_id);
CREATE TABLE call_finals (
    call       INTEGER NOT NULL REFERENCES calls(id),
    capture_id INTEGER NOT NULL REFERENCES captures(id),
    code       INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (call, code)
) WITHOUT ROWID;
CREATE INDEX call_finals_by_capture ON call_finals (capture_id);
CREATE TABLE findings (
    call       INTEGER NOT NULL REFERENCES calls(id),
    capture_id INTEGER NOT NULL REFERENCES captures(id),
    code       TEXT NOT NULL,
    severity   TEXT NOT NULL,
    frame      INTEGER NOT NULL,
    count      INTEGER NOT NULL
);
CREATE INDEX findings_by_call ON findings (call);
CREATE INDEX findings_by_capture ON findings (capture_id, code);
CREATE TABLE messages (
    capture_id     INTEGER NOT NULL REFERENCES captures(id),
    seq            INTEGER NOT NULL,
    frame          INTEGER NOT NULL,
    time_ns        INTEGER NOT NULL,
    src            TEXT NOT NULL,
    sport          INTEGER NOT NULL,
    dst            TEXT NOT NULL,
    dport          INTEGER NOT NULL,
    transport      TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('request', 'response')),
    method         TEXT,
    status         INTEGER,
    reason         TEXT,
    call_id        TEXT,
    cseq_seq       INTEGER,
    cseq_method    TEXT,
    from_tag       TEXT,
    to_tag         TEXT,
    branch         TEXT,
    length         INTEGER NOT NULL,
    retransmission INTEGER NOT NULL,
    duplicate      INTEGER NOT NULL
);
CREATE INDEX messages_by_call ON messages (capture_id, call_id);
CREATE TABLE code_counts (
    capture_id         INTEGER NOT NULL REFERENCES captures(id),
    code               INTEGER NOT NULL,
    messages           INTEGER NOT NULL,
    final_transactions INTEGER NOT NULL,
    final_calls        INTEGER NOT NULL,
    PRIMARY KEY (capture_id, code)
) WITHOUT ROWID;
)sql",
    // 2: where each message sits in its capture and what the decoder and parser noticed.
    // Rows written by version 1 keep NULL in these columns (not recorded), where version 2
    // writes '' for "none".
    R"sql(
ALTER TABLE messages ADD COLUMN file_offset INTEGER;
ALTER TABLE messages ADD COLUMN interface_id INTEGER;
ALTER TABLE messages ADD COLUMN encap TEXT;
ALTER TABLE messages ADD COLUMN decode_findings TEXT;
ALTER TABLE messages ADD COLUMN sip_findings TEXT;
)sql",
    // 3: which message rows a capture kept (`--message-rows`; every capture stored before kept
    // them all), and each message's Call-ID record by its calls.id: an integer index that
    // grows at its end replaces the (capture_id, call_id) one that took random text inserts.
    // Older rows get the first record of their Call-ID in their capture.
    R"sql(
ALTER TABLE captures ADD COLUMN message_rows TEXT NOT NULL DEFAULT 'all';
ALTER TABLE messages ADD COLUMN call INTEGER;
UPDATE messages SET call = (SELECT min(c.id) FROM calls c
    WHERE c.capture_id = messages.capture_id AND c.call_id = messages.call_id)
  WHERE call_id IS NOT NULL;
DROP INDEX messages_by_call;
CREATE INDEX messages_by_call ON messages (capture_id, call);
)sql",
    // 4: captures by size. Before each capture an ingest asks whether one of that size is
    // stored (only such a capture can be a duplicate, so only it is hashed first); without an
    // index that read every captures row: 6 ms per capture with 100,000 captures stored.
    R"sql(
CREATE INDEX captures_by_size ON captures (size);
)sql",
    // 5: RTP streams per capture (`sipdx ingest --media`, docs/media.md), tied to calls by
    // (capture_id, call_id); call_id is '' for streams no SDP names.
    R"sql(
CREATE TABLE media_streams (
    capture_id     INTEGER NOT NULL REFERENCES captures(id),
    call_id        TEXT NOT NULL,
    ssrc           INTEGER NOT NULL,
    src            TEXT NOT NULL,
    dst            TEXT NOT NULL,
    from_party     TEXT NOT NULL,
    matched_by     TEXT NOT NULL,
    payload_type   INTEGER NOT NULL,
    codec          TEXT NOT NULL,
    start_ns       INTEGER NOT NULL,
    end_ns         INTEGER NOT NULL,
    packets        INTEGER NOT NULL,
    expected       INTEGER NOT NULL,
    lost           INTEGER NOT NULL,
    loss_pct       REAL NOT NULL,
    duplicates     INTEGER NOT NULL,
    out_of_order   INTEGER NOT NULL,
    loss_bursts    INTEGER NOT NULL,
    max_jitter_ms  REAL NOT NULL,
    mean_jitter_ms REAL NOT NULL,
    max_delta_ms   REAL NOT NULL,
    dtmf_digits    TEXT NOT NULL,
    rtt_ms         REAL,
    r_factor       REAL,
    mos            REAL,
    mos_model      TEXT NOT NULL,
    findings       TEXT NOT NULL
);
CREATE INDEX media_streams_by_call ON media_streams (capture_id, call_id);
)sql",
    // 6: sessions (`sipdx ingest --sessions`, docs/sessions.md): Call-IDs grouped across legs
    // and hops, their legs, the links that join them and the nodes' roles; each call row names
    // its session. captures.sessions is NULL for captures stored without them (all before).
    // calls.session_id has no index: written after the calls rows (a session is known once its
    // capture is read) and reached from session_legs, whose key leads to calls_by_capture.
    R"sql(
ALTER TABLE captures ADD COLUMN sessions INTEGER;
ALTER TABLE calls ADD COLUMN session_id INTEGER;
CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    capture_id  INTEGER NOT NULL REFERENCES captures(id),
    name        TEXT NOT NULL,
    key         TEXT NOT NULL,
    start_ns    INTEGER NOT NULL,
    end_ns      INTEGER NOT NULL,
    legs        INTEGER NOT NULL,
    outcome     TEXT NOT NULL,
    final_code  INTEGER,
    legs_ok     INTEGER NOT NULL,
    legs_failed INTEGER NOT NULL,
    strength    TEXT NOT NULL,
    failed_leg  TEXT NOT NULL,
    origin_node TEXT NOT NULL,
    origin_role TEXT NOT NULL,
    verdict     TEXT NOT NULL
);
CREATE INDEX sessions_by_capture ON sessions (capture_id, name);
CREATE TABLE session_legs (
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    leg         INTEGER NOT NULL,
    capture_id  INTEGER NOT NULL REFERENCES captures(id),
    call_id     TEXT NOT NULL,
    from_uri    TEXT NOT NULL,
    to_uri      TEXT NOT NULL,
    start_ns    INTEGER NOT NULL,
    end_ns      INTEGER NOT NULL,
    outcome     TEXT NOT NULL,
    final_code  INTEGER,
    icid        TEXT NOT NULL,
    caller_node TEXT NOT NULL,
    caller_role TEXT NOT NULL,
    callee_node TEXT NOT NULL,
    callee_role TEXT NOT NULL,
    failed_by   TEXT NOT NULL,
    PRIMARY KEY (session_id, leg)
) WITHOUT ROWID;
CREATE TABLE session_links (
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    seq        INTEGER NOT NULL,
    a          TEXT NOT NULL,
    b          TEXT NOT NULL,
    kind       TEXT NOT NULL,
    strength   TEXT NOT NULL,
    evidence   TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;
CREATE TABLE session_nodes (
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    seq        INTEGER NOT NULL,
    node       TEXT NOT NULL,
    role       TEXT NOT NULL,
    confidence TEXT NOT NULL,
    evidence   TEXT NOT NULL,
    product    TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;
)sql"};

int user_version(sqlite3* db, int& version) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr);
    if (rc != SQLITE_OK) return rc;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        version = sqlite3_column_int(stmt, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(stmt);
    return rc;
}

// Why `path` (or the directory that would hold it and its -wal/-shm files) cannot be written;
// empty when it can. access() answers for root too on a read-only mount (EROFS).
std::string write_problem(const std::string& path) {
    std::error_code ec;
    const bool exists = std::filesystem::exists(path, ec);
    const std::string dir = std::filesystem::path(path).parent_path().string();
    const std::string target = exists ? path : (dir.empty() ? "." : dir);
    if (::access(target.c_str(), W_OK) == 0) {
        if (!exists) return {};
        const std::string parent = dir.empty() ? "." : dir;
        if (::access(parent.c_str(), W_OK) == 0) return {};
        return fmt::format("directory {} is not writable ({})", parent, std::strerror(errno));
    }
    return fmt::format("{} is not writable ({})", target, std::strerror(errno));
}

std::string uri_path(const std::string& path) {
    std::string out = "file:";
    for (unsigned char c : path) {
        if (c == '%' || c == '?' || c == '#' || c < 0x20) {
            out += fmt::format("%{:02X}", c);
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

} // namespace

StoreError Database::error(std::string_view what) const {
    return error(m_db ? sqlite3_extended_errcode(m_db) : SQLITE_CANTOPEN, what);
}

StoreError Database::error(int sqlite_code, std::string_view what) const {
    StoreError e;
    switch (sqlite_code & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        e.kind = ErrorKind::locked;
        break;
    case SQLITE_READONLY:
        e.kind = ErrorKind::read_only;
        break;
    case SQLITE_FULL:
        e.kind = ErrorKind::full;
        break;
    case SQLITE_AUTH:
        e.kind = ErrorKind::rejected;
        break;
    default:
        e.kind = ErrorKind::unusable;
    }
    std::string detail = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(sqlite_code);
    if (e.kind == ErrorKind::locked) detail += " (another process is writing; try again later)";
    if (e.kind == ErrorKind::full) detail += " (the batch was rolled back; nothing half-written)";
    e.message = fmt::format("{}: {}: {}", m_path, what, detail);
    return e;
}

tl::expected<void, StoreError> Database::exec(std::string_view sql) {
    const std::string text(sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, &message);
    sqlite3_free(message);
    if (rc != SQLITE_OK) return tl::unexpected(error(rc, "write"));
    return {};
}

Database::Database(Database&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path)),
      m_read_only(other.m_read_only) {}

Database& Database::operator=(Database&& other) noexcept {
    std::swap(m_db, other.m_db);
    std::swap(m_path, other.m_path);
    std::swap(m_read_only, other.m_read_only);
    return *this;
}

Database::~Database() {
    if (m_db) sqlite3_close_v2(m_db);
}

tl::expected<Database, StoreError> Database::open(const std::string& path, OpenOptions options) {
    // SQLite's allocation statistics take a global mutex on every malloc and free; sipdx never
    // reads them. Only possible before SQLite initialises (a later call is refused, harmlessly).
    static const bool configured = [] {
        return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
    }();
    (void)configured;
    const bool read_only = options.mode == OpenMode::read_only;
    // A database written to is never reached through a symlink (text/safe_file.h).
    const int flags = read_only
                          ? SQLITE_OPEN_READONLY
                          : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW);
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    Database db(raw, path, read_only);
    if (rc != SQLITE_OK) {
        StoreError e = db.error(rc, "cannot open");
        if ((rc & 0xFF) == SQLITE_CANTOPEN && !read_only && text::is_symlink(path)) {
            e.message = fmt::format("{}: is a symbolic link; refusing to write through it", path);
        } else if ((rc & 0xFF) == SQLITE_CANTOPEN && !read_only) {
            if (auto why = write_problem(path); !why.empty()) {
                e.kind = ErrorKind::read_only;
                e.message = fmt::format("{}: read-only: {}", path, why);
            }
        }
        if ((rc & 0xFF) == SQLITE_CANTOPEN && read_only)
            e.message = fmt::format("{}: cannot open: no such database file", path);
        return tl::unexpected(e);
    }
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, options.busy_timeout_ms);

    // The version decides everything else, and is read before anything is written.
    int version = 0;
    int vrc = user_version(raw, version);
    if (vrc != SQLITE_OK && read_only && (vrc & 0xFF) == SQLITE_CANTOPEN) {
        // A WAL database on read-only media: no -shm can be made. When no -wal holds
        // uncheckpointed pages (a cleanly closed database), the file alone is the whole truth.
        std::error_code ec;
        const auto wal = std::filesystem::file_size(path + "-wal", ec);
        if (ec || wal == 0) {
            sqlite3* imm = nullptr;
            const std::string uri = uri_path(path) + "?immutable=1";
            if (sqlite3_open_v2(uri.c_str(), &imm, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                                nullptr) == SQLITE_OK) {
                db = Database(imm, path, true);
                raw = imm;
                sqlite3_extended_result_codes(raw, 1);
                vrc = user_version(raw, version);
            } else {
                sqlite3_close_v2(imm);
            }
        }
    }
    if (vrc != SQLITE_OK) {
        StoreError e = db.error(vrc, "cannot read");
        if (!read_only) {
            if (auto why = write_problem(path); !why.empty()) {
                e.kind = ErrorKind::read_only;
                e.message = fmt::format("{}: read-only: {}", path, why);
            }
        }
        if ((vrc & 0xFF) == SQLITE_NOTADB)
            e.message = fmt::format("{}: not a SQLite database", path);
        return tl::unexpected(e);
    }
    if (version > schema_version) {
        return tl::unexpected(StoreError{
            ErrorKind::newer_schema,
            fmt::format("{}: schema version {} is newer than this sipdx supports ({}); use a "
                        "newer sipdx (the file was not changed)",
                        path, version, schema_version)});
    }
    if (read_only) {
        if (version == 0)
            return tl::unexpected(StoreError{
                ErrorKind::unusable, fmt::format("{}: not a sipdx database (no schema)", path)});
        if (auto r = db.exec("PRAGMA query_only = 1"); !r) return tl::unexpected(r.error());
        return db;
    }

    if (options.max_page_count > 0) {
        if (auto r = db.exec(fmt::format("PRAGMA max_page_count = {}", options.max_page_count)); !r)
            return tl::unexpected(r.error());
    }
    if (version < schema_version) {
        // A non-empty database without our version is someone else's file: leave it alone.
        if (version == 0) {
            sqlite3_stmt* stmt = nullptr;
            sqlite3_prepare_v2(raw, "SELECT count(*) FROM sqlite_master", -1, &stmt, nullptr);
            const bool empty =
                stmt && sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_int(stmt, 0) == 0;
            sqlite3_finalize(stmt);
            if (!empty)
                return tl::unexpected(StoreError{
                    ErrorKind::unusable,
                    fmt::format("{}: holds tables but no sipdx schema version; not touching it",
                                path)});
        }
        // A new file: 16 KiB pages make the bulk inserts of an ingest cheaper (a quarter of the
        // WAL frames, writes and B-tree splits per row: about 20% less CPU on the writer
        // thread, measured in docs/store.md). Only possible before the first table exists.
        if (version == 0) {
            if (auto r = db.exec("PRAGMA page_size = 16384"); !r) return tl::unexpected(r.error());
        }
        if (auto r = db.exec("PRAGMA journal_mode = WAL"); !r) return tl::unexpected(r.error());
        // Before the migrations too: each commits on its own, and under the default FULL
        // every commit waits for an fdatasync (a third of the ~8 ms that opening a new file
        // took). A migration lost to a power cut is applied again by the next open.
        if (auto r = db.exec("PRAGMA synchronous = NORMAL"); !r) return tl::unexpected(r.error());
        for (int v = version; v < schema_version; ++v) {
            if (auto r = db.exec("BEGIN IMMEDIATE"); !r) return tl::unexpected(r.error());
            // Re-read inside the write lock: another process may have migrated meanwhile.
            int now = 0;
            user_version(raw, now);
            if (now > v) {
                db.exec("COMMIT").map_error([](auto&&) { return 0; });
                v = now - 1;
                continue;
            }
            auto step = db.exec(k_migrations[static_cast<std::size_t>(v)]);
            if (step) step = db.exec(fmt::format("PRAGMA user_version = {}", v + 1));
            if (step) step = db.exec("COMMIT");
            if (!step) {
                (void)db.exec("ROLLBACK");
                return tl::unexpected(step.error());
            }
        }
    } else {
        if (auto r = db.exec("PRAGMA journal_mode = WAL"); !r) return tl::unexpected(r.error());
    }
    // WAL with NORMAL sync is durable across application crashes (the case the store must
    // survive) and much cheaper than FULL; a power cut may lose the last batches, never
    // consistency.
    if (auto r = db.exec("PRAGMA synchronous = NORMAL"); !r) return tl::unexpected(r.error());
    return db;
}

} // namespace sipdx::store
