// The TCP flow table: both directions of every connection being reassembled, bounded in count
// with least-recently-active eviction in O(1) (a list in activity order beside the hash map),
// so a flood of streams costs the same per segment as one stream.
#pragma once

#include <sipdx/decode/packet.h>

#include "decode/detail/tcp_reassembly.h"

#include <array>
#include <cstdint>
#include <iterator>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sipdx::decode::layers {

// rtp: RTP/RTCP framed by a 16-bit length (RFC 4571), read only when a payload analyzer beside
// the SIP framing is registered.
enum class StreamMode : std::uint8_t { unknown, sip, tls, http, ws, other, rtp };

struct FlowKey {
    Address a;
    Address b;
    std::uint16_t a_port = 0;
    std::uint16_t b_port = 0;
    std::uint64_t path = 0;
    friend bool operator==(const FlowKey&, const FlowKey&) = default;
};

struct FlowKeyHash {
    std::size_t operator()(const FlowKey& k) const noexcept;
};

struct Direction {
    explicit Direction(detail::TcpLimits limits) : stream(limits) {}
    detail::TcpDirection stream;
    StreamMode mode = StreamMode::unknown;
    bool fin = false;
    bool gap = false; // sticky until the next message: bytes were lost before it
    bool overlap = false;
    // Messages starting before this stream offset came out of the bytes held behind a hole.
    std::uint64_t after_gap_end = 0;
    std::string ws_message; // WebSocket message being assembled from fragments
    std::uint32_t ws_frames = 0;
    std::vector<std::uint64_t> ws_message_frames; // frames of the message being assembled
    // What the last `partial` framing result allows us to skip, so a message arriving in many
    // small segments is not re-scanned from its start on every segment (quadratic otherwise).
    // Valid only while the pending buffer still starts at stream offset `at`.
    struct {
        std::uint64_t at = UINT64_MAX;
        std::size_t head_scanned = 0; // head incomplete: bytes already searched for its end
        std::size_t need = 0;         // head complete: framing cannot succeed below this size
    } hint;
};

struct Flow {
    explicit Flow(detail::TcpLimits limits) : dir{Direction(limits), Direction(limits)} {}
    std::array<Direction, 2> dir;
    std::int64_t last_ns = 0;
    Encap encap; // as the flow's first segment had it, to deliver at the end of input
    bool tls_counted = false;
    bool ws_requested = false;
    bool ws_counted = false;
};

class TcpFlows {
public:
    struct Entry {
        FlowKey key;
        Flow flow;
    };
    using List = std::list<Entry>;
    using iterator = List::iterator;

    explicit TcpFlows(std::size_t max_flows) : m_max(max_flows == 0 ? 1 : max_flows) {}

    // The flow, made the most recently active; end() when unknown.
    iterator find(const FlowKey& key) {
        auto it = m_map.find(key);
        if (it == m_map.end()) return m_list.end();
        m_list.splice(m_list.end(), m_list, it->second);
        return it->second;
    }
    // Adds a flow (most recently active); when full, first evicts the least recently active
    // one, passing it to `on_evict`.
    template <typename F>
    iterator add(const FlowKey& key, Flow flow, F&& on_evict) {
        if (m_map.size() >= m_max) {
            auto& oldest = m_list.front();
            on_evict(oldest);
            m_map.erase(oldest.key);
            m_list.pop_front();
        }
        m_list.push_back(Entry{key, std::move(flow)});
        auto it = std::prev(m_list.end());
        m_map.emplace(key, it);
        return it;
    }
    void erase(iterator it) {
        m_map.erase(it->key);
        m_list.erase(it);
    }
    // Drops flows idle for more than `idle` of capture time (or from the future by as much),
    // oldest first; stops at the first active one. Returns how many went; each is passed to
    // `on_drop` before it goes.
    template <typename F>
    std::size_t expire(std::int64_t now, std::int64_t idle, F&& on_drop) {
        std::size_t n = 0;
        while (!m_list.empty()) {
            auto& e = m_list.front();
            if (!(now - e.flow.last_ns > idle || now < e.flow.last_ns - idle)) break;
            on_drop(e);
            m_map.erase(e.key);
            m_list.pop_front();
            ++n;
        }
        return n;
    }
    template <typename F>
    void for_each(F&& f) {
        for (auto& e : m_list)
            f(e);
    }
    void clear() {
        m_map.clear();
        m_list.clear();
    }
    iterator end() { return m_list.end(); }
    std::size_t size() const { return m_map.size(); }

private:
    std::size_t m_max;
    List m_list; // least recently active first
    std::unordered_map<FlowKey, iterator, FlowKeyHash> m_map;
};

} // namespace sipdx::decode::layers
