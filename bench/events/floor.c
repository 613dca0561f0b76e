/* The floor under the event benchmark's "daemon CPU per event": two processes passing one
 * byte back and forth over two pipes, as the daemon and a listener that acknowledges at
 * once pass an event and its RESULT (one event in flight: each side wakes the other once
 * per round trip). Prints the round trips per second and the CPU (utime + stime, from
 * getrusage) the parent spent per round trip — what any daemon pays per event for the
 * wake-ups alone, with no parsing, no logging, no bookkeeping.
 *
 *   cc -O2 -o floor bench/events/floor.c && ./floor [seconds]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu_s(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv) {
    double secs = argc > 1 ? atof(argv[1]) : 3.0;
    int to_child[2], to_parent[2];
    if (pipe(to_child) || pipe(to_parent)) return 1;
    pid_t pid = fork();
    if (pid < 0) return 1;
    char b = 'x';
    if (pid == 0) {
        close(to_child[1]);
        close(to_parent[0]);
        while (read(to_child[0], &b, 1) == 1) {
            if (write(to_parent[1], &b, 1) != 1) break;
        }
        _exit(0);
    }
    close(to_child[0]);
    close(to_parent[1]);
    for (int i = 0; i < 1000; i++) { /* warm-up */
        if (write(to_child[1], &b, 1) != 1 || read(to_parent[0], &b, 1) != 1) return 1;
    }
    long n = 0;
    double t0 = now_s(), c0 = cpu_s(), t1;
    do {
        for (int i = 0; i < 1000; i++, n++) {
            if (write(to_child[1], &b, 1) != 1 || read(to_parent[0], &b, 1) != 1) return 1;
        }
        t1 = now_s();
    } while (t1 - t0 < secs);
    double c1 = cpu_s();
    close(to_child[1]);
    waitpid(pid, NULL, 0);
    printf("%.0f round trips/s, %.1f us CPU per round trip (parent)\n", n / (t1 - t0),
           (c1 - c0) / n * 1e6);
    return 0;
}
