; A -M pc test ROM for call gates across privilege levels and the way back
; from long mode to real mode (issue 13), checking itself like modes.asm:
; real mode -> 32-bit protected mode -> ring 3 -> CALL through a 32-bit gate
; with 2 parameters and a 16-bit gate with 1 parameter to ring 0 (stack
; switch from the TSS, parameters copied, RETF n back to ring 3), the gate
; faults (#GP(gate) for a gate DPL below CPL, #NP(gate), #GP(code) for a JMP
; to an inner level) -> long mode -> ring 3 -> CALL through a 64-bit gate to
; ring 0 (null SS, RSP0) and RETFQ back -> compatibility mode -> paging off
; -> 16-bit protected mode -> real mode, where an INT through the IVT runs.
; Each phase prints a letter on the debugcon at 0xE9; the end prints "PASS"
; and exits through isa-debug-exit with 0 (Kiln's status 1). A failed check
; prints " FAIL n" and exits with n (status 2n+1).
bits 16
cpu x64

%define TSS_RAM 0x3000
%define LAST_VEC (VARS + 0)
%define LAST_ERR (VARS + 8)
%define RESUME (VARS + 16)
%define STACK0 0x7000             ; ring 0 stack (TSS ESP0 / RSP0)
%define STACK3 0x8000             ; ring 3 stack
%define PML4 0x20000
%define PDPT 0x21000
%define PD64 0x22000

%define UCODE_ROM 0x1b            ; ring 3, 32-bit, base 0xF0000: offsets are ROM offsets
%define UDATA 0x23
%define UCODE64 0x2b
%define KCODE64 0x30
%define TSS_SEL 0x40
%define CGATE32 0x50              ; DPL 3 -> KCODE32:gate32_entry, 2 dword parameters
%define CGATE16 0x5b              ; DPL 3 -> KCODE16:gate16_entry, 1 word parameter (RPL 3)
%define KCODE16 0x60              ; ring 0, 16-bit, base 0xF0000
%define CGATE_DPL0 0x68           ; DPL 0: not callable from ring 3
%define CGATE_NP 0x70             ; not present
%define CGATE64 0x78              ; 16 bytes: DPL 3 -> KCODE64:gate64_entry
%define CGATE64_HOME 0x88         ; 16 bytes: DPL 3 -> KCODE64:home64
%define CGATE_HOME 0x98           ; DPL 3 -> KCODE32:home32
%define TSS64_SEL 0xa0            ; 16 bytes
%define KDATA16 0xb0              ; base 0, limit 0xFFFF: what real mode expects in the caches

%include "pm32.inc"

pm32_gdt
  dq 0x00cffa0f0000ffff   ; 18 ring 3 code, 32-bit, base 0xF0000
  dq 0x00cff2000000ffff   ; 20 ring 3 data, flat
  dq 0x00affa000000ffff   ; 28 ring 3 code, 64-bit
  dq 0x00af9a000000ffff   ; 30 ring 0 code, 64-bit
  dq 0x00cf92000000ffff   ; 38
  dq 0x0000890030000067   ; 40 32-bit TSS at 0x3000
  dq 0                    ; 48
  dq 0                    ; 50 CGATE32 (built at run time)
  dq 0                    ; 58 CGATE16
  dq 0x00009a0f0000ffff   ; 60 ring 0 code, 16-bit, base 0xF0000
  dq 0                    ; 68 CGATE_DPL0
  dq 0                    ; 70 CGATE_NP
  dq 0, 0                 ; 78 CGATE64
  dq 0, 0                 ; 88 CGATE64_HOME
  dq 0                    ; 98 CGATE_HOME
  dq 0x0000890030000067   ; a0 64-bit TSS at 0x3000 (loaded in long mode)
  dq 0                    ; a8
  dq 0x000092000000ffff   ; b0 data, 16-bit, limit 0xFFFF
pm32_gdt_end

; ---------------------------------------------------------------- real mode
; fail32 and pass32 (EBX = the check's number) are position-independent: they run from ring 0 and from ring 3 (IOPL 3).
pm32_start

; ---------------------------------------------------------------- 32-bit helpers
; EDI = descriptor address, EAX = offset, ECX = selector, EDX = attribute word (P DPL type, parameter count)
make_gate:
  mov [edi], ax
  mov [edi + 2], cx
  mov [edi + 4], dx
  shr eax, 16
  mov [edi + 6], ax
  ret

set_gate_routine 0x8e00

; Faults with an error code: record it, continue at [RESUME] (in the interrupted code segment).
%macro handler 1
handler_%1:
  pop dword [LAST_ERR]
  mov dword [LAST_VEC], %1
  mov eax, [RESUME]
  mov [esp], eax
  iretd
%endmacro
handler 10
handler 11
handler 13

pm32_idtr

; ---------------------------------------------------------------- 32-bit protected mode, ring 0
pm32:
  pm32_entry fs_gs
  mov ecx, 10
  mov eax, LIN(handler_10)
  call set_gate
  mov ecx, 11
  mov eax, LIN(handler_11)
  call set_gate
  mov ecx, 13
  mov eax, LIN(handler_13)
  call set_gate
  lidt [LIN(idtr32)]
  ; The gates.
  mov edi, GDT_RAM + CGATE32
  mov eax, LIN(gate32_entry)
  mov ecx, KCODE32
  mov edx, 0xec02                 ; present, DPL 3, 32-bit call gate, 2 parameters
  call make_gate
  mov edi, GDT_RAM + (CGATE16 & ~7)
  mov eax, gate16_entry
  mov ecx, KCODE16
  mov edx, 0xe401                 ; 16-bit call gate, 1 parameter
  call make_gate
  mov edi, GDT_RAM + CGATE_DPL0
  mov eax, LIN(gate32_entry)
  mov ecx, KCODE32
  mov edx, 0x8c00
  call make_gate
  mov edi, GDT_RAM + CGATE_NP
  mov edx, 0x6c00
  call make_gate
  mov edi, GDT_RAM + CGATE64
  mov eax, LIN(gate64_entry)
  mov ecx, KCODE64
  mov edx, 0xec00
  call make_gate
  mov edi, GDT_RAM + CGATE64_HOME
  mov eax, LIN(home64)
  call make_gate
  mov edi, GDT_RAM + CGATE_HOME
  mov eax, LIN(home32)
  mov ecx, KCODE32
  call make_gate
  ; The TSS's ring 0 stack.
  mov dword [TSS_RAM + 4], STACK0
  mov dword [TSS_RAM + 8], KDATA
  mov word [TSS_RAM + 0x66], 0x68
  mov ax, TSS_SEL
  ltr ax
  ; To ring 3 with IOPL 3 (so that it may print).
  push dword UDATA
  push dword STACK3
  push dword 0x3002
  push dword UCODE_ROM
  push dword ring3
  iretd

; ---------------------------------------------------------------- ring 3 (CS base 0xF0000)
ring3:
  mov ax, UDATA
  mov ds, ax
  mov es, ax
  mov al, '3'
  out DEBUGCON, al
  ; 32-bit gate, 2 parameters: the callee checks its frame and returns with RETF 8.
  push dword 0x11111111
  push dword 0x22222222
  call CGATE32:0
.back32:
  mov ax, cs
  cmp ax, UCODE_ROM
  fail_unless e, 1
  mov ax, ss
  cmp ax, UDATA
  fail_unless e, 2
  cmp esp, STACK3                 ; the parameters were released on both stacks
  fail_unless e, 3
  cmp dword [VARS + 32], 0x600d
  fail_unless e, 4
  ; 16-bit gate, 1 parameter.
  push word 0x3333
  call CGATE16:0
.back16:
  mov ax, cs
  cmp ax, UCODE_ROM
  fail_unless e, 5
  cmp esp, STACK3
  fail_unless e, 6
  cmp dword [VARS + 32], 0x616
  fail_unless e, 7
  ; A gate whose DPL is below CPL: #GP(gate selector).
  mov dword [RESUME], .after_dpl
  call CGATE_DPL0:0
  mov ebx, 8
  jmp fail32
.after_dpl:
  cmp dword [LAST_VEC], 13
  fail_unless e, 9
  cmp dword [LAST_ERR], CGATE_DPL0
  fail_unless e, 10
  ; A gate that is not present: #NP(gate selector).
  mov dword [RESUME], .after_np
  call CGATE_NP:0
  mov ebx, 11
  jmp fail32
.after_np:
  cmp dword [LAST_VEC], 11
  fail_unless e, 12
  cmp dword [LAST_ERR], CGATE_NP
  fail_unless e, 13
  ; JMP through a gate cannot go to an inner level: #GP(code segment selector).
  mov dword [RESUME], .after_jmp
  jmp CGATE32:0
  mov ebx, 14
  jmp fail32
.after_jmp:
  cmp dword [LAST_VEC], 13
  fail_unless e, 15
  cmp dword [LAST_ERR], KCODE32
  fail_unless e, 16
  mov al, 'C'
  out DEBUGCON, al
  call CGATE_HOME:0               ; to ring 0 for good

; ---------------------------------------------------------------- ring 0 gate entries
gate32_entry:
  mov ax, cs
  cmp ax, KCODE32
  fail_unless e, 20
  mov ax, ss
  cmp ax, KDATA
  fail_unless e, 21
  cmp esp, STACK0 - 24
  fail_unless e, 22
  cmp dword [esp], ring3.back32
  fail_unless e, 23
  cmp dword [esp + 4], UCODE_ROM
  fail_unless e, 24
  cmp dword [esp + 8], 0x22222222
  fail_unless e, 25
  cmp dword [esp + 12], 0x11111111
  fail_unless e, 26
  cmp dword [esp + 16], STACK3 - 8
  fail_unless e, 27
  cmp dword [esp + 20], UDATA
  fail_unless e, 28
  mov dword [VARS + 32], 0x600d
  retf 8

bits 16
gate16_entry:
  mov ax, cs
  cmp ax, KCODE16
  jne .bad
  cmp esp, STACK0 - 10
  jne .bad
  cmp word [esp], ring3.back16
  jne .bad
  cmp word [esp + 2], UCODE_ROM
  jne .bad
  cmp word [esp + 4], 0x3333
  jne .bad
  cmp word [esp + 6], (STACK3 - 2) & 0xffff
  jne .bad
  cmp word [esp + 8], UDATA
  jne .bad
  mov dword [VARS + 32], 0x616
  retf 2
.bad:
  mov ebx, 30
  jmp dword KCODE32:LIN(fail32)
bits 32

home32:
  mov esp, STACK
  mov ax, KDATA
  mov ds, ax
  mov es, ax

  ; ---- long mode (identity-mapped 0-4 MiB and the top 1 GiB's ROM is not needed: code runs from the mirror)
  long_mode_tables 7, 2
  enable_long_mode 0x100          ; LME
  jmp KCODE64:LIN(lm64)

; ---------------------------------------------------------------- 64-bit mode
bits 64
%macro fail64_unless 2
  j%-1 %%bad
  jmp %%ok
%%bad:
  mov ebx, %2
  jmp fail64
%%ok:
%endmacro
fail64:                           ; prints from any ring (IOPL 3)
  mov al, ' '
  out DEBUGCON, al
  mov al, 'F'
  out DEBUGCON, al
  mov al, ' '
  out DEBUGCON, al
  mov eax, ebx
  xor edx, edx
  mov ecx, 10
  div ecx
  add al, '0'
  out DEBUGCON, al
  lea eax, [edx + '0']
  out DEBUGCON, al
  mov al, 10
  out DEBUGCON, al
  mov eax, ebx
  out DEBUG_EXIT, al
  hlt

lm64:
  mov al, 'L'
  out DEBUGCON, al
  mov qword [TSS_RAM + 4], STACK0           ; RSP0 of the 64-bit TSS
  mov ax, TSS64_SEL
  ltr ax
  push UDATA
  push STACK3
  push 0x3002
  push UCODE64
  mov rax, LIN(user64)
  push rax
  iretq

user64:                           ; ring 3, 64-bit
  mov al, '6'
  out DEBUGCON, al
  call far dword [rel gate64_ptr]
.back64:
  mov ax, cs
  cmp ax, UCODE64
  fail64_unless e, 40
  cmp rsp, STACK3
  fail64_unless e, 41
  cmp dword [VARS + 32], 0x64
  fail64_unless e, 42
  call far dword [rel home64_ptr]
gate64_ptr: dd 0
            dw CGATE64
home64_ptr: dd 0
            dw CGATE64_HOME

gate64_entry:                     ; ring 0 through the 64-bit gate: SS null, RSP from RSP0
  mov ax, cs
  cmp ax, KCODE64
  fail64_unless e, 50
  mov ax, ss
  test ax, ax
  fail64_unless z, 51
  cmp rsp, STACK0 - 32
  fail64_unless e, 52
  mov rax, LIN(user64.back64)
  cmp [rsp], rax
  fail64_unless e, 53
  cmp qword [rsp + 8], UCODE64
  fail64_unless e, 54
  cmp qword [rsp + 16], STACK3
  fail64_unless e, 55
  cmp qword [rsp + 24], UDATA
  fail64_unless e, 56
  mov dword [VARS + 32], 0x64
  o64 retf

home64:
  mov ax, KDATA
  mov ss, ax
  mov rsp, STACK
  mov al, 'X'
  out DEBUGCON, al
  ; Back to real mode: compatibility mode first.
  push KCODE32
  mov rax, LIN(compat32)
  push rax
  o64 retf

bits 32
compat32:
  mov al, 'K'
  out DEBUGCON, al
  mov eax, cr0
  and eax, 0x7fffffff             ; paging off: long mode ends (LMA clears)
  mov cr0, eax
  mov ecx, 0xc0000080
  rdmsr
  test eax, 0x400
  fail_unless z, 60
  and eax, ~0x100
  wrmsr
  jmp KCODE16:pm16

bits 16
pm16:
  mov al, 'M'
  out DEBUGCON, al
  mov ax, KDATA16                 ; real-mode limits in the caches
  mov ds, ax
  mov es, ax
  mov ss, ax
  mov fs, ax
  mov gs, ax
  mov sp, STACK
  mov eax, cr0
  and eax, 0x7ffffffe
  mov cr0, eax
  jmp 0xf000:real16
real16:
  xor ax, ax
  mov ds, ax
  mov es, ax
  mov ss, ax
  mov sp, STACK
  mov al, 'r'
  out DEBUGCON, al
  mov bl, 70
  smsw ax
  test al, 1
  jnz fail16
  mov bl, 71
  mov ax, 0x100                   ; real-mode segment arithmetic again
  mov es, ax
  mov byte [es:0x10], 0x5a
  cmp byte [0x1010], 0x5a
  jne fail16
  mov bl, 72                      ; an INT through the IVT
  lidt [cs:ivt_ptr]
  mov word [0x40 * 4], int40
  mov word [0x40 * 4 + 2], 0xf000
  mov ax, 1
  int 0x40
  cmp ax, 2
  jne fail16
  mov si, pass_msg
.print:
  cs lodsb
  test al, al
  jz .done
  out DEBUGCON, al
  jmp .print
.done:
  mov al, 0
  out DEBUG_EXIT, al
  hlt
int40:
  inc ax
  iret
fail16:                           ; BL = the check
  mov al, '!'
  out DEBUGCON, al
  mov al, bl
  out DEBUG_EXIT, al
  hlt
ivt_ptr: dw 0x3ff
         dd 0
pass_msg: db 10, 'PASS', 10, 0

; The reset vector.
reset_vector start
