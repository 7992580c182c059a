// mutex-counter: two threads add to one counter under a mtx_t (user/README.md).
#include <stdio.h>
#include <threads.h>

#define ROUNDS 1000000

static mtx_t lock;
static long counter;

static int add(void *arg) {
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        mtx_lock(&lock);
        counter++;  // the lock makes this read-modify-write whole
        mtx_unlock(&lock);
    }
    return 0;
}

int main(void) {
    thrd_t a, b;
    if (mtx_init(&lock, mtx_plain) != thrd_success) return 1;
    if (thrd_create(&a, add, NULL) != thrd_success || thrd_create(&b, add, NULL) != thrd_success) return 1;
    thrd_join(a, NULL);
    thrd_join(b, NULL);
    mtx_destroy(&lock);
    printf("mutex-counter: %ld (want %d)\n", counter, 2 * ROUNDS);
    return counter == 2 * ROUNDS ? 0 : 1;
}
