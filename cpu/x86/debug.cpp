// The x86 CPU as the debugger sees it (cpu/x86/debug.h). Register numbers:
// gdb's amd64 order for the core (rax..r15 0-15, rip 16, eflags 17, cs..gs
// 18-23, st0-st7 24-31, fctrl..fop 32-39), xmm0-15 40-55 and mxcsr 56 (sse),
// fs_base 57 and gs_base 58 (segments), then org.kiln.x86.system from 59 in
// kSystem's order. rip is the linear pc; ip_offset is the offset in CS.
#include "cpu/x86/debug.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cpu/common/debug_memory.h"
#include "cpu/x86/apic_link.h"
#include "cpu/x86/flags.h"
#include "cpu/x86/segment.h"

namespace kiln::x86 {

namespace {

constexpr unsigned kRip = 16, kEflags = 17, kSeg0 = 18, kSt0 = 24, kFctrl = 32, kFop = 39, kXmm0 = 40,
                   kMxcsr = 56, kFsBase = 57, kGsBase = 58, kSys0 = 59;
// gdb's order of the general registers, as indices into X86State::gpr.
constexpr unsigned kGprOrder[16] = {AX, BX, CX, DX, SI, DI, BP, SP, 8, 9, 10, 11, 12, 13, 14, 15};
const char* const kGprNames[16] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
                                   "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
// gdb's order of the segment registers: cs ss ds es fs gs.
constexpr unsigned kSegOrder[6] = {CS, SS, DS, ES, FS, GS};
const char* const kSegNames[6] = {"cs", "ss", "ds", "es", "fs", "gs"};
const char* const kFpuNames[8] = {"fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"};

// org.kiln.x86.system, in register-number order.
enum SysReg : unsigned {
  GdtrBase, GdtrLimit, IdtrBase, IdtrLimit,
  Ldtr, LdtrBase, LdtrLimit, LdtrAttr, Tr, TrBase, TrLimit, TrAttr,
  EsBase, EsLimit, EsAttr, CsBase, CsLimit, CsAttr, SsBase, SsLimit, SsAttr, DsBase, DsLimit, DsAttr,
  FsLimit, FsAttr, GsLimit, GsAttr,
  Cr0, Cr2, Cr3, Cr4, Cr8, Efer, Dr0, Dr7 = Dr0 + 7, KGsBase, Cpl, IpOffset, kSysCount
};
struct SysName {
  const char* name;
  unsigned bits;
};
constexpr SysName kSystem[kSysCount] = {
    {"gdtr_base", 64}, {"gdtr_limit", 32}, {"idtr_base", 64}, {"idtr_limit", 32},
    {"ldtr", 32}, {"ldtr_base", 64}, {"ldtr_limit", 32}, {"ldtr_attr", 32},
    {"tr", 32}, {"tr_base", 64}, {"tr_limit", 32}, {"tr_attr", 32},
    {"es_base", 64}, {"es_limit", 32}, {"es_attr", 32}, {"cs_base", 64}, {"cs_limit", 32}, {"cs_attr", 32},
    {"ss_base", 64}, {"ss_limit", 32}, {"ss_attr", 32}, {"ds_base", 64}, {"ds_limit", 32}, {"ds_attr", 32},
    {"fs_limit", 32}, {"fs_attr", 32}, {"gs_limit", 32}, {"gs_attr", 32},
    {"cr0", 64}, {"cr2", 64}, {"cr3", 64}, {"cr4", 64}, {"cr8", 64}, {"efer", 64},
    {"dr0", 64}, {"dr1", 64}, {"dr2", 64}, {"dr3", 64}, {"dr4", 64}, {"dr5", 64}, {"dr6", 64}, {"dr7", 64},
    {"k_gs_base", 64}, {"cpl", 32}, {"ip_offset", 64},
};

// The XML types the standard features refer to (gdb's "i386 Features").
const char kEflagsType[] =
    "<flags id=\"i386_eflags\" size=\"4\">\n"
    "  <field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"\" start=\"1\" end=\"1\"/>\n"
    "  <field name=\"PF\" start=\"2\" end=\"2\"/><field name=\"AF\" start=\"4\" end=\"4\"/>\n"
    "  <field name=\"ZF\" start=\"6\" end=\"6\"/><field name=\"SF\" start=\"7\" end=\"7\"/>\n"
    "  <field name=\"TF\" start=\"8\" end=\"8\"/><field name=\"IF\" start=\"9\" end=\"9\"/>\n"
    "  <field name=\"DF\" start=\"10\" end=\"10\"/><field name=\"OF\" start=\"11\" end=\"11\"/>\n"
    "  <field name=\"NT\" start=\"14\" end=\"14\"/><field name=\"RF\" start=\"16\" end=\"16\"/>\n"
    "  <field name=\"VM\" start=\"17\" end=\"17\"/><field name=\"AC\" start=\"18\" end=\"18\"/>\n"
    "  <field name=\"VIF\" start=\"19\" end=\"19\"/><field name=\"VIP\" start=\"20\" end=\"20\"/>\n"
    "  <field name=\"ID\" start=\"21\" end=\"21\"/>\n"
    "</flags>\n";
const char kSseTypes[] =
    "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
    "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
    "<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>\n"
    "<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>\n"
    "<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n"
    "<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>\n"
    "<union id=\"vec128\">\n"
    "  <field name=\"v4_float\" type=\"v4f\"/><field name=\"v2_double\" type=\"v2d\"/>\n"
    "  <field name=\"v16_int8\" type=\"v16i8\"/><field name=\"v8_int16\" type=\"v8i16\"/>\n"
    "  <field name=\"v4_int32\" type=\"v4i32\"/><field name=\"v2_int64\" type=\"v2i64\"/>\n"
    "  <field name=\"uint128\" type=\"uint128\"/>\n"
    "</union>\n"
    "<flags id=\"i386_mxcsr\" size=\"4\">\n"
    "  <field name=\"IE\" start=\"0\" end=\"0\"/><field name=\"DE\" start=\"1\" end=\"1\"/>\n"
    "  <field name=\"ZE\" start=\"2\" end=\"2\"/><field name=\"OE\" start=\"3\" end=\"3\"/>\n"
    "  <field name=\"UE\" start=\"4\" end=\"4\"/><field name=\"PE\" start=\"5\" end=\"5\"/>\n"
    "  <field name=\"DAZ\" start=\"6\" end=\"6\"/><field name=\"IM\" start=\"7\" end=\"7\"/>\n"
    "  <field name=\"DM\" start=\"8\" end=\"8\"/><field name=\"ZM\" start=\"9\" end=\"9\"/>\n"
    "  <field name=\"OM\" start=\"10\" end=\"10\"/><field name=\"UM\" start=\"11\" end=\"11\"/>\n"
    "  <field name=\"PM\" start=\"12\" end=\"12\"/><field name=\"FZ\" start=\"15\" end=\"15\"/>\n"
    "</flags>\n";

constexpr uint64_t P = 1, RW = 2, US = 4, A = 1u << 5, D = 1u << 6, PS = 1u << 7;

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

uint64_t le_value(const std::vector<uint8_t>& b, size_t from, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n && from + i < b.size(); i++) v |= uint64_t(b[from + i]) << (8 * i);
  return v;
}

}  // namespace

X86DebugTarget::X86DebugTarget(X86Cpu& cpu) : cpu_(cpu) {
  desc_.architecture = "i386:x86-64";
  desc_.watch_stops_before_access = false;  // x86 debug registers: gdb expects the stop after the access
  desc_.features = {{"org.gnu.gdb.i386.core", kEflagsType},
                    {"org.gnu.gdb.i386.sse", kSseTypes},
                    {"org.gnu.gdb.i386.segments", ""},
                    {"org.kiln.x86.system", ""}};
  auto& regs = desc_.registers;
  for (unsigned i = 0; i < 16; i++)
    regs.push_back({kGprNames[i], 64, i, 0, i == 6 || i == 7 ? "data_ptr" : "int64", "general"});
  regs.push_back({"rip", 64, kRip, 0, "code_ptr", "general"});
  regs.push_back({"eflags", 32, kEflags, 0, "i386_eflags", "general"});
  for (unsigned i = 0; i < 6; i++) regs.push_back({kSegNames[i], 32, kSeg0 + i, 0, "int32", "general"});
  for (unsigned i = 0; i < 8; i++) regs.push_back({"st" + std::to_string(i), 80, kSt0 + i, 0, "i387_ext", "float"});
  for (unsigned i = 0; i < 8; i++) regs.push_back({kFpuNames[i], 32, kFctrl + i, 0, "int", "float"});
  for (unsigned i = 0; i < 16; i++) regs.push_back({"xmm" + std::to_string(i), 128, kXmm0 + i, 1, "vec128", "vector"});
  regs.push_back({"mxcsr", 32, kMxcsr, 1, "i386_mxcsr", "vector"});
  regs.push_back({"fs_base", 64, kFsBase, 2, "int", "system"});
  regs.push_back({"gs_base", 64, kGsBase, 2, "int", "system"});
  for (unsigned i = 0; i < kSysCount; i++) regs.push_back({kSystem[i].name, kSystem[i].bits, kSys0 + i, 3, "int", "system"});
}

bool X86DebugTarget::read_value(unsigned regnum, uint64_t* v) const {
  const X86State& s = cpu_.s();
  if (regnum < 16) *v = s.gpr[kGprOrder[regnum]];
  else if (regnum == kRip) *v = s.pc;
  else if (regnum == kEflags) *v = read_flags(s);
  else if (regnum >= kSeg0 && regnum < kSeg0 + 6) *v = s.seg[kSegOrder[regnum - kSeg0]].selector;
  else if (regnum >= kFctrl && regnum <= kFop) {
    const uint64_t fpu[8] = {s.fpu.fcw, s.fpu.fsw, s.fpu.ftw, s.fpu.fcs, s.fpu.fip, s.fpu.fds, s.fpu.fdp, s.fpu.fop};
    *v = fpu[regnum - kFctrl];
  } else if (regnum == kMxcsr) *v = s.mxcsr;
  else if (regnum == kFsBase) *v = s.seg[FS].base;
  else if (regnum == kGsBase) *v = s.seg[GS].base;
  else if (regnum >= kSys0 && regnum < kSys0 + kSysCount) {
    const unsigned r = regnum - kSys0;
    if (r >= EsBase && r <= DsAttr) {
      const unsigned segs[4] = {ES, CS, SS, DS};
      const Segment& g = s.seg[segs[(r - EsBase) / 3]];
      const unsigned part = (r - EsBase) % 3;
      *v = part == 0 ? g.base : part == 1 ? g.limit : g.attr;
      return true;
    }
    if (r >= FsLimit && r <= GsAttr) {
      const Segment& g = s.seg[r <= FsAttr ? FS : GS];
      *v = (r - FsLimit) % 2 == 0 ? g.limit : g.attr;
      return true;
    }
    if (r >= Dr0 && r <= Dr7) {
      *v = s.dr[r - Dr0];
      return true;
    }
    switch (r) {
      case GdtrBase: *v = s.gdtr.base; break;
      case GdtrLimit: *v = s.gdtr.limit; break;
      case IdtrBase: *v = s.idtr.base; break;
      case IdtrLimit: *v = s.idtr.limit; break;
      case Ldtr: *v = s.ldtr.selector; break;
      case LdtrBase: *v = s.ldtr.base; break;
      case LdtrLimit: *v = s.ldtr.limit; break;
      case LdtrAttr: *v = s.ldtr.attr; break;
      case Tr: *v = s.tr.selector; break;
      case TrBase: *v = s.tr.base; break;
      case TrLimit: *v = s.tr.limit; break;
      case TrAttr: *v = s.tr.attr; break;
      case Cr0: *v = s.cr0; break;
      case Cr2: *v = s.cr2; break;
      case Cr3: *v = s.cr3; break;
      case Cr4: *v = s.cr4; break;
      case Cr8: *v = s.apic ? s.apic->cr8() : s.cr8; break;  // with a local APIC: its TPR
      case Efer: *v = s.efer; break;
      case KGsBase: *v = s.kernel_gs_base; break;
      case Cpl: *v = s.cpl; break;
      case IpOffset: *v = cpu_.ip(); break;
      default: return false;
    }
  } else return false;
  return true;
}

// After a write that may change the mode, paging or CS: cached translations
// go (the engine looks blocks up by mode bits, so those need nothing).
void X86DebugTarget::state_changed() { cpu_.s().mem.flush_tlb(); }

bool X86DebugTarget::write_value(unsigned regnum, uint64_t v) {
  X86State& s = cpu_.s();
  if (regnum < 16) s.gpr[kGprOrder[regnum]] = v;
  else if (regnum == kRip) s.pc = v;
  else if (regnum == kEflags) {
    write_flags(s, uint32_t(v));
    state_changed();  // VM, and with it the mode, may have changed
  } else if (regnum >= kSeg0 && regnum < kSeg0 + 6) {
    // Real and virtual-8086 mode load the base as the CPU does; protected
    // mode changes the selector alone (the hidden parts are registers of
    // org.kiln.x86.system). CS keeps the ip: the linear pc moves with the base.
    const unsigned seg = kSegOrder[regnum - kSeg0];
    const uint64_t ip = cpu_.ip();
    // The same selector again (gdb's G packet writes every register) keeps the
    // hidden parts: the reset CS (base FFFF0000) and "unreal" segments stay so.
    if (s.seg[seg].selector == uint16_t(v)) return true;
    if (!protected_mode(s) || vm86(s)) load_real_segment(s, seg, uint16_t(v));
    else s.seg[seg].selector = uint16_t(v);
    if (seg == CS) s.pc = s.seg[CS].base + ip;
    state_changed();
  } else if (regnum >= kFctrl && regnum <= kFop) {
    uint16_t* fpu16[8] = {&s.fpu.fcw, &s.fpu.fsw, &s.fpu.ftw, &s.fpu.fcs, nullptr, &s.fpu.fds, nullptr, &s.fpu.fop};
    if (regnum == kFctrl + 4) s.fpu.fip = v;
    else if (regnum == kFctrl + 6) s.fpu.fdp = v;
    else *fpu16[regnum - kFctrl] = uint16_t(v);
  } else if (regnum == kMxcsr) s.mxcsr = v & 0xffff;
  else if (regnum == kFsBase) s.seg[FS].base = v;
  else if (regnum == kGsBase) s.seg[GS].base = v;
  else if (regnum >= kSys0 && regnum < kSys0 + kSysCount) {
    const unsigned r = regnum - kSys0;
    if (r >= EsBase && r <= DsAttr) {
      const unsigned segs[4] = {ES, CS, SS, DS};
      Segment& g = s.seg[segs[(r - EsBase) / 3]];
      const uint64_t ip = cpu_.ip();
      const unsigned part = (r - EsBase) % 3;
      if (part == 0) g.base = v;
      else if (part == 1) g.limit = uint32_t(v);
      else g.attr = uint16_t(v);
      if (&g == &s.seg[CS]) s.pc = g.base + ip;
    } else if (r >= FsLimit && r <= GsAttr) {
      Segment& g = s.seg[r <= FsAttr ? FS : GS];
      if ((r - FsLimit) % 2 == 0) g.limit = uint32_t(v);
      else g.attr = uint16_t(v);
    } else if (r >= Dr0 && r <= Dr7) {
      s.dr[r - Dr0] = v;
    } else {
      switch (r) {
        case GdtrBase: s.gdtr.base = v; break;
        case GdtrLimit: s.gdtr.limit = uint32_t(v); break;
        case IdtrBase: s.idtr.base = v; break;
        case IdtrLimit: s.idtr.limit = uint32_t(v); break;
        case Ldtr: s.ldtr.selector = uint16_t(v); break;
        case LdtrBase: s.ldtr.base = v; break;
        case LdtrLimit: s.ldtr.limit = uint32_t(v); break;
        case LdtrAttr: s.ldtr.attr = uint16_t(v); break;
        case Tr: s.tr.selector = uint16_t(v); break;
        case TrBase: s.tr.base = v; break;
        case TrLimit: s.tr.limit = uint32_t(v); break;
        case TrAttr: s.tr.attr = uint16_t(v); break;
        // CR0 and EFER: EFER.LMA follows LME and CR0.PG, as a guest's own writes make it.
        case Cr0:
        case Efer: {
          (r == Cr0 ? s.cr0 : s.efer) = v;
          if ((s.efer & efer::LME) && (s.cr0 & cr0::PG) && (s.cr0 & cr0::PE)) s.efer |= efer::LMA;
          else s.efer &= ~efer::LMA;
          break;
        }
        case Cr2: s.cr2 = v; break;
        case Cr3: s.cr3 = v; break;
        case Cr4: s.cr4 = v; break;
        case Cr8:
          s.cr8 = v & 15;
          if (s.apic) s.apic->write_cr8(uint8_t(v & 15));
          break;
        case KGsBase: s.kernel_gs_base = v; break;
        case Cpl:
          if (v > 3) return false;
          s.cpl = v;
          break;
        case IpOffset: s.pc = s.seg[CS].base + v; break;
        default: return false;
      }
    }
    state_changed();
  } else return false;
  return true;
}

bool X86DebugTarget::read_register(unsigned regnum, std::vector<uint8_t>* out) {
  const X86State& s = cpu_.s();
  if (regnum >= kSt0 && regnum < kSt0 + 8) {  // ST(i): physical register (TOP + i) mod 8
    const unsigned phys = ((s.fpu.fsw >> 11) + (regnum - kSt0)) & 7;
    out->resize(10);
    for (unsigned i = 0; i < 8; i++) (*out)[i] = uint8_t(s.fpu.sig[phys] >> (8 * i));
    (*out)[8] = uint8_t(s.fpu.se[phys]);
    (*out)[9] = uint8_t(s.fpu.se[phys] >> 8);
    return true;
  }
  if (regnum >= kXmm0 && regnum < kXmm0 + 16) {
    out->resize(16);
    for (unsigned i = 0; i < 16; i++) (*out)[i] = uint8_t(s.xmm[regnum - kXmm0][i / 8] >> (8 * (i % 8)));
    return true;
  }
  uint64_t v;
  if (!read_value(regnum, &v)) return false;
  unsigned bytes = 8;
  for (const cpu::DebugRegister& r : desc_.registers)
    if (r.regnum == regnum) bytes = r.bitsize / 8;
  out->resize(bytes);
  for (unsigned i = 0; i < bytes; i++) (*out)[i] = uint8_t(v >> (8 * i));
  return true;
}

bool X86DebugTarget::write_register(unsigned regnum, const std::vector<uint8_t>& value) {
  X86State& s = cpu_.s();
  if (regnum >= kSt0 && regnum < kSt0 + 8) {
    if (value.size() != 10) return false;
    const unsigned phys = ((s.fpu.fsw >> 11) + (regnum - kSt0)) & 7;
    s.fpu.sig[phys] = le_value(value, 0, 8);
    s.fpu.se[phys] = uint16_t(le_value(value, 8, 2));
    return true;
  }
  if (regnum >= kXmm0 && regnum < kXmm0 + 16) {
    if (value.size() != 16) return false;
    s.xmm[regnum - kXmm0][0] = le_value(value, 0, 8);
    s.xmm[regnum - kXmm0][1] = le_value(value, 8, 8);
    return true;
  }
  if (value.empty() || value.size() > 8) return false;
  return write_value(regnum, le_value(value, 0, value.size()));
}

bool X86DebugTarget::translate(uint64_t linear, uint64_t* pa, std::string* trace) const {
  const X86State& s = cpu_.s();
  mem::PhysMap& map = *s.mem.map;
  if (!long_mode(s)) linear &= 0xffffffffull;
  if (!(s.cr0 & cr0::PG)) {
    *pa = linear & s.a20_mask;
    if (trace) *trace += "paging off: " + hex(linear) + " -> " + hex(*pa) + "\n";
    return true;
  }
  const bool pae = s.cr4 & cr4::PAE, lm = long_mode(s);
  const uint64_t addr_mask = 0x000ffffffffff000ull;
  uint64_t table;
  int levels;
  unsigned entry_bytes = 8;
  if (lm) {
    if (uint64_t(int64_t(linear << 16) >> 16) != linear) {
      if (trace) *trace += "not canonical\n";
      return false;
    }
    table = s.cr3 & addr_mask;
    levels = 4;
    if (trace) *trace += "4-level paging, PML4 at " + hex(table) + "\n";
  } else if (pae) {
    uint64_t pdpte = 0;
    const uint64_t at = (s.cr3 & 0xffffffe0u) + ((linear >> 30) & 3) * 8;
    if (!map.read(at, &pdpte, 8) || !(pdpte & P)) {
      if (trace) *trace += "PAE: PDPTE at " + hex(at) + " not present\n";
      return false;
    }
    if (trace) *trace += "PAE: PDPTE at " + hex(at) + " = " + hex(pdpte) + "\n";
    table = pdpte & addr_mask;
    levels = 2;
  } else {
    table = s.cr3 & 0xfffff000u;
    levels = 2;
    entry_bytes = 4;
    if (trace) *trace += "32-bit paging, page directory at " + hex(table) + "\n";
  }
  for (int level = levels - 1; level >= 0; level--) {
    const unsigned shift = 12 + (entry_bytes == 4 ? 10 : 9) * unsigned(level);
    const uint64_t index = (linear >> shift) & (entry_bytes == 4 ? 0x3ff : 0x1ff);
    const uint64_t at = table + index * entry_bytes;
    uint64_t e = 0;
    if (!map.read(at, &e, entry_bytes)) {
      if (trace) *trace += "level " + std::to_string(level) + ": entry at " + hex(at) + " is not in RAM\n";
      return false;
    }
    if (trace) {
      std::string flags;
      for (auto [bit, c] : {std::pair{P, 'P'}, {RW, 'W'}, {US, 'U'}, {A, 'A'}, {D, 'D'}, {PS, 'S'}}) flags += (e & bit) ? c : '-';
      *trace += "level " + std::to_string(level) + ": entry at " + hex(at) + " = " + hex(e) + " " + flags + "\n";
    }
    if (!(e & P)) return false;
    const bool large = level > 0 && (e & PS) && (entry_bytes == 8 ? level <= 2 : (s.cr4 & cr4::PSE));
    if (level > 0 && !large) {
      table = e & (entry_bytes == 4 ? 0xfffff000ull : addr_mask);
      continue;
    }
    uint64_t frame, offset_mask;
    if (entry_bytes == 4 && large) {
      frame = (e & 0xffc00000u) | ((e >> 13) & 0xff) << 32;
      offset_mask = 0x3fffff;
    } else if (entry_bytes == 4) {
      frame = e & 0xfffff000u;
      offset_mask = 0xfff;
    } else {
      offset_mask = (1ull << shift) - 1;
      frame = e & addr_mask & ~offset_mask;
    }
    *pa = (frame | (linear & offset_mask)) & s.a20_mask;
    if (trace) *trace += hex(linear) + " -> " + hex(*pa) + "\n";
    return true;
  }
  return false;
}

Status X86DebugTarget::access(cpu::AddrSpace space, uint64_t addr, uint8_t* buf, size_t len, bool write) {
  const X86State& s = cpu_.s();
  if (space == cpu::AddrSpace::Segment) {
    // An offset in DS: within its limit (above it, for expand-down data), then linear.
    const Segment& ds = s.seg[DS];
    const bool expand_down = (ds.attr & attr::kS) && !(ds.attr & attr::kCode) && (ds.attr & attr::kExpandDown);
    if (!code64(s) && len && (expand_down ? addr <= ds.limit : addr + len - 1 > ds.limit))
      return make_error("offset " + hex(addr) + " is outside DS's limit " + hex(ds.limit));
    addr += ds.base;
    space = cpu::AddrSpace::Virtual;
  }
  auto to_pa = [&](uint64_t linear, uint64_t* pa) { return space == cpu::AddrSpace::Physical || translate(linear, pa, nullptr); };
  return cpu::debug_copy(cpu_.s().mem, to_pa, addr, buf, len, write);
}

Status X86DebugTarget::read_memory(cpu::AddrSpace space, uint64_t addr, uint8_t* buf, size_t len) {
  return access(space, addr, buf, len, false);
}
Status X86DebugTarget::write_memory(cpu::AddrSpace space, uint64_t addr, const uint8_t* buf, size_t len) {
  return access(space, addr, const_cast<uint8_t*>(buf), len, true);
}

std::string X86DebugTarget::mode_name() const {
  const X86State& s = cpu_.s();
  const std::string paging = (s.cr0 & cr0::PG) ? ", paging" : "";
  const std::string cpl = ", CPL " + std::to_string(s.cpl);
  if (!protected_mode(s)) return "real mode";
  if (vm86(s)) return "virtual-8086 mode" + paging;
  if (long_mode(s)) return std::string(code64(s) ? "long mode (64-bit)" : "long mode (compatibility)") + cpl;
  return std::string((s.seg[CS].attr & attr::kDB) ? "protected mode (32-bit)" : "protected mode (16-bit)") + cpl + paging;
}

std::string X86DebugTarget::monitor_help() const {
  return "  regs             the system registers (org.kiln.x86.system) and the mode\n"
         "  walk ADDR        the page walk of a linear address\n";
}

bool X86DebugTarget::monitor(const std::string& cmd, std::string* out) {
  if (cmd == "regs") {
    *out += "mode: " + mode_name() + "\n";
    char line[96];
    for (const cpu::DebugRegister& r : desc_.registers) {
      uint64_t v;
      if (r.feature < 2 || !read_value(r.regnum, &v)) continue;  // gdb shows the core and SSE better
      std::snprintf(line, sizeof line, "%-12s 0x%016" PRIx64 "\n", r.name.c_str(), v);
      *out += line;
    }
    return true;
  }
  return cpu::monitor_walk(cmd, out, [this](uint64_t va, uint64_t* pa, std::string* trace) { return translate(va, pa, trace); });
}

}  // namespace kiln::x86
