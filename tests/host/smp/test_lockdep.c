// The lock-order graph (kern/lockdep_graph.c) against a model.
#include "../harness.h"
#include "kern/lockdep_graph.h"

static struct lockdep_graph g;

static void reset(void) { memset(&g, 0, sizeof g); }

static bool take(struct lockdep_held *h, const char *name, const char *site, struct lockdep_report *r) {
    unsigned c = lockdep_graph_class(&g, name);
    if (!lockdep_graph_check(&g, h, c, site, r)) return false;
    lockdep_held_push(h, c, site);
    return true;
}

static void drop(struct lockdep_held *h, const char *name) {
    CHECK(lockdep_held_pop(h, lockdep_graph_class(&g, name)));
}

static void classes_by_name(void) {
    reset();
    char a[] = "vmo", b[] = "vmo";
    CHECK_EQ(lockdep_graph_class(&g, a), lockdep_graph_class(&g, b));
    CHECK(lockdep_graph_class(&g, "vmar") != lockdep_graph_class(&g, "vmo"));
    for (unsigned i = g.n_classes; i < LOCKDEP_MAX_CLASSES; i++) {
        static char names[LOCKDEP_MAX_CLASSES][8];
        snprintf(names[i], sizeof names[i], "c%u", i);
        CHECK_EQ(lockdep_graph_class(&g, names[i]), i);
    }
    CHECK_EQ(lockdep_graph_class(&g, "one too many"), LOCKDEP_MAX_CLASSES);
}

static void direct_inversion(void) {
    reset();
    struct lockdep_held h = {0};
    struct lockdep_report r;
    CHECK(take(&h, "vmar", "vmar.c:10", &r));
    CHECK(take(&h, "vmo", "vmo.c:20", &r));
    drop(&h, "vmo");
    drop(&h, "vmar");
    CHECK_EQ(h.depth, 0);
    CHECK(take(&h, "vmo", "vmo.c:30", &r));
    CHECK(!take(&h, "vmar", "vmar.c:40", &r));
    CHECK(!strcmp(g.names[r.held], "vmo"));
    CHECK(!strcmp(g.names[r.taken], "vmar"));
    CHECK(!strcmp(r.held_site, "vmo.c:30"));
    CHECK(!strcmp(r.taken_site, "vmar.c:40"));
    CHECK(!strcmp(r.prior.held_site, "vmar.c:10"));  // the earlier order, both sites
    CHECK(!strcmp(r.prior.taken_site, "vmo.c:20"));
    CHECK_EQ(h.depth, 1);  // the refused one was not recorded as held
}

static void transitive_inversion(void) {
    reset();
    struct lockdep_held h = {0};
    struct lockdep_report r;
    CHECK(take(&h, "a", "a1", &r) && take(&h, "b", "b1", &r));
    drop(&h, "b");
    drop(&h, "a");
    CHECK(take(&h, "b", "b2", &r) && take(&h, "c", "c2", &r));
    drop(&h, "c");
    drop(&h, "b");
    CHECK(take(&h, "c", "c3", &r));
    CHECK(!take(&h, "a", "a3", &r));  // a -> b -> c, so c then a closes a cycle
    CHECK(!strcmp(g.names[r.via], "b"));
    CHECK(!strcmp(r.prior.held_site, "a1"));
}

static void self_nesting(void) {
    reset();
    struct lockdep_held h = {0};
    struct lockdep_report r;
    CHECK(take(&h, "vmo", "x", &r));
    CHECK(!take(&h, "vmo", "y", &r));
    CHECK(!strcmp(r.held_site, "x") && !strcmp(r.taken_site, "y"));
}

static void held_list(void) {
    struct lockdep_held h = {0};
    for (unsigned i = 0; i < LOCKDEP_MAX_HELD; i++) CHECK(lockdep_held_push(&h, i, "s"));
    CHECK(!lockdep_held_push(&h, 99, "s"));
    CHECK(lockdep_held_pop(&h, 3));  // out of order
    CHECK(!lockdep_held_pop(&h, 3));
    CHECK_EQ(h.depth, LOCKDEP_MAX_HELD - 1);
    CHECK_EQ(h.cls[3], 4);
}

// Random acquisition sequences over 8 classes: the checker refuses exactly
// the acquisitions that would make the model's "taken after" relation cyclic.
static void random_orders(void) {
    srand(3);
    for (int run = 0; run < 300; run++) {
        reset();
        bool model[8][8] = {{false}};
        static const char *names[8] = {"n0", "n1", "n2", "n3", "n4", "n5", "n6", "n7"};
        for (int step = 0; step < 200; step++) {
            struct lockdep_held h = {0};
            int depth = 1 + rand() % 4;
            for (int d = 0; d < depth; d++) {
                unsigned c = lockdep_graph_class(&g, names[rand() % 8]);
                // Model: refused iff some held class is reachable from c.
                bool cyc = false;
                for (unsigned i = 0; i < h.depth; i++) {
                    unsigned a = h.cls[i];
                    bool seen[8] = {false};
                    unsigned stack[64], sp = 0;
                    stack[sp++] = c;
                    while (sp) {
                        unsigned x = stack[--sp];
                        if (x == a) cyc = true;
                        if (seen[x]) continue;
                        seen[x] = true;
                        for (unsigned y = 0; y < 8; y++)
                            if (model[x][y] && !seen[y] && sp < 64) stack[sp++] = y;
                    }
                }
                struct lockdep_report r;
                bool ok = lockdep_graph_check(&g, &h, c, "s", &r);
                if (!CHECK_EQ(ok, !cyc)) return;
                if (!ok) break;
                for (unsigned i = 0; i < h.depth; i++) model[h.cls[i]][c] = true;
                lockdep_held_push(&h, c, "s");
            }
        }
    }
}

int main(void) {
    th_prefix = "lockdep";
    RUN_CASE(classes_by_name);
    RUN_CASE(direct_inversion);
    RUN_CASE(transitive_inversion);
    RUN_CASE(self_nesting);
    RUN_CASE(held_list);
    RUN_CASE(random_orders);
    return th_exit_status("lockdep");
}
