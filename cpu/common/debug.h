// What a debugger (gdbstub/) sees of the guest, without knowing any
// architecture: DebugTarget is one hart or vCPU (its registers as a fixed
// description, its memory through the current translation or physically, its
// mode, its own monitor commands); DebugSystem is the whole machine in
// all-stop mode (breakpoints, watchpoints, resume/step, interrupt).
//
// The register description is fixed for a target's life: an x86 vCPU must
// describe one layout that holds in real, protected and long mode (gdb cannot
// change the 'g' packet size mid-session), with what gdb's standard features
// lack (descriptor tables, hidden segment state, control/debug registers, MSRs)
// in extra features of its own naming ("org.kiln.x86.system"). A feature may
// carry XML type definitions (flags, unions) its registers refer to.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace kiln::cpu {

struct DebugFeature {
  std::string name;        // "org.gnu.gdb.riscv.cpu", "org.kiln.x86.system"...
  std::string types_xml;   // <flags>/<union>/<vector> definitions used by its registers
};

struct DebugRegister {
  std::string name;
  unsigned bitsize;        // a multiple of 8; transferred little-endian
  unsigned regnum;         // gdb's register number (the `p`/`P` packets)
  unsigned feature;        // index into DebugDescription::features
  std::string type;        // "int", "code_ptr", "data_ptr", "ieee_double", or a feature's own type
  std::string group;       // "general", "float", "system"... (may be empty)
};

struct DebugDescription {
  std::string architecture;               // <architecture>: "riscv:rv64", "i386:x86-64"
  std::vector<DebugFeature> features;     // features[0] is the core: the 'g' packet holds its registers
  std::vector<DebugRegister> registers;   // ascending regnum within each feature
  // Where gdb expects a watchpoint stop: before the access (its RISC-V and MIPS
  // support steps over the instruction itself) or after it (x86 debug registers).
  bool watch_stops_before_access = false;
};

// How a memory address is interpreted. Virtual: through the target's current
// translation, as its next data access would see it (x86: a linear address).
// Physical: the machine's physical address space. Segment: an offset in the
// data segment (x86: DS's base added and its limit checked, then linear), for
// targets whose segmented() is true.
enum class AddrSpace : uint8_t { Virtual, Physical, Segment };

class DebugTarget {
 public:
  virtual ~DebugTarget() = default;
  virtual const DebugDescription& description() const = 0;
  // A register's value as bitsize/8 little-endian bytes; false for an unknown number.
  virtual bool read_register(unsigned regnum, std::vector<uint8_t>* out) = 0;
  virtual bool write_register(unsigned regnum, const std::vector<uint8_t>& value) = 0;
  // Reads or writes guest memory with no side effect on guest state: page
  // walks set no accessed/dirty bits and record no guest fault; device (MMIO)
  // memory is refused. A write into translated code invalidates it. Returns an
  // error for any byte that cannot be reached (nothing is written then).
  virtual Status read_memory(AddrSpace space, uint64_t addr, uint8_t* buf, size_t len) = 0;
  virtual Status write_memory(AddrSpace space, uint64_t addr, const uint8_t* buf, size_t len) = 0;
  virtual uint64_t pc() const = 0;
  virtual void set_pc(uint64_t pc) = 0;  // gdb's "continue at ADDR"
  // The current privilege level / CPU mode, for people ("S (supervisor)", "long mode, CPL 0").
  virtual std::string mode_name() const = 0;
  // Whether AddrSpace::Segment means anything here (x86).
  virtual bool segmented() const { return false; }
  // The architecture's own `monitor` commands (registers with CSRs, page-table
  // walks...). Returns false if `cmd` is not one of them; `help` lists them.
  virtual bool monitor(const std::string& cmd, std::string* out) = 0;
  virtual std::string monitor_help() const = 0;
};

enum class WatchKind : uint8_t { Write = 1, Read = 2, Access = 3 };  // bit 0 write, bit 1 read

struct StopEvent {
  enum Kind : uint8_t { Step, Breakpoint, Watchpoint, Interrupted, ModeSwitch, Exited } kind;
  unsigned cpu = 0;          // the hart / vCPU that stopped (index into DebugSystem::cpu)
  uint64_t addr = 0;         // Watchpoint: the watched address that was accessed
  WatchKind watch = WatchKind::Write;
  int exit_code = 0;         // Exited: Kiln's exit status
};

// The machine, stopped or running under a debugger (all-stop: every CPU stops together).
class DebugSystem {
 public:
  virtual ~DebugSystem() = default;
  virtual unsigned cpu_count() const = 0;
  virtual DebugTarget& cpu(unsigned index) = 0;
  // Breakpoints on virtual pcs, watchpoints on virtual ranges of any size and
  // alignment; shared by every CPU. Inserting one twice is not an error.
  virtual Status insert_breakpoint(uint64_t addr) = 0;
  virtual Status remove_breakpoint(uint64_t addr) = 0;
  virtual Status insert_watchpoint(uint64_t addr, uint64_t len, WatchKind kind) = 0;
  virtual Status remove_watchpoint(uint64_t addr, uint64_t len, WatchKind kind) = 0;
  virtual void remove_all() = 0;
  // Runs every CPU until something stops them (continue), or executes exactly
  // one instruction of CPU `step_cpu` while the others wait (step).
  virtual StopEvent resume() = 0;
  virtual StopEvent step(unsigned step_cpu) = 0;
  // Thread-safe: a running resume() returns Interrupted at the next block boundary.
  virtual void interrupt() = 0;
  // Options: whether interrupts and timers may fire during a step (default:
  // held), whether a change of CPU mode stops the guest.
  virtual void set_step_interrupts(bool on) = 0;
  virtual void set_stop_on_mode_switch(bool on) = 0;
  // Block/region cache statistics, for people.
  virtual std::string stats() const = 0;
};

}  // namespace kiln::cpu
