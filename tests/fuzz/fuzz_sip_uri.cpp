// Fuzz target: URIs, name-addr, Via and parameter lists. Checks that every view stays inside
// the input and that iteration always ends.
#include <sipdx/sip/headers.h>
#include <sipdx/sip/uri.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

using namespace sipdx::sip;

namespace {
std::string_view g_input;

void inside(std::string_view part, const char* what) {
    if (part.empty()) return;
    if (part.data() < g_input.data() ||
        part.data() + part.size() > g_input.data() + g_input.size()) {
        std::fprintf(stderr, "view outside the input: %s\n", what);
        std::abort();
    }
}

void check_params(const ParamList& params) {
    std::size_t n = 0;
    for (const Param& p : params) {
        inside(p.name, "param name");
        inside(p.value, "param value");
        if (++n > g_input.size() + 1) std::abort(); // every step consumes input
    }
}

void check_uri(const Uri& u) {
    inside(u.text, "uri");
    inside(u.scheme_text, "scheme");
    inside(u.user, "user");
    inside(u.password, "password");
    inside(u.host, "host");
    inside(u.port_text, "port");
    inside(u.headers, "headers");
    inside(u.host_port(), "host_port");
    check_params(u.params);
    if (u.port > 65535) std::abort();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    g_input = std::string_view(reinterpret_cast<const char*>(data), size);
    std::vector<Finding> findings;
    FindingSink sink{&findings, g_input.data()};

    check_uri(parse_uri(g_input, sink));
    (void)is_valid_host(g_input);
    (void)is_ipv6_address(g_input);

    std::vector<NameAddr> addrs;
    parse_name_addr_list(g_input, addrs, sink);
    for (const auto& na : addrs) {
        inside(na.display_name, "display");
        check_uri(na.uri);
        check_params(na.params);
    }
    std::vector<Via> vias;
    parse_via_list(g_input, vias, sink);
    for (const auto& v : vias) {
        inside(v.host, "via host");
        inside(v.sent_by, "sent-by");
        inside(v.branch, "branch");
        check_params(v.params);
    }
    if (auto c = parse_credentials(g_input, sink))
        for (const auto& p : c->params)
            inside(p.value, "auth param");
    for (const auto& f : findings)
        if (f.offset > size) std::abort();
    return 0;
}
