; A -M pc test ROM for the x86 debug facilities (issue 13), checking itself
; like modes.asm, in 32-bit protected mode: TF single-step (#DB after each
; instruction with DR6.BS, the return address the next instruction; POPF
; setting TF traps after the instruction that follows it, POPF clearing it
; still traps after itself), the shadow of MOV SS and POP SS (no trap until
; the next instruction has run), a DR0 instruction breakpoint (a #DB fault
; before the instruction, DR6.B0; RF set by the handler lets it run once),
; data breakpoints on DR1/DR2 (a trap after the access, R/W 01 and 11, LEN 1,
; 4 and 8), and DR7.GD (MOV DR faults with DR6.BD, GD clears). Each phase prints a
; letter on the debugcon at 0xE9; the end prints "PASS" and exits through
; isa-debug-exit with 0 (Kiln's status 1). A failed check prints " FAIL n"
; and exits with n.
bits 16
cpu 686

%define COUNT (VARS + 0)          ; #DB taken
%define DR6_OR (VARS + 4)         ; DR6 as the handlers saw it, ORed
%define HITS (VARS + 8)           ; runs of the breakpointed subroutine
%define LOG (VARS + 16)           ; each #DB's return EIP
%define DATA_VAR (VARS + 0x100)   ; watched by the data breakpoints

%include "pm32.inc"

pm32_flat_gdt

pm32_start

; #DB: log the return EIP and DR6 (then clear it); for an instruction breakpoint set RF in the frame.
handler_1:
  push eax
  push ecx
  mov eax, dr6
  or [DR6_OR], eax
  mov ecx, [COUNT]
  mov [LOG + ecx * 4], eax        ; overwritten below by the EIP; DR6 kept in DR6_OR
  mov eax, [esp + 8]
  mov [LOG + ecx * 4], eax
  inc dword [COUNT]
  mov eax, dr6
  test eax, 0xf
  jz .done
  or dword [esp + 16], 0x10000    ; RF: the breakpointed instruction runs after the IRET
.done:
  xor eax, eax
  mov dr6, eax
  pop ecx
  pop eax
  iretd

pm32_idtr

; ECX = the number of #DB expected; then the log must hold the EIPs at [ESI]
check_log:
  cmp [COUNT], ecx
  fail_unless e, 90
  xor edx, edx
.next:
  cmp edx, ecx
  je .done
  mov eax, [LOG + edx * 4]
  cmp eax, [esi + edx * 4]
  jne .bad
  inc edx
  jmp .next
.bad:
  lea ebx, [edx + 91]
  jmp fail32
.done:
  ret

pm32:
  pm32_entry
  mov eax, LIN(handler_1)
  mov word [IDT_RAM + 8], ax
  mov word [IDT_RAM + 8 + 2], KCODE32
  mov word [IDT_RAM + 8 + 4], 0x8e00
  shr eax, 16
  mov word [IDT_RAM + 8 + 6], ax
  lidt [LIN(idtr32)]

  ; ---- TF single-step and the MOV SS / POP SS shadow
  mov dword [COUNT], 0
  mov dword [DR6_OR], 0
  pushfd
  or dword [esp], 0x100
  popfd                           ; TF on: the trap comes after the next instruction
.s1:
  nop
.s2:
  mov ax, ss
.s3:
  mov ss, ax                      ; shadow: no trap here
  nop
.s4:
  push ss
.s5:
  pop ss                          ; shadow again
  nop
.s6:
  pushfd
.s7:
  and dword [esp], ~0x100
.s8:
  popfd                           ; TF off: still a trap after the POPF itself
.s9:
  nop
  mov ecx, 8
  mov esi, LIN(step_log)
  call check_log
  test dword [DR6_OR], 0x4000     ; BS
  fail_unless nz, 1
  mov al, 'S'
  out DEBUGCON, al

  ; ---- DR0: an instruction breakpoint on a subroutine, hit twice
  mov dword [COUNT], 0
  mov dword [DR6_OR], 0
  mov eax, LIN(breakpointed)
  mov dr0, eax
  mov eax, 0x1                    ; L0, R/W0 = 00 (execution), LEN0 = 00
  mov dr7, eax
  jmp .armed                      ; (the new breakpoints count from the next block)
.armed:
  call breakpointed
  call breakpointed
  cmp dword [HITS], 2
  fail_unless e, 2
  mov ecx, 2
  mov esi, LIN(bp_log)
  call check_log
  test dword [DR6_OR], 1          ; B0
  fail_unless nz, 3
  xor eax, eax
  mov dr7, eax
  mov al, 'B'
  out DEBUGCON, al

  ; ---- data breakpoints: a trap after the access (DR6.Bn); R/W 01 takes writes only, 11 reads too; LEN 1/2/4/8
  mov dword [COUNT], 0
  mov dword [DR6_OR], 0
  mov eax, DATA_VAR
  mov dr1, eax
  mov eax, 0x00d00004             ; L1, R/W1 = 01, LEN1 = 11 (4 bytes)
  mov dr7, eax
  jmp .data1
.data1:
  mov eax, [DATA_VAR]             ; a read: not watched
  mov [DATA_VAR + 2], ax          ; overlaps the watched dword
.w1_next:
  mov byte [DATA_VAR + 4], 1      ; past it
  mov eax, DATA_VAR + 5
  mov dr1, eax
  mov eax, 0x00300004             ; L1, R/W1 = 11, LEN1 = 00 (1 byte)
  mov dr7, eax
  jmp .data2
.data2:
  mov eax, [DATA_VAR + 4]         ; a read covering byte 5
.r_next:
  mov eax, DATA_VAR + 8
  mov dr2, eax
  mov eax, 0x09000010             ; L2, R/W2 = 01, LEN2 = 10 (8 bytes)
  mov dr7, eax
  jmp .data3
.data3:
  mov byte [DATA_VAR + 15], 1     ; the last byte of the 8
.w8_next:
  xor eax, eax
  mov dr7, eax
  mov ecx, 3
  mov esi, LIN(data_log)
  call check_log
  test dword [DR6_OR], 6          ; B1, B2
  fail_unless nz, 6
  mov al, 'W'
  out DEBUGCON, al

  ; ---- DR7.GD: the next MOV DR faults (DR6.BD), GD clears, and the MOV runs again
  mov dword [COUNT], 0
  mov dword [DR6_OR], 0
  mov eax, 0x2000
  mov dr7, eax
.gd:
  mov eax, dr7
  cmp eax, 0x400                  ; GD cleared by the #DB
  fail_unless e, 4
  mov ecx, 1
  mov esi, LIN(gd_log)
  call check_log
  test dword [DR6_OR], 0x2000     ; BD
  fail_unless nz, 5
  mov al, 'G'
  out DEBUGCON, al
  jmp pass32

breakpointed:
  inc dword [HITS]
  ret

step_log: dd LIN(pm32.s2), LIN(pm32.s3), LIN(pm32.s4), LIN(pm32.s5), LIN(pm32.s6), LIN(pm32.s7), LIN(pm32.s8), LIN(pm32.s9)
bp_log: dd LIN(breakpointed), LIN(breakpointed)
gd_log: dd LIN(pm32.gd)
data_log: dd LIN(pm32.w1_next), LIN(pm32.r_next), LIN(pm32.w8_next)

reset_vector start
