// Calls into the SBI firmware (OpenSBI) through ecall from S-mode.
#ifndef KERN_SBI_H
#define KERN_SBI_H

#include <stdbool.h>
#include <stdint.h>

#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_IPI 0x735049
#define SBI_EXT_RFENCE 0x52464E43
#define SBI_EXT_HSM 0x48534D
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_DBCN 0x4442434E
#define SBI_LEGACY_PUTCHAR 0x01

#define SBI_SRST_SHUTDOWN 0
#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_FAILURE 1

struct sbiret {
    long error;
    long value;
};

struct sbiret sbi_call(uint64_t ext, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2);
struct sbiret sbi_call5(uint64_t ext, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                       uint64_t a4);
bool sbi_probe(uint64_t ext);
long sbi_spec_version(void);
void sbi_legacy_putchar(int c);
void sbi_dbcn_write_byte(uint8_t c);
void sbi_set_timer(uint64_t stime);
void sbi_system_reset(uint32_t type, uint32_t reason);
long sbi_hart_status(uint64_t hartid);
// HSM hart_start: the hart enters start_pa in S-mode, MMU off, with a0 = its
// hart id and a1 = opaque. Returns the SBI error (0 = started).
long sbi_hart_start(uint64_t hartid, uint64_t start_pa, uint64_t opaque);
// IPI: a supervisor software interrupt to every hart whose bit is set in
// hart_mask (bit i = hart id hart_mask_base + i).
long sbi_send_ipi(uint64_t hart_mask, uint64_t hart_mask_base);
// RFENCE: sfence.vma of [start, start+size) on the harts of the mask (size
// (uint64_t)-1: everything), for every ASID or for one. Synchronous: the
// firmware returns once every target hart has fenced, whatever the targets
// were doing (they need not have interrupts on).
long sbi_remote_sfence_vma(uint64_t hart_mask, uint64_t hart_mask_base, uint64_t start, uint64_t size);
long sbi_remote_sfence_vma_asid(uint64_t hart_mask, uint64_t hart_mask_base, uint64_t start, uint64_t size,
                                uint64_t asid);
#endif
