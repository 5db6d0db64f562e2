; A -M pc test ROM that calibrates the TSC against the 8254's channel 2 the
; ways a BIOS or a kernel does, checking itself like the other ROMs. It stays
; in real mode (32-bit registers, interrupts off), channel 2 gated by port
; 0x61 bit 0 with the speaker off.
;
; Q: the fast calibration (Linux's quick_pit_calibrate): channel 2 in mode 0
;    from 0xFFFF; poll the count's MSB and read the TSC at each step of it
;    (256 PIT ticks); stop once the TSC error at both ends (the last two polls
;    of each step) is under 1/2048 of the TSC time between them, within 233
;    steps (50 ms). Each try runs a fresh copy of the routine in RAM, as a
;    kernel runs its calibration once at boot: the first run of code must
;    cost the guest no more time than a run of code seen before (on hardware
;    it does not; an emulator's translator must not show in the TSC). Up to
;    32 tries 10 ms apart (a host stall past one MSB step spoils one, and a
;    loaded host has them every few milliseconds); the first step must already
;    show the TSC error under 1/16 of a step (Linux gives up at 1/9).
; S: the slow calibration (a BIOS's, Linux's pit_calibrate_tsc): mode 0 with
;    10 ms (11932 ticks); OUT2 (port 0x61 bit 5) reads low after the count is
;    written and rises at the terminal count (the count has run out); the
;    TSC per PIT tick between a sample of the count at the start and one at
;    OUT2's rise is Q's within 2 %.
; W: mode 3, the speaker's square wave, 50 ms (59660 ticks): OUT2 toggles,
;    the count is in the half period after its reload at the edges seen, and
;    4 edges (2 periods) take the TSC time Q predicts, within 2 %.
; A sample is the count latched with the TSC read around it, kept only if
; both came within 8 PIT ticks. Guest time is host time, so an edge may come
; while the host has Kiln's CPU thread preempted and be seen late; the
; count in the sample says how late, so only a stall inside a sample (S and
; W retry, 32 tries) or past half a period (a hidden edge) spoils a try.
; The end prints "PASS" and exits through isa-debug-exit with 0 (Kiln's
; status 1); a failed check prints " F nn" and exits with nn.
bits 16
cpu 686

%define DEBUGCON 0xe9
%define DEBUG_EXIT 0xf4
%define STACK 0x9000
%define VARS 0x5000
%define K_QUICK (VARS + 0)     ; TSC ticks per PIT tick, times 16, from Q (dword)
%define FRESH_PTR (VARS + 4)   ; the far pointer to this try's copy of quick_cal
%define S_TSC (VARS + 8)       ; S: the first sample's TSC (dword) and count (word)
%define S_COUNT (VARS + 12)
%define W_TSC (VARS + 16)      ; W: the TSC at the first edge's sample, and the ticks it came after the edge
%define W_LATE (VARS + 20)
%define FRESH_SEG 0x1000       ; try n runs its copy of quick_cal at FRESH_SEG + n * 0x100 (n * 4 KiB)

%define QUICK_STEPS 233        ; MSB steps in 50 ms: 50 * 1193182 / 1000 / 256
%define SLOW_COUNT 11932       ; 10 ms
%define WAVE_COUNT 59660       ; 50 ms
%define WAVE_EDGES 4
%define QUICK_TRIES 32         ; each on fresh code, at FRESH_SEG + n * 0x100 (up to 0x2F000)
%define TRIES 32

section main start=0 vstart=0

%include "common.inc"
%define FAIL_LABEL fail16
fail_routine fail16

; Gate high, speaker data off; channel 2 in mode %1 (binary, LSB then MSB) with the count in BX.
%macro program_ch2 1
  in al, 0x61
  and al, 0xfd
  or al, 0x01
  out 0x61, al
  mov al, 0xb0 | (%1 << 1)
  out 0x43, al
  mov al, bl
  out 0x42, al
  mov al, bh
  out 0x42, al
%endmacro

; EAX = EAX * 16 / ECX (TSC ticks per PIT tick in 1/16s); clobbers EDX.
scale16:
  xor edx, edx
  shld edx, eax, 4
  shl eax, 4
  div ecx
  ret

; CF set if EAX is within 2 % of [K_QUICK] (clobbers EAX, EDX).
near_quick:
  sub eax, [K_QUICK]
  jns .abs
  neg eax
.abs:
  mov edx, 50
  mul edx
  test edx, edx
  jnz .far                      ; CF clear
  cmp eax, [K_QUICK]
.far:
  ret                           ; CF: within

; Latches channel 2's count into CX, with the TSC just before in EDI; CF set
; if the two took over 8 PIT ticks (a host stall between them: no sample).
; Clobbers EAX, EDX.
sample2:
  rdtsc
  mov edi, eax
  mov al, 0x80                  ; counter latch, channel 2
  out 0x43, al
  in al, 0x42
  mov cl, al
  in al, 0x42
  mov ch, al
  rdtsc
  sub eax, edi
  shl eax, 1                    ; 8 PIT ticks are K_QUICK / 2 TSC ticks
  cmp eax, [K_QUICK]
  cmc
  ret

; AX: the PIT ticks since CX, a mode 3 count of WAVE_COUNT, was reloaded
; (it counts down by two), as at the edge of OUT2 just seen; CF set if CX is
; no such count or half a period has passed (an edge would have been missed).
since_reload:
  mov ax, WAVE_COUNT
  sub ax, cx
  jb .bad
  shr ax, 1
  cmp ax, WAVE_COUNT / 2
  cmc
  ret
.bad:
  stc
  ret

start:
  real_mode_stack

  ; ---- Q: the fast calibration, each try on fresh code
  xor si, si                    ; the try
.quick_try:
  mov ax, si
  shl ax, 8
  add ax, FRESH_SEG
  mov es, ax
  push si
  xor di, di
  mov si, quick_cal
  mov cx, quick_cal_end - quick_cal
  cs rep movsb
  pop si
  mov word [FRESH_PTR], 0
  mov [FRESH_PTR + 2], es
  push si
  call far [FRESH_PTR]          ; EAX: TSC ticks of ECX MSB steps; CF: failed
  pop si
  jnc .quick_ok
  ; 10 ms before the next try (OUT2 in mode 0), so the tries meet different
  ; stretches of a loaded host's scheduling rather than one
  mov bx, SLOW_COUNT
  program_ch2 0
  mov ecx, 100000000
.quick_pause:
  dec ecx
  fail_unless nz, 4             ; OUT2 never rose
  in al, 0x61
  test al, 0x20
  jz .quick_pause
  inc si
  cmp si, QUICK_TRIES
  jb .quick_try
  mov ebx, 1
  jmp fail16
.quick_ok:
  shl ecx, 8                    ; PIT ticks
  call scale16
  mov [K_QUICK], eax
  ; a TSC slower than 1 MHz or faster than 100 GHz is no measurement
  cmp eax, 16
  fail_unless ae, 2
  cmp eax, 16 * 100000
  fail_unless b, 3
  put 'Q'

  ; ---- S: OUT2 over one count of 10 ms in mode 0
  mov si, TRIES
.slow_try:
  mov bx, SLOW_COUNT
  program_ch2 0
  in al, 0x61
  test al, 0x20
  fail_unless z, 10             ; OUT is low from the count's load to the terminal count
  call sample2
  jc .slow_retry
  mov [S_TSC], edi
  mov [S_COUNT], cx
  mov ecx, 100000000
.slow_poll:
  dec ecx
  fail_unless nz, 11            ; OUT2 never rose
  in al, 0x61
  test al, 0x20
  jz .slow_poll
  call sample2
  jc .slow_retry
  neg cx                        ; ticks since the terminal count (the count runs on from 0 to 0xFFFF)
  cmp cx, 0x8000
  jae .slow_retry               ; OUT2 rose before the count ran out (or was seen 27 ms late)
  movzx eax, cx
  movzx ecx, word [S_COUNT]
  add ecx, eax                  ; PIT ticks between the samples
  mov eax, edi
  sub eax, [S_TSC]
  call scale16
  call near_quick
  jb .slow_ok
.slow_retry:
  dec si
  jnz .slow_try
  mov ebx, 13
  jmp fail16
.slow_ok:
  in al, 0x61
  test al, 0x20
  fail_unless nz, 14            ; mode 0 holds OUT high after the terminal count
  put 'S'

  ; ---- W: OUT2 as a square wave in mode 3
  mov si, TRIES
.wave_try:
  mov bx, WAVE_COUNT
  program_ch2 3
  ; start at an edge: OUT2 starts high, so wait for it to fall
  in al, 0x61
  and al, 0x20
  mov bl, al                    ; OUT2 as last seen (RDTSC takes EAX)
  mov ecx, 100000000
.first_edge:
  dec ecx
  fail_unless nz, 20            ; OUT2 does not toggle
  in al, 0x61
  and al, 0x20
  cmp al, bl
  je .first_edge
  mov bl, al
  call sample2
  jc .wave_retry
  call since_reload
  jc .wave_retry
  mov [W_TSC], edi
  mov [W_LATE], ax
  mov bp, WAVE_EDGES
.edge:
  mov ecx, 100000000
.wave_poll:
  dec ecx
  fail_unless nz, 21
  in al, 0x61
  and al, 0x20
  cmp al, bl
  je .wave_poll
  mov bl, al
  dec bp
  jnz .edge
  call sample2
  jc .wave_retry
  call since_reload
  jc .wave_retry
  movzx ecx, ax
  sub cx, [W_LATE]
  movsx ecx, cx
  add ecx, WAVE_COUNT * WAVE_EDGES / 2  ; PIT ticks between the samples
  mov eax, edi
  sub eax, [W_TSC]
  call scale16
  call near_quick
  jb .wave_ok
.wave_retry:
  dec si
  jnz .wave_try
  mov ebx, 22
  jmp fail16
.wave_ok:
  mov al, 0                     ; gate low, as the ROM found it
  out 0x61, al
  put 'W'

  put 10
  put 'P'
  put 'A'
  put 'S'
  put 'S'
  put 10
  mov al, 0
  out DEBUG_EXIT, al
  hlt

; ---- Linux's quick_pit_calibrate, position independent (copied to RAM and
; called far). Out: CF clear and EAX = TSC ticks over ECX MSB steps, or CF set.
; Registers: EDI the TSC at the first step, EBP d1 (its error), BL the MSB
; expected, ECX the step.
quick_cal:
  mov bx, 0xffff
  program_ch2 0
  ; the count starts at the next clock edge: read it once (LSB, MSB) to wait
  in al, 0x42
  in al, 0x42
  mov bl, 0xff
  call .expect_msb
  jc .fail
  mov edi, esi
  mov ebp, edx
  mov ecx, 1
.step:
  dec bl
  call .expect_msb
  jc .fail
  sub esi, edi                  ; TSC ticks over ECX steps
  add edx, ebp                  ; d1 + d2
  cmp ecx, 1
  jne .converged
  shl edx, 4                    ; the first step: the error must already be under 1/16 of it
  cmp edx, esi
  jae .fail
  shr edx, 4
.converged:
  mov eax, esi
  shr eax, 11
  cmp edx, eax
  jb .verify
  inc ecx
  cmp ecx, QUICK_STEPS
  jbe .step
  jmp .fail
.verify:
  ; the count must still be in the step after the last one timed
  dec bl
  in al, 0x42
  in al, 0x42
  cmp al, bl
  jne .fail
  mov eax, esi
  clc
  retf
.fail:
  stc
  retf
; Polls while the MSB is BL. Out: ESI the TSC at the last poll that saw BL,
; EDX the TSC since the poll before (the error), CF set if fewer than 6 polls
; saw it (the step was missed). Clobbers EAX.
.expect_msb:
  push ecx
  push ebp
  xor ecx, ecx
  xor esi, esi
  xor ebp, ebp
.poll:
  in al, 0x42
  in al, 0x42
  cmp al, bl
  jne .changed
  mov ebp, esi
  rdtsc
  mov esi, eax
  inc ecx
  cmp ecx, 50000
  jb .poll
.changed:
  rdtsc
  sub eax, ebp
  mov edx, eax
  cmp ecx, 6                    ; CF: below 6
  pop ebp
  pop ecx
  ret
quick_cal_end:

reset_vector start
