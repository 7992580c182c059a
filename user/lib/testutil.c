// Test helpers (see <zxrv/testutil.h>).
#include <zxrv/testutil.h>

#include <stdlib.h>
#include <string.h>
#include <zircon/process.h>
#include <zircon/syscalls.h>
#include <zxrv/bootstrap.h>
#include <zxrv/cpio.h>

zx_handle_t zxrv_bootfs_vmo(void) {
    static zx_handle_t h = ZX_HANDLE_INVALID;
    if (h == ZX_HANDLE_INVALID) h = zx_take_startup_handle(PA_HND(ZXRV_PA_BOOT_ARCHIVE, 0));
    return h;
}

zx_handle_t zxrv_root_resource(void) {
    static zx_handle_t h = ZX_HANDLE_INVALID;
    if (h == ZX_HANDLE_INVALID) h = zx_take_startup_handle(PA_HND(PA_RESOURCE, 0));
    return h;
}

static zx_status_t vmo_reader(void *ctx, uint64_t offset, void *buf, size_t len) {
    return zx_vmo_read(*(zx_handle_t *)ctx, buf, offset, len);
}

void *zxrv_load_program(const char *name, size_t *out_len) {
    zx_handle_t vmo = zxrv_bootfs_vmo();
    uint64_t size = 0;
    zxrv_cpio_entry_t e;
    if (vmo == ZX_HANDLE_INVALID || zx_vmo_get_size(vmo, &size) != ZX_OK ||
        zxrv_cpio_find(vmo_reader, &vmo, size, name, &e, NULL) != ZX_OK)
        return NULL;
    void *buf = malloc((size_t)e.size);
    if (buf && zx_vmo_read(vmo, buf, e.data_offset, (size_t)e.size) != ZX_OK) {
        free(buf);
        return NULL;
    }
    *out_len = (size_t)e.size;
    return buf;
}

int64_t zxrv_wait_exit(zx_handle_t proc) {
    zx_info_process_t info;
    memset(&info, 0, sizeof info);
    if (zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, ZX_TIME_INFINITE, NULL) != ZX_OK ||
        zx_object_get_info(proc, ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL) != ZX_OK ||
        !(info.flags & ZX_INFO_PROCESS_FLAG_EXITED))
        return INT64_MIN;
    return info.return_code;
}

zx_status_t zxrv_kernel_stats(zxrv_kernel_stats_t *out) {
    memset(out, 0, sizeof *out);
    return zx_object_get_info(zxrv_root_resource(), ZXRV_INFO_KERNEL_STATS, out, sizeof *out, NULL, NULL);
}

uint64_t zxrv_futex_waiters(void) {
    zxrv_kernel_stats_t ks;
    if (zxrv_kernel_stats(&ks) != ZX_OK) return UINT64_MAX;
    return ks.futex_waiters;
}

zx_koid_t zxrv_koid_of(zx_handle_t h) {
    zx_info_handle_basic_t info;
    memset(&info, 0, sizeof info);
    if (zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL) != ZX_OK) return 0;
    return info.koid;
}
