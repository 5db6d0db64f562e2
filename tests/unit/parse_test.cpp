// common/parse.h: the strict number, boolean and option-list parsing every
// value from outside goes through.
#include <catch2/catch.hpp>

#include "common/parse.h"

using namespace kiln;

TEST_CASE("parse_u64 takes digits only and never wraps", "[parse]") {
  CHECK(parse_u64("0") == 0u);
  CHECK(parse_u64("42") == 42u);
  CHECK(parse_u64("18446744073709551615") == UINT64_MAX);
  CHECK(parse_u64("0x1F", 0) == 31u);
  CHECK(parse_u64("017", 0) == 17u);  // base 0 means decimal or 0x, never octal
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "1x", "0x", "18446744073709551616", "99999999999999999999",
                          "-18446744073709551615"}) {
    INFO(bad);
    CHECK_FALSE(parse_u64(bad).has_value());
  }
  CHECK_FALSE(parse_u64("0x10").has_value());  // base 10 takes no prefix
  CHECK_FALSE(parse_u64("0x10000000000000000", 0).has_value());
}

TEST_CASE("parse_bool takes QEMU's spellings", "[parse]") {
  for (const char* t : {"on", "yes", "true", "y"}) CHECK(parse_bool(t) == true);
  for (const char* f : {"off", "no", "false", "n"}) CHECK(parse_bool(f) == false);
  for (const char* bad : {"", "1", "0", "ON", "enable"}) CHECK_FALSE(parse_bool(bad).has_value());
}

TEST_CASE("split_options", "[parse]") {
  std::vector<OptionPart> p = split_options("virt,accel=tcg,snapshot,path=a,,b,x=");
  REQUIRE(p.size() == 5);
  CHECK((p[0].key == "virt" && !p[0].has_value));
  CHECK((p[1].key == "accel" && p[1].value == "tcg" && p[1].has_value));
  CHECK((p[2].key == "snapshot" && !p[2].has_value));
  CHECK((p[3].key == "path" && p[3].value == "a,b"));  // ",," is an escaped comma
  CHECK((p[4].key == "x" && p[4].has_value && p[4].value.empty()));
  CHECK(split_options("").size() == 1);
  CHECK(split_options("a=b=c")[0].value == "b=c");
}
