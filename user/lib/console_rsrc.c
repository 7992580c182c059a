// Reading the console resource's name (see <zxrv/console_rsrc.h>).
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
