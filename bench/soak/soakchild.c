/* Children of the soak benchmark (bench/soak/README.md). One binary, three modes:
 *
 *   soakchild crash MIN_MS MAX_MS
 *       Writes a few lines to stdout and stderr, lives a random time in [MIN_MS, MAX_MS],
 *       exits with status 0 or 1 at random (a crash loop under autorestart=true).
 *
 *   soakchild flood RATE_BYTES_PER_SEC COUNTFILE
 *       Writes the numbered stream (see line()) to stdout at about RATE bytes a second, in
 *       write(2)s of 1..64 whole lines. On SIGTERM/SIGINT it stops after the current write
 *       and writes the exact number of bytes and lines written to COUNTFILE
 *       ("bytes lines\n", via a temp file + rename), then exits 0. The count file is also
 *       rewritten every second, so a killed flood still leaves a lower bound.
 *
 *   soakchild verify FILE...
 *       Reads the FILEs as one stream (oldest backup first, the live log last) and checks
 *       that it is exactly the stream flood writes, from line 0 on. Prints
 *       "ok BYTES LINES" or "bad at byte N (line L): ..." and exits 0 / 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char PAD[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/* Line i of the flood stream: "<i, 12 digits> <i mod 97 characters of PAD>\n". */
static int line(uint64_t i, char *buf) {
    int padlen = (int)(i % 97);
    int n = snprintf(buf, 32, "%012llu ", (unsigned long long)i);
    memcpy(buf + n, PAD, padlen);
    n += padlen;
    buf[n++] = '\n';
    return n;
}

static volatile sig_atomic_t stop_flag;
static void on_term(int sig) { (void)sig; stop_flag = 1; }

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t rng_state;
static uint64_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void write_count(const char *path, uint64_t bytes, uint64_t lines) {
    char tmp[4096], txt[64];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return;
    int n = snprintf(txt, sizeof txt, "%llu %llu\n", (unsigned long long)bytes,
                     (unsigned long long)lines);
    write_all(fd, txt, n);
    close(fd);
    rename(tmp, path);
}

static int do_crash(int argc, char **argv) {
    if (argc < 4) return 2;
    long lo = atol(argv[2]), hi = atol(argv[3]);
    rng_state = (uint64_t)getpid() * 0x9E3779B97F4A7C15ull ^ (uint64_t)time(NULL);
    if (!rng_state) rng_state = 1;
    long ms = lo + (long)(rnd() % (uint64_t)(hi - lo + 1));
    int code = (int)(rnd() % 2);
    printf("crash child %d: living %ld ms, then exit %d\n", (int)getpid(), ms, code);
    fflush(stdout);
    fprintf(stderr, "crash child %d: stderr line\n", (int)getpid());
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    printf("crash child %d: bye\n", (int)getpid());
    fflush(stdout);
    return code;
}

static int do_flood(int argc, char **argv) {
    if (argc < 4) return 2;
    double rate = atof(argv[2]);
    const char *countfile = argv[3];
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    rng_state = 0x1234567ull ^ (uint64_t)getpid();
    static char buf[64 * 128];
    uint64_t i = 0, bytes = 0;
    double t0 = now_s(), last_count = t0;
    write_count(countfile, 0, 0);
    while (!stop_flag) {
        /* Ahead of schedule: sleep 5 ms. */
        double t = now_s();
        if (bytes > rate * (t - t0)) {
            struct timespec ts = {0, 5000000L};
            nanosleep(&ts, NULL);
            if (t - last_count >= 1.0) {
                write_count(countfile, bytes, i);
                last_count = t;
            }
            continue;
        }
        int nl = 1 + (int)(rnd() % 64), n = 0;
        for (int k = 0; k < nl; k++) n += line(i + k, buf + n);
        if (write_all(1, buf, n) < 0) break;
        i += nl;
        bytes += n;
    }
    write_count(countfile, bytes, i);
    return 0;
}

static int do_verify(int argc, char **argv) {
    uint64_t i = 0, off = 0;  /* next expected line, bytes checked */
    char exp[256];
    int elen = line(0, exp), epos = 0;
    static char buf[1 << 20];
    for (int a = 2; a < argc; a++) {
        int fd = open(argv[a], O_RDONLY);
        if (fd < 0) {
            printf("bad: cannot open %s: %s\n", argv[a], strerror(errno));
            return 1;
        }
        for (;;) {
            ssize_t r = read(fd, buf, sizeof buf);
            if (r < 0) {
                if (errno == EINTR) continue;
                printf("bad: read %s: %s\n", argv[a], strerror(errno));
                return 1;
            }
            if (r == 0) break;
            for (ssize_t k = 0; k < r; k++) {
                if (buf[k] != exp[epos]) {
                    printf("bad at byte %llu (line %llu, col %d) in %s: got 0x%02x want 0x%02x\n",
                           (unsigned long long)off, (unsigned long long)i, epos, argv[a],
                           (unsigned char)buf[k], (unsigned char)exp[epos]);
                    return 1;
                }
                off++;
                if (++epos == elen) {
                    i++;
                    elen = line(i, exp);
                    epos = 0;
                }
            }
        }
        close(fd);
    }
    if (epos != 0) {
        printf("bad: stream ends inside line %llu (byte %llu)\n", (unsigned long long)i,
               (unsigned long long)off);
        return 1;
    }
    printf("ok %llu %llu\n", (unsigned long long)off, (unsigned long long)i);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 2 && !strcmp(argv[1], "crash")) return do_crash(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "flood")) return do_flood(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "verify")) return do_verify(argc, argv);
    fprintf(stderr, "usage: soakchild crash MIN_MS MAX_MS | flood RATE COUNTFILE | verify FILE...\n");
    return 2;
}
