; COM1 on -M pc: the 16550A at 0x3F8 on IRQ4, driven from real mode at the
; reset vector as a BIOS or Linux's 8250 probe does. A letter on the debugcon
; per check, the transmitted text on the serial port, then PASS:
;   S  the scratch register keeps a byte; LSR says THR and shifter empty (0x60)
;   D  DLAB switches DLL/DLM in at 0 and 1, and back out
;   T  "COM1" transmitted (to -serial), LSR still 0x60 after each byte
;   L  loopback: a byte written to THR is received (LSR.DR, RBR), MSR mirrors MCR
;   I  IER's THR-empty interrupt: IIR says so, the PIC's IRR sees IRQ4; reading IIR clears it
; A failure prints " F nn" and exits with nn (isa-debug-exit at 0xF4).
bits 16
cpu 386
%define DEBUGCON 0xe9
%define DEBUG_EXIT 0xf4
%define COM1 0x3f8
%define THR COM1
%define IER COM1 + 1
%define IIR COM1 + 2
%define LCR COM1 + 3
%define MCR COM1 + 4
%define LSR COM1 + 5
%define MSR COM1 + 6
%define SCR COM1 + 7
%include "common.inc"
%define FAIL_LABEL fail_body


  times 0xe000 db 0xff
start:
  cli
  ; S
  mov dx, SCR
  mov al, 0x5a
  out dx, al
  expect_in SCR, 0x5a, 1
  expect_in LSR, 0x60, 2
  put 'S'
  ; D
  mov dx, LCR
  mov al, 0x80
  out dx, al
  mov dx, COM1
  mov al, 1
  out dx, al
  mov dx, COM1 + 1
  mov al, 0
  out dx, al
  expect_in COM1, 1, 3
  expect_in COM1 + 1, 0, 4
  mov dx, LCR
  mov al, 0x03      ; 8N1, DLAB off
  out dx, al
  expect_in LCR, 0x03, 5
  expect_in IER, 0, 6
  put 'D'
  ; T
  mov si, text
.next:
  cs lodsb
  test al, al
  jz .sent
  mov dx, THR
  out dx, al
  expect_in LSR, 0x60, 7
  jmp .next
.sent:
  put 'T'
  ; L
  mov dx, MCR
  mov al, 0x1b      ; loopback, OUT2, RTS, DTR
  out dx, al
  mov dx, THR
  mov al, 'x'
  out dx, al
  mov dx, LSR
  in al, dx
  test al, 1
  fail_unless nz, 8
  expect_in COM1, 'x', 9
  mov dx, LSR
  in al, dx
  test al, 1
  fail_unless z, 10
  mov dx, MSR
  in al, dx
  and al, 0xf0      ; CTS, DSR from RTS, DTR; DCD from OUT2
  cmp al, 0xb0
  fail_unless e, 11
  mov dx, MCR
  mov al, 0x0b      ; OUT2, RTS, DTR: the PC's interrupt gate
  out dx, al
  put 'L'
  ; I
  expect_in IIR, 0x01, 12   ; nothing pending (FIFOs off)
  mov dx, IER
  mov al, 0x02
  out dx, al
  mov al, 0x0a      ; OCW3: read IRR
  out 0x20, al
  in al, 0x20
  test al, 0x10
  fail_unless nz, 13
  expect_in IIR, 0x02, 14   ; THR empty
  expect_in IIR, 0x01, 15   ; acknowledged by reading IIR (the PIC's edge stays latched)
  put 'I'
  mov al, 10
  out DEBUGCON, al
  put 'P'
  put 'A'
  put 'S'
  put 'S'
  mov al, 10
  out DEBUGCON, al
  mov al, 0
  out DEBUG_EXIT, al
  hlt

fail_routine fail_body

text: db "COM1", 10, 0

  times 0xfff0 - ($ - $$) db 0xff
reset:                   ; F000:FFF0
  jmp 0xf000:start
  times 0x10000 - ($ - $$) db 0xff
