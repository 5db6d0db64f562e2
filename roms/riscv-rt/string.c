/*
 * string.c - memcpy, memmove, memset, memcmp and strlen for riscv-rt.
 *
 * GCC emits calls to memcpy/memset (struct copies, array initializers) even
 * in freestanding code, so these must exist.  The aligned cases move 8-byte
 * words, four at a time; everything else goes byte by byte.  The functions
 * are compiled without loop-pattern recognition, which would otherwise turn
 * their own loops back into calls to themselves.
 */
#include "rt.h"

#define RT_NO_PATTERNS __attribute__((optimize("no-tree-loop-distribute-patterns")))

typedef uint64_t __attribute__((may_alias)) rt_word;

RT_NO_PATTERNS static inline __attribute__((always_inline)) void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
    if ((((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) {
        while (n > 0 && ((uintptr_t)d & 7) != 0) {
            *d++ = *s++;
            --n;
        }
        rt_word *dw = (rt_word *)d;
        const rt_word *sw = (const rt_word *)s;
        while (n >= 32) {
            rt_word a = sw[0], b = sw[1], c = sw[2], e = sw[3];
            dw[0] = a;
            dw[1] = b;
            dw[2] = c;
            dw[3] = e;
            dw += 4;
            sw += 4;
            n -= 32;
        }
        while (n >= 8) {
            *dw++ = *sw++;
            n -= 8;
        }
        d = (unsigned char *)dw;
        s = (const unsigned char *)sw;
    }
    while (n > 0) {
        *d++ = *s++;
        --n;
    }
}

RT_NO_PATTERNS static inline __attribute__((always_inline)) void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
    d += n;
    s += n;
    if ((((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) {
        while (n > 0 && ((uintptr_t)d & 7) != 0) {
            *--d = *--s;
            --n;
        }
        rt_word *dw = (rt_word *)d;
        const rt_word *sw = (const rt_word *)s;
        while (n >= 8) {
            *--dw = *--sw;
            n -= 8;
        }
        d = (unsigned char *)dw;
        s = (const unsigned char *)sw;
    }
    while (n > 0) {
        *--d = *--s;
        --n;
    }
}

RT_NO_PATTERNS void *memcpy(void *dst, const void *src, size_t n)
{
    copy_forward(dst, src, n);
    return dst;
}

RT_NO_PATTERNS void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d <= s || d >= s + n) {
        copy_forward(d, s, n);
    } else {
        copy_backward(d, s, n);
    }
    return dst;
}

RT_NO_PATTERNS void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    unsigned char byte = (unsigned char)c;
    while (n > 0 && ((uintptr_t)d & 7) != 0) {
        *d++ = byte;
        --n;
    }
    rt_word pattern = 0x0101010101010101ull * byte;
    rt_word *dw = (rt_word *)d;
    while (n >= 32) {
        dw[0] = pattern;
        dw[1] = pattern;
        dw[2] = pattern;
        dw[3] = pattern;
        dw += 4;
        n -= 32;
    }
    while (n >= 8) {
        *dw++ = pattern;
        n -= 8;
    }
    d = (unsigned char *)dw;
    while (n > 0) {
        *d++ = byte;
        --n;
    }
    return dst;
}

RT_NO_PATTERNS int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a;
    const unsigned char *y = b;
    for (size_t i = 0; i < n; ++i) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}

RT_NO_PATTERNS size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n]) {
        ++n;
    }
    return n;
}
