#include "namespace_api/namespace_listing.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace index_optimizer {
namespace {

namespace_model ns(std::string id, std::string name, std::optional<std::string> description = {},
                   int created = 0) {
  namespace_model m;
  m.namespace_id = std::move(id);
  m.namespace_name = std::move(name);
  m.description = std::move(description);
  m.created_at = std::chrono::system_clock::time_point(std::chrono::seconds(created));
  m.updated_at = m.created_at;
  return m;
}

std::vector<std::string> names(const std::vector<namespace_model>& list) {
  std::vector<std::string> out;
  for (const auto& m : list)
    out.push_back(m.namespace_name);
  return out;
}

std::vector<namespace_filter> filters(std::string_view json) {
  auto parsed = parse_namespace_filters(boost::json::parse(json).as_object(), false);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.errors().front().message);
  return parsed.ok() ? parsed.value() : std::vector<namespace_filter>{};
}

std::vector<validation_error> filter_errors(std::string_view json) {
  auto parsed = parse_namespace_filters(boost::json::parse(json).as_object(), false);
  EXPECT_FALSE(parsed.ok());
  return parsed.ok() ? std::vector<validation_error>{} : parsed.errors();
}

TEST(NamespaceListing, PageDefaultsAndBounds) {
  auto page = parse_list_page({});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page.value(), (list_page{10, 0, false}));
  page = parse_list_page({{"limit", "1000"}, {"offset", " 20 "}, {"include_total", "Yes"}});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page.value(), (list_page{1000, 20, true}));
  page = parse_list_page({{"offset", "3"}, {"cursor", encode_list_cursor(40)}});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page.value().offset, 40);  // the cursor wins over offset
}

TEST(NamespaceListing, PageErrorsUsePydanticTypesAtQueryLocations) {
  const auto page = parse_list_page(
      {{"limit", "1001"}, {"offset", "x"}, {"cursor", "bogus"}, {"include_total", "maybe"}});
  ASSERT_FALSE(page.ok());
  const auto& e = page.errors();
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0], (validation_error{"less_than_equal",
                                    {std::string("query"), std::string("limit")},
                                    "Input should be less than or equal to 1000"}));
  EXPECT_EQ(e[1].type, "int_parsing");
  EXPECT_EQ(e[2].location, (error_location{std::string("query"), std::string("cursor")}));
  EXPECT_EQ(e[3].type, "bool_parsing");
  EXPECT_EQ(parse_list_page({{"offset", "-1"}}).errors().front().type, "greater_than_equal");
}

TEST(NamespaceListing, CursorsRoundTripAndForeignOnesAreRejected) {
  EXPECT_EQ(decode_list_cursor(encode_list_cursor(0)), 0);
  EXPECT_EQ(decode_list_cursor(encode_list_cursor(1234)), 1234);
  for (const auto* bad : {"", "o", "o-1", "12", "ox", "o1x"})
    EXPECT_FALSE(decode_list_cursor(bad).has_value()) << bad;
}

// Found by fuzz/query_params_fuzz.cpp: o9223372036854775807 with limit=1 overflowed the page
// number in select_namespaces.
TEST(NamespaceListing, CursorsBeyondAnyListInMemoryAreRejected) {
  EXPECT_EQ(decode_list_cursor(encode_list_cursor(k_max_list_cursor_offset)),
            k_max_list_cursor_offset);
  EXPECT_FALSE(decode_list_cursor(encode_list_cursor(k_max_list_cursor_offset + 1)));
  EXPECT_FALSE(decode_list_cursor("o9223372036854775807"));
  const auto page = parse_list_page({{"limit", "1"}, {"cursor", "o9223372036854775807"}});
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.errors().front().location,
            (error_location{std::string("query"), std::string("cursor")}));
}

TEST(NamespaceListing, SimplePatternsCoverAnchorsAndWildcards) {
  std::string why;
  const auto match = [&](std::string_view regex, std::string_view text, bool cs = true) {
    auto p = parse_simple_pattern(regex, why);
    EXPECT_TRUE(p.has_value()) << regex << ": " << why;
    return p && matches(*p, text, cs);
  };
  EXPECT_TRUE(match("^my_namespace", "my_namespace_prod"));
  EXPECT_FALSE(match("^my_namespace", "old_my_namespace"));
  EXPECT_TRUE(match("prod$", "my_prod"));
  EXPECT_FALSE(match("prod$", "prod_x"));
  EXPECT_TRUE(match("^a.*b.*c$", "axxbyyc"));
  EXPECT_FALSE(match("^a.*b.*c$", "axxcyyb"));
  EXPECT_TRUE(match("^ab$", "ab"));
  EXPECT_FALSE(match("^ab$", "abab"));
  EXPECT_FALSE(match("^ab.*ab$", "ab"));  // the two literals cannot overlap
  EXPECT_TRUE(match("mid", "in the middle"));
  EXPECT_TRUE(match("^v1\\.2", "v1.2.3"));
  EXPECT_FALSE(match("^v1\\.2", "v132"));
  EXPECT_TRUE(match("^MY", "my_ns", false));
  EXPECT_FALSE(match("^MY", "my_ns", true));
  EXPECT_TRUE(match("", "anything"));
  EXPECT_TRUE(match("^$", ""));

  for (const auto* unsupported : {"[a-c]", "a+", "a|b", "(a)", "a.b", "x?", "\\d", "tail\\"}) {
    EXPECT_FALSE(parse_simple_pattern(unsupported, why).has_value()) << unsupported;
    EXPECT_FALSE(why.empty());
  }
}

TEST(NamespaceListing, FiltersMatchValuesAndOperatorsIgnoringCaseByDefault) {
  const auto alpha = ns("ns_1", "Alpha", "first");
  const auto beta = ns("ns_2", "beta");
  const auto run = [&](std::string_view json, const namespace_model& m, bool cs = false) {
    auto parsed = parse_namespace_filters(boost::json::parse(json).as_object(), cs);
    EXPECT_TRUE(parsed.ok());
    for (const auto& f : parsed.value()) {
      if (!matches(m, f, cs)) return false;
    }
    return true;
  };
  EXPECT_TRUE(run(R"({"namespace_name": "alpha"})", alpha));
  EXPECT_FALSE(run(R"({"namespace_name": "alpha"})", alpha, true));
  EXPECT_TRUE(run(R"({"namespace_id": {"$in": ["ns_9", "ns_1"]}})", alpha));
  EXPECT_FALSE(run(R"({"namespace_id": {"$nin": ["ns_1"]}})", alpha));
  EXPECT_TRUE(run(R"({"namespace_name": {"$ne": "alpha"}})", beta));
  EXPECT_TRUE(run(R"({"description": null})", beta));
  EXPECT_FALSE(run(R"({"description": null})", alpha));
  EXPECT_TRUE(run(R"({"auto_create_indexes": false, "namespace_type": "standard"})", beta));
  EXPECT_TRUE(run(R"({"namespace_name": {"$regex": "^al"}})", alpha));
  EXPECT_FALSE(run(R"({"description": {"$regex": "x"}})", beta));  // null never matches a regex
}

TEST(NamespaceListing, BadFiltersAre422AtTheirLocation) {
  auto e = filter_errors(R"({"owner": "me"})");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].location,
            (error_location{std::string("body"), std::string("filters"), std::string("owner")}));
  e = filter_errors(R"({"namespace_name": {"$gt": "a"}})");
  EXPECT_EQ(e[0].location.back(), (std::variant<std::string, std::int64_t>(std::string("$gt"))));
  EXPECT_EQ(filter_errors(R"({"namespace_name": 3})").size(), 1u);
  EXPECT_EQ(filter_errors(R"({"auto_create_indexes": "yes"})").size(), 1u);
  EXPECT_EQ(filter_errors(R"({"namespace_id": {"$in": "ns_1"}})")[0].type, "list_type");
  EXPECT_EQ(filter_errors(R"({"namespace_id": {"$eq": "a", "$ne": "b"}})").size(), 1u);
  EXPECT_EQ(filter_errors(R"js({"namespace_id": {"$regex": "(x)"}})js").size(), 1u);
  EXPECT_EQ(filter_errors(R"({"auto_create_indexes": {"$regex": "t"}})").size(), 1u);
}

TEST(NamespaceListing, SelectionFiltersSearchesSortsAndPages) {
  std::vector<namespace_model> all{ns("ns_c", "charlie", "about C", 1), ns("ns_a", "alpha", {}, 2),
                                   ns("ns_b", "bravo", "about B", 3), ns("ns_d", "delta", {}, 4)};
  list_namespaces_request request;
  auto s = select_namespaces(all, request, {}, {2, 0, true});
  EXPECT_EQ(names(s.page), (std::vector<std::string>{"charlie", "alpha"}));  // input order
  EXPECT_EQ(s.total, 4);
  EXPECT_EQ(s.pagination.total, 4);
  EXPECT_EQ(s.pagination.total_pages, 2);
  EXPECT_EQ(s.pagination.page, 1);
  EXPECT_EQ(s.pagination.page_size, 2);
  EXPECT_EQ(s.pagination.next_cursor, encode_list_cursor(2));

  s = select_namespaces(all, request, {}, {2, 2, false});
  EXPECT_EQ(names(s.page), (std::vector<std::string>{"bravo", "delta"}));
  EXPECT_EQ(s.pagination.page, 2);
  EXPECT_FALSE(s.pagination.next_cursor.has_value());
  EXPECT_FALSE(s.pagination.total.has_value());

  s = select_namespaces(all, request, {}, {2, 9, false});
  EXPECT_TRUE(s.page.empty());

  request.sort = namespace_sort{"namespace_name", true};
  s = select_namespaces(all, request, {}, {10, 0, false});
  EXPECT_EQ(names(s.page), (std::vector<std::string>{"delta", "charlie", "bravo", "alpha"}));
  request.sort = namespace_sort{"description", false};
  s = select_namespaces(all, request, {}, {10, 0, false});
  EXPECT_EQ(names(s.page), (std::vector<std::string>{"alpha", "delta", "bravo", "charlie"}));

  request.sort.reset();
  request.search = "ABOUT";
  s = select_namespaces(all, request, {}, {10, 0, false});
  EXPECT_EQ(names(s.page), (std::vector<std::string>{"charlie", "bravo"}));
  s = select_namespaces(all, request, filters(R"({"namespace_id": {"$ne": "ns_c"}})"),
                        {10, 0, false});
  EXPECT_EQ(names(s.page), (std::vector<std::string>{"bravo"}));
  request.case_sensitive = true;
  s = select_namespaces(all, request, {}, {10, 0, false});
  EXPECT_TRUE(s.page.empty());
}

}  // namespace
}  // namespace index_optimizer
