// The rule that decides which connection holds a slot of http.max_connections and which idle one
// is closed to admit a new one, without sockets.
#include "http/connection_slots.hpp"

#include <gtest/gtest.h>

namespace index_optimizer::http {
namespace {

using outcome = admission::outcome;

// Admits `id` and expects it on a free slot of `kind` (nobody evicted).
void expect_free_slot(connection_slots& slots, connection_id id, slot_kind kind) {
  const auto a = slots.admit(id);
  EXPECT_EQ(a.result, outcome::admitted) << id;
  EXPECT_EQ(a.slot, kind) << id;
  EXPECT_FALSE(a.evicted) << id << " evicted " << a.evicted.value_or(0);
}

TEST(ConnectionSlots, TheReserveIsAtMostHalfOfTheLimit) {
  EXPECT_EQ(split_connection_limit(1024, 8).general, 1016u);
  EXPECT_EQ(split_connection_limit(1024, 8).reserve, 8u);
  EXPECT_EQ(split_connection_limit(10, 8).reserve, 5u);
  EXPECT_EQ(split_connection_limit(10, 8).general, 5u);
  EXPECT_EQ(split_connection_limit(1, 8).reserve, 0u);
  EXPECT_EQ(split_connection_limit(1, 8).general, 1u);
  EXPECT_EQ(split_connection_limit(16, 0).reserve, 0u);
  EXPECT_EQ(split_connection_limit(16, 0).general, 16u);
}

TEST(ConnectionSlots, BelowTheLimitEveryConnectionGetsAGeneralSlot) {
  connection_slots slots({3, 1});
  for (connection_id id = 1; id <= 3; ++id)
    expect_free_slot(slots, id, slot_kind::general);
  EXPECT_EQ(slots.held(slot_kind::general), 3u);
  EXPECT_EQ(slots.idle(slot_kind::general), 3u);  // accepted, no request yet: idle
}

TEST(ConnectionSlots, AtTheLimitTheConnectionIdleLongestIsEvicted) {
  connection_slots slots({3, 0});
  for (connection_id id = 1; id <= 3; ++id)
    expect_free_slot(slots, id, slot_kind::general);
  // 1 serves a request and goes idle again: now 2 has been idle longest, then 3, then 1.
  ASSERT_TRUE(slots.mark_busy(1));
  slots.mark_idle(1);
  auto a = slots.admit(4);
  EXPECT_EQ(a.result, outcome::admitted);
  EXPECT_EQ(a.slot, slot_kind::general);
  EXPECT_EQ(a.evicted, connection_id{2});
  EXPECT_EQ(slots.admit(5).evicted, connection_id{3});
  EXPECT_EQ(slots.admit(6).evicted, connection_id{1});
  EXPECT_EQ(slots.admit(7).evicted, connection_id{4});  // newcomers queue behind the older idle
  EXPECT_EQ(slots.held(slot_kind::general), 3u);
}

TEST(ConnectionSlots, ABusyConnectionIsNeverEvicted) {
  connection_slots slots({2, 0});
  expect_free_slot(slots, 1, slot_kind::general);
  expect_free_slot(slots, 2, slot_kind::general);
  ASSERT_TRUE(slots.mark_busy(1));  // its request is being read or handled
  EXPECT_EQ(slots.admit(3).evicted, connection_id{2});
  ASSERT_TRUE(slots.mark_busy(3));
  const auto a = slots.admit(4);
  EXPECT_EQ(a.result, outcome::refused);
  EXPECT_FALSE(a.evicted);
  // Its response written, 1 waits for its next request and can make room again.
  slots.mark_idle(1);
  EXPECT_EQ(slots.admit(5).evicted, connection_id{1});
}

TEST(ConnectionSlots, AnEvictedConnectionCannotStartARequestAndItsReleaseFreesNothing) {
  connection_slots slots({1, 0});
  expect_free_slot(slots, 1, slot_kind::general);
  EXPECT_EQ(slots.admit(2).evicted, connection_id{1});
  // 1's first bytes were on their way as it was chosen: the caller closes it instead of reading.
  EXPECT_FALSE(slots.mark_busy(1));
  slots.release(1);
  EXPECT_EQ(slots.held(slot_kind::general), 1u);
  EXPECT_EQ(slots.admit(3).evicted, connection_id{2});  // 2 still holds the slot
}

TEST(ConnectionSlots, TheReserveIsUsedOnlyWhenEveryGeneralSlotIsBusy) {
  connection_slots slots({2, 2});
  expect_free_slot(slots, 1, slot_kind::general);
  expect_free_slot(slots, 2, slot_kind::general);
  // An idle general connection is evicted before a reserve slot is used.
  EXPECT_EQ(slots.admit(3).evicted, connection_id{1});
  EXPECT_EQ(slots.held(slot_kind::reserve), 0u);
  ASSERT_TRUE(slots.mark_busy(2));
  ASSERT_TRUE(slots.mark_busy(3));
  expect_free_slot(slots, 4, slot_kind::reserve);
  expect_free_slot(slots, 5, slot_kind::reserve);
  // The reserve is full too: its connection idle longest makes room.
  const auto a = slots.admit(6);
  EXPECT_EQ(a.result, outcome::admitted);
  EXPECT_EQ(a.slot, slot_kind::reserve);
  EXPECT_EQ(a.evicted, connection_id{4});
  ASSERT_TRUE(slots.mark_busy(5));
  ASSERT_TRUE(slots.mark_busy(6));
  EXPECT_EQ(slots.admit(7).result, outcome::refused);
}

TEST(ConnectionSlots, AGeneralSlotFreedLaterGoesToTheNextNewcomer) {
  connection_slots slots({1, 1});
  expect_free_slot(slots, 1, slot_kind::general);
  ASSERT_TRUE(slots.mark_busy(1));
  expect_free_slot(slots, 2, slot_kind::reserve);
  slots.release(1);
  expect_free_slot(slots, 3, slot_kind::general);
  // 2 keeps its reserve slot: the kind of slot is fixed at admission.
  EXPECT_EQ(slots.held(slot_kind::reserve), 1u);
  ASSERT_TRUE(slots.mark_busy(3));
  EXPECT_EQ(slots.admit(4).evicted, connection_id{2});
}

TEST(ConnectionSlots, ReleasingIdleAndBusyConnectionsFreesTheirSlots) {
  connection_slots slots({2, 0});
  expect_free_slot(slots, 1, slot_kind::general);
  expect_free_slot(slots, 2, slot_kind::general);
  ASSERT_TRUE(slots.mark_busy(2));
  slots.release(1);  // idle: it leaves the idle order too
  slots.release(2);  // busy
  EXPECT_EQ(slots.held(slot_kind::general), 0u);
  EXPECT_EQ(slots.idle(slot_kind::general), 0u);
  expect_free_slot(slots, 3, slot_kind::general);
  expect_free_slot(slots, 4, slot_kind::general);
}

TEST(ConnectionSlots, WithoutAReserveABusyLimitRefuses) {
  connection_slots slots(split_connection_limit(1, 8));
  expect_free_slot(slots, 1, slot_kind::general);
  ASSERT_TRUE(slots.mark_busy(1));
  EXPECT_EQ(slots.admit(2).result, outcome::refused);
  slots.release(2);  // a refused connection is not held: nothing to free
  EXPECT_EQ(slots.held(slot_kind::general), 1u);
}

}  // namespace
}  // namespace index_optimizer::http
