; A -M pc test ROM for external interrupts (issue 14's PIC and PIT, issue 13's
; STI shadow and HLT), checking itself like the other ROMs. In real mode: the
; 8259A pair initialised (vectors 0x20 and 0x28) and the 8254's channel 0 as a
; 1 kHz rate generator on IRQ0 (letter I); STI; HLT sleeps until the timer
; interrupt (H); with IRQ0 pending under CLI, STI's shadow lets the next
; instruction run before the handler, and the handler comes right after it,
; so STI; CLI opens no window (S);
; a masked IRQ0 waits in IRR and comes once unmasked (M); without an EOI
; IRQ0 stays in service and holds the next one off, which comes after the EOI
; (E); channel 2 counts only with port 0x61's gate bit and its OUT reads back
; at bit 5 (G); bit 4 toggles (T). Then in 32-bit protected mode (R, P) the
; same timer through the IDT: STI; HLT (h), the shadow (s). The end prints
; "PASS" and exits through isa-debug-exit with 0 (Kiln's status 1); a failed
; check prints " F nn" and exits with nn.
bits 16
cpu 686

%define DEBUGCON 0xe9
%define DEBUG_EXIT 0xf4
%define ROM_BASE 0xf0000
%define LIN(x) (ROM_BASE + (x))

%define GDT_RAM 0x1000
%define IDT_RAM 0x2000
%define VARS 0x4000
%define TICKS (VARS + 0)       ; timer interrupts taken (dword)
%define X (VARS + 4)           ; written around STI
%define SEEN_X (VARS + 5)      ; X as the first handler run saw it (0xFF: not yet)
%define NO_EOI (VARS + 6)      ; the handler leaves IRQ0 in service
%define STACK 0x9000

%define KCODE32 0x08
%define KDATA 0x10

%define PIT_COUNT 1193         ; 1 kHz
%define WAIT_LOOPS 200000000   ; bounds every wait (seconds, not milliseconds)

section main start=0 vstart=0

gdt:
  dq 0
  dq 0x00cf9a000000ffff   ; 08 ring 0 code, 32-bit, flat
  dq 0x00cf92000000ffff   ; 10 ring 0 data, flat
gdt_end:
gdtr: dw gdt_end - gdt - 1
      dd GDT_RAM

%include "common.inc"

%define FAIL_LABEL fail16

; ---- 16-bit pieces

fail_routine fail16

; IRQ0's handler (vector 0x20): counts, notes X the first time, and sends
; the EOI unless NO_EOI. %1: its return (IRET or IRETD).
%macro irq0_handler 1
  push eax
  inc dword [TICKS]
  cmp byte [SEEN_X], 0xff
  jne %%seen
  mov al, [X]
  mov [SEEN_X], al
%%seen:
  cmp byte [NO_EOI], 0
  jne %%no_eoi
  mov al, 0x20                  ; non-specific EOI
  out 0x20, al
%%no_eoi:
  pop eax
  %1
%endmacro

; With IF clear: waits until IRQ0 is pending in the master's IRR (check 80 if it never is).
%macro wait_irr0_routine 0
  mov al, 0x0a                  ; OCW3: read IRR
  out 0x20, al
  mov ecx, WAIT_LOOPS
%%poll:
  in al, 0x20
  test al, 1
  jnz %%done
  dec ecx
  jnz %%poll
  mov ebx, 80
  jmp FAIL_LABEL
%%done:
  ret
%endmacro

irq0_real:
  irq0_handler iret
wait_irr0:
  wait_irr0_routine

; Waits (IF set) until TICKS differs from EDX.
wait_tick:
  mov ecx, WAIT_LOOPS
.poll:
  cmp [TICKS], edx
  jne .done
  dec ecx
  jnz .poll
  mov ebx, 81
  jmp fail16
.done:
  ret

start:
  real_mode_flat
  mov word [0x20 * 4], irq0_real
  mov word [0x20 * 4 + 2], 0xf000
  mov dword [TICKS], 0
  mov byte [NO_EOI], 0
  mov byte [SEEN_X], 0xff
  ; the master at vectors 0x20-0x27, the slave at 0x28-0x2F on its IR2
  mov al, 0x11
  out 0x20, al
  mov al, 0x20
  out 0x21, al
  mov al, 0x04
  out 0x21, al
  mov al, 0x01
  out 0x21, al
  mov al, 0x11
  out 0xa0, al
  mov al, 0x28
  out 0xa1, al
  mov al, 0x02
  out 0xa1, al
  mov al, 0x01
  out 0xa1, al
  in al, 0x21
  cmp al, 0                     ; ICW1 cleared the mask
  fail_unless e, 1
  mov al, 0xfe                  ; only IRQ0
  out 0x21, al
  mov al, 0xff
  out 0xa1, al
  in al, 0x21
  cmp al, 0xfe
  fail_unless e, 2
  ; channel 0: mode 2, LSB then MSB
  mov al, 0x34
  out 0x43, al
  mov al, PIT_COUNT & 0xff
  out 0x40, al
  mov al, PIT_COUNT >> 8
  out 0x40, al
  mov al, 'I'
  out DEBUGCON, al

  ; ---- STI; HLT: the host sleeps, the timer wakes the CPU
  mov dword [TICKS], 0
  sti
  hlt
  cli
  cmp dword [TICKS], 0
  fail_unless ne, 3
  mov al, 'H'
  out DEBUGCON, al

  ; ---- the STI shadow: IRQ0 pending, the instruction after STI runs first, the handler right after it
  call wait_irr0
  mov byte [X], 0
  mov byte [SEEN_X], 0xff
  mov dword [TICKS], 0
  sti
  mov byte [X], 1
  mov byte [X], 2
  cli
  cmp byte [SEEN_X], 1
  fail_unless e, 4
  cmp dword [TICKS], 0
  fail_unless ne, 5
  ; STI; CLI (IF was 0) opens no window at all: the shadow covers the CLI
  call wait_irr0
  mov dword [TICKS], 0
  sti
  cli
  cmp dword [TICKS], 0
  fail_unless e, 6
  ; the same pending IRQ0 is taken at the next window
  sti
  nop
  cli
  cmp dword [TICKS], 0
  fail_unless ne, 7
  mov al, 'S'
  out DEBUGCON, al

  ; ---- a masked IRQ0 waits in IRR; unmasked, it comes
  mov al, 0xff
  out 0x21, al
  mov dword [TICKS], 0
  call wait_irr0
  sti
  mov ecx, 100000                ; a while with IF set and IRQ0 masked
.masked:
  dec ecx
  jnz .masked
  cli
  cmp dword [TICKS], 0
  fail_unless e, 8
  mov al, 0xfe
  out 0x21, al
  sti
  nop
  cli
  cmp dword [TICKS], 0
  fail_unless ne, 9
  mov al, 'M'
  out DEBUGCON, al

  ; ---- no EOI: IRQ0 stays in service and holds the next one off until the EOI
  mov byte [NO_EOI], 1
  call wait_irr0
  mov dword [TICKS], 0
  sti
  nop
  cli
  cmp dword [TICKS], 1
  fail_unless e, 10
  mov al, 0x0b                  ; OCW3: read ISR
  out 0x20, al
  in al, 0x20
  test al, 1
  fail_unless nz, 11
  call wait_irr0                ; the next request, latched in IRR
  sti
  mov ecx, 100000
.held:
  dec ecx
  jnz .held
  cli
  cmp dword [TICKS], 1
  fail_unless e, 12
  mov byte [NO_EOI], 0
  mov al, 0x60                  ; specific EOI for IRQ0
  out 0x20, al
  mov edx, 1
  sti
  call wait_tick
  cli
  mov al, 0x0b
  out 0x20, al
  in al, 0x20
  test al, 1
  fail_unless z, 13
  mov al, 'E'
  out DEBUGCON, al

  ; ---- channel 2 behind port 0x61: gate (bit 0) and OUT (bit 5)
  mov al, 0x00
  out 0x61, al
  mov al, 0xb0                  ; channel 2, LSB then MSB, mode 0
  out 0x43, al
  mov al, 0x10
  out 0x42, al
  mov al, 0x00
  out 0x42, al                  ; 16 ticks, but the gate is low
  mov ecx, 100000
.gate_low:
  dec ecx
  jnz .gate_low
  in al, 0x61
  test al, 0x20
  fail_unless z, 14
  mov al, 0x01
  out 0x61, al
  in al, 0x61
  test al, 0x01
  fail_unless nz, 15
  mov ecx, WAIT_LOOPS
.out2:
  in al, 0x61
  test al, 0x20
  jnz .out2_high
  dec ecx
  jnz .out2
  mov ebx, 16
  jmp fail16
.out2_high:
  mov al, 0xb0                  ; a new control word: OUT low again (mode 0)
  out 0x43, al
  in al, 0x61
  test al, 0x20
  fail_unless z, 17
  mov al, 'G'
  out DEBUGCON, al
  ; bit 4 toggles with DRAM refresh (BIOS delay loops count its edges)
  in al, 0x61
  and al, 0x10
  mov ah, al
  mov ecx, WAIT_LOOPS
.refresh:
  in al, 0x61
  and al, 0x10
  cmp al, ah
  jne .toggled
  dec ecx
  jnz .refresh
  mov ebx, 18
  jmp fail16
.toggled:
  mov al, 'T'
  out DEBUGCON, al

  real_to_pm32 pm32

bits 32
%define FAIL_LABEL fail32
report_routines

irq0_pm:
  irq0_handler iretd
wait_irr0_32:
  wait_irr0_routine

idtr32: dw 256 * 8 - 1
        dd IDT_RAM

pm32:
  mov ax, KDATA
  mov ds, ax
  mov es, ax
  mov ss, ax
  mov esp, STACK
  mov al, 'P'
  out DEBUGCON, al
  mov eax, LIN(irq0_pm)         ; vector 0x20: a 32-bit interrupt gate
  mov word [IDT_RAM + 0x20 * 8], ax
  mov word [IDT_RAM + 0x20 * 8 + 2], KCODE32
  mov word [IDT_RAM + 0x20 * 8 + 4], 0x8e00
  shr eax, 16
  mov word [IDT_RAM + 0x20 * 8 + 6], ax
  lidt [LIN(idtr32)]

  mov dword [TICKS], 0
  sti
  hlt
  cli
  cmp dword [TICKS], 0
  fail_unless ne, 20
  mov al, 'h'
  out DEBUGCON, al

  call wait_irr0_32
  mov byte [X], 0
  mov byte [SEEN_X], 0xff
  sti
  mov byte [X], 1
  mov byte [X], 2
  cli
  cmp byte [SEEN_X], 1
  fail_unless e, 22
  mov al, 's'
  out DEBUGCON, al
  jmp pass32

reset_vector start
