#include "devices/pci/piix4_pm.h"

namespace kiln::devices::pci {

Piix4Pm::Piix4Pm(const Clock& clock) : Device({0x8086, 0x7113, 0x03, 0x068000}), pm_(clock) {
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

uint64_t Piix4Pm::PmRegisters::read(uint64_t offset, unsigned size) {
  if (offset < kPmTimer || offset >= kPmTimer + 4) return 0;
  const unsigned __int128 ticks = (unsigned __int128)clock_.now_ns() * kPmTimerHz / 1000000000u;
  const uint32_t timer = uint32_t(ticks) & 0xffffff;
  return (timer >> (8 * (offset - kPmTimer))) & (size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1);
}

}  // namespace kiln::devices::pci
