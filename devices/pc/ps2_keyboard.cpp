#include "devices/pc/ps2_keyboard.h"

namespace kiln::devices {

namespace {

// What the controller's translation makes of the set numbers 1-3 and of the
// MF2 ID's second byte 0x83 (their set-1 equivalents, as an 8042 sends them).
constexpr uint8_t kTranslatedSet[4] = {0, 0x43, 0x41, 0x3f};
constexpr uint8_t kIdFirst = 0xab, kIdSecond = 0x83, kIdSecondTranslated = 0x41;

}  // namespace

void Ps2Keyboard::write(uint8_t byte) {
  if (const uint8_t cmd = pending_) {
    pending_ = 0;
    switch (cmd) {
      case 0xed:
        leds_ = byte & 0x07;
        queue(kAck);
        return;
      case 0xf0:
        if (byte == 0) {
          queue(kAck);
          queue(translated_ ? kTranslatedSet[scan_set_] : uint8_t(scan_set_));
        } else if (byte <= 3) {
          scan_set_ = byte;
          queue(kAck);
        } else {
          queue(kResend);
        }
        return;
      default:  // 0xF3: the typematic rate, accepted and not modelled (no key repeat yet)
        queue(kAck);
        return;
    }
  }
  switch (byte) {
    case 0xed: case 0xf0: case 0xf3:
      pending_ = byte;
      queue(kAck);
      break;
    case 0xee:
      queue(kEcho);
      break;
    case 0xf2:
      queue(kAck);
      queue(kIdFirst);
      queue(translated_ ? kIdSecondTranslated : kIdSecond);
      break;
    case 0xf4:
      scanning_ = true;
      queue(kAck);
      break;
    case 0xf5:  // disable, and back to the defaults
      scanning_ = false;
      scan_set_ = 2;
      queue(kAck);
      break;
    case 0xf6:
      scan_set_ = 2;
      queue(kAck);
      break;
    case 0xf7: case 0xf8: case 0xf9: case 0xfa: case 0xfb: case 0xfc: case 0xfd:
      queue(kAck);
      break;
    case 0xff:
      reset();
      queue(kAck);
      queue(kSelfTestPassed);
      break;
    default:
      queue(kResend);
  }
}

uint8_t Ps2Keyboard::take_output() {
  if (out_.empty()) return 0;
  const uint8_t b = out_.front();
  out_.pop_front();
  return b;
}

void Ps2Keyboard::reset() {
  out_.clear();
  pending_ = 0;
  leds_ = 0;
  scan_set_ = 2;
  scanning_ = true;
}

void Ps2Keyboard::key_bytes(const uint8_t* bytes, size_t n) {
  if (!scanning_) return;
  for (size_t i = 0; i < n; i++) queue(bytes[i]);
  if (output_ready_) output_ready_();
}

void Ps2Keyboard::queue(uint8_t b) {
  if (out_.size() < kQueueBytes) out_.push_back(b);
}

}  // namespace kiln::devices
