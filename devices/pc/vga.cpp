#include "devices/pc/vga.h"

#include <algorithm>
#include <cstring>

namespace kiln::devices {

namespace {
// Register indices and bits used here (VGA Technical Reference names).
constexpr unsigned kSeqMapMask = 2, kSeqMemoryMode = 4;
constexpr uint8_t kSeqChain4 = 0x08;
constexpr unsigned kGfxSetReset = 0, kGfxEnableSetReset = 1, kGfxColorCompare = 2, kGfxRotate = 3, kGfxReadMap = 4,
                   kGfxMode = 5, kGfxMisc = 6, kGfxColorDontCare = 7, kGfxBitMask = 8;
constexpr uint8_t kGfxModeOddEven = 0x10, kGfxModeReadCompare = 0x08, kGfxMiscGraphics = 0x01;
constexpr unsigned kCrtcHDisplayEnd = 0x01, kCrtcOverflow = 0x07, kCrtcMaxScan = 0x09, kCrtcStartHigh = 0x0c,
                   kCrtcStartLow = 0x0d, kCrtcVRetraceEnd = 0x11, kCrtcVDisplayEnd = 0x12, kCrtcOffset = 0x13,
                   kCrtcMode = 0x17;
constexpr uint8_t kCrtcProtect = 0x80;
constexpr uint8_t kStatus1Toggle = 0x09;  // vertical retrace | display disabled
// The writable bits of each sequencer and graphics register (the rest read 0).
constexpr uint8_t kSeqMask[8] = {0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0x00, 0x00, 0xff};
constexpr uint8_t kGfxMask[16] = {0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff};

// A byte per plane: 0xFF in plane p's byte where bit p of `planes` is set.
uint32_t expand_planes(unsigned planes) {
  uint32_t out = 0;
  for (unsigned p = 0; p < 4; p++)
    if (planes & (1u << p)) out |= 0xffu << (8 * p);
  return out;
}
uint8_t rotate_right(uint8_t v, unsigned n) { return uint8_t((v >> n) | (v << ((8 - n) & 7))); }
}  // namespace

Vga::Vga() : vram_(kVramBytes) { reset(); }

void Vga::reset() {
  misc_ = feature_ = status1_ = attr_index_ = 0;
  attr_data_next_ = false;
  seq_index_ = gfx_index_ = crtc_index_ = 0;
  attr_.fill(0);
  seq_.fill(0);
  gfx_.fill(0);
  crtc_.fill(0);
  latch_ = 0;
  pel_mask_ = 0xff;
  dac_read_index_ = dac_write_index_ = dac_component_ = 0;
  dac_reading_ = false;
  palette_.fill(0);
  dispi_index_ = 0;
  dispi_regs_.fill(0);
  dispi_regs_[kId] = kIdFirst;
  dispi_regs_[kBpp] = 8;
  dispi_regs_[kVideoMemory64K] = uint16_t(kVramBytes >> 16);
}

// ---- Ports 0x3B0-0x3DF ----

uint8_t Vga::read_port(uint32_t port) {
  const bool mono_port = port >= 0x3b0 && port < 0x3c0, color_port = port >= 0x3d0;
  if ((mono_port && !mono()) || (color_port && mono())) return 0xff;
  switch (port) {
    case 0x3c0:
      return attr_index_;
    case 0x3c1:
      return (attr_index_ & 0x1f) < attr_.size() ? attr_[attr_index_ & 0x1f] : 0;
    case 0x3c2:
      return 0;  // input status 0: no switch sense, no CRT interrupt
    case 0x3c4:
      return seq_index_;
    case 0x3c5:
      return seq_[seq_index_];
    case 0x3c6:
      return pel_mask_;
    case 0x3c7:
      return dac_reading_ ? 3 : 0;
    case 0x3c8:
      return dac_write_index_;
    case 0x3c9: {
      const uint8_t v = palette_[dac_read_index_ * 3 + dac_component_];
      if (++dac_component_ == 3) {
        dac_component_ = 0;
        dac_read_index_++;
      }
      return v;
    }
    case 0x3ca:
      return feature_;
    case 0x3cc:
      return misc_;
    case 0x3ce:
      return gfx_index_;
    case 0x3cf:
      return gfx_[gfx_index_];
    case 0x3b4:
    case 0x3d4:
      return crtc_index_;
    case 0x3b5:
    case 0x3d5:
      return crtc_index_ < crtc_.size() ? crtc_[crtc_index_] : 0xff;
    case 0x3ba:
    case 0x3da:
      attr_data_next_ = false;
      status1_ ^= kStatus1Toggle;
      return status1_;
    default:
      return 0xff;
  }
}

void Vga::write_port(uint32_t port, uint8_t v) {
  const bool mono_port = port >= 0x3b0 && port < 0x3c0, color_port = port >= 0x3d0;
  if ((mono_port && !mono()) || (color_port && mono())) return;
  switch (port) {
    case 0x3c0:
      if (!attr_data_next_) {
        attr_index_ = v & 0x3f;
      } else if (unsigned i = attr_index_ & 0x1f; i < attr_.size()) {
        static constexpr uint8_t kAttrMask[5] = {0xef, 0xff, 0x3f, 0x0f, 0x0f};  // 0x10-0x14
        attr_[i] = i < 0x10 ? v & 0x3f : v & kAttrMask[i - 0x10];
      }
      attr_data_next_ = !attr_data_next_;
      break;
    case 0x3c2:
      misc_ = v;
      break;
    case 0x3c4:
      seq_index_ = v & 7;
      break;
    case 0x3c5:
      seq_[seq_index_] = v & kSeqMask[seq_index_];
      break;
    case 0x3c6:
      pel_mask_ = v;
      break;
    case 0x3c7:
      dac_read_index_ = v;
      dac_component_ = 0;
      dac_reading_ = true;
      break;
    case 0x3c8:
      dac_write_index_ = v;
      dac_component_ = 0;
      dac_reading_ = false;
      break;
    case 0x3c9:
      dac_latch_[dac_component_] = v;
      if (++dac_component_ == 3) {
        std::memcpy(&palette_[dac_write_index_ * 3], dac_latch_.data(), 3);
        dac_component_ = 0;
        dac_write_index_++;
      }
      break;
    case 0x3ce:
      gfx_index_ = v & 0x0f;
      break;
    case 0x3cf:
      gfx_[gfx_index_] = v & kGfxMask[gfx_index_];
      break;
    case 0x3b4:
    case 0x3d4:
      crtc_index_ = v;
      break;
    case 0x3b5:
    case 0x3d5:
      if (crtc_index_ >= crtc_.size()) break;
      // The protect bit locks registers 0-7, except the line compare bit 4 of the overflow register.
      if ((crtc_[kCrtcVRetraceEnd] & kCrtcProtect) && crtc_index_ <= kCrtcOverflow) {
        if (crtc_index_ == kCrtcOverflow) crtc_[kCrtcOverflow] = uint8_t((crtc_[kCrtcOverflow] & ~0x10) | (v & 0x10));
        break;
      }
      crtc_[crtc_index_] = v;
      break;
    case 0x3ba:
    case 0x3da:
      feature_ = v & 0x03;
      break;
    default:
      break;
  }
}

// ---- The window at 0xA0000 ----

int64_t Vga::window_address(uint32_t offset) const {
  int64_t a = offset;
  switch ((gfx_[kGfxMisc] >> 2) & 3) {
    case 0:
      break;
    case 1:
      if (a >= 0x10000) return -1;
      if (dispi_regs_[kEnable] & kEnabled) a += int64_t(dispi_regs_[kBank]) << 16;
      break;
    case 2:
      a -= 0x10000;
      if (a < 0 || a >= 0x8000) return -1;
      break;
    default:
      a -= 0x18000;
      if (a < 0 || a >= 0x8000) return -1;
      break;
  }
  return a;
}

uint8_t Vga::read_window(uint32_t offset) {
  const int64_t a = window_address(offset);
  if (a < 0) return 0xff;
  if (seq_[kSeqMemoryMode] & kSeqChain4) return uint64_t(a) < vram_.size() ? vram_[size_t(a)] : 0xff;
  if (gfx_[kGfxMode] & kGfxModeOddEven) {
    const unsigned plane = (gfx_[kGfxReadMap] & 2) | (a & 1);
    const uint64_t at = (uint64_t(a & ~1) << 1) | plane;
    return at < vram_.size() ? vram_[at] : 0xff;
  }
  if (uint64_t(a) * 4 + 4 > vram_.size()) return 0xff;
  std::memcpy(&latch_, &vram_[size_t(a) * 4], 4);
  if (!(gfx_[kGfxMode] & kGfxModeReadCompare)) return uint8_t(latch_ >> (8 * (gfx_[kGfxReadMap] & 3)));
  // Read mode 1: a bit is set where every plane the don't-care register keeps matches the compare colour.
  uint32_t diff = (latch_ ^ expand_planes(gfx_[kGfxColorCompare])) & expand_planes(gfx_[kGfxColorDontCare]);
  diff |= diff >> 16;
  diff |= diff >> 8;
  return uint8_t(~diff);
}

void Vga::write_window(uint32_t offset, uint8_t v) {
  const int64_t a = window_address(offset);
  if (a < 0) return;
  const uint8_t map_mask = seq_[kSeqMapMask];
  if (seq_[kSeqMemoryMode] & kSeqChain4) {
    if ((map_mask & (1u << (a & 3))) && uint64_t(a) < vram_.size()) vram_[size_t(a)] = v;
    return;
  }
  if (gfx_[kGfxMode] & kGfxModeOddEven) {
    const unsigned plane = (gfx_[kGfxReadMap] & 2) | (a & 1);
    const uint64_t at = (uint64_t(a & ~1) << 1) | plane;
    if ((map_mask & (1u << plane)) && at < vram_.size()) vram_[at] = v;
    return;
  }
  if (uint64_t(a) * 4 + 4 > vram_.size()) return;
  // Planar write modes 0-3: the value for all four planes, then the logical
  // function with the latches and the bit mask, then the map mask picks planes.
  const uint8_t rotate = gfx_[kGfxRotate] & 7;
  uint32_t val = 0;
  uint8_t bit_mask = gfx_[kGfxBitMask];
  switch (gfx_[kGfxMode] & 3) {
    case 0: {
      val = rotate_right(v, rotate) * 0x01010101u;
      const uint32_t enabled = expand_planes(gfx_[kGfxEnableSetReset]);
      val = (val & ~enabled) | (expand_planes(gfx_[kGfxSetReset]) & enabled);
      break;
    }
    case 1:
      val = latch_;
      bit_mask = 0xff;
      break;
    case 2:
      val = expand_planes(v & 0x0f);
      break;
    default:
      bit_mask &= rotate_right(v, rotate);
      val = expand_planes(gfx_[kGfxSetReset]);
      break;
  }
  if ((gfx_[kGfxMode] & 3) != 1) {
    switch (gfx_[kGfxRotate] >> 3) {
      case 1: val &= latch_; break;
      case 2: val |= latch_; break;
      case 3: val ^= latch_; break;
      default: break;
    }
  }
  const uint32_t keep = bit_mask * 0x01010101u;
  val = (val & keep) | (latch_ & ~keep);
  const uint32_t planes = expand_planes(map_mask);
  uint32_t cur;
  std::memcpy(&cur, &vram_[size_t(a) * 4], 4);
  cur = (cur & ~planes) | (val & planes);
  std::memcpy(&vram_[size_t(a) * 4], &cur, 4);
}

uint64_t Vga::Window::read(uint64_t offset, unsigned size) {
  uint64_t v = 0;
  for (unsigned i = 0; i < size; i++) v |= uint64_t(vga.read_window(uint32_t(offset + i))) << (8 * i);
  return v;
}

void Vga::Window::write(uint64_t offset, unsigned size, uint64_t value) {
  for (unsigned i = 0; i < size; i++) vga.write_window(uint32_t(offset + i), uint8_t(value >> (8 * i)));
}

// ---- DISPI ----

uint16_t Vga::read_dispi(unsigned offset) {
  if (offset == 0) return dispi_index_;
  if (offset != 1 || dispi_index_ >= kDispiRegs) return offset == 1 ? 0 : 0xff;
  if (dispi_regs_[kEnable] & kGetCaps) {
    if (dispi_index_ == kXres) return kMaxXres;
    if (dispi_index_ == kYres) return kMaxYres;
    if (dispi_index_ == kBpp) return kMaxBpp;
  }
  return dispi_regs_[dispi_index_];
}

void Vga::write_dispi(unsigned offset, uint16_t value) {
  if (offset == 0) dispi_index_ = value;
  else if (offset == 1) write_dispi_data(value);
}

void Vga::write_dispi_data(uint16_t v) {
  const bool enabled = dispi_regs_[kEnable] & kEnabled;
  switch (dispi_index_) {
    case kId:
      if (v >= kIdFirst && v <= kIdLatest) dispi_regs_[kId] = v;
      break;
    case kXres:
      if (!enabled && v <= kMaxXres && (v & 7) == 0) dispi_regs_[kXres] = v;
      break;
    case kYres:
      if (!enabled && v <= kMaxYres) dispi_regs_[kYres] = v;
      break;
    case kBpp:
      if (v == 0) v = 8;
      if (!enabled && (v == 4 || v == 8 || v == 15 || v == 16 || v == 24 || v == 32)) dispi_regs_[kBpp] = v;
      break;
    case kBank:
      dispi_regs_[kBank] = uint16_t(v & ((kVramBytes >> 16) - 1));
      break;
    case kEnable:
      enable_vbe(v);
      break;
    case kVirtWidth:
    case kVirtHeight:
    case kXOffset:
    case kYOffset:
      dispi_regs_[dispi_index_] = v;
      break;
    default:
      break;  // VIDEO_MEMORY_64K is read-only
  }
}

void Vga::enable_vbe(uint16_t v) {
  const bool was = dispi_regs_[kEnable] & kEnabled;
  if ((v & kEnabled) && !was) {
    const uint16_t xres = dispi_regs_[kXres], yres = dispi_regs_[kYres], bpp = dispi_regs_[kBpp];
    dispi_regs_[kVirtWidth] = xres;
    dispi_regs_[kVirtHeight] = yres;
    dispi_regs_[kXOffset] = dispi_regs_[kYOffset] = 0;
    dispi_regs_[kBank] = 0;
    const uint64_t line = bpp == 4 ? xres / 2u : uint64_t(xres) * ((bpp + 7u) / 8u);
    if (!(v & kNoClearMem)) std::fill_n(vram_.begin(), std::min<uint64_t>(line * yres, vram_.size()), 0);
    // The VGA side in graphics, the window at 0xA0000 (64 KiB, banked); chain-4 on all planes except at 4 bpp.
    gfx_[kGfxMisc] = uint8_t((gfx_[kGfxMisc] & ~0x0c) | 0x04 | kGfxMiscGraphics);
    crtc_[kCrtcMode] |= 3;
    if (bpp != 4) {
      seq_[kSeqMemoryMode] |= kSeqChain4;
      seq_[kSeqMapMask] |= 0x0f;
    }
  }
  if (!(v & kEnabled)) dispi_regs_[kBank] = 0;
  dispi_regs_[kEnable] = v & (kEnabled | kGetCaps | k8BitDac | kLfbEnabled | kNoClearMem);
}

// ---- The screen as text ----

std::string Vga::text_screen() const {
  if (dispi_regs_[kEnable] & kEnabled)
    return "(VBE graphics mode " + std::to_string(dispi_regs_[kXres]) + "x" + std::to_string(dispi_regs_[kYres]) + "x" +
           std::to_string(dispi_regs_[kBpp]) + ")\n";
  if (gfx_[kGfxMisc] & kGfxMiscGraphics) return "(VGA graphics mode)\n";
  const unsigned cols = std::min(crtc_[kCrtcHDisplayEnd] + 1u, 256u);
  const unsigned vde = crtc_[kCrtcVDisplayEnd] | (crtc_[kCrtcOverflow] & 0x02) << 7 | (crtc_[kCrtcOverflow] & 0x40) << 3;
  const unsigned rows = std::min((vde + 1) / ((crtc_[kCrtcMaxScan] & 0x1f) + 1u), 100u);
  const unsigned start = crtc_[kCrtcStartHigh] << 8 | crtc_[kCrtcStartLow], stride = crtc_[kCrtcOffset] * 2u;
  std::string out;
  for (unsigned r = 0; r < rows; r++) {
    std::string line;
    for (unsigned c = 0; c < cols; c++) {
      const uint64_t at = (uint64_t(start) + r * stride + c) * 4;
      const uint8_t ch = at < vram_.size() ? vram_[at] : 0;
      line += ch < 0x20 || ch == 0x7f ? ' ' : char(ch);
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + '\n';
  }
  return out;
}

}  // namespace kiln::devices
