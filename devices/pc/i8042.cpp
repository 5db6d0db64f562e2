#include "devices/pc/i8042.h"

namespace kiln::devices {

I8042::I8042(IrqLine& kbd_irq, IrqLine& aux_irq, Hooks hooks)
    : kbd_irq_(kbd_irq), aux_irq_(aux_irq), hooks_(std::move(hooks)) {
  kbd_.set_output_ready([this] { refill(); });
}

void I8042::reset() {
  replies_.clear();
  full_ = aux_ = false;
  outbuf_ = 0;
  mode_ = kModeKbdInt | kModeAuxInt;
  outport_ = kOutReset | kOutA20 | kOutOnes;
  pending_ = 0;
  system_ = false;
  last_was_command_ = true;
  kbd_.reset();
  kbd_.set_translated(false);
  update_irq();
}

uint8_t I8042::status() const {
  return (full_ ? kStatOutputFull : 0) | (system_ ? kStatSystem : 0) | (last_was_command_ ? kStatCommand : 0) |
         kStatUnlocked | (full_ && aux_ ? kStatAuxData : 0);
}

// Reading takes the byte; the next one (if any) moves in at once.
uint8_t I8042::read_data() {
  const uint8_t v = outbuf_;
  if (full_) {
    full_ = false;
    refill();
  }
  return v;
}

void I8042::write_data(uint8_t v) {
  last_was_command_ = false;
  const uint8_t cmd = pending_;
  pending_ = 0;
  switch (cmd) {
    case 0x60:
      mode_ = v & 0x7f;
      system_ = v & kModeSystem;
      kbd_.set_translated(v & kModeTranslate);
      break;
    case 0xd1:
      set_outport(v);
      break;
    case 0xd2:
      reply(v);
      break;
    case 0xd3:
      reply(v, true);
      break;
    case 0xd4:
      break;  // for the aux device: none is attached yet
    default:  // for the keyboard, which that also re-enables (QEMU)
      kbd_.write(v);
      mode_ &= uint8_t(~kModeDisableKbd);
  }
  refill();
}

void I8042::command(uint8_t cmd) {
  last_was_command_ = true;
  pending_ = 0;
  switch (cmd) {
    case 0x20:
      reply(mode_);
      break;
    case 0x60: case 0xd1: case 0xd2: case 0xd3: case 0xd4:
      pending_ = cmd;
      break;
    case 0xa7:
      mode_ |= kModeDisableAux;
      break;
    case 0xa8:
      mode_ &= uint8_t(~kModeDisableAux);
      break;
    case 0xa9: case 0xab:
      reply(kInterfaceOk);
      break;
    case 0xaa:
      system_ = true;
      reply(kSelfTestOk);
      break;
    case 0xad:
      mode_ |= kModeDisableKbd;
      break;
    case 0xae:
      mode_ &= uint8_t(~kModeDisableKbd);
      break;
    case 0xd0:
      reply(uint8_t((outport_ & ~(kOutKbdFull | kOutAuxFull)) | (full_ && !aux_ ? kOutKbdFull : 0) |
                    (full_ && aux_ ? kOutAuxFull : 0)));
      break;
    case 0xdd:
      set_outport(outport_ & uint8_t(~kOutA20));
      break;
    case 0xdf:
      set_outport(outport_ | kOutA20);
      break;
    default:
      // 0xF0-0xFF pulse output port bits 0-3 low where the command's bits are
      // clear; bit 0 is the CPU's reset. Other commands do nothing here.
      if (cmd >= 0xf0 && !(cmd & kOutReset)) hooks_.reset();
      break;
  }
  refill();
}

void I8042::set_outport(uint8_t v) {
  const uint8_t old = outport_;
  outport_ = v;
  if ((old ^ v) & kOutA20) hooks_.a20_changed();
  if (!(v & kOutReset)) hooks_.reset();
}

void I8042::reply(uint8_t b, bool aux) { replies_.push_back({b, aux}); }

void I8042::refill() {
  if (!full_) {
    if (!replies_.empty()) {
      outbuf_ = replies_.front().byte;
      aux_ = replies_.front().aux;
      replies_.pop_front();
      full_ = true;
    } else if (!(mode_ & kModeDisableKbd) && kbd_.has_output()) {
      outbuf_ = kbd_.take_output();
      aux_ = false;
      full_ = true;
    }
  }
  update_irq();
}

void I8042::update_irq() {
  kbd_irq_.set_level(full_ && !aux_ && (mode_ & kModeKbdInt));
  aux_irq_.set_level(full_ && aux_ && (mode_ & kModeAuxInt));
}

}  // namespace kiln::devices
