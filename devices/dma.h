// Device writes into guest memory (DMA), shared by every device that does
// them: RAM only (PhysMap::write refuses ROM, devices and holes), and pages
// holding translated code are reported to the engine first, page by page, so
// it drops their blocks.
#pragma once
#include <cstdint>

#include "mem/physmap.h"
#include "mem/tlb.h"

namespace kiln::devices {

// False, and nothing written, if any byte is not guest RAM. `watcher` may be null.
bool dma_write(mem::PhysMap& map, mem::CodeWatcher* watcher, uint64_t pa, const void* src, uint64_t len);

}  // namespace kiln::devices
