#include "machine/pc_kernel_boot.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "firmware/boot_info.h"
#include "firmware/elf.h"
#include "firmware/multiboot.h"
#include "firmware/placement.h"
#include "firmware/pvh.h"
#include "machine/pc.h"
#include "machine/pc_firmware_info.h"

namespace kiln::machine::pc {

namespace {

constexpr uint64_t kZeroPage = 0x10000, kCmdline = 0x20000, kKernelLoad = 0x100000;
constexpr uint64_t kBootInfo = 0x20000;  // Multiboot's and PVH's information block (in place of the command line)
constexpr uint64_t kEbda = 0x9fc00, kBiosArea = 0xf0000;  // e820 holes a PC's firmware would leave
constexpr uint32_t kE820Reserved = 2;

class KernelLoader {
 public:
  KernelLoader(mem::PhysMap& map, const AcpiImage& acpi) : map_(map), acpi_(acpi) {}

  Result<KernelEntry> load_kernel(const Config& cfg) {
    auto data = firmware::read_program(cfg.kernel, cfg.ram_bytes, "guest RAM");
    if (!data) return make_error("-kernel: " + data.error());
    const std::string& want = cfg.kernel_entry;
    auto refuse = [&](const std::string& why) { return make_error("-kernel: '" + cfg.kernel + "': " + why); };
    if (firmware::has_setup_header(*data)) {
      if (want.empty() || want == "linux") return load_linux(cfg, *data);
      if (want != "pvh") return refuse("a Linux bzImage boots with kernel-entry=linux or pvh, not " + want);
      Result<firmware::BzImage> img = firmware::parse_bzimage(*data);
      if (!img) return refuse(img.error());
      auto vmlinux = firmware::unpack_bzimage_payload(*data, *img, cfg.ram_bytes);
      if (!vmlinux) return refuse(vmlinux.error());
      auto entry = firmware::is_elf(*vmlinux) ? firmware::pvh_entry(*vmlinux, "its vmlinux") : make_error("its payload is not an ELF vmlinux");
      if (!entry) return refuse(entry.error());
      if (!*entry) return refuse("its vmlinux has no PVH entry note (a kernel built without CONFIG_PVH); leave kernel-entry=pvh out");
      return load_pvh(cfg, *vmlinux, **entry);
    }
    std::optional<uint64_t> pvh;
    if (firmware::is_elf(*data)) {
      auto entry = firmware::pvh_entry(*data, "the ELF");
      if (!entry) return refuse(entry.error());
      pvh = *entry;
    }
    const std::optional<firmware::Multiboot1Header> mb1 = firmware::find_multiboot1(*data);
    const std::optional<firmware::Multiboot2Header> mb2 = firmware::find_multiboot2(*data);
    std::string kind = want;
    if (kind.empty()) kind = pvh ? "pvh" : mb1 ? "multiboot" : mb2 ? "multiboot2" : "";
    if (kind.empty() || kind == "linux")
      return refuse("not a Linux x86 bzImage, a Multiboot 1 or 2 kernel, or an ELF with a PVH entry note");
    if (kind == "pvh") return pvh ? load_pvh(cfg, *data, *pvh) : refuse("no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY) in an ELF");
    if (kind == "multiboot") return mb1 ? load_multiboot1(cfg, *data, *mb1) : refuse("no Multiboot header in its first 8 KiB");
    return mb2 ? load_multiboot2(cfg, *data, *mb2) : refuse("no Multiboot2 header in its first 32 KiB");
  }

 private:
  // RAM below 4 GiB, with the ACPI tables already in it: every entry gets them.
  Result<firmware::Placement> low_ram_placement(const Config& cfg) {
    firmware::Placement placed;
    placed.add_memory("guest RAM", 0, ram_below_4g(cfg.ram_bytes));
    for (Status s : {place(placed, "ACPI RSDP", acpi_.rsdp_addr, acpi_.rsdp.data(), acpi_.rsdp.size()),
                     place(placed, "ACPI tables", acpi_.tables_addr, acpi_.tables.data(), acpi_.tables.size())})
      if (!s) return make_error("-kernel: " + s.error());
    return placed;
  }

  Result<KernelEntry> load_linux(const Config& cfg, const std::vector<uint8_t>& data) {
    Result<firmware::BzImage> img = firmware::parse_bzimage(data);
    if (!img) return make_error("-kernel: '" + cfg.kernel + "': " + img.error());
    const uint64_t low_end = ram_below_4g(cfg.ram_bytes);
    // What the kernel occupies until it runs: the file, and init_size from where it decompresses.
    const uint64_t run_base = img->relocatable ? std::max(kKernelLoad, img->pref_address) : kKernelLoad;
    const uint64_t kernel_end = std::max(kKernelLoad + img->kernel_bytes, run_base + img->init_size);
    if (kernel_end > low_end)
      return make_error("-kernel: '" + cfg.kernel + "' needs RAM up to " + firmware::hex(kernel_end) + " (" +
                        std::to_string((kernel_end + (1 << 20) - 1) >> 20) + " MiB); -m gives " + firmware::hex(low_end) + " below 4 GiB");
    if (cfg.append.size() > img->cmdline_size)
      return make_error("-append: " + std::to_string(cfg.append.size()) + " bytes; the kernel takes at most " + std::to_string(img->cmdline_size));
    Result<firmware::Placement> low = low_ram_placement(cfg);
    if (!low) return make_error(low.error());
    firmware::Placement& placed = *low;
    firmware::BootParamsInput in{.code32_start = kKernelLoad, .cmdline_addr = kCmdline, .e820 = e820_map(cfg.ram_bytes)};
    in.acpi_rsdp_addr = acpi_.rsdp_addr;
    if (!cfg.initrd.empty()) {
      auto initrd = firmware::read_file(cfg.initrd, cfg.ram_bytes, "guest RAM");
      if (!initrd) return make_error("-initrd: " + initrd.error());
      const uint64_t top = std::min<uint64_t>(low_end, uint64_t(img->initrd_addr_max) + 1);
      const uint64_t base = top >= initrd->size() ? (top - initrd->size()) & ~0xfffull : 0;
      if (initrd->empty() || base < kernel_end)
        return make_error("-initrd: '" + cfg.initrd + "' (" + std::to_string(initrd->size()) + " bytes) does not fit between the kernel's end " +
                          firmware::hex(kernel_end) + " and " + firmware::hex(top));
      if (Status s = place(placed, "initrd", base, initrd->data(), initrd->size()); !s) return make_error(s.error());
      in.initrd_addr = base;
      in.initrd_bytes = initrd->size();
    }
    const std::vector<uint8_t> zero_page = firmware::make_boot_params(*img, in);
    const std::string cmdline = cfg.append + '\0';
    for (Status s : {place(placed, "boot_params", kZeroPage, zero_page.data(), zero_page.size()),
                     place_boot_gdt(placed),
                     place(placed, "command line", kCmdline, cmdline.data(), cmdline.size()),
                     place(placed, "kernel", kKernelLoad, data.data() + img->kernel_offset, img->kernel_bytes)})
      if (!s) return make_error("-kernel: " + s.error());
    return KernelEntry{.eip = kKernelLoad, .esi = uint32_t(kZeroPage)};
  }

  // A Multiboot 1 kernel: its header's load addresses, else its ELF.
  Result<KernelEntry> load_multiboot1(const Config& cfg, const std::vector<uint8_t>& data, const firmware::Multiboot1Header& h) {
    if (Status s = firmware::check_multiboot1(h); !s) return make_error("-kernel: '" + cfg.kernel + "': " + s.error());
    if (!h.addresses && !firmware::is_elf(data))
      return make_error("-kernel: '" + cfg.kernel + "': its Multiboot header gives no load addresses (flag 16) and it is not an ELF");
    Result<firmware::Placement> low = low_ram_placement(cfg);
    if (!low) return make_error(low.error());
    firmware::Placement& placed = *low;
    Result<firmware::LoadedImage> img = h.addresses ? load_addressed(data, *h.addresses, h.offset, h.entry_addr, placed)
                                                    : firmware::load_elf_x86(data, map_, "kernel", &placed);
    if (!img) return make_error("-kernel: '" + cfg.kernel + "': " + img.error());
    // The command line as GRUB's and QEMU's Multiboot 1 give it: the kernel's file name first.
    firmware::BootInfoInput info = boot_info_input(cfg, cfg.kernel + (cfg.append.empty() ? "" : " " + cfg.append));
    if (Status s = place_modules(cfg, placed, img->high, firmware::split_modules(cfg.initrd), &info); !s) return make_error(s.error());
    const std::vector<uint8_t> block = firmware::make_multiboot1_info(info, kBootInfo);
    return with_boot_info(cfg, placed, *img, block, "Multiboot information", {.eax = firmware::kMultiboot1BootMagic, .ebx = kBootInfo});
  }

  Result<KernelEntry> load_multiboot2(const Config& cfg, const std::vector<uint8_t>& data, const firmware::Multiboot2Header& found) {
    auto refuse = [&](const std::string& why) { return make_error("-kernel: '" + cfg.kernel + "': " + why); };
    Result<firmware::Multiboot2Header> h = firmware::parse_multiboot2(data, found);
    if (!h) return refuse(h.error());
    firmware::BootInfoInput info = boot_info_input(cfg, cfg.append);
    for (uint32_t type : h->required_info)
      if (!firmware::multiboot2_provides(info, type))
        return refuse("the Multiboot2 header requires information tag " + std::to_string(type) + ", which Kiln does not give");
    Result<firmware::Placement> low = low_ram_placement(cfg);
    if (!low) return make_error(low.error());
    firmware::Placement& placed = *low;
    if (h->addresses && !h->entry_addr) return refuse("the Multiboot2 address tag needs an entry address tag");
    if (!h->addresses && !firmware::is_elf(data)) return refuse("its Multiboot2 header has no address tag and it is not an ELF");
    Result<firmware::LoadedImage> img = h->addresses ? load_addressed(data, *h->addresses, h->offset, *h->entry_addr, placed)
                                                     : firmware::load_elf_x86(data, map_, "kernel", &placed);
    if (!img) return refuse(img.error());
    if (h->entry_addr) img->entry = *h->entry_addr;
    if (Status s = place_modules(cfg, placed, img->high, firmware::split_modules(cfg.initrd), &info); !s) return make_error(s.error());
    const std::vector<uint8_t> block = firmware::make_multiboot2_info(info, kBootInfo);
    return with_boot_info(cfg, placed, *img, block, "Multiboot2 information", {.eax = firmware::kMultiboot2BootMagic, .ebx = kBootInfo});
  }

  // A PVH kernel: the ELF's segments, -initrd as its one module.
  Result<KernelEntry> load_pvh(const Config& cfg, const std::vector<uint8_t>& elf, uint64_t entry) {
    Result<firmware::Placement> low = low_ram_placement(cfg);
    if (!low) return make_error(low.error());
    firmware::Placement& placed = *low;
    Result<firmware::LoadedImage> img = firmware::load_elf_x86(elf, map_, "kernel", &placed);
    if (!img) return make_error("-kernel: '" + cfg.kernel + "': " + img.error());
    img->entry = entry;
    firmware::BootInfoInput info = boot_info_input(cfg, cfg.append);
    std::vector<firmware::ModuleSpec> modules;
    if (!cfg.initrd.empty()) modules.push_back({cfg.initrd, ""});
    if (Status s = place_modules(cfg, placed, img->high, modules, &info); !s) return make_error(s.error());
    const std::vector<uint8_t> block = firmware::make_hvm_start_info(info, kBootInfo);
    return with_boot_info(cfg, placed, *img, block, "PVH start info", {.ebx = kBootInfo});
  }

  firmware::BootInfoInput boot_info_input(const Config& cfg, const std::string& cmdline) const {
    firmware::BootInfoInput info;
    info.memory_map = e820_map(cfg.ram_bytes);
    info.cmdline = cmdline;
    info.rsdp_addr = acpi_.rsdp_addr;  // Multiboot 2's ACPI tag, PVH's rsdp_paddr
    info.rsdp = acpi_.rsdp;
    return info;
  }

  // An image the header's load addresses place (Multiboot's "a.out kludge").
  Result<firmware::LoadedImage> load_addressed(const std::vector<uint8_t>& data, const firmware::HeaderAddresses& a, uint64_t header_offset,
                                               uint32_t entry, firmware::Placement& placed) {
    Result<firmware::AddressedImage> at = firmware::addressed_image(a, header_offset, data.size());
    if (!at) return make_error(at.error());
    if (Status s = placed.add("kernel", at->load_addr, at->mem_bytes); !s) return make_error(s.error());
    uint8_t* dst = map_.host_ptr(at->load_addr, at->mem_bytes);
    if (!dst) return make_error("kernel " + firmware::describe_range(at->load_addr, at->mem_bytes) + " is not in guest RAM");
    std::memcpy(dst, data.data() + at->file_offset, at->file_bytes);
    std::memset(dst + at->file_bytes, 0, at->mem_bytes - at->file_bytes);
    return firmware::LoadedImage{.entry = entry, .low = at->load_addr, .high = at->load_addr + at->mem_bytes, .symbols = {}};
  }

  // The modules, each page-aligned, one after the other above the kernel's end.
  Status place_modules(const Config& cfg, firmware::Placement& placed, uint64_t kernel_end,
                       const std::vector<firmware::ModuleSpec>& modules, firmware::BootInfoInput* info) {
    uint64_t next = (kernel_end + 0xfff) & ~0xfffull;
    for (size_t i = 0; i < modules.size(); i++) {
      const firmware::ModuleSpec& m = modules[i];
      auto bytes = firmware::read_file(m.path, cfg.ram_bytes, "guest RAM");
      if (!bytes) return make_error("-initrd: " + bytes.error());
      // An empty module still gets its place (a page), as a kernel may count on its entry.
      const uint64_t size = bytes->size();
      if (Status s = placed.add("module " + std::to_string(i) + " '" + m.path + "'", next, std::max<uint64_t>(size, 1)); !s)
        return make_error("-initrd: " + s.error() + " (-m gives too little RAM below 4 GiB for the kernel and its modules)");
      if (size && !map_.write(next, bytes->data(), size)) return make_error("-initrd: '" + m.path + "' cannot be written at " + firmware::hex(next));
      info->modules.push_back({next, size, m.string});
      next = (next + std::max<uint64_t>(size, 1) + 0xfff) & ~0xfffull;
    }
    return {};
  }

  // Places the information block and the boot GDT; the entry is the kernel's with `entry`'s registers.
  Result<KernelEntry> with_boot_info(const Config& cfg, firmware::Placement& placed, const firmware::LoadedImage& img,
                                     const std::vector<uint8_t>& block, const std::string& what, KernelEntry entry) {
    if (img.entry >> 32) return make_error("-kernel: '" + cfg.kernel + "': the entry " + firmware::hex(img.entry) + " lies above 4 GiB");
    for (Status s : {place(placed, what, kBootInfo, block.data(), block.size()), place_boot_gdt(placed)})
      if (!s) return make_error("-kernel: " + s.error());
    entry.eip = img.entry;
    return entry;
  }

  Status place(firmware::Placement& placed, const std::string& name, uint64_t base, const void* bytes, uint64_t size) {
    if (Status s = placed.add(name, base, size); !s) return make_error(s.error());
    if (!map_.write(base, bytes, size)) return make_error(name + ": cannot be written at " + firmware::hex(base));
    return {};
  }

  Status place_boot_gdt(firmware::Placement& placed) {
    return place(placed, "boot GDT", kBootGdt, kBootGdtEntries, sizeof kBootGdtEntries);
  }

  mem::PhysMap& map_;
  const AcpiImage& acpi_;
};

}  // namespace

Result<KernelEntry> load_kernel(const Config& cfg, mem::PhysMap& map, const AcpiImage& acpi) {
  return KernelLoader(map, acpi).load_kernel(cfg);
}

std::vector<firmware::E820Range> e820_map(uint64_t ram_bytes) {
  std::vector<firmware::E820Range> map;
  for (const pc::RamRange& r : ram_ranges(ram_bytes)) {
    if (r.base != 0) {
      map.push_back({r.base, r.size, kE820Ram});
      continue;
    }
    map.push_back({0, std::min(r.size, kEbda), kE820Ram});
    map.push_back({kEbda, 0xa0000 - kEbda, kE820Reserved});
    map.push_back({kBiosArea, kKernelLoad - kBiosArea, kE820Reserved});
    if (r.size > kKernelLoad) map.push_back({kKernelLoad, r.size - kKernelLoad, kE820Ram});
  }
  return map;
}

}  // namespace kiln::machine::pc
