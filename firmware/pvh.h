// PVH boot (Xen's direct boot ABI, which Linux and other kernels also take
// without Xen): an ELF kernel with the note XEN_ELFNOTE_PHYS32_ENTRY (name
// "Xen", type 18) is entered there in 32-bit protected mode, paging off, with
// EBX pointing at an hvm_start_info (firmware/boot_info.h). A Linux bzImage
// carries such a vmlinux compressed as its payload: unpack_bzimage_payload
// gives it back.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "firmware/linux_x86.h"

namespace kiln::firmware {

// The physical entry address from the PVH note, if the ELF has one; an error
// for a malformed ELF or note.
Result<std::optional<uint64_t>> pvh_entry(const std::vector<uint8_t>& elf, const std::string& name);

// The vmlinux a bzImage compresses (gzip, xz, lzma, lz4 or zstd; bzip2 and
// lzo are refused), at most `max_bytes` once unpacked. Linux's build appends
// the unpacked size as the payload's last 4 bytes.
Result<std::vector<uint8_t>> unpack_bzimage_payload(const std::vector<uint8_t>& file, const BzImage& img, uint64_t max_bytes);

}  // namespace kiln::firmware
