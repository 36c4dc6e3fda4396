/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * svnic-bench-memcpy: how many packets of a given size one core can memcpy per
 * second. A device in software that copies every packet (svnic-emu copies each
 * one from the TX buffer into its own frame, then into the RX buffer) cannot
 * forward faster than this on the same core: usertools/svnic-bench.sh prints it
 * as the floor next to the measured rates (doc/benchmarks.rst).
 *
 *   svnic-bench-memcpy [--seconds S] [--bufs N] [--stride B] SIZE...
 *
 * One line per size on stdout:
 *   memcpy size=64 copies=N seconds=S mpps=M gbps=G cpu=C stride=B bufs=N
 *
 * cpu is the share of the CPU the process got while measuring (1.00: all of it;
 * less: something else ran on that CPU, and the rate is low).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * An mbuf's data room in testpmd (2048 + 128 bytes of headroom): not a power of
 * two. With 4 KiB pages (--no-huge), buffers at a power-of-two stride share their
 * low address bits and so fall into a handful of cache sets, which measures the
 * cache's associativity instead of memcpy.
 */
#define BENCH_STRIDE_DEFAULT	2176u
#define BENCH_HEADROOM		128u
#define BENCH_BUFS_DEFAULT	1024u
#define BENCH_SIZE_MAX		9216u

struct bench_cfg {
	double seconds;
	unsigned int bufs;
	unsigned int stride;
};

static double
bench_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double
bench_now(void)
{
	return bench_clock(CLOCK_MONOTONIC);
}

/* One pass: buffer i of src into buffer i of dst, as a device walks its ring. */
static void
bench_pass(unsigned char *dst, const unsigned char *src, const struct bench_cfg *cfg,
	   size_t size)
{
	unsigned int i;

	for (i = 0; i < cfg->bufs; i++) {
		size_t off = (size_t)i * cfg->stride + BENCH_HEADROOM;

		memcpy(dst + off, src + off, size);
		/* Keeps the compiler from merging or dropping copies of unchanged data. */
		__asm__ __volatile__("" : : "r"(dst) : "memory");
	}
}

static int
bench_size(const struct bench_cfg *cfg, size_t size)
{
	size_t arena = (size_t)cfg->bufs * cfg->stride + BENCH_HEADROOM + BENCH_SIZE_MAX;
	unsigned char *src, *dst;
	uint64_t copies = 0;
	double t0, t1, cpu0, warm;

	src = aligned_alloc(64, (arena + 63) & ~(size_t)63);
	dst = aligned_alloc(64, (arena + 63) & ~(size_t)63);
	if (src == NULL || dst == NULL) {
		fprintf(stderr, "svnic-bench-memcpy: %s\n", strerror(ENOMEM));
		free(src);
		free(dst);
		return -ENOMEM;
	}
	memset(src, 0x5a, arena);
	memset(dst, 0, arena);

	/* Warm-up: pages faulted in, caches and the frequency settled. */
	warm = bench_now() + 0.1;
	while (bench_now() < warm)
		bench_pass(dst, src, cfg, size);

	cpu0 = bench_clock(CLOCK_PROCESS_CPUTIME_ID);
	t0 = bench_now();
	do {
		bench_pass(dst, src, cfg, size);
		copies += cfg->bufs;
		t1 = bench_now();
	} while (t1 - t0 < cfg->seconds);

	printf("memcpy size=%zu copies=%" PRIu64 " seconds=%.6f mpps=%.3f gbps=%.3f "
	       "cpu=%.2f stride=%u bufs=%u\n", size, copies, t1 - t0,
	       (double)copies / (t1 - t0) / 1e6,
	       (double)copies * (double)size * 8.0 / (t1 - t0) / 1e9,
	       (bench_clock(CLOCK_PROCESS_CPUTIME_ID) - cpu0) / (t1 - t0),
	       cfg->stride, cfg->bufs);
	fflush(stdout);
	free(src);
	free(dst);
	return 0;
}

static int
bench_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static void
bench_usage(FILE *f)
{
	fprintf(f,
"Usage: svnic-bench-memcpy [--seconds S] [--bufs N] [--stride B] SIZE...\n"
"\n"
"Copies SIZE bytes from buffer i to buffer i of two rings of N buffers B bytes\n"
"apart, on the calling core, for S seconds per size; prints Mpps and Gbit/s.\n"
"\n"
"  -s, --seconds S   measuring time per size (default 0.5)\n"
"  -n, --bufs N      buffers per ring (default %u)\n"
"  -t, --stride B    bytes from one buffer to the next (default %u; keep it off\n"
"                    powers of two)\n"
"  -h, --help        this text\n", BENCH_BUFS_DEFAULT, BENCH_STRIDE_DEFAULT);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "bufs", required_argument, NULL, 'n' },
		{ "stride", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench_cfg cfg = {
		.seconds = 0.5, .bufs = BENCH_BUFS_DEFAULT, .stride = BENCH_STRIDE_DEFAULT,
	};
	unsigned long v;
	char *end;
	int c, i;

	while ((c = getopt_long(argc, argv, "s:n:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			cfg.seconds = strtod(optarg, &end);
			if (end == optarg || *end != '\0' || !(cfg.seconds > 0.0) ||
			    cfg.seconds > 60.0) {
				fprintf(stderr, "svnic-bench-memcpy: --seconds: 0 < S <= 60\n");
				return 2;
			}
			break;
		case 'n':
			if (bench_parse_uint(optarg, 1, 1u << 20, &v) < 0) {
				fprintf(stderr, "svnic-bench-memcpy: --bufs: 1..1048576\n");
				return 2;
			}
			cfg.bufs = (unsigned int)v;
			break;
		case 't':
			if (bench_parse_uint(optarg, 64, 1u << 20, &v) < 0) {
				fprintf(stderr, "svnic-bench-memcpy: --stride: 64..1048576\n");
				return 2;
			}
			cfg.stride = (unsigned int)v;
			break;
		case 'h':
			bench_usage(stdout);
			return 0;
		default:
			bench_usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		bench_usage(stderr);
		return 2;
	}
	for (i = optind; i < argc; i++) {
		if (bench_parse_uint(argv[i], 1, BENCH_SIZE_MAX, &v) < 0) {
			fprintf(stderr, "svnic-bench-memcpy: size %s: 1..%u\n", argv[i],
				BENCH_SIZE_MAX);
			return 2;
		}
		if (v + BENCH_HEADROOM > cfg.stride) {
			fprintf(stderr, "svnic-bench-memcpy: size %lu does not fit a %u-byte "
				"stride with %u bytes of headroom\n", v, cfg.stride,
				BENCH_HEADROOM);
			return 2;
		}
		if (bench_size(&cfg, v) < 0)
			return 1;
	}
	return 0;
}
