// The CPU's feature set: the CPUID feature bits it reports, and the one thing
// the decoder and the helpers ask where an instruction, a control-register or
// EFER bit, an MSR or the x2APIC exists only with a feature. It starts as the
// -cpu model's set (cpuid.h model_features) and -cpu's +feat/-feat edit it, so
// what CPUID says and what the CPU does cannot disagree.
#pragma once
#include <cstdint>

namespace kiln::x86 {

// The CPUID words the features live in.
enum FeatureWord : unsigned {
  kWord1Edx,     // leaf 1 EDX
  kWord1Ecx,     // leaf 1 ECX
  kWordExt1Edx,  // leaf 0x80000001 EDX
  kWordExt1Ecx,  // leaf 0x80000001 ECX
  kFeatureWords
};

// A feature: its word (bits 5-7) and bit (0-4).
enum class Feature : uint8_t {
  // leaf 1 EDX
  Fpu = 0, Pse = 3, Tsc = 4, Msr = 5, Pae = 6, Cx8 = 8, Apic = 9, Sep = 11, Mtrr = 12, Pge = 13, Cmov = 15,
  Pat = 16, Pse36 = 17, Clflush = 19, Mmx = 23, Fxsr = 24, Sse = 25, Sse2 = 26,
  // leaf 1 ECX
  Pni = 32 + 0, Ssse3 = 32 + 9, Cx16 = 32 + 13, X2apic = 32 + 21, Movbe = 32 + 22, Popcnt = 32 + 23,
  // leaf 0x80000001 EDX
  Syscall = 64 + 11, Nx = 64 + 20, Rdtscp = 64 + 27, Lm = 64 + 29,
  // leaf 0x80000001 ECX
  Abm = 96 + 5,  // LZCNT
  None = 0xff,   // needs nothing (opcode-map rows of every model)
};
constexpr unsigned word_of(Feature f) { return unsigned(f) >> 5; }
constexpr uint32_t mask_of(Feature f) { return 1u << (unsigned(f) & 31); }

struct Features {
  uint32_t word[kFeatureWords] = {};

  constexpr bool has(Feature f) const { return f == Feature::None || (word[word_of(f)] & mask_of(f)); }
  constexpr Features& set(Feature f, bool on = true) {
    if (f != Feature::None) word[word_of(f)] = on ? word[word_of(f)] | mask_of(f) : word[word_of(f)] & ~mask_of(f);
    return *this;
  }
  constexpr bool operator==(const Features&) const = default;
};

}  // namespace kiln::x86
