#include <sipdx/analysis/explain.h>

#include <sipdx/knowledge/access_network.h>
#include <sipdx/knowledge/precondition.h>
#include <sipdx/knowledge/q850.h>
#include <sipdx/knowledge/reason.h>
#include <sipdx/knowledge/response_codes.h>

#include <fmt/format.h>

#include <iterator>

namespace sipdx::analysis {

using session::CallRecord;
using session::Kind;
using session::Outcome;

std::string_view class_name(int code) {
    auto cls = knowledge::status_class(code / 100);
    if (code < 100 || code > 699 || !cls) return {};
    return cls->name;
}

std::string_view category_of(int code) {
    auto entry = knowledge::explain_code(code);
    if (!entry) return {};
    return knowledge::category_id(entry->category);
}

std::string_view standard_phrase(int code) {
    if (const auto* entry = knowledge::find_registered(code)) return entry->reason;
    if (const auto* base = knowledge::find_registered(code / 100 * 100)) return base->reason;
    return {};
}

std::string code_meaning(int code) {
    auto entry = knowledge::explain_code(code);
    if (!entry) return {};
    std::string_view text = entry->meaning;
    // The first sentence is enough for tables; explanations use it too.
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        if (text[i] == '.' && text[i + 1] == ' ') return std::string(text.substr(0, i + 1));
    }
    return std::string(text);
}

std::string failed_by_text(const CallRecord& r) {
    if (!r.has_failed_by) return {};
    std::string text = r.failed_by.to_string();
    if (!r.failed_by_product.empty()) text += fmt::format(" ({})", r.failed_by_product);
    return text;
}

namespace {

std::string_view noun(Kind kind) {
    switch (kind) {
    case Kind::call:
        return "call";
    case Kind::registration:
        return "registration";
    case Kind::subscription:
        return "subscription";
    case Kind::message:
        return "MESSAGE";
    case Kind::options:
        return "OPTIONS request";
    case Kind::other:
        return "request";
    }
    return "request";
}

std::string parties(const CallRecord& r) {
    std::string out;
    if (r.kind == Kind::registration) {
        if (!r.from.empty()) out = " of " + r.from;
        return out;
    }
    if (r.from.empty() && r.to.empty()) return out;
    out.reserve(r.from.size() + r.to.size() + 12);
    out += " from ";
    out += r.from.empty() ? std::string_view("?") : std::string_view(r.from);
    out += " to ";
    out += r.to.empty() ? std::string_view("?") : std::string_view(r.to);
    return out;
}

std::string code_text(const CallRecord& r) {
    std::string phrase =
        r.final_reason.empty() ? std::string(standard_phrase(r.final_code)) : r.final_reason;
    return fmt::format("{} {}", r.final_code, phrase);
}

// RFC 3312: which desired precondition the last SDP's current status did not meet.
std::string precondition_text(const CallRecord& r) {
    const auto state = knowledge::parse_preconditions(r.preconditions);
    if (state.empty()) return {};
    const auto unmet = state.unmet();
    if (unmet.empty())
        return " The last SDP's preconditions (RFC 3312) were all met as far as it shows, so "
               "the refusal came from something else or a later change.";
    std::string text = " The last SDP's preconditions (RFC 3312) were not met:";
    for (std::size_t i = 0; i < unmet.size(); ++i)
        text += fmt::format("{} {}", i == 0 ? "" : ";", unmet[i]);
    return text + ".";
}

// The UE's access from P-Access-Network-Info, in one sentence.
std::string access_text(const CallRecord& r) {
    const auto access = knowledge::decode_access_network_info(r.access_network);
    if (access.empty()) return {};
    const auto& a = access.front();
    return fmt::format(" Access (P-Access-Network-Info): {}{}.", a.summary(),
                       a.is_3gpp() ? "" : " (not a 3GPP radio access)");
}

std::string evidence(const CallRecord& r) {
    std::string text;
    if (r.final_code >= 300) {
        auto entry = knowledge::explain_code(r.final_code);
        if (entry) {
            std::string meaning = code_meaning(r.final_code);
            if (!meaning.empty() && meaning.back() == '.') meaning.pop_back();
            text += fmt::format(" {} (category: {}).", meaning,
                                knowledge::category_label(entry->category));
        }
        if (r.has_failed_by) {
            text += fmt::format(
                " The failure was first sent by {}{}.", r.failed_by.to_string(),
                r.failed_by_product.empty()
                    ? std::string()
                    : fmt::format(", which identifies itself as \"{}\"", r.failed_by_product));
        }
    }
    if (!r.reason_header.empty()) {
        for (const auto& v : knowledge::parse_reason(r.reason_header)) {
            if (!v.cause) continue;
            const auto meaning = v.cause_meaning();
            text += fmt::format(" The Reason header gives {} cause {}{}{}.", v.protocol, *v.cause,
                                meaning.empty() ? "" : " — ", meaning);
            if (v.protocol == "Q.850") {
                if (const auto* q = knowledge::find_q850(*v.cause); q && !q->meaning.empty())
                    text += fmt::format(" {}", q->meaning);
            } else if (const auto* c = v.cause_3gpp(); c != nullptr && !c->meaning.empty()) {
                text += fmt::format(" {}", c->meaning);
            }
        }
    }
    if ((r.final_code == 580 || r.final_code == 488) && !r.preconditions.empty())
        text += precondition_text(r);
    if (!r.warning.empty()) {
        for (const auto& w : knowledge::parse_warning(r.warning)) {
            if (w.code == 0) continue;
            const auto meaning = w.code_meaning();
            text += fmt::format(" Warning {} from {}: \"{}\"{}{}.", w.code, w.agent, w.text,
                                meaning.empty() ? "" : " — ", meaning);
        }
    }
    if (r.final_code >= 300) {
        auto entry = knowledge::explain_code(r.final_code);
        if (entry && !entry->next_checks.empty())
            text += fmt::format(" Check next: {}", entry->next_checks.front());
        if (!text.empty() && text.back() != '.') text += '.';
    }
    return text;
}

std::string seconds(double ms) {
    return fmt::format("{:.3f} s", ms / 1000.0);
}

// The appending forms of code_text() and seconds(), for the outcomes nearly every record has:
// one string grows instead of a temporary per phrase (the report explains every record).
void append_code_text(std::string& out, const CallRecord& r) {
    fmt::format_to(std::back_inserter(out), "{} ", r.final_code);
    if (r.final_reason.empty())
        out += standard_phrase(r.final_code);
    else
        out += r.final_reason;
}

void append_seconds(std::string& out, double ms) {
    fmt::format_to(std::back_inserter(out), "{:.3f} s", ms / 1000.0);
}

void append_head(std::string& out, const CallRecord& r, const std::string& who) {
    out += "The ";
    out += noun(r.kind);
    out += who;
}

// The provisional answer that ended the PDD, in words: 183 is progress, not ringing.
std::string progress_noun(const CallRecord& r) {
    switch (r.progress_code) {
    case 0:
    case 180:
        return "ringing";
    case 181:
        return "call forwarding (181)";
    case 182:
        return "queueing (182)";
    case 183:
        return "session progress (183)";
    default:
        return fmt::format("progress ({})", r.progress_code);
    }
}

bool credentials_refused(const CallRecord& r) {
    return r.final_code == 403 && r.has_finding(session::FindingCode::credentials_rejected);
}

std::string failed_text(const CallRecord& r, const std::string& who) {
    if (credentials_refused(r)) {
        std::string text = fmt::format(
            "The {}{} failed with {}: credentials were sent after the challenge and rejected. "
            "Check the user name, password and realm the client uses (the HA1 the server "
            "holds).",
            noun(r.kind), who, code_text(r));
        if (r.has_failed_by) text += fmt::format(" The refusal came from {}.", failed_by_text(r));
        return text;
    }
    std::string text = fmt::format("The {}{} failed with {}.", noun(r.kind), who, code_text(r));
    text += evidence(r);
    if (r.has_root_cause)
        text += fmt::format(" It followed an earlier {} {} from {}: the first failure on the "
                            "path, and the likely cause.",
                            r.root_cause_code, standard_phrase(r.root_cause_code),
                            r.root_cause_by.to_string());
    return text;
}

std::string cancelled_text(const CallRecord& r, const std::string& who) {
    std::string text;
    if (r.abandon_method == "BYE") {
        text = fmt::format("The {}{} was abandoned: the caller gave up with a BYE in the early "
                           "dialog (frame {}) before an answer",
                           noun(r.kind), who, r.abandon_frame);
    } else if (r.abandon_method == "CANCEL") {
        text = fmt::format("The {}{} was cancelled: the caller gave up with CANCEL (frame {}) "
                           "before an answer",
                           noun(r.kind), who, r.abandon_frame);
    } else {
        text = fmt::format("The {}{} was cancelled before an answer", noun(r.kind), who);
    }
    if (r.pdd_ms)
        text += fmt::format(", after {} began at {}", progress_noun(r), seconds(*r.pdd_ms));
    if (r.final_code == 487) {
        text += "; the INVITE ended with 487 Request Terminated, the normal answer";
        text += r.abandon_method.empty() ? " (the CANCEL or BYE behind it is not in the capture)."
                                         : ".";
    } else if (r.final_code == 0) {
        text += "; the INVITE never got its final response (487 Request Terminated expected).";
    } else {
        text += fmt::format("; the INVITE then ended with {} instead of 487.", code_text(r));
    }
    if (r.has_finding(session::FindingCode::cancel_unanswered))
        text += " The CANCEL itself was never answered (200 OK expected): it was lost or "
                "ignored by the next hop.";
    if (!r.reason_header.empty()) text += evidence(r);
    return text;
}

// A call whose start the capture missed: say so, then what its in-dialog requests show.
std::string mid_dialog_text(const CallRecord& r, const std::string& who) {
    std::string text = fmt::format("The call{} started before the capture (its first captured "
                                   "request is a {} inside the dialog)",
                                   who, r.first_method);
    switch (r.outcome) {
    case Outcome::ended:
        text += fmt::format(": it was ended by a BYE from the {}, answered {}.",
                            r.bye_by.empty() ? "caller or callee" : r.bye_by, code_text(r));
        break;
    case Outcome::answered:
        if (r.duration_s)
            text += fmt::format(": it was answered ({}) and ended by a BYE from the {} {:.1f} s "
                                "later.",
                                code_text(r), r.bye_by.empty() ? "caller or callee" : r.bye_by,
                                *r.duration_s);
        else
            text += fmt::format(": it was up (answered {}) and no BYE was captured.", code_text(r));
        break;
    case Outcome::failed:
        if (r.final_code == 481) {
            text += fmt::format(": the far end answered {}, it did not know the dialog (the "
                                "call had already ended there, its state was lost, or the "
                                "request took another path).",
                                code_text(r));
            if (r.has_failed_by) text += fmt::format(" Sent by {}.", failed_by_text(r));
        } else {
            text += fmt::format(": its request failed with {}.", code_text(r));
            text += evidence(r);
        }
        break;
    case Outcome::timeout:
        text += ": its request got no final response (RFC 3261 Timer F).";
        break;
    default:
        text += ": no final response to its requests was captured.";
        break;
    }
    return text;
}

} // namespace

std::string explain(const CallRecord& r) {
    std::string text;
    const std::string who = parties(r);
    switch (r.outcome) {
    case Outcome::answered:
        text.reserve(256);
        append_head(text, r, who);
        text += " was answered (";
        append_code_text(text, r);
        text += ')';
        if (r.setup_ms) {
            text += ' ';
            append_seconds(text, *r.setup_ms);
            text += " after the first INVITE";
        }
        if (r.pdd_ms) {
            text += ", ";
            text += progress_noun(r);
            text += " after ";
            append_seconds(text, *r.pdd_ms);
        }
        text += '.';
        if (r.duration_s) {
            fmt::format_to(std::back_inserter(text),
                           " It lasted {:.1f} s and the {} hung up with BYE.", *r.duration_s,
                           r.bye_by.empty() ? "caller or callee" : r.bye_by);
        } else if (!r.bye_by.empty()) {
            text += fmt::format(" The {} hung up with BYE (how long the call lasted is not "
                                "known).",
                                r.bye_by);
        } else {
            text += " No BYE was captured: the call was still up when the capture ended, or "
                    "its end went another way.";
        }
        if (r.challenges > 0)
            text += " The first INVITE was challenged for credentials, which is normal.";
        break;
    case Outcome::failed:
        text = failed_text(r, who);
        break;
    case Outcome::cancelled:
        text = cancelled_text(r, who);
        break;
    case Outcome::redirected:
        text = fmt::format("The {}{} was redirected with {}: the caller was told to try another "
                           "target (Contact of the response).",
                           noun(r.kind), who, code_text(r));
        break;
    case Outcome::timeout:
        text = fmt::format(
            "The {}{} got no final response: the request {}and no answer came (RFC 3261 Timer "
            "B/F). The next hop is unreachable, dropping packets, or overloaded; check "
            "routing, "
            "firewalls and the transport to it.",
            noun(r.kind), who,
            r.retransmissions > 0 ? fmt::format("was retransmitted {} times ", r.retransmissions)
                                  : std::string("waited more than 32 s "));
        break;
    case Outcome::in_progress:
        text =
            fmt::format("The {}{} had no final response when the capture ended", noun(r.kind), who);
        if (!r.pdd_ms)
            text += ".";
        else if (r.progress_code == 0 || r.progress_code == 180)
            text += " (it was ringing).";
        else
            text += fmt::format(" (it had reached {}).", progress_noun(r));
        break;
    case Outcome::registered:
        text.reserve(160);
        text += "The registration";
        text += who;
        text += " succeeded (";
        append_code_text(text, r);
        text += ')';
        text += r.challenges > 0 ? " after a digest/AKA challenge, which is the normal "
                                   "authentication exchange, not a failure."
                                 : ".";
        break;
    case Outcome::unregistered:
        text = fmt::format("The client{} removed its registration (Expires 0), answered {}.",
                           who.empty() ? "" : who, code_text(r));
        break;
    case Outcome::challenged:
        text = fmt::format("The {}{} ended on a {} challenge that was never answered with "
                           "credentials: the client gave up, has no credentials for this realm, "
                           "or the retry is outside the capture.",
                           noun(r.kind), who, code_text(r));
        break;
    case Outcome::completed:
        append_head(text, r, who);
        text += " completed with ";
        append_code_text(text, r);
        text += '.';
        break;
    case Outcome::ended:
        append_head(text, r, who);
        text += " was ended by BYE, answered ";
        append_code_text(text, r);
        text += '.';
        break;
    }
    // A call whose start the capture missed is told from what its in-dialog requests show.
    if (r.mid_dialog) text = mid_dialog_text(r, who);
    if (r.has_finding(session::FindingCode::credentials_rejected) && !credentials_refused(r))
        text += " Credentials were rejected at least once (challenged again after answering).";
    if (r.has_finding(session::FindingCode::answered_after_cancel))
        text += " A CANCEL crossed the 2xx (race): the call had to be ended with BYE.";
    if (r.has_finding(session::FindingCode::forked))
        text += fmt::format(" The INVITE was forked ({} early dialogs).", r.dialogs);
    if (r.has_finding(session::FindingCode::ack_missing))
        text += " An ACK is missing for a final response.";
    if (r.hops > 1) text += fmt::format(" The request was seen on {} hops.", r.hops);
    if (r.kind == Kind::call && !r.access_network.empty()) text += access_text(r);
    if (r.has_finding(session::FindingCode::clock_jump))
        text += " The capture time jumped while this Call-ID was open: no duration is computed "
                "across the jump.";
    if (r.has_finding(session::FindingCode::capture_gap))
        text += " A capture hole (missing bytes) touched this Call-ID: some of its messages may "
                "be missing.";
    if (r.part > 1)
        text += fmt::format(" This is record {} of this Call-ID: it went on after its earlier "
                            "record had been settled and emitted (e.g. a registration refresh).",
                            r.part);
    return text;
}

} // namespace sipdx::analysis
