#!/usr/bin/env bash
# Boots the shared riscv64 Linux with its userland on an ext4 disk behind
# virtio-blk (root=/dev/vda), built from the shared initramfs, and checks the
# markers; with snapshot=on the image file must come back unchanged.
# Skips (77) without ../shared. usage: boot_linux_disk.sh KILN SOURCE_DIR
set -u
kiln=$1 src=$2
img="$src/../shared/images/riscv64"
if [ ! -f "$img/Image" ]; then echo "SKIP: $img/Image not found (only present beside the repo in CI)"; exit 77; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/root"
(cd "$work/root" && zcat "$img/initrd.gz" | cpio -idm --quiet) || { echo "FAIL: cannot unpack the initramfs"; exit 1; }
mkfs.ext4 -q -d "$work/root" "$work/root.img" 16M || { echo "FAIL: mkfs.ext4"; exit 1; }
before=$(sha256sum < "$work/root.img")
timeout 900 "$kiln" -M virt -m 256M -nographic -no-reboot -kernel "$img/Image" \
  -append "console=ttyS0 panic=-1 root=/dev/vda rw init=/init" \
  -drive "file=$work/root.img,format=raw,if=virtio,snapshot=on" </dev/null >"$work/log" 2>&1
rc=$?
tail -n 12 "$work/log"
grep -q "EXT4-fs (vda): mounted" "$work/log" || { echo "FAIL: /dev/vda was not mounted"; exit 1; }
grep -q "KILN-INIT-DONE" "$work/log" || { echo "FAIL: no KILN-INIT-DONE (exit $rc)"; exit 1; }
[ "$rc" -eq 0 ] || { echo "FAIL: exit status $rc"; exit 1; }
[ "$before" = "$(sha256sum < "$work/root.img")" ] || { echo "FAIL: snapshot=on let writes reach the image"; exit 1; }
echo "PASS: userland ran from virtio-blk; the snapshot kept the image unchanged"
