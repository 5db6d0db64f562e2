/*
 * sort.c - sorting benchmark.  Sorts 1 Mi pseudo-random 32-bit integers
 * (twice, with different data) with an in-place quicksort: median-of-three
 * pivot, insertion sort below 16 elements, recursion on the smaller side
 * only.  Then checks the order and folds the sorted array into a checksum.
 * Stresses: data-dependent branches, loads/stores, calls and returns.
 */
#include "bench.h"

#define COUNT (1u << 20)
#define PASSES 2
#define EXPECTED 0x674e97fe10f79e4eull

static void insertion_sort(uint32_t *a, size_t n)
{
    for (size_t i = 1; i < n; ++i) {
        uint32_t v = a[i];
        size_t j = i;
        while (j > 0 && a[j - 1] > v) {
            a[j] = a[j - 1];
            --j;
        }
        a[j] = v;
    }
}

static inline void swap(uint32_t *a, uint32_t *b)
{
    uint32_t t = *a;
    *a = *b;
    *b = t;
}

static void quicksort(uint32_t *a, size_t n)
{
    while (n > 16) {
        size_t mid = n / 2;
        if (a[mid] < a[0]) {
            swap(&a[mid], &a[0]);
        }
        if (a[n - 1] < a[0]) {
            swap(&a[n - 1], &a[0]);
        }
        if (a[n - 1] < a[mid]) {
            swap(&a[n - 1], &a[mid]);
        }
        uint32_t pivot = a[mid];
        size_t i = 0;
        size_t j = n - 1;
        for (;;) {
            while (a[i] < pivot) {
                ++i;
            }
            while (a[j] > pivot) {
                --j;
            }
            if (i >= j) {
                break;
            }
            swap(&a[i], &a[j]);
            ++i;
            --j;
        }
        /* a[0..j] <= pivot <= a[j+1..n-1] */
        size_t left = j + 1;
        size_t right = n - left;
        if (left < right) {
            quicksort(a, left);
            a += left;
            n = right;
        } else {
            quicksort(a + left, right);
            n = left;
        }
    }
    insertion_sort(a, n);
}

int main(void)
{
    uint64_t start = rdinstret();
    uint32_t *a = rt_heap_start();
    uint64_t rng = 0x13198a2e03707344ull;
    uint64_t sum = 0;
    int sorted = 1;

    for (int pass = 0; pass < PASSES; ++pass) {
        for (size_t i = 0; i < COUNT; ++i) {
            a[i] = (uint32_t)(bench_rand(&rng) >> 16);
        }
        quicksort(a, COUNT);
        for (size_t i = 1; i < COUNT; ++i) {
            if (a[i - 1] > a[i]) {
                sorted = 0;
            }
        }
        for (size_t i = 0; i < COUNT; i += 1) {
            sum = sum * 0x100000001b3ull + a[i];
        }
        sum = bench_mix(sum, pass);
    }
    if (!sorted) {
        printf("sort: array not sorted\n");
        sum = ~sum;
    }
    return bench_finish("sort", sum, EXPECTED, start);
}
