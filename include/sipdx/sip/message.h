// SIP messages (RFC 3261 section 7): the start line, an index of the header lines, and the body,
// all as views into the caller's bytes. Parsing builds the index only; typed values (Via, From,
// CSeq, SDP, ...) are parsed on demand by the accessors below or the functions in headers.h.
//
// Lifetime: a Message holds std::string_views into the buffer it was parsed from. The buffer
// must outlive the Message and every view taken from it (findings' `detail` included). Parsing
// again into the same Message (Parser::parse(bytes, message)) reuses its vectors' capacity, so
// a long-lived parser loop does not allocate per message or per header.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sipdx/knowledge/reason.h>
#include <sipdx/sip/finding.h>
#include <sipdx/sip/framing.h>
#include <sipdx/sip/header.h>
#include <sipdx/sip/headers.h>
#include <sipdx/sip/method.h>
#include <sipdx/sip/params.h>
#include <sipdx/sip/sdp.h>
#include <sipdx/sip/uri.h>

namespace sipdx::sip {

enum class MessageKind : std::uint8_t { request, response };

// One header line of the message (a folded header is one entry).
struct Header {
    HeaderId id = HeaderId::unknown;
    std::string_view name;    // as written ("v", "Call-Id", "X-Foo")
    std::string_view value;   // trimmed; may contain folds (CRLF + SP/HTAB), which every typed
                              // parser treats as whitespace (RFC 3261 section 7.3.1)
    std::uint32_t offset = 0; // of the header line's first byte, from the start of the message

    // The canonical name for known headers (expands compact forms), else the name as written.
    std::string_view canonical_name() const;
};

// Transaction and dialog key fields (RFC 3261 sections 17.1.3, 17.2.3 and 12), extracted from the
// index with light parsing only: enough for a transaction layer to match messages.
struct TransactionKey {
    MessageKind kind = MessageKind::request;
    Method method = Method::unknown; // request method
    std::string_view method_text;
    int status = 0; // response status
    std::string_view call_id;
    std::uint32_t cseq = 0;
    Method cseq_method = Method::unknown;
    std::string_view cseq_method_text;
    std::string_view from_tag;
    std::string_view to_tag;
    std::string_view branch;  // top Via branch
    std::string_view sent_by; // top Via sent-by "host[:port]" as written
    std::string_view sent_by_host;
    std::int32_t sent_by_port = -1;
    bool complete = false; // Call-ID, CSeq, From, To and Via were all present and readable
};

struct Message {
    // --- filled by the parser -------------------------------------------------------------
    std::string_view raw;  // the whole message: start line, headers, body
    std::string_view head; // start line and header lines, up to and including the empty line
    std::string_view body; // the body as framed (Content-Length bounded, may be empty)

    MessageKind kind = MessageKind::request;
    std::string_view start_line; // without CRLF
    std::string_view version;    // "SIP/2.0" as written
    // requests
    Method method = Method::unknown;
    std::string_view method_text;
    std::string_view request_uri; // raw text; request_uri_parsed() parses it
    // responses
    int status = 0;
    std::string_view reason_phrase;

    std::vector<Header> headers;   // in message order
    std::vector<Finding> findings; // parse-level findings; validate() appends typed ones
    std::optional<std::uint32_t> content_length; // the (first) declared value, when readable

    // --- index queries ----------------------------------------------------------------------
    bool is_request() const { return kind == MessageKind::request; }
    bool is_response() const { return kind == MessageKind::response; }
    // No error-severity finding so far.
    bool valid() const;

    // The first header with this id, or null. O(1).
    const Header* find(HeaderId id) const;
    // The first header with this name (case-insensitive; compact forms work), or null.
    const Header* find(std::string_view name) const;
    // Number of header lines with this id.
    std::size_t count(HeaderId id) const;
    // The first value for this id, or "" when absent.
    std::string_view value(HeaderId id) const;
    // Calls f(const Header&) for every header with this id, in order.
    template <typename F>
    void for_each(HeaderId id, F&& f) const {
        for (const auto& h : headers)
            if (h.id == id) f(h);
    }
    // Offset of a view inside raw (0 when it is not inside).
    std::uint32_t offset_of(std::string_view part) const;

    // --- transaction fields (light) -------------------------------------------------------
    TransactionKey transaction_key() const;
    std::string_view call_id() const;

    // --- typed access (parsed on each call; cheap for single headers) -----------------------
    std::optional<Uri> request_uri_parsed() const;
    std::optional<CSeq> cseq() const;
    std::optional<NameAddr> from() const;
    std::optional<NameAddr> to() const;
    std::optional<Via> top_via() const;
    std::vector<Via> vias() const; // all hops of all Via lines, top first
    std::optional<std::uint32_t> max_forwards() const;
    std::optional<std::uint32_t> expires() const;
    std::optional<std::uint32_t> min_expires() const;
    std::optional<RetryAfter> retry_after() const;
    std::optional<MediaType> content_type() const;
    std::optional<std::uint32_t> rseq() const;
    std::optional<RAck> rack() const;
    std::vector<NameAddr> contacts() const;
    std::vector<NameAddr> name_addrs(HeaderId id) const;     // Route, Record-Route, Path, PAI, ...
    std::vector<std::string_view> tokens(HeaderId id) const; // Require, Supported, Allow ...
    std::vector<knowledge::ReasonValue> reasons() const;     // every Reason value
    std::vector<knowledge::WarningValue> warnings() const;   // every Warning value
    std::vector<Credentials>
    credentials(HeaderId id) const; // WWW-/Proxy-Authenticate, (Proxy-)Authorization
    std::vector<SecurityMechanism> security(HeaderId id) const; // Security-Client/Server/Verify
    std::optional<PChargingVector> p_charging_vector() const;
    std::optional<PChargingFunctionAddresses> p_charging_function_addresses() const;
    std::vector<AccessNetworkInfo> p_access_network_info() const;
    std::vector<ValueWithParams>
    value_params(HeaderId id) const; // Accept-Contact, Feature-Caps ...

    // The SDP body (also found inside multipart/mixed), when the Content-Type says so.
    std::optional<Sdp> sdp() const;

    // Full check: parses every known header typed and appends findings (duplicates, ranges,
    // bad URIs, unterminated quotes, CSeq/method mismatch, missing mandatory headers ...).
    // Idempotent: a second call does nothing.
    void validate();
    bool validated = false;

    // Parser bookkeeping: index of the first header per id (UINT16_MAX when absent).
    std::array<std::uint16_t, header_id_count> first_index{};
    std::array<std::uint8_t, header_id_count> counts{};
};

// How the message was delimited (not the wire transport, which is decode::Transport): on a
// stream Content-Length is mandatory (RFC 3261 section 18.3); in a datagram the body is the
// rest of the payload, cut at Content-Length.
enum class Framing : std::uint8_t { datagram, stream };

struct ParseOptions {
    Framing framing = Framing::datagram;
    std::size_t max_headers = 1024; // more is reported (too_many_headers) and ignored
};

// A reusable parser: keep one per thread and parse many messages into one Message, so that the
// header and finding vectors keep their capacity.
class Parser {
public:
    explicit Parser(ParseOptions options = {}) : m_options(options) {}

    // Parses `bytes` as exactly one message (the start line must be at bytes[0]; leading
    // CRLFs are skipped). Never fails: whatever is wrong becomes a finding. Returns the number
    // of bytes the message occupies (for a datagram: all of them).
    std::size_t parse(std::string_view bytes, Message& out) const;

    // Frames the first message of a stream buffer and parses it in one pass. When the result is
    // complete, `out` holds the message at [skipped, skipped + length).
    FrameResult parse_stream(std::string_view bytes, Message& out) const;

    const ParseOptions& options() const { return m_options; }

private:
    ParseOptions m_options;
};

// Convenience: parse one message with a fresh Message (allocates).
Message parse_message(std::string_view bytes, Framing framing = Framing::datagram);
// A Message views its bytes: parsing a temporary string would leave it dangling.
Message parse_message(std::string&& bytes, Framing framing = Framing::datagram) = delete;

// Light extraction of the transaction fields straight from bytes, for callers that have no
// Message (it parses the head into a thread-local scratch message).
std::optional<TransactionKey> extract_transaction_key(std::string_view bytes);

} // namespace sipdx::sip
