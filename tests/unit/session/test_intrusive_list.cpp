// The tracker's expiry order: an intrusive list with O(1) append, removal and move-to-back.
#include <session/detail/intrusive_list.h>

#include <gtest/gtest.h>

#include <vector>

namespace sipdx::session::detail {
namespace {

struct Item {
    int id = 0;
    ListLink<Item> active;
    ListLink<Item> settled;
};

using Active = IntrusiveList<Item, &Item::active>;
using Settled = IntrusiveList<Item, &Item::settled>;

template <typename List>
std::vector<int> ids(const List& list, ListLink<Item> Item::*link) {
    std::vector<int> out;
    for (const Item* i = list.front(); i != nullptr; i = (i->*link).next)
        out.push_back(i->id);
    return out;
}

TEST(IntrusiveList, KeepsOrderThroughMovesAndRemovals) {
    std::vector<Item> items(5);
    for (int i = 0; i < 5; ++i)
        items[static_cast<std::size_t>(i)].id = i;
    Active active;
    for (auto& i : items)
        active.push_back(i);
    EXPECT_EQ(ids(active, &Item::active), (std::vector<int>{0, 1, 2, 3, 4}));
    active.move_to_back(items[0]); // the oldest becomes the newest
    active.move_to_back(items[0]); // already the newest: nothing changes
    active.remove(items[2]);
    active.remove(items[2]); // not in the list any more: a no-op
    EXPECT_EQ(ids(active, &Item::active), (std::vector<int>{1, 3, 4, 0}));
    EXPECT_EQ(active.size(), 4u);
    EXPECT_FALSE(active.contains(items[2]));
    active.remove(items[1]); // the head
    active.remove(items[0]); // the tail
    EXPECT_EQ(ids(active, &Item::active), (std::vector<int>{3, 4}));
    active.push_back(items[2]);
    EXPECT_EQ(ids(active, &Item::active), (std::vector<int>{3, 4, 2}));
    active.remove(items[3]);
    active.remove(items[4]);
    active.remove(items[2]);
    EXPECT_TRUE(active.empty());
    EXPECT_EQ(active.front(), nullptr);
}

TEST(IntrusiveList, OneItemInTwoListsAtOnce) {
    std::vector<Item> items(3);
    for (int i = 0; i < 3; ++i)
        items[static_cast<std::size_t>(i)].id = i;
    Active active;
    Settled settled;
    for (auto& i : items)
        active.push_back(i);
    settled.push_back(items[2]);
    settled.push_back(items[0]);
    active.move_to_back(items[0]);
    EXPECT_EQ(ids(active, &Item::active), (std::vector<int>{1, 2, 0}));
    EXPECT_EQ(ids(settled, &Item::settled), (std::vector<int>{2, 0}));
    settled.remove(items[2]);
    EXPECT_TRUE(active.contains(items[2]));
    EXPECT_EQ(ids(settled, &Item::settled), (std::vector<int>{0}));
}

} // namespace
} // namespace sipdx::session::detail
