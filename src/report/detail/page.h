// The page's pieces: sections rendered from the builder's state, the style sheet and the script.
// A section is one function in the list `page_sections()` (page.cpp): to add one (sessions,
// media), write its render function and add an entry; its data for one call goes into the
// call's detail object (builder.cpp) under a key of its own, and call.js draws it.
#pragma once

#include "report/detail/state.h"

#include <string>
#include <string_view>
#include <vector>

namespace sipdx::report::detail {

struct Page {
    ReportBuilder::State& state;
    const RunView& view;
    std::string out;
};

struct Section {
    std::string_view id;    // the anchor
    std::string_view title; // the navigation label
    void (*render)(Page& page);
};
const std::vector<Section>& page_sections();

void render_media(Page& page);    // media_section.cpp
void render_sessions(Page& page); // sessions_section.cpp

std::string_view report_css();
std::string_view report_js();

} // namespace sipdx::report::detail
