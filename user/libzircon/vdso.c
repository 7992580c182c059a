// The `vdso` system calls of sys/syscalls.def: answered in user space,
// without entering the kernel (tools/gen-syscalls.py generates no stub for
// them). Each has its _zx_ alias, as the generated stubs do.
#include <zircon/syscalls.h>

uint32_t zx_system_get_page_size(void) {
    return 4096u;
}

uint32_t _zx_system_get_page_size(void) __attribute__((alias("zx_system_get_page_size")));
