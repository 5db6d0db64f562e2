// A split virtqueue (virtio 1.2 §2.7) seen from the device: the driver-set
// addresses of the descriptor table, available ring and used ring, popping
// descriptor chains and pushing them back as used. Everything the guest
// wrote is distrusted: descriptor indices are range-checked, chains are cut
// at the queue size (so a loop cannot hang us), the used ring and every
// buffer the device writes must lie in guest RAM (rings and buffers it reads
// in RAM or ROM; nothing on a device), and the available index may not run
// ahead by more than the queue size. A malformed ring marks the queue broken
// and reports it once through the error callback; it then yields nothing
// until reset.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "mem/physmap.h"
#include "mem/tlb.h"

namespace kiln::devices::virtio {

// Split-ring layout (virtio 1.2 §2.7.5 ff.).
constexpr uint16_t kDescFNext = 1, kDescFWrite = 2, kDescFIndirect = 4;
constexpr uint16_t kAvailFNoInterrupt = 1;

struct Buffer {
  uint64_t addr = 0;
  uint32_t len = 0;
};

// One descriptor chain: the device-readable buffers, then the device-writable
// ones. read()/write() copy across buffer boundaries.
class Chain {
 public:
  uint16_t head = 0;
  std::vector<Buffer> readable, writable;

  uint64_t readable_len() const;
  uint64_t writable_len() const;
  // Copies up to `len` bytes of the readable part starting at `offset`; returns bytes copied.
  uint64_t read(uint64_t offset, void* dst, uint64_t len) const;
  // Copies up to `len` bytes into the writable part starting at `offset`; returns bytes copied.
  uint64_t write(uint64_t offset, const void* src, uint64_t len) const;

 private:
  friend class Queue;
  mem::PhysMap* map_ = nullptr;
  mem::CodeWatcher* watcher_ = nullptr;
};

class Queue {
 public:
  // Configuration written by the transport on the driver's behalf.
  uint16_t max_size = 0;
  uint16_t size = 0;
  bool ready = false;
  uint64_t desc_addr = 0, driver_addr = 0, device_addr = 0;

  // Memory for the rings and buffers; the watcher (may be null) hears of
  // device writes to pages holding translated code; on_error is called once
  // when the queue turns out malformed.
  void attach(mem::PhysMap* map, mem::CodeWatcher* watcher, std::function<void()> on_error);
  void set_code_watcher(mem::CodeWatcher* watcher) { watcher_ = watcher; }
  // Back to the state after device reset (not ready, size = max_size, indices 0).
  void reset();

  // The next available chain; nullopt if there is none, the queue is not
  // ready, or it is broken.
  std::optional<Chain> pop();
  // Puts a chain popped from this queue on the used ring with `written` bytes written.
  void push(const Chain& chain, uint32_t written);
  // False if the driver set VIRTQ_AVAIL_F_NO_INTERRUPT.
  bool wants_interrupt();
  bool broken() const { return broken_; }

 private:
  void fail();
  bool usable() const;
  bool rings_in_memory() const;
  bool read16(uint64_t pa, uint16_t* v);

  mem::PhysMap* map_ = nullptr;
  mem::CodeWatcher* watcher_ = nullptr;
  std::function<void()> on_error_;
  uint16_t last_avail_ = 0, used_idx_ = 0;
  bool broken_ = false;
};

}  // namespace kiln::devices::virtio
