// CPUID (Intel SDM Vol. 2 "CPUID"): what each model reports, and -cpu's
// feature flags. Only features Kiln implements are listed, so an OS never
// takes a path Kiln cannot run; what a CPU reports is its feature set
// (features.h), which the decoder and the helpers consult too.
#pragma once
#include <cstdint>
#include <string_view>

#include "common/result.h"
#include "cpu/x86/features.h"
#include "cpu/x86/state.h"

namespace kiln::x86 {

struct CpuidResult {
  uint32_t eax, ebx, ecx, edx;
};
// What a CPU of `model` with `features` and initial APIC ID `apic_id` reports. The APIC and x2APIC
// bits depend on the board's local APIC and its MSR; the CPUID instruction adds them (system_helpers.cpp).
CpuidResult cpuid(Model model, const Features& features, uint32_t leaf, uint32_t subleaf, uint32_t apic_id = 0);
// The same for the model's own features (tests).
CpuidResult cpuid(Model model, uint32_t leaf, uint32_t subleaf);
// The family/model/stepping (CPUID.1:EAX, and EDX at reset); 0 for the 8086 and 286.
uint32_t signature(Model model);

// The model's feature set: what its CPUID reports and what it runs. The 386 has x87 (as with a 387)
// and no CPUID; APIC from the Pentium on (the board gives it a local APIC); x2APIC and MOVBE on `max`
// only (QEMU's qemu64 reports x2APIC only under KVM, MOVBE never).
Features model_features(Model model);

// -cpu NAME's properties after the name, as QEMU spells them ("+sse2,-popcnt,movbe=on,nx=off"; a bare
// name is =on): the model's features edited. As in QEMU, feat=on|off apply in order, then every +feat,
// then every -feat (so -feat wins). A feature may be removed from any model with CPUID (486 on); added
// only if Kiln implements it (`max` has it), and a leaf 0x80000001 one only on x86-64 models. Removing
// a feature Kiln does not implement (a QEMU name) changes nothing. One error line for anything else.
Result<Features> apply_cpu_flags(Model model, std::string_view name, std::string_view flags);

}  // namespace kiln::x86
