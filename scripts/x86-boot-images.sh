#!/bin/bash
# Builds two bootable images of Debian's amd64 kernel and the busybox initrd
# (both made by scripts/x86-linux.sh --fetch-only) into the same cache, with
# Debian's boot loaders and no root mounts or loop devices:
#   syslinux-disk.img  a partitioned raw disk: syslinux's MBR code, one active
#                      FAT partition at 1 MiB (mkfs.vfat --offset), syslinux
#                      installed through mtools (syslinux --offset), its
#                      syslinux.cfg, ldlinux.c32, vmlinuz and initrd
#   isolinux-cd.iso    an El Torito CD (xorriso -as mkisofs): isolinux.bin as the
#                      no-emulation boot image with its boot info table, the boot
#                      catalog, ldlinux.c32, isolinux.cfg, vmlinuz and initrd
# Both configs send the loader's console to COM1 (SERIAL 0 115200) and boot
# with kiln.test, so the init powers off through ACPI after its markers.
# usage: scripts/x86-boot-images.sh [--force]   (without --force, an image
# newer than the kernel, the initrd and this script, built from the same
# loader config (kept beside it as IMAGE.cfg), is kept: fast when present)
set -euo pipefail
cache=${KILN_LINUX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kiln/linux}
force=0
[ "${1:-}" = --force ] && force=1
for f in vmlinuz initrd.cpio.gz; do
  [ -f "$cache/$f" ] || { echo "x86-boot-images: $cache/$f missing (run scripts/x86-linux.sh --fetch-only)" >&2; exit 1; }
done
syslinux_bios=/usr/lib/syslinux/modules/bios
cmdline="console=ttyS0 panic=-1 kiln.test"
loader_cfg() { # the same config for syslinux and isolinux
  cat <<CFG
SERIAL 0 115200
DEFAULT linux
PROMPT 0
TIMEOUT 0
LABEL linux
  KERNEL /vmlinuz
  INITRD /initrd.gz
  APPEND $cmdline
CFG
}
up_to_date() {
  [ $force = 0 ] && [ -f "$1" ] && [ "$1" -nt "$cache/vmlinuz" ] && [ "$1" -nt "$cache/initrd.cpio.gz" ] && [ "$1" -nt "$0" ] &&
    loader_cfg | cmp -s - "$1.cfg"
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

disk=$cache/syslinux-disk.img
if ! up_to_date "$disk"; then
  part_start=2048            # sectors: the partition starts at 1 MiB
  part_sectors=$((30 * 2048)) # 30 MiB of FAT, room for the kernel and initrd
  tmp=$work/disk.img
  truncate -s $(((part_start + part_sectors) * 512)) "$tmp"
  echo "start=$part_start, size=$part_sectors, type=c, bootable" | sfdisk --quiet --label dos "$tmp"
  dd if=/usr/lib/syslinux/mbr/mbr.bin of="$tmp" bs=440 count=1 conv=notrunc status=none
  mkfs.vfat -F 16 -n KILNBOOT --offset $part_start -h $part_start "$tmp" $((part_sectors / 2)) >/dev/null
  loader_cfg > "$work/syslinux.cfg"
  img="$tmp@@$((part_start * 512))"
  mcopy -i "$img" "$work/syslinux.cfg" ::/syslinux.cfg
  mcopy -i "$img" "$cache/vmlinuz" ::/vmlinuz
  mcopy -i "$img" "$cache/initrd.cpio.gz" ::/initrd.gz
  # syslinux writes the partition's boot sector and ldlinux.sys/ldlinux.c32 through mtools.
  syslinux --offset $((part_start * 512)) --install "$tmp"
  mv "$tmp" "$disk"
  loader_cfg > "$disk.cfg"
  echo "x86-boot-images: built $disk"
fi

iso=$cache/isolinux-cd.iso
if ! up_to_date "$iso"; then
  tree=$work/iso
  mkdir -p "$tree/isolinux"
  cp /usr/lib/ISOLINUX/isolinux.bin "$syslinux_bios/ldlinux.c32" "$tree/isolinux/"
  loader_cfg > "$tree/isolinux/isolinux.cfg"
  cp "$cache/vmlinuz" "$tree/vmlinuz"
  cp "$cache/initrd.cpio.gz" "$tree/initrd.gz"
  xorriso -as mkisofs -quiet -o "$work/cd.iso" -V KILNCD -J -R \
    -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table "$tree" \
    2>"$work/xorriso.log" || { cat "$work/xorriso.log" >&2; exit 1; }  # (its banner goes to stderr even with -quiet)
  mv "$work/cd.iso" "$iso"
  loader_cfg > "$iso.cfg"
  echo "x86-boot-images: built $iso"
fi
