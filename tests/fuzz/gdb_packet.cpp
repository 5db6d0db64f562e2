// Fuzz target: the GDB remote protocol's framing and encodings
// (gdbstub/packet.h) and the -gdb endpoint spelling (gdbstub/transport.h).
// The input is a raw byte stream from a client. Beyond "no crash" it checks
// the round trips the stub relies on: every payload framed by frame() comes
// back from a PacketReader as one packet that unescapes to the same bytes,
// and hex decoding then encoding gives back the (lowercased) digits.
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "gdbstub/packet.h"
#include "gdbstub/transport.h"

using namespace kiln::gdbstub;
using Event = PacketReader::Event;

namespace {

[[noreturn]] void broken(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz: %s: '%s'\n", what, detail.c_str());
  std::abort();
}

// A payload as the stub would send it must arrive intact.
void check_round_trip(const std::string& payload) {
  PacketReader r(payload.size() * 2 + 1);
  std::vector<Event> events;
  for (char c : frame(payload))
    if (Event e = r.feed(uint8_t(c)); e != Event::None) events.push_back(e);
  std::string back;
  if (events.size() != 1 || events[0] != Event::Packet || !unescape(r.payload(), &back) || back != payload)
    broken("frame/PacketReader/unescape round trip failed", payload);
  if (!r.idle()) broken("reader not idle after a whole packet", payload);
}

void check_hex(const std::string& s) {
  std::vector<uint8_t> bytes;
  if (!hex_to_bytes(s, &bytes)) return;
  std::string lower;
  for (char c : s) lower.push_back(char(std::tolower(uint8_t(c))));
  if (bytes_to_hex(bytes.data(), bytes.size()) != lower) broken("hex round trip failed", s);
  uint64_t v;
  if (parse_hex(s, &v) != (!s.empty() && s.size() <= 16)) broken("parse_hex disagrees with hex_to_bytes", s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  PacketReader reader(256);
  for (uint8_t c : input) {
    if (reader.feed(c) != Event::Packet) continue;
    std::string raw;
    if (unescape(reader.payload(), &raw)) check_round_trip(raw);
    check_hex(reader.payload().substr(reader.payload().find(',') + 1));
  }
  check_round_trip(input);
  check_hex(input);
  (void)parse_endpoint(input);
  return 0;
}
