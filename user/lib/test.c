// The test runner and checks behind <zxrv/test.h>. Cases come from section
// zxrv_tests (user/user.ld brackets it with __zxrv_tests_start/_end).
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/status.h>
#include <zxrv/test.h>

extern const zxrv_test_t __zxrv_tests_start[], __zxrv_tests_end[];

static const char *current;  // the running case's name
static int current_failed;

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

static void fail_prefix(const char *file, int line, const char *expr) {
    current_failed = 1;
    printf("[ FAIL ] %s: %s:%d: %s: ", current != NULL ? current : "(no case)", base_name(file), line,
           expr);
}

bool zxrv_test_check_eq(int64_t got, int64_t want, bool want_equal, const char *expr,
                        const char *file, int line) {
    if ((got == want) == want_equal)
        return true;
    fail_prefix(file, line, expr);
    if (want_equal)
        printf("got %" PRId64 " (0x%" PRIx64 "), want %" PRId64 " (0x%" PRIx64 ")\n", got,
               (uint64_t)got, want, (uint64_t)want);
    else
        printf("got %" PRId64 " (0x%" PRIx64 "), want anything else\n", got, (uint64_t)got);
    return false;
}

bool zxrv_test_check_status(zx_status_t got, zx_status_t want, const char *expr, const char *file,
                            int line) {
    if (got == want)
        return true;
    fail_prefix(file, line, expr);
    printf("got %s (%d), want %s (%d)\n", zx_status_get_string(got), (int)got,
           zx_status_get_string(want), (int)want);
    return false;
}

bool zxrv_test_check_true(bool cond, const char *expr, const char *file, int line) {
    if (cond)
        return true;
    fail_prefix(file, line, expr);
    printf("got false, want true\n");
    return false;
}

static int selected(const char *name, int argc, char **argv) {
    if (argc <= 1)
        return 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], name) == 0)
            return 1;
    }
    return 0;
}

// The section holds the entries in whatever order the compiler emitted them
// (GCC: a file's last case first); sort by file, then line.
static int by_place(const void *a, const void *b) {
    const zxrv_test_t *x = *(const zxrv_test_t *const *)a, *y = *(const zxrv_test_t *const *)b;
    int c = strcmp(x->file, y->file);
    return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

int zxrv_test_main(int argc, char **argv) {
    int passed = 0, failed = 0;
    size_t n = (size_t)(__zxrv_tests_end - __zxrv_tests_start);
    const zxrv_test_t **order = malloc((n > 0 ? n : 1) * sizeof *order);
    if (order == NULL) {
        printf("[ FAIL ] no memory to sort %zu test cases\n", n);
        printf("0 passed, 1 failed\n");
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = &__zxrv_tests_start[i];
    qsort(order, n, sizeof *order, by_place);
    for (size_t i = 0; i < n; i++) {
        const zxrv_test_t *t = order[i];
        if (!selected(t->name, argc, argv))
            continue;
        current = t->name;
        current_failed = 0;
        printf("[ RUN ] %s\n", t->name);
        t->fn();
        if (current_failed) {
            failed++;
        } else {
            passed++;
            printf("[  OK  ] %s\n", t->name);
        }
    }
    current = NULL;
    free(order);
    // A name on the command line that matches no case is a failure.
    for (int i = 1; i < argc; i++) {
        const zxrv_test_t *t = __zxrv_tests_start;
        while (t < __zxrv_tests_end && strcmp(t->name, argv[i]) != 0)
            t++;
        if (t == __zxrv_tests_end) {
            printf("[ FAIL ] %s: no such test case\n", argv[i]);
            failed++;
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed;
}
