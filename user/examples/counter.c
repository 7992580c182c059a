// counter: the README's example. Keeps a counter in a VMO: writes it, reads it back, prints it.
#include <stdio.h>
#include <zircon/syscalls.h>

int main(void) {
    zx_handle_t vmo;
    if (zx_vmo_create(4096, 0, &vmo) != ZX_OK) return 1;
    for (uint64_t i = 1, n = 0; i <= 3; i++) {
        zx_vmo_write(vmo, &i, 0, sizeof i);
        zx_vmo_read(vmo, &n, 0, sizeof n);
        printf("counter: %llu\n", (unsigned long long)n);
    }
    return zx_handle_close(vmo);
}
