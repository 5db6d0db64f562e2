// CPUID per model (cpu/x86/cpuid.h). The signature (family/model/stepping)
// matches the EDX value at reset (cpu.cpp). What is listed is what the
// frontend implements today, and everything it implements: the x87 (FPU) from
// the 486 on (the 386 model runs x87 code as with a 387 but has no CPUID);
// from the Pentium III on FXSAVE/FXRSTOR (FXSR), MMX and SSE, and MTRR (the
// MTRR MSRs read back what is written; memory types change nothing in Kiln);
// SSE2-SSSE3 with x86-64. CMOV also means FCMOVcc and FCOMI now that FPU is set.
#include "cpu/x86/cpuid.h"

#include <cstring>

namespace kiln::x86 {

namespace {
uint32_t str4(const char* s) {
  uint32_t v;
  std::memcpy(&v, s, 4);
  return v;
}
}  // namespace

uint32_t signature(Model model) {
  static constexpr uint32_t kSignature[] = {0, 0, 0x0308, 0x0480, 0x0543, 0x0673, 0x0663, 0x0663};
  return kSignature[unsigned(model)];
}

CpuidResult cpuid(Model model, uint32_t leaf, uint32_t subleaf) {
  using namespace feature;
  (void)subleaf;
  const bool x64 = model >= Model::X64;
  const uint32_t max_basic = model >= Model::Pentium3 ? 2 : 1;
  const uint32_t max_ext = x64 ? 0x80000008 : 0;
  // "GenuineIntel" in EBX, EDX, ECX; "KilnKilnKiln" would hide the register order the guests expect.
  const CpuidResult vendor{max_basic, str4("Genu"), str4("ntel"), str4("ineI")};
  if (leaf == 0) return vendor;
  if (leaf == 1) {
    uint32_t edx = model >= Model::I486 ? kFpu : 0, ecx = 0;
    if (model >= Model::Pentium) edx |= kTsc | kMsr | kCx8;
    if (model >= Model::Pentium3) edx |= kPse | kPae | kSep | kMtrr | kPge | kCmov | kPat | kPse36 | kClflush | kFxsr;
    if (x64) ecx |= kEcxCx16 | kEcxPopcnt;
    // MMX and SSE from the Pentium III (the `pentium` model is a P54C, without MMX), SSE2-SSSE3 with x86-64.
    if (model >= Model::Pentium3) edx |= kMmx | kSse;
    if (x64) edx |= kSse2, ecx |= kEcxSse3 | kEcxSsse3;
    if (model == Model::Max) ecx |= kEcxMovbe;  // QEMU's qemu64 has no MOVBE
    const uint32_t ebx = model >= Model::Pentium3 ? (8u << 8) : 0;  // CLFLUSH line size: 8 x 8 bytes
    return {signature(model), ebx, ecx, edx};
  }
  if (leaf <= max_basic) return {0, 0, 0, 0};  // leaf 2: no cache descriptors reported
  if (leaf == 0x80000000 && x64) return {max_ext, 0, 0, 0};
  if (x64 && leaf == 0x80000001) return {0, 0, kExtEcxLzcnt, kExtSyscall | kExtNx | kExtRdtscp | kExtLm};
  if (x64 && leaf >= 0x80000002 && leaf <= 0x80000004) {
    static const char kBrand[49] = "Kiln x86-64 software CPU                        ";
    uint32_t r[4];
    std::memcpy(r, kBrand + 16 * (leaf - 0x80000002), 16);
    return {r[0], r[1], r[2], r[3]};
  }
  if (x64 && leaf == 0x80000008) return {0x3028, 0, 0, 0};  // 40 physical, 48 linear address bits
  if (leaf >= 0x80000000 && leaf <= max_ext) return {0, 0, 0, 0};
  // Beyond the highest leaf: Intel CPUs return the highest basic leaf's data.
  return cpuid(model, max_basic, 0);
}

}  // namespace kiln::x86
