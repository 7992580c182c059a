/* The `vdso` calls of sys/syscalls.def that end the calling thread, composed
 * from other calls as Zircon's vDSO does. Neither touches the stack: the
 * first unmaps (or the second hands to a joiner) the memory that holds it.
 * They keep what they need in t3/t4 (the generated stubs only use t0, and a
 * system call returns every register but a0 unchanged).
 */
    .section .text

/* zx_status_t zx_vmar_unmap_handle_close_thread_exit(zx_handle_t vmar_handle, zx_vaddr_t addr,
 *                                                    size_t size, zx_handle_t close_handle)
 * zx_vmar_unmap(vmar_handle, addr, size); on error return its status.
 * zx_handle_close(close_handle); on error trap. zx_thread_exit(). */
    .globl zx_vmar_unmap_handle_close_thread_exit
    .globl _zx_vmar_unmap_handle_close_thread_exit
    .type zx_vmar_unmap_handle_close_thread_exit, @function
    .balign 4
zx_vmar_unmap_handle_close_thread_exit:
_zx_vmar_unmap_handle_close_thread_exit:
    mv t3, ra
    mv t4, a3
    call zx_vmar_unmap
    bnez a0, 1f
    mv a0, t4
    call zx_handle_close
    bnez a0, 2f
    call zx_thread_exit
2:  unimp
1:  mv ra, t3
    ret
    .size zx_vmar_unmap_handle_close_thread_exit, . - zx_vmar_unmap_handle_close_thread_exit

/* void zx_futex_wake_handle_close_thread_exit(const zx_futex_t* value_ptr, uint32_t wake_count,
 *                                             int32_t new_value, zx_handle_t close_handle)
 * atomic_store_explicit(value_ptr, new_value, memory_order_release);
 * zx_futex_wake(value_ptr, wake_count); zx_handle_close(close_handle);
 * zx_thread_exit(); any failure traps. */
    .globl zx_futex_wake_handle_close_thread_exit
    .globl _zx_futex_wake_handle_close_thread_exit
    .type zx_futex_wake_handle_close_thread_exit, @function
    .balign 4
zx_futex_wake_handle_close_thread_exit:
_zx_futex_wake_handle_close_thread_exit:
    mv t4, a3
    fence rw, w
    sw a2, 0(a0)
    call zx_futex_wake
    bnez a0, 1f
    mv a0, t4
    call zx_handle_close
    bnez a0, 1f
    call zx_thread_exit
1:  unimp
    .size zx_futex_wake_handle_close_thread_exit, . - zx_futex_wake_handle_close_thread_exit
