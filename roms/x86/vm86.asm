; A -M pc test ROM for virtual-8086 mode (issue 13), checking itself like
; modes.asm: a small ring 0 monitor in 32-bit protected mode enters a
; real-mode style program by IRET. At IOPL 0 the monitor emulates what traps
; to #GP: CLI, IRET, INT n, and IN/OUT to ports the TSS's I/O permission bitmap
; denies (it allows 0xE9, so the program prints "V" itself); a #DE goes
; through the IDT with the virtual-8086 frame (ES, DS, FS, GS pushed, then
; made null). At IOPL 3, CLI/STI/PUSHF run natively and INT n goes through
; the IDT. Last, a task switch to a TSS with EFLAGS.VM set enters the mode
; too. Each phase prints a letter on the debugcon at 0xE9; the end prints
; "PASS" and exits through isa-debug-exit with 0 (Kiln's status 1). A failed
; check prints " FAIL n" and exits with n.
bits 16
cpu 686

%define TSS_RAM 0x3000            ; the monitor's TSS, with an I/O bitmap for ports 0-0xFF
%define TSS_V86_RAM 0x3100        ; a task in virtual-8086 mode (no bitmap)
%define GP_COUNT (VARS + 0)
%define GP_LOG (VARS + 4)         ; the opcode byte of each #GP, in order
%define DE_SEEN (VARS + 16)
%define INT40_SEEN (VARS + 20)
%define RESUME (VARS + 24)
%define V86_DATA 0x5000           ; the program's DS = 0x500
%define STACK0 0x7000

%define TSS_SEL 0x18
%define TSS_V86 0x20

%include "pm32.inc"

pm32_gdt
  dq 0x0000890030000088   ; 18 the monitor's TSS: 0x68 bytes and a 32-byte bitmap with its end byte
  dq 0x0000890031000067   ; 20 the virtual-8086 task
pm32_gdt_end

pm32_start

set_gate_routine dx

; The monitor: #GP from virtual-8086 mode. The frame: error, EIP, CS, EFLAGS, ESP, SS, ES, DS, FS, GS.
handler_13:
  push eax
  push ebx
  mov ax, KDATA                   ; DS is null after leaving virtual-8086 mode
  mov ds, ax
  test dword [esp + 20], 0x20000  ; EFLAGS.VM in the frame
  jz .bad
  movzx eax, word [esp + 16]      ; CS:IP -> the linear address of the instruction
  shl eax, 4
  movzx ebx, word [esp + 12]
  add eax, ebx
  mov bl, [eax]
  mov ecx, [GP_COUNT]
  mov [GP_LOG + ecx], bl
  inc dword [GP_COUNT]
  cmp bl, 0xfa                    ; CLI, IRET: skip it
  je .skip1
  cmp bl, 0xcf
  je .skip1
  cmp bl, 0xcd                    ; INT n: 0x31 ends the program
  jne .skip2
  cmp byte [eax + 1], 0x31
  jne .skip2
  mov esp, STACK
  jmp [RESUME]
.skip2:                           ; IN/OUT imm8, INT n
  inc dword [esp + 12]
.skip1:
  inc dword [esp + 12]
  pop ebx
  pop eax
  add esp, 4
  iretd
.bad:
  mov ebx, 90
  jmp fail32

; #DE from virtual-8086 mode: checks the frame and the null data segments, skips the DIV (2 bytes).
handler_0:
  mov ax, ds
  test ax, ax
  jnz .bad
  mov ax, es
  test ax, ax
  jnz .bad
  mov ax, KDATA
  mov ds, ax
  cmp word [esp + 4], 0xf000      ; CS
  jne .bad
  test dword [esp + 8], 0x20000   ; VM
  jz .bad
  cmp word [esp + 16], 0x900      ; SS
  jne .bad
  cmp word [esp + 20], 0x600      ; ES
  jne .bad
  cmp word [esp + 24], 0x500      ; DS
  jne .bad
  cmp word [esp + 28], 0x700      ; FS
  jne .bad
  cmp word [esp + 32], 0x800      ; GS
  jne .bad
  cmp esp, STACK0 - 36            ; the ring 0 stack from the TSS
  jne .bad
  mov dword [DE_SEEN], 1
  add dword [esp], 2
  iretd
.bad:
  mov ebx, 91
  jmp fail32

; INT 0x40 from virtual-8086 mode at IOPL 3 (a DPL 3 gate)
handler_40:
  push eax
  mov ax, KDATA
  mov ds, ax
  test dword [esp + 12], 0x20000
  jz .bad
  mov dword [INT40_SEEN], 1
  pop eax
  iretd
.bad:
  mov ebx, 92
  jmp fail32
; INT 0x31 at IOPL 3: the program is done
handler_31:
  mov ax, KDATA
  mov ds, ax
  mov esp, STACK
  jmp [RESUME]

pm32_idtr

; Enters virtual-8086 mode at F000:[ESI] with EFLAGS = EAX (DS 0x500, ES 0x600, FS 0x700, GS 0x800, SS:SP 0x900:0xFFF0)
enter_v86:
  push dword 0x800
  push dword 0x700
  push dword 0x500
  push dword 0x600
  push dword 0x900
  push dword 0xfff0
  push eax
  push dword 0xf000
  push esi
  iretd

pm32:
  pm32_entry
  mov edx, 0x8e00
  xor ecx, ecx
  mov eax, LIN(handler_0)
  call set_gate
  mov ecx, 13
  mov eax, LIN(handler_13)
  call set_gate
  mov edx, 0xee00
  mov ecx, 0x40
  mov eax, LIN(handler_40)
  call set_gate
  mov ecx, 0x31
  mov eax, LIN(handler_31)
  call set_gate
  lidt [LIN(idtr32)]
  ; The TSS: ring 0 stack, and a bitmap denying every port but 0xE9.
  mov dword [TSS_RAM + 4], STACK0
  mov dword [TSS_RAM + 8], KDATA
  mov word [TSS_RAM + 0x66], 0x68
  mov edi, TSS_RAM + 0x68
  mov al, 0xff
  mov ecx, 33
  rep stosb
  and byte [TSS_RAM + 0x68 + 0xe9 / 8], ~(1 << (0xe9 & 7))
  mov ax, TSS_SEL
  ltr ax

  ; ---- IOPL 0: the monitor emulates
  mov dword [RESUME], LIN(.back1)
  mov esi, v86_prog
  mov eax, 0x20002
  jmp enter_v86
.back1:
  mov ax, KDATA
  mov ds, ax
  mov es, ax
  cmp byte [V86_DATA], 0x77
  fail_unless e, 1
  cmp word [V86_DATA + 2], 0x900
  fail_unless e, 2
  cmp dword [GP_COUNT], 5
  fail_unless e, 3
  cmp dword [GP_LOG], 0xe4e6cffa                ; CLI, IRET, OUT 0xF4, IN 0x60, INT 0x31
  fail_unless e, 4
  cmp byte [GP_LOG + 4], 0xcd
  fail_unless e, 12
  cmp dword [DE_SEEN], 1
  fail_unless e, 5
  mov al, 'M'
  out DEBUGCON, al

  ; ---- IOPL 3: CLI/STI/PUSHF run, INT n through the IDT
  mov dword [RESUME], LIN(.back2)
  mov esi, v86_iopl3
  mov eax, 0x23002
  jmp enter_v86
.back2:
  mov ax, KDATA
  mov ds, ax
  cmp dword [GP_COUNT], 5                       ; no more #GP
  fail_unless e, 6
  cmp word [V86_DATA + 4], 0x3202               ; PUSHF: IOPL 3, IF (after STI)
  fail_unless e, 7
  cmp dword [INT40_SEEN], 1
  fail_unless e, 8
  mov al, '3'
  out DEBUGCON, al

  ; ---- a task switch into virtual-8086 mode
  mov dword [TSS_V86_RAM + 4], STACK0
  mov dword [TSS_V86_RAM + 8], KDATA
  mov dword [TSS_V86_RAM + 0x20], v86_task     ; EIP
  mov dword [TSS_V86_RAM + 0x24], 0x20002      ; EFLAGS: VM, IOPL 0
  mov dword [TSS_V86_RAM + 0x38], 0xff00       ; ESP
  mov dword [TSS_V86_RAM + 0x48], 0x600        ; ES
  mov dword [TSS_V86_RAM + 0x4c], 0xf000       ; CS
  mov dword [TSS_V86_RAM + 0x50], 0x900        ; SS
  mov dword [TSS_V86_RAM + 0x54], 0x500        ; DS
  mov word [TSS_V86_RAM + 0x66], 0x68
  mov dword [RESUME], LIN(.back3)
  jmp TSS_V86:0
.back3:
  mov ax, KDATA
  mov ds, ax
  cmp byte [V86_DATA + 8], 0x99
  fail_unless e, 9
  str ax
  cmp ax, TSS_V86
  fail_unless e, 10
  cmp dword [GP_COUNT], 6
  fail_unless e, 11
  mov al, 'T'
  out DEBUGCON, al
  jmp pass32

; ---------------------------------------------------------------- virtual-8086 programs (CS = 0xF000)
bits 16
v86_prog:
  mov byte [0], 0x77              ; DS = 0x500: linear 0x5000
  mov ax, ss
  mov [2], ax
  cli                             ; #GP: IOPL 0
  iret                            ; #GP: IOPL 0 (the monitor skips it)
  mov al, 'V'
  out DEBUGCON, al                ; allowed by the bitmap
  out DEBUG_EXIT, al              ; denied: #GP (else the run would end here)
  in al, 0x60                     ; denied: #GP
  xor cx, cx
  div cx                          ; #DE through the IDT
  int 0x31                        ; #GP: IOPL 0; the monitor ends the program
v86_iopl3:
  cli
  sti
  pushf
  pop ax
  mov [4], ax
  int 0x40
  int 0x31
v86_task:
  mov byte [8], 0x99
  int 0x31

reset_vector start
