; A -M pc test ROM for -smp N (issue 14), checking itself like the other
; ROMs, for any N from 2 to 8. The BSP goes to 32-bit protected mode (R, P),
; reads N from fw_cfg's FW_CFG_NB_CPUS (N), and wakes the APs with
; INIT, INIT level de-assert, SIPI, SIPI to all but itself, the delivery
; status reading idle after each (S). Each AP starts in real mode at F100:0000
; (this ROM's second 4 KiB page), goes to protected mode, records its APIC ID
; from CPUID.1:EBX[31:24] and from its APIC ID register, sets its logical ID
; (flat model: bit n for APIC ID n) and sleeps in STI; HLT. The BSP checks
; every AP's two IDs and its own (I); sends each AP a fixed IPI by physical
; ID, which the AP answers with a fixed IPI to the BSP naming itself (F); an
; NMI to AP 1, whose vector-2 handler counts it (M); a fixed IPI to AP 1 by
; logical ID (L); one to all but itself, answered by every AP (A); a lowest-
; priority one to every AP by logical ID, taken by exactly one (W). (The APs
; count what they take: their answers to the BSP may meet in its IRR as one.) Then it
; resets the machine through 0xCF9 with a marker in RAM: after the reset the
; APs must be waiting for SIPI again, so a SIPI alone (no INIT) starts each
; once more and they report their IDs again (Z). The end prints "PASS" and
; exits through isa-debug-exit with 0 (Kiln's status 1); a failed check
; prints " F nn" and exits with nn.
bits 16
cpu 686

%define STARTED (VARS + 0)      ; APs that have reported (lock inc)
%define SLOTS (VARS + 4)        ; the next AP stack slot (lock xadd)
%define REPLIES (VARS + 8)      ; fixed IPIs from the APs to the BSP
%define REPLY_FROM (VARS + 12)  ; the APIC ID in the last one
%define NMIS (VARS + 16)        ; NMIs taken by the APs
%define NCPUS (VARS + 20)
%define ANSWERS (VARS + 28)     ; IPIs the APs took (several answers to the BSP may meet in its IRR as one)
%define STAGE (VARS + 24)       ; RESET_MARK after the reset
%define IDS (VARS + 0x100)      ; per APIC ID n: [IDS + 8n] CPUID's, [IDS + 8n + 4] the register's
%define AP_STACKS 0x10000       ; 1 KiB each, from here up

%define APIC 0xfee00000
%define APIC_ID (APIC + 0x20)
%define APIC_EOI (APIC + 0xb0)
%define APIC_LDR (APIC + 0xd0)
%define APIC_SVR (APIC + 0xf0)
%define APIC_ICR_LOW (APIC + 0x300)
%define APIC_ICR_HIGH (APIC + 0x310)
%define ICR_PENDING (1 << 12)
%define ICR_LOGICAL (1 << 11)
%define ICR_ALL_BUT_SELF (3 << 18)
%define ICR_LOWEST (1 << 8)
%define ICR_NMI (4 << 8)
%define INIT_ASSERT 0x4500      ; INIT, level assert, edge
%define INIT_DEASSERT 0x8500    ; INIT, level de-assert, level trigger
%define SIPI 0x4600
%define AP_VECTOR 0x40          ; to an AP: it answers with REPLY_VECTOR
%define REPLY_VECTOR 0x41       ; to the BSP: counts the answer
%define SPURIOUS_VECTOR 0xff
%define RESET_MARK 0x52534554

%include "pm32.inc"

pm32_flat_gdt

; The BSP's start, and the APs' at CS = F100 (SIPI vector 0xF1), IP = 0.
pm32_start ap32

ap32:
  mov ax, KDATA
  mov ds, ax
  mov es, ax
  mov ss, ax
  mov eax, 1
  lock xadd [SLOTS], eax
  inc eax
  shl eax, 10
  lea esp, [AP_STACKS + eax]
  lidt [LIN(idtr32)]
  mov dword [APIC_SVR], 0x100 | SPURIOUS_VECTOR
  mov eax, [APIC_ID]
  shr eax, 24
  mov edi, eax                   ; the register's ID indexes the record
  mov [IDS + edi * 8 + 4], eax
  mov cl, al
  mov eax, 1
  shl eax, cl
  shl eax, 24
  mov [APIC_LDR], eax            ; flat logical ID: bit n for APIC ID n
  mov eax, 1
  cpuid
  shr ebx, 24
  mov [IDS + edi * 8], ebx
  lock inc dword [STARTED]
.sleep:
  sti
  hlt
  jmp .sleep

; An AP's answer: a fixed IPI to the BSP (APIC ID 0) with this AP's ID in REPLY_FROM.
ap_handler:
  push eax
  lock inc dword [ANSWERS]
  mov eax, [APIC_ID]
  shr eax, 24
  mov [REPLY_FROM], eax
  mov dword [APIC_ICR_HIGH], 0
  mov dword [APIC_ICR_LOW], REPLY_VECTOR
  mov dword [APIC_EOI], 0
  pop eax
  iretd
reply_handler:
  lock inc dword [REPLIES]
  mov dword [APIC_EOI], 0
  iretd
nmi_handler:
  lock inc dword [NMIS]
  iretd
spurious_handler:
  iretd

handlers:
  dd 2, LIN(nmi_handler)
  dd AP_VECTOR, LIN(ap_handler)
  dd REPLY_VECTOR, LIN(reply_handler)
  dd SPURIOUS_VECTOR, LIN(spurious_handler)
handlers_end:

pm32_idtr

wait_for_routine 90

; Lets the interrupts already sent come in.
quiet:
  mov ecx, 1000000
.loop:
  sti
  dec ecx
  jnz .loop
  cli
  ret

; Writes EAX to the ICR (ICR high first: EDX) and checks that delivery status reads idle (check 91).
send_ipi:
  mov [APIC_ICR_HIGH], edx
  mov [APIC_ICR_LOW], eax
  test dword [APIC_ICR_LOW], ICR_PENDING
  jz .idle
  mov ebx, 91
  jmp fail32
.idle:
  ret

; Checks the IDs each AP recorded: both n for APIC ID n (checks %1, %1 + 1).
%macro check_ap_ids 1
  mov esi, 1
%%ap:
  cmp [IDS + esi * 8], esi
  fail_unless e, %1
  cmp [IDS + esi * 8 + 4], esi
  fail_unless e, %1 + 1
  inc esi
  cmp esi, [NCPUS]
  jb %%ap
%endmacro

; Sends a fixed IPI (ICR low EAX, high EDX) and waits for REPLIES to reach ESI.
%macro ipi_and_wait 0
  call send_ipi
  mov edx, esi
  mov edi, REPLIES
  call wait_for
%endmacro

pm32:
  pm32_entry
  pm32_idt
  mov dword [APIC_SVR], 0x100 | SPURIOUS_VECTOR
  mov al, 0xff                   ; both 8259As masked: only IPIs interrupt
  out 0x21, al
  out 0xa1, al
  cmp dword [STAGE], RESET_MARK
  je after_reset

  ; ---- fw_cfg: the CPU count
  mov dx, 0x510
  mov ax, 0x05                   ; FW_CFG_NB_CPUS, 16-bit little-endian
  out dx, ax
  mov dx, 0x511
  in al, dx
  mov bl, al
  in al, dx
  mov bh, al
  movzx eax, bx
  mov [NCPUS], eax
  cmp eax, 2
  fail_unless ae, 1
  cmp eax, 8
  fail_unless be, 2
  mov al, 'N'
  out DEBUGCON, al

  ; ---- INIT, INIT de-assert, SIPI, SIPI to all but self
  xor edx, edx
  mov eax, ICR_ALL_BUT_SELF | INIT_ASSERT
  call send_ipi
  mov eax, ICR_ALL_BUT_SELF | INIT_DEASSERT
  call send_ipi
  mov eax, ICR_ALL_BUT_SELF | SIPI | 0xf1
  call send_ipi
  mov eax, ICR_ALL_BUT_SELF | SIPI | 0xf1  ; the second finds them running: ignored
  call send_ipi
  mov edx, [NCPUS]
  dec edx
  mov edi, STARTED
  call wait_for
  mov al, 'S'
  out DEBUGCON, al

  ; ---- the IDs
  check_ap_ids 3
  mov eax, 1
  cpuid
  shr ebx, 24
  fail_unless z, 5
  mov eax, [APIC_ID]
  test eax, eax
  fail_unless z, 6
  mov al, 'I'
  out DEBUGCON, al

  ; ---- a fixed IPI to each AP by physical ID; each answers naming itself
  mov esi, 0
  mov ebp, 1
.each_ap:
  inc esi
  mov edx, ebp
  shl edx, 24
  mov eax, AP_VECTOR
  ipi_and_wait
  cmp [REPLY_FROM], ebp
  fail_unless e, 10
  inc ebp
  cmp ebp, [NCPUS]
  jb .each_ap
  mov al, 'F'
  out DEBUGCON, al

  ; ---- an NMI to AP 1 (it sleeps with IF set; the NMI comes whatever IF says)
  mov edx, 1 << 24
  mov eax, ICR_NMI
  call send_ipi
  mov edx, 1
  mov edi, NMIS
  call wait_for
  mov al, 'M'
  out DEBUGCON, al

  ; ---- by logical ID: AP 1 is bit 1 (flat model)
  mov dword [REPLY_FROM], -1
  inc esi
  mov edx, 0x02 << 24
  mov eax, ICR_LOGICAL | AP_VECTOR
  ipi_and_wait
  cmp dword [REPLY_FROM], 1
  fail_unless e, 11
  mov al, 'L'
  out DEBUGCON, al

  ; ---- all but self: every AP takes it
  mov esi, [ANSWERS]
  add esi, [NCPUS]
  dec esi
  xor edx, edx
  mov eax, ICR_ALL_BUT_SELF | AP_VECTOR
  call send_ipi
  mov edx, esi
  mov edi, ANSWERS
  call wait_for
  mov al, 'A'
  out DEBUGCON, al

  ; ---- lowest priority to every AP (logical 0xFE): exactly one takes it (AP 1: equal priorities, lowest ID)
  call quiet
  mov dword [REPLY_FROM], -1
  mov esi, [ANSWERS]
  inc esi
  mov edx, 0xfe << 24
  mov eax, ICR_LOGICAL | ICR_LOWEST | AP_VECTOR
  call send_ipi
  mov edx, esi
  mov edi, ANSWERS
  call wait_for
  call quiet                     ; no second AP takes it
  cmp [ANSWERS], esi
  fail_unless e, 12
  cmp dword [REPLY_FROM], 1
  fail_unless e, 13
  mov al, 'W'
  out DEBUGCON, al

  ; ---- a system reset through 0xCF9; RAM (and this marker) survives it
  mov dword [STAGE], RESET_MARK
  mov dx, 0xcf9
  mov al, 0x06
  out dx, al
  mov ebx, 20                    ; the reset did not happen
  jmp fail32

after_reset:
  xor eax, eax
  mov [STARTED], eax
  mov [SLOTS], eax
  mov edi, IDS
  mov ecx, 16
  rep stosd
  xor edx, edx
  mov eax, ICR_ALL_BUT_SELF | SIPI | 0xf1  ; no INIT: the reset left them waiting for SIPI
  call send_ipi
  mov edx, [NCPUS]
  dec edx
  mov edi, STARTED
  call wait_for
  check_ap_ids 21
  mov al, 'Z'
  out DEBUGCON, al
  jmp pass32

reset_vector start
