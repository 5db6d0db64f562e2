/* RV64D, everything but the basic arithmetic: fused multiply-add family
 * (single rounding), conversions double <-> integer (rounding, saturation,
 * NV and NX), fcvt.s.d / fcvt.d.s, comparisons, fclass, sign injection,
 * fmv.x.d / fmv.d.x, fld / fsd, mstatus.FS = Off and reserved rounding
 * modes. */
#include "test.h"

#define ONE   0x3ff0000000000000
#define TWO   0x4000000000000000
#define M1    0xbff0000000000000
#define MHALF 0xbfe0000000000000
#define ONEP5 0x3ff8000000000000
#define MONEP5 0xbff8000000000000
#define TWOP5 0x4004000000000000
#define INF   0x7ff0000000000000
#define MINF  0xfff0000000000000
#define SNAN  0x7ff0000000000001
#define PNAN  0x7ff8000000012345
#define MZ    0x8000000000000000
#define THIRD 0x3fd5555555555555

/* conversions whose assembler form takes no rounding mode */
#define TEST_FCVT_NORM(n, inst, result, flags, ival) \
    KILN_TESTNUM(n); li a1, ival; csrw fflags, x0; inst f3, a1; \
    KILN_CHECK_F(f3, result, flags)
#define TEST_FCVT_DS(n, result, flags, sbits) \
    KILN_TESTNUM(n); KILN_LOAD_S(f1, sbits); csrw fflags, x0; \
    fcvt.d.s f3, f1; KILN_CHECK_F(f3, result, flags)
#define TEST_FCVT_SD(n, result, flags, dbits, rm) \
    KILN_TESTNUM(n); KILN_LOAD_D(f1, dbits); csrw fflags, x0; \
    fcvt.s.d f3, f1, rm; KILN_CHECK_F(f3, KILN_BOX_S(result), flags)

KILN_CODE_BEGIN

    /* ---- fused multiply-add: one rounding (a*a rounds to 1+2e in a separate
     * multiply; the fused result keeps the low product bits) */
    TEST_FP_OP3_D(1, fmadd.d, 0x401c000000000000, 0, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000, rne)
    TEST_FP_OP3_D(2, fmsub.d, 0x4014000000000000, 0, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000, rne)
    TEST_FP_OP3_D(3, fnmadd.d, 0xc01c000000000000, 0, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000, rne)
    TEST_FP_OP3_D(4, fnmsub.d, 0xc014000000000000, 0, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000, rne)
    TEST_FP_OP3_D(5, fmadd.d, 0x3e70000004000000, 0, 0x3ff0000008000000, 0x3ff0000008000000, 0xbff0000000000000, rne)
    TEST_FP_OP3_D(6, fmadd.d, 0x3e70000004000000, 0, 0x3ff0000008000000, 0x3ff0000008000000, 0xbff0000000000000, rtz)
    TEST_FP_OP3_D(7, fmadd.d, 0x3e70000004000000, 0, 0x3ff0000008000000, 0x3ff0000008000000, 0xbff0000000000000, rdn)
    TEST_FP_OP3_D(8, fmadd.d, 0x3e70000004000000, 0, 0x3ff0000008000000, 0x3ff0000008000000, 0xbff0000000000000, rup)
    TEST_FP_OP3_D(9, fmsub.d, 0x3e70000004000000, 0, 0x3ff0000008000000, 0x3ff0000008000000, 0x3ff0000000000000, rne)
    TEST_FP_OP3_D(10, fmsub.d, 0x3e70000004000000, 0, 0x3ff0000008000000, 0x3ff0000008000000, 0x3ff0000000000000, rtz)
    TEST_FP_OP3_D(11, fmsub.d, 0x3e70000004000000, 0, 0x3ff0000008000000, 0x3ff0000008000000, 0x3ff0000000000000, rdn)
    TEST_FP_OP3_D(12, fmsub.d, 0x3e70000004000000, 0, 0x3ff0000008000000, 0x3ff0000008000000, 0x3ff0000000000000, rup)
    TEST_FP_OP3_D(13, fnmadd.d, 0xbe70000004000000, 0, 0x3ff0000008000000, 0x3ff0000008000000, 0xbff0000000000000, rne)
    TEST_FP_OP3_D(14, fnmadd.d, 0xbe70000004000000, 0, 0x3ff0000008000000, 0x3ff0000008000000, 0xbff0000000000000, rtz)
    TEST_FP_OP3_D(15, fnmadd.d, 0xbe70000004000000, 0, 0x3ff0000008000000, 0x3ff0000008000000, 0xbff0000000000000, rdn)
    TEST_FP_OP3_D(16, fnmadd.d, 0xbe70000004000000, 0, 0x3ff0000008000000, 0x3ff0000008000000, 0xbff0000000000000, rup)
    TEST_FP_OP3_D(17, fnmsub.d, 0xbe70000004000000, 0, 0x3ff0000008000000, 0x3ff0000008000000, 0x3ff0000000000000, rne)
    TEST_FP_OP3_D(18, fnmsub.d, 0xbe70000004000000, 0, 0x3ff0000008000000, 0x3ff0000008000000, 0x3ff0000000000000, rtz)
    TEST_FP_OP3_D(19, fnmsub.d, 0xbe70000004000000, 0, 0x3ff0000008000000, 0x3ff0000008000000, 0x3ff0000000000000, rdn)
    TEST_FP_OP3_D(20, fnmsub.d, 0xbe70000004000000, 0, 0x3ff0000008000000, 0x3ff0000008000000, 0x3ff0000000000000, rup)
    TEST_FP_OP3_D(21, fmadd.d, 0x4008000000000000, FF_NX, 0x3ff0000000000000, 0x4008000000000000, 0x3ca0000000000000, rne)
    TEST_FP_OP3_D(22, fmadd.d, 0x4008000000000000, FF_NX, 0x3ff0000000000000, 0x4008000000000000, 0x3ca0000000000000, rtz)
    TEST_FP_OP3_D(23, fmadd.d, 0x4008000000000000, FF_NX, 0x3ff0000000000000, 0x4008000000000000, 0x3ca0000000000000, rdn)
    TEST_FP_OP3_D(24, fmadd.d, 0x4008000000000001, FF_NX, 0x3ff0000000000000, 0x4008000000000000, 0x3ca0000000000000, rup)
    TEST_FP_OP3_D(25, fnmadd.d, 0xc008000000000000, FF_NX, 0x3ff0000000000000, 0x4008000000000000, 0x3ca0000000000000, rne)
    TEST_FP_OP3_D(26, fnmadd.d, 0xc008000000000000, FF_NX, 0x3ff0000000000000, 0x4008000000000000, 0x3ca0000000000000, rtz)
    TEST_FP_OP3_D(27, fnmadd.d, 0xc008000000000001, FF_NX, 0x3ff0000000000000, 0x4008000000000000, 0x3ca0000000000000, rdn)
    TEST_FP_OP3_D(28, fnmadd.d, 0xc008000000000000, FF_NX, 0x3ff0000000000000, 0x4008000000000000, 0x3ca0000000000000, rup)
    TEST_FP_OP3_D(29, fmsub.d, 0xc008000000000000, FF_NX, 0xbff0000000000000, 0x4008000000000000, 0x3ca0000000000000, rne)
    TEST_FP_OP3_D(30, fmsub.d, 0xc008000000000000, FF_NX, 0xbff0000000000000, 0x4008000000000000, 0x3ca0000000000000, rtz)
    TEST_FP_OP3_D(31, fmsub.d, 0xc008000000000001, FF_NX, 0xbff0000000000000, 0x4008000000000000, 0x3ca0000000000000, rdn)
    TEST_FP_OP3_D(32, fmsub.d, 0xc008000000000000, FF_NX, 0xbff0000000000000, 0x4008000000000000, 0x3ca0000000000000, rup)
    TEST_FP_OP3_D(33, fnmsub.d, 0xc008000000000000, FF_NX, 0x3ff0000000000000, 0x4008000000000000, 0xbca0000000000000, rne)
    TEST_FP_OP3_D(34, fnmsub.d, 0xc008000000000000, FF_NX, 0x3ff0000000000000, 0x4008000000000000, 0xbca0000000000000, rtz)
    TEST_FP_OP3_D(35, fnmsub.d, 0xc008000000000001, FF_NX, 0x3ff0000000000000, 0x4008000000000000, 0xbca0000000000000, rdn)
    TEST_FP_OP3_D(36, fnmsub.d, 0xc008000000000000, FF_NX, 0x3ff0000000000000, 0x4008000000000000, 0xbca0000000000000, rup)
    TEST_FP_OP3_D(37, fmadd.d, 0x0000000000000000, 0, 0x3ff0000000000000, 0x8000000000000000, 0x0000000000000000, rne)
    TEST_FP_OP3_D(38, fmadd.d, 0x0000000000000000, 0, 0x3ff0000000000000, 0x8000000000000000, 0x0000000000000000, rtz)
    TEST_FP_OP3_D(39, fmadd.d, 0x8000000000000000, 0, 0x3ff0000000000000, 0x8000000000000000, 0x0000000000000000, rdn)
    TEST_FP_OP3_D(40, fmadd.d, 0x0000000000000000, 0, 0x3ff0000000000000, 0x8000000000000000, 0x0000000000000000, rup)
    TEST_FP_OP3_D(41, fmadd.d, 0x8000000000000000, 0, 0x8000000000000000, 0x3ff0000000000000, 0x8000000000000000, rne)
    TEST_FP_OP3_D(42, fmadd.d, 0x7fefffffffffffff, 0, 0x7fefffffffffffff, 0x4000000000000000, 0xffefffffffffffff, rne)
    TEST_FP_OP3_D(43, fmadd.d, 0x7ff0000000000000, FF_OF|FF_NX, 0x7fefffffffffffff, 0x4000000000000000, 0x0000000000000000, rne)
    TEST_FP_OP3_D(44, fmadd.d, 0x7fefffffffffffff, FF_OF|FF_NX, 0x7fefffffffffffff, 0x4000000000000000, 0x0000000000000000, rtz)
    TEST_FP_OP3_D(45, fmadd.d, 0x7fefffffffffffff, FF_OF|FF_NX, 0x7fefffffffffffff, 0x4000000000000000, 0x0000000000000000, rdn)
    TEST_FP_OP3_D(46, fmadd.d, 0x7ff0000000000000, FF_OF|FF_NX, 0x7fefffffffffffff, 0x4000000000000000, 0x0000000000000000, rup)
    TEST_FP_OP3_D(47, fmadd.d, 0x0008000000000001, 0, 0x0010000000000000, 0x3fe0000000000000, 0x0000000000000001, rne)
    TEST_FP_OP3_D(48, fmadd.d, 0x0008000000000002, FF_UF|FF_NX, 0x0010000000000003, 0x3fe0000000000000, 0x0000000000000000, rne)
    TEST_FP_OP3_D(49, fmadd.d, 0x0008000000000001, FF_UF|FF_NX, 0x0010000000000003, 0x3fe0000000000000, 0x0000000000000000, rtz)
    TEST_FP_OP3_D(50, fmadd.d, 0x0008000000000001, FF_UF|FF_NX, 0x0010000000000003, 0x3fe0000000000000, 0x0000000000000000, rdn)
    TEST_FP_OP3_D(51, fmadd.d, 0x0008000000000002, FF_UF|FF_NX, 0x0010000000000003, 0x3fe0000000000000, 0x0000000000000000, rup)
    TEST_FP_OP3_D(52, fmadd.d, 0x7ff8000000000000, FF_NV, 0x7ff0000000000000, 0x3ff0000000000000, 0xfff0000000000000, rne)
    TEST_FP_OP3_D(53, fmadd.d, 0x7ff8000000000000, 0, 0x7ff8000000000000, 0x3ff0000000000000, 0x3ff0000000000000, rne)
    TEST_FP_OP3_D(54, fmadd.d, 0x7ff8000000000000, FF_NV, 0x3ff0000000000000, 0x3ff0000000000000, 0x7ff0000000000001, rne)
    TEST_FP_OP3_D(55, fnmsub.d, 0xc058c00000000000, 0, 0x4024000000000000, 0x4024000000000000, 0x3ff0000000000000, rne)
    TEST_FP_OP3_D(56, fnmsub.d, 0xc058c00000000000, 0, 0x4024000000000000, 0x4024000000000000, 0x3ff0000000000000, rtz)
    TEST_FP_OP3_D(57, fnmsub.d, 0xc058c00000000000, 0, 0x4024000000000000, 0x4024000000000000, 0x3ff0000000000000, rdn)
    TEST_FP_OP3_D(58, fnmsub.d, 0xc058c00000000000, 0, 0x4024000000000000, 0x4024000000000000, 0x3ff0000000000000, rup)
    /* inf * 0 + qNaN must still raise NV */
    TEST_FP_OP3_D(59, fmadd.d, QNAN_D, FF_NV, INF, 0, QNAN_D, rne)
    TEST_FP_OP3_D(60, fnmadd.d, QNAN_D, FF_NV, 0, MINF, PNAN, rne)

    /* ---- fcvt.w.d / fcvt.wu.d / fcvt.l.d / fcvt.lu.d */
    TEST_FP_TOINT_D(61, fcvt.w.d, 2, FF_NX, ONEP5, rne)
    TEST_FP_TOINT_D(62, fcvt.w.d, 1, FF_NX, ONEP5, rtz)
    TEST_FP_TOINT_D(63, fcvt.w.d, 1, FF_NX, ONEP5, rdn)
    TEST_FP_TOINT_D(64, fcvt.w.d, 2, FF_NX, ONEP5, rup)
    TEST_FP_TOINT_D(65, fcvt.w.d, 2, FF_NX, ONEP5, rmm)
    TEST_FP_TOINT_D(66, fcvt.w.d, 2, FF_NX, TWOP5, rne)
    TEST_FP_TOINT_D(67, fcvt.w.d, 3, FF_NX, TWOP5, rmm)
    TEST_FP_TOINT_D(68, fcvt.w.d, -2, FF_NX, MONEP5, rne)
    TEST_FP_TOINT_D(69, fcvt.w.d, -1, FF_NX, MONEP5, rup)
    TEST_FP_TOINT_D(70, fcvt.w.d, 0, FF_NX, MHALF, rne)
    TEST_FP_TOINT_D(71, fcvt.w.d, 0x7fffffff, FF_NV, 0x41e0000000000000, rne) /* 2^31 */
    TEST_FP_TOINT_D(72, fcvt.w.d, 0x7fffffff, FF_NV, 0x41dfffffffe00000, rne) /* 2^31-0.5 -> 2^31 */
    TEST_FP_TOINT_D(73, fcvt.w.d, 0x7fffffff, FF_NX, 0x41dfffffffe00000, rtz)
    TEST_FP_TOINT_D(74, fcvt.w.d, 0xffffffff80000000, 0, 0xc1e0000000000000, rne)
    TEST_FP_TOINT_D(75, fcvt.w.d, 0xffffffff80000000, FF_NX, 0xc1e0000000100000, rtz)
    TEST_FP_TOINT_D(76, fcvt.w.d, 0xffffffff80000000, FF_NV, 0xc1e0000000100000, rdn)
    TEST_FP_TOINT_D(77, fcvt.w.d, 0xffffffff80000000, FF_NV, 0xc1e0000000200000, rne)
    TEST_FP_TOINT_D(78, fcvt.w.d, 0x7fffffff, FF_NV, INF, rne)
    TEST_FP_TOINT_D(79, fcvt.w.d, 0xffffffff80000000, FF_NV, MINF, rne)
    TEST_FP_TOINT_D(80, fcvt.w.d, 0x7fffffff, FF_NV, QNAN_D, rne)
    TEST_FP_TOINT_D(81, fcvt.w.d, 0x7fffffff, FF_NV, SNAN, rne)
    TEST_FP_TOINT_D(82, fcvt.wu.d, 0xffffffffffffffff, 0, 0x41efffffffe00000, rne) /* 2^32-1 */
    TEST_FP_TOINT_D(83, fcvt.wu.d, 0xffffffffffffffff, FF_NV, 0x41f0000000000000, rne)
    TEST_FP_TOINT_D(84, fcvt.wu.d, 0xffffffff80000000, 0, 0x41e0000000000000, rne)
    TEST_FP_TOINT_D(85, fcvt.wu.d, 0, FF_NX, MHALF, rtz)
    TEST_FP_TOINT_D(86, fcvt.wu.d, 0, FF_NX, MHALF, rup)
    TEST_FP_TOINT_D(87, fcvt.wu.d, 0, FF_NV, MHALF, rdn)
    TEST_FP_TOINT_D(88, fcvt.wu.d, 0, FF_NV, M1, rne)
    TEST_FP_TOINT_D(89, fcvt.wu.d, 0, FF_NV, MINF, rne)
    TEST_FP_TOINT_D(90, fcvt.wu.d, 0xffffffffffffffff, FF_NV, QNAN_D, rne)
    TEST_FP_TOINT_D(91, fcvt.l.d, 0x7ffffffffffffc00, 0, 0x43dfffffffffffff, rne)
    TEST_FP_TOINT_D(92, fcvt.l.d, 0x7fffffffffffffff, FF_NV, 0x43e0000000000000, rne)
    TEST_FP_TOINT_D(93, fcvt.l.d, 0x8000000000000000, 0, 0xc3e0000000000000, rne)
    TEST_FP_TOINT_D(94, fcvt.l.d, 0x8000000000000000, FF_NV, 0xc3e0000000000001, rne)
    TEST_FP_TOINT_D(95, fcvt.l.d, 0x8000000000000000, FF_NV, MINF, rne)
    TEST_FP_TOINT_D(96, fcvt.l.d, 0x7fffffffffffffff, FF_NV, INF, rne)
    TEST_FP_TOINT_D(97, fcvt.l.d, 0x7fffffffffffffff, FF_NV, QNAN_D, rne)
    TEST_FP_TOINT_D(98, fcvt.l.d, 2, FF_NX, ONEP5, rmm)
    TEST_FP_TOINT_D(99, fcvt.l.d, -2, FF_NX, MONEP5, rdn)
    TEST_FP_TOINT_D(100, fcvt.lu.d, 0xfffffffffffff800, 0, 0x43efffffffffffff, rne)
    TEST_FP_TOINT_D(101, fcvt.lu.d, 0xffffffffffffffff, FF_NV, 0x43f0000000000000, rne)
    TEST_FP_TOINT_D(102, fcvt.lu.d, 0, FF_NV, M1, rne)
    TEST_FP_TOINT_D(103, fcvt.lu.d, 0, FF_NX, MHALF, rtz)
    TEST_FP_TOINT_D(104, fcvt.lu.d, 0xffffffffffffffff, FF_NV, SNAN, rne)
    TEST_FP_TOINT_D(105, fcvt.lu.d, 2, FF_NX, ONEP5, rup)
    csrwi frm, RM_RDN
    TEST_FP_TOINT_D(106, fcvt.l.d, -2, FF_NX, MONEP5, dyn)
    csrwi frm, RM_RNE

    /* ---- integer -> double */
    TEST_FCVT_NORM(107, fcvt.d.w, M1, 0, -1)
    TEST_FCVT_NORM(108, fcvt.d.w, 0xc1e0000000000000, 0, 0x80000000)
    TEST_FCVT_NORM(109, fcvt.d.w, ONE, 0, 0x100000001)
    TEST_FCVT_NORM(110, fcvt.d.w, 0, 0, 0)
    TEST_FCVT_NORM(111, fcvt.d.wu, 0x41efffffffe00000, 0, 0xffffffff)
    TEST_FCVT_NORM(112, fcvt.d.wu, 0x41e0000000000000, 0, 0xffffffff80000000)
    TEST_FP_FROMINT_D(113, fcvt.d.l, 0x43e0000000000000, FF_NX, 0x7fffffffffffffff, rne)
    TEST_FP_FROMINT_D(114, fcvt.d.l, 0x43dfffffffffffff, FF_NX, 0x7fffffffffffffff, rtz)
    TEST_FP_FROMINT_D(115, fcvt.d.l, M1, 0, -1, rne)
    TEST_FP_FROMINT_D(116, fcvt.d.l, 0xc3e0000000000000, 0, 0x8000000000000000, rne)
    TEST_FP_FROMINT_D(117, fcvt.d.l, 0x4340000000000000, FF_NX, 0x20000000000001, rne)
    TEST_FP_FROMINT_D(118, fcvt.d.l, 0x4340000000000001, FF_NX, 0x20000000000001, rmm)
    TEST_FP_FROMINT_D(119, fcvt.d.lu, 0x43f0000000000000, FF_NX, 0xffffffffffffffff, rne)
    TEST_FP_FROMINT_D(120, fcvt.d.lu, 0x43efffffffffffff, FF_NX, 0xffffffffffffffff, rtz)
    TEST_FP_FROMINT_D(121, fcvt.d.lu, 0x43e0000000000000, 0, 0x8000000000000000, rne)

    /* ---- fcvt.s.d (rounds) and fcvt.d.s (exact) */
    TEST_FCVT_SD(122, 0x3f800000, 0, ONE, rne)
    TEST_FCVT_SD(123, 0x3eaaaaab, FF_NX, THIRD, rne)
    TEST_FCVT_SD(124, 0x3eaaaaaa, FF_NX, THIRD, rtz)
    TEST_FCVT_SD(125, 0x3eaaaaab, FF_NX, THIRD, rmm)
    TEST_FCVT_SD(126, 0x7f800000, FF_OF|FF_NX, 0x47efffffffffffff, rne)
    TEST_FCVT_SD(127, 0x7f7fffff, FF_NX, 0x47efffffffffffff, rtz) /* no OF */
    TEST_FCVT_SD(128, 0x7f800000, FF_OF|FF_NX, 0x7fefffffffffffff, rne)
    TEST_FCVT_SD(129, 0x7f7fffff, FF_OF|FF_NX, 0x7fefffffffffffff, rdn)
    TEST_FCVT_SD(130, 0x00010000, 0, 0x37a0000000000000, rne) /* exact subnormal */
    TEST_FCVT_SD(131, 0x00000000, FF_UF|FF_NX, 0x0000000000000001, rne)
    TEST_FCVT_SD(132, 0x00000001, FF_UF|FF_NX, 0x0000000000000001, rup)
    TEST_FCVT_SD(133, 0x00000002, FF_UF|FF_NX, 0x36a8000000000000, rne)
    TEST_FCVT_SD(134, 0x80000000, 0, MZ, rne)
    TEST_FCVT_SD(135, 0xff800000, 0, MINF, rne)
    TEST_FCVT_SD(136, QNAN_S, 0, PNAN, rne)
    TEST_FCVT_SD(137, QNAN_S, FF_NV, SNAN, rne)
    csrwi frm, RM_RUP
    TEST_FCVT_SD(138, 0x3eaaaaab, FF_NX, THIRD, dyn)
    csrwi frm, RM_RNE
    TEST_FCVT_DS(139, ONE, 0, 0x3f800000)
    TEST_FCVT_DS(140, 0x36a0000000000000, 0, 0x00000001)
    TEST_FCVT_DS(141, 0xc7efffffe0000000, 0, 0xff7fffff)
    TEST_FCVT_DS(142, MINF, 0, 0xff800000)
    TEST_FCVT_DS(143, QNAN_D, 0, 0x7fc12345)
    TEST_FCVT_DS(144, QNAN_D, FF_NV, 0x7f800001)
    TEST_FCVT_DS(145, MZ, 0, 0x80000000)
    /* a non-NaN-boxed input is the canonical NaN (quiet: no NV) */
    TEST_CASE(146, a4, QNAN_D, li a1, 0x3f800000; fmv.d.x f1, a1; csrw fflags, x0; \
              fcvt.d.s f3, f1; fmv.x.d a4, f3)
    TEST_CASE(147, a4, 0, csrrw a4, fflags, x0)

    /* ---- comparisons */
    TEST_FP_CMP_D(148, feq.d, 1, 0, ONE, ONE)
    TEST_FP_CMP_D(149, feq.d, 0, 0, ONE, TWO)
    TEST_FP_CMP_D(150, feq.d, 1, 0, MZ, 0)
    TEST_FP_CMP_D(151, feq.d, 0, 0, QNAN_D, QNAN_D)
    TEST_FP_CMP_D(152, feq.d, 0, FF_NV, SNAN, ONE)
    TEST_FP_CMP_D(153, flt.d, 1, 0, ONE, TWO)
    TEST_FP_CMP_D(154, flt.d, 0, 0, ONE, ONE)
    TEST_FP_CMP_D(155, flt.d, 0, 0, MZ, 0)
    TEST_FP_CMP_D(156, flt.d, 1, 0, MINF, M1)
    TEST_FP_CMP_D(157, flt.d, 0, FF_NV, QNAN_D, ONE)
    TEST_FP_CMP_D(158, fle.d, 1, 0, ONE, ONE)
    TEST_FP_CMP_D(159, fle.d, 1, 0, 0, MZ)
    TEST_FP_CMP_D(160, fle.d, 0, 0, TWO, ONE)
    TEST_FP_CMP_D(161, fle.d, 0, FF_NV, ONE, QNAN_D)
    TEST_FP_CMP_D(162, fle.d, 0, FF_NV, SNAN, ONE)

    /* ---- fclass.d: all ten classes */
    TEST_FP_CLASS_D(163, 0x001, MINF)
    TEST_FP_CLASS_D(164, 0x002, M1)
    TEST_FP_CLASS_D(165, 0x004, 0x800fffffffffffff)
    TEST_FP_CLASS_D(166, 0x008, MZ)
    TEST_FP_CLASS_D(167, 0x010, 0)
    TEST_FP_CLASS_D(168, 0x020, 1)
    TEST_FP_CLASS_D(169, 0x040, ONE)
    TEST_FP_CLASS_D(170, 0x080, INF)
    TEST_FP_CLASS_D(171, 0x100, SNAN)
    TEST_FP_CLASS_D(172, 0x200, QNAN_D)
    TEST_FP_CLASS_D(173, 0x200, 0xfff8000000000001)

    /* ---- sign injection */
    TEST_FP_OP2NR_D(174, fsgnj.d, M1, 0, ONE, 0xc000000000000000)
    TEST_FP_OP2NR_D(175, fsgnj.d, ONE, 0, M1, TWO)
    TEST_FP_OP2NR_D(176, fsgnj.d, 0xfff8000000012345, 0, PNAN, M1)
    TEST_FP_OP2NR_D(177, fsgnjn.d, ONE, 0, ONE, M1)
    TEST_FP_OP2NR_D(178, fsgnjn.d, 0xfff0000000000001, 0, SNAN, ONE)
    TEST_FP_OP2NR_D(179, fsgnjx.d, ONE, 0, M1, M1)
    TEST_FP_OP2NR_D(180, fsgnjx.d, M1, 0, ONE, M1)
    TEST_FP_OP2NR_D(181, fsgnjx.d, M1, 0, M1, ONE)
    TEST_CASE(182, a4, M1, KILN_LOAD_D(f1, ONE); fneg.d f2, f1; fmv.x.d a4, f2)
    TEST_CASE(183, a4, ONE, KILN_LOAD_D(f1, M1); fabs.d f2, f1; fmv.x.d a4, f2)
    TEST_CASE(184, a4, SNAN, KILN_LOAD_D(f1, SNAN); fmv.d f2, f1; fmv.x.d a4, f2)
    /* fsgnj.d on a NaN-boxed single treats it as 64-bit data */
    TEST_CASE(185, a4, 0x7fffffff3f800000, KILN_LOAD_S(f1, 0x3f800000); \
              KILN_LOAD_D(f2, ONE); fsgnj.d f3, f1, f2; fmv.x.d a4, f3)

    /* ---- fmv.x.d / fmv.d.x are bit-exact */
    TEST_CASE(186, a4, 0x123456789abcdef0, li a1, 0x123456789abcdef0; fmv.d.x f1, a1; \
              fmv.x.d a4, f1)
    TEST_CASE(187, a4, SNAN, li a1, SNAN; fmv.d.x f7, a1; fmv.x.d a4, f7)
    TEST_CASE(188, x0, 0, li a1, ONE; fmv.d.x f1, a1; fmv.x.d x0, f1)

    /* ---- fld / fsd */
    TEST_CASE(189, a4, 0x0123456789abcdef, la a1, ddat; fld f1, 0(a1); fmv.x.d a4, f1)
    TEST_CASE(190, a4, SNAN, la a1, ddat + 16; fld f1, -8(a1); fmv.x.d a4, f1)
    TEST_CASE(191, a4, 0xfedcba9876543210, la a1, dsdat; li a2, 0xfedcba9876543210; \
              fmv.d.x f1, a2; sd x0, 0(a1); fsd f1, 0(a1); ld a4, 0(a1))
    TEST_CASE(192, a4, 0xffffffff40400000, la a1, dsdat; KILN_LOAD_S(f1, 0x40400000); \
              fsd f1, 8(a1); ld a4, 8(a1))     /* fsd stores all 64 bits */
    TEST_CASE(193, a4, 0xffffffff40400000, la a1, dsdat; fld f2, 8(a1); fmv.x.d a4, f2)

    /* ---- mstatus.FS = Off */
    la a1, dsdat
    li t0, MSTATUS_FS; csrc mstatus, t0
    TEST_TRAP(194, CAUSE_ILLEGAL_INSN, fadd.d f3, f1, f2)
    TEST_TRAP(195, CAUSE_ILLEGAL_INSN, fld f3, 0(a1))
    TEST_TRAP(196, CAUSE_ILLEGAL_INSN, fsd f3, 0(a1))
    TEST_TRAP(197, CAUSE_ILLEGAL_INSN, fmv.x.d a4, f1)
    TEST_TRAP(198, CAUSE_ILLEGAL_INSN, fmv.d.x f1, a4)
    TEST_TRAP(199, CAUSE_ILLEGAL_INSN, fcvt.d.w f1, a4)
    TEST_TRAP(200, CAUSE_ILLEGAL_INSN, fcvt.s.d f1, f2)
    TEST_TRAP(201, CAUSE_ILLEGAL_INSN, fclass.d a4, f1)
    li t0, MSTATUS_FS_INITIAL; csrs mstatus, t0

    /* ---- reserved rounding modes: fadd.d f3, f1, f2 with rm 5 / 6 / 7 */
#define FADD_D_RM(rm) (0x53 | (3 << 7) | ((rm) << 12) | (1 << 15) | (2 << 20) | (1 << 25))
#define TEST_ILLEGAL_WORD(n, enc) \
    KILN_TESTNUM(n); li a5, enc; EXPECT_TRAP_TVAL_OR_ZERO(CAUSE_ILLEGAL_INSN, a5); \
    .word enc; CHECK_TRAPPED(n)
    KILN_LOAD_D(f1, ONE); KILN_LOAD_D(f2, TWO); KILN_LOAD_D(f3, M1)
    TEST_ILLEGAL_WORD(202, FADD_D_RM(5))
    TEST_ILLEGAL_WORD(203, FADD_D_RM(6))
    TEST_CASE(204, a4, M1, fmv.x.d a4, f3)
    csrwi frm, 5
    TEST_ILLEGAL_WORD(205, FADD_D_RM(7))
    csrwi frm, 6
    TEST_ILLEGAL_WORD(206, FADD_D_RM(7))
    csrwi frm, 7
    TEST_ILLEGAL_WORD(207, FADD_D_RM(7))
    TEST_TRAP(208, CAUSE_ILLEGAL_INSN, fmadd.d f4, f1, f2, f3, dyn)
    TEST_TRAP(209, CAUSE_ILLEGAL_INSN, fcvt.s.d f4, f1, dyn)
    TEST_FP_OP2_D(210, fadd.d, 0x4008000000000000, 0, ONE, TWO, rup)
    csrwi frm, RM_RNE
    TEST_CASE(211, a4, 0x4008000000000000, .word FADD_D_RM(7); fmv.x.d a4, f3)

KILN_CODE_END

    .data
    .align 4
ddat:
    .dword 0x0123456789abcdef, 0x7ff0000000000001
dsdat:
    .dword 0, 0
