#include "firmware/pvh.h"

#include <lz4.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "firmware/elf.h"

namespace kiln::firmware {

Result<std::optional<uint64_t>> pvh_entry(const std::vector<uint8_t>& elf, const std::string& name) {
  Result<std::vector<ElfNote>> notes = elf_notes(elf, name);
  if (!notes) return make_error(notes.error());
  constexpr uint32_t kXenElfnotePhys32Entry = 18;
  for (const ElfNote& n : *notes) {
    if (n.name != "Xen" || n.type != kXenElfnotePhys32Entry) continue;
    // A 32-bit address; Linux writes it as a 64-bit word (_ASM_PTR) whose high half is 0.
    if (n.desc.size() != 4 && n.desc.size() != 8) return make_error(name + ": the PVH entry note has " + std::to_string(n.desc.size()) + " bytes, not 4 or 8");
    uint64_t entry = 0;
    std::memcpy(&entry, n.desc.data(), n.desc.size());
    if (entry >> 32) return make_error(name + ": the PVH entry " + std::to_string(entry) + " lies above 4 GiB");
    return std::optional<uint64_t>(entry);
  }
  return std::optional<uint64_t>();
}

namespace {

using Bytes = std::vector<uint8_t>;

Result<Bytes> gunzip(const uint8_t* in, size_t n, Bytes out) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return make_error("zlib cannot start");
  z.next_in = const_cast<uint8_t*>(in);
  z.avail_in = uInt(n);
  z.next_out = out.data();
  z.avail_out = uInt(out.size());
  const int rc = inflate(&z, Z_FINISH);
  const uint64_t got = z.total_out;
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return make_error("gzip: corrupt data or larger than its recorded size");
  out.resize(got);
  return out;
}

// xz (`alone` false) or the legacy .lzma format; both through liblzma.
Result<Bytes> unxz(const uint8_t* in, size_t n, Bytes out, bool alone) {
  lzma_stream s = LZMA_STREAM_INIT;
  const lzma_ret init = alone ? lzma_alone_decoder(&s, UINT64_MAX) : lzma_stream_decoder(&s, UINT64_MAX, 0);
  if (init != LZMA_OK) return make_error("liblzma cannot start");
  s.next_in = in;
  s.avail_in = n;
  s.next_out = out.data();
  s.avail_out = out.size();
  const lzma_ret rc = lzma_code(&s, LZMA_FINISH);
  const uint64_t got = s.total_out;
  lzma_end(&s);
  // The .lzma format may end without an end marker once its recorded size is out.
  if (rc != LZMA_STREAM_END && !(alone && rc == LZMA_OK && got == out.size()))
    return make_error(std::string(alone ? "lzma" : "xz") + ": corrupt data or larger than its recorded size");
  out.resize(got);
  return out;
}

// lz4's legacy frame (lz4 -l), as Linux compresses: the magic, then blocks of
// a 4-byte compressed size and an LZ4 block of at most 8 MiB unpacked.
Result<Bytes> unlz4(const uint8_t* in, size_t n, Bytes out) {
  constexpr uint32_t kLegacyMagic = 0x184C2102;
  constexpr size_t kLegacyBlock = 8 << 20;
  size_t at = 4, got = 0;
  while (n - at >= 4) {
    uint32_t chunk;
    std::memcpy(&chunk, in + at, 4);
    at += 4;
    if (chunk == kLegacyMagic) continue;  // another frame follows
    if (at == n) break;                    // the 4 bytes were the appended size
    if (chunk > n - at || chunk > uint32_t(INT32_MAX)) return make_error("lz4: a block runs past the payload");
    const size_t room = std::min(out.size() - got, kLegacyBlock);
    const int r = LZ4_decompress_safe(reinterpret_cast<const char*>(in + at), reinterpret_cast<char*>(out.data() + got), int(chunk), int(room));
    if (r < 0) return make_error("lz4: corrupt data or larger than its recorded size");
    got += size_t(r);
    at += chunk;
  }
  out.resize(got);
  return out;
}

Result<Bytes> unzstd(const uint8_t* in, size_t n, Bytes out) {
  ZSTD_DStream* z = ZSTD_createDStream();
  if (!z) return make_error("libzstd cannot start");
  ZSTD_inBuffer ib{in, n, 0};
  ZSTD_outBuffer ob{out.data(), out.size(), 0};
  size_t rc;
  do {
    rc = ZSTD_decompressStream(z, &ob, &ib);
  } while (!ZSTD_isError(rc) && rc != 0 && ib.pos < ib.size && ob.pos < ob.size);
  ZSTD_freeDStream(z);
  if (ZSTD_isError(rc) || rc != 0) return make_error("zstd: corrupt data or larger than its recorded size");
  out.resize(ob.pos);
  return out;
}

bool starts_with(const uint8_t* p, size_t n, std::initializer_list<uint8_t> magic) {
  return n >= magic.size() && std::equal(magic.begin(), magic.end(), p);
}

}  // namespace

Result<std::vector<uint8_t>> unpack_bzimage_payload(const std::vector<uint8_t>& file, const BzImage& img, uint64_t max_bytes) {
  if (img.version < 0x0208 || img.payload_length == 0)
    return make_error("the bzImage records no payload (boot protocol 2.08 or later has payload_offset/payload_length)");
  const uint64_t start = img.kernel_offset + img.payload_offset;
  if (start > file.size() || img.payload_length > file.size() - start || img.payload_length < 8)
    return make_error("the bzImage's payload lies outside the file");
  const uint8_t* p = file.data() + start;
  const size_t n = img.payload_length;
  uint32_t size;
  std::memcpy(&size, p + n - 4, 4);
  if (size == 0 || size > max_bytes)
    return make_error("the bzImage's payload unpacks to " + std::to_string(size) + " bytes, more than guest RAM (" + std::to_string(max_bytes) + ")");
  Bytes out(size);
  Result<Bytes> r = make_error("");
  if (starts_with(p, n, {0x1f, 0x8b}))
    r = gunzip(p, n, std::move(out));
  else if (starts_with(p, n, {0xfd, '7', 'z', 'X', 'Z', 0}))
    r = unxz(p, n, std::move(out), false);
  else if (starts_with(p, n, {0x5d, 0, 0}))
    r = unxz(p, n, std::move(out), true);
  else if (starts_with(p, n, {0x02, 0x21, 0x4c, 0x18}))
    r = unlz4(p, n, std::move(out));
  else if (starts_with(p, n, {0x28, 0xb5, 0x2f, 0xfd}))
    r = unzstd(p, n, std::move(out));
  else if (starts_with(p, n, {'B', 'Z', 'h'}) || starts_with(p, n, {0x89, 'L', 'Z', 'O'}))
    return make_error("the bzImage's payload is compressed with bzip2 or lzo, which Kiln cannot unpack (gzip, xz, lzma, lz4 and zstd it can)");
  else
    return make_error("the bzImage's payload is in no compression format Kiln knows");
  if (!r) return make_error("the bzImage's payload: " + r.error());
  return r;
}

}  // namespace kiln::firmware
