// A store into translated code, by any CPU or by DMA, must reach every CPU's
// engine: boards with several CPUs point each CPU's MemContext (and their DMA
// devices) at one of these, listing every engine.
#pragma once
#include <vector>

#include "mem/tlb.h"

namespace kiln::machine {

class CodeWatchers final : public mem::CodeWatcher {
 public:
  void add(mem::CodeWatcher* w) { list_.push_back(w); }
  void code_written(uint64_t pa, unsigned size) override {
    for (mem::CodeWatcher* w : list_) w->code_written(pa, size);
  }
  bool covers_code(uint64_t pa, unsigned size) override {
    for (mem::CodeWatcher* w : list_)
      if (w->covers_code(pa, size)) return true;
    return false;
  }
  void code_stored(uint64_t pa, unsigned size) override {
    for (mem::CodeWatcher* w : list_) w->code_stored(pa, size);
  }

 private:
  std::vector<mem::CodeWatcher*> list_;
};

}  // namespace kiln::machine
