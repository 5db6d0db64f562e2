#include "firmware/fdt.h"

#include <libfdt.h>

namespace kiln::firmware {

FdtBuilder::FdtBuilder(size_t capacity) : buf_(capacity) {
  check(fdt_create(buf_.data(), int(buf_.size())), "create");
  check(fdt_finish_reservemap(buf_.data()), "reservemap");
  check(fdt_begin_node(buf_.data(), ""), "root");
}

void FdtBuilder::check(int err, const char* what) {
  if (err < 0 && error_.empty()) error_ = std::string("device tree: ") + what + ": " + fdt_strerror(err);
}

void FdtBuilder::begin_node(const std::string& name) { check(fdt_begin_node(buf_.data(), name.c_str()), name.c_str()); }
void FdtBuilder::end_node() { check(fdt_end_node(buf_.data()), "end node"); }
void FdtBuilder::prop_empty(const char* name) { check(fdt_property(buf_.data(), name, nullptr, 0), name); }
void FdtBuilder::prop_u32(const char* name, uint32_t v) { check(fdt_property_u32(buf_.data(), name, v), name); }
void FdtBuilder::prop_u64(const char* name, uint64_t v) { check(fdt_property_u64(buf_.data(), name, v), name); }

void FdtBuilder::prop_cells(const char* name, const std::vector<uint32_t>& cells) {
  std::vector<fdt32_t> be;
  for (uint32_t c : cells) be.push_back(cpu_to_fdt32(c));
  check(fdt_property(buf_.data(), name, be.data(), int(be.size() * sizeof(fdt32_t))), name);
}
void FdtBuilder::prop_cells(const char* name, std::initializer_list<uint32_t> cells) {
  prop_cells(name, std::vector<uint32_t>(cells));
}
void FdtBuilder::prop_reg(uint64_t base, uint64_t size) {
  prop_cells("reg", {uint32_t(base >> 32), uint32_t(base), uint32_t(size >> 32), uint32_t(size)});
}
void FdtBuilder::prop_string(const char* name, const std::string& s) {
  check(fdt_property_string(buf_.data(), name, s.c_str()), name);
}
void FdtBuilder::prop_strings(const char* name, std::initializer_list<const char*> list) {
  std::string all;
  for (const char* s : list) {
    all += s;
    all.push_back('\0');
  }
  check(fdt_property(buf_.data(), name, all.data(), int(all.size())), name);
}

Result<std::vector<uint8_t>> FdtBuilder::finish() {
  check(fdt_end_node(buf_.data()), "root end");
  check(fdt_finish(buf_.data()), "finish");
  if (!error_.empty()) return make_error(error_);
  buf_.resize(fdt_totalsize(buf_.data()));
  return buf_;
}

Status check_fdt(std::vector<uint8_t>* blob) {
  if (blob->size() < sizeof(struct fdt_header)) return make_error("not a device tree (shorter than its header)");
  int err = fdt_check_full(blob->data(), blob->size());
  if (err < 0) return make_error(std::string("not a valid device tree: ") + fdt_strerror(err));
  blob->resize(fdt_totalsize(blob->data()));  // fdt_check_full: no larger than the buffer
  return {};
}

Status set_chosen(std::vector<uint8_t>* blob, const std::string& bootargs, uint64_t initrd_start, uint64_t initrd_end) {
  if (bootargs.empty() && !initrd_end) return {};
  // Room for the new node, three properties and their names, however the tree was packed.
  std::vector<uint8_t> out(blob->size() + bootargs.size() + 512);
  auto fail = [](const char* what, int err) { return make_error(std::string("device tree: ") + what + ": " + fdt_strerror(err)); };
  int err = fdt_open_into(blob->data(), out.data(), int(out.size()));
  if (err < 0) return fail("open", err);
  int chosen = fdt_path_offset(out.data(), "/chosen");
  if (chosen == -FDT_ERR_NOTFOUND) chosen = fdt_add_subnode(out.data(), 0, "chosen");
  if (chosen < 0) return fail("/chosen", chosen);
  if (!bootargs.empty() && (err = fdt_setprop_string(out.data(), chosen, "bootargs", bootargs.c_str())) < 0)
    return fail("bootargs", err);
  if (initrd_end && ((err = fdt_setprop_u64(out.data(), chosen, "linux,initrd-start", initrd_start)) < 0 ||
                     (err = fdt_setprop_u64(out.data(), chosen, "linux,initrd-end", initrd_end)) < 0))
    return fail("initrd", err);
  if ((err = fdt_pack(out.data())) < 0) return fail("pack", err);
  out.resize(fdt_totalsize(out.data()));
  *blob = std::move(out);
  return {};
}

const void* fdt_get(const std::vector<uint8_t>& blob, const char* path, const char* prop, int* len) {
  int node = fdt_path_offset(blob.data(), path);
  if (node < 0) return nullptr;
  return fdt_getprop(blob.data(), node, prop, len);
}

}  // namespace kiln::firmware
