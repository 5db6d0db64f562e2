; A -M pc test ROM for PCI and the i440FX's PAM registers. It runs its 32-bit
; code from the image's copy just below 4 GiB (as SeaBIOS does while it
; changes PAM: the copy below 1 MiB is what PAM switches) and checks:
;   P  configuration mechanism #1: the address register reads back, bus 0's
;      functions by dword scan (00.0 i440FX 8086:1237, 01.0 PIIX3 8086:7000,
;      01.1 IDE 8086:7010, 01.3 PM 8086:7113, the default VGA at 02.0
;      1234:1111 with class 0300, nothing elsewhere), byte and
;      word reads at 0xCFD/0xCFE, the PIIX3's multi-function header, a class code
;   B  BAR sizing: the IDE's bus-master BAR 4 reads back 0xFFFFFFF1 after all
;      ones (16 I/O ports) and then holds an address; PMBA's read-only bits
;   O  the open bus: an address nothing claims (0xFED00000, where an HPET would be) reads
;      all ones and drops writes
;   I  PIRQ routing registers (0x60-0x63): reset 0x80, byte writes at 0xCFC/0xCFD
;   M  PAM on 0xC0000 (PAM1 low field): the PCI side reads all ones and drops
;      writes; read/write, read-only, off and write-only shadow RAM
;   F  PAM on 0xF0000 as SeaBIOS uses it: code run from the image below 1 MiB,
;      the image copied into write-only shadow RAM and patched there (reads
;      and fetches still see the image), then read-only shadow RAM: the
;      patched code runs (the translation made from the image is gone) and
;      writes are dropped; the dword read of PAM0-PAM2 at 0x58
; Each phase prints its letter on the debugcon at 0xE9; the end prints
; "PASS" and exits through isa-debug-exit with 0 (Kiln's status 1). A failed
; check prints " F nn" and exits with nn (status 2nn+1).
;   kiln -M pc -bios pci.bin -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04
bits 16
cpu 386

%define ROM_BASE 0xffff0000       ; the 32-bit code runs from the copy below 4 GiB
%define LOW(x) (0xf0000 + (x))    ; the same bytes in PAM's F segment

%define CONFIG_ADDRESS 0xcf8
%define CONFIG_DATA 0xcfc
%define ENABLE 0x80000000
%define IDE (0x09 << 8)           ; 01.1's devfn in address bits 15-8
%define PIIX3 (0x08 << 8)
%define PM (0x0b << 8)
%define VGA (0x10 << 8)
%define PAM1 0x5a

%include "pm32.inc"

pm32_flat_gdt

pm32_start

; Selects register %1 (ENABLE | devfn << 8 | offset).
%macro select 1
  mov eax, ENABLE | (%1)
  mov dx, CONFIG_ADDRESS
  out dx, eax
%endmacro
; EAX = the dword register %1.
%macro read32 1
  select %1
  mov dx, CONFIG_DATA
  in eax, dx
%endmacro
; The dword register %1 = %2.
%macro write32 2
  select %1
  mov eax, %2
  mov dx, CONFIG_DATA
  out dx, eax
%endmacro
; Byte register %1 = %2 (a byte access at its offset in the data window).
%macro write8 2
  select (%1) & ~3
  mov al, %2
  mov dx, CONFIG_DATA + ((%1) & 3)
  out dx, al
%endmacro
%macro expect_eax 2
  cmp eax, %1
  fail_unless e, %2
%endmacro
%macro expect_mem 3       ; dword at address, value, check number
  cmp dword [%1], %2
  fail_unless e, %3
%endmacro
%macro phase 1
  mov al, %1
  out DEBUGCON, al
%endmacro

pm32:
  flat_data32
  cld

  phase 'P'
  select 0
  mov dx, CONFIG_ADDRESS
  in eax, dx
  expect_eax ENABLE, 1
  mov dx, CONFIG_ADDRESS        ; reserved bits read as 0
  mov eax, 0xff000003 | ENABLE
  out dx, eax
  in eax, dx
  expect_eax ENABLE, 2
  ; Slots 0-31, function 0: 00.0, 01.0 and 02.0 answer, the rest read all ones.
  xor ecx, ecx                  ; slot
  xor ebx, ebx                  ; functions found
.scan:
  mov eax, ecx
  shl eax, 11
  or eax, ENABLE
  mov dx, CONFIG_ADDRESS
  out dx, eax
  mov dx, CONFIG_DATA
  in eax, dx
  cmp eax, 0xffffffff
  je .next
  inc ebx
.next:
  inc ecx
  cmp ecx, 32
  jb .scan
  cmp ebx, 3
  fail_unless e, 3
  read32 0x0000
  expect_eax 0x12378086, 4
  read32 PIIX3
  expect_eax 0x70008086, 5
  read32 IDE
  expect_eax 0x70108086, 6
  read32 PM
  expect_eax 0x71138086, 7
  read32 (0x0a << 8)            ; 01.2: nothing
  expect_eax 0xffffffff, 8
  read32 VGA
  expect_eax 0x11111234, 14
  read32 VGA | 0x08             ; VGA-compatible display controller
  expect_eax 0x03000002, 15
  select 0                      ; byte and word reads inside the dword
  mov dx, CONFIG_DATA + 1
  in al, dx
  cmp al, 0x80
  fail_unless e, 9
  mov dx, CONFIG_DATA + 2
  in ax, dx
  cmp ax, 0x1237
  fail_unless e, 10
  select PIIX3 | 0x0c           ; header type (byte 0x0E): multi-function
  mov dx, CONFIG_DATA + 2
  in al, dx
  cmp al, 0x80
  fail_unless e, 11
  read32 IDE | 0x08             ; IDE class, subclass, programming interface, revision
  expect_eax 0x01018000, 12
  mov dx, CONFIG_ADDRESS        ; the enable bit clear: no configuration cycle
  mov eax, 0
  out dx, eax
  mov dx, CONFIG_DATA
  in eax, dx
  expect_eax 0xffffffff, 13

  phase 'B'
  read32 IDE | 0x20
  expect_eax 1, 20              ; an I/O BAR at address 0
  write32 IDE | 0x20, 0xffffffff
  read32 IDE | 0x20
  expect_eax 0xfffffff1, 21     ; 16 ports
  write32 IDE | 0x20, 0xc001
  read32 IDE | 0x20
  expect_eax 0xc001, 22
  read32 IDE | 0x10             ; BAR 0 does not exist: reads 0, ignores writes
  expect_eax 0, 23
  write32 IDE | 0x10, 0xffffffff
  read32 IDE | 0x10
  expect_eax 0, 24
  write32 PM | 0x40, 0xffffffff ; PMBA: bits 15-6 and the read-only I/O bit
  read32 PM | 0x40
  expect_eax 0xffc1, 25

  phase 'O'                     ; the open bus: nothing claims 0xFED00000 (an HPET's place)
  expect_mem 0xfed00030, 0xffffffff, 26
  mov dword [0xfed00030], 0
  expect_mem 0xfed00030, 0xffffffff, 27
  mov ax, [0xfed00031]
  cmp ax, 0xffff
  fail_unless e, 28

  phase 'I'
  read32 PIIX3 | 0x60
  expect_eax 0x80808080, 30
  write8 PIIX3 | 0x60, 0x0b
  write8 PIIX3 | 0x61, 0x0a
  read32 PIIX3 | 0x60
  expect_eax 0x80800a0b, 31
  write8 PIIX3 | 0x62, 0xff     ; bits 6-4 are reserved
  read32 PIIX3 | 0x60
  expect_eax 0x808f0a0b, 32

  phase 'M'
  expect_mem 0xc0000, 0xffffffff, 40  ; the PCI side
  mov dword [0xc0000], 0x12345678
  expect_mem 0xc0000, 0xffffffff, 41
  write8 PAM1, 0x03                   ; read/write shadow RAM
  expect_mem 0xc0000, 0, 42
  mov dword [0xc0000], 0x12345678
  expect_mem 0xc0000, 0x12345678, 43
  expect_mem 0xc4000, 0xffffffff, 44  ; the next segment is still the PCI side
  write8 PAM1, 0x01                   ; read-only
  mov dword [0xc0000], 0xaaaaaaaa
  expect_mem 0xc0000, 0x12345678, 45
  write8 PAM1, 0x00                   ; off again
  expect_mem 0xc0000, 0xffffffff, 46
  write8 PAM1, 0x02                   ; write-only
  mov dword [0xc0000], 0x55aa55aa
  expect_mem 0xc0000, 0xffffffff, 47
  write8 PAM1, 0x01
  expect_mem 0xc0000, 0x55aa55aa, 48

  phase 'F'
  mov eax, LOW(marker)                ; run from the image below 1 MiB
  call eax
  expect_eax 0x11111111, 50
  write8 0x59, 0x20                   ; PAM0: F segment writes to shadow RAM
  mov esi, ROM_BASE
  mov edi, 0xf0000
  mov ecx, 0x10000 / 4
  rep movsd
  mov dword [LOW(marker.value)], 0x22222222
  mov eax, LOW(marker)                ; reads and fetches: still the image
  call eax
  expect_eax 0x11111111, 51
  expect_mem LOW(marker.value), 0x11111111, 52
  write8 0x59, 0x10                   ; read-only shadow RAM
  mov eax, LOW(marker)
  call eax
  expect_eax 0x22222222, 53
  mov dword [LOW(marker.value)], 0x33333333
  expect_mem LOW(marker.value), 0x22222222, 54
  expect_mem 0xc0000, 0x55aa55aa, 55  ; the C segment kept its own
  read32 0x58                         ; PAM0-PAM2 with the DRAM control byte 0x58
  and eax, 0xffffff00
  expect_eax 0x00011000, 56
  jmp pass32

marker:                               ; position independent: runs at both addresses
  db 0xb8                             ; mov eax, imm32
.value:
  dd 0x11111111
  ret

bits 16
  times 0xfff0 - ($ - $$) db 0xff
reset:
  jmp 0xf000:start
  times 0x10000 - ($ - $$) db 0xff
