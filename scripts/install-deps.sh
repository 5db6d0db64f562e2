#!/usr/bin/env bash
# Installs every Debian bookworm package Kiln needs to build, test and run its demo.
# Idempotent: apt-get install skips what is already there. Run as root.
set -euo pipefail
packages=(
  build-essential cmake ninja-build ccache pkg-config   # host toolchain
  catch2                                               # unit tests (Catch2 v2)
  libfdt-dev                                           # device trees for the virt board
  llvm-19-dev                                          # the JIT tier (LLVM ORC)
  opensbi                                              # RISC-V firmware (-M virt default -bios)
  cpio e2fsprogs                                       # tests: a root disk image from the shared initramfs
  gdb-multiarch python3                                # tests: the GDB stub driven by real gdb
  gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf # guest programs: demo, tests, bench
  libzydis-dev libcapstone-dev                         # x86: decoding (Zydis 4), disassembly for -d (Capstone)
  nasm zlib1g-dev                                      # x86: guest ROMs; kiln-sst reads gzip'd test vectors
  liblzma-dev liblz4-dev libzstd-dev                   # x86: a bzImage's compressed vmlinux for PVH (with zlib)
  clang-19 libclang-rt-19-dev                          # tests: libFuzzer targets (tests/fuzz/run.sh)
  seabios                                              # x86: the PC BIOS (-M pc; /usr/share/seabios)
  ipxe-qemu                                            # x86: iPXE's ROM for -device e1000 (/usr/lib/ipxe/qemu)
  syslinux syslinux-common isolinux mtools dosfstools  # x86 tests: a syslinux disk image, no root mounts
  fdisk xorriso                                        # x86 tests: its partition table; an El Torito CD image
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "install-deps: all ${#packages[@]} packages present"
