// firmware::load_elf must turn every malformed image into an error, never a
// crash or a write outside guest RAM; a good image loads with its bss zeroed,
// its entry point and its tohost/fromhost symbols. The images are built in
// memory; the fuzz loop runs under ASan+UBSan in CI.
#include <catch2/catch.hpp>

#include <elf.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "firmware/elf.h"
#include "mem/physmap.h"
#include "loader_test_util.h"

using namespace kiln;

namespace {

constexpr uint16_t kEmRiscv = 243;
constexpr uint64_t kRam = 0x80000000;
constexpr uint64_t kRamSize = 1 << 20;

// File layout of the good image.
constexpr uint64_t kTextOff = 0x100, kTextSize = 16;
constexpr uint64_t kDataOff = 0x110, kDataFile = 8, kDataMem = 0x100;
constexpr uint64_t kStrOff = 0x120;
constexpr uint64_t kSymOff = 0x140;
constexpr uint64_t kShOff = 0x200;
constexpr uint64_t kTextAddr = kRam, kDataAddr = kRam + 0x1000;
constexpr uint64_t kTohost = kRam + 0x2000, kFromhost = kRam + 0x2040;
constexpr char kStrtab[] = "\0tohost\0fromhost\0";  // offsets 1 and 8

template <typename T>
void put(std::vector<uint8_t>& d, uint64_t off, const T& v) {
  if (d.size() < off + sizeof v) d.resize(off + sizeof v);
  std::memcpy(d.data() + off, &v, sizeof v);
}
template <typename T>
T get(const std::vector<uint8_t>& d, uint64_t off) {
  T v;
  std::memcpy(&v, d.data() + off, sizeof v);
  return v;
}

// A minimal RISC-V ELF64: text + data-with-bss segments, and a .symtab.
std::vector<uint8_t> good_elf() {
  std::vector<uint8_t> d(kShOff + 3 * sizeof(Elf64_Shdr), 0);
  Elf64_Ehdr eh = test::riscv_exec_header(kTextAddr + 4, 2);
  eh.e_shoff = kShOff;
  eh.e_shentsize = sizeof(Elf64_Shdr);
  eh.e_shnum = 3;
  eh.e_shstrndx = 0;
  put(d, 0, eh);

  Elf64_Phdr text{PT_LOAD, PF_R | PF_X, kTextOff, kTextAddr, kTextAddr, kTextSize, kTextSize, 4};
  Elf64_Phdr data{PT_LOAD, PF_R | PF_W, kDataOff, kDataAddr, kDataAddr, kDataFile, kDataMem, 8};
  put(d, eh.e_phoff, text);
  put(d, eh.e_phoff + sizeof(Elf64_Phdr), data);
  for (uint64_t i = 0; i < kTextSize; i++) d[kTextOff + i] = uint8_t(0x10 + i);
  for (uint64_t i = 0; i < kDataFile; i++) d[kDataOff + i] = uint8_t(0xd0 + i);

  std::memcpy(d.data() + kStrOff, kStrtab, sizeof kStrtab);
  Elf64_Sym null_sym{}, to{}, from{};
  to.st_name = 1;
  to.st_value = kTohost;
  to.st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT);
  to.st_shndx = 1;
  from.st_name = 8;
  from.st_value = kFromhost;
  from.st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT);
  from.st_shndx = 1;
  put(d, kSymOff, null_sym);
  put(d, kSymOff + sizeof(Elf64_Sym), to);
  put(d, kSymOff + 2 * sizeof(Elf64_Sym), from);

  Elf64_Shdr sh_null{}, sh_sym{}, sh_str{};
  sh_sym.sh_type = SHT_SYMTAB;
  sh_sym.sh_offset = kSymOff;
  sh_sym.sh_size = 3 * sizeof(Elf64_Sym);
  sh_sym.sh_link = 2;
  sh_sym.sh_entsize = sizeof(Elf64_Sym);
  sh_str.sh_type = SHT_STRTAB;
  sh_str.sh_offset = kStrOff;
  sh_str.sh_size = sizeof kStrtab;
  put(d, kShOff, sh_null);
  put(d, kShOff + sizeof(Elf64_Shdr), sh_sym);
  put(d, kShOff + 2 * sizeof(Elf64_Shdr), sh_str);
  return d;
}

Elf64_Ehdr& ehdr(std::vector<uint8_t>& d) { return *reinterpret_cast<Elf64_Ehdr*>(d.data()); }
Elf64_Phdr& phdr(std::vector<uint8_t>& d, unsigned i) {
  return *reinterpret_cast<Elf64_Phdr*>(d.data() + sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr));
}

struct Ram {
  mem::PhysMap map;
  Ram() { REQUIRE(map.add_ram("ram", kRam, kRamSize)); }
};

// The image must be refused with an error naming the image.
void require_error(const std::vector<uint8_t>& d, const std::string& why) {
  Ram ram;
  Result<firmware::LoadedImage> r = firmware::load_elf(d, kEmRiscv, ram.map, "img.elf");
  INFO("expected an error about: " << why);
  REQUIRE_FALSE(r.ok());
  INFO("got: " << r.error());
  CHECK(r.error().find("img.elf") != std::string::npos);
}

}  // namespace

TEST_CASE("a good ELF loads", "[elf]") {
  Ram ram;
  std::vector<uint8_t> junk(0x2000, 0xaa);  // so the bss zeroing is visible
  REQUIRE(ram.map.write(kRam, junk.data(), junk.size()));
  std::vector<uint8_t> d = good_elf();
  REQUIRE(firmware::is_elf(d));
  Result<firmware::LoadedImage> r = firmware::load_elf(d, kEmRiscv, ram.map, "img.elf");
  INFO((r.ok() ? std::string() : r.error()));
  REQUIRE(r.ok());
  CHECK(r->entry == kTextAddr + 4);
  CHECK(r->low == kTextAddr);
  CHECK(r->high == kDataAddr + kDataMem);

  uint8_t text[kTextSize];
  REQUIRE(ram.map.read(kTextAddr, text, kTextSize));
  for (uint64_t i = 0; i < kTextSize; i++) CHECK(text[i] == 0x10 + i);
  CHECK(ram.map.read(kTextAddr + kTextSize, text, 1));
  CHECK(text[0] == 0xaa);  // nothing written past the segment

  std::vector<uint8_t> data(kDataMem + 1);
  REQUIRE(ram.map.read(kDataAddr, data.data(), data.size()));
  for (uint64_t i = 0; i < kDataFile; i++) CHECK(data[i] == 0xd0 + i);
  bool bss_zero = true;
  for (uint64_t i = kDataFile; i < kDataMem; i++) bss_zero &= data[i] == 0;
  CHECK(bss_zero);
  CHECK(data[kDataMem] == 0xaa);  // stops at memsz

  REQUIRE(r->symbols.count("tohost"));
  REQUIRE(r->symbols.count("fromhost"));
  CHECK(r->symbols.at("tohost") == kTohost);
  CHECK(r->symbols.at("fromhost") == kFromhost);
}

TEST_CASE("a good ELF without section headers loads without symbols", "[elf]") {
  std::vector<uint8_t> d = good_elf();
  ehdr(d).e_shoff = 0;
  ehdr(d).e_shnum = 0;
  Ram ram;
  auto r = firmware::load_elf(d, kEmRiscv, ram.map, "img.elf");
  REQUIRE(r.ok());
  CHECK(r->symbols.empty());
}

TEST_CASE("malformed ELF images are errors", "[elf]") {
  std::vector<uint8_t> d = good_elf();
  SECTION("empty file") { require_error({}, "empty"); }
  SECTION("not ELF") {
    std::vector<uint8_t> text = {'h', 'e', 'l', 'l', 'o', ',', ' ', 'w', 'o', 'r', 'l', 'd'};
    CHECK_FALSE(firmware::is_elf(text));
    require_error(text, "not ELF");
  }
  SECTION("only the magic") {
    d.resize(4);
    require_error(d, "truncated header");
  }
  SECTION("header cut short") {
    d.resize(40);
    require_error(d, "truncated header");
  }
  SECTION("32-bit class") {
    ehdr(d).e_ident[EI_CLASS] = ELFCLASS32;
    require_error(d, "ELFCLASS32");
  }
  SECTION("big-endian") {
    ehdr(d).e_ident[EI_DATA] = ELFDATA2MSB;
    require_error(d, "big-endian");
  }
  SECTION("wrong machine") {
    ehdr(d).e_machine = EM_X86_64;
    require_error(d, "x86-64 image for a RISC-V machine");
  }
  SECTION("program headers past the end of the file") {
    ehdr(d).e_phoff = d.size() - 10;
    require_error(d, "phoff");
  }
  SECTION("program header count past the end of the file") {
    ehdr(d).e_phnum = 0xffff;
    require_error(d, "phnum");
  }
  SECTION("program header offset that wraps") {
    ehdr(d).e_phoff = ~0ull - 8;
    require_error(d, "phoff wraps");
  }
  SECTION("wrong program header size") {
    ehdr(d).e_phentsize = 32;
    require_error(d, "phentsize");
  }
  SECTION("segment data past the end of the file (truncated)") {
    d.resize(kTextOff + 4);
    require_error(d, "truncated segment");
  }
  SECTION("segment offset far past the end") {
    phdr(d, 0).p_offset = 1ull << 40;
    require_error(d, "p_offset");
  }
  SECTION("segment offset + size wraps") {
    phdr(d, 0).p_offset = ~0ull - 2;
    require_error(d, "p_offset wraps");
  }
  SECTION("filesz > memsz") {
    phdr(d, 1).p_filesz = kDataMem + 1;
    require_error(d, "filesz > memsz");
  }
  SECTION("filesz > memsz with memsz 0") {
    // Still malformed (ELF: p_filesz may not exceed p_memsz); must not be skipped silently.
    phdr(d, 0).p_memsz = 0;
    require_error(d, "filesz > memsz, memsz 0");
  }
  SECTION("segment outside RAM") {
    phdr(d, 0).p_paddr = 0x1000;
    require_error(d, "outside RAM");
  }
  SECTION("segment running off the end of RAM") {
    phdr(d, 1).p_paddr = kRam + kRamSize - 0x10;  // memsz 0x100
    require_error(d, "past RAM end");
  }
  SECTION("segment wrapping around 2^64") {
    phdr(d, 1).p_paddr = ~0ull - 0x10;
    require_error(d, "wraps");
  }
  SECTION("segment ending exactly at 2^64") {
    phdr(d, 1).p_paddr = ~0ull - (kDataMem - 1);
    require_error(d, "ends at 2^64");
  }
  SECTION("huge memsz") {
    phdr(d, 1).p_memsz = ~0ull;
    require_error(d, "huge memsz");
  }
  SECTION("no PT_LOAD") {
    phdr(d, 0).p_type = PT_NOTE;
    phdr(d, 1).p_type = PT_NULL;
    require_error(d, "no PT_LOAD");
  }
  SECTION("no program headers") {
    ehdr(d).e_phnum = 0;
    require_error(d, "phnum 0");
  }
}

TEST_CASE("a bad symbol table is ignored, not fatal", "[elf]") {
  std::vector<uint8_t> d = good_elf();
  auto sh = [&](unsigned i) -> Elf64_Shdr& {
    return *reinterpret_cast<Elf64_Shdr*>(d.data() + kShOff + i * sizeof(Elf64_Shdr));
  };
  SECTION("strtab link out of range") { sh(1).sh_link = 99; }
  SECTION("symtab past the end of the file") { sh(1).sh_offset = 1ull << 40; }
  SECTION("strtab size past the end of the file") { sh(2).sh_size = ~0ull; }
  SECTION("symbol name offset past the strtab") {
    put(d, kSymOff + 2 * sizeof(Elf64_Sym), uint32_t(0x7fff'ffff));  // fromhost's st_name
  }
  SECTION("string table without a terminating NUL") {
    sh(2).sh_size = 5;  // "\0toho": name 1 is cut short, name 8 is outside
  }
  SECTION("section headers past the end of the file") { ehdr(d).e_shnum = 0xffff; }
  Ram ram;
  auto r = firmware::load_elf(d, kEmRiscv, ram.map, "img.elf");
  REQUIRE(r.ok());
  CHECK(r->entry == kTextAddr + 4);
  CHECK_FALSE(r->symbols.count("fromhost"));  // every variant above loses it
}

TEST_CASE("load_elf survives random corruption", "[elf][fuzz]") {
  // Flip bytes (mostly in the headers, where the parsing is) or truncate, 2000
  // times with a fixed seed. Any result is fine; a crash or sanitizer report is not.
  const std::vector<uint8_t> good = good_elf();
  std::mt19937 rng(0x6b696c6e);  // "kiln"
  Ram ram;
  unsigned ok = 0, errors = 0;
  for (int iter = 0; iter < 2000; iter++) {
    std::vector<uint8_t> d = good;
    unsigned mode = rng() % 4;
    if (mode == 0) {
      d.resize(rng() % (d.size() + 1));
    } else {
      unsigned flips = 1 + rng() % 8;
      for (unsigned k = 0; k < flips; k++) {
        size_t at = mode == 1 ? rng() % d.size() : rng() % (sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr));
        if (mode == 3 && rng() % 2) at = kShOff + rng() % (3 * sizeof(Elf64_Shdr));
        d[at] = rng() % 3 == 0 ? uint8_t(rng()) : uint8_t(d[at] ^ (1u << (rng() % 8)));
      }
    }
    Result<firmware::LoadedImage> r = firmware::load_elf(d, kEmRiscv, ram.map, "fuzz.elf");
    if (r.ok()) {
      ok++;
      CHECK(r->low >= kRam);
      CHECK(r->high <= kRam + kRamSize);
    } else {
      errors++;
      CHECK_FALSE(r.error().empty());
    }
  }
  CHECK(ok > 0);
  CHECK(errors > 0);
}

TEST_CASE("read_file on a missing path names the path", "[elf][file]") {
  const std::string path = "/nonexistent/kiln-unit-test/no-such-file.elf";
  Result<std::vector<uint8_t>> r = firmware::read_file(path);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find(path) != std::string::npos);
}

using test::TempFile;

TEST_CASE("read_file refuses what is not a regular file before reading it", "[elf][file]") {
  // /dev/zero never ends: reading it whole was std::bad_alloc.
  auto zero = firmware::read_file("/dev/zero", 1 << 20, "guest RAM");
  REQUIRE_FALSE(zero.ok());
  CHECK_THAT(zero.error(), Catch::Contains("'/dev/zero' is not a regular file"));
  auto dir = firmware::read_file("/tmp", 1 << 20, "guest RAM");
  REQUIRE_FALSE(dir.ok());
  CHECK_THAT(dir.error(), Catch::Contains("'/tmp' is a directory"));
  CHECK_FALSE(firmware::read_program("/dev/zero", 1 << 20, "guest RAM").ok());

  // A FIFO with no writer: refused at once, not waited on.
  std::string fifo = "/tmp/kiln-elf-test-fifo-" + std::to_string(getpid());
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  auto f = firmware::read_file(fifo, 1 << 20, "guest RAM");
  std::remove(fifo.c_str());
  REQUIRE_FALSE(f.ok());
  CHECK_THAT(f.error(), Catch::Contains("not a regular file"));
}

TEST_CASE("read_file refuses a file larger than the space it must fit in", "[elf][file]") {
  TempFile file(std::vector<uint8_t>(3 << 10, 0x55));
  auto big = firmware::read_file(file.path, 2 << 10, "guest RAM");
  REQUIRE_FALSE(big.ok());
  CHECK_THAT(big.error(), Catch::Contains("'" + file.path + "' is 3 KiB, larger than guest RAM (2 KiB)"));
  auto fits = firmware::read_file(file.path, 3 << 10, "guest RAM");
  REQUIRE(fits.ok());
  CHECK(fits->size() == 3 << 10);
  CHECK(firmware::read_file(file.path).ok());  // the default bound is large
}

TEST_CASE("read_program bounds a raw image by RAM but an ELF by its own limit", "[elf][file]") {
  TempFile raw(std::vector<uint8_t>(8 << 10, 0x13));
  CHECK_FALSE(firmware::read_program(raw.path, 4 << 10, "guest RAM").ok());
  std::vector<uint8_t> elf = good_elf();
  elf.resize(8 << 10);  // debug info, say: more than it loads and more than the limit below
  TempFile elf_file(elf);
  auto r = firmware::read_program(elf_file.path, 4 << 10, "guest RAM");
  REQUIRE(r.ok());
  CHECK(r->size() == 8 << 10);
}

TEST_CASE("load_elf records each segment in the placement table before writing it", "[elf][placement]") {
  Ram ram;
  firmware::Placement placed;
  placed.add_memory("guest RAM", kRam, kRamSize);
  REQUIRE(placed.add("firmware 'fw.bin'", kRam, 0x1000));
  uint8_t before[kTextSize];
  REQUIRE(ram.map.read(kTextAddr, before, kTextSize));
  // The good image's text segment sits at kRam: it must not replace the firmware.
  auto r = firmware::load_elf(good_elf(), kEmRiscv, ram.map, "kernel 'k.elf'", &placed);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error(), Catch::Contains("kernel 'k.elf' segment 0 [0x80000000-0x8000000f] overlaps firmware 'fw.bin'"));
  uint8_t after[kTextSize];
  REQUIRE(ram.map.read(kTextAddr, after, kTextSize));
  CHECK(std::memcmp(before, after, kTextSize) == 0);

  firmware::Placement empty;
  empty.add_memory("guest RAM", kRam, kRamSize);
  REQUIRE(firmware::load_elf(good_elf(), kEmRiscv, ram.map, "kernel 'k.elf'", &empty).ok());
  CHECK(empty.placed().size() == 2);
  CHECK_FALSE(firmware::load_raw({1, 2, 3}, kRam + 0x1008, ram.map, "initrd", &empty).ok());  // in the data segment
}

TEST_CASE("load_raw places a binary and refuses one that does not fit", "[elf][raw]") {
  Ram ram;
  std::vector<uint8_t> bin = {1, 2, 3, 4};
  auto r = firmware::load_raw(bin, kRam + 8, ram.map, "raw.bin");
  REQUIRE(r.ok());
  CHECK(r->entry == kRam + 8);
  uint8_t back[4];
  REQUIRE(ram.map.read(kRam + 8, back, 4));
  CHECK(std::memcmp(back, bin.data(), 4) == 0);

  CHECK_FALSE(firmware::load_raw(bin, kRam + kRamSize - 2, ram.map, "raw.bin").ok());
  CHECK_FALSE(firmware::load_raw({}, kRam, ram.map, "raw.bin").ok());
}
