// The GDB remote serial protocol's framing: "$payload#cc" with a modulo-256
// checksum, '}' escapes (byte ^ 0x20) for '#', '$', '}' and '*', the '+'/'-'
// acknowledgements and the bare 0x03 interrupt byte; and the hex encodings
// the packets use. Nothing here trusts its input: a packet that does not
// parse is an event, never a crash.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::gdbstub {

// Splits a byte stream into protocol events, one byte at a time.
class PacketReader {
 public:
  enum class Event { None, Packet, BadChecksum, Interrupt, Ack, Nack, Oversize };
  explicit PacketReader(size_t max_payload) : max_(max_payload) {}
  Event feed(uint8_t byte);
  // The payload of the last Packet event, still escaped (binary packets unescape it themselves).
  const std::string& payload() const { return payload_; }
  bool idle() const { return state_ == State::Idle; }

 private:
  enum class State { Idle, Payload, Check1, Check2, Discard, Discard1, Discard2 };
  size_t max_;
  State state_ = State::Idle;
  std::string payload_;
  uint8_t sum_ = 0;
  int check_hi_ = 0;
};

// "$" + escaped payload + "#" + checksum.
std::string frame(std::string_view payload);
// Undoes '}' escapes; false if the data ends in the middle of one.
bool unescape(std::string_view in, std::string* out);

int hex_digit(char c);  // -1 if not a hex digit
// A whole field of 1 to 16 hex digits.
bool parse_hex(std::string_view s, uint64_t* v);
// Bytes from an even-length string of hex digits.
bool hex_to_bytes(std::string_view s, std::vector<uint8_t>* out);
std::string bytes_to_hex(const uint8_t* p, size_t n);
std::string text_to_hex(std::string_view s);

}  // namespace kiln::gdbstub
