// The pass-1 symbol table: empty (see kern/ksyms.h).
#include "kern/ksyms.h"

__attribute__((section(".ksyms"))) const uint32_t ksyms_count = 0;
__attribute__((section(".ksyms"))) const uint64_t ksyms_addr[1] = {0};
__attribute__((section(".ksyms"))) const uint32_t ksyms_name_off[1] = {0};
__attribute__((section(".ksyms"))) const char ksyms_names[1] = "";
