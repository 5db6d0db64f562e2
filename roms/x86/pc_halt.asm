; A -M pc test ROM that halts with nothing left to wake the CPU: at the reset
; vector it writes 'H' to the debugcon at 0xE9, then CLI; HLT (or STI; HLT when
; assembled with -DSTI), the HLT at F000:FFF5. Kiln ends the run with one line
; naming that address and exit status 4.
bits 16
cpu 8086
  times 0xfff0 db 0xff
reset:                   ; F000:FFF0
  mov al, 'H'
  out 0xe9, al
%ifdef STI
  sti
%else
  cli
%endif
  hlt                    ; F000:FFF5
  times 0x10000 - ($ - $$) db 0xff
