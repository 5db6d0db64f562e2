#include "engine/engine.h"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <thread>

#include "ir/passes/passes.h"

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace kiln::engine {

namespace {
// A cheap timestamp for --stats' time in native code, read twice per dispatch
// (two steady_clock reads cost a benchmark 3-4% of its time): the x86-64
// time-stamp counter, converted to seconds with the slice's own ratio of
// ticks to steady_clock time; elsewhere the steady clock itself.
uint64_t host_ticks() {
#if defined(__x86_64__)
  return __rdtsc();
#else
  return uint64_t(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}

// For its lifetime, host time is not the guest's: the CPU thread is making
// code (translating a block, forming a JIT region, installing or waiting for
// compiled code), and on hardware code run for the first time costs no more
// than code run again. The virtual clock leaves it out (EventLoop::exclude;
// no events: nothing to tell). `depth` counts the nested ones: only the
// outermost tells, so no time is left out twice.
class NotGuestTime {
 public:
  NotGuestTime(EventLoop* events, unsigned& depth) : events_(depth++ == 0 ? events : nullptr), depth_(depth) {}
  ~NotGuestTime() {
    depth_--;
    if (events_)
      events_->exclude(uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0_).count()));
  }
  NotGuestTime(const NotGuestTime&) = delete;
  NotGuestTime& operator=(const NotGuestTime&) = delete;

 private:
  EventLoop* events_;
  unsigned& depth_;
  std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
};
}  // namespace

Engine::Engine(cpu::Cpu& cpu, mem::PhysMap& map, Log& log, Options opts)
    : cpu_(cpu), map_(map), log_(log), opts_(opts), enter_(opts.jit ? opts.jit->entry() : nullptr),
      jit_results_(opts.jit ? &opts.jit->results_waiting() : nullptr) {
  cpu_.state().mem.code_watcher = this;
  cpu_.set_exec_trigger_listener([this](uint64_t pc) { breakpoint_changed(pc); });
}

Engine::~Engine() {
  if (events_) events_->remove_exit_flag(&cpu_.state().exit_request);
  cpu_.state().mem.code_watcher = nullptr;
  cpu_.set_exec_trigger_listener(nullptr);
  if (opts_.jit) {
    for (auto& [k, b] : cache_)
      if (b->ticket) opts_.jit->release(b->ticket);
    free_retired();
  }
}

void Engine::set_events(EventLoop* events) {
  events_ = events;
  events_->add_exit_flag(&cpu_.state().exit_request);
}

void Engine::request_stop(int code) {
  stop_code_ = code;
  stop_ = true;
  cpu_.state().exit_request = 1;
}

void Engine::link(CachedBlock* from, int exit, CachedBlock* to) {
  if (from->link_target[exit] == to || breakpoint_at(to->pc)) return;  // the engine must see that pc
  if (to->code_owner) to->entered = true;
  if (CachedBlock* old = from->link_target[exit]) std::erase(old->incoming, std::make_pair(from, exit));
  from->link_target[exit] = to;
  from->links.next[exit] = to->native;
  to->incoming.push_back({from, exit});
  linked_.insert(from);
}

void Engine::link_interp(CachedBlock* from, int exit, CachedBlock* to) {
  if (to->first_page != to->last_page || to->first_page != from->first_page || to->mode != from->mode ||
      ((to->pc ^ from->pc) & mem::kPageMask) || from->interp_next[exit] == to)
    return;
  if (CachedBlock* old = from->interp_next[exit]) std::erase(old->interp_incoming, std::make_pair(from, exit));
  from->interp_next[exit] = to;
  to->interp_incoming.push_back({from, exit});
}

void Engine::unlink(CachedBlock* b) {
  for (auto [from, exit] : b->interp_incoming) from->interp_next[exit] = nullptr;
  b->interp_incoming.clear();
  for (int exit = 0; exit < 2; exit++)
    if (CachedBlock* to = b->interp_next[exit]) {
      std::erase(to->interp_incoming, std::make_pair(b, exit));
      b->interp_next[exit] = nullptr;
    }
  for (auto [from, exit] : b->incoming) {
    from->links.next[exit] = nullptr;
    from->link_target[exit] = nullptr;
  }
  b->incoming.clear();
  for (int exit = 0; exit < int(jit::kMaxLinks); exit++)
    if (CachedBlock* to = b->link_target[exit]) {
      std::erase(to->incoming, std::make_pair(b, exit));
      b->link_target[exit] = nullptr;
      b->links.next[exit] = nullptr;
    }
  linked_.erase(b);
}

// Translations changed (satp, sfence.vma, PMP): a direct exit's successor may
// now be other code, so every link goes; they are re-made as blocks run.
void Engine::unlink_all() {
  for (CachedBlock* b : linked_)
    for (int exit = 0; exit < int(jit::kMaxLinks); exit++) {
      if (CachedBlock* to = b->link_target[exit]) to->incoming.clear();
      b->link_target[exit] = nullptr;
      b->links.next[exit] = nullptr;
    }
  linked_.clear();
}

void Engine::forget_indirect(jit::NativeFn fn) {
  for (jit::IndirectTable::Entry& e : indirect_.entries)
    if (e.fn == fn) e = jit::IndirectTable::Entry{};
}

void Engine::retire(CachedBlock* b) {
  auto it = cache_.find(Key{b->phys_pc, b->pc, b->mode});
  if (it == cache_.end()) return;
  unlink(b);
  if (b->native) forget_indirect(b->native);
  if (b->code_owner) std::erase(b->code_owner->sharers, b);
  b->code_owner = nullptr;
  drop_sharers(b);  // its code goes with it
  b->retired = true;
  if (b->ticket) compiling_.erase(b->ticket);
  if (b->optimizing) compiling_.erase(b->optimizing);
  quick_.erase(b);
  retired_.push_back(std::move(it->second));
  cache_.erase(it);
}

// Retires a block and takes it off its pages' lists. The pages stay marked as
// holding code (another hart's engine may have blocks there); a store to them
// merely takes the slow path.
void Engine::drop_block(CachedBlock* b) {
  for (uint64_t page : {b->first_page, b->last_page}) {
    auto it = page_blocks_.find(page);
    if (it == page_blocks_.end()) continue;
    std::erase(it->second, b);
    if (it->second.empty()) page_blocks_.erase(it);
  }
  retire(b);
}

// Between blocks: nothing of a retired block can be running now.
void Engine::free_retired() {
  for (auto& b : retired_)
    for (jit::Ticket t : {b->ticket, b->optimizing})
      if (t) opts_.jit->release(t);
  retired_.clear();
}

void Engine::collect_compiled() {
  NotGuestTime not_guest_time(events_, making_code_);
  opts_.jit->take_finished(this, &compiled_);
  for (const jit::Finished& f : compiled_) {
    auto it = compiling_.find(f.ticket);
    if (it == compiling_.end()) continue;  // retired meanwhile; released with it
    const Pending p = std::move(it->second);
    CachedBlock* b = p.head;
    compiling_.erase(it);
    if (f.ticket == b->optimizing) {
      b->optimizing = 0;
      if (f.dropped) {  // counts again from zero
        b->links.runs = 0;
        quick_.insert(b);
        continue;
      }
      b->final_code = true;
      if (!f.fn) continue;  // the quick code stays
      // Between blocks no native code runs: the quick code can go at once.
      // Links into it and the indirect table's entries for it go with it;
      // they are made again to the new code as it runs.
      drop_sharers(b);
      unlink(b);
      forget_indirect(b->native);
      opts_.jit->release(b->ticket);
      code_replaced_ = true;
      b->ticket = f.ticket;
      b->native = f.fn;
      share_code(p);
      continue;
    }
    if (f.dropped) {  // counts again from zero
      b->ticket = 0;
      b->executions = 0;
      continue;
    }
    b->native = f.fn;  // nullptr if it failed to compile: the block stays interpreted
    if (!b->native) continue;
    if (!b->final_code) quick_.insert(b);
    share_code(p);
  }
  compiled_.clear();
}

// A member with code of its own, or on its way, keeps it; a member already
// entering another region's code stays with that.
void Engine::share_code(const Pending& p) {
  for (CachedBlock* m : p.entries) {
    if (m->retired || m->native || m->ticket) continue;
    m->native = p.head->native;
    m->code_owner = p.head;
    m->entered = false;
    p.head->sharers.push_back(m);
  }
}

// Between blocks, when the head's code is about to go: the members fall back
// to the interpreter (links into them go too; the caller forgets the code's
// indirect-table entries) and count from zero again.
void Engine::drop_sharers(CachedBlock* head) {
  for (CachedBlock* m : head->sharers) {
    unlink(m);
    m->native = nullptr;
    m->code_owner = nullptr;
    m->executions = 0;
  }
  head->sharers.clear();
}

void Engine::optimize_if_hot(CachedBlock* b) {
  // A block retired while it ran (a store into its page) is freed at the next block: no new requests.
  if (b->retired || b->links.runs < opts_.jit_optimize_after) return;
  NotGuestTime not_guest_time(events_, making_code_);
  quick_.erase(b);
  // The optimised code keeps the entries the guest has used: an entry into
  // the middle of a loop makes it irreducible, which LLVM optimises less well.
  std::vector<CachedBlock*> members = region_members(b);
  Pending p{b, {}};
  uint32_t entries = jit::kHeadOnly;
  for (size_t k = 1; k < members.size(); k++) {
    if (members[k]->code_owner == b && members[k]->entered) {
      entries |= 1u << k;
      p.entries.push_back(members[k]);
    }
  }
  b->optimizing = opts_.jit->submit(ir_of(members), this, &b->links, false, entries);
  compiling_[b->optimizing] = std::move(p);
  wait_for(b->optimizing);
}

void Engine::wait_for(jit::Ticket t) {
  NotGuestTime not_guest_time(events_, making_code_);
  while (opts_.jit_sync && compiling_.count(t)) {  // deterministic tier-up for tests
    std::this_thread::yield();
    collect_compiled();
  }
}

// A head on a loop keeps only the members that lead back to it: the loop,
// without the code after it. LLVM's time grows quickly with the region, and
// the code after a loop, if hot, becomes a region of its own.
void Engine::keep_loop_through_head(std::vector<CachedBlock*>& members) {
  std::vector<bool> back = jit::members_reaching(jit::member_successors(ir_of(members)), 0);
  if (!back[0]) return;  // the head is on no loop: keep everything
  std::vector<CachedBlock*> kept;
  for (size_t i = 0; i < members.size(); i++)
    if (back[i]) kept.push_back(members[i]);
  members.swap(kept);
}

bool Engine::compile_region(CachedBlock* head, bool straight_ok) {
  // Past the loop threshold, the region is worked out again every
  // kRegionRecheck runs until it has a loop (its other blocks may have been
  // translated since) or the straight-line threshold is reached.
  if (!straight_ok && (head->executions - opts_.jit_threshold) % kRegionRecheck) return false;
  NotGuestTime not_guest_time(events_, making_code_);
  std::vector<CachedBlock*> members = region_members(head);
  std::vector<const ir::Block*> blocks = ir_of(members);
  if (!straight_ok && !jit::region_has_loop(blocks)) return false;
  // A loop worth optimising is first compiled quickly (a boot has hundreds of
  // loops that run only a while); optimize_if_hot() takes it further.
  bool quick = opts_.jit_optimize_after > 0 && jit::region_worth_optimizing(blocks);
  head->final_code = !quick;
  // Any member may turn out to be where the guest enters the loop.
  head->ticket = opts_.jit->submit(blocks, this, &head->links, quick, (1u << members.size()) - 1);
  Pending p{head, {members.begin() + 1, members.end()}};
  for (CachedBlock* m : p.entries) m->covered_by = head->ticket;
  compiling_[head->ticket] = std::move(p);
  return true;
}

// The blocks of a loop turn hot one after another, within an iteration of
// each other, and each would ask for the same loop again (with itself as
// the entry) while the first request compiles: a boot compiled some loops
// four times. A member waits for its region instead. Once that lands, the
// member enters the region's code (share_code); if it did not get it, it
// counts again from zero, and gets a region of its own if it turns hot again.
bool Engine::covered_by_compile(CachedBlock* b) {
  if (!b->covered_by) return false;
  if (compiling_.count(b->covered_by)) return true;
  b->covered_by = 0;
  b->executions = 0;
  return true;
}

// A region holds only blocks on the head's page: a direct exit between two of
// them is then right under any mapping of that page, so the region lives and
// dies with its head (SMC invalidates the whole page; a new mapping changes
// the head's key). Blocks straddling a page boundary stay alone.
std::vector<Engine::CachedBlock*> Engine::region_members(CachedBlock* head) {
  std::vector<CachedBlock*> members{head};
  size_t insns = head->ir->guest_insns;
  if (head->first_page == head->last_page) {
    for (size_t i = 0; i < members.size() && members.size() < kMaxRegionBlocks; i++)
      for (const ir::Inst& in : members[i]->ir->insts) {
        uint64_t targets[2] = {in.imm, in.aux};
        unsigned n = in.op == ir::Op::Goto ? 1 : in.op == ir::Op::Branch ? 2 : 0;
        for (unsigned t = 0; t < n && members.size() < kMaxRegionBlocks; t++) {
          uint64_t pc = targets[t];
          if ((pc & mem::kPageMask) != (head->pc & mem::kPageMask)) continue;
          auto it = cache_.find(Key{head->first_page | (pc & ~mem::kPageMask), pc, head->mode});
          if (it == cache_.end()) continue;
          CachedBlock* m = it->second.get();
          if (!m->ir || m->first_page != m->last_page || insns + m->ir->guest_insns > kMaxRegionInsns ||
              breakpoint_at(m->pc) ||
              std::find(members.begin(), members.end(), m) != members.end())
            continue;
          members.push_back(m);
          insns += m->ir->guest_insns;
        }
      }
  }
  keep_loop_through_head(members);
  return members;
}

std::vector<const ir::Block*> Engine::ir_of(const std::vector<CachedBlock*>& members) {
  std::vector<const ir::Block*> blocks;
  for (CachedBlock* m : members) blocks.push_back(m->ir.get());
  return blocks;
}

void Engine::flush_all() {
  unlink_all();
  std::fill(std::begin(indirect_.entries), std::end(indirect_.entries), jit::IndirectTable::Entry{});
  for (auto& [k, b] : cache_) {
    b->retired = true;
    retired_.push_back(std::move(b));
  }
  cache_.clear();
  compiling_.clear();
  quick_.clear();
  for (auto& [page, blocks] : page_blocks_) map_.set_code_page(page, false);
  page_blocks_.clear();
  forget_vpc();
  stats_.invalidations++;
}

void Engine::invalidate_page(uint64_t page) {
  auto it = page_blocks_.find(page);
  if (it == page_blocks_.end()) return;
  std::vector<CachedBlock*> blocks = std::move(it->second);
  page_blocks_.erase(it);
  map_.set_code_page(page, false);
  for (CachedBlock* b : blocks) drop_block(b);  // also off the other page's list if it spans two
  forget_vpc();
  stats_.invalidations++;
  stats_.blocks_invalidated += blocks.size();
}

// The bytes a block was translated from: its instructions, and what the
// decoder may have read past the last one (an x86 instruction it could not
// decode: up to 15 bytes). A block crossing into its second page covers that
// page's first bytes.
bool Engine::block_covers(const CachedBlock& b, uint64_t pa, unsigned size) {
  constexpr uint64_t kDecodeSlack = 15;
  const uint64_t page = pa & mem::kPageMask, lo = pa & ~mem::kPageMask, hi = lo + size;
  const uint64_t start = b.phys_pc & ~mem::kPageMask, end = start + b.guest_bytes + kDecodeSlack;  // end: past the page maybe
  if (page == b.first_page && lo < end && hi > start) return true;
  const bool crosses = start + b.guest_bytes > mem::kPageSize;
  return crosses && page == b.last_page && lo < end - mem::kPageSize;
}

bool Engine::covers_code(uint64_t pa, unsigned size) {
  auto it = page_blocks_.find(pa & mem::kPageMask);
  if (it == page_blocks_.end()) return false;
  for (const CachedBlock* b : it->second)
    if (block_covers(*b, pa, size)) return true;
  return false;
}

void Engine::code_stored(uint64_t pa, unsigned size) {
  const uint64_t page = pa & mem::kPageMask;
  auto it = page_blocks_.find(page);
  if (it == page_blocks_.end()) return;
  if (!covers_code(pa, size)) return;
  // A region's native code holds its members', all on its head's page (and a
  // compile on its way, their IR): with any block there going, every block
  // there with native code, or code coming, goes too.
  std::vector<CachedBlock*> drop;
  for (CachedBlock* b : it->second)
    if (block_covers(*b, pa, size) || b->native || b->ticket || b->optimizing || b->code_owner) drop.push_back(b);
  // Off both pages' lists; an emptied list goes (and the page's mark with the
  // store's slow path, once no engine has code there: mem::store_slow).
  for (CachedBlock* b : drop) drop_block(b);
  forget_vpc();
  stats_.invalidations++;
  stats_.blocks_invalidated += drop.size();
}

void Engine::code_written(uint64_t pa, unsigned size) {
  invalidate_page(pa & mem::kPageMask);
  if (((pa + size - 1) & mem::kPageMask) != (pa & mem::kPageMask)) invalidate_page((pa + size - 1) & mem::kPageMask);
}

Engine::CachedBlock* Engine::translate(uint64_t pa, uint64_t mode) {
  NotGuestTime not_guest_time(events_, making_code_);
  cpu::StateHeader& st = cpu_.state();
  ir::Block ir;
  ir.pc = st.pc;
  ir.phys_pc = pa;
  ir.mode = mode;
  cpu_.translate_block(ir, opts_.max_block_insns);
  if ((debug_ && !debug_->breakpoints.empty()) || !cpu_.exec_triggers().empty()) debug_trim(ir);
  if (log_.enabled(kLogInAsm)) {
    log_.printf("IN: pc=0x%016" PRIx64 "\n", ir.pc);
    for (const ir::Inst& in : ir.insts)
      if (in.op == ir::Op::InsnStart) log_.printf("  0x%016" PRIx64 ":  %s\n", in.imm, cpu_.disassemble(in.imm).c_str());
  }
  // With verify_ir, the frontend's output and the result of every pass are checked.
  std::string err = opts_.verify_ir ? ir::verify(ir) : "";
  if (err.empty()) err = ir::run_passes(ir, opts_.verify_ir);
  if (!err.empty()) {
    log_.printf("kiln: internal error: IR of block 0x%" PRIx64 " fails verification: %s\n%s", ir.pc, err.c_str(),
                ir::print(ir).c_str());
    std::abort();
  }
  if (log_.enabled(kLogOp)) log_.printf("%s", ir::print(ir).c_str());
  auto code = interp::compile(ir);
  if (!code) {
    log_.printf("kiln: internal error: block 0x%" PRIx64 " too large for the interpreter\n", ir.pc);
    std::abort();
  }
  auto b = std::make_unique<CachedBlock>();
  b->pc = ir.pc;
  b->phys_pc = pa;
  b->mode = mode;
  b->first_page = pa & mem::kPageMask;
  // A block ending on the next virtual page: that page's physical address is
  // its translation now, not the page after the first one in physical memory.
  b->last_page = b->first_page;
  const uint64_t last_va = ir.pc + (ir.guest_bytes ? ir.guest_bytes - 1 : 0);
  if ((last_va & mem::kPageMask) != (ir.pc & mem::kPageMask) && !code_page(last_va & mem::kPageMask, &b->last_page))
    b->last_page = b->first_page;  // not reached: translation just fetched from it
  b->guest_bytes = ir.guest_bytes;
  b->code = std::move(*code);
  if (opts_.jit) b->ir = std::make_unique<ir::Block>(std::move(ir));
  b->links.owner = b.get();
  b->links.indirect = &indirect_;
  CachedBlock* raw = b.get();
  for (uint64_t page : {b->first_page, b->last_page}) {
    auto& list = page_blocks_[page];
    if (list.empty() && !map_.is_code_page(page)) {
      map_.set_code_page(page, true);
      st.mem.protect_code_page(page);
      for (mem::MemContext* m : peer_tlbs_) m->protect_code_page(page);
    }
    if (list.empty() || list.back() != raw) list.push_back(raw);
    if (b->first_page == b->last_page) break;
  }
  cache_[Key{pa, raw->pc, mode}] = std::move(b);
  stats_.blocks_translated++;
  return raw;
}

// A block whose last instruction straddles into a second page also depends on
// that page's mapping, which the cache key does not hold.
bool Engine::second_page_still_mapped(const CachedBlock& b) {
  uint64_t page;
  return code_page((b.pc & mem::kPageMask) + mem::kPageSize, &page) && page == b.last_page;
}

bool Engine::code_page(uint64_t va, uint64_t* page) {
  uint64_t pa = 0;
  cpu::StateHeader& st = cpu_.state();
  uint32_t saved_fault = st.fault;
  bool ok = cpu_.code_address(va, &pa);
  st.fault = saved_fault;  // a fault here is not the guest's yet: the block is simply retranslated
  *page = pa & mem::kPageMask;
  return ok;
}

// Direct links may now lead to other code, and the indirect table's entries
// were made under the old translations. The vPC table checks its entries
// itself (lookup), and interpreter links stay on one page.
void Engine::translations_changed() {
  stats_.tlb_flushes++;
  vpc_generation_ = cpu_.state().mem.generation;
  unlink_all();
  std::fill(std::begin(indirect_.entries), std::end(indirect_.entries), jit::IndirectTable::Entry{});
  indirect_.generation = vpc_generation_;
}

Engine::CachedBlock* Engine::lookup() {
  cpu::StateHeader& st = cpu_.state();
  uint64_t mode = cpu_.mode_bits();
  VpcEntry& e = vpc_[(st.pc >> 1) & ((1u << kVpcBits) - 1)];
  const bool seen = e.pc == st.pc && e.mode == mode && e.epoch == vpc_epoch_;
  if (seen && e.generation == st.mem.generation) return e.block;
  uint64_t pa;
  if (!cpu_.code_address(st.pc, &pa)) return nullptr;  // fetch fault recorded
  if (seen && e.block->phys_pc == pa &&
      (e.block->first_page == e.block->last_page || second_page_still_mapped(*e.block))) {
    // The same code under the new translations (a context switch rarely remaps the kernel's text).
    e.generation = st.mem.generation;
    return e.block;
  }
  stats_.table_lookups++;
  auto it = cache_.find(Key{pa, st.pc, mode});
  CachedBlock* b = it != cache_.end() ? it->second.get() : nullptr;
  if (b && b->last_page != b->first_page && !second_page_still_mapped(*b)) {
    drop_block(b);
    b = nullptr;
  }
  if (!b) b = translate(pa, mode);
  e = VpcEntry{st.pc, mode, b ? vpc_epoch_ : 0, st.mem.generation, b};
  return b;
}

Engine::SliceEnd Engine::run_for(uint64_t max_blocks) {
  cpu::StateHeader& st = cpu_.state();
  auto t0 = std::chrono::steady_clock::now();
  const uint64_t ticks0 = opts_.time_native ? host_ticks() : 0;
  uint64_t native_ticks = 0;
  const bool trace = log_.enabled(kLogExec);
  const bool dump_cpu = log_.enabled(kLogCpu);
  SliceEnd why = SliceEnd::Budget;
  CachedBlock* link_from = nullptr;  // a native block that just left through a direct exit
  int link_exit = 0;
  uint64_t link_pc = 0;
  CachedBlock* interp_from = nullptr;  // an interpreted block that just left through a direct exit
  int interp_exit = 0;
  for (uint64_t n = 0;; n++) {
    if (stop_) {
      why = SliceEnd::Stopped;
      break;
    }
    if (max_blocks && n >= max_blocks) break;
    if (st.exit_request.load(std::memory_order_relaxed)) {
      st.exit_request = 0;
      if (events_) events_->run_due();
      if (stop_) continue;
      cpu_.take_interrupt();
      interp_from = nullptr;  // a trap may have changed the mode: look up afresh
    }
    if (!retired_.empty()) {
      link_from = interp_from = nullptr;  // it may be among them
      free_retired();
    }
    if (jit_results_ && jit_results_->load(std::memory_order_relaxed)) collect_compiled();
    if (debug_ && debug_check()) {
      why = SliceEnd::Debug;
      break;
    }
    // The empty() test inline: the dispatch path pays one load when no trigger is set.
    if (!cpu_.exec_triggers().empty() && exec_trigger_fired()) {  // the trap's handler is where the guest goes now
      link_from = interp_from = nullptr;
      continue;
    }
    if (code_replaced_) {  // the exit index is the old code's
      link_from = nullptr;
      code_replaced_ = false;
    }
    if (st.mem.generation != vpc_generation_) {
      translations_changed();
      interp_from = nullptr;  // the next fetch is under the new translations (a reset, the debugger)
    }
    CachedBlock* b = interp_from ? interp_from->interp_next[interp_exit] : nullptr;
    if (!b || b->pc != st.pc) {
      b = lookup();
      if (interp_from && b) link_interp(interp_from, interp_exit, b);
    }
    interp_from = nullptr;
    if (link_from && b && b->native && st.pc == link_pc && b->mode == link_from->mode) link(link_from, link_exit, b);
    link_from = nullptr;
    if (!b) {
      st.fault = 0;
      stats_.exceptions++;
      cpu_.take_exception();
      continue;
    }
    if (trace) log_.printf("Trace: pc=0x%016" PRIx64 "\n", st.pc);
    if (dump_cpu) log_.printf("%s", cpu_.dump_registers().c_str());
    cpu::BlockExit x;
    st.mem.in_block = true;
    if (b->native) {
      // Native code reaching this pc by an indirect jump may come straight here next time.
      if (!breakpoint_at(st.pc)) indirect_.entries[jit::IndirectTable::index(st.pc)] = {st.pc, b->mode, b->native};
      st.chain_budget = kChainBudget;
      if (opts_.time_native) {
        uint64_t n0 = host_ticks();
        x = jit::unpack_exit(enter_(&st, b->native), st);
        native_ticks += host_ticks() - n0;
      } else {
        x = jit::unpack_exit(enter_(&st, b->native), st);
      }
      stats_.native_executed++;
      if (x.reason == ir::ExitReason::None && x.exit_index < jit::kMaxLinks) {
        auto* ret = static_cast<CachedBlock*>(static_cast<jit::LinkSlots*>(st.last_native)->owner);
        if (!ret->retired) {
          link_from = ret;
          link_exit = x.exit_index;
          link_pc = x.next_pc;
        }
      }
      CachedBlock* owner = b;  // whose code it is
      if (b->code_owner) {
        owner = b->code_owner;
        b->entered = true;
      }
      if (!owner->final_code && !owner->optimizing) optimize_if_hot(owner);
    } else {
      x = interp::run(b->code, &st);
      if (x.reason == ir::ExitReason::None && x.exit_index < 2) {
        interp_from = b;
        interp_exit = x.exit_index;
      }
      if (opts_.jit && !b->ticket && !b->retired &&  // with the JIT every block keeps its IR
          ++b->executions >= std::min(opts_.jit_threshold, opts_.jit_straight_threshold) &&
          !covered_by_compile(b) && compile_region(b, b->executions >= opts_.jit_straight_threshold))
        wait_for(b->ticket);
    }
    st.mem.in_block = false;
    stats_.blocks_executed++;
    if ((stats_.blocks_executed & (kQuickSweep - 1)) == 0 && !quick_.empty()) {
      // Quick code entered only by chaining never comes back here: look at its count now and then.
      std::vector<CachedBlock*> quick(quick_.begin(), quick_.end());
      for (CachedBlock* q : quick) optimize_if_hot(q);
    }
    st.insns_retired += x.insns;
    st.pc = x.next_pc;
    bool idle = false, yield = false;
    switch (x.reason) {
      case ir::ExitReason::None:
        break;
      case ir::ExitReason::Exception:
        if (debug_ && debug_->watch.hit) {  // a watchpoint, not a guest trap: debug_check() stops
          st.fault = 0;
          break;
        }
        if (st.mem.rerun_alone) {
          // Not a guest trap: a store that may stop the CPU, abandoned so
          // that it runs by itself; a stop it asks for is seen right after it.
          st.mem.rerun_alone = false;
          st.fault = 0;  // set by a helper whose store was abandoned (sc)
          run_alone(true);  // as here: a mode change takes a pending interrupt
          break;
        }
        st.fault = 0;
        stats_.exceptions++;
        cpu_.take_exception();
        break;
      case ir::ExitReason::FlushCode:
        // Nothing to drop: every store into a page holding translated code
        // (CPU or DMA) has already invalidated that page's blocks. Ending the
        // block is what makes the next instruction fetch see new code.
        break;
      case ir::ExitReason::ModeChange:
        cpu_.take_interrupt();
        break;
      case ir::ExitReason::Wfi:
        idle = !cpu_.wakeup_pending();
        cpu_.take_interrupt();
        // A wait that is over at once (an x86 PAUSE, a WFI with its interrupt pending) still ends a
        // shared slice: the CPU spins on something another CPU must do.
        if (!idle && max_blocks) yield = true;
        break;
      case ir::ExitReason::Halt:
        request_stop(0);
        break;
    }
    if (idle) {
      why = SliceEnd::Idle;
      break;
    }
    if (yield) break;  // (Budget)
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  stats_.seconds += seconds;
  stats_.tlb_flush_kinds = st.mem.flush_counts;
  if (const uint64_t ticks = opts_.time_native ? host_ticks() - ticks0 : 0)
    stats_.native_seconds += seconds * double(native_ticks) / double(ticks);
  free_retired();
  return why;
}

int Engine::run() {
  while (run_for(0) != SliceEnd::Stopped) {
    // Idle (WFI): sleep until an interrupt is pending rather than spin. Without
    // an event loop nothing can ever wake the hart, so it simply runs on.
    while (events_ && !stop_ && !cpu_.wakeup_pending()) {
      events_->wait_for_event(10'000'000);
      events_->run_due();
    }
  }
  stop_ = false;  // a later run() starts afresh
  return stop_code_;
}

}  // namespace kiln::engine
