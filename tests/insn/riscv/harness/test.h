/* Kiln bare-metal RISC-V guest test harness.
 *
 * Include from a .S file (it is run through the C preprocessor):
 *
 *     #include "test.h"
 *     KILN_CODE_BEGIN
 *         TEST_RR_OP(1, add, 3, 1, 2)
 *         ...
 *     KILN_CODE_END
 *     .data
 *         ... test data ...
 *
 * Result reporting goes through HTIF (the ELF symbols `tohost`/`fromhost`):
 *   pass:          tohost = 1                 -> emulator exit status 0
 *   fail(code):    tohost = (code << 1) | 1   -> exit status code & 0xff
 * or, built with -DKILN_BOARD_VIRT for `-M virt -bios none`, through
 * sifive_test: 0x5555 (exit status 0) or (code << 16) | 0x3333.
 *
 * Register conventions inside tests:
 *   gp (x3)        number of the check being run (1..239)
 *   t5, t6         scratch for harness macros; do not keep values there
 *   a1..a3         operands of the checking macros, a4 result, t2 expected
 *   a5, t0, t1     clobbered by the checking macros
 *   mscratch       points at the harness trap area; a test that writes it
 *                  must restore it (csrw mscratch, with kiln_trap_area)
 *
 * Failure codes (exit status):
 *   1..239         the check with that number failed
 *   249            fail without a valid test number (gp == 0)
 *   250            unexpected trap (no trap was armed)
 *   251            armed trap, wrong mcause
 *   252            armed trap, wrong mtval
 * Harness codes carry the test number in bits 8.. of the code, so the full
 * tohost payload is ((gp << 8) | code) << 1 | 1 and an emulator that reports
 * the whole payload tells which check was running.
 *
 * Define KILN_TEST_VERBOSE (e.g. -DKILN_TEST_VERBOSE) to print a line on the
 * HTIF console when a test fails; tests never depend on console output.
 */
#ifndef KILN_TEST_H
#define KILN_TEST_H

/* ---------------------------------------------------------------- CSRs */
#define MSTATUS_SIE   0x2
#define MSTATUS_MIE   0x8
#define MSTATUS_SPIE  0x20
#define MSTATUS_MPIE  0x80
#define MSTATUS_SPP   0x100
#define MSTATUS_MPP   0x1800
#define MSTATUS_MPP_U 0x0000
#define MSTATUS_MPP_S 0x0800
#define MSTATUS_MPP_M 0x1800
#define MSTATUS_FS    0x6000
#define MSTATUS_FS_INITIAL 0x2000
#define MSTATUS_FS_DIRTY   0x6000
#define MSTATUS_MPRV  0x20000

#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS     1
#define CAUSE_ILLEGAL_INSN     2
#define CAUSE_BREAKPOINT       3
#define CAUSE_MISALIGNED_LOAD  4
#define CAUSE_LOAD_ACCESS      5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS     7
#define CAUSE_ECALL_U          8
#define CAUSE_ECALL_S          9
#define CAUSE_ECALL_M          11

/* fflags bits */
#define FF_NX 0x01
#define FF_UF 0x02
#define FF_OF 0x04
#define FF_DZ 0x08
#define FF_NV 0x10

/* rounding modes (frm values) */
#define RM_RNE 0
#define RM_RTZ 1
#define RM_RDN 2
#define RM_RUP 3
#define RM_RMM 4

/* Harness failure codes */
#define KILN_FAIL_NOTEST     249
#define KILN_FAIL_UNEXPECTED 250
#define KILN_FAIL_CAUSE      251
#define KILN_FAIL_TVAL       252

/* Trap area layout (mscratch points here while tests run) */
#define KT_SAVE_T0    0
#define KT_SAVE_T1    8
#define KT_SAVE_T2    16
#define KT_ARMED      40   /* nonzero: a trap is expected */
#define KT_CAUSE      48   /* expected mcause */
#define KT_TVAL_MODE  56   /* 0: ignore mtval, 1: exact, 2: exact or zero */
#define KT_TVAL       64   /* expected mtval */
#define KT_RETURN_M   72   /* nonzero: resume here in M-mode (not mepc+len) */
#define KT_COUNT      80   /* number of traps taken so far */
#define KT_LAST_CAUSE 88
#define KT_LAST_TVAL  96
#define KT_LAST_EPC   104
#define KT_LAST_MSTATUS 112
#define KT_SIZE       128

#define KILN_STACK_SIZE 4096

/* ------------------------------------------------------- test numbers */
/* Exit statuses are 8 bits wide; 240..255 are reserved for the harness. */
#define KILN_TESTNUM(n) \
    .if ((n) < 1) || ((n) > 239); .error "test number must be 1..239"; .endif; \
    li gp, n

/* Jump to the failure routine (any distance). */
#define KILN_FAIL_IF_NE(a, b) beq a, b, 900f; j kiln_fail; 900:

/* ---------------------------------------------------- pass / fail */
#define PASS  j kiln_pass
#define FAIL(n) KILN_TESTNUM(n); j kiln_fail

/* ------------------------------------------------- debugging output */
/* Print a string literal on the HTIF console (clobbers nothing but ra). */
#define PUTS(str) \
    .pushsection .rodata; 901: .asciz str; .popsection; \
    addi sp, sp, -16; sd a0, 0(sp); la a0, 901b; call kiln_puts; \
    ld a0, 0(sp); addi sp, sp, 16

/* Print a register in hex plus newline (clobbers ra; reg must not be sp). */
#define PUTHEX(reg) \
    addi sp, sp, -16; sd a0, 0(sp); mv a0, reg; call kiln_puthex; \
    ld a0, 0(sp); addi sp, sp, 16

/* ================================================ reporting, console */
#ifdef KILN_BOARD_VIRT
/* -M virt -bios none: results through sifive_test at 0x100000 (0x5555
 * powers off: exit status 0; (code << 16) | 0x3333 exits with `code`), the
 * console on the NS16550A at 0x10000000. */
#define KILN_REPORT_FAIL_T0 \
    slli t0, t0, 16; li t1, 0x3333; or t0, t0, t1; \
    li t1, 0x100000; sw t0, 0(t1)
#define KILN_REPORT_PASS \
    li t0, 0x5555; li t1, 0x100000; sw t0, 0(t1)
#define KILN_PUTCHAR_A0 \
    li t0, 0x10000000; sb a0, 0(t0)
#else
/* HTIF: tohost = (code << 1) | 1; the console is device 1, command 1. */
#define KILN_REPORT_FAIL_T0 \
    slli t0, t0, 1; ori t0, t0, 1; \
    la t1, tohost; sd t0, 0(t1)
#define KILN_REPORT_PASS \
    li t0, 1; la t1, tohost; sd t0, 0(t1)
#define KILN_PUTCHAR_A0 \
    la t0, tohost; \
1:  ld t1, 0(t0); bnez t1, 1b; \
    andi t2, a0, 0xff; \
    li t1, (1 << 56) | (1 << 48); or t1, t1, t2; \
    sd t1, 0(t0); \
    la t0, fromhost; \
1:  ld t1, 0(t0); beqz t1, 1b; \
    sd zero, 0(t0)
#endif

/* ================================================= start-up / handler */
#define KILN_CODE_BEGIN \
    .pushsection .text.init, "ax"; \
    .option push; .option norvc; \
    .globl _start; \
_start: \
    la t0, kiln_trap_handler; csrw mtvec, t0; \
    la t0, kiln_trap_area; csrw mscratch, t0; \
    la sp, kiln_stack_top; \
    csrw mie, zero; \
    li t0, MSTATUS_FS_INITIAL; csrs mstatus, t0; \
    csrwi fcsr, 0; \
    li gp, 0; \
    j kiln_test_main; \
    \
    .align 2; \
kiln_trap_handler: \
    csrrw sp, mscratch, sp; \
    sd t0, KT_SAVE_T0(sp); sd t1, KT_SAVE_T1(sp); sd t2, KT_SAVE_T2(sp); \
    csrr t0, mcause; sd t0, KT_LAST_CAUSE(sp); \
    csrr t1, mtval; sd t1, KT_LAST_TVAL(sp); \
    csrr t1, mepc; sd t1, KT_LAST_EPC(sp); \
    csrr t1, mstatus; sd t1, KT_LAST_MSTATUS(sp); \
    ld t1, KT_COUNT(sp); addi t1, t1, 1; sd t1, KT_COUNT(sp); \
    ld t1, KT_ARMED(sp); \
    bnez t1, 1f; \
    li t0, KILN_FAIL_UNEXPECTED; j kiln_harness_fail; \
1:  sd zero, KT_ARMED(sp); \
    ld t1, KT_CAUSE(sp); \
    beq t0, t1, 1f; \
    li t0, KILN_FAIL_CAUSE; j kiln_harness_fail; \
1:  ld t2, KT_TVAL_MODE(sp); \
    beqz t2, 2f; \
    ld t0, KT_LAST_TVAL(sp); ld t1, KT_TVAL(sp); \
    beq t0, t1, 2f; \
    li t1, 2; bne t2, t1, 1f; \
    beqz t0, 2f; \
1:  li t0, KILN_FAIL_TVAL; j kiln_harness_fail; \
2:  ld t0, KT_RETURN_M(sp); \
    beqz t0, 3f; \
    sd zero, KT_RETURN_M(sp); \
    csrw mepc, t0; \
    li t1, MSTATUS_MPP_M; csrs mstatus, t1; \
    j 4f; \
3:  ld t0, KT_LAST_CAUSE(sp); bltz t0, 4f; \
    csrr t0, mepc; lhu t1, 0(t0); andi t1, t1, 3; li t2, 3; \
    addi t0, t0, 2; bne t1, t2, 5f; addi t0, t0, 2; \
5:  csrw mepc, t0; \
4:  ld t0, KT_SAVE_T0(sp); ld t1, KT_SAVE_T1(sp); ld t2, KT_SAVE_T2(sp); \
    csrrw sp, mscratch, sp; \
    mret; \
    \
    /* t0 = harness code; sp = trap area */ \
kiln_harness_fail: \
    slli t1, gp, 8; or t0, t0, t1; \
    KILN_VERBOSE_HARNESS_FAIL; \
    j kiln_exit; \
kiln_fail: \
    mv t0, gp; \
    andi t1, t0, 0xff; bnez t1, 1f; li t0, KILN_FAIL_NOTEST; \
1:  KILN_VERBOSE_FAIL; \
kiln_exit: \
    KILN_REPORT_FAIL_T0; \
1:  j 1b; \
kiln_pass: \
    KILN_REPORT_PASS; \
1:  j 1b; \
    \
    /* Console: a0 = char. Preserves everything except ra. */ \
kiln_putchar: \
    addi sp, sp, -32; sd t0, 0(sp); sd t1, 8(sp); sd t2, 16(sp); \
    KILN_PUTCHAR_A0; \
    ld t0, 0(sp); ld t1, 8(sp); ld t2, 16(sp); addi sp, sp, 32; \
    ret; \
    /* a0 = NUL-terminated string. Preserves everything except ra. */ \
kiln_puts: \
    addi sp, sp, -32; sd ra, 0(sp); sd a0, 8(sp); sd s0, 16(sp); \
    mv s0, a0; \
1:  lbu a0, 0(s0); beqz a0, 2f; call kiln_putchar; addi s0, s0, 1; j 1b; \
2:  ld ra, 0(sp); ld a0, 8(sp); ld s0, 16(sp); addi sp, sp, 32; \
    ret; \
    /* a0 = value, printed as 0x + 16 hex digits + newline. */ \
kiln_puthex: \
    addi sp, sp, -48; sd ra, 0(sp); sd a0, 8(sp); sd s0, 16(sp); \
    sd s1, 24(sp); sd s2, 32(sp); \
    mv s0, a0; li s1, 60; \
    li a0, '0'; call kiln_putchar; li a0, 'x'; call kiln_putchar; \
1:  srl s2, s0, s1; andi s2, s2, 0xf; addi a0, s2, '0'; \
    li s2, '9'; ble a0, s2, 2f; addi a0, a0, 'a' - '9' - 1; \
2:  call kiln_putchar; addi s1, s1, -4; bgez s1, 1b; \
    li a0, '\n'; call kiln_putchar; \
    ld ra, 0(sp); ld a0, 8(sp); ld s0, 16(sp); ld s1, 24(sp); \
    ld s2, 32(sp); addi sp, sp, 48; \
    ret; \
    \
    .option pop; \
    .popsection; \
    \
    .pushsection .tohost, "aw", @progbits; \
    .align 6; .globl tohost; .type tohost, @object; .size tohost, 8; \
    tohost: .dword 0; \
    .globl fromhost; .type fromhost, @object; .size fromhost, 8; \
    fromhost: .dword 0; \
    .popsection; \
    \
    .pushsection .data; \
    .align 6; .globl kiln_trap_area; kiln_trap_area: .zero KT_SIZE; \
    .popsection; \
    .pushsection .bss; \
    .align 4; kiln_stack: .zero KILN_STACK_SIZE; kiln_stack_top: \
    .popsection; \
    \
    .text; \
    .option norvc; \
    .align 2; \
kiln_test_main:

#define KILN_CODE_END \
    PASS;

#ifdef KILN_TEST_VERBOSE
/* sp may point at the trap area here; use a private stack. */
#define KILN_VERBOSE_SETUP \
    la sp, kiln_stack_top; \
    mv s11, t0; mv s10, a4; mv s9, t2
#define KILN_VERBOSE_HARNESS_FAIL \
    KILN_VERBOSE_SETUP; \
    PUTS("FAIL (harness) code|test<<8="); PUTHEX(s11); \
    PUTS("  mcause="); csrr s8, mcause; PUTHEX(s8); \
    PUTS("  mepc="); csrr s8, mepc; PUTHEX(s8); \
    PUTS("  mtval="); csrr s8, mtval; PUTHEX(s8); \
    mv t0, s11
#define KILN_VERBOSE_FAIL \
    KILN_VERBOSE_SETUP; \
    PUTS("FAIL test="); PUTHEX(s11); \
    PUTS("  got(a4)="); PUTHEX(s10); \
    PUTS("  exp(t2)="); PUTHEX(s9); \
    mv t0, s11
#else
#define KILN_VERBOSE_HARNESS_FAIL
#define KILN_VERBOSE_FAIL
#endif

/* ====================================================== expected traps */
/* Arm the handler for one trap with the given mcause. On that trap it
 * checks mcause (and mtval if asked), records mcause/mtval/mepc, disarms,
 * and resumes at the instruction after the faulting one. */
#define EXPECT_TRAP_MODE(cause, mode) \
    la t6, kiln_trap_area; \
    li t5, cause; sd t5, KT_CAUSE(t6); \
    li t5, mode; sd t5, KT_TVAL_MODE(t6); \
    li t5, 1; sd t5, KT_ARMED(t6)
#define EXPECT_TRAP(cause) EXPECT_TRAP_MODE(cause, 0)
/* mtval must equal register `reg` (not t5/t6) */
#define EXPECT_TRAP_TVAL(cause, reg) \
    la t6, kiln_trap_area; sd reg, KT_TVAL(t6); EXPECT_TRAP_MODE(cause, 1)
/* mtval must equal `reg` or be zero (spec leaves the choice to the hart) */
#define EXPECT_TRAP_TVAL_OR_ZERO(cause, reg) \
    la t6, kiln_trap_area; sd reg, KT_TVAL(t6); EXPECT_TRAP_MODE(cause, 2)
/* Instead of skipping the instruction, resume at `label` in M-mode. */
#define TRAP_RETURN_M(label) \
    la t6, kiln_trap_area; la t5, label; sd t5, KT_RETURN_M(t6)
/* Fail check n unless the armed trap was taken. */
#define CHECK_TRAPPED(n) \
    KILN_TESTNUM(n); \
    la t6, kiln_trap_area; ld t6, KT_ARMED(t6); \
    beqz t6, 900f; mv a4, t6; li t2, 0; j kiln_fail; 900:
/* Disarm without checking (e.g. after a test of a trap that may or may not
 * be taken). */
#define DISARM_TRAP \
    la t6, kiln_trap_area; sd zero, KT_ARMED(t6); sd zero, KT_RETURN_M(t6)
/* Load a field of the last trap record (KT_LAST_CAUSE etc.) into reg. */
#define TRAP_LAST(reg, field) \
    la t6, kiln_trap_area; ld reg, field(t6)

/* Run `code` expecting exactly the trap `cause` at it. */
#define TEST_TRAP(n, cause, ...) \
    KILN_TESTNUM(n); EXPECT_TRAP(cause); __VA_ARGS__; CHECK_TRAPPED(n)
/* Same, also checking that mepc was `label` (defined inside code, so pass
 * e.g. `1b` with code `1: ecall`). */
#define TEST_TRAP_AT(n, cause, label, ...) \
    KILN_TESTNUM(n); EXPECT_TRAP(cause); __VA_ARGS__; CHECK_TRAPPED(n); \
    TRAP_LAST(a4, KT_LAST_EPC); la t2, label; KILN_FAIL_IF_NE(a4, t2)

/* ====================================================== integer checks */
/* Generic: run code, then register testreg must equal correctval. */
#define TEST_CASE(n, testreg, correctval, ...) \
    KILN_TESTNUM(n); __VA_ARGS__; \
    li t2, correctval; mv a4, testreg; KILN_FAIL_IF_NE(a4, t2)

#define TEST_RR_OP(n, inst, result, val1, val2) \
    TEST_CASE(n, a4, result, li a1, val1; li a2, val2; inst a4, a1, a2)
#define TEST_RR_SRC1_EQ_DEST(n, inst, result, val1, val2) \
    TEST_CASE(n, a1, result, li a1, val1; li a2, val2; inst a1, a1, a2)
#define TEST_RR_SRC2_EQ_DEST(n, inst, result, val1, val2) \
    TEST_CASE(n, a2, result, li a1, val1; li a2, val2; inst a2, a1, a2)
#define TEST_RR_SRC12_EQ_DEST(n, inst, result, val1) \
    TEST_CASE(n, a1, result, li a1, val1; inst a1, a1, a1)
#define TEST_RR_ZERODEST(n, inst, val1, val2) \
    TEST_CASE(n, x0, 0, li a1, val1; li a2, val2; inst x0, a1, a2)
#define TEST_RR_ZEROSRC1(n, inst, result, val2) \
    TEST_CASE(n, a4, result, li a2, val2; inst a4, x0, a2)

#define TEST_IMM_OP(n, inst, result, val1, imm) \
    TEST_CASE(n, a4, result, li a1, val1; inst a4, a1, imm)
#define TEST_IMM_SRC1_EQ_DEST(n, inst, result, val1, imm) \
    TEST_CASE(n, a1, result, li a1, val1; inst a1, a1, imm)
#define TEST_IMM_ZERODEST(n, inst, val1, imm) \
    TEST_CASE(n, x0, 0, li a1, val1; inst x0, a1, imm)
#define TEST_IMM_ZEROSRC1(n, inst, result, imm) \
    TEST_CASE(n, a4, result, inst a4, x0, imm)

/* Load from base+offset, where base is a data label. */
#define TEST_LD(n, inst, result, offset, base) \
    TEST_CASE(n, a4, result, la a1, base; inst a4, offset(a1))
/* Store val at base+offset, then load it back with ldinst. */
#define TEST_ST(n, stinst, ldinst, result, val, offset, base) \
    TEST_CASE(n, a4, result, la a1, base; li a2, val; \
              stinst a2, offset(a1); ldinst a4, offset(a1))

/* Branches: taken must skip the failure, not-taken must fall through. */
#define TEST_BR2_TAKEN(n, inst, val1, val2) \
    KILN_TESTNUM(n); li a1, val1; li a2, val2; \
    inst a1, a2, 902f; j kiln_fail; 902:
#define TEST_BR2_NOT_TAKEN(n, inst, val1, val2) \
    KILN_TESTNUM(n); li a1, val1; li a2, val2; \
    inst a1, a2, 903f; j 904f; 903: j kiln_fail; 904:

/* ================================================ floating-point checks */
/* A single-precision result must be NaN-boxed: compare all 64 bits. */
#define KILN_BOX_S(x) (((x) & 0xffffffff) | 0xffffffff00000000)

/* Check f-register freg (64 bits) == exp64 and fflags (a5) == flags. */
#define KILN_CHECK_F(freg, exp64, flags) \
    csrrw a5, fflags, x0; \
    fmv.x.d a4, freg; li t2, exp64; KILN_FAIL_IF_NE(a4, t2); \
    mv a4, a5; li t2, flags; KILN_FAIL_IF_NE(a4, t2)
/* Check integer result a4 == exp and fflags == flags. */
#define KILN_CHECK_X(exp, flags) \
    csrrw a5, fflags, x0; \
    li t2, exp; KILN_FAIL_IF_NE(a4, t2); \
    mv a4, a5; li t2, flags; KILN_FAIL_IF_NE(a4, t2)

#define KILN_LOAD_S(freg, bits) li t0, bits; fmv.w.x freg, t0
#define KILN_LOAD_D(freg, bits) li t0, bits; fmv.d.x freg, t0

/* Two operands with rounding mode (use `dyn` for frm). */
#define TEST_FP_OP2_S(n, inst, result, flags, a, b, rm) \
    KILN_TESTNUM(n); KILN_LOAD_S(f1, a); KILN_LOAD_S(f2, b); \
    csrw fflags, x0; inst f3, f1, f2, rm; \
    KILN_CHECK_F(f3, KILN_BOX_S(result), flags)
#define TEST_FP_OP2_D(n, inst, result, flags, a, b, rm) \
    KILN_TESTNUM(n); KILN_LOAD_D(f1, a); KILN_LOAD_D(f2, b); \
    csrw fflags, x0; inst f3, f1, f2, rm; \
    KILN_CHECK_F(f3, result, flags)
/* Two operands, no rounding mode (fmin/fmax/fsgnj*). */
#define TEST_FP_OP2NR_S(n, inst, result, flags, a, b) \
    KILN_TESTNUM(n); KILN_LOAD_S(f1, a); KILN_LOAD_S(f2, b); \
    csrw fflags, x0; inst f3, f1, f2; \
    KILN_CHECK_F(f3, KILN_BOX_S(result), flags)
#define TEST_FP_OP2NR_D(n, inst, result, flags, a, b) \
    KILN_TESTNUM(n); KILN_LOAD_D(f1, a); KILN_LOAD_D(f2, b); \
    csrw fflags, x0; inst f3, f1, f2; \
    KILN_CHECK_F(f3, result, flags)
/* One operand with rounding mode (fsqrt). */
#define TEST_FP_OP1_S(n, inst, result, flags, a, rm) \
    KILN_TESTNUM(n); KILN_LOAD_S(f1, a); \
    csrw fflags, x0; inst f3, f1, rm; \
    KILN_CHECK_F(f3, KILN_BOX_S(result), flags)
#define TEST_FP_OP1_D(n, inst, result, flags, a, rm) \
    KILN_TESTNUM(n); KILN_LOAD_D(f1, a); \
    csrw fflags, x0; inst f3, f1, rm; \
    KILN_CHECK_F(f3, result, flags)
/* Fused multiply-add family: inst f4 = f1 * f2 (+/-) f3. */
#define TEST_FP_OP3_S(n, inst, result, flags, a, b, c, rm) \
    KILN_TESTNUM(n); KILN_LOAD_S(f1, a); KILN_LOAD_S(f2, b); \
    KILN_LOAD_S(f3, c); \
    csrw fflags, x0; inst f4, f1, f2, f3, rm; \
    KILN_CHECK_F(f4, KILN_BOX_S(result), flags)
#define TEST_FP_OP3_D(n, inst, result, flags, a, b, c, rm) \
    KILN_TESTNUM(n); KILN_LOAD_D(f1, a); KILN_LOAD_D(f2, b); \
    KILN_LOAD_D(f3, c); \
    csrw fflags, x0; inst f4, f1, f2, f3, rm; \
    KILN_CHECK_F(f4, result, flags)
/* Comparisons (integer result). */
#define TEST_FP_CMP_S(n, inst, result, flags, a, b) \
    KILN_TESTNUM(n); KILN_LOAD_S(f1, a); KILN_LOAD_S(f2, b); \
    csrw fflags, x0; inst a4, f1, f2; KILN_CHECK_X(result, flags)
#define TEST_FP_CMP_D(n, inst, result, flags, a, b) \
    KILN_TESTNUM(n); KILN_LOAD_D(f1, a); KILN_LOAD_D(f2, b); \
    csrw fflags, x0; inst a4, f1, f2; KILN_CHECK_X(result, flags)
/* FP -> integer conversions. */
#define TEST_FP_TOINT_S(n, inst, result, flags, a, rm) \
    KILN_TESTNUM(n); KILN_LOAD_S(f1, a); \
    csrw fflags, x0; inst a4, f1, rm; KILN_CHECK_X(result, flags)
#define TEST_FP_TOINT_D(n, inst, result, flags, a, rm) \
    KILN_TESTNUM(n); KILN_LOAD_D(f1, a); \
    csrw fflags, x0; inst a4, f1, rm; KILN_CHECK_X(result, flags)
/* integer -> FP conversions. */
#define TEST_FP_FROMINT_S(n, inst, result, flags, ival, rm) \
    KILN_TESTNUM(n); li a1, ival; \
    csrw fflags, x0; inst f3, a1, rm; \
    KILN_CHECK_F(f3, KILN_BOX_S(result), flags)
#define TEST_FP_FROMINT_D(n, inst, result, flags, ival, rm) \
    KILN_TESTNUM(n); li a1, ival; \
    csrw fflags, x0; inst f3, a1, rm; \
    KILN_CHECK_F(f3, result, flags)
/* fclass (result is the class mask, fflags must stay 0). */
#define TEST_FP_CLASS_S(n, result, a) \
    KILN_TESTNUM(n); KILN_LOAD_S(f1, a); \
    csrw fflags, x0; fclass.s a4, f1; KILN_CHECK_X(result, 0)
#define TEST_FP_CLASS_D(n, result, a) \
    KILN_TESTNUM(n); KILN_LOAD_D(f1, a); \
    csrw fflags, x0; fclass.d a4, f1; KILN_CHECK_X(result, 0)

/* Canonical NaNs */
#define QNAN_S 0x7fc00000
#define QNAN_D 0x7ff8000000000000

#endif /* KILN_TEST_H */
