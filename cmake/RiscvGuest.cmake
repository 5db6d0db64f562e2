# kiln_add_riscv_guest(<name> SOURCES <files...> [LINKER_SCRIPT <ld>]
#                      [INCLUDE_DIRS <dirs...>] [FLAGS <extra flags...>])
#
# Cross-compiles bare-metal RISC-V guest programs (assembly .S or C) with
# riscv64-unknown-elf-gcc into ${CMAKE_CURRENT_BINARY_DIR}/<name>.elf and adds
# a custom target <name> that is part of ALL.  The host project stays a plain
# C++ project: the cross compiler is driven by add_custom_command, not by
# enable_language.
#
# Cache variables:
#   KILN_RISCV_GCC                  path of the cross compiler (find_program)
#   KILN_RISCV_GUEST_EXTRA_FLAGS    extra flags for every guest, e.g.
#       "-DKILN_QEMU_QUIRKS" to build the variant that passes on QEMU 7.2, or
#       "-DKILN_TEST_VERBOSE" to print failure details on the HTIF console

include_guard(GLOBAL)

find_program(KILN_RISCV_GCC NAMES riscv64-unknown-elf-gcc
             DOC "RISC-V bare-metal cross compiler for guest test programs")

set(KILN_RISCV_GUEST_EXTRA_FLAGS "" CACHE STRING
    "Extra flags for RISC-V guest programs (semicolon-separated list)")

set(KILN_RISCV_GUEST_FLAGS
    -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles -static -mcmodel=medany)
set(KILN_RISCV_GUEST_CFLAGS -O2 -ffreestanding)

function(kiln_add_riscv_guest name)
  cmake_parse_arguments(ARG "" "LINKER_SCRIPT" "SOURCES;INCLUDE_DIRS;FLAGS" ${ARGN})
  if(NOT KILN_RISCV_GCC)
    message(FATAL_ERROR
      "kiln_add_riscv_guest(${name}): riscv64-unknown-elf-gcc not found. "
      "Install it (Debian: apt-get install gcc-riscv64-unknown-elf) or set "
      "KILN_RISCV_GCC to the cross compiler.")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "kiln_add_riscv_guest(${name}): no SOURCES given")
  endif()

  set(out "${CMAKE_CURRENT_BINARY_DIR}/${name}.elf")
  set(flags ${KILN_RISCV_GUEST_FLAGS} ${KILN_RISCV_GUEST_EXTRA_FLAGS} ${ARG_FLAGS})
  set(depends "")

  foreach(src IN LISTS ARG_SOURCES)
    get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND srcs "${abs}")
    list(APPEND depends "${abs}")
    if(abs MATCHES "\\.c$")
      set(has_c TRUE)
    endif()
  endforeach()
  if(has_c)
    list(APPEND flags ${KILN_RISCV_GUEST_CFLAGS})
  endif()

  foreach(dir IN LISTS ARG_INCLUDE_DIRS)
    get_filename_component(absdir "${dir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND flags "-I${absdir}")
    # Headers in include dirs are dependencies too (test.h changes rebuild).
    file(GLOB hdrs CONFIGURE_DEPENDS "${absdir}/*.h")
    list(APPEND depends ${hdrs})
  endforeach()

  if(ARG_LINKER_SCRIPT)
    get_filename_component(ld "${ARG_LINKER_SCRIPT}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND flags "-T${ld}")
    list(APPEND depends "${ld}")
  endif()

  add_custom_command(
    OUTPUT "${out}"
    COMMAND "${KILN_RISCV_GCC}" ${flags} -o "${out}" ${srcs}
    DEPENDS ${depends}
    COMMENT "Cross-compiling RISC-V guest ${name}.elf"
    VERBATIM)
  add_custom_target(${name} ALL DEPENDS "${out}")
  set_target_properties(${name} PROPERTIES KILN_GUEST_ELF "${out}")
endfunction()
