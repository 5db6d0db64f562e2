#include "devices/uart/ns16550a.h"

namespace kiln::devices {

namespace {
// Register indices (offset from the base, regshift 0).
enum : unsigned { kRbrThr = 0, kIer = 1, kIirFcr = 2, kLcr = 3, kMcr = 4, kLsr = 5, kMsr = 6, kScr = 7 };
// IER bits.
constexpr uint8_t kIerRx = 0x01, kIerThre = 0x02, kIerLine = 0x04, kIerModem = 0x08;
// IIR interrupt identification (bit 0 clear: an interrupt is pending).
constexpr uint8_t kIirNone = 0x01, kIirLine = 0x06, kIirRx = 0x04, kIirThre = 0x02, kIirFifo = 0xc0;
// FCR bits.
constexpr uint8_t kFcrEnable = 0x01, kFcrClearRx = 0x02;
// LCR, LSR bits.
constexpr uint8_t kLcrDlab = 0x80;
constexpr uint8_t kMcrLoop = 0x10;
constexpr uint8_t kLsrDr = 0x01, kLsrOe = 0x02, kLsrThre = 0x20, kLsrTemt = 0x40;
// MSR with no modem attached: carrier, data set ready and clear to send asserted.
constexpr uint8_t kMsrIdle = 0xb0;
}  // namespace

Ns16550a::Ns16550a(IrqLine& irq, std::FILE* out) : irq_(irq), out_(out), msr_(kMsrIdle) {}

unsigned Ns16550a::rx_space() const {
  unsigned cap = fifo_enabled() ? kFifoSize : 1;
  return rx_.size() >= cap ? 0 : cap - unsigned(rx_.size());
}

void Ns16550a::receive(uint8_t byte) {
  if (rx_space() == 0) {
    overrun_ = true;  // the datasheet keeps the FIFO and loses the new character
  } else {
    rx_.push_back(byte);
  }
  update_irq();
}

// Accesses wider than a byte are not used by the drivers; their low byte goes
// to the register at `offset`.
uint64_t Ns16550a::read(uint64_t offset, unsigned size) {
  return offset < 8 ? read_reg(unsigned(offset)) : 0;
}

void Ns16550a::write(uint64_t offset, unsigned size, uint64_t value) {
  if (offset < 8) write_reg(unsigned(offset), uint8_t(value));
}

uint8_t Ns16550a::iir() const {
  uint8_t fifo = fifo_enabled() ? kIirFifo : 0;
  if ((ier_ & kIerLine) && overrun_) return fifo | kIirLine;
  if ((ier_ & kIerRx) && !rx_.empty()) return fifo | kIirRx;
  if ((ier_ & kIerThre) && thre_pending_) return fifo | kIirThre;
  return fifo | kIirNone;
}

uint8_t Ns16550a::read_reg(unsigned reg) {
  bool dlab = lcr_ & kLcrDlab;
  switch (reg) {
    case kRbrThr: {
      if (dlab) return dll_;
      if (rx_.empty()) return 0;
      uint8_t b = rx_.front();
      rx_.pop_front();
      update_irq();
      return b;
    }
    case kIer:
      return dlab ? dlm_ : ier_;
    case kIirFcr: {
      uint8_t v = iir();
      // Reading IIR while it names the THRE interrupt acknowledges it.
      if ((v & 0x0f) == kIirThre) {
        thre_pending_ = false;
        update_irq();
      }
      return v;
    }
    case kLcr:
      return lcr_;
    case kMcr:
      return mcr_;
    case kLsr: {
      if (unflushed_) flush_out();  // a polling guest sees its output promptly
      uint8_t v = kLsrThre | kLsrTemt | (rx_.empty() ? 0 : kLsrDr) | (overrun_ ? kLsrOe : 0);
      if (overrun_) {
        overrun_ = false;  // error bits clear when LSR is read
        update_irq();
      }
      return v;
    }
    case kMsr:
      if (mcr_ & kMcrLoop)  // loopback: the outputs come back as the inputs (Linux's probe checks this)
        return uint8_t(((mcr_ & 0x02) ? 0x10 : 0) | ((mcr_ & 0x01) ? 0x20 : 0) | ((mcr_ & 0x04) ? 0x40 : 0) |
                       ((mcr_ & 0x08) ? 0x80 : 0));
      return msr_;
    default:
      return scr_;
  }
}

void Ns16550a::write_reg(unsigned reg, uint8_t v) {
  bool dlab = lcr_ & kLcrDlab;
  switch (reg) {
    case kRbrThr:
      if (dlab) {
        dll_ = v;
        return;
      }
      if (mcr_ & kMcrLoop) {
        receive(v);
      } else if (out_) {
        std::fputc(v, out_);
        if (v == '\n') {
          flush_out();
        } else {
          unflushed_ = true;
        }
      }
      // The byte leaves at once, so THR is empty again: writing THR clears the
      // THRE interrupt and the emptying re-arms it.
      thre_pending_ = true;
      update_irq();
      return;
    case kIer: {
      if (dlab) {
        dlm_ = v;
        return;
      }
      uint8_t old = ier_;
      ier_ = v & (kIerRx | kIerThre | kIerLine | kIerModem);
      if ((ier_ & kIerThre) && !(old & kIerThre)) thre_pending_ = true;  // THR is always empty
      update_irq();
      return;
    }
    case kIirFcr:
      if ((v & kFcrEnable) != (fcr_ & kFcrEnable) || (v & kFcrClearRx)) rx_.clear();
      fcr_ = v & 0xc9;  // enable, DMA mode, trigger level; the clear bits self-clear
      update_irq();
      return;
    case kLcr:
      lcr_ = v;
      return;
    case kMcr:
      mcr_ = v & 0x1f;
      return;
    case kScr:
      scr_ = v;
      return;
    default:  // LSR and MSR are read-only
      return;
  }
}

void Ns16550a::update_irq() {
  bool level = (iir() & 1) == 0;
  if (level != irq_level_) {
    irq_level_ = level;
    irq_.set_level(level);
  }
}

void Ns16550a::flush_out() {
  if (out_) std::fflush(out_);
  unflushed_ = false;
}

}  // namespace kiln::devices
