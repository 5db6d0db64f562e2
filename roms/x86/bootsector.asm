; A boot sector for the firmware boot path (issue 14, boot path 1's first
; step): SeaBIOS reads it from the first IDE disk to 0000:7C00 and jumps to it.
; It says where it came from on debugcon (0xE9) and on the screen (INT 10h
; teletype output, which the VGA BIOS serves; a text screen dump shows it),
; and ends the run through
; isa-debug-exit (0xF4; status 1), so the test sees SeaBIOS's whole path
; from the reset vector: POST, PCI, the IDE probe, INT 19h and INT 13h.
bits 16
org 0x7c00
  xor ax, ax
  mov ds, ax
  cld
  mov si, msg
.next:
  lodsb
  test al, al
  jz .done
  out 0xe9, al
  cmp al, 10
  je .next                   ; the screen gets the text without the newline
  mov ah, 0x0e
  xor bx, bx
  int 0x10
  jmp .next
.done:
  mov al, 0
  out 0xf4, al
  cli
  hlt
msg: db "BOOTED FROM IDE", 10, 0
times 510 - ($ - $$) db 0
dw 0xaa55
