#include "common/parse.h"

namespace kiln {

std::optional<uint64_t> parse_u64(std::string_view s, int base) {
  if (base == 0) {
    base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
      base = 16;
      s.remove_prefix(2);
    }
  }
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    unsigned d;
    if (c >= '0' && c <= '9') d = unsigned(c - '0');
    else if (base == 16 && c >= 'a' && c <= 'f') d = unsigned(c - 'a' + 10);
    else if (base == 16 && c >= 'A' && c <= 'F') d = unsigned(c - 'A' + 10);
    else return std::nullopt;
    if (v > (UINT64_MAX - d) / unsigned(base)) return std::nullopt;
    v = v * unsigned(base) + d;
  }
  return v;
}

std::optional<bool> parse_bool(std::string_view s) {
  if (s == "on" || s == "yes" || s == "true" || s == "y") return true;
  if (s == "off" || s == "no" || s == "false" || s == "n") return false;
  return std::nullopt;
}

std::vector<OptionPart> split_options(std::string_view s) {
  std::vector<OptionPart> parts;
  OptionPart cur;
  std::string* field = &cur.key;
  for (size_t i = 0; i <= s.size(); i++) {
    if (i == s.size() || s[i] == ',') {
      if (i + 1 < s.size() && s[i + 1] == ',' && cur.has_value) {  // ",," inside a value is a comma
        cur.value += ',';
        i++;
        continue;
      }
      parts.push_back(std::move(cur));
      cur = OptionPart{};
      field = &cur.key;
    } else if (s[i] == '=' && !cur.has_value) {
      cur.has_value = true;
      field = &cur.value;
    } else {
      *field += s[i];
    }
  }
  return parts;
}

}  // namespace kiln
