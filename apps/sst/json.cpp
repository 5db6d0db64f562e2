// The JSON reader (apps/sst/json.h): recursive descent over the text.
#include "apps/sst/json.h"

#include <cctype>

namespace kiln::sst {

namespace {
class Parser {
 public:
  explicit Parser(const std::string& t) : t_(t) {}
  bool value(Json& out, int depth) {
    if (depth > 64) return fail("nesting too deep");
    skip();
    if (p_ >= t_.size()) return fail("unexpected end");
    char c = t_[p_];
    if (c == '{') return object(out, depth);
    if (c == '[') return array(out, depth);
    if (c == '"') {
      out.kind = Json::Kind::String;
      return string(out.text);
    }
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) return number(out);
    if (word("true")) { out.kind = Json::Kind::Bool; out.boolean = true; return true; }
    if (word("false")) { out.kind = Json::Kind::Bool; return true; }
    if (word("null")) return true;
    return fail("unexpected character");
  }
  bool at_end() {
    skip();
    return p_ == t_.size();
  }
  std::string error;
  size_t pos() const { return p_; }

 private:
  bool fail(const char* what) {
    if (error.empty()) error = what;
    return false;
  }
  void skip() {
    while (p_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[p_]))) p_++;
  }
  bool word(const char* w) {
    size_t n = std::char_traits<char>::length(w);
    if (t_.compare(p_, n, w) != 0) return false;
    p_ += n;
    return true;
  }
  bool number(Json& out) {
    out.kind = Json::Kind::Number;
    bool neg = t_[p_] == '-';
    if (neg) p_++;
    if (p_ >= t_.size() || !std::isdigit(static_cast<unsigned char>(t_[p_]))) return fail("bad number");
    int64_t v = 0;
    while (p_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[p_]))) {
      if (v > (INT64_MAX - 9) / 10) return fail("number too large");
      v = v * 10 + (t_[p_++] - '0');
    }
    if (p_ < t_.size() && (t_[p_] == '.' || t_[p_] == 'e' || t_[p_] == 'E')) return fail("only integers are expected");
    out.number = neg ? -v : v;
    return true;
  }
  bool string(std::string& out) {
    p_++;  // opening quote
    while (p_ < t_.size() && t_[p_] != '"') {
      char c = t_[p_++];
      if (c == '\\') {
        if (p_ >= t_.size()) break;
        char e = t_[p_++];
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'u': if (p_ + 4 > t_.size()) return fail("bad escape"); p_ += 4; out += '?'; break;
          default: out += e; break;
        }
      } else {
        out += c;
      }
    }
    if (p_ >= t_.size()) return fail("unterminated string");
    p_++;
    return true;
  }
  bool array(Json& out, int depth) {
    out.kind = Json::Kind::Array;
    p_++;
    skip();
    if (p_ < t_.size() && t_[p_] == ']') { p_++; return true; }
    for (;;) {
      out.items.emplace_back();
      if (!value(out.items.back(), depth + 1)) return false;
      skip();
      if (p_ < t_.size() && t_[p_] == ',') { p_++; continue; }
      if (p_ < t_.size() && t_[p_] == ']') { p_++; return true; }
      return fail("expected ',' or ']'");
    }
  }
  bool object(Json& out, int depth) {
    out.kind = Json::Kind::Object;
    p_++;
    skip();
    if (p_ < t_.size() && t_[p_] == '}') { p_++; return true; }
    for (;;) {
      skip();
      if (p_ >= t_.size() || t_[p_] != '"') return fail("expected a key");
      std::string key;
      if (!string(key)) return false;
      skip();
      if (p_ >= t_.size() || t_[p_] != ':') return fail("expected ':'");
      p_++;
      if (!value(out.fields[key], depth + 1)) return false;
      skip();
      if (p_ < t_.size() && t_[p_] == ',') { p_++; continue; }
      if (p_ < t_.size() && t_[p_] == '}') { p_++; return true; }
      return fail("expected ',' or '}'");
    }
  }
  const std::string& t_;
  size_t p_ = 0;
};
}  // namespace

Result<Json> parse_json(const std::string& text) {
  Parser p(text);
  Json out;
  if (!p.value(out, 0) || !p.at_end())
    return make_error("bad JSON at byte " + std::to_string(p.pos()) + ": " + (p.error.empty() ? "trailing data" : p.error));
  return out;
}

}  // namespace kiln::sst
