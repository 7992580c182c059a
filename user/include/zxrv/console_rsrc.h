// The console UART's MMIO resource (PA_HND(ZXRV_PA_CONSOLE_MMIO, 0),
// <zxrv/bootstrap.h>): init names it "COMPAT/REG_SHIFT/REG_IO_WIDTH" after
// the device tree's stdout node. Its drivers (uartdrv, consoled) read the
// name back with zxrv_console_rsrc_parse. Pure code over the name; no calls.
#ifndef ZXRV_CONSOLE_RSRC_H_
#define ZXRV_CONSOLE_RSRC_H_

#include <zircon/types.h>

// compat: the compatible string (NUL terminated, at most ZX_MAX_NAME_LEN
// bytes with the NUL); *shift and *width: reg-shift and reg-io-width, 0 and 1
// when the name does not give them.
void zxrv_console_rsrc_parse(const char *name, char compat[ZX_MAX_NAME_LEN], unsigned *shift, unsigned *width);

#endif
