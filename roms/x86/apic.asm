; A -M pc test ROM for the local APIC and the IOAPIC (issue 14), checking
; itself like the other ROMs, in 32-bit protected mode (R, P): CPUID reports
; the APIC and ID 0, IA32_APIC_BASE reads 0xFEE00900 (C); the APIC enabled
; through its SVR, its version read (A); the periodic timer wakes HLT through
; its LVT vector (T); a TPR of class 4 holds a self IPI of vector 0x40 off in
; the IRR until the TPR drops (M); a vector in service holds another of its
; class off until the EOI (E); with both 8259As masked, the PIT's IRQ0 comes
; through the IOAPIC's pin 2 (O). The end prints "PASS" and exits through
; isa-debug-exit with 0 (Kiln's status 1); a failed check prints " F nn" and
; exits with nn.
bits 16
cpu 686

%define TIMER_TICKS (VARS + 0)
%define IPIS (VARS + 4)
%define PIT_TICKS (VARS + 8)

%define APIC 0xfee00000
%define APIC_VERSION (APIC + 0x30)
%define APIC_TPR (APIC + 0x80)
%define APIC_PPR (APIC + 0xa0)
%define APIC_EOI (APIC + 0xb0)
%define APIC_SVR (APIC + 0xf0)
%define APIC_ISR (APIC + 0x100)
%define APIC_IRR (APIC + 0x200)
%define APIC_ICR_LOW (APIC + 0x300)
%define APIC_LVT_TIMER (APIC + 0x320)
%define APIC_INITIAL (APIC + 0x380)
%define APIC_CURRENT (APIC + 0x390)
%define APIC_DIVIDE (APIC + 0x3e0)
%define IOAPIC_SEL 0xfec00000
%define IOAPIC_WIN 0xfec00010
%define SELF_IPI 0x40000        ; ICR: the "self" shorthand, fixed delivery

%define TIMER_VECTOR 0x30
%define IPI_VECTOR 0x40         ; its handler sends the EOI
%define IPI_NO_EOI_VECTOR 0x41  ; its handler does not
%define PIT_VECTOR 0x50
%define SPURIOUS_VECTOR 0xff

%include "pm32.inc"

pm32_flat_gdt

pm32_start

; Handlers: count, and send the EOI (but IPI_NO_EOI_VECTOR's).
%macro counting_handler 2
  inc dword [%1]
  %if %2
  mov dword [APIC_EOI], 0
  %endif
  iretd
%endmacro
timer_handler: counting_handler TIMER_TICKS, 1
ipi_handler: counting_handler IPIS, 1
ipi_no_eoi_handler: counting_handler IPIS, 0
pit_handler: counting_handler PIT_TICKS, 1
spurious_handler: iretd

; Sets IDT entry AL to a 32-bit interrupt gate to linear ESI.
set_gate:
  movzx eax, al
  lea edi, [IDT_RAM + eax * 8]
  mov eax, esi
  mov word [edi], ax
  mov word [edi + 2], KCODE32
  mov word [edi + 4], 0x8e00
  shr eax, 16
  mov word [edi + 6], ax
  ret

; Waits (IF set) until the dword at EDI differs from EDX (check 90 if it never does).
wait_change:
  mov ecx, WAIT_LOOPS
.poll:
  cmp [edi], edx
  jne .done
  dec ecx
  jnz .poll
  mov ebx, 90
  jmp fail32
.done:
  ret

pm32_idtr

pm32:
  pm32_entry
  mov al, TIMER_VECTOR
  mov esi, LIN(timer_handler)
  call set_gate
  mov al, IPI_VECTOR
  mov esi, LIN(ipi_handler)
  call set_gate
  mov al, IPI_NO_EOI_VECTOR
  mov esi, LIN(ipi_no_eoi_handler)
  call set_gate
  mov al, PIT_VECTOR
  mov esi, LIN(pit_handler)
  call set_gate
  mov al, SPURIOUS_VECTOR
  mov esi, LIN(spurious_handler)
  call set_gate
  lidt [LIN(idtr32)]
  xor eax, eax
  mov [TIMER_TICKS], eax
  mov [IPIS], eax
  mov [PIT_TICKS], eax
  mov al, 0xff                  ; both 8259As masked: nothing comes through LINT0
  out 0x21, al
  out 0xa1, al

  ; ---- CPUID and IA32_APIC_BASE
  mov eax, 1
  cpuid
  test edx, 1 << 9
  fail_unless nz, 1
  shr ebx, 24
  fail_unless z, 2
  mov ecx, 0x1b
  rdmsr
  cmp eax, 0xfee00900           ; enabled, the BSP, at the default base
  fail_unless e, 3
  mov al, 'C'
  out DEBUGCON, al

  ; ---- software enable, the version
  mov dword [APIC_SVR], 0x100 | SPURIOUS_VECTOR
  cmp dword [APIC_VERSION], 0x00050014
  fail_unless e, 4
  cmp dword [APIC_SVR], 0x1ff
  fail_unless e, 5
  mov al, 'A'
  out DEBUGCON, al

  ; ---- the timer: periodic, 1 ms at divide-by-1 (1 GHz), wakes HLT
  mov dword [APIC_DIVIDE], 0xb
  mov dword [APIC_LVT_TIMER], 0x20000 | TIMER_VECTOR
  mov dword [APIC_INITIAL], 1000000
  mov eax, [APIC_CURRENT]
  cmp eax, 1000000
  fail_unless be, 6
  sti
  hlt
  cli
  cmp dword [TIMER_TICKS], 0
  fail_unless ne, 7
  mov edx, [TIMER_TICKS]        ; periodic: it comes again
  mov edi, TIMER_TICKS
  sti
  call wait_change
  cli
  mov dword [APIC_INITIAL], 0   ; stopped
  cmp dword [APIC_CURRENT], 0
  fail_unless e, 8
  mov al, 'T'
  out DEBUGCON, al

  ; ---- TPR class 4 holds a self IPI of vector 0x40 off; TPR 0 lets it in
  mov dword [APIC_TPR], 0x40
  mov dword [APIC_ICR_LOW], SELF_IPI | IPI_VECTOR
  sti
  mov ecx, 100000
.held_by_tpr:
  dec ecx
  jnz .held_by_tpr
  cli
  cmp dword [IPIS], 0
  fail_unless e, 10
  test dword [APIC_IRR + 0x20], 1   ; vector 0x40: bit 0 of IRR's third dword
  fail_unless nz, 11
  mov dword [APIC_TPR], 0
  sti
  nop
  cli
  cmp dword [IPIS], 1
  fail_unless e, 12
  test dword [APIC_IRR + 0x20], 1
  fail_unless z, 13
  mov al, 'M'
  out DEBUGCON, al

  ; ---- 0x41 in service (no EOI) holds 0x40 off; the EOI lets it in
  mov dword [APIC_ICR_LOW], SELF_IPI | IPI_NO_EOI_VECTOR
  sti
  nop
  cli
  cmp dword [IPIS], 2
  fail_unless e, 20
  test dword [APIC_ISR + 0x20], 2
  fail_unless nz, 21
  cmp dword [APIC_PPR], 0x40
  fail_unless e, 22
  mov dword [APIC_ICR_LOW], SELF_IPI | IPI_VECTOR
  sti
  nop
  cli
  cmp dword [IPIS], 2
  fail_unless e, 23
  mov dword [APIC_EOI], 0
  sti
  nop
  cli
  cmp dword [IPIS], 3
  fail_unless e, 24
  cmp dword [APIC_ISR + 0x20], 0
  fail_unless e, 25
  mov al, 'E'
  out DEBUGCON, al

  ; ---- the PIT through the IOAPIC: pin 2 (ISA IRQ0) to vector 0x50, both 8259As still masked
  mov dword [IOAPIC_SEL], 1
  cmp dword [IOAPIC_WIN], 0x00170020
  fail_unless e, 30
  mov dword [IOAPIC_SEL], 0x15      ; pin 2's destination: APIC 0
  mov dword [IOAPIC_WIN], 0
  mov dword [IOAPIC_SEL], 0x14      ; fixed, physical, edge, active high, unmasked
  mov dword [IOAPIC_WIN], PIT_VECTOR
  mov al, 0x34                  ; channel 0: mode 2, 1 kHz
  out 0x43, al
  mov al, 1193 & 0xff
  out 0x40, al
  mov al, 1193 >> 8
  out 0x40, al
  sti
  hlt
  cli
  cmp dword [PIT_TICKS], 0
  fail_unless ne, 31
  mov edx, [PIT_TICKS]
  mov edi, PIT_TICKS
  sti
  call wait_change
  cli
  mov al, 'O'
  out DEBUGCON, al
  jmp pass32

reset_vector start
