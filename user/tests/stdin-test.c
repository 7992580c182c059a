// stdin-test: reads the console through crt0's stdin, three ways, for the
// shell test (tools/testrun.py, shell cases): fgets, getchar and read(0).
// Each line it got is printed back quoted; then it counts lines to end of
// file (Ctrl-D) and returns how many lines it read in all.
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void show(const char *how, const char *s, size_t n) {
    printf("stdin-test: %s got \"", how);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            printf("\\n");
        else
            putchar(s[i]);
    }
    printf("\"\n");
}

int main(void) {
    char buf[300];
    int lines = 0;
    printf("stdin-test: type a line: ");  // no '\n': reading stdin writes it out
    if (!fgets(buf, sizeof buf, stdin)) {
        printf("\nstdin-test: end of file at once\n");
        return 0;
    }
    show("fgets", buf, strlen(buf));
    lines++;
    size_t n = 0;
    int c;
    while ((c = getchar()) != EOF && n + 1 < sizeof buf) {
        buf[n++] = (char)c;
        if (c == '\n') break;
    }
    show("getchar", buf, n);
    if (c == EOF) return lines;
    lines++;
    ssize_t r = read(0, buf, sizeof buf);
    if (r < 0) {
        printf("stdin-test: read failed\n");
        return 100;
    }
    show("read(0)", buf, (size_t)r);
    if (r == 0) return lines;
    lines++;
    while (fgets(buf, sizeof buf, stdin)) lines++;
    printf("stdin-test: end of file after %d lines\n", lines);
    return lines;
}
