// The virtio-mmio transport, version 2 ("modern", virtio 1.2 §4.2): the
// register file at 0x000-0x0ff and the device's config space from 0x100. A
// slot with no back end reads as DeviceID 0, which drivers probe and skip.
// Queue addresses, sizes and readiness are handed to the back end's Queues;
// InterruptStatus bit 0 (used buffer) and bit 1 (config change) drive one
// level-triggered IrqLine until the driver acknowledges them.
#pragma once
#include <cstdint>
#include <vector>

#include "devices/irq.h"
#include "devices/virtio/device.h"
#include "devices/virtio/queue.h"
#include "mem/physmap.h"

namespace kiln::devices::virtio {

class MmioTransport final : public mem::MmioDevice, public Transport {
 public:
  static constexpr uint64_t kMmioSize = 0x1000;
  static constexpr uint32_t kMagic = 0x74726976;  // "virt"
  static constexpr uint32_t kVendorId = 0x4e4c494b;  // "KILN"
  enum Reg : uint64_t {
    kRegMagic = 0x000, kRegVersion = 0x004, kRegDeviceId = 0x008, kRegVendorId = 0x00c,
    kRegDeviceFeatures = 0x010, kRegDeviceFeaturesSel = 0x014,
    kRegDriverFeatures = 0x020, kRegDriverFeaturesSel = 0x024,
    kRegQueueSel = 0x030, kRegQueueNumMax = 0x034, kRegQueueNum = 0x038, kRegQueueReady = 0x044,
    kRegQueueNotify = 0x050, kRegInterruptStatus = 0x060, kRegInterruptAck = 0x064, kRegStatus = 0x070,
    kRegQueueDescLow = 0x080, kRegQueueDescHigh = 0x084, kRegQueueDriverLow = 0x090,
    kRegQueueDriverHigh = 0x094, kRegQueueDeviceLow = 0x0a0, kRegQueueDeviceHigh = 0x0a4,
    kRegShmSel = 0x0ac, kRegShmLenLow = 0x0b0, kRegShmLenHigh = 0x0b4, kRegShmBaseLow = 0x0b8,
    kRegShmBaseHigh = 0x0bc, kRegQueueReset = 0x0c0, kRegConfigGeneration = 0x0fc, kRegConfig = 0x100,
  };
  enum InterruptBits : uint32_t { kIntUsedBuffer = 1, kIntConfigChange = 2 };

  // `device` may be nullptr: an empty slot. The back end must outlive the transport.
  MmioTransport(mem::PhysMap& memory, IrqLine& irq, Device* device);
  MmioTransport(const MmioTransport&) = delete;
  MmioTransport& operator=(const MmioTransport&) = delete;

  // Device writes to guest pages holding translated code are reported here.
  void set_code_watcher(mem::CodeWatcher* watcher);

  // Virtio 1.2 §4.2.2.2: the driver uses 32-bit aligned accesses for the
  // registers, and 8-, 16- or 32-bit aligned ones in the config space (64-bit
  // fields as two 32-bit halves; QEMU's virtio-mmio accepts at most 4 bytes).
  // No AMOs.
  mem::AccessRules rules(uint64_t offset) const override {
    return {.min_size = offset < kRegConfig ? 4u : 1u, .max_size = 4};
  }
  uint64_t read(uint64_t offset, unsigned size) override;
  void write(uint64_t offset, unsigned size, uint64_t value) override;

  // Transport
  mem::PhysMap& memory() override { return memory_; }
  Queue* queue(unsigned index) override { return index < queues_.size() ? &queues_[index] : nullptr; }
  uint64_t driver_features() const override { return driver_features_; }
  bool driver_ok() const override { return (status_ & (kStatusDriverOk | kStatusNeedsReset)) == kStatusDriverOk; }
  void notify_used(unsigned index) override;
  void config_changed() override;
  void device_error() override;

  uint32_t status() const { return status_; }
  uint32_t interrupt_status() const { return interrupt_status_; }

 private:
  uint64_t offered_features() const;
  uint32_t read_reg(uint64_t offset);
  void write_reg(uint64_t offset, uint32_t value);
  uint64_t read_config(uint64_t offset, unsigned size);
  void write_config(uint64_t offset, unsigned size, uint64_t value);
  void reset();
  void update_irq();
  Queue* selected();

  mem::PhysMap& memory_;
  IrqLine& irq_;
  Device* device_;
  std::vector<Queue> queues_;
  uint32_t device_features_sel_ = 0, driver_features_sel_ = 0, queue_sel_ = 0;
  uint64_t driver_features_ = 0;
  uint32_t status_ = 0, interrupt_status_ = 0, config_generation_ = 0;
  bool irq_level_ = false;
};

}  // namespace kiln::devices::virtio
