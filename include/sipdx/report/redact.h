// Redaction for reports that leave the team: user parts of SIP/SIPS/TEL URIs, quoted display
// names, Digest usernames, phone numbers (runs of six or more digits), IPv4 and IPv6 addresses
// become pseudonyms ("user-3", "name-1", "tel-12", "ip-5"). The same value always gets the same
// pseudonym within one Redactor (numbers by their digits, so "+4930123456" and "4930123456"
// agree; user parts that are numbers count as numbers); pseudonyms are handed out in order of
// first appearance and say nothing about the value. docs/report.md lists the rules.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sipdx::report {

class Redactor {
public:
    // Any bytes in, the same text with every personal value replaced.
    std::string apply(std::string_view text);
    void append(std::string& out, std::string_view text);

    std::uint64_t replaced() const { return m_replaced; }
    std::size_t distinct() const;

private:
    enum class Kind : std::uint8_t { user, name, tel, ip };
    void append_pseudonym(std::string& out, Kind kind, std::string_view value);
    std::unordered_map<std::string, std::uint32_t> m_maps[4];
    std::uint64_t m_replaced = 0;
};

} // namespace sipdx::report
