// A small JSON reader for the SingleStepTests files: numbers (as int64),
// strings without escapes beyond the simple ones, arrays, objects, true,
// false and null. Enough for test vectors and metadata; not a general library.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace kiln::sst {

struct Json {
  enum class Kind { Null, Bool, Number, String, Array, Object } kind = Kind::Null;
  int64_t number = 0;
  bool boolean = false;
  std::string text;
  std::vector<Json> items;                 // Array
  std::map<std::string, Json> fields;      // Object

  const Json* get(const std::string& key) const {
    auto it = fields.find(key);
    return it == fields.end() ? nullptr : &it->second;
  }
  int64_t num(const std::string& key, int64_t fallback = 0) const {
    const Json* v = get(key);
    return v && v->kind == Kind::Number ? v->number : fallback;
  }
};

// Parses `text`; one clear message on malformed input.
Result<Json> parse_json(const std::string& text);

}  // namespace kiln::sst
