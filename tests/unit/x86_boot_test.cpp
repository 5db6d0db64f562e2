// The loaders behind -M pc's direct boot paths 4 and 5, as firmware/ gives
// them: Multiboot 1 and 2 headers (search window, checksum, required
// features, load addresses), the modules' -initrd spelling, the boot
// information blocks, the PVH note, and a bzImage's compressed payload in
// every format Kiln unpacks (the payloads are compressed here, by the same
// libraries), with the bad ones refused.
#include <catch2/catch.hpp>

#include <lz4.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <random>

#include "firmware/boot_info.h"
#include "firmware/multiboot.h"
#include "firmware/pvh.h"

using namespace kiln::firmware;

namespace {

using Bytes = std::vector<uint8_t>;

void put(Bytes& d, size_t at, uint64_t v, unsigned n) {
  if (d.size() < at + n) d.resize(at + n, 0);
  for (unsigned i = 0; i < n; i++) d[at + i] = uint8_t(v >> (8 * i));
}
uint64_t get(const Bytes& d, size_t at, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; i++) v |= uint64_t(d[at + i]) << (8 * i);
  return v;
}

Bytes mb1_file(size_t at, uint32_t flags, size_t size = 0x4000) {
  Bytes d(size, 0);
  put(d, at, 0x1badb002, 4);
  put(d, at + 4, flags, 4);
  put(d, at + 8, uint32_t(-(0x1badb002 + flags)), 4);
  return d;
}

// A Multiboot2 header at `at` with `tags` (each already 8-aligned), then the end tag.
Bytes mb2_file(size_t at, const Bytes& tags) {
  Bytes d(0x1000, 0);
  const uint32_t length = uint32_t(16 + tags.size() + 8);
  put(d, at, 0xe85250d6, 4);
  put(d, at + 4, 0, 4);
  put(d, at + 8, length, 4);
  put(d, at + 12, uint32_t(-(0xe85250d6 + length)), 4);
  std::copy(tags.begin(), tags.end(), d.begin() + at + 16);
  put(d, at + 16 + tags.size(), 0, 4);
  put(d, at + 16 + tags.size() + 4, 8, 4);
  return d;
}
Bytes tag(uint16_t type, uint16_t flags, std::vector<uint32_t> fields) {
  Bytes t;
  put(t, 0, type, 2);
  put(t, 2, flags, 2);
  put(t, 4, 8 + 4 * fields.size(), 4);
  for (size_t i = 0; i < fields.size(); i++) put(t, 8 + 4 * i, fields[i], 4);
  t.resize((t.size() + 7) & ~size_t(7), 0);
  return t;
}

// The vmlinux stand-in: recognisable bytes that compress well.
Bytes payload_plain() {
  Bytes v(300000);
  for (size_t i = 0; i < v.size(); i++) v[i] = uint8_t((i * 7) ^ (i >> 9));
  return v;
}
void append_size(Bytes& c, uint32_t n) {
  for (unsigned i = 0; i < 4; i++) c.push_back(uint8_t(n >> (8 * i)));
}
Bytes gzip(const Bytes& in) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  Bytes out(deflateBound(&z, in.size()) + 64);
  z.next_in = const_cast<uint8_t*>(in.data());
  z.avail_in = uInt(in.size());
  z.next_out = out.data();
  z.avail_out = uInt(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;  // gzip's own trailer ends with the size
}
Bytes xz(const Bytes& in, bool alone) {
  lzma_stream s = LZMA_STREAM_INIT;
  lzma_options_lzma opt;
  lzma_lzma_preset(&opt, 6);
  REQUIRE((alone ? lzma_alone_encoder(&s, &opt) : lzma_easy_encoder(&s, 6, LZMA_CHECK_CRC32)) == LZMA_OK);
  Bytes out(in.size() + 4096);
  s.next_in = in.data();
  s.avail_in = in.size();
  s.next_out = out.data();
  s.avail_out = out.size();
  REQUIRE(lzma_code(&s, LZMA_FINISH) == LZMA_STREAM_END);
  out.resize(s.total_out);
  lzma_end(&s);
  append_size(out, uint32_t(in.size()));
  return out;
}
Bytes lz4_legacy(const Bytes& in) {
  Bytes out;
  append_size(out, 0x184C2102);
  constexpr size_t kBlock = 8 << 20;
  for (size_t at = 0; at < in.size(); at += kBlock) {
    const int n = int(std::min(kBlock, in.size() - at));
    Bytes block(size_t(LZ4_compressBound(n)));
    const int c = LZ4_compress_default(reinterpret_cast<const char*>(in.data() + at), reinterpret_cast<char*>(block.data()), n, int(block.size()));
    REQUIRE(c > 0);
    append_size(out, uint32_t(c));
    out.insert(out.end(), block.begin(), block.begin() + c);
  }
  append_size(out, uint32_t(in.size()));
  return out;
}
Bytes zstd(const Bytes& in) {
  Bytes out(ZSTD_compressBound(in.size()));
  const size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 19);
  REQUIRE(!ZSTD_isError(n));
  out.resize(n);
  append_size(out, uint32_t(in.size()));
  return out;
}

// A bzImage (protocol 2.15, one setup sector) whose protected-mode part is `payload` at offset 16.
std::pair<Bytes, BzImage> bzimage_with(const Bytes& payload) {
  Bytes d(1024 + 16, 0);
  d.insert(d.end(), payload.begin(), payload.end());
  BzImage img;
  img.version = 0x020f;
  img.kernel_offset = 1024;
  img.kernel_bytes = d.size() - 1024;
  img.payload_offset = 16;
  img.payload_length = uint32_t(payload.size());
  return {d, img};
}

}  // namespace

TEST_CASE("Multiboot 1 headers are found in the first 8 KiB, with a good checksum", "[multiboot]") {
  auto h = find_multiboot1(mb1_file(0x100, 0x3));
  REQUIRE(h);
  CHECK(h->offset == 0x100);
  CHECK(!h->addresses);
  CHECK(!find_multiboot1(mb1_file(0x2000, 0x3)));  // past the window
  Bytes bad = mb1_file(0x100, 0x3);
  bad[0x108] ^= 1;
  CHECK(!find_multiboot1(bad));
  CHECK(!find_multiboot1(mb1_file(0x102, 0x3)));  // not 4-byte aligned
  CHECK(check_multiboot1(*h));
  auto unknown = find_multiboot1(mb1_file(0, 0x13));
  REQUIRE(unknown);
  CHECK(check_multiboot1(*unknown).error().find("flags 0x10") != std::string::npos);
}

TEST_CASE("Multiboot 1 load addresses place the file's bytes", "[multiboot]") {
  Bytes d = mb1_file(0x20, 0x10003, 0x1000);
  put(d, 0x2c, 0x100020, 4);  // header_addr
  put(d, 0x30, 0x100000, 4);  // load_addr
  put(d, 0x34, 0x100800, 4);  // load_end_addr
  put(d, 0x38, 0x102000, 4);  // bss_end_addr
  put(d, 0x3c, 0x100040, 4);  // entry_addr
  auto h = find_multiboot1(d);
  REQUIRE(h);
  REQUIRE(h->addresses);
  CHECK(h->entry_addr == 0x100040);
  auto img = addressed_image(*h->addresses, h->offset, d.size());
  REQUIRE(img);
  CHECK(img->file_offset == 0);
  CHECK(img->load_addr == 0x100000);
  CHECK(img->file_bytes == 0x800);
  CHECK(img->mem_bytes == 0x2000);
  HeaderAddresses a = *h->addresses;
  a.load_end_addr = 0;  // to the end of the file
  a.bss_end_addr = 0;
  img = addressed_image(a, h->offset, d.size());
  REQUIRE(img);
  CHECK(img->file_bytes == 0x1000);
  CHECK(img->mem_bytes == 0x1000);
  a.load_addr = 0xff000;  // before the file's start
  CHECK(!addressed_image(a, h->offset, d.size()));
  a = *h->addresses;
  a.load_end_addr = 0x200000;  // past the file's end
  CHECK(!addressed_image(a, h->offset, d.size()));
  a = *h->addresses;
  a.bss_end_addr = 0x100400;  // below the loaded end
  CHECK(!addressed_image(a, h->offset, d.size()));
}

TEST_CASE("Multiboot 2 headers: tags read, required unsupported ones refused", "[multiboot]") {
  Bytes tags = tag(1, 0, {1, 6});
  Bytes entry = tag(3, 0, {0x100040});
  tags.insert(tags.end(), entry.begin(), entry.end());
  Bytes efi = tag(7, 1, {});  // optional: ignored
  tags.insert(tags.end(), efi.begin(), efi.end());
  Bytes d = mb2_file(0x18, tags);
  auto found = find_multiboot2(d);
  REQUIRE(found);
  auto h = parse_multiboot2(d, *found);
  REQUIRE(h);
  CHECK(h->required_info == std::vector<uint32_t>{1, 6});
  REQUIRE(h->entry_addr);
  CHECK(*h->entry_addr == 0x100040);
  CHECK(!h->addresses);
  CHECK(!find_multiboot2(mb2_file(0x1c, tags)));  // not 8-byte aligned

  Bytes fb = mb2_file(0, tag(5, 0, {1024, 768, 32}));
  auto r = parse_multiboot2(fb, *find_multiboot2(fb));
  REQUIRE(!r);
  CHECK(r.error().find("framebuffer") != std::string::npos);
  Bytes unknown = mb2_file(0, tag(42, 0, {}));
  CHECK(!parse_multiboot2(unknown, *find_multiboot2(unknown)));
  Bytes bad_size = mb2_file(0, tag(2, 0, {0x100000}));  // an address tag too short
  CHECK(!parse_multiboot2(bad_size, *find_multiboot2(bad_size)));
}

TEST_CASE("-initrd's module list: commas split, doubled commas are commas", "[multiboot]") {
  auto m = split_modules("a.bin x=1 y,b.bin,c,,d.bin");
  REQUIRE(m.size() == 3);
  CHECK(m[0].path == "a.bin");
  CHECK(m[0].string == "a.bin x=1 y");
  CHECK(m[1].path == "b.bin");
  CHECK(m[2].path == "c,d.bin");
}

TEST_CASE("Boot information blocks point inside themselves", "[multiboot][pvh]") {
  BootInfoInput in;
  in.memory_map = {{0, 0x9fc00, 1}, {0x9fc00, 0x400, 2}, {0x100000, 0x1f00000, 1}};
  in.cmdline = "k a=1";
  in.modules = {{0x200000, 5000, "m x"}};
  const uint64_t base = 0x20000;
  Bytes mb1 = make_multiboot1_info(in, base);
  CHECK(get(mb1, 4, 4) == 639);
  CHECK(get(mb1, 8, 4) == 0x1f00000 / 1024);
  CHECK(get(mb1, 44, 4) == 3 * 24);
  const uint64_t mods = get(mb1, 24, 4) - base;
  CHECK(get(mb1, mods, 4) == 0x200000);
  CHECK(get(mb1, mods + 4, 4) == 0x200000 + 5000);
  CHECK(std::string(reinterpret_cast<const char*>(&mb1[get(mb1, mods + 8, 4) - base])) == "m x");
  CHECK(std::string(reinterpret_cast<const char*>(&mb1[get(mb1, 16, 4) - base])) == "k a=1");
  CHECK(std::string(reinterpret_cast<const char*>(&mb1[get(mb1, 64, 4) - base])) == "Kiln");

  Bytes mb2 = make_multiboot2_info(in, base);
  CHECK(get(mb2, 0, 4) == mb2.size());
  CHECK(get(mb2, mb2.size() - 8, 4) == 0);  // the end tag last
  CHECK(multiboot2_provides(in, mb2tag::kMmap));
  CHECK(!multiboot2_provides(in, mb2tag::kAcpiNew));  // no ACPI tables
  in.rsdp.assign(36, 0);
  in.rsdp[15] = 2;
  CHECK(multiboot2_provides(in, mb2tag::kAcpiNew));

  Bytes pvh = make_hvm_start_info(in, base);
  CHECK(get(pvh, 0, 4) == kHvmStartMagic);
  CHECK(get(pvh, 4, 4) == 1);
  CHECK(get(pvh, 48, 4) == 3);
  const uint64_t map = get(pvh, 40, 8) - base;
  CHECK(get(pvh, map + 24 + 8, 8) == 0x400);  // the EBDA entry's size
  const uint64_t list = get(pvh, 16, 8) - base;
  CHECK(get(pvh, list + 8, 8) == 5000);
}

TEST_CASE("PVH: the Xen PHYS32_ENTRY note of an ELF32", "[pvh]") {
  Bytes d(0x200, 0);
  const uint8_t ident[] = {0x7f, 'E', 'L', 'F', 1, 1, 1};
  std::memcpy(d.data(), ident, sizeof ident);
  put(d, 16, 2, 2);
  put(d, 18, 3, 2);
  put(d, 28, 52, 4);     // phoff
  put(d, 42, 32, 2);     // phentsize
  put(d, 44, 1, 2);      // phnum
  put(d, 52, 4, 4);      // PT_NOTE
  put(d, 56, 0x100, 4);  // offset
  put(d, 68, 20, 4);     // filesz
  put(d, 0x100, 4, 4);   // namesz
  put(d, 0x104, 4, 4);   // descsz
  put(d, 0x108, 18, 4);  // type
  std::memcpy(&d[0x10c], "Xen", 4);
  put(d, 0x110, 0x1000850, 4);
  auto e = pvh_entry(d, "k");
  REQUIRE(e);
  REQUIRE(*e);
  CHECK(**e == 0x1000850);
  put(d, 0x108, 17, 4);
  e = pvh_entry(d, "k");
  REQUIRE(e);
  CHECK(!*e);
  put(d, 0x104, 400, 4);  // the note runs past its segment
  CHECK(!pvh_entry(d, "k"));
}

TEST_CASE("A bzImage's payload unpacks from gzip, xz, lzma, lz4 and zstd", "[pvh]") {
  const Bytes plain = payload_plain();
  for (const Bytes& packed : {gzip(plain), xz(plain, false), xz(plain, true), lz4_legacy(plain), zstd(plain)}) {
    auto [file, img] = bzimage_with(packed);
    auto out = unpack_bzimage_payload(file, img, 1 << 20);
    REQUIRE(out);
    CHECK(*out == plain);
    CHECK(!unpack_bzimage_payload(file, img, 1000));  // larger than RAM
    Bytes corrupt = packed;
    for (size_t i = 8; i < corrupt.size() - 8; i += 97) corrupt[i] ^= 0x5a;
    auto [bad_file, bad_img] = bzimage_with(corrupt);
    CHECK(!unpack_bzimage_payload(bad_file, bad_img, 1 << 20));
    img.payload_length += 1;  // past the file's end
    CHECK(!unpack_bzimage_payload(file, img, 1 << 20));
  }
  Bytes bz2 = {'B', 'Z', 'h', '9', 1, 2, 3, 4, 0, 0, 1, 0};
  auto [file, img] = bzimage_with(bz2);
  auto r = unpack_bzimage_payload(file, img, 1 << 20);
  REQUIRE(!r);
  CHECK(r.error().find("bzip2 or lzo") != std::string::npos);
}

TEST_CASE("Multiboot 2 headers, PVH notes and payloads survive random corruption", "[multiboot][pvh][fuzz]") {
  std::mt19937 rng(14);
  Bytes tags = tag(1, 0, {1, 2, 3});
  Bytes address = tag(2, 0, {0x100000, 0x100000, 0, 0});
  tags.insert(tags.end(), address.begin(), address.end());
  const Bytes mb2 = mb2_file(0, tags);
  Bytes packed = gzip(payload_plain());
  packed.resize(4000);  // truncated too
  const Bytes payloads[] = {packed, lz4_legacy(payload_plain()), zstd(payload_plain())};
  for (int round = 0; round < 3000; round++) {
    Bytes d = mb2;
    for (int i = 0; i < 4; i++) d[rng() % 64] = uint8_t(rng());
    if (auto found = find_multiboot2(d)) {
      auto h = parse_multiboot2(d, *found);
      if (h && h->addresses) (void)addressed_image(*h->addresses, h->offset, d.size());
    }
    Bytes p = payloads[round % 3];
    for (int i = 0; i < 3; i++) p[rng() % p.size()] = uint8_t(rng());
    auto [file, img] = bzimage_with(p);
    (void)unpack_bzimage_payload(file, img, 1 << 20);
  }
}
