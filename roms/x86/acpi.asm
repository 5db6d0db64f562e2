; The ACPI tables Kiln's direct Linux boot hands a kernel (-M pc -kernel, no
; -bios), checked by a bzImage of our own (the 32-bit "kernel" at 1 MiB):
;   R  the RSDP: found by Linux's legacy scan of 0xE0000-0xFFFFF (16-byte
;      steps), both checksums, revision 2, and the address in boot_params.acpi_rsdp_addr
;   T  the RSDT and XSDT: signatures, checksums, the same tables in both;
;      every table listed has a good checksum; the FADT and the MADT among them
;   F  the FADT: the DSDT (checksum; \_S5 found) and the FACS (64-byte
;      aligned), the SCI on IRQ 9, the PM1a blocks and the PM timer at the
;      PIIX4 PM's ports (the timer counts), the reset register 0xCF9 value 6,
;      the RTC's century byte
;   M  the MADT: the local APIC's address; one enabled Processor Local APIC
;      per CPU of the board (CMOS 0x5F holds their count less one), APIC IDs
;      0, 1, ..., the first being this CPU's; the IOAPIC with its ID register's
;      ID, its address and GSI base 0; IRQ0 -> GSI 2; the SCI and the PCI
;      interrupts' IRQs (10 and 11, where the PIIX3's PIRQRC registers route
;      PIRQA-D) level, active high
;   P  then powers off through PM1a_CNT: SLP_TYP from \_S5, SLP_EN
; Kiln then ends with status 0 (and its power-off line on stderr). A failure
; prints " F nn" and exits with nn (isa-debug-exit at 0xF4).
%define DEBUGCON 0xe9
%define DEBUG_EXIT 0xf4
%include "common.inc"
%include "bzimage.inc"

%define PM_BASE 0x600

bits 32
section kernel vstart=0x100000
kernel:
  mov esp, 0x80000
  mov [zero_page], esi
  ; R: the scan, as Linux's acpi_find_root_pointer (signature, then the 20-byte checksum)
  mov edi, 0xe0000
.scan:
  cmp dword [edi], 'RSD '
  jne .next
  cmp dword [edi + 4], 'PTR '
  jne .next
  mov ecx, 20
  call sum_bytes
  test al, al
  jz .found
.next:
  add edi, 16
  cmp edi, 0x100000
  jb .scan
  mov ebx, 1
  jmp fail32
.found:
  mov [rsdp], edi
  cmp byte [edi + 15], 2         ; revision 2: length, XSDT, extended checksum
  fail_unless e, 2
  cmp dword [edi + 20], 36
  fail_unless e, 3
  mov ecx, 36
  call sum_bytes
  test al, al
  fail_unless z, 4
  mov esi, [zero_page]
  cmp [esi + 0x70], edi          ; boot_params.acpi_rsdp_addr
  fail_unless e, 5
  cmp dword [esi + 0x74], 0
  fail_unless e, 6
  cmp dword [edi + 28], 0        ; the XSDT below 4 GiB
  fail_unless e, 7
  mov al, 'R'
  out DEBUGCON, al

  ; T
  mov edi, [rsdp]
  mov edi, [edi + 16]
  mov [rsdt], edi
  cmp dword [edi], 'RSDT'
  fail_unless e, 10
  call check_table
  fail_unless z, 11
  mov edi, [rsdp]
  mov edi, [edi + 24]
  mov [xsdt], edi
  cmp dword [edi], 'XSDT'
  fail_unless e, 12
  call check_table
  fail_unless z, 13
  mov esi, [rsdt]
  mov ecx, [esi + 4]
  sub ecx, 36
  shr ecx, 2                     ; the RSDT's entries
  mov eax, [xsdt]
  mov eax, [eax + 4]
  sub eax, 36
  shr eax, 3
  cmp eax, ecx                   ; as many in the XSDT
  fail_unless e, 14
  test ecx, ecx
  fail_unless nz, 15
  xor edx, edx                   ; entry index
.entry:
  mov esi, [rsdt]
  mov edi, [esi + 36 + 4 * edx]
  mov esi, [xsdt]
  cmp edi, [esi + 36 + 8 * edx]
  fail_unless e, 16
  cmp dword [esi + 36 + 8 * edx + 4], 0
  fail_unless e, 17
  push ecx
  call check_table
  pop ecx
  fail_unless z, 18
  cmp dword [edi], 'FACP'
  jne .not_fadt
  mov [fadt], edi
.not_fadt:
  cmp dword [edi], 'APIC'
  jne .not_madt
  mov [madt], edi
.not_madt:
  inc edx
  cmp edx, ecx
  jb .entry
  cmp dword [fadt], 0
  fail_unless ne, 19
  cmp dword [madt], 0
  fail_unless ne, 20
  mov al, 'T'
  out DEBUGCON, al

  ; F
  mov esi, [fadt]
  mov edi, [esi + 40]            ; DSDT
  cmp dword [edi], 'DSDT'
  fail_unless e, 30
  push esi
  call check_table
  pop esi
  fail_unless z, 31
  cmp edi, [esi + 140]           ; X_DSDT, the same
  fail_unless e, 32
  mov [dsdt], edi
  mov edi, [esi + 36]            ; FACS
  cmp dword [edi], 'FACS'
  fail_unless e, 33
  test edi, 63
  fail_unless z, 34
  cmp word [esi + 46], 9         ; SCI_INT
  fail_unless e, 35
  cmp dword [esi + 56], PM_BASE  ; PM1a_EVT_BLK
  fail_unless e, 36
  cmp dword [esi + 64], PM_BASE + 4  ; PM1a_CNT_BLK
  fail_unless e, 37
  cmp dword [esi + 76], PM_BASE + 8  ; PM_TMR_BLK
  fail_unless e, 38
  cmp byte [esi + 88], 4         ; PM1_EVT_LEN
  fail_unless e, 39
  cmp byte [esi + 89], 2         ; PM1_CNT_LEN
  fail_unless e, 40
  cmp byte [esi + 91], 4         ; PM_TMR_LEN
  fail_unless e, 41
  test dword [esi + 112], 1 << 10  ; RESET_REG_SUP
  fail_unless nz, 42
  cmp dword [esi + 116], 0x01000801 ; RESET_REG: system I/O, 8 bits, offset 0, byte access
  fail_unless e, 43
  cmp dword [esi + 120], 0xcf9
  fail_unless e, 44
  cmp byte [esi + 128], 6
  fail_unless e, 45
  cmp byte [esi + 108], 0x32     ; CENTURY
  fail_unless e, 46
  mov dx, [esi + 76]             ; the PM timer counts (24 bits)
  in eax, dx
  mov ebx, eax
  mov ecx, 100000
.wait:
  in eax, dx
  cmp eax, ebx
  jne .ticked
  loop .wait
  mov ebx, 47
  jmp fail32
.ticked:
  test eax, 0xff000000
  fail_unless z, 48
  ; \_S5_: NameOp, "_S5_", PackageOp, PkgLength, NumElements, then SLP_TYPa (Zero, One or BytePrefix n)
  mov edi, [dsdt]
  mov ecx, [edi + 4]
  sub ecx, 8
.s5:
  cmp dword [edi], '_S5_'
  jne .s5_next
  cmp byte [edi - 1], 0x08
  jne .s5_next
  cmp byte [edi + 4], 0x12
  je .s5_found
.s5_next:
  inc edi
  loop .s5
  mov ebx, 49
  jmp fail32
.s5_found:
  movzx eax, byte [edi + 7]
  cmp al, 1
  jbe .s5_type
  cmp al, 0x0a
  fail_unless e, 50
  movzx eax, byte [edi + 8]
.s5_type:
  mov [s5_type], eax
  mov al, 'F'
  out DEBUGCON, al

  ; M
  mov esi, [madt]
  cmp dword [esi + 36], 0xfee00000
  fail_unless e, 60
  cmp dword [esi + 40], 1        ; PCAT_COMPAT
  fail_unless e, 61
  mov al, 0x5f                   ; CMOS: CPUs less one
  out 0x70, al
  in al, 0x71
  movzx eax, al
  inc eax
  mov [cpus], eax
  mov edi, esi
  add edi, 44                    ; the first entry
  mov ebp, esi
  add ebp, [esi + 4]             ; the end
  xor edx, edx                   ; Processor Local APIC entries seen
.madt:
  cmp edi, ebp
  jae .madt_done
  movzx ecx, byte [edi + 1]
  cmp ecx, 2
  fail_unless ae, 62
  cmp byte [edi], 0
  jne .not_lapic
  cmp ecx, 8
  fail_unless e, 63
  cmp [edi + 3], dl              ; APIC IDs 0, 1, ... in order
  fail_unless e, 64
  test byte [edi + 4], 1         ; enabled
  fail_unless nz, 65
  test edx, edx
  jnz .lapic_counted
  mov eax, [0xfee00020]          ; this CPU's local APIC ID
  shr eax, 24
  cmp al, [edi + 3]
  fail_unless e, 66
.lapic_counted:
  inc edx
  jmp .madt_next
.not_lapic:
  cmp byte [edi], 1
  jne .not_ioapic
  cmp ecx, 12
  fail_unless e, 67
  cmp dword [edi + 4], 0xfec00000
  fail_unless e, 68
  cmp dword [edi + 8], 0         ; GSI base
  fail_unless e, 69
  mov dword [0xfec00000], 0      ; IOREGSEL: the ID register
  mov eax, [0xfec00010]
  shr eax, 24
  and al, 0x0f
  cmp al, [edi + 2]
  fail_unless e, 70
  or byte [seen], 1
  jmp .madt_next
.not_ioapic:
  cmp byte [edi], 2
  jne .madt_next
  cmp ecx, 10
  fail_unless e, 71
  cmp byte [edi + 2], 0          ; ISA
  fail_unless e, 72
  cmp byte [edi + 3], 0
  jne .not_irq0
  cmp dword [edi + 4], 2         ; IRQ0 -> GSI 2, conforming
  fail_unless e, 73
  cmp word [edi + 8], 0
  fail_unless e, 74
  or byte [seen], 2
.not_irq0:
  movzx eax, byte [edi + 3]
  cmp al, 9                      ; the SCI, IRQ10, IRQ11: same GSI, active high (01), level (11)
  je .level_irq
  cmp al, 10
  je .level_irq
  cmp al, 11
  jne .madt_next
.level_irq:
  cmp [edi + 4], eax
  fail_unless e, 75
  cmp word [edi + 8], 0x000d
  fail_unless e, 76
  sub al, 7                      ; seen: bits 2, 3, 4 for IRQ 9, 10, 11
  bts dword [seen], eax
.madt_next:
  add edi, ecx
  jmp .madt
.madt_done:
  cmp edi, ebp                   ; the entries end where the table does
  fail_unless e, 77
  cmp edx, [cpus]
  fail_unless e, 78
  cmp byte [seen], 0x1f
  fail_unless e, 79
  mov eax, 0x80000860            ; PIIX3 (00:01.0) PIRQRC A-D: IRQ 10, 10, 11, 11
  mov dx, 0xcf8
  out dx, eax
  mov dx, 0xcfc
  in eax, dx
  cmp eax, 0x0b0b0a0a
  fail_unless e, 80
  mov al, 'M'
  out DEBUGCON, al

  ; P: SLP_TYP, then SLP_EN with it, as ACPICA writes them
  mov al, 'P'
  out DEBUGCON, al
  mov esi, [fadt]
  mov edx, [esi + 64]
  mov eax, [s5_type]
  shl eax, 10
  out dx, ax
  or eax, 1 << 13
  out dx, ax
  mov ebx, 90                    ; still running: no power-off
  jmp fail32

; The byte sum of ECX bytes at EDI in AL (EDI kept).
sum_bytes:
  push edi
  xor eax, eax
.add:
  add al, [edi]
  inc edi
  loop .add
  pop edi
  ret

; ZF set if the table at EDI sums to zero over its length and is longer than its header.
check_table:
  mov ecx, [edi + 4]
  cmp ecx, 36
  jb .bad
  call sum_bytes
  test al, al
  ret
.bad:
  or ecx, 1                      ; ZF clear
  ret

report_routines

align 4
zero_page: dd 0
rsdp: dd 0
rsdt: dd 0
xsdt: dd 0
fadt: dd 0
madt: dd 0
dsdt: dd 0
s5_type: dd 0
cpus: dd 0
seen: dd 0
