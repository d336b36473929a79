// The site's stylesheet and script, compiled into the library as string literals (see
// src/output/site_assets.cpp) so that `sipdx site` needs no files beside the executable.
#pragma once

#include <string_view>

namespace sipdx::output::detail {

std::string_view site_stylesheet(); // written to assets/site.css
std::string_view site_script();     // written to assets/site.js

} // namespace sipdx::output::detail
