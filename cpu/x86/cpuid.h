// CPUID (Intel SDM Vol. 2 "CPUID"): what each model reports. Only features
// Kiln implements are listed, so an OS never takes a path Kiln cannot run.
#pragma once
#include <cstdint>

#include "cpu/x86/state.h"

namespace kiln::x86 {

struct CpuidResult {
  uint32_t eax, ebx, ecx, edx;
};
CpuidResult cpuid(Model model, uint32_t leaf, uint32_t subleaf);
// The family/model/stepping (CPUID.1:EAX, and EDX at reset); 0 for the 8086 and 286.
uint32_t signature(Model model);
// Whether the model's local APIC has x2APIC mode (CPUID.1:ECX.x2APIC, IA32_APIC_BASE.EXTD, MSRs
// 0x800-0x8FF): `max` only; QEMU's qemu64 reports it only under KVM.
constexpr bool has_x2apic(Model model) { return model == Model::Max; }

// Feature bits (leaf 1 EDX; leaf 0x80000001 EDX) named where the code tests them.
namespace feature {
constexpr uint32_t kFpu = 1u << 0, kPse = 1u << 3, kTsc = 1u << 4, kMsr = 1u << 5, kPae = 1u << 6, kCx8 = 1u << 8,
                   kApic = 1u << 9, kSep = 1u << 11, kMtrr = 1u << 12, kPge = 1u << 13, kCmov = 1u << 15, kPat = 1u << 16, kPse36 = 1u << 17,
                   kClflush = 1u << 19;
constexpr uint32_t kFxsr = 1u << 24;  // FXSAVE/FXRSTOR
constexpr uint32_t kExtSyscall = 1u << 11, kExtNx = 1u << 20, kExtRdtscp = 1u << 27, kExtLm = 1u << 29;
constexpr uint32_t kExtEcxLzcnt = 1u << 5;     // ABM: LZCNT
constexpr uint32_t kEcxCx16 = 1u << 13, kEcxX2apic = 1u << 21, kEcxMovbe = 1u << 22, kEcxPopcnt = 1u << 23;
constexpr uint32_t kMmx = 1u << 23, kSse = 1u << 25, kSse2 = 1u << 26;  // leaf 1 EDX
constexpr uint32_t kEcxSse3 = 1u << 0, kEcxSsse3 = 1u << 9;                // leaf 1 ECX
}  // namespace feature

}  // namespace kiln::x86
