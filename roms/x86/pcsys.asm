; A -M pc test ROM for the system devices SeaBIOS reads early, in real mode.
; Built for one -m size (RAM_MB on the nasm command line) and run with it:
;   C  the CMOS: registers A, B, D, the memory sizes QEMU's pc puts there for
;      that -m (0x15-0x18, 0x30-0x31, 0x34-0x35, 0x5B-0x5D), the CPU count,
;      the checksum over 0x10-0x2D, the boot order, a BCD time, a RAM byte
;   U  the update cycle: register C's update-ended flag, and the seconds moved on
;   F  fw_cfg by PIO: the signature, the ID (DMA bit), the RAM size, the file
;      directory searched for "etc/e820", and that file against -m
;   D  fw_cfg by DMA: the "QEMU CFG" signature, the same file read by name
;      through an FWCfgDmaAccess and compared with the PIO copy, an error bit
;      for a transfer into ROM and for a write to a read-only item
;   K  the 8042: self-test (0x55), the command byte, a keyboard reset (FA AA)
;      and identify (FA AB 83)
;   A  A20 off (port 0x92 and the 8042's output port): FFFF:0510 wraps to
;      0000:0500; on through port 0x92 alone: it does not
; then resets the machine four ways, a stage number in CMOS byte 0x4A and a
; marker in RAM surviving each: 0xCF9 (1), port 0x92 bit 0 (2), the 8042's
; 0xFE pulse (3), its output port's reset bit (4); nothing after the
; resetting OUT may run ('X'). Then PASS on the debugcon at 0xE9 and exit 0
; through isa-debug-exit at 0xF4; a failed check prints " F nn" and exits nn.
bits 16
cpu 686
%define DEBUGCON 0xe9
%define DEBUG_EXIT 0xf4
%include "common.inc"

%ifndef RAM_MB
%define RAM_MB 40
%endif
%assign RAM RAM_MB * 0x100000
%if RAM > 0xE0000000
%assign LOW 0xE0000000
%else
%assign LOW RAM
%endif
%assign HIGH RAM - LOW
%assign EXT_KIB (LOW - 0x100000) / 1024
%if EXT_KIB > 0xFFFF
%assign EXT_KIB 0xFFFF
%endif
%assign ABOVE16 (LOW - 0x1000000) / 0x10000
%if ABOVE16 > 0xFFFF
%assign ABOVE16 0xFFFF
%endif
%assign ABOVE4G HIGH / 0x10000
%if HIGH
%assign E820_BYTES 40
%else
%assign E820_BYTES 20
%endif

%define STAGE_CMOS 0x4a
%define MARKER 0x4f0         ; RAM: 'KILN' once the first stage has run
%define SECONDS 0x4e0        ; RAM: the seconds before the update wait
%define E820_SIZE 0x4e4
%define E820_KEY 0x4e8
%define DESC 0x600           ; the FWCfgDmaAccess
%define PIO_BUF 0x2000
%define DMA_BUF 0x3000
%define STACK 0x7000

%macro cmos_read 1           ; AL = CMOS byte %1
  mov al, %1
  out 0x70, al
  in al, 0x71
%endmacro
%macro cmos_write 2          ; CMOS byte %1 = %2 (an immediate)
  mov al, %1
  out 0x70, al
  mov al, %2
  out 0x71, al
%endmacro
%macro print 1
  mov al, %1
  out DEBUGCON, al
%endmacro
; The resetting OUT is the last instruction that may run.
%macro never_here 0
  print 'X'
  hlt
%endmacro

section main start=0 vstart=0
e820_name: db 'etc/e820', 0

start:
  real_mode_flat
  cld
  cmos_read STAGE_CMOS
  cmp al, 1
  je stage1
  cmp al, 2
  je stage2
  cmp al, 3
  je stage3
  cmp al, 4
  je stage4
  test al, al
  fail_unless z, 99

  ; C: the CMOS.
  print 'C'
  cmos_read 0x0d
  cmp al, 0x80               ; valid RAM and time
  fail_unless e, 1
  cmos_read 0x0b
  cmp al, 0x02               ; 24-hour BCD, no interrupts
  fail_unless e, 2
  cmos_read 0x0a
  and al, 0x7f
  cmp al, 0x26               ; divider running, 1024 Hz
  fail_unless e, 3
  mov bl, 0x15
  call cmos_word
  cmp ax, 640
  fail_unless e, 4
  mov bl, 0x17
  call cmos_word
  cmp ax, EXT_KIB
  fail_unless e, 5
  mov bl, 0x30
  call cmos_word
  cmp ax, EXT_KIB
  fail_unless e, 6
  mov bl, 0x34
  call cmos_word
  cmp ax, ABOVE16
  fail_unless e, 7
  mov bl, 0x5b
  call cmos_word
  cmp ax, ABOVE4G & 0xffff
  fail_unless e, 8
  cmos_read 0x5d
  cmp al, ABOVE4G >> 16
  fail_unless e, 8
  cmos_read 0x5f
  cmp al, 0                  ; one CPU
  fail_unless e, 9
  xor si, si                 ; the checksum: the sum of 0x10-0x2D, big-endian in 0x2E-0x2F
  mov cl, 0x10
.sum:
  mov al, cl
  out 0x70, al
  in al, 0x71
  movzx ax, al
  add si, ax
  inc cl
  cmp cl, 0x2e
  jb .sum
  mov bl, 0x2e
  call cmos_word
  xchg al, ah
  cmp ax, si
  fail_unless e, 10
  cmos_read 0x3d
  cmp al, 0x12               ; QEMU's default order "cad": disk, then floppy ...
  fail_unless e, 11
  cmos_read 0x38
  cmp al, 0x30               ; ... then CD-ROM; the floppy signature check on
  fail_unless e, 11
  cmos_read 0x00             ; the seconds, in BCD
  cmp al, 0x60
  fail_unless b, 12
  and al, 0x0f
  cmp al, 10
  fail_unless b, 12
  cmos_read 0x32
  cmp al, 0x20               ; the century
  fail_unless e, 12
  cmos_write 0x4b, 0xa5
  cmos_read 0x4b
  cmp al, 0xa5
  fail_unless e, 13

  ; U: an update cycle, seen as register C's update-ended flag (polled: it
  ; stays set until read, so no short window can be missed), has moved the seconds on.
  print 'U'
  cmos_read 0x00
  mov [SECONDS], al
  cmos_read 0x0c             ; clears the flags: an update from here on sets UF
  mov ecx, 0x10000000
.poll_uf:
  in al, 0x71
  test al, 0x10
  jnz .updated
  dec ecx
  jnz .poll_uf
  mov ebx, 14
  jmp fail32
.updated:
  cmos_read 0x00
  cmp al, [SECONDS]
  fail_unless ne, 15

  ; F: fw_cfg by PIO.
  print 'F'
  xor ax, ax
  call fw_select
  mov cx, 4
  call fw_read
  cmp dword [PIO_BUF], 'QEMU'
  fail_unless e, 20
  mov ax, 0x01
  call fw_select
  mov cx, 4
  call fw_read
  cmp dword [PIO_BUF], 3     ; traditional interface and DMA
  fail_unless e, 21
  mov ax, 0x03
  call fw_select
  mov cx, 8
  call fw_read
  cmp dword [PIO_BUF], RAM & 0xffffffff
  fail_unless e, 22
  cmp dword [PIO_BUF + 4], RAM >> 32
  fail_unless e, 22
  mov ax, 0x19               ; the directory: a big-endian count, then 64-byte entries
  call fw_select
  mov cx, 4
  call fw_read
  mov ebp, [PIO_BUF]
  bswap ebp
.entry:
  test ebp, ebp
  fail_unless nz, 23
  dec ebp
  mov cx, 64
  call fw_read
  push ds
  push cs
  pop ds
  mov si, e820_name
  mov di, PIO_BUF + 8
  mov cx, 9
  repe cmpsb
  pop ds
  jne .entry
  mov eax, [PIO_BUF]
  bswap eax
  mov [E820_SIZE], eax
  cmp eax, E820_BYTES
  fail_unless e, 24
  mov ax, [PIO_BUF + 4]
  xchg al, ah
  mov [E820_KEY], ax
  call fw_select
  mov cx, E820_BYTES
  call fw_read
  cmp dword [PIO_BUF], 0     ; RAM from 0 ...
  fail_unless e, 25
  cmp dword [PIO_BUF + 4], 0
  fail_unless e, 25
  cmp dword [PIO_BUF + 8], LOW ; ... to the hole below 4 GiB
  fail_unless e, 25
  cmp dword [PIO_BUF + 12], 0
  fail_unless e, 25
  cmp dword [PIO_BUF + 16], 1
  fail_unless e, 25
%if HIGH
  cmp dword [PIO_BUF + 20], 0  ; the rest from 4 GiB on
  fail_unless e, 26
  cmp dword [PIO_BUF + 24], 1
  fail_unless e, 26
  cmp dword [PIO_BUF + 28], HIGH & 0xffffffff
  fail_unless e, 26
  cmp dword [PIO_BUF + 32], HIGH >> 32
  fail_unless e, 26
  cmp dword [PIO_BUF + 36], 1
  fail_unless e, 26
%endif

  ; D: fw_cfg by DMA.
  print 'D'
  mov dx, 0x514
  in eax, dx
  cmp eax, 'QEMU'
  fail_unless e, 30
  mov dx, 0x518
  in eax, dx
  cmp eax, ' CFG'
  fail_unless e, 30
  movzx eax, word [E820_KEY]
  shl eax, 16
  or eax, 0x0a               ; select, read
  mov ebx, [E820_SIZE]
  mov edx, DMA_BUF
  call fw_dma
  cmp dword [DESC], 0
  fail_unless e, 31
  mov si, PIO_BUF
  mov di, DMA_BUF
  mov cx, E820_BYTES
  repe cmpsb
  fail_unless e, 32
  mov eax, 0x0a              ; the signature into the BIOS ROM: an error
  mov ebx, 4
  mov edx, 0xffff0000
  call fw_dma
  cmp dword [DESC], 0x01000000
  fail_unless e, 33
  mov eax, 0x18              ; a write to the signature: an error
  mov ebx, 4
  mov edx, DMA_BUF
  call fw_dma
  cmp dword [DESC], 0x01000000
  fail_unless e, 34

  ; K: the 8042 and its keyboard.
  print 'K'
  mov al, 0xaa
  out 0x64, al
  call kbd_read
  cmp al, 0x55
  fail_unless e, 40
  mov al, 0x20
  out 0x64, al
  call kbd_read
  cmp al, 0x03               ; both interrupts enabled
  fail_unless e, 41
  mov al, 0xff
  out 0x60, al
  call kbd_read
  cmp al, 0xfa
  fail_unless e, 42
  call kbd_read
  cmp al, 0xaa
  fail_unless e, 42
  mov al, 0xf2
  out 0x60, al
  call kbd_read
  cmp al, 0xfa
  fail_unless e, 43
  call kbd_read
  cmp al, 0xab
  fail_unless e, 43
  call kbd_read
  cmp al, 0x83
  fail_unless e, 43
  in al, 0x64
  test al, 1                 ; nothing more
  fail_unless z, 44

  ; A: the A20 gate.
  print 'A'
  mov al, 0
  out 0x92, al
  mov al, 0xd1
  out 0x64, al
  mov al, 0xcd               ; A20 off, the reset line high
  out 0x60, al
  mov al, 0xd0
  out 0x64, al
  call kbd_read
  cmp al, 0xcd
  fail_unless e, 50
  mov ax, 0xffff
  mov fs, ax
  mov byte [0x500], 0x11
  mov byte [fs:0x510], 0x22  ; 0x100500 without bit 20
  cmp byte [0x500], 0x22
  fail_unless e, 51
  mov al, 0x02               ; on through port 0x92 alone
  out 0x92, al
  in al, 0x92
  cmp al, 0x02
  fail_unless e, 52
  mov byte [fs:0x510], 0x33
  cmp byte [0x500], 0x22
  fail_unless e, 53
  cmp byte [fs:0x510], 0x33
  fail_unless e, 53

  ; Reset 1: 0xCF9 (bit 1 alone does nothing, but reads back).
  mov dword [MARKER], 'KILN'
  cmos_write STAGE_CMOS, 1
  mov dx, 0xcf9
  mov al, 0x02
  out dx, al
  in al, dx
  cmp al, 0x02
  fail_unless e, 54
  mov al, 0x06
  out dx, al
  never_here

stage1:
  print '1'
  cmp dword [MARKER], 'KILN' ; RAM survives a reset
  fail_unless e, 60
  in al, 0x92
  cmp al, 0x02               ; its A20 bit stays
  fail_unless e, 61
  mov dx, 0xcf9
  in al, dx
  cmp al, 0
  fail_unless e, 62
  mov al, 0xd0               ; the 8042 is as after power-on: A20 on, reset high
  out 0x64, al
  call kbd_read
  cmp al, 0xcf
  fail_unless e, 63
  cmos_write STAGE_CMOS, 2
  in al, 0x92                ; reset 2: port 0x92 bit 0
  or al, 1
  out 0x92, al
  never_here

stage2:
  print '2'
  in al, 0x92
  cmp al, 0x02               ; the reset bit cleared by the reset
  fail_unless e, 64
  cmos_write STAGE_CMOS, 3
  mov al, 0xfe               ; reset 3: the 8042 pulses the reset line
  out 0x64, al
  never_here

stage3:
  print '3'
  cmos_write STAGE_CMOS, 4
  mov al, 0xd1               ; reset 4: the 8042's output port with the reset line low
  out 0x64, al
  mov al, 0xce
  out 0x60, al
  never_here

stage4:
  print '4'
  cmp dword [MARKER], 'KILN'
  fail_unless e, 65
  cmos_write STAGE_CMOS, 0
  jmp pass32

; AX = CMOS[BL] | CMOS[BL + 1] << 8
cmos_word:
  mov al, bl
  inc al
  out 0x70, al
  in al, 0x71
  mov ah, al
  mov al, bl
  out 0x70, al
  in al, 0x71
  ret

; fw_cfg: select key AX; read CX bytes into PIO_BUF with REP INSB.
fw_select:
  mov dx, 0x510
  out dx, ax
  ret
fw_read:
  mov di, PIO_BUF
  mov dx, 0x511
  rep insb
  ret

; fw_cfg DMA: control EAX, length EBX, address EDX (all native), through the
; FWCfgDmaAccess at DESC (big-endian) and the two halves of its address.
fw_dma:
  bswap eax
  mov [DESC], eax
  bswap ebx
  mov [DESC + 4], ebx
  mov dword [DESC + 8], 0
  bswap edx
  mov [DESC + 12], edx
  xor eax, eax
  mov dx, 0x514
  out dx, eax
  mov eax, DESC
  bswap eax
  mov dx, 0x518
  out dx, eax
  ret

; AL = the 8042's next byte, once status bit 0 says there is one.
kbd_read:
  mov ecx, 100000
.poll:
  in al, 0x64
  test al, 1
  jnz .full
  dec ecx
  jnz .poll
  mov ebx, 45
  jmp fail32
.full:
  in al, 0x60
  ret

report_routines
reset_vector start
