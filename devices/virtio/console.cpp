#include "devices/virtio/console.h"

#include <cstring>
#include <vector>

#include "devices/virtio/queue.h"

namespace kiln::devices::virtio {

namespace {
constexpr uint32_t kEmergWrite = 8;  // config offset of emerg_wr
constexpr uint64_t kMaxTransmit = 64 * 1024;  // bytes taken from one transmit chain at most
}  // namespace

Console::Console(std::FILE* out) : out_(out) {}

void Console::receive(uint8_t byte) {
  if (pending_.size() < kMaxPending) pending_.push_back(byte);
  deliver();
}

// cols, rows and max_nr_ports mean nothing without the SIZE and MULTIPORT
// features, which are not offered: they read as zero.
void Console::read_config(uint32_t offset, uint8_t* dst, unsigned len) { std::memset(dst, 0, len); }

void Console::write_config(uint32_t offset, const uint8_t* src, unsigned len) {
  if (offset == kEmergWrite && out_) {
    std::fputc(src[0], out_);
    std::fflush(out_);
  }
}

void Console::notify(unsigned index) {
  if (index == kReceiveQ) deliver();
  if (index == kTransmitQ) transmit();
}

// Hands pending input to the driver's receive buffers, as many as it posted.
void Console::deliver() {
  if (!transport_ || !transport_->driver_ok() || pending_.empty()) return;
  Queue* q = transport_->queue(kReceiveQ);
  bool used = false;
  while (!pending_.empty()) {
    auto c = q->pop();
    if (!c) break;
    uint64_t room = c->writable_len(), n = pending_.size() < room ? pending_.size() : room;
    std::vector<uint8_t> bytes(pending_.begin(), pending_.begin() + std::ptrdiff_t(n));
    uint64_t done = c->write(0, bytes.data(), n);
    pending_.erase(pending_.begin(), pending_.begin() + std::ptrdiff_t(done));
    q->push(*c, uint32_t(done));
    used = true;
  }
  if (used) transport_->notify_used(kReceiveQ);
}

void Console::transmit() {
  Queue* q = transport_ ? transport_->queue(kTransmitQ) : nullptr;
  if (!q) return;
  bool used = false;
  std::vector<uint8_t> buf;
  while (auto c = q->pop()) {
    uint64_t n = c->readable_len();
    buf.resize(n < kMaxTransmit ? n : kMaxTransmit);
    n = c->read(0, buf.data(), buf.size());
    if (out_ && n) std::fwrite(buf.data(), 1, n, out_);
    q->push(*c, 0);
    used = true;
  }
  if (out_ && used) std::fflush(out_);
  if (used) transport_->notify_used(kTransmitQ);
}

}  // namespace kiln::devices::virtio
