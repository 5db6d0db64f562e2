#include "devices/pc/fw_cfg.h"

#include <algorithm>
#include <cstring>

#include "devices/dma.h"

namespace kiln::devices {

namespace {

uint32_t be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
void put_be32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = uint8_t(v >> (24 - 8 * i));
}
uint32_t bswap32(uint32_t v) { return __builtin_bswap32(v); }

std::vector<uint8_t> little_endian(uint64_t v, unsigned bytes) {
  std::vector<uint8_t> out(bytes);
  for (unsigned i = 0; i < bytes; i++) out[i] = uint8_t(v >> (8 * i));
  return out;
}

constexpr size_t kDirEntryBytes = 64;  // size (4), key (2), reserved (2), name (56)

}  // namespace

FwCfg::FwCfg(mem::PhysMap& map) : map_(map) {
  add_bytes(kSignature, {'Q', 'E', 'M', 'U'});
  add_u32(kId, kIdTraditional | kIdDma);
  rebuild_directory();
}

mem::AccessRules FwCfg::rules(uint64_t offset) const {
  if (offset == kSelector) return {.min_size = 2, .max_size = 2};
  if (offset == kData) return {.min_size = 1, .max_size = 1};
  if (offset >= kDmaHigh) return {.min_size = 1, .max_size = 4};
  return {.min_size = 8, .max_size = 8};  // 0x512-0x513 decode nothing: every access is refused
}

uint64_t FwCfg::read(uint64_t offset, unsigned size) {
  if (offset == kData) {
    Item* it = current();
    return it && offset_ < it->data.size() ? it->data[offset_++] : 0;
  }
  if (offset >= kDmaHigh) {  // the DMA signature, big-endian: byte i of "QEMU CFG" at port 0x514 + i
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) v |= ((kDmaSignature >> (8 * (7 - (offset - kDmaHigh + i)))) & 0xff) << (8 * i);
    return v;
  }
  return 0;  // the selector is write-only
}

void FwCfg::write(uint64_t offset, unsigned size, uint64_t value) {
  if (offset == kSelector) {
    select(uint16_t(value));
  } else if (offset == kDmaHigh && size == 4) {
    dma_high_ = bswap32(uint32_t(value));
  } else if (offset == kDmaLow && size == 4) {
    const uint64_t addr = uint64_t(dma_high_) << 32 | bswap32(uint32_t(value));
    dma_high_ = 0;  // the next transfer states its high half again, or has none
    dma(addr);
  }
  // The data port's writes (dropped by QEMU since 2.4) and other widths: ignored.
}

void FwCfg::add_bytes(uint16_t key, std::vector<uint8_t> data) { items_[key] = Item{std::move(data), false}; }
void FwCfg::add_u16(uint16_t key, uint16_t v) { add_bytes(key, little_endian(v, 2)); }
void FwCfg::add_u32(uint16_t key, uint32_t v) { add_bytes(key, little_endian(v, 4)); }
void FwCfg::add_u64(uint16_t key, uint64_t v) { add_bytes(key, little_endian(v, 8)); }

Status FwCfg::add_file(const std::string& name, std::vector<uint8_t> data, bool writable) {
  if (name.empty() || name.size() > kMaxFileName || name.find('\0') != std::string::npos)
    return make_error("fw_cfg: bad file name '" + name + "'");
  if (files_.count(name)) return make_error("fw_cfg: file '" + name + "' added twice");
  if (files_.size() >= kArchLocal - kFileFirst) return make_error("fw_cfg: too many files");
  files_[name] = Item{std::move(data), writable};
  rebuild_directory();
  return {};
}

const std::vector<uint8_t>* FwCfg::item(uint16_t key) const {
  auto it = items_.find(key);
  return it == items_.end() ? nullptr : &it->second.data;
}

const std::vector<uint8_t>* FwCfg::file(const std::string& name) const {
  auto it = files_.find(name);
  return it == files_.end() ? nullptr : &it->second.data;
}

uint16_t FwCfg::file_key(const std::string& name) const {
  auto it = files_.find(name);
  return it == files_.end() ? 0 : uint16_t(kFileFirst + std::distance(files_.begin(), it));
}

void FwCfg::reset() {
  key_ = 0;
  offset_ = 0;
  dma_high_ = 0;
}

void FwCfg::select(uint16_t key) {
  key_ = key & uint16_t(~kWriteChannel);
  offset_ = 0;
}

FwCfg::Item* FwCfg::current() {
  if (key_ >= kFileFirst && key_ < kArchLocal) {
    if (size_t(key_ - kFileFirst) >= files_.size()) return nullptr;
    return &std::next(files_.begin(), key_ - kFileFirst)->second;
  }
  auto it = items_.find(key_);
  return it == items_.end() ? nullptr : &it->second;
}

void FwCfg::dma(uint64_t desc_addr) {
  const uint8_t* desc = map_.ram_ptr(desc_addr, 16);
  if (!desc) return;  // nowhere to report the error to (QEMU drops such a request too)
  const uint32_t control = be32(desc), length = be32(desc + 4);
  const uint64_t addr = uint64_t(be32(desc + 8)) << 32 | be32(desc + 12);
  if (control & kDmaSelect) select(uint16_t(control >> 16));
  bool ok = true;
  if (control & kDmaRead) ok = transfer_to_guest(addr, length);
  else if (control & kDmaWrite) ok = transfer_from_guest(addr, length);
  else if (control & kDmaSkip) offset_ += length;
  uint8_t status[4];
  put_be32(status, ok ? 0 : kDmaError);
  devices::dma_write(map_, watcher_, desc_addr, status, sizeof status);
}

bool FwCfg::transfer_to_guest(uint64_t addr, uint32_t len) {
  Item* it = current();
  const uint64_t avail = it && offset_ < it->data.size() ? it->data.size() - offset_ : 0;
  const uint64_t n = std::min<uint64_t>(len, avail);
  if (n && !devices::dma_write(map_, watcher_, addr, it->data.data() + offset_, n)) return false;
  offset_ += n;
  static const uint8_t kZeros[4096] = {};  // past the item's end the guest reads zeros
  for (uint64_t done = n; done < len;) {
    const uint64_t chunk = std::min<uint64_t>(sizeof kZeros, len - done);
    if (!devices::dma_write(map_, watcher_, addr + done, kZeros, chunk)) return false;
    done += chunk;
  }
  return true;
}

bool FwCfg::transfer_from_guest(uint64_t addr, uint32_t len) {
  Item* it = current();
  if (!it || !it->writable || offset_ > it->data.size() || len > it->data.size() - offset_) return false;
  if (len == 0) return true;
  const uint8_t* src = map_.ram_ptr(addr, len);
  if (!src) return false;
  std::memcpy(it->data.data() + offset_, src, len);
  offset_ += len;
  return true;
}

void FwCfg::rebuild_directory() {
  std::vector<uint8_t> dir(4 + kDirEntryBytes * files_.size(), 0);
  put_be32(dir.data(), uint32_t(files_.size()));
  size_t i = 0;
  for (const auto& [name, f] : files_) {
    uint8_t* e = dir.data() + 4 + kDirEntryBytes * i;
    put_be32(e, uint32_t(f.data.size()));
    const uint16_t key = uint16_t(kFileFirst + i);
    e[4] = uint8_t(key >> 8);
    e[5] = uint8_t(key);
    std::memcpy(e + 8, name.data(), name.size());
    i++;
  }
  add_bytes(kFileDir, std::move(dir));
}

}  // namespace kiln::devices
