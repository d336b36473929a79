#pragma once

// An open-addressing table from a 64-bit key (a Call-ID's hash, a record number) to a 32-bit
// index into the consumer's own vector: linear probing, power-of-two size, at most half full,
// no erase. Written here rather than std::unordered_map (measured need): with 400k calls the
// node map cost the media analyzer 0.4 CPU-s on an operator's 1.4 GB trace in bucket walks,
// node allocations and rehashes; this is one probe into a flat array, and growth moves 12-byte
// slots.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sipdx::session {

class FlatIndex {
public:
    // The value of `key`, inserting `value_if_new` when it is absent (`inserted` says which).
    std::uint32_t find_or_insert(std::uint64_t key, std::uint32_t value_if_new, bool& inserted) {
        if ((m_size + 1) * 2 > m_slots.size()) grow();
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t i = mix(key) & mask;; i = (i + 1) & mask) {
            Slot& s = m_slots[i];
            if (!s.used) {
                s = {key, value_if_new, true};
                ++m_size;
                inserted = true;
                return value_if_new;
            }
            if (s.key == key) {
                inserted = false;
                return s.value;
            }
        }
    }
    std::size_t size() const { return m_size; }

private:
    struct Slot {
        std::uint64_t key = 0;
        std::uint32_t value = 0;
        bool used = false;
    };
    // Keys may be sequential (record numbers): spread them over the table.
    static std::size_t mix(std::uint64_t k) {
        k ^= k >> 33;
        k *= 0xFF51AFD7ED558CCDull;
        k ^= k >> 33;
        return static_cast<std::size_t>(k);
    }
    void grow() {
        std::vector<Slot> old;
        old.swap(m_slots);
        m_slots.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
        const std::size_t mask = m_slots.size() - 1;
        for (const Slot& s : old) {
            if (!s.used) continue;
            std::size_t i = mix(s.key) & mask;
            while (m_slots[i].used)
                i = (i + 1) & mask;
            m_slots[i] = s;
        }
    }
    std::vector<Slot> m_slots;
    std::size_t m_size = 0;
};

} // namespace sipdx::session
