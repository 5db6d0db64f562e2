#include "devices/pc/ioapic.h"

namespace kiln::devices {

namespace {
// The bits software writes in an entry's low dword: all but delivery status (12) and remote IRR (14).
constexpr uint32_t kWritableLow = 0x1afff;
}  // namespace

IoApic::IoApic(ApicBus& bus) : bus_(bus) {
  for (unsigned n = 0; n < kPins; n++) pins_[n].ioapic = this, pins_[n].n = n;
  bus_.on_eoi([this](uint8_t vector) { eoi(vector); });
  reset();
}

void IoApic::reset() {
  redir_.fill(kMasked);
  select_ = 0;
  id_ = 0;
}

bool IoApic::may_interrupt() const {
  for (uint64_t e : redir_)
    if (!(e & kMasked)) return true;
  return false;
}

void IoApic::send(unsigned n) {
  const uint64_t e = redir_[n];
  bus_.send(ApicMessage{.dest = uint8_t(e >> 56), .logical = bool(e & (1u << 11)), .mode = ApicDelivery((e >> 8) & 7),
                        .vector = uint8_t(e), .level = bool(e & kLevel)});
}

void IoApic::service_level(unsigned n) {
  uint64_t& e = redir_[n];
  if (!(e & kLevel) || (e & (kMasked | kRemoteIrr)) || !asserted(n)) return;
  e |= kRemoteIrr;
  send(n);
}

void IoApic::set_pin(unsigned n, bool level) {
  const bool was = asserted(n);
  levels_[n] = level;
  const uint64_t e = redir_[n];
  if (e & kLevel)
    service_level(n);
  else if (!was && asserted(n) && !(e & kMasked))
    send(n);
}

void IoApic::eoi(uint8_t vector) {
  for (unsigned n = 0; n < kPins; n++) {
    if ((redir_[n] & kLevel) && uint8_t(redir_[n]) == vector && (redir_[n] & kRemoteIrr)) {
      redir_[n] &= ~uint64_t(kRemoteIrr);
      service_level(n);  // still asserted: again
    }
  }
}

uint32_t IoApic::read_reg(uint8_t index) const {
  switch (index) {
    case 0: return uint32_t(id_) << 24;
    case 1: return kVersionValue;
    case 2: return uint32_t(id_) << 24;  // arbitration ID
  }
  if (index >= 0x10 && index < 0x10 + 2 * kPins) {
    const uint64_t e = redir_[(index - 0x10) / 2];
    return uint32_t(index & 1 ? e >> 32 : e);
  }
  return 0xffffffff;
}

void IoApic::write_reg(uint8_t index, uint32_t v) {
  if (index == 0) id_ = (v >> 24) & 0xf;
  if (index < 0x10 || index >= 0x10 + 2 * kPins) return;
  const unsigned n = (index - 0x10) / 2;
  uint64_t& e = redir_[n];
  if (index & 1) {
    e = (e & 0xffffffffull) | uint64_t(v & 0xff000000) << 32;
    return;
  }
  e = (e & ~uint64_t(kWritableLow)) | (v & kWritableLow);
  if (!(e & kLevel)) e &= ~uint64_t(kRemoteIrr);  // remote IRR means nothing for edge entries
  service_level(n);  // unmasked while asserted: delivered now
}

uint64_t IoApic::read(uint64_t offset, unsigned size) {
  uint32_t v;
  if (offset == 0x00)
    v = select_;
  else if (offset >= 0x10 && offset < 0x14)
    v = read_reg(select_) >> (8 * (offset & 3));
  else
    return 0;
  return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

void IoApic::write(uint64_t offset, unsigned size, uint64_t value) {
  if (offset == 0x00)
    select_ = uint8_t(value);
  else if (offset == 0x10 && size == 4)
    write_reg(select_, uint32_t(value));
}

}  // namespace kiln::devices
