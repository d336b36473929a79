// ClickHouse over HTTP: the URL, one request, bounded retries with the "did it land?" check of a
// lost INSERT answer, and SELECT answers parsed from TabSeparatedWithNamesAndTypes.
#include <sipdx/store/clickhouse.h>

#include "store/detail/clickhouse.h"

#include <sipdx/text/text.h>

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
#include <memory>
#include <thread>

namespace sipdx::store {

namespace detail {
StoreError server_error(const ClickHouseUrl& url, std::string what) {
    return StoreError{ErrorKind::server,
                      fmt::format("clickhouse {}:{}: {}", url.host, url.port, what)};
}
} // namespace detail

namespace {
using detail::server_error;

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
    bool answered = false; // the server answered with an error (else: the network failed)
};

// The server's error answer: "Code: 210, e.displayText() = ..." names the exception, and a few
// mean "try again" (network, time-out, too many parts); so does a 502-504 of a proxy.
HttpFailure answer_failure(int status, const std::string& content) {
    int code = 0;
    if (auto c = content.find("Code: "); c != std::string::npos)
        std::from_chars(content.data() + c + 6, content.data() + content.size(), code);
    static constexpr int transient[] = {159, 202, 209, 210, 242, 252, 279, 319, 425};
    const bool retry = status >= 502 || std::find(std::begin(transient), std::end(transient),
                                                  code) != std::end(transient);
    std::string first = content.substr(0, content.find('\n'));
    if (first.size() > 300) first = first.substr(0, 300) + "...";
    return HttpFailure{retry, fmt::format("HTTP {}: {}", status, first), true};
}

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

// One POST (HTTP/1.0, so the server closes the connection after its answer) to the first
// loopback address of the host that accepts the connection.
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
        if (text::icontains(headers, "transfer-encoding: chunked")) {
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
        if (status != 200) return tl::unexpected(answer_failure(status, content));
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

std::string ClickHouse::target(std::string_view query, bool read_only,
                               std::string_view settings) const {
    std::string target = "/?query=" + url_encode(query);
    if (!m_url.database.empty()) target += "&database=" + url_encode(m_url.database);
    if (!m_url.user.empty()) target += "&user=" + url_encode(m_url.user);
    if (!m_url.password.empty()) target += "&password=" + url_encode(m_url.password);
    // Before readonly=1, which forbids changing settings after it.
    target += settings;
    target += read_only ? "&readonly=1" : "&insert_distributed_sync=1";
    return target;
}

tl::expected<std::string, StoreError>
ClickHouse::request(std::string_view query, std::string_view body, bool read_only) const {
    auto r = http_post(m_url, target(query, read_only, {}), body, m_options.timeout_ms);
    if (!r) return tl::unexpected(server_error(m_url, r.error().what));
    return std::move(*r);
}

tl::expected<std::string, StoreError>
ClickHouse::request_with_retry(std::string_view query, std::string_view body, bool read_only,
                               const std::function<bool()>& landed) const {
    return post_with_retry(target(query, read_only, {}), body, landed, true);
}

tl::expected<std::string, StoreError>
ClickHouse::post_with_retry(const std::string& target, std::string_view body,
                            const std::function<bool()>& landed, bool retry_answers) const {
    int delay = std::max(1, m_options.retry_base_ms);
    for (int attempt = 0;; ++attempt) {
        if (attempt > 0 && landed && landed()) return std::string();
        auto r = http_post(m_url, target, body, m_options.timeout_ms);
        if (r) return std::move(*r);
        if (!r.error().transient || (r.error().answered && !retry_answers) ||
            attempt >= m_options.retries)
            return tl::unexpected(
                server_error(m_url, fmt::format("{} (after {} attempt{})", r.error().what,
                                                attempt + 1, attempt == 0 ? "" : "s")));
        std::this_thread::sleep_for(std::chrono::milliseconds(delay));
        delay = std::min(delay * 2, 5000);
    }
}

tl::expected<ResultSet, StoreError> ClickHouse::select(std::string_view sql, bool read_only,
                                                       std::string_view settings) const {
    return fetch(sql, read_only, settings, true);
}

tl::expected<ResultSet, StoreError> ClickHouse::fetch(std::string_view sql, bool read_only,
                                                      std::string_view settings,
                                                      bool retry_answers) const {
    std::string text(sql);
    while (!text.empty() &&
           (std::isspace(static_cast<unsigned char>(text.back())) || text.back() == ';'))
        text.pop_back();
    text += " FORMAT TabSeparatedWithNamesAndTypes";
    auto body = post_with_retry(target(text, read_only, settings), {}, {}, retry_answers);
    if (!body) return tl::unexpected(body.error());
    return parse_tsv(*body);
}

} // namespace sipdx::store
