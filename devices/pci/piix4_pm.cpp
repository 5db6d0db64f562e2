#include "devices/pci/piix4_pm.h"

namespace kiln::devices::pci {

Piix4Pm::Piix4Pm(const Clock& clock, IrqLine& sci, std::function<void()> power_off)
    : Device({0x8086, 0x7113, 0x03, 0x068000}), pm_(clock, sci, std::move(power_off)) {
  cfg_.set(reg::kStatus, 2, 0x0280);  // fast back-to-back capable, medium DEVSEL timing
  set_interrupt_pin(1);
  cfg_.set(kPmBase, 4, 1);
  cfg_.set_writable(kPmBase, 4, 0xffc0);
  cfg_.set(kDevActB, 4, kApmcEnable);
  cfg_.set_writable(kDevActB, 4, 0xffffffff & ~kApmcEnable);
  cfg_.set_writable(kPmRegMisc, 1, 0x01);
  cfg_.set(kSmbBase, 4, 1);
  cfg_.set_writable(kSmbBase, 4, 0xfff0);
  cfg_.set(kSmbHostCfg, 1, 0x09);  // QEMU's reset value: SMBus enabled, SMI routed as IRQ 9
  cfg_.set_writable(kSmbHostCfg, 1, 0x0f);
}

int Piix4Pm::pm_ports() const {
  return (cfg_.read(kPmRegMisc, 1) & 1) ? int(cfg_.read(kPmBase, 4) & 0xffc0) : -1;
}

int Piix4Pm::smbus_ports() const {
  return (cfg_.read(kSmbHostCfg, 1) & 1) ? int(cfg_.read(kSmbBase, 4) & 0xfff0) : -1;
}

// PMBA moves or PMREGMISC switches the registers on or off. A base the port
// space refuses (over another device) leaves them unmapped, as for a BAR.
void Piix4Pm::config_written(unsigned offset, unsigned size) {
  if (!touches(offset, size, kPmBase, 4) && !touches(offset, size, kPmRegMisc)) return;
  const int want = pm_ports() > 0 ? pm_ports() : -1;
  if (want == pm_mapped_) return;
  mem::PortSpace* io = spaces().io;
  if (pm_mapped_ >= 0) (void)io->remove(uint32_t(pm_mapped_), &pm_);
  pm_mapped_ = want >= 0 && io->add("piix4-pm", uint32_t(want), kPmPorts, &pm_) ? want : -1;
}

// Each register is taken a byte at a time, so any access size at any offset
// means what its bytes mean (a dword at 0 is PMSTS and PMEN together).
uint64_t Piix4Pm::PmRegisters::read(uint64_t offset, unsigned size) {
  const unsigned __int128 ticks = (unsigned __int128)clock_.now_ns() * kPmTimerHz / 1000000000u;
  const uint32_t timer = uint32_t(ticks) & 0xffffff;
  uint64_t v = 0;
  for (unsigned i = 0; i < size; i++) v |= uint64_t(read_byte(unsigned(offset) + i, timer)) << (8 * i);
  return v;
}

void Piix4Pm::PmRegisters::write(uint64_t offset, unsigned size, uint64_t value) {
  for (unsigned i = 0; i < size; i++) write_byte(unsigned(offset) + i, uint8_t(value >> (8 * i)));
}

uint8_t Piix4Pm::PmRegisters::read_byte(unsigned offset, uint32_t timer) const {
  const unsigned shift = 8 * (offset & 1);
  switch (offset & ~1u) {
    case kPmStatus: return uint8_t(status_ >> shift);
    case kPmEnable: return uint8_t(enable_ >> shift);
    case kPmControl: return uint8_t((control_ | kSciEnable) >> shift);
    case kPmTimer: case kPmTimer + 2: return uint8_t(timer >> (8 * (offset - kPmTimer)));
    case kGpStatus: return uint8_t(gp_status_ >> shift);
    case kGpEnable: return uint8_t(gp_enable_ >> shift);
    default: return 0;
  }
}

void Piix4Pm::PmRegisters::write_byte(unsigned offset, uint8_t v) {
  const unsigned shift = 8 * (offset & 1);
  const uint16_t bits = uint16_t(v << shift), lane = uint16_t(0xff << shift);
  switch (offset & ~1u) {
    case kPmStatus: status_ &= uint16_t(~bits); break;   // write 1 to clear
    case kPmEnable: enable_ = uint16_t((enable_ & ~lane) | (bits & kPmEvents)); break;
    case kPmControl:
      control_ = uint16_t((control_ & ~lane) | (bits & kControlWritable));
      if ((bits & kSleepEnable) && ((control_ >> kSleepTypeShift) & 7) == kSleepTypeSoftOff) power_off_();
      break;
    case kGpStatus: gp_status_ &= uint16_t(~bits); break;
    case kGpEnable: gp_enable_ = uint16_t((gp_enable_ & ~lane) | bits); break;
    default: break;
  }
  update_sci();
}

void Piix4Pm::PmRegisters::update_sci() {
  const bool level = (status_ & enable_ & kPmEvents) || (gp_status_ & gp_enable_);
  if (level == sci_level_) return;
  sci_level_ = level;
  sci_.set_level(level);
}

}  // namespace kiln::devices::pci
