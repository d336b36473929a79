// Errors of the store: one line of text naming the database (or server) and what went wrong,
// and a kind the CLI maps to an exit code (docs/store.md "Errors").
#pragma once

#include <cstdint>
#include <string>

namespace sipdx::store {

enum class ErrorKind : std::uint8_t {
    unusable,     // cannot open or create the database, or it is not a sipdx database
    locked,       // another process holds the database locked beyond the busy timeout
    read_only,    // the file, directory or file system does not accept writes
    full,         // disk or PRAGMA max_page_count full: the batch was rolled back
    newer_schema, // written by a newer sipdx: left untouched
    rejected,     // a statement was refused (e.g. a write through the read-only --sql)
    input,        // a capture could not be read or hashed
    server,       // ClickHouse answered with an error, or could not be reached
    argument,     // a value given to the store is not valid (e.g. a --since time)
};

struct StoreError {
    ErrorKind kind = ErrorKind::unusable;
    std::string message; // one line, no trailing newline
};

} // namespace sipdx::store
