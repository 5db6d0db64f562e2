// gdbstub/: the remote protocol's framing and encodings, and the target
// description generated from a DebugDescription. Malformed input must come
// out as an event or a false, never as a crash.
#include <catch2/catch.hpp>

#include <string>

#include "gdbstub/packet.h"
#include "gdbstub/target_xml.h"

using namespace kiln;
using namespace kiln::gdbstub;
using Event = PacketReader::Event;

namespace {

std::vector<Event> feed(PacketReader& r, const std::string& bytes) {
  std::vector<Event> out;
  for (char c : bytes)
    if (Event e = r.feed(uint8_t(c)); e != Event::None) out.push_back(e);
  return out;
}

}  // namespace

TEST_CASE("frame adds the checksum and escapes special bytes", "[gdbstub]") {
  CHECK(frame("OK") == "$OK#9a");
  CHECK(frame("") == "$#00");
  // '#' (0x23) goes out as '}' 0x03; the checksum covers what is sent.
  CHECK(frame("a#b") == "$a}\x03" "b#43");
  std::string back;
  REQUIRE(unescape("a}\x03" "b}]", &back));
  CHECK(back == "a#b}");
  CHECK_FALSE(unescape("ab}", &back));  // ends inside an escape
}

TEST_CASE("PacketReader: packets, acks, interrupts, bad checksums", "[gdbstub]") {
  PacketReader r(64);
  CHECK(feed(r, "+") == std::vector{Event::Ack});
  CHECK(feed(r, "$OK#9a") == std::vector{Event::Packet});
  CHECK(r.payload() == "OK");
  CHECK(feed(r, "$OK#9A") == std::vector{Event::Packet});  // either case
  CHECK(feed(r, "$OK#00") == std::vector{Event::BadChecksum});
  CHECK(feed(r, "$OK#zz") == std::vector{Event::BadChecksum});
  CHECK(feed(r, "\x03") == std::vector{Event::Interrupt});
  CHECK(feed(r, "-") == std::vector{Event::Nack});
  CHECK(feed(r, "garbage") == std::vector<Event>{});  // noise between packets
  // 0x03 inside a packet is data (binary X packets), not an interrupt.
  std::string p = std::string("X0,1:") + '\x03';
  CHECK(feed(r, frame(p)) == std::vector{Event::Packet});
  CHECK(r.payload() == p);
}

TEST_CASE("PacketReader: an oversize packet is reported once and skipped", "[gdbstub]") {
  PacketReader r(8);
  CHECK(feed(r, "$" + std::string(20, 'A') + "#00") == std::vector{Event::Oversize});
  CHECK(r.idle());
  CHECK(feed(r, "$OK#9a") == std::vector{Event::Packet});
}

TEST_CASE("hex helpers reject what is not hex", "[gdbstub]") {
  uint64_t v;
  CHECK(parse_hex("ffffffff80000000", &v));
  CHECK(v == 0xffffffff80000000ull);
  CHECK_FALSE(parse_hex("", &v));
  CHECK_FALSE(parse_hex("12g", &v));
  CHECK_FALSE(parse_hex("10000000000000000", &v));  // 17 digits
  std::vector<uint8_t> b;
  CHECK(hex_to_bytes("00ff7A", &b));
  CHECK(b == std::vector<uint8_t>{0, 0xff, 0x7a});
  CHECK(bytes_to_hex(b.data(), b.size()) == "00ff7a");
  CHECK_FALSE(hex_to_bytes("abc", &b));
  CHECK_FALSE(hex_to_bytes("zz", &b));
  CHECK(text_to_hex("Hi\n") == "48690a");
}

TEST_CASE("target_xml lists each feature's registers with their numbers", "[gdbstub]") {
  cpu::DebugDescription d;
  d.architecture = "i386:x86-64";
  d.features = {{"org.gnu.gdb.i386.core", "<flags id=\"f\" size=\"4\"/>\n"}, {"org.kiln.x86.system", ""}};
  d.registers = {{"rax", 64, 0, 0, "int64", "general"}, {"gdtr_base", 64, 80, 1, "data_ptr", ""}};
  std::string x = target_xml(d);
  CHECK(x.find("<architecture>i386:x86-64</architecture>") != std::string::npos);
  CHECK(x.find("<feature name=\"org.gnu.gdb.i386.core\">\n<flags id=\"f\" size=\"4\"/>\n  <reg name=\"rax\" bitsize=\"64\" "
               "regnum=\"0\" type=\"int64\" group=\"general\"/>\n</feature>") != std::string::npos);
  CHECK(x.find("<feature name=\"org.kiln.x86.system\">\n  <reg name=\"gdtr_base\" bitsize=\"64\" regnum=\"80\" "
               "type=\"data_ptr\"/>\n</feature>") != std::string::npos);
}
