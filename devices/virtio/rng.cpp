#include "devices/virtio/rng.h"

#include <chrono>

#include "devices/virtio/queue.h"

namespace kiln::devices::virtio {

namespace {
uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

Rng::Rng() : Rng(uint64_t(std::chrono::steady_clock::now().time_since_epoch().count())) {
  urandom_ = std::fopen("/dev/urandom", "rb");
  if (urandom_) std::setvbuf(urandom_, nullptr, _IONBF, 0);
}

Rng::Rng(uint64_t seed) {
  for (uint64_t& s : s_) s = splitmix64(seed);
}

Rng::~Rng() {
  if (urandom_) std::fclose(urandom_);
}

// xoshiro256** (Blackman and Vigna).
uint64_t Rng::next() {
  uint64_t result = rotl(s_[1] * 5, 7) * 9, t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

void Rng::fill(uint8_t* dst, size_t len) {
  if (urandom_ && std::fread(dst, 1, len, urandom_) == len) return;
  for (size_t i = 0; i < len; i += 8) {
    uint64_t r = next();
    for (size_t j = 0; j < 8 && i + j < len; j++) dst[i + j] = uint8_t(r >> (8 * j));
  }
}

void Rng::notify(unsigned index) {
  Queue* q = transport_ ? transport_->queue(index) : nullptr;
  if (!q) return;
  bool used = false;
  uint8_t buf[4096];
  while (auto c = q->pop()) {
    uint64_t want = c->writable_len() < kMaxPerRequest ? c->writable_len() : kMaxPerRequest, done = 0;
    while (done < want) {
      size_t n = want - done < sizeof buf ? size_t(want - done) : sizeof buf;
      fill(buf, n);
      uint64_t w = c->write(done, buf, n);
      done += w;
      if (w != n) break;
    }
    q->push(*c, uint32_t(done));
    used = true;
  }
  if (used) transport_->notify_used(index);
}

}  // namespace kiln::devices::virtio
