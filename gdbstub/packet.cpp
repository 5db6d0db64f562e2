#include "gdbstub/packet.h"

#include <cstdio>

namespace kiln::gdbstub {

PacketReader::Event PacketReader::feed(uint8_t c) {
  switch (state_) {
    case State::Idle:
      if (c == '$') {
        payload_.clear();
        sum_ = 0;
        state_ = State::Payload;
      } else if (c == '+') {
        return Event::Ack;
      } else if (c == '-') {
        return Event::Nack;
      } else if (c == 0x03) {
        return Event::Interrupt;
      }
      return Event::None;  // noise between packets is ignored
    case State::Payload:
      if (c == '#') {
        state_ = State::Check1;
        return Event::None;
      }
      if (payload_.size() >= max_) {
        state_ = State::Discard;  // skip to the end of it; the caller drops the client
        return Event::Oversize;
      }
      payload_.push_back(char(c));
      sum_ = uint8_t(sum_ + c);
      return Event::None;
    case State::Check1:
      check_hi_ = hex_digit(char(c));
      state_ = State::Check2;
      return Event::None;
    case State::Check2: {
      int lo = hex_digit(char(c));
      state_ = State::Idle;
      if (check_hi_ < 0 || lo < 0 || uint8_t(check_hi_ << 4 | lo) != sum_) return Event::BadChecksum;
      return Event::Packet;
    }
    case State::Discard:
      if (c == '#') state_ = State::Discard1;
      return Event::None;
    case State::Discard1:
      state_ = State::Discard2;
      return Event::None;
    case State::Discard2:
      state_ = State::Idle;
      return Event::None;
  }
  return Event::None;
}

std::string frame(std::string_view payload) {
  std::string out = "$";
  uint8_t sum = 0;
  for (char c : payload) {
    if (c == '#' || c == '$' || c == '}' || c == '*') {
      out.push_back('}');
      sum = uint8_t(sum + '}');
      c = char(c ^ 0x20);
    }
    out.push_back(c);
    sum = uint8_t(sum + uint8_t(c));
  }
  char tail[4];
  std::snprintf(tail, sizeof tail, "#%02x", sum);
  return out + tail;
}

bool unescape(std::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); i++) {
    if (in[i] != '}') {
      out->push_back(in[i]);
      continue;
    }
    if (++i == in.size()) return false;
    out->push_back(char(in[i] ^ 0x20));
  }
  return true;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool parse_hex(std::string_view s, uint64_t* v) {
  if (s.empty() || s.size() > 16) return false;
  uint64_t r = 0;
  for (char c : s) {
    int d = hex_digit(c);
    if (d < 0) return false;
    r = r << 4 | unsigned(d);
  }
  *v = r;
  return true;
}

bool hex_to_bytes(std::string_view s, std::vector<uint8_t>* out) {
  if (s.size() % 2) return false;
  out->clear();
  for (size_t i = 0; i < s.size(); i += 2) {
    int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(uint8_t(hi << 4 | lo));
  }
  return true;
}

std::string bytes_to_hex(const uint8_t* p, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; i++) {
    out.push_back(kDigits[p[i] >> 4]);
    out.push_back(kDigits[p[i] & 15]);
  }
  return out;
}

std::string text_to_hex(std::string_view s) {
  return bytes_to_hex(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace kiln::gdbstub
