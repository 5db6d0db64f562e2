#include "devices/riscv/htif.h"

#include <vector>

namespace kiln::devices {

namespace {
constexpr uint64_t kSysWrite = 64, kSysExit = 93;
}

Htif::Htif(mem::PhysMap& map, std::FILE* console, ExitFn on_exit)
    : map_(map), console_(console), on_exit_(std::move(on_exit)) {}

Status Htif::attach(uint64_t tohost_addr, uint64_t fromhost_addr) {
  if (Status s = map_.add_mmio("htif.tohost", tohost_addr, 8, &tohost_dev_); !s) return s;
  if (fromhost_addr) return map_.add_mmio("htif.fromhost", fromhost_addr, 8, &fromhost_dev_);
  return {};
}

uint64_t Htif::Word::read(uint64_t offset, unsigned size) {
  uint64_t v = is_tohost_ ? h_.tohost_ : h_.fromhost_;
  v >>= 8 * offset;
  return size >= 8 ? v : v & ((1ull << (8 * size)) - 1);
}

void Htif::Word::write(uint64_t offset, unsigned size, uint64_t value) {
  uint64_t& word = is_tohost_ ? h_.tohost_ : h_.fromhost_;
  uint64_t mask = (size >= 8 ? ~0ull : (1ull << (8 * size)) - 1) << (8 * offset);
  word = (word & ~mask) | ((value << (8 * offset)) & mask);
  // A command is complete when its last byte is written (one sd, or sw low then sw high).
  if (is_tohost_ && offset + size == 8 && word != 0) {
    uint64_t cmd = word;
    h_.tohost_ = 0;
    h_.command(cmd);
  }
}

void Htif::command(uint64_t cmd) {
  unsigned device = unsigned(cmd >> 56), op = unsigned((cmd >> 48) & 0xff);
  uint64_t payload = cmd & ((1ull << 48) - 1);
  if (device == 0 && op == 0) {
    if (payload & 1) {
      on_exit_(int(payload >> 1));
      return;
    }
    syscall(payload);
    fromhost_ = 1;
  } else if (device == 1 && op == 1) {
    std::fputc(int(payload & 0xff), console_);
    if ((payload & 0xff) == '\n') std::fflush(console_);
    fromhost_ = (1ull << 56) | (1ull << 48);
  }
  // Other devices (block, console input) are not modelled: the command is dropped.
}

void Htif::syscall(uint64_t magic_addr) {
  uint64_t m[8];
  if (!map_.read(magic_addr, m, sizeof m)) return;
  uint64_t ret = ~0ull;
  if (m[0] == kSysWrite && (m[1] == 1 || m[1] == 2)) {
    std::vector<char> buf(m[3] > (1u << 20) ? (1u << 20) : m[3]);
    if (map_.read(m[2], buf.data(), buf.size())) {
      std::fwrite(buf.data(), 1, buf.size(), console_);
      std::fflush(console_);
      ret = buf.size();
    }
  } else if (m[0] == kSysExit) {
    on_exit_(int(m[1]));
    return;
  }
  m[0] = ret;
  map_.write(magic_addr, m, 8);
}

}  // namespace kiln::devices
