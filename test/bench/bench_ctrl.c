/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * svnic-bench-ctrl: the control plane of net_svnic, measured (issue 5,
 * doc/benchmarks.rst). The PF is probed from the EAL arguments (a
 * net_svnic vdev with vf_dir=); then, through the public API:
 *
 *   vf bring-up N   NumVFs = N, then every VF allocated with a VPort and its
 *                   guest socket served, from HW_READY to guest-ready (N = 64
 *                   and 256, or what --vfs gives)
 *   pf memory       the PF process's resident memory per allocated VF
 *   config read     a guest's mediated config-space read (4 bytes, Vendor ID)
 *                   over VF 0's socket: median and 99th percentile
 *   vf reset        rte_pmd_svnic_vf_reset() of an attached VF
 *   mailbox rtt     by a guest driver: --guest runs that command (svnic-guest
 *                   --mbx-rtt) against VF 0 and its lines are passed on
 *   floors          what this machine charges for the steps these are made
 *                   of, measured in the same run with nothing of svnic in
 *                   them: a 16-byte round trip over a unix socket between two
 *                   threads on this CPU (a config read is one, plus the
 *                   vfio-user and mediation work), and the wake-up of a
 *                   thread blocked on an eventfd on --far-cpu, answered
 *                   through shared memory to a spinning waker (one hop of
 *                   the mailbox), 1 ms apart (the woken CPU has gone idle)
 *                   and back to back
 *
 *   svnic-bench-ctrl EAL-ARGS -- --vf-dir DIR [--vfs N[,N...]] [--far-cpu N]
 *                    [--guest CMD...]
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfio.h>

#include <rte_eal.h>
#include <rte_ethdev.h>

#include "rte_pmd_svnic.h"
#include "vfio_user_client.h"

#define BENCH_CFG_READS		20000
#define BENCH_RESETS		200
#define BENCH_VFS_MAX		16
#define BENCH_FLOOR_ROUNDS	2000
/* what a polling guest's vfio-user client is given (vfio_user_client_opts) */
#define BENCH_GUEST_BUSY_POLL_US	50

static uint64_t
bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int
bench_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
bench_percentiles(const char *what, uint64_t *ns, unsigned int n)
{
	qsort(ns, n, sizeof(*ns), bench_cmp);
	printf("%s p50: %.1f us\n%s p99: %.1f us\n", what, (double)ns[n / 2] / 1e3, what,
	       (double)ns[(n * 99) / 100] / 1e3);
}

static long
bench_rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static int
bench_free_all(uint16_t port)
{
	uint16_t ids[256];
	int n = rte_pmd_svnic_vf_list(port, ids, RTE_DIM(ids));
	int i, ret;

	for (i = 0; i < n; i++) {
		ret = rte_pmd_svnic_vf_free(port, ids[i], RTE_PMD_SVNIC_VF_FREE_CASCADE);
		if (ret < 0)
			return ret;
	}
	return n < 0 ? n : 0;
}

/* HW_READY to guest-ready for @p nb VFs; leaves them allocated. */
static int
bench_bringup(uint16_t port, uint16_t nb, const char *vf_dir)
{
	struct rte_pmd_svnic_vf_params p;
	uint64_t t0, t1;
	long rss0, rss1;
	uint16_t i, vf;
	int ret;

	ret = rte_pmd_svnic_set_num_vfs(port, 0);
	if (ret == 0)
		ret = rte_pmd_svnic_set_num_vfs(port, nb);
	if (ret < 0) {
		fprintf(stderr, "svnic-bench-ctrl: NumVFs %u: %s\n", nb, strerror(-ret));
		return ret;
	}
	memset(&p, 0, sizeof(p));
	p.nb_queue_pairs = 1;
	p.numa_node = -1;
	rss0 = bench_rss_kib();
	t0 = bench_now_ns();
	for (i = 0; i < nb; i++) {
		ret = rte_pmd_svnic_vf_alloc(port, &p, &vf);
		if (ret == 0)
			ret = rte_pmd_svnic_vport_create(port, vf, 0);
		if (ret < 0) {
			fprintf(stderr, "svnic-bench-ctrl: VF %u: %s\n", i, strerror(-ret));
			return ret;
		}
	}
	t1 = bench_now_ns();
	rss1 = bench_rss_kib();
	/* guest-ready means served: every socket is there */
	for (i = 0; i < nb; i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/vf%u.sock", vf_dir, i);
		if (access(path, F_OK) != 0) {
			fprintf(stderr, "svnic-bench-ctrl: %s is not there\n", path);
			return -ENOENT;
		}
	}
	printf("vf bring-up %u: %.1f ms\n", nb, (double)(t1 - t0) / 1e6);
	if (rss0 > 0 && rss1 > 0)
		printf("pf memory per vf (%u VFs): %.1f KiB\n", nb, (double)(rss1 - rss0) / nb);
	return 0;
}

struct bench_cfg_read_arg {
	const char *vf_dir;
	const char *what;
	unsigned int busy_poll_us;
	int cpu;			/* -1: this thread, where it runs */
	int ret;
};

static void *
bench_cfg_read_run(void *argp)
{
	struct bench_cfg_read_arg *a = argp;
	struct vfio_user_client_opts opts = { .busy_poll_us = a->busy_poll_us };
	struct vfio_user_client *c;
	char path[PATH_MAX];
	uint64_t *ns = calloc(BENCH_CFG_READS, sizeof(*ns));
	unsigned int i;
	int ret;

	a->ret = -ENOMEM;
	if (ns == NULL)
		return NULL;
	snprintf(path, sizeof(path), "%s/vf0.sock", a->vf_dir);
	ret = vfio_user_client_connect(path, &opts, &c);
	if (ret < 0) {
		fprintf(stderr, "svnic-bench-ctrl: %s: %s\n", path, strerror(-ret));
		free(ns);
		a->ret = ret;
		return NULL;
	}
	for (i = 0; i < BENCH_CFG_READS && ret == 0; i++) {
		uint32_t v;
		uint64_t t0 = bench_now_ns();

		ret = vfio_user_client_region_read(c, VFIO_PCI_CONFIG_REGION_INDEX, 0, &v,
						   sizeof(v));
		ns[i] = bench_now_ns() - t0;
	}
	vfio_user_client_close(c);
	if (ret == 0)
		bench_percentiles(a->what, ns, BENCH_CFG_READS);
	else
		fprintf(stderr, "svnic-bench-ctrl: %s: %s\n", a->what, strerror(-ret));
	free(ns);
	a->ret = ret;
	return NULL;
}

/*
 * Config reads of VF 0 by a thread of this process, as a guest would make
 * them: on this CPU, sleeping for each reply; then, with --far-cpu, from a
 * thread on that CPU that polls for its replies (busy_poll_us), as a guest
 * with a CPU of its own would, while the PF's control thread polls after
 * each request (its busy_poll devarg).
 */
static int
bench_cfg_read(const char *vf_dir, int far_cpu)
{
	struct bench_cfg_read_arg a = {
		.vf_dir = vf_dir, .what = "config read", .cpu = -1,
	};
	pthread_attr_t attr;
	char what[64];
	cpu_set_t set;
	pthread_t t;
	int ret;

	bench_cfg_read_run(&a);
	if (a.ret < 0 || far_cpu < 0)
		return a.ret;
	snprintf(what, sizeof(what), "config read, guest polling on CPU %d,", far_cpu);
	a.what = what;
	a.cpu = far_cpu;
	a.busy_poll_us = BENCH_GUEST_BUSY_POLL_US;
	/* on its CPU from its first instruction */
	CPU_ZERO(&set);
	CPU_SET(far_cpu, &set);
	ret = pthread_attr_init(&attr);
	if (ret == 0) {
		ret = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
		if (ret == 0)
			ret = pthread_create(&t, &attr, bench_cfg_read_run, &a);
		pthread_attr_destroy(&attr);
	}
	if (ret != 0) {
		fprintf(stderr, "svnic-bench-ctrl: a thread on CPU %d: %s\n", far_cpu,
			strerror(ret));
		return -ret;
	}
	pthread_join(t, NULL);
	return a.ret;
}

static int
bench_reset(uint16_t port)
{
	uint64_t ns[BENCH_RESETS];
	unsigned int i;

	for (i = 0; i < BENCH_RESETS; i++) {
		uint64_t t0 = bench_now_ns();
		int ret = rte_pmd_svnic_vf_reset(port, 0);

		ns[i] = bench_now_ns() - t0;
		if (ret < 0) {
			fprintf(stderr, "svnic-bench-ctrl: vf reset: %s\n", strerror(-ret));
			return ret;
		}
	}
	qsort(ns, BENCH_RESETS, sizeof(ns[0]), bench_cmp);
	printf("vf reset: %.1f us\nvf reset p99: %.1f us\n", (double)ns[BENCH_RESETS / 2] / 1e3,
	       (double)ns[(BENCH_RESETS * 99) / 100] / 1e3);
	return 0;
}

static int
bench_guest(char **argv)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "svnic-bench-ctrl: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

/* ---- the machine's floors ---- */

struct bench_floor {
	int sock;			/* the echo thread's end of the socket pair */
	int efd;			/* the wake thread sleeps on it */
	unsigned int rounds;
	uint32_t seq;			/* written by the waker, echoed into ack */
	uint32_t ack;
	int cpu;			/* -1: stay where the process is */
};

static void
bench_floor_pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	(void)pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *
bench_floor_echo(void *arg)
{
	struct bench_floor *f = arg;
	uint8_t b[16];

	while (recv(f->sock, b, sizeof(b), MSG_WAITALL) == (ssize_t)sizeof(b))
		if (send(f->sock, b, sizeof(b), MSG_NOSIGNAL) != (ssize_t)sizeof(b))
			break;
	return NULL;
}

static void *
bench_floor_wake(void *arg)
{
	struct bench_floor *f = arg;
	struct pollfd p = { .fd = f->efd, .events = POLLIN };
	unsigned int i;
	uint64_t v;

	bench_floor_pin(f->cpu);
	for (i = 0; i < f->rounds; i++) {
		if (poll(&p, 1, 5000) != 1 || read(f->efd, &v, sizeof(v)) != sizeof(v))
			break;
		__atomic_store_n(&f->ack, __atomic_load_n(&f->seq, __ATOMIC_ACQUIRE),
				 __ATOMIC_RELEASE);
	}
	return NULL;
}

/* A 16-byte unix socket round trip with a thread on this CPU, back to back. */
static int
bench_floor_socket(uint64_t *ns, unsigned int n)
{
	struct bench_floor f = { .rounds = n, .cpu = -1 };
	uint8_t b[16] = { 0 };
	pthread_t t;
	unsigned int i;
	int sv[2], ret = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	f.sock = sv[1];
	if (pthread_create(&t, NULL, bench_floor_echo, &f) != 0) {
		close(sv[0]);
		close(sv[1]);
		return -EAGAIN;
	}
	for (i = 0; i < n && ret == 0; i++) {
		uint64_t t0 = bench_now_ns();

		if (send(sv[0], b, sizeof(b), MSG_NOSIGNAL) != (ssize_t)sizeof(b) ||
		    recv(sv[0], b, sizeof(b), MSG_WAITALL) != (ssize_t)sizeof(b))
			ret = -EIO;
		ns[i] = bench_now_ns() - t0;
	}
	shutdown(sv[0], SHUT_RDWR);
	pthread_join(t, NULL);
	close(sv[0]);
	close(sv[1]);
	return ret;
}

/* Wake a thread on @p cpu through an eventfd; it answers in shared memory. */
static int
bench_floor_wakeup(uint64_t *ns, unsigned int n, int cpu, unsigned int gap_us)
{
	struct bench_floor f = { .rounds = n, .cpu = cpu };
	pthread_t t;
	unsigned int i;
	int ret = 0;

	f.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (f.efd < 0)
		return -errno;
	if (pthread_create(&t, NULL, bench_floor_wake, &f) != 0) {
		close(f.efd);
		return -EAGAIN;
	}
	usleep(10000);
	for (i = 0; i < n && ret == 0; i++) {
		uint64_t one = 1, t0 = bench_now_ns(), limit = t0 + 1000000000u;

		__atomic_store_n(&f.seq, i + 1, __ATOMIC_RELEASE);
		if (write(f.efd, &one, sizeof(one)) != sizeof(one))
			ret = -EIO;
		while (ret == 0 && __atomic_load_n(&f.ack, __ATOMIC_ACQUIRE) != i + 1) {
			if (bench_now_ns() > limit)
				ret = -ETIMEDOUT;
			sched_yield();
		}
		ns[i] = bench_now_ns() - t0;
		if (gap_us != 0)
			usleep(gap_us);
	}
	if (ret != 0) {
		uint64_t one = 1;

		/* let the thread out of its wait */
		for (; i < n; i++)
			(void)write(f.efd, &one, sizeof(one));
	}
	pthread_join(t, NULL);
	close(f.efd);
	return ret;
}

static int
bench_floors(int far_cpu)
{
	uint64_t *ns = calloc(BENCH_FLOOR_ROUNDS, sizeof(*ns));
	uint64_t idle;
	int ret;

	if (ns == NULL)
		return -ENOMEM;
	ret = bench_floor_socket(ns, BENCH_FLOOR_ROUNDS);
	if (ret == 0) {
		bench_percentiles("floor: unix socket round trip, same CPU,", ns,
				  BENCH_FLOOR_ROUNDS);
		ret = bench_floor_wakeup(ns, BENCH_FLOOR_ROUNDS / 4, far_cpu, 1000);
	}
	if (ret == 0) {
		qsort(ns, BENCH_FLOOR_ROUNDS / 4, sizeof(*ns), bench_cmp);
		idle = ns[BENCH_FLOOR_ROUNDS / 8];
		ret = bench_floor_wakeup(ns, BENCH_FLOOR_ROUNDS, far_cpu, 0);
	}
	if (ret == 0) {
		qsort(ns, BENCH_FLOOR_ROUNDS, sizeof(*ns), bench_cmp);
		printf("floor: eventfd wake-up on CPU %d p50: %.1f us 1 ms apart, "
		       "%.1f us back to back\n", far_cpu, (double)idle / 1e3,
		       (double)ns[BENCH_FLOOR_ROUNDS / 2] / 1e3);
	} else {
		fprintf(stderr, "svnic-bench-ctrl: floors: %s\n", strerror(-ret));
	}
	free(ns);
	return ret;
}

int
main(int argc, char **argv)
{
	const char *vf_dir = NULL;
	uint16_t vfs[BENCH_VFS_MAX] = { 64, 256 };
	unsigned int nb_vfs = 2, i;
	char **guest = NULL;
	uint16_t port = 0;
	int far_cpu = -1;
	int n, ret = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	n = rte_eal_init(argc, argv);
	if (n < 0)
		return 1;
	for (i = (unsigned int)n + 1; i < (unsigned int)argc; i++) {
		if (strcmp(argv[i], "--vf-dir") == 0 && i + 1 < (unsigned int)argc) {
			vf_dir = argv[++i];
		} else if (strcmp(argv[i], "--vfs") == 0 && i + 1 < (unsigned int)argc) {
			char *s = argv[++i], *end;

			for (nb_vfs = 0; nb_vfs < BENCH_VFS_MAX && *s != '\0'; nb_vfs++) {
				unsigned long v = strtoul(s, &end, 10);

				if (end == s || v == 0 || v > 256)
					goto usage;
				vfs[nb_vfs] = (uint16_t)v;
				s = *end == ',' ? end + 1 : end;
			}
		} else if (strcmp(argv[i], "--far-cpu") == 0 && i + 1 < (unsigned int)argc) {
			char *end;
			long v = strtol(argv[++i], &end, 10);

			if (*end != '\0' || end == argv[i] || v < 0 || v >= CPU_SETSIZE)
				goto usage;
			far_cpu = (int)v;
		} else if (strcmp(argv[i], "--guest") == 0 && i + 1 < (unsigned int)argc) {
			guest = &argv[i + 1];
			break;
		} else {
			goto usage;
		}
	}
	if (vf_dir == NULL)
		goto usage;
	if (!rte_eth_dev_is_valid_port(port)) {
		fprintf(stderr, "svnic-bench-ctrl: no PF port\n");
		goto out;
	}
	for (i = 0; i < nb_vfs; i++) {
		if (bench_bringup(port, vfs[i], vf_dir) < 0)
			goto out;
		if (i + 1 < nb_vfs && bench_free_all(port) < 0)
			goto out;
	}
	if (bench_cfg_read(vf_dir, far_cpu) < 0 || bench_reset(port) < 0)
		goto out;
	if (far_cpu >= 0 && bench_floors(far_cpu) < 0)
		goto out;
	if (guest != NULL && bench_guest(guest) < 0) {
		fprintf(stderr, "svnic-bench-ctrl: the guest failed\n");
		goto out;
	}
	ret = bench_free_all(port) < 0;
	goto out;
usage:
	fprintf(stderr, "usage: svnic-bench-ctrl EAL-ARGS -- --vf-dir DIR [--vfs N[,N...]] "
		"[--far-cpu N] [--guest CMD...]\n");
	ret = 2;
out:
	rte_eal_cleanup();
	return ret;
}
