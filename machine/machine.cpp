#include "machine/machine.h"

namespace kiln::machine {

Result<std::unique_ptr<Machine>> create_machine(const Config& cfg, Log& log) {
  if (cfg.board == "spike") return create_spike(cfg, log);
  if (cfg.board == "virt") return create_virt(cfg, log);
  return make_error("unknown machine '" + cfg.board + "' (available: spike, virt)");
}

}  // namespace kiln::machine
