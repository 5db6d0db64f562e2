#include "devices/virtio/mmio.h"

namespace kiln::devices::virtio {

namespace {
constexpr uint32_t kVersion = 2;
uint32_t low(uint64_t v) { return uint32_t(v); }
uint32_t high(uint64_t v) { return uint32_t(v >> 32); }
void set_low(uint64_t& v, uint32_t x) { v = (v & ~0xffffffffull) | x; }
void set_high(uint64_t& v, uint32_t x) { v = (v & 0xffffffffull) | (uint64_t(x) << 32); }
}  // namespace

MmioTransport::MmioTransport(mem::PhysMap& memory, IrqLine& irq, Device* device)
    : memory_(memory), irq_(irq), device_(device) {
  if (!device_) return;
  device_->bind(this);
  queues_.resize(device_->num_queues());
  for (unsigned i = 0; i < queues_.size(); i++) {
    queues_[i].max_size = device_->queue_max_size(i);
    queues_[i].attach(&memory_, nullptr, [this] { device_error(); });
    queues_[i].reset();
  }
}

void MmioTransport::set_code_watcher(mem::CodeWatcher* watcher) {
  for (Queue& q : queues_) q.set_code_watcher(watcher);
}

uint64_t MmioTransport::offered_features() const {
  return device_ ? device_->features() | (1ull << kFeatureVersion1) : 0;
}

Queue* MmioTransport::selected() { return queue(queue_sel_); }

// rules() keeps register accesses 32-bit and aligned.
uint64_t MmioTransport::read(uint64_t offset, unsigned size) {
  return offset >= kRegConfig ? read_config(offset - kRegConfig, size) : read_reg(offset);
}

void MmioTransport::write(uint64_t offset, unsigned size, uint64_t value) {
  if (offset >= kRegConfig)
    write_config(offset - kRegConfig, size, value);
  else
    write_reg(offset, uint32_t(value));
}

uint32_t MmioTransport::read_reg(uint64_t offset) {
  Queue* q = selected();
  switch (offset) {
    case kRegMagic:
      return kMagic;
    case kRegVersion:
      return kVersion;
    case kRegDeviceId:
      return device_ ? device_->device_id() : 0;
    case kRegVendorId:
      return kVendorId;
    case kRegDeviceFeatures:
      return device_features_sel_ == 0 ? low(offered_features())
             : device_features_sel_ == 1 ? high(offered_features())
                                         : 0;
    case kRegQueueNumMax:
      return q ? q->max_size : 0;
    case kRegQueueNum:
      return q ? q->size : 0;
    case kRegQueueReady:
      return q && q->ready;
    case kRegInterruptStatus:
      return interrupt_status_;
    case kRegStatus:
      return status_;
    case kRegQueueDescLow:
      return q ? low(q->desc_addr) : 0;
    case kRegQueueDescHigh:
      return q ? high(q->desc_addr) : 0;
    case kRegQueueDriverLow:
      return q ? low(q->driver_addr) : 0;
    case kRegQueueDriverHigh:
      return q ? high(q->driver_addr) : 0;
    case kRegQueueDeviceLow:
      return q ? low(q->device_addr) : 0;
    case kRegQueueDeviceHigh:
      return q ? high(q->device_addr) : 0;
    case kRegShmLenLow:
    case kRegShmLenHigh:
    case kRegShmBaseLow:
    case kRegShmBaseHigh:
      return 0xffffffff;  // no shared memory regions: length (and base) all ones
    case kRegConfigGeneration:
      return config_generation_;
    default:
      return 0;  // write-only registers, QueueReset (VIRTIO_F_RING_RESET not offered), holes
  }
}

void MmioTransport::write_reg(uint64_t offset, uint32_t value) {
  if (!device_) return;  // an empty slot ignores everything
  Queue* q = selected();
  // A queue's configuration may only change while it is not ready.
  Queue* qc = q && !q->ready ? q : nullptr;
  switch (offset) {
    case kRegDeviceFeaturesSel:
      device_features_sel_ = value;
      return;
    case kRegDriverFeaturesSel:
      driver_features_sel_ = value;
      return;
    case kRegDriverFeatures:
      if (status_ & kStatusFeaturesOk) return;  // negotiation is over
      if (driver_features_sel_ == 0) set_low(driver_features_, value);
      if (driver_features_sel_ == 1) set_high(driver_features_, value);
      return;
    case kRegQueueSel:
      queue_sel_ = value;
      return;
    case kRegQueueNum:
      if (qc) qc->size = value > 0xffff ? 0 : uint16_t(value);  // checked when the queue is used
      return;
    case kRegQueueReady:
      if (q) q->ready = value & 1;
      return;
    case kRegQueueNotify:
      // Without VIRTIO_F_NOTIFICATION_DATA the value is the queue index.
      if (value < queues_.size() && queues_[value].ready && driver_ok()) device_->notify(value);
      return;
    case kRegInterruptAck:
      interrupt_status_ &= ~value;
      update_irq();
      return;
    case kRegStatus: {
      if (value == 0) {
        reset();
        return;
      }
      uint32_t old = status_;
      uint32_t v = (value & 0xff & ~kStatusNeedsReset) | (status_ & kStatusNeedsReset);
      // FEATURES_OK sticks only if the driver accepted a subset of what we
      // offer that includes VERSION_1 (a legacy driver is refused).
      if ((v & kStatusFeaturesOk) && !(old & kStatusFeaturesOk) &&
          ((driver_features_ & ~offered_features()) || !(driver_features_ >> kFeatureVersion1 & 1)))
        v &= ~kStatusFeaturesOk;
      status_ = v;
      // Kicks that arrived before DRIVER_OK were not delivered: let the back
      // end look at every ready queue now.
      if (!(old & kStatusDriverOk) && driver_ok())
        for (unsigned i = 0; i < queues_.size(); i++)
          if (queues_[i].ready) device_->notify(i);
      return;
    }
    case kRegQueueDescLow:
      if (qc) set_low(qc->desc_addr, value);
      return;
    case kRegQueueDescHigh:
      if (qc) set_high(qc->desc_addr, value);
      return;
    case kRegQueueDriverLow:
      if (qc) set_low(qc->driver_addr, value);
      return;
    case kRegQueueDriverHigh:
      if (qc) set_high(qc->driver_addr, value);
      return;
    case kRegQueueDeviceLow:
      if (qc) set_low(qc->device_addr, value);
      return;
    case kRegQueueDeviceHigh:
      if (qc) set_high(qc->device_addr, value);
      return;
    default:
      return;  // read-only registers, ShmSel, QueueReset, holes
  }
}

uint64_t MmioTransport::read_config(uint64_t offset, unsigned size) {
  if (!device_ || size > 8) return 0;
  uint64_t limit = device_->config_size();
  uint8_t bytes[8] = {};
  // Bytes beyond the config space read as zero.
  if (offset < limit) {
    unsigned n = unsigned(limit - offset < size ? limit - offset : size);
    device_->read_config(uint32_t(offset), bytes, n);
  }
  uint64_t v = 0;
  for (unsigned i = 0; i < size; i++) v |= uint64_t(bytes[i]) << (8 * i);
  return v;
}

void MmioTransport::write_config(uint64_t offset, unsigned size, uint64_t value) {
  if (!device_ || size > 8) return;
  uint64_t limit = device_->config_size();
  if (offset >= limit) return;
  uint8_t bytes[8];
  for (unsigned i = 0; i < size; i++) bytes[i] = uint8_t(value >> (8 * i));
  unsigned n = unsigned(limit - offset < size ? limit - offset : size);
  device_->write_config(uint32_t(offset), bytes, n);
}

void MmioTransport::reset() {
  status_ = 0;
  driver_features_ = 0;
  device_features_sel_ = driver_features_sel_ = queue_sel_ = 0;
  interrupt_status_ = 0;
  for (Queue& q : queues_) q.reset();
  if (device_) device_->reset();
  update_irq();
}

void MmioTransport::notify_used(unsigned index) {
  Queue* q = queue(index);
  if (q && !q->wants_interrupt()) return;
  interrupt_status_ |= kIntUsedBuffer;
  update_irq();
}

void MmioTransport::config_changed() {
  config_generation_++;
  interrupt_status_ |= kIntConfigChange;
  update_irq();
}

void MmioTransport::device_error() {
  if (status_ & kStatusNeedsReset) return;
  status_ |= kStatusNeedsReset;
  if (status_ & kStatusDriverOk) {
    interrupt_status_ |= kIntConfigChange;  // the spec's way to tell the driver
    update_irq();
  }
}

void MmioTransport::update_irq() {
  bool level = interrupt_status_ != 0;
  if (level != irq_level_) {
    irq_level_ = level;
    irq_.set_level(level);
  }
}

}  // namespace kiln::devices::virtio
