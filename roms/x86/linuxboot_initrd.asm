; The initrd roms/x86/linuxboot.asm looks for: 5000 bytes from "KILN" to "END!".
  db "KILN"
  times 5000 - 4 - ($ - $$) db 0x5a
  db "END!"
