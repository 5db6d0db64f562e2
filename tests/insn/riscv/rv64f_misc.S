/* RV64F, everything but the basic arithmetic: fused multiply-add family
 * (single rounding), conversions to/from integers (rounding, saturation, NV
 * and NX), comparisons, fclass (all ten classes), sign injection, moves,
 * loads/stores, NaN-boxing of single values, mstatus.FS (Off traps, writes
 * make it Dirty) and illegal rounding modes (static 5/6, dynamic frm 5..7). */
#include "test.h"

#define ONE   0x3f800000
#define TWO   0x40000000
#define M1    0xbf800000
#define HALF  0x3f000000
#define MHALF 0xbf000000
#define ONEP5 0x3fc00000
#define MONEP5 0xbfc00000
#define TWOP5 0x40200000
#define INF   0x7f800000
#define MINF  0xff800000
#define SNAN  0x7f800001
#define PNAN  0x7fc12345
#define MZ    0x80000000

KILN_CODE_BEGIN

    /* ---- fused multiply-add: one rounding (a*a rounds to 1+2e in a separate
     * multiply; the fused result keeps the low product bits) */
    TEST_FP_OP3_S(1, fmadd.s, 0x40e00000, 0, 0x40000000, 0x40400000, 0x3f800000, rne)
    TEST_FP_OP3_S(2, fmsub.s, 0x40a00000, 0, 0x40000000, 0x40400000, 0x3f800000, rne)
    TEST_FP_OP3_S(3, fnmadd.s, 0xc0e00000, 0, 0x40000000, 0x40400000, 0x3f800000, rne)
    TEST_FP_OP3_S(4, fnmsub.s, 0xc0a00000, 0, 0x40000000, 0x40400000, 0x3f800000, rne)
    TEST_FP_OP3_S(5, fmadd.s, 0x3a000400, 0, 0x3f800800, 0x3f800800, 0xbf800000, rne)
    TEST_FP_OP3_S(6, fmadd.s, 0x3a000400, 0, 0x3f800800, 0x3f800800, 0xbf800000, rtz)
    TEST_FP_OP3_S(7, fmadd.s, 0x3a000400, 0, 0x3f800800, 0x3f800800, 0xbf800000, rdn)
    TEST_FP_OP3_S(8, fmadd.s, 0x3a000400, 0, 0x3f800800, 0x3f800800, 0xbf800000, rup)
    TEST_FP_OP3_S(9, fmsub.s, 0x3a000400, 0, 0x3f800800, 0x3f800800, 0x3f800000, rne)
    TEST_FP_OP3_S(10, fmsub.s, 0x3a000400, 0, 0x3f800800, 0x3f800800, 0x3f800000, rtz)
    TEST_FP_OP3_S(11, fmsub.s, 0x3a000400, 0, 0x3f800800, 0x3f800800, 0x3f800000, rdn)
    TEST_FP_OP3_S(12, fmsub.s, 0x3a000400, 0, 0x3f800800, 0x3f800800, 0x3f800000, rup)
    TEST_FP_OP3_S(13, fnmadd.s, 0xba000400, 0, 0x3f800800, 0x3f800800, 0xbf800000, rne)
    TEST_FP_OP3_S(14, fnmadd.s, 0xba000400, 0, 0x3f800800, 0x3f800800, 0xbf800000, rtz)
    TEST_FP_OP3_S(15, fnmadd.s, 0xba000400, 0, 0x3f800800, 0x3f800800, 0xbf800000, rdn)
    TEST_FP_OP3_S(16, fnmadd.s, 0xba000400, 0, 0x3f800800, 0x3f800800, 0xbf800000, rup)
    TEST_FP_OP3_S(17, fnmsub.s, 0xba000400, 0, 0x3f800800, 0x3f800800, 0x3f800000, rne)
    TEST_FP_OP3_S(18, fnmsub.s, 0xba000400, 0, 0x3f800800, 0x3f800800, 0x3f800000, rtz)
    TEST_FP_OP3_S(19, fnmsub.s, 0xba000400, 0, 0x3f800800, 0x3f800800, 0x3f800000, rdn)
    TEST_FP_OP3_S(20, fnmsub.s, 0xba000400, 0, 0x3f800800, 0x3f800800, 0x3f800000, rup)
    TEST_FP_OP3_S(21, fmadd.s, 0x40400000, FF_NX, 0x3f800000, 0x40400000, 0x33800000, rne)
    TEST_FP_OP3_S(22, fmadd.s, 0x40400000, FF_NX, 0x3f800000, 0x40400000, 0x33800000, rtz)
    TEST_FP_OP3_S(23, fmadd.s, 0x40400000, FF_NX, 0x3f800000, 0x40400000, 0x33800000, rdn)
    TEST_FP_OP3_S(24, fmadd.s, 0x40400001, FF_NX, 0x3f800000, 0x40400000, 0x33800000, rup)
    TEST_FP_OP3_S(25, fnmadd.s, 0xc0400000, FF_NX, 0x3f800000, 0x40400000, 0x33800000, rne)
    TEST_FP_OP3_S(26, fnmadd.s, 0xc0400000, FF_NX, 0x3f800000, 0x40400000, 0x33800000, rtz)
    TEST_FP_OP3_S(27, fnmadd.s, 0xc0400001, FF_NX, 0x3f800000, 0x40400000, 0x33800000, rdn)
    TEST_FP_OP3_S(28, fnmadd.s, 0xc0400000, FF_NX, 0x3f800000, 0x40400000, 0x33800000, rup)
    TEST_FP_OP3_S(29, fmsub.s, 0xc0400000, FF_NX, 0xbf800000, 0x40400000, 0x33800000, rne)
    TEST_FP_OP3_S(30, fmsub.s, 0xc0400000, FF_NX, 0xbf800000, 0x40400000, 0x33800000, rtz)
    TEST_FP_OP3_S(31, fmsub.s, 0xc0400001, FF_NX, 0xbf800000, 0x40400000, 0x33800000, rdn)
    TEST_FP_OP3_S(32, fmsub.s, 0xc0400000, FF_NX, 0xbf800000, 0x40400000, 0x33800000, rup)
    TEST_FP_OP3_S(33, fnmsub.s, 0xc0400000, FF_NX, 0x3f800000, 0x40400000, 0xb3800000, rne)
    TEST_FP_OP3_S(34, fnmsub.s, 0xc0400000, FF_NX, 0x3f800000, 0x40400000, 0xb3800000, rtz)
    TEST_FP_OP3_S(35, fnmsub.s, 0xc0400001, FF_NX, 0x3f800000, 0x40400000, 0xb3800000, rdn)
    TEST_FP_OP3_S(36, fnmsub.s, 0xc0400000, FF_NX, 0x3f800000, 0x40400000, 0xb3800000, rup)
    TEST_FP_OP3_S(37, fmadd.s, 0x00000000, 0, 0x3f800000, 0x80000000, 0x00000000, rne)
    TEST_FP_OP3_S(38, fmadd.s, 0x00000000, 0, 0x3f800000, 0x80000000, 0x00000000, rtz)
    TEST_FP_OP3_S(39, fmadd.s, 0x80000000, 0, 0x3f800000, 0x80000000, 0x00000000, rdn)
    TEST_FP_OP3_S(40, fmadd.s, 0x00000000, 0, 0x3f800000, 0x80000000, 0x00000000, rup)
    TEST_FP_OP3_S(41, fmadd.s, 0x80000000, 0, 0x80000000, 0x3f800000, 0x80000000, rne)
    TEST_FP_OP3_S(42, fmadd.s, 0x7f7fffff, 0, 0x7f7fffff, 0x40000000, 0xff7fffff, rne)
    TEST_FP_OP3_S(43, fmadd.s, 0x7f800000, FF_OF|FF_NX, 0x7f7fffff, 0x40000000, 0x00000000, rne)
    TEST_FP_OP3_S(44, fmadd.s, 0x7f7fffff, FF_OF|FF_NX, 0x7f7fffff, 0x40000000, 0x00000000, rtz)
    TEST_FP_OP3_S(45, fmadd.s, 0x7f7fffff, FF_OF|FF_NX, 0x7f7fffff, 0x40000000, 0x00000000, rdn)
    TEST_FP_OP3_S(46, fmadd.s, 0x7f800000, FF_OF|FF_NX, 0x7f7fffff, 0x40000000, 0x00000000, rup)
    TEST_FP_OP3_S(47, fmadd.s, 0x00400001, 0, 0x00800000, 0x3f000000, 0x00000001, rne)
    TEST_FP_OP3_S(48, fmadd.s, 0x00400002, FF_UF|FF_NX, 0x00800003, 0x3f000000, 0x00000000, rne)
    TEST_FP_OP3_S(49, fmadd.s, 0x00400001, FF_UF|FF_NX, 0x00800003, 0x3f000000, 0x00000000, rtz)
    TEST_FP_OP3_S(50, fmadd.s, 0x00400001, FF_UF|FF_NX, 0x00800003, 0x3f000000, 0x00000000, rdn)
    TEST_FP_OP3_S(51, fmadd.s, 0x00400002, FF_UF|FF_NX, 0x00800003, 0x3f000000, 0x00000000, rup)
    TEST_FP_OP3_S(52, fmadd.s, 0x7fc00000, FF_NV, 0x7f800000, 0x3f800000, 0xff800000, rne)
    TEST_FP_OP3_S(53, fmadd.s, 0x7fc00000, 0, 0x7fc00000, 0x3f800000, 0x3f800000, rne)
    TEST_FP_OP3_S(54, fmadd.s, 0x7fc00000, FF_NV, 0x3f800000, 0x3f800000, 0x7f800001, rne)
    TEST_FP_OP3_S(55, fnmsub.s, 0xc2c60000, 0, 0x41200000, 0x41200000, 0x3f800000, rne)
    TEST_FP_OP3_S(56, fnmsub.s, 0xc2c60000, 0, 0x41200000, 0x41200000, 0x3f800000, rtz)
    TEST_FP_OP3_S(57, fnmsub.s, 0xc2c60000, 0, 0x41200000, 0x41200000, 0x3f800000, rdn)
    TEST_FP_OP3_S(58, fnmsub.s, 0xc2c60000, 0, 0x41200000, 0x41200000, 0x3f800000, rup)
    /* inf * 0 + qNaN must still raise NV */
    TEST_FP_OP3_S(59, fmadd.s, QNAN_S, FF_NV, INF, 0, QNAN_S, rne)
    TEST_FP_OP3_S(60, fnmsub.s, QNAN_S, FF_NV, 0, MINF, PNAN, rne)

    /* ---- fcvt.w.s / fcvt.wu.s / fcvt.l.s / fcvt.lu.s */
    TEST_FP_TOINT_S(61, fcvt.w.s, 2, FF_NX, ONEP5, rne)
    TEST_FP_TOINT_S(62, fcvt.w.s, 1, FF_NX, ONEP5, rtz)
    TEST_FP_TOINT_S(63, fcvt.w.s, 1, FF_NX, ONEP5, rdn)
    TEST_FP_TOINT_S(64, fcvt.w.s, 2, FF_NX, ONEP5, rup)
    TEST_FP_TOINT_S(65, fcvt.w.s, 2, FF_NX, ONEP5, rmm)
    TEST_FP_TOINT_S(66, fcvt.w.s, 2, FF_NX, TWOP5, rne)
    TEST_FP_TOINT_S(67, fcvt.w.s, 3, FF_NX, TWOP5, rmm)
    TEST_FP_TOINT_S(68, fcvt.w.s, -2, FF_NX, MONEP5, rne)
    TEST_FP_TOINT_S(69, fcvt.w.s, -1, FF_NX, MONEP5, rtz)
    TEST_FP_TOINT_S(70, fcvt.w.s, -2, FF_NX, MONEP5, rdn)
    TEST_FP_TOINT_S(71, fcvt.w.s, -1, FF_NX, MONEP5, rup)
    TEST_FP_TOINT_S(72, fcvt.w.s, -2, FF_NX, MONEP5, rmm)
    TEST_FP_TOINT_S(73, fcvt.w.s, 0, FF_NX, MHALF, rne)
    TEST_FP_TOINT_S(74, fcvt.w.s, 0, 0, MZ, rne)
    TEST_FP_TOINT_S(75, fcvt.w.s, 0xffffffff80000000, 0, 0xcf000000, rne)  /* -2^31 */
    TEST_FP_TOINT_S(76, fcvt.w.s, 0x7fffffff, FF_NV, 0x4f000000, rne)      /* 2^31 */
    TEST_FP_TOINT_S(77, fcvt.w.s, 0xffffffff80000000, FF_NV, 0xcf000001, rne)
    TEST_FP_TOINT_S(78, fcvt.w.s, 0x7fffffff, FF_NV, INF, rne)
    TEST_FP_TOINT_S(79, fcvt.w.s, 0xffffffff80000000, FF_NV, MINF, rne)
    TEST_FP_TOINT_S(80, fcvt.w.s, 0x7fffffff, FF_NV, QNAN_S, rne)
    TEST_FP_TOINT_S(81, fcvt.w.s, 0x7fffffff, FF_NV, 0xffc00000, rne)   /* -NaN */
    TEST_FP_TOINT_S(82, fcvt.w.s, 0x7fffff80, 0, 0x4effffff, rne)
    TEST_FP_TOINT_S(83, fcvt.wu.s, 3, FF_NX, 0x406ccccd, rtz)          /* 3.7 */
    TEST_FP_TOINT_S(84, fcvt.wu.s, 0, FF_NX, MHALF, rtz)   /* rounds to 0: NX only */
    TEST_FP_TOINT_S(85, fcvt.wu.s, 0, FF_NX, MHALF, rne)
    TEST_FP_TOINT_S(86, fcvt.wu.s, 0, FF_NV, MHALF, rdn)   /* rounds to -1 */
    TEST_FP_TOINT_S(87, fcvt.wu.s, 0, FF_NV, M1, rtz)
    TEST_FP_TOINT_S(88, fcvt.wu.s, 0, 0, MZ, rne)
    TEST_FP_TOINT_S(89, fcvt.wu.s, 0xffffffffffffff00, 0, 0x4f7fffff, rne) /* sext */
    TEST_FP_TOINT_S(90, fcvt.wu.s, 0xffffffffffffffff, FF_NV, 0x4f800000, rne)
    TEST_FP_TOINT_S(91, fcvt.wu.s, 0xffffffffffffffff, FF_NV, INF, rne)
    TEST_FP_TOINT_S(92, fcvt.wu.s, 0, FF_NV, MINF, rne)
    TEST_FP_TOINT_S(93, fcvt.wu.s, 0xffffffffffffffff, FF_NV, QNAN_S, rne)
    TEST_FP_TOINT_S(94, fcvt.l.s, 0x7fffff8000000000, 0, 0x5effffff, rne)
    TEST_FP_TOINT_S(95, fcvt.l.s, 0x7fffffffffffffff, FF_NV, 0x5f000000, rne)
    TEST_FP_TOINT_S(96, fcvt.l.s, 0x8000000000000000, 0, 0xdf000000, rne)
    TEST_FP_TOINT_S(97, fcvt.l.s, 0x8000000000000000, FF_NV, 0xdf000001, rne)
    TEST_FP_TOINT_S(98, fcvt.l.s, 0x8000000000000000, FF_NV, MINF, rne)
    TEST_FP_TOINT_S(99, fcvt.l.s, 0x7fffffffffffffff, FF_NV, INF, rne)
    TEST_FP_TOINT_S(100, fcvt.l.s, 0x7fffffffffffffff, FF_NV, SNAN, rne)
    TEST_FP_TOINT_S(101, fcvt.l.s, 1, FF_NX, ONEP5, rdn)
    TEST_FP_TOINT_S(102, fcvt.l.s, -2, FF_NX, MONEP5, rdn)
    TEST_FP_TOINT_S(103, fcvt.lu.s, 0xffffff0000000000, 0, 0x5f7fffff, rne)
    TEST_FP_TOINT_S(104, fcvt.lu.s, 0xffffffffffffffff, FF_NV, 0x5f800000, rne)
    TEST_FP_TOINT_S(105, fcvt.lu.s, 0, FF_NV, M1, rne)
    TEST_FP_TOINT_S(106, fcvt.lu.s, 0, FF_NX, MHALF, rtz)
    TEST_FP_TOINT_S(107, fcvt.lu.s, 0xffffffffffffffff, FF_NV, QNAN_S, rne)
    TEST_FP_TOINT_S(108, fcvt.lu.s, 2, FF_NX, ONEP5, rup)
    /* dynamic rounding for conversions */
    csrwi frm, RM_RUP
    TEST_FP_TOINT_S(109, fcvt.w.s, -1, FF_NX, MONEP5, dyn)
    csrwi frm, RM_RNE

    /* ---- fcvt.s.w / fcvt.s.wu / fcvt.s.l / fcvt.s.lu */
    TEST_FP_FROMINT_S(110, fcvt.s.w, ONE, 0, 1, rne)
    TEST_FP_FROMINT_S(111, fcvt.s.w, M1, 0, -1, rne)
    TEST_FP_FROMINT_S(112, fcvt.s.w, ONE, 0, 0x100000001, rne)   /* low 32 bits */
    TEST_FP_FROMINT_S(113, fcvt.s.w, 0x4f000000, FF_NX, 0x7fffffff, rne)
    TEST_FP_FROMINT_S(114, fcvt.s.w, 0x4effffff, FF_NX, 0x7fffffff, rtz)
    TEST_FP_FROMINT_S(115, fcvt.s.w, 0xcf000000, 0, 0x80000000, rne)
    TEST_FP_FROMINT_S(116, fcvt.s.w, 0x4b800000, FF_NX, 0x1000001, rne)  /* tie */
    TEST_FP_FROMINT_S(117, fcvt.s.w, 0x4b800001, FF_NX, 0x1000001, rmm)
    TEST_FP_FROMINT_S(118, fcvt.s.w, 0x4b800001, FF_NX, 0x1000001, rup)
    TEST_FP_FROMINT_S(119, fcvt.s.w, 0x4b800000, FF_NX, 0x1000001, rtz)
    TEST_FP_FROMINT_S(120, fcvt.s.w, 0, 0, 0, rne)                       /* +0 */
    TEST_FP_FROMINT_S(121, fcvt.s.wu, 0x4f800000, FF_NX, 0xffffffff, rne)
    TEST_FP_FROMINT_S(122, fcvt.s.wu, 0x4f7fffff, FF_NX, 0xffffffff, rtz)
    TEST_FP_FROMINT_S(123, fcvt.s.wu, 0x4f000000, 0, 0x80000000, rne)
    TEST_FP_FROMINT_S(124, fcvt.s.wu, 0, 0, 0xffffffff00000000, rne)
    TEST_FP_FROMINT_S(125, fcvt.s.l, M1, 0, -1, rne)
    TEST_FP_FROMINT_S(126, fcvt.s.l, 0xdf000000, 0, 0x8000000000000000, rne)
    TEST_FP_FROMINT_S(127, fcvt.s.l, 0x5f000000, FF_NX, 0x7fffffffffffffff, rne)
    TEST_FP_FROMINT_S(128, fcvt.s.l, 0x5effffff, FF_NX, 0x7fffffffffffffff, rtz)
    TEST_FP_FROMINT_S(129, fcvt.s.l, 0x4f800000, 0, 0x100000000, rne)
    TEST_FP_FROMINT_S(130, fcvt.s.lu, 0x5f800000, FF_NX, 0xffffffffffffffff, rne)
    TEST_FP_FROMINT_S(131, fcvt.s.lu, 0x5f7fffff, FF_NX, 0xffffffffffffffff, rtz)
    TEST_FP_FROMINT_S(132, fcvt.s.lu, 0x5f000000, 0, 0x8000000000000000, rne)
    TEST_FP_FROMINT_S(133, fcvt.s.lu, 0, 0, 0, rne)

    /* ---- comparisons: feq quiet (NV only for sNaN), flt/fle signaling */
    TEST_FP_CMP_S(134, feq.s, 1, 0, ONE, ONE)
    TEST_FP_CMP_S(135, feq.s, 0, 0, ONE, TWO)
    TEST_FP_CMP_S(136, feq.s, 1, 0, MZ, 0)
    TEST_FP_CMP_S(137, feq.s, 0, 0, QNAN_S, ONE)
    TEST_FP_CMP_S(138, feq.s, 0, 0, QNAN_S, QNAN_S)
    TEST_FP_CMP_S(139, feq.s, 0, FF_NV, SNAN, ONE)
    TEST_FP_CMP_S(140, feq.s, 0, FF_NV, ONE, SNAN)
    TEST_FP_CMP_S(141, flt.s, 1, 0, ONE, TWO)
    TEST_FP_CMP_S(142, flt.s, 0, 0, TWO, ONE)
    TEST_FP_CMP_S(143, flt.s, 0, 0, ONE, ONE)
    TEST_FP_CMP_S(144, flt.s, 0, 0, MZ, 0)
    TEST_FP_CMP_S(145, flt.s, 1, 0, MINF, INF)
    TEST_FP_CMP_S(146, flt.s, 1, 0, M1, 0x80000001)
    TEST_FP_CMP_S(147, flt.s, 0, FF_NV, QNAN_S, ONE)
    TEST_FP_CMP_S(148, flt.s, 0, FF_NV, ONE, SNAN)
    TEST_FP_CMP_S(149, fle.s, 1, 0, ONE, ONE)
    TEST_FP_CMP_S(150, fle.s, 1, 0, MZ, 0)
    TEST_FP_CMP_S(151, fle.s, 0, 0, TWO, ONE)
    TEST_FP_CMP_S(152, fle.s, 1, 0, M1, ONE)
    TEST_FP_CMP_S(153, fle.s, 0, FF_NV, ONE, QNAN_S)
    TEST_FP_CMP_S(154, fle.s, 0, FF_NV, SNAN, SNAN)

    /* ---- fclass: all ten classes */
    TEST_FP_CLASS_S(155, 0x001, MINF)
    TEST_FP_CLASS_S(156, 0x002, M1)
    TEST_FP_CLASS_S(157, 0x004, 0x807fffff)
    TEST_FP_CLASS_S(158, 0x008, MZ)
    TEST_FP_CLASS_S(159, 0x010, 0)
    TEST_FP_CLASS_S(160, 0x020, 0x00000001)
    TEST_FP_CLASS_S(161, 0x040, 0x7f7fffff)
    TEST_FP_CLASS_S(162, 0x080, INF)
    TEST_FP_CLASS_S(163, 0x100, SNAN)
    TEST_FP_CLASS_S(164, 0x100, 0xffbfffff)
    TEST_FP_CLASS_S(165, 0x200, QNAN_S)
    TEST_FP_CLASS_S(166, 0x200, 0xffc00001)

    /* ---- sign injection: bit-exact, no NaN canonicalisation, no flags */
    TEST_FP_OP2NR_S(167, fsgnj.s, M1, 0, ONE, 0xc0000000)
    TEST_FP_OP2NR_S(168, fsgnj.s, ONE, 0, M1, TWO)
    TEST_FP_OP2NR_S(169, fsgnj.s, 0xffc12345, 0, PNAN, M1)
    TEST_FP_OP2NR_S(170, fsgnj.s, SNAN, 0, SNAN, ONE)
    TEST_FP_OP2NR_S(171, fsgnjn.s, ONE, 0, ONE, 0xc0000000)
    TEST_FP_OP2NR_S(172, fsgnjn.s, M1, 0, ONE, TWO)
    TEST_FP_OP2NR_S(173, fsgnjn.s, 0xff800001, 0, SNAN, ONE)
    TEST_FP_OP2NR_S(174, fsgnjx.s, ONE, 0, M1, 0xc0000000)
    TEST_FP_OP2NR_S(175, fsgnjx.s, M1, 0, ONE, 0xc0000000)
    TEST_FP_OP2NR_S(176, fsgnjx.s, M1, 0, M1, TWO)
    TEST_FP_OP2NR_S(177, fsgnjx.s, ONE, 0, ONE, TWO)
    TEST_CASE(178, a4, 0xffffffffbf800000, KILN_LOAD_S(f1, ONE); fneg.s f2, f1; fmv.x.d a4, f2)
    TEST_CASE(179, a4, 0xffffffff3f800000, KILN_LOAD_S(f1, M1); fabs.s f2, f1; fmv.x.d a4, f2)
    TEST_CASE(180, a4, 0xffffffffbf800000, KILN_LOAD_S(f1, M1); fmv.s f2, f1; fmv.x.d a4, f2)

    /* ---- moves and NaN-boxing */
    /* fmv.w.x writes the upper 32 bits with ones, ignores rs1's upper half */
    TEST_CASE(181, a4, 0xffffffff3f800000, li a1, 0x123456783f800000; \
              fmv.w.x f1, a1; fmv.x.d a4, f1)
    /* fmv.x.w sign-extends the low 32 bits */
    TEST_CASE(182, a4, 0xffffffffbf800000, KILN_LOAD_S(f1, M1); fmv.x.w a4, f1)
    TEST_CASE(183, a4, 0x3f800000, KILN_LOAD_S(f1, ONE); fmv.x.w a4, f1)
    /* fmv.x.w moves the low 32 bits even of a value that is not NaN-boxed */
    TEST_CASE(184, a4, 0xffffffff9abcdef0, li a1, 0x123456789abcdef0; \
              fmv.d.x f1, a1; fmv.x.w a4, f1)
    /* fmv.x.w keeps NaN payloads */
    TEST_CASE(185, a4, 0x7f800001, KILN_LOAD_S(f1, SNAN); fmv.x.w a4, f1)
    /* an improperly boxed value used as a single is the canonical NaN */
    TEST_CASE(186, a4, 0xffffffff7fc00000, li a1, 0x000000003f800000; \
              fmv.d.x f1, a1; KILN_LOAD_S(f2, ONE); csrw fflags, x0; \
              fadd.s f3, f1, f2; fmv.x.d a4, f3)
    TEST_CASE(187, a4, 0, csrrw a4, fflags, x0)     /* canonical NaN is quiet */
    TEST_CASE(188, a4, 0xffffffff7fc00000, li a1, 0xfffffffe3f800000; \
              fmv.d.x f1, a1; fmul.s f3, f1, f1; fmv.x.d a4, f3)
    TEST_CASE(189, a4, 0x200, li a1, 0x00000000ff800000; fmv.d.x f1, a1; \
              fclass.s a4, f1)
    TEST_CASE(190, a4, 0xffffffffffc00000, li a1, 0x3f800000; fmv.d.x f1, a1; \
              KILN_LOAD_S(f2, M1); fsgnj.s f3, f1, f2; fmv.x.d a4, f3)
    TEST_CASE(191, a4, 0, li a1, 0x3f800000; fmv.d.x f1, a1; fmv.s f2, f1; \
              feq.s a4, f1, f2)
    TEST_CASE(192, a4, 0x7fffffff, li a1, 0x3f800000; fmv.d.x f1, a1; \
              fcvt.w.s a4, f1, rtz; csrw fflags, x0)
    TEST_CASE(193, a4, 0xffffffffbf800000, li a1, 0x3f800000; fmv.d.x f1, a1; \
              KILN_LOAD_S(f2, M1); fmax.s f3, f1, f2; fmv.x.d a4, f3)

    /* ---- flw / fsw */
    TEST_CASE(194, a4, 0xffffffff3f800000, la a1, fdat; flw f1, 0(a1); fmv.x.d a4, f1)
    TEST_CASE(195, a4, 0xffffffffc0000000, la a1, fdat; flw f1, 4(a1); fmv.x.d a4, f1)
    TEST_CASE(196, a4, 0xffffffff7f800001, la a1, fdat + 16; flw f1, -8(a1); fmv.x.d a4, f1)
    /* fsw stores exactly the low 32 bits */
    TEST_CASE(197, a4, 0x1111111140400000, la a1, fsdat; li a2, 0x1111111111111111; \
              sd a2, 0(a1); KILN_LOAD_S(f1, 0x40400000); fsw f1, 0(a1); ld a4, 0(a1))
    TEST_CASE(198, a4, 0x9abcdef011111111, la a1, fsdat; li a2, 0x1111111111111111; \
              sd a2, 0(a1); li a2, 0x123456789abcdef0; fmv.d.x f1, a2; \
              fsw f1, 4(a1); ld a4, 0(a1))
    TEST_CASE(199, a4, 0x7f800001, la a1, fsdat; KILN_LOAD_S(f1, SNAN); \
              fsw f1, 0(a1); lwu a4, 0(a1))

    /* ---- writing FP state makes mstatus.FS Dirty (and SD set) */
    li t0, MSTATUS_FS; csrc mstatus, t0
    li t0, MSTATUS_FS_INITIAL; csrs mstatus, t0
    TEST_CASE(200, a4, 3, fmv.w.x f5, x0; csrr a5, mstatus; srli a4, a5, 13; andi a4, a4, 3)
    TEST_CASE(201, a4, 1, srli a4, a5, 63)

    /* ---- mstatus.FS = Off: FP instructions and FP CSRs are illegal */
    la a1, fsdat
    li t0, MSTATUS_FS; csrc mstatus, t0
    TEST_TRAP(202, CAUSE_ILLEGAL_INSN, fadd.s f3, f1, f2)
    TEST_TRAP(203, CAUSE_ILLEGAL_INSN, flw f3, 0(a1))
    TEST_TRAP(204, CAUSE_ILLEGAL_INSN, fsw f3, 0(a1))
    TEST_TRAP(205, CAUSE_ILLEGAL_INSN, fmv.x.w a4, f1)
    TEST_TRAP(206, CAUSE_ILLEGAL_INSN, fmv.w.x f1, a4)
    TEST_TRAP(207, CAUSE_ILLEGAL_INSN, csrr a4, fflags)
    TEST_TRAP(208, CAUSE_ILLEGAL_INSN, csrw frm, x0)
    TEST_TRAP(209, CAUSE_ILLEGAL_INSN, csrr a4, fcsr)
    TEST_TRAP(210, CAUSE_ILLEGAL_INSN, fmadd.s f4, f1, f2, f3)
    li t0, MSTATUS_FS_INITIAL; csrs mstatus, t0
    TEST_CASE(211, a4, 0xffffffff40000000, KILN_LOAD_S(f1, TWO); fmv.x.d a4, f1)

    /* ---- reserved rounding modes raise illegal instruction; mtval is 0 or
     * the instruction bits. fadd.s f3, f1, f2 with rm = 5 / 6 / 7 (dyn). */
#define FADD_S_RM(rm) (0x53 | (3 << 7) | ((rm) << 12) | (1 << 15) | (2 << 20))
#define TEST_ILLEGAL_WORD(n, enc) \
    KILN_TESTNUM(n); li a5, enc; EXPECT_TRAP_TVAL_OR_ZERO(CAUSE_ILLEGAL_INSN, a5); \
    .word enc; CHECK_TRAPPED(n)
    KILN_LOAD_S(f1, ONE); KILN_LOAD_S(f2, TWO); KILN_LOAD_S(f3, M1)
    TEST_ILLEGAL_WORD(212, FADD_S_RM(5))
    TEST_ILLEGAL_WORD(213, FADD_S_RM(6))
    /* the trapping instruction did not write f3 */
    TEST_CASE(214, a4, 0xffffffffbf800000, fmv.x.d a4, f3)
    /* dynamic rm with an invalid frm */
    csrwi frm, 5
    TEST_ILLEGAL_WORD(215, FADD_S_RM(7))
    csrwi frm, 6
    TEST_ILLEGAL_WORD(216, FADD_S_RM(7))
    csrwi frm, 7
    TEST_ILLEGAL_WORD(217, FADD_S_RM(7))
    TEST_TRAP(218, CAUSE_ILLEGAL_INSN, fsqrt.s f3, f1, dyn)
    TEST_TRAP(219, CAUSE_ILLEGAL_INSN, fcvt.w.s a4, f1, dyn)
    /* a static rounding mode still works while frm is invalid */
    TEST_FP_OP2_S(220, fadd.s, 0x40400000, 0, ONE, TWO, rne)
    TEST_FP_OP2NR_S(221, fmin.s, ONE, 0, ONE, TWO)
    TEST_CASE(222, a4, 7, csrr a4, frm)
    csrwi frm, RM_RNE
    /* a valid static mode in the same encoding executes */
    TEST_CASE(223, a4, 0xffffffff40400000, .word FADD_S_RM(0); fmv.x.d a4, f3)

KILN_CODE_END

    .data
    .align 4
fdat:
    .word 0x3f800000, 0xc0000000, 0x7f800001, 0
fsdat:
    .dword 0, 0
