// The VGA core of QEMU's standard VGA ("-vga std"; IBM VGA registers as the
// VGA Technical Reference and FreeVGA describe them) with the Bochs VBE
// extension (the DISPI interface of Bochs and QEMU): the registers, 16 MiB
// of video memory and the legacy memory window, as far as a VGA BIOS
// (SeaVGABIOS) needs them for the text modes, mode 13h and the VBE modes.
// The PCI function that carries it is devices/pci/std_vga.h.
//
// Ports 0x3B0-0x3DF: the attribute controller (0x3C0 index/data flip-flop,
// reset by reading input status 1; 0x3C1 reads), misc output (write 0x3C2,
// read 0x3CC), input status 0 (0x3C2) and 1 (0x3DA or 0x3BA: its display
// enable and vertical retrace bits toggle on every read, so polling loops
// end), the sequencer (0x3C4/5), the DAC (pel mask 0x3C6, read index 0x3C7,
// write index 0x3C8, data 0x3C9 as red, green, blue), the graphics
// controller (0x3CE/F) and the CRTC (0x3D4/5 in colour mode, 0x3B4/5 in
// mono mode, as misc output bit 0 says; the other pair is ignored). Byte
// accesses; a word is split by the port bus (index, then data).
//
// Video memory holds the four planes interleaved: byte 4a + p is plane p's
// byte a (QEMU's layout), so chain-4 (mode 13h) is linear and a text cell
// at address a has its character at 4a and its attribute at 4a + 1. The
// window at 0xA0000-0xBFFFF decodes as graphics register 6 selects (128 KiB
// at 0xA0000, 64 KiB at 0xA0000, 32 KiB at 0xB0000 or 0xB8000); the
// sequencer's chain-4 bit, the graphics controller's odd/even bit and
// otherwise the planar read modes 0-1 and write modes 0-3 (latches, rotate,
// set/reset, logical function, bit mask, map mask) decide which bytes an
// access touches. With VBE enabled, the 64 KiB window at 0xA0000 shows the
// bank VBE's BANK register selects.
//
// DISPI: index at port 0x1CE, data at 0x1CF (16-bit). ID (0xB0C0-0xB0C5),
// XRES, YRES, BPP, ENABLE (ENABLED, GETCAPS: XRES/YRES/BPP read their
// maxima, 8BIT_DAC, LFB_ENABLED, NOCLEARMEM), BANK, VIRT_WIDTH/HEIGHT,
// X/Y_OFFSET and VIDEO_MEMORY_64K. Enabling clears the mode's memory unless
// NOCLEARMEM, and switches the VGA side to graphics (the framebuffer itself
// is the PCI BAR 0, a RAM window onto video memory).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "mem/port_space.h"

namespace kiln::devices {

class Vga {
 public:
  static constexpr uint32_t kPortBase = 0x3b0, kPorts = 0x30;
  static constexpr uint32_t kDispiBase = 0x1ce, kDispiPorts = 3;  // index, data (a word at 0x1CF reaches 0x1D0)
  static constexpr uint64_t kWindowBase = 0xa0000, kWindowBytes = 0x20000;
  static constexpr uint64_t kVramBytes = 16ull << 20;
  // DISPI registers and values (Bochs's vbe.h names).
  enum Dispi : uint16_t {
    kId = 0, kXres, kYres, kBpp, kEnable, kBank, kVirtWidth, kVirtHeight, kXOffset, kYOffset, kVideoMemory64K,
    kDispiRegs,
  };
  static constexpr uint16_t kIdFirst = 0xb0c0, kIdLatest = 0xb0c5;
  static constexpr uint16_t kEnabled = 0x01, kGetCaps = 0x02, k8BitDac = 0x20, kLfbEnabled = 0x40, kNoClearMem = 0x80;
  static constexpr uint16_t kMaxXres = 16000, kMaxYres = 12000, kMaxBpp = 32;

  Vga();

  mem::PortDevice& ports() { return ports_; }   // 0x3B0-0x3DF
  mem::PortDevice& dispi() { return dispi_; }   // 0x1CE-0x1D0
  mem::MmioDevice& window() { return window_; } // 0xA0000-0xBFFFF
  uint8_t* vram() { return vram_.data(); }
  // A system reset: every register to its power-on value (VBE off); video memory is kept.
  void reset();

  // The screen as text: in a text mode, its rows (characters as bytes, CP437
  // left as is except that control bytes and NUL become spaces, trailing
  // blanks dropped), one line each; otherwise one line naming the mode.
  std::string text_screen() const;

  // Port and window accesses (the adapters above call these).
  uint8_t read_port(uint32_t port);
  void write_port(uint32_t port, uint8_t value);
  uint8_t read_window(uint32_t offset);
  void write_window(uint32_t offset, uint8_t value);
  uint16_t read_dispi(unsigned offset);
  void write_dispi(unsigned offset, uint16_t value);

 private:
  // Where a window offset lands in plane-address terms, or -1 if outside the mapped part.
  int64_t window_address(uint32_t offset) const;
  bool mono() const { return !(misc_ & 1); }
  void write_dispi_data(uint16_t value);
  void enable_vbe(uint16_t value);

  struct Ports final : mem::PortDevice {
    explicit Ports(Vga& v) : vga(v) {}
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 1}; }
    uint64_t read(uint64_t offset, unsigned) override { return vga.read_port(kPortBase + uint32_t(offset)); }
    void write(uint64_t offset, unsigned, uint64_t value) override { vga.write_port(kPortBase + uint32_t(offset), uint8_t(value)); }
    Vga& vga;
  };
  struct DispiPorts final : mem::PortDevice {
    explicit DispiPorts(Vga& v) : vga(v) {}
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 2, .unaligned = true}; }
    uint64_t read(uint64_t offset, unsigned) override { return vga.read_dispi(unsigned(offset)); }
    void write(uint64_t offset, unsigned, uint64_t value) override { vga.write_dispi(unsigned(offset), uint16_t(value)); }
    Vga& vga;
  };
  struct Window final : mem::MmioDevice {
    explicit Window(Vga& v) : vga(v) {}
    mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 8, .unaligned = true}; }
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;
    Vga& vga;
  };

  Ports ports_{*this};
  DispiPorts dispi_{*this};
  Window window_{*this};
  std::vector<uint8_t> vram_;

  uint8_t misc_ = 0, feature_ = 0;
  uint8_t status1_ = 0;  // input status 1: the toggling retrace bits
  uint8_t attr_index_ = 0;
  bool attr_data_next_ = false;  // the 0x3C0 flip-flop
  uint8_t seq_index_ = 0, gfx_index_ = 0, crtc_index_ = 0;
  std::array<uint8_t, 0x15> attr_{};
  std::array<uint8_t, 8> seq_{};
  std::array<uint8_t, 16> gfx_{};
  std::array<uint8_t, 0x19> crtc_{};
  uint32_t latch_ = 0;  // the four planes' bytes from the last planar read
  uint8_t pel_mask_ = 0xff, dac_read_index_ = 0, dac_write_index_ = 0, dac_component_ = 0;
  bool dac_reading_ = false;  // 0x3C7 reads 3 after a read index was set, 0 after a write index
  std::array<uint8_t, 3> dac_latch_{};
  std::array<uint8_t, 256 * 3> palette_{};

  uint16_t dispi_index_ = 0;
  std::array<uint16_t, kDispiRegs> dispi_regs_{};
};

}  // namespace kiln::devices
