// The NS16550A UART of the `virt` board, as Linux's 8250 driver and OpenSBI
// drive it: eight 1-byte registers at stride 1 (regshift 0). Transmission is
// instantaneous (THR and the shift register are always empty), the receiver
// has the 16-byte FIFO of the datasheet, and one IrqLine carries the
// received-data and THR-empty interrupts with the datasheet's priorities and
// acknowledgement rules. Modem lines and line errors other than overrun are
// not modelled (MSR reports carrier, DSR and CTS); loopback mode sends THR
// to the receiver and reflects MCR's outputs in MSR, as Linux's probe expects.
#pragma once
#include <cstdint>
#include <cstdio>
#include <deque>

#include "devices/irq.h"
#include "mem/physmap.h"

namespace kiln::devices {

class Ns16550a final : public mem::MmioDevice {
 public:
  static constexpr uint64_t kMmioSize = 0x100;  // the window QEMU's virt board gives it
  static constexpr unsigned kFifoSize = 16;

  // Transmitted bytes go to `out` (may be nullptr: discarded).
  Ns16550a(IrqLine& irq, std::FILE* out);

  // 1 to 8 bytes, naturally aligned, as QEMU's serial-mm (valid.max_access_size
  // 8): a wider access reads or writes the byte register at its offset. No
  // AMOs: reading RBR, IIR or LSR changes the UART's state.
  mem::AccessRules rules(uint64_t) const override { return {.min_size = 1, .max_size = 8}; }
  uint64_t read(uint64_t offset, unsigned size) override;
  void write(uint64_t offset, unsigned size, uint64_t value) override;

  // A byte from the host side (CPU thread only). Dropped, with the overrun
  // bit set in LSR, when the receive FIFO (or holding register) is full.
  void receive(uint8_t byte);
  // Room left in the receiver: lets the board hold input back instead of
  // overrunning it.
  unsigned rx_space() const;

 private:
  uint8_t read_reg(unsigned reg);
  void write_reg(unsigned reg, uint8_t v);
  uint8_t iir() const;
  bool fifo_enabled() const { return fcr_ & 1; }
  void update_irq();
  void flush_out();

  IrqLine& irq_;
  std::FILE* out_;
  std::deque<uint8_t> rx_;
  uint8_t ier_ = 0, fcr_ = 0, lcr_ = 0, mcr_ = 0, scr_ = 0, msr_ = 0;
  uint8_t dll_ = 0x0c, dlm_ = 0;  // 9600 baud at 1.8432 MHz until the guest says otherwise
  bool overrun_ = false;
  bool thre_pending_ = false;  // the THR-empty interrupt is armed and not acknowledged
  bool unflushed_ = false;
  bool irq_level_ = false;
};

}  // namespace kiln::devices
