// The x86 I/O port space: the second bus beside the physical map (docs/design.md
// §5), ports 0 to 0xFFFF. A device claims a range of ports and serves it through
// the same interface and declared AccessRules as a memory-mapped device (offsets
// within its range, sizes 1, 2 or 4). As on a PC's ISA bus, an access the
// device's rules do not take whole (too wide, misaligned, running past its range
// into the next port) is split into byte accesses, each going to whoever claims
// that port; a port nobody claims (or a byte access a device refuses) reads as
// all ones and ignores writes. IN/OUT never fault on this bus.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "mem/physmap.h"

namespace kiln::mem {

// A device on the port bus: the MMIO interface, with offsets inside its port range.
using PortDevice = MmioDevice;

class PortSpace {
 public:
  static constexpr uint32_t kPorts = 0x10000;

  // Claims ports [base, base + count) for `dev`; an error if the range leaves
  // the port space or overlaps a port another device claims.
  Status add(const std::string& name, uint32_t base, uint32_t count, PortDevice* dev);
  // Releases the ports `dev` claimed at `base` (a PCI I/O BAR being moved or
  // disabled); an error if it claims none there.
  Status remove(uint32_t base, PortDevice* dev);

  // An access of `size` bytes (1, 2 or 4) at `port`, little-endian. Bytes past
  // port 0xFFFF belong to nobody.
  uint32_t read(uint32_t port, unsigned size);
  void write(uint32_t port, unsigned size, uint32_t value);
  // True if writing `size` bytes at `port` reaches a device whose writes may end
  // the run (AccessRules::write_may_stop): the CPU then performs that
  // instruction by itself, as for such a store to memory.
  bool write_may_stop(uint32_t port, unsigned size) const;

 private:
  struct Range {
    std::string name;
    uint32_t base, count;
    PortDevice* dev;
  };
  const Range* find(uint32_t port) const;
  // The device range taking this access whole, or nullptr (split into bytes).
  const Range* whole(uint32_t port, unsigned size) const;
  std::vector<Range> ranges_;
};

}  // namespace kiln::mem
