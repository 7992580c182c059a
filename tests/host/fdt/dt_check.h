// Shared by the fdt host tests: the invariants every dt_parse() output must
// satisfy, whatever the blob, and dt_check_load (load_file.h, refusing
// empty files).
#ifndef TESTS_HOST_FDT_DT_CHECK_H
#define TESTS_HOST_FDT_DT_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_file.h"
#include "platform/dt.h"

#define DT_CHECK_FAIL(...)                           \
    do {                                             \
        snprintf(err, errcap, __VA_ARGS__);          \
        return false;                                \
    } while (0)

static inline bool dt_check_terminated(const char *s, size_t cap) { return memchr(s, 0, cap) != NULL; }

static inline bool dt_check_overlap(uint64_t b1, uint64_t s1, uint64_t b2, uint64_t s2) {
    return b1 < b2 + s2 && b2 < b1 + s1;
}

// Everything dt.h promises about a successfully parsed dt_info.
static inline bool dt_check_invariants(const struct dt_info *d, char *err, size_t errcap) {
    if (d->n_memory > DT_MAX_MEM || d->n_reserved > DT_MAX_RESERVED || d->n_cpus > DT_MAX_CPUS ||
        d->n_mmio > DT_MAX_MMIO)
        DT_CHECK_FAIL("count over its table (%u %u %u %u)", d->n_memory, d->n_reserved, d->n_cpus, d->n_mmio);
    if (!dt_check_terminated(d->model, sizeof(d->model)) || !dt_check_terminated(d->bootargs, sizeof(d->bootargs)) ||
        !dt_check_terminated(d->stdout_path, sizeof(d->stdout_path)) ||
        !dt_check_terminated(d->console.compatible, sizeof(d->console.compatible)))
        DT_CHECK_FAIL("unterminated string");
    for (unsigned i = 0; i < d->n_memory; i++)
        if (d->memory[i].size == 0 || d->memory[i].size > UINT64_MAX - d->memory[i].base)
            DT_CHECK_FAIL("memory[%u] empty or wraps", i);
    for (unsigned i = 0; i < d->n_reserved; i++) {
        if (d->reserved[i].size == 0 || d->reserved[i].size > UINT64_MAX - d->reserved[i].base)
            DT_CHECK_FAIL("reserved[%u] empty or wraps", i);
        if (!dt_check_terminated(d->reserved[i].name, sizeof(d->reserved[i].name)))
            DT_CHECK_FAIL("reserved[%u] name unterminated", i);
    }
    for (unsigned i = 0; i < d->n_cpus; i++)
        if (!dt_check_terminated(d->cpus[i].isa, sizeof(d->cpus[i].isa)) ||
            !dt_check_terminated(d->cpus[i].mmu_type, sizeof(d->cpus[i].mmu_type)))
            DT_CHECK_FAIL("cpu[%u] string unterminated", i);
    if (d->console.size > UINT64_MAX - d->console.base) DT_CHECK_FAIL("console range wraps");
    for (unsigned i = 0; i < d->n_mmio; i++) {
        const struct dt_mmio *m = &d->mmio[i];
        if (m->size == 0 || m->size > UINT64_MAX - m->base) DT_CHECK_FAIL("mmio[%u] empty or wraps", i);
        if (m->flags & ~DT_MMIO_INTC) DT_CHECK_FAIL("mmio[%u] unknown flags %#x", i, m->flags);
        if (!dt_check_terminated(m->path, sizeof(m->path)) ||
            !dt_check_terminated(m->compatible, sizeof(m->compatible)))
            DT_CHECK_FAIL("mmio[%u] string unterminated", i);
        if (i > 0 && d->mmio[i - 1].base + d->mmio[i - 1].size > m->base)
            DT_CHECK_FAIL("mmio[%u] not sorted or overlaps mmio[%u]", i, i - 1);
        for (unsigned j = 0; j < d->n_memory; j++)
            if (dt_check_overlap(m->base, m->size, d->memory[j].base, d->memory[j].size))
                DT_CHECK_FAIL("mmio[%u] %s overlaps memory[%u]", i, m->path, j);
        for (unsigned j = 0; j < d->n_reserved; j++)
            if (dt_check_overlap(m->base, m->size, d->reserved[j].base, d->reserved[j].size))
                DT_CHECK_FAIL("mmio[%u] %s overlaps reserved[%u] %s", i, m->path, j, d->reserved[j].name);
    }
    return true;
}

// The whole file in a malloc'd buffer of exactly its size (*len); NULL for
// an empty file too.
static inline unsigned char *dt_check_load(const char *path, size_t *len) {
    unsigned char *buf = load_file(path, len);
    if (buf && *len == 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

#endif
