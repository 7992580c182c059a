// The console UART's MMIO resource (PA_HND(ZXRV_PA_CONSOLE_MMIO, 0),
// <zxrv/bootstrap.h>): init names it "COMPAT/REG_SHIFT/REG_IO_WIDTH" after
// the device tree's stdout node. Its drivers (uartdrv, consoled) map it with
// zxrv_console_rsrc_map; zxrv_console_rsrc_parse reads the name alone.
#ifndef ZXRV_CONSOLE_RSRC_H_
#define ZXRV_CONSOLE_RSRC_H_

#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

// compat: the compatible string (NUL terminated, at most ZX_MAX_NAME_LEN
// bytes with the NUL); *shift and *width: reg-shift and reg-io-width, 0 and 1
// when the name does not give them.
void zxrv_console_rsrc_parse(const char *name, char compat[ZX_MAX_NAME_LEN], unsigned *shift, unsigned *width);

typedef struct zxrv_console_regs {
    uint64_t base;           // the UART's physical address (the resource's base)
    volatile uint8_t *regs;  // the UART's first register, mapped
    size_t size;             // bytes mapped from regs on
    zx_vaddr_t map_addr;     // the whole mapping (page aligned), for zx_vmar_unmap
    size_t map_len;
    char compat[ZX_MAX_NAME_LEN];
    unsigned shift, width;
} zxrv_console_regs_t;

// Read the resource's range and name, make a physical VMO for the pages it
// covers and map them read/write in the root VMAR (the VMO handle is closed
// again). On failure *failed_step says which call failed: 0 ZX_INFO_RESOURCE,
// 1 zx_vmo_create_physical, 2 zx_vmar_map; *failed_call names it.
zx_status_t zxrv_console_rsrc_map(zx_handle_t rsrc, zxrv_console_regs_t *out, int *failed_step,
                                  const char **failed_call);

#endif
