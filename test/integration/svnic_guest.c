/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * svnic-guest: a minimal guest application for the integration tests, for
 * what dpdk-testpmd cannot do on a VF port: send frames with a source MAC the
 * port does not own (spoof check), count what arrives (VLAN isolation),
 * hammer the mailbox (quarantine) and report the PMD's answers one per line.
 *
 *   svnic-guest EAL-ARGS -- [--tx N] [--src MAC] [--dst MAC] [--rx-ms MS]
 *                           [--rx-until N] [--promisc] [--flood N] [--mbx-rtt N]
 *                           [--caps PLUGIN] [--txq-stop]
 *
 * --rx-ms MS counts what arrives for at most MS milliseconds; it stops early
 * once --rx-until N test frames have arrived, or on SIGUSR1 (after draining
 * what the device already delivered). A test stops a receiver on an event it
 * observed rather than on a timer, which a loaded 2-CPU machine can outrun.
 *
 * --caps PLUGIN asks rte_pmd_svnic_get_sriov_caps(), from the PF plugin at
 * PLUGIN (the API lives there and answers for VF ports too), about port 0.
 *
 * --mbx-rtt N times N mailbox round trips (statistics: GET_STATS, which any VF
 * may send) twice: one a millisecond, and back to back in bursts of 32 (40 ms
 * apart, so that the PF's rate limiter is not what is measured either way),
 * and prints the median and 99th percentile of each (the benchmark uses it).
 *
 * The port stops right after the last step, and "stop_us" says how long that
 * took: a TX queue's stop waits for the device to have read what was posted
 * (test_tx_flush.py). --txq-stop stops TX queue 0 alone first, and times that.
 *
 * Uses port 0 with one queue pair. Every action prints one line "key value"
 * so that a test can parse it; the exit code is 0 when every requested step
 * ran (refusals are results, not failures), 1 otherwise.
 */
#include <dlfcn.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "rte_pmd_svnic.h"

#define GUEST_NB_MBUF	4095	/* 2^n - 1: the mempool's best size */
#define GUEST_RING	256
#define GUEST_BURST	32
#define GUEST_ETHERTYPE	0x88b5	/* IEEE 802 local experimental */
#define GUEST_FRAME_LEN	64

struct guest_opts {
	unsigned long tx;
	bool has_src;
	struct rte_ether_addr src;
	struct rte_ether_addr dst;
	unsigned long rx_ms;
	unsigned long rx_until;
	bool promisc;
	unsigned long flood;
	unsigned long mbx_rtt;
	const char *caps_plugin;
	bool txq_stop;
};

static int
guest_parse_mac(const char *s, struct rte_ether_addr *mac)
{
	if (rte_ether_unformat_addr(s, mac) != 0) {
		fprintf(stderr, "svnic-guest: bad MAC address '%s'\n", s);
		return -1;
	}
	return 0;
}

static int
guest_parse_ulong(const char *s, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-') {
		fprintf(stderr, "svnic-guest: bad number '%s'\n", s);
		return -1;
	}
	return 0;
}

static int
guest_parse(int argc, char **argv, struct guest_opts *o)
{
	static const struct option longopts[] = {
		{ "tx", required_argument, NULL, 't' },
		{ "src", required_argument, NULL, 's' },
		{ "dst", required_argument, NULL, 'd' },
		{ "rx-ms", required_argument, NULL, 'r' },
		{ "rx-until", required_argument, NULL, 'u' },
		{ "promisc", no_argument, NULL, 'p' },
		{ "flood", required_argument, NULL, 'f' },
		{ "mbx-rtt", required_argument, NULL, 'm' },
		{ "caps", required_argument, NULL, 'c' },
		{ "txq-stop", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	memset(&o->dst, 0xff, sizeof(o->dst));
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		int ret = 0;

		switch (c) {
		case 't': ret = guest_parse_ulong(optarg, &o->tx); break;
		case 's': ret = guest_parse_mac(optarg, &o->src); o->has_src = true; break;
		case 'd': ret = guest_parse_mac(optarg, &o->dst); break;
		case 'r': ret = guest_parse_ulong(optarg, &o->rx_ms); break;
		case 'u': ret = guest_parse_ulong(optarg, &o->rx_until); break;
		case 'p': o->promisc = true; break;
		case 'f': ret = guest_parse_ulong(optarg, &o->flood); break;
		case 'm': ret = guest_parse_ulong(optarg, &o->mbx_rtt); break;
		case 'c': o->caps_plugin = optarg; break;
		case 'q': o->txq_stop = true; break;
		default: ret = -1; break;
		}
		if (ret < 0)
			return -1;
	}
	if (optind != argc) {
		fprintf(stderr, "svnic-guest: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

static int
guest_port_init(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, GUEST_RING, rte_eth_dev_socket_id(port),
					     NULL, mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, GUEST_RING, rte_eth_dev_socket_id(port),
					     NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	if (ret != 0)
		fprintf(stderr, "svnic-guest: port %u set-up failed: %s\n", port, strerror(-ret));
	return ret;
}

static unsigned long
guest_tx(uint16_t port, struct rte_mempool *mp, const struct guest_opts *o,
	 const struct rte_ether_addr *src)
{
	unsigned long sent = 0;
	uint64_t deadline = rte_get_timer_cycles() + 5 * rte_get_timer_hz();

	while (sent < o->tx && rte_get_timer_cycles() < deadline) {
		struct rte_mbuf *pkts[GUEST_BURST];
		unsigned int n = RTE_MIN((unsigned long)GUEST_BURST, o->tx - sent);
		unsigned int i;
		uint16_t done;

		if (rte_pktmbuf_alloc_bulk(mp, pkts, n) != 0)
			break;
		for (i = 0; i < n; i++) {
			char *frame = rte_pktmbuf_append(pkts[i], GUEST_FRAME_LEN);
			struct rte_ether_hdr *eh = (struct rte_ether_hdr *)frame;

			if (frame == NULL)	/* a default mbuf always has room */
				abort();
			memset(frame + sizeof(*eh), 0, GUEST_FRAME_LEN - sizeof(*eh));
			rte_ether_addr_copy(&o->dst, &eh->dst_addr);
			rte_ether_addr_copy(src, &eh->src_addr);
			eh->ether_type = rte_cpu_to_be_16(GUEST_ETHERTYPE);
		}
		done = rte_eth_tx_burst(port, 0, pkts, n);
		if (done < n)
			rte_pktmbuf_free_bulk(&pkts[done], n - done);
		sent += done;
		/* a test counts every frame at a receiver that shares two CPUs with
		 * the device and the PF: give it time to post buffers again */
		rte_delay_us_sleep(2000);
	}
	return sent;
}

static volatile sig_atomic_t guest_stop;

static void
guest_on_sigusr1(int sig)
{
	(void)sig;
	guest_stop = 1;
}

/* Count frames until the window closes, @until test frames came (0: no such
 * limit) or SIGUSR1; after a signal, drain until the queue stays empty for a
 * while so that a frame the device already delivered is counted. */
static void
guest_rx(uint16_t port, unsigned long ms, unsigned long until)
{
	uint64_t hz = rte_get_timer_hz();
	uint64_t end = rte_get_timer_cycles() + ms * hz / 1000;
	uint64_t quiet_end = 0;
	unsigned long frames = 0, bcast = 0, tagged = 0, ours = 0;

	while (rte_get_timer_cycles() < end && (until == 0 || ours < until)) {
		struct rte_mbuf *pkts[GUEST_BURST];
		uint16_t n = rte_eth_rx_burst(port, 0, pkts, GUEST_BURST);
		uint16_t i;

		for (i = 0; i < n; i++) {
			const struct rte_ether_hdr *eh =
				rte_pktmbuf_mtod(pkts[i], const struct rte_ether_hdr *);

			frames++;
			if (rte_is_broadcast_ether_addr(&eh->dst_addr))
				bcast++;
			if (eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN))
				tagged++;
			if (eh->ether_type == rte_cpu_to_be_16(GUEST_ETHERTYPE))
				ours++;
		}
		rte_pktmbuf_free_bulk(pkts, n);
		if (guest_stop) {
			uint64_t now = rte_get_timer_cycles();

			if (quiet_end == 0 || n > 0)
				quiet_end = now + hz / 20;	/* 50 ms without a frame */
			else if (now >= quiet_end)
				break;
		}
	}
	printf("rx_frames %lu\nrx_broadcast %lu\nrx_tagged %lu\nrx_test_frames %lu\n",
	       frames, bcast, tagged, ours);
}

static int
guest_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Mailbox round trips, each one request and its reply, in two regimes:
 * paced 1 ms apart (every CPU on the path has gone idle in between and is
 * woken again), and back to back in bursts of GUEST_MBX_BURST with a pause
 * after each (the pace of a VF driver's bring-up; the bursts stay within the
 * PF's rate limit, 2000 requests/s with a bucket of 256).
 */
#define GUEST_MBX_BURST		32
#define GUEST_MBX_BURST_GAP_US	40000

static int
guest_mbx_time(uint16_t port, uint64_t *ns, unsigned long n, bool paced)
{
	double per_ns = 1e9 / (double)rte_get_timer_hz();
	unsigned long i;

	for (i = 0; i < n; i++) {
		uint64_t t0 = rte_get_timer_cycles();
		struct rte_eth_stats st;
		int r = rte_eth_stats_get(port, &st);	/* one GET_STATS request */

		ns[i] = (uint64_t)((double)(rte_get_timer_cycles() - t0) * per_ns);
		if (r != 0) {
			printf("mbx_rtt_error %d\n", r);
			return -1;
		}
		if (paced)
			rte_delay_us_sleep(1000);
		else if ((i + 1) % GUEST_MBX_BURST == 0)
			rte_delay_us_sleep(GUEST_MBX_BURST_GAP_US);
	}
	qsort(ns, n, sizeof(*ns), guest_cmp_u64);
	printf("mbx_rtt%s_p50_ns %" PRIu64 "\nmbx_rtt%s_p99_ns %" PRIu64 "\n",
	       paced ? "" : "_b2b", ns[n / 2], paced ? "" : "_b2b",
	       ns[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1]);
	return 0;
}

static int
guest_mbx_rtt(uint16_t port, unsigned long n)
{
	uint64_t *ns = calloc(n, sizeof(*ns));
	int ret;

	if (ns == NULL)
		return -1;
	ret = guest_mbx_time(port, ns, n, true);
	if (ret == 0)
		ret = guest_mbx_time(port, ns, n, false);
	free(ns);
	return ret;
}

/* The caps as net_svnic's API tells them, one "caps_<field> <value>" line each. */
static int
guest_caps(uint16_t port, const char *plugin)
{
	typedef int (*caps_fn)(uint16_t, struct rte_pmd_svnic_sriov_caps *);
	struct rte_pmd_svnic_sriov_caps c;
	void *h = dlopen(plugin, RTLD_NOW);
	struct rte_eth_dev_info info;
	caps_fn fn;
	int r;

	if (h == NULL) {
		fprintf(stderr, "svnic-guest: %s\n", dlerror());
		return -1;
	}
	fn = (caps_fn)(uintptr_t)dlsym(h, "rte_pmd_svnic_get_sriov_caps");
	if (fn == NULL) {
		fprintf(stderr, "svnic-guest: %s\n", dlerror());
		return -1;
	}
	if (rte_eth_dev_info_get(port, &info) == 0)
		printf("info_vmdq_pools %u\ninfo_reta_size %u\n", info.max_vmdq_pools,
		       info.reta_size);
	memset(&c, 0xa5, sizeof(c));
	r = fn(port, &c);
	printf("caps_ret %d\n", r);
	if (r == 0)
		printf("caps_sriov %d\ncaps_is_vf %d\ncaps_vf_id %u\ncaps_mbx_version %u\n"
		       "caps_vmdq %d\ncaps_rss %d\n", c.sriov_supported, c.is_vf, c.vf_id,
		       c.mbx_version, c.vmdq, c.rss);
	return 0;
}

/* One of the port's extended statistics, as "xstat_<name> <value>", if it has it. */
static void
guest_print_xstat(uint16_t port, const char *name)
{
	uint64_t id, value;

	if (rte_eth_xstats_get_id_by_name(port, name, &id) == 0 &&
	    rte_eth_xstats_get_by_id(port, &id, &value, 1) == 1)
		printf("xstat_%s %" PRIu64 "\n", name, value);
}

/* Stop TX queue 0 alone or the whole port, and say how long it took. */
static void
guest_port_stop(uint16_t port, bool txq)
{
	uint64_t t0 = rte_get_timer_cycles();
	int r = txq ? rte_eth_dev_tx_queue_stop(port, 0) : rte_eth_dev_stop(port);
	uint64_t us = (rte_get_timer_cycles() - t0) * 1000000 / rte_get_timer_hz();

	printf("%s_ret %d\n%s_us %" PRIu64 "\n", txq ? "txq_stop" : "stop", r,
	       txq ? "txq_stop" : "stop", us);
	guest_print_xstat(port, "tx_stop_dropped_descriptors");
}

int
main(int argc, char **argv)
{
	struct rte_ether_addr own;
	struct rte_mempool *mp;
	struct guest_opts o;
	uint16_t port = 0;
	int consumed, ret = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* a test reads lines as they come */
	signal(SIGUSR1, guest_on_sigusr1);
	consumed = rte_eal_init(argc, argv);
	if (consumed < 0) {
		fprintf(stderr, "svnic-guest: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argv[consumed] = argv[0];
	if (guest_parse(argc - consumed, argv + consumed, &o) < 0)
		goto out;
	if (!rte_eth_dev_is_valid_port(port)) {
		fprintf(stderr, "svnic-guest: no port (is the VF plugin loaded with -d?)\n");
		goto out;
	}
	mp = rte_pktmbuf_pool_create("guest", GUEST_NB_MBUF, 256, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (mp == NULL) {
		fprintf(stderr, "svnic-guest: no mbuf pool: %s\n", rte_strerror(rte_errno));
		goto out;
	}
	if (guest_port_init(port, mp) != 0)
		goto out;
	rte_eth_macaddr_get(port, &own);
	printf("mac " RTE_ETHER_ADDR_PRT_FMT "\n", RTE_ETHER_ADDR_BYTES(&own));
	if (o.promisc) {
		int r = rte_eth_promiscuous_enable(port);

		printf("promisc_enable %d\npromisc_now %d\n", r, rte_eth_promiscuous_get(port));
	}
	if (o.flood > 0) {
		unsigned long i, refused = 0;

		for (i = 0; i < o.flood; i++)
			if (((i & 1) ? rte_eth_allmulticast_disable(port) :
			     rte_eth_allmulticast_enable(port)) != 0)
				refused++;
		printf("flood_requests %lu\nflood_refused %lu\n", o.flood, refused);
	}
	if (o.caps_plugin != NULL && guest_caps(port, o.caps_plugin) != 0)
		goto out;
	if (o.mbx_rtt > 0 && guest_mbx_rtt(port, o.mbx_rtt) != 0)
		goto out;
	if (o.tx > 0)
		printf("tx_sent %lu\n", guest_tx(port, mp, &o, o.has_src ? &o.src : &own));
	if (o.rx_ms > 0)
		guest_rx(port, o.rx_ms, o.rx_until);
	if (o.txq_stop)
		guest_port_stop(port, true);
	guest_port_stop(port, false);
	fflush(stdout);
	ret = 0;
	rte_eth_dev_close(port);
out:
	rte_eal_cleanup();
	return ret;
}
