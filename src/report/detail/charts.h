// The report's charts as inline SVG, drawn here so they read with JavaScript off and print
// crisply. Colours come from CSS classes (s0..s7) so the page's light and dark themes apply;
// every bar and point carries a <title> with its values (the browser's own hover text).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sipdx::report::detail {

struct TimeAxis {
    std::int64_t first_s = 0;
    std::int64_t bucket_s = 1;
    std::size_t count = 0;
};

struct ChartSeries {
    std::string name;
    int colour = 0;                            // CSS class s<colour>
    std::vector<std::optional<double>> values; // one per bucket; nullopt: no value (a gap)
};

// "18:05", "11-25 18:05" or "18:05:30" for a bucket start, in UTC.
std::string axis_time(std::int64_t seconds, std::int64_t bucket_s, std::int64_t span_s);

std::string stacked_bars_svg(const std::string& label, const TimeAxis& axis,
                             const std::vector<ChartSeries>& series, const std::string& unit);
std::string lines_svg(const std::string& label, const TimeAxis& axis,
                      const std::vector<ChartSeries>& series, const std::string& unit,
                      std::optional<double> fixed_max = std::nullopt);
// Bars over named bins (a histogram), series side by side.
std::string histogram_svg(const std::string& label, const std::vector<std::string>& bins,
                          const std::vector<ChartSeries>& series, const std::string& unit);

// The legend under a chart, as HTML.
std::string legend_html(const std::vector<ChartSeries>& series);

} // namespace sipdx::report::detail
