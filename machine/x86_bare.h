// A bare x86 CPU in real mode: flat RAM (1 MiB wrapping for the 8086, 16 MiB
// with A20 on for the 286 and 386), the engine with one-instruction blocks on the
// interpreter or the JIT, and no devices (ports read as all ones). What
// kiln-sst runs single-instruction test vectors on; the PC board comes later.
#pragma once
#include <cstdint>
#include <memory>

#include "common/result.h"

namespace kiln::x86 {
class X86Cpu;
}
namespace kiln::engine {
class Engine;
}
namespace kiln::jit {
class Jit;
}

namespace kiln::machine {

enum class X86Model { I8086, I286, I386 };

// The real-mode register file as test vectors list it (32 bits wide for the
// 386's files; FS and GS exist from the 386 on).
struct X86Regs {
  uint32_t ax, bx, cx, dx;
  uint16_t cs, ss, ds, es;
  uint32_t sp, bp, si, di, ip, flags;
  uint16_t fs = 0, gs = 0;
};

class X86Bare {
 public:
  static Result<std::unique_ptr<X86Bare>> create(X86Model model, bool jit);
  ~X86Bare();

  uint8_t* ram() { return ram_; }
  uint64_t ram_size() const { return ram_size_; }
  X86Regs regs() const;
  // Loads the registers (FLAGS bits the model cannot hold are dropped, as the chip would).
  void set_regs(const X86Regs& r);
  // RAM was written behind the CPU's back: drops every translation.
  void code_changed();
  // Runs one instruction (one block each, and one per element of a REP string
  // instruction; exceptions delivered through the IVT); true when it was a HLT.
  bool step();

 private:
  X86Bare() = default;
  bool at_rep_string() const;  // the instruction at cs:ip is a string instruction with REP
  struct Parts;
  std::unique_ptr<Parts> p_;
  uint8_t* ram_ = nullptr;
  uint64_t ram_size_ = 0;
};

}  // namespace kiln::machine
