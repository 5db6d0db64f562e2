// MMX and SSE2/SSSE3 integer SIMD and the data moves, computed on the
// registers (kSseExec, sse.cpp): lane-wise arithmetic with wrap-around or
// saturation, compares, shifts, packs and unpacks, shuffles, and the moves
// between XMM, MMX and general registers. The same code serves MMX (8-byte
// operands) and XMM (16 bytes): o.bytes says which.
#include <algorithm>
#include <cstdlib>
#include <limits>
#include <type_traits>

#include "cpu/x86/insn/sse.h"
#include "cpu/x86/decode.h"

namespace kiln::x86 {

namespace {

template <class L> L sat(int64_t v) {
  constexpr int64_t lo = std::numeric_limits<L>::min(), hi = std::numeric_limits<L>::max();
  return L(std::clamp(v, lo, hi));
}

// d[i] = f(d[i], s[i]) for lanes of type L.
template <class L, class F> void lanes(SseOperands& o, F f) {
  for (unsigned i = 0; i < o.bytes / sizeof(L); i++) o.d.set<L>(i, L(f(o.d.get<L>(i), o.s.get<L>(i))));
}

// Shifts by a count (from the source's low 64 bits, or the immediate): a
// count past the lane width gives 0 (logical) or the sign (arithmetic).
template <class L> void shift(SseOperands& o, uint64_t count, int kind /* 0 right logical, 1 right arith, 2 left */) {
  constexpr unsigned bits = sizeof(L) * 8;
  using S = std::make_signed_t<L>;
  for (unsigned i = 0; i < o.bytes / sizeof(L); i++) {
    L v = o.d.get<L>(i);
    if (kind == 1) v = L(S(v) >> (count >= bits ? bits - 1 : count));
    else if (count >= bits) v = 0;
    else v = kind == 0 ? L(v >> count) : L(v << count);
    o.d.set<L>(i, v);
  }
}

// Interleaves the low (high = false) or high halves of d and s in lanes of L.
template <class L> void unpack(SseOperands& o, bool high) {
  const unsigned n = o.bytes / sizeof(L), base = high ? n / 2 : 0;
  Vec r;
  for (unsigned i = 0; i < n / 2; i++) {
    r.set<L>(2 * i, o.d.get<L>(base + i));
    r.set<L>(2 * i + 1, o.s.get<L>(base + i));
  }
  o.d = r;
}

// Narrows lanes From of d then s to saturated lanes To.
template <class From, class To> void pack(SseOperands& o) {
  const unsigned n = o.bytes / sizeof(From);
  Vec r;
  for (unsigned i = 0; i < n; i++) {
    r.set<To>(i, sat<To>(o.d.get<From>(i)));
    r.set<To>(n + i, sat<To>(o.s.get<From>(i)));
  }
  o.d = r;
}

// Horizontal pairs: d = [f(d0,d1), f(d2,d3)..., f(s0,s1)...].
template <class L, class F> void horizontal(SseOperands& o, F f) {
  const unsigned n = o.bytes / sizeof(L);
  Vec r;
  for (unsigned i = 0; i < n / 2; i++) {
    r.set<L>(i, L(f(o.d.get<L>(2 * i), o.d.get<L>(2 * i + 1))));
    r.set<L>(n / 2 + i, L(f(o.s.get<L>(2 * i), o.s.get<L>(2 * i + 1))));
  }
  o.d = r;
}

template <class L> void sign(SseOperands& o) {
  using U = std::make_unsigned_t<L>;  // negated without overflow: -INT_MIN is INT_MIN, as the chip has it
  lanes<L>(o, [](L a, L b) { return b < 0 ? L(U(0) - U(a)) : b == 0 ? L(0) : a; });
}

// Byte shift of the whole 16-byte register (PSRLDQ/PSLLDQ) or of the 32-
// or 16-byte concatenation s:d... (PALIGNR: d:s shifted right).
void byte_shift(Vec& v, unsigned n, bool left) {
  uint8_t in[16], out[16] = {};
  std::memcpy(in, v.q, 16);
  for (unsigned i = 0; i < 16; i++) {
    const int from = left ? int(i) - int(n) : int(i + n);
    if (from >= 0 && from < 16) out[i] = in[from];
  }
  std::memcpy(v.q, out, 16);
}

}  // namespace

bool sse_integer(SseOperands& o) {
  SseArgs& a = o.a;
  const unsigned op = a.key & 0x3ff, pfx = a.key >> 10;
  Vec& d = o.d;
  const Vec& s = o.s;
  const bool integer_row = pfx == kPfxNone || pfx == kPfx66;
  auto count = [&]() -> uint64_t { return s.q[0]; };
  if (integer_row) {
    switch (op) {
      // ---- arithmetic
      case 0x1FC: lanes<uint8_t>(o, [](uint8_t x, uint8_t y) { return x + y; }); return true;
      case 0x1FD: lanes<uint16_t>(o, [](uint16_t x, uint16_t y) { return x + y; }); return true;
      case 0x1FE: lanes<uint32_t>(o, [](uint32_t x, uint32_t y) { return x + y; }); return true;
      case 0x1D4: lanes<uint64_t>(o, [](uint64_t x, uint64_t y) { return x + y; }); return true;
      case 0x1F8: lanes<uint8_t>(o, [](uint8_t x, uint8_t y) { return x - y; }); return true;
      case 0x1F9: lanes<uint16_t>(o, [](uint16_t x, uint16_t y) { return x - y; }); return true;
      case 0x1FA: lanes<uint32_t>(o, [](uint32_t x, uint32_t y) { return x - y; }); return true;
      case 0x1FB: lanes<uint64_t>(o, [](uint64_t x, uint64_t y) { return x - y; }); return true;
      case 0x1EC: lanes<int8_t>(o, [](int8_t x, int8_t y) { return sat<int8_t>(x + y); }); return true;
      case 0x1ED: lanes<int16_t>(o, [](int16_t x, int16_t y) { return sat<int16_t>(x + y); }); return true;
      case 0x1DC: lanes<uint8_t>(o, [](uint8_t x, uint8_t y) { return sat<uint8_t>(x + y); }); return true;
      case 0x1DD: lanes<uint16_t>(o, [](uint16_t x, uint16_t y) { return sat<uint16_t>(x + y); }); return true;
      case 0x1E8: lanes<int8_t>(o, [](int8_t x, int8_t y) { return sat<int8_t>(x - y); }); return true;
      case 0x1E9: lanes<int16_t>(o, [](int16_t x, int16_t y) { return sat<int16_t>(x - y); }); return true;
      case 0x1D8: lanes<uint8_t>(o, [](uint8_t x, uint8_t y) { return sat<uint8_t>(int(x) - y); }); return true;
      case 0x1D9: lanes<uint16_t>(o, [](uint16_t x, uint16_t y) { return sat<uint16_t>(int(x) - y); }); return true;
      case 0x1D5: lanes<uint16_t>(o, [](uint16_t x, uint16_t y) { return uint32_t(x) * y; }); return true;
      case 0x1E5: lanes<int16_t>(o, [](int16_t x, int16_t y) { return (int32_t(x) * y) >> 16; }); return true;
      case 0x1E4: lanes<uint16_t>(o, [](uint16_t x, uint16_t y) { return (uint32_t(x) * y) >> 16; }); return true;
      case 0x1F4: lanes<uint64_t>(o, [](uint64_t x, uint64_t y) { return uint64_t(uint32_t(x)) * uint32_t(y); }); return true;
      case 0x1F5: {  // PMADDWD
        Vec r;
        for (unsigned i = 0; i < o.bytes / 4; i++)
          r.set<uint32_t>(i, uint32_t(int32_t(d.get<int16_t>(2 * i)) * s.get<int16_t>(2 * i) +
                                      int32_t(d.get<int16_t>(2 * i + 1)) * s.get<int16_t>(2 * i + 1)));
        d = r;
        return true;
      }
      case 0x1F6: {  // PSADBW
        Vec r;
        for (unsigned q = 0; q < o.bytes / 8; q++) {
          unsigned sum = 0;
          for (unsigned i = 0; i < 8; i++) sum += unsigned(std::abs(int(d.get<uint8_t>(8 * q + i)) - s.get<uint8_t>(8 * q + i)));
          r.q[q] = sum;
        }
        d = r;
        return true;
      }
      case 0x1DA: lanes<uint8_t>(o, [](uint8_t x, uint8_t y) { return std::min(x, y); }); return true;
      case 0x1DE: lanes<uint8_t>(o, [](uint8_t x, uint8_t y) { return std::max(x, y); }); return true;
      case 0x1EA: lanes<int16_t>(o, [](int16_t x, int16_t y) { return std::min(x, y); }); return true;
      case 0x1EE: lanes<int16_t>(o, [](int16_t x, int16_t y) { return std::max(x, y); }); return true;
      case 0x1E0: lanes<uint8_t>(o, [](uint8_t x, uint8_t y) { return (x + y + 1) >> 1; }); return true;
      case 0x1E3: lanes<uint16_t>(o, [](uint16_t x, uint16_t y) { return (x + y + 1) >> 1; }); return true;
      // ---- logic
      case 0x1DB: lanes<uint64_t>(o, [](uint64_t x, uint64_t y) { return x & y; }); return true;
      case 0x1DF: lanes<uint64_t>(o, [](uint64_t x, uint64_t y) { return ~x & y; }); return true;
      case 0x1EB: lanes<uint64_t>(o, [](uint64_t x, uint64_t y) { return x | y; }); return true;
      case 0x1EF: lanes<uint64_t>(o, [](uint64_t x, uint64_t y) { return x ^ y; }); return true;
      // ---- compares
      case 0x174: lanes<uint8_t>(o, [](uint8_t x, uint8_t y) { return x == y ? 0xff : 0; }); return true;
      case 0x175: lanes<uint16_t>(o, [](uint16_t x, uint16_t y) { return x == y ? 0xffff : 0; }); return true;
      case 0x176: lanes<uint32_t>(o, [](uint32_t x, uint32_t y) { return x == y ? ~0u : 0; }); return true;
      case 0x164: lanes<int8_t>(o, [](int8_t x, int8_t y) { return x > y ? -1 : 0; }); return true;
      case 0x165: lanes<int16_t>(o, [](int16_t x, int16_t y) { return x > y ? -1 : 0; }); return true;
      case 0x166: lanes<int32_t>(o, [](int32_t x, int32_t y) { return x > y ? -1 : 0; }); return true;
      // ---- shifts by register
      case 0x1D1: shift<uint16_t>(o, count(), 0); return true;
      case 0x1D2: shift<uint32_t>(o, count(), 0); return true;
      case 0x1D3: shift<uint64_t>(o, count(), 0); return true;
      case 0x1E1: shift<uint16_t>(o, count(), 1); return true;
      case 0x1E2: shift<uint32_t>(o, count(), 1); return true;
      case 0x1F1: shift<uint16_t>(o, count(), 2); return true;
      case 0x1F2: shift<uint32_t>(o, count(), 2); return true;
      case 0x1F3: shift<uint64_t>(o, count(), 2); return true;
      // ---- packs and unpacks
      case 0x160: unpack<uint8_t>(o, false); return true;
      case 0x161: unpack<uint16_t>(o, false); return true;
      case 0x162: unpack<uint32_t>(o, false); return true;
      case 0x16C: unpack<uint64_t>(o, false); return true;
      case 0x168: unpack<uint8_t>(o, true); return true;
      case 0x169: unpack<uint16_t>(o, true); return true;
      case 0x16A: unpack<uint32_t>(o, true); return true;
      case 0x16D: unpack<uint64_t>(o, true); return true;
      case 0x163: pack<int16_t, int8_t>(o); return true;
      case 0x16B: pack<int32_t, int16_t>(o); return true;
      case 0x167: pack<int16_t, uint8_t>(o); return true;
      // ---- SSSE3
      case 0x200: {  // PSHUFB
        Vec r;
        for (unsigned i = 0; i < o.bytes; i++) {
          const uint8_t k = s.get<uint8_t>(i);
          r.set<uint8_t>(i, (k & 0x80) ? 0 : d.get<uint8_t>(k & (o.bytes - 1)));
        }
        d = r;
        return true;
      }
      case 0x201: horizontal<uint16_t>(o, [](uint16_t x, uint16_t y) { return x + y; }); return true;
      case 0x202: horizontal<uint32_t>(o, [](uint32_t x, uint32_t y) { return x + y; }); return true;
      case 0x203: horizontal<int16_t>(o, [](int16_t x, int16_t y) { return sat<int16_t>(x + y); }); return true;
      case 0x205: horizontal<uint16_t>(o, [](uint16_t x, uint16_t y) { return x - y; }); return true;
      case 0x206: horizontal<uint32_t>(o, [](uint32_t x, uint32_t y) { return x - y; }); return true;
      case 0x207: horizontal<int16_t>(o, [](int16_t x, int16_t y) { return sat<int16_t>(x - y); }); return true;
      case 0x204: {  // PMADDUBSW: unsigned bytes of d times signed bytes of s
        Vec r;
        for (unsigned i = 0; i < o.bytes / 2; i++)
          r.set<int16_t>(i, sat<int16_t>(int(d.get<uint8_t>(2 * i)) * s.get<int8_t>(2 * i) +
                                         int(d.get<uint8_t>(2 * i + 1)) * s.get<int8_t>(2 * i + 1)));
        d = r;
        return true;
      }
      case 0x20B: lanes<int16_t>(o, [](int16_t x, int16_t y) { return ((int32_t(x) * y >> 14) + 1) >> 1; }); return true;
      case 0x208: sign<int8_t>(o); return true;
      case 0x209: sign<int16_t>(o); return true;
      case 0x20A: sign<int32_t>(o); return true;
      case 0x21C: lanes<int8_t>(o, [](int8_t, int8_t y) { return y < 0 ? -y : y; }); return true;
      case 0x21D: lanes<int16_t>(o, [](int16_t, int16_t y) { return y < 0 ? -y : y; }); return true;
      case 0x21E: lanes<int32_t>(o, [](int32_t, int32_t y) { return y < 0 ? int32_t(0u - uint32_t(y)) : y; }); return true;
      case 0x30F: {  // PALIGNR: (d:s) >> imm bytes
        uint8_t cat[32] = {};
        std::memcpy(cat, s.q, o.bytes);
        std::memcpy(cat + o.bytes, d.q, o.bytes);
        Vec r;
        for (unsigned i = 0; i < o.bytes; i++) r.set<uint8_t>(i, i + a.imm < 2 * o.bytes ? cat[i + a.imm] : 0);
        d = r;
        return true;
      }
      default: break;
    }
  }
  switch (a.key) {
    // ---- shifts by immediate (group 71-73: the register is r/m, in d)
    case sse_key(0x171, kPfxNone): case sse_key(0x171, kPfx66):
    case sse_key(0x172, kPfxNone): case sse_key(0x172, kPfx66):
    case sse_key(0x173, kPfxNone): case sse_key(0x173, kPfx66): {
      // The ModR/M reg field (which shift) comes in `src` (sse.cpp's exec).
      const unsigned n = a.imm;
      const int kind = a.src == 2 ? 0 : a.src == 4 ? 1 : 2;
      if (a.src == 3 || a.src == 7) byte_shift(d, n > 16 ? 16 : n, a.src == 7);
      else if (op == 0x171) shift<uint16_t>(o, n, kind);
      else if (op == 0x172) shift<uint32_t>(o, n, kind);
      else shift<uint64_t>(o, n, kind);
      return true;
    }
    // ---- shuffles and inserts
    case sse_key(0x170, kPfxNone): case sse_key(0x170, kPfx66): {  // PSHUFW, PSHUFD
      const unsigned n = 4;
      Vec r;
      if (o.bytes == 8)
        for (unsigned i = 0; i < n; i++) r.set<uint16_t>(i, s.get<uint16_t>(a.imm >> (2 * i) & 3));
      else
        for (unsigned i = 0; i < n; i++) r.set<uint32_t>(i, s.get<uint32_t>(a.imm >> (2 * i) & 3));
      d = r;
      return true;
    }
    case sse_key(0x170, kPfxF3): case sse_key(0x170, kPfxF2): {  // PSHUFHW, PSHUFLW
      const unsigned base = a.key == sse_key(0x170, kPfxF3) ? 4 : 0;
      d = s;
      for (unsigned i = 0; i < 4; i++) d.set<uint16_t>(base + i, s.get<uint16_t>(base + (a.imm >> (2 * i) & 3)));
      return true;
    }
    case sse_key(0x1C4, kPfxNone): case sse_key(0x1C4, kPfx66):  // PINSRW
      d.set<uint16_t>(a.imm & (o.bytes / 2 - 1), uint16_t(s.q[0]));
      return true;
    case sse_key(0x1C5, kPfxNone): case sse_key(0x1C5, kPfx66):  // PEXTRW
      o.ret = s.get<uint16_t>(a.imm & (a.src_mmx ? 3 : 7));
      o.write_dst = false;
      return true;
    case sse_key(0x1D7, kPfxNone): case sse_key(0x1D7, kPfx66): {  // PMOVMSKB
      const unsigned n = a.src_mmx ? 8 : 16;
      for (unsigned i = 0; i < n; i++) o.ret |= uint64_t(s.get<uint8_t>(i) >> 7) << i;
      o.write_dst = false;
      return true;
    }
    // ---- moves
    case sse_key(0x16E, kPfxNone): case sse_key(0x16E, kPfx66):  // MOVD/MOVQ from a GPR or memory: zero-extended
      d = Vec{{a.wide ? s.q[0] : uint32_t(s.q[0]), 0}};
      return true;
    case sse_key(0x16F, kPfxNone): case sse_key(0x17F, kPfxNone):  // MOVQ mm
    case sse_key(0x16F, kPfx66): case sse_key(0x16F, kPfxF3): case sse_key(0x17F, kPfx66): case sse_key(0x17F, kPfxF3):
    case sse_key(0x110, kPfxNone): case sse_key(0x110, kPfx66): case sse_key(0x111, kPfxNone): case sse_key(0x111, kPfx66):
    case sse_key(0x128, kPfxNone): case sse_key(0x128, kPfx66): case sse_key(0x129, kPfxNone): case sse_key(0x129, kPfx66):
    case sse_key(0x1F0, kPfxF2):  // LDDQU
      d = s;
      return true;
    case sse_key(0x110, kPfxF3): case sse_key(0x111, kPfxF3):  // MOVSS: from memory the rest is zeroed
      if (a.src_value) d = Vec{{uint32_t(s.q[0]), 0}};
      else d.set<uint32_t>(0, s.get<uint32_t>(0));
      return true;
    case sse_key(0x110, kPfxF2): case sse_key(0x111, kPfxF2):  // MOVSD
      if (a.src_value) d.q[1] = 0;
      d.q[0] = s.q[0];
      return true;
    case sse_key(0x17E, kPfxF3): case sse_key(0x1D6, kPfx66): case sse_key(0x1D6, kPfxF3):  // MOVQ xmm, MOVQ2DQ
      d = Vec{{s.q[0], 0}};
      return true;
    case sse_key(0x1D6, kPfxF2):  // MOVDQ2Q
      d.q[0] = s.q[0];
      return true;
    case sse_key(0x112, kPfxNone):  // MOVLPS (memory), MOVHLPS (register)
      d.q[0] = a.src_value ? s.q[0] : s.q[1];
      return true;
    case sse_key(0x112, kPfx66):  // MOVLPD
      d.q[0] = s.q[0];
      return true;
    case sse_key(0x116, kPfxNone): case sse_key(0x116, kPfx66):  // MOVHPS/MOVHPD (memory), MOVLHPS (register)
      d.q[1] = s.q[0];
      return true;
    case sse_key(0x112, kPfxF2):  // MOVDDUP
      d = Vec{{s.q[0], s.q[0]}};
      return true;
    case sse_key(0x112, kPfxF3): case sse_key(0x116, kPfxF3): {  // MOVSLDUP, MOVSHDUP
      const unsigned odd = a.key == sse_key(0x116, kPfxF3);
      for (unsigned i = 0; i < 4; i += 2) {
        d.set<uint32_t>(i, s.get<uint32_t>(i + odd));
        d.set<uint32_t>(i + 1, s.get<uint32_t>(i + odd));
      }
      return true;
    }
    case sse_key(0x177, kPfxNone):  // EMMS
      o.st.fpu.ftw = 0xffff;
      o.write_dst = false;
      return true;
    default: return false;
  }
}

}  // namespace kiln::x86
