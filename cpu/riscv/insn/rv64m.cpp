// M extension: multiplication and division. The IR's division ops are total
// with exactly RISC-V's results for division by zero and overflow.
#include "cpu/riscv/insn/insns.h"
#include "cpu/riscv/insn/shapes.h"

namespace kiln::riscv {

namespace {
auto mul_op = [](B& b, auto x, auto y) { return b.mul(x, y); };
auto mulh_op = [](B& b, auto x, auto y) { return b.mulhs(x, y); };
auto mulhsu_op = [](B& b, auto x, auto y) { return b.mulhsu(x, y); };
auto mulhu_op = [](B& b, auto x, auto y) { return b.mulhu(x, y); };
auto div_op = [](B& b, auto x, auto y) { return b.divs(x, y); };
auto divu_op = [](B& b, auto x, auto y) { return b.divu(x, y); };
auto rem_op = [](B& b, auto x, auto y) { return b.rems(x, y); };
auto remu_op = [](B& b, auto x, auto y) { return b.remu(x, y); };
}  // namespace

bool insn_mul(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rs1, a.rs2, mul_op); }
bool insn_mulh(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rs1, a.rs2, mulh_op); }
bool insn_mulhsu(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rs1, a.rs2, mulhsu_op); }
bool insn_mulhu(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rs1, a.rs2, mulhu_op); }
bool insn_div(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rs1, a.rs2, div_op); }
bool insn_divu(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rs1, a.rs2, divu_op); }
bool insn_rem(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rs1, a.rs2, rem_op); }
bool insn_remu(Ctx& c, const Args& a) { return gen_rr(c, a.rd, a.rs1, a.rs2, remu_op); }
bool insn_mulw(Ctx& c, const Args& a) { return gen_rr_w(c, a.rd, a.rs1, a.rs2, mul_op); }
bool insn_divw(Ctx& c, const Args& a) { return gen_rr_w(c, a.rd, a.rs1, a.rs2, div_op); }
bool insn_divuw(Ctx& c, const Args& a) { return gen_rr_w(c, a.rd, a.rs1, a.rs2, divu_op); }
bool insn_remw(Ctx& c, const Args& a) { return gen_rr_w(c, a.rd, a.rs1, a.rs2, rem_op); }
bool insn_remuw(Ctx& c, const Args& a) { return gen_rr_w(c, a.rd, a.rs1, a.rs2, remu_op); }

}  // namespace kiln::riscv
