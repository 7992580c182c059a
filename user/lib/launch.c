// zxrv_launch(): start an ELF executable as a new process (<zxrv/launch.h>).
//
// Steps, each undone on failure (every handle created here is closed, the
// caller's handles are always consumed):
//   1. check the ELF (zxrv_elf_check) and encode the bootstrap message
//   2. zx_process_create -> process + root VMAR
//   3. per PT_LOAD: a VMO of the segment's whole pages, the file bytes
//      written at the segment's offset within its first page (the rest stays
//      zero: .bss), mapped ZX_VM_SPECIFIC at the page address with the
//      segment's permissions; the VMO handle is closed (the mapping keeps it)
//   4. a stack VMO mapped read/write anywhere; sp = its top
//   5. zx_thread_create, zx_channel_create
//   6. write the message with [dup(process), vmar, dup(thread), caller's
//      handles] into one end, close that end
//   7. zx_process_start(process, thread, entry, sp, other end, 0)
#include <stdlib.h>
#include <string.h>
#include <zircon/syscalls.h>
#include <zxrv/bootstrap.h>
#include <zxrv/bootstrap_msg.h>
#include <zxrv/elf.h>
#include <zxrv/launch.h>

#define PAGE ((uint64_t)ZXRV_ELF_PAGE_SIZE)
#define FIXED_HANDLES 3u  // PROC_SELF, VMAR_ROOT, THREAD_SELF

_Static_assert(ZXRV_USER_BASE % ZXRV_ELF_PAGE_SIZE == 0, "user base is page-aligned");
_Static_assert(ZXRV_USER_END % ZXRV_ELF_PAGE_SIZE == 0, "user end is page-aligned");
_Static_assert(ZXRV_LAUNCH_STACK_SIZE % ZXRV_ELF_PAGE_SIZE == 0, "stack is whole pages");

static void close_handle(zx_handle_t *h) {
    if (*h != ZX_HANDLE_INVALID) {
        (void)zx_handle_close(*h);
        *h = ZX_HANDLE_INVALID;
    }
}

static void close_all(const zx_handle_t *handles, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        if (handles[i] != ZX_HANDLE_INVALID)
            (void)zx_handle_close(handles[i]);
    }
}

// An executable mapping needs a VMO handle with ZX_RIGHT_EXECUTE, which
// zx_vmo_create never grants. Zircon's way is zx_vmo_replace_as_executable
// (with vmex = ZX_HANDLE_INVALID under the ZX_POL_AMBIENT_MARK_VMO_EXEC job
// policy). user/meson.build defines ZXRV_HAVE_VMO_REPLACE_AS_EXECUTABLE when
// sys/syscalls.def lists that call; until then the kernel must accept
// ZX_VM_PERM_EXECUTE for these VMOs (see user/README.md).
static zx_status_t make_executable(zx_handle_t *vmo) {
#if ZXRV_HAVE_VMO_REPLACE_AS_EXECUTABLE
    zx_handle_t x = ZX_HANDLE_INVALID;
    zx_status_t st = zx_vmo_replace_as_executable(*vmo, ZX_HANDLE_INVALID, &x);
    *vmo = x;  // the old handle is gone whatever the result
    return st;
#else
    (void)vmo;
    return ZX_OK;
#endif
}

static zx_vm_option_t perms(uint32_t flags) {
    zx_vm_option_t o = 0;
    if (flags & ZXRV_PF_R)
        o |= ZX_VM_PERM_READ;
    if (flags & ZXRV_PF_W)
        o |= ZX_VM_PERM_WRITE;
    if (flags & ZXRV_PF_X)
        o |= ZX_VM_PERM_EXECUTE;
    return o;
}

static zx_status_t load_segment(zx_handle_t vmar, const uint8_t *elf, const zxrv_elf_segment_t *s) {
    // zxrv_elf_check bounded vaddr + memsz by ZXRV_USER_END: no overflow.
    uint64_t page_start = s->vaddr & ~(PAGE - 1);
    uint64_t in_page = s->vaddr - page_start;
    uint64_t len = (in_page + s->memsz + PAGE - 1) & ~(PAGE - 1);

    zx_handle_t vmo = ZX_HANDLE_INVALID;
    zx_status_t st = zx_vmo_create(len, 0, &vmo);
    if (st != ZX_OK)
        return st;
    if (s->filesz > 0)
        st = zx_vmo_write(vmo, elf + s->offset, in_page, (size_t)s->filesz);
    if (st == ZX_OK && (s->flags & ZXRV_PF_X))
        st = make_executable(&vmo);
    if (st == ZX_OK) {
        zx_vaddr_t addr = 0;
        st = zx_vmar_map(vmar, ZX_VM_SPECIFIC | perms(s->flags), (size_t)(page_start - ZXRV_USER_BASE),
                         vmo, 0, (size_t)len, &addr);
        if (st == ZX_OK && addr != page_start)
            st = ZX_ERR_BAD_STATE;  // the root VMAR is not where <zxrv/launch.h> assumes
    }
    close_handle(&vmo);
    return st;
}

static zx_status_t map_stack(zx_handle_t vmar, uint64_t *out_sp) {
    zx_handle_t vmo = ZX_HANDLE_INVALID;
    zx_status_t st = zx_vmo_create(ZXRV_LAUNCH_STACK_SIZE, 0, &vmo);
    if (st != ZX_OK)
        return st;
    zx_vaddr_t addr = 0;
    st = zx_vmar_map(vmar, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, ZXRV_LAUNCH_STACK_SIZE, &addr);
    close_handle(&vmo);
    if (st != ZX_OK)
        return st;
    if (addr < ZXRV_USER_BASE || addr > ZXRV_USER_END - ZXRV_LAUNCH_STACK_SIZE || addr % PAGE != 0)
        return ZX_ERR_BAD_STATE;  // the kernel put it somewhere impossible
    *out_sp = addr + ZXRV_LAUNCH_STACK_SIZE;  // page-aligned, so 16-aligned
    return ZX_OK;
}

static size_t name_len(const char *name) {
    return strnlen(name, ZX_MAX_NAME_LEN - 1);  // Zircon keeps at most 31 bytes
}

zx_status_t zxrv_launch(zx_handle_t job, const char *name, const void *elf, size_t elf_size,
                        int argc, const char *const *argv, const uint32_t *tags,
                        const zx_handle_t *handles, uint32_t nhandles, zx_handle_t *out_process) {
    // Until the message is written, the caller's handles are ours to close.
    int own_caller_handles = 1;
    zx_status_t st;
    zx_handle_t proc = ZX_HANDLE_INVALID, vmar = ZX_HANDLE_INVALID, thread = ZX_HANDLE_INVALID;
    zx_handle_t ch_ours = ZX_HANDLE_INVALID, ch_theirs = ZX_HANDLE_INVALID;
    zx_handle_t *all = NULL;
    uint32_t *all_tags = NULL;
    uint8_t *msg = NULL;
    size_t msg_len = 0;
    uint32_t total = FIXED_HANDLES + nhandles;  // nhandles is checked before use
    uint64_t sp = 0;
    zx_handle_t arg = ZX_HANDLE_INVALID;
    zxrv_elf_image_t img;

    if (nhandles > 0 && handles == NULL)
        return ZX_ERR_INVALID_ARGS;  // nothing to consume
    if (name == NULL || elf == NULL || out_process == NULL || argc < 0 ||
        (argc > 0 && argv == NULL) || (nhandles > 0 && tags == NULL)) {
        st = ZX_ERR_INVALID_ARGS;
        goto fail;
    }
    if (nhandles > ZXRV_BOOTSTRAP_MAX_HANDLES - FIXED_HANDLES) {
        st = ZX_ERR_OUT_OF_RANGE;
        goto fail;
    }
    for (uint32_t i = 0; i < nhandles; i++) {
        if (handles[i] == ZX_HANDLE_INVALID) {
            st = ZX_ERR_BAD_HANDLE;
            goto fail;
        }
    }

    st = zxrv_elf_check(elf, elf_size, ZXRV_USER_BASE, ZXRV_USER_END, &img, NULL);
    if (st != ZX_OK)
        goto fail;

    // The message and the handle array, before any kernel object exists.
    st = zxrv_bootstrap_size((uint32_t)argc, argv, total, &msg_len);
    if (st != ZX_OK)
        goto fail;
    msg = malloc(msg_len);
    all = malloc(total * sizeof *all);
    all_tags = malloc(total * sizeof *all_tags);
    if (msg == NULL || all == NULL || all_tags == NULL) {
        st = ZX_ERR_NO_MEMORY;
        goto fail;
    }
    all_tags[0] = PA_HND(PA_PROC_SELF, 0);
    all_tags[1] = PA_HND(PA_VMAR_ROOT, 0);
    all_tags[2] = PA_HND(PA_THREAD_SELF, 0);
    if (nhandles > 0)
        memcpy(all_tags + FIXED_HANDLES, tags, nhandles * sizeof *tags);
    st = zxrv_bootstrap_encode(msg, msg_len, (uint32_t)argc, argv, all_tags, total, &msg_len);
    if (st != ZX_OK)
        goto fail;

    st = zx_process_create(job, name, name_len(name), 0, &proc, &vmar);
    if (st != ZX_OK)
        goto fail;
    for (uint32_t i = 0; i < img.nsegments; i++) {
        st = load_segment(vmar, elf, &img.segments[i]);
        if (st != ZX_OK)
            goto fail;
    }
    st = map_stack(vmar, &sp);
    if (st != ZX_OK)
        goto fail;
    st = zx_thread_create(proc, "main", 4, 0, &thread);
    if (st != ZX_OK)
        goto fail;
    st = zx_channel_create(0, &ch_ours, &ch_theirs);
    if (st != ZX_OK)
        goto fail;

    all[0] = all[1] = all[2] = ZX_HANDLE_INVALID;
    st = zx_handle_duplicate(proc, ZX_RIGHT_SAME_RIGHTS, &all[0]);
    if (st == ZX_OK)
        st = zx_handle_duplicate(thread, ZX_RIGHT_SAME_RIGHTS, &all[2]);
    if (st != ZX_OK) {
        close_all(all, FIXED_HANDLES);
        goto fail;
    }
    all[1] = vmar;
    vmar = ZX_HANDLE_INVALID;  // travels in the message from here on
    if (nhandles > 0)
        memcpy(all + FIXED_HANDLES, handles, nhandles * sizeof *handles);

    // zx_channel_write consumes every handle it is given, success or failure.
    own_caller_handles = 0;
    st = zx_channel_write(ch_ours, 0, msg, (uint32_t)msg_len, all, total);
    close_handle(&ch_ours);  // the message stays queued for the other end
    if (st != ZX_OK)
        goto fail;

    // zx_process_start consumes its handle argument, success or failure.
    arg = ch_theirs;
    ch_theirs = ZX_HANDLE_INVALID;
    st = zx_process_start(proc, thread, img.entry, sp, arg, 0);
    if (st != ZX_OK)
        goto fail;

    close_handle(&thread);
    free(msg);
    free(all);
    free(all_tags);
    *out_process = proc;
    return ZX_OK;

fail:
    if (own_caller_handles)
        close_all(handles, nhandles);
    close_handle(&ch_ours);
    close_handle(&ch_theirs);
    close_handle(&thread);
    close_handle(&vmar);
    close_handle(&proc);  // never started: the process dies with its last handle
    free(msg);
    free(all);
    free(all_tags);
    return st;
}
