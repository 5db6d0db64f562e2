; A -M pc test ROM for exceptions and their error codes (issue 13), checking
; itself like modes.asm, in 32-bit protected mode with 4 MiB paging: for each
; vector it provokes, the handler records the vector, the error code and the
; return EIP, which must be the faulting instruction for a fault and the next
; one for a trap: #DE, #BP, #OF, #BR, #UD, #NP(selector), #SS(selector),
; #SS(0) from ring 3, #GP(0), #GP(selector), #NP and #GP with the IDT bit,
; #PF with the P, W/R and U/S bits and CR2, and #DF from a #GP while
; delivering #NP; then in long mode (64-bit IDT gates, the frame with SS:RSP,
; an IST stack): #UD, #BP, #GP(selector) on IST1, #GP(0) for a non-canonical
; address and for JMP/CALL/RET to a non-canonical target (CALL pushing and
; RET popping nothing), #PF. (#DB: debug.asm; #TS: tasks.asm; #AC: isa.asm;
; #PF's I/D bit is not checked: NX needs PAE.)
; Each phase prints a letter on the debugcon at 0xE9; the end prints "PASS"
; and exits through isa-debug-exit with 0 (Kiln's status 1). A failed check
; prints " F n" and exits with n.
bits 16
cpu x64

%define TSS_RAM 0x3000
%define LAST_VEC (VARS + 0)
%define LAST_ERR (VARS + 4)
%define FRAME_EIP (VARS + 8)
%define RESUME (VARS + 12)
%define STACK0 0x7000
%define STACK3 0x8000
%define PD 0x10000
%define IDT64 0x12000
%define IST1_TOP 0x6000
%define ENTRY_RSP (VARS + 16)
%define PML4 0x20000
%define PDPT 0x21000
%define PD64 0x22000

%define UCODE32 0x1b
%define UDATA 0x23
%define TSS_SEL 0x28
%define NP_DATA 0x30              ; a data segment that is not present
%define LIMITED 0x38              ; data, base 0x5000, limit 0xFF
%define SMALL_STACK3 0x43         ; ring 3 stack segment, limit 0xFFF
%define NO_SEL 0x3f8              ; past the GDT's limit
%define KCODE64 0x48
%define TSS64_SEL 0x50

%define RECORDING_HANDLERS
%include "pm32.inc"

pm32_gdt
  dq 0x00cffa000000ffff   ; 18 ring 3 code
  dq 0x00cff2000000ffff   ; 20 ring 3 data
  dq 0x0000890030000067   ; 28 TSS
  dq 0x00cf12000000ffff   ; 30 data, not present
  dq 0x00009200500000ff   ; 38 data, base 0x5000, limit 0xFF
  dq 0x0040f20000000fff   ; 40 ring 3 data, 32-bit, limit 0xFFF
  dq 0x00af9a000000ffff   ; 48 ring 0 code, 64-bit
  dq 0x0000890030000067   ; 50 64-bit TSS (same memory: RSP0 at +4, IST1 at +0x24)
  dq 0                    ; 58
pm32_gdt_end

pm32_start

handler 0, 0
handler 3, 0
handler 4, 0
handler 5, 0
handler 6, 0
handler 8, 1
handler 11, 1
handler 12, 1
handler 13, 1
handler 14, 1
handlers: dd 0, LIN(handler_0), 3, LIN(handler_3), 4, LIN(handler_4), 5, LIN(handler_5), 6, LIN(handler_6)
          dd 8, LIN(handler_8), 11, LIN(handler_11), 12, LIN(handler_12), 13, LIN(handler_13), 14, LIN(handler_14)
handlers_end:

pm32_idtr
bounds: dd 0, 3

pm32:
  pm32_entry
  install_handlers
  mov dword [IDT_RAM + 0x41 * 8 + 4], 0x0e00   ; vector 0x41: an interrupt gate, not present
  mov dword [IDT_RAM + 0x42 * 8 + 4], 0x8e00   ; vector 0x42: DPL 0 (offset 0: never reached)
  set_gate 0x80, LIN(to_long), 0xee00          ; ring 3 is done
  lidt [LIN(idtr32)]
  mov dword [TSS_RAM + 4], STACK0
  mov dword [TSS_RAM + 8], KDATA
  mov ax, TSS_SEL
  ltr ax

  ; ---- faults and traps without error codes
  mov dword [RESUME], LIN(.r0)
  xor ecx, ecx
.de:
  div ecx
.r0:
  expect 0, -1, LIN(.de), 1
  mov dword [RESUME], LIN(.r3)
  int3
.bp_next:
.r3:
  expect 3, -1, LIN(.bp_next), 4
  mov dword [RESUME], LIN(.r4)
  mov al, 0x7f
  add al, 1                       ; OF
  into
.of_next:
  nop
.r4:
  expect 4, -1, LIN(.of_next), 7
  mov dword [RESUME], LIN(.r5)
  mov eax, 5
.br:
  bound eax, [LIN(bounds)]
.r5:
  expect 5, -1, LIN(.br), 10
  mov dword [RESUME], LIN(.r6)
.ud:
  ud2
.r6:
  expect 6, -1, LIN(.ud), 13
  mov al, 'T'
  out DEBUGCON, al

  ; ---- segment faults
  mov dword [RESUME], LIN(.r11)
  mov ax, NP_DATA
.np:
  mov ds, ax
.r11:
  expect 11, NP_DATA, LIN(.np), 16
  mov dword [RESUME], LIN(.r12)
.ss:
  mov ss, ax                      ; not present: #SS(selector)
.r12:
  expect 12, NP_DATA, LIN(.ss), 19
  mov dword [RESUME], LIN(.r13)
  mov ax, LIMITED
  mov fs, ax
.gp0:
  mov eax, [fs:0xfd]              ; bytes 0xFD-0x100: past the limit
.r13:
  expect 13, 0, LIN(.gp0), 22
  mov dword [RESUME], LIN(.r13s)
  mov ax, NO_SEL
.gps:
  mov es, ax
.r13s:
  expect 13, NO_SEL, LIN(.gps), 25
  mov ax, KDATA
  mov es, ax
  mov dword [RESUME], LIN(.r11i)
.npi:
  int 0x41                        ; a gate that is not present: #NP(vector * 8 + 2)
.r11i:
  expect 11, 0x41 * 8 + 2, LIN(.npi), 28
  mov al, 'S'
  out DEBUGCON, al

  ; ---- #DF: the #NP gate names a selector past the GDT, so delivering #NP raises #GP
  mov ax, [IDT_RAM + 11 * 8 + 2]
  mov word [IDT_RAM + 11 * 8 + 2], NO_SEL
  mov dword [RESUME], LIN(.r8)
  mov bx, NP_DATA
  mov ds, bx
.r8:
  mov bx, KDATA
  mov ds, bx
  mov [IDT_RAM + 11 * 8 + 2], ax
  cmp dword [LAST_VEC], 8
  fail_unless e, 31
  cmp dword [LAST_ERR], 0
  fail_unless e, 32
  mov al, 'D'
  out DEBUGCON, al

  ; ---- paging: 0-4M identity (user, writable); 4M-8M not present; 8M-12M supervisor; 12M-16M user, read-only
  mov edi, PD
  xor eax, eax
  mov ecx, 1024
  rep stosd
  mov dword [PD + 0 * 4], 0x87
  mov dword [PD + 2 * 4], 0x83
  mov dword [PD + 3 * 4], 0x85
  mov eax, cr4
  or eax, 0x10
  mov cr4, eax
  mov eax, PD
  mov cr3, eax
  mov eax, cr0
  or eax, 0x80010000              ; PG, WP
  mov cr0, eax
  mov dword [RESUME], LIN(.pf1)
.pfr:
  mov eax, [0x400010]
.pf1:
  expect 14, 0, LIN(.pfr), 33
  mov eax, cr2
  cmp eax, 0x400010
  fail_unless e, 36
  mov dword [RESUME], LIN(.pf2)
.pfw:
  mov dword [0x400020], 1
.pf2:
  expect 14, 2, LIN(.pfw), 37
  mov dword [RESUME], LIN(.pf3)
.pfro:
  mov dword [0xc00000], 1         ; read-only with WP, at ring 0: P|W
.pf3:
  expect 14, 3, LIN(.pfro), 40
  mov al, 'G'
  out DEBUGCON, al

  ; ---- ring 3: #PF with U/S, #SS(0), #GP with the IDT bit (IOPL 3 so that it may print)
  push dword UDATA
  push dword STACK3
  push dword 0x3002
  push dword UCODE32
  push dword LIN(ring3)
  iretd
ring3:
  mov ax, UDATA
  mov ds, ax
  mov es, ax
  mov dword [RESUME], LIN(.u1)
.ur:
  mov eax, [0x800000]             ; supervisor page: P|U
.u1:
  expect 14, 5, LIN(.ur), 43
  mov dword [RESUME], LIN(.u2)
.uw:
  mov dword [0xc00000], 1         ; read-only: P|W|U
.u2:
  expect 14, 7, LIN(.uw), 46
  mov dword [RESUME], LIN(.u3)
.unp:
  mov eax, [0x400000]             ; not present: U
.u3:
  expect 14, 4, LIN(.unp), 49
  mov dword [RESUME], LIN(.u4)
.uint:
  int 0x42                        ; gate DPL 0 < CPL 3: #GP(vector * 8 + 2)
.u4:
  expect 13, 0x42 * 8 + 2, LIN(.uint), 52
  mov dword [RESUME], LIN(.u5)
  mov ax, SMALL_STACK3
  mov ss, ax
  mov esp, 0x2000                 ; past the limit
.ush:
  push eax
.u5:
  expect 12, 0, LIN(.ush), 55
  mov al, 'U'
  out DEBUGCON, al
  int 0x80

; ---------------------------------------------------------------- long mode
to_long:
  flat_data32
  mov eax, cr0
  and eax, 0x7fffffff
  mov cr0, eax
  long_mode_tables 7, 2           ; 0-4M, user; 4M up: not present
  enable_long_mode 0x100
  jmp KCODE64:LIN(lm64)

bits 64
%define FAIL_LABEL fail64
fail64:                           ; through compatibility mode to fail32 (EBX kept)
  push KCODE32
  mov rax, LIN(fail32)
  push rax
  retfq

%macro handler64 2
handler64_%1:
  %if %2 == 0
  push -1
  %endif
  mov [ENTRY_RSP], rsp
  pop rax
  mov [LAST_ERR], eax
  mov dword [LAST_VEC], %1
  mov rax, [rsp]
  mov [FRAME_EIP], eax
  mov eax, [RESUME]
  mov [rsp], rax
  iretq
%endmacro
handler64 3, 0
handler64 6, 0
handler64 13, 1
handler64 14, 1
handlers64: dq 3, LIN(handler64_3), 6, LIN(handler64_6), 13, LIN(handler64_13), 14, LIN(handler64_14)
handlers64_end:
idtr64: dw 256 * 16 - 1
        dq IDT64

lm64:
  mov al, 'L'
  out DEBUGCON, al
  mov rsp, STACK
  mov qword [TSS_RAM + 4], STACK0
  mov qword [TSS_RAM + 0x24], IST1_TOP
  mov ax, TSS64_SEL
  ltr ax
  mov rsi, LIN(handlers64)
.gates:
  mov rcx, [rsi]
  shl rcx, 4
  mov rax, [rsi + 8]
  mov word [IDT64 + rcx], ax
  mov word [IDT64 + rcx + 2], KCODE64
  mov word [IDT64 + rcx + 4], 0x8e00
  shr rax, 16
  mov word [IDT64 + rcx + 6], ax
  mov dword [IDT64 + rcx + 8], 0
  mov dword [IDT64 + rcx + 12], 0
  add rsi, 16
  mov rax, LIN(handlers64_end)
  cmp rsi, rax
  jb .gates
  mov byte [IDT64 + 13 * 16 + 4], 1            ; #GP on IST1
  lidt [rel idtr64]
  mov dword [RESUME], LIN(.r6)
.ud:
  ud2
.r6:
  expect 6, -1, LIN(.ud), 60
  cmp qword [ENTRY_RSP], STACK - 48            ; aligned, with SS:RSP, no error code
  fail_unless e, 63
  mov dword [RESUME], LIN(.r3)
  int3
.bp_next:
.r3:
  expect 3, -1, LIN(.bp_next), 64
  mov dword [RESUME], LIN(.r13)
  mov ax, NO_SEL
.gps:
  mov ds, ax
.r13:
  expect 13, NO_SEL, LIN(.gps), 67
  cmp qword [ENTRY_RSP], IST1_TOP - 48         ; on the IST1 stack
  fail_unless e, 70
  mov dword [RESUME], LIN(.r13c)
  mov rbx, 0x0000800000000000
.gpc:
  mov rax, [rbx]                               ; not canonical: #GP(0)
.r13c:
  expect 13, 0, LIN(.gpc), 71
  mov rbx, 0x0000800000000000                  ; near branches to a non-canonical target: #GP(0), nothing changed
  mov dword [RESUME], LIN(.r13j)
.gpj:
  jmp rbx
.r13j:
  expect 13, 0, LIN(.gpj), 78
  mov rsi, rsp
  mov dword [RESUME], LIN(.r13k)
.gpk:
  call rbx                                     ; pushes nothing
.r13k:
  expect 13, 0, LIN(.gpk), 81
  cmp rsi, rsp
  fail_unless e, 84
  push rbx
  mov dword [RESUME], LIN(.r13r)
.gpr:
  ret                                          ; pops nothing
.r13r:
  expect 13, 0, LIN(.gpr), 85
  pop rax
  cmp rax, rbx
  fail_unless e, 88
  mov dword [RESUME], LIN(.r14)
.pf:
  mov dword [0x400008], 1                      ; not mapped: #PF(W)
.r14:
  expect 14, 2, LIN(.pf), 74
  mov rax, cr2
  cmp rax, 0x400008
  fail_unless e, 77
  mov al, 'X'
  out DEBUGCON, al
  push KCODE32
  mov rax, LIN(pass32)
  push rax
  retfq

reset_vector start
