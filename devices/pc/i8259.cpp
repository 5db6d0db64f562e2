#include "devices/pc/i8259.h"

namespace kiln::devices {

I8259Pair::I8259Pair(IrqLine& intr)
    : chips_{{Chip{*this, 0xf8, true}, Chip{*this, 0xde, false}}}, elcr_(*this), intr_(intr) {
  for (unsigned n = 0; n < inputs_.size(); n++) {
    inputs_[n].pair = this;
    inputs_[n].n = n;
  }
}

void I8259Pair::set_irq(unsigned n, bool level) {
  if (n == kCascadeIrq) return;  // the slave's INT owns the master's IR2
  chips_[n / 8].set_input(n % 8, level);
  update();
}

void I8259Pair::update() {
  chips_[0].set_input(kCascadeIrq, chips_[1].pending() >= 0);
  const bool out = chips_[0].pending() >= 0;
  if (out == intr_level_) return;
  intr_level_ = out;
  intr_.set_level(out);
}

uint8_t I8259Pair::acknowledge() {
  Chip& m = chips_[0];
  const int line = m.take();
  const uint8_t vector = line == int(kCascadeIrq) && !m.single ? chips_[1].vector(chips_[1].take()) : m.vector(line);
  update();
  return vector;
}

bool I8259Pair::may_interrupt() const {
  const Chip &m = chips_[0], &s = chips_[1];
  if (!m.initialised()) return false;
  const uint8_t open = uint8_t(~m.imr);
  if (open & ~(1u << kCascadeIrq)) return true;
  return (open & (1u << kCascadeIrq)) && s.initialised() && uint8_t(~s.imr) != 0;
}

// ---- one chip

void I8259Pair::Chip::set_input(unsigned line, bool level) {
  const uint8_t m = uint8_t(1u << line);
  // The master's IR2 follows the slave's INT as a level, whatever the trigger mode:
  // a second request on the slave must reach the CPU without INT falling first.
  if ((elcr & m) || (master && line == kCascadeIrq)) {
    irr = level ? irr | m : irr & ~m;
  } else if (level && !(levels & m)) {
    irr |= m;  // a rising edge; the request stays latched until acknowledged
  }
  levels = level ? levels | m : levels & ~m;
}

int I8259Pair::Chip::highest_in_service() const {
  for (unsigned rank = 0; rank < 8; rank++)
    if (isr & (1u << line_at(rank))) return line_at(rank);
  return -1;
}

int I8259Pair::Chip::pending() const {
  if (!initialised()) return -1;
  const uint8_t requests = irr & ~imr;
  if (!requests) return -1;
  // Special mask mode: a masked line in service holds nothing off.
  const uint8_t in_service = special_mask ? isr & ~imr : isr;
  for (unsigned rank = 0; rank < 8; rank++) {
    const int line = line_at(rank);
    const uint8_t m = uint8_t(1u << line);
    // Special fully nested mode: the slave's requests pass its own in-service IR2.
    if (sfnm && master && line == int(kCascadeIrq) && (requests & m)) return line;
    if (in_service & m) return -1;
    if (requests & m) return line;
  }
  return -1;
}

int I8259Pair::Chip::take() {
  const int line = pending();
  if (line < 0) return -1;  // the request went away: IR7's vector, nothing in service
  const uint8_t m = uint8_t(1u << line);
  if (!(elcr & m) && !(master && line == int(kCascadeIrq))) irr &= ~m;  // an edge is consumed; a level stays
  if (!auto_eoi)
    isr |= m;
  else if (rotate_in_aeoi)
    lowest = uint8_t(line);
  return line;
}

// ICW1 starts initialisation: IMR and ISR cleared, IR7 lowest, IRR read
// back, special mask off, edge-triggered inputs must rise again (ICW2 next,
// then ICW3 unless single, ICW4 if asked for: without it, its bits are 0).
void I8259Pair::Chip::icw1(uint8_t v) {
  init_step = 2;
  icw2_done = false;
  need_icw4 = v & 1;
  single = v & 2;
  imr = isr = 0;
  irr &= elcr | (master ? 1u << kCascadeIrq : 0);
  lowest = 7;
  read_isr = poll = special_mask = false;
  rotate_in_aeoi = false;
  if (!need_icw4) auto_eoi = sfnm = false;
}

void I8259Pair::Chip::eoi(int line, bool rotate) {
  if (line < 0) return;
  isr &= uint8_t(~(1u << line));
  if (rotate) lowest = uint8_t(line);
}

// OCW2: R, SL, EOI in bits 7-5, the level in bits 2-0.
void I8259Pair::Chip::ocw2(uint8_t v) {
  const int level = v & 7;
  switch (v >> 5) {
    case 1: eoi(highest_in_service(), false); break;  // non-specific EOI
    case 3: eoi(level, false); break;                 // specific EOI
    case 5: eoi(highest_in_service(), true); break;   // rotate on non-specific EOI
    case 7: eoi(level, true); break;                  // rotate on specific EOI
    case 4: rotate_in_aeoi = true; break;
    case 0: rotate_in_aeoi = false; break;
    case 6: lowest = uint8_t(level); break;  // set priority: `level` becomes the lowest
    default: break;                          // 2: no operation
  }
}

// OCW3: ESMM/SMM in bits 6-5, P (poll) in bit 2, RR/RIS in bits 1-0.
void I8259Pair::Chip::ocw3(uint8_t v) {
  if (v & 4) poll = true;
  if (v & 2) read_isr = v & 1;
  if (v & 0x40) special_mask = v & 0x20;
}

uint64_t I8259Pair::Chip::read(uint64_t offset, unsigned) {
  if (offset == 1) return imr;
  if (poll) {  // the poll word: an interrupt acknowledged by the read itself
    poll = false;
    const int line = take();
    pair_.update();
    return line < 0 ? 0 : 0x80u | unsigned(line);
  }
  return read_isr ? isr : irr;
}

void I8259Pair::Chip::write(uint64_t offset, unsigned, uint64_t value) {
  const uint8_t v = uint8_t(value);
  if (offset == 0) {
    if (v & 0x10)
      icw1(v);
    else if (v & 0x08)
      ocw3(v);
    else
      ocw2(v);
  } else {
    switch (init_step) {
      case 2:  // ICW2: the vector base (bits 7-3)
        icw2 = v;
        icw2_done = true;
        init_step = !single ? 3 : need_icw4 ? 4 : 0;
        break;
      case 3:  // ICW3: the cascade wiring, fixed on a PC (the slave on IR2, with ID 2)
        init_step = need_icw4 ? 4 : 0;
        break;
      case 4:  // ICW4: AEOI (bit 1) and SFNM (bit 4); 8086 mode and buffering are taken as given
        auto_eoi = v & 2;
        sfnm = v & 0x10;
        init_step = 0;
        break;
      default:  // OCW1: the mask
        imr = v;
        break;
    }
  }
  pair_.update();
}

// ---- the ELCR: one byte per chip, bit n set = IRQ n level triggered

uint64_t I8259Pair::Elcr::read(uint64_t offset, unsigned) { return pair_.chips_[offset & 1].elcr; }

void I8259Pair::Elcr::write(uint64_t offset, unsigned, uint64_t value) {
  Chip& c = pair_.chips_[offset & 1];
  c.elcr = uint8_t(value) & c.elcr_mask;
  c.irr = uint8_t((c.irr & ~c.elcr) | (c.levels & c.elcr));  // a level-triggered request is the line itself
  pair_.update();
}

}  // namespace kiln::devices
