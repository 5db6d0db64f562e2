; A bzImage of our own for Kiln's direct Linux boot (-M pc -kernel, no -bios):
; the boot sector with the setup header (protocol VERSION, 2.15 unless -D
; says otherwise), one setup sector, then a 32-bit "kernel" loaded at 1 MiB
; that checks what the 32-bit boot protocol promises and the zero page holds.
; Run with -m 64M -append "kiln linuxboot test=1" -initrd linuxboot_initrd.bin.
; A letter per check on the debugcon, then PASS:
;   A  entry state: ESI = 0x10000, CS 0x10, DS/ES/SS 0x18, flat, paging off, IF clear;
;      the header copied (HdrS, version, code32_start) and type_of_loader 0xFF
;   C  cmd_line_ptr points at the -append text, NUL-terminated
;   I  the initrd's address (page-aligned, as high as 64 MiB allows), size and first bytes
;   E  the e820 table: RAM below the EBDA, the EBDA and BIOS holes, RAM from 1 MiB to 64 MiB
; A failure prints " F nn" and exits with nn (isa-debug-exit at 0xF4).
%define DEBUGCON 0xe9
%define DEBUG_EXIT 0xf4
%include "common.inc"
%define INITRD_BYTES 5000
%define RAM_TOP 0x4000000

%include "bzimage.inc"

bits 32
section kernel vstart=0x100000
kernel:
  mov esp, 0x80000              ; the protocol gives no stack (Linux uses boot_params' scratch field)
  ; A
  cmp esi, 0x10000
  fail_unless e, 1
  mov ax, cs
  cmp ax, 0x10
  fail_unless e, 2
  mov ax, ds
  cmp ax, 0x18
  fail_unless e, 3
  mov ax, es
  cmp ax, 0x18
  fail_unless e, 4
  mov ax, ss
  cmp ax, 0x18
  fail_unless e, 5
  mov eax, cr0
  and eax, 0x80000001
  cmp eax, 1
  fail_unless e, 6
  pushfd
  pop eax
  test eax, 0x200
  fail_unless z, 7
  cmp dword [esi + 0x202], 'HdrS'
  fail_unless e, 8
  cmp word [esi + 0x206], VERSION
  fail_unless e, 9
  cmp dword [esi + 0x214], 0x100000
  fail_unless e, 10
  cmp byte [esi + 0x210], 0xff
  fail_unless e, 11
  cmp dword [esi + 0x22c], 0x37ffffff
  fail_unless e, 12
  mov dword [0x3000000], 0x12345678   ; flat data segments reach high RAM
  cmp dword [0x3000000], 0x12345678
  fail_unless e, 13
  mov al, 'A'
  out DEBUGCON, al
  ; C
  mov edi, [esi + 0x228]
  test edi, edi
  fail_unless nz, 20
  mov ebx, cmdline
.cmp:
  mov al, [ebx]
  cmp al, [edi]
  fail_unless e, 21
  inc ebx
  inc edi
  test al, al
  jnz .cmp
  mov al, 'C'
  out DEBUGCON, al
  ; I
  cmp dword [esi + 0x218], (RAM_TOP - INITRD_BYTES) & ~0xfff
  fail_unless e, 30
  cmp dword [esi + 0x21c], INITRD_BYTES
  fail_unless e, 31
  mov edi, [esi + 0x218]
  cmp dword [edi], 'KILN'
  fail_unless e, 32
  cmp dword [edi + INITRD_BYTES - 4], 'END!'
  fail_unless e, 33
  mov al, 'I'
  out DEBUGCON, al
  ; E
  cmp byte [esi + 0x1e8], 4
  fail_unless e, 40
  lea edi, [esi + 0x2d0]
  mov ebx, e820_expected
  mov ecx, 4 * 20 / 4
.e820:
  mov eax, [ebx]
  cmp eax, [edi]
  fail_unless e, 41
  add ebx, 4
  add edi, 4
  loop .e820
  mov al, 'E'
  out DEBUGCON, al
  jmp pass32

report_routines

cmdline: db "kiln linuxboot test=1", 0
e820_expected:
  pc_e820_table RAM_TOP
