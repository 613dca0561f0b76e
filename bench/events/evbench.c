/* Event benchmark helpers for bench/events/bench.py (see README.md).
 *
 *   evbench throughput SECS OUT  listener: acknowledges at once; each event it reads
 *                                makes it write one line to its stderr, which (with
 *                                stderr_events_enabled) is the next PROCESS_LOG_STDERR
 *                                event: a closed loop, one event in flight. After 200
 *                                warm-up events it counts for SECS seconds and writes
 *                                "events <n> secs <s> daemon_ticks <t> hz <hz>" to OUT
 *                                (ticks: utime+stime of its parent, the daemon).
 *   evbench latency OUT          listener: appends "<pid> <unix time>" to OUT when it
 *                                has read a PROCESS_STATE_EXITED event of <pid>.
 *   evbench exiter OUT           program: sleeps 20 ms, appends "<pid> <unix time>" to
 *                                OUT, exits 0 (the state change the listener sees).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long daemon_ticks(void) {
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)getppid());
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (!p) return -1;
    long utime = 0, stime = 0;
    /* after ") ": state(3) ppid(4) ... utime(14) stime(15) */
    int field = 2;
    for (char *t = strtok(p + 1, " "); t; t = strtok(NULL, " ")) {
        field++;
        if (field == 14) utime = atol(t);
        if (field == 15) { stime = atol(t); break; }
    }
    return utime + stime;
}

static void say(const char *s) {
    fputs(s, stdout);
    fflush(stdout);
}

/* Read one event: header line and payload (payload into buf, NUL-terminated). */
static int read_event(char *buf, size_t cap) {
    char line[1024];
    if (!fgets(line, sizeof line, stdin)) return -1;
    char *l = strstr(line, "len:");
    long len = l ? atol(l + 4) : 0;
    if (len < 0 || (size_t)len >= cap) len = 0;
    if (len && fread(buf, 1, len, stdin) != (size_t)len) return -1;
    buf[len] = 0;
    return 0;
}

int main(int argc, char **argv) {
    static char payload[1 << 17];
    if (argc < 3) return 2;
    if (!strcmp(argv[1], "exiter")) {
        usleep(20000);
        FILE *f = fopen(argv[2], "a");
        if (!f) return 1;
        fprintf(f, "%d %.6f\n", (int)getpid(), now());
        fclose(f);
        _exit(0);
    }
    if (!strcmp(argv[1], "latency")) {
        for (;;) {
            say("READY\n");
            if (read_event(payload, sizeof payload)) return 0;
            double t = now();
            char *p = strstr(payload, "pid:");
            FILE *f = fopen(argv[2], "a");
            if (f && p) fprintf(f, "%ld %.6f\n", atol(p + 4), t);
            if (f) fclose(f);
            say("RESULT 2\nOK");
        }
    }
    if (!strcmp(argv[1], "throughput") && argc >= 4) {
        double secs = atof(argv[2]), t0 = 0;
        long count = 0, ticks0 = 0, counted = 0;
        int done = 0;
        fputs("x\n", stderr); /* the first event */
        for (;;) {
            say("READY\n");
            if (read_event(payload, sizeof payload)) return 0;
            count++;
            if (count == 200) { t0 = now(); ticks0 = daemon_ticks(); }
            if (count > 200 && !done) {
                counted++;
                double t = now();
                if (t - t0 >= secs) {
                    FILE *f = fopen(argv[3], "w");
                    if (f) {
                        fprintf(f, "events %ld secs %.6f daemon_ticks %ld hz %ld\n", counted,
                                t - t0, daemon_ticks() - ticks0, sysconf(_SC_CLK_TCK));
                        fclose(f);
                    }
                    done = 1;
                }
            }
            if (!done) { fputs("x\n", stderr); fflush(stderr); }
            say("RESULT 2\nOK");
        }
    }
    return 2;
}
