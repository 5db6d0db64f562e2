#include "firmware/elf.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <algorithm>
#include <cstring>
#include <utility>

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
// "3 MiB", "12 KiB" or "1234 bytes": sizes as a user wrote them.
std::string size_text(uint64_t n) {
  if (n && n % (1 << 20) == 0) return std::to_string(n >> 20) + " MiB";
  if (n && n % (1 << 10) == 0) return std::to_string(n >> 10) + " KiB";
  return std::to_string(n) + " bytes";
}
Error too_large(const std::string& path, uint64_t size, uint64_t max, const std::string& space) {
  return make_error("'" + path + "' is " + size_text(size) + ", larger than " + space + " (" + size_text(max) + ")");
}

// An open regular file and its size, taken once with fstat: what is read
// afterwards never exceeds that size, even if the file grows meanwhile.
struct RegularFile {
  int fd = -1;
  uint64_t size = 0;
  std::string path;

  // O_NONBLOCK: opening a FIFO must not wait for a writer before it is refused.
  static Result<RegularFile> open(const std::string& path) {
    RegularFile f;
    f.path = path;
    f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (f.fd < 0) return make_error("cannot open '" + path + "': " + std::strerror(errno));
    struct stat st;
    if (fstat(f.fd, &st) != 0) return make_error("cannot stat '" + path + "': " + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) return make_error("'" + path + "' is a directory, not a file");
    if (!S_ISREG(st.st_mode)) return make_error("'" + path + "' is not a regular file (a device, pipe or socket)");
    f.size = uint64_t(st.st_size);
    return f;
  }
  Result<std::vector<uint8_t>> read_all() const {
    std::vector<uint8_t> data(size);
    uint64_t got = 0;
    while (got < size) {
      ssize_t n = pread(fd, data.data() + got, size - got, off_t(got));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return make_error("cannot read '" + path + "': " + std::strerror(errno));
      if (n == 0) break;  // shrank since fstat: what is there is the file
      got += uint64_t(n);
    }
    data.resize(got);
    return data;
  }
  RegularFile() = default;
  RegularFile(RegularFile&& o) noexcept : fd(std::exchange(o.fd, -1)), size(o.size), path(std::move(o.path)) {}
  RegularFile& operator=(RegularFile&&) = delete;
  ~RegularFile() {
    if (fd >= 0) close(fd);
  }
};

// Symbols kept at most: a kernel has a few hundred thousand; a hostile table
// of a file's size must not cost many times that in host memory.
constexpr size_t kMaxSymbols = 1 << 20;

// The first SHT_SYMTAB only (ELF allows one): a file whose section headers all
// name one huge table must not be walked thousands of times.
void read_symbols(const std::vector<uint8_t>& d, const Ehdr& eh, LoadedImage* img) {
  if (eh.shentsize != sizeof(Shdr) || !in_file(d, eh.shoff, uint64_t(eh.shnum) * sizeof(Shdr))) return;
  for (unsigned i = 0; i < eh.shnum; i++) {
    Shdr sh = read_at<Shdr>(d, eh.shoff + i * sizeof(Shdr));
    if (sh.type != kShtSymtab || sh.link >= eh.shnum) continue;
    Shdr str = read_at<Shdr>(d, eh.shoff + uint64_t(sh.link) * sizeof(Shdr));
    if (!in_file(d, sh.offset, sh.size) || !in_file(d, str.offset, str.size)) continue;
    for (uint64_t off = 0; off + sizeof(Sym) <= sh.size && img->symbols.size() < kMaxSymbols; off += sizeof(Sym)) {
      Sym s = read_at<Sym>(d, sh.offset + off);
      if (s.name == 0 || s.name >= str.size) continue;
      const char* name = reinterpret_cast<const char*>(d.data() + str.offset + s.name);
      size_t maxlen = str.size - s.name;
      img->symbols.emplace(std::string(name, strnlen(name, maxlen)), s.value);
    }
    return;
  }
}

}  // namespace

Result<std::vector<uint8_t>> read_file(const std::string& path, uint64_t max_bytes, const std::string& space) {
  Result<RegularFile> f = RegularFile::open(path);
  if (!f) return make_error(f.error());
  if (f->size > max_bytes) return too_large(path, f->size, max_bytes, space);
  return f->read_all();
}

Result<std::vector<uint8_t>> read_program(const std::string& path, uint64_t max_raw_bytes, const std::string& space) {
  Result<RegularFile> f = RegularFile::open(path);
  if (!f) return make_error(f.error());
  uint8_t magic[4] = {};
  bool elf = pread(f->fd, magic, sizeof magic, 0) == ssize_t(sizeof magic) && std::memcmp(magic, "\x7f" "ELF", 4) == 0;
  uint64_t max = elf ? kMaxElfFileBytes : max_raw_bytes;
  if (f->size > max) return too_large(path, f->size, max, elf ? "the largest ELF file Kiln reads" : space);
  return f->read_all();
}

bool is_elf(const std::vector<uint8_t>& d) { return d.size() >= 4 && std::memcmp(d.data(), "\x7f" "ELF", 4) == 0; }

namespace {

// The ELF header's fields a loader uses and the program headers, both ELF
// classes widened to the 64-bit form; checked against the file's size.
struct ElfFile {
  uint8_t elf_class = 0;  // 1 ELF32, 2 ELF64
  uint16_t machine = 0;
  uint64_t entry = 0;
  std::vector<Phdr> phdrs;
};

struct Ehdr32 {
  uint8_t ident[16];
  uint16_t type, machine;
  uint32_t version, entry, phoff, shoff, flags;
  uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct Phdr32 {
  uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};
static_assert(sizeof(Ehdr32) == 52 && sizeof(Phdr32) == 32);

Result<ElfFile> read_elf(const std::vector<uint8_t>& d, const std::string& name, bool allow_elf32) {
  auto bad = [&](const std::string& why) { return make_error(name + ": " + why); };
  if (!is_elf(d)) return bad("not an ELF file");
  if (d.size() < 16) return bad("truncated ELF header");
  const uint8_t cls = d[4];
  if (cls != 2 && !(allow_elf32 && cls == 1)) return bad(allow_elf32 ? "not a 32-bit or 64-bit ELF" : "not a 64-bit ELF");
  if (d.size() < (cls == 2 ? sizeof(Ehdr) : sizeof(Ehdr32))) return bad("truncated ELF header");
  if (d[5] != 1) return bad("not a little-endian ELF");
  ElfFile f;
  f.elf_class = cls;
  uint64_t phoff;
  unsigned phnum, phentsize;
  if (cls == 2) {
    Ehdr eh = read_at<Ehdr>(d, 0);
    f.machine = eh.machine, f.entry = eh.entry, phoff = eh.phoff, phnum = eh.phnum, phentsize = eh.phentsize;
  } else {
    Ehdr32 eh = read_at<Ehdr32>(d, 0);
    f.machine = eh.machine, f.entry = eh.entry, phoff = eh.phoff, phnum = eh.phnum, phentsize = eh.phentsize;
  }
  if (phentsize != (cls == 2 ? sizeof(Phdr) : sizeof(Phdr32))) return bad("bad program header size");
  if (phnum == 0) return bad("no program headers");
  if (!in_file(d, phoff, uint64_t(phnum) * phentsize)) return bad("program headers lie outside the file");
  for (unsigned i = 0; i < phnum; i++) {
    if (cls == 2) {
      f.phdrs.push_back(read_at<Phdr>(d, phoff + i * sizeof(Phdr)));
    } else {
      Phdr32 p = read_at<Phdr32>(d, phoff + i * sizeof(Phdr32));
      f.phdrs.push_back(Phdr{p.type, p.flags, p.offset, p.vaddr, p.paddr, p.filesz, p.memsz, p.align});
    }
  }
  return f;
}

// Copies each PT_LOAD segment to its physical address (paddr), zeroing the
// rest of its memory size.
Result<LoadedImage> load_segments(const std::vector<uint8_t>& d, const ElfFile& f, mem::PhysMap& map,
                                  const std::string& name, Placement* placed) {
  auto bad = [&](const std::string& why) { return make_error(name + ": " + why); };
  LoadedImage img;
  img.entry = f.entry;
  img.low = ~0ull;
  bool any = false;
  for (unsigned i = 0; i < f.phdrs.size(); i++) {
    const Phdr& ph = f.phdrs[i];
    if (ph.type != kPtLoad) continue;
    if (ph.filesz > ph.memsz) return bad("segment " + std::to_string(i) + " has file size > memory size");
    if (ph.memsz == 0) continue;
    if (!in_file(d, ph.offset, ph.filesz)) return bad("segment " + std::to_string(i) + " lies outside the file (truncated?)");
    if (ph.memsz - 1 > ~0ull - ph.paddr) return bad("segment " + std::to_string(i) + " wraps around the address space");
    if (placed)
      if (Status s = placed->add(name + " segment " + std::to_string(i), ph.paddr, ph.memsz); !s) return make_error(s.error());
    uint8_t* dst = map.host_ptr(ph.paddr, ph.memsz);
    if (!dst)
      return bad("segment " + std::to_string(i) + " " + describe_range(ph.paddr, ph.memsz) + " is not in guest RAM");
    std::memcpy(dst, d.data() + ph.offset, ph.filesz);
    std::memset(dst + ph.filesz, 0, ph.memsz - ph.filesz);
    img.low = std::min(img.low, ph.paddr);
    img.high = std::max(img.high, ph.paddr + ph.memsz);
    any = true;
  }
  if (!any) return bad("no loadable segments");
  return img;
}

}  // namespace

Result<LoadedImage> load_elf(const std::vector<uint8_t>& d, uint16_t machine, mem::PhysMap& map,
                             const std::string& name, Placement* placed) {
  Result<ElfFile> f = read_elf(d, name, false);
  if (!f) return make_error(f.error());
  if (f->machine != machine)
    return make_error(name + ": ELF is for machine " + std::to_string(f->machine) + ", expected " + std::to_string(machine));
  Result<LoadedImage> img = load_segments(d, *f, map, name, placed);
  if (img) read_symbols(d, read_at<Ehdr>(d, 0), &*img);
  return img;
}

Result<LoadedImage> load_elf_x86(const std::vector<uint8_t>& d, mem::PhysMap& map, const std::string& name,
                                 Placement* placed) {
  Result<ElfFile> f = read_elf(d, name, true);
  if (!f) return make_error(f.error());
  constexpr uint16_t kEm386 = 3, kEmX86_64 = 62;
  if (f->machine != kEm386 && f->machine != kEmX86_64)
    return make_error(name + ": ELF is for machine " + std::to_string(f->machine) + ", not x86 (3 or 62)");
  Result<LoadedImage> img = load_segments(d, *f, map, name, placed);
  if (!img) return img;
  // An entry given as a virtual address inside a segment whose physical
  // address differs runs at the physical one (paging is off at entry).
  for (const Phdr& ph : f->phdrs)
    if (ph.type == kPtLoad && ph.vaddr != ph.paddr && img->entry >= ph.vaddr && img->entry - ph.vaddr < ph.memsz) {
      img->entry = ph.paddr + (img->entry - ph.vaddr);
      break;
    }
  return img;
}

Result<std::vector<ElfNote>> elf_notes(const std::vector<uint8_t>& d, const std::string& name) {
  Result<ElfFile> f = read_elf(d, name, true);
  if (!f) return make_error(f.error());
  std::vector<ElfNote> notes;
  constexpr uint32_t kPtNote = 4;
  for (const Phdr& ph : f->phdrs) {
    if (ph.type != kPtNote) continue;
    if (!in_file(d, ph.offset, ph.filesz)) return make_error(name + ": a note segment lies outside the file");
    // Each note: namesz, descsz, type (u32 each), then the name and the
    // descriptor, each padded to 4 bytes.
    uint64_t off = 0;
    while (ph.filesz - off >= 12) {
      const uint64_t at = ph.offset + off;
      const uint32_t namesz = read_at<uint32_t>(d, at), descsz = read_at<uint32_t>(d, at + 4);
      const uint64_t name_bytes = (uint64_t(namesz) + 3) & ~3ull, desc_bytes = (uint64_t(descsz) + 3) & ~3ull;
      if (name_bytes + desc_bytes > ph.filesz - off - 12) return make_error(name + ": a note runs past its segment");
      ElfNote n;
      n.type = read_at<uint32_t>(d, at + 8);
      const char* nm = reinterpret_cast<const char*>(d.data() + at + 12);
      n.name.assign(nm, strnlen(nm, namesz));
      n.desc.assign(d.begin() + at + 12 + name_bytes, d.begin() + at + 12 + name_bytes + descsz);
      notes.push_back(std::move(n));
      off += 12 + name_bytes + desc_bytes;
    }
  }
  return notes;
}

Result<LoadedImage> load_raw(const std::vector<uint8_t>& d, uint64_t addr, mem::PhysMap& map,
                             const std::string& name, Placement* placed) {
  if (d.empty()) return make_error(name + ": empty image");
  if (placed)
    if (Status s = placed->add(name, addr, d.size()); !s) return make_error(s.error());
  if (!map.write(addr, d.data(), d.size()))
    return make_error(name + ": " + std::to_string(d.size()) + " bytes at " + hex(addr) + " do not fit in guest RAM");
  LoadedImage img;
  img.entry = addr;
  img.low = addr;
  img.high = addr + d.size();
  return img;
}

}  // namespace kiln::firmware
