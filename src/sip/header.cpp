// Header name table: canonical names, compact forms, and a case-insensitive hash lookup that
// the parser calls once per header line (so it must stay cheap: one hash, one compare).
#include <sipdx/sip/header.h>
#include <sipdx/text/text.h>

#include <array>
#include <cstring>

namespace sipdx::sip {
namespace {

struct HeaderInfo {
    HeaderId id;
    std::string_view name;
    char compact;
    bool single;
    bool list;
};

using enum HeaderId;
// Indexed by HeaderId; checked below.
constexpr std::array<HeaderInfo, header_id_count> table{{
    {unknown, "", 0, false, false},
    {accept, "Accept", 0, false, true},
    {accept_contact, "Accept-Contact", 'a', false, true},
    {accept_encoding, "Accept-Encoding", 0, false, true},
    {accept_language, "Accept-Language", 0, false, true},
    {alert_info, "Alert-Info", 0, false, true},
    {allow, "Allow", 0, false, true},
    {allow_events, "Allow-Events", 'u', false, true},
    {authentication_info, "Authentication-Info", 0, false, false},
    {authorization, "Authorization", 0, false, false},
    {call_id, "Call-ID", 'i', true, false},
    {call_info, "Call-Info", 0, false, true},
    {contact, "Contact", 'm', false, true},
    {content_disposition, "Content-Disposition", 0, true, false},
    {content_encoding, "Content-Encoding", 'e', false, true},
    {content_language, "Content-Language", 0, false, true},
    {content_length, "Content-Length", 'l', true, false},
    {content_type, "Content-Type", 'c', true, false},
    {cseq, "CSeq", 0, true, false},
    {date, "Date", 0, true, false},
    {error_info, "Error-Info", 0, false, true},
    {event, "Event", 'o', true, false},
    {expires, "Expires", 0, true, false},
    {feature_caps, "Feature-Caps", 0, false, true},
    {from, "From", 'f', true, false},
    {history_info, "History-Info", 0, false, true},
    {identity, "Identity", 'y', false, false},
    {identity_info, "Identity-Info", 'n', false, false},
    {in_reply_to, "In-Reply-To", 0, false, true},
    {max_forwards, "Max-Forwards", 0, true, false},
    {min_expires, "Min-Expires", 0, true, false},
    {min_se, "Min-SE", 0, true, false},
    {mime_version, "MIME-Version", 0, true, false},
    {organization, "Organization", 0, true, false},
    {p_access_network_info, "P-Access-Network-Info", 0, false, true},
    {p_asserted_identity, "P-Asserted-Identity", 0, false, true},
    {p_asserted_service, "P-Asserted-Service", 0, false, true},
    {p_associated_uri, "P-Associated-URI", 0, false, true},
    {p_called_party_id, "P-Called-Party-ID", 0, true, false},
    {p_charging_function_addresses, "P-Charging-Function-Addresses", 0, false, false},
    {p_charging_vector, "P-Charging-Vector", 0, true, false},
    {p_early_media, "P-Early-Media", 0, false, true},
    {p_preferred_identity, "P-Preferred-Identity", 0, false, true},
    {p_preferred_service, "P-Preferred-Service", 0, false, true},
    {p_served_user, "P-Served-User", 0, true, false},
    {p_visited_network_id, "P-Visited-Network-ID", 0, false, true},
    {path, "Path", 0, false, true},
    {priority, "Priority", 0, true, false},
    {privacy, "Privacy", 0, false, false},
    {proxy_authenticate, "Proxy-Authenticate", 0, false, false},
    {proxy_authorization, "Proxy-Authorization", 0, false, false},
    {proxy_require, "Proxy-Require", 0, false, true},
    {rack, "RAck", 0, true, false},
    {reason, "Reason", 0, false, true},
    {record_route, "Record-Route", 0, false, true},
    {refer_to, "Refer-To", 'r', true, false},
    {referred_by, "Referred-By", 'b', true, false},
    {reject_contact, "Reject-Contact", 'j', false, true},
    {reply_to, "Reply-To", 0, true, false},
    {request_disposition, "Request-Disposition", 'd', false, true},
    {require, "Require", 0, false, true},
    {retry_after, "Retry-After", 0, true, false},
    {route, "Route", 0, false, true},
    {rseq, "RSeq", 0, true, false},
    {security_client, "Security-Client", 0, false, true},
    {security_server, "Security-Server", 0, false, true},
    {security_verify, "Security-Verify", 0, false, true},
    {server, "Server", 0, true, false},
    {service_route, "Service-Route", 0, false, true},
    {session_expires, "Session-Expires", 'x', true, false},
    {session_id, "Session-ID", 0, true, false},
    {sip_etag, "SIP-ETag", 0, true, false},
    {sip_if_match, "SIP-If-Match", 0, true, false},
    {subject, "Subject", 's', true, false},
    {subscription_state, "Subscription-State", 0, true, false},
    {supported, "Supported", 'k', false, true},
    {timestamp, "Timestamp", 0, true, false},
    {to, "To", 't', true, false},
    {unsupported, "Unsupported", 0, false, true},
    {user_agent, "User-Agent", 0, true, false},
    {via, "Via", 'v', false, true},
    {warning, "Warning", 0, false, true},
    {www_authenticate, "WWW-Authenticate", 0, false, false},
}};

constexpr bool table_in_order() {
    for (std::size_t i = 0; i < table.size(); ++i)
        if (static_cast<std::size_t>(table[i].id) != i) return false;
    return true;
}
static_assert(table_in_order(), "header table out of order with HeaderId");

constexpr unsigned char lower(unsigned char c) {
    return static_cast<unsigned char>(text::to_lower(static_cast<char>(c)));
}

// Hash of the lower-cased name; must be the same in the table builder and in lookups. It reads
// only the length and four characters: lookups run for every header line, and hashing every
// character cost more than the comparison that confirms the match (docs/performance.md).
constexpr std::uint32_t name_hash(std::string_view s) {
    const auto n = static_cast<std::uint32_t>(s.size());
    // OR 0x20 lower-cases letters and leaves digits and '-' alone; other bytes may collide,
    // which only costs a probe (matches_lower decides). Cheaper than a branchy lower().
    auto at = [&](std::size_t i) {
        return std::uint32_t{static_cast<unsigned char>(s[i])} | 0x20u;
    };
    const std::uint32_t h = (n * 0x9E3779B1u) ^ (at(0) * 0x85EBCA6Bu) ^ (at(n / 2) * 0xC2B2AE35u) ^
                            (at(n - 1) << 11) ^ (at(n > 1 ? n - 2 : 0) * 0x27D4EB2Fu);
    return h ^ (h >> 15) ^ (h >> 23);
}

constexpr std::size_t slot_count = 512; // power of two, well above 2x the entries
struct Slots {
    std::array<std::uint8_t, slot_count> id{}; // 0 = empty (unknown is never stored)
};
constexpr Slots build_slots() {
    Slots s{};
    for (std::size_t i = 1; i < table.size(); ++i) {
        std::size_t pos = name_hash(table[i].name) & (slot_count - 1);
        while (s.id[pos] != 0)
            pos = (pos + 1) & (slot_count - 1);
        s.id[pos] = static_cast<std::uint8_t>(i);
    }
    return s;
}
constexpr Slots slots = build_slots();

// Longest probe sequence of a listed name: keeps the cheap hash honest.
constexpr std::size_t longest_probe() {
    std::size_t longest = 0;
    for (std::size_t i = 1; i < table.size(); ++i) {
        std::size_t pos = name_hash(table[i].name) & (slot_count - 1);
        std::size_t probes = 1;
        while (slots.id[pos] != i) {
            pos = (pos + 1) & (slot_count - 1);
            ++probes;
        }
        longest = probes > longest ? probes : longest;
    }
    return longest;
}
static_assert(longest_probe() <= 3, "header name hash clusters: change name_hash");

// The names lower-cased once, with a mask holding 0x20 where the name has a letter: an input
// byte matches a letter exactly when (byte | 0x20) equals the lower-case letter, and every other
// byte (digits, '-') must be equal. That lets a comparison take eight bytes at a time.
struct LowerNames {
    std::array<std::array<char, 32>, table.size()> text{};
    std::array<std::array<char, 32>, table.size()> fold{};
};
constexpr bool names_fit() {
    for (const auto& h : table)
        if (h.name.size() > 32) return false;
    return true;
}
static_assert(names_fit(), "a header name is longer than lookup_header accepts");
constexpr LowerNames build_lower_names() {
    LowerNames l{};
    for (std::size_t i = 0; i < table.size(); ++i) {
        for (std::size_t k = 0; k < table[i].name.size(); ++k) {
            const auto c = lower(static_cast<unsigned char>(table[i].name[k]));
            l.text[i][k] = static_cast<char>(c);
            l.fold[i][k] = (c >= 'a' && c <= 'z') ? char{0x20} : char{0};
        }
    }
    return l;
}
constexpr LowerNames lower_names = build_lower_names();

std::uint64_t load8(const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
}

bool matches_lower(std::string_view input, std::size_t index) {
    const std::size_t n = input.size();
    if (n != table[index].name.size()) return false;
    const char* in = input.data();
    const char* expected = lower_names.text[index].data();
    const char* fold = lower_names.fold[index].data();
    if (n < 8) {
        for (std::size_t i = 0; i < n; ++i)
            if ((in[i] | fold[i]) != expected[i]) return false;
        return true;
    }
    // Whole words, then the last eight bytes (overlapping): never reads outside the name.
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8)
        if ((load8(in + i) | load8(fold + i)) != load8(expected + i)) return false;
    if (i == n) return true;
    i = n - 8;
    return (load8(in + i) | load8(fold + i)) == load8(expected + i);
}

constexpr std::array<HeaderId, 26> build_compact() {
    std::array<HeaderId, 26> c{};
    for (const auto& h : table)
        if (h.compact != 0) c[static_cast<std::size_t>(h.compact - 'a')] = h.id;
    return c;
}
constexpr auto compact_table = build_compact();

} // namespace

HeaderId header_from_compact(char letter) {
    auto c = lower(static_cast<unsigned char>(letter));
    if (c < 'a' || c > 'z') return HeaderId::unknown;
    return compact_table[c - 'a'];
}

HeaderId lookup_header(std::string_view name) {
    if (name.size() == 1) return header_from_compact(name[0]);
    if (name.empty() || name.size() > 32) return HeaderId::unknown;
    std::size_t pos = name_hash(name) & (slot_count - 1);
    for (;;) {
        auto id = slots.id[pos];
        if (id == 0) return HeaderId::unknown;
        if (matches_lower(name, id)) return table[id].id;
        pos = (pos + 1) & (slot_count - 1);
    }
}

std::string_view to_string(HeaderId id) {
    auto i = static_cast<std::size_t>(id);
    return i < table.size() ? table[i].name : std::string_view{};
}

char compact_form(HeaderId id) {
    auto i = static_cast<std::size_t>(id);
    return i < table.size() ? table[i].compact : '\0';
}

bool is_single_value(HeaderId id) {
    auto i = static_cast<std::size_t>(id);
    return i < table.size() && table[i].single;
}

bool is_list_header(HeaderId id) {
    auto i = static_cast<std::size_t>(id);
    return i < table.size() && table[i].list;
}

} // namespace sipdx::sip
