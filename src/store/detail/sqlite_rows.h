// The SQLite sink's rows: prepared multi-row INSERTs whose parameters are bound again only
// when they change (CachedStatement), the groups of rows waiting for them, and the binding of
// each table's row (sqlite_rows.cpp).
#pragma once

#include <sipdx/session/record.h>
#include <sipdx/store/database.h>

#include "store/detail/rows.h"
#include "store/detail/statement.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sipdx::store::detail {

// Message rows per multi-row INSERT (28 parameters each; SQLite allows 32766).
//
// Every INSERT is `OR ROLLBACK`: a statement that writes several rows and may abort on a
// constraint otherwise keeps a statement journal (the prior content of every page it touches,
// in a temporary file beyond 64 KiB) so that it can undo itself alone. The writer gives up
// the whole batch transaction on any failed step anyway, so that journal was pure cost (52 MB
// of temporary-file writes for a 32 MiB capture, a quarter of the writer's CPU).
constexpr std::size_t k_group_rows = 32;
constexpr int k_message_columns = 28;

std::string insert_messages_sql(std::size_t rows);

// Call rows per multi-row INSERT (39 parameters each), and call_finals / findings rows.
constexpr std::size_t k_group_calls = 16;
constexpr std::size_t k_group_small = 32;

constexpr std::string_view k_call_columns =
    "capture_id, call_id, kind, first_method, from_uri, to_uri, start_ns, end_ns, outcome, "
    "final_code, final_reason, class, category, reason_header, warning, failed_by, "
    "failed_by_product, icid, bye_by, pdd_ms, setup_ms, duration_s, messages, retransmissions, "
    "duplicates, transactions, attempts, challenges, dialogs, reinvites, pracks, hops, "
    "cancel_seen, has_sdp, registrations, registrations_ok, deregistrations, explanation, id";

// "INSERT OR ROLLBACK INTO table (columns) VALUES (?1,...),(...)" for `rows` rows of

// "INSERT OR ROLLBACK INTO table (columns) VALUES (?1,...),(...)" for `rows` rows of
// `columns` values.
std::string insert_sql(std::string_view table, std::string_view names, int columns,
                       std::size_t rows);

// A statement whose parameters keep their values from one execution to the next and are
// bound again only when the value differs: a row of `messages` has 28 parameters (`calls`
// 39), and most of them (capture, transport, kind, encapsulation, flags, counters, NULLs,
// empty text, the rendered texts of a slot) repeat from the previous row written through the
// same slot, while each bind costs SQLite 80-190 instructions. Text is bound in place
// (SQLITE_STATIC) and compared by address and length: SQLite reads it when the statement is
// stepped, so the same buffer with new content of the same length is still bound correctly. Never
// cleared (no clear_bindings).
class CachedStatement {
public:
    CachedStatement() = default;
    CachedStatement(Statement s, int parameters)
        : m_statement(std::move(s)), m_bound(static_cast<std::size_t>(parameters) + 1) {}

    Statement& statement() { return m_statement; }

    void bind(int i, std::int64_t v) {
        auto& b = m_bound[static_cast<std::size_t>(i)];
        if (b.kind == Kind::integer && b.value == v) return;
        b = {Kind::integer, v, nullptr};
        m_statement.bind(i, v);
    }
    void bind(int i, std::uint64_t v) { bind(i, static_cast<std::int64_t>(v)); }
    void bind(int i, std::uint32_t v) { bind(i, static_cast<std::int64_t>(v)); }
    void bind(int i, int v) { bind(i, static_cast<std::int64_t>(v)); }
    void bind(int i, bool v) { bind(i, static_cast<std::int64_t>(v ? 1 : 0)); }
    void bind(int i, double v) {
        std::int64_t bits = 0;
        std::memcpy(&bits, &v, sizeof bits);
        auto& b = m_bound[static_cast<std::size_t>(i)];
        if (b.kind == Kind::real && b.value == bits) return;
        b = {Kind::real, bits, nullptr};
        m_statement.bind(i, v);
    }
    void bind(int i, std::optional<double> v) {
        if (v) {
            bind(i, *v);
        } else {
            bind_null(i);
        }
    }
    void bind_null(int i) {
        auto& b = m_bound[static_cast<std::size_t>(i)];
        if (b.kind == Kind::null) return;
        b = {Kind::null, 0, nullptr};
        m_statement.bind_null(i);
    }
    void bind_static(int i, std::string_view v) {
        // Every empty text as the same address, so that it matches from row to row.
        const char* data = v.empty() ? "" : v.data();
        auto& b = m_bound[static_cast<std::size_t>(i)];
        if (b.kind == Kind::text && b.text == data &&
            b.value == static_cast<std::int64_t>(v.size()))
            return;
        b = {Kind::text, static_cast<std::int64_t>(v.size()), data};
        m_statement.bind_static(i, std::string_view(data, v.size()));
    }
    void bind_static_or_null(int i, std::string_view v) {
        if (v.empty()) {
            bind_null(i);
        } else {
            bind_static(i, v);
        }
    }

private:
    enum class Kind : std::uint8_t { none, integer, real, null, text };
    struct Bound {
        Kind kind = Kind::none;
        std::int64_t value = 0; // the integer, the real's bits, or the text's length
        const char* text = nullptr;
    };
    Statement m_statement;
    std::vector<Bound> m_bound; // by parameter number
};

// Rows waiting for a multi-row INSERT: a statement for a full group and one for a single row.
template <typename Row, std::size_t N>
struct RowGroup {
    int columns = 0;
    CachedStatement one;
    CachedStatement many;
    std::array<Row, N> rows{};
    std::size_t size = 0;

    tl::expected<void, StoreError> prepare(Database& db, std::string_view table,
                                           std::string_view names, int n_columns) {
        columns = n_columns;
        auto o = Statement::prepare(db, insert_sql(table, names, columns, 1));
        if (!o) return tl::unexpected(o.error());
        auto m = Statement::prepare(db, insert_sql(table, names, columns, N));
        if (!m) return tl::unexpected(m.error());
        one = CachedStatement(std::move(*o), columns);
        many = CachedStatement(std::move(*m), columns * static_cast<int>(N));
        return {};
    }
};

struct CallRow {
    const session::CallRecord* record = nullptr;
    std::int64_t id = 0;
    std::int64_t capture = 0;
    std::string failed_by; // rendered when the group is written
};

struct FinalRow {
    std::int64_t call = 0;
    std::int64_t capture = 0;
    int code = 0;
    std::uint32_t count = 0;
};

struct FindingRow {
    std::int64_t call = 0;
    std::int64_t capture = 0;
    session::FindingHit hit;
};

// Per-code counts of one capture, as `query --summary` computes them from the rows of any
// selection (docs/store.md): responses by status, transactions ended by each final code,
// Call-IDs decided by each. Counted while the rows are written (a capture's rows are all
// written by one run), which spares a scan of its messages at completion; responses are
// counted by the analysis (CaptureTotals::responses), since the message-row policy may keep
// only some of them as rows.
inline bool counted_code(int code) {
    return code >= 100 && code <= 699;
}

// Rendered addresses, direct-mapped: a trace has few hosts, and inet_ntop (a printf inside)
// was about 2% of the writer's time when run twice per row.
class AddressTexts {
public:
    const std::string& text(const decode::Address& a) {
        std::size_t h = a.family;
        for (const auto b : a.bytes)
            h = h * 31 + b;
        auto& slot = m_slots[h % m_slots.size()];
        if (!slot.used || !(slot.address == a)) {
            slot.address = a;
            slot.text = a.to_string();
            slot.used = true;
        }
        return slot.text;
    }

private:
    struct Slot {
        decode::Address address;
        std::string text;
        bool used = false;
    };
    std::array<Slot, 256> m_slots;
};

// Renders and binds message rows. The texts it renders (addresses, encapsulation, decode
// findings) are kept from row to row, and each slot's until the slot is bound again: SQLite
// reads them in place when the statement is stepped.
class MessageRowBinder {
public:
    // Binds `m` as the `slot`-th row of `s` (parameters slot * k_message_columns + 1 ...).
    // Text of the batch is bound in place.
    void bind(CachedStatement& s, int slot, const RowBatch& batch, const MessageRow& m,
              std::int64_t capture, std::int64_t call_base);

private:
    AddressTexts m_addresses;
    std::array<std::array<std::string, 4>, k_group_rows> m_slot_text;
    decode::Encap m_encap;
    std::string m_encap_text;
    std::uint16_t m_findings_bits = 0;
    std::string m_findings_text;
};

// One row of calls, call_finals, findings as the row after parameter `o`. A call's failed_by
// text is rendered into the row, which must live until the statement is stepped.
void bind_call_row(CachedStatement& s, int o, CallRow& row);
void bind_final_row(CachedStatement& s, int o, const FinalRow& row);
void bind_finding_row(CachedStatement& s, int o, const FindingRow& row);

} // namespace sipdx::store::detail
