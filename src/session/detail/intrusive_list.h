// An intrusive doubly-linked list: the tracker's expiry order of open Call-IDs.
//
// Why intrusive: every message moves its Call-ID to the back of the "last active" order, and a
// Call-ID that settles joins the "settled since" order. Both must be O(1) with no allocation;
// the links live in the tracked object itself (whose address is stable: it is a node of an
// unordered_map), so expiry pops from the front instead of walking every open Call-ID.
#pragma once

#include <cstddef>

namespace sipdx::session::detail {

// Two pointers and nothing else (a million open Call-IDs hold two links each): an item is in
// its list when it has a predecessor or is the head.
template <typename T>
struct ListLink {
    T* prev = nullptr;
    T* next = nullptr;
};

// Items are T objects holding a ListLink<T> member named by `Link`. An item is in at most one
// list per link member; the list never owns its items.
template <typename T, ListLink<T> T::*Link>
class IntrusiveList {
public:
    IntrusiveList() = default;
    IntrusiveList(const IntrusiveList&) = delete;
    IntrusiveList& operator=(const IntrusiveList&) = delete;

    [[nodiscard]] bool empty() const { return m_head == nullptr; }
    [[nodiscard]] std::size_t size() const { return m_size; }
    [[nodiscard]] T* front() const { return m_head; }
    [[nodiscard]] bool contains(const T& item) const {
        return (item.*Link).prev != nullptr || m_head == &item;
    }

    void push_back(T& item) {
        auto& link = item.*Link;
        link.prev = m_tail;
        link.next = nullptr;
        if (m_tail != nullptr) {
            (m_tail->*Link).next = &item;
        } else {
            m_head = &item;
        }
        m_tail = &item;
        ++m_size;
    }

    // Removes `item` when it is in the list; a no-op otherwise.
    void remove(T& item) {
        if (!contains(item)) return;
        auto& link = item.*Link;
        if (link.prev != nullptr) {
            (link.prev->*Link).next = link.next;
        } else {
            m_head = link.next;
        }
        if (link.next != nullptr) {
            (link.next->*Link).prev = link.prev;
        } else {
            m_tail = link.prev;
        }
        link = ListLink<T>{};
        --m_size;
    }

    // The item becomes the newest: O(1), and free when it already is.
    void move_to_back(T& item) {
        if (m_tail == &item) return;
        remove(item);
        push_back(item);
    }

private:
    T* m_head = nullptr;
    T* m_tail = nullptr;
    std::size_t m_size = 0;
};

} // namespace sipdx::session::detail
