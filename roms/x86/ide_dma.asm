; A -M pc test ROM for IDE bus-master DMA (devices/pci/piix3_ide.h with the
; channels of devices/pc/ide.h), in real mode, with the IRQs through the
; 8259As. Same images as ide.asm (tests/system/pc_ide.py --dma): a 1 MiB
; disk whose sector s holds bytes (3s + j) & 0xFF as primary master, and a
; 64 KiB CD image as secondary master whose 2048-byte sector s holds bytes
; (7s + j) & 0xFF but for "\1CD001" at the start of sector 16.
;   P  no firmware: BAR 4 at 0xC000, I/O and bus mastering on; the bus
;      master's status reads 0, its drive-capable bits hold, ERROR and
;      INTERRUPT are write-1-to-clear
;   I  IDENTIFY: DMA, multiword DMA 0-2 and UDMA 0-5 offered, none selected;
;      SET FEATURES MWDMA 2 then UDMA 5 selected in words 63 and 88; an
;      unknown mode aborts
;   R  READ DMA of 200 sectors from LBA 100, the command before the start:
;      DRQ and no IRQ until the start; a PRD table of 1 KiB, 64 KiB (count 0)
;      and 35 KiB (EOT); then one IRQ14, BM status INTERRUPT without ACTIVE,
;      the data in all three regions
;   W  WRITE DMA EXT of 3 sectors to LBA 1500, the start before the command,
;      from two regions (the test checks the file afterwards)
;   L  a PRD table longer than the transfer: ACTIVE stays set until the stop
;   E  one shorter than the transfer: the device's ABRT, the bus master's
;      ERROR and INTERRUPT, ACTIVE clear, one IRQ
;   A  the CD-ROM: PACKET with the DMA bit, READ(10) of sectors 16-17 into
;      two regions; IRQ15, the interrupt reason "done", the data
; then PASS on the debugcon at 0xE9 and exit 0 through isa-debug-exit at
; 0xF4; a failed check prints " F nn" and exits nn.
bits 16
cpu 686
%include "ports.inc"
%include "ide.inc"

%define IRQ14S 0x500         ; IRQ14s taken
%define IRQ15S 0x501         ; IRQ15s taken
%define PRD 0x600            ; the PRD table (dword-aligned)
%define BM 0xc000            ; BAR 4: the primary's bus master, the secondary's at +8
%define IDE_FN 0x80000900    ; configuration address of 00:01.1

%macro prd 4                 ; entry %1 of the table: address %2, byte count %3 (0: 64 KiB), EOT if %4
  mov dword [PRD + 8 * %1], %2
  mov dword [PRD + 8 * %1 + 4], %3 | (%4 << 31)
%endmacro
%macro pci_write 2           ; configuration dword %1 of 00:01.1 = %2
  mov dx, 0xcf8
  mov eax, IDE_FN | %1
  out dx, eax
  mov dx, 0xcfc
  mov eax, %2
  out dx, eax
%endmacro
; Disk sectors %1 .. %1 + %2 - 1 at %3 (a linear address below 1 MiB, 512-aligned), else fail %4.
%macro check_disk 4
  mov bp, %2
  mov eax, %3
  mov ebx, %4 << 16 | %1
  call check_disk_sectors
%endmacro

section main start=0 vstart=0
start:
  real_mode_start

  ; PICs: master at 0x20, slave at 0x28 (IRQ14: 0x2E, IRQ15: 0x2F); IRQ14 and 15 only.
  mov word [0x2e * 4], irq14
  mov word [0x2e * 4 + 2], 0xf000
  mov word [0x2f * 4], irq15
  mov word [0x2f * 4 + 2], 0xf000
  pic_init 0xfb, 0x3f
  mov word [IRQ14S], 0

  ; P: the PCI function's bus-master BAR.
  print 'P'
  pci_write 0x20, BM
  pci_write 0x04, 0x00000005  ; I/O decoding, bus master
  expect BM + 2, 0, 1
  outb BM + 2, 0x66          ; both drives DMA-capable; ERROR and INTERRUPT are clear: writing 1 leaves them so
  expect BM + 2, 0x60, 2
  mov dx, BM + 4
  mov eax, PRD + 3           ; the PRD pointer is dword-aligned
  out dx, eax
  in eax, dx
  cmp eax, PRD
  fail_unless e, 3

  ; Soft reset: both channels ready, IRQs on (nIEN clear).
  outb PCTL, 0x04
  outb PCTL, 0x00
  outb SCTL, 0x04
  outb SCTL, 0x00
  outb P + 6, 0xa0
  inb P + 7
  outb S + 6, 0xa0
  inb S + 7

  ; I: IDENTIFY's DMA words; SET FEATURES transfer modes.
  print 'I'
  call identify
  test word [0x2000 + 49 * 2], 0x0100
  fail_unless nz, 10
  test word [0x2000 + 53 * 2], 0x0004
  fail_unless nz, 10
  cmp word [0x2000 + 63 * 2], 0x0007
  fail_unless e, 11
  cmp word [0x2000 + 88 * 2], 0x003f
  fail_unless e, 11
  mov ah, 0x22               ; multiword DMA 2
  call set_transfer_mode
  expect PCTL, 0x50, 12
  call identify
  cmp word [0x2000 + 63 * 2], 0x0407
  fail_unless e, 13
  cmp word [0x2000 + 88 * 2], 0x003f
  fail_unless e, 13
  mov ah, 0x45               ; Ultra DMA 5
  call set_transfer_mode
  expect PCTL, 0x50, 14
  call identify
  cmp word [0x2000 + 63 * 2], 0x0007
  fail_unless e, 15
  cmp word [0x2000 + 88 * 2], 0x203f
  fail_unless e, 15
  mov ah, 0x50               ; no such mode
  call set_transfer_mode
  expect PCTL, 0x51, 16
  expect P + 1, 0x04, 16
  mov byte [IRQ14S], 0

  ; R: READ DMA of 200 sectors from LBA 100 over three regions; the command first.
  print 'R'
  prd 0, 0x8000, 1024, 0
  prd 1, 0x10000, 0, 0       ; 64 KiB
  prd 2, 0x30000, 70 * 512, 1
  outb BM, 0x08              ; stopped, into memory
  taskfile 0xe0, 200, 100, 0, 0, 0xc8
  expect PCTL, 0x58, 20      ; DRQ: waiting for the bus master
  call spin
  cmp byte [IRQ14S], 0
  fail_unless e, 21
  outb BM, 0x09              ; start
  wait_irqs IRQ14S, 1, 22
  expect BM + 2, 0x64, 23    ; INTERRUPT, the capable bits; ACTIVE clear: the table was used up
  outb BM, 0x00              ; stop, as a driver does after the IRQ
  outb BM + 2, 0x64          ; clear INTERRUPT (the capable bits are read/write: keep them)
  expect BM + 2, 0x60, 24
  expect PCTL, 0x50, 25
  check_disk 100, 2, 0x8000, 26
  check_disk 102, 128, 0x10000, 27
  check_disk 230, 70, 0x30000, 28

  ; W: WRITE DMA EXT of 3 sectors to LBA 1500 from two regions; the start first.
  print 'W'
  mov di, 0x8000             ; 0x8000: 512 bytes counting from 0x10; 0x9000: 1 KiB counting from 0x20
  mov al, 0x10
  mov cx, 512
.fill1:
  stosb
  inc al
  loop .fill1
  mov di, 0x9000
  mov al, 0x20
  mov cx, 1024
.fill2:
  stosb
  inc al
  loop .fill2
  prd 0, 0x8000, 512, 0
  prd 1, 0x9000, 1024, 1
  outb BM, 0x01              ; start, from memory: nothing to do until the command
  expect BM + 2, 0x61, 30    ; ACTIVE
  outb P + 6, 0x40
  outb P + 2, 0              ; the high bytes first: LBA 1500 = 0x5DC
  outb P + 3, 0
  outb P + 4, 0
  outb P + 5, 0
  outb P + 2, 3
  outb P + 3, 0xdc
  outb P + 4, 0x05
  outb P + 5, 0
  outb P + 7, 0x35
  wait_irqs IRQ14S, 2, 31
  expect BM + 2, 0x64, 32
  outb BM, 0x00
  outb BM + 2, 0x64
  expect PCTL, 0x50, 33

  ; L: a 4 KiB region for one sector (LBA 7): ACTIVE stays set until the stop.
  print 'L'
  prd 0, 0x20000, 4096, 1
  outb BM, 0x09
  taskfile 0xe0, 1, 7, 0, 0, 0xc8
  wait_irqs IRQ14S, 3, 40
  expect BM + 2, 0x65, 41    ; ACTIVE | INTERRUPT
  expect PCTL, 0x50, 42
  outb BM, 0x08
  expect BM + 2, 0x64, 43
  outb BM + 2, 0x64
  check_disk 7, 1, 0x20000, 44

  ; E: 1 KiB of regions for four sectors: the device aborts, the bus master shows ERROR.
  print 'E'
  prd 0, 0x20000, 1024, 1
  outb BM, 0x09
  taskfile 0xe0, 4, 40, 0, 0, 0xc8
  wait_irqs IRQ14S, 4, 50
  expect BM + 2, 0x66, 51    ; ERROR | INTERRUPT, ACTIVE clear
  expect PCTL, 0x51, 52      ; DRDY | DSC | ERR
  expect P + 1, 0x04, 53     ; ABRT
  outb BM, 0x08
  outb BM + 2, 0x66          ; clear ERROR and INTERRUPT
  expect BM + 2, 0x60, 54
  check_disk 40, 2, 0x20000, 55  ; what fit did arrive

  ; A: the CD-ROM's READ(10) of sectors 16-17 by DMA.
  print 'A'
  prd 0, 0x8000, 2048, 0
  prd 1, 0x9000, 2048, 1
  mov dx, BM + 12            ; the secondary's PRD pointer: the same table
  mov eax, PRD
  out dx, eax
  outb BM + 8, 0x08
  outb S + 6, 0xa0
  outb S + 1, 0x01           ; DMA
  outb S + 7, 0xa0           ; PACKET
  mov dx, SCTL
  call wait_not_busy
  test al, 0x08
  fail_unless nz, 60
  read10_packet_16 2
  expect SCTL, 0x58, 61      ; DRQ: waiting for the bus master
  outb BM + 8, 0x09
  wait_irqs IRQ15S, 1, 62
  expect BM + 10, 0x04, 63   ; INTERRUPT (no capable bits set here)
  outb BM + 8, 0x00
  expect S + 2, 3, 64        ; CoD | IO: done
  expect SCTL, 0x50, 65
  cmp dword [0x8000], 0x30444301  ; "\1CD0"
  fail_unless e, 66
  cmp word [0x8004], 0x3130       ; "01"
  fail_unless e, 66
  mov si, 0x9000             ; sector 17: (7 * 17 + j) & 0xFF for 2048 bytes
  mov al, 7 * 17
  call check_pattern
  fail_unless e, 67
  mov al, 7 * 17
  call check_pattern
  fail_unless e, 67
  mov al, 7 * 17
  call check_pattern
  fail_unless e, 67
  mov al, 7 * 17
  call check_pattern
  fail_unless e, 67
  jmp pass32

irq14:
  ide_irq_handler IRQ14S, P
irq15:
  ide_irq_handler IRQ15S, S

; IDENTIFY DEVICE into 0x2000 (PIO), with its IRQ.
identify:
  mov byte [IRQ14S], 0
  outb P + 6, 0xa0
  outb P + 7, 0xec
  wait_irqs IRQ14S, 1, 90
  mov dx, P
  mov di, 0x2000
  mov cx, 256
  rep insw
  ret

; SET FEATURES, set transfer mode AH; waits for its IRQ.
set_transfer_mode:
  mov byte [IRQ14S], 0
  outb P + 6, 0xa0
  outb P + 1, 0x03
  mov dx, P + 2
  mov al, ah
  out dx, al
  outb P + 7, 0xef
  wait_irqs IRQ14S, 1, 91
  ret

; A while with IF set (IRQs that should not come get their chance).
spin:
  mov ecx, 1000
  sti
.loop:
  dec ecx
  jnz .loop
  cli
  ret

wait_not_busy_routine 92

; Disk sectors BX .. BX + BP - 1 at linear EAX (below 1 MiB, 512-aligned);
; fails with EBX's high word as the number. Clobbers DS (restored to 0).
check_disk_sectors:
  shr eax, 4
  mov ds, ax
  xor si, si
.sector:
  mov ax, bx
  imul ax, ax, 3             ; the sector's first byte: (3s) & 0xFF
  call check_pattern
  jne .bad
  inc bx
  test si, si                ; wrapped past 64 KiB: move DS on by 64 KiB
  jnz .next
  mov ax, ds
  add ax, 0x1000
  mov ds, ax
.next:
  dec bp
  jnz .sector
  xor ax, ax
  mov ds, ax
  ret
.bad:
  xor ax, ax
  mov ds, ax
  shr ebx, 16
  jmp fail32

check_pattern_routine

report_routines
reset_vector start
