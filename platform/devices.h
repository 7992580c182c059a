// The device list of <zxrv/devices.h> (ZXRV_INFO_DEVICES): the device tree's
// MMIO resource map with each entry's interrupts, copied at boot so that it
// outlives the boot-time struct dt_info. Written once before user mode
// starts, read unlocked afterwards.
#ifndef PLATFORM_DEVICES_H
#define PLATFORM_DEVICES_H

#include <stddef.h>
#include <zxrv/devices.h>

struct dt_info;

void devices_init(const struct dt_info *dt);
// The list and its length.
const zxrv_device_info_t *devices_list(size_t *count);

#endif
