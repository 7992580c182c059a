// RISC-V supervisor-mode CSRs and instructions: one inline per CSR.
#ifndef KERN_RISCV_H
#define KERN_RISCV_H

#define SSTATUS_SIE (1ul << 1)
#define SSTATUS_SPIE (1ul << 5)
#define SSTATUS_SPP (1ul << 8)
#define SSTATUS_FS (3ul << 13)
#define SSTATUS_SUM (1ul << 18)

#define SIE_SSIE (1ul << 1)
#define SIE_STIE (1ul << 5)
#define SIE_SEIE (1ul << 9)

#define SCAUSE_INTERRUPT (1ul << 63)
#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9

#define EXC_INST_MISALIGNED 0
#define EXC_INST_ACCESS 1
#define EXC_ILLEGAL_INST 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8
#define EXC_ECALL_S 9
#define EXC_INST_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15

#define SATP_MODE_SV39 (8ul << 60)
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK 0xfffful

#define CSR_STIMECMP 0x14d

#ifndef __ASSEMBLER__
#include <stdint.h>

#define CSR_READ(name)                                           \
    static inline uint64_t csr_read_##name(void) {               \
        uint64_t v;                                              \
        __asm__ volatile("csrr %0, " #name : "=r"(v)::"memory"); \
        return v;                                                \
    }
#define CSR_WRITE(name)                                               \
    static inline void csr_write_##name(uint64_t v) {                 \
        __asm__ volatile("csrw " #name ", %0" ::"r"(v) : "memory");   \
    }                                                                 \
    static inline void csr_set_##name(uint64_t v) {                   \
        __asm__ volatile("csrs " #name ", %0" ::"r"(v) : "memory");   \
    }                                                                 \
    static inline void csr_clear_##name(uint64_t v) {                 \
        __asm__ volatile("csrc " #name ", %0" ::"r"(v) : "memory");   \
    }

CSR_READ(sstatus)
CSR_WRITE(sstatus)
CSR_READ(sie)
CSR_WRITE(sie)
CSR_READ(sip)
CSR_WRITE(sip)
CSR_READ(stvec)
CSR_WRITE(stvec)
CSR_READ(sscratch)
CSR_WRITE(sscratch)
CSR_READ(sepc)
CSR_WRITE(sepc)
CSR_READ(scause)
CSR_READ(stval)
CSR_READ(satp)
CSR_WRITE(satp)
CSR_READ(scounteren)
CSR_WRITE(scounteren)
CSR_READ(time)
CSR_READ(instret)
CSR_READ(cycle)

static inline void csr_write_stimecmp(uint64_t v) {
    __asm__ volatile("csrw 0x14d, %0" ::"r"(v) : "memory");
}

static inline void sfence_vma_all(void) { __asm__ volatile("sfence.vma zero, zero" ::: "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi"); }
static inline void irq_enable(void) { csr_set_sstatus(SSTATUS_SIE); }
static inline void irq_disable(void) { csr_clear_sstatus(SSTATUS_SIE); }
static inline uint64_t read_fp(void) {
    uint64_t v;
    __asm__ volatile("mv %0, s0" : "=r"(v));
    return v;
}
#endif
#endif
