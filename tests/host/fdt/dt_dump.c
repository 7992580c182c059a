// dt_dump FILE.dtb...: print what our dt_parse() (platform/dt.c) makes of
// each blob, in the canonical text format that dt_ref (the libfdt reference)
// prints too, so that the two can be compared line by line:
//
//   totalsize N
//   model "S"
//   bootargs "S"
//   stdout-path "S"
//   initrd 0xSTART 0xEND
//   timebase N
//   memory 0xBASE 0xSIZE                   (one per range, document order)
//   reserved 0xBASE 0xSIZE "NAME"          (/memreserve/ first, then /reserved-memory)
//   cpu HARTID okay|disabled "ISA" "MMU" svpbmt|-   (document order)
//   console 0xBASE 0xSIZE shift N width N clock N "COMPAT"
//   poweroff 0xBASE
//   mmio 0xBASE 0xSIZE intc|- "PATH" "COMPAT"   (sorted by base)
//   truncated 0|1
//
// Strings are cut to the dt_info field sizes; '"', '\' and bytes outside
// 0x20..0x7e are escaped (\" \\ \xNN). A refused blob prints
// "refused STATUS MESSAGE" and makes the exit status 1.
#include <stdio.h>
#include <stdlib.h>

#include "load_file.h"
#include "platform/dt.h"

static void put_str(const char *s) {
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') printf("\\%c", *p);
        else if (*p < 0x20 || *p > 0x7e) printf("\\x%02x", *p);
        else putchar(*p);
    }
    putchar('"');
}

static void print_info(const struct dt_info *d) {
    printf("totalsize %u\nmodel ", d->totalsize);
    put_str(d->model);
    printf("\nbootargs ");
    put_str(d->bootargs);
    printf("\nstdout-path ");
    put_str(d->stdout_path);
    printf("\ninitrd 0x%llx 0x%llx\n", (unsigned long long)d->initrd_start, (unsigned long long)d->initrd_end);
    printf("timebase %llu\n", (unsigned long long)d->timebase_frequency);
    for (unsigned i = 0; i < d->n_memory; i++)
        printf("memory 0x%llx 0x%llx\n", (unsigned long long)d->memory[i].base,
               (unsigned long long)d->memory[i].size);
    for (unsigned i = 0; i < d->n_reserved; i++) {
        printf("reserved 0x%llx 0x%llx ", (unsigned long long)d->reserved[i].base,
               (unsigned long long)d->reserved[i].size);
        put_str(d->reserved[i].name);
        putchar('\n');
    }
    for (unsigned i = 0; i < d->n_cpus; i++) {
        printf("cpu %u %s ", d->cpus[i].hartid, d->cpus[i].okay ? "okay" : "disabled");
        put_str(d->cpus[i].isa);
        putchar(' ');
        put_str(d->cpus[i].mmu_type);
        printf(" %s\n", d->cpus[i].svpbmt ? "svpbmt" : "-");
    }
    const struct dt_console *c = &d->console;
    printf("console 0x%llx 0x%llx shift %u width %u clock %u ", (unsigned long long)c->base,
           (unsigned long long)c->size, c->reg_shift, c->reg_io_width, c->clock_frequency);
    put_str(c->compatible);
    printf("\npoweroff 0x%llx\n", (unsigned long long)d->poweroff_base);
    for (unsigned i = 0; i < d->n_mmio; i++) {
        const struct dt_mmio *m = &d->mmio[i];
        printf("mmio 0x%llx 0x%llx %s ", (unsigned long long)m->base, (unsigned long long)m->size,
               (m->flags & DT_MMIO_INTC) ? "intc" : "-");
        put_str(m->path);
        putchar(' ');
        put_str(m->compatible);
        putchar('\n');
    }
    printf("truncated %d\n", d->truncated ? 1 : 0);
}

int main(int argc, char **argv) {
    static struct dt_info info;
    int rc = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE.dtb...\n", argv[0]);
        return 2;
    }
    for (int a = 1; a < argc; a++) {
        size_t n;
        unsigned char *buf = load_file(argv[a], &n);
        if (!buf) {
            perror(argv[a]);
            return 2;
        }
        if (argc > 2) printf("== %s\n", argv[a]);
        const char *why = "";
        zx_status_t st = dt_parse(buf, n, &info, &why);
        if (st != ZX_OK) {
            printf("refused %d %s\n", st, why);
            rc = 1;
        } else {
            print_info(&info);
        }
        free(buf);
    }
    return rc;
}
