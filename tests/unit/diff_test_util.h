// Shared by the differential floating-point tests (softfloat_test.cpp,
// softfloat80_test.cpp): a small deterministic generator (splitmix64; the same
// seed gives the same operands on every host and run) and a collector that
// keeps the first few mismatches as text for the failure message.
#pragma once

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <string>

struct Rng {
    uint64_t s;
    uint64_t next() {
        uint64_t z = (s += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    int below(int n) { return int(next() % uint64_t(n)); }
    int range(int lo, int hi) { return lo + below(hi - lo + 1); }
};

struct Failures {
    long count = 0, checked = 0;
    std::string text;
    void add(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
        if (count++ >= 8) return;
        char buf[768];
        va_list ap;
        va_start(ap, fmt);
        std::vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
        text += buf;
        text += '\n';
    }
};
