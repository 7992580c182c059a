// zx_status_get_string(): the name of a status code, as in Fuchsia's
// <zircon/status.h>. Implemented in user space (user/libzircon/status.c).
#ifndef SYSROOT_ZIRCON_STATUS_H_
#define SYSROOT_ZIRCON_STATUS_H_

#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

// "ZX_OK", "ZX_ERR_BAD_HANDLE", ...; "(UNKNOWN)" for any other value.
const char *zx_status_get_string(zx_status_t status);

#ifdef __cplusplus
}
#endif

#endif
