// The reference parser: plain std::string handling, one line at a time. Written from RFC 3261
// sections 7 and 20 without looking at the fast parser's code paths; it must stay simple.
#include "sip/detail/reference_parser.h"

#include <sipdx/text/text.h>

#include <map>
#include <sstream>

namespace sipdx::sip::detail {
namespace {

using text::lower;

std::string strip(const std::string& s) {
    return std::string(text::trim(s));
}

// Collapses every run of whitespace to one space.
std::string squash(const std::string& s) {
    std::string out;
    bool in_ws = false;
    for (char c : strip(s)) {
        if (text::is_space(c)) {
            in_ws = true;
            continue;
        }
        if (in_ws) out += ' ';
        in_ws = false;
        out += c;
    }
    return out;
}

std::string canonical(const std::string& name) {
    static const std::map<std::string, std::string> compact{{"i", "call-id"},
                                                            {"m", "contact"},
                                                            {"e", "content-encoding"},
                                                            {"l", "content-length"},
                                                            {"c", "content-type"},
                                                            {"f", "from"},
                                                            {"s", "subject"},
                                                            {"k", "supported"},
                                                            {"t", "to"},
                                                            {"v", "via"},
                                                            {"o", "event"},
                                                            {"u", "allow-events"},
                                                            {"r", "refer-to"},
                                                            {"b", "referred-by"},
                                                            {"x", "session-expires"},
                                                            {"y", "identity"},
                                                            {"a", "accept-contact"},
                                                            {"d", "request-disposition"},
                                                            {"j", "reject-contact"},
                                                            {"n", "identity-info"}};
    std::string l = lower(name);
    auto it = compact.find(l);
    return it == compact.end() ? l : it->second;
}

bool all_digits(const std::string& s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

// The value of parameter `name` in ";a=b;name=value" text, quotes removed.
std::string param(const std::string& params, const std::string& name) {
    std::stringstream ss(params);
    std::string item;
    while (std::getline(ss, item, ';')) {
        std::size_t eq = item.find('=');
        std::string n = lower(strip(item.substr(0, eq)));
        if (n != name) continue;
        if (eq == std::string::npos) return "";
        std::string v = strip(item.substr(eq + 1));
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
        return v;
    }
    return "";
}

// The tag of a From/To value: parameters follow the '>' of a name-addr, or the first ';' of
// an addr-spec.
std::string tag_of(const std::string& value) {
    std::size_t gt = value.rfind('>');
    std::size_t from = gt == std::string::npos ? 0 : gt + 1;
    std::size_t semi = value.find(';', from);
    if (semi == std::string::npos) return "";
    return param(value.substr(semi), "tag");
}

// First comma-separated element, commas in quotes and <> ignored.
std::string first_element(const std::string& value) {
    bool quoted = false;
    int angle = 0;
    int paren = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        char c = value[i];
        if (quoted) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == '<') {
            ++angle;
        } else if (c == '>' && angle > 0) {
            --angle;
        } else if (c == '(') {
            ++paren;
        } else if (c == ')' && paren > 0) {
            --paren;
        } else if (c == ',' && angle == 0 && paren == 0) {
            return strip(value.substr(0, i));
        }
    }
    return strip(value);
}

} // namespace

Summary reference_parse(std::string_view bytes) {
    Summary s;
    std::string text(bytes);
    std::size_t pos = 0;
    while (pos < text.size() && (text[pos] == '\r' || text[pos] == '\n'))
        ++pos;

    // Collect lines (without line ends) until the empty line.
    std::vector<std::string> lines;
    std::size_t body_start = text.size();
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        if (!line.empty() && line.back() == '\r' && nl != std::string::npos) line.pop_back();
        if (nl == std::string::npos) {
            lines.push_back(line);
            break;
        }
        pos = nl + 1;
        if (line.empty() && !lines.empty()) {
            s.headers_complete = true;
            body_start = pos;
            break;
        }
        lines.push_back(line);
    }
    if (lines.empty()) return s;

    // Start line.
    const std::string& start = lines[0];
    if (start.size() >= 4 && lower(start.substr(0, 4)) == "sip/") {
        s.request = false;
        std::size_t sp = start.find(' ');
        if (sp != std::string::npos) {
            std::string rest = start.substr(sp + 1);
            std::size_t b = 0;
            while (b < rest.size() && (rest[b] == ' ' || rest[b] == '\t'))
                ++b;
            rest = rest.substr(b);
            std::size_t d = 0;
            while (d < rest.size() && std::isdigit(static_cast<unsigned char>(rest[d])))
                ++d;
            if (d == 3)
                s.status = std::stoi(rest.substr(0, 3));
            else if (d > 0 && d < 10)
                s.status = std::stoi(rest.substr(0, d));
            if (d < rest.size() && rest[d] == ' ') s.reason = rest.substr(d + 1);
        }
    } else {
        std::size_t sp = start.find(' ');
        s.method = start.substr(0, sp);
        if (sp != std::string::npos) {
            std::string rest = start.substr(sp + 1);
            while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t'))
                rest.pop_back();
            std::size_t last = rest.rfind(' ');
            if (last != std::string::npos) s.request_uri = strip(rest.substr(0, last));
        }
    }

    // Headers, with folded lines joined to the previous one.
    // A continuation line belongs to the header right above it; after a line that is not a
    // header it belongs to nothing.
    std::vector<std::pair<std::string, std::string>> raw;
    bool continues = false;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
            if (continues) raw.back().second += " " + line;
            continue;
        }
        std::size_t colon = line.find(':');
        continues = colon != std::string::npos;
        if (!continues) continue;
        raw.emplace_back(strip(line.substr(0, colon)), line.substr(colon + 1));
    }
    for (auto& [name, value] : raw)
        s.headers.emplace_back(canonical(name), squash(value));

    auto first = [&](const std::string& name) -> const std::string* {
        for (const auto& h : s.headers)
            if (h.first == name) return &h.second;
        return nullptr;
    };
    if (auto v = first("call-id")) s.call_id = *v;
    if (auto v = first("cseq")) {
        std::stringstream ss(*v);
        std::string number;
        std::string method;
        ss >> number >> method;
        if (all_digits(number) && !method.empty()) {
            s.cseq_method = method;
            // Numbers beyond 32 bits are kept as 0 (the value is reported as out of range).
            if (number.size() <= 10 && std::stoull(number) <= 0xFFFFFFFFull)
                s.cseq = static_cast<std::uint32_t>(std::stoull(number));
        }
    }
    if (auto v = first("from")) s.from_tag = tag_of(*v);
    if (auto v = first("to")) s.to_tag = tag_of(*v);
    if (auto v = first("via")) {
        std::string hop = first_element(*v);
        // "SIP / 2.0 / UDP host:port;params": sent-by follows the transport.
        std::size_t slash = hop.find('/');
        slash = slash == std::string::npos ? slash : hop.find('/', slash + 1);
        if (slash != std::string::npos) {
            std::string rest = strip(hop.substr(slash + 1));
            std::size_t sp = rest.find(' ');
            std::string after = sp == std::string::npos ? "" : strip(rest.substr(sp));
            std::size_t semi = after.find(';');
            std::string sent_by = after.substr(0, semi);
            std::string compact;
            for (char c : sent_by)
                if (!text::is_space(c)) compact += c;
            s.sent_by = compact;
            if (semi != std::string::npos) s.branch = param(after.substr(semi), "branch");
        }
    }
    if (auto v = first("content-length")) {
        std::string n = strip(*v);
        if (all_digits(n) && n.size() <= 10 && std::stoull(n) <= 0xFFFFFFFFull) {
            s.has_content_length = true;
            s.content_length = static_cast<std::uint32_t>(std::stoull(n));
        }
    }
    std::size_t available = body_start <= text.size() ? text.size() - body_start : 0;
    s.body_length = available;
    if (s.has_content_length && s.content_length < available) s.body_length = s.content_length;
    return s;
}

Summary summarize(const Message& m) {
    Summary s;
    s.request = m.is_request();
    s.method = std::string(m.method_text);
    s.request_uri = std::string(m.request_uri);
    s.status = m.status;
    s.reason = std::string(m.reason_phrase);
    TransactionKey k = m.transaction_key();
    s.call_id = squash(std::string(k.call_id));
    if (auto c = parse_cseq(m.value(HeaderId::cseq))) {
        s.cseq = c->seq;
        s.cseq_method = std::string(c->method_text);
    }
    s.from_tag = std::string(k.from_tag);
    s.to_tag = std::string(k.to_tag);
    s.branch = std::string(k.branch);
    std::string sent_by;
    for (char c : k.sent_by)
        if (!text::is_space(c)) sent_by += c;
    s.sent_by = sent_by;
    if (m.content_length) {
        s.has_content_length = true;
        s.content_length = *m.content_length;
    }
    for (const auto& h : m.headers)
        s.headers.emplace_back(lower(std::string(h.canonical_name())),
                               squash(std::string(h.value)));
    s.body_length = m.body.size();
    s.headers_complete = !has_code(m.findings, FindingCode::truncated_headers);
    return s;
}

std::string describe_difference(const Summary& a, const Summary& b) {
    std::string d;
    auto cmp = [&](const char* field, const auto& x, const auto& y) {
        if (!(x == y)) {
            std::ostringstream os;
            os << field << ": [" << x << "] vs [" << y << "]\n";
            d += os.str();
        }
    };
    cmp("request", a.request, b.request);
    cmp("method", a.method, b.method);
    cmp("request_uri", a.request_uri, b.request_uri);
    cmp("status", a.status, b.status);
    cmp("reason", a.reason, b.reason);
    cmp("call_id", a.call_id, b.call_id);
    cmp("cseq", a.cseq, b.cseq);
    cmp("cseq_method", a.cseq_method, b.cseq_method);
    cmp("from_tag", a.from_tag, b.from_tag);
    cmp("to_tag", a.to_tag, b.to_tag);
    cmp("branch", a.branch, b.branch);
    cmp("sent_by", a.sent_by, b.sent_by);
    cmp("has_content_length", a.has_content_length, b.has_content_length);
    cmp("content_length", a.content_length, b.content_length);
    cmp("body_length", a.body_length, b.body_length);
    cmp("headers_complete", a.headers_complete, b.headers_complete);
    cmp("header count", a.headers.size(), b.headers.size());
    for (std::size_t i = 0; i < a.headers.size() && i < b.headers.size(); ++i) {
        cmp("header name", a.headers[i].first, b.headers[i].first);
        cmp("header value", a.headers[i].second, b.headers[i].second);
    }
    return d;
}

} // namespace sipdx::sip::detail
