; A bzImage of our own whose payload is bootinfo_pvh.bin.gz (an ELF with a PVH
; entry note: bootinfo.asm's PVH kernel, gzip'd), for -M pc,kernel-entry=pvh:
; the loader unpacks the payload and boots the ELF through its PVH entry.
; Only the setup header fields that matter are set; the protected-mode part
; is the payload alone (payload_offset 0), so booting it as a Linux bzImage
; would run garbage.
bits 16
  times 0x1f1 - ($ - $$) db 0
  db 1                          ; 0x1F1 setup_sects
  times 0x1fe - ($ - $$) db 0
  dw 0xaa55                     ; 0x1FE boot_flag
  jmp short header_end          ; 0x200
  db "HdrS"                     ; 0x202
  dw 0x020f                     ; 0x206 version
  times 0x211 - ($ - $$) db 0
  db 1                          ; 0x211 loadflags: LOADED_HIGH
  times 0x214 - ($ - $$) db 0
  dd 0x100000                   ; 0x214 code32_start
  times 0x238 - ($ - $$) db 0
  dd 255                        ; 0x238 cmdline_size
  times 0x248 - ($ - $$) db 0
  dd 0                          ; 0x248 payload_offset
  dd payload_end - payload      ; 0x24C payload_length
  times 0x268 - ($ - $$) db 0
header_end:
  times 1024 - ($ - $$) db 0    ; the boot sector and one setup sector
payload:
  incbin "bootinfo_pvh.bin.gz"    ; from the include path: the build directory
payload_end:
