// x86 disassembly (cpu/x86/disasm.h): Capstone's text in columns, with one
// correction where Capstone 4 misnames an instruction it decoded right.
#include "cpu/x86/disasm.h"

#include <capstone/capstone.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace kiln::x86 {

namespace {

// One Capstone handle per code size and thread, opened on first use
// (cs_open is too slow to pay per traced instruction; handles are not
// thread-safe). Detail stays off: the text needs none.
class Handles {
 public:
  ~Handles() {
    for (csh& h : h_)
      if (h) cs_close(&h);
  }
  csh get(unsigned bits) {
    const unsigned i = bits == 64 ? 2 : bits == 32 ? 1 : 0;
    if (!h_[i]) {
      const cs_mode mode = i == 2 ? CS_MODE_64 : i == 1 ? CS_MODE_32 : CS_MODE_16;
      if (cs_open(CS_ARCH_X86, mode, &h_[i]) != CS_ERR_OK) h_[i] = 0;
    }
    return h_[i];
  }

 private:
  csh h_[3] = {0, 0, 0};
};

// Capstone 4 names 98/99 by the code size alone where a 66 prefix changes the
// operand size (in 16-bit code always cwde/cdq, never cbw/cwd). The name from
// the SDM's rule instead: 66 toggles 16/32 bits, REX.W right before the
// opcode makes 64; nullptr for other instructions.
const char* convert_name(const cs_insn& insn, unsigned bits) {
  const uint8_t op = insn.bytes[insn.size - 1];
  const bool convert = insn.id == X86_INS_CBW || insn.id == X86_INS_CWDE || insn.id == X86_INS_CDQE ||
                       insn.id == X86_INS_CWD || insn.id == X86_INS_CDQ || insn.id == X86_INS_CQO;
  if (!convert || (op != 0x98 && op != 0x99)) return nullptr;
  const unsigned prefixes = insn.size - 1;
  unsigned size = bits == 16 ? 16 : 32;
  if (std::memchr(insn.bytes, 0x66, prefixes)) size = size == 16 ? 32 : 16;
  if (bits == 64 && prefixes && (insn.bytes[prefixes - 1] & 0xF8) == 0x48) size = 64;
  static constexpr const char* kNames[2][3] = {{"cbw", "cwde", "cdqe"}, {"cwd", "cdq", "cqo"}};
  return kNames[op & 1][size == 16 ? 0 : size == 32 ? 1 : 2];
}

}  // namespace

std::string disassemble(const uint8_t* bytes, size_t n, uint64_t address, unsigned bits, unsigned* len) {
  thread_local Handles handles;
  if (len) *len = 0;
  if (n == 0) return "<illegal>";
  const csh h = handles.get(bits);
  cs_insn* insn = h ? cs_malloc(h) : nullptr;
  const uint8_t* code = bytes;
  size_t left = n;
  uint64_t at = address;
  const bool ok = insn && cs_disasm_iter(h, &code, &left, &at, insn);
  // Columns: bytes (padded for up to 8), mnemonic (padded to 10), operands.
  std::string line;
  char hex[4];
  for (unsigned i = 0; i < (ok ? insn->size : 1u); i++) {
    std::snprintf(hex, sizeof hex, i ? " %02x" : "%02x", bytes[i]);
    line += hex;
  }
  line.resize(std::max<size_t>(line.size(), 24), ' ');
  line += ' ';
  if (ok) {
    const char* fixed = convert_name(*insn, bits);
    line += fixed ? fixed : insn->mnemonic;
    if (insn->op_str[0]) {
      line.resize(std::max<size_t>(line.size(), 25 + 10), ' ');
      line += ' ';
      line += insn->op_str;
    }
    if (len) *len = insn->size;
  } else {
    line += "<illegal>";
  }
  if (insn) cs_free(insn, 1);
  return line;
}

}  // namespace kiln::x86
