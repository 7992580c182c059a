// hello: the smallest user program; prints one line and returns 0.
#include <stdio.h>

int main(void) {
    printf("hello from user space\n");
    return 0;
}
