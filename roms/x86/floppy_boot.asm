; A floppy image for the firmware boot path from drive A: (issue 14), 1.44 MB
; (18 sectors a track) unless SPT says otherwise (9: 720K, 15: 1.2M, 36:
; 2.88M; 80 cylinders, 2 heads). SeaBIOS reads the boot sector to 0000:7C00
; and jumps to it with DL = 0. The boot sector then goes back to the floppy
; through SeaBIOS's INT 13h (and so through its 82077AA and 8237 code, and
; its media sense by data rate): a read of four sectors from cylinder 0, head
; 0, the track's second-to-last sector (running on into head 1: a
; multi-track read), a read of cylinder 1, head 0's last sector, and a write
; of a sector on cylinder 2, head 1 read back. Every sector s from 1 on holds its LBA in its first and last words
; (the last inverted), so a sector from the wrong place shows. It prints
; "BOOTED FROM FLOPPY" on debugcon (0xE9), or "FLOPPY FAIL n", and ends the
; run through isa-debug-exit (0xF4; status 1, or 3 on a failure).
bits 16
org 0x7c00
%ifndef SPT
%define SPT 18
%endif
%define HEADS 2
%define LBA(c, h, s) (((c) * HEADS + (h)) * SPT + (s) - 1)
%define BUF 0x1000
%define WBUF 0x3000

  xor ax, ax
  mov ds, ax
  mov es, ax
  mov ss, ax
  mov sp, 0x7c00
  mov [drive], dl
  ; Four sectors from C0 H0 S(SPT - 1): two on head 0, two on head 1.
  mov ax, 0x0204
  mov cx, SPT - 1
  mov dh, 0
  mov bx, BUF
  call disk
  mov ax, LBA(0, 0, SPT - 1)
  mov cx, 4
  mov bl, 1
  call check
  ; One sector from C1 H0 S(SPT).
  mov ax, 0x0201
  mov cx, 0x0100 | SPT
  mov dh, 0
  mov bx, BUF
  call disk
  mov ax, LBA(1, 0, SPT)
  mov cx, 1
  mov bl, 2
  call check
  ; Write C2 H1 S5 with the marks of LBA 0x1234, read it back.
  mov word [WBUF], 0x1234
  mov word [WBUF + 510], ~0x1234
  mov ax, 0x0301
  mov cx, 0x0205
  mov dh, 1
  mov bx, WBUF
  call disk
  mov ax, 0x0201
  mov cx, 0x0205
  mov dh, 1
  mov bx, BUF
  call disk
  mov ax, 0x1234
  mov cx, 1
  mov bl, 3
  call check
  mov si, msg
  call print
  mov al, 0
  jmp done

; INT 13h with AX, CX, DH, ES:BX as given and DL = the boot drive; fails 9 on CF.
disk:
  mov dl, [drive]
  int 0x13
  jc .bad
  ret
.bad:
  mov bl, 9
  jmp fail

; CX sectors at BUF must carry LBAs AX, AX + 1, ...; else fail BL.
check:
  mov si, BUF
.next:
  cmp [si], ax
  jne fail
  mov dx, ax
  not dx
  cmp [si + 510], dx
  jne fail
  inc ax
  add si, 512
  loop .next
  ret

; Prints "FLOPPY FAIL n" (n = BL) and exits with status 3.
fail:
  mov si, failmsg
  call print
  mov al, bl
  add al, '0'
  out 0xe9, al
  mov al, 10
  out 0xe9, al
  mov al, 1
done:
  out 0xf4, al
  cli
  hlt

print:
  lodsb
  test al, al
  jz .end
  out 0xe9, al
  jmp print
.end:
  ret

drive: db 0
msg: db "BOOTED FROM FLOPPY", 10, 0
failmsg: db "FLOPPY FAIL ", 0
times 510 - ($ - $$) db 0
dw 0xaa55

; The other sectors: each one's LBA in its first word, inverted in its last.
%assign lba 1
%rep 80 * HEADS * SPT - 1
  dw lba
  times 508 db (lba & 0xff)
  dw ~lba & 0xffff
%assign lba lba + 1
%endrep
