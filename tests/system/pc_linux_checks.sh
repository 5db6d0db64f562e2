# Checks of the log of Debian's x86 kernel booting the test initramfs
# (scripts/x86-linux.sh) with kiln.test on -M pc, shared by the direct boot
# (boot_pc_linux.sh) and the boot through SeaBIOS and a boot loader
# (boot_pc_loader.sh); sourced. Each function prints one FAIL line and returns
# 1 at the first check that fails.

# pc_linux_check_started LOG RC: the init's first marker, and no MSR Kiln lacks
# used without expecting its #GP.
pc_linux_check_started() {
  local log=$1 rc=$2
  if ! grep -q "KILN-X86-LINUX-MARKER" "$log"; then echo "FAIL: no KILN-X86-LINUX-MARKER (exit $rc)"; return 1; fi
  if grep -q "unchecked MSR access error" "$log"; then echo "FAIL: the kernel read or wrote an MSR Kiln lacks without expecting a #GP"; return 1; fi
}

# pc_linux_check_finished LOG RC: the init's last marker; ACPI, the IOAPIC and
# the local APIC timer in use; the TSC's frequency found; the ACPI power-off
# that ends the run, with status 0. How the kernel found the TSC's frequency is
# only shown: it calibrates against the PIT once, needing a few milliseconds in
# which all its polls of the PIT come quickly, and a host stall (Kiln's CPU
# thread preempted) shows in guest time, as an SMI would on hardware; on a
# loaded host (ctest -j2 on two cores) it fails often, then takes the PM timer.
# roms/x86/pit_tsc.asm checks the calibration itself, with retries.
pc_linux_check_finished() {
  local log=$1 rc=$2 line
  if ! grep -q "KILN-X86-LINUX-DONE" "$log"; then echo "FAIL: init did not reach KILN-X86-LINUX-DONE (exit $rc)"; return 1; fi
  for line in "ACPI: Using IOAPIC for interrupt routing" "ACPI: PM: (supports S0 S5)" "LOC:\( *[1-9][0-9]*\)\{1,\} *Local timer interrupts"; do
    if ! grep -q "$line" "$log"; then echo "FAIL: no '$line' in the log (ACPI, the IOAPIC or the local APIC timer unused)"; return 1; fi
  done
  grep -E "tsc: (Fast TSC calibration|Unable to calibrate|using [A-Z]+ reference)" "$log" | sed 's/^/(note) /'
  if ! grep -q "tsc: Detected [0-9.]* MHz processor" "$log"; then echo "FAIL: no 'tsc: Detected ... MHz processor' in the log"; return 1; fi
  if ! grep -q "kiln: guest powered off (ACPI S5)" "$log"; then echo "FAIL: the init did not power off through ACPI (exit $rc)"; return 1; fi
  if [ "$rc" -ne 0 ]; then echo "FAIL: kiln exited with $rc after the power-off (expected 0)"; return 1; fi
}
