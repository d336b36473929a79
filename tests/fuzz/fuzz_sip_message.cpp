// Fuzz target: the SIP message parser. Parses the input as a datagram and as a stream, runs the
// full validation and every typed accessor, checks that views stay inside the input, and
// aborts when the fast parser and the reference parser disagree on a message the fast parser
// accepts as valid.
#include <sipdx/sip/message.h>
#include <sipdx/sip/multipart.h>
#include <sipdx/sip/stream.h>

#include "sip/detail/reference_parser.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

using namespace sipdx::sip;

void check_inside(std::string_view outer, std::string_view part, const char* what) {
    if (part.empty()) return;
    if (part.data() < outer.data() || part.data() + part.size() > outer.data() + outer.size()) {
        std::fprintf(stderr, "view outside the input: %s\n", what);
        std::abort();
    }
}

void exercise(const Message& m) {
    volatile std::size_t sink = 0;
    sink = sink + m.transaction_key().call_id.size();
    if (auto u = m.request_uri_parsed()) sink = sink + u->host.size();
    if (auto c = m.cseq()) sink = sink + c->seq;
    if (auto f = m.from()) sink = sink + f->tag().size();
    if (auto t = m.to()) sink = sink + t->uri.user.size();
    sink = sink + m.vias().size();
    sink = sink + m.contacts().size();
    sink = sink + m.name_addrs(HeaderId::record_route).size();
    sink = sink + m.name_addrs(HeaderId::p_asserted_identity).size();
    sink = sink + m.tokens(HeaderId::supported).size();
    sink = sink + m.credentials(HeaderId::authorization).size();
    sink = sink + m.credentials(HeaderId::www_authenticate).size();
    sink = sink + m.security(HeaderId::security_client).size();
    sink = sink + m.p_access_network_info().size();
    sink = sink + m.value_params(HeaderId::accept_contact).size();
    if (auto v = m.p_charging_vector()) sink = sink + v->icid_value.size();
    if (auto a = m.p_charging_function_addresses()) sink = sink + a->ccf.size();
    if (auto r = m.retry_after()) sink = sink + r->seconds;
    if (auto r = m.rack()) sink = sink + r->rseq;
    if (auto e = m.expires()) sink = sink + *e;
    if (auto mf = m.max_forwards()) sink = sink + *mf;
    if (auto sdp = m.sdp()) sink = sink + sdp->media.size();
    if (auto ct = m.content_type(); ct && ct->type == "multipart")
        sink = sink + split_multipart(m.body, ct->boundary()).size();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    Message m;
    Parser{}.parse(input, m);
    check_inside(input, m.raw, "raw");
    check_inside(input, m.body, "body");
    for (const auto& h : m.headers) {
        check_inside(input, h.name, "header name");
        check_inside(input, h.value, "header value");
    }
    m.validate();
    for (const auto& f : m.findings) {
        if (f.offset > size) {
            std::fprintf(stderr, "finding offset %u beyond input\n", f.offset);
            std::abort();
        }
    }
    exercise(m);

    if (m.valid()) {
        auto fast = sipdx::sip::detail::summarize(m);
        auto ref = sipdx::sip::detail::reference_parse(input);
        if (!(fast == ref)) {
            auto diff = sipdx::sip::detail::describe_difference(fast, ref);
            std::fprintf(stderr, "fast and reference parsers disagree:\n");
            std::fwrite(diff.data(), 1, diff.size(), stderr);
            std::abort();
        }
    }

    // The same bytes as a TCP stream: every message lies inside the input, in order.
    MessageStream stream(input, Framing::stream);
    Message s;
    std::size_t offset = 0;
    std::size_t last = 0;
    for (int guard = 0; stream.next(s, offset); ++guard) {
        if (offset < last || guard > static_cast<int>(size) + 1) std::abort();
        last = offset;
        check_inside(input, s.raw, "stream message");
    }
    return 0;
}
