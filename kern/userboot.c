// Loading and starting init (see kern/userboot.h).
//
// The boot archive stays where the loader put it (reserved in the page
// allocator) and is also copied into a read-only VMO that init receives.
// init's ELF is parsed here with every field bounds checked: it comes from
// outside the kernel.
#include "kern/userboot.h"

#include <zircon/syscalls/object.h>
#include <zxrv/bootstrap.h>

#include "kern/bootargs.h"
#include "kern/lockdep.h"
#include "kern/panic.h"
#include "kern/printf.h"
#include "kern/riscv.h"
#include "kern/shutdown.h"
#include "kern/string.h"
#include "kern/ticks.h"
#include "mm/physmap.h"
#include "obj/channel.h"
#include "obj/job.h"
#include "obj/process.h"
#include "obj/resource.h"
#include "obj/vmar.h"
#include "obj/vmo.h"

#define INIT_STACK_SIZE (256 * 1024)

struct cpio_file {
    const uint8_t *data;
    uint64_t size;
};

static bool hex8(const uint8_t *p, uint32_t *out) {
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        uint8_t c = p[i];
        uint32_t d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return false;
        v = v << 4 | d;
    }
    *out = v;
    return true;
}

// Find `name` in a cpio "newc" archive of `len` bytes.
static bool cpio_find(const uint8_t *a, uint64_t len, const char *name, struct cpio_file *out) {
    uint64_t off = 0;
    size_t want = strlen(name);
    while (off + 110 <= len) {
        const uint8_t *h = a + off;
        uint32_t filesize, namesize;
        if (memcmp(h, "070701", 6) != 0 || !hex8(h + 54, &filesize) || !hex8(h + 94, &namesize)) return false;
        if (namesize == 0 || namesize > len - off - 110) return false;
        const char *n = (const char *)h + 110;
        if (n[namesize - 1] != 0) return false;
        uint64_t data = (off + 110 + namesize + 3) & ~3ull;
        if (data > len || filesize > len - data) return false;
        if (!strcmp(n, "TRAILER!!!")) return false;
        if (namesize - 1 == want && !memcmp(n, name, want)) {
            out->data = a + data;
            out->size = filesize;
            return true;
        }
        off = (data + filesize + 3) & ~3ull;
    }
    return false;
}

struct elf64_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4

static zx_status_t memcpy_in(void *ctx, size_t off, void *kva, size_t n) {
    memcpy(kva, (const uint8_t *)ctx + off, n);
    return ZX_OK;
}

static const char *load_elf(struct process *p, const uint8_t *elf, uint64_t size, uint64_t *entry) {
    struct elf64_ehdr eh;
    if (size < sizeof(eh)) return "too short for an ELF header";
    memcpy(&eh, elf, sizeof(eh));
    if (memcmp(eh.ident, "\177ELF", 4) || eh.ident[4] != 2 || eh.ident[5] != 1) return "not a little-endian ELF64";
    if (eh.type != 2 || eh.machine != 243) return "not a RISC-V executable";
    if (eh.phentsize != sizeof(struct elf64_phdr) || eh.phnum == 0 || eh.phnum > 64) return "bad program headers";
    if (eh.phoff > size || (uint64_t)eh.phnum * sizeof(struct elf64_phdr) > size - eh.phoff)
        return "program headers outside the file";
    bool entry_ok = false;
    for (unsigned i = 0; i < eh.phnum; i++) {
        struct elf64_phdr ph;
        memcpy(&ph, elf + eh.phoff + i * sizeof(ph), sizeof(ph));
        if (ph.type != PT_LOAD || ph.memsz == 0) continue;
        if (ph.filesz > ph.memsz || ph.offset > size || ph.filesz > size - ph.offset) return "segment outside the file";
        if ((ph.vaddr & PAGE_MASK) != (ph.offset & PAGE_MASK)) return "segment misaligned";
        if ((ph.flags & PF_W) && (ph.flags & PF_X)) return "segment both writable and executable";
        uint64_t start = page_round_down(ph.vaddr);
        if (ph.memsz > USER_ASPACE_TOP || ph.vaddr > USER_ASPACE_TOP - ph.memsz) return "segment outside user space";
        uint64_t end = page_round_up(ph.vaddr + ph.memsz);
        if (!user_range_ok(start, end - start)) return "segment outside user space";
        struct vmo *v;
        if (vmo_create(end - start, end - start, 0, &v) != ZX_OK) return "out of memory";
        zx_status_t st = vmo_write(v, ph.vaddr - start, ph.filesz, memcpy_in, (void *)(elf + ph.offset));
        uint32_t perms = (ph.flags & PF_R ? ZX_VM_PERM_READ : 0) | (ph.flags & PF_W ? ZX_VM_PERM_WRITE : 0) |
                         (ph.flags & PF_X ? ZX_VM_PERM_EXECUTE : 0);
        uint64_t addr;
        if (st == ZX_OK)
            st = vmar_map(p->root_vmar, perms | ZX_VM_SPECIFIC, start - p->root_vmar->base, v, 0, end - start, perms,
                          &addr);
        object_unref(&v->obj);
        if (st != ZX_OK) return "cannot map a segment";
        if (eh.entry >= ph.vaddr && eh.entry < ph.vaddr + ph.memsz && (ph.flags & PF_X)) entry_ok = true;
    }
    if (!entry_ok) return "entry point is not in an executable segment";
    *entry = eh.entry;
    return 0;
}

static void init_died(struct process *p) {
    int64_t code = p->return_code;
    kprintf("zxrv: init exited with %ld; powering off\n", code);
    if (bootarg_flag("lockdep.dump")) lockdep_dump();
    machine_exit((int)code);
}

void userboot_start(const struct dt_info *dt, const char *cmdline) {
    // What Fuchsia's vDSO constants would carry: the rate zx_ticks_get counts at.
    ticks_set_per_second(dt->timebase_frequency);
    if (!dt->initrd_start || dt->initrd_end <= dt->initrd_start)
        panic("userboot: no boot archive (QEMU -initrd / /chosen linux,initrd-start)");
    uint64_t alen = dt->initrd_end - dt->initrd_start;
    const uint8_t *archive = physmap_va(pa(dt->initrd_start));
    struct cpio_file init;
    if (!cpio_find(archive, alen, "init", &init)) panic("userboot: no \"init\" in the boot archive");

    struct process *p;
    if (process_create(job_root(), "init", 4, &p) != ZX_OK) panic("userboot: cannot create init");
    p->on_death = init_died;
    uint64_t entry;
    const char *why = load_elf(p, init.data, init.size, &entry);
    if (why) panic("userboot: init: %s", why);

    struct vmo *stack, *bootfs;
    uint64_t stack_base;
    if (vmo_create(INIT_STACK_SIZE, INIT_STACK_SIZE, 0, &stack) != ZX_OK ||
        vmar_map(p->root_vmar, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, stack, 0, INIT_STACK_SIZE,
                 ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, &stack_base) != ZX_OK)
        panic("userboot: no memory for init's stack");
    object_unref(&stack->obj);
    if (vmo_create(page_round_up(alen), alen, 0, &bootfs) != ZX_OK ||
        vmo_write(bootfs, 0, alen, memcpy_in, (void *)archive) != ZX_OK)
        panic("userboot: no memory for the boot archive VMO");
    object_set_name(&bootfs->obj, "bootfs", 6);

    struct thread_obj *t;
    struct channel *mine, *theirs;
    if (thread_obj_create(p, "init", 4, &t) != ZX_OK || channel_create_pair(&mine, &theirs) != ZX_OK)
        panic("userboot: no memory for init's thread");

    // The bootstrap message: header, tags, then argv = "init" + the command line words.
    static const uint32_t tags[] = {PA_HND(PA_PROC_SELF, 0), PA_HND(PA_VMAR_ROOT, 0), PA_HND(PA_THREAD_SELF, 0),
                                    PA_HND(PA_JOB_DEFAULT, 0), PA_HND(PA_RESOURCE, 0), PA_HND(ZXRV_PA_BOOT_ARCHIVE, 0)};
    struct object *objs[] = {&p->obj, &p->root_vmar->obj, &t->obj, &job_root()->obj, &resource_root()->obj,
                             &bootfs->obj};
    const zx_rights_t rights[] = {ZX_DEFAULT_PROCESS_RIGHTS,
                                  ZX_DEFAULT_VMAR_RIGHTS | ZX_RIGHT_READ | ZX_RIGHT_WRITE | ZX_RIGHT_EXECUTE,
                                  ZX_DEFAULT_THREAD_RIGHTS,
                                  ZX_DEFAULT_JOB_RIGHTS,
                                  ZX_DEFAULT_RESOURCE_RIGHTS,
                                  (ZX_DEFAULT_VMO_RIGHTS & ~ZX_RIGHT_WRITE)};
    const uint32_t nh = sizeof(tags) / sizeof(tags[0]);
    char args[512], console[96] = "";
    uint32_t argc = 0, alen_used = 0;
    if (dt->console.size && dt->console.compatible[0])
        ksnprintf(console, sizeof(console), "zxrv.console=%lx:%lx:%u:%u:%s", dt->console.base, dt->console.size,
                  dt->console.reg_shift, dt->console.reg_io_width, dt->console.compatible);
    const char *words[3] = {"init", console, cmdline};
    for (int w = 0; w < 3; w++) {
        for (const char *s = words[w]; *s;) {
            while (*s == ' ') s++;
            if (!*s) break;
            while (*s && *s != ' ' && alen_used < sizeof(args) - 1) args[alen_used++] = *s++;
            if (alen_used >= sizeof(args) - 1) panic("userboot: command line too long");
            args[alen_used++] = 0;
            argc++;
        }
    }
    zxrv_bootstrap_t hdr = {ZXRV_BOOTSTRAP_MAGIC, ZXRV_BOOTSTRAP_VERSION, argc, nh, sizeof(hdr),
                            (uint32_t)(sizeof(hdr) + sizeof(tags)), alen_used, 0};
    struct channel_msg *m = channel_msg_alloc((uint32_t)(sizeof(hdr) + sizeof(tags) + alen_used), nh);
    if (!m) panic("userboot: no memory for the bootstrap message");
    memcpy(m->bytes, &hdr, sizeof(hdr));
    memcpy(m->bytes + sizeof(hdr), tags, sizeof(tags));
    memcpy(m->bytes + hdr.args_off, args, alen_used);
    for (uint32_t i = 0; i < nh; i++) {
        object_ref(objs[i]);
        object_handle_added(objs[i]);  // an in-flight handle
        m->handles[i].obj = objs[i];
        m->handles[i].rights = rights[i];
    }
    if (channel_write(mine, m) != ZX_OK) panic("userboot: cannot write the bootstrap message");
    object_unref(&bootfs->obj);

    zx_handle_t boot_handle;
    object_handle_added(&theirs->obj);
    if (handle_add(&p->handles, &theirs->obj, ZX_DEFAULT_CHANNEL_RIGHTS, &boot_handle) != ZX_OK)
        panic("userboot: no memory for init's handles");
    object_handle_removed(&theirs->obj);
    object_unref(&theirs->obj);
    // Our end: we never read it; closing it lets init see PEER_CLOSED after reading.
    object_handle_added(&mine->obj);
    object_handle_removed(&mine->obj);
    object_unref(&mine->obj);

    uint64_t sp = stack_base + INIT_STACK_SIZE;
    if (thread_obj_start(t, entry, sp, boot_handle, 0, true) != ZX_OK) panic("userboot: cannot start init");
    object_unref(&t->obj);
    object_unref(&p->obj);  // p stays alive through its thread
    extern uint64_t boot_instret_entry;
    kprintf("zxrv: started init (entry %p, %lu bytes) from the boot archive; instret %lu since kernel entry\n",
            (void *)entry, init.size, csr_read_instret() - boot_instret_entry);
}
