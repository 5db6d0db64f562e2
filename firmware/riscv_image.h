// The RISC-V Linux kernel `Image` format (Documentation/riscv/boot-image-header
// in Linux): a 64-byte header in front of a flat binary that is loaded at the
// start of RAM plus `text_offset` and entered there.
#pragma once
#include <cstdint>
#include <vector>

#include "common/result.h"

namespace kiln::firmware {

struct RiscvImage {
  uint64_t text_offset;  // where in RAM it wants to be loaded
  uint64_t image_size;   // memory it occupies once running (>= the file)
};

bool is_riscv_image(const std::vector<uint8_t>& data);
Result<RiscvImage> parse_riscv_image(const std::vector<uint8_t>& data);

}  // namespace kiln::firmware
