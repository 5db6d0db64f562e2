; A -M pc test ROM for the floppy controller (devices/pc/floppy.h) and the
; 8237A DMA pair (devices/pc/i8237.h), in real mode, with IRQ 6 through the
; 8259A. tests/system/pc_floppy.py makes the images: drive A: a 1.44 MB disk,
; drive B: a read-only 720K disk, where byte j of sector (LBA) s holds
; (5s + j) & 0xFF; it checks drive A's file afterwards.
;   D  the DMA pair: master clears, the cascade, channel 2's address and count
;      through the flip-flop, page register 0x81 apart from the POST port 0x80
;   C  the CMOS floppy types (0x10: 0x43) and the equipment byte (0x14: 0x43)
;   S  a reset through the DOR: IRQ 6, four polling statuses, then invalid
;   V  VERSION, PART ID (invalid: an 82077AA), SPECIFY and CONFIGURE seen by
;      DUMPREG, LOCK/UNLOCK, PERPENDICULAR MODE
;   K  RECALIBRATE and SEEK: IRQ 6, the drive-busy bit, SENSE INTERRUPT's
;      cylinder, the disk-change line cleared by a step; SENSE DRIVE STATUS
;   R  READ DATA by DMA, multi-track across heads, ended by TC; a read into
;      a page other than 0; the DMA's TC status
;   I  READ ID: the sector after the last one read, then the next
;   W  WRITE DATA of two sectors (C5 H1 R3-4, LBA 200-201), read back
;   P  drive B: write-protected (ST3, WRITE DATA's NW), its own geometry at
;      250 kb/s; drive A at 250 kb/s has no address marks
;   A  an auto-initialising DMA channel serves two reads unchanged
;   E  CONFIGURE's implied seek: a read from cylinder 20 without a SEEK
;   F  FORMAT TRACK of C20 H1 (LBA 738-755) with the fill byte 0xE5, read back
;   N  non-DMA mode (SPECIFY ND): READ DATA of C20 H0 R2 through the FIFO,
;      polling MSR (RQM, DIO, NDMA) for each byte; no TC, so it ends with EN
; then PASS on the debugcon at 0xE9 and exit 0 through isa-debug-exit at
; 0xF4; a failed check prints " F nn" and exits nn.
bits 16
cpu 686
%include "ports.inc"

%define IRQ6S 0x500          ; IRQ 6s taken
%define RESN 0x501           ; result bytes read by `results`
%define RES 0x510            ; and the bytes
%define DOR 0x3f2
%define MSR 0x3f4
%define FIFO 0x3f5
%define DIR 0x3f7            ; DIR (read), CCR (write)

; Sends the command bytes given.
%macro fdc 1-*
  call send_inline
  db %0, %{1:-1}
%endmacro
; Sends the command bytes %2...; IRQ 6 must follow, else fail %1.
%macro fdc_irq 2-*
  mov byte [IRQ6S], 0
  call send_inline
  db %0 - 1, %{2:-1}
  mov bx, %1
  call wait_irq6
%endmacro
; Reads the result phase; it must be the bytes %2..., else fail %1.
%macro expect_result 2-*
  call results
  mov bx, %1
  call compare_inline
  db %0 - 1, %{2:-1}
%endmacro
; Channel 2 for %2 bytes at physical %1 (below 16 MiB, not crossing 64 KiB), mode %3; unmasked.
%macro dma2 3
  outb 0x0a, 0x06
  outb 0x0c, 0
  outb 0x04, (%1) & 0xff
  outb 0x04, ((%1) >> 8) & 0xff
  outb 0x0c, 0
  outb 0x05, ((%2) - 1) & 0xff
  outb 0x05, (((%2) - 1) >> 8) & 0xff
  outb 0x0b, %3
  outb 0x81, (%1) >> 16
  outb 0x0a, 0x02
%endmacro
%define DMA_TO_MEM 0x46      ; single, increment, write (into memory), channel 2
%define DMA_FROM_MEM 0x4a    ; read (from memory)
%define DMA_AUTO 0x56        ; write, auto-initialise
; Sectors from LBA %2 (%3 of them) at DS:%1, else fail %4.
%macro check_sectors 4
  mov si, %1
  mov ax, %2
  mov cx, %3
  mov bx, %4
  call check_pattern
%endmacro

section main start=0 vstart=0
start:
  real_mode_start

  ; PICs: master at 0x20 (IRQ 6: 0x26), slave at 0x28; IRQ 6 only.
  mov word [0x26 * 4], irq6
  mov word [0x26 * 4 + 2], 0xf000
  pic_init 0xbf, 0xff

  ; D: the DMA pair.
  print 'D'
  outb 0x0d, 0               ; master clear, controller 1
  outb 0xda, 0               ; and 2
  outb 0xd6, 0xc0            ; channel 4: cascade
  outb 0xd4, 0x00            ; unmasked
  outb 0x0c, 0
  outb 0x04, 0x34
  outb 0x04, 0x12
  outb 0x05, 0xcd
  outb 0x05, 0xab
  outb 0x0c, 0
  expect 0x04, 0x34, 1
  expect 0x04, 0x12, 1
  expect 0x05, 0xcd, 2
  expect 0x05, 0xab, 2
  outb 0x81, 0x5a
  outb 0x80, 0xa5            ; the POST port
  expect 0x81, 0x5a, 3
  expect 0x80, 0xff, 3
  expect 0x0f, 0xff, 4       ; all four channels masked since the master clear
  expect 0x08, 0x00, 5       ; no TC, no requests

  ; C: the CMOS bytes.
  print 'C'
  mov al, 0x10
  out 0x70, al
  in al, 0x71
  cmp al, 0x43               ; A: 1.44M (4), B: 720K (3)
  fail_unless e, 10
  mov al, 0x14
  out 0x70, al
  in al, 0x71
  cmp al, 0x43               ; two floppy drives, drives present, a coprocessor
  fail_unless e, 11

  ; S: reset through the DOR.
  print 'S'
  outb DOR, 0x08             ; reset held, the DMA/IRQ gate open
  expect MSR, 0x00, 20
  mov byte [IRQ6S], 0
  outb DOR, 0x1c             ; run, drive A selected, its motor on
  mov bx, 21
  call wait_irq6
  expect MSR, 0x80, 22
  fdc 0x08
  expect_result 23, 0xc0, 0
  fdc 0x08
  expect_result 23, 0xc1, 0
  fdc 0x08
  expect_result 23, 0xc2, 0
  fdc 0x08
  expect_result 23, 0xc3, 0
  fdc 0x08
  expect_result 24, 0x80

  ; V: identification and configuration.
  print 'V'
  fdc 0x10
  expect_result 25, 0x90
  fdc 0x18
  expect_result 26, 0x80
  fdc 0x03, 0xaf, 0x02       ; SPECIFY: DMA mode
  fdc 0x13
  expect MSR, 0x90, 27       ; CONFIGURE wants more bytes
  fdc 0x00, 0x27, 0x00       ; FIFO off, threshold 7
  fdc 0x12, 0x00             ; PERPENDICULAR: none
  expect MSR, 0x80, 27
  fdc 0x0e
  expect_result 28, 0, 0, 0, 0, 0xaf, 0x02, 0, 0, 0x27, 0
  fdc 0x94
  expect_result 29, 0x10
  fdc 0x14
  expect_result 29, 0x00

  ; K: recalibrate and seek.
  print 'K'
  outb DIR, 0                ; CCR: 500 kb/s
  expect DIR, 0x80, 30       ; the disk-change line, set since power-on
  fdc_irq 31, 0x07, 0x00
  expect MSR, 0x81, 32       ; drive 0 busy until sensed
  fdc 0x08
  expect_result 33, 0x20, 0
  expect MSR, 0x80, 32
  expect DIR, 0x80, 34       ; the head was on track 0: no step
  fdc_irq 35, 0x0f, 0x00, 5
  fdc 0x08
  expect_result 36, 0x20, 5
  expect DIR, 0x00, 37
  fdc 0x04, 0x00
  expect_result 38, 0x28

  ; R: READ DATA, multi-track, C5 H0 R17 to C5 H1 R2 (LBA 196-199).
  print 'R'
  dma2 0x8000, 2048, DMA_TO_MEM
  fdc_irq 40, 0xe6, 0x00, 5, 0, 17, 2, 18, 0x1b, 0xff
  expect_result 41, 0x04, 0, 0, 5, 1, 3, 2
  expect 0x08, 0x04, 42      ; TC on channel 2
  check_sectors 0x8000, 196, 4, 43
  dma2 0x23000, 512, DMA_TO_MEM  ; page 2
  fdc_irq 44, 0x46, 0x04, 5, 1, 5, 2, 5, 0x1b, 0xff
  expect_result 45, 0x04, 0, 0, 6, 1, 1, 2
  mov ax, 0x2300
  mov ds, ax
  check_sectors 0, 202, 1, 46
  xor ax, ax
  mov ds, ax

  ; I: READ ID.
  print 'I'
  fdc_irq 50, 0x4a, 0x00
  expect_result 51, 0x00, 0, 0, 5, 0, 6, 2
  fdc_irq 50, 0x4a, 0x00
  expect_result 52, 0x00, 0, 0, 5, 0, 7, 2

  ; W: WRITE DATA of C5 H1 R3-4 from 1 KiB counting (3j + 1) & 0xFF, read back.
  print 'W'
  mov di, 0x9000
  mov cx, 1024
  mov al, 1
.fill:
  stosb
  add al, 3
  loop .fill
  dma2 0x9000, 1024, DMA_FROM_MEM
  fdc_irq 55, 0xc5, 0x04, 5, 1, 3, 2, 18, 0x1b, 0xff
  expect_result 56, 0x04, 0, 0, 5, 1, 5, 2
  dma2 0xa000, 1024, DMA_TO_MEM
  fdc_irq 57, 0x46, 0x04, 5, 1, 3, 2, 4, 0x1b, 0xff
  expect_result 58, 0x04, 0, 0, 6, 1, 1, 2
  mov si, 0x9000
  mov di, 0xa000
  mov cx, 1024
  repe cmpsb
  fail_unless e, 59

  ; P: drive B, read-only, 720K at 250 kb/s.
  print 'P'
  outb DIR, 2
  fdc_irq 60, 0x07, 0x01
  fdc 0x08
  expect_result 61, 0x21, 0
  fdc 0x04, 0x01
  expect_result 62, 0x79     ; write-protected, track 0, drive 1
  dma2 0x9000, 512, DMA_FROM_MEM
  fdc_irq 63, 0xc5, 0x01, 0, 0, 1, 2, 9, 0x1b, 0xff
  expect_result 64, 0x41, 0x02, 0, 0, 0, 1, 2
  fdc_irq 65, 0x0f, 0x01, 1
  fdc 0x08
  expect_result 66, 0x21, 1
  dma2 0xa000, 512, DMA_TO_MEM
  fdc_irq 67, 0x46, 0x05, 1, 1, 9, 2, 9, 0x1b, 0xff
  expect_result 68, 0x05, 0, 0, 2, 1, 1, 2
  check_sectors 0xa000, 35, 1, 69  ; C1 H1 R9 of 9 sectors a track (on A: LBA 62)
  fdc_irq 70, 0x46, 0x00, 5, 0, 1, 2, 1, 0x1b, 0xff
  expect_result 71, 0x40, 0x01, 0, 5, 0, 1, 2
  outb DIR, 0

  ; A: auto-initialise: one channel setup, two reads into the same buffer.
  print 'A'
  dma2 0xb000, 512, DMA_AUTO
  fdc_irq 72, 0x46, 0x00, 5, 0, 1, 2, 1, 0x1b, 0xff
  expect_result 73, 0x00, 0, 0, 6, 0, 1, 2
  expect 0x08, 0x04, 74
  mov di, 0xb000
  mov cx, 512
  xor al, al
  rep stosb
  fdc_irq 75, 0x46, 0x00, 5, 0, 2, 2, 2, 0x1b, 0xff
  expect_result 76, 0x00, 0, 0, 6, 0, 1, 2
  check_sectors 0xb000, 181, 1, 77
  expect 0x0f, 0xfb, 78      ; channel 2 still unmasked
  outb 0x0a, 0x06

  ; E: implied seek (CONFIGURE EIS) to cylinder 20 for C20 H0 R1 (LBA 720).
  print 'E'
  fdc 0x13, 0x00, 0x60, 0x00
  dma2 0x8000, 512, DMA_TO_MEM
  fdc_irq 80, 0x46, 0x00, 20, 0, 1, 2, 1, 0x1b, 0xff
  expect_result 81, 0x20, 0, 0, 21, 0, 1, 2
  check_sectors 0x8000, 720, 1, 82
  fdc 0x0e
  call results
  cmp byte [RES], 20
  fail_unless e, 83
  fdc 0x13, 0x00, 0x20, 0x00

  ; F: FORMAT TRACK of C20 H1: 18 IDs from memory, fill 0xE5.
  print 'F'
  mov di, 0x8000
  mov cl, 1
.id:
  mov al, 20
  stosb
  mov al, 1
  stosb
  mov al, cl
  stosb
  mov al, 2
  stosb
  inc cl
  cmp cl, 18
  jbe .id
  dma2 0x8000, 72, DMA_FROM_MEM
  fdc_irq 85, 0x4d, 0x04, 2, 18, 0x6c, 0xe5
  call results
  cmp byte [RESN], 7
  fail_unless e, 86
  cmp byte [RES], 0x04
  fail_unless e, 86
  dma2 0xa000, 1024, DMA_TO_MEM
  fdc_irq 87, 0x46, 0x04, 20, 1, 1, 2, 2, 0x1b, 0xff
  expect_result 88, 0x04, 0, 0, 21, 1, 1, 2
  mov di, 0xa000
  mov cx, 1024
  mov al, 0xe5
  repe scasb
  fail_unless e, 89

  ; N: non-DMA mode.
  print 'N'
  fdc 0x03, 0xaf, 0x03       ; SPECIFY: ND
  fdc_irq 90, 0x46, 0x00, 20, 0, 2, 2, 2, 0x1b, 0xff
  mov di, 0x8000
  mov cx, 512
.pio:
  inb MSR
  cmp al, 0xf0               ; RQM, DIO, NDMA, busy: a byte to take
  fail_unless e, 91
  mov dx, FIFO
  in al, dx
  stosb
  loop .pio
  expect_result 92, 0x40, 0x80, 0, 21, 0, 1, 2
  check_sectors 0x8000, 721, 1, 93
  fdc 0x03, 0xaf, 0x02
  jmp pass32

irq6:
  push ax
  inc byte [IRQ6S]
  mov al, 0x20
  out 0x20, al
  pop ax
  iret

; Waits (IF set) for an IRQ 6, else fails BX.
wait_irq6:
  mov ecx, 100000
  sti
.poll:
  cmp byte [IRQ6S], 0
  jne .ok
  dec ecx
  jnz .poll
  cli
  movzx ebx, bx
  jmp fail32
.ok:
  cli
  ret

; Sends the command after the call: a length byte, then the bytes, each when MSR asks (RQM, DIO clear).
send_inline:
  pop si
  cs lodsb
  movzx cx, al
.byte:
  mov dx, MSR
  mov bx, 0xffff
.poll:
  in al, dx
  and al, 0xc0
  cmp al, 0x80
  je .ready
  dec bx
  jnz .poll
  mov ebx, 99
  jmp fail32
.ready:
  cs lodsb
  mov dx, FIFO
  out dx, al
  loop .byte
  push si
  ret

; Reads result bytes while MSR shows RQM and DIO into RES, their count into RESN.
results:
  mov di, RES
  xor cx, cx
.next:
  mov dx, MSR
  in al, dx
  and al, 0xc0
  cmp al, 0xc0
  jne .done
  mov dx, FIFO
  in al, dx
  mov [di], al
  inc di
  inc cx
  cmp cx, 16
  jb .next
.done:
  mov [RESN], cl
  ret

; The result must be the bytes after the call (a length byte, then them); else fail BX.
compare_inline:
  pop si
  cs lodsb
  cmp al, [RESN]
  jne .bad
  movzx cx, al
  mov di, RES
.byte:
  cs lodsb
  cmp al, [di]
  jne .bad
  inc di
  loop .byte
  push si
  ret
.bad:
  movzx ebx, bx
  jmp fail32

; CX sectors from LBA AX at DS:SI must hold (5 * LBA + j) & 0xFF; else fail BX.
check_pattern:
  imul dx, ax, 5
  push cx
  mov cx, 512
.byte:
  cmp [si], dl
  jne .bad
  inc dl
  inc si
  loop .byte
  pop cx
  inc ax
  loop check_pattern
  ret
.bad:
  movzx ebx, bx
  jmp fail32

report_routines
reset_vector start
