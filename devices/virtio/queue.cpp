#include "devices/virtio/queue.h"

#include <bit>
#include <cstring>

#include "devices/dma.h"

namespace kiln::devices::virtio {

static_assert(std::endian::native == std::endian::little, "virtio rings are little-endian; add byte swaps");

namespace {

struct Desc {
  uint64_t addr;
  uint32_t len;
  uint16_t flags;
  uint16_t next;
};
static_assert(sizeof(Desc) == 16);

}  // namespace

uint64_t Chain::readable_len() const {
  uint64_t n = 0;
  for (const Buffer& b : readable) n += b.len;
  return n;
}

uint64_t Chain::writable_len() const {
  uint64_t n = 0;
  for (const Buffer& b : writable) n += b.len;
  return n;
}

uint64_t Chain::read(uint64_t offset, void* dst, uint64_t len) const {
  uint8_t* out = static_cast<uint8_t*>(dst);
  uint64_t done = 0;
  for (const Buffer& b : readable) {
    if (done == len) break;
    if (offset >= b.len) {
      offset -= b.len;
      continue;
    }
    uint64_t n = b.len - offset < len - done ? b.len - offset : len - done;
    if (!map_ || !map_->read(b.addr + offset, out + done, n)) break;
    done += n;
    offset = 0;
  }
  return done;
}

uint64_t Chain::write(uint64_t offset, const void* src, uint64_t len) const {
  const uint8_t* in = static_cast<const uint8_t*>(src);
  uint64_t done = 0;
  for (const Buffer& b : writable) {
    if (done == len) break;
    if (offset >= b.len) {
      offset -= b.len;
      continue;
    }
    uint64_t n = b.len - offset < len - done ? b.len - offset : len - done;
    if (!map_ || !dma_write(*map_, watcher_, b.addr + offset, in + done, n)) break;
    done += n;
    offset = 0;
  }
  return done;
}

void Queue::attach(mem::PhysMap* map, mem::CodeWatcher* watcher, std::function<void()> on_error) {
  map_ = map;
  watcher_ = watcher;
  on_error_ = std::move(on_error);
}

void Queue::reset() {
  size = max_size;
  ready = false;
  desc_addr = driver_addr = device_addr = 0;
  last_avail_ = used_idx_ = 0;
  broken_ = false;
}

void Queue::fail() {
  if (broken_) return;
  broken_ = true;
  if (on_error_) on_error_();
}

// Ready, not broken, and of a size the split ring allows (a power of two no
// larger than the device's maximum; the ring indices wrap at 2^16).
bool Queue::usable() const {
  return map_ && ready && !broken_ && size != 0 && size <= max_size && (size & (size - 1)) == 0;
}

// The three rings where the driver put them: the descriptor table and the
// available ring in RAM or ROM, the used ring (which the device writes) in
// RAM; none of them on a device.
bool Queue::rings_in_memory() const {
  return map_->host_ptr(desc_addr, 16 * uint64_t(size)) && map_->host_ptr(driver_addr, 6 + 2 * uint64_t(size)) &&
         map_->ram_ptr(device_addr, 6 + 8 * uint64_t(size));
}

bool Queue::read16(uint64_t pa, uint16_t* v) { return map_->read(pa, v, 2); }

std::optional<Chain> Queue::pop() {
  if (!map_ || !ready || broken_) return std::nullopt;
  if (!usable() || !rings_in_memory()) {
    fail();
    return std::nullopt;
  }
  uint16_t avail_idx, head;
  if (!read16(driver_addr + 2, &avail_idx)) {
    fail();
    return std::nullopt;
  }
  uint16_t waiting = uint16_t(avail_idx - last_avail_);
  if (waiting == 0) return std::nullopt;
  if (waiting > size || !read16(driver_addr + 4 + 2 * uint64_t(last_avail_ % size), &head)) {
    fail();  // the driver cannot have more buffers outstanding than the ring holds
    return std::nullopt;
  }
  last_avail_++;

  Chain c;
  c.head = head;
  c.map_ = map_;
  c.watcher_ = watcher_;
  uint16_t idx = head;
  // A chain visits each descriptor at most once, so more than `size` links is a loop.
  for (unsigned links = 0;; links++) {
    Desc d;
    if (idx >= size || links >= size || !map_->read(desc_addr + 16 * uint64_t(idx), &d, sizeof d)) {
      fail();
      return std::nullopt;
    }
    if (d.flags & kDescFIndirect) {  // VIRTIO_F_INDIRECT_DESC is never offered
      fail();
      return std::nullopt;
    }
    if (d.len) {
      bool writable = d.flags & kDescFWrite;
      // The whole buffer in one RAM region (ROM is fine to read from), on no device.
      if (!(writable ? map_->ram_ptr(d.addr, d.len) : map_->host_ptr(d.addr, d.len)) ||
          (!writable && !c.writable.empty())) {  // readable buffers come first
        fail();
        return std::nullopt;
      }
      (writable ? c.writable : c.readable).push_back(Buffer{d.addr, d.len});
    }
    if (!(d.flags & kDescFNext)) break;
    idx = d.next;
  }
  return c;
}

void Queue::push(const Chain& chain, uint32_t written) {
  if (!usable()) return;
  struct {
    uint32_t id, len;
  } elem{chain.head, written};
  uint16_t next = uint16_t(used_idx_ + 1);
  // The element first, then the index that publishes it.
  if (!dma_write(*map_, watcher_, device_addr + 4 + 8 * uint64_t(used_idx_ % size), &elem, sizeof elem) ||
      !dma_write(*map_, watcher_, device_addr + 2, &next, 2)) {
    fail();
    return;
  }
  used_idx_ = next;
}

bool Queue::wants_interrupt() {
  uint16_t flags = 0;
  if (!map_ || !read16(driver_addr, &flags)) return true;
  return !(flags & kAvailFNoInterrupt);
}

}  // namespace kiln::devices::virtio
