; A -M pc test ROM for MMX and SSE in long mode: from the reset vector to
; 32-bit protected mode and on to long mode (as modes.asm), a 64-bit IDT for
; #UD, #GP and #XM, then: SSE without CR4.OSFXSR is #UD; with it, a handful
; of results (ADDPS, MULSD, SQRTSD, CVTTSD2SI's integer indefinite, COMISD's
; flags, PADDUSB, PSHUFB, PMADDWD, PMOVMSKB, MMX PADDW, SHUFPS, XMM8-15, a
; 64-bit CVTSI2SD); a misaligned
; MOVAPS is #GP(0) and a misaligned MOVUPS is not; a MOVUPS store into an
; unmapped page is #PF with nothing written. (An unmasked exception's
; #XM needs LDMXCSR, which comes with the x87 work; the unit tests check it.)
; Each phase prints a letter on the debugcon at 0xE9; the end prints "PASS"
; and exits through isa-debug-exit at 0xF4 with 0 (Kiln's status 1). A failed
; check prints " F n" and exits with n (status 2n+1).
;   kiln -M pc -cpu qemu64 -bios sse.bin -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04
bits 16
cpu x64

; IDT_RAM (pm32.inc) holds 256 16-byte gates here: the IDT is built for long mode.
%define LAST_VEC (VARS + 0)
%define LAST_ERR (VARS + 8)
%define RESUME (VARS + 16)
%define OUT (VARS + 0x100)        ; 16-byte aligned results
%define PML4 0x20000
%define PDPT 0x21000
%define PD64 0x22000

%define KCODE64 0x18

%include "pm32.inc"

pm32_gdt
  dq 0x00af9a000000ffff   ; 18 code, 64-bit
pm32_gdt_end

; ---------------------------------------------------------------- real mode
pm32_start

; ---------------------------------------------------------------- 32-bit: on to long mode
pm32:
  flat_data32
  long_mode_tables 3, 1                        ; 0-2M, a 2 MiB page
  enable_long_mode 0x100                       ; EFER.LME
  jmp KCODE64:LIN(lm64)

; ---------------------------------------------------------------- 64-bit mode
bits 64
%define FAIL_LABEL fail64
; Through compatibility mode to the 32-bit reports (EBX kept).
fail64:
  push KCODE32
  mov rax, LIN(fail32)
  push rax
  retfq
pass64:
  push KCODE32
  mov rax, LIN(pass32)
  push rax
  retfq

; Expects the instruction after `expect_fault` to fault with vector %1: the
; handler resumes at the label %2, where LAST_VEC is checked (check %3).
%macro expect_fault 3
  mov qword [LAST_VEC], -1
  mov rax, LIN(%2)
  mov [RESUME], rax
%endmacro
%macro fault_seen 2       ; vector, check number
  cmp qword [LAST_VEC], %1
  fail_unless e, %2
%endmacro

; RCX = vector, RAX = handler: a 64-bit interrupt gate.
set_gate:
  mov rdx, rcx
  shl rdx, 4
  add rdx, IDT_RAM
  mov [rdx], ax
  mov word [rdx + 2], KCODE64
  mov word [rdx + 4], 0x8e00
  shr rax, 16
  mov [rdx + 6], ax
  shr rax, 16
  mov [rdx + 8], eax
  mov dword [rdx + 12], 0
  ret

; Exception handlers: record the vector and error code, go on at [RESUME].
%macro handler 2           ; vector, has an error code
handler_%1:
  %if %2
  pop qword [LAST_ERR]
  %else
  mov qword [LAST_ERR], -1
  %endif
  mov qword [LAST_VEC], %1
  mov rax, [RESUME]
  mov [rsp], rax           ; the frame's RIP
  iretq
%endmacro
handler 6, 0
handler 13, 1
handler 14, 1
handler 19, 0

idtr64: dw 256 * 16 - 1
        dq IDT_RAM

lm64:
  mov al, 'L'
  out DEBUGCON, al
  mov rdi, IDT_RAM
  xor eax, eax
  mov ecx, 256 * 2
  rep stosq
  mov ecx, 6
  mov rax, LIN(handler_6)
  call set_gate
  mov ecx, 13
  mov rax, LIN(handler_13)
  call set_gate
  mov ecx, 14
  mov rax, LIN(handler_14)
  call set_gate
  mov ecx, 19
  mov rax, LIN(handler_19)
  call set_gate
  lidt [LIN(idtr64)]

  ; ---- without CR4.OSFXSR: SSE is #UD (MMX is not)
  expect_fault 6, .ud_done, 1
  addps xmm0, xmm1
  mov ebx, 2
  jmp fail64
.ud_done:
  fault_seen 6, 3
  movq mm0, [LIN(words_a)]
  mov al, 'U'
  out DEBUGCON, al

  ; ---- CR4.OSFXSR and OSXMMEXCPT on: results
  mov rax, cr4
  or eax, 0x600
  mov cr4, rax
  movaps xmm0, [LIN(floats_a)]
  addps xmm0, [LIN(floats_b)]
  movaps [OUT], xmm0
  mov rax, [OUT]
  mov rdx, 0x402000003fc00000                  ; 1.5f, 2.5f
  cmp rax, rdx
  fail_unless e, 10
  mov rax, [OUT + 8]
  mov rdx, 0x4090000040600000                 ; 3.5f, 4.5f
  cmp rax, rdx
  fail_unless e, 11
  movsd xmm1, [LIN(two)]
  sqrtsd xmm2, xmm1                            ; sqrt(2) = 0x3FF6A09E667F3BCD
  movq rax, xmm2
  mov rdx, 0x3ff6a09e667f3bcd
  cmp rax, rdx
  fail_unless e, 12
  mulsd xmm2, xmm2                             ; 2.0000000000000004
  movq rax, xmm2
  mov rdx, 0x4000000000000001
  cmp rax, rdx
  fail_unless e, 13
  cvttsd2si rax, [LIN(huge)]                   ; out of range: the integer indefinite
  mov rdx, 0x8000000000000000
  cmp rax, rdx
  fail_unless e, 14
  comisd xmm1, [LIN(three)]                    ; 2 < 3: CF
  fail_unless b, 15
  comisd xmm1, xmm1
  fail_unless e, 16
  movdqu xmm3, [LIN(bytes_a)]
  paddusb xmm3, [LIN(bytes_b)]                 ; 0xF0 + 0x20 saturates
  pmovmskb eax, xmm3
  cmp eax, 0x00ff
  fail_unless e, 17
  movdqa xmm4, [LIN(bytes_a)]
  pshufb xmm4, [LIN(reverse)]
  pextrw eax, xmm4, 0
  cmp eax, 0x0708
  fail_unless e, 18
  movdqa xmm5, [LIN(words_a)]
  pmaddwd xmm5, [LIN(words_a)]                 ; 1*1 + 2*2, 3*3 + 4*4, ...
  movd eax, xmm5
  cmp eax, 5
  fail_unless e, 19
  movq mm1, [LIN(words_a)]
  paddw mm1, mm1
  movq rax, mm1
  mov rdx, 0x0008000600040002
  cmp rax, rdx
  fail_unless e, 20
  emms
  movaps xmm6, [LIN(floats_a)]
  shufps xmm6, xmm6, 0x1b                      ; reversed: 4, 3, 2, 1
  movd eax, xmm6
  cmp eax, 0x40800000
  fail_unless e, 21
  movaps xmm9, [LIN(floats_a)]                 ; REX registers: xmm9 + xmm9 = 2, 4, 6, 8
  addps xmm9, xmm9
  movq rax, xmm9
  mov rdx, 0x4080000040000000
  cmp rax, rdx
  fail_unless e, 22
  mov rax, -3
  cvtsi2sd xmm10, rax                          ; a 64-bit integer source
  movq rdx, xmm10
  mov rax, 0xc008000000000000                  ; -3.0
  cmp rax, rdx
  fail_unless e, 23
  mov al, 'S'
  out DEBUGCON, al

  ; ---- alignment: MOVAPS with a misaligned operand is #GP(0); MOVUPS is fine
  expect_fault 13, .gp_done, 30
  movaps xmm0, [LIN(floats_a) + 4]
  mov ebx, 31
  jmp fail64
.gp_done:
  fault_seen 13, 32
  cmp qword [LAST_ERR], 0
  fail_unless e, 33
  movups xmm0, [LIN(floats_a) + 4]
  movd eax, xmm0
  cmp eax, 0x40000000                          ; 2.0f
  fail_unless e, 34
  ; ---- a MOVUPS store across into an unmapped page: #PF at the second page, nothing written
  mov rdi, 0x1ffff8                            ; the last 8 bytes of the one mapped 2 MiB page
  mov qword [rdi], 0x5a5a
  expect_fault 14, .pf_done, 35
  movups [rdi], xmm0
  mov ebx, 36
  jmp fail64
.pf_done:
  fault_seen 14, 37
  cmp qword [rdi], 0x5a5a
  fail_unless e, 38
  mov rax, cr2
  cmp rax, 0x200000
  fail_unless e, 39
  mov al, 'A'
  out DEBUGCON, al

  jmp pass64

align 16
floats_a: dd 1.0, 2.0, 3.0, 4.0
floats_b: dd 0.5, 0.5, 0.5, 0.5
bytes_a: db 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 1, 2, 3, 4, 5, 6, 7, 8
bytes_b: times 16 db 0x20
reverse: db 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0
words_a: dw 1, 2, 3, 4, 5, 6, 7, 8
two: dq 2.0
three: dq 3.0
huge: dq 1.0e300

reset_vector start
