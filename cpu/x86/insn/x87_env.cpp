// The x87 environment and save areas (SDM Vol. 1 §8.1.10, Figures 8-9 to
// 8-12; Vol. 2 FXSAVE Table 3-53 and 3-56): FNSTENV/FLDENV (14 or 28 bytes),
// FNSAVE/FRSTOR (the environment and eight 10-byte registers), in their
// 16- and 32-bit formats and their real-mode (linear 20/32-bit pointers) and
// protected-mode (offset and selector) layouts; FXSAVE/FXRSTOR (512 bytes,
// abridged tag word, MXCSR, XMM0-7 or XMM0-15 in 64-bit mode, REX.W for the
// 64-bit pointer layout) and LDMXCSR/STMXCSR. A restore reads everything
// before it changes anything; a save checks that every byte can be written
// first, so a fault leaves the state and memory as they were.
#include <cstring>

#include "common/softfloat80.h"
#include "cpu/x86/insn/x87.h"
#include "mem/tlb.h"

namespace kiln::x86::x87 {

namespace {
bool read_bytes(const MemAccess& m, unsigned n, uint8_t* buf) {
  for (unsigned i = 0; i < n;) {
    const unsigned k = n - i >= 8 ? 8 : n - i >= 4 ? 4 : 2;
    uint64_t v;
    if (!m.read(i, k, &v)) return false;
    std::memcpy(buf + i, &v, k);
    i += k;
  }
  return true;
}
bool write_bytes(const MemAccess& m, unsigned n, const uint8_t* buf) {
  if (!m.writable(0, n)) return false;
  for (unsigned i = 0; i < n;) {
    const unsigned k = n - i >= 8 ? 8 : n - i >= 4 ? 4 : 2;
    uint64_t v = 0;
    std::memcpy(&v, buf + i, k);
    if (!m.write(i, k, v)) return false;
    i += k;
  }
  return true;
}
template <class V>
void put(uint8_t* buf, unsigned at, V v) {
  std::memcpy(buf + at, &v, sizeof v);
}
template <class V>
V get(const uint8_t* buf, unsigned at) {
  V v;
  std::memcpy(&v, buf + at, sizeof v);
  return v;
}

bool real_layout(const X86State& s) { return !protected_mode(s) || vm86(s); }
unsigned env_bytes(const Insn87& in) { return in.op32() ? 28 : 14; }

// The environment image in the instruction's format.
void build_env(const X86State& s, const Insn87& in, uint8_t* b) {
  const X86State::Fpu& f = s.fpu;
  const uint32_t fop = f.fop & 0x7ff;
  if (real_layout(s)) {
    const uint32_t ip = uint32_t(f.fcs * 16 + f.fip), dp = uint32_t(f.fds * 16 + f.fdp);
    if (in.op32()) {
      put<uint32_t>(b, 0, 0xffff0000u | f.fcw);
      put<uint32_t>(b, 4, 0xffff0000u | f.fsw);
      put<uint32_t>(b, 8, 0xffff0000u | f.ftw);
      put<uint32_t>(b, 12, 0xffff0000u | (ip & 0xffff));
      put<uint32_t>(b, 16, fop | (ip >> 16) << 12);
      put<uint32_t>(b, 20, 0xffff0000u | (dp & 0xffff));
      put<uint32_t>(b, 24, (dp >> 16) << 12);
    } else {
      const uint16_t w[7] = {f.fcw, f.fsw, f.ftw, uint16_t(ip), uint16_t(((ip >> 16) & 0xf) << 12 | fop),
                             uint16_t(dp), uint16_t(((dp >> 16) & 0xf) << 12)};
      std::memcpy(b, w, 14);
    }
  } else if (in.op32()) {
    put<uint32_t>(b, 0, 0xffff0000u | f.fcw);
    put<uint32_t>(b, 4, 0xffff0000u | f.fsw);
    put<uint32_t>(b, 8, 0xffff0000u | f.ftw);
    put<uint32_t>(b, 12, uint32_t(f.fip));
    put<uint32_t>(b, 16, f.fcs | fop << 16);
    put<uint32_t>(b, 20, uint32_t(f.fdp));
    put<uint32_t>(b, 24, 0xffff0000u | f.fds);
  } else {
    const uint16_t w[7] = {f.fcw, f.fsw, f.ftw, uint16_t(f.fip), f.fcs, uint16_t(f.fdp), f.fds};
    std::memcpy(b, w, 14);
  }
}

// The non-empty tags follow the registers' contents (FLDENV, FRSTOR, FXRSTOR).
void retag(X86State& s, uint16_t ftw_empty_mask) {
  uint16_t ftw = 0;
  for (unsigned p = 0; p < 8; ++p) {
    const unsigned t = (ftw_empty_mask >> (2 * p) & 3) == 3 ? 3 : tag_of(s.fpu.sig[p], s.fpu.se[p]);
    ftw = uint16_t(ftw | t << (2 * p));
  }
  s.fpu.ftw = ftw;
}

void apply_env(X86State& s, const Insn87& in, const uint8_t* b) {
  X86State::Fpu& f = s.fpu;
  uint16_t ftw;
  if (in.op32()) {
    f.fcw = get<uint16_t>(b, 0);
    f.fsw = get<uint16_t>(b, 4);
    ftw = get<uint16_t>(b, 8);
    if (real_layout(s)) {
      const uint32_t w16 = get<uint32_t>(b, 16);
      f.fip = (get<uint32_t>(b, 12) & 0xffff) | (w16 >> 12) << 16;
      f.fop = uint16_t(w16 & 0x7ff);
      f.fdp = (get<uint32_t>(b, 20) & 0xffff) | (get<uint32_t>(b, 24) >> 12) << 16;
      f.fcs = f.fds = 0;
    } else {
      f.fip = get<uint32_t>(b, 12);
      f.fcs = get<uint16_t>(b, 16);
      f.fop = get<uint16_t>(b, 18) & 0x7ff;
      f.fdp = get<uint32_t>(b, 20);
      f.fds = get<uint16_t>(b, 24);
    }
  } else {
    f.fcw = get<uint16_t>(b, 0);
    f.fsw = get<uint16_t>(b, 2);
    ftw = get<uint16_t>(b, 4);
    if (real_layout(s)) {
      const uint16_t w8 = get<uint16_t>(b, 8);
      f.fip = get<uint16_t>(b, 6) | uint32_t(w8 >> 12) << 16;
      f.fop = w8 & 0x7ff;
      f.fdp = get<uint16_t>(b, 10) | uint32_t(get<uint16_t>(b, 12) >> 12) << 16;
      f.fcs = f.fds = 0;
    } else {
      f.fip = get<uint16_t>(b, 6);
      f.fcs = get<uint16_t>(b, 8);
      f.fdp = get<uint16_t>(b, 10);
      f.fds = get<uint16_t>(b, 12);
    }
  }
  f.fcw = loaded_control_word(f.fcw);
  retag(s, ftw);
  update_summary(s);
}

constexpr uint32_t kMxcsrMask = 0xffff;  // every MXCSR bit up to DAZ and FZ is implemented

uint8_t abridged_tags(const X86State& s) {
  uint8_t t = 0;
  for (unsigned p = 0; p < 8; ++p)
    if (((s.fpu.ftw >> (2 * p)) & 3) != 3) t = uint8_t(t | 1u << p);
  return t;
}

bool fxsave(X86State& s, const Insn87& in, const MemAccess& m) {
  uint8_t b[512] = {};
  const X86State::Fpu& f = s.fpu;
  const bool rexw = in.code & code::kRexW;
  const unsigned nxmm = (in.code & code::kCode64) ? 16 : 8;
  put<uint16_t>(b, 0, f.fcw);
  put<uint16_t>(b, 2, f.fsw);
  b[4] = abridged_tags(s);
  put<uint16_t>(b, 6, f.fop & 0x7ff);
  if (rexw) {
    put<uint64_t>(b, 8, f.fip);
    put<uint64_t>(b, 16, f.fdp);
  } else {
    put<uint32_t>(b, 8, uint32_t(f.fip));
    put<uint16_t>(b, 12, f.fcs);
    put<uint32_t>(b, 16, uint32_t(f.fdp));
    put<uint16_t>(b, 20, f.fds);
  }
  put<uint32_t>(b, 24, uint32_t(s.mxcsr));
  put<uint32_t>(b, 28, kMxcsrMask);
  const unsigned top = (f.fsw >> 11) & 7;
  for (unsigned i = 0; i < 8; ++i) {
    const unsigned p = (top + i) & 7;
    put<uint64_t>(b, 32 + 16 * i, f.sig[p]);
    put<uint16_t>(b, 40 + 16 * i, f.se[p]);
  }
  std::memcpy(b + 160, s.xmm, 16 * nxmm);
  return write_bytes(m, 160 + 16 * nxmm, b);
}

bool fxrstor(X86State& s, const Insn87& in, const MemAccess& m) {
  uint8_t b[512];
  const bool rexw = in.code & code::kRexW;
  const unsigned nxmm = (in.code & code::kCode64) ? 16 : 8;
  if (!read_bytes(m, 160 + 16 * nxmm, b)) return false;
  const uint32_t mxcsr = get<uint32_t>(b, 24);
  if (mxcsr & ~kMxcsrMask) {
    record_fault(&s, kGeneralProtection, 0);
    return false;
  }
  X86State::Fpu& f = s.fpu;
  f.fcw = loaded_control_word(get<uint16_t>(b, 0));
  f.fsw = get<uint16_t>(b, 2);
  f.fop = get<uint16_t>(b, 6) & 0x7ff;
  if (rexw) {
    f.fip = get<uint64_t>(b, 8);
    f.fdp = get<uint64_t>(b, 16);
  } else {
    f.fip = get<uint32_t>(b, 8);
    f.fcs = get<uint16_t>(b, 12);
    f.fdp = get<uint32_t>(b, 16);
    f.fds = get<uint16_t>(b, 20);
  }
  s.mxcsr = mxcsr;
  const unsigned top = (f.fsw >> 11) & 7;
  for (unsigned i = 0; i < 8; ++i) {
    const unsigned p = (top + i) & 7;
    f.sig[p] = get<uint64_t>(b, 32 + 16 * i);
    f.se[p] = get<uint16_t>(b, 40 + 16 * i);
  }
  uint16_t empty = 0;
  for (unsigned p = 0; p < 8; ++p)
    if (!(b[4] >> p & 1)) empty = uint16_t(empty | 3u << (2 * p));
  retag(s, empty);
  std::memcpy(s.xmm, b + 160, 16 * nxmm);
  update_summary(s);
  return true;
}
}  // namespace

bool store_env(X86State& s, const Insn87& in, const MemAccess& m) {
  uint8_t b[28];
  build_env(s, in, b);
  if (!write_bytes(m, env_bytes(in), b)) return false;
  s.fpu.fcw |= 0x3f;  // FNSTENV masks every exception
  update_summary(s);
  return true;
}

bool load_env(X86State& s, const Insn87& in, const MemAccess& m) {
  uint8_t b[28];
  if (!read_bytes(m, env_bytes(in), b)) return false;
  apply_env(s, in, b);
  return true;
}

bool save_state(X86State& s, const Insn87& in, const MemAccess& m) {
  uint8_t b[108];
  const unsigned env = env_bytes(in);
  build_env(s, in, b);
  const unsigned top = (s.fpu.fsw >> 11) & 7;
  for (unsigned i = 0; i < 8; ++i) {
    const unsigned p = (top + i) & 7;
    put<uint64_t>(b, env + 10 * i, s.fpu.sig[p]);
    put<uint16_t>(b, env + 10 * i + 8, s.fpu.se[p]);
  }
  if (!write_bytes(m, env + 80, b)) return false;
  init_fpu(s);
  return true;
}

bool restore_state(X86State& s, const Insn87& in, const MemAccess& m) {
  uint8_t b[108];
  const unsigned env = env_bytes(in);
  if (!read_bytes(m, env + 80, b)) return false;
  const uint16_t fsw = in.op32() ? get<uint16_t>(b, 4) : get<uint16_t>(b, 2);
  const unsigned top = (fsw >> 11) & 7;
  for (unsigned i = 0; i < 8; ++i) {
    const unsigned p = (top + i) & 7;
    s.fpu.sig[p] = get<uint64_t>(b, env + 10 * i);
    s.fpu.se[p] = get<uint16_t>(b, env + 10 * i + 8);
  }
  apply_env(s, in, b);
  return true;
}

bool group15(X86State& s, const Insn87& in, const MemAccess& m) {
  switch (in.reg()) {
    case 0: case 1:
      if (m.at(0) & 15) {
        record_fault(&s, kGeneralProtection, 0);
        return false;
      }
      return in.reg() == 0 ? fxsave(s, in, m) : fxrstor(s, in, m);
    case 2: {  // LDMXCSR
      uint64_t v;
      if (!m.read(0, 4, &v)) return false;
      if (v & ~uint64_t(kMxcsrMask)) {
        record_fault(&s, kGeneralProtection, 0);
        return false;
      }
      s.mxcsr = v;
      return true;
    }
    default:  // STMXCSR
      return m.writable(0, 4) && m.write(0, 4, s.mxcsr);
  }
}

}  // namespace kiln::x86::x87
