; boot.asm - the -M pc -bios stub that runs one x86_64 (or, with I386, one
; i386) benchmark workload. It makes a 128 KiB ROM image: the workload's flat
; binary (PAYLOAD, linked at 1 MiB by link.ld) in the first 64 KiB, this stub
; in the last 64 KiB. A 128 KiB image is mirrored whole below 1 MiB, so the
; payload shows at 0xE0000 and the stub at 0xF0000 without leaving the low
; megabyte. From the reset vector the stub goes real -> 32-bit protected
; mode (flat segments) and copies the payload to 1 MiB. x86_64: it
; identity-maps the first 128 MiB (Kiln's default RAM) with 2 MiB pages, or
; with 4 KiB pages when PAGES_4K is defined (the memwalk_4k variant), and
; enters long mode. I386: it stays in 32-bit protected mode, paging off, or
; identity-mapped with 4 KiB pages (PAGES_4K) or 4 MiB PSE pages (PAGES_4M).
; Then it installs an IDT whose handlers report any exception and calls the
; payload's _start (rt.c) on a stack below 512 KiB. _start zeroes .bss, runs
; main and exits through isa-debug-exit itself; an exception prints
; "bench: exception vector 0xNN" on the debugcon and exits with status 3
; (Kiln's 7).
;   nasm -f bin -DPAYLOAD='"hash.bin"' [-DI386] [-DPAGES_4K|-DPAGES_4M] -o hash.rom boot.asm
;   kiln -M pc -bios hash.rom -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04
bits 16
cpu x64

%define DEBUGCON 0xe9
%define DEBUG_EXIT 0xf4
%define PAYLOAD_LIN 0xe0000       ; the mirror of the image's first 64 KiB
%define STUB_LIN 0xf0000          ; the mirror of its last 64 KiB
%define LIN(x) (STUB_LIN + (x))   ; linear address of a stub label
%define LOAD_ADDR 0x100000        ; link.ld's origin; _start comes first
%define RAM_MAPPED (128 << 20)    ; identity-mapped from 0

; RAM layout below 1 MiB
%define GDT_RAM 0x500
%define IDT_RAM 0x1000            ; 32 gates of 16 bytes
%define PML4 0x2000
%define PDPT 0x3000
%define PD 0x4000
%define PT 0x10000                ; PAGES_4K: 64 page tables, up to 0x50000
%define PD32 0x4000               ; I386 with paging: the page directory
%define STACK_TOP 0x80000

; Selectors
%define CODE32 0x08
%define DATA 0x10
%define CODE64 0x18

section payload start=0 vstart=0
payload:
  incbin PAYLOAD
payload_end:

section stub start=0x10000 vstart=0

gdt:                              ; accessed bits preset
  dq 0
  dq 0x00cf9b000000ffff           ; 08 code, 32-bit, flat
  dq 0x00cf93000000ffff           ; 10 data, flat
  dq 0x00af9b000000ffff           ; 18 code, 64-bit
gdt_end:
gdtr: dw gdt_end - gdt - 1
      dd GDT_RAM
idtr: dw 32 * 16 - 1
      dq IDT_RAM

; ---------------------------------------------------------------- real mode
start:
  cli
  xor ax, ax
  mov ds, ax
  mov es, ax
  mov ss, ax
  mov sp, 0x7000
  mov si, gdt                     ; the GDT lives in RAM, as on a real board
  mov di, GDT_RAM
  mov cx, gdt_end - gdt
  cld
  cs rep movsb
  o32 lgdt [cs:gdtr]
  mov eax, cr0
  or al, 1
  mov cr0, eax
  jmp dword CODE32:LIN(pm32)

; ---------------------------------------------------------------- 32-bit protected mode
bits 32
pm32:
  mov ax, DATA
  mov ds, ax
  mov es, ax
  mov ss, ax
  mov fs, ax
  mov gs, ax
  mov esp, STACK_TOP
  ; The workload's code and data (its .bss is zeroed by _start).
  mov esi, PAYLOAD_LIN
  mov edi, LOAD_ADDR
  mov ecx, payload_end - payload
  rep movsb
%ifdef I386
  %include "boot_i386.inc"
%else
  ; PML4[0] -> PDPT, PDPT[0] -> PD (the first GiB).
  mov edi, PML4
  xor eax, eax
  mov ecx, 3 * 1024
  rep stosd
  mov dword [PML4], PDPT + 3      ; present, writable
  mov dword [PDPT], PD + 3
%ifdef PAGES_4K
  mov edi, PT                     ; one 4 KiB leaf per page of RAM_MAPPED
  mov eax, 3
  mov ecx, RAM_MAPPED >> 12
.pte:
  mov [edi], eax
  mov dword [edi + 4], 0
  add eax, 0x1000
  add edi, 8
  loop .pte
  mov edi, PD
  mov eax, PT + 3
  mov ecx, RAM_MAPPED >> 21
.pde:
  mov [edi], eax
  add eax, 0x1000
  add edi, 8
  loop .pde
%else
  mov edi, PD                     ; 2 MiB leaves (PS)
  mov eax, 0x83
  mov ecx, RAM_MAPPED >> 21
.pde:
  mov [edi], eax
  add eax, 0x200000
  add edi, 8
  loop .pde
%endif
  mov eax, cr4
  or eax, 0x20                    ; PAE
  mov cr4, eax
  mov eax, PML4
  mov cr3, eax
  mov ecx, 0xc0000080             ; EFER.LME
  rdmsr
  or eax, 0x100
  wrmsr
  mov eax, cr0
  or eax, 0x80000000              ; PG: long mode is active from here
  mov cr0, eax
  jmp CODE64:LIN(lm64)
%endif

; ---------------------------------------------------------------- 64-bit mode
%ifndef I386
bits 64
lm64:
  mov rsp, STACK_TOP
  ; Interrupt gates for the 32 exception vectors, one 16-byte stub each.
  mov edi, IDT_RAM
  mov eax, LIN(trap_stubs)
  xor ecx, ecx
.gate:
  mov [rdi], ax                   ; offset 15:0
  mov word [rdi + 2], CODE64
  mov word [rdi + 4], 0x8e00      ; present, DPL 0, 64-bit interrupt gate
  mov edx, eax
  shr edx, 16
  mov [rdi + 6], dx               ; offset 31:16
  mov qword [rdi + 8], 0          ; offset 63:32 and reserved
  add eax, 16
  add edi, 16
  inc ecx
  cmp ecx, 32
  jb .gate
  lidt [LIN(idtr)]
  mov eax, LOAD_ADDR
  call rax                        ; _start does not return; if it did, exit with EAX
  out DEBUG_EXIT, al
.halt:
  cli
  hlt
  jmp .halt
%endif

; The exception handlers, in the mode the payload runs in (the 32-bit
; register names below assemble right in both).
; The exception stubs: push the vector, report it, exit 3.
align 16
trap_stubs:
%assign vector 0
%rep 32
  align 16, db 0xcc
  push byte vector
  jmp trap_common
%assign vector vector + 1
%endrep

trap_common:
  mov esi, LIN(trap_msg)
.text:
  mov al, [esi]
  test al, al
  jz .vector
  out DEBUGCON, al
  inc esi
  jmp .text
.vector:
  mov ebx, [esp]
  mov eax, ebx
  shr eax, 4
  call hex_digit
  mov eax, ebx
  call hex_digit
  mov al, 10
  out DEBUGCON, al
  mov al, 3
  out DEBUG_EXIT, al
.halt:
  cli
  hlt
  jmp .halt

; Prints the low nibble of AL as a hex digit.
hex_digit:
  and al, 15
  add al, '0'
  cmp al, '9'
  jbe .out
  add al, 'a' - '9' - 1
.out:
  out DEBUGCON, al
  ret

trap_msg: db 'bench: exception vector 0x', 0

; The reset vector: F000:FFF0 (linear 0xFFFFFFF0) jumps into the mirror below 1 MiB.
bits 16
  times 0xfff0 - ($ - $$) db 0xff
reset:
  jmp 0xf000:start
  times 0x10000 - ($ - $$) db 0xff
