; A -M pc test ROM that walks the x86 modes from the reset vector: real mode
; -> 32-bit protected mode (flat segments, IDT, exceptions with their error
; codes, a limited segment, 4 MiB paging with #PF/CR2/A/D, a TSS and a trip to
; ring 3 and back through an interrupt gate) -> long mode (4-level paging,
; 64-bit arithmetic, RIP-relative addressing, SYSCALL/SYSRET through ring 3).
; Each phase prints a letter on the debugcon at 0xE9; the end prints "PASS"
; and exits through isa-debug-exit at 0xF4 with 0 (Kiln's status 1). A failed
; check prints " F n" and exits with n (status 2n+1).
;   kiln -M pc -bios modes.bin -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04
bits 16
cpu x64

; RAM layout (with pm32.inc's: the handler results from VARS, the boot stack at STACK)
%define TSS_RAM 0x3000
%define LAST_VEC (VARS + 0)
%define LAST_ERR (VARS + 8)
%define RESUME (VARS + 16)
%define FRAME_CS (VARS + 24)
%define SCRATCH 0x5000            ; the limited segment's base
%define STACK0 0x7000             ; ring 0 stack (TSS ESP0)
%define STACK3 0x8000             ; ring 3 stack
%define PD32 0x10000              ; 32-bit page directory
%define PML4 0x20000
%define PDPT 0x21000
%define PD64 0x22000

; Selectors
%define UCODE32 0x1b
%define UDATA 0x23
%define UCODE64 0x2b
%define KCODE64 0x30
%define KDATA64 0x38
%define TSS_SEL 0x40
%define LIMITED 0x50

%include "pm32.inc"

pm32_gdt
  dq 0x00cffa000000ffff   ; 18 ring 3 code, 32-bit
  dq 0x00cff2000000ffff   ; 20 ring 3 data
  dq 0x00affa000000ffff   ; 28 ring 3 code, 64-bit
  dq 0x00af9a000000ffff   ; 30 ring 0 code, 64-bit
  dq 0x00cf92000000ffff   ; 38 ring 0 data (SYSCALL's SS)
  dq 0x0000890030000067   ; 40 TSS at 0x3000, limit 0x67 (available 32-bit TSS)
  dq 0                    ; 48 (the 64-bit TSS descriptor's upper half)
  dq 0x00009200500000ff   ; 50 data, base 0x5000, limit 0xFF, byte granular
pm32_gdt_end

; ---------------------------------------------------------------- real mode
pm32_start

set_gate_routine dx

; Exception handlers: record the vector and error code, then continue at [RESUME].
%macro handler 2           ; vector, has an error code
handler_%1:
  %if %2
  pop dword [LAST_ERR]
  %else
  mov dword [LAST_ERR], -1
  %endif
  mov dword [LAST_VEC], %1
  mov eax, [esp + 4]
  mov [FRAME_CS], eax
  mov eax, [RESUME]
  mov [esp], eax           ; the frame's EIP
  iretd
%endmacro
handler 0, 0
handler 6, 0
handler 13, 1
handler 14, 1

; INT 0x80 from ring 3: the frame holds ring 3's CS and SS; back to ring 0 code at [RESUME] on the ring 0 stack.
; DS and ES were made null by the IRET to ring 3 (their DPL 0 is below CPL 3): reload them first.
handler_80:
  mov ax, KDATA
  mov ds, ax
  mov es, ax
  mov eax, [esp + 4]
  mov [FRAME_CS], eax
  mov dword [LAST_VEC], 0x80
  mov esp, STACK
  jmp [RESUME]

pm32_idtr

; ---------------------------------------------------------------- 32-bit protected mode
pm32:
  pm32_entry fs_gs

  ; 32-bit arithmetic, flags, addressing
  mov eax, 0x92345678
  add eax, 0x9abcdef0
  fail_unless c, 1
  cmp eax, 0x2cf13568
  fail_unless e, 2
  mov ebx, 0x100
  mov ecx, 3
  mov dword [ebx + ecx * 4 + 8], 0xdeadbeef   ; SIB with scale and displacement
  cmp dword [0x114], 0xdeadbeef
  fail_unless e, 3
  mov eax, 0x10000
  mov edx, 0x30000
  mul edx                  ; EDX:EAX = 0x3_0000_0000
  cmp edx, 3
  fail_unless e, 4
  test eax, eax
  fail_unless z, 5
  mov eax, 1000000007
  xor edx, edx
  mov ecx, 10
  div ecx
  cmp eax, 100000000
  fail_unless e, 6
  cmp edx, 7
  fail_unless e, 7
  imul eax, ecx, -3        ; signed, three operands
  cmp eax, -30
  fail_unless e, 8
  movzx eax, byte [LIN(movx_data)]
  cmp eax, 0x80
  fail_unless e, 9
  movsx eax, word [LIN(movx_data)]
  cmp eax, 0xffff8080
  fail_unless e, 10
  mov eax, 0x00f00000
  bsf ecx, eax
  cmp ecx, 20
  fail_unless e, 11
  bsr ecx, eax
  cmp ecx, 23
  fail_unless e, 12
  mov eax, 5
  bts eax, 1               ; CF = the old bit 1 (0)
  fail_unless nc, 13
  cmp eax, 7
  fail_unless e, 14
  mov eax, 0x80000001
  mov edx, 0x40000000
  shld eax, edx, 2         ; 0x00000005 | (0x4 << 0) = 0x00000005 (bits from EDX: 01)
  cmp eax, 0x00000005
  fail_unless e, 15
  mov eax, 10
  mov ecx, 5
  xadd eax, ecx            ; EAX = 15, ECX = 10
  cmp eax, 15
  fail_unless e, 16
  cmp ecx, 10
  fail_unless e, 17
  mov eax, 15
  mov ecx, 99
  mov dword [0x200], 15
  lock cmpxchg [0x200], ecx
  fail_unless e, 18
  cmp dword [0x200], 99
  fail_unless e, 19
  mov eax, 0x11223344
  bswap eax
  cmp eax, 0x44332211
  fail_unless e, 20
  mov eax, 1
  cmp eax, 2
  setl cl
  cmp cl, 1
  fail_unless e, 21
  mov ecx, 7
  cmovl eax, ecx           ; flags still from cmp eax, 2... re-compare
  cmp eax, 2
  mov edx, 42
  cmovb eax, edx
  cmp eax, 42
  fail_unless e, 22
  ; REP MOVSD with 32-bit addresses
  mov esi, LIN(gdt)
  mov edi, 0x300
  mov ecx, 4
  cld
  rep movsd
  mov eax, [0x308]
  cmp eax, 0x0000ffff
  fail_unless e, 23
  cmp edi, 0x310
  fail_unless e, 24
  pushad
  mov eax, 0
  popad
  cmp edi, 0x310
  fail_unless e, 25

  ; The IDT: #DE, #UD, #GP, #PF and INT 0x80 (DPL 3).
  mov edx, 0x8e00
  mov ecx, 0
  mov eax, LIN(handler_0)
  call set_gate
  mov ecx, 6
  mov eax, LIN(handler_6)
  call set_gate
  mov ecx, 13
  mov eax, LIN(handler_13)
  call set_gate
  mov ecx, 14
  mov eax, LIN(handler_14)
  call set_gate
  mov ecx, 0x80
  mov eax, LIN(handler_80)
  mov edx, 0xee00
  call set_gate
  lidt [LIN(idtr32)]
  mov al, 'I'
  out DEBUGCON, al

  ; #DE (no error code; returns to the DIV itself: the handler resumes elsewhere)
  mov dword [RESUME], LIN(.after_de)
  xor ecx, ecx
  div ecx
  mov ebx, 30
  jmp fail32
.after_de:
  cmp dword [LAST_VEC], 0
  fail_unless e, 31
  ; #UD
  mov dword [RESUME], LIN(.after_ud)
  ud2
.after_ud:
  cmp dword [LAST_VEC], 6
  fail_unless e, 32
  ; #GP(0): past the limit of a limited segment (base 0x5000, limit 0xFF)
  mov ax, LIMITED
  mov fs, ax
  mov byte [fs:0xff], 1        ; the last byte is inside
  mov dword [RESUME], LIN(.after_gp)
  mov eax, [fs:0xfe]           ; runs past the limit
  mov ebx, 33
  jmp fail32
.after_gp:
  cmp dword [LAST_VEC], 13
  fail_unless e, 34
  cmp dword [LAST_ERR], 0
  fail_unless e, 35
  cmp byte [SCRATCH + 0xff], 1
  fail_unless e, 36
  ; #GP(selector): a selector past the GDT's limit
  mov dword [RESUME], LIN(.after_gp_sel)
  mov ax, 0x98
  mov ds, ax
  mov ebx, 37
  jmp fail32
.after_gp_sel:
  mov ax, KDATA
  mov ds, ax
  cmp dword [LAST_ERR], 0x98
  fail_unless e, 38

  ; ---- paging: 4 MiB pages (PSE). 0-4M identity; 4M-8M -> physical 0; 8M-12M not present;
  ; 12M-16M -> physical 0, read-only. The top 4 MiB (the ROM) identity.
  mov edi, PD32
  xor eax, eax
  mov ecx, 1024
  rep stosd
  mov dword [PD32 + 0 * 4], 0x00000087        ; present, writable, user, 4 MiB
  mov dword [PD32 + 1 * 4], 0x00000083
  mov dword [PD32 + 3 * 4], 0x00000081        ; read-only
  mov dword [PD32 + 1023 * 4], 0xffc00083
  mov eax, cr4
  or eax, 0x10                                 ; PSE
  mov cr4, eax
  mov eax, PD32
  mov cr3, eax
  mov eax, cr0
  or eax, 0x80010000                           ; PG, WP
  mov cr0, eax
  jmp .paged
.paged:
  mov al, 'G'
  out DEBUGCON, al
  mov dword [0x400000 + 0x6000], 0x5a5a1234    ; through the alias
  cmp dword [0x6000], 0x5a5a1234
  fail_unless e, 40
  mov eax, [PD32 + 4]
  and eax, 0x60                                ; accessed and dirty
  cmp eax, 0x60
  fail_unless e, 41
  ; #PF, not present: error 0 (read, supervisor), CR2 = the address
  mov dword [RESUME], LIN(.after_pf)
  mov eax, [0x800010]
  mov ebx, 42
  jmp fail32
.after_pf:
  cmp dword [LAST_VEC], 14
  fail_unless e, 43
  cmp dword [LAST_ERR], 0
  fail_unless e, 44
  mov eax, cr2
  cmp eax, 0x800010
  fail_unless e, 45
  ; #PF, write to a read-only page with CR0.WP: error 3 (present, write)
  mov dword [RESUME], LIN(.after_pf_w)
  mov dword [0xc00000 + 0x6000], 1
  mov ebx, 46
  jmp fail32
.after_pf_w:
  cmp dword [LAST_ERR], 3
  fail_unless e, 47
  cmp dword [0x6000], 0x5a5a1234               ; unchanged
  fail_unless e, 48

  ; ---- ring 3 and back: a TSS for the ring 0 stack, IRET to ring 3, INT 0x80 back.
  mov dword [TSS_RAM + 4], STACK0              ; ESP0
  mov dword [TSS_RAM + 8], KDATA               ; SS0
  mov word [TSS_RAM + 0x66], 0x68              ; no I/O bitmap
  mov ax, TSS_SEL
  ltr ax
  mov dword [RESUME], LIN(back_in_ring0)
  push dword UDATA
  push dword STACK3
  push dword 0x2                               ; EFLAGS: IF clear, IOPL 0
  push dword UCODE32
  push dword LIN(ring3)
  iretd
ring3:
  mov ax, cs
  and ax, 3
  cmp ax, 3
  jne .bad
  mov ax, ss
  cmp ax, UDATA
  jne .bad
  int 0x80
.bad:
  int3                       ; no gate: #GP, and the check below fails
back_in_ring0:
  cmp dword [LAST_VEC], 0x80
  fail_unless e, 50
  cmp dword [FRAME_CS], UCODE32
  fail_unless e, 51
  mov ax, cs
  cmp ax, KCODE32
  fail_unless e, 52
  ; The TSS descriptor is busy now (type 0xB).
  mov al, [GDT_RAM + TSS_SEL + 5]
  and al, 0x0f
  cmp al, 0x0b
  fail_unless e, 53
  mov al, 'U'
  out DEBUGCON, al

  ; ---- long mode: paging off, PAE + 4-level tables, EFER.LME, paging on, far jump to 64-bit code.
  mov eax, cr0
  and eax, 0x7fffffff
  mov cr0, eax
  long_mode_tables 7, 2                        ; 0-4M, 2 MiB pages, user
  enable_long_mode 0x901                       ; EFER: LME, NXE, SCE
  rdmsr                                        ; EFER again (ECX kept)
  test eax, 0x400                              ; LMA
  fail_unless nz, 60
  jmp KCODE64:LIN(lm64)

movx_data: dw 0x8080

; ---------------------------------------------------------------- 64-bit mode
bits 64
%define FAIL_LABEL fail64
fail64:
  ; Back to 32-bit code through a far return to print and exit (compatibility mode).
  push KCODE32
  mov rax, LIN(fail32)
  push rax
  retfq

lm64:
  mov al, 'L'
  out DEBUGCON, al
  ; 0x90 is NOP even in 64-bit mode: it keeps RAX's high half (XCHG EAX, EAX through ModR/M zero-extends it;
  ; Linux's early exception entry starts with a NOP, so a lost half broke its page-table walk).
  mov rax, 0x123456789abcdef0
  mov rdx, rax
  nop
  cmp rax, rdx
  fail_unless e, 75
  db 0x87, 0xc0                                ; xchg eax, eax
  mov edx, 0x9abcdef0
  cmp rax, rdx
  fail_unless e, 76
  mov rax, 0x123456789abcdef0
  mov rcx, 0x1000000000000000
  add rax, rcx
  mov rdx, 0x223456789abcdef0
  cmp rax, rdx
  fail_unless e, 61
  mov rax, [rel qword_data]                    ; RIP-relative
  mov rdx, 0xfedcba9876543210
  cmp rax, rdx
  fail_unless e, 62
  mov rax, 0x100000000
  mov rcx, 0x300000000
  mul rcx                                      ; RDX:RAX = 3 << 64
  cmp rdx, 3
  fail_unless e, 63
  test rax, rax
  fail_unless z, 64
  mov rdx, 1
  xor rax, rax
  mov rcx, 2
  div rcx                                      ; (1 << 64) / 2
  mov rdx, 0x8000000000000000
  cmp rax, rdx
  fail_unless e, 65
  mov rax, 1
  shl rax, 63
  fail_unless nc, 66
  bt rax, 63
  fail_unless c, 67
  mov r8d, -5
  movsxd r9, r8d
  cmp r9, -5
  fail_unless e, 68
  mov r15, rsp
  push r15
  pop r14
  cmp r14, r15
  fail_unless e, 69
  mov eax, 0xffffffff
  mov rbx, 0x1234567800000000
  mov ebx, eax                                 ; a 32-bit write zeroes bits 63-32
  cmp rbx, rax
  fail_unless e, 70
  call .sub
  jmp .after_sub
.sub:
  mov r10, 77
  ret
.after_sub:
  cmp r10, 77
  fail_unless e, 71

  ; SYSCALL/SYSRET: STAR (SYSRET base 0x18 -> CS 0x2B, SS 0x23; SYSCALL CS 0x30, SS 0x38), LSTAR, SFMASK.
  mov ecx, 0xc0000081
  xor eax, eax
  mov edx, 0x00180030
  wrmsr
  mov ecx, 0xc0000082
  mov rax, LIN(syscall_entry)
  mov rdx, rax
  shr rdx, 32
  wrmsr
  mov ecx, 0xc0000084
  mov eax, 0x200                               ; clear IF
  xor edx, edx
  wrmsr
  mov rcx, LIN(user64)
  mov r11, 0x2
  mov rsp, STACK3
  o64 sysret
user64:
  mov ax, cs
  cmp ax, UCODE64
  jne .bad
  mov rax, 0x5a
  syscall
.after_syscall:
.bad:
  hlt                                          ; ring 3: #GP (no 64-bit IDT: a triple fault ends the run)
syscall_entry:
  mov rsp, STACK
  cmp rax, 0x5a
  fail_unless e, 72
  mov rdx, LIN(user64.after_syscall)
  cmp rcx, rdx
  fail_unless e, 73
  mov ax, cs
  cmp ax, KCODE64
  fail_unless e, 74
  mov al, 'S'
  out DEBUGCON, al
  ; Done: print PASS from 32-bit code and exit 0.
  push KCODE32
  mov rax, LIN(pass32)
  push rax
  retfq

align 8
qword_data: dq 0xfedcba9876543210

reset_vector start
