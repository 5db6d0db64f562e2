; A -M pc test ROM for the local APIC's x2APIC mode (SDM Vol. 3 §11.12),
; checking itself like msr.asm, in 32-bit protected mode:
;  C  CPUID.1:ECX.x2APIC (bit 21). Without it (every model but max): no
;     leaf 0xB (the highest basic leaf below it), EXTD in IA32_APIC_BASE and
;     MSR 0x802 are #GP(0); "N", then PASS. With it: the highest basic leaf
;     is 0xB, the extended topology (SDM Vol. 3 §9.9.1: every CPU a package of
;     one core of one thread): subleaf 0 the SMT level (EAX shift 0, EBX 1,
;     ECX type 1), subleaf 1 the core level (0, 1, type 2), subleaf 2 past
;     the last level (EBX 0, ECX 2), EDX the x2APIC ID 0; CPUID.1:EBX[31:16]
;     is 0 (initial APIC ID 0, no logical-processor count) and HTT clear.
;  X  in xAPIC mode MSR 0x802 is #GP(0), and so is EXTD without EN; EN|EXTD
;     enters x2APIC mode and IA32_APIC_BASE reads it back.
;  I  ID (0x802) is the full APIC ID 0, version (0x803) 0x50014, LDR (0x80D)
;     cluster 0 bit 0 = 1.
;  W  the MMIO page no longer answers: reads all ones, a write to its SVR
;     leaves the SVR MSR as it was.
;  G  #GP(0): a write to ID (read-only), DFR (0x80E) and the ICR high half
;     (0x831) and reads of EOI (write-only), an EOI of 1, bits 63:32 of the
;     TPR set, back to xAPIC mode without passing through disabled.
;  S  SELF IPI (0x83F) delivers vector 0x40 (its handler EOIs by MSR).
;  R  the 64-bit ICR (0x830) to APIC 0, physical, delivers 0x40 and reads back.
;  T  the timer through MSRs (divide 0x83E, LVT 0x832, initial 0x838,
;     current 0x839) wakes HLT once, one-shot.
;  A  (-smp 2 and more, by fw_cfg's CPU count) INIT and SIPI to all but
;     itself through the 64-bit ICR start AP 1 at F100:0000 (this ROM's
;     second page); it enters x2APIC mode and records its ID by MSR (1),
;     and CPUID's: leaf 0xB's EDX and CPUID.1:EBX[31:24] are 1 there too;
;     a fixed IPI to physical destination 1 and one to logical cluster 0
;     bit 1, both through MSR 0x830, each reach it.
;  D  disabled, then xAPIC mode: the MMIO page answers again.
; Each phase prints its letter on the debugcon at 0xE9; the end prints "PASS"
; and exits through isa-debug-exit with 0 (Kiln's status 1). A failed check
; prints " F n" and exits with n.
bits 16
cpu 686

%define LAST_VEC (VARS + 0)
%define LAST_ERR (VARS + 4)
%define FRAME_EIP (VARS + 8)
%define RESUME (VARS + 12)
%define IPIS (VARS + 16)
%define TIMER_TICKS (VARS + 20)
%define AP_STARTED (VARS + 24)
%define AP_ID (VARS + 28)
%define AP_IPIS (VARS + 32)
%define AP_X2APIC_ID (VARS + 36)  ; the AP's CPUID.0Bh:EDX
%define AP_APIC_ID (VARS + 40)    ; the AP's CPUID.1:EBX[31:24]
%define AP_STACK 0x8000

%define APIC 0xfee00000
%define IPI_VECTOR 0x40
%define TIMER_VECTOR 0x30
%define AP_VECTOR 0x42
%define BASE_X2APIC 0xfee00c00  ; EN | EXTD at the default base (the BSP bit is read-only)

%define RECORDING_HANDLERS
%include "pm32.inc"

pm32_flat_gdt

; EDX:EAX = MSR %1 (clobbers ECX).
%macro rd 1
  mov ecx, %1
  rdmsr
%endmacro
; MSR %1 = %3:%2 (clobbers ECX, EAX, EDX).
%macro wr 3
  mov ecx, %1
  mov eax, %2
  mov edx, %3
  wrmsr
%endmacro

; The BSP's start, and AP 1's at CS = F100 (SIPI vector 0xF1), IP = 0.
pm32_start ap32

handler 13, 1

; Vectors that count and EOI through MSR 0x80B.
%macro counting_handler 1
  push eax
  push ecx
  push edx
  inc dword [%1]
  wr 0x80b, 0, 0
  pop edx
  pop ecx
  pop eax
  iretd
%endmacro
; CPUID leaf %1 subleaf %2 returns EAX %3, EBX %4, ECX %5, EDX %6; checks %7..%7+3.
%macro cpuid_is 7
  mov eax, %1
  mov ecx, %2
  cpuid
  cmp eax, %3
  fail_unless e, %7
  cmp ebx, %4
  fail_unless e, %7 + 1
  cmp ecx, %5
  fail_unless e, %7 + 2
  cmp edx, %6
  fail_unless e, %7 + 3
%endmacro

ipi_handler: counting_handler IPIS
timer_handler: counting_handler TIMER_TICKS
ap_handler: counting_handler AP_IPIS

ap32:
  flat_data32
  mov esp, AP_STACK
  lidt [LIN(idtr32)]
  wr 0x1b, BASE_X2APIC, 0
  wr 0x80f, 0x1ff, 0
  rd 0x802
  mov [AP_ID], eax
  mov eax, 0xb
  xor ecx, ecx
  cpuid
  mov [AP_X2APIC_ID], edx
  mov eax, 1
  cpuid
  shr ebx, 24
  mov [AP_APIC_ID], ebx
  lock inc dword [AP_STARTED]
.sleep:
  sti
  hlt
  jmp .sleep

wait_for_routine

handlers: dd 13, LIN(handler_13)
          dd IPI_VECTOR, LIN(ipi_handler)
          dd TIMER_VECTOR, LIN(timer_handler)
          dd AP_VECTOR, LIN(ap_handler)
handlers_end:

pm32_idtr

pm32:
  pm32_entry
  pm32_idt
  mov dword [LAST_VEC], -1
  xor eax, eax
  mov [IPIS], eax
  mov [TIMER_TICKS], eax
  mov [AP_STARTED], eax
  mov [AP_IPIS], eax
  mov dword [AP_ID], -1
  mov dword [AP_X2APIC_ID], -1
  mov dword [AP_APIC_ID], -1
  mov al, 0xff                      ; both 8259As masked
  out 0x21, al
  out 0xa1, al

  ; ---------------------------------------------------------------- CPUID
  mov eax, 1
  cpuid
  test ecx, 1 << 21
  jnz .has_x2apic
  xor eax, eax
  cpuid
  cmp eax, 0xb                      ; no leaf 0xB without x2APIC
  fail_unless b, 27
  mov al, 'C'
  out DEBUGCON, al
  mov eax, BASE_X2APIC
  xor edx, edx
  expect_gp wrmsr, 0x1b, 1
  expect_gp rdmsr, 0x802, 4
  rd 0x1b
  cmp eax, 0xfee00900               ; unchanged
  fail_unless e, 7
  mov al, 'N'
  out DEBUGCON, al
  jmp pass32
.has_x2apic:
  xor eax, eax
  cpuid
  cmp eax, 0xb                      ; the highest basic leaf
  fail_unless e, 24
  mov eax, 1
  cpuid
  shr ebx, 16                       ; initial APIC ID 0, no logical-processor count
  fail_unless z, 25
  test edx, 1 << 28                 ; HTT
  fail_unless z, 26
  cpuid_is 0xb, 0, 0, 1, 0x100, 0, 32   ; SMT level
  cpuid_is 0xb, 1, 0, 1, 0x201, 0, 36   ; core level
  cpuid_is 0xb, 2, 0, 0, 2, 0, 64       ; past the last level
  mov al, 'C'
  out DEBUGCON, al

  ; ---------------------------------------------------------------- into x2APIC mode
  expect_gp rdmsr, 0x802, 10
  mov eax, 0xfee00400               ; EXTD without EN
  xor edx, edx
  expect_gp wrmsr, 0x1b, 13
  wr 0x1b, BASE_X2APIC, 0
  expect_none 16
  rd 0x1b
  cmp eax, BASE_X2APIC | 0x100      ; and the BSP bit
  fail_unless e, 17
  mov al, 'X'
  out DEBUGCON, al

  ; ---------------------------------------------------------------- ID, version, LDR
  rd 0x802
  expect_none 20
  or eax, edx
  fail_unless z, 21
  rd 0x803
  cmp eax, 0x00050014
  fail_unless e, 22
  rd 0x80d
  cmp eax, 1
  fail_unless e, 23
  mov al, 'I'
  out DEBUGCON, al

  ; ---------------------------------------------------------------- the MMIO page is off
  cmp dword [APIC + 0x30], 0xffffffff
  fail_unless e, 30
  mov dword [APIC + 0xf0], 0x1ff
  rd 0x80f
  cmp eax, 0xff                     ; the reset SVR still
  fail_unless e, 31
  mov al, 'W'
  out DEBUGCON, al

  ; ---------------------------------------------------------------- #GP cases
  xor eax, eax
  xor edx, edx
  expect_gp wrmsr, 0x802, 40        ; ID: read-only
  expect_gp rdmsr, 0x80e, 43        ; no DFR
  expect_gp rdmsr, 0x831, 46        ; no ICR high half
  expect_gp rdmsr, 0x80b, 49        ; EOI: write-only
  mov eax, 1
  xor edx, edx
  expect_gp wrmsr, 0x80b, 52        ; EOI takes only 0
  xor eax, eax
  mov edx, 1
  expect_gp wrmsr, 0x808, 55        ; TPR bits 63:32 reserved
  mov eax, 0xfee00800
  xor edx, edx
  expect_gp wrmsr, 0x1b, 58         ; x2APIC -> xAPIC
  rd 0x1b
  cmp eax, BASE_X2APIC | 0x100
  fail_unless e, 61
  mov al, 'G'
  out DEBUGCON, al

  ; ---------------------------------------------------------------- SELF IPI
  wr 0x80f, 0x1ff, 0                ; software enable
  wr 0x83f, IPI_VECTOR, 0
  sti
  nop
  cli
  cmp dword [IPIS], 1
  fail_unless e, 70
  mov al, 'S'
  out DEBUGCON, al

  ; ---------------------------------------------------------------- the 64-bit ICR
  wr 0x830, 0x4000 | IPI_VECTOR, 0  ; fixed, physical, assert; destination APIC 0
  sti
  nop
  cli
  cmp dword [IPIS], 2
  fail_unless e, 75
  rd 0x830
  cmp eax, 0x4000 | IPI_VECTOR
  fail_unless e, 76
  test edx, edx
  fail_unless z, 77
  mov al, 'R'
  out DEBUGCON, al

  ; ---------------------------------------------------------------- the timer
  wr 0x83e, 0xb, 0                  ; divide by 1: 1 GHz
  wr 0x832, TIMER_VECTOR, 0         ; one-shot, unmasked
  wr 0x838, 1000000, 0              ; 1 ms
  rd 0x839
  cmp eax, 1000000
  fail_unless be, 80
  sti
  hlt
  cli
  cmp dword [TIMER_TICKS], 1
  fail_unless e, 81
  rd 0x839
  test eax, eax                     ; one-shot: done
  fail_unless z, 82
  mov al, 'T'
  out DEBUGCON, al

  ; ---------------------------------------------------------------- AP 1 (-smp 2 on)
  mov dx, 0x510
  mov ax, 0x05                      ; fw_cfg: FW_CFG_NB_CPUS, 16-bit little-endian
  out dx, ax
  mov dx, 0x511
  in al, dx
  cmp al, 2
  jb .one_cpu
  wr 0x830, 0xc4500, 0              ; INIT, assert, to all but self
  wr 0x830, 0xc4600 | 0xf1, 0       ; SIPI: F100:0000
  mov edx, 1
  mov edi, AP_STARTED
  mov ebx, 84
  call wait_for
  cmp dword [AP_ID], 1
  fail_unless e, 85
  cmp dword [AP_X2APIC_ID], 1
  fail_unless e, 94
  cmp dword [AP_APIC_ID], 1
  fail_unless e, 95
  wr 0x830, 0x4000 | AP_VECTOR, 1   ; fixed, physical, destination APIC 1
  mov edx, 1
  mov edi, AP_IPIS
  mov ebx, 86
  call wait_for
  wr 0x830, 0x4800 | AP_VECTOR, 2   ; fixed, logical: cluster 0, bit 1
  mov edx, 2
  mov edi, AP_IPIS
  mov ebx, 87
  call wait_for
  cmp dword [IPIS], 2               ; none of them reached the BSP
  fail_unless e, 88
  mov al, 'A'
  out DEBUGCON, al
.one_cpu:

  ; ---------------------------------------------------------------- out through disabled
  wr 0x1b, 0xfee00000, 0
  expect_none 90
  wr 0x1b, 0xfee00800, 0
  expect_none 91
  cmp dword [APIC + 0x30], 0x00050014
  fail_unless e, 92
  expect_gp rdmsr, 0x802, 93        ; the MSRs are gone again
  mov al, 'D'
  out DEBUGCON, al
  jmp pass32

reset_vector start
