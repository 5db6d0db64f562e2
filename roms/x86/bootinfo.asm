; Kernels of our own for Kiln's direct boot paths 4 and 5 (-M pc -kernel, no
; -bios), one per KIND, each checking the entry state and the boot information
; it receives. The file is the whole image, loaded at 1 MiB; the ELF headers
; are written out here (nasm -f bin), so each variant is exactly what it says:
;   MB1_ELF32  Multiboot 1 header in an ELF32 (EM_386)
;   MB1_ELF64  Multiboot 1 header in an ELF64 (EM_X86_64) whose entry is a
;              virtual address (paddr + 0xFFFFFFFF80000000), as 64-bit kernels link
;   MB1_AOUT   Multiboot 1 header with load addresses (the "a.out kludge"), a flat file
;   MB2        Multiboot 2 header (information request, module alignment,
;              entry address) in an ELF32 whose e_entry is a trap
;   MB2_AOUT   the same header with an address tag, in a flat file
;   PVH        an ELF64 with the Xen PVH entry note, whose e_entry is a trap
; (MB2 with REQUIRE_FRAMEBUFFER defined requires a framebuffer, and MB1_AOUT with
; NO_ADDRESSES lacks flag 16: Kiln refuses both.)
; Run with -m 64M -append "kiln boot test=1" and (Multiboot) -initrd
; "MOD0 mod0 args=1,MOD1" or (PVH) -initrd MOD, each module being
; linuxboot_initrd.bin (5000 bytes, "KILN" ... "END!").
; A letter per check on the debugcon, then PASS:
;   A  entry state: the magic in EAX, protected mode without paging, IF clear, A20 on
;   M  the memory sizes and map: RAM below the EBDA, the EBDA and BIOS holes, RAM from 1 MiB to 64 MiB
;   C  the command line (Multiboot 1: the kernel's file name, a space, then -append)
;   D  the modules: count, page-aligned addresses above the kernel, sizes, contents, strings
;   L  the boot loader's name "Kiln" (Multiboot)
; A failure prints " F nn" and exits with nn (isa-debug-exit at 0xF4).
%define DEBUGCON 0xe9
%define DEBUG_EXIT 0xf4
%include "common.inc"
%define RAM_TOP 0x4000000
%define MOD_BYTES 5000
%define LOAD 0x100000
%define VIRT_OFFSET 0xffffffff80000000

bits 32
org LOAD
image:

%ifidn KIND, MB1_AOUT
  %define FLAT
%elifidn KIND, MB2_AOUT
  %define FLAT
  %define MULTIBOOT2
%elifidn KIND, MB2
  %define MULTIBOOT2
%elifidn KIND, MB1_ELF64
  %define ELF64
%elifidn KIND, PVH
  %define ELF64
%endif

%ifdef FLAT
  dq 0, 0                       ; the header needs not be first: 16 bytes before it
%else
; The ELF header and program headers: one PT_LOAD of the whole file (plus the
; bss), and for PVH a PT_NOTE.
%ifdef ELF64
%ifidn KIND, PVH
%define PHNUM 2
%else
%define PHNUM 1
%endif
elf_header:
  db 0x7f, "ELF", 2, 1, 1, 0
  times 8 db 0
  dw 2, 62                      ; ET_EXEC, EM_X86_64
  dd 1
%ifidn KIND, PVH
  dq trap                       ; PVH enters at the note's address, not here
%else
  dq VIRT_OFFSET + entry
%endif
  dq program_headers - image, 0 ; phoff, shoff
  dd 0
  dw 64, 56, PHNUM, 64, 0, 0
program_headers:
  dd 1, 7                       ; PT_LOAD, RWX
  dq 0, VIRT_OFFSET + LOAD, LOAD, file_end - image, bss_end - image, 0x1000
%ifidn KIND, PVH
  dd 4, 4                       ; PT_NOTE
  dq notes - image, notes, notes, notes_end - notes, notes_end - notes, 4
%endif
%else
elf_header:
  db 0x7f, "ELF", 1, 1, 1, 0
  times 8 db 0
  dw 2, 3                       ; ET_EXEC, EM_386
  dd 1
%ifidn KIND, MB2
  dd trap                       ; the entry address tag overrides it
%else
  dd entry
%endif
  dd program_headers - image, 0, 0
  dw 52, 32, 1, 40, 0, 0
program_headers:
  dd 1, 0, LOAD, LOAD, file_end - image, bss_end - image, 7, 0x1000
%endif
%endif

%ifidn KIND, PVH
align 4
notes:                          ; a note Kiln skips, then XEN_ELFNOTE_PHYS32_ENTRY
  dd 4, 4, 1
  db "GNU", 0
  dd 0
  dd 4, 8, 18
  db "Xen", 0
  dq entry
notes_end:
%elifdef MULTIBOOT2
align 8
mb2_header:
  dd 0xe85250d6, 0, mb2_header_end - mb2_header
  dd -(0xe85250d6 + (mb2_header_end - mb2_header))
  dw 1, 0                       ; information request, required: cmdline, loader name, module, meminfo, mmap
  dd 8 + 5 * 4
  dd 1, 2, 3, 4, 6
  align 8, db 0
  dw 6, 0                       ; module alignment
  dd 8
  dw 3, 0                       ; entry address
  dd 12
  dd entry
  align 8, db 0
%ifdef FLAT
  dw 2, 0                       ; load addresses
  dd 24
  dd mb2_header, LOAD, file_end, bss_end
%endif
%ifdef REQUIRE_FRAMEBUFFER
  dw 5, 0                       ; a required framebuffer: Kiln refuses the kernel
  dd 20
  dd 1024, 768, 32
  align 8, db 0
%endif
  dw 8, 1                       ; an optional EFI tag: ignored
  dd 12
  dd trap
  align 8, db 0
  dw 0, 0                       ; end
  dd 8
mb2_header_end:
%else
align 4
mb1_header:
%ifdef NO_ADDRESSES
  %define MB1_FLAGS 0x00003     ; a flat file without load addresses: Kiln refuses it
%elifidn KIND, MB1_AOUT
  %define MB1_FLAGS 0x10003     ; page-aligned modules, memory information, load addresses
%else
  %define MB1_FLAGS 0x00003
%endif
  dd 0x1badb002, MB1_FLAGS, -(0x1badb002 + MB1_FLAGS)
%if MB1_FLAGS & 0x10000
  dd mb1_header, LOAD, file_end, bss_end, entry
%endif
%endif

trap:
  mov ebx, 99
  jmp fail32

entry:
  mov esp, stack_top
  mov [info], ebx
  ; A
%ifidn KIND, PVH
  cmp dword [ebx], 0x336ec578
%elifdef MULTIBOOT2
  cmp eax, 0x36d76289
%else
  cmp eax, 0x2badb002
%endif
  fail_unless e, 1
  mov eax, cr0
  and eax, 0x80000001
  cmp eax, 1
  fail_unless e, 2
  pushfd
  pop eax
  test eax, 0x200
  fail_unless z, 3
  mov dword [0x400000], 0x11111111    ; with A20 off these two would be one dword
  mov dword [0x500000], 0x22222222
  cmp dword [0x400000], 0x11111111
  fail_unless e, 4
  cmp dword [bss_start], 0            ; the loader zeroed the bss
  fail_unless e, 5
  mov al, 'A'
  out DEBUGCON, al

%ifidn KIND, PVH
  %include "bootinfo_pvh.inc"
%elifdef MULTIBOOT2
  %include "bootinfo_mb2.inc"
%else
  %include "bootinfo_mb1.inc"
%endif
  jmp pass32

; Compares the NUL-terminated strings at ESI and EDI; ZF set if equal.
strings_equal:
  push esi
  push edi
.next:
  mov al, [esi]
  cmp al, [edi]
  jne .done
  inc esi
  inc edi
  test al, al
  jnz .next
.done:
  pop edi
  pop esi
  ret

; ESI past its first space (ZF clear if it has none).
skip_word:
  mov al, [esi]
  inc esi
  test al, al
  jz .none
  cmp al, ' '
  jne skip_word
  ret
.none:
  or al, 1
  ret

; Checks the module at EAX (start) of ECX bytes: page-aligned, above the
; kernel, 5000 bytes from "KILN" to "END!"; ZF set if so.
check_module:
  test eax, 0xfff
  jnz .bad
  cmp eax, bss_end
  jb .bad
  cmp ecx, MOD_BYTES
  jne .bad
  cmp dword [eax], 'KILN'
  jne .bad
  cmp dword [eax + MOD_BYTES - 4], 'END!'
.bad:
  ret

; Compares ECX memory map entries at EDI, ESI bytes apart, with e820_expected; ZF set if equal.
check_map:
  push edx
  cmp ecx, 4
  jne .done
  mov edx, e820_expected
.entry:
  mov eax, [edx]
  cmp eax, [edi]
  jne .done
  mov eax, [edx + 4]
  cmp eax, [edi + 4]
  jne .done
  mov eax, [edx + 8]
  cmp eax, [edi + 8]
  jne .done
  mov eax, [edx + 12]
  cmp eax, [edi + 12]
  jne .done
  mov eax, [edx + 16]
  cmp eax, [edi + 16]
  jne .done
  add edx, 20
  add edi, esi
  loop .entry
  cmp eax, eax                  ; all equal: ZF set (the ADDs cleared it)
.done:
  pop edx
  ret

report_routines

cmdline: db "kiln boot test=1", 0
mod0_args: db "mod0 args=1", 0
loader_name: db "Kiln", 0
align 4
e820_expected:
  pc_e820_table RAM_TOP
file_end:

absolute file_end
alignb 16
bss_start: resd 1
info: resd 1
seen: resd 1
mod_count: resd 1
last_mod_end: resd 1
  resb 4096
stack_top:
bss_end:
