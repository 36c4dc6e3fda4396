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
 *
 *   svnic-bench-ctrl EAL-ARGS -- --vf-dir DIR [--vfs N[,N...]] [--guest CMD...]
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static int
bench_cfg_read(const char *vf_dir)
{
	struct vfio_user_client *c;
	char path[PATH_MAX];
	uint64_t *ns = calloc(BENCH_CFG_READS, sizeof(*ns));
	unsigned int i;
	int ret;

	if (ns == NULL)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/vf0.sock", vf_dir);
	ret = vfio_user_client_connect(path, NULL, &c);
	if (ret < 0) {
		fprintf(stderr, "svnic-bench-ctrl: %s: %s\n", path, strerror(-ret));
		free(ns);
		return ret;
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
		bench_percentiles("config read", ns, BENCH_CFG_READS);
	else
		fprintf(stderr, "svnic-bench-ctrl: config read: %s\n", strerror(-ret));
	free(ns);
	return ret;
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

int
main(int argc, char **argv)
{
	const char *vf_dir = NULL;
	uint16_t vfs[BENCH_VFS_MAX] = { 64, 256 };
	unsigned int nb_vfs = 2, i;
	char **guest = NULL;
	uint16_t port = 0;
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
	if (bench_cfg_read(vf_dir) < 0 || bench_reset(port) < 0)
		goto out;
	if (guest != NULL && bench_guest(guest) < 0) {
		fprintf(stderr, "svnic-bench-ctrl: the guest failed\n");
		goto out;
	}
	ret = bench_free_all(port) < 0;
	goto out;
usage:
	fprintf(stderr, "usage: svnic-bench-ctrl EAL-ARGS -- --vf-dir DIR [--vfs N[,N...]] "
		"[--guest CMD...]\n");
	ret = 2;
out:
	rte_eal_cleanup();
	return ret;
}
