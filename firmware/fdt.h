// A flattened-device-tree builder over libfdt's sequential-write API. Boards
// describe themselves with it from their own constant map, so the tree the
// guest sees can never disagree with the devices that exist.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "common/result.h"

namespace kiln::firmware {

class FdtBuilder {
 public:
  explicit FdtBuilder(size_t capacity = 1 << 16);
  void begin_node(const std::string& name);
  void end_node();
  void prop_empty(const char* name);
  void prop_u32(const char* name, uint32_t v);
  void prop_u64(const char* name, uint64_t v);
  void prop_cells(const char* name, std::initializer_list<uint32_t> cells);
  void prop_cells(const char* name, const std::vector<uint32_t>& cells);
  // reg = <base size> with #address-cells = #size-cells = 2.
  void prop_reg(uint64_t base, uint64_t size);
  void prop_string(const char* name, const std::string& s);
  void prop_strings(const char* name, std::initializer_list<const char*> list);
  uint32_t new_phandle() { return next_phandle_++; }
  // The finished blob, or the first libfdt error.
  Result<std::vector<uint8_t>> finish();

 private:
  void check(int err, const char* what);
  std::vector<uint8_t> buf_;
  std::string error_;
  uint32_t next_phandle_ = 1;
};

// A device tree from outside (-dtb): its header, sizes and structure checked
// with libfdt's fdt_check_full before anything uses it. Bytes past the
// header's total size (padding) are dropped.
Status check_fdt(std::vector<uint8_t>* blob);

// Sets /chosen's "bootargs" (unless empty) and "linux,initrd-start/-end"
// (unless initrd_end is 0) in a checked blob, adding /chosen if it is missing:
// what QEMU does to a -dtb file, so -append and -initrd are never dropped.
Status set_chosen(std::vector<uint8_t>* blob, const std::string& bootargs, uint64_t initrd_start, uint64_t initrd_end);

// Reads a property of a blob (tests, -dtb checks): nullptr if absent.
const void* fdt_get(const std::vector<uint8_t>& blob, const char* path, const char* prop, int* len);

}  // namespace kiln::firmware
