; A -M pc test ROM for the IDE channels (devices/pc/ide.h), in real mode,
; polling with nIEN set. The test (tests/system/pc_ide.py) gives it a 1 MiB
; raw disk as the primary master, whose sector s holds bytes (3s + j) & 0xFF,
; and a 64 KiB ISO-shaped image as the secondary master (-cdrom), with
; the primary volume descriptor's "\1CD001" at sector 16:
;   S  SRST on both channels: BSY during it, then the ATA signature on the
;      disk and the ATAPI one (0x14, 0xEB) on the CD-ROM
;   I  IDENTIFY DEVICE: a fixed disk, "KILN HARDDISK", 2 cylinders, 2048 sectors
;   R  READ SECTORS (LBA28) of sector 5, 16-bit data accesses
;   C  READ SECTORS by CHS: cylinder 0, head 1, sector 3 (LBA 65)
;   X  READ SECTORS EXT (LBA48) of sector 1000, 32-bit data accesses
;   M  SET MULTIPLE MODE 4, READ MULTIPLE of sectors 20-23 in one DRQ block
;   T  REP INSW from inside translated code into its own page (a routine copied
;      to RAM at 0x3000, the data to 0x3800): the store that finds translated
;      code must not read the port twice (no word lost)
;   W  WRITE SECTORS of sector 10 with bytes (0x80 + j) & 0xFF, FLUSH CACHE,
;      and the sector read back (the test checks the file afterwards)
;   Q  interrupts through the 8259As (IRQ14, vector 0x2E) with nIEN clear:
;      one after a written sector, one before each of two read sectors, none
;      after the last; none with nIEN set
;   D  the CD-ROM: PACKET READ(10) of sector 16 with a byte count limit of
;      2048, the interrupt reasons, and READ CAPACITY (31, 2048)
; then PASS on the debugcon at 0xE9 and exit 0 through isa-debug-exit at
; 0xF4; a failed check prints " F nn" and exits nn.
bits 16
cpu 686
%include "ports.inc"
%include "ide.inc"

%define IRQS 0x500           ; IRQ14s taken
%define BUF 0x2000
%define RAM_CODE 0x3000       ; T's routine, and its data 0x800 above it
%macro read_words 2          ; %2 16-bit words from port %1 into BUF
  mov dx, %1
  mov di, BUF
  mov cx, %2
  rep insw
%endmacro
; The disk's sector %1 pattern at BUF + %2, else fail %3.
%macro check_sector 3
  mov si, BUF + %2
  mov al, (%1 * 3) & 0xff
  call check_pattern
  fail_unless e, %3
%endmacro

section main start=0 vstart=0
start:
  real_mode_start

  ; S: soft reset, signatures.
  print 'S'
  outb PCTL, 0x06            ; SRST | nIEN
  inb PCTL
  test al, 0x80
  fail_unless nz, 1
  outb PCTL, 0x02            ; nIEN: this ROM polls
  outb SCTL, 0x06
  outb SCTL, 0x02
  outb P + 6, 0xa0
  expect P + 2, 1, 2
  expect P + 3, 1, 2
  expect P + 4, 0, 3
  expect P + 5, 0, 3
  expect P + 1, 1, 4         ; diagnostics passed
  expect P + 7, 0x50, 5      ; DRDY | DSC
  outb S + 6, 0xa0
  expect S + 4, 0x14, 6
  expect S + 5, 0xeb, 6

  ; I: IDENTIFY DEVICE.
  print 'I'
  outb P + 7, 0xec
  mov dx, PCTL
  call wait_drq
  read_words P, 256
  cmp word [BUF], 0x0040
  fail_unless e, 10
  cmp dword [BUF + 27 * 2], 'IKNL'  ; "KILN": the first character of each word in its high byte
  fail_unless e, 11
  cmp word [BUF + 1 * 2], 2
  fail_unless e, 12
  cmp word [BUF + 60 * 2], 2048
  fail_unless e, 13
  mov dx, PCTL
  call wait_done

  ; R: READ SECTORS, LBA 5.
  print 'R'
  taskfile 0xe0, 1, 5, 0, 0, 0x20  ; LBA (bits 24-27 in the device register: 0), master
  mov dx, PCTL
  call wait_drq
  read_words P, 256
  check_sector 5, 0, 20
  mov dx, PCTL
  call wait_done

  ; C: READ SECTORS by CHS 0/1/3.
  print 'C'
  taskfile 0xa1, 1, 3, 0, 0, 0x20  ; CHS, head 1
  mov dx, PCTL
  call wait_drq
  read_words P, 256
  check_sector 65, 0, 21
  mov dx, PCTL
  call wait_done

  ; X: READ SECTORS EXT, LBA 1000, 32-bit accesses.
  print 'X'
  outb P + 6, 0x40
  outb P + 2, 0              ; the high bytes first
  outb P + 3, 0
  outb P + 4, 0
  outb P + 5, 0
  outb P + 2, 1
  outb P + 3, 1000 & 0xff
  outb P + 4, 1000 >> 8
  outb P + 5, 0
  outb P + 7, 0x24
  mov dx, PCTL
  call wait_drq
  mov dx, P
  mov di, BUF
  mov cx, 128
  rep insd
  check_sector 1000, 0, 22
  mov dx, PCTL
  call wait_done

  ; M: SET MULTIPLE MODE 4, READ MULTIPLE of sectors 20-23.
  print 'M'
  outb P + 6, 0xa0
  outb P + 2, 4
  outb P + 7, 0xc6
  mov dx, PCTL
  call wait_done
  taskfile 0xe0, 4, 20, 0, 0, 0xc4
  mov dx, PCTL
  call wait_drq
  read_words P, 1024
  check_sector 20, 0, 23
  check_sector 21, 512, 23
  check_sector 22, 1024, 23
  check_sector 23, 1536, 23
  mov dx, PCTL
  call wait_done

  ; T: REP INSW into the page of the code doing it: sector 7 at 0x3800 by a routine at 0x3000.
  print 'T'
  push ds
  push cs
  pop ds
  mov si, ram_insw
  mov di, RAM_CODE
  mov cx, ram_insw_end - ram_insw
  rep movsb
  pop ds
  taskfile 0xe0, 1, 7, 0, 0, 0x20
  mov dx, PCTL
  call wait_drq
  mov dx, P
  mov di, RAM_CODE + 0x800
  mov cx, 256
  call 0:RAM_CODE
  mov si, RAM_CODE + 0x800
  mov al, 7 * 3
  call check_pattern
  fail_unless e, 25
  mov dx, PCTL
  call wait_done

  ; W: WRITE SECTORS of sector 10, FLUSH CACHE, read back.
  print 'W'
  mov di, BUF
  mov al, 0x80
  mov cx, 512
.fill:
  stosb
  inc al
  loop .fill
  taskfile 0xe0, 1, 10, 0, 0, 0x30
  mov dx, PCTL
  call wait_drq
  mov dx, P
  mov si, BUF
  mov cx, 256
  rep outsw
  mov dx, PCTL
  call wait_done
  outb P + 7, 0xe7
  mov dx, PCTL
  call wait_done
  mov di, BUF                ; clear the buffer, then read the sector back
  xor ax, ax
  mov cx, 256
  rep stosw
  taskfile 0xe0, 1, 10, 0, 0, 0x20
  mov dx, PCTL
  call wait_drq
  read_words P, 256
  mov si, BUF
  mov al, 0x80
  call check_pattern
  fail_unless e, 30
  mov dx, PCTL
  call wait_done

  ; Q: IRQ14 through the PICs (master at 0x20, slave at 0x28: IRQ14 is vector 0x2E).
  print 'Q'
  mov byte [IRQS], 0
  mov word [0x2e * 4], irq14
  mov word [0x2e * 4 + 2], 0xf000
  pic_init 0xfb, 0xbf        ; the master: the cascade only; the slave: IRQ14 only
  outb PCTL, 0x00            ; nIEN clear
  taskfile 0xe0, 1, 10, 0, 0, 0x30  ; sector 10 again, the same bytes: no IRQ until the data is in
  mov dx, PCTL
  call wait_drq
  cmp byte [IRQS], 0
  fail_unless e, 50
  mov dx, P
  mov si, BUF
  mov cx, 256
  rep outsw
  wait_irqs IRQS, 1, 51
  taskfile 0xe0, 2, 30, 0, 0, 0x20  ; two sectors: an IRQ before each
  wait_irqs IRQS, 2, 52
  read_words P, 256
  check_sector 30, 0, 53
  wait_irqs IRQS, 3, 54
  read_words P, 256
  check_sector 31, 0, 53
  mov dx, PCTL
  call wait_done
  mov ecx, 1000              ; and none after the last
  sti
.quiet:
  dec ecx
  jnz .quiet
  cli
  cmp byte [IRQS], 3
  fail_unless e, 55
  outb PCTL, 0x02            ; nIEN set: the command's IRQ stays off the line
  outb P + 7, 0xe7
  mov ecx, 1000
  sti
.masked:
  dec ecx
  jnz .masked
  cli
  cmp byte [IRQS], 3
  fail_unless e, 56
  mov al, 0xff
  out 0xa1, al

  ; D: the CD-ROM's READ(10) of sector 16 and READ CAPACITY.
  print 'D'
  outb S + 6, 0xa0
  outb S + 1, 0              ; PIO
  outb S + 4, 0x00           ; byte count limit 2048
  outb S + 5, 0x08
  outb S + 7, 0xa0           ; PACKET
  mov dx, SCTL
  call wait_drq
  expect S + 2, 1, 40        ; CoD: the command bytes
  read10_packet_16 1
  mov dx, SCTL
  call wait_drq
  expect S + 2, 2, 41        ; IO: data to the host
  expect S + 4, 0x00, 42     ; 2048 bytes in this chunk
  expect S + 5, 0x08, 42
  read_words S, 1024
  cmp dword [BUF], 0x30444301  ; "\1CD0"
  fail_unless e, 43
  cmp word [BUF + 4], 0x3130   ; "01"
  fail_unless e, 43
  mov dx, SCTL
  call wait_done
  expect S + 2, 3, 44        ; CoD | IO: done
  outb S + 7, 0xa0
  mov dx, SCTL
  call wait_drq
  mov dx, S
  mov ax, 0x0025             ; READ CAPACITY
  out dx, ax
  xor ax, ax
  mov cx, 5
.cap:
  out dx, ax
  loop .cap
  mov dx, SCTL
  call wait_drq
  read_words S, 4
  cmp dword [BUF], 0x1f000000  ; last LBA 31, big-endian
  fail_unless e, 45
  cmp dword [BUF + 4], 0x00080000  ; 2048
  fail_unless e, 45
  mov dx, SCTL
  call wait_done
  jmp pass32

irq14:
  ide_irq_handler IRQS, P

; Waits for BSY to clear at the alternate status port DX; then DRQ must be set, ERR clear.
wait_drq:
  call wait_not_busy
  test al, 0x01
  fail_unless z, 91
  test al, 0x08
  fail_unless nz, 92
  ret

; Waits for BSY to clear at DX; the status must then be DRDY | DSC alone.
wait_done:
  call wait_not_busy
  cmp al, 0x50
  fail_unless e, 93
  ret

wait_not_busy_routine 90

; Copied to RAM_CODE for T: CX words from port DX to ES:DI, a far return.
ram_insw:
  rep insw
  retf
ram_insw_end:

check_pattern_routine

report_routines
reset_vector start
