; The standard VGA on -M pc (devices/pc/vga.h), from real mode at the reset
; vector as a VGA BIOS drives it. A letter on the debugcon per check, then PASS:
;   M  misc output: with bit 0 clear (mono, the reset state) the colour CRTC
;      ports read all ones; set, the CRTC index reads back at 0x3D4
;   S  input status 1 (0x3DA): its retrace bits toggle between reads; reading
;      it resets the attribute flip-flop, so 0x3C0 takes an index, then data
;   C  the CRTC protect bit (0x11 bit 7) locks registers 0-7
;   O  odd/even text mode at 0xB8000: a character and attribute word reads
;      back, and lands in planes 0 and 1 at half the address (QEMU's layout;
;      planar reads through read map select)
;   P  planar write mode 2 with a bit mask, chain-4 (mode 13h) writes landing
;      in plane (address & 3), and read mode 1's colour compare
;   D  Bochs DISPI at 0x1CE/0x1CF: ID, VIDEO_MEMORY_64K, GETCAPS maxima
;   V  a VBE mode (640x480x8): memory cleared, BANK moves the 64 KiB window
; A failure prints " F nn" and exits with nn (isa-debug-exit at 0xF4).
bits 16
cpu 386
%define DEBUGCON 0xe9
%define DEBUG_EXIT 0xf4
%include "common.inc"

%macro outb 2  ; port, value
  mov dx, %1
  mov al, %2
  out dx, al
%endmacro
%macro reg 3  ; index port, index, value
  outb %1, %2
  inc dx
  mov al, %3
  out dx, al
%endmacro
%macro dispi 2  ; register, value
  mov dx, 0x1ce
  mov ax, %1
  out dx, ax
  inc dx
  mov ax, %2
  out dx, ax
%endmacro
%macro expect_dispi 3  ; register, value, check number
  mov dx, 0x1ce
  mov ax, %1
  out dx, ax
  inc dx
  in ax, dx
  cmp ax, %2
  fail_unless e, %3
%endmacro
%macro expect_byte 3  ; es:offset, value, check number
  cmp byte [es:%1], %2
  fail_unless e, %3
%endmacro

  times 0xe000 db 0xff
start:
  cli
  ; M
  expect_in 0x3d4, 0xff, 1
  outb 0x3c2, 0x67
  outb 0x3d4, 0x0e
  expect_in 0x3d4, 0x0e, 2
  put 'M'
  ; S
  mov dx, 0x3da
  in al, dx
  mov bl, al
  in al, dx
  xor al, bl
  and al, 0x09
  cmp al, 0x09
  fail_unless e, 3
  outb 0x3c0, 0x10          ; index (the flip-flop was reset by the read)
  outb 0x3c0, 0x41          ; data
  outb 0x3c0, 0x10          ; index again
  expect_in 0x3c1, 0x41, 4
  put 'S'
  ; C
  reg 0x3d4, 0x11, 0x00
  reg 0x3d4, 0x01, 0x4f
  reg 0x3d4, 0x11, 0x80     ; protect
  reg 0x3d4, 0x01, 0x27
  outb 0x3d4, 0x01
  expect_in 0x3d5, 0x4f, 5
  reg 0x3d4, 0x11, 0x00
  put 'C'
  ; O: mode 3's memory settings
  reg 0x3c4, 0x02, 0x03     ; map mask: planes 0, 1
  reg 0x3c4, 0x04, 0x02     ; memory mode: odd/even
  reg 0x3ce, 0x05, 0x10     ; odd/even
  reg 0x3ce, 0x06, 0x0e     ; 0xB8000, chain odd/even, text
  reg 0x3ce, 0x04, 0x00
  mov ax, 0xb800
  mov es, ax
  mov word [es:0x0002], 0x1741  ; cell 1: 'A' on colour 0x17
  cmp word [es:0x0002], 0x1741
  fail_unless e, 6
  reg 0x3ce, 0x05, 0x00     ; planar, read mode 0
  reg 0x3ce, 0x06, 0x04     ; 0xA0000, 64 KiB
  reg 0x3c4, 0x04, 0x06
  mov ax, 0xa000
  mov es, ax
  reg 0x3ce, 0x04, 0x00     ; plane 0 at planar address 1 (odd/even halves the address): the character
  expect_byte 0x0001, 0x41, 7
  reg 0x3ce, 0x04, 0x01     ; plane 1: the attribute
  expect_byte 0x0001, 0x17, 8
  put 'O'
  ; P: write mode 2, colour 0x0A (planes 1, 3) under bit mask 0xF0, all planes enabled
  reg 0x3c4, 0x02, 0x0f
  reg 0x3ce, 0x08, 0xff
  mov byte [es:0x0010], 0   ; write mode 0, no set/reset: 0 in all four planes
  reg 0x3ce, 0x05, 0x02
  reg 0x3ce, 0x08, 0xf0
  mov al, [es:0x0010]       ; load the latches
  mov byte [es:0x0010], 0x0a
  reg 0x3ce, 0x05, 0x00
  reg 0x3ce, 0x04, 0x01
  expect_byte 0x0010, 0xf0, 9
  reg 0x3ce, 0x04, 0x00
  expect_byte 0x0010, 0x00, 10
  reg 0x3ce, 0x02, 0x0a     ; read mode 1: colour compare 0x0A, all planes count
  reg 0x3ce, 0x07, 0x0f
  reg 0x3ce, 0x05, 0x08
  expect_byte 0x0010, 0xf0, 11
  reg 0x3ce, 0x05, 0x00
  reg 0x3c4, 0x04, 0x0e     ; chain-4
  mov byte [es:0x0007], 0x99    ; address 7: plane 3, planar address 1
  reg 0x3c4, 0x04, 0x06
  reg 0x3ce, 0x04, 0x03
  expect_byte 0x0001, 0x99, 12
  put 'P'
  ; D
  dispi 0, 0xb0c0
  expect_dispi 0, 0xb0c0, 13
  dispi 0, 0x1234           ; not an ID: ignored
  expect_dispi 0, 0xb0c0, 14
  expect_dispi 10, 0x0100, 15   ; 16 MiB
  dispi 4, 0x02             ; GETCAPS
  expect_dispi 1, 16000, 16
  expect_dispi 3, 32, 17
  dispi 4, 0x00
  put 'D'
  ; V: 640x480x8, then bank 1's first bytes through the window
  mov byte [es:0x0000], 0x55
  dispi 1, 640
  dispi 2, 480
  dispi 3, 8
  dispi 4, 0x41             ; enabled, LFB
  expect_dispi 6, 640, 18   ; VIRT_WIDTH follows XRES
  expect_byte 0x0000, 0x00, 19  ; cleared
  dispi 5, 1
  mov byte [es:0x0020], 0x5a
  dispi 5, 0
  expect_byte 0x0020, 0x00, 20
  dispi 5, 1
  expect_byte 0x0020, 0x5a, 21
  dispi 4, 0x00
  put 'V'
  jmp pass32                ; (its bytes, as fail32's, run in 16-bit code too)

report_routines
reset_vector start
