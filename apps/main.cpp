// kiln: the command-line front end. Parses options, builds the machine, runs
// it, and turns every configuration error into one line and exit status 2.
// SIGTERM, SIGINT and SIGHUP stop the guest and shut the machine down in order
// (apps/stop_signals.h): one line, exit status 128 + the signal.
#include <csignal>
#include <cstdio>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "apps/cli.h"
#include "apps/stop_signals.h"
#include "gdbstub/stub.h"
#include "roms/demo_image.h"

static int run_kiln(int argc, char** argv) {
  using namespace kiln;
  // A serial or gdb peer that goes away must not kill Kiln: writes then fail with EPIPE instead.
  std::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  Result<apps::Options> parsed = apps::parse_args(args);
  if (!parsed) {
    std::fprintf(stderr, "kiln: %s\n", parsed.error().c_str());
    return 2;
  }
  apps::Options& o = *parsed;
  if (o.help) {
    std::fputs(apps::usage().c_str(), stdout);
    return 0;
  }
  if (o.version) {
    std::printf("kiln %s\n", KILN_VERSION);
    return 0;
  }
  Log log;
  log.set_mask(o.log_mask);
  if (!o.log_file.empty() && !log.open_file(o.log_file)) {
    std::fprintf(stderr, "kiln: -D: cannot open '%s'\n", o.log_file.c_str());
    return 2;
  }
  // The built-in demo runs when no program is named at all.
  if (o.machine.kernel.empty() && o.machine.bios.empty() && !o.machine.bios_none)
    o.machine.builtin_kernel.assign(roms::kDemoImage, roms::kDemoImage + roms::kDemoImageSize);

  apps::StopSignals signals;  // before any thread starts
  std::optional<gdbstub::Listener> listener;
  if (o.gdb) {
    Result<gdbstub::Listener> l = gdbstub::Listener::open(o.gdb_endpoint);
    if (!l) {
      std::fprintf(stderr, "kiln: %s\n", l.error().c_str());
      return 2;
    }
    listener.emplace(std::move(*l));
    if (o.gdb_endpoint.kind == gdbstub::Endpoint::Kind::Tcp && o.gdb_endpoint.port == 0)
      std::fprintf(stderr, "kiln: gdb: listening on %s\n", listener->bound().describe().c_str());
  }
  Result<std::unique_ptr<machine::Machine>> m = machine::create_machine(o.machine, log);
  if (!m) {
    std::fprintf(stderr, "kiln: %s\n", m.error().c_str());
    return 2;
  }
  auto stop_machine = [&m](int code) { (*m)->request_stop(code); };
  int code;
  if (o.gdb) {
    // Under gdb a guest reset request ends Kiln (as -no-reboot does): the
    // session's breakpoints and threads belong to this machine.
    if (o.gdb_wait) std::fprintf(stderr, "kiln: gdb: waiting for a connection on %s\n", listener->bound().describe().c_str());
    gdbstub::Stub stub(*(*m)->debug(), std::move(*listener));
    signals.watch([&](int code) {
      stop_machine(code);
      stub.request_quit();  // it may be waiting for gdb rather than running the guest
    });
    code = stub.serve(o.gdb_wait);
    signals.watch(nullptr);
  } else {
    signals.watch(stop_machine);
    code = (*m)->run();
  }
  while (!o.gdb && !signals.caught() && (*m)->reset_requested()) {  // a guest reset: the same machine, built afresh
    std::fflush(stdout);
    signals.watch(nullptr);
    m->reset();  // first: the new machine opens the same disk images
    m = machine::create_machine(o.machine, log);
    if (!m) {
      std::fprintf(stderr, "kiln: reset: %s\n", m.error().c_str());
      return 2;
    }
    signals.watch(stop_machine);
    code = (*m)->run();
  }
  signals.watch(nullptr);
  std::fflush(stdout);
  if (signals.caught()) {
    code = 128 + signals.caught();
    std::fprintf(stderr, "kiln: %s\n", signals.describe().c_str());
  }
  if (o.stats) {
    machine::RunStats s = (*m)->stats();
    double mips = s.engine.seconds > 0 ? double(s.guest_insns) / s.engine.seconds / 1e6 : 0;
    std::fprintf(stderr,
                 "kiln: guest instructions: %llu\n"
                 "kiln: blocks translated: %llu\n"
                 "kiln: blocks executed: %llu\n"
                 "kiln: code invalidations: %llu (%llu blocks dropped)\n"
                 "kiln: translation flushes: %llu (block lookups past the vPC table: %llu; softTLB flushes: %llu full, "
                 "%llu non-global, %llu single-page)\n"
                 "kiln: time: %.3f s\n"
                 "kiln: guest MIPS: %.1f\n",
                 (unsigned long long)s.guest_insns, (unsigned long long)s.engine.blocks_translated,
                 (unsigned long long)s.engine.blocks_executed, (unsigned long long)s.engine.invalidations,
                 (unsigned long long)s.engine.blocks_invalidated, (unsigned long long)s.engine.tlb_flushes,
                 (unsigned long long)s.engine.table_lookups, (unsigned long long)s.engine.tlb_flush_kinds.full,
                 (unsigned long long)s.engine.tlb_flush_kinds.non_global,
                 (unsigned long long)s.engine.tlb_flush_kinds.page, s.engine.seconds, mips);
    if (s.jit_on)
      std::fprintf(stderr,
                   "kiln: regions compiled: %llu (%llu optimised; %llu guest blocks; %llu failed, %llu dropped, %llu requested)\n"
                   "kiln: compile time: %.3f s (LLVM IR %.3f s, code generation %.3f s)\n"
                   "kiln: time in native code: %.3f s (%.1f%%)\n"
                   "kiln: dispatches to native code: %llu (%.1f%%)\n",
                   (unsigned long long)s.jit.compiled, (unsigned long long)s.jit.optimized, (unsigned long long)s.jit.region_blocks,
                   (unsigned long long)s.jit.failed, (unsigned long long)s.jit.dropped,
                   (unsigned long long)s.jit.queued, s.jit.compile_seconds, s.jit.ir_seconds,
                   s.jit.compile_seconds - s.jit.ir_seconds, s.engine.native_seconds,
                   s.engine.seconds > 0 ? 100.0 * s.engine.native_seconds / s.engine.seconds : 0.0,
                   (unsigned long long)s.engine.native_executed,
                   s.engine.blocks_executed ? 100.0 * double(s.engine.native_executed) / double(s.engine.blocks_executed) : 0.0);
  }
  return code;
}

// The last resort: errors are values everywhere (Result), so an exception here
// is a bug; it still ends Kiln with one line and exit status 2, not an abort.
int main(int argc, char** argv) {
  try {
    return run_kiln(argc, argv);
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "kiln: out of host memory\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kiln: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "kiln: internal error: unknown exception\n");
  }
  return 2;
}
