// SBI calls: a7 = extension, a6 = function, a0..a5 arguments, result in a0/a1.
#include "kern/sbi.h"

struct sbiret sbi_call(uint64_t ext, uint64_t fid, uint64_t arg0, uint64_t arg1, uint64_t arg2) {
    register uint64_t a0 __asm__("a0") = arg0;
    register uint64_t a1 __asm__("a1") = arg1;
    register uint64_t a2 __asm__("a2") = arg2;
    register uint64_t a6 __asm__("a6") = fid;
    register uint64_t a7 __asm__("a7") = ext;
    __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a6), "r"(a7) : "memory");
    return (struct sbiret){(long)a0, (long)a1};
}

bool sbi_probe(uint64_t ext) {
    struct sbiret r = sbi_call(SBI_EXT_BASE, 3, ext, 0, 0);
    return r.error == 0 && r.value != 0;
}

long sbi_spec_version(void) { return sbi_call(SBI_EXT_BASE, 0, 0, 0, 0).value; }

void sbi_legacy_putchar(int c) {
    register uint64_t a0 __asm__("a0") = (uint64_t)(unsigned char)c;
    register uint64_t a7 __asm__("a7") = SBI_LEGACY_PUTCHAR;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory", "a1");
}

void sbi_dbcn_write_byte(uint8_t c) { sbi_call(SBI_EXT_DBCN, 2, c, 0, 0); }

void sbi_set_timer(uint64_t stime) { sbi_call(SBI_EXT_TIME, 0, stime, 0, 0); }

void sbi_system_reset(uint32_t type, uint32_t reason) { sbi_call(SBI_EXT_SRST, 0, type, reason, 0); }

long sbi_hart_status(uint64_t hartid) {
    struct sbiret r = sbi_call(SBI_EXT_HSM, 2, hartid, 0, 0);
    return r.error ? r.error : r.value;
}
