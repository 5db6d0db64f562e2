// The RISC-V hart as the debugger sees it (cpu/common/debug.h). Register
// numbers follow gdb's and QEMU's riscv64 layout: x0-x31 0-31, pc 32, f0-f31
// 33-64, CSR n at 65 + n (fflags 66, frm 67, fcsr 68), priv at 65 + 4096.
#include "cpu/riscv/debug.h"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>

#include "cpu/common/debug_memory.h"
#include "cpu/riscv/csr.h"

namespace kiln::riscv {

namespace {

constexpr unsigned kPcReg = 32, kF0Reg = 33, kCsrBase = 65, kPrivReg = kCsrBase + 4096;
constexpr unsigned kFflags = 1, kFrm = 2, kFcsr = 3;

const char* const kXNames[32] = {"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0",
                                 "a1",   "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
                                 "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
const char* const kFNames[32] = {"ft0", "ft1", "ft2",  "ft3",  "ft4", "ft5", "ft6",  "ft7",
                                 "fs0", "fs1", "fa0",  "fa1",  "fa2", "fa3", "fa4",  "fa5",
                                 "fa6", "fa7", "fs2",  "fs3",  "fs4", "fs5", "fs6",  "fs7",
                                 "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};

struct CsrName {
  unsigned num;
  const char* name;
};
// The CSRs csr.cpp implements (hpm counters, always zero, left out).
constexpr CsrName kCsrs[] = {
    {0xc00, "cycle"},      {0xc01, "time"},       {0xc02, "instret"},   {0x100, "sstatus"},
    {0x104, "sie"},        {0x105, "stvec"},      {0x106, "scounteren"}, {0x10a, "senvcfg"},
    {0x140, "sscratch"},   {0x141, "sepc"},       {0x142, "scause"},    {0x143, "stval"},
    {0x144, "sip"},        {0x14d, "stimecmp"},   {0x180, "satp"},      {0xf11, "mvendorid"},
    {0xf12, "marchid"},    {0xf13, "mimpid"},     {0xf14, "mhartid"},   {0xf15, "mconfigptr"},
    {0x300, "mstatus"},    {0x301, "misa"},       {0x302, "medeleg"},   {0x303, "mideleg"},
    {0x304, "mie"},        {0x305, "mtvec"},      {0x306, "mcounteren"}, {0x30a, "menvcfg"},
    {0x320, "mcountinhibit"}, {0x340, "mscratch"}, {0x341, "mepc"},     {0x342, "mcause"},
    {0x343, "mtval"},      {0x344, "mip"},        {0x3a0, "pmpcfg0"},   {0x3a2, "pmpcfg2"},
    {0xb00, "mcycle"},     {0xb02, "minstret"},
};

constexpr uint64_t V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128;  // PTE bits

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

}  // namespace

RiscvDebugTarget::RiscvDebugTarget(RiscvCpu& cpu) : cpu_(cpu) {
  desc_.architecture = "riscv:rv64";
  desc_.watch_stops_before_access = true;  // gdb's riscv: "nonsteppable" watchpoints, it steps over the access
  desc_.features = {{"org.gnu.gdb.riscv.cpu", ""},
                    {"org.gnu.gdb.riscv.fpu", ""},
                    {"org.gnu.gdb.riscv.virtual", ""},
                    {"org.gnu.gdb.riscv.csr", ""}};
  auto& regs = desc_.registers;
  for (unsigned i = 0; i < 32; i++) {
    const char* type = i == 1 ? "code_ptr" : (i == 2 || i == 3 || i == 4) ? "data_ptr" : "int";
    regs.push_back({kXNames[i], 64, i, 0, type, "general"});
  }
  regs.push_back({"pc", 64, kPcReg, 0, "code_ptr", "general"});
  for (unsigned i = 0; i < 32; i++) regs.push_back({kFNames[i], 64, kF0Reg + i, 1, "ieee_double", "float"});
  regs.push_back({"fflags", 32, kCsrBase + kFflags, 1, "int", "float"});
  regs.push_back({"frm", 32, kCsrBase + kFrm, 1, "int", "float"});
  regs.push_back({"fcsr", 32, kCsrBase + kFcsr, 1, "int", "float"});
  regs.push_back({"priv", 64, kPrivReg, 2, "int", "general"});
  for (const CsrName& c : kCsrs) {
    if (c.num == 0x14d && !cpu_.has_sstc()) continue;
    regs.push_back({c.name, 64, kCsrBase + c.num, 3, "int", "system"});
  }
  for (unsigned i = 0; i < 16; i++)
    regs.push_back({"pmpaddr" + std::to_string(i), 64, kCsrBase + 0x3b0 + i, 3, "int", "system"});
}

bool RiscvDebugTarget::read_value(unsigned regnum, uint64_t* v) {
  RiscvState& s = cpu_.s();
  if (regnum < 32) *v = s.x[regnum];
  else if (regnum == kPcReg) *v = s.pc;
  else if (regnum >= kF0Reg && regnum < kF0Reg + 32) *v = s.f[regnum - kF0Reg];
  else if (regnum == kPrivReg) *v = s.priv;
  else if (regnum == kCsrBase + kFflags) *v = s.fflags;
  else if (regnum == kCsrBase + kFrm) *v = s.frm;
  else if (regnum == kCsrBase + kFcsr) *v = s.frm << 5 | s.fflags;
  else if (regnum > kCsrBase && regnum < kCsrBase + 4096) {
    // As an M-mode csrr would read it, leaving no trace of a failed access.
    uint64_t saved_priv = s.priv, cause = s.pending_cause, tval = s.pending_tval;
    uint32_t fault = s.fault;
    s.priv = kPrivM;
    bool ok = csr_access(&s, regnum - kCsrBase, CsrOp::Set, false, 0, 0, v);
    s.priv = saved_priv;
    s.pending_cause = cause, s.pending_tval = tval, s.fault = fault;
    return ok;
  } else return false;
  return true;
}

bool RiscvDebugTarget::write_value(unsigned regnum, uint64_t v) {
  RiscvState& s = cpu_.s();
  if (regnum < 32) {
    if (regnum) s.x[regnum] = v;  // x0 stays zero
  } else if (regnum == kPcReg) s.pc = v;
  else if (regnum >= kF0Reg && regnum < kF0Reg + 32) s.f[regnum - kF0Reg] = v;
  else if (regnum == kPrivReg) {
    if (v != kPrivU && v != kPrivS && v != kPrivM) return false;
    s.priv = v;
  } else if (regnum == kCsrBase + kFflags) s.fflags = v & 0x1f;
  else if (regnum == kCsrBase + kFrm) s.frm = v & 7;
  else if (regnum == kCsrBase + kFcsr) {
    s.fflags = v & 0x1f;
    s.frm = (v >> 5) & 7;
  } else if (regnum > kCsrBase && regnum < kCsrBase + 4096) {
    // As an M-mode csrw: WARL rules and side effects (TLB flushes, timers) apply.
    uint64_t saved_priv = s.priv, cause = s.pending_cause, tval = s.pending_tval, old;
    uint32_t fault = s.fault;
    s.priv = kPrivM;
    bool ok = csr_access(&s, regnum - kCsrBase, CsrOp::Write, true, v, 0, &old);
    s.priv = saved_priv;
    s.pending_cause = cause, s.pending_tval = tval, s.fault = fault;
    return ok;
  } else return false;
  return true;
}

bool RiscvDebugTarget::read_register(unsigned regnum, std::vector<uint8_t>* out) {
  uint64_t v;
  if (!read_value(regnum, &v)) return false;
  unsigned bytes = 8;
  for (const cpu::DebugRegister& r : desc_.registers)
    if (r.regnum == regnum) bytes = r.bitsize / 8;
  out->resize(bytes);
  for (unsigned i = 0; i < bytes; i++) (*out)[i] = uint8_t(v >> (8 * i));
  return true;
}

bool RiscvDebugTarget::write_register(unsigned regnum, const std::vector<uint8_t>& value) {
  if (value.empty() || value.size() > 8) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < value.size(); i++) v |= uint64_t(value[i]) << (8 * i);
  return write_value(regnum, v);
}

bool RiscvDebugTarget::translate(uint64_t va, uint64_t* pa, std::string* trace) const {
  const RiscvState& s = cpu_.s();
  unsigned mode = unsigned(s.satp >> 60);
  if (s.priv == kPrivM || mode == 0) {
    if (trace) *trace += s.priv == kPrivM ? "M-mode: no translation\n" : "satp: Bare: no translation\n";
    *pa = va;
    return true;
  }
  const unsigned levels = mode == 9 ? 4 : 3, va_bits = 12 + 9 * levels;
  const uint64_t root = (s.satp & ((1ull << 44) - 1)) << 12;
  if (trace) *trace += std::string(levels == 4 ? "Sv48" : "Sv39") + ", root table " + hex(root) + "\n";
  if (uint64_t(int64_t(va << (64 - va_bits)) >> (64 - va_bits)) != va) {
    if (trace) *trace += "not canonical\n";
    return false;
  }
  uint64_t table = root;
  for (int level = int(levels) - 1; level >= 0; level--) {
    uint64_t pte_addr = table + ((va >> (12 + 9 * level)) & 0x1ff) * 8, pte;
    if (!s.mem.map->read(pte_addr, &pte, 8)) {
      if (trace) *trace += "level " + std::to_string(level) + ": PTE at " + hex(pte_addr) + " is not in RAM\n";
      return false;
    }
    if (trace) {
      std::string flags;
      for (auto [bit, c] : {std::pair{V, 'V'}, {R, 'R'}, {W, 'W'}, {X, 'X'}, {U, 'U'}, {G, 'G'}, {A, 'A'}, {D, 'D'}})
        flags += (pte & bit) ? c : '-';
      *trace += "level " + std::to_string(level) + ": PTE at " + hex(pte_addr) + " = " + hex(pte) + " " + flags + "\n";
    }
    if (!(pte & V) || (!(pte & R) && (pte & W))) return false;
    uint64_t ppn = (pte >> 10) & ((1ull << 44) - 1);
    if (!(pte & (R | X))) {
      table = ppn << 12;
      continue;
    }
    uint64_t offset_mask = (1ull << (12 + 9 * level)) - 1;
    if (level > 0 && (ppn & ((1ull << (9 * level)) - 1))) return false;  // misaligned superpage
    *pa = ((ppn << 12) & ~offset_mask) | (va & offset_mask);
    if (trace) *trace += hex(va) + " -> " + hex(*pa) + "\n";
    return true;
  }
  return false;
}

Status RiscvDebugTarget::access(cpu::AddrSpace space, uint64_t addr, uint8_t* buf, size_t len, bool write) {
  if (space == cpu::AddrSpace::Segment) return make_error("RISC-V has no segments");
  auto to_pa = [&](uint64_t va, uint64_t* pa) { return space == cpu::AddrSpace::Physical || translate(va, pa, nullptr); };
  return cpu::debug_copy(cpu_.s().mem, to_pa, addr, buf, len, write);
}

Status RiscvDebugTarget::read_memory(cpu::AddrSpace space, uint64_t addr, uint8_t* buf, size_t len) {
  return access(space, addr, buf, len, false);
}
Status RiscvDebugTarget::write_memory(cpu::AddrSpace space, uint64_t addr, const uint8_t* buf, size_t len) {
  return access(space, addr, const_cast<uint8_t*>(buf), len, true);
}

std::string RiscvDebugTarget::mode_name() const {
  switch (cpu_.s().priv) {
    case kPrivU: return "U (user)";
    case kPrivS: return "S (supervisor)";
    default: return "M (machine)";
  }
}

std::string RiscvDebugTarget::monitor_help() const {
  return "  regs             every register, with the CSRs\n"
         "  walk ADDR        the page-table walk of a virtual address\n"
         "  priv             the privilege mode and what decides translation\n";
}

bool RiscvDebugTarget::monitor(const std::string& cmd, std::string* out) {
  const RiscvState& s = cpu_.s();
  if (cmd == "regs") {
    char line[96];
    for (const cpu::DebugRegister& r : desc_.registers) {
      uint64_t v;
      if (r.feature == 1 && r.regnum < kCsrBase) continue;  // FP values: gdb's `info float` shows them better
      if (!read_value(r.regnum, &v)) continue;
      std::snprintf(line, sizeof line, "%-14s 0x%016" PRIx64 "\n", r.name.c_str(), v);
      *out += line;
    }
    return true;
  }
  if (cmd == "priv") {
    static const char* const kModes[16] = {"Bare", "?", "?", "?", "?", "?", "?", "?", "Sv39", "Sv48"};
    *out += "privilege: " + mode_name() + "\n";
    *out += std::string("satp mode: ") + (kModes[s.satp >> 60] ? kModes[s.satp >> 60] : "?") + "\n";
    *out += std::string("mstatus.MPRV: ") + ((s.mstatus & mstatus::MPRV) ? "1" : "0") +
            ", SUM: " + ((s.mstatus & mstatus::SUM) ? "1" : "0") + ", MXR: " + ((s.mstatus & mstatus::MXR) ? "1" : "0") + "\n";
    return true;
  }
  return cpu::monitor_walk(cmd, out, [this](uint64_t va, uint64_t* pa, std::string* trace) { return translate(va, pa, trace); });
}

}  // namespace kiln::riscv
