// The standard VGA (devices/pc/vga.h, devices/pci/std_vga.h): the text
// screen as the dump reads it after a mode-3 style set-up, the DISPI enable
// clearing at most the video memory, and the PCI function's BARs: the
// framebuffer as a RAM window onto video memory, the MMIO block's DISPI
// registers, and the expansion ROM.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "devices/pc/vga.h"
#include "devices/pci/bus.h"
#include "devices/pci/std_vga.h"
#include "mem/physmap.h"
#include "mem/port_space.h"

using namespace kiln;

namespace {
void reg(devices::Vga& v, uint32_t index_port, uint8_t index, uint8_t value) {
  v.write_port(index_port, index);
  v.write_port(index_port + 1, value);
}

// Mode 3's CRTC geometry and memory settings, as a VGA BIOS sets them.
void text_mode(devices::Vga& v) {
  v.write_port(0x3c2, 0x67);
  reg(v, 0x3d4, 0x01, 79);    // 80 columns
  reg(v, 0x3d4, 0x07, 0x1f);  // vertical display end bit 8
  reg(v, 0x3d4, 0x12, 0x8f);  // 400 lines
  reg(v, 0x3d4, 0x09, 0x4f);  // 16-line characters
  reg(v, 0x3d4, 0x13, 40);
  reg(v, 0x3c4, 0x02, 0x03);
  reg(v, 0x3c4, 0x04, 0x02);
  reg(v, 0x3ce, 0x05, 0x10);
  reg(v, 0x3ce, 0x06, 0x0e);
}

void put_text(devices::Vga& v, unsigned row, unsigned col, const char* s) {
  for (unsigned i = 0; s[i]; i++) {
    const uint32_t at = 0x18000 + (row * 80 + col + i) * 2;  // 0xB8000 in the window
    v.write_window(at, uint8_t(s[i]));
    v.write_window(at + 1, 0x07);
  }
}
}  // namespace

TEST_CASE("VGA: the text screen from video memory and the CRTC", "[vga]") {
  devices::Vga v;
  text_mode(v);
  put_text(v, 0, 0, "SeaBIOS");
  put_text(v, 24, 75, "end\x01");
  const std::string screen = v.text_screen();
  CHECK(screen.rfind("SeaBIOS\n", 0) == 0);
  CHECK(std::count(screen.begin(), screen.end(), '\n') == 25);
  const std::string last = "\n" + std::string(75, ' ') + "end\n";  // the control byte as a blank, trailing blanks dropped
  CHECK((screen.size() > last.size() && screen.substr(screen.size() - last.size()) == last));
  reg(v, 0x3d4, 0x0c, 0);  // the start address moves the screen by cells
  reg(v, 0x3d4, 0x0d, 3);
  CHECK(v.text_screen().rfind("BIOS\n", 0) == 0);
  reg(v, 0x3ce, 0x06, 0x05);
  CHECK(v.text_screen() == "(VGA graphics mode)\n");
  v.reset();  // registers to power-on (mono, one empty row), memory kept
  CHECK(v.read_port(0x3cc) == 0);
  CHECK(v.text_screen() == "S\n");
}

TEST_CASE("VGA: DISPI enable clears the mode's memory, never past video memory", "[vga]") {
  devices::Vga v;
  v.vram()[0] = 0x11;
  v.vram()[devices::Vga::kVramBytes - 1] = 0x22;
  auto dispi = [&](uint16_t index, uint16_t value) {
    v.write_dispi(0, index);
    v.write_dispi(1, value);
  };
  dispi(devices::Vga::kXres, 16000);
  dispi(devices::Vga::kYres, 12000);
  dispi(devices::Vga::kBpp, 32);
  dispi(devices::Vga::kEnable, devices::Vga::kEnabled | devices::Vga::kLfbEnabled);
  CHECK(v.vram()[0] == 0);
  CHECK(v.vram()[devices::Vga::kVramBytes - 1] == 0);
  CHECK(v.text_screen() == "(VBE graphics mode 16000x12000x32)\n");
  dispi(devices::Vga::kXres, 640);  // ignored while enabled
  v.write_dispi(0, devices::Vga::kXres);
  CHECK(v.read_dispi(1) == 16000);
  dispi(devices::Vga::kEnable, 0);
  dispi(devices::Vga::kXres, 641);  // not a multiple of 8: ignored
  v.write_dispi(0, devices::Vga::kXres);
  CHECK(v.read_dispi(1) == 16000);
}

TEST_CASE("std VGA PCI function: framebuffer BAR, MMIO DISPI block, ROM", "[vga][pci]") {
  mem::PhysMap memory;
  mem::PortSpace io;
  devices::pci::Bus bus{{&memory, &io, nullptr}};
  devices::pci::StdVga vga(std::vector<uint8_t>{0x55, 0xaa, 0x08});
  REQUIRE(bus.add(&vga, devices::pci::devfn(2, 0)));
  const uint8_t fn = devices::pci::devfn(2, 0);
  CHECK(bus.config_read(fn, 0, 4) == 0x11111234);
  bus.config_write(fn, 0x10, 4, 0xffffffff);
  CHECK(bus.config_read(fn, 0x10, 4) == 0xff000008);  // 16 MiB, prefetchable
  bus.config_write(fn, 0x30, 4, 0xffffffff);
  CHECK(bus.config_read(fn, 0x30, 4) == 0xfffff001);  // 4 KiB ROM, enable bit
  bus.config_write(fn, 0x10, 4, 0xfd000000);
  bus.config_write(fn, 0x18, 4, 0xfebf0000);
  bus.config_write(fn, 0x30, 4, 0xfebe0001);
  bus.config_write(fn, 0x04, 2, 0x0002);  // memory decoding
  const uint32_t pixel = 0xdeadbeef;
  REQUIRE(memory.write(0xfd000100, &pixel, 4));  // a RAM window: plain stores reach video memory
  CHECK(vga.vga().vram()[0x100] == 0xef);
  uint8_t rom[3];
  REQUIRE(memory.read(0xfebe0000, rom, 3));
  CHECK((rom[0] == 0x55 && rom[1] == 0xaa && rom[2] == 0x08));
  const mem::Region* mmio = memory.find(0xfebf0500);
  REQUIRE(mmio);
  REQUIRE(mmio->device);
  CHECK(mmio->device->read(0x500 + 2 * devices::Vga::kVideoMemory64K, 2) == 0x100);
  mmio->device->write(0x500 + 2 * devices::Vga::kBpp, 2, 16);
  vga.vga().write_dispi(0, devices::Vga::kBpp);
  CHECK(vga.vga().read_dispi(1) == 16);
}
