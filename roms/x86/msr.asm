; A -M pc test ROM for the MSRs an OS probes and what CPUID says of them,
; checking itself like isa.asm, in 32-bit protected mode, on any model from
; the Pentium on (run under -cpu pentium, pentium3 and qemu64):
;  C  CPUID.1: EDX.MTRR is set exactly on family 6 (the P6 and later have
;     the MTRR MSRs, and Kiln implements them).
;  M  with MTRR: MTRRCAP (0xFE) says 8 variable ranges and the fixed ones;
;     MTRRdefType (0x2FF) and a variable base (0x200) read back what was
;     written. Without: MTRRCAP is #GP(0).
;  U  IA32_BIOS_SIGN_ID (0x8B) on family 6: Linux's microcode probe (write 0,
;     CPUID, read EDX) runs without a fault, and IA32_PLATFORM_ID (0x17)
;     reads. On the Pentium: #GP(0) for both, both ways.
;  X  an MSR no model has (0x40000000): RDMSR and WRMSR are #GP(0), EDX:EAX
;     unchanged (Linux's rdmsr_safe relies on the #GP).
; Each phase prints its letter on the debugcon at 0xE9; the end prints "PASS"
; and exits through isa-debug-exit with 0 (Kiln's status 1). A failed check
; prints " F n" and exits with n.
bits 16

%define LAST_VEC (VARS + 0)
%define LAST_ERR (VARS + 4)
%define FRAME_EIP (VARS + 8)
%define RESUME (VARS + 12)
%define FAMILY (VARS + 16)
%define MTRR_BIT (VARS + 20)

%define RECORDING_HANDLERS
%include "pm32.inc"

pm32_flat_gdt

pm32_start

handler 13, 1
handlers: dd 13, LIN(handler_13)
handlers_end:

pm32_idtr

pm32:
  pm32_entry
  pm32_idt
  mov dword [LAST_VEC], -1

  ; ---------------------------------------------------------------- CPUID
  mov eax, 1
  cpuid
  shr eax, 8
  and eax, 0xf
  mov [FAMILY], eax
  shr edx, 12
  and edx, 1
  mov [MTRR_BIT], edx
  cmp eax, 6
  setae al
  cmp al, dl
  fail_unless e, 1
  mov al, 'C'
  out DEBUGCON, al

  ; ---------------------------------------------------------------- MTRRs
  cmp dword [MTRR_BIT], 0
  je .no_mtrr
  mov ecx, 0xfe
  rdmsr
  expect_none 2
  and eax, 0x1ff
  cmp eax, 0x108                    ; VCNT = 8, FIX
  fail_unless e, 3
  mov ecx, 0x2ff
  mov eax, 0xc06                    ; enabled, fixed ranges on, default WB
  xor edx, edx
  wrmsr
  xor eax, eax
  rdmsr
  expect_none 4
  cmp eax, 0xc06
  fail_unless e, 5
  mov ecx, 0x200
  mov eax, 0x100006                 ; base 1 MiB, WB
  mov edx, 0
  wrmsr
  xor eax, eax
  rdmsr
  expect_none 6
  cmp eax, 0x100006
  fail_unless e, 7
  jmp .mtrr_done
.no_mtrr:
  expect_gp rdmsr, 0xfe, 8
.mtrr_done:
  mov al, 'M'
  out DEBUGCON, al

  ; ---------------------------------------------------------------- IA32_BIOS_SIGN_ID
  cmp dword [FAMILY], 6
  jb .no_sign_id
  mov ecx, 0x8b
  xor eax, eax
  xor edx, edx
  wrmsr
  expect_none 11
  mov eax, 1
  cpuid
  mov ecx, 0x8b
  mov edx, 0xdeadbeef
  rdmsr
  expect_none 12
  cmp edx, 0xdeadbeef               ; some revision was read (Kiln's is 0)
  fail_unless ne, 13
  mov ecx, 0x17
  rdmsr
  expect_none 14
  jmp .sign_id_done
.no_sign_id:
  expect_gp rdmsr, 0x8b, 14
  xor eax, eax
  xor edx, edx
  expect_gp wrmsr, 0x8b, 17
  expect_gp rdmsr, 0x17, 30
.sign_id_done:
  mov al, 'U'
  out DEBUGCON, al

  ; ---------------------------------------------------------------- an MSR nobody has
  mov eax, 0x11111111
  mov edx, 0x22222222
  expect_gp rdmsr, 0x40000000, 20
  cmp eax, 0x11111111
  fail_unless e, 23
  cmp edx, 0x22222222
  fail_unless e, 24
  expect_gp wrmsr, 0x40000000, 25
  mov al, 'X'
  out DEBUGCON, al
  jmp pass32

reset_vector start
