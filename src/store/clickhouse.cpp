#include <sipdx/store/clickhouse.h>

#include <sipdx/analysis/explain.h>
#include <sipdx/sip/method.h>

#include "store/detail/sinks.h"
#include "store/detail/sql.h"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <map>
#include <thread>

namespace sipdx::store {
namespace {

std::string url_encode(std::string_view text) {
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += fmt::format("%{:02X}", c);
        }
    }
    return out;
}

std::string url_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            unsigned v = 0;
            auto [p, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, v, 16);
            if (ec == std::errc() && p == text.data() + i + 3) {
                out += static_cast<char>(v);
                i += 2;
                continue;
            }
        }
        out += text[i] == '+' ? ' ' : text[i];
    }
    return out;
}

StoreError server_error(const ClickHouseUrl& url, std::string what) {
    return StoreError{ErrorKind::server,
                      fmt::format("clickhouse {}:{}: {}", url.host, url.port, what)};
}

bool is_loopback(const sockaddr* sa) {
    if (sa->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
        return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
    return false;
}

// Why a request failed: the network (retry) or the server's answer (retry only when the
// server says the failure is transient).
struct HttpFailure {
    bool transient = true;
    std::string what;
};

class Socket {
public:
    explicit Socket(int fd) : m_fd(fd) {}
    ~Socket() {
        if (m_fd >= 0) ::close(m_fd);
    }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    int fd() const { return m_fd; }

private:
    int m_fd;
};

bool wait_for(int fd, short events, int timeout_ms) {
    pollfd p{fd, events, 0};
    for (;;) {
        const int rc = ::poll(&p, 1, timeout_ms);
        if (rc < 0 && errno == EINTR) continue;
        return rc > 0;
    }
}

tl::expected<std::string, HttpFailure> http_post(const ClickHouseUrl& url,
                                                 const std::string& target, std::string_view body,
                                                 int timeout_ms) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(url.port);
    if (int rc = ::getaddrinfo(url.host.c_str(), port.c_str(), &hints, &found); rc != 0)
        return tl::unexpected(
            HttpFailure{false, fmt::format("cannot resolve: {}", gai_strerror(rc))});
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(found, &::freeaddrinfo);

    std::string last = "no address";
    for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
        if (!is_loopback(ai->ai_addr)) {
            last = "not a loopback address (sipdx only talks to a local ClickHouse node)";
            continue;
        }
        Socket sock(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                             ai->ai_protocol));
        if (sock.fd() < 0) {
            last = std::strerror(errno);
            continue;
        }
        if (::connect(sock.fd(), ai->ai_addr, ai->ai_addrlen) != 0) {
            if (errno != EINPROGRESS) {
                last = fmt::format("connect: {}", std::strerror(errno));
                continue;
            }
            if (!wait_for(sock.fd(), POLLOUT, timeout_ms)) {
                last = "connect: timed out";
                continue;
            }
            int err = 0;
            socklen_t len = sizeof err;
            ::getsockopt(sock.fd(), SOL_SOCKET, SO_ERROR, &err, &len);
            if (err != 0) {
                last = fmt::format("connect: {}", std::strerror(err));
                continue;
            }
        }
        std::string head = fmt::format("POST {} HTTP/1.0\r\nHost: {}:{}\r\nContent-Length: {}\r\n"
                                       "Content-Type: text/plain; charset=utf-8\r\n\r\n",
                                       target, url.host, url.port, body.size());
        // Send head then body, each bounded by the timeout per wait.
        for (std::string_view part : {std::string_view(head), body}) {
            while (!part.empty()) {
                const ssize_t n = ::send(sock.fd(), part.data(), part.size(), MSG_NOSIGNAL);
                if (n > 0) {
                    part.remove_prefix(static_cast<std::size_t>(n));
                } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                    if (!wait_for(sock.fd(), POLLOUT, timeout_ms))
                        return tl::unexpected(HttpFailure{true, "send: timed out"});
                } else {
                    return tl::unexpected(
                        HttpFailure{true, fmt::format("send: {}", std::strerror(errno))});
                }
            }
        }
        std::string response;
        constexpr std::size_t max_response = 1u << 30;
        char buffer[65536];
        for (;;) {
            const ssize_t n = ::recv(sock.fd(), buffer, sizeof buffer, 0);
            if (n > 0) {
                response.append(buffer, static_cast<std::size_t>(n));
                if (response.size() > max_response)
                    return tl::unexpected(HttpFailure{false, "response larger than 1 GiB"});
            } else if (n == 0) {
                break;
            } else if (errno == EAGAIN || errno == EINTR) {
                if (!wait_for(sock.fd(), POLLIN, timeout_ms))
                    return tl::unexpected(HttpFailure{true, "receive: timed out"});
            } else {
                return tl::unexpected(
                    HttpFailure{true, fmt::format("receive: {}", std::strerror(errno))});
            }
        }
        const auto header_end = response.find("\r\n\r\n");
        if (response.compare(0, 5, "HTTP/") != 0 || header_end == std::string::npos)
            return tl::unexpected(HttpFailure{true, "connection closed without an HTTP answer"});
        int status = 0;
        const auto sp = response.find(' ');
        std::from_chars(response.data() + sp + 1, response.data() + sp + 4, status);
        std::string headers = response.substr(0, header_end);
        std::string content = response.substr(header_end + 4);
        std::transform(headers.begin(), headers.end(), headers.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (headers.find("transfer-encoding: chunked") != std::string::npos) {
            std::string decoded;
            std::size_t pos = 0;
            while (pos < content.size()) {
                std::size_t size = 0;
                auto [p, ec] = std::from_chars(content.data() + pos,
                                               content.data() + content.size(), size, 16);
                const auto eol = content.find("\r\n", pos);
                if (ec != std::errc() || eol == std::string::npos) break;
                if (size == 0 || eol + 2 + size > content.size()) break;
                decoded.append(content, eol + 2, size);
                pos = eol + 2 + size + 2;
            }
            content = std::move(decoded);
        }
        if (status != 200) {
            // "Code: 210, e.displayText() = ..." names the exception; a few mean "try again".
            int code = 0;
            if (auto c = content.find("Code: "); c != std::string::npos)
                std::from_chars(content.data() + c + 6, content.data() + content.size(), code);
            static constexpr int transient[] = {159, 202, 209, 210, 242, 252, 279, 319, 425};
            const bool retry =
                status >= 502 ||
                std::find(std::begin(transient), std::end(transient), code) != std::end(transient);
            std::string first = content.substr(0, content.find('\n'));
            if (first.size() > 300) first = first.substr(0, 300) + "...";
            return tl::unexpected(HttpFailure{retry, fmt::format("HTTP {}: {}", status, first)});
        }
        return content;
    }
    return tl::unexpected(HttpFailure{true, last});
}

std::string unescape_tsv(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] != '\\' || i + 1 == v.size()) {
            out += v[i];
            continue;
        }
        const char c = v[++i];
        switch (c) {
        case 't':
            out += '\t';
            break;
        case 'n':
            out += '\n';
            break;
        case 'r':
            out += '\r';
            break;
        case '0':
            out += '\0';
            break;
        case 'b':
            out += '\b';
            break;
        case 'f':
            out += '\f';
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::vector<std::string_view> split(std::string_view line, char sep) {
    std::vector<std::string_view> out;
    for (;;) {
        const auto p = line.find(sep);
        out.push_back(line.substr(0, p));
        if (p == std::string_view::npos) break;
        line.remove_prefix(p + 1);
    }
    return out;
}

ResultSet parse_tsv(std::string_view text) {
    ResultSet set;
    std::vector<std::string_view> lines = split(text, '\n');
    if (!lines.empty() && lines.back().empty()) lines.pop_back();
    if (lines.size() < 2) return set;
    for (auto name : split(lines[0], '\t'))
        set.columns.push_back(unescape_tsv(name));
    std::vector<Cell::Type> types;
    for (auto type : split(lines[1], '\t')) {
        std::string_view t = type;
        if (t.substr(0, 9) == "Nullable(") t = t.substr(9);
        if (t.substr(0, 3) == "Int" || t.substr(0, 4) == "UInt") {
            types.push_back(Cell::Type::integer);
        } else if (t.substr(0, 5) == "Float") {
            types.push_back(Cell::Type::real);
        } else {
            types.push_back(Cell::Type::text);
        }
    }
    for (std::size_t l = 2; l < lines.size(); ++l) {
        auto& row = set.rows.emplace_back();
        const auto fields = split(lines[l], '\t');
        for (std::size_t i = 0; i < fields.size(); ++i) {
            Cell c;
            const auto type = i < types.size() ? types[i] : Cell::Type::text;
            if (fields[i] == "\\N") {
                row.push_back(c);
                continue;
            }
            c.type = type;
            if (type == Cell::Type::integer) {
                auto [p, ec] = std::from_chars(fields[i].data(),
                                               fields[i].data() + fields[i].size(), c.integer);
                if (ec != std::errc()) {
                    // UInt64 above INT64_MAX: keep the digits.
                    c.type = Cell::Type::text;
                    c.text = std::string(fields[i]);
                }
            } else if (type == Cell::Type::real) {
                c.real = std::strtod(std::string(fields[i]).c_str(), nullptr);
            } else {
                c.text = unescape_tsv(fields[i]);
            }
            row.push_back(std::move(c));
        }
    }
    return set;
}

} // namespace

tl::expected<ClickHouseUrl, StoreError> parse_clickhouse_url(std::string_view text) {
    auto bad = [&](std::string_view why) {
        return tl::unexpected(
            StoreError{ErrorKind::unusable, fmt::format("--clickhouse '{}': {} (expected "
                                                        "http://127.0.0.1:8123/?database=sipdx)",
                                                        text, why)});
    };
    constexpr std::string_view scheme = "http://";
    if (text.substr(0, scheme.size()) != scheme) return bad("only http:// is supported");
    text.remove_prefix(scheme.size());
    ClickHouseUrl url;
    const auto slash = text.find_first_of("/?");
    std::string_view authority = text.substr(0, slash);
    std::string_view rest = slash == std::string_view::npos ? "" : text.substr(slash);
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return bad("unclosed [");
        url.host = std::string(authority.substr(1, close - 1));
        authority.remove_prefix(close + 1);
    } else {
        const auto colon = authority.find(':');
        url.host = std::string(authority.substr(0, colon));
        authority.remove_prefix(colon == std::string_view::npos ? authority.size() : colon);
    }
    if (!authority.empty()) {
        if (authority.front() != ':') return bad("bad port");
        unsigned port = 0;
        auto [p, ec] =
            std::from_chars(authority.data() + 1, authority.data() + authority.size(), port);
        if (ec != std::errc() || p != authority.data() + authority.size() || port == 0 ||
            port > 65535)
            return bad("bad port");
        url.port = static_cast<std::uint16_t>(port);
    }
    if (url.host.empty()) return bad("no host");
    if (const auto q = rest.find('?'); q != std::string_view::npos) {
        for (auto pair : split(rest.substr(q + 1), '&')) {
            const auto eq = pair.find('=');
            const std::string key(pair.substr(0, eq));
            const std::string value =
                eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1));
            if (key == "database") {
                url.database = value;
            } else if (key == "user") {
                url.user = value;
            } else if (key == "password") {
                url.password = value;
            } else if (!key.empty()) {
                return bad(fmt::format("unknown parameter '{}'", key));
            }
        }
    }
    return url;
}

tl::expected<ClickHouse, StoreError> ClickHouse::connect(std::string_view url,
                                                         ClickHouseOptions options) {
    auto parsed = parse_clickhouse_url(url);
    if (!parsed) return tl::unexpected(parsed.error());
    return ClickHouse(std::move(*parsed), options);
}

tl::expected<std::string, StoreError>
ClickHouse::request(std::string_view query, std::string_view body, bool read_only) const {
    std::string target = "/?query=" + url_encode(query);
    if (!m_url.database.empty()) target += "&database=" + url_encode(m_url.database);
    if (!m_url.user.empty()) target += "&user=" + url_encode(m_url.user);
    if (!m_url.password.empty()) target += "&password=" + url_encode(m_url.password);
    target += read_only ? "&readonly=1" : "&insert_distributed_sync=1";
    auto r = http_post(m_url, target, body, m_options.timeout_ms);
    if (!r) return tl::unexpected(server_error(m_url, r.error().what));
    return std::move(*r);
}

tl::expected<std::string, StoreError>
ClickHouse::request_with_retry(std::string_view query, std::string_view body, bool read_only,
                               const std::function<bool()>& landed) const {
    std::string target = "/?query=" + url_encode(query);
    if (!m_url.database.empty()) target += "&database=" + url_encode(m_url.database);
    if (!m_url.user.empty()) target += "&user=" + url_encode(m_url.user);
    if (!m_url.password.empty()) target += "&password=" + url_encode(m_url.password);
    target += read_only ? "&readonly=1" : "&insert_distributed_sync=1";
    int delay = std::max(1, m_options.retry_base_ms);
    for (int attempt = 0;; ++attempt) {
        if (attempt > 0 && landed && landed()) return std::string();
        auto r = http_post(m_url, target, body, m_options.timeout_ms);
        if (r) return std::move(*r);
        if (!r.error().transient || attempt >= m_options.retries)
            return tl::unexpected(
                server_error(m_url, fmt::format("{} (after {} attempt{})", r.error().what,
                                                attempt + 1, attempt == 0 ? "" : "s")));
        std::this_thread::sleep_for(std::chrono::milliseconds(delay));
        delay = std::min(delay * 2, 5000);
    }
}

tl::expected<ResultSet, StoreError> ClickHouse::select(std::string_view sql, bool read_only) const {
    std::string text(sql);
    while (!text.empty() &&
           (std::isspace(static_cast<unsigned char>(text.back())) || text.back() == ';'))
        text.pop_back();
    text += " FORMAT TabSeparatedWithNamesAndTypes";
    auto body = request_with_retry(text, {}, read_only);
    if (!body) return tl::unexpected(body.error());
    return parse_tsv(*body);
}

namespace {
using detail::Dialect;

std::string visible(const QueryFilter& f) {
    return fmt::format("capture_sha256 GLOBAL IN (SELECT sha256 FROM captures AS cap WHERE {})",
                       detail::captures_where(f, Dialect::clickhouse));
}
} // namespace

tl::expected<ResultSet, StoreError> ClickHouse::select_calls(const QueryFilter& filter,
                                                             std::size_t limit) const {
    std::string columns = detail::call_columns(Dialect::clickhouse);
    // Absent values are 0 / '' in the ClickHouse columns; show them as SQLite does.
    for (std::string_view col : {"final_code", "class"}) {
        const std::string from = fmt::format("c.{},", col);
        if (auto p = columns.find(from); p != std::string::npos)
            columns.replace(p, from.size(), fmt::format("nullIf(c.{0}, 0) AS {0},", col));
    }
    std::string sql =
        fmt::format("SELECT {} FROM calls AS c WHERE {} AND {} ORDER BY c.start_ns, "
                    "c.call_id",
                    columns, visible(filter), detail::calls_where(filter, Dialect::clickhouse));
    if (limit > 0) sql += fmt::format(" LIMIT {}", limit);
    auto result = select(sql);
    if (result) detail::iso_times(*result);
    return result;
}

tl::expected<std::vector<CodeCount>, StoreError>
ClickHouse::summary(const QueryFilter& filter) const {
    const std::string vis = visible(filter);
    const std::string where = detail::calls_where(filter, Dialect::clickhouse);
    std::string messages_sel;
    std::string finals_sel;
    if (filter.selects_calls()) {
        messages_sel = fmt::format(" AND (capture_sha256, call_id) GLOBAL IN (SELECT "
                                   "capture_sha256, call_id FROM calls AS c WHERE {} AND {})",
                                   vis, where);
        finals_sel = fmt::format(" AND (capture_sha256, call_seq) GLOBAL IN (SELECT "
                                 "capture_sha256, seq FROM calls AS c WHERE {} AND {})",
                                 vis, where);
    }
    // Without call filters, the responses of captures stored with fewer than all message rows
    // come from their code_counts (tables older than version 3 have neither: all rows).
    std::string partial;
    if (!filter.selects_calls()) {
        auto v3 = select("SELECT count() FROM system.columns WHERE database = currentDatabase() "
                         "AND table = 'captures' AND name = 'message_rows'");
        if (!v3) return tl::unexpected(v3.error());
        if (!v3->rows.empty() && v3->rows[0][0].integer > 0)
            partial = "SELECT sha256 FROM captures WHERE message_rows NOT IN ('', 'all')";
    }
    if (!partial.empty()) {
        messages_sel = fmt::format(" AND capture_sha256 GLOBAL NOT IN ({})", partial);
    }
    std::vector<std::string> queries = {
        fmt::format("SELECT status, count(), 0, 0 FROM messages WHERE kind = 'response' AND "
                    "status BETWEEN 100 AND 699 AND {}{} GROUP BY status",
                    vis, messages_sel),
        fmt::format("SELECT code, 0, sum(count), 0 FROM call_finals WHERE code BETWEEN 100 AND "
                    "699 AND {}{} GROUP BY code",
                    vis, finals_sel),
        fmt::format("SELECT final_code, 0, 0, count() FROM calls AS c WHERE final_code BETWEEN "
                    "100 AND 699 AND {} AND {} GROUP BY final_code",
                    vis, where)};
    if (!partial.empty())
        queries.push_back(fmt::format("SELECT code, sum(messages), 0, 0 FROM code_counts WHERE "
                                      "code BETWEEN 100 AND 699 AND {} AND capture_sha256 GLOBAL "
                                      "IN ({}) GROUP BY code",
                                      vis, partial));
    ResultSet all;
    for (const auto& q : queries) {
        auto r = select(q);
        if (!r) return tl::unexpected(r.error());
        for (auto& row : r->rows)
            all.rows.push_back(std::move(row));
    }
    return detail::merge_counts(all);
}

tl::expected<std::uint64_t, StoreError>
ClickHouse::partial_message_captures(const QueryFilter& filter) const {
    auto v3 = select("SELECT count() FROM system.columns WHERE database = currentDatabase() AND "
                     "table = 'captures' AND name = 'message_rows'");
    if (!v3) return tl::unexpected(v3.error());
    if (v3->rows.empty() || v3->rows[0][0].integer == 0) return 0;
    auto n = select(fmt::format("SELECT count() FROM captures AS cap WHERE message_rows NOT IN "
                                "('', 'all') AND {}",
                                detail::captures_where(filter, Dialect::clickhouse)));
    if (!n) return tl::unexpected(n.error());
    if (n->rows.empty()) return 0;
    return static_cast<std::uint64_t>(n->rows[0][0].integer);
}

tl::expected<ResultSet, StoreError> ClickHouse::run_sql(std::string_view sql) const {
    auto r = select(sql, true);
    if (!r && r.error().message.find("readonly") != std::string::npos)
        r.error().kind = ErrorKind::rejected;
    return r;
}

// ---------------------------------------------------------------------------------------------
// Schema

namespace {

struct ChTable {
    std::string name;
    std::string columns;
    std::string partition;
    std::string order;
    // The columns added after the table was first published (a suffix of `columns`, so an
    // altered table has the columns in the same order): `ch-schema --upgrade-from 1` adds
    // those of version 2, `--upgrade-from 2` those of version 3.
    std::string_view added_since_v1 = {};
    std::string_view added_since_v2 = {};
    int since = 1; // schema version that introduced the table (created by --upgrade-from)
};

// "name Type" lines of a ChTable::columns text, as (name, type).
std::vector<std::pair<std::string, std::string>> column_defs(std::string_view columns) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!columns.empty()) {
        const auto eol = columns.find('\n');
        std::string_view line = columns.substr(0, eol);
        columns = eol == std::string_view::npos ? std::string_view() : columns.substr(eol + 1);
        if (!line.empty() && line.back() == ',') line.remove_suffix(1);
        const auto name_at = line.find_first_not_of(' ');
        if (name_at == std::string_view::npos) continue;
        line.remove_prefix(name_at);
        const auto gap = line.find(' ');
        const auto type_at = line.find_first_not_of(' ', gap);
        out.emplace_back(std::string(line.substr(0, gap)), std::string(line.substr(type_at)));
    }
    return out;
}

const std::vector<ChTable>& ch_tables() {
    static const std::vector<ChTable> tables{
        {"captures",
         "    sha256       String,\n    name         String,\n    size         UInt64,\n"
         "    first_time   DateTime,\n    first_ns     Int64,\n    last_ns      Int64,\n"
         "    frames       UInt64,\n    sip_messages UInt64,\n    calls        UInt64,\n"
         "    clean        UInt8,\n    ingested_at  DateTime,\n    message_rows String",
         "toDate(first_time)",
         "sha256",
         {},
         "message_rows"},
        {"calls",
         "    capture_sha256    String,\n    capture_name      String,\n    seq               "
         "UInt64,\n    call_id           String,\n    kind              String,\n"
         "    first_method      String,\n    from_uri          String,\n    to_uri            "
         "String,\n    start             DateTime,\n    start_ns          Int64,\n"
         "    end_ns            Int64,\n    outcome           String,\n    final_code        "
         "UInt16,\n    final_reason      String,\n    class             UInt8,\n"
         "    category          String,\n    reason_header     String,\n    warning           "
         "String,\n    failed_by         String,\n    failed_by_product String,\n"
         "    icid              String,\n    bye_by            String,\n    pdd_ms            "
         "Nullable(Float64),\n    setup_ms          Nullable(Float64),\n    duration_s        "
         "Nullable(Float64),\n    messages          UInt32,\n    retransmissions   UInt32,\n"
         "    duplicates        UInt32,\n    transactions      UInt32,\n    attempts          "
         "UInt32,\n    challenges        UInt32,\n    dialogs           UInt32,\n"
         "    reinvites         UInt32,\n    pracks            UInt32,\n    hops              "
         "UInt32,\n    cancel_seen       UInt8,\n    has_sdp           UInt8,\n"
         "    registrations     UInt32,\n    registrations_ok  UInt32,\n    deregistrations   "
         "UInt32,\n    explanation       String",
         "toDate(start)", "(final_code, outcome, start_ns, capture_sha256, seq)"},
        {"call_finals",
         "    capture_sha256 String,\n    seq            UInt64,\n    call_seq       UInt64,\n"
         "    start          DateTime,\n    code           UInt16,\n    count          UInt32",
         "toDate(start)", "(code, capture_sha256, seq)"},
        {"findings",
         "    capture_sha256 String,\n    seq            UInt64,\n    call_seq       UInt64,\n"
         "    call_id        String,\n    start          DateTime,\n    code           String,\n"
         "    severity       String,\n    frame          UInt64,\n    count          UInt32",
         "toDate(start)", "(code, capture_sha256, seq)"},
        {"messages",
         "    capture_sha256 String,\n    seq            UInt64,\n    frame          UInt64,\n"
         "    time           DateTime,\n    time_ns        Int64,\n    src            String,\n"
         "    sport          UInt16,\n    dst            String,\n    dport          UInt16,\n"
         "    transport      String,\n    kind           String,\n    method         String,\n"
         "    status         UInt16,\n    reason         String,\n    call_id        String,\n"
         "    cseq_seq       UInt32,\n    cseq_method    String,\n    from_tag       String,\n"
         "    to_tag         String,\n    branch         String,\n    length         UInt32,\n"
         "    retransmission UInt8,\n    duplicate      UInt8,\n    file_offset    UInt64,\n"
         "    interface_id   UInt32,\n    encap          String,\n    decode_findings String,\n"
         "    sip_findings   String",
         "toDate(time)", "(capture_sha256, call_id, time_ns, seq)",
         "file_offset interface_id encap decode_findings sip_findings"},
        // Responses per code of a capture whatever message rows were kept (--message-rows):
        // the summary's messages column for captures without all their rows.
        {"code_counts",
         "    capture_sha256 String,\n    first_time     DateTime,\n    code           UInt16,\n"
         "    messages       UInt64",
         "toDate(first_time)",
         "(capture_sha256, code)",
         {},
         {},
         3},
        // One row per capture whose ingest began (written before its first batch), so that a
        // new capture is known to have no rows without looking for them: `calls` is sorted
        // for queries, not by capture, so that look-up read the whole table (0.3 s per
        // capture with 20 million calls).
        {"ingests",
         "    capture_sha256 String,\n    started        DateTime",
         "toYYYYMM(started)",
         "capture_sha256",
         {},
         {},
         4},
    };
    return tables;
}

} // namespace

std::string clickhouse_columns(std::string_view table) {
    std::string out;
    for (const auto& t : ch_tables()) {
        if (t.name != table) continue;
        for (const auto& [name, type] : column_defs(t.columns))
            out += (out.empty() ? "" : ", ") + name;
    }
    return out;
}

const std::vector<std::string>& clickhouse_tables() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& t : ch_tables())
            out.push_back(t.name);
        return out;
    }();
    return names;
}

namespace {

// CREATE TABLE IF NOT EXISTS for one table: MergeTree, or with a cluster the per-shard table
// and the Distributed table over it.
std::string create_table(const ChTable& t, const std::string& db, const std::string& cluster) {
    const std::string local = cluster.empty() ? t.name : t.name + "_local";
    std::string out = fmt::format("CREATE TABLE IF NOT EXISTS {}.{}\n(\n{}\n)\nENGINE = "
                                  "MergeTree\nPARTITION BY {}\nORDER BY {};\n\n",
                                  db, local, t.columns, t.partition, t.order);
    if (!cluster.empty()) {
        // All rows of a capture on one shard: its batches stay atomic and the dedupe check of
        // a retry sees everything that was written. The captures table is keyed by sha256.
        out += fmt::format("CREATE TABLE IF NOT EXISTS {0}.{1}\n(\n{2}\n)\nENGINE = "
                           "Distributed({3}, {0}, {4}, cityHash64({5}));\n\n",
                           db, t.name, t.columns, cluster, local,
                           t.name == "captures" ? "sha256" : "capture_sha256");
    }
    return out;
}

} // namespace

std::string clickhouse_schema(const ChSchemaOptions& options) {
    const std::string& db = options.database;
    const bool cluster = !options.cluster.empty();
    if (options.upgrade_from > 0) {
        // ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS: one plain ALTER per column added
        // by the next version, on the local and the Distributed table; tables introduced by
        // that version are created (IF NOT EXISTS).
        std::string out;
        for (const auto& t : ch_tables()) {
            if (t.since > options.upgrade_from + 1) continue;
            if (t.since == options.upgrade_from + 1) {
                out += create_table(t, db, options.cluster);
                continue;
            }
            // Version 4 added a table only.
            const std::string_view columns = options.upgrade_from == 1   ? t.added_since_v1
                                             : options.upgrade_from == 2 ? t.added_since_v2
                                                                         : std::string_view{};
            const std::string added = fmt::format(" {} ", columns);
            for (const auto& [name, type] : column_defs(t.columns)) {
                if (added.find(fmt::format(" {} ", name)) == std::string::npos) continue;
                for (const std::string& table :
                     cluster ? std::vector<std::string>{t.name + "_local", t.name}
                             : std::vector<std::string>{t.name})
                    out +=
                        fmt::format("ALTER TABLE {}.{} ADD COLUMN {} {};\n", db, table, name, type);
            }
        }
        return out;
    }
    std::string out = fmt::format("CREATE DATABASE IF NOT EXISTS {};\n\n", db);
    for (const auto& t : ch_tables())
        out += create_table(t, db, options.cluster);
    (void)cluster;
    out.resize(out.size() - 1);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Sink

namespace detail {
namespace {

void tsv(std::string& out, std::string_view v) {
    for (char c : v) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\0':
            out += "\\0";
            break;
        default:
            out += c;
        }
    }
}

template <typename T>
void num(std::string& out, T v) {
    char buf[32];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, p);
}

void real(std::string& out, std::optional<double> v) {
    if (v) {
        out += fmt::format("{}", *v);
    } else {
        out += "\\N";
    }
}

std::int64_t seconds(std::int64_t ns) {
    const std::int64_t s = ns / 1'000'000'000 - (ns % 1'000'000'000 < 0 ? 1 : 0);
    return std::max<std::int64_t>(s, 0); // DateTime starts at 1970
}

enum Table : std::size_t { t_calls, t_finals, t_findings, t_messages, t_count };
constexpr std::string_view k_table_names[t_count] = {"calls", "call_finals", "findings",
                                                     "messages"};

struct Buffer {
    std::string rows;
    std::uint64_t count = 0;    // rows in `rows`
    std::uint64_t next_seq = 0; // seq of the next row of this table in the capture
};

struct CaptureState {
    bool active = false;
    CaptureMeta meta;
    std::array<Buffer, t_count> buffers;
    std::array<std::map<std::uint64_t, std::uint64_t>, t_count> present; // batch -> rows stored
    std::uint64_t failed = 0;
    std::uint64_t calls = 0;
};

class ClickHouseSink final : public RecordSink {
public:
    ClickHouseSink(ClickHouse ch, const StoreOptions& options, bool has_ingests, std::string note)
        : m_ch(std::move(ch)), m_has_ingests(has_ingests), m_note(std::move(note)),
          m_batch_rows(std::max<std::size_t>(options.batch_rows, 1)),
          m_message_rows(options.message_rows) {}

    tl::expected<BeginResult, StoreError> begin_capture(std::uint32_t source,
                                                        const CaptureMeta& meta) override {
        if (m_captures.size() <= source) m_captures.resize(source + 1);
        for (const auto& other : m_captures)
            if (other.active && other.meta.sha256 == meta.sha256) return BeginResult::skip;
        const std::string sha = quote(meta.sha256, Dialect::clickhouse);
        auto done = count(fmt::format("SELECT count() FROM captures WHERE sha256 = {}", sha));
        if (!done) return tl::unexpected(done.error());
        if (*done > 0) return BeginResult::skip;
        auto& state = m_captures[source];
        state.active = true;
        state.meta = meta;
        if (m_has_ingests) {
            // No marker: no earlier run wrote anything of it. Mark it before its first batch.
            const std::string check =
                fmt::format("SELECT count() FROM ingests WHERE capture_sha256 = {}", sha);
            auto marked = count(check);
            if (!marked) return tl::unexpected(marked.error());
            if (*marked == 0) {
                std::string row;
                tsv(row, meta.sha256);
                row += fmt::format("\t{}\n", std::time(nullptr));
                if (!insert_once(fmt::format("INSERT INTO ingests ({}) FORMAT TabSeparated",
                                             clickhouse_columns("ingests")),
                                 row, check, 1))
                    return tl::unexpected(*m_last_error);
                return BeginResult::write;
            }
        }
        bool resume = false;
        for (std::size_t t = 0; t < t_count; ++t) {
            auto present =
                m_ch.select(fmt::format("SELECT intDiv(seq, {}) AS batch, count() FROM {} WHERE "
                                        "capture_sha256 = {} GROUP BY batch",
                                        m_batch_rows, k_table_names[t], sha),
                            false);
            if (!present) return tl::unexpected(present.error());
            for (const auto& row : present->rows) {
                state.present[t][static_cast<std::uint64_t>(row[0].integer)] =
                    static_cast<std::uint64_t>(row[1].integer);
                resume = true;
            }
        }
        return resume ? BeginResult::resume : BeginResult::write;
    }

    void message(const RowBatch& batch, const MessageRow& m) override {
        CaptureState* c = active(m.source);
        if (!c) return;
        Buffer& b = c->buffers[t_messages];
        std::string& o = b.rows;
        tsv(o, c->meta.sha256);
        o += '\t';
        num(o, b.next_seq + b.count);
        o += '\t';
        num(o, m.frame);
        o += '\t';
        num(o, seconds(m.time_ns));
        o += '\t';
        num(o, m.time_ns);
        o += '\t';
        o += m.src.to_string();
        o += '\t';
        num(o, m.sport);
        o += '\t';
        o += m.dst.to_string();
        o += '\t';
        num(o, m.dport);
        o += '\t';
        o += decode::to_string(m.transport);
        o += '\t';
        o += m.is_request ? "request\t" : "response\t";
        if (m.is_request) tsv(o, batch.view(m.method));
        o += '\t';
        num(o, m.is_request ? 0 : std::clamp(m.status, 0, 65535));
        o += '\t';
        if (!m.is_request) tsv(o, batch.view(m.reason));
        o += '\t';
        tsv(o, batch.view(m.call_id));
        o += '\t';
        num(o, m.cseq);
        o += '\t';
        tsv(o, batch.view(m.cseq_method));
        o += '\t';
        tsv(o, batch.view(m.from_tag));
        o += '\t';
        tsv(o, batch.view(m.to_tag));
        o += '\t';
        tsv(o, batch.view(m.branch));
        o += '\t';
        num(o, m.size);
        o += m.retransmission ? "\t1" : "\t0";
        o += m.duplicate ? "\t1\t" : "\t0\t";
        num(o, m.file_offset);
        o += '\t';
        num(o, m.interface_id);
        o += '\t';
        o += m.encap.to_string();
        o += '\t';
        o += m.decode_findings.to_string();
        o += '\t';
        tsv(o, batch.view(m.sip_findings));
        o += '\n';
        added(*c, t_messages);
    }

    void call(const session::CallRecord& r) override {
        CaptureState* c = active(r.source);
        if (!c) return;
        ++c->calls;
        Buffer& b = c->buffers[t_calls];
        const std::uint64_t call_seq = b.next_seq + b.count;
        std::string& o = b.rows;
        auto text = [&](std::string_view v) {
            tsv(o, v);
            o += '\t';
        };
        auto n = [&](auto v) {
            num(o, v);
            o += '\t';
        };
        text(c->meta.sha256);
        text(c->meta.name);
        n(call_seq);
        text(r.call_id);
        text(session::to_string(r.kind));
        text(r.first_method);
        text(r.from);
        text(r.to);
        n(seconds(r.start_ns));
        n(r.start_ns);
        n(r.end_ns);
        text(session::to_string(r.outcome));
        n(std::clamp(r.final_code, 0, 65535));
        text(r.final_reason);
        n(r.final_code / 100);
        text(analysis::category_of(r.final_code));
        text(r.reason_header);
        text(r.warning);
        text(r.has_failed_by ? analysis::failed_by_text(r) : std::string());
        text(r.failed_by_product);
        text(r.icid);
        text(r.bye_by);
        real(o, r.pdd_ms);
        o += '\t';
        real(o, r.setup_ms);
        o += '\t';
        real(o, r.duration_s);
        o += '\t';
        for (auto v : {r.messages, r.retransmissions, r.duplicates, r.transactions, r.attempts,
                       r.challenges, r.dialogs, r.reinvites, r.pracks, r.hops})
            n(v);
        n(r.cancel_seen ? 1 : 0);
        n(r.has_sdp ? 1 : 0);
        n(r.registrations);
        n(r.registrations_ok);
        n(r.deregistrations);
        tsv(o, r.explanation);
        o += '\n';
        for (const auto& [code, count] : r.transaction_finals) {
            Buffer& f = c->buffers[t_finals];
            std::string& w = f.rows;
            tsv(w, c->meta.sha256);
            w += '\t';
            num(w, f.next_seq + f.count);
            w += '\t';
            num(w, call_seq);
            w += '\t';
            num(w, seconds(r.start_ns));
            w += '\t';
            num(w, std::clamp(code, 0, 65535));
            w += '\t';
            num(w, count);
            w += '\n';
            added(*c, t_finals);
        }
        for (const auto& hit : r.findings) {
            Buffer& f = c->buffers[t_findings];
            std::string& w = f.rows;
            tsv(w, c->meta.sha256);
            w += '\t';
            num(w, f.next_seq + f.count);
            w += '\t';
            num(w, call_seq);
            w += '\t';
            tsv(w, r.call_id);
            w += '\t';
            num(w, seconds(r.start_ns));
            w += '\t';
            w += session::to_string(hit.code);
            w += '\t';
            w += session::to_string(session::severity_of(hit.code));
            w += '\t';
            num(w, hit.frame);
            w += '\t';
            num(w, hit.count);
            w += '\n';
            added(*c, t_findings);
        }
        added(*c, t_calls);
    }

    tl::expected<void, StoreError> complete(std::uint32_t source,
                                            const CaptureTotals& tot) override {
        if (m_fatal) return tl::unexpected(*m_fatal);
        if (source >= m_captures.size() || !m_captures[source].active) return {};
        auto& c = m_captures[source];
        for (std::size_t t = 0; t < t_count; ++t)
            flush(c, static_cast<Table>(t));
        if (m_fatal) return tl::unexpected(*m_fatal);
        c.active = false; // done: its buffers are not needed any more
        c.buffers = {};
        c.present = {};
        if (c.failed > 0 || m_failed > 0) {
            // Not complete: a rerun writes the missing batches and then this row.
            if (c.failed == 0) {
                ++c.failed;
                ++m_failed;
            }
            return {};
        }
        if (!write_code_counts(c, tot)) return {};
        std::string row;
        tsv(row, c.meta.sha256);
        row += '\t';
        tsv(row, c.meta.name);
        row += fmt::format("\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", c.meta.size,
                           seconds(tot.first_ns), tot.first_ns, tot.last_ns, tot.frames,
                           tot.sip_messages, c.calls, tot.clean ? 1 : 0, std::time(nullptr),
                           to_string(m_message_rows));
        const std::string check = fmt::format("SELECT count() FROM captures WHERE sha256 = {}",
                                              quote(c.meta.sha256, Dialect::clickhouse));
        if (!insert_once(fmt::format("INSERT INTO captures ({}) FORMAT TabSeparated",
                                     clickhouse_columns("captures")),
                         row, check, 1)) {
            ++c.failed;
            ++m_failed;
        }
        return {};
    }

    tl::expected<void, StoreError> finish() override {
        if (m_fatal) return tl::unexpected(*m_fatal);
        return {};
    }

    std::uint64_t failed_batches(std::uint32_t source) const override {
        return source < m_captures.size() ? m_captures[source].failed : 0;
    }
    std::string last_failure() const override {
        return m_last_error && m_failed > 0 ? m_last_error->message : std::string();
    }
    std::string note() const override { return m_note; }

private:
    // The capture's responses per code, before its captures row: written once (a rerun after
    // a failed captures insert finds them and does not write them again).
    bool write_code_counts(CaptureState& c, const CaptureTotals& tot) {
        std::string rows;
        std::uint64_t n = 0;
        for (std::size_t i = 0; i < tot.responses.size(); ++i) {
            if (tot.responses[i] == 0) continue;
            tsv(rows, c.meta.sha256);
            rows += fmt::format("\t{}\t{}\t{}\n", seconds(tot.first_ns), 100 + i, tot.responses[i]);
            ++n;
        }
        if (n == 0) return true;
        const std::string check =
            fmt::format("SELECT count() FROM code_counts WHERE capture_sha256 = {}",
                        quote(c.meta.sha256, Dialect::clickhouse));
        if (auto seen = count(check); seen && *seen == n) return true;
        if (insert_once(fmt::format("INSERT INTO code_counts ({}) FORMAT TabSeparated",
                                    clickhouse_columns("code_counts")),
                        rows, check, n))
            return true;
        ++c.failed;
        ++m_failed;
        return false;
    }

    // Sends one INSERT with request_with_retry(). Before a retry, `check` (a `SELECT count()`
    // of exactly the rows this INSERT writes) tells whether the failed attempt landed after
    // all. False when the rows were not written (m_last_error says why).
    bool insert_once(const std::string& insert, std::string_view data, const std::string& check,
                     std::uint64_t rows) {
        auto r = m_ch.request_with_retry(insert, data, false, [&] {
            auto seen = count(check);
            return seen && *seen == rows;
        });
        if (r) return true;
        m_last_error = r.error();
        return false;
    }

    // The answer of a `SELECT count() ...`.
    tl::expected<std::uint64_t, StoreError> count(const std::string& sql) const {
        auto r = m_ch.select(sql, false);
        if (!r) return tl::unexpected(r.error());
        if (r->rows.empty() || r->rows[0].empty()) return 0;
        return static_cast<std::uint64_t>(r->rows[0][0].integer);
    }

    CaptureState* active(std::uint32_t source) {
        if (m_fatal || source >= m_captures.size() || !m_captures[source].active) return nullptr;
        return &m_captures[source];
    }

    void added(CaptureState& c, Table t) {
        if (++c.buffers[t].count >= m_batch_rows) flush(c, t);
    }

    void flush(CaptureState& c, Table t) {
        Buffer& b = c.buffers[t];
        if (b.count == 0) return;
        const std::uint64_t batch = b.next_seq / m_batch_rows;
        const std::uint64_t rows = b.count;
        b.next_seq += b.count;
        b.count = 0;
        std::string data;
        data.swap(b.rows);
        const auto it = c.present[t].find(batch);
        const std::uint64_t stored = it == c.present[t].end() ? 0 : it->second;
        if (stored == rows) return; // written by an earlier run
        if (stored != 0) {
            m_fatal = StoreError{
                ErrorKind::server,
                fmt::format("clickhouse {}:{}: {} of capture {} holds {} rows in batch {} where "
                            "{} were expected; was it ingested with another --batch-rows?",
                            m_ch.url().host, m_ch.url().port, k_table_names[t], c.meta.name, stored,
                            batch, rows)};
            return;
        }
        if (m_failed > 0) {
            // The server stayed unreachable through a whole retry cycle: count the rest as
            // not written instead of spending the back-off on every batch.
            ++c.failed;
            ++m_failed;
            return;
        }
        const std::string insert =
            fmt::format("INSERT INTO {} ({}) FORMAT TabSeparated", k_table_names[t],
                        clickhouse_columns(k_table_names[t]));
        const std::string check = fmt::format(
            "SELECT count() FROM {} WHERE capture_sha256 = {} AND intDiv(seq, {}) = {}",
            k_table_names[t], quote(c.meta.sha256, Dialect::clickhouse), m_batch_rows, batch);
        if (!insert_once(insert, data, check, rows)) {
            ++c.failed;
            ++m_failed;
        }
        test_batch_committed(++m_batches);
    }

    ClickHouse m_ch;
    bool m_has_ingests = false; // schema 4: the ingests table of begun captures
    std::string m_note;
    std::size_t m_batch_rows;
    MessageRows m_message_rows;
    std::vector<CaptureState> m_captures;
    std::uint64_t m_failed = 0;
    std::uint64_t m_batches = 0;
    std::optional<StoreError> m_fatal;
    std::optional<StoreError> m_last_error;
};

} // namespace

tl::expected<std::unique_ptr<RecordSink>, StoreError>
make_clickhouse_sink(const StoreOptions& options) {
    auto ch = ClickHouse::connect(options.clickhouse,
                                  {options.timeout_ms, options.retries, options.retry_base_ms});
    if (!ch) return tl::unexpected(ch.error());
    // Reachable and with the schema: fail early with a clear line rather than per batch.
    auto probe = ch->select("SELECT count() FROM captures", false);
    if (!probe) return tl::unexpected(probe.error());
    // Tables made by an older sipdx lack the newer columns: say how to add them.
    auto columns =
        ch->select("SELECT name FROM system.columns WHERE database = currentDatabase() AND table = "
                   "'messages'",
                   false);
    if (!columns) return tl::unexpected(columns.error());
    std::string missing;
    const auto& tables = ch_tables();
    const auto messages = std::find_if(tables.begin(), tables.end(),
                                       [](const ChTable& t) { return t.name == "messages"; });
    for (const auto& [name, type] : column_defs(messages->columns)) {
        bool found = false;
        for (const auto& row : columns->rows)
            found = found || (!row.empty() && row[0].text == name);
        if (!found) missing += (missing.empty() ? "" : ", ") + name;
    }
    if (!missing.empty())
        return tl::unexpected(server_error(
            ch->url(), fmt::format("table messages lacks column(s) {} (made by an older sipdx): "
                                   "add them on every node with `sipdx ch-schema --upgrade-from "
                                   "1 [--cluster NAME] | clickhouse-client --multiquery`",
                                   missing)));
    // Version 3: the captures' message-row policy and the per-code response counts.
    auto v3 = ch->select("SELECT (SELECT count() FROM system.columns WHERE database = "
                         "currentDatabase() AND table = 'captures' AND name = 'message_rows'), "
                         "(SELECT count() FROM system.tables WHERE database = currentDatabase() "
                         "AND name = 'code_counts')",
                         false);
    if (!v3) return tl::unexpected(v3.error());
    if (v3->rows.empty() || v3->rows[0].size() < 2 || v3->rows[0][0].integer == 0 ||
        v3->rows[0][1].integer == 0)
        return tl::unexpected(server_error(
            ch->url(), "tables made by an older sipdx lack captures.message_rows or the "
                       "code_counts table: add them on every node with `sipdx ch-schema "
                       "--upgrade-from 2 [--cluster NAME] | clickhouse-client --multiquery`"));
    // Version 4: the ingests table. Without it ingest still works, but every capture's begin
    // looks for earlier rows in every table; say once how to add it.
    auto v4 = ch->select("SELECT count() FROM system.tables WHERE database = currentDatabase() "
                         "AND name = 'ingests'",
                         false);
    if (!v4) return tl::unexpected(v4.error());
    const bool has_ingests = !v4->rows.empty() && v4->rows[0][0].integer > 0;
    std::string note;
    if (!has_ingests)
        note = fmt::format("clickhouse {}:{}: no ingests table (made by an older sipdx): each "
                           "capture is looked for in every table before it is written, which "
                           "is slow on large tables; add it on every node with `sipdx ch-schema "
                           "--upgrade-from 3 [--cluster NAME] | clickhouse-client --multiquery`",
                           ch->url().host, ch->url().port);
    return std::make_unique<ClickHouseSink>(std::move(*ch), options, has_ingests, std::move(note));
}

} // namespace detail
} // namespace sipdx::store
