// Strict parsing of numbers and QEMU-style option lists from the command line,
// device configuration and debugger input. strtoul() accepts a sign, leading
// spaces and wraps "-1" to 2^64-1; a user's typo must be an error instead, so
// every number from outside goes through parse_u64.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kiln {

// Digits only (base 10; base 0 also takes a 0x prefix for hexadecimal), no sign,
// no spaces, no overflow. nullopt for anything else, the empty string included.
std::optional<uint64_t> parse_u64(std::string_view s, int base = 10);

// QEMU's boolean option values: on|yes|true|y -> true, off|no|false|n -> false.
std::optional<bool> parse_bool(std::string_view s);

// "name,k1=v1,k2,k3=v3": the comma-separated parts of a QEMU option value, each
// split at its first '='. A bare key has has_value false ("snapshot" means on).
// ",," is QEMU's escaped comma inside a value.
struct OptionPart {
  std::string key, value;
  bool has_value = false;
};
std::vector<OptionPart> split_options(std::string_view s);

}  // namespace kiln
