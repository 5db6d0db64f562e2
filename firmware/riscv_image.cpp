#include "firmware/riscv_image.h"

#include <cstring>

namespace kiln::firmware {

namespace {
constexpr size_t kHeaderSize = 64;
constexpr char kMagic2[4] = {'R', 'S', 'C', '\x05'};      // at 56, version 0.2 headers
constexpr char kMagic[8] = {'R', 'I', 'S', 'C', 'V', 0, 0, 0};  // at 48, deprecated but still present
uint64_t le64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
}  // namespace

bool is_riscv_image(const std::vector<uint8_t>& d) {
  return d.size() >= kHeaderSize &&
         (std::memcmp(d.data() + 56, kMagic2, 4) == 0 || std::memcmp(d.data() + 48, kMagic, 8) == 0);
}

Result<RiscvImage> parse_riscv_image(const std::vector<uint8_t>& d) {
  if (!is_riscv_image(d)) return make_error("not a RISC-V Linux Image (bad header magic)");
  RiscvImage img{le64(d.data() + 8), le64(d.data() + 16)};
  if (img.image_size == 0) img.image_size = d.size();  // very old headers leave it 0
  if (img.image_size < d.size()) return make_error("Image header's image_size is smaller than the file");
  if (img.text_offset & 0xfff) return make_error("Image text_offset is not page-aligned");
  return img;
}

}  // namespace kiln::firmware
