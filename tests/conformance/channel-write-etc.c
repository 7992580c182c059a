#include <zxrv/test.h>
int main(int argc, char **argv) { return zxrv_test_main(argc, argv); }
