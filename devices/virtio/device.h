// The split between a virtio transport (MMIO now, PCI later) and a virtio
// device back end (blk, console, rng). A back end states its id, feature
// bits, queues and config space, and is told when the driver notifies a queue
// and when the device resets; it reaches guest memory and its queues through
// the Transport it is bound to. The transport owns feature negotiation (it
// always offers VIRTIO_F_VERSION_1), the status register and interrupts.
#pragma once
#include <cstdint>

#include "mem/physmap.h"

namespace kiln::devices::virtio {

class Queue;

// Feature bits the transport knows about.
constexpr unsigned kFeatureVersion1 = 32;

// Device status bits (virtio 1.2 §2.1).
enum StatusBits : uint32_t {
  kStatusAcknowledge = 1, kStatusDriver = 2, kStatusDriverOk = 4, kStatusFeaturesOk = 8,
  kStatusNeedsReset = 64, kStatusFailed = 128,
};

// What a back end may ask of its transport.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual mem::PhysMap& memory() = 0;
  // Queue `index` of the device, nullptr if out of range.
  virtual Queue* queue(unsigned index) = 0;
  // The feature bits the driver accepted (valid once FEATURES_OK is set).
  virtual uint64_t driver_features() const = 0;
  // The driver has set DRIVER_OK (and the device does not need a reset):
  // buffers may be used. Notifications that arrive earlier are replayed
  // to the back end when DRIVER_OK is set.
  virtual bool driver_ok() const = 0;
  // Used buffers were added to queue `index`: interrupt the driver (unless it asked not to be).
  virtual void notify_used(unsigned index) = 0;
  // The config space changed.
  virtual void config_changed() = 0;
  // The device hit an error it cannot recover from: sets DEVICE_NEEDS_RESET.
  virtual void device_error() = 0;
};

class Device {
 public:
  virtual ~Device() = default;
  virtual uint32_t device_id() const = 0;
  // Device-specific feature bits offered (the transport adds VERSION_1).
  virtual uint64_t features() const = 0;
  virtual unsigned num_queues() const = 0;
  virtual uint16_t queue_max_size(unsigned index) const { return 256; }
  // Config space: `len` bytes at `offset`, already bounds-checked against config_size().
  virtual uint32_t config_size() const = 0;
  virtual void read_config(uint32_t offset, uint8_t* dst, unsigned len) = 0;
  virtual void write_config(uint32_t offset, const uint8_t* src, unsigned len) {}
  // The driver notified queue `index` (the queue is ready when this is called).
  virtual void notify(unsigned index) = 0;
  // The driver reset the device (status 0): forget everything in flight.
  virtual void reset() = 0;

  // Called by the transport that owns this back end.
  void bind(Transport* t) { transport_ = t; }

 protected:
  Transport* transport_ = nullptr;
};

}  // namespace kiln::devices::virtio
