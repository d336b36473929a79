// The session stage's input: one SIP message reduced to the fields that transaction, dialog and
// call tracking need (RFC 3261 sections 12 and 17), plus where and when it was seen.
//
// A SipEvent is a plain value of views: every std::string_view points into the bytes of the
// message it was made from and is valid only for the duration of Tracker::feed(). The tracker
// copies what it keeps. Events are usually made by session::make_event() (adapter.h) from a
// decoded payload and its parsed sip::Message, but tests build them by hand.
#pragma once

#include <sipdx/decode/packet.h>
#include <sipdx/sip/method.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sipdx::sip {
struct Message;
}

namespace sipdx::session {

// An IP address and port (port 0 when unknown, e.g. a text log that printed none).
struct Endpoint {
    decode::Address address;
    std::uint16_t port = 0;

    friend bool operator==(const Endpoint&, const Endpoint&) = default;
    // "10.0.0.1:5060", "[2001:db8::1]:5060"; "?" when the address is unknown.
    std::string to_string() const;
};

struct SipEvent {
    // Where and when.
    std::int64_t time_ns = 0; // capture time
    std::uint64_t frame = 0;  // frame number that completed the message
    std::uint32_t source = 0; // which input file (for several captures analysed together)
    Endpoint src;
    Endpoint dst;
    decode::Transport transport = decode::Transport::udp;

    // Start line.
    bool is_request = true;
    sip::Method method = sip::Method::unknown; // requests
    std::string_view method_text;              // requests, as written (extension methods)
    int status = 0;                            // responses
    std::string_view reason_phrase;            // responses

    // Transaction and dialog identifiers.
    std::string_view call_id;
    std::uint32_t cseq = 0;
    sip::Method cseq_method = sip::Method::unknown;
    std::string_view cseq_method_text;
    std::string_view from_tag;
    std::string_view to_tag;
    std::string_view branch;  // top Via branch; empty when absent
    std::string_view sent_by; // top Via sent-by as written
    // Initial INVITE requests only: the branch of the second Via, i.e. this request's branch on
    // the hop before (a proxy pushes its own Via on top, RFC 3261 section 16.6 step 8). It
    // ties the transactions of one INVITE on successive hops together; empty when absent.
    std::string_view previous_branch;

    // Parties, for display: the From/To URIs (without display name or parameters), through
    // from() and to(). The tracker needs them only for the first requests of a Call-ID, so
    // make_event() leaves the two views empty and points `message` at the parsed message:
    // from() and to() read it on demand (reading them for every message was 6% of `analyze`).
    // Events built by hand set the views instead.
    std::string_view from_uri;
    std::string_view to_uri;
    const sip::Message* message = nullptr; // same lifetime as the views
    std::string_view from() const;
    std::string_view to() const;

    // Registration and lifetime: make_event() fills these three for REGISTER requests only.
    std::optional<std::uint32_t> expires;         // Expires header
    std::optional<std::uint32_t> contact_expires; // smallest Contact expires= parameter
    bool has_contact = false;
    bool contact_wildcard = false; // Contact: * (remove all bindings)
    bool has_credentials = false;  // Authorization or Proxy-Authorization present

    // Diagnosis evidence (raw header values; empty when absent).
    std::string_view reason;         // Reason (RFC 3326), all values
    std::string_view warning;        // Warning (RFC 3261 section 20.43)
    std::string_view user_agent;     // User-Agent
    std::string_view server;         // Server
    std::string_view icid;           // P-Charging-Vector icid-value (RFC 7315)
    std::string_view access_network; // P-Access-Network-Info (RFC 7315, TS 24.229), first header

    // Offer/answer and reliability.
    bool has_sdp = false;
    std::string_view sdp;              // the body when has_sdp (for the precondition lines)
    std::optional<std::uint32_t> rseq; // RSeq (RFC 3262)
    bool has_rack = false;             // RAck present (PRACK)

    // Identity of the bytes, to tell a duplicate copy of one transmission (mirror, two capture
    // points with the same view) from a retransmission. 0 means "unknown": never a duplicate.
    std::uint64_t content_hash = 0;
    std::uint32_t size = 0; // message bytes
    // The message took several frames to arrive (TCP segments, IP fragments, SCTP chunks...):
    // `frame` is only the last one.
    bool multi_frame = false;
    // Bytes were missing before this message on its stream (a capture hole, e.g. TCP
    // segments not captured): the tracker raises capture-gap on the Call-ID.
    bool after_gap = false;

    // The method this message is about: the request method, or the CSeq method of a response.
    sip::Method about() const { return is_request ? method : cseq_method; }
    std::string_view about_text() const { return is_request ? method_text : cseq_method_text; }
};

// FNV-1a over the bytes: cheap and good enough to recognise byte-identical copies.
std::uint64_t content_hash(std::string_view bytes);

} // namespace sipdx::session
