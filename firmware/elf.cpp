#include "firmware/elf.h"

#include <cstdio>
#include <cstring>

namespace kiln::firmware {

namespace {

struct Ehdr {
  uint8_t ident[16];
  uint16_t type, machine;
  uint32_t version;
  uint64_t entry, phoff, shoff;
  uint32_t flags;
  uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct Phdr {
  uint32_t type, flags;
  uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
struct Shdr {
  uint32_t name, type;
  uint64_t flags, addr, offset, size;
  uint32_t link, info;
  uint64_t addralign, entsize;
};
struct Sym {
  uint32_t name;
  uint8_t info, other;
  uint16_t shndx;
  uint64_t value, size;
};
static_assert(sizeof(Ehdr) == 64 && sizeof(Phdr) == 56 && sizeof(Shdr) == 64 && sizeof(Sym) == 24);

constexpr uint32_t kPtLoad = 1, kShtSymtab = 2;

bool in_file(const std::vector<uint8_t>& d, uint64_t off, uint64_t len) {
  return off <= d.size() && len <= d.size() - off;
}
template <typename T>
T read_at(const std::vector<uint8_t>& d, uint64_t off) {
  T v;
  std::memcpy(&v, d.data() + off, sizeof v);
  return v;
}
std::string hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", (unsigned long long)v);
  return b;
}

void read_symbols(const std::vector<uint8_t>& d, const Ehdr& eh, LoadedImage* img) {
  if (eh.shentsize != sizeof(Shdr) || !in_file(d, eh.shoff, uint64_t(eh.shnum) * sizeof(Shdr))) return;
  for (unsigned i = 0; i < eh.shnum; i++) {
    Shdr sh = read_at<Shdr>(d, eh.shoff + i * sizeof(Shdr));
    if (sh.type != kShtSymtab || sh.link >= eh.shnum) continue;
    Shdr str = read_at<Shdr>(d, eh.shoff + uint64_t(sh.link) * sizeof(Shdr));
    if (!in_file(d, sh.offset, sh.size) || !in_file(d, str.offset, str.size)) continue;
    for (uint64_t off = 0; off + sizeof(Sym) <= sh.size; off += sizeof(Sym)) {
      Sym s = read_at<Sym>(d, sh.offset + off);
      if (s.name == 0 || s.name >= str.size) continue;
      const char* name = reinterpret_cast<const char*>(d.data() + str.offset + s.name);
      size_t maxlen = str.size - s.name;
      img->symbols.emplace(std::string(name, strnlen(name, maxlen)), s.value);
    }
  }
}

}  // namespace

Result<std::vector<uint8_t>> read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return make_error("cannot open '" + path + "': " + std::strerror(errno));
  std::vector<uint8_t> data;
  uint8_t buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.insert(data.end(), buf, buf + n);
  bool err = std::ferror(f);
  std::fclose(f);
  if (err) return make_error("cannot read '" + path + "'");
  return data;
}

bool is_elf(const std::vector<uint8_t>& d) { return d.size() >= 4 && std::memcmp(d.data(), "\x7f" "ELF", 4) == 0; }

Result<LoadedImage> load_elf(const std::vector<uint8_t>& d, uint16_t machine, mem::PhysMap& map,
                             const std::string& name) {
  auto bad = [&](const std::string& why) { return make_error(name + ": " + why); };
  if (!is_elf(d)) return bad("not an ELF file");
  if (d.size() < sizeof(Ehdr)) return bad("truncated ELF header");
  Ehdr eh = read_at<Ehdr>(d, 0);
  if (eh.ident[4] != 2) return bad("not a 64-bit ELF");
  if (eh.ident[5] != 1) return bad("not a little-endian ELF");
  if (eh.machine != machine) return bad("ELF is for machine " + std::to_string(eh.machine) + ", expected " + std::to_string(machine));
  if (eh.phentsize != sizeof(Phdr)) return bad("bad program header size");
  if (eh.phnum == 0) return bad("no program headers");
  if (!in_file(d, eh.phoff, uint64_t(eh.phnum) * sizeof(Phdr))) return bad("program headers lie outside the file");
  LoadedImage img;
  img.entry = eh.entry;
  img.low = ~0ull;
  bool any = false;
  for (unsigned i = 0; i < eh.phnum; i++) {
    Phdr ph = read_at<Phdr>(d, eh.phoff + i * sizeof(Phdr));
    if (ph.type != kPtLoad) continue;
    if (ph.filesz > ph.memsz) return bad("segment " + std::to_string(i) + " has file size > memory size");
    if (ph.memsz == 0) continue;
    if (!in_file(d, ph.offset, ph.filesz)) return bad("segment " + std::to_string(i) + " lies outside the file (truncated?)");
    if (ph.paddr + ph.memsz < ph.paddr) return bad("segment " + std::to_string(i) + " wraps around the address space");
    uint8_t* dst = map.host_ptr(ph.paddr, ph.memsz);
    if (!dst)
      return bad("segment " + std::to_string(i) + " at " + hex(ph.paddr) + "-" + hex(ph.paddr + ph.memsz - 1) +
                 " is not in guest RAM");
    std::memcpy(dst, d.data() + ph.offset, ph.filesz);
    std::memset(dst + ph.filesz, 0, ph.memsz - ph.filesz);
    img.low = std::min(img.low, ph.paddr);
    img.high = std::max(img.high, ph.paddr + ph.memsz);
    any = true;
  }
  if (!any) return bad("no loadable segments");
  read_symbols(d, eh, &img);
  return img;
}

Result<LoadedImage> load_raw(const std::vector<uint8_t>& d, uint64_t addr, mem::PhysMap& map,
                             const std::string& name) {
  if (d.empty()) return make_error(name + ": empty image");
  if (!map.write(addr, d.data(), d.size()))
    return make_error(name + ": " + std::to_string(d.size()) + " bytes at " + hex(addr) + " do not fit in guest RAM");
  LoadedImage img;
  img.entry = addr;
  img.low = addr;
  img.high = addr + d.size();
  return img;
}

}  // namespace kiln::firmware
