// The ORC session and its compile thread. Requests (regions) are compiled one at a time
// on that thread: lower to LLVM IR, run a short optimisation pipeline, compile
// with one reused TargetMachine. Each block gets its own ResourceTracker so
// freeing its code is one remove().
#include <llvm/ExecutionEngine/Orc/CompileUtils.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ObjectTransformLayer.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/Module.h>
#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/IR/Verifier.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/TargetSelect.h>

#include <atomic>
#include <cstdlib>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <time.h>
#include <unistd.h>

#include "jit/jit.h"
#include "jit/lower.h"

namespace kiln::jit {

bool available() { return true; }

namespace {

// CPU seconds of the calling thread. Compile times are measured in it (all on
// the compile thread): what compiling costs, not how long the compile thread
// waited for a CPU, which on a loaded host doubled the boot's compile "time".
double thread_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// ORC's compiler with a code generation level chosen per region
// (codegen_level): compiling happens on the compile thread inside lookup(),
// right after Session::compile sets the level.
class LevelledCompiler : public llvm::orc::IRCompileLayer::IRCompiler {
 public:
  explicit LevelledCompiler(std::unique_ptr<llvm::TargetMachine> tm)
      : IRCompiler(llvm::orc::irManglingOptionsFromTargetOptions(tm->Options)), tm_(std::move(tm)) {}
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> operator()(llvm::Module& m) override {
    const double t0 = thread_seconds();
    auto object = llvm::orc::SimpleCompiler(*tm_)(m);
    last_ms_ = (thread_seconds() - t0) * 1e3;
    last_size_ = 0;
    if (object && want_size_) last_size_ = function_bytes(**object);
    return object;
  }
  double last_ms() const { return last_ms_; }  // the last module's code generation (KILN_JIT_LOG)
  // The last module's function bytes (KILN_PERF_MAP), when asked for.
  void want_size() { want_size_ = true; }
  uint64_t last_size() const { return last_size_; }
  void set_level(llvm::CodeGenOptLevel level) {
    tm_->setOptLevel(level);
    // Code generation records its choice of instruction selector in the
    // TargetMachine (fast selection at None) and keeps it: without this reset,
    // every region after the first None one got fast selection too.
    tm_->setFastISel(level == llvm::CodeGenOptLevel::None);
  }

 private:
  static uint64_t function_bytes(const llvm::MemoryBuffer& obj) {
    auto file = llvm::object::ObjectFile::createObjectFile(obj.getMemBufferRef());
    if (!file) {
      llvm::consumeError(file.takeError());
      return 0;
    }
    uint64_t bytes = 0;
    for (const llvm::object::SymbolRef& sym : (*file)->symbols()) {
      auto type = sym.getType();
      if (type && *type == llvm::object::SymbolRef::ST_Function)
        bytes += llvm::object::ELFSymbolRef(sym).getSize();
      else if (!type)
        llvm::consumeError(type.takeError());
    }
    return bytes;
  }

  std::unique_ptr<llvm::TargetMachine> tm_;
  double last_ms_ = 0;
  bool want_size_ = false;
  uint64_t last_size_ = 0;
};

struct Request {
  Ticket ticket;
  const void* owner;
  LinkSlots* links;
  bool quick;
  uint32_t entries;
  std::vector<ir::Block> blocks;
};

class Session final : public Jit {
 public:
  static constexpr size_t kMaxQueued = 16;

  Session(std::unique_ptr<llvm::orc::LLJIT> lljit, LevelledCompiler* compiler, SlowPaths slow, EnterFn enter)
      : lljit_(std::move(lljit)), compiler_(compiler), slow_(slow), enter_(enter) {
    if (std::getenv("KILN_PERF_MAP")) {  // developers: name the regions' code for `perf report`
      perf_map_ = std::fopen(("/tmp/perf-" + std::to_string(getpid()) + ".map").c_str(), "w");
      compiler_->want_size();
    }
    thread_ = std::thread([this] { compile_thread(); });
  }
  ~Session() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      quit_ = true;
    }
    cv_.notify_all();
    thread_.join();
    for (auto& [t, rt] : trackers_) cantFail(rt->remove());
    if (perf_map_) std::fclose(perf_map_);
  }

  Ticket submit(std::span<const ir::Block* const> blocks, const void* owner, LinkSlots* links, bool quick,
                uint32_t entries) override {
    std::vector<ir::Block> copies;
    for (const ir::Block* b : blocks) copies.push_back(*b);
    std::lock_guard<std::mutex> lock(mu_);
    Ticket t = next_ticket_++;
    queue_.push_back(Request{t, owner, links, quick, entries, std::move(copies)});
    stats_.queued++;
    // Newest first, and a bounded queue: what turned hot long ago and still
    // waits is likely cold by now (a boot moves on), while a loop running now
    // pays back at once. A displaced request goes back to its engine.
    if (queue_.size() > kMaxQueued) {
      Request& old = queue_.front();
      finished_[old.owner].push_back({old.ticket, nullptr, true});
      finished_count_++;
      stats_.dropped++;
      queue_.pop_front();
    }
    cv_.notify_one();
    return t;
  }

  void take_finished(const void* owner, std::vector<Finished>* out) override {
    if (finished_count_.load(std::memory_order_acquire) == 0) return;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = finished_.find(owner);
    if (it == finished_.end()) return;
    finished_count_ -= it->second.size();
    out->insert(out->end(), it->second.begin(), it->second.end());
    finished_.erase(it);
  }

  void release(Ticket t) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = queue_.begin(); it != queue_.end(); ++it)
      if (it->ticket == t) {
        queue_.erase(it);
        return;
      }
    releases_.push_back(t);  // compiled or being compiled: the compile thread frees it
    cv_.notify_one();
  }

  Stats stats() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return stats_;
  }
  EnterFn entry() const override { return enter_; }
  const std::atomic<size_t>& results_waiting() const override { return finished_count_; }

 private:
  void compile_thread();
  NativeFn compile(const Request& r, llvm::orc::ResourceTrackerSP* rt);

  std::unique_ptr<llvm::orc::LLJIT> lljit_;
  LevelledCompiler* compiler_;  // owned by lljit_
  const SlowPaths slow_;
  const EnterFn enter_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Request> queue_;
  std::vector<Ticket> releases_;
  std::map<const void*, std::vector<Finished>> finished_;
  std::atomic<size_t> finished_count_{0};
  std::map<Ticket, llvm::orc::ResourceTrackerSP> trackers_;  // compile thread only
  Ticket next_ticket_ = 1;
  Stats stats_;
  bool quit_ = false;
  const bool dump_ = std::getenv("KILN_JIT_DUMP") != nullptr;  // developers: print each optimised module
  const bool log_ = std::getenv("KILN_JIT_LOG") != nullptr;    // developers: one line per compiled region
  std::FILE* perf_map_ = nullptr;                                // KILN_PERF_MAP: perf's /tmp/perf-PID.map
  std::thread thread_;
};

NativeFn Session::compile(const Request& r, llvm::orc::ResourceTrackerSP* rt) {
  auto ctx = std::make_unique<llvm::LLVMContext>();
  auto mod = std::make_unique<llvm::Module>("kiln", *ctx);
  mod->setDataLayout(lljit_->getDataLayout());
  std::string name = "kiln_block_" + std::to_string(r.ticket), error;
  std::vector<const ir::Block*> blocks;
  for (const ir::Block& b : r.blocks) blocks.push_back(&b);
  const double t0 = thread_seconds();
  const llvm::CodeGenOptLevel level = r.quick ? llvm::CodeGenOptLevel::None : codegen_level(blocks);
  const SlowPaths slow = level == llvm::CodeGenOptLevel::None ? SlowPaths{} : slow_;
  if (!lower_region(blocks, *mod, name, r.links, slow, r.quick, r.entries, &error)) return nullptr;
  if (llvm::verifyModule(*mod, &llvm::errs())) return nullptr;
  optimize_module(*mod, r.quick);
  const double t_ir = thread_seconds();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stats_.ir_seconds += t_ir - t0;
  }
  size_t llvm_insns = 0;
  if (log_)
    for (const llvm::Function& f : *mod) llvm_insns += f.getInstructionCount();
  if (dump_) mod->print(llvm::errs(), nullptr);
  *rt = lljit_->getMainJITDylib().createResourceTracker();
  if (auto err = lljit_->addIRModule(*rt, llvm::orc::ThreadSafeModule(std::move(mod), std::move(ctx)))) {
    llvm::consumeError(std::move(err));
    return nullptr;
  }
  compiler_->set_level(level);
  auto sym = lljit_->lookup(name);
  if (!sym) {
    llvm::consumeError(sym.takeError());
    return nullptr;
  }
  if (level != llvm::CodeGenOptLevel::None) {
    std::lock_guard<std::mutex> lock(mu_);
    stats_.optimized++;
  }
  if (dump_) llvm::errs() << "; " << name << " at 0x" << llvm::utohexstr(sym->getValue()) << "\n";
  if (perf_map_) {
    std::fprintf(perf_map_, "%llx %llx %s_pc%llx_L%d\n", (unsigned long long)sym->getValue(),
                 (unsigned long long)compiler_->last_size(), name.c_str(), (unsigned long long)r.blocks[0].pc,
                 int(level));
    std::fflush(perf_map_);
  }
  if (log_) {
    unsigned insns = 0;
    for (const ir::Block& b : r.blocks) insns += b.guest_insns;
    std::fprintf(stderr,
                 "kiln-jit: %s pc=%#llx blocks=%zu guest=%u llvm=%zu level=%d ir=%.2fms codegen=%.2fms total=%.2fms\n",
                 name.c_str(), (unsigned long long)r.blocks[0].pc, r.blocks.size(), insns, llvm_insns, int(level),
                 (t_ir - t0) * 1e3, compiler_->last_ms(), (thread_seconds() - t0) * 1e3);
  }
  return sym->toPtr<NativeFn>();
}

void Session::compile_thread() {
  for (;;) {
    Request r;
    std::vector<Ticket> releases;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return quit_ || !queue_.empty() || !releases_.empty(); });
      if (quit_) return;
      releases.swap(releases_);
      if (!queue_.empty()) {
        r = std::move(queue_.back());
        queue_.pop_back();
      } else {
        r.ticket = 0;
      }
    }
    for (Ticket t : releases) {
      auto it = trackers_.find(t);
      if (it != trackers_.end()) {
        // With a perf map, freed code stays (its tracker's code moves to the
        // JITDylib's default one): perf would give a reused address the first name.
        if (!perf_map_) cantFail(it->second->remove());
        trackers_.erase(it);
      }
    }
    if (!r.ticket) continue;
    const double t0 = thread_seconds();
    llvm::orc::ResourceTrackerSP rt;
    NativeFn fn = compile(r, &rt);
    const double secs = thread_seconds() - t0;
    std::lock_guard<std::mutex> lock(mu_);
    stats_.compile_seconds += secs;
    (fn ? stats_.compiled : stats_.failed)++;
    if (fn) stats_.region_blocks += r.blocks.size();
    // Released while compiling: drop the code right away.
    auto rel = std::find(releases_.begin(), releases_.end(), r.ticket);
    if (rel != releases_.end()) {
      releases_.erase(rel);
      if (rt && !perf_map_) cantFail(rt->remove());
      continue;
    }
    if (rt) trackers_[r.ticket] = rt;
    finished_[r.owner].push_back({r.ticket, fn, false});
    finished_count_++;
  }
}

}  // namespace

std::unique_ptr<Jit> create(std::string* error) {
  static const bool initialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    set_llvm_options();
    return true;
  }();
  (void)initialized;
  auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!jtmb) {
    *error = llvm::toString(jtmb.takeError());
    return nullptr;
  }
  LevelledCompiler* compiler = nullptr;
  auto lljit = llvm::orc::LLJITBuilder()
                   .setJITTargetMachineBuilder(std::move(*jtmb))
                   .setNumCompileThreads(0)
                   .setCompileFunctionCreator([&compiler](llvm::orc::JITTargetMachineBuilder b)
                                                  -> llvm::Expected<std::unique_ptr<llvm::orc::IRCompileLayer::IRCompiler>> {
                     auto tm = b.createTargetMachine();
                     if (!tm) return tm.takeError();
                     auto c = std::make_unique<LevelledCompiler>(std::move(*tm));
                     compiler = c.get();
                     return c;
                   })
                   .create();
  if (!lljit) {
    *error = llvm::toString(lljit.takeError());
    return nullptr;
  }
  if (const char* dir = std::getenv("KILN_JIT_OBJDIR")) {  // developers: keep each region's object file
    (*lljit)->getObjTransformLayer().setTransform(
        [dir = std::string(dir), n = 0](std::unique_ptr<llvm::MemoryBuffer> obj) mutable
        -> llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> {
          std::error_code ec;
          llvm::raw_fd_ostream out(dir + "/kiln-jit-" + std::to_string(++n) + ".o", ec);
          if (!ec) out << obj->getBuffer();
          return obj;
        });
  }
  // The slow-path thunks and the entry, compiled once (optimised: they are on every softTLB miss).
  SlowPaths slow;
  uint64_t enter = 0;
  {
    auto ctx = std::make_unique<llvm::LLVMContext>();
    auto mod = std::make_unique<llvm::Module>("kiln_thunks", *ctx);
    mod->setDataLayout((*lljit)->getDataLayout());
    define_slow_path_thunks(*mod);
    compiler->set_level(llvm::CodeGenOptLevel::Default);
    if (auto err = (*lljit)->addIRModule(llvm::orc::ThreadSafeModule(std::move(mod), std::move(ctx)))) {
      *error = llvm::toString(std::move(err));
      return nullptr;
    }
    for (auto [name, out] : {std::pair{kLoadThunk, &slow.load}, std::pair{kStoreThunk, &slow.store},
                             std::pair{kEnterName, &enter}}) {
      auto sym = (*lljit)->lookup(name);
      if (!sym) {
        *error = llvm::toString(sym.takeError());
        return nullptr;
      }
      *out = sym->getValue();
    }
  }
  return std::make_unique<Session>(std::move(*lljit), compiler, slow, reinterpret_cast<EnterFn>(enter));
}

}  // namespace kiln::jit
