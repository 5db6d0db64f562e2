; A -M pc test ROM for the hardware task switch (issue 13), checking itself
; like modes.asm: in 32-bit protected mode with paging, CALL to a TSS (back
; link, NT, busy bits, CR3 and LDTR loaded from the TSS, CR0.TS) and IRET back,
; JMP through a task gate and JMP back (no nesting), INT n through a task gate
; in the IDT, #GP through a task gate (the error code on the new task's
; stack), a 16-bit TSS, #TS in the new task (a TSS whose CS is a data
; segment), and #GP for a busy TSS. Each phase prints a letter on the
; debugcon at 0xE9; the end prints "PASS" and exits through isa-debug-exit
; with 0 (Kiln's status 1). A failed check prints " FAIL n" and exits with n.
bits 16
cpu 686

%define DEBUGCON 0xe9
%define DEBUG_EXIT 0xf4
%define ROM_BASE 0xf0000
%define LIN(x) (ROM_BASE + (x))

%define GDT_RAM 0x1000
%define IDT_RAM 0x2000
%define TSS_MAIN_RAM 0x3000
%define TSS_B_RAM 0x3100
%define TSS_C_RAM 0x3200
%define TSS16_RAM 0x3300
%define LDT_RAM 0x3400
%define TSS_D_RAM 0x3500
%define VARS 0x4000
%define LAST_VEC (VARS + 0)
%define LAST_ERR (VARS + 8)
%define RESULT (VARS + 16)
%define FRAME_EIP (VARS + 24)
%define MARKER 0x6000
%define STACK_B 0x7000
%define STACK_C 0x7800
%define STACK16 0x8000
%define STACK 0x9000
%define PD_A 0x10000
%define PD_B 0x11000

%define KCODE32 0x08
%define KDATA 0x10
%define TSS_MAIN 0x28
%define TSS_B 0x30
%define TSS_C 0x38
%define TASK_GATE_B 0x40
%define TSS16 0x48
%define LDT_SEL 0x50
%define TSS_D 0x58
%define KCODE16 0x60
%define KDATA16 0x68
%define LDT_DATA 0x0c             ; index 1 of the LDT, RPL 0

section main start=0 vstart=0

gdt:
  dq 0
  dq 0x00cf9a000000ffff   ; 08 ring 0 code, 32-bit, flat
  dq 0x00cf92000000ffff   ; 10 ring 0 data, flat
  dq 0                    ; 18
  dq 0                    ; 20
  dq 0x0000890030000067   ; 28 main task's TSS
  dq 0x0000890031000067   ; 30 task B
  dq 0x0000890032000067   ; 38 task C (the IDT's task gates)
  dq 0x0000850000300000   ; 40 task gate to task B, DPL 0
  dq 0x000081003300002b   ; 48 16-bit TSS
  dq 0x000082003400000f   ; 50 LDT (2 entries)
  dq 0x0000890035000067   ; 58 task D: its CS is a data segment
  dq 0x00009a0f0000ffff   ; 60 ring 0 code, 16-bit, base 0xF0000
  dq 0x000092000000ffff   ; 68 ring 0 data, 16-bit
gdt_end:
gdtr: dw gdt_end - gdt - 1
      dd GDT_RAM
ldt:
  dq 0
  dq 0x00cf92000000ffff   ; 0c flat data
ldt_end:

%include "common.inc"

start:
  real_mode_flat
  mov al, 'R'
  out DEBUGCON, al
  mov si, gdt
  mov di, GDT_RAM
  mov cx, gdt_end - gdt
  cs rep movsb
  mov si, ldt
  mov di, LDT_RAM
  mov cx, ldt_end - ldt
  cs rep movsb
  o32 lgdt [cs:gdtr]
  mov eax, cr0
  or al, 1
  mov cr0, eax
  jmp dword KCODE32:LIN(pm32)

bits 32
report_routines

; EDI = TSS base, EAX = EIP, ECX = ESP: a ring 0 task on the flat segments, page directory A, no LDT.
init_tss:
  push eax
  push ecx
  push edi
  xor eax, eax
  mov ecx, 0x68 / 4
  rep stosd
  pop edi
  pop ecx
  pop eax
  mov dword [edi + 0x1c], PD_A
  mov [edi + 0x20], eax
  mov dword [edi + 0x24], 2
  mov [edi + 0x38], ecx
  mov dword [edi + 0x48], KDATA
  mov dword [edi + 0x4c], KCODE32
  mov dword [edi + 0x50], KDATA
  mov dword [edi + 0x54], KDATA
  mov word [edi + 0x66], 0x68
  ret

; ECX = vector, EAX = handler: an interrupt gate, DPL 0
set_gate:
  mov word [IDT_RAM + ecx * 8], ax
  mov word [IDT_RAM + ecx * 8 + 2], KCODE32
  mov word [IDT_RAM + ecx * 8 + 4], 0x8e00
  shr eax, 16
  mov word [IDT_RAM + ecx * 8 + 6], ax
  ret
; ECX = vector: a task gate to task C, DPL 0
set_task_gate:
  mov dword [IDT_RAM + ecx * 8], TSS_C << 16
  mov dword [IDT_RAM + ecx * 8 + 4], 0x8500
  ret

; #GP and #TS: record, then back to the main task (which continues after its task switch or fault).
handler_13:
  pop dword [LAST_ERR]
  mov dword [LAST_VEC], 13
  mov eax, [esp]
  mov [FRAME_EIP], eax
  add esp, 12
  jmp dword [VARS + 32]
handler_10:                       ; in task D, whose data segments the switch never loaded
  mov ax, KDATA
  mov ds, ax
  mov ss, ax
  pop dword [LAST_ERR]
  mov dword [LAST_VEC], 10
  mov eax, [esp]
  mov [FRAME_EIP], eax
  jmp TSS_MAIN:0

idtr32: dw 256 * 8 - 1
        dd IDT_RAM

pm32:
  mov ax, KDATA
  mov ds, ax
  mov es, ax
  mov ss, ax
  mov fs, ax
  mov gs, ax
  mov esp, STACK
  mov al, 'P'
  out DEBUGCON, al
  mov ecx, 10
  mov eax, LIN(handler_10)
  call set_gate
  mov ecx, 13
  mov eax, LIN(handler_13)
  call set_gate
  lidt [LIN(idtr32)]
  ; Paging: directory A maps 0-4 MiB; directory B also maps 4-8 MiB to physical 0.
  mov edi, PD_A
  xor eax, eax
  mov ecx, 2048
  rep stosd
  mov dword [PD_A], 0x83
  mov dword [PD_B], 0x83
  mov dword [PD_B + 4], 0x83
  mov eax, cr4
  or eax, 0x10
  mov cr4, eax
  mov eax, PD_A
  mov cr3, eax
  mov eax, cr0
  or eax, 0x80000000
  mov cr0, eax
  mov dword [MARKER], 0xcafe
  ; The main task's TSS, then task B: directory B and the LDT, DS from the LDT.
  mov edi, TSS_MAIN_RAM
  call init_tss
  mov ax, TSS_MAIN
  ltr ax
  mov edi, TSS_B_RAM
  mov eax, LIN(task_b)
  mov ecx, STACK_B
  call init_tss
  mov dword [TSS_B_RAM + 0x1c], PD_B
  mov dword [TSS_B_RAM + 0x54], LDT_DATA
  mov dword [TSS_B_RAM + 0x60], LDT_SEL
  mov dword [TSS_B_RAM + 0x28], 0xb0b          ; EAX

  ; ---- CALL to a TSS and IRET back
  mov ebx, 0x12345678
  mov esi, 0x5151
  call TSS_B:0
  cmp ebx, 0x12345678                          ; restored from the main TSS
  fail_unless e, 1
  cmp esi, 0x5151
  fail_unless e, 2
  cmp dword [RESULT], 0xb0b
  fail_unless e, 3
  str ax
  cmp ax, TSS_MAIN
  fail_unless e, 4
  mov al, [GDT_RAM + TSS_B + 5]
  cmp al, 0x89                                 ; task B not busy any more
  fail_unless e, 5
  mov al, [GDT_RAM + TSS_MAIN + 5]
  cmp al, 0x8b
  fail_unless e, 6
  pushfd
  test dword [esp], 0x4000                     ; NT clear
  fail_unless z, 7
  popfd
  mov eax, cr3
  cmp eax, PD_A
  fail_unless e, 8
  mov eax, cr0
  test eax, 8                                  ; TS set by the switch
  fail_unless nz, 9
  clts
  mov al, 'C'
  out DEBUGCON, al

  ; ---- JMP through a task gate: task B continues after its IRET, then JMPs back.
  jmp TASK_GATE_B:0
  cmp dword [RESULT], 0x1b
  fail_unless e, 10
  mov al, [GDT_RAM + TSS_B + 5]
  cmp al, 0x89
  fail_unless e, 11
  mov al, [GDT_RAM + TSS_MAIN + 5]
  cmp al, 0x8b
  fail_unless e, 12
  mov al, 'J'
  out DEBUGCON, al

  ; ---- INT n through a task gate in the IDT
  mov edi, TSS_C_RAM
  mov eax, LIN(task_c_int)
  mov ecx, STACK_C
  call init_tss
  mov ecx, 0x41
  call set_task_gate
  int 0x41
.after_int:
  cmp dword [RESULT], 0x41
  fail_unless e, 13
  ; ---- #GP through a task gate: the error code on task C's stack
  mov edi, TSS_C_RAM
  mov eax, LIN(task_c_gp)
  mov ecx, STACK_C
  call init_tss
  mov ecx, 13
  call set_task_gate
  mov ax, 0x3f8                                ; past the GDT's limit
.faulting:
  mov ds, ax
.after_gp:
  cmp dword [RESULT], 0x3f8
  fail_unless e, 14
  mov ax, KDATA
  mov ds, ax
  mov ecx, 13
  mov eax, LIN(handler_13)
  call set_gate
  mov al, 'I'
  out DEBUGCON, al

  ; ---- a 16-bit TSS: CALL, and IRET back
  mov edi, TSS16_RAM
  xor eax, eax
  mov ecx, 0x2c / 4
  rep stosd
  mov word [TSS16_RAM + 0x0e], task16
  mov word [TSS16_RAM + 0x10], 2
  mov word [TSS16_RAM + 0x12], 0x1616          ; AX
  mov word [TSS16_RAM + 0x1a], STACK16         ; SP
  mov word [TSS16_RAM + 0x22], KDATA16
  mov word [TSS16_RAM + 0x24], KCODE16
  mov word [TSS16_RAM + 0x26], KDATA16
  mov word [TSS16_RAM + 0x28], KDATA16
  mov dword [RESULT], 0
  call TSS16:0
  cmp dword [RESULT], 0x1616
  fail_unless e, 15
  cmp word [TSS16_RAM + 0x24], KCODE16        ; the 16-bit task was saved in the 16-bit layout
  fail_unless e, 16
  mov al, [GDT_RAM + TSS16 + 5]
  cmp al, 0x81
  fail_unless e, 17
  mov al, '6'
  out DEBUGCON, al

  ; ---- #GP(selector) for a busy TSS
  mov dword [VARS + 32], LIN(.after_busy)
  call TSS_MAIN:0
  mov ebx, 18
  jmp fail32
.after_busy:
  cmp dword [LAST_VEC], 13
  fail_unless e, 19
  cmp dword [LAST_ERR], TSS_MAIN
  fail_unless e, 20

  ; ---- #TS in the new task: task D's CS is a data segment (error code: that selector)
  mov edi, TSS_D_RAM
  mov eax, 0x1234
  mov ecx, STACK_C
  call init_tss
  mov dword [TSS_D_RAM + 0x4c], KDATA
  jmp TSS_D:0
  cmp dword [LAST_VEC], 10
  fail_unless e, 21
  cmp dword [LAST_ERR], KDATA
  fail_unless e, 22
  cmp dword [FRAME_EIP], 0x1234                ; the new task's first instruction
  fail_unless e, 23
  str ax
  cmp ax, TSS_MAIN
  fail_unless e, 24
  mov al, 'T'
  out DEBUGCON, al
  jmp pass32

; ---------------------------------------------------------------- task B
task_b:
  str ax
  cmp ax, TSS_B
  fail_unless e, 30
  cmp eax, (0xb0b & ~0xffff) | TSS_B                    ; EAX came from the TSS
  fail_unless e, 31
  pushfd
  test dword [esp], 0x4000                     ; NT: nested
  fail_unless nz, 32
  popfd
  cmp word [TSS_B_RAM], TSS_MAIN               ; the back link
  fail_unless e, 33
  mov al, [GDT_RAM + TSS_B + 5]
  cmp al, 0x8b
  fail_unless e, 34
  mov al, [GDT_RAM + TSS_MAIN + 5]
  cmp al, 0x8b                                 ; still busy: CALL nests
  fail_unless e, 35
  mov eax, cr3
  cmp eax, PD_B
  fail_unless e, 36
  sldt ax
  cmp ax, LDT_SEL
  fail_unless e, 37
  mov ax, ds
  cmp ax, LDT_DATA
  fail_unless e, 38
  cmp dword [0x400000 + MARKER], 0xcafe        ; through directory B
  fail_unless e, 39
  cmp esp, STACK_B
  fail_unless e, 40
  mov dword [RESULT], 0xb0b
  iretd
  ; Entered again by JMP through the task gate: no nesting.
  pushfd
  test dword [esp], 0x4000
  fail_unless z, 41
  popfd
  mov al, [GDT_RAM + TSS_MAIN + 5]
  cmp al, 0x89                                 ; JMP left the main task
  fail_unless e, 42
  mov dword [RESULT], 0x1b
  jmp TSS_MAIN:0

; ---------------------------------------------------------------- task C (through the IDT)
task_c_int:
  cmp word [TSS_C_RAM], TSS_MAIN
  fail_unless e, 50
  cmp dword [TSS_MAIN_RAM + 0x20], LIN(pm32.after_int)   ; the saved EIP: after INT
  fail_unless e, 51
  cmp esp, STACK_C                             ; no error code
  fail_unless e, 52
  mov dword [RESULT], 0x41
  iretd
task_c_gp:
  cmp esp, STACK_C - 4
  fail_unless e, 53
  mov eax, [esp]
  mov [RESULT], eax                            ; the error code
  cmp dword [TSS_MAIN_RAM + 0x20], LIN(pm32.faulting)    ; a fault saves the faulting instruction
  fail_unless e, 54
  mov dword [TSS_MAIN_RAM + 0x20], LIN(pm32.after_gp)    ; resume after it
  iretd

; ---------------------------------------------------------------- the 16-bit task
bits 16
task16:
  mov bx, 60
  str cx
  cmp cx, TSS16
  jne .bad
  mov bx, 61
  cmp sp, STACK16
  jne .bad
  mov bx, 62
  cmp word [TSS16_RAM], TSS_MAIN
  jne .bad
  mov [RESULT], ax
  iret
.bad:
  movzx ebx, bx
  jmp dword KCODE32:LIN(fail32)

reset_vector start
