// Shared by the fdt host tools and tests: a whole file in a malloc'd buffer
// of exactly its size (*len), so that ASan sees any read past the end. An
// empty file gives a 1-byte buffer and *len 0 (the parsers must refuse it);
// NULL when the file cannot be opened or read (errno says why).
#ifndef TESTS_HOST_FDT_LOAD_FILE_H
#define TESTS_HOST_FDT_LOAD_FILE_H

#include <stdio.h>
#include <stdlib.h>

static inline unsigned char *load_file(const char *path, size_t *len) {
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    rewind(fp);
    unsigned char *buf = n >= 0 ? malloc(n > 0 ? (size_t)n : 1) : NULL;
    if (!buf || fread(buf, 1, (size_t)n, fp) != (size_t)n) {
        free(buf);
        fclose(fp);
        return NULL;
    }
    fclose(fp);
    *len = (size_t)n;
    return buf;
}
#endif
