// SBI calls: a7 = extension, a6 = function, a0..a5 arguments, result in a0/a1.
#include "kern/sbi.h"

struct sbiret sbi_call5(uint64_t ext, uint64_t fid, uint64_t arg0, uint64_t arg1, uint64_t arg2, uint64_t arg3,
                       uint64_t arg4) {
    register uint64_t a0 __asm__("a0") = arg0;
    register uint64_t a1 __asm__("a1") = arg1;
    register uint64_t a2 __asm__("a2") = arg2;
    register uint64_t a3 __asm__("a3") = arg3;
    register uint64_t a4 __asm__("a4") = arg4;
    register uint64_t a6 __asm__("a6") = fid;
    register uint64_t a7 __asm__("a7") = ext;
    __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a3), "r"(a4), "r"(a6), "r"(a7) : "memory");
    return (struct sbiret){(long)a0, (long)a1};
}

struct sbiret sbi_call(uint64_t ext, uint64_t fid, uint64_t arg0, uint64_t arg1, uint64_t arg2) {
    return sbi_call5(ext, fid, arg0, arg1, arg2, 0, 0);
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

long sbi_hart_start(uint64_t hartid, uint64_t start_pa, uint64_t opaque) {
    return sbi_call(SBI_EXT_HSM, 0, hartid, start_pa, opaque).error;
}

long sbi_send_ipi(uint64_t hart_mask, uint64_t hart_mask_base) {
    return sbi_call(SBI_EXT_IPI, 0, hart_mask, hart_mask_base, 0).error;
}

long sbi_remote_sfence_vma(uint64_t hart_mask, uint64_t hart_mask_base, uint64_t start, uint64_t size) {
    return sbi_call5(SBI_EXT_RFENCE, 1, hart_mask, hart_mask_base, start, size, 0).error;
}

long sbi_remote_sfence_vma_asid(uint64_t hart_mask, uint64_t hart_mask_base, uint64_t start, uint64_t size,
                                uint64_t asid) {
    return sbi_call5(SBI_EXT_RFENCE, 2, hart_mask, hart_mask_base, start, size, asid).error;
}
