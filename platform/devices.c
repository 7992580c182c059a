// The device list (see platform/devices.h).
#include "platform/devices.h"

#include "kern/string.h"
#include "platform/dt.h"

_Static_assert(ZXRV_DEVICE_MAX_IRQS == DT_MAX_IRQS, "one interrupt table size");
_Static_assert(ZXRV_DEVICE_PATH_LEN == DT_PATH_LEN && ZXRV_DEVICE_COMPAT_LEN == DT_COMPAT_LEN, "same strings");
_Static_assert(ZXRV_DEVICE_INTC == DT_MMIO_INTC, "same flag");

static zxrv_device_info_t list[DT_MAX_MMIO];
static size_t count;

void devices_init(const struct dt_info *dt) {
    count = 0;
    for (unsigned i = 0; i < dt->n_mmio && i < DT_MAX_MMIO; i++) {
        const struct dt_mmio *m = &dt->mmio[i];
        zxrv_device_info_t *d = &list[count++];
        memset(d, 0, sizeof(*d));
        d->base = m->base;
        d->size = m->size;
        d->flags = m->flags & DT_MMIO_INTC;
        d->irq_count = m->n_irqs;
        for (unsigned k = 0; k < m->n_irqs && k < DT_MAX_IRQS; k++) {
            d->irqs[k] = m->irqs[k];
            d->irq_modes[k] = m->irq_modes[k];
        }
        str_copy(d->path, m->path, sizeof(d->path));
        str_copy(d->compatible, m->compatible, sizeof(d->compatible));
    }
}

const zxrv_device_info_t *devices_list(size_t *n) {
    *n = count;
    return list;
}
