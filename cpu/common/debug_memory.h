// Guest memory as a debugger reads and writes it, for every architecture's
// DebugTarget: page by page through the target's own side-effect-free
// translation, RAM and ROM only (device memory is refused), every page
// resolved before any byte moves so that a write happens whole or not at all,
// and translated code on a written page invalidated.
#pragma once
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "common/result.h"
#include "mem/tlb.h"

namespace kiln::cpu {

// `to_pa(address, &pa)`: the physical address of one byte (false: unmapped).
template <class ToPa>
Status debug_copy(mem::MemContext& m, ToPa to_pa, uint64_t addr, uint8_t* buf, size_t len, bool write) {
  auto hex = [](uint64_t v) {
    char s[24];
    std::snprintf(s, sizeof s, "0x%" PRIx64, v);
    return std::string(s);
  };
  mem::PhysMap& map = *m.map;
  struct Piece {
    uint8_t* host;
    uint64_t pa;
    size_t len;
  };
  std::vector<Piece> pieces;
  for (size_t done = 0; done < len;) {
    uint64_t at = addr + done, pa = at;
    size_t n = std::min<size_t>(len - done, mem::kPageSize - (at & ~mem::kPageMask));
    if (!to_pa(at, &pa)) return make_error("unmapped address " + hex(at));
    const mem::Region* r = map.find(pa);
    uint8_t* host = r && r->kind != mem::RegionKind::Mmio ? map.host_ptr(pa, n) : nullptr;
    if (!host) return make_error("no RAM or ROM at physical address " + hex(pa));
    pieces.push_back({host, pa, n});
    done += n;
  }
  size_t off = 0;
  for (const Piece& p : pieces) {
    if (write) {
      if (map.is_code_page(p.pa) && m.code_watcher) m.code_watcher->code_written(p.pa, unsigned(p.len));
      std::memcpy(p.host, buf + off, p.len);
    } else {
      std::memcpy(buf + off, p.host, p.len);
    }
    off += p.len;
  }
  return {};
}

// The `monitor walk ADDR` command every target with paging has: false if
// `cmd` is not it; else the walk's trace (`walk(addr, &pa, out)`) in *out.
template <class Walk>
bool monitor_walk(const std::string& cmd, std::string* out, Walk walk) {
  if (cmd.rfind("walk", 0) != 0 || (cmd.size() != 4 && cmd[4] != ' ')) return false;
  std::string arg = cmd.size() > 5 ? cmd.substr(5) : "";
  char* end = nullptr;
  uint64_t va = std::strtoull(arg.c_str(), &end, 0);
  if (arg.empty() || *end) {
    *out += "usage: walk ADDR\n";
    return true;
  }
  uint64_t pa;
  char s[40];
  std::snprintf(s, sizeof s, "0x%" PRIx64 " is not mapped\n", va);
  if (!walk(va, &pa, out)) *out += s;
  return true;
}

}  // namespace kiln::cpu
