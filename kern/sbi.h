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
bool sbi_probe(uint64_t ext);
long sbi_spec_version(void);
void sbi_legacy_putchar(int c);
void sbi_dbcn_write_byte(uint8_t c);
void sbi_set_timer(uint64_t stime);
void sbi_system_reset(uint32_t type, uint32_t reason);
long sbi_hart_status(uint64_t hartid);
#endif
