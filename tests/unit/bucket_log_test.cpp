// The bucket log entry encoding (window_store/bucket_log.hpp): MessagePack as Redis' cmsgpack
// reads it. The integration tests read entries back through the Lua helpers.
#include <gtest/gtest.h>

#include <string>

#include "window_store/bucket_log.hpp"

namespace index_optimizer {
namespace {

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (const int v : values)
    out += static_cast<char>(v);
  return out;
}

std::string integer(std::int64_t value) {
  std::string out;
  append_msgpack_integer(out, value);
  return out;
}

TEST(BucketLog, IntegersTakeTheSmallestMessagePackForm) {
  EXPECT_EQ(integer(0), bytes({0x00}));
  EXPECT_EQ(integer(127), bytes({0x7f}));
  EXPECT_EQ(integer(128), bytes({0xcc, 0x80}));
  EXPECT_EQ(integer(255), bytes({0xcc, 0xff}));
  EXPECT_EQ(integer(256), bytes({0xcd, 0x01, 0x00}));
  EXPECT_EQ(integer(65536), bytes({0xce, 0x00, 0x01, 0x00, 0x00}));
  EXPECT_EQ(integer(1'700'000'000'000),
            bytes({0xcf, 0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00}));
  EXPECT_EQ(integer(-1), bytes({0xff}));
  EXPECT_EQ(integer(-32), bytes({0xe0}));
  EXPECT_EQ(integer(-33), bytes({0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xdf}));
}

TEST(BucketLog, StringsAndArraysCarryTheirLength) {
  std::string out;
  append_msgpack_string(out, "ab");
  EXPECT_EQ(out, bytes({0xa2, 'a', 'b'}));
  out.clear();
  append_msgpack_string(out, std::string(32, 'x'));
  EXPECT_EQ(out.substr(0, 2), bytes({0xd9, 32}));
  EXPECT_EQ(out.size(), 34u);
  out.clear();
  append_msgpack_string(out, std::string(256, 'x'));
  EXPECT_EQ(out.substr(0, 3), bytes({0xda, 0x01, 0x00}));
  out.clear();
  append_msgpack_array_header(out, 15);
  append_msgpack_array_header(out, 16);
  append_msgpack_array_header(out, 70000);
  EXPECT_EQ(out, bytes({0x9f, 0xdc, 0x00, 0x10, 0xdd, 0x00, 0x01, 0x11, 0x70}));
}

TEST(BucketLog, AnEntryListsEventsThenEachPathWithItsTrimmedRecord) {
  log_record record{};
  record[k_log_slot_count] = 3;
  record[k_log_slot_first_seen] = 10;
  record[k_log_slot_last_seen] = 20;
  record[k_log_slot_type_votes + 0] = 2;  // keyword
  log_record bare{};
  bare[k_log_slot_count] = 1;

  bucket_log_writer writer(4, 2);
  writer.add("f", record);
  writer.add("g", bare);
  const std::string entry = writer.take();
  // [4, "f", [3, 10, 20, 0, 0, 2], "g", [1, 0, 0]]: trailing zeros are left out, but count and
  // first/last seen are always there.
  EXPECT_EQ(entry, bytes({0x95, 0x04, 0xa1, 'f', 0x96, 0x03, 0x0a, 0x14, 0x00, 0x00, 0x02, 0xa1,
                          'g', 0x93, 0x01, 0x00, 0x00}));
}

TEST(BucketLog, RecordSlotsCoverEveryWindowQuantityOnce) {
  EXPECT_EQ(k_log_slot_kind_counts, k_log_slot_type_votes + 8);
  EXPECT_EQ(k_log_slot_latency_histogram, k_log_slot_kind_counts + 12);
  EXPECT_EQ(k_log_record_slots, 56u);
}

TEST(BucketLogReader, ReadsBackWhatTheWriterWrote) {
  log_record record{};
  record[k_log_slot_count] = 300;
  record[k_log_slot_first_seen] = 1'700'000'000'000;
  record[k_log_slot_last_seen] = 1'700'000'000'500;
  record[k_log_slot_latency_histogram + 30] = 7;
  bucket_log_writer writer(70000, 2);
  writer.add(std::string(40, 'p'), record);
  writer.add("q", record);
  const std::string entry = writer.take();

  bucket_log_reader reader(entry);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader.events(), 70000u);
  std::string_view path;
  log_record read{};
  ASSERT_TRUE(reader.next(path, read));
  EXPECT_EQ(path, std::string(40, 'p'));
  EXPECT_EQ(read, record);
  ASSERT_TRUE(reader.next(path, read));
  EXPECT_EQ(path, "q");
  EXPECT_EQ(read, record);
  EXPECT_FALSE(reader.next(path, read));
  EXPECT_TRUE(reader.ok());
}

// Redis' cmsgpack writes a sum it packed itself (a side sum with fields moved to the overflow
// entry) with its own choices: whole numbers as doubles past 2^32, strings as bin, 16-bit arrays.
TEST(BucketLogReader, ReadsTheFormsRedisCmsgpackWrites) {
  const std::string entry =
      bytes({0xdc, 0x00, 0x03,                                  // array 16
             0xcb, 0x40, 0x59, 0x00, 0,    0,    0, 0, 0,       // 100.0
             0xc4, 0x02, 'a',  'b',                             // bin 8
             0x93, 0xd0, 0x05, 0xca, 0x41, 0x20, 0, 0, 0xff});  // 5, 10.0f, -1
  bucket_log_reader reader(entry);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader.events(), 100u);
  std::string_view path;
  log_record read{};
  ASSERT_TRUE(reader.next(path, read));
  EXPECT_EQ(path, "ab");
  EXPECT_EQ(read[0], 5);
  EXPECT_EQ(read[1], 10);
  EXPECT_EQ(read[2], -1);
  EXPECT_EQ(read[3], 0) << "slots past the record's length read as zero";
}

TEST(BucketLogReader, RejectsWhatIsNotALogEntry) {
  std::string_view path;
  log_record read{};
  for (const std::string& bad :
       {bytes({}), bytes({0x92, 0x01, 0xa1}), bytes({0xa1, 'x'}), bytes({0x93, 0x01, 0xa1, 'x'}),
        bytes({0x93, 0x01, 0xa1, 'x', 0x92, 0x01}), bytes({0x93, 0x01, 0xa5, 'x', 0x91, 0x01}),
        bytes({0x91, 0xcb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0})}) {  // events: infinity
    bucket_log_reader reader(bad);
    EXPECT_FALSE(reader.next(path, read));
    EXPECT_FALSE(reader.ok()) << ::testing::PrintToString(bad);
  }
}

}  // namespace
}  // namespace index_optimizer
