// Small text helpers for the static site. Everything that comes from data goes through
// text::html_escape() before it reaches a page.
#pragma once

#include <string>
#include <string_view>

namespace sipdx::output::detail {

// The first sentence of `text` (up to and including its full stop), for one-line summaries.
// Abbreviations such as "e.g." and section numbers such as "8.1.3.2" do not end a sentence.
std::string_view first_sentence(std::string_view text);

// An external URL for a reference such as "RFC 3261" or "3GPP TS 24.229 section 5.4", or an
// empty string when the reference is not a document we know how to link to.
std::string reference_url(std::string_view reference);

} // namespace sipdx::output::detail
