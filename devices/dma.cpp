#include "devices/dma.h"

namespace kiln::devices {

bool dma_write(mem::PhysMap& map, mem::CodeWatcher* watcher, uint64_t pa, const void* src, uint64_t len) {
  if (watcher && map.ram_ptr(pa, len)) {
    for (uint64_t p = pa & mem::kPageMask; p < pa + len; p += mem::kPageSize) {
      if (!map.is_code_page(p)) continue;
      uint64_t lo = p < pa ? pa : p, hi = p + mem::kPageSize < pa + len ? p + mem::kPageSize : pa + len;
      watcher->code_written(lo, unsigned(hi - lo));
    }
  }
  return map.write(pa, src, len);
}

}  // namespace kiln::devices
