// `sipdx parse FILE|-`: parse raw SIP messages (a byte stream framed as over TCP, or one
// datagram with --datagram) and print each one: start line, headers with compact forms
// expanded, a body summary and the findings. All parsing is in sipdx::sip.
#include "command.h"

#include <sipdx/sip/message.h>
#include <sipdx/sip/stream.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>

namespace sipdx::cli {
namespace {

namespace sip = sipdx::sip;
using Json = nlohmann::ordered_json;

struct ParseArgs {
    std::string input;
    bool json = false;
    bool datagram = false;
};

std::string read_input(const std::string& path) {
    if (path == "-") {
        std::string data((std::istreambuf_iterator<char>(std::cin)),
                         std::istreambuf_iterator<char>());
        if (std::cin.bad()) throw UsageError("-: cannot read standard input");
        return data;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError(fmt::format("{}: cannot open file", path));
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw UsageError(fmt::format("{}: read error", path));
    return data;
}

std::string str(std::string_view s) {
    return std::string(s);
}

// Printable form of a view that may hold control bytes or folds.
std::string printable(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (c == '\r' || c == '\n') {
            if (c == '\n') out += ' ';
        } else if (u < 0x20 || u == 0x7f) {
            out += fmt::format("\\x{:02x}", u);
        } else {
            out += c;
        }
    }
    return out;
}

Json name_addr_json(const std::optional<sip::NameAddr>& na) {
    if (!na) return nullptr;
    Json j;
    j["uri"] = str(na->uri.text);
    j["tag"] = str(na->tag());
    j["display"] = printable(na->display_name);
    return j;
}

Json sdp_json(const sip::Sdp& sdp) {
    Json j;
    if (sdp.origin) j["origin"] = str(sdp.origin->address.address);
    if (sdp.connection) j["connection"] = str(sdp.connection->address);
    j["direction"] = str(sip::media_direction_name(sdp.direction));
    auto& media = j["media"] = Json::array();
    for (const auto& m : sdp.media) {
        Json jm;
        jm["media"] = str(m.media);
        jm["port"] = m.port;
        jm["protocol"] = str(m.protocol);
        auto& formats = jm["formats"] = Json::array();
        for (auto f : m.formats)
            formats.push_back(str(f));
        auto& codecs = jm["codecs"] = Json::array();
        for (const auto& r : m.rtpmaps)
            codecs.push_back(fmt::format("{} {}/{}", r.payload_type, r.encoding, r.clock_rate));
        jm["direction"] = str(sip::media_direction_name(m.effective_direction(sdp.direction)));
        if (m.connection) jm["connection"] = str(m.connection->address);
        auto& pre = jm["preconditions"] = Json::array();
        for (const auto& p : m.preconditions)
            pre.push_back(fmt::format("{}:{} {} {} {}", p.kind, p.type, p.strength, p.status_type,
                                      p.direction));
        media.push_back(std::move(jm));
    }
    return j;
}

Json message_json(const sip::Message& m, std::size_t offset) {
    Json j;
    j["offset"] = offset;
    j["kind"] = m.is_request() ? "request" : "response";
    if (m.is_request()) {
        j["method"] = str(m.method_text);
        j["request_uri"] = str(m.request_uri);
        j["status"] = nullptr;
        j["reason"] = nullptr;
    } else {
        j["method"] = nullptr;
        j["status"] = m.status;
        j["reason"] = printable(m.reason_phrase);
    }
    j["call_id"] = printable(m.call_id());
    if (auto c = m.cseq()) {
        j["cseq"] = Json{{"seq", c->seq}, {"method", str(c->method_text)}};
    } else {
        j["cseq"] = nullptr;
    }
    j["from"] = name_addr_json(m.from());
    j["to"] = name_addr_json(m.to());
    auto& via = j["via"] = Json::array();
    for (const auto& v : m.vias()) {
        Json jv;
        jv["transport"] = str(v.transport);
        jv["sent_by"] = str(v.sent_by);
        jv["branch"] = str(v.branch);
        if (!v.received.empty()) jv["received"] = str(v.received);
        if (v.has_rport) jv["rport"] = v.rport >= 0 ? Json(v.rport) : Json(true);
        via.push_back(std::move(jv));
    }
    auto& headers = j["headers"] = Json::array();
    for (const auto& h : m.headers)
        headers.push_back(Json{{"name", str(h.canonical_name())}, {"value", printable(h.value)}});
    Json body;
    body["type"] = str(m.value(sip::HeaderId::content_type));
    body["length"] = m.body.size();
    if (auto sdp = m.sdp()) body["sdp"] = sdp_json(*sdp);
    j["body"] = std::move(body);
    auto& findings = j["findings"] = Json::array();
    for (const auto& f : m.findings) {
        findings.push_back(Json{{"code", str(f.code_name())},
                                {"severity", str(sip::severity_name(f.severity))},
                                {"offset", f.offset},
                                {"message", str(sip::finding_description(f.code))},
                                {"detail", printable(f.detail.substr(0, 120))}});
    }
    j["valid"] = m.valid();
    return j;
}

void print_text(const sip::Message& m, std::size_t index, std::size_t offset) {
    std::string out = fmt::format("message {} at offset {} ({} bytes): {}\n", index, offset,
                                  m.raw.size(), m.is_request() ? "request" : "response");
    out += fmt::format("  {}\n", printable(m.start_line));
    for (const auto& h : m.headers)
        out += fmt::format("  {}: {}\n", h.canonical_name(), printable(h.value));
    if (m.body.empty()) {
        out += "  body: none\n";
    } else {
        std::string type = str(m.value(sip::HeaderId::content_type));
        out += fmt::format("  body: {} bytes{}\n", m.body.size(),
                           type.empty() ? "" : fmt::format(", {}", type));
        if (auto sdp = m.sdp()) {
            for (const auto& media : sdp->media) {
                std::string codecs;
                for (const auto& r : media.rtpmaps)
                    codecs +=
                        fmt::format("{}{}/{}", codecs.empty() ? "" : " ", r.encoding, r.clock_rate);
                out += fmt::format(
                    "    sdp m={} port {} {} [{}] {}\n", media.media, media.port, media.protocol,
                    codecs, sip::media_direction_name(media.effective_direction(sdp->direction)));
            }
        }
    }
    for (const auto& f : m.findings)
        out += fmt::format(
            "  {} {} at {}: {}{}\n", sip::severity_name(f.severity), f.code_name(), f.offset,
            sip::finding_description(f.code),
            f.detail.empty() ? "" : fmt::format(" [{}]", printable(f.detail.substr(0, 80))));
    out += fmt::format("  valid: {}\n", m.valid() ? "yes" : "no");
    std::fwrite(out.data(), 1, out.size(), stdout);
}

void run_parse(const ParseArgs& args, CliContext& context) {
    const std::string data = read_input(args.input);
    sip::MessageStream stream(data,
                              args.datagram ? sip::Transport::datagram : sip::Transport::stream);
    sip::Message message;
    std::size_t offset = 0;
    std::size_t count = 0;
    bool all_valid = true;
    while (stream.next(message, offset)) {
        ++count;
        message.validate();
        all_valid = all_valid && message.valid();
        if (args.json) {
            std::string line = message_json(message, offset).dump() + "\n";
            std::fwrite(line.data(), 1, line.size(), stdout);
        } else {
            print_text(message, count, offset);
        }
    }
    if (!stream.trailing_junk().empty()) {
        std::fprintf(
            stderr, "sipdx: %s: offset %zu: %zu bytes after the last message are not SIP\n",
            args.input.c_str(), stream.trailing_junk_offset(), stream.trailing_junk().size());
        all_valid = false;
    }
    if (count == 0) {
        std::fprintf(stderr, "sipdx: %s: no SIP message found\n", args.input.c_str());
        context.exit_code = exit_input_errors;
        return;
    }
    context.exit_code = all_valid ? exit_ok : exit_input_errors;
}

void setup_parse(CLI::App& root, CliContext& context) {
    auto args = std::make_shared<ParseArgs>();
    auto* command = root.add_subcommand(
        "parse", "Parse raw SIP messages (a TCP-style byte stream) and print each one with its "
                 "findings. Exit 0 when all are valid, 1 when any is not.");
    command->add_option("input", args->input, "File holding the messages, or - for stdin")
        ->required();
    command->add_flag("--json", args->json,
                      "One JSON object per message (kind, method, status, reason, call_id, cseq, "
                      "from, to, via, headers, body, findings, valid)");
    command->add_flag("--datagram", args->datagram,
                      "Treat the input as one datagram: the body runs to the end (Content-Length "
                      "only trims it), as over UDP");
    command->callback([args, &context] { run_parse(*args, context); });
}

} // namespace

SIPDX_REGISTER_COMMAND(30, setup_parse);

} // namespace sipdx::cli
