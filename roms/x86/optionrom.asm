; Option ROMs of ours for the firmware's option ROM scan (issue 14, step 5),
; one source, two images:
;   optionrom_isa.bin  for -option-rom (QEMU hands it to SeaBIOS as fw_cfg's
;                      genroms/optionrom_isa.bin): its init entry prints
;                      "ISA ROM INIT" and hooks INT 19h, whose handler prints
;                      "ISA ROM INT19" before chaining to the BIOS's, so the
;                      hook is seen to run when the BIOS boots.
;   optionrom_pci.bin  (-DPCI_ROM) the expansion ROM of a pci-testdev
;                      (1B36:0005; -device pci-testdev,romfile=F): its PCI
;                      data structure matches the device, and its init entry
;                      prints "PCI ROM INIT" and the AX the BIOS passes
;                      (bus/device/function, 0018 for 03.0).
; Both say where they are on debugcon (0xE9). A PnP header without boot
; vectors makes each run exactly once (a ROM without one would also be
; called as a boot connection vector). The build puts the checksum byte
; last (roms/x86/rom_checksum.py): the BIOS runs no ROM whose bytes do not
; sum to 0.
bits 16
org 0

%define DEBUGCON 0xe9
%define ROM_BLOCKS 1         ; 512 bytes (the image ends at rom_end)

  dw 0xaa55
  db ROM_BLOCKS           ; size in 512-byte blocks
  jmp init                   ; the init entry at offset 3
  times 0x18 - ($ - $$) db 0
%ifdef PCI_ROM
  dw pcir
%else
  dw 0
%endif
  dw pnp                     ; 0x1A: the PnP header

%ifdef PCI_ROM
pcir:
  db "PCIR"
  dw 0x1b36, 0x0005          ; vendor, device
  dw 0                       ; vital product data
  dw 0x18                    ; structure length
  db 0                       ; structure revision
  db 0x00, 0x00, 0xff        ; class code: programming interface, subclass, class
  dw ROM_BLOCKS           ; image length
  dw 1                       ; code revision
  db 0                       ; code type: x86
  db 0x80                    ; the last image
  dw 0
%endif

align 16
pnp:
  db "$PnP"
  db 1                       ; revision
  db 2                       ; length in 16-byte units
  dw 0                       ; next header
  db 0
  db 0                       ; checksum (SeaBIOS does not check it)
  dd 0                       ; device id
  dw manufacturer, product
  db 0, 0, 0                 ; device type
  db 0                       ; indicators
  dw 0, 0, 0                 ; BCV, DV, BEV: none
  dw 0, 0

manufacturer: db "Kiln", 0
product: db "Kiln test ROM", 0

; Prints the NUL-terminated string at CS:SI on debugcon.
print:
  push ax
.next:
  cs lodsb
  test al, al
  jz .done
  out DEBUGCON, al
  jmp .next
.done:
  pop ax
  ret

%ifdef PCI_ROM
; Prints AX as four hex digits.
print_hex16:
  push cx
  mov cx, 4
.digit:
  rol ax, 4
  push ax
  and al, 0x0f
  add al, '0'
  cmp al, '9'
  jbe .out
  add al, 'A' - '0' - 10
.out:
  out DEBUGCON, al
  pop ax
  loop .digit
  pop cx
  ret

init:
  pusha
  push ax
  mov si, msg_pci
  call print
  pop ax
  call print_hex16
  mov al, 10
  out DEBUGCON, al
  popa
  retf

msg_pci: db "PCI ROM INIT ", 0
%else
init:
  pusha
  push ds
  mov si, msg_init
  call print
  ; Hook INT 19h: keep the old vector in the ROM's copy (writable while the
  ; BIOS runs option ROMs) and take its four bytes off the checksum byte, so
  ; the copy still sums to 0.
  xor ax, ax
  mov ds, ax
  mov ax, [0x19 * 4]
  mov dx, [0x19 * 4 + 2]
  mov [cs:old19], ax
  mov [cs:old19 + 2], dx
  mov bl, [cs:checksum]
  sub bl, al
  sub bl, ah
  sub bl, dl
  sub bl, dh
  mov [cs:checksum], bl
  mov word [0x19 * 4], int19
  mov [0x19 * 4 + 2], cs
  pop ds
  popa
  retf

int19:
  push si
  mov si, msg_int19
  call print
  pop si
  jmp far [cs:old19]

old19: dd 0
msg_init: db "ISA ROM INIT", 10, 0
msg_int19: db "ISA ROM INT19", 10, 0
%endif

  times 511 - ($ - $$) db 0
checksum: db 0               ; set by the build so that all bytes sum to 0
rom_end:
%if rom_end - $$ != ROM_BLOCKS * 512
  %error "the image is not ROM_BLOCKS * 512 bytes"
%endif
