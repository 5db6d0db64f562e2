; A -M pc test ROM for the x87 (and FXSAVE/FXRSTOR): it enters 32-bit
; protected mode as modes.asm does and checks FP results bit for bit against
; constants worked out by hand (or by the host's x87, noted where so):
;   A  arithmetic: 1/3 in each precision control (with C1 = rounded up),
;      sqrt(2), FLDPI, FPREM's quotient bits, FCOMI/FUCOMI flags, FCMOVcc, FXAM
;   C  conversions: FIST in each rounding mode, FBSTP/FBLD, FST m32 rounding
;   S  stack overflow (IE, SF, C1 = 1, the indefinite pushed) and underflow
;      (C1 = 0), the tag word
;   M  an unmasked zero divide: ES/B set, the destination left alone, #MF
;      (vector 16) through the IDT at the next waiting instruction with
;      CR0.NE = 1, not at FNSTSW; the faulting EIP is the FWAIT's
;   N  #NM (vector 7) with CR0.TS for FP instructions, for WAIT only with MP
;   V  FSAVE/FRSTOR (32-bit protected layout) and FSTENV/FLDENV round trips
;   F  FXSAVE/FXRSTOR round trip (abridged tag word, MXCSR), #GP when not
;      16-byte aligned, LDMXCSR #GP on a reserved bit, CPUID's FPU and FXSR
; Each phase prints its letter on the debugcon at 0xE9; the end prints
; "PASS" and exits through isa-debug-exit with 0 (Kiln's status 1). A failed
; check prints " F n" and exits with n (status 2n+1).
;   kiln -M pc -bios x87.bin -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04
bits 16
cpu x64

%define LAST_VEC (VARS + 0)
%define LAST_ERR (VARS + 8)
%define RESUME (VARS + 16)
%define FAULT_EIP (VARS + 24)
%define BUF 0x5000                ; 16-byte aligned scratch
%define AREA 0x6000               ; FSAVE / FXSAVE area (16-byte aligned)

%include "pm32.inc"

pm32_flat_gdt

; [address] == value (dword), else fail n
%macro expect32 3
  cmp dword [%1], %2
  fail_unless e, %3
%endmacro
; Pops ST(0) into BUF as 80 bits and checks significand and sign/exponent.
%macro expect_st0 3        ; significand (64-bit constant), sign+exponent, check number
  fstp tword [BUF]
  expect32 BUF, (%1) & 0xffffffff, %3
  expect32 BUF + 4, (%1) >> 32, %3
  cmp word [BUF + 8], %2
  fail_unless e, %3
%endmacro
; The status word's condition bits (C3 C2 C1 C0 as AH bits 6 2 1 0) equal `bits`.
%macro expect_cc 2
  fnstsw ax
  and ah, 0x47
  cmp ah, %1
  fail_unless e, %2
%endmacro
; Expects the instruction at %%at to raise `vector`, then continue after it.
%macro expect_fault 3      ; vector, instruction, check number
  mov dword [LAST_VEC], -1
  mov dword [RESUME], LIN(%%after)
%%at:
  %2
%%after:
  cmp dword [LAST_VEC], %1
  fail_unless e, %3
  cmp dword [FAULT_EIP], LIN(%%at)
  fail_unless e, %3
%endmacro

; ---------------------------------------------------------------- real mode
pm32_start

; Fault handlers: record the vector, the error code and the faulting EIP; continue at [RESUME].
%macro handler 2
handler_%1:
  %if %2
  pop dword [LAST_ERR]
  %endif
  mov dword [LAST_VEC], %1
  push eax
  mov eax, [esp + 4]
  mov [FAULT_EIP], eax
  mov eax, [RESUME]
  mov [esp + 4], eax
  pop eax
  iretd
%endmacro
; An unexpected #UD (an instruction the -cpu model lacks): fail 99.
handler_6:
  mov ebx, 99
  jmp fail32
handler 7, 0
handler 13, 1
handler 16, 0
handlers: dd 6, LIN(handler_6), 7, LIN(handler_7), 13, LIN(handler_13), 16, LIN(handler_16)
handlers_end:

pm32_idtr

; Constants
align 16
c_three: dd 3.0
c_two: dd 2.0
c_17: dd 17.0
c_2_5: dq 2.5
c_m2_5: dq -2.5
c_bcd_val: dd -1234567
c_third_f32: dd 0x3eaaaaab      ; 1/3 as binary32, rounded to nearest
c_qnan: dd 0x7fc00000

; FIST of [ESI] (a double) in rounding mode RC (CX = the control word), expecting EDX.
fist_rc:
  mov [BUF + 16], cx
  fldcw [BUF + 16]
  fld qword [esi]
  fistp dword [BUF]
  cmp [BUF], edx
  ret

; ---------------------------------------------------------------- 32-bit protected mode
pm32:
  flat_data32
  lidt [LIN(idtr32)]
  install_handlers
  ; CR0: no emulation, MP and NE set (native #MF reporting), TS clear.
  mov eax, cr0
  and eax, ~(4 | 8)
  or eax, 2 | 0x20
  mov cr0, eax

  ; ------------------------------------------------ A: arithmetic
  mov al, 'A'
  out DEBUGCON, al
  fninit
  fnstcw [BUF]
  cmp word [BUF], 0x037f
  fail_unless e, 1
  ; 1/3 with 64-bit precision (the power-on PC): rounded up, so C1 = 1.
  fld1
  fdiv dword [LIN(c_three)]
  fnstsw ax
  test ah, 2
  fail_unless nz, 2
  expect_st0 0xaaaaaaaaaaaaaaab, 0x3ffd, 3
  ; 53-bit precision (PC = 10): rounded down.
  mov word [BUF + 16], 0x027f
  fldcw [BUF + 16]
  fld1
  fdiv dword [LIN(c_three)]
  expect_st0 0xaaaaaaaaaaaaa800, 0x3ffd, 4
  ; 24-bit precision (PC = 00): rounded up, the exponent range stays 15 bits.
  mov word [BUF + 16], 0x007f
  fldcw [BUF + 16]
  fld1
  fdiv dword [LIN(c_three)]
  expect_st0 0xaaaaab0000000000, 0x3ffd, 5
  fninit
  ; sqrt(2) (the host's x87 agrees)
  fld dword [LIN(c_two)]
  fsqrt
  expect_st0 0xb504f333f9de6484, 0x3fff, 6
  fldpi
  expect_st0 0xc90fdaa22168c235, 0x4000, 7
  ; FPREM: 17 / 3 = 5 (101b) remainder 2: Q2 Q1 Q0 in C0 C3 C1 = 1 0 1, C2 = 0 (complete).
  fld dword [LIN(c_three)]
  fld dword [LIN(c_17)]
  fprem
  expect_cc 0x03, 8
  expect_st0 0x8000000000000000, 0x4000, 9
  fstp st0
  ; FCOMI: 2 > 1 clears ZF PF CF; 1 < 2 sets CF; against a NaN (FUCOMI) all three.
  fld1
  fld dword [LIN(c_two)]
  fcomi st0, st1
  fail_unless a, 10
  fxch
  fcomi st0, st1
  fail_unless b, 11
  fld dword [LIN(c_qnan)]
  fucomip st0, st1
  fail_unless p, 12
  fail_unless e, 12
  fail_unless b, 12
  ; FCMOVcc: ST0 = 1, ST1 = 2; CF set moves ST1 in.
  stc
  fcmovnb st0, st1          ; not taken
  fcmovb st0, st1           ; taken
  expect_st0 0x8000000000000000, 0x4000, 13
  fstp st0
  ; FXAM: +normal (C3 C2 C1 C0 = 0 1 0 0), then empty (1 0 x 1)
  fld1
  fxam
  expect_cc 0x04, 14
  fstp st0
  fxam
  fnstsw ax
  and ah, 0x45
  cmp ah, 0x41
  fail_unless e, 15

  ; ------------------------------------------------ C: conversions
  mov al, 'C'
  out DEBUGCON, al
  fninit
  mov esi, LIN(c_2_5)
  mov cx, 0x037f            ; nearest even
  mov edx, 2
  call fist_rc
  fail_unless e, 20
  mov cx, 0x077f            ; down
  mov edx, 2
  call fist_rc
  fail_unless e, 21
  mov cx, 0x0b7f            ; up
  mov edx, 3
  call fist_rc
  fail_unless e, 22
  mov cx, 0x0f7f            ; toward zero
  mov edx, 2
  call fist_rc
  fail_unless e, 23
  mov esi, LIN(c_m2_5)
  mov cx, 0x037f
  mov edx, -2
  call fist_rc
  fail_unless e, 24
  mov cx, 0x077f
  mov edx, -3
  call fist_rc
  fail_unless e, 25
  mov cx, 0x0b7f
  mov edx, -2
  call fist_rc
  fail_unless e, 26
  mov cx, 0x0f7f
  mov edx, -2
  call fist_rc
  fail_unless e, 27
  fninit
  ; FISTTP truncates whatever the rounding mode.
  fld qword [LIN(c_m2_5)]
  fisttp word [BUF]
  cmp word [BUF], -2
  fail_unless e, 28
  ; FBSTP -1234567: digits 67 45 23 01, sign byte 0x80; FBLD reads it back.
  fild dword [LIN(c_bcd_val)]
  fbstp [BUF]
  expect32 BUF, 0x01234567, 29
  expect32 BUF + 4, 0, 29
  cmp word [BUF + 8], 0x8000
  fail_unless e, 29
  fbld [BUF]
  fistp dword [BUF + 16]
  expect32 BUF + 16, -1234567, 30
  ; FST m32 of 1/3 rounds to nearest binary32.
  fld1
  fdiv dword [LIN(c_three)]
  fstp dword [BUF]
  expect32 BUF, 0x3eaaaaab, 31
  ; FLD m32 of that float and back as 80 bits: exact.
  fld dword [LIN(c_third_f32)]
  expect_st0 0xaaaaab0000000000, 0x3ffd, 32

  ; ------------------------------------------------ S: stack faults (masked)
  mov al, 'S'
  out DEBUGCON, al
  fninit
  mov ecx, 8
.push8:
  fld1
  loop .push8
  fnstsw ax
  test ax, 0x0241
  fail_unless z, 40         ; eight pushes: no fault yet
  fnstenv [BUF]
  cmp word [BUF + 8], 0     ; every tag: valid
  fail_unless e, 41
  fld1                       ; the ninth: overflow
  fnstsw ax
  and ax, 0x0241             ; C1 SF IE
  cmp ax, 0x0241
  fail_unless e, 42
  expect_st0 0xc000000000000000, 0xffff, 43  ; the indefinite was pushed
  fninit
  fld1
  fadd st0, st3              ; ST(3) is empty: underflow, C1 = 0
  fnstsw ax
  and ax, 0x0241
  cmp ax, 0x0041
  fail_unless e, 44
  expect_st0 0xc000000000000000, 0xffff, 45
  ; FNSTENV's tag word: ST0 = 1.0 valid, ST1 = 0 zero, the rest empty (TOP = 6: R6 valid, R7 zero)
  fninit
  fldz
  fld1
  fnstenv [BUF]
  cmp word [BUF + 8], 0x4fff
  fail_unless e, 46
  cmp word [BUF + 4], 0x3000  ; TOP = 6
  fail_unless e, 47

  ; ------------------------------------------------ M: unmasked exception, #MF
  mov al, 'M'
  out DEBUGCON, al
  fninit
  mov word [BUF + 16], 0x037b  ; ZE unmasked
  fldcw [BUF + 16]
  fld1
  fldz
  fdivp st1, st0             ; 1/0: ZE unmasked -> ES, B; nothing written, no pop
  fnstsw ax                  ; does not wait: no fault
  and ax, 0x8085
  cmp ax, 0x8084
  fail_unless e, 50
  expect_fault 16, fwait, 51
  expect_fault 16, {fld1}, 52  ; every waiting FP instruction faults while ES is set
  fnclex
  fnstsw ax
  test ax, 0x80ff
  fail_unless z, 53
  fwait                      ; nothing pending now
  expect_st0 0, 0, 54        ; the zero is still there: the division wrote nothing
  expect_st0 0x8000000000000000, 0x3fff, 55
  ; Unmasking a pending exception with FLDCW sets ES again.
  fninit
  fld1
  fldz
  fdivp st1, st0             ; masked: ST0 = +inf, ZE
  mov word [BUF + 16], 0x037b
  fldcw [BUF + 16]
  fnstsw ax
  test ax, 0x80
  fail_unless nz, 56
  fninit

  ; ------------------------------------------------ N: #NM
  mov al, 'N'
  out DEBUGCON, al
  mov eax, cr0
  or eax, 8                  ; TS
  mov cr0, eax
  expect_fault 7, {fld1}, 60
  expect_fault 7, fwait, 61  ; MP = 1: WAIT faults too
  mov eax, cr0
  and eax, ~2                ; MP = 0: WAIT ignores TS
  mov cr0, eax
  mov dword [LAST_VEC], -1
  fwait
  cmp dword [LAST_VEC], -1
  fail_unless e, 62
  mov eax, cr0
  or eax, 4                  ; EM: FP instructions fault with #NM
  and eax, ~8
  mov cr0, eax
  expect_fault 7, {fnstsw ax}, 63
  mov eax, cr0
  and eax, ~4
  or eax, 2
  mov cr0, eax
  clts
  fld1                       ; runs again
  fstp st0

  ; ------------------------------------------------ V: FSAVE/FRSTOR, FSTENV/FLDENV
  mov al, 'V'
  out DEBUGCON, al
  fninit
  fld1
  fldpi
  fld dword [LIN(c_three)]   ; ST0 = 3, ST1 = pi, ST2 = 1
  fnsave [AREA]
  expect32 AREA, 0xffff037f, 70        ; FCW (32-bit layout: upper half reserved)
  cmp word [AREA + 4], 0x2800          ; TOP = 5
  fail_unless e, 71
  cmp word [AREA + 8], 0x03ff          ; R5 R6 R7 valid, the rest empty
  fail_unless e, 72
  expect32 AREA + 28 + 10 + 4, 0xc90fdaa2, 73   ; ST1 = pi in the register area
  fnstsw ax                            ; FNSAVE reinitialised the FPU
  test ax, 0x3800
  fail_unless z, 74
  frstor [AREA]
  expect_st0 0xc000000000000000, 0x4000, 75
  expect_st0 0xc90fdaa22168c235, 0x4000, 76
  expect_st0 0x8000000000000000, 0x3fff, 77
  ; FSTENV masks every exception; FLDENV brings the old control word back.
  fninit
  mov word [BUF + 16], 0x0360
  fldcw [BUF + 16]
  fnstenv [BUF]
  fnstcw [BUF + 32]
  cmp word [BUF + 32], 0x037f
  fail_unless e, 78
  fldenv [BUF]
  fnstcw [BUF + 32]
  cmp word [BUF + 32], 0x0360
  fail_unless e, 79
  ; FSAVE's FIP/FOP/FDP: the last non-control instruction (fld dword [c_three]: D9 /0, opcode 0x105)
  fninit
  mov word [BUF + 16], 0x037f
  fldcw [BUF + 16]
  fld dword [LIN(c_three)]
.last_fp:
  fnsave [AREA]
  expect32 AREA + 12, LIN(.last_fp) - 6, 80   ; FIP: the FLD (6 bytes: D9 05 disp32)
  expect32 AREA + 16, (0x105 << 16) | KCODE32, 81
  expect32 AREA + 20, LIN(c_three), 82
  expect32 AREA + 24, 0xffff0000 | KDATA, 83
  fninit

  ; ------------------------------------------------ F: FXSAVE/FXRSTOR, MXCSR, CPUID
  mov al, 'F'
  out DEBUGCON, al
  mov eax, 1
  cpuid
  test edx, 1                ; FPU
  fail_unless nz, 85
  test edx, 1 << 24          ; FXSR
  fail_unless nz, 86
  mov eax, cr4
  or eax, 1 << 9             ; OSFXSR
  mov cr4, eax
  fninit
  fld1
  fldz                       ; TOP = 6, R6 zero, R7 valid
  mov dword [BUF], 0x1f80 | 0x6000   ; MXCSR with RC = toward zero
  ldmxcsr [BUF]
  fxsave [AREA]
  cmp byte [AREA + 4], 0xc0  ; the abridged tag word: R6, R7 in use
  fail_unless e, 87
  expect32 AREA + 24, 0x7f80, 88
  expect32 AREA + 28, 0xffff, 89          ; MXCSR_MASK
  expect32 AREA + 48 + 4, 0x80000000, 90  ; ST1 = 1.0 at offset 48
  fninit
  mov dword [BUF], 0x1f80
  ldmxcsr [BUF]
  fxrstor [AREA]
  stmxcsr [BUF]
  expect32 BUF, 0x7f80, 91
  expect_st0 0, 0, 92
  expect_st0 0x8000000000000000, 0x3fff, 93
  fnstenv [BUF]
  cmp word [BUF + 8], 0xffff              ; both popped: all empty
  fail_unless e, 94
  mov dword [LAST_ERR], -1
  expect_fault 13, {fxsave [AREA + 8]}, 95
  cmp dword [LAST_ERR], 0
  fail_unless e, 96
  mov dword [BUF], 0x10000   ; a reserved MXCSR bit
  expect_fault 13, {ldmxcsr [BUF]}, 97

  jmp pass32

reset_vector start
