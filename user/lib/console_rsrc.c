// Reading and mapping the console resource (see <zxrv/console_rsrc.h>).
#include <stdlib.h>
#include <string.h>
#include <zxrv/console_rsrc.h>

void zxrv_console_rsrc_parse(const char *name, char compat[ZX_MAX_NAME_LEN], unsigned *shift, unsigned *width) {
    strncpy(compat, name, ZX_MAX_NAME_LEN - 1);
    compat[ZX_MAX_NAME_LEN - 1] = 0;
    *shift = 0;
    *width = 1;
    char *slash = strchr(compat, '/');
    if (slash) {
        *slash = 0;
        *shift = (unsigned)strtoul(slash + 1, &slash, 10);
        if (*slash == '/') *width = (unsigned)strtoul(slash + 1, NULL, 10);
    }
}

#include <zircon/process.h>
#include <zircon/syscalls.h>

#define PAGE 4096ull

zx_status_t zxrv_console_rsrc_map(zx_handle_t rsrc, zxrv_console_regs_t *out, int *failed_step,
                                  const char **failed_call) {
    static const char *const calls[] = {"ZX_INFO_RESOURCE", "zx_vmo_create_physical", "zx_vmar_map"};
    memset(out, 0, sizeof(*out));
    zx_info_resource_t info;
    zx_status_t st = zx_object_get_info(rsrc, ZX_INFO_RESOURCE, &info, sizeof info, NULL, NULL);
    int step = 0;
    if (st == ZX_OK) {
        zxrv_console_rsrc_parse(info.name, out->compat, &out->shift, &out->width);
        uint64_t page_base = info.base & ~(PAGE - 1);
        uint64_t len = (info.base + info.size - page_base + PAGE - 1) & ~(PAGE - 1);
        zx_handle_t vmo;
        step = 1;
        st = zx_vmo_create_physical(rsrc, page_base, len, &vmo);
        if (st == ZX_OK) {
            step = 2;
            st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, len,
                             &out->map_addr);
            zx_handle_close(vmo);
        }
        if (st == ZX_OK) {
            out->base = info.base;
            out->map_len = len;
            out->regs = (volatile uint8_t *)(out->map_addr + (info.base - page_base));
            out->size = (size_t)(len - (info.base - page_base));
        }
    }
    if (st != ZX_OK) {
        *failed_step = step;
        *failed_call = calls[step];
    }
    return st;
}
