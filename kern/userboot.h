// Starting the first user process, `init`, from the boot archive.
#ifndef KERN_USERBOOT_H
#define KERN_USERBOOT_H

#include "platform/dt.h"

// Find "init" in the cpio "newc" archive that the boot loader put at
// /chosen linux,initrd-start..end, load it (validating its ELF headers) into
// a new process under the root job, and start it with the bootstrap message
// of <zxrv/bootstrap.h>. When init exits, the machine powers off with its
// return code. Panics with a clear message if there is no usable init.
void userboot_start(const struct dt_info *dt, const char *cmdline);
#endif
