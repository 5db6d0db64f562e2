/*
 * printf.c - a small printf for riscv-rt, writing to the HTIF console.
 *
 * Conversions: %d %i %u %x %X %c %s %p %%.  Length modifiers: l, ll, z
 * (all 64-bit on RV64; h and hh are accepted and ignored).  A field width,
 * given as digits or as *, with the flags '0' (pad numbers with zeros) and
 * '-' (left-justify).  A precision is honoured for %s only.  No floating
 * point: guests that want to show a double print it as scaled integers.
 */
#include "rt.h"

struct field {
    int width;
    int precision; /* -1 when not given */
    int left;
    int zero;
};

static void emit(char c, int *count)
{
    htif_putchar(c);
    ++*count;
}

static void emit_padding(char c, int n, int *count)
{
    for (; n > 0; --n) {
        emit(c, count);
    }
}

/* Emits `len` bytes of `s` inside the field (spaces for padding). */
static void emit_text(const char *s, int len, const struct field *f, int *count)
{
    int pad = f->width > len ? f->width - len : 0;
    if (!f->left) {
        emit_padding(' ', pad, count);
    }
    for (int i = 0; i < len; ++i) {
        emit(s[i], count);
    }
    if (f->left) {
        emit_padding(' ', pad, count);
    }
}

static void emit_number(uint64_t v, int negative, unsigned base, int upper,
                        const char *prefix, const struct field *f, int *count)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];
    int n = 0;
    do {
        buf[n++] = digits[v % base];
        v /= base;
    } while (v != 0);

    int prefix_len = (int)strlen(prefix) + (negative ? 1 : 0);
    int pad = f->width - n - prefix_len;
    if (pad < 0) {
        pad = 0;
    }
    if (!f->left && !f->zero) {
        emit_padding(' ', pad, count);
    }
    if (negative) {
        emit('-', count);
    }
    for (const char *p = prefix; *p; ++p) {
        emit(*p, count);
    }
    if (!f->left && f->zero) {
        emit_padding('0', pad, count);
    }
    while (n > 0) {
        emit(buf[--n], count);
    }
    if (f->left) {
        emit_padding(' ', pad, count);
    }
}

int vprintf(const char *fmt, va_list ap)
{
    int count = 0;
    for (const char *p = fmt; *p; ++p) {
        if (*p != '%') {
            emit(*p, &count);
            continue;
        }
        ++p;

        struct field f = {0, -1, 0, 0};
        for (;; ++p) {
            if (*p == '-') {
                f.left = 1;
            } else if (*p == '0') {
                f.zero = 1;
            } else {
                break;
            }
        }
        if (*p == '*') {
            f.width = va_arg(ap, int);
            if (f.width < 0) {
                f.left = 1;
                f.width = -f.width;
            }
            ++p;
        } else {
            while (*p >= '0' && *p <= '9') {
                f.width = f.width * 10 + (*p++ - '0');
            }
        }
        if (*p == '.') {
            ++p;
            f.precision = 0;
            if (*p == '*') {
                f.precision = va_arg(ap, int);
                ++p;
            } else {
                while (*p >= '0' && *p <= '9') {
                    f.precision = f.precision * 10 + (*p++ - '0');
                }
            }
        }

        int is_long = 0;
        while (*p == 'l' || *p == 'z' || *p == 'h') {
            if (*p != 'h') {
                is_long = 1;
            }
            ++p;
        }

        switch (*p) {
        case 'd':
        case 'i': {
            int64_t v = is_long ? va_arg(ap, long) : va_arg(ap, int);
            uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
            emit_number(mag, v < 0, 10, 0, "", &f, &count);
            break;
        }
        case 'u':
            emit_number(is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 0, 10, 0,
                        "", &f, &count);
            break;
        case 'x':
        case 'X':
            emit_number(is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 0, 16,
                        *p == 'X', "", &f, &count);
            break;
        case 'p': {
            struct field pf = f;
            if (pf.width == 0) {
                pf.width = 18;
                pf.zero = 1;
            }
            emit_number((uint64_t)(uintptr_t)va_arg(ap, void *), 0, 16, 0, "0x", &pf, &count);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            emit_text(&c, 1, &f, &count);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (s == NULL) {
                s = "(null)";
            }
            int len = 0;
            while (s[len] && (f.precision < 0 || len < f.precision)) {
                ++len;
            }
            emit_text(s, len, &f, &count);
            break;
        }
        case '%':
            emit('%', &count);
            break;
        case '\0':
            return count; /* a lone '%' at the end */
        default:
            /* Unknown conversion: show it as written. */
            emit('%', &count);
            emit(*p, &count);
            break;
        }
    }
    return count;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int putchar(int ch)
{
    htif_putchar(ch);
    return (unsigned char)ch;
}

int puts(const char *s)
{
    while (*s) {
        htif_putchar(*s++);
    }
    htif_putchar('\n');
    return 0;
}
