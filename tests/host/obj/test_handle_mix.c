// Exhaustive check of obj/handle.c's value scrambling: for a few secrets,
// handle_unmix(handle_mix(x)) == x and handle_mix(x) < 2^30 for every 30-bit
// payload x, so the mix is a bijection (no two (index, generation) pairs
// share a value and decoding is exact), and every encoded value is nonzero
// with the low bits 0b11. It includes handle.c to reach its static helpers.
#include "obj/handle.c"

#include <inttypes.h>
#include <stdio.h>

int main(void) {
    const uint32_t secrets[] = {0, 0xffffffffu, 0x5eedf00du};
    int failed = 0;
    for (size_t k = 0; k < sizeof(secrets) / sizeof(secrets[0]); k++) {
        uint32_t s = secrets[k];
        uint64_t bad = 0, bad_bits = 0;
        for (uint32_t x = 0; x <= HANDLE_PAYLOAD_MASK; x++) {
            uint32_t m = handle_mix(x, s);
            if (m > HANDLE_PAYLOAD_MASK || handle_unmix(m, s) != x) bad++;
            zx_handle_t v = handle_encode(s, x & HANDLE_INDEX_MASK, x >> HANDLE_INDEX_BITS);
            if (v == ZX_HANDLE_INVALID || (v & ZX_HANDLE_FIXED_BITS_MASK) != ZX_HANDLE_FIXED_BITS_MASK) bad_bits++;
        }
        printf("obj-handle-mix: secret 0x%08" PRIx32 ": %" PRIu64 " round-trip failures, %" PRIu64
               " bad values over 2^30 payloads\n",
               s, bad, bad_bits);
        if (bad || bad_bits) failed = 1;
    }
    printf("obj-handle-mix: %s\n", failed ? "FAILED" : "ok");
    return failed;
}
