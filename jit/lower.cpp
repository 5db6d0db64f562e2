#include "jit/lower.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Module.h>

#include <algorithm>
#include <map>
#include <set>
#include <span>

#include "cpu/common/amo.h"
#include "cpu/common/state.h"
#include "jit/jit.h"
#include "jit/runtime.h"
#include "mem/tlb.h"

namespace kiln::jit {

using ir::Op;
using ir::Type;

namespace {

constexpr uint64_t kRetiredOff = offsetof(cpu::StateHeader, insns_retired);
constexpr uint64_t kBudgetOff = offsetof(cpu::StateHeader, chain_budget);

// A region is one or more IR blocks on one guest page, lowered into one LLVM
// function: a direct exit to another member becomes a branch, so a loop is a
// loop in LLVM. The guest register file (ir::Block::regs_begin/end), which
// nothing but Get and Set touches while native code runs, lives in allocas
// that LLVM promotes to SSA registers: loaded once at entry, never reloaded.
// A register the region writes is not stored where it is written: it is
// written back when leaving, at each exit and in one block shared by every
// fault, so a loop body does no register stores, straight-line code stores
// each register once however often it writes it, and the fault paths (one
// per memory access) do not each carry copies of the stores (such copies made
// LLVM's compile time explode). The instruction count and the chaining budget
// live in SSA and are written back the same way.
class Lowering {
 public:
  Lowering(std::span<const ir::Block* const> blocks, llvm::Module& m, LinkSlots* links, const SlowPaths& slow,
           bool count_runs, uint32_t entries)
      : blocks_(blocks), m_(m), ctx_(m.getContext()), ir_(ctx_), links_(links), slow_(slow),
        count_runs_(count_runs && links), entries_(entries) {}

  llvm::Function* run(const std::string& name, std::string* error);

 private:
  llvm::Type* ty(Type t) {
    switch (t) {
      case Type::I1: return ir_.getInt1Ty();
      case Type::I8: return ir_.getInt8Ty();
      case Type::I16: return ir_.getInt16Ty();
      case Type::I32: return ir_.getInt32Ty();
      default: return ir_.getInt64Ty();
    }
  }
  llvm::Value* c64(uint64_t v) { return ir_.getInt64(v); }
  llvm::Value* env_at(uint64_t off) { return ir_.CreateConstGEP1_64(ir_.getInt8Ty(), env_, off); }
  llvm::Value* fn_ptr(const void* f) { return ir_.CreateIntToPtr(c64(reinterpret_cast<uintptr_t>(f)), ir_.getPtrTy()); }
  llvm::Value* v(ir::ValueId id) { return vals_[id]; }

  // The state cache.
  void choose_cached_fields();
  llvm::Value* cached(uint64_t off) { return ir_.CreateLoad(ir_.getInt64Ty(), cache_.at(off)); }
  void add_cached(uint64_t off, llvm::Value* delta) { ir_.CreateStore(ir_.CreateAdd(cached(off), delta), cache_.at(off)); }
  // Writes back what the region keeps in SSA only: the registers its loops
  // write, the instruction count (plus `extra_insns` of the current member)
  // and the budget.
  void write_back(uint64_t extra_insns);
  // Before a helper call: helpers that read instret see the count at the
  // start of the current block (they add their instruction index).
  void call_barrier() { ir_.CreateStore(cached(kRetiredOff), env_at(kRetiredOff)); }

  // Cold exit for a fault inside instruction `insn_` of the current member.
  llvm::BasicBlock* fault_block();
  // Leaves the region: `slot` is the link slot for a direct exit (chaining), or -1.
  // `extra_insns`: instructions of the current member not yet counted.
  void ret_exit(ir::ExitReason r, int slot, llvm::Value* next_pc, uint64_t extra_insns);
  void return_to_engine(ir::ExitReason r, unsigned exit_index);
  // An indirect jump: probes the hart's IndirectTable, else leaves like ret_exit.
  void indirect_exit(llvm::Value* next_pc, uint64_t extra_insns);
  // Tail-calls `next` if it is not null, no exit is requested and the budget
  // lasts; otherwise falls through (insert point left on the fall-through).
  void chain_if(llvm::Value* next, llvm::Value* extra_cond, uint64_t extra_insns);
  // A direct exit of the current member to `pc`: a branch inside the region, or a region exit.
  void direct_exit(uint64_t pc);
  // Quick code counts its runs in links_->runs: each back-edge of a loop, or
  // each entry of a region without one (see Jit::submit).
  void count_run();
  llvm::Value* lower_pure(const ir::Inst& in);
  llvm::Value* lower_load(const ir::Inst& in);
  // A softTLB miss call: through the preserve_most thunk if there is one, else to the C function.
  llvm::Value* slow_call(llvm::FunctionType* t, uint64_t thunk, const void* c_fn, std::vector<llvm::Value*> args) {
    llvm::CallInst* call = ir_.CreateCall(t, fn_ptr(thunk ? reinterpret_cast<const void*>(thunk) : c_fn), args);
    if (thunk) call->setCallingConv(llvm::CallingConv::PreserveMost);
    return call;
  }
  void lower_store(const ir::Inst& in);
  llvm::Value* tlb_entry(llvm::Value* va, unsigned mmu);
  // The softTLB fast path both loads and stores use: branches to a new "hit"
  // block (left as the insert point, with *host set) or to `miss`.
  void tlb_fast_path(llvm::Value* va, const ir::MemOp& m, size_t tag_offset, const char* name,
                     llvm::BasicBlock* miss, llvm::Value** host);
  bool lower_member(size_t index, std::string* error);
  void enter();  // branches from the entry block to the member at env->pc
  void find_dirty();

  std::span<const ir::Block* const> blocks_;
  llvm::Module& m_;
  llvm::LLVMContext& ctx_;
  llvm::IRBuilder<> ir_;
  llvm::Function* fn_ = nullptr;
  llvm::Value* env_ = nullptr;
  llvm::Value* scratch_ = nullptr;  // an i64 slot for slow-path results
  std::map<uint64_t, llvm::AllocaInst*> cache_;  // env offset -> its SSA home
  std::set<uint64_t> dirty_;                     // cached offsets some Set writes: stored when leaving
  llvm::BasicBlock* fault_exit_ = nullptr;       // shared by every fault
  std::vector<llvm::BasicBlock*> member_bb_;
  std::map<uint64_t, size_t> member_at_;  // guest pc -> member index
  const ir::Block* cur_ = nullptr;        // the member being lowered
  size_t cur_index_ = 0;
  std::vector<llvm::Value*> vals_;
  unsigned insn_ = 0;
  bool in_insn_ = false;  // an InsnStart of the current member has been lowered
  uint64_t insn_pc_ = 0;
  // What an exit of the current member retires: its instructions up to and
  // including the current one (a block may exit before its end: ir/ir.h).
  uint64_t retired_here() const { return insn_ + (in_insn_ ? 1 : 0); }
  std::map<std::pair<size_t, unsigned>, llvm::BasicBlock*> faults_;
  LinkSlots* links_;
  SlowPaths slow_;
  bool count_runs_;
  uint32_t entries_;
  int next_slot_ = 0;
};

// Only register-file fields every access of which is a 64-bit Get or Set at
// the same offset are cached; anything else stays in memory. The instruction
// count and the chaining budget (StateHeader fields, never in the register
// file) are cached too.
void Lowering::choose_cached_fields() {
  std::set<uint64_t> whole;                          // offsets with whole 64-bit register accesses
  std::vector<std::pair<uint64_t, uint64_t>> other;  // [begin, end) of every other access
  for (const ir::Block* b : blocks_)
    for (const ir::Inst& in : b->insts) {
      if (in.op != Op::Get && in.op != Op::Set) continue;
      Type t = in.op == Op::Get ? in.type : b->type_of(in.a[0]);
      if (t == Type::I64 && in.imm % 8 == 0 && in.imm >= b->regs_begin && in.imm + 8 <= b->regs_end)
        whole.insert(in.imm);
      else
        other.push_back({in.imm, in.imm + std::max(1u, ir::type_bits(t) / 8)});
    }
  for (uint64_t off : whole)
    if (std::none_of(other.begin(), other.end(), [&](auto r) { return r.first < off + 8 && off < r.second; }))
      cache_[off] = nullptr;
  cache_[kRetiredOff] = nullptr;
  cache_[kBudgetOff] = nullptr;
}

void Lowering::write_back(uint64_t extra_insns) {
  for (uint64_t off : dirty_) ir_.CreateStore(cached(off), env_at(off));
  llvm::Value* retired = cached(kRetiredOff);
  ir_.CreateStore(extra_insns ? ir_.CreateAdd(retired, c64(extra_insns)) : retired, env_at(kRetiredOff));
  ir_.CreateStore(cached(kBudgetOff), env_at(kBudgetOff));
}

llvm::BasicBlock* Lowering::fault_block() {
  auto key = std::make_pair(cur_index_, insn_);
  auto it = faults_.find(key);
  if (it != faults_.end()) return it->second;
  auto* bb = llvm::BasicBlock::Create(ctx_, "fault", fn_);
  llvm::IRBuilderBase::InsertPointGuard guard(ir_);
  ir_.SetInsertPoint(bb);
  if (insn_) add_cached(kRetiredOff, c64(insn_));
  ir_.CreateStore(c64(insn_pc_), env_at(offsetof(cpu::StateHeader, pc)));
  if (!fault_exit_) {
    // One block writes back for every fault, so the loop registers are
    // stored once in the code, however many memory accesses the region has.
    fault_exit_ = llvm::BasicBlock::Create(ctx_, "fault.exit", fn_);
    ir_.SetInsertPoint(fault_exit_);
    write_back(0);
    ir_.CreateRet(c64(pack_exit(ir::ExitReason::Exception, 0, 0)));
    ir_.SetInsertPoint(bb);
  }
  ir_.CreateBr(fault_exit_);
  faults_[key] = bb;
  return bb;
}

void Lowering::chain_if(llvm::Value* next, llvm::Value* extra_cond, uint64_t extra_insns) {
  auto* req = ir_.CreateLoad(ir_.getInt32Ty(), env_at(offsetof(cpu::StateHeader, exit_request)));
  req->setVolatile(true);
  // A budget bounds how long chained code runs without the engine (other
  // harts, the block cache's bookkeeping): a spinning loop still returns.
  add_cached(kBudgetOff, c64(-1));
  llvm::Value* go = ir_.CreateAnd(ir_.CreateAnd(ir_.CreateICmpNE(next, llvm::ConstantPointerNull::get(ir_.getPtrTy())),
                                                ir_.CreateICmpEQ(req, ir_.getInt32(0))),
                                  ir_.CreateICmpSGT(cached(kBudgetOff), c64(0)));
  if (extra_cond) go = ir_.CreateAnd(go, extra_cond);
  write_back(extra_insns);
  // Each exit keeps its own tail call (an indirect jump the host predicts
  // per site): merging them into one shared jump costs a switch-dispatch
  // guest half its speed.
  auto* bb_chain = llvm::BasicBlock::Create(ctx_, "chain", fn_);
  auto* bb_ret = llvm::BasicBlock::Create(ctx_, "ret", fn_);
  ir_.CreateCondBr(go, bb_chain, bb_ret);
  ir_.SetInsertPoint(bb_chain);
  llvm::CallInst* call = ir_.CreateCall(fn_->getFunctionType(), next, {env_});
  call->setCallingConv(llvm::CallingConv::PreserveNone);
  call->setTailCallKind(llvm::CallInst::TCK_MustTail);
  ir_.CreateRet(call);
  ir_.SetInsertPoint(bb_ret);
}

void Lowering::ret_exit(ir::ExitReason r, int slot, llvm::Value* next_pc, uint64_t extra_insns) {
  ir_.CreateStore(next_pc, env_at(offsetof(cpu::StateHeader, pc)));
  if (links_ && r == ir::ExitReason::None && slot >= 0) {
    // Chained: tail-call the successor's native code unless the engine wants control.
    llvm::Value* slot_ptr = ir_.CreateIntToPtr(c64(reinterpret_cast<uintptr_t>(&links_->next[slot])), ir_.getPtrTy());
    chain_if(ir_.CreateLoad(ir_.getPtrTy(), slot_ptr), nullptr, extra_insns);
  } else {
    write_back(extra_insns);
  }
  return_to_engine(r, slot >= 0 ? unsigned(slot) : kNoLink);
}

void Lowering::return_to_engine(ir::ExitReason r, unsigned exit_index) {
  // Tell the engine which region returned, so it can link the exit it took.
  ir_.CreateStore(ir_.CreateIntToPtr(c64(reinterpret_cast<uintptr_t>(links_)), ir_.getPtrTy()),
                  env_at(offsetof(cpu::StateHeader, last_native)));
  ir_.CreateRet(c64(pack_exit(r, exit_index, 0)));
}

void Lowering::indirect_exit(llvm::Value* next_pc, uint64_t extra_insns) {
  if (!links_ || !links_->indirect) {
    ret_exit(ir::ExitReason::None, -1, next_pc, extra_insns);
    return;
  }
  // The entry for next_pc holds under the current translations and this
  // region's mode (a mode change never ends in an indirect jump).
  ir_.CreateStore(next_pc, env_at(offsetof(cpu::StateHeader, pc)));
  const IndirectTable* t = links_->indirect;
  llvm::Value* idx = ir_.CreateAnd(ir_.CreateLShr(next_pc, 1), c64((1u << IndirectTable::kBits) - 1));
  llvm::Value* entry = ir_.CreateGEP(ir_.getInt8Ty(), fn_ptr(t->entries),
                                     ir_.CreateMul(idx, c64(sizeof(IndirectTable::Entry))));
  auto field = [&](size_t off) {
    return ir_.CreateLoad(ir_.getInt64Ty(), ir_.CreateConstGEP1_64(ir_.getInt8Ty(), entry, off));
  };
  llvm::Value* gen_ok = ir_.CreateICmpEQ(
      ir_.CreateLoad(ir_.getInt64Ty(), fn_ptr(&t->generation)),
      ir_.CreateLoad(ir_.getInt64Ty(), env_at(offsetof(cpu::StateHeader, mem) + offsetof(mem::MemContext, generation))));
  llvm::Value* hit = ir_.CreateAnd(ir_.CreateAnd(ir_.CreateICmpEQ(field(offsetof(IndirectTable::Entry, pc)), next_pc),
                                                 ir_.CreateICmpEQ(field(offsetof(IndirectTable::Entry, mode)), c64(blocks_[0]->mode))),
                                   gen_ok);
  llvm::Value* fn = ir_.CreateLoad(ir_.getPtrTy(), ir_.CreateConstGEP1_64(ir_.getInt8Ty(), entry, offsetof(IndirectTable::Entry, fn)));
  chain_if(fn, hit, extra_insns);
  return_to_engine(ir::ExitReason::None, kNoLink);
}

void Lowering::count_run() {
  llvm::Value* runs = fn_ptr(&links_->runs);
  ir_.CreateStore(ir_.CreateAdd(ir_.CreateLoad(ir_.getInt64Ty(), runs), c64(1)), runs);
}

void Lowering::direct_exit(uint64_t pc) {
  auto it = member_at_.find(pc);
  if (it == member_at_.end()) {
    int slot = next_slot_ < int(kMaxLinks) ? next_slot_++ : -1;
    ret_exit(ir::ExitReason::None, slot, c64(pc), retired_here());
    return;
  }
  add_cached(kRetiredOff, c64(retired_here()));
  if (it->second > cur_index_) {  // forward: no loop can close here
    ir_.CreateBr(member_bb_[it->second]);
    return;
  }
  // A back-edge (every cycle has one): the place where a looping region
  // notices an interrupt or stop request, and where its budget runs down.
  // Two branches, the budget's last, so the host decrements and branches
  // on the result in one step. Every entry has a budget of at least 1 and
  // every decrement is checked, so "not yet 0" means "still positive".
  auto* req = ir_.CreateLoad(ir_.getInt32Ty(), env_at(offsetof(cpu::StateHeader, exit_request)));
  req->setVolatile(true);
  auto* bb_leave = llvm::BasicBlock::Create(ctx_, "leave", fn_);
  auto* bb_budget = llvm::BasicBlock::Create(ctx_, "budget", fn_);
  auto weights = llvm::MDBuilder(ctx_).createBranchWeights(1000, 1);
  ir_.CreateCondBr(ir_.CreateICmpEQ(req, ir_.getInt32(0)), bb_budget, bb_leave, weights);
  ir_.SetInsertPoint(bb_budget);
  if (count_runs_) count_run();
  add_cached(kBudgetOff, c64(-1));
  ir_.CreateCondBr(ir_.CreateICmpNE(cached(kBudgetOff), c64(0)), member_bb_[it->second], bb_leave, weights);
  ir_.SetInsertPoint(bb_leave);
  ret_exit(ir::ExitReason::None, -1, c64(pc), 0);
}

llvm::Value* Lowering::lower_pure(const ir::Inst& in) {
  using llvm::Intrinsic::ID;
  llvm::Value* a = in.a[0] != ir::kNoValue ? v(in.a[0]) : nullptr;
  llvm::Value* bv = in.a[1] != ir::kNoValue ? v(in.a[1]) : nullptr;
  llvm::Type* t = a ? a->getType() : nullptr;
  unsigned bits = t ? t->getIntegerBitWidth() : 0;
  auto count = [&](llvm::Value* n) { return ir_.CreateAnd(n, llvm::ConstantInt::get(t, bits - 1)); };
  auto intrinsic = [&](ID id, std::vector<llvm::Value*> args) {
    return ir_.CreateCall(llvm::Intrinsic::getDeclaration(&m_, id, {t}), args);
  };
  llvm::Value* zero = t ? llvm::ConstantInt::get(t, 0) : nullptr;
  llvm::Value* ones = t ? llvm::ConstantInt::getAllOnesValue(t) : nullptr;
  auto safe_div = [&](bool sign, bool rem) {
    // Total division (ir/eval.h): x/0 = all ones, x%0 = x, MIN/-1 = MIN, MIN%-1 = 0.
    llvm::Value* bz = ir_.CreateICmpEQ(bv, zero);
    llvm::Value* ovf = sign ? ir_.CreateAnd(ir_.CreateICmpEQ(a, llvm::ConstantInt::get(t, llvm::APInt::getSignedMinValue(bits))),
                                            ir_.CreateICmpEQ(bv, ones))
                            : ir_.getFalse();
    llvm::Value* d = ir_.CreateSelect(ir_.CreateOr(bz, ovf), llvm::ConstantInt::get(t, 1), bv);
    llvm::Value* q = rem ? (sign ? ir_.CreateSRem(a, d) : ir_.CreateURem(a, d)) : (sign ? ir_.CreateSDiv(a, d) : ir_.CreateUDiv(a, d));
    if (rem) return ir_.CreateSelect(bz, a, ir_.CreateSelect(ovf, zero, q));
    return ir_.CreateSelect(bz, ones, ir_.CreateSelect(ovf, a, q));
  };
  auto mulh = [&](bool sa, bool sb) {
    llvm::Type* w = ir_.getIntNTy(2 * bits);
    llvm::Value* x = sa ? ir_.CreateSExt(a, w) : ir_.CreateZExt(a, w);
    llvm::Value* y = sb ? ir_.CreateSExt(bv, w) : ir_.CreateZExt(bv, w);
    return ir_.CreateTrunc(ir_.CreateLShr(ir_.CreateMul(x, y), bits), t);
  };
  switch (in.op) {
    case Op::Add: return ir_.CreateAdd(a, bv);
    case Op::Sub: return ir_.CreateSub(a, bv);
    case Op::Mul: return ir_.CreateMul(a, bv);
    case Op::MulHS: return mulh(true, true);
    case Op::MulHU: return mulh(false, false);
    case Op::MulHSU: return mulh(true, false);
    case Op::DivS: return safe_div(true, false);
    case Op::DivU: return safe_div(false, false);
    case Op::RemS: return safe_div(true, true);
    case Op::RemU: return safe_div(false, true);
    case Op::And: return ir_.CreateAnd(a, bv);
    case Op::Or: return ir_.CreateOr(a, bv);
    case Op::Xor: return ir_.CreateXor(a, bv);
    case Op::Shl: return ir_.CreateShl(a, count(bv));
    case Op::ShrL: return ir_.CreateLShr(a, count(bv));
    case Op::ShrA: return ir_.CreateAShr(a, count(bv));
    case Op::Rotl: return intrinsic(llvm::Intrinsic::fshl, {a, a, bv});
    case Op::Rotr: return intrinsic(llvm::Intrinsic::fshr, {a, a, bv});
    case Op::Not: return ir_.CreateNot(a);
    case Op::Neg: return ir_.CreateNeg(a);
    case Op::Clz: return intrinsic(llvm::Intrinsic::ctlz, {a, ir_.getFalse()});
    case Op::Ctz: return intrinsic(llvm::Intrinsic::cttz, {a, ir_.getFalse()});
    case Op::Popcnt: return intrinsic(llvm::Intrinsic::ctpop, {a});
    case Op::Bswap: return bits == 8 ? a : intrinsic(llvm::Intrinsic::bswap, {a});
    case Op::CmpEq: return ir_.CreateICmpEQ(a, bv);
    case Op::CmpNe: return ir_.CreateICmpNE(a, bv);
    case Op::CmpLtS: return ir_.CreateICmpSLT(a, bv);
    case Op::CmpLtU: return ir_.CreateICmpULT(a, bv);
    case Op::CmpGeS: return ir_.CreateICmpSGE(a, bv);
    case Op::CmpGeU: return ir_.CreateICmpUGE(a, bv);
    case Op::Select: return ir_.CreateSelect(a, bv, v(in.a[2]));
    case Op::ZExt: return ir_.CreateZExt(a, ty(in.type));
    case Op::SExt: return ir_.CreateSExt(a, ty(in.type));
    case Op::Trunc: return ir_.CreateTrunc(a, ty(in.type));
    default: return nullptr;
  }
}

llvm::Value* Lowering::tlb_entry(llvm::Value* va, unsigned mmu) {
  uint64_t base = offsetof(cpu::StateHeader, mem) + offsetof(mem::MemContext, tlb) +
                  uint64_t(mmu) * mem::kTlbEntries * sizeof(mem::TlbEntry);
  llvm::Value* idx = ir_.CreateAnd(ir_.CreateLShr(va, mem::kPageBits), mem::kTlbEntries - 1);
  // The constant part last, so each field's load folds it into its
  // addressing mode instead of adding it to the index once more.
  llvm::Value* scaled = ir_.CreateGEP(ir_.getInt8Ty(), env_, ir_.CreateMul(idx, c64(sizeof(mem::TlbEntry))));
  return ir_.CreateConstGEP1_64(ir_.getInt8Ty(), scaled, base);
}

void Lowering::tlb_fast_path(llvm::Value* va, const ir::MemOp& m, size_t tag_offset, const char* name,
                             llvm::BasicBlock* miss, llvm::Value** host) {
  llvm::Value* entry = tlb_entry(va, m.mmu_idx);
  llvm::Value* tag = ir_.CreateLoad(ir_.getInt64Ty(), ir_.CreateConstGEP1_64(ir_.getInt8Ty(), entry, tag_offset));
  llvm::Value* hit = ir_.CreateICmpEQ(ir_.CreateAnd(va, c64(mem::kPageMask | (m.size() - 1))), tag);
  auto* bb_hit = llvm::BasicBlock::Create(ctx_, name, fn_);
  ir_.CreateCondBr(hit, bb_hit, miss, llvm::MDBuilder(ctx_).createBranchWeights(1000, 1));
  ir_.SetInsertPoint(bb_hit);
  llvm::Value* addend = ir_.CreateLoad(ir_.getInt64Ty(), ir_.CreateConstGEP1_64(ir_.getInt8Ty(), entry, offsetof(mem::TlbEntry, addend)));
  *host = ir_.CreateIntToPtr(ir_.CreateAdd(va, addend), ir_.getPtrTy());
}

// The softTLB fast path inline; the shared slow path (kiln_jit_load) on a miss.
llvm::Value* Lowering::lower_load(const ir::Inst& in) {
  ir::MemOp m = ir::MemOp::unpack(in.imm);
  unsigned size = m.size();
  llvm::Type* st = ir_.getIntNTy(8 * size);
  llvm::Value* va = v(in.a[0]);
  auto* bb_miss = llvm::BasicBlock::Create(ctx_, "ld.miss", fn_);
  auto* bb_missok = llvm::BasicBlock::Create(ctx_, "ld.slow", fn_);
  auto* bb_join = llvm::BasicBlock::Create(ctx_, "ld.join", fn_);
  llvm::Value* host;
  tlb_fast_path(va, m, offsetof(mem::TlbEntry, addr_read), "ld.hit", bb_miss, &host);
  // Each path extends to the result type itself, so the hit path's load is one extending load.
  llvm::Type* rt = ty(in.type);
  auto extend = [&](llvm::Value* x) { return rt == st ? x : m.sign ? ir_.CreateSExt(x, rt) : ir_.CreateZExt(x, rt); };
  llvm::Value* fast = extend(ir_.CreateAlignedLoad(st, host, llvm::MaybeAlign(1)));
  llvm::BasicBlock* bb_hit = ir_.GetInsertBlock();
  ir_.CreateBr(bb_join);

  ir_.SetInsertPoint(bb_miss);
  llvm::FunctionType* slow_ty = llvm::FunctionType::get(ir_.getInt1Ty(), {ir_.getPtrTy(), ir_.getInt64Ty(), ir_.getInt64Ty(), ir_.getPtrTy()}, false);
  llvm::Value* ok = slow_call(slow_ty, slow_.load, reinterpret_cast<const void*>(&kiln_jit_load),
                              {env_, va, c64(mem_desc(size, m.aligned_only, m.mmu_idx)), scratch_});
  ir_.CreateCondBr(ok, bb_missok, fault_block());

  ir_.SetInsertPoint(bb_missok);
  llvm::Value* slow = extend(ir_.CreateTrunc(ir_.CreateLoad(ir_.getInt64Ty(), scratch_), st));
  ir_.CreateBr(bb_join);

  ir_.SetInsertPoint(bb_join);
  llvm::PHINode* phi = ir_.CreatePHI(rt, 2);
  phi->addIncoming(fast, bb_hit);
  phi->addIncoming(slow, bb_missok);
  return phi;
}

void Lowering::lower_store(const ir::Inst& in) {
  ir::MemOp m = ir::MemOp::unpack(in.imm);
  unsigned size = m.size();
  llvm::Type* st = ir_.getIntNTy(8 * size);
  llvm::Value* va = v(in.a[0]);
  llvm::Value* value = v(in.a[1]);
  auto* bb_miss = llvm::BasicBlock::Create(ctx_, "st.miss", fn_);
  auto* bb_join = llvm::BasicBlock::Create(ctx_, "st.join", fn_);
  llvm::Value* host;
  tlb_fast_path(va, m, offsetof(mem::TlbEntry, addr_write), "st.hit", bb_miss, &host);
  llvm::Value* narrow = value->getType() == st ? value : ir_.CreateTrunc(value, st);
  ir_.CreateAlignedStore(narrow, host, llvm::MaybeAlign(1));
  ir_.CreateBr(bb_join);

  ir_.SetInsertPoint(bb_miss);
  llvm::FunctionType* slow_ty = llvm::FunctionType::get(ir_.getInt1Ty(), {ir_.getPtrTy(), ir_.getInt64Ty(), ir_.getInt64Ty(), ir_.getInt64Ty()}, false);
  llvm::Value* wide = value->getType() == ir_.getInt64Ty() ? value : ir_.CreateZExt(value, ir_.getInt64Ty());
  llvm::Value* ok = slow_call(slow_ty, slow_.store, reinterpret_cast<const void*>(&kiln_jit_store),
                              {env_, va, wide, c64(mem_desc(size, m.aligned_only, m.mmu_idx))});
  ir_.CreateCondBr(ok, bb_join, fault_block());
  ir_.SetInsertPoint(bb_join);
}

llvm::Function* Lowering::run(const std::string& name, std::string* error) {
  auto* fty = llvm::FunctionType::get(ir_.getInt64Ty(), {ir_.getPtrTy()}, false);
  fn_ = llvm::Function::Create(fty, llvm::Function::ExternalLinkage, name, m_);
  fn_->setCallingConv(llvm::CallingConv::PreserveNone);  // see jit::NativeFn
  fn_->addFnAttr(llvm::Attribute::NoUnwind);
  env_ = fn_->getArg(0);
  fn_->addParamAttr(0, llvm::Attribute::NoAlias);
  ir_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", fn_));
  scratch_ = ir_.CreateAlloca(ir_.getInt64Ty());
  choose_cached_fields();
  for (auto& [off, slot] : cache_) slot = ir_.CreateAlloca(ir_.getInt64Ty());
  for (auto [off, slot] : cache_) ir_.CreateStore(ir_.CreateLoad(ir_.getInt64Ty(), env_at(off)), slot);
  for (size_t k = 0; k < blocks_.size(); k++) {
    member_bb_.push_back(llvm::BasicBlock::Create(ctx_, "member", fn_));
    member_at_.emplace(blocks_[k]->pc, k);
  }
  find_dirty();
  if (count_runs_ && !region_has_loop(blocks_)) count_run();  // no back-edge to count at: count entries
  enter();
  for (size_t k = 0; k < blocks_.size(); k++)
    if (!lower_member(k, error)) {
      fn_->eraseFromParent();
      return nullptr;
    }
  return fn_;
}

// The entry switch: the head is the likely entry and costs one compare;
// the other entry members follow in a switch (any other pc is the head's).
void Lowering::enter() {
  auto is_entry = [&](size_t k) { return k < 32 && (entries_ >> k & 1); };
  bool others = false;
  for (size_t k = 1; k < blocks_.size(); k++) others |= is_entry(k);
  if (!others) {
    ir_.CreateBr(member_bb_[0]);
    return;
  }
  llvm::Value* env_pc = ir_.CreateLoad(ir_.getInt64Ty(), env_at(offsetof(cpu::StateHeader, pc)));
  auto* bb_other = llvm::BasicBlock::Create(ctx_, "entry.other", fn_);
  ir_.CreateCondBr(ir_.CreateICmpEQ(env_pc, c64(blocks_[0]->pc)), member_bb_[0], bb_other,
                   llvm::MDBuilder(ctx_).createBranchWeights(1000, 1));
  ir_.SetInsertPoint(bb_other);
  llvm::SwitchInst* sw = ir_.CreateSwitch(env_pc, member_bb_[0]);
  for (size_t k = 1; k < blocks_.size(); k++)
    if (is_entry(k)) sw->addCase(ir_.getInt64(blocks_[k]->pc), member_bb_[k]);
}

void Lowering::find_dirty() {
  for (const ir::Block* b : blocks_)
    for (const ir::Inst& in : b->insts)
      if (in.op == Op::Set && cache_.count(in.imm)) dirty_.insert(in.imm);
}

bool Lowering::lower_member(size_t index, std::string* error) {
  cur_ = blocks_[index];
  cur_index_ = index;
  const ir::Block& b = *cur_;
  ir_.SetInsertPoint(member_bb_[index]);
  vals_.assign(b.insts.size(), nullptr);
  insn_ = 0;
  in_insn_ = false;
  // Labels are LLVM blocks; IR values need no phis, since a value used after
  // a label dominates it (ir::verify).
  std::vector<llvm::BasicBlock*> label_bb(b.labels, nullptr);
  auto label = [&](uint64_t id) {
    if (!label_bb[id]) label_bb[id] = llvm::BasicBlock::Create(ctx_, "label", fn_);
    return label_bb[id];
  };
  for (size_t i = 0; i < b.insts.size(); i++) {
    const ir::Inst& in = b.insts[i];
    switch (in.op) {
      case Op::Label:
        if (!ir_.GetInsertBlock()->getTerminator()) ir_.CreateBr(label(in.imm));  // the fall-through
        ir_.SetInsertPoint(label(in.imm));
        break;
      case Op::SkipIf: {
        auto* cont = llvm::BasicBlock::Create(ctx_, "noskip", fn_);
        ir_.CreateCondBr(v(in.a[0]), label(in.imm), cont);
        ir_.SetInsertPoint(cont);
        break;
      }
      case Op::Skip: ir_.CreateBr(label(in.imm)); break;
      case Op::Const: vals_[i] = llvm::ConstantInt::get(ty(in.type), in.imm); break;
      case Op::Get:
        vals_[i] = cache_.count(in.imm) ? cached(in.imm) : ir_.CreateLoad(ty(in.type), env_at(in.imm));
        break;
      case Op::Set:
        if (cache_.count(in.imm))
          ir_.CreateStore(v(in.a[0]), cache_.at(in.imm));  // stored to the state when leaving
        else
          ir_.CreateStore(v(in.a[0]), env_at(in.imm));
        break;
      case Op::Load: vals_[i] = lower_load(in); break;
      case Op::Store: lower_store(in); break;
      case Op::Amo: {
        ir::MemOp m = ir::MemOp::unpack(in.imm);
        llvm::FunctionType* t = llvm::FunctionType::get(ir_.getInt1Ty(), {ir_.getPtrTy(), ir_.getInt64Ty(), ir_.getInt64Ty(), ir_.getInt64Ty(), ir_.getPtrTy()}, false);
        llvm::Value* operand = v(in.a[1]);
        if (operand->getType() != ir_.getInt64Ty()) operand = ir_.CreateZExt(operand, ir_.getInt64Ty());
        uint64_t desc = cpu::amo_desc(m.size(), ir::AmoKind(in.aux), m.mmu_idx, ir::type_bits(in.type));
        llvm::Value* ok = ir_.CreateCall(t, fn_ptr(reinterpret_cast<void*>(&kiln_jit_amo)), {env_, v(in.a[0]), operand, c64(desc), scratch_});
        auto* cont = llvm::BasicBlock::Create(ctx_, "amo.ok", fn_);
        ir_.CreateCondBr(ok, cont, fault_block());
        ir_.SetInsertPoint(cont);
        llvm::Value* r = ir_.CreateLoad(ir_.getInt64Ty(), scratch_);
        vals_[i] = ty(in.type) == ir_.getInt64Ty() ? r : ir_.CreateTrunc(r, ty(in.type));
        break;
      }
      case Op::Call: {
        const auto* h = reinterpret_cast<const ir::Helper*>(in.imm);
        call_barrier();
        llvm::FunctionType* t = llvm::FunctionType::get(ir_.getInt64Ty(), {ir_.getPtrTy(), ir_.getInt64Ty(), ir_.getInt64Ty(), ir_.getInt64Ty()}, false);
        std::vector<llvm::Value*> args{env_};
        for (unsigned k = 0; k < 3; k++) args.push_back(k < h->nargs ? v(in.a[k]) : c64(0));
        // A helper that reads or writes the register file sees and leaves it in memory.
        const bool regs = h->effects & ir::kAccessesRegs;
        if (regs)
          for (uint64_t off : dirty_)
            if (h->touches_reg(off)) ir_.CreateStore(cached(off), env_at(off));
        vals_[i] = ir_.CreateCall(t, fn_ptr(reinterpret_cast<void*>(h->fn)), args);
        if (regs && !(h->effects & ir::kRegsReadOnly))
          for (auto& [off, slot] : cache_)
            if (off != kRetiredOff && off != kBudgetOff && h->touches_reg(off))
              ir_.CreateStore(ir_.CreateLoad(ir_.getInt64Ty(), env_at(off)), slot);
        if (h->effects & ir::kMayFault) {
          llvm::Value* f = ir_.CreateLoad(ir_.getInt32Ty(), env_at(offsetof(cpu::StateHeader, fault)));
          auto* cont = llvm::BasicBlock::Create(ctx_, "call.ok", fn_);
          ir_.CreateCondBr(ir_.CreateICmpEQ(f, ir_.getInt32(0)), cont, fault_block());
          ir_.SetInsertPoint(cont);
        }
        break;
      }
      case Op::InsnStart:
        if (in_insn_) insn_++;
        in_insn_ = true;
        insn_pc_ = in.imm;
        break;
      case Op::Goto: direct_exit(in.imm); break;
      case Op::Branch: {
        auto* taken = llvm::BasicBlock::Create(ctx_, "taken", fn_);
        auto* not_taken = llvm::BasicBlock::Create(ctx_, "not_taken", fn_);
        ir_.CreateCondBr(v(in.a[0]), taken, not_taken);
        ir_.SetInsertPoint(taken);
        direct_exit(in.imm);
        ir_.SetInsertPoint(not_taken);
        direct_exit(in.aux);
        break;
      }
      case Op::JumpIndirect: indirect_exit(v(in.a[0]), retired_here()); break;
      case Op::Exit: ret_exit(ir::ExitReason(in.imm), -1, v(in.a[0]), retired_here()); break;
      case Op::Add: case Op::Sub: case Op::Mul: case Op::MulHS: case Op::MulHU: case Op::MulHSU:
      case Op::DivS: case Op::DivU: case Op::RemS: case Op::RemU: case Op::And: case Op::Or: case Op::Xor:
      case Op::Shl: case Op::ShrL: case Op::ShrA: case Op::Rotl: case Op::Rotr: case Op::Not: case Op::Neg:
      case Op::Clz: case Op::Ctz: case Op::Popcnt: case Op::Bswap: case Op::CmpEq: case Op::CmpNe:
      case Op::CmpLtS: case Op::CmpLtU: case Op::CmpGeS: case Op::CmpGeU: case Op::Select: case Op::ZExt:
      case Op::SExt: case Op::Trunc:
        vals_[i] = lower_pure(in);
        if (!vals_[i]) {
          *error = std::string("jit: cannot lower ") + ir::op_info(in.op).name;
          return false;
        }
        break;
    }
  }
  return true;
}

}  // namespace

llvm::Function* lower_region(std::span<const ir::Block* const> blocks, llvm::Module& m, const std::string& name,
                             LinkSlots* links, const SlowPaths& slow, bool count_runs, uint32_t entries,
                             std::string* error) {
  return Lowering(blocks, m, links, slow, count_runs, entries).run(name, error);
}

void define_slow_path_thunks(llvm::Module& m) {
  llvm::LLVMContext& ctx = m.getContext();
  llvm::IRBuilder<> b(ctx);
  auto thunk = [&](const char* name, llvm::Type* third, llvm::Type* fourth, const void* target) {
    auto* fty = llvm::FunctionType::get(b.getInt1Ty(), {b.getPtrTy(), b.getInt64Ty(), third, fourth}, false);
    auto* f = llvm::Function::Create(fty, llvm::Function::ExternalLinkage, name, m);
    f->setCallingConv(llvm::CallingConv::PreserveMost);
    f->addFnAttr(llvm::Attribute::NoUnwind);
    b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", f));
    std::vector<llvm::Value*> args;
    for (llvm::Argument& a : f->args()) args.push_back(&a);
    // A plain C call: the thunk saves what the C function may clobber.
    llvm::CallInst* call = b.CreateCall(fty, b.CreateIntToPtr(b.getInt64(reinterpret_cast<uintptr_t>(target)), b.getPtrTy()), args);
    call->setTailCallKind(llvm::CallInst::TCK_NoTail);
    b.CreateRet(call);
  };
  thunk(kLoadThunk, b.getInt64Ty(), b.getPtrTy(), reinterpret_cast<const void*>(&kiln_jit_load));
  thunk(kStoreThunk, b.getInt64Ty(), b.getInt64Ty(), reinterpret_cast<const void*>(&kiln_jit_store));
  // The entry from C++: a C function that calls region code (preserve_none),
  // so the host's callee-saved registers are saved here, once per dispatch,
  // instead of in every region.
  auto* enter_ty = llvm::FunctionType::get(b.getInt64Ty(), {b.getPtrTy(), b.getPtrTy()}, false);
  auto* enter = llvm::Function::Create(enter_ty, llvm::Function::ExternalLinkage, kEnterName, m);
  enter->addFnAttr(llvm::Attribute::NoUnwind);
  b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", enter));
  auto* region_ty = llvm::FunctionType::get(b.getInt64Ty(), {b.getPtrTy()}, false);
  llvm::CallInst* call = b.CreateCall(region_ty, enter->getArg(1), {enter->getArg(0)});
  call->setCallingConv(llvm::CallingConv::PreserveNone);
  call->setTailCallKind(llvm::CallInst::TCK_NoTail);
  b.CreateRet(call);
}

}  // namespace kiln::jit
