#include "firmware/multiboot.h"

#include <cstring>

#include "firmware/placement.h"

namespace kiln::firmware {

namespace {

uint32_t u32(const std::vector<uint8_t>& d, uint64_t off) {
  uint32_t v;
  std::memcpy(&v, d.data() + off, 4);
  return v;
}
uint16_t u16(const std::vector<uint8_t>& d, uint64_t off) {
  uint16_t v;
  std::memcpy(&v, d.data() + off, 2);
  return v;
}

constexpr uint32_t kMb1Magic = 0x1BADB002, kMb2Magic = 0xE85250D6;
constexpr uint64_t kMb1Search = 8192, kMb2Search = 32768;

}  // namespace

std::optional<Multiboot1Header> find_multiboot1(const std::vector<uint8_t>& d) {
  for (uint64_t off = 0; off + 12 <= d.size() && off < kMb1Search; off += 4) {
    if (u32(d, off) != kMb1Magic) continue;
    const uint32_t flags = u32(d, off + 4);
    if (uint32_t(kMb1Magic + flags + u32(d, off + 8)) != 0) continue;
    Multiboot1Header h;
    h.offset = off;
    h.flags = flags;
    constexpr uint32_t kHasAddresses = 1u << 16;
    if (flags & kHasAddresses) {
      if (off + 32 > d.size()) continue;  // the address fields run past the file: not a usable header
      h.addresses = HeaderAddresses{u32(d, off + 12), u32(d, off + 16), u32(d, off + 20), u32(d, off + 24)};
      h.entry_addr = u32(d, off + 28);
    }
    return h;
  }
  return std::nullopt;
}

Status check_multiboot1(const Multiboot1Header& h) {
  constexpr uint32_t kKnownRequired = 0x7;  // page-aligned modules, memory information, video mode
  const uint32_t unknown = h.flags & 0xffff & ~kKnownRequired;
  if (unknown) return make_error("the Multiboot header requires features Kiln does not know (flags " + hex(unknown) + ")");
  return {};
}

std::optional<Multiboot2Header> find_multiboot2(const std::vector<uint8_t>& d) {
  for (uint64_t off = 0; off + 16 <= d.size() && off < kMb2Search; off += 8) {
    if (u32(d, off) != kMb2Magic) continue;
    const uint32_t arch = u32(d, off + 4), length = u32(d, off + 8);
    if (uint32_t(kMb2Magic + arch + length + u32(d, off + 12)) != 0 || arch != 0) continue;
    if (length < 16 || length > d.size() - off) continue;
    Multiboot2Header h;
    h.offset = off;
    return h;
  }
  return std::nullopt;
}

Result<Multiboot2Header> parse_multiboot2(const std::vector<uint8_t>& d, const Multiboot2Header& found) {
  Multiboot2Header h = found;
  const uint64_t end = h.offset + u32(d, h.offset + 8);
  enum : uint16_t { kEnd = 0, kInfoRequest = 1, kAddress = 2, kEntry = 3, kConsole = 4, kFramebuffer = 5,
                    kModuleAlign = 6, kEfiBootServices = 7, kEntryEfi32 = 8, kEntryEfi64 = 9, kRelocatable = 10 };
  constexpr uint16_t kOptional = 1;
  for (uint64_t at = h.offset + 16;; ) {
    if (end - at < 8) return make_error("the Multiboot2 header's tags run past its length (no end tag)");
    const uint16_t type = u16(d, at), flags = u16(d, at + 2);
    const uint32_t size = u32(d, at + 4);
    if (size < 8 || size > end - at) return make_error("Multiboot2 header tag " + std::to_string(type) + " has a bad size");
    const bool optional = flags & kOptional;
    auto need = [&](uint32_t bytes) { return size >= bytes; };
    switch (type) {
      case kEnd:
        return h;
      case kInfoRequest:
        if (!optional)
          for (uint64_t p = at + 8; p + 4 <= at + size; p += 4) h.required_info.push_back(u32(d, p));
        break;
      case kAddress:
        if (!need(24)) return make_error("the Multiboot2 address tag is too short");
        h.addresses = HeaderAddresses{u32(d, at + 8), u32(d, at + 12), u32(d, at + 16), u32(d, at + 20)};
        break;
      case kEntry:
        if (!need(12)) return make_error("the Multiboot2 entry address tag is too short");
        h.entry_addr = u32(d, at + 8);
        break;
      case kConsole:  // console flags: "a console is required" Kiln cannot promise (no VGA text yet)
        if (!optional && need(12) && (u32(d, at + 8) & 1))
          return make_error("the Multiboot2 header requires a console (console flags tag); Kiln has no VGA text console");
        break;
      case kModuleAlign:  // Kiln aligns every module to a page anyway
      case kRelocatable:  // Kiln loads at the link address, which a relocatable image accepts
        break;
      default: {
        if (optional) break;
        const char* what = type == kFramebuffer ? "a framebuffer"
                           : type == kEfiBootServices || type == kEntryEfi32 || type == kEntryEfi64 ? "EFI"
                                                                                                 : "an unknown feature";
        return make_error("the Multiboot2 header requires " + std::string(what) + " (tag type " + std::to_string(type) +
                          "), which Kiln does not support");
      }
    }
    at += (uint64_t(size) + 7) & ~7ull;
    if (at > end) return make_error("the Multiboot2 header's tags run past its length (no end tag)");
  }
}

Result<AddressedImage> addressed_image(const HeaderAddresses& a, uint64_t header_offset, uint64_t file_size) {
  if (a.load_addr > a.header_addr || a.header_addr - a.load_addr > header_offset)
    return make_error("the Multiboot header's load_addr " + hex(a.load_addr) + " lies before the file's start (header_addr " +
                      hex(a.header_addr) + ")");
  AddressedImage img;
  img.file_offset = header_offset - (a.header_addr - a.load_addr);
  img.load_addr = a.load_addr;
  img.file_bytes = file_size - img.file_offset;
  if (a.load_end_addr) {
    if (a.load_end_addr < a.load_addr) return make_error("the Multiboot header's load_end_addr is below its load_addr");
    if (a.load_end_addr - a.load_addr > img.file_bytes)
      return make_error("the Multiboot header's load_end_addr " + hex(a.load_end_addr) + " lies past the end of the file");
    img.file_bytes = a.load_end_addr - a.load_addr;
  }
  img.mem_bytes = img.file_bytes;
  if (a.bss_end_addr) {
    if (a.bss_end_addr < a.load_addr + img.file_bytes) return make_error("the Multiboot header's bss_end_addr is below the loaded image's end");
    img.mem_bytes = a.bss_end_addr - a.load_addr;
  }
  if (img.mem_bytes == 0) return make_error("the Multiboot header's addresses load nothing");
  return img;
}

std::vector<ModuleSpec> split_modules(const std::string& initrd) {
  std::vector<ModuleSpec> out;
  std::string cur;
  auto finish = [&] {
    out.push_back({cur.substr(0, cur.find(' ')), cur});
    cur.clear();
  };
  for (size_t i = 0; i < initrd.size(); i++) {
    if (initrd[i] != ',') {
      cur += initrd[i];
    } else if (i + 1 < initrd.size() && initrd[i + 1] == ',') {
      cur += ',';
      i++;
    } else {
      finish();
    }
  }
  finish();
  return out;
}

}  // namespace kiln::firmware
