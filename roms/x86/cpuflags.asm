; A -M pc test ROM for -cpu's feature flags (cpu/x86/features.h): whatever
; CPUID reports, the CPU does. In 32-bit protected mode (CR4.OSFXSR set), on
; any model with CPUID (486 on), each feature below is probed by running what
; it brings, and the outcome must match its CPUID bit: present, the
; instruction runs (RDMSR of the TSC and SYSENTER with SYSENTER_CS 0 may #GP
; instead); absent, it raises #UD (CR4.PGE/PSE/PAE, EFER.NXE and EFER.LME: #GP(0);
; F3 0F BD without ABM is BSR, so LZCNT of 1 gives 0 instead of 31). Each
; probe prints " +name" or " -name" on the debugcon at 0xE9 in this order:
;   tsc msr cx8 sep pge cmov mmx fxsr sse sse2 pni ssse3 popcnt movbe pse pae fpu em
; and where CPUID has leaf 0x80000001 (x86-64 models): abm rdtscp nx lm.
; So the test's expected line says which features the -cpu option gave, and
; the ROM that they work or fault accordingly. The end prints "PASS" and exits
; through isa-debug-exit with 0 (Kiln's status 1); a mismatch prints " F n"
; (n: the probe's number) and exits with n.
bits 16

%define DEBUGCON 0xe9
%define DEBUG_EXIT 0xf4
%define ROM_BASE 0xf0000
%define LIN(x) (ROM_BASE + (x))

%define GDT_RAM 0x1000
%define IDT_RAM 0x2000
%define VARS 0x4000
%define LAST_VEC (VARS + 0)
%define LAST_ERR (VARS + 4)
%define FRAME_EIP (VARS + 8)
%define RESUME (VARS + 12)
%define W1EDX (VARS + 16)         ; CPUID.1:EDX
%define W1ECX (VARS + 20)         ; CPUID.1:ECX
%define WXEDX (VARS + 24)         ; CPUID.80000001h:EDX
%define WXECX (VARS + 28)         ; CPUID.80000001h:ECX
%define P_WORD (VARS + 32)        ; the probe's CPUID word
%define P_BIT (VARS + 36)         ; its bit mask
%define P_ABSENT (VARS + 40)      ; the vector when absent
%define P_OK (VARS + 44)          ; a vector allowed when present (-1: none)
%define P_NAME (VARS + 48)        ; linear address of its name
%define P_NUM (VARS + 52)         ; its number (the failure code)
%define BUF 0x5000                ; FXSAVE area (16-byte aligned), data
%define STACK 0x9000

%define KCODE32 0x08
%define KDATA 0x10

section main start=0 vstart=0

gdt:
  dq 0
  dq 0x00cf9a000000ffff   ; 08 ring 0 code
  dq 0x00cf92000000ffff   ; 10 ring 0 data
gdt_end:
gdtr: dw gdt_end - gdt - 1
      dd GDT_RAM

%define RECORDING_HANDLERS
%include "common.inc"

start:
  real_to_pm32 pm32

bits 32
report_routines

handler 6, 0
handler 7, 0
handler 13, 1
handlers: dd 6, LIN(handler_6), 7, LIN(handler_7), 13, LIN(handler_13)
handlers_end:

idtr32: dw 256 * 8 - 1
        dd IDT_RAM

; A probe of feature %4 (a string), number %5: CPUID word at %1, bit %2, vector %3 when absent,
; then the code under test up to end_probe.
%macro probe 5-6 -1
  %push probe
  mov dword [P_WORD], %1
  mov dword [P_BIT], 1 << %2
  mov dword [P_ABSENT], %3
  mov dword [P_OK], %6
  mov dword [P_NAME], LIN(%$name)
  mov dword [P_NUM], %5
  mov dword [LAST_VEC], -1
  mov dword [RESUME], LIN(%$after)
  jmp %$insn
%$name: db %4, 0
%$insn:
%endmacro
%macro end_probe 0
%$after:
  call check_probe
  %pop
%endmacro

; A probe whose one instruction %5 is #UD without the feature.
%macro ud_probe 5
  probe %1, %2, 6, %3, %4
  %5
  end_probe
%endmacro

; The probe of CR4 bit mask %2, there with CPUID.1:EDX bit %1 (%3, number %4): setting it
; raises #GP(0) without the feature; the bit is cleared again after.
%macro cr4_probe 4
  probe W1EDX, %1, 13, %3, %4
  mov eax, cr4
  or eax, %2
  mov cr4, eax
  end_probe
  mov eax, cr4
  and eax, ~%2
  mov cr4, eax
%endmacro

; The probe of EFER bit %2, there with CPUID.80000001h:EDX bit %1 (%3, number %4): setting it
; is #GP(0) without; then it is cleared again.
%macro efer_probe 4
  probe WXEDX, %1, 13, %3, %4
  mov ecx, 0xc0000080
  rdmsr
  or eax, 1 << %2
  wrmsr
  end_probe
  mov ecx, 0xc0000080
  rdmsr
  and eax, ~(1 << %2)
  wrmsr
%endmacro

; Checks the probe just run against its CPUID bit and prints " +name" or " -name".
check_probe:
  mov eax, [P_WORD]
  mov eax, [eax]
  mov ebx, [P_NUM]
  mov ecx, [LAST_VEC]
  test eax, [P_BIT]
  jz .absent
  cmp ecx, -1
  je .present
  cmp ecx, [P_OK]
  fail_unless e, ebx
.present:
  mov al, '+'
  jmp .print
.absent:
  cmp ecx, [P_ABSENT]
  fail_unless e, ebx
  mov al, '-'
.print:
  mov ah, al
  mov al, ' '
  out DEBUGCON, al
  mov al, ah
  out DEBUGCON, al
  mov esi, [P_NAME]
.char:
  lodsb
  test al, al
  jz .done
  out DEBUGCON, al
  jmp .char
.done:
  ret

pm32:
  flat_data32
  mov al, 'P'
  out DEBUGCON, al
  install_handlers
  lidt [LIN(idtr32)]
  mov eax, cr4
  or eax, 0x600                     ; OSFXSR, OSXMMEXCPT
  mov cr4, eax
  mov eax, 1
  cpuid
  mov [W1EDX], edx
  mov [W1ECX], ecx
  xor eax, eax
  mov [WXEDX], eax
  mov [WXECX], eax
  mov eax, 0x80000000
  cpuid
  cmp eax, 0x80000001
  jb .no_ext
  mov eax, 0x80000001
  cpuid
  mov [WXEDX], edx
  mov [WXECX], ecx
.no_ext:

  ud_probe W1EDX, 4, "tsc", 10, rdtsc
  probe W1EDX, 5, 6, "msr", 11, 13
  mov ecx, 0x10
  rdmsr
  end_probe
  probe W1EDX, 8, 6, "cx8", 12
  xor eax, eax
  xor edx, edx
  cmpxchg8b [BUF + 0x200]
  end_probe
  probe W1EDX, 11, 6, "sep", 13, 13
  sysenter
  end_probe
  cr4_probe 13, 0x80, "pge", 14
  ud_probe W1EDX, 15, "cmov", 15, {cmove eax, ebx}
  ud_probe W1EDX, 23, "mmx", 16, emms
  ud_probe W1EDX, 24, "fxsr", 17, fxsave [BUF]
  ud_probe W1EDX, 25, "sse", 18, {xorps xmm0, xmm0}
  ud_probe W1EDX, 26, "sse2", 19, {xorpd xmm1, xmm1}
  ud_probe W1ECX, 0, "pni", 20, {haddps xmm0, xmm1}
  ud_probe W1ECX, 9, "ssse3", 21, {pshufb xmm0, xmm1}
  ud_probe W1ECX, 23, "popcnt", 22, {popcnt eax, ebx}
  ud_probe W1ECX, 22, "movbe", 23, {movbe eax, [BUF + 0x200]}
  cr4_probe 3, 0x10, "pse", 24      ; CR4.PSE
  cr4_probe 6, 0x20, "pae", 25      ; CR4.PAE (paging is off)
  ; fpu: FNINIT then FNSTSW AX clear AX with a coprocessor; without one AX keeps
  ; its value (a BIOS's FPU test), and the probe makes that a #UD.
  probe W1EDX, 0, 6, "fpu", 26
  mov ax, 0x5a5a
  fninit
  fnstsw ax
  test ax, ax
  jz %$present
  ud2
%$present:
  end_probe
  ; em: under CR0.EM every x87 instruction raises #NM, coprocessor or not (so an
  ; OS can emulate one); printed as the fpu bit.
  probe W1EDX, 0, 7, "em", 27, 7
  mov eax, cr0
  or eax, 4
  mov cr0, eax
  fninit
  end_probe
  mov eax, cr0
  and eax, ~4
  mov cr0, eax

  mov eax, 0x80000000
  cpuid
  cmp eax, 0x80000001
  jb pass32
  probe WXECX, 5, 6, "abm", 30
  mov ebx, 1
  lzcnt eax, ebx
  cmp eax, 31
  je .lzcnt
  mov dword [LAST_VEC], 6           ; BSR: no LZCNT
.lzcnt:
  end_probe
  ud_probe WXEDX, 27, "rdtscp", 31, rdtscp
  efer_probe 20, 11, "nx", 32      ; EFER.NXE
  efer_probe 29, 8, "lm", 33       ; EFER.LME (paging is off)
  jmp pass32

reset_vector start
