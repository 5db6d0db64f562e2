; A -M pc test ROM for ISA pieces (issue 13), checking itself like faults.asm,
; in 32-bit protected mode:
;  M  MOVBE: the loads and stores of 16 and 32 bits where CPUID.1:ECX.MOVBE
;     says it exists (-cpu max), #UD where it does not (qemu64); the register
;     form and the F2 form (CRC32, not implemented) are #UD on every model.
;  A  #AC(0): CR0.AM, EFLAGS.AC and CPL 3 make misaligned word, dword, stack,
;     string and x87 accesses fault (the frame at the instruction, nothing
;     done); aligned ones, CPL 0, AC = 0 (POPFD at CPL 3 changes it) and AM = 0
;     do not fault.
;  B  near branches past CS's limit: JMP, Jcc, CALL, RET, JMP reg, LOOP and
;     JECXZ to limit + 1 raise #GP(0) at the branch with ESP and ECX unchanged,
;     a target at the limit itself is fine, an untaken Jcc does not fault; the
;     same in a 16-bit code segment.
;  G  global pages (CR4.PGE, the PTE's G bit): a CR3 load keeps a global
;     translation and drops a non-global one (seen by changing the page tables
;     without INVLPG), INVLPG drops one page only, toggling CR4.PGE drops
;     everything, and without PGE the G bit keeps nothing.
; (64-bit near branches to non-canonical targets: faults.asm.) Each phase
; prints its letter on the debugcon at 0xE9; the end prints "PASS" and exits
; through isa-debug-exit with 0 (Kiln's status 1). A failed check prints " F n"
; and exits with n.
bits 16

%define TSS_RAM 0x3000
%define LAST_VEC (VARS + 0)
%define LAST_ERR (VARS + 4)
%define FRAME_EIP (VARS + 8)
%define RESUME (VARS + 12)
%define DATA (VARS + 0x40)        ; 64 bytes the checks read and write
%define STACK0 0x7000
%define STACK3 0x8000
%define PD 0x10000
%define PT0 0x11000               ; 0-4 MiB, identity, 4 KiB pages
%define PT1 0x12000               ; 4-8 MiB: the pages under test
%define FRAME_A 0x500000          ; the physical pages those map (markers 0xA1...)
%define FRAME_B 0x501000
%define FRAME_C 0x502000
%define FRAME_D 0x503000
%define FRAME_E 0x504000
%define FRAME_F 0x505000

%define UCODE32 0x1b
%define UDATA 0x23
%define TSS_SEL 0x28
%define LIMCODE32 0x30            ; 32-bit code, base 0, limit LIN(lim_end) - 1 (filled in at run time)
%define LIMCODE16 0x38            ; 16-bit code, base ROM_BASE, limit lim16_end - 1 (likewise)

%define AC_FLAG 0x40000
%define CR0_AM 0x40000

%define RECORDING_HANDLERS
%include "pm32.inc"

pm32_gdt
  dq 0x00cffa000000ffff   ; 18 ring 3 code
  dq 0x00cff2000000ffff   ; 20 ring 3 data
  dq 0x0000890030000067   ; 28 TSS
  dq 0                    ; 30 limited 32-bit code
  dq 0                    ; 38 limited 16-bit code
pm32_gdt_end

pm32_start

handler 6, 0
handler 13, 1
handler 17, 1
handlers: dd 6, LIN(handler_6), 13, LIN(handler_13), 17, LIN(handler_17)
handlers_end:

; INT 0x81 from ring 3: clears CR0.AM and returns.
clear_am:
  push eax
  mov eax, cr0
  and eax, ~CR0_AM
  mov cr0, eax
  pop eax
  iretd

pm32_idtr

pm32:
  pm32_entry
  install_handlers
  set_gate 0x80, LIN(after_ring3), 0xee00     ; ring 3 is done
  set_gate 0x81, LIN(clear_am), 0xee00
  lidt [LIN(idtr32)]
  mov dword [TSS_RAM + 4], STACK0
  mov dword [TSS_RAM + 8], KDATA
  mov ax, TSS_SEL
  ltr ax
  mov dword [LAST_VEC], -1

  ; ---------------------------------------------------------------- MOVBE
  mov dword [DATA], 0x11223344
  mov eax, 1
  cpuid
  bt ecx, 22
  jnc .no_movbe
  movbe eax, [DATA]
  cmp eax, 0x44332211
  fail_unless e, 1
  movbe [DATA + 4], eax
  cmp dword [DATA + 4], 0x11223344
  fail_unless e, 2
  mov ecx, 0xffffffff
  movbe cx, [DATA]                  ; bytes 44 33: CX = 0x4433, the upper half kept
  cmp ecx, 0xffff4433
  fail_unless e, 3
  mov ax, 0x1234
  movbe [DATA + 8], ax
  cmp word [DATA + 8], 0x3412
  fail_unless e, 4
  expect_none 5
  jmp .movbe_forms
.no_movbe:
  mov dword [RESUME], LIN(.m_ud)
.m_load:
  movbe eax, [DATA]
.m_ud:
  expect 6, -1, LIN(.m_load), 6
.movbe_forms:
  mov dword [RESUME], LIN(.m_reg_ud)
.m_reg:
  db 0x0f, 0x38, 0xf0, 0xc1         ; MOVBE eax, ecx: no register form
.m_reg_ud:
  expect 6, -1, LIN(.m_reg), 9
  mov dword [RESUME], LIN(.m_f2_ud)
.m_f2:
  db 0xf2, 0x0f, 0x38, 0xf1, 0x05   ; CRC32 eax, dword [DATA]
  dd DATA
.m_f2_ud:
  expect 6, -1, LIN(.m_f2), 12
  mov al, 'M'
  out DEBUGCON, al

  ; ---------------------------------------------------------------- #AC
  fninit
  mov eax, cr0
  or eax, CR0_AM
  mov cr0, eax
  pushfd
  or dword [esp], AC_FLAG
  popfd
  mov eax, [DATA + 1]               ; CPL 0: no check
  expect_none 15
  push dword UDATA
  push dword STACK3
  push dword 0x3002 | AC_FLAG       ; IOPL 3 (it prints), AC
  push dword UCODE32
  push dword LIN(ring3)
  iretd
ring3:
  mov ax, UDATA
  mov ds, ax
  mov es, ax
  mov dword [RESUME], LIN(.a1)
.ac_load:
  mov eax, [DATA + 1]
.a1:
  expect 17, 0, LIN(.ac_load), 16
  mov dword [DATA + 8], 0x55667788
  mov dword [RESUME], LIN(.a2)
.ac_store:
  mov word [DATA + 9], 0x1234
.a2:
  expect 17, 0, LIN(.ac_store), 19
  cmp dword [DATA + 8], 0x55667788  ; nothing written
  fail_unless e, 22
  mov eax, [DATA + 4]               ; aligned: fine
  mov ax, [DATA + 6]
  mov al, [DATA + 3]
  mov ax, [DATA + 2]
  expect_none 23
  mov ebp, esp
  sub esp, 2
  mov dword [RESUME], LIN(.a3)
.ac_push:
  push eax                          ; ESP misaligned
.a3:
  expect 17, 0, LIN(.ac_push), 24
  lea eax, [ebp - 2]
  cmp esp, eax                      ; nothing pushed
  fail_unless e, 27
  mov esp, ebp
  mov esi, DATA + 1
  mov edi, DATA + 0x21
  mov ecx, 4
  cld
  mov dword [RESUME], LIN(.a4)
.ac_movs:
  rep movsd
.a4:
  expect 17, 0, LIN(.ac_movs), 28
  cmp ecx, 4                        ; at the first element
  fail_unless e, 31
  mov dword [RESUME], LIN(.a5)
.ac_fld:
  fld qword [DATA + 4]              ; an 8-byte operand 4 bytes off
.a5:
  expect 17, 0, LIN(.ac_fld), 32
  fld dword [DATA + 4]              ; a 4-byte one, aligned
  fstp st0
  expect_none 35
  pushfd                            ; AC off at CPL 3: no check
  and dword [esp], ~AC_FLAG
  popfd
  mov eax, [DATA + 1]
  expect_none 36
  pushfd                            ; and on again
  or dword [esp], AC_FLAG
  popfd
  mov dword [RESUME], LIN(.a6)
.ac_again:
  mov eax, [DATA + 1]
.a6:
  expect 17, 0, LIN(.ac_again), 37
  int 0x81                          ; CR0.AM off: no check
  mov eax, [DATA + 1]
  expect_none 40
  mov al, 'A'
  out DEBUGCON, al
  int 0x80

after_ring3:
  flat_data32

  ; ---------------------------------------------------------------- near branches and CS's limit
  mov eax, LIN(lim_end) - 1         ; LIMCODE32: base 0, byte-granular limit, 32-bit, ring 0
  mov [GDT_RAM + LIMCODE32], eax
  mov word [GDT_RAM + LIMCODE32 + 2], 0
  shr eax, 16
  shl eax, 16
  or eax, 0x00409a00
  mov [GDT_RAM + LIMCODE32 + 4], eax
  mov eax, lim16_end - 1            ; LIMCODE16: base ROM_BASE, 16-bit
  mov [GDT_RAM + LIMCODE16], eax
  mov dword [GDT_RAM + LIMCODE16 + 4], 0x00009a0f
  jmp LIMCODE32:LIN(lim32)

lim32:
  mov dword [RESUME], LIN(.b1)
.jmp:
  jmp near lim_end
.b1:
  expect 13, 0, LIN(.jmp), 41
  xor eax, eax
  jnz near lim_end                  ; not taken: no check
  expect_none 44
  mov dword [RESUME], LIN(.b2)
.jcc:
  jz near lim_end
.b2:
  expect 13, 0, LIN(.jcc), 45
  mov esi, esp
  mov dword [RESUME], LIN(.b3)
.call:
  call lim_end
.b3:
  expect 13, 0, LIN(.call), 48
  cmp esi, esp                      ; nothing pushed
  fail_unless e, 51
  call at_limit                     ; a target at the limit itself
  expect_none 52
  push dword LIN(lim_end)
  mov esi, esp
  mov dword [RESUME], LIN(.b4)
.ret:
  ret
.b4:
  expect 13, 0, LIN(.ret), 53
  cmp esi, esp                      ; nothing popped
  fail_unless e, 56
  pop eax
  mov dword [RESUME], LIN(.b5)
.jreg:
  jmp eax
.b5:
  expect 13, 0, LIN(.jreg), 57
  mov ecx, 5
  mov dword [RESUME], LIN(.b6)
  jmp loop_past
.b6:
  expect 13, 0, LIN(loop_past), 60
  cmp ecx, 5                        ; not decremented
  fail_unless e, 63
  xor ecx, ecx
  mov dword [RESUME], LIN(.b7)
  jmp jecxz_past
.b7:
  expect 13, 0, LIN(jecxz_past), 64
  jmp LIMCODE16:lim16
short_branch_failed:                ; LOOP or JECXZ did not fault
  mov ebx, 67
  jmp KCODE32:LIN(fail32)
loop_past:
  loop lim_end
  jmp short_branch_failed
jecxz_past:
  jecxz lim_end
  jmp short_branch_failed
at_limit:
  ret                               ; the last byte inside LIMCODE32's limit
lim_end:                            ; LIMCODE32's limit + 1

after_lim16:
  mov ax, KDATA
  mov ds, ax
  expect 13, 0, lim16.j16, 68
  cmp dword [VARS + 0x30], 1        ; the 16-bit CALL to the limit returned
  fail_unless e, 71
  mov al, 'B'
  out DEBUGCON, al
  jmp global_pages

bits 16
lim16:                              ; in LIMCODE16 (base ROM_BASE): offsets are the labels themselves
  call at16_limit
  mov dword [VARS + 0x30], 1
  mov dword [RESUME], .r16
.j16:
  jmp near lim16_end
.r16:
  jmp dword KCODE32:LIN(after_lim16)
at16_limit:
  ret                               ; the last byte inside LIMCODE16's limit
lim16_end:
bits 32

  ; ---------------------------------------------------------------- global pages
; Reads [%1] and fails check %3 unless it holds the marker %2.
%macro expect_at 3
  cmp dword [%1], %2
  fail_unless e, %3
%endmacro
global_pages:
  mov eax, 1
  cpuid
  bt edx, 13                        ; PGE
  fail_unless c, 72
  mov dword [FRAME_A], 0xa1
  mov dword [FRAME_B], 0xb1
  mov dword [FRAME_C], 0xc1
  mov dword [FRAME_D], 0xd1
  mov dword [FRAME_E], 0xe1
  mov dword [FRAME_F], 0xf1
  mov edi, PD
  xor eax, eax
  mov ecx, 3 * 1024
  rep stosd
  mov edi, PT0                      ; 0-4 MiB identity, 4 KiB pages (so INVLPG can drop one page)
  mov eax, 3
  mov ecx, 1024
.pt0:
  stosd
  add eax, 0x1000
  loop .pt0
  mov dword [PD], PT0 | 3
  mov dword [PD + 4], PT1 | 3
  mov dword [PT1], FRAME_A | 0x103     ; 4 MiB: global
  mov dword [PT1 + 4], FRAME_B | 3     ; 4 MiB + 4 KiB: not global
  mov dword [PT1 + 8], FRAME_E | 0x103 ; 4 MiB + 8 KiB: global
  mov eax, cr4
  or eax, 0x80                      ; PGE
  mov cr4, eax
  mov eax, PD
  mov cr3, eax
  mov eax, cr0
  or eax, 0x80000000
  mov cr0, eax
  expect_at 0x400000, 0xa1, 73
  expect_at 0x401000, 0xb1, 74
  expect_at 0x402000, 0xe1, 75
  mov dword [PT1], FRAME_C | 0x103  ; remapped, no INVLPG
  mov dword [PT1 + 4], FRAME_D | 3
  mov dword [PT1 + 8], FRAME_F | 0x103
  mov eax, cr3
  mov cr3, eax
  expect_at 0x400000, 0xa1, 76      ; global: kept
  expect_at 0x401000, 0xd1, 77      ; not global: walked again
  invlpg [0x400000]
  expect_at 0x400000, 0xc1, 78      ; INVLPG dropped it
  expect_at 0x402000, 0xe1, 79      ; and only it
  mov dword [PT1], FRAME_A | 0x103
  mov eax, cr3
  mov cr3, eax
  expect_at 0x400000, 0xc1, 80      ; the new global translation is kept too
  mov eax, cr4                      ; PGE off and on: everything goes
  and eax, ~0x80
  mov cr4, eax
  expect_at 0x400000, 0xa1, 81
  expect_at 0x402000, 0xf1, 82
  mov dword [PT1], FRAME_C | 0x103  ; without PGE, G keeps nothing
  mov eax, cr3
  mov cr3, eax
  expect_at 0x400000, 0xc1, 83
  mov eax, cr4                      ; PGE on again: the page is cached as global
  or eax, 0x80
  mov cr4, eax
  expect_at 0x400000, 0xc1, 84
  mov dword [PT1], FRAME_A | 0x103  ; CR0.PG off and on: everything goes
  mov eax, cr0
  and eax, 0x7fffffff
  mov cr0, eax
  or eax, 0x80000000
  mov cr0, eax
  expect_at 0x400000, 0xa1, 85
  mov al, 'G'
  out DEBUGCON, al
  jmp pass32

reset_vector start
