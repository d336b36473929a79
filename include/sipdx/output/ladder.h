// Ladder (sequence) diagrams of one Call-ID's messages: hosts as columns in order of
// appearance, one arrow per message with its method or status, the time since the first
// message and since the previous one; retransmissions and duplicate copies are marked.
// Three renderings: terminal text, Mermaid (sequenceDiagram) and standalone SVG.
#pragma once

#include <sipdx/session/record.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sipdx::output {

struct LadderOptions {
    bool show_duplicates = true; // draw duplicate copies (marked) or leave them out
    // Column titles by node ("10.0.0.1:5060" -> "10.0.0.1:5060 P-CSCF"); others show the node.
    std::map<std::string, std::string> host_labels;
    // The leg of each message (1-based, parallel to the messages) when a ladder spans several
    // Call-IDs (a session): text and Mermaid prefix labels with "L2", SVG colours each leg.
    // Empty for one Call-ID.
    std::vector<std::uint32_t> legs;
    // Text only: the widest line (0: no limit). Host columns narrow to fit, down to a width that
    // still holds a method name; hosts whose names no longer fit are lettered, with a legend.
    std::size_t max_width = 0;
    bool color = false; // text only: status labels coloured by class (output/terminal.h)
    // At most this many host columns (at least 2). A Call-ID seen at more hosts (a scanner, a
    // flood) would otherwise give a diagram as wide as the hosts and as large as their square:
    // the first max_hosts - 1 hosts get a column each, every later one is drawn in one last
    // column named "others (N hosts)", and a note under the diagram says how many were folded.
    std::size_t max_hosts = 16;
};

// How many hosts `messages` would fold into the "others" column (0: each has its column).
std::size_t ladder_folded_hosts(const std::vector<session::MessageRecord>& messages,
                                const LadderOptions& options = {});

// Every function returns a complete text ending in a newline; an empty message list gives a
// diagram with no arrows.
std::string render_ladder_text(const std::vector<session::MessageRecord>& messages,
                               const LadderOptions& options = {});
std::string render_ladder_mermaid(const std::vector<session::MessageRecord>& messages,
                                  const LadderOptions& options = {});
std::string render_ladder_svg(const std::vector<session::MessageRecord>& messages,
                              const LadderOptions& options = {});

} // namespace sipdx::output
