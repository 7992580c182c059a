// Kernel counters for tests and benchmarks: zx_object_get_info on the root
// resource with topic ZXRV_INFO_KERNEL_STATS (a private topic number, outside
// Zircon's range) fills a zxrv_kernel_stats_t. The handle needs INSPECT.
#ifndef ZXRV_KSTATS_H_
#define ZXRV_KSTATS_H_

#include <stdint.h>

#define ZXRV_INFO_KERNEL_STATS ((uint32_t)0x7a780001u)

typedef struct zxrv_kernel_stats {
    uint64_t free_pages;     // pages free in the page allocator
    uint64_t total_pages;    // pages the allocator manages
    uint64_t live_objects;   // kernel objects alive (created, not destroyed)
    uint64_t heap_bytes;     // bytes live in the kernel heap
    uint64_t heap_blocks;    // blocks live in the kernel heap
    uint64_t timer_ticks;    // scheduler ticks on the hart that answered
    uint64_t context_switches;
    uint64_t page_faults;    // user page faults handled
    uint64_t slab_pages;     // pages the kernel heap's slabs hold (in use or cached)
    uint64_t futex_waiters;  // threads blocked in zx_futex_wait (all processes)
    uint64_t harts_online;   // harts running the kernel
    uint64_t migrations;     // a thread ran on another hart than the last time
    uint64_t ipis;           // inter-hart interrupts taken, all harts together
    uint64_t asid_rollovers; // ASID generations started after the first
    uint64_t irq_claims;     // device interrupts claimed at the PLIC, all harts together
} zxrv_kernel_stats_t;

#endif
