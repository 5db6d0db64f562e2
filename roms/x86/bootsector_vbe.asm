; A boot sector that drives the VGA through SeaVGABIOS's INT 10h (the VGA
; test of the firmware boot path): mode 13h, a pixel written and read back
; (functions 0Ch/0Dh: chain-4 memory through the window), then the VBE mode
; 0x101 (640x480x8) with the linear framebuffer (function 4F02h: the Bochs
; DISPI registers). It prints "13h" and "VBE" on debugcon as each step
; passes and exits through isa-debug-exit with 0 (status 1); a failed step
; prints "X" and exits with 1 (status 3). The screen dump then names the VBE mode.
bits 16
org 0x7c00
  xor ax, ax
  mov ds, ax
  mov ax, 0x0013
  int 0x10
  mov ax, 0x0c2a             ; write pixel: colour 0x2A
  xor bx, bx
  mov cx, 5                  ; column
  mov dx, 7                  ; row
  int 0x10
  mov ax, 0x0d00             ; read it back
  xor bx, bx
  int 0x10
  cmp al, 0x2a
  jne bad
  mov ax, 0xa000             ; and directly: 320 bytes a row, one a pixel
  mov es, ax
  cmp byte [es:7 * 320 + 5], 0x2a
  jne bad
  mov si, msg_13h
  call print
  mov ax, 0x4f02
  mov bx, 0x4101             ; 640x480x8, linear framebuffer
  int 0x10
  cmp ax, 0x004f
  jne bad
  mov si, msg_vbe
  call print
  mov al, 0
  out 0xf4, al
bad:
  mov al, 'X'
  out 0xe9, al
  mov al, 1
  out 0xf4, al

print:
  lodsb
  test al, al
  jz .done
  out 0xe9, al
  jmp print
.done:
  ret

msg_13h: db "13h", 10, 0
msg_vbe: db "VBE", 10, 0
times 510 - ($ - $$) db 0
dw 0xaa55
