// A terminal's canonical-mode line discipline, as the console driver runs it
// (user/drivers/console/): pure C over its own buffers, no system calls, so
// it is also tested on the host (tests/host/user/test_ldisc.c).
//
// Bytes typed go in with zxrv_ldisc_input, which edits the current line and
// says what to echo; finished lines wait in a queue of records until readers
// take them with zxrv_ldisc_read. A read never crosses a record: it returns
// at most one line, as a terminal's read does in canonical mode.
//
// Keys:
//   printable bytes (0x20..0x7e, and every byte >= 0x80, so UTF-8 passes)
//        and tab: appended to the line and echoed, while the line has room
//        (ZXRV_LDISC_LINE_MAX - 1 bytes; the last byte is kept for '\n'):
//        beyond that they are dropped and a bell (\a) is echoed
//   Enter (\r or \n): the line + '\n' becomes a record; echo "\n"
//   Backspace (0x7f or 0x08): erases the last byte: echo "\b \b"
//   Ctrl-U (0x15): erases the whole line; Ctrl-W (0x17): the last word and
//        the blanks after it
//   Ctrl-C (0x03): drops the line, echoes "^C\n", queues an empty line
//        ("\n") so that a waiting reader (a shell) starts over, and counts
//        an interrupt (zxrv_ldisc_t.interrupts: the driver tells the shell,
//        which kills the program it runs)
//   Ctrl-D (0x04): the line so far becomes a record without '\n'; on an
//        empty line that is an empty record: end of file for its reader
//   other control bytes (and ESC) are ignored.
// When the queue has no room for the line, Enter and Ctrl-D keep it being
// edited and echo a bell: nothing typed is lost silently.
#ifndef ZXRV_LDISC_H_
#define ZXRV_LDISC_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZXRV_LDISC_LINE_MAX 256u
#define ZXRV_LDISC_QUEUE_BYTES 4096u
// The most a single zxrv_ldisc_input can ask to echo (Ctrl-U on a full line).
#define ZXRV_LDISC_ECHO_MAX (3u * ZXRV_LDISC_LINE_MAX)

typedef struct zxrv_ldisc {
    char line[ZXRV_LDISC_LINE_MAX];
    size_t line_len;
    // Records, each a 2-byte little-endian length then its bytes, in a ring.
    uint8_t queue[ZXRV_LDISC_QUEUE_BYTES];
    size_t head;  // first byte of the first record
    size_t used;  // bytes of the ring in use
    size_t taken;  // bytes of the first record already read
    size_t records;
    uint64_t interrupts;  // Ctrl-C typed so far
} zxrv_ldisc_t;

void zxrv_ldisc_init(zxrv_ldisc_t *ld);

// Feeds one typed byte. Writes what to echo into echo[] (ZXRV_LDISC_ECHO_MAX
// bytes) and returns how many.
size_t zxrv_ldisc_input(zxrv_ldisc_t *ld, uint8_t c, char *echo);

// True when a record (a line, or an end of file) waits to be read.
bool zxrv_ldisc_ready(const zxrv_ldisc_t *ld);

// Copies up to cap bytes of the first record into buf without taking them
// and returns how many (0 for an end-of-file record or nothing ready);
// zxrv_ldisc_consume(ld, n) then takes them (n = what peek returned: for an
// end-of-file record, 0 drops it). Lets a driver take bytes only once they
// reached a reader.
size_t zxrv_ldisc_peek(const zxrv_ldisc_t *ld, void *buf, size_t cap);
void zxrv_ldisc_consume(zxrv_ldisc_t *ld, size_t n);

// Takes up to cap bytes of the first record into buf and returns how many;
// the rest of the record stays for the next read. Returns 0 for an
// end-of-file record (which is then consumed) and when nothing is ready
// (tell the two apart with zxrv_ldisc_ready first).
size_t zxrv_ldisc_read(zxrv_ldisc_t *ld, void *buf, size_t cap);

#endif
