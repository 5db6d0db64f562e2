// Decoder vs Capstone (issue 13): seeded random encodings (legal prefixes,
// a REX in 64-bit code, one-byte and 0F opcodes, random ModR/M, SIB,
// displacement and immediates; 20 bytes, so the 15-byte limit is exercised)
// in 16-, 32- and 64-bit code. (1) Zydis, which splits instructions for Kiln,
// and Capstone 4 give the same length wherever both accept, except in
// kLengthDisagreements, each with the Intel SDM's verdict and a witness
// encoding that must still show it. (2) Kiln's decode() (as the newest CPU
// model) accepts nothing longer than 15 bytes and, wherever Capstone accepts
// too, gives Capstone's length, and its opcode-map row names Capstone's
// mnemonic (kMnemonics lists the names that legitimately differ,
// kMnemonicDisagreements Capstone's known misnamings). Part (2)
// covers whatever decode() accepts, so it grows with the opcode map. Default:
// 200,000 encodings per mode (about a second); KILN_X86_CROSSCHECK_COUNT and
// KILN_X86_CROSSCHECK_SEED change the count and the seed.
#include <capstone/capstone.h>
#include <Zydis/Zydis.h>
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "cpu/x86/decode.h"

using namespace kiln;
using namespace kiln::x86;

namespace {

// The newest CPU model: Capstone and Zydis decode as a 386 or later, so the
// newest model is the one to compare. Update when a model is added.
constexpr Model kNewestModel = Model::Max;
// Before the 386, F1 is a second LOCK (INT1 from the 386 on, as Capstone reads it).
constexpr bool kNewestIsPre386 = kNewestModel == Model::I8086 || kNewestModel == Model::I286;

struct Mode {
  unsigned bits;
  CodeSize size;
  ZydisMachineMode zydis_mode;
  ZydisStackWidth zydis_stack;
  cs_mode capstone_mode;
};
constexpr Mode kModes[] = {
    {16, CodeSize::Real16, ZYDIS_MACHINE_MODE_REAL_16, ZYDIS_STACK_WIDTH_16, CS_MODE_16},
    {32, CodeSize::Prot32, ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32, CS_MODE_32},
    {64, CodeSize::Long64, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64, CS_MODE_64},
};

uint64_t env_number(const char* name, uint64_t fallback) {
  const char* text = std::getenv(name);
  if (!text || !*text) return fallback;
  char* end = nullptr;
  unsigned long long v = std::strtoull(text, &end, 0);
  return *end ? fallback : v;
}

// splitmix64: small, seedable, good enough to spread bytes.
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  unsigned below(unsigned n) { return unsigned(next() % n); }
};

constexpr uint8_t kLegacyPrefixes[] = {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3};
bool is_legacy_prefix(uint8_t b) { return std::memchr(kLegacyPrefixes, b, sizeof kLegacyPrefixes) != nullptr; }

// Each encoding is kBytes bytes, more than the 15 one instruction may have,
// so that the limit is checked too: usually 0-3 legacy prefixes, one time in
// eight a run of 4-16; in 64-bit code a REX half the time; a 0F escape a
// third of the time; then random bytes.
constexpr unsigned kBytes = 20;
void generate(Rng& rng, unsigned bits, uint8_t out[kBytes]) {
  unsigned k = 0;
  const unsigned prefixes = rng.below(8) == 0 ? 4 + rng.below(13) : rng.below(4);
  for (unsigned i = 0; i < prefixes; i++) out[k++] = kLegacyPrefixes[rng.below(sizeof kLegacyPrefixes)];
  if (bits == 64 && rng.below(2)) out[k++] = uint8_t(0x40 | rng.below(16));
  if (rng.below(3) == 0) out[k++] = 0x0F;
  while (k < kBytes) out[k++] = uint8_t(rng.next());
}

// An encoding split as the SDM (Vol. 2A, 2.1-2.2) splits it: legacy prefixes
// in any order; in 64-bit code REX bytes, of which only one right before the
// opcode counts; then the opcode, one byte or 0F and one byte.
struct Shape {
  bool p66 = false, p67 = false, f2 = false, f3 = false, legacy = false;
  bool p66_before_rep = false;  // a 66 followed later by F2 or F3
  bool rep_before_66 = false;   // an F2 or F3 followed later by 66
  uint8_t last_legacy = 0;      // the last legacy prefix
  bool f1_prefix = false;       // F1 among the prefixes (pre-386 LOCK)
  uint8_t rex = 0;
  bool map0f = false;
  uint8_t opcode = 0;
  bool rex_w() const { return rex & 8; }
};

Shape shape_of(const uint8_t* b, unsigned bits, bool f1_is_prefix) {
  Shape s;
  unsigned i = 0;
  for (; i < kBytes; i++) {
    const uint8_t p = b[i];
    if (bits == 64 && (p & 0xF0) == 0x40) {
      s.rex = p;
      continue;
    }
    if (!is_legacy_prefix(p) && !(f1_is_prefix && p == 0xF1)) break;
    s.rex = 0;  // a REX followed by a legacy prefix is ignored
    s.legacy = true;
    s.last_legacy = p;
    if (p == 0xF1) s.f1_prefix = true;
    if (p == 0x66) s.p66 = true;
    if (p == 0x66 && (s.f2 || s.f3)) s.rep_before_66 = true;
    if (p == 0x67) s.p67 = true;
    if ((p == 0xF2 || p == 0xF3) && s.p66) s.p66_before_rep = true;
    if (p == 0xF2) s.f2 = true;
    if (p == 0xF3) s.f3 = true;
  }
  if (i < kBytes && b[i] == 0x0F) {
    s.map0f = true;
    i++;
  }
  if (i < kBytes) s.opcode = b[i];
  return s;
}

// Where Zydis (Kiln's splitter) and Capstone 4 give different lengths
// (kLengthDisagreements) or mnemonics (kMnemonicDisagreements), and who is
// right by the Intel SDM. Kiln follows Zydis in every case. Each entry has a
// witness, an encoding (hex) in `bits`-bit code, and its length or mnemonic
// by the SDM, checked below: an entry whose witness Capstone gets right is
// stale and must go.
struct KnownDisagreement {
  const char* what;
  const char* reason;
  bool (*matches)(const Shape&, unsigned bits);
  unsigned bits;
  const char* witness;
  unsigned sdm_length;       // length entries
  const char* sdm_mnemonic;  // mnemonic entries
};
const KnownDisagreement kLengthDisagreements[] = {
    {"0F B9 (UD1) has a ModR/M byte",
     "SDM Vol. 2B UD: '0F B9 /r UD1 r32, r/m32'. Zydis is right; Capstone 4 decodes the older two-byte UD2B.",
     [](const Shape& s, unsigned) { return s.map0f && s.opcode == 0xB9; }, 32, "0fb9c0", 3, nullptr},
    {"0F FF (UD0) has a ModR/M byte",
     "SDM Vol. 2B UD: '0F FF /r UD0 r32, r/m32' (its note: some older processors decode it without ModR/M). Zydis "
     "follows the SDM; Capstone 4 decodes two bytes.",
     [](const Shape& s, unsigned) { return s.map0f && s.opcode == 0xFF; }, 32, "0fffc0", 3, nullptr},
    {"66/F2 0F 78 (AMD's EXTRQ/INSERTQ) with another prefix after the 66/F2",
     "SDM Vol. 2A 2.1.1: prefixes of groups 1-4 may come in any order, so the 66 or F2 that makes 0F 78 AMD's SSE4a "
     "EXTRQ/INSERTQ (two imm8; VMREAD is 'NP 0F 78', SDM Vol. 3C) counts wherever it is among the prefixes. Zydis is "
     "right; Capstone 4 sees it only right before the 0F and decodes VMREAD.",
     [](const Shape& s, unsigned) { return s.map0f && s.opcode == 0x78 && (s.p66 || s.f2); }, 32, "663e0f78c27416", 7, nullptr},
    {"Capstone 4 decodes 67 REX.W 0F 78 as EXTRQ",
     "SDM Vol. 3C VMREAD: 'NP 0F 78 VMREAD r/m64, r64'; 67 is the address-size prefix (not 66), which VMREAD "
     "allows. Zydis is right; Capstone 4 decodes AMD's 66-prefixed EXTRQ with its two imm8.",
     [](const Shape& s, unsigned bits) { return bits == 64 && s.p67 && s.rex_w() && s.map0f && s.opcode == 0x78; },
     64, "67480f78c0", 5, nullptr},
    {"64-bit code: 66 does not shorten near CALL/JMP/Jcc",
     "SDM Vol. 2A CALL, JMP, Jcc: the rel16 forms are N.S. in 64-bit mode, so Intel CPUs ignore 66 and take rel32. "
     "Zydis decodes Intel's way (its default); Capstone 4 takes rel16, which is what AMD CPUs do.",
     [](const Shape& s, unsigned bits) {
       return bits == 64 && s.p66 && !s.rex_w() &&
              (s.map0f ? (s.opcode & 0xF0) == 0x80 : s.opcode == 0xE8 || s.opcode == 0xE9);
     },
     64, "66e800000000", 6, nullptr},
    {"Capstone 4 drops a 66 that comes before F2/F3 (E8 in 32-bit code, 68 in 64-bit code)",
     "SDM Vol. 2A 2.1.1: F2/F3 are no mandatory prefixes of CALL or PUSH, so 66 still selects rel16/imm16 whatever "
     "the order. Zydis is right; Capstone 4 reads rel32/imm32.",
     [](const Shape& s, unsigned bits) {
       return s.p66_before_rep && !s.map0f && ((bits == 32 && s.opcode == 0xE8) || (bits == 64 && s.opcode == 0x68));
     },
     32, "66f3e80000", 5, nullptr},
    {"Capstone 4 reads RET imm16 (C2) with a legacy prefix and REX.W as imm32",
     "SDM Vol. 2A RET: 'C2 iw', a 16-bit immediate in every mode and operand size. Zydis is right.",
     [](const Shape& s, unsigned bits) { return bits == 64 && s.legacy && s.rex_w() && !s.map0f && s.opcode == 0xC2; },
     64, "6648c20400", 5, nullptr},
    {"Capstone 4 reads CALL (E8) with 67 and REX.W as rel16",
     "SDM Vol. 2A CALL: 'E8 cd CALL rel32' in 64-bit mode; 67 changes the address size, not the operand size. Zydis "
     "is right.",
     [](const Shape& s, unsigned bits) { return bits == 64 && s.p67 && s.rex_w() && !s.map0f && s.opcode == 0xE8; },
     64, "6748e800000000", 7, nullptr},
};

// Only Capstone's mnemonic is wrong here; the lengths agree. These matter
// once the opcode map has 0F rows with mandatory prefixes (SSE).
const KnownDisagreement kMnemonicDisagreements[] = {
    {"16-bit code: Capstone 4 ignores the mandatory prefix (66/F2/F3) of 0F-map instructions",
     "SDM Vol. 2A 2.1.2 and Vol. 2B DIVSS: 'F3 0F 5E /r', in every mode (real mode included). Zydis is right.",
     [](const Shape& s, unsigned bits) { return bits == 16 && s.map0f && (s.p66 || s.f2 || s.f3); }, 16, "f30f5ec0",
     0, "divss"},
    {"Capstone 4 ignores a mandatory prefix (66/F2/F3) with another prefix between it and the 0F",
     "SDM Vol. 2A 2.1.1: prefixes of groups 1-4 may come in any order, so F3 2E 0F 5E is DIVSS. Zydis is right.",
     [](const Shape& s, unsigned) {
       const bool last_mandatory = s.last_legacy == 0x66 || s.last_legacy == 0xF2 || s.last_legacy == 0xF3;
       return s.map0f && (s.p66 || s.f2 || s.f3) && !last_mandatory;
     },
     32, "f32e0f5ec0", 0, "divss"},
    {"Capstone 4 takes a 66 after F2/F3 as the mandatory prefix",
     "SDM Vol. 2A 2.1.2 and 2.1.1 (prefixes in any order); F2/F3 select the scalar form whatever the order, 66 "
     "then only sets the operand size (as Intel's XED decodes it). Zydis is right; Capstone 4 takes the last one.",
     [](const Shape& s, unsigned) { return s.map0f && s.rep_before_66; }, 32, "f2660f7cc0", 0, "haddps"},
    {"64-bit code: Capstone 4 takes 67 with REX as a mandatory 66",
     "SDM Vol. 2A 2.1.1: 67 is the address-size prefix, not a mandatory prefix, so 67 REX 0F 5C is SUBPS. Zydis is "
     "right; Capstone 4 decodes SUBPD.",
     [](const Shape& s, unsigned bits) { return bits == 64 && s.p67 && s.rex && s.map0f; }, 64, "674c0f5cc0", 0,
     "subps"},
    {"Capstone 4 ignores F3 after F2 before a 0F-map opcode",
     "SDM Vol. 2A 2.1.1: of F2 and F3 the last one counts, so F2 F3 0F 7E is MOVQ xmm, xmm/m64. Zydis is right; "
     "Capstone 4 decodes the unprefixed MOVD (here with REX.W and a memory operand).",
     [](const Shape& s, unsigned) { return s.map0f && s.f2 && s.f3; }, 64, "f264f34a0f7e3517e4abdb", 0, "movq"},
};

// True if `s` falls under one of `list`.
bool known(std::span<const KnownDisagreement> list, const Shape& s, unsigned bits) {
  for (const KnownDisagreement& k : list)
    if (k.matches(s, bits)) return true;
  return false;
}

// Opcode-map mnemonics whose Capstone names differ: each accepted name, by
// operand size or alias. A '*' matches any letters ("f*": any x87 mnemonic). Rows named xxcc (Jcc,
// later SETcc, CMOVcc) take their condition from the opcode's low nibble.
struct MnemonicNames {
  const char* row;
  const char* capstone;  // space-separated
};
constexpr MnemonicNames kMnemonics[] = {
    {"CALLF", "lcall"},  // Capstone's Intel syntax keeps the AT&T names of far transfers
    {"JMPF", "ljmp"},
    {"RETF", "retf retfq"},
    {"IRET", "iret iretd iretq"},
    // Capstone 4 names 98/99 cwde/cdq in 16-bit code too (where they are CBW/CWD): accept any size.
    {"CBW", "cbw cwde cdqe"},
    {"CWD", "cwd cdq cqo"},
    {"PUSHA", "pushaw pushal"},
    {"POPA", "popaw popal"},
    {"PUSHF", "pushf pushfd pushfq"},
    {"POPF", "popf popfd popfq"},
    {"MOVS", "movsb movsw movsd movsq"},
    {"CMPS", "cmpsb cmpsw cmpsd cmpsq"},
    {"STOS", "stosb stosw stosd stosq"},
    {"LODS", "lodsb lodsw lodsd lodsq"},
    {"SCAS", "scasb scasw scasd scasq"},
    {"INS", "insb insw insd"},
    {"OUTS", "outsb outsw outsd"},
    {"XLAT", "xlatb"},
    {"XCHG", "xchg nop pause"},  // 90 is NOP (F3 90 PAUSE)
    {"MOV", "mov movabs"},       // movabs: 64-bit immediates and offsets
    {"JCXZ", "jcxz jecxz jrcxz"},
    {"ESC", "f*"},
    {"ARPL", "arpl movsxd"},                      // 63 is MOVSXD in 64-bit mode
    {"INVLPG", "invlpg swapgs rdtscp"},           // 0F 01 /7 with a register: SWAPGS, RDTSCP
    {"GRP15", "lfence mfence sfence clflush clwb xrstor xrstor64 xsaveopt xsaveopt64 clflushopt"},  // the memory forms of /5 and /6 are #UD in Kiln
    {"FXSAVE", "fxsave fxsave64"},                // REX.W: the 64-bit layout
    {"FXRSTOR", "fxrstor fxrstor64"},
    {"NOP", "nop prefetch prefetchw prefetchnta prefetcht0 prefetcht1 prefetcht2"},
    {"BSF", "bsf tzcnt"},
    {"BSR", "bsr lzcnt"},
    {"CMPXCHG8B", "cmpxchg8b cmpxchg16b"},
    {"SYSRET", "sysret sysretq"},
    {"SYSEXIT", "sysexit sysexitq"},
    // MMX/SSE: register forms with their own names, REX.W forms, and CMPxx with the predicate in the name
    {"MOVLPS", "movlps movhlps"},
    {"MOVHPS", "movhps movlhps"},
    {"MOVD", "movd movq"},
    {"CMPPS", "cmp*ps"},
    {"CMPPD", "cmp*pd"},
    {"CMPSS", "cmp*ss"},
    {"CMPSD", "cmp*sd"},
};

constexpr const char* kConditions[16] = {"o", "no", "b", "ae", "e", "ne", "be", "a",
                                         "s", "ns", "p", "np", "l", "ge", "le", "g"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// True if Capstone's mnemonic `cs` (prefix words such as "rep" or "lock"
// already dropped) names the row's instruction.
bool mnemonic_matches(const OpcodeRow& row, std::string_view cs) {
  for (const MnemonicNames& m : kMnemonics) {
    if (std::strcmp(m.row, row.mnemonic) != 0) continue;
    std::string_view names = m.capstone;
    while (!names.empty()) {
      size_t end = names.find(' ');
      std::string_view name = names.substr(0, end);
      const size_t star = name.find('*');
      if (name == cs) return true;
      if (star != std::string_view::npos && cs.size() >= name.size() - 1 && cs.starts_with(name.substr(0, star)) &&
          cs.ends_with(name.substr(star + 1)))
        return true;
      names = end == std::string_view::npos ? std::string_view() : names.substr(end + 1);
    }
    return false;
  }
  std::string want = lower(row.mnemonic);
  if (want.size() > 2 && want.ends_with("cc")) want = want.substr(0, want.size() - 2) + kConditions[row.opcode & 15];
  return want == cs;
}

struct Decoders {
  ZydisDecoder zydis;
  csh capstone = 0;
  cs_insn* insn = nullptr;

  explicit Decoders(const Mode& m) {
    REQUIRE(ZYAN_SUCCESS(ZydisDecoderInit(&zydis, m.zydis_mode, m.zydis_stack)));
    REQUIRE(cs_open(CS_ARCH_X86, m.capstone_mode, &capstone) == CS_ERR_OK);
    insn = cs_malloc(capstone);
  }
  ~Decoders() {
    cs_free(insn, 1);
    cs_close(&capstone);
  }
  unsigned zydis_length(const uint8_t* b, std::string_view* mnemonic = nullptr) {
    ZydisDecodedInstruction z;
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&zydis, nullptr, b, kBytes, &z))) return 0;
    if (mnemonic) *mnemonic = ZydisMnemonicGetString(z.mnemonic);
    return z.length;
  }
  // Capstone's length (0: rejected); its mnemonic without prefix words in *mnemonic.
  unsigned capstone_length(const uint8_t* b, std::string_view* mnemonic = nullptr) {
    const uint8_t* code = b;
    size_t left = kBytes;
    uint64_t address = 0x1000;
    if (!cs_disasm_iter(capstone, &code, &left, &address, insn)) return 0;
    if (mnemonic) {
      std::string_view m = insn->mnemonic;
      size_t space = m.rfind(' ');
      *mnemonic = space == std::string_view::npos ? m : m.substr(space + 1);
    }
    return insn->size;
  }
  std::string describe(const uint8_t* b) {
    std::string s;
    char hex[4];
    for (unsigned i = 0; i < kBytes; i++) {
      std::snprintf(hex, sizeof hex, "%02x", b[i]);
      s += hex;
    }
    if (capstone_length(b)) s += std::string(" (Capstone: ") + insn->mnemonic + " " + insn->op_str + ")";
    return s;
  }
};

// Mismatches are reported (the first few in full) and counted.
struct Mismatches {
  unsigned count = 0;
  void add(const std::string& text) {
    if (++count <= 10) FAIL_CHECK(text);
  }
};

uint64_t count_per_mode() { return env_number("KILN_X86_CROSSCHECK_COUNT", 200000); }
uint64_t seed_for(unsigned bits) { return env_number("KILN_X86_CROSSCHECK_SEED", 13) * 1000 + bits; }

}  // namespace

TEST_CASE("x86 decode cross-check: Zydis and Capstone agree on lengths", "[x86][crosscheck]") {
  const uint64_t count = count_per_mode();
  for (const Mode& mode : kModes) {
    Decoders d(mode);
    Rng rng{seed_for(mode.bits)};
    Mismatches bad;
    uint64_t both = 0;
    uint8_t b[kBytes];
    for (uint64_t n = 0; n < count; n++) {
      generate(rng, mode.bits, b);
      const unsigned zl = d.zydis_length(b), cl = d.capstone_length(b);
      if (!zl || !cl) continue;
      both++;
      if (zl == cl) continue;
      if (known(kLengthDisagreements, shape_of(b, mode.bits, false), mode.bits)) continue;
      bad.add(std::to_string(mode.bits) + "-bit: Zydis length " + std::to_string(zl) + ", Capstone " +
              std::to_string(cl) + ": " + d.describe(b));
    }
    INFO(mode.bits << "-bit: " << bad.count << " unexplained length disagreements in " << both
                   << " encodings both accept");
    CHECK(bad.count == 0);
    CHECK(both > count / 2);  // the generator makes mostly valid instructions
  }
}

TEST_CASE("x86 decode cross-check: every known disagreement still happens, with Zydis as the SDM says",
          "[x86][crosscheck]") {
  using List = std::span<const KnownDisagreement>;
  for (List list : {List(kLengthDisagreements), List(kMnemonicDisagreements)}) {
    for (const KnownDisagreement& k : list) {
      INFO(k.what << ": " << k.witness << "\n" << k.reason);
      uint8_t b[kBytes] = {};
      const std::string_view hex = k.witness;
      for (size_t i = 0; i + 1 < hex.size() && i / 2 < kBytes; i += 2)
        b[i / 2] = uint8_t(std::stoul(std::string(hex.substr(i, 2)), nullptr, 16));
      const Mode* mode = nullptr;
      for (const Mode& m : kModes)
        if (m.bits == k.bits) mode = &m;
      REQUIRE(mode);
      Decoders d(*mode);
      CHECK(k.matches(shape_of(b, k.bits, false), k.bits));
      std::string_view zydis_mnemonic, capstone_mnemonic;
      const unsigned zl = d.zydis_length(b, &zydis_mnemonic), cl = d.capstone_length(b, &capstone_mnemonic);
      if (k.sdm_mnemonic) {
        CHECK(zydis_mnemonic == k.sdm_mnemonic);
        CHECK(capstone_mnemonic != k.sdm_mnemonic);  // else Capstone was fixed: drop the entry
      } else {
        CHECK(zl == k.sdm_length);
        CHECK(cl != k.sdm_length);  // else Capstone was fixed: drop the entry
      }
    }
  }
}

TEST_CASE("x86 decode cross-check: Kiln's decode() agrees with Capstone on length and mnemonic", "[x86][crosscheck]") {
  const uint64_t count = count_per_mode();
  for (const Mode& mode : kModes) {
    Decoders d(mode);
    Rng rng{seed_for(mode.bits) ^ 0x5eed};
    Mismatches bad;
    uint64_t compared = 0;
    uint8_t b[kBytes];
    for (uint64_t n = 0; n < count; n++) {
      generate(rng, mode.bits, b);
      Insn in;
      if (!decode(kNewestModel, mode.size, b, kBytes, &in)) continue;
      if (in.len > 15) bad.add(std::to_string(mode.bits) + "-bit: Kiln accepts " + std::to_string(in.len) +
                               " bytes (the limit is 15): " + d.describe(b));
      std::string_view cs_mnemonic;
      const unsigned cl = d.capstone_length(b, &cs_mnemonic);
      if (!cl) continue;
      const Shape shape = shape_of(b, mode.bits, kNewestIsPre386);
      if (shape.f1_prefix) continue;  // a LOCK to Kiln's model, INT1 to Capstone
      if (in.len != cl) {
        if (!known(kLengthDisagreements, shape, mode.bits))
          bad.add(std::to_string(mode.bits) + "-bit: Kiln length " + std::to_string(in.len) + ", Capstone " +
                  std::to_string(cl) + ": " + d.describe(b));
        continue;
      }
      compared++;
      if (!mnemonic_matches(*in.row, cs_mnemonic) && !known(kMnemonicDisagreements, shape, mode.bits))
        bad.add(std::to_string(mode.bits) + "-bit: Kiln row " + in.row->mnemonic + " " + in.row->operands + ": " +
                d.describe(b));
    }
    INFO(mode.bits << "-bit: " << bad.count << " disagreements in " << compared << " encodings compared");
    CHECK(bad.count == 0);
    CHECK(compared > 0);
  }
}
