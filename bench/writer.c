/* bench/writer.c — the child program of the logging scenario (and of the `cat` reference).
 *
 *   writer CHUNK TOTAL [GOFILE [EXITFILE]]
 *
 * Writes exactly TOTAL bytes of text (the 41-byte line "0123...789\n" repeated) to stdout,
 * in write(2) calls of at most CHUNK bytes each: CHUNK=1048576 is the "1 MiB writes" case,
 * CHUNK=41 the "one line per write" case (one write per line, no stdio buffering, whatever
 * stdout is). With GOFILE it first waits (1 ms naps) until that file exists, so the bench
 * can start the clock after the daemon has spawned it. With EXITFILE it stays alive after the
 * last write until that file exists (the bench reads the daemon's /proc/<pid>/io while the
 * writer is not yet reaped: a reaped child's I/O counts are added to its parent's).
 * Exit 0 when everything was written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: writer CHUNK TOTAL [GOFILE]\n");
        return 2;
    }
    long chunk = atol(argv[1]);
    long long total = atoll(argv[2]);
    if (chunk <= 0 || total < 0) return 2;
    if (argc > 3) {
        struct timespec nap = {0, 1000000};
        while (access(argv[3], F_OK) != 0) nanosleep(&nap, NULL);
    }
    static const char line[] = "0123456789012345678901234567890123456789\n"; /* 41 bytes */
    char *buf = malloc((size_t)chunk);
    if (!buf) return 1;
    for (long i = 0; i < chunk; i++) buf[i] = line[i % 41];
    long long done = 0;
    while (done < total) {
        long long want = total - done < chunk ? total - done : chunk;
        ssize_t n = write(1, buf, (size_t)want);
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("writer: write");
            return 1;
        }
        done += n;
    }
    if (argc > 4) {
        struct timespec nap = {0, 1000000};
        while (access(argv[4], F_OK) != 0) nanosleep(&nap, NULL);
    }
    return 0;
}
