// CPUID per model (cpu/x86/cpuid.h). The signature (family/model/stepping)
// matches the EDX value at reset (cpu.cpp). What a model lists is what the
// frontend implements today, and everything it implements: the x87 (FPU) from
// the 486 on (the 386 model runs x87 code as with a 387 but has no CPUID);
// from the Pentium III on FXSAVE/FXRSTOR (FXSR), MMX and SSE, and MTRR (the
// MTRR MSRs read back what is written; memory types change nothing in Kiln);
// SSE2-SSSE3 with x86-64. CMOV also means FCMOVcc and FCOMI now that FPU is set.
#include "cpu/x86/cpuid.h"

#include <cstring>
#include <string>
#include <vector>

#include "common/parse.h"

namespace kiln::x86 {

namespace {
uint32_t str4(const char* s) {
  uint32_t v;
  std::memcpy(&v, s, 4);
  return v;
}

// -cpu's feature names: QEMU's (which are Linux's /proc/cpuinfo names), then aliases QEMU and Linux use.
struct FeatureName {
  const char* name;
  Feature f;
};
constexpr FeatureName kFeatureNames[] = {
    {"fpu", Feature::Fpu},         {"pse", Feature::Pse},         {"tsc", Feature::Tsc},
    {"msr", Feature::Msr},         {"pae", Feature::Pae},         {"cx8", Feature::Cx8},
    {"apic", Feature::Apic},       {"sep", Feature::Sep},         {"mtrr", Feature::Mtrr},
    {"pge", Feature::Pge},         {"cmov", Feature::Cmov},       {"pat", Feature::Pat},
    {"pse36", Feature::Pse36},     {"clflush", Feature::Clflush}, {"mmx", Feature::Mmx},
    {"fxsr", Feature::Fxsr},       {"sse", Feature::Sse},         {"sse2", Feature::Sse2},
    {"pni", Feature::Pni},         {"ssse3", Feature::Ssse3},     {"cx16", Feature::Cx16},
    {"x2apic", Feature::X2apic},   {"movbe", Feature::Movbe},     {"popcnt", Feature::Popcnt},
    {"syscall", Feature::Syscall}, {"nx", Feature::Nx},           {"rdtscp", Feature::Rdtscp},
    {"lm", Feature::Lm},           {"abm", Feature::Abm},
    {"sse3", Feature::Pni},        {"xd", Feature::Nx},           {"i64", Feature::Lm},
    {"lzcnt", Feature::Abm},
};

// QEMU's names of features Kiln does not implement (the common ones): `-feat` is accepted and changes
// nothing, `+feat` is refused by name rather than called unknown.
constexpr const char* kUnimplemented[] = {
    "vme", "de", "mce", "mca", "ds", "acpi", "ss", "ht", "tm", "pbe", "pn", "ia64", "pclmulqdq", "dtes64",
    "monitor", "ds-cpl", "vmx", "smx", "est", "tm2", "cid", "fma", "xtpr", "pdcm", "pcid", "dca", "sse4.1",
    "sse4.2", "tsc-deadline", "aes", "xsave", "osxsave", "avx", "f16c", "rdrand", "hypervisor", "mmxext",
    "fxsr-opt", "pdpe1gb", "3dnowext", "3dnow", "lahf-lm", "cmp-legacy", "svm", "extapic", "cr8legacy",
    "sse4a", "misalignsse", "3dnowprefetch", "osvw", "xop", "skinit", "wdt", "lwp", "fma4", "tbm", "topoext",
    "fsgsbase", "bmi1", "hle", "avx2", "smep", "bmi2", "erms", "invpcid", "rtm", "mpx", "avx512f", "rdseed",
    "adx", "smap", "clflushopt", "clwb", "sha-ni", "umip", "pku", "la57", "rdpid", "fsrm", "xsaveopt",
    "xsavec", "xgetbv1", "xsaves", "arat", "kvmclock", "kvm-nopiodelay", "kvm-asyncpf", "kvm-pv-eoi",
    "kvm-steal-time", "kvmclock-stable-bit", "svm-lock", "npt", "nrip-save", "vgif", "vmcb-clean",
    "pause-filter", "pfthreshold", "invtsc", "sse4-1", "sse4-2", "pclmuldq", "lahf_lm",
};

const FeatureName* find_feature(std::string_view name) {
  for (const FeatureName& n : kFeatureNames)
    if (name == n.name) return &n;
  return nullptr;
}
bool unimplemented(std::string_view name) {
  for (const char* n : kUnimplemented)
    if (name == n) return true;
  return false;
}
}  // namespace

uint32_t signature(Model model) {
  static constexpr uint32_t kSignature[] = {0, 0, 0x0308, 0x0480, 0x0543, 0x0673, 0x0663, 0x0663};
  return kSignature[unsigned(model)];
}

Features model_features(Model model) {
  using F = Feature;
  Features f;
  if (model >= Model::I386) f.set(F::Fpu);
  // The Pentium (P54C) brought 4 MiB pages (PSE) with the TSC, MSRs and CMPXCHG8B.
  if (model >= Model::Pentium) f.set(F::Pse).set(F::Tsc).set(F::Msr).set(F::Cx8).set(F::Apic);
  // MMX and SSE from the Pentium III (the `pentium` model is a P54C, without MMX), SSE2-SSSE3 with x86-64.
  if (model >= Model::Pentium3) {
    for (F x : {F::Pae, F::Sep, F::Mtrr, F::Pge, F::Cmov, F::Pat, F::Pse36, F::Clflush, F::Fxsr, F::Mmx, F::Sse})
      f.set(x);
  }
  if (model >= Model::X64) {
    for (F x : {F::Sse2, F::Pni, F::Ssse3, F::Cx16, F::Popcnt, F::Syscall, F::Nx, F::Rdtscp, F::Lm, F::Abm}) f.set(x);
  }
  if (model == Model::Max) f.set(F::Movbe).set(F::X2apic);
  return f;
}

CpuidResult cpuid(Model model, const Features& features, uint32_t leaf, uint32_t subleaf, uint32_t apic_id) {
  const bool x64 = model >= Model::X64;
  // Leaf 0xB (the x2APIC's topology) where the CPU has x2APIC; leaf 2 from the Pentium III.
  const uint32_t max_basic = features.has(Feature::X2apic) ? 0xb : model >= Model::Pentium3 ? 2 : 1;
  const uint32_t max_ext = x64 ? 0x80000008 : 0;
  // "GenuineIntel" in EBX, EDX, ECX; "KilnKilnKiln" would hide the register order the guests expect.
  const CpuidResult vendor{max_basic, str4("Genu"), str4("ntel"), str4("ineI")};
  if (leaf == 0) return vendor;
  if (leaf == 1) {
    const uint32_t edx = features.word[kWord1Edx] & ~mask_of(Feature::Apic);
    const uint32_t ecx = features.word[kWord1Ecx] & ~mask_of(Feature::X2apic);
    uint32_t ebx = apic_id << 24;  // the initial APIC ID; [23:16] 0: HTT is clear (every CPU is a package)
    if (features.has(Feature::Clflush)) ebx |= 8u << 8;  // CLFLUSH line size: 8 x 8 bytes
    return {signature(model), ebx, ecx, edx};
  }
  if (leaf == 0xb && leaf <= max_basic) {
    // Extended topology (SDM Vol. 3 §9.9.1): every CPU is a package of one core of one thread (QEMU's
    // -smp N is N sockets), so both levels shift the x2APIC ID by 0 and count 1; EDX the x2APIC ID.
    // ECX[15:8] the level type: 1 SMT, 2 core, 0 past the last level.
    if (subleaf == 0) return {0, 1, 0x100, apic_id};
    if (subleaf == 1) return {0, 1, 0x201, apic_id};
    return {0, 0, subleaf & 0xff, apic_id};
  }
  if (leaf <= max_basic) return {0, 0, 0, 0};  // leaf 2: no cache descriptors reported; 3-0xA: nothing
  if (leaf == 0x80000000 && x64) return {max_ext, 0, 0, 0};
  if (x64 && leaf == 0x80000001) return {0, 0, features.word[kWordExt1Ecx], features.word[kWordExt1Edx]};
  if (x64 && leaf >= 0x80000002 && leaf <= 0x80000004) {
    static const char kBrand[49] = "Kiln x86-64 software CPU                        ";
    uint32_t r[4];
    std::memcpy(r, kBrand + 16 * (leaf - 0x80000002), 16);
    return {r[0], r[1], r[2], r[3]};
  }
  if (x64 && leaf == 0x80000008) return {0x3028, 0, 0, 0};  // 40 physical, 48 linear address bits
  if (leaf >= 0x80000000 && leaf <= max_ext) return {0, 0, 0, 0};
  // Beyond the highest leaf: Intel CPUs return the highest basic leaf's data.
  return cpuid(model, features, max_basic, subleaf, apic_id);
}

CpuidResult cpuid(Model model, uint32_t leaf, uint32_t subleaf) { return cpuid(model, model_features(model), leaf, subleaf); }

Result<Features> apply_cpu_flags(Model model, std::string_view name, std::string_view flags) {
  Features f = model_features(model);
  if (flags.empty()) return f;
  const std::string where = "-cpu " + std::string(name) + ": ";
  if (model < Model::I486) return make_error(where + "no CPUID, so no CPU features to change (486 and later have them)");
  const Features max = model_features(Model::Max);
  std::vector<std::pair<Feature, bool>> set, plus, minus;  // QEMU's three passes
  for (const OptionPart& p : split_options(flags)) {
    std::string key = p.key;
    std::vector<std::pair<Feature, bool>>* pass = &set;
    bool on = true;
    if (!p.has_value && !key.empty() && (key[0] == '+' || key[0] == '-')) {
      on = key[0] == '+';
      pass = on ? &plus : &minus;
      key.erase(0, 1);
    }
    const FeatureName* known = find_feature(key);
    const bool switch_only = key == "check" || key == "enforce";  // Kiln refuses a feature it lacks either way
    if (key.empty()) return make_error(where + "empty CPU feature name");
    if (!known && !switch_only && !unimplemented(key)) return make_error(where + "unknown CPU feature or property '" + key + "'");
    if (p.has_value) {
      std::optional<bool> v = parse_bool(p.value);
      if (!v) return make_error(where + "'" + key + "=" + p.value + "': on or off expected");
      on = *v;
    }
    if (switch_only) continue;
    if (!known) {
      if (on) return make_error(where + "CPU feature '" + key + "' is not implemented by Kiln");
      continue;  // not there anyway
    }
    if (on && !max.has(known->f)) return make_error(where + "CPU feature '" + key + "' is not implemented by Kiln");
    if (on && !f.has(known->f) && word_of(known->f) >= kWordExt1Edx && model < Model::X64)
      return make_error(where + "CPU feature '" + key + "' needs an x86-64 model (qemu64 or max)");
    pass->push_back({known->f, on});
  }
  for (const auto* pass : {&set, &plus, &minus})
    for (auto [feature, on] : *pass) f.set(feature, on);
  if (f.has(Feature::X2apic) && !f.has(Feature::Apic)) {  // max,-apic: no APIC, so no x2APIC either
    if (!model_features(model).has(Feature::X2apic)) return make_error(where + "x2apic needs apic");
    f.set(Feature::X2apic, false);
  }
  return f;
}

}  // namespace kiln::x86
