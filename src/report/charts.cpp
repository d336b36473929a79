#include "report/detail/charts.h"

#include <sipdx/text/escape.h>
#include <sipdx/text/time.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace sipdx::report::detail {
namespace {

constexpr int width = 640;
constexpr int height = 230;
constexpr int left = 52;
constexpr int right = 10;
constexpr int top = 10;
constexpr int bottom = 40;
constexpr int plot_w = width - left - right;
constexpr int plot_h = height - top - bottom;

// The top of the y axis: four equal steps of 1, 2 or 5 times a power of ten (whole numbers for
// counts of 4 or more).
double nice_ceiling(double v) {
    if (v <= 4) return 4;
    const double quarter = v / 4;
    const double p = std::pow(10.0, std::floor(std::log10(quarter)));
    for (const double m : {1.0, 2.0, 5.0, 10.0})
        if (quarter <= m * p) return 4 * m * p;
    return 40 * p;
}

std::string number(double v) {
    if (std::fabs(v - std::round(v)) < 1e-9) return fmt::format("{:.0f}", v);
    return fmt::format("{:.1f}", v);
}

std::string open_svg(const std::string& label) {
    return fmt::format("<svg class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" "
                       "aria-label=\"{}\" preserveAspectRatio=\"xMidYMid meet\">",
                       width, height, text::xml_escape(label));
}

// Gridlines and y labels from 0 to y_max.
void y_axis(std::string& out, double y_max, const std::string& unit) {
    for (int i = 0; i <= 4; ++i) {
        const double v = y_max * i / 4;
        const double y = top + plot_h - plot_h * i / 4.0;
        fmt::format_to(std::back_inserter(out),
                       "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>"
                       "<text class=\"tick\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>",
                       left, width - right, y, y, left - 6, y + 4, number(v) + unit);
    }
}

void x_axis(std::string& out, const TimeAxis& axis) {
    if (axis.count == 0) return;
    const double step = static_cast<double>(plot_w) / static_cast<double>(axis.count);
    const std::size_t every = std::max<std::size_t>(1, (axis.count + 5) / 6);
    const std::int64_t span = axis.bucket_s * static_cast<std::int64_t>(axis.count);
    for (std::size_t i = 0; i < axis.count; i += every) {
        const double x = left + step * static_cast<double>(i);
        fmt::format_to(std::back_inserter(out),
                       "<line class=\"axis\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{}\" y2=\"{}\"/>"
                       "<text class=\"tick\" x=\"{:.1f}\" y=\"{}\" text-anchor=\"start\">{}</text>",
                       x, x, top + plot_h, top + plot_h + 5, x, top + plot_h + 18,
                       axis_time(axis.first_s + axis.bucket_s * static_cast<std::int64_t>(i),
                                 axis.bucket_s, span));
    }
    fmt::format_to(std::back_inserter(out),
                   "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">UTC, {} per "
                   "bar</text>",
                   width - right, height - 4,
                   axis.bucket_s >= 3600 ? fmt::format("{} h", axis.bucket_s / 3600)
                   : axis.bucket_s >= 60 ? fmt::format("{} min", axis.bucket_s / 60)
                                         : fmt::format("{} s", axis.bucket_s));
}

std::string bucket_title(const TimeAxis& axis, std::size_t i) {
    const std::int64_t start = axis.first_s + axis.bucket_s * static_cast<std::int64_t>(i);
    std::string t = text::iso_time(start * 1'000'000'000);
    return t.substr(0, 19) + "Z";
}

} // namespace

std::string axis_time(std::int64_t seconds, std::int64_t bucket_s, std::int64_t span_s) {
    const std::string iso = text::iso_time(seconds * 1'000'000'000); // 2026-11-25T18:04:16.65Z
    if (iso.size() < 19) return iso;
    if (span_s >= 86400) return iso.substr(5, 5) + " " + iso.substr(11, 5);
    if (bucket_s < 60) return iso.substr(11, 8);
    return iso.substr(11, 5);
}

std::string stacked_bars_svg(const std::string& label, const TimeAxis& axis,
                             const std::vector<ChartSeries>& series, const std::string& unit) {
    double max_total = 0;
    for (std::size_t i = 0; i < axis.count; ++i) {
        double total = 0;
        for (const auto& s : series)
            total += s.values[i].value_or(0);
        max_total = std::max(max_total, total);
    }
    const double y_max = nice_ceiling(max_total);
    std::string out = open_svg(label);
    y_axis(out, y_max, "");
    const double step =
        static_cast<double>(plot_w) / static_cast<double>(std::max<std::size_t>(axis.count, 1));
    const double bar = std::max(1.0, step * 0.8);
    for (std::size_t i = 0; i < axis.count; ++i) {
        double base = 0;
        std::string tip = bucket_title(axis, i);
        for (const auto& s : series)
            if (s.values[i].value_or(0) > 0)
                tip += fmt::format("\n{}: {}{}", s.name, number(*s.values[i]), unit);
        out += "<g>";
        fmt::format_to(std::back_inserter(out), "<title>{}</title>", text::xml_escape(tip));
        for (const auto& s : series) {
            const double v = s.values[i].value_or(0);
            if (v <= 0) continue;
            const double h = plot_h * v / y_max;
            const double y = top + plot_h - plot_h * (base + v) / y_max;
            fmt::format_to(std::back_inserter(out),
                           "<rect class=\"s{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                           "height=\"{:.1f}\"/>",
                           s.colour, left + step * static_cast<double>(i) + (step - bar) / 2, y,
                           bar, std::max(h, 0.5));
            base += v;
        }
        out += "</g>";
    }
    x_axis(out, axis);
    out += "</svg>";
    return out;
}

std::string lines_svg(const std::string& label, const TimeAxis& axis,
                      const std::vector<ChartSeries>& series, const std::string& unit,
                      std::optional<double> fixed_max) {
    double max_value = 0;
    for (const auto& s : series)
        for (const auto& v : s.values)
            max_value = std::max(max_value, v.value_or(0));
    const double y_max = fixed_max ? *fixed_max : nice_ceiling(max_value);
    std::string out = open_svg(label);
    y_axis(out, y_max, unit);
    const double step =
        static_cast<double>(plot_w) / static_cast<double>(std::max<std::size_t>(axis.count, 1));
    for (const auto& s : series) {
        std::string path;
        bool pen_down = false;
        std::string points;
        for (std::size_t i = 0; i < axis.count; ++i) {
            if (!s.values[i]) {
                pen_down = false;
                continue;
            }
            const double x = left + step * (static_cast<double>(i) + 0.5);
            const double y = top + plot_h - plot_h * std::min(*s.values[i], y_max) / y_max;
            fmt::format_to(std::back_inserter(path), "{}{:.1f},{:.1f}", pen_down ? " L" : " M", x,
                           y);
            pen_down = true;
            fmt::format_to(std::back_inserter(points),
                           "<circle class=\"s{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.5\"><title>{}"
                           "</title></circle>",
                           s.colour, x, y,
                           text::xml_escape(bucket_title(axis, i) + "\n" + s.name + ": " +
                                            number(*s.values[i]) + unit));
        }
        if (!path.empty())
            fmt::format_to(std::back_inserter(out), "<path class=\"line s{}\" d=\"{}\"/>", s.colour,
                           path);
        out += points;
    }
    x_axis(out, axis);
    out += "</svg>";
    return out;
}

std::string histogram_svg(const std::string& label, const std::vector<std::string>& bins,
                          const std::vector<ChartSeries>& series, const std::string& unit) {
    double max_value = 0;
    for (const auto& s : series)
        for (const auto& v : s.values)
            max_value = std::max(max_value, v.value_or(0));
    const double y_max = nice_ceiling(max_value);
    std::string out = open_svg(label);
    y_axis(out, y_max, "");
    const double step =
        static_cast<double>(plot_w) / static_cast<double>(std::max<std::size_t>(bins.size(), 1));
    const double group = step * 0.8;
    const double bar = group / static_cast<double>(std::max<std::size_t>(series.size(), 1));
    for (std::size_t i = 0; i < bins.size(); ++i) {
        const double x0 = left + step * static_cast<double>(i) + (step - group) / 2;
        for (std::size_t k = 0; k < series.size(); ++k) {
            const double v = series[k].values[i].value_or(0);
            const double h = plot_h * v / y_max;
            fmt::format_to(
                std::back_inserter(out),
                "<rect class=\"s{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                "height=\"{:.1f}\"><title>{}</title></rect>",
                series[k].colour, x0 + bar * static_cast<double>(k), top + plot_h - h,
                std::max(bar - 1, 1.0), std::max(h, v > 0 ? 0.5 : 0.0),
                text::xml_escape(series[k].name + ", " + bins[i] + ": " + number(v) + unit));
        }
        fmt::format_to(
            std::back_inserter(out),
            "<text class=\"tick\" x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            left + step * (static_cast<double>(i) + 0.5), top + plot_h + 16,
            text::xml_escape(bins[i]));
    }
    out += "</svg>";
    return out;
}

std::string legend_html(const std::vector<ChartSeries>& series) {
    std::string out = "<ul class=\"legend\">";
    for (const auto& s : series)
        fmt::format_to(std::back_inserter(out), "<li><span class=\"key s{}\"></span>{}</li>",
                       s.colour, text::html_escape(s.name));
    out += "</ul>";
    return out;
}

} // namespace sipdx::report::detail
