; A -M pc test ROM for self-modifying code, instructions that straddle a page
; boundary and the 15-byte instruction limit (issue 13), checking itself like
; faults.asm, in 32-bit protected mode. Code it modifies runs from RAM (copied
; there from the ROM); it is called several times, so that under the JIT with
; threshold=1 the code being rewritten is already native.
;   S  an instruction rewrites the opcode of the next one, in the same block;
;   C  code on one page rewrites a function on another page that already ran
;      (once from the ROM, then from a RAM page that itself ran before);
;   T  with 4 KiB paging: an instruction straddling two present pages runs, and
;      again after the second page is remapped to other bytes; one whose
;      second page is not present raises #PF (error code 0, CR2 = the second
;      page, EIP = the instruction's first byte), and runs once it is mapped;
;   L  15 bytes (redundant prefixes) run; 16 raise #GP(0) at the first prefix;
;   G  code whose GDT lies on its own page far-jumps through a descriptor whose
;      accessed bit is clear: the CPU's store of that bit (from a helper) goes
;      into the running block's code page and must not lose the jump (Debian's
;      memtest86+ starts this way);
;   B  code and data on one page: a function counts its calls in a word beside
;      its code (stores that leave the code as it is), then a function on that
;      page rewrites an immediate of the first, which must take effect at once.
; Each phase prints its letter on the debugcon at 0xE9; the end prints "PASS"
; and exits through isa-debug-exit with 0 (Kiln's status 1). A failed check
; prints " F n" and exits with n.
bits 16
cpu 486

%define LAST_VEC (VARS + 0)
%define LAST_ERR (VARS + 4)
%define FRAME_EIP (VARS + 8)
%define RESUME (VARS + 12)
%define LAST_CR2 (VARS + 16)
%define PD 0x10000
%define PT 0x11000
%define CODE_A 0x20000            ; the same-block rewrite
%define CODE_B 0x22000            ; a writer, on its own page
%define CODE_C 0x24000            ; the function it rewrites
%define STRADDLE_OK (0x31000 - 3) ; 0x30FFD: 3 bytes on 0x30000, the rest on 0x31000
%define STRADDLE_NP (0x32000 - 3) ; 0x31FFD: the rest on 0x32000, not present at first
%define ALT_PAGE 0x33000          ; other bytes that 0x31000 is remapped to
%define CODE_D 0x26000            ; far jumps through a GDT on its own page
%define CODE_E 0x28000            ; code and data on one page

%include "pm32.inc"

pm32_flat_gdt

; Copies the ROM bytes from %1 up to %2 to the RAM at %3.
%macro copy_to_ram 3
  mov esi, LIN(%1)
  mov edi, %3
  mov ecx, %2 - %1
  rep movsb
%endmacro

; The ROM is assembled at 0 and runs at ROM_BASE: a call to a fixed address goes through a register.
%macro call_abs 1
  mov ebp, %1
  call ebp
%endmacro

pm32_start

; Handlers: record vector, error code, return EIP and CR2; continue at [RESUME].
%macro handler 2
handler_%1:
  %if %2 == 0
  push dword -1
  %endif
  push eax
  mov eax, [esp + 4]
  mov [LAST_ERR], eax
  mov dword [LAST_VEC], %1
  mov eax, [esp + 8]
  mov [FRAME_EIP], eax
  mov eax, cr2
  mov [LAST_CR2], eax
  mov eax, [RESUME]
  mov [esp + 8], eax
  pop eax
  add esp, 4
  iretd
%endmacro
handler 6, 0
handler 8, 1
handler 13, 1
handler 14, 1
handlers: dd 6, LIN(handler_6), 8, LIN(handler_8), 13, LIN(handler_13), 14, LIN(handler_14)
handlers_end:
pm32_idtr

; ---- code copied to RAM
; CODE_A: returns 5 - 1 = 4 however often it runs, though its last
; instruction reads "inc eax" in memory before each call (the caller puts it back).
%define IN_A(x) (CODE_A + (x) - same_block)
same_block:
  mov eax, 5
  mov byte [IN_A(.op)], 0x48      ; inc eax -> dec eax, in this very block
.op:
  inc eax
  ret
same_block_end:

; CODE_B: writes ECX into the immediate of CODE_C's "mov eax, imm32".
writer:
  mov [CODE_C + 1], ecx
  ret
writer_end:

; CODE_C: returns its immediate.
rewritten:
  mov eax, 0x1111
  ret
rewritten_end:

; At STRADDLE_OK and STRADDLE_NP: a 5-byte instruction across the boundary.
straddler:
  mov eax, 0x12345678
  ret
straddler_end:
; The tail of a straddler as ALT_PAGE holds it (imm bytes 3..4 = 0xBBAA).
alt_tail:
  db 0xaa, 0xbb
  ret
alt_tail_end:

; CODE_D: loads its own GDT (on this page), far-jumps to its selector 0x18
; (accessed bit clear), then back to the ROM's GDT and KCODE32; returns EAX = 1.
%define IN_D(x) (CODE_D + (x) - gdt_page)
gdt_page:
  xor eax, eax
  lgdt [IN_D(.gdtr)]
  jmp dword 0x18:IN_D(.landed)
.landed:
  inc eax
  lgdt [LIN(gdtr)]
  jmp dword KCODE32:IN_D(.back)
.back:
  ret
align 8
.gdt:
  dq 0
  dq 0x00cf9b000000ffff   ; 08 as the ROM's
  dq 0x00cf93000000ffff   ; 10 as the ROM's
  dq 0x00cf9a000000ffff   ; 18 code, not yet accessed
.gdtr: dw 31
       dd IN_D(.gdt)
gdt_page_end:

; CODE_E: returns its call count (kept beside its code) plus an immediate;
; .patch, on the same page, writes ECX into that immediate.
%define IN_E(x) (CODE_E + (x) - mixed)
mixed:
  inc dword [IN_E(.count)]
  mov eax, [IN_E(.count)]
.add:
  add eax, strict dword 0x100
  ret
.patch:
  mov [IN_E(.add) + 1], ecx
  ret
align 4
.count: dd 0
mixed_end:

pm32:
  pm32_entry
  pm32_idt
  mov dword [LAST_VEC], -1
  mov dword [RESUME], LIN(unexpected)

  ; ---- S: the same block rewrites its next instruction, on every call
  copy_to_ram same_block, same_block_end, CODE_A
  mov edx, 4
.same:
  mov byte [IN_A(same_block.op)], 0x40   ; "inc eax" again, from another page
  call_abs CODE_A
  cmp eax, 4
  fail_unless e, 1
  cmp byte [IN_A(same_block.op)], 0x48
  fail_unless e, 2
  dec edx
  jnz .same
  mov al, 'S'
  out DEBUGCON, al

  ; ---- C: a function that ran, rewritten from other pages
  copy_to_ram writer, writer_end, CODE_B
  copy_to_ram rewritten, rewritten_end, CODE_C
  mov edx, 3
.warm:
  call_abs CODE_C
  cmp eax, 0x1111
  fail_unless e, 3
  dec edx
  jnz .warm
  mov dword [CODE_C + 1], 0x2222         ; from the ROM
  call_abs CODE_C
  cmp eax, 0x2222
  fail_unless e, 4
  mov ecx, 0x3330
.rewrite:                                ; from CODE_B, each time a new value
  inc ecx
  call_abs CODE_B
  call_abs CODE_C
  cmp eax, ecx
  fail_unless e, 5
  cmp ecx, 0x3335
  jb .rewrite
  mov al, 'C'
  out DEBUGCON, al

  ; ---- T: 4 KiB pages identity-mapping 0-4 MiB, but 0x32000 not present
  copy_to_ram straddler, straddler_end, STRADDLE_OK
  copy_to_ram straddler, straddler_end, STRADDLE_NP
  copy_to_ram alt_tail, alt_tail_end, ALT_PAGE
  mov edi, PD
  xor eax, eax
  mov ecx, 1024
  rep stosd
  mov dword [PD], PT + 3
  mov edi, PT
  mov eax, 3
.pte:
  stosd
  add eax, 0x1000
  cmp edi, PT + 4096
  jb .pte
  mov dword [PT + 0x32 * 4], 0
  mov eax, PD
  mov cr3, eax
  mov eax, cr0
  or eax, 0x80000000
  mov cr0, eax
  mov edx, 3
.both:                                   ; both pages present: it runs
  mov eax, 0
  call_abs STRADDLE_OK
  cmp eax, 0x12345678
  fail_unless e, 6
  dec edx
  jnz .both
  mov dword [PT + 0x31 * 4], ALT_PAGE + 3   ; the second page now holds other bytes
  invlpg [0x31000]
  call_abs STRADDLE_OK
  cmp eax, 0xbbaa5678
  fail_unless e, 7
  mov dword [PT + 0x31 * 4], 0x31000 + 3
  invlpg [0x31000]
  call_abs STRADDLE_OK
  cmp eax, 0x12345678
  fail_unless e, 8
  mov edx, 2
.np:                                     ; the second page not present: #PF at the first byte
  mov dword [RESUME], LIN(.np_done)
  mov eax, 0
  call_abs STRADDLE_NP
  jmp unexpected
.np_done:
  add esp, 4                             ; the call's return address
  expect 14, 0, STRADDLE_NP, 9
  cmp dword [LAST_CR2], 0x32000
  fail_unless e, 12
  cmp eax, 0
  fail_unless e, 13
  dec edx
  jnz .np
  mov dword [RESUME], LIN(unexpected)
  mov dword [PT + 0x32 * 4], 0x32000 + 3  ; mapped now: it runs
  call_abs STRADDLE_NP
  cmp eax, 0x12345678
  fail_unless e, 14
  mov al, 'T'
  out DEBUGCON, al

  ; ---- L: the 15-byte limit, counted with prefixes
  mov eax, 1
  times 13 db 0x3e                       ; ds ds ... add eax, eax: 15 bytes
  add eax, eax
  cmp eax, 2
  fail_unless e, 15
  mov dword [RESUME], LIN(.gp_done)
.gp:
  times 14 db 0x3e                       ; 16 bytes: #GP(0)
  add eax, eax
  jmp unexpected
.gp_done:
  expect 13, 0, LIN(.gp), 16
  cmp eax, 2
  fail_unless e, 19
  mov al, 'L'
  out DEBUGCON, al

  ; ---- G: the accessed bit of a descriptor on the running code's page
  copy_to_ram gdt_page, gdt_page_end, CODE_D
  mov edx, 3
.gdt:
  mov byte [IN_D(gdt_page.gdt) + 0x18 + 5], 0x9a   ; not accessed, again
  call_abs CODE_D
  cmp eax, 1
  fail_unless e, 20
  cmp byte [IN_D(gdt_page.gdt) + 0x18 + 5], 0x9b
  fail_unless e, 21
  dec edx
  jnz .gdt
  mov al, 'G'
  out DEBUGCON, al

  ; ---- B: code and data on one page
  copy_to_ram mixed, mixed_end, CODE_E
  mov edx, 1
.beside:                                 ; the count grows, the code stays
  call_abs CODE_E
  lea ebx, [edx + 0x100]
  cmp eax, ebx
  fail_unless e, 22
  inc edx
  cmp edx, 6
  jb .beside
  mov ecx, 0x200
  call_abs IN_E(mixed.patch)
  call_abs CODE_E
  cmp eax, 6 + 0x200
  fail_unless e, 23
  mov al, 'B'
  out DEBUGCON, al
  jmp pass32

unexpected:                              ; an exception no check expected, or none where one was
  mov ebx, 80                            ; 79: none; 80 + the vector
  add ebx, [LAST_VEC]
  jmp fail32

reset_vector start
