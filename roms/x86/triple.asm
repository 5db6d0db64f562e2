; A -M pc test ROM for the triple fault: the first time through it loads an
; IDT limit of 0 in real mode and executes INT3, so the #GP, then the #DF, do
; not fit either: the CPU shuts down. A PC resets then (RAM keeps its
; contents): the second time through the ROM finds its marker in RAM, prints
; "reset" on the debugcon at 0xE9 and exits through isa-debug-exit (0xF4) with
; 0 (Kiln's status 1). With -no-reboot Kiln ends at the shutdown (status 6).
bits 16
cpu 386
%define DEBUGCON 0xe9
%define DEBUG_EXIT 0xf4
%define MARKER 0x500

section main start=0 vstart=0
message: db 'reset', 10, 0
empty_idt: dw 0
           dd 0

start:
  cli
  xor ax, ax
  mov ds, ax
  mov ss, ax
  mov sp, 0x7000
  cmp dword [MARKER], 0x4b494c4e
  je .second
  mov dword [MARKER], 0x4b494c4e
  mov al, 'T'
  out DEBUGCON, al
  lidt [cs:empty_idt]
  int3
  hlt                       ; not reached
.second:
  mov si, message
.next:
  mov al, [cs:si]
  test al, al
  jz .done
  out DEBUGCON, al
  inc si
  jmp .next
.done:
  mov al, 0
  out DEBUG_EXIT, al
  hlt

  times 0xfff0 - ($ - $$) db 0xff
  jmp 0xf000:start
  times 0x10000 - ($ - $$) db 0xff
