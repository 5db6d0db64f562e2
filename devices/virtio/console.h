// virtio-console (device id 3, virtio 1.2 §5.3) with a single port and no
// multiport or size features: queue 0 (receiveq) carries host input to the
// guest, queue 1 (transmitq) guest output to a FILE*. Input arrives through
// receive() on the CPU thread and waits in a bounded buffer until the driver
// posts receive buffers.
#pragma once
#include <cstdint>
#include <cstdio>
#include <deque>

#include "devices/virtio/device.h"

namespace kiln::devices::virtio {

class Console final : public Device {
 public:
  static constexpr uint32_t kDeviceId = 3;
  static constexpr unsigned kReceiveQ = 0, kTransmitQ = 1;
  static constexpr size_t kMaxPending = 64 * 1024;  // input beyond this is dropped

  // Output goes to `out` (may be nullptr: discarded).
  explicit Console(std::FILE* out);

  // A byte of host input (CPU thread only).
  void receive(uint8_t byte);
  size_t pending_input() const { return pending_.size(); }

  uint32_t device_id() const override { return kDeviceId; }
  uint64_t features() const override { return 0; }
  unsigned num_queues() const override { return 2; }
  uint32_t config_size() const override { return 12; }  // cols, rows, max_nr_ports, emerg_wr
  void read_config(uint32_t offset, uint8_t* dst, unsigned len) override;
  void write_config(uint32_t offset, const uint8_t* src, unsigned len) override;
  void notify(unsigned index) override;
  void reset() override {}

 private:
  void deliver();
  void transmit();

  std::FILE* out_;
  std::deque<uint8_t> pending_;
};

}  // namespace kiln::devices::virtio
