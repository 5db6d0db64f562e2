#include "machine/machine.h"

namespace kiln::machine {

bool jit_available() { return jit::available(); }

Result<std::unique_ptr<jit::Jit>> make_jit(const Config& cfg) {
  if (!cfg.jit) return std::unique_ptr<jit::Jit>();
  std::string error;
  std::unique_ptr<jit::Jit> j = jit::create(&error);
  if (!j) return make_error("-accel jit: " + error);
  return j;
}

Result<std::unique_ptr<Machine>> create_machine(const Config& cfg, Log& log) {
  if (cfg.board == "spike") return create_spike(cfg, log);
  if (cfg.board == "virt") return create_virt(cfg, log);
  if (cfg.board == "pc") return create_pc(cfg, log);
  return make_error("unknown machine '" + cfg.board + "' (available: spike, virt, pc)");
}

}  // namespace kiln::machine
