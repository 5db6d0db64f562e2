#include "cpu/riscv/disasm.h"

#include <cinttypes>
#include <cstdio>
#include <string_view>

#include "cpu/riscv/decode.h"

namespace kiln::riscv {

namespace {

constexpr const char* kX[32] = {"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
                                "a1",   "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
                                "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
constexpr const char* kF[32] = {"ft0", "ft1", "ft2",  "ft3",  "ft4", "ft5", "ft6",  "ft7",
                                "fs0", "fs1", "fa0",  "fa1",  "fa2", "fa3", "fa4",  "fa5",
                                "fa6", "fa7", "fs2",  "fs3",  "fs4", "fs5", "fs6",  "fs7",
                                "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};

bool is_fp(std::string_view n) {
  return (n.starts_with("f") && !n.starts_with("fence")) || n == "c_fld" || n == "c_fsd" || n == "c_fldsp" ||
         n == "c_fsdsp";
}

// FP ops whose rs2 field is not a register (it selects the operation) take one source.
bool fp_one_source(std::string_view n) {
  return n.starts_with("fsqrt") || n.starts_with("fcvt") || n.starts_with("fmv") || n.starts_with("fclass");
}

// FP ops with a rounding-mode field: arithmetic, square root, fused multiply-add and most conversions.
bool has_rm(std::string_view n) {
  return n.starts_with("fadd") || n.starts_with("fsub") || n.starts_with("fmul") || n.starts_with("fdiv") ||
         n.starts_with("fsqrt") || n.starts_with("fmadd") || n.starts_with("fmsub") || n.starts_with("fnmadd") ||
         n.starts_with("fnmsub") || n.starts_with("fcvt");
}

// ", rtz" and the like, as assemblers write it; nothing for dyn (the default).
std::string rm_suffix(std::string_view n, unsigned rm) {
  static constexpr const char* kRm[8] = {"rne", "rtz", "rdn", "rup", "rmm", "5", "6", "dyn"};
  if (!has_rm(n) || rm == 7) return "";
  return std::string(", ") + kRm[rm & 7];
}

}  // namespace

std::string disassemble(uint32_t raw, uint64_t pc) {
  Args a;
  const DecodeEntry* e = decode(raw, &a);
  unsigned len = (raw & 3) == 3 ? 4 : 2;
  char buf[128];
  int n = std::snprintf(buf, sizeof buf, "%0*x  ", len * 2, len == 2 ? raw & 0xffff : raw);
  if (!e) {
    std::snprintf(buf + n, sizeof buf - n, "<illegal>");
    return buf;
  }
  std::string_view name = e->name;
  std::string m = mnemonic(*e);
  bool fp = is_fp(name);
  // Which register files the operands name: fmv.x.*/fcvt.<int>.*/compares/fclass write x; fmv.*.x/fcvt.*.<int> read x.
  bool rd_x = fp && (name.starts_with("fmv_x") || name.starts_with("fclass") || name.starts_with("feq") ||
                     name.starts_with("flt") || name.starts_with("fle") ||
                     (name.starts_with("fcvt_") && (name[5] == 'w' || name[5] == 'l')));
  bool rs1_x = !fp || name.starts_with("fmv_w_x") || name.starts_with("fmv_d_x") || name.starts_with("flw") ||
               name.starts_with("fld") || name.starts_with("fsw") || name.starts_with("fsd") ||
               name.starts_with("c_f") ||
               (name.starts_with("fcvt_") && (name.ends_with("_w") || name.ends_with("_wu") || name.ends_with("_l") ||
                                              name.ends_with("_lu")));
  const char* rd = (fp && !rd_x) ? kF[a.rd] : kX[a.rd];
  const char* rs1 = rs1_x ? kX[a.rs1] : kF[a.rs1];
  const char* rs2 = fp && !name.starts_with("c_s") ? kF[a.rs2] : kX[a.rs2];
  char* o = buf + n;
  size_t left = sizeof buf - n;
  bool load = name.starts_with("l") || name.starts_with("c_l") || name.starts_with("fl") || name.starts_with("c_fl");
  switch (e->format) {
    case Format::None: std::snprintf(o, left, "%s", m.c_str()); break;
    case Format::U: std::snprintf(o, left, "%-10s %s, 0x%" PRIx64, m.c_str(), rd, uint64_t(a.imm) >> 12 & 0xfffff); break;
    case Format::J: case Format::B: case Format::CJ: case Format::CB:
      if (e->format == Format::J) std::snprintf(o, left, "%-10s %s, 0x%" PRIx64, m.c_str(), rd, pc + a.imm);
      else if (e->format == Format::B) std::snprintf(o, left, "%-10s %s, %s, 0x%" PRIx64, m.c_str(), kX[a.rs1], kX[a.rs2], pc + a.imm);
      else if (e->format == Format::CB) std::snprintf(o, left, "%-10s %s, 0x%" PRIx64, m.c_str(), kX[a.rs1], pc + a.imm);
      else std::snprintf(o, left, "%-10s 0x%" PRIx64, m.c_str(), pc + a.imm);
      break;
    case Format::S: case Format::CSSW: case Format::CSSD:
      std::snprintf(o, left, "%-10s %s, %" PRId64 "(%s)", m.c_str(), rs2, a.imm, kX[a.rs1]);
      break;
    case Format::CLW: case Format::CLD:
      if (load) std::snprintf(o, left, "%-10s %s, %" PRId64 "(%s)", m.c_str(), rd, a.imm, kX[a.rs1]);
      else std::snprintf(o, left, "%-10s %s, %" PRId64 "(%s)", m.c_str(), rs2, a.imm, kX[a.rs1]);
      break;
    case Format::I: case Format::CLWSP: case Format::CLDSP:
      if (load || name == "jalr") std::snprintf(o, left, "%-10s %s, %" PRId64 "(%s)", m.c_str(), rd, a.imm, kX[a.rs1]);
      else std::snprintf(o, left, "%-10s %s, %s, %" PRId64, m.c_str(), rd, rs1, a.imm);
      break;
    case Format::Shift6: case Format::CI: case Format::CISH: case Format::CILUI: case Format::CI16SP:
    case Format::CIW: case Format::CBI: case Format::CBSH:
      std::snprintf(o, left, "%-10s %s, %s, %" PRId64, m.c_str(), rd, rs1, a.imm);
      break;
    case Format::Csr:
      if (name.ends_with("i")) std::snprintf(o, left, "%-10s %s, 0x%x, %" PRId64, m.c_str(), rd, a.csr, a.imm);
      else std::snprintf(o, left, "%-10s %s, 0x%x, %s", m.c_str(), rd, a.csr, kX[a.rs1]);
      break;
    case Format::Amo: std::snprintf(o, left, "%-10s %s, %s, (%s)", m.c_str(), rd, kX[a.rs2], kX[a.rs1]); break;
    case Format::R4:
      std::snprintf(o, left, "%-10s %s, %s, %s, %s%s", m.c_str(), rd, rs1, rs2, kF[a.rs3], rm_suffix(name, a.rm).c_str());
      break;
    case Format::R: case Format::CR: case Format::CA:
      if (fp && fp_one_source(name)) std::snprintf(o, left, "%-10s %s, %s%s", m.c_str(), rd, rs1, rm_suffix(name, a.rm).c_str());
      else std::snprintf(o, left, "%-10s %s, %s, %s%s", m.c_str(), rd, rs1, rs2, rm_suffix(name, a.rm).c_str());
      break;
  }
  return buf;
}

}  // namespace kiln::riscv
