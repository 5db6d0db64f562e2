; A -M pc test ROM for QEMU's pc-testdev (devices/pc/pc_testdev.h), run with
; -device pc-testdev, checking itself like apic.asm in 32-bit protected mode:
;  D  the scratch register: a dword written at 0xE0 reads back whole, as a
;     byte at 0xE1 and a word at 0xE2; a byte written at 0xEB (the byte
;     window) changes its top byte as seen at 0xE0; REP INSB at 0xE0 reads
;     the low byte each time.
;  F  a dword write to the flush port 0xE4 is taken; the port reads 0.
;  M  the MMIO scratch at 0xFF000000 starts zeroed, keeps a dword (read back
;     bytewise) and its last byte.
;  I  IRQ lines through the IOAPIC (both 8259As masked): a write of 1 to
;     0x2005 raises ISA IRQ 5 (pin 5, edge, vector 0x55), one of 1 to 0x2011
;     IRQ 17 (an IOAPIC-only pin, vector 0x61); 0 lowers them again, and a
;     second rise interrupts again.
; Each phase prints its letter on a debugcon at 0xEC (one at 0xE9 would
; overlap the byte window at 0xE8, and Kiln refuses that); the end prints "PASS"
; and exits through isa-debug-exit with 0 (Kiln's status 1). A failed check
; prints " F n" and exits with n.
bits 16
cpu 686

%define DEBUGCON 0xec

%define IRQ5_COUNT (VARS + 0)
%define IRQ17_COUNT (VARS + 4)
%define BUF (VARS + 0x100)

%define IOMEM 0xff000000
%define APIC_EOI 0xfee000b0
%define APIC_SVR 0xfee000f0
%define IOAPIC_SEL 0xfec00000
%define IOAPIC_WIN 0xfec00010

%include "pm32.inc"

pm32_flat_gdt

pm32_start

%macro counting_handler 1
  inc dword [%1]
  mov dword [APIC_EOI], 0
  iretd
%endmacro
irq5_handler: counting_handler IRQ5_COUNT
irq17_handler: counting_handler IRQ17_COUNT

handlers: dd 0x55, LIN(irq5_handler)
          dd 0x61, LIN(irq17_handler)
handlers_end:

pm32_idtr

; IOAPIC pin %1: vector %2, fixed, physical, edge, active high, unmasked, to APIC 0.
%macro route 2
  mov dword [IOAPIC_SEL], 0x11 + 2 * %1
  mov dword [IOAPIC_WIN], 0
  mov dword [IOAPIC_SEL], 0x10 + 2 * %1
  mov dword [IOAPIC_WIN], %2
%endmacro

; Raises then lowers IRQ line %1 through port 0x2000 + %1; the count at %2 must become %3 (check %4).
%macro pulse 4
  mov dx, 0x2000 + %1
  mov al, 1
  out dx, al
  sti
  nop
  cli
  xor al, al
  out dx, al
  cmp dword [%2], %3
  fail_unless e, %4
%endmacro

pm32:
  pm32_entry
  pm32_idt
  xor eax, eax
  mov [IRQ5_COUNT], eax
  mov [IRQ17_COUNT], eax
  mov al, 0xff                      ; both 8259As masked
  out 0x21, al
  out 0xa1, al

  ; ---------------------------------------------------------------- the scratch register
  mov eax, 0x12345678
  out 0xe0, eax
  xor eax, eax
  in eax, 0xe0
  cmp eax, 0x12345678
  fail_unless e, 1
  in al, 0xe1
  cmp al, 0x56
  fail_unless e, 2
  in ax, 0xe2
  cmp ax, 0x1234
  fail_unless e, 3
  mov al, 0xab
  out 0xeb, al
  in eax, 0xe0
  cmp eax, 0xab345678
  fail_unless e, 4
  mov edi, BUF
  mov ecx, 3
  mov dx, 0xe0
  cld
  rep insb
  cmp dword [BUF], 0x00787878
  fail_unless e, 5
  mov al, 'D'
  out DEBUGCON, al

  ; ---------------------------------------------------------------- flush
  mov eax, BUF
  out 0xe4, eax
  in eax, 0xe4
  test eax, eax
  fail_unless z, 10
  mov al, 'F'
  out DEBUGCON, al

  ; ---------------------------------------------------------------- MMIO scratch
  cmp dword [IOMEM + 0x100], 0
  fail_unless e, 20
  mov dword [IOMEM + 0x10], 0xdeadbeef
  cmp byte [IOMEM + 0x11], 0xbe
  fail_unless e, 21
  cmp dword [IOMEM + 0x10], 0xdeadbeef
  fail_unless e, 22
  mov byte [IOMEM + 0xffff], 0x5a
  cmp byte [IOMEM + 0xffff], 0x5a
  fail_unless e, 23
  mov al, 'M'
  out DEBUGCON, al

  ; ---------------------------------------------------------------- IRQ lines
  mov dword [APIC_SVR], 0x1ff       ; the local APIC software-enabled
  route 5, 0x55
  route 17, 0x61
  pulse 5, IRQ5_COUNT, 1, 30
  pulse 5, IRQ5_COUNT, 2, 31
  pulse 17, IRQ17_COUNT, 1, 32
  pulse 17, IRQ17_COUNT, 2, 33
  cmp dword [IRQ5_COUNT], 2         ; the other line stayed quiet
  fail_unless e, 34
  mov al, 'I'
  out DEBUGCON, al
  jmp pass32

reset_vector start
