// The engine runs a CPU: it looks blocks up (a per-CPU virtual-PC table in
// front of a cache keyed by physical pc + mode bits), translates and compiles
// missing ones, runs them, and handles what they exit with (exceptions,
// interrupts, code flushes, stop requests). It also owns self-modifying-code
// invalidation: it is the physical map's CodeWatcher.
#pragma once
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/log.h"
#include "cpu/common/cpu.h"
#include "engine/debug.h"
#include "engine/events.h"
#include "interp/interp.h"
#include "jit/jit.h"
#include "mem/physmap.h"

namespace kiln::engine {

struct Stats {
  uint64_t blocks_translated = 0;
  uint64_t blocks_executed = 0;
  uint64_t native_executed = 0;  // of blocks_executed, how many ran as JIT code
  double native_seconds = 0;     // with Options::time_native
  uint64_t invalidations = 0;      // stores (or DMA, remappings) into translated code that dropped blocks
  uint64_t blocks_invalidated = 0;  // the blocks they dropped
  uint64_t exceptions = 0;
  uint64_t tlb_flushes = 0;       // translation changes the block lookup saw (each empties the vPC table)
  mem::MemContext::FlushCounts tlb_flush_kinds;  // the softTLB's flushes, by kind (MemContext::flush_counts)
  uint64_t table_lookups = 0;     // block lookups the vPC table missed (a hash-table search)
  double seconds = 0;
  // Sums another hart's counts in (seconds are the machine's, not summed).
  void add(const Stats& o) {
    blocks_translated += o.blocks_translated;
    blocks_executed += o.blocks_executed;
    native_executed += o.native_executed;
    native_seconds += o.native_seconds;
    invalidations += o.invalidations;
    blocks_invalidated += o.blocks_invalidated;
    exceptions += o.exceptions;
    tlb_flushes += o.tlb_flushes;
    tlb_flush_kinds.full += o.tlb_flush_kinds.full;
    tlb_flush_kinds.non_global += o.tlb_flush_kinds.non_global;
    tlb_flush_kinds.page += o.tlb_flush_kinds.page;
    table_lookups += o.table_lookups;
  }
};

struct Options {
  unsigned max_block_insns = 64;
  bool verify_ir = false;  // run the IR verifier after every pass (tests, debug builds)
  jit::Jit* jit = nullptr;  // the JIT tier, or nullptr for the interpreter only
  // Interpreted executions before a block is compiled. A quick compile costs
  // about as much as interpreting a million guest instructions (5-10 ms), so
  // only code that has already run that much is likely to pay it back;
  // straight-line code (most of a boot: run a few thousand times, then never
  // again) has to prove itself longer than a loop. Measured: at 40000/100000
  // a Linux boot spends about 6% of its time compiling (13% at 20000/50000
  // once the interpreter became direct-threaded: the faster the interpreter,
  // the longer code must run to pay a compile back), and hash, sort and
  // matmul run within 3% of their speed at 20000/50000 (bench/).
  unsigned jit_threshold = 40000;            // a block heading a region with a loop
  unsigned jit_straight_threshold = 100000;  // any other block
  bool jit_sync = false;         // wait for the code instead of interpreting meanwhile (tests)
  bool time_native = false;      // measure time spent in native code (--stats; two TSC reads per dispatch)
  // A region worth LLVM's optimising code generator is compiled quickly first,
  // then again, optimised, after this many runs in native code (iterations of
  // its loop, or entries if it has none; 0: optimised at once).
  // The boot's loops that pass 100000 iterations mostly stop soon after; 300000
  // leaves one optimised compile in a boot instead of five or six.
  uint64_t jit_optimize_after = 300000;
};

class Engine : public mem::CodeWatcher {
 public:
  Engine(cpu::Cpu& cpu, mem::PhysMap& map, Log& log, Options opts);
  ~Engine() override;

  // Runs until request_stop(); returns the stop code. Sleeps while the hart waits for an interrupt.
  int run();
  // Runs at most `max_blocks` blocks (0: no limit) and says why it returned:
  // for boards that share one host thread between several harts.
  // Debug: a debugger stop (see debug_stop()).
  enum class SliceEnd { Budget, Idle, Stopped, Debug };
  SliceEnd run_for(uint64_t max_blocks);
  int stop_code() const { return stop_code_; }
  cpu::Cpu& cpu() { return cpu_; }
  // Also keep these CPUs' softTLBs from writing translated code directly (SMP).
  void add_peer_tlb(mem::MemContext* m) { peer_tlbs_.push_back(m); }
  // Thread-safe: makes run() return `code` at the next block boundary.
  void request_stop(int code);
  bool stop_requested() const { return stop_; }

  // Timers and posted device work run between blocks; WFI sleeps on it.
  void set_events(EventLoop* events);

  // Drops every translated block (RISC-V fence.i, tests).
  void flush_all();
  void code_written(uint64_t pa, unsigned size) override;
  // A store drops only the blocks translated from the bytes it changes (and
  // native code holding them): the rest of the page's code stays.
  bool covers_code(uint64_t pa, unsigned size) override;
  void code_stored(uint64_t pa, unsigned size) override;

  const Stats& stats() const { return stats_; }
  size_t cached_blocks() const { return cache_.size(); }

  // Debugger support (engine/debug.cpp). With a DebugState set, run_for()
  // returns SliceEnd::Debug at a breakpoint, a watchpoint hit, a mode switch
  // or an interrupt request, and blocks never run over a breakpoint.
  void set_debug(DebugState* d);
  DebugStop debug_stop() const { return debug_stop_; }
  // A breakpoint (or a CPU execute trigger) at `va` was inserted or removed: drop the blocks covering it.
  void breakpoint_changed(uint64_t va);
  // The watchpoint list changed: uncache watched pages in this CPU's softTLB.
  void watchpoints_changed();
  // Executes exactly one guest instruction (uncached, interpreted), with
  // interrupts and timers held unless `interrupts`. Returns Watchpoint, the
  // instruction not executed, if it would touch a watched address.
  DebugStop step(bool interrupts);

 private:
  // The fields every dispatch reads fill the first two cache lines: the
  // interpreter's code, then `native`, the pc, the counters and the links. A
  // boot runs tens of thousands of blocks and misses the cache on most
  // records; an interpreted dispatch used to touch three lines of its record.
  struct alignas(64) CachedBlock {
    interp::Code code;  // in the record, not behind a pointer: one cache miss less per interpreted block
    jit::NativeFn native = nullptr;
    uint64_t pc;
    jit::Ticket ticket = 0;  // the request for `native`, or for the code on its way
    // Shared region code: a member of a compiled region that has no code of
    // its own enters the region's (`native` is the head's, with an entry at
    // this pc). The head lists the members that do; `entered` says the guest
    // came in there, which the optimised recompile keeps an entry for.
    CachedBlock* code_owner = nullptr;
    // Interpreter links: the successor of each direct exit (the interpreter's
    // exit index: the block's first and second direct target pcs), so the next dispatch skips
    // the lookup. Only to a block on the same page (virtual and physical):
    // that holds under any translation the source holds under, so these
    // survive translation changes; they go when either end is retired.
    CachedBlock* interp_next[2] = {};
    uint32_t executions = 0;
    uint64_t mode;
    bool retired = false;
    bool final_code = false;  // `native` is as good as it gets: no recompiling
    bool entered = false;

    // Tier-up: with the JIT (and only then), the IR is kept (a region compiled later may take this block in).
    std::unique_ptr<ir::Block> ir;
    jit::Ticket optimizing = 0;  // the request for optimised code to replace quick `native`
    uint64_t phys_pc;
    uint64_t first_page, last_page;  // physical pages the guest code lies on
    uint32_t guest_bytes = 0;        // virtual extent from pc (breakpoint invalidation)
    // The request of a region this block is a member of (not its head): while
    // that compiles, this block turning hot asks for no region of its own.
    jit::Ticket covered_by = 0;
    std::vector<CachedBlock*> sharers;
    // Chaining: the link slots of the region this block enters, where they
    // point, and the slots pointing here.
    jit::LinkSlots links;
    CachedBlock* link_target[jit::kMaxLinks] = {};
    std::vector<std::pair<CachedBlock*, int>> incoming;
    std::vector<std::pair<CachedBlock*, int>> interp_incoming;  // the interp_next slots pointing here
  };
  static_assert(sizeof(interp::Code) <= 64, "CachedBlock's layout assumes the interpreter's code fits in one cache line");
  // A request on its way: the region's head, and the other members its code has an entry for.
  struct Pending {
    CachedBlock* head;
    std::vector<CachedBlock*> entries;
  };
  // The vPC table: (virtual pc, mode) -> block, direct-mapped, in front of
  // the hash table. An entry holds only in the epoch it was made in; the
  // epoch moves on whenever translated code changes, which empties the table
  // without touching it (so it can be large). When translations change (the
  // softTLB's generation), an entry is checked once against the new ones: the
  // pc must still map to the block's physical address.
  struct VpcEntry {
    uint64_t pc = ~0ull;
    uint64_t mode = 0;
    uint32_t epoch = 0;
    uint64_t generation = 0;  // MemContext::generation the entry was last checked under
    CachedBlock* block = nullptr;
  };
  static constexpr unsigned kVpcBits = 15;
  static constexpr int64_t kChainBudget = 4096;  // chained regions and back-edges per dispatch
  static constexpr size_t kMaxRegionBlocks = 8;
  static constexpr size_t kMaxRegionInsns = 160;  // LLVM's compile time grows faster than the code
  // Runs between looking for a loop again: each look builds the region (a
  // boot spent about 1% of its time looking every 64 runs).
  static constexpr uint32_t kRegionRecheck = 1024;
  static constexpr uint64_t kQuickSweep = 1024;   // blocks between looks at all quick code's counts

  // Blocks embed their virtual pc (auipc, link addresses), so the key holds it
  // as well as the physical address: the same code mapped twice is two blocks.
  struct Key {
    uint64_t pa, pc;
    uint64_t mode;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const { return k.pa * 0x9e3779b97f4a7c15ull ^ k.pc ^ (k.mode * 0xc2b2ae3d27d4eb4full); }
  };

  CachedBlock* lookup();
  CachedBlock* translate(uint64_t pa, uint64_t mode);
  bool second_page_still_mapped(const CachedBlock& b);
  // The physical page the code at `va` is fetched from now; false (no guest fault left recorded) if none.
  bool code_page(uint64_t va, uint64_t* page);
  void invalidate_page(uint64_t page);
  // Was `b` translated from any of the bytes [pa, pa + size) (on one page)?
  static bool block_covers(const CachedBlock& b, uint64_t pa, unsigned size);
  void retire(CachedBlock* b);
  void free_retired();
  void collect_compiled();
  // Queues `head` and the translated blocks it reaches by direct exits on its
  // page, if they form a loop or `straight_ok`; true if it did.
  bool compile_region(CachedBlock* head, bool straight_ok);
  bool covered_by_compile(CachedBlock* b);  // see CachedBlock::covered_by
  std::vector<CachedBlock*> region_members(CachedBlock* head);     // the region `head` heads, head first
  static std::vector<const ir::Block*> ir_of(const std::vector<CachedBlock*>& members);  // the members' IR
  void optimize_if_hot(CachedBlock* b);  // queues the optimised compile of quick code that has run long
  void share_code(const Pending& p);      // gives the head's new code to the entries without code of their own
  void drop_sharers(CachedBlock* head);   // takes the head's code back from them
  void wait_for(jit::Ticket t);          // Options::jit_sync
  void keep_loop_through_head(std::vector<CachedBlock*>& members);
  void link(CachedBlock* from, int exit, CachedBlock* to);
  void unlink(CachedBlock* b);  // both directions, native and interpreter links
  void link_interp(CachedBlock* from, int exit, CachedBlock* to);
  void translations_changed();  // satp, sfence.vma, PMP: what was made under the old translations goes
  void unlink_all();
  void forget_indirect(jit::NativeFn fn);  // drops `fn` from indirect_
  bool debug_check();                      // before each block: should the debugger stop here?
  bool breakpoint_at(uint64_t pc) const;  // a debugger breakpoint or a CPU execute trigger
  bool exec_trigger_fired();               // before each block: the CPU's trigger at the pc fired (exception taken)
  void debug_trim(ir::Block& ir);          // end the block before a breakpoint inside it
  void drop_block(CachedBlock* b);         // retire, and forget it in page_blocks_
  // Executes the instruction at pc as a block of its own (uncached,
  // interpreted), where a store that may stop the CPU is performed: step()'s
  // work once interrupts are dealt with, and what an abandoned store
  // (MemContext::rerun_alone) runs again. `interrupts`: a mode change it
  // makes may take a pending interrupt.
  DebugStop run_alone(bool interrupts);

  cpu::Cpu& cpu_;
  mem::PhysMap& map_;
  Log& log_;
  Options opts_;
  jit::EnterFn enter_;  // how native code is entered (opts_.jit->entry())
  const std::atomic<size_t>* jit_results_;  // opts_.jit->results_waiting()
  EventLoop* events_ = nullptr;
  std::vector<mem::MemContext*> peer_tlbs_;
  std::unordered_map<Key, std::unique_ptr<CachedBlock>, KeyHash> cache_;
  std::unordered_map<uint64_t, std::vector<CachedBlock*>> page_blocks_;
  std::vector<VpcEntry> vpc_ = std::vector<VpcEntry>(1u << kVpcBits);
  uint32_t vpc_epoch_ = 1;
  uint64_t vpc_generation_ = 0;  // MemContext::generation the links and the indirect table were made under
  void forget_vpc() {
    if (++vpc_epoch_ == 0) {  // wrapped: old entries could look current
      std::fill(vpc_.begin(), vpc_.end(), VpcEntry{});
      vpc_epoch_ = 1;
    }
  }
  std::vector<std::unique_ptr<CachedBlock>> retired_;  // freed between blocks, never under one
  std::unordered_map<jit::Ticket, Pending> compiling_;
  jit::IndirectTable indirect_;  // native code's lookup for indirect jumps
  std::unordered_set<CachedBlock*> linked_;  // blocks with an outgoing link: what unlink_all visits
  std::unordered_set<CachedBlock*> quick_;   // blocks running quick code that may become worth optimising
  bool code_replaced_ = false;               // collect_compiled() swapped in optimised code
  std::vector<jit::Finished> compiled_;      // scratch for collect_compiled
  unsigned making_code_ = 0;                 // NotGuestTime (engine.cpp) nesting: its time is not the guest's
  std::atomic<bool> stop_{false};
  std::atomic<int> stop_code_{0};
  Stats stats_;
  DebugState* debug_ = nullptr;
  DebugStop debug_stop_ = DebugStop::None;
  uint64_t debug_mode_ = 0;  // the CPU's debug_mode() at the last check (stop on mode switch)
};

}  // namespace kiln::engine
