// Machine exit with a status (see kern/shutdown.h).
#include "kern/shutdown.h"

#include "kern/riscv.h"
#include "kern/sbi.h"

#define SEMIHOST_SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026
#define SIFIVE_TEST_PASS 0x5555
#define SIFIVE_TEST_FAIL 0x3333

static bool use_semihosting;
static volatile uint32_t *test_dev;

void shutdown_set_semihosting(bool on) { use_semihosting = on; }
void shutdown_set_test_device(volatile uint32_t *regs) { test_dev = regs; }

const char *shutdown_method(void) {
    if (use_semihosting) return "semihosting";
    if (test_dev) return "sifive,test0";
    return "sbi-srst";
}

void machine_exit(int status) {
    irq_disable();
    if (use_semihosting) {
        uint64_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint64_t)(int64_t)status};
        semihost_call(SEMIHOST_SYS_EXIT, (uint64_t)block);
    }
    if (test_dev) {
        *test_dev = status == 0 ? SIFIVE_TEST_PASS : (((uint32_t)status & 0xffff) << 16) | SIFIVE_TEST_FAIL;
    }
    sbi_system_reset(SBI_SRST_SHUTDOWN, status ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE);
    for (;;) wfi();
}
