#include "firmware/boot_info.h"

#include <algorithm>

namespace kiln::firmware {

namespace {

// A block under construction: little-endian fields, appended or patched.
struct Block {
  std::vector<uint8_t> bytes;
  // Fields wider than 8 bytes (padding, reserved words) take zeros past v's 8 bytes.
  size_t put(uint64_t v, unsigned size) {
    const size_t at = bytes.size();
    for (unsigned i = 0; i < size; i++) bytes.push_back(i < 8 ? uint8_t(v >> (8 * i)) : 0);
    return at;
  }
  void patch(size_t at, uint64_t v, unsigned size) {
    for (unsigned i = 0; i < size; i++) bytes[at + i] = i < 8 ? uint8_t(v >> (8 * i)) : 0;
  }
  size_t put_string(const std::string& s) {
    const size_t at = bytes.size();
    bytes.insert(bytes.end(), s.begin(), s.end());
    bytes.push_back(0);
    return at;
  }
  void align(size_t a) { bytes.resize((bytes.size() + a - 1) / a * a, 0); }
};

// KiB of RAM from 0 (at most 640) and from 1 MiB, as both Multiboots' mem_lower and mem_upper.
void conventional_memory(const std::vector<E820Range>& map, uint32_t* lower_kib, uint32_t* upper_kib) {
  *lower_kib = *upper_kib = 0;
  for (const E820Range& r : map) {
    if (r.type != 1) continue;
    if (r.base == 0) *lower_kib = uint32_t(std::min<uint64_t>(r.size, 640 * 1024) / 1024);
    if (r.base == 0x100000) *upper_kib = uint32_t(std::min<uint64_t>(r.size / 1024, 0xffffffff));
  }
}

}  // namespace

std::vector<uint8_t> make_multiboot1_info(const BootInfoInput& in, uint64_t base) {
  // multiboot_info: flags, mem_lower, mem_upper, boot_device, cmdline,
  // mods_count, mods_addr, syms[4], mmap_length, mmap_addr, drives_length,
  // drives_addr, config_table, boot_loader_name, apm_table, then VBE and
  // framebuffer fields (left zero: their flags stay clear). 116 bytes.
  constexpr uint32_t kMem = 1u << 0, kCmdline = 1u << 2, kMods = 1u << 3, kMmap = 1u << 6, kLoaderName = 1u << 9;
  Block b;
  b.bytes.assign(116, 0);
  uint32_t lower, upper;
  conventional_memory(in.memory_map, &lower, &upper);
  b.patch(0, kMem | kCmdline | kMods | kMmap | kLoaderName, 4);
  b.patch(4, lower, 4);
  b.patch(8, upper, 4);
  b.align(8);
  // The memory map: each entry is size (20, not counting itself), base, length, type.
  const size_t mmap_at = b.bytes.size();
  for (const E820Range& r : in.memory_map) {
    b.put(20, 4);
    b.put(r.base, 8);
    b.put(r.size, 8);
    b.put(r.type, 4);
  }
  b.patch(44, b.bytes.size() - mmap_at, 4);
  b.patch(48, base + mmap_at, 4);
  // The module list (mod_start, mod_end, string, reserved); strings after it.
  b.align(8);
  const size_t mods_at = b.bytes.size();
  for (size_t i = 0; i < in.modules.size(); i++) b.put(0, 16);
  b.patch(20, in.modules.size(), 4);
  b.patch(24, base + mods_at, 4);
  for (size_t i = 0; i < in.modules.size(); i++) {
    const BootModule& m = in.modules[i];
    const size_t at = mods_at + 16 * i;
    b.patch(at, m.addr, 4);
    b.patch(at + 4, m.addr + m.size, 4);
    b.patch(at + 8, base + b.put_string(m.string), 4);
  }
  b.patch(16, base + b.put_string(in.cmdline), 4);
  b.patch(64, base + b.put_string(in.loader_name), 4);
  return b.bytes;
}

bool multiboot2_provides(const BootInfoInput& in, uint32_t type) {
  using namespace mb2tag;
  switch (type) {
    case kEnd: case kCmdline: case kLoaderName: case kModule: case kBasicMeminfo: case kMmap:
      return true;
    case kAcpiOld: case kAcpiNew:
      return !in.rsdp.empty();
    default:
      return false;
  }
}

std::vector<uint8_t> make_multiboot2_info(const BootInfoInput& in, uint64_t base) {
  (void)base;  // tags hold no pointers: module contents are addresses the caller chose
  using namespace mb2tag;
  Block b;
  b.put(0, 4);  // total_size, patched at the end
  b.put(0, 4);  // reserved
  // Each tag: type, size (without padding), its fields, padded to 8 bytes.
  auto tag = [&b](uint32_t type) {
    b.align(8);
    const size_t at = b.put(type, 4);
    b.put(0, 4);
    return at;
  };
  auto end_tag = [&b](size_t at) { b.patch(at + 4, b.bytes.size() - at, 4); };
  size_t t = tag(kCmdline);
  b.put_string(in.cmdline);
  end_tag(t);
  t = tag(kLoaderName);
  b.put_string(in.loader_name);
  end_tag(t);
  for (const BootModule& m : in.modules) {
    t = tag(kModule);
    b.put(m.addr, 4);
    b.put(m.addr + m.size, 4);
    b.put_string(m.string);
    end_tag(t);
  }
  uint32_t lower, upper;
  conventional_memory(in.memory_map, &lower, &upper);
  t = tag(kBasicMeminfo);
  b.put(lower, 4);
  b.put(upper, 4);
  end_tag(t);
  t = tag(kMmap);
  b.put(24, 4);  // entry_size
  b.put(0, 4);   // entry_version
  for (const E820Range& r : in.memory_map) {
    b.put(r.base, 8);
    b.put(r.size, 8);
    b.put(r.type, 4);
    b.put(0, 4);
  }
  end_tag(t);
  if (!in.rsdp.empty()) {  // the RSDP's revision (byte 15) says which tag: 2 and later are ACPI 2.0's
    t = tag(in.rsdp.size() > 15 && in.rsdp[15] >= 2 ? kAcpiNew : kAcpiOld);
    b.bytes.insert(b.bytes.end(), in.rsdp.begin(), in.rsdp.end());
    end_tag(t);
  }
  t = tag(kEnd);
  end_tag(t);
  b.patch(0, b.bytes.size(), 4);
  return b.bytes;
}

std::vector<uint8_t> make_hvm_start_info(const BootInfoInput& in, uint64_t base) {
  // hvm_start_info: magic, version, flags, nr_modules (u32 each),
  // modlist_paddr, cmdline_paddr, rsdp_paddr (u64 each), then version 1's
  // memmap_paddr (u64), memmap_entries and reserved (u32). 56 bytes.
  Block b;
  b.bytes.assign(56, 0);
  b.patch(0, kHvmStartMagic, 4);
  b.patch(4, 1, 4);
  b.patch(12, in.modules.size(), 4);
  b.patch(32, in.rsdp_addr, 8);
  // hvm_memmap_table_entry: addr, size (u64), type, reserved (u32).
  b.align(8);
  b.patch(40, base + b.bytes.size(), 8);
  b.patch(48, in.memory_map.size(), 4);
  for (const E820Range& r : in.memory_map) {
    b.put(r.base, 8);
    b.put(r.size, 8);
    b.put(r.type, 4);
    b.put(0, 4);
  }
  // hvm_modlist_entry: paddr, size, cmdline_paddr, reserved (u64 each).
  const size_t mods_at = b.bytes.size();
  b.patch(16, in.modules.empty() ? 0 : base + mods_at, 8);
  for (size_t i = 0; i < in.modules.size(); i++) b.put(0, 32);
  for (size_t i = 0; i < in.modules.size(); i++) {
    const BootModule& m = in.modules[i];
    const size_t at = mods_at + 32 * i;
    b.patch(at, m.addr, 8);
    b.patch(at + 8, m.size, 8);
    if (!m.string.empty()) b.patch(at + 16, base + b.put_string(m.string), 8);
  }
  b.patch(24, base + b.put_string(in.cmdline), 8);
  return b.bytes;
}

}  // namespace kiln::firmware
