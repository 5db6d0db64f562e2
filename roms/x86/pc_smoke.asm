; A -M pc test ROM: starts at the reset vector, far-jumps into the copy below
; 1 MiB, checks the board and a few instructions itself, writes "OK" to the
; isa-debugcon at 0xE9 (with REP OUTSB) and to the one at 0x402 (with OUT DX,AL),
; and exits through isa-debug-exit at 0xF4: value 0 (Kiln's status 1) on
; success, the failed check's number n (status 2n+1) after "FAIL n" otherwise.
; Real mode, 286 instructions at most. ROM_SIZE (64, 128, 192 or 256 KiB) is set
; on the nasm command line; the board mirrors the image's last 128 KiB (all of a
; 64 KiB image) to end at 1 MiB, and the ROM finds the mirror's first bytes.
;   kiln -M pc -bios pc_smoke.bin -debugcon stdio -chardev stdio,id=c \
;        -device isa-debugcon,iobase=0x402,chardev=c -device isa-debug-exit,iobase=0xf4,iosize=0x04
bits 16
cpu 286

%ifndef ROM_SIZE
%define ROM_SIZE 0x10000
%endif
%if ROM_SIZE > 0x20000
%define MIRROR_SIZE 0x20000
%else
%define MIRROR_SIZE ROM_SIZE
%endif
%define MIRROR_SEG ((0x100000 - MIRROR_SIZE) >> 4)
%define DEBUGCON 0xe9
%define DEBUGCON2 0x402
%define DEBUG_EXIT 0xf4
%define UNCLAIMED 0xec

; The first byte the board mirrors below 1 MiB: image offset ROM_SIZE - MIRROR_SIZE.
%if ROM_SIZE > 0x10000
section head start=0 vstart=0
  times ROM_SIZE - MIRROR_SIZE db 0xff
  db 'KILN-MIRROR'
%endif

; The last 64 KiB: CS = F000 runs them, at offsets 0 to 0xFFFF.
section main start=ROM_SIZE-0x10000 vstart=0
%if ROM_SIZE == 0x10000
  db 'KILN-MIRROR'
%endif
signature: db 'KILN-MIRROR'
readonly_byte: db 0x5a
message: db 'OK', 10
MESSAGE_LEN equ $ - message

%macro check 2  ; condition code that means failure, check number
  mov bl, %2
  j%1 fail
%endmacro

start:
  cli
  xor ax, ax
  mov ss, ax
  mov sp, 0x7000
  push cs
  pop ds

  ; 1: the mirror's first bytes are the signature (REPE CMPSB from the copy above).
  mov ax, MIRROR_SEG
  mov es, ax
  xor di, di
  mov si, signature
  mov cx, 11
  cld
  repe cmpsb
  check ne, 1
  ; 2: the mirror is read-only.
  mov byte [readonly_byte], 0
  cmp byte [readonly_byte], 0x5a
  check ne, 2
  ; 3: RAM below and above the 64 KiB line keeps what is written.
  xor ax, ax
  mov es, ax
  mov word [es:0x1000], 0x1234
  mov ax, 0x9000
  mov es, ax
  mov word [es:0xfffe], 0xbeef
  cmp word [es:0xfffe], 0xbeef
  check ne, 3
  xor ax, ax
  mov es, ax
  cmp word [es:0x1000], 0x1234
  check ne, 3
  ; 4: ADD's carry and zero, ADC, SBB.
  mov ax, 0xffff
  add ax, 1
  check nc, 4
  check nz, 4
  mov ax, 5
  adc ax, 0x10          ; 5 + 16 + CF (1)
  cmp ax, 0x16
  check ne, 4
  stc
  sbb ax, 0x6           ; 0x16 - 6 - 1
  cmp ax, 0xf
  check ne, 4
  ; 5: MUL into DX:AX.
  mov ax, 300
  mov bx, 200
  mul bx
  cmp ax, 60000
  check ne, 5
  test dx, dx
  check nz, 5
  ; 6: a LOOP summing 1 to 10 in a called procedure, through the stack.
  call sum_to_ten
  cmp ax, 55
  check ne, 6
  ; 7: ports: a debugcon reads back 0xE9, an unclaimed port all ones, a word at
  ; 0xE9 is the debugcon's byte and the unclaimed 0xEA's, isa-debug-exit reads 0.
  in al, DEBUGCON
  cmp al, 0xe9
  check ne, 7
  mov dx, DEBUGCON2
  in al, dx
  cmp al, 0xe9
  check ne, 7
  in al, UNCLAIMED
  cmp al, 0xff
  check ne, 7
  mov dx, DEBUGCON
  in ax, dx
  cmp ax, 0xffe9
  check ne, 7
  in al, DEBUG_EXIT
  cmp al, 0
  check ne, 7

  ; "OK\n" on both consoles, then exit 0: nothing after the exiting OUT runs.
  mov si, message
  mov cx, MESSAGE_LEN
  mov dx, DEBUGCON
  rep outsb
  mov si, message
  mov cx, MESSAGE_LEN
  mov dx, DEBUGCON2
.second:
  lodsb
  out dx, al
  loop .second
  mov al, 0
  out DEBUG_EXIT, al
  mov al, 'X'
  out DEBUGCON, al
  mov al, 0x7f
  out DEBUG_EXIT, al
  hlt

sum_to_ten:
  xor ax, ax
  mov cx, 10
.add:
  add ax, cx
  loop .add
  ret

; "FAIL n" on 0xE9, then exit with n (in BL).
fail:
  mov dx, DEBUGCON
  mov si, fail_message
  mov cx, FAIL_LEN
  rep outsb
  mov al, bl
  add al, '0'
  out dx, al
  mov al, 10
  out dx, al
  mov al, bl
  out DEBUG_EXIT, al
  hlt
fail_message: db 'FAIL '
FAIL_LEN equ $ - fail_message

  times 0xfff0 - ($ - $$) db 0xff
reset:                   ; F000:FFF0
  jmp 0xf000:start
  times 0x10000 - ($ - $$) db 0xff
