/* The floor under scenario 1 (startup): how long this machine takes to start N copies of
 * the bench's program (`sleep 100000`, found on PATH) with nothing else to do — no pipes,
 * no log files, no bookkeeping — from T threads (one per CPU by default), each calling
 * posix_spawnp (glibc: clone(CLONE_VM|CLONE_VFORK), so a call returns once its child has
 * exec'd). Prints the milliseconds from the first call to the return of the last one,
 * then SIGKILLs and reaps the children.
 *
 *   cc -O2 -pthread -o spawnfloor bench/spawnfloor.c && ./spawnfloor 200 [threads]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
static int n, threads;
static pid_t *pids;

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void *spawn_share(void *arg) {
    long k = (long)arg;
    char *argv[] = {"sleep", "100000", NULL};
    for (int i = (int)k; i < n; i += threads) {
        int rc = posix_spawnp(&pids[i], "sleep", NULL, NULL, argv, environ);
        if (rc != 0) {
            fprintf(stderr, "spawnfloor: posix_spawnp: error %d\n", rc);
            exit(1);
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: spawnfloor N [THREADS]\n");
        return 2;
    }
    n = atoi(argv[1]);
    if (argc > 2) {
        threads = atoi(argv[2]);
    } else {
        cpu_set_t set;
        threads = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
    }
    if (n < 1 || threads < 1 || threads > 64) return 2;
    pids = calloc((size_t)n, sizeof *pids);
    pthread_t th[64];
    double t0 = now_ms();
    for (long k = 0; k < threads; k++) pthread_create(&th[k], NULL, spawn_share, (void *)k);
    for (int k = 0; k < threads; k++) pthread_join(th[k], NULL);
    double t1 = now_ms();
    printf("%d %d %.3f\n", n, threads, t1 - t0);
    fflush(stdout);
    for (int i = 0; i < n; i++) kill(pids[i], SIGKILL);
    for (int i = 0; i < n; i++) waitpid(pids[i], NULL, 0);
    return 0;
}
