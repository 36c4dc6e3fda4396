/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * svnic-emu's uplinks: spec parsing and opening refused first, then null,
 * loopback (round trip, overflow), the pcap capture read back with libpcap,
 * and a real tap: created, a frame each way through the kernel, deleted. A
 * process that may not create taps must get the clear error instead.
 */
#define _DEFAULT_SOURCE	/* struct ifreq, AF_PACKET, libpcap's u_char */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <pcap/pcap.h>

#include "emu_uplink.h"
#include "unit.h"

static char err[256];

static void
fill(uint8_t *f, size_t len, uint8_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		f[i] = (uint8_t)(seed + i * 7);
}

static bool
err_has(const char *needle)
{
	return strstr(err, needle) != NULL;
}

/* ---- refusals ---- */

static void
test_parse_refused(void)
{
	static const char *const bad[] = {
		"", "tap", "loop", "Loopback", "null ", "loopback:x", "wire", "tap:x:y",
		"tap:a/b", "tap:a b", "tap:.", "tap:..", "tap:\t",
	};
	struct svnic_uplink_spec spec;
	unsigned int i;

	CU_ASSERT_EQUAL(svnic_uplink_parse(NULL, &spec, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(svnic_uplink_parse("null", NULL, err, sizeof(err)), -EINVAL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CU_ASSERT_EQUAL(svnic_uplink_parse(bad[i], &spec, err, sizeof(err)), -EINVAL);
		CU_ASSERT(err[0] != '\0');
	}
	CU_ASSERT_EQUAL(svnic_uplink_parse("wire", &spec, err, sizeof(err)), -EINVAL);
	CU_ASSERT(err_has("unknown uplink \"wire\""));
	CU_ASSERT(err_has("loopback, null or tap:IFNAME"));
	CU_ASSERT_EQUAL(svnic_uplink_parse("tap:", &spec, err, sizeof(err)), -EINVAL);
	CU_ASSERT(err_has("interface name missing"));
	CU_ASSERT_EQUAL(svnic_uplink_parse("tap:0123456789abcdef", &spec, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT(err_has("longer than 15"));
	CU_ASSERT_EQUAL(svnic_uplink_parse("tap:a/b", &spec, err, sizeof(err)), -EINVAL);
	CU_ASSERT(err_has("not allowed"));
	/* no error buffer is fine */
	CU_ASSERT_EQUAL(svnic_uplink_parse("bogus", &spec, NULL, 0), -EINVAL);

	CU_ASSERT_EQUAL(svnic_uplink_parse("null", &spec, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(spec.kind, SVNIC_UPLINK_NULL);
	CU_ASSERT_EQUAL(svnic_uplink_parse("loopback", &spec, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(spec.kind, SVNIC_UPLINK_LOOPBACK);
	CU_ASSERT_EQUAL(svnic_uplink_parse("tap:0123456789abcde", &spec, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(spec.kind, SVNIC_UPLINK_TAP);
	CU_ASSERT_STRING_EQUAL(spec.ifname, "0123456789abcde");
}

static void
test_open_refused(void)
{
	struct svnic_uplink_spec spec = { .kind = SVNIC_UPLINK_LOOPBACK };
	struct svnic_uplink_opts opts = { 0 };
	struct svnic_uplink *ul = (struct svnic_uplink *)&spec;
	struct svnic_uplink_stats st;
	uint8_t buf[64];

	CU_ASSERT_EQUAL(svnic_uplink_open(NULL, NULL, &ul, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(svnic_uplink_open(&spec, NULL, NULL, err, sizeof(err)), -EINVAL);
	opts.frame_max = 13;
	CU_ASSERT_EQUAL(svnic_uplink_open(&spec, &opts, &ul, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NULL(ul);
	CU_ASSERT(err_has("frame_max"));
	opts.frame_max = 0;
	opts.loop_depth = SVNIC_UPLINK_LOOP_DEPTH_MAX + 1;
	CU_ASSERT_EQUAL(svnic_uplink_open(&spec, &opts, &ul, err, sizeof(err)), -EINVAL);
	opts.loop_depth = 0;
	spec.kind = (enum svnic_uplink_kind)42;
	CU_ASSERT_EQUAL(svnic_uplink_open(&spec, &opts, &ul, err, sizeof(err)), -EINVAL);
	/* a tap spec not made by the parser is checked again */
	spec.kind = SVNIC_UPLINK_TAP;
	strcpy(spec.ifname, "../x");
	CU_ASSERT_EQUAL(svnic_uplink_open(&spec, &opts, &ul, err, sizeof(err)), -EINVAL);
	spec.ifname[0] = '\0';
	CU_ASSERT_EQUAL(svnic_uplink_open(&spec, &opts, &ul, err, sizeof(err)), -EINVAL);
	/* a capture file that cannot be created */
	spec.kind = SVNIC_UPLINK_LOOPBACK;
	opts.pcap_path = "/nonexistent-dir/x.pcap";
	CU_ASSERT_EQUAL(svnic_uplink_open(&spec, &opts, &ul, err, sizeof(err)), -EIO);
	CU_ASSERT(err_has("/nonexistent-dir/x.pcap"));
	CU_ASSERT_PTR_NULL(ul);
	/* calls on nothing */
	CU_ASSERT_EQUAL(svnic_uplink_send(NULL, buf, 60), -EINVAL);
	CU_ASSERT_EQUAL(svnic_uplink_recv(NULL, buf, sizeof(buf)), -EINVAL);
	CU_ASSERT_EQUAL(svnic_uplink_stats_get(NULL, &st), -EINVAL);
	CU_ASSERT_EQUAL(svnic_uplink_fd(NULL), -1);
	CU_ASSERT_EQUAL(svnic_uplink_link_up(NULL), -EINVAL);
	CU_ASSERT_EQUAL(svnic_uplink_flush(NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(svnic_uplink_name(NULL), "(none)");
	svnic_uplink_close(NULL);
	/* bad arguments on a good uplink */
	opts.pcap_path = NULL;
	CU_ASSERT_EQUAL_FATAL(svnic_uplink_open(&spec, &opts, &ul, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(svnic_uplink_send(ul, NULL, 60), -EINVAL);
	CU_ASSERT_EQUAL(svnic_uplink_send(ul, buf, 0), -EINVAL);
	CU_ASSERT_EQUAL(svnic_uplink_recv(ul, NULL, 60), -EINVAL);
	CU_ASSERT_EQUAL(svnic_uplink_recv(ul, buf, 0), -EINVAL);
	CU_ASSERT_EQUAL(svnic_uplink_stats_get(ul, NULL), -EINVAL);
	svnic_uplink_close(ul);
}

/* ---- null, loopback ---- */

static void
test_null(void)
{
	struct svnic_uplink_spec spec;
	struct svnic_uplink_stats st;
	struct svnic_uplink *ul;
	uint8_t f[60], buf[128];

	CU_ASSERT_EQUAL(svnic_uplink_parse("null", &spec, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(svnic_uplink_open(&spec, NULL, &ul, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(svnic_uplink_name(ul), "null");
	CU_ASSERT_EQUAL(svnic_uplink_fd(ul), -1);
	CU_ASSERT_EQUAL(svnic_uplink_link_up(ul), 1);
	fill(f, sizeof(f), 1);
	CU_ASSERT_EQUAL(svnic_uplink_send(ul, f, sizeof(f)), 0);
	CU_ASSERT_EQUAL(svnic_uplink_send(ul, f, sizeof(f)), 0);
	CU_ASSERT_EQUAL(svnic_uplink_recv(ul, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(svnic_uplink_stats_get(ul, &st), 0);
	CU_ASSERT_EQUAL(st.tx_packets, 2);
	CU_ASSERT_EQUAL(st.tx_bytes, 120);
	CU_ASSERT_EQUAL(st.rx_packets, 0);
	svnic_uplink_close(ul);
}

static void
test_loopback_round_trip(void)
{
	struct svnic_uplink_opts opts = { .frame_max = 1518 };
	struct svnic_uplink_spec spec;
	struct svnic_uplink_stats st;
	struct svnic_uplink *ul;
	uint8_t f[3][1519], buf[2048];
	size_t lens[3] = { 60, 1518, 14 };
	unsigned int i;

	CU_ASSERT_EQUAL(svnic_uplink_parse("loopback", &spec, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(svnic_uplink_open(&spec, &opts, &ul, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(svnic_uplink_name(ul), "loopback");
	CU_ASSERT_EQUAL(svnic_uplink_frame_max(ul), 1518);
	CU_ASSERT_EQUAL(svnic_uplink_fd(ul), -1);
	CU_ASSERT_EQUAL(svnic_uplink_recv(ul, buf, sizeof(buf)), 0);
	for (i = 0; i < 3; i++) {
		fill(f[i], lens[i], (uint8_t)(i * 40));
		CU_ASSERT_EQUAL(svnic_uplink_send(ul, f[i], lens[i]), 0);
	}
	/* over frame_max: refused and counted */
	CU_ASSERT_EQUAL(svnic_uplink_send(ul, f[0], 1519), -EMSGSIZE);
	for (i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(svnic_uplink_recv(ul, buf, sizeof(buf)), (ssize_t)lens[i]);
		CU_ASSERT_EQUAL(memcmp(buf, f[i], lens[i]), 0);
	}
	CU_ASSERT_EQUAL(svnic_uplink_recv(ul, buf, sizeof(buf)), 0);
	/* a buffer too small drops that frame, the next one is fine */
	CU_ASSERT_EQUAL(svnic_uplink_send(ul, f[1], 1518), 0);
	CU_ASSERT_EQUAL(svnic_uplink_send(ul, f[0], 60), 0);
	CU_ASSERT_EQUAL(svnic_uplink_recv(ul, buf, 100), -EMSGSIZE);
	CU_ASSERT_EQUAL(svnic_uplink_recv(ul, buf, 100), 60);
	CU_ASSERT_EQUAL(memcmp(buf, f[0], 60), 0);
	CU_ASSERT_EQUAL(svnic_uplink_stats_get(ul, &st), 0);
	CU_ASSERT_EQUAL(st.tx_packets, 5);
	CU_ASSERT_EQUAL(st.tx_bytes, 60 + 1518 + 14 + 1518 + 60);
	CU_ASSERT_EQUAL(st.tx_drops, 1);
	CU_ASSERT_EQUAL(st.rx_packets, 4);
	CU_ASSERT_EQUAL(st.rx_drops, 1);
	CU_ASSERT_EQUAL(st.capture_frames, 0);
	svnic_uplink_close(ul);
}

/*
 * The short cut: an empty loopback takes a frame as sent and received at
 * once; with frames queued it refuses, so nothing overtakes them; other
 * uplinks never reflect.
 */
static void
test_loopback_reflect(void)
{
	struct svnic_uplink_opts opts = { .frame_max = 1518, .loop_depth = 4 };
	struct svnic_uplink_spec spec = { .kind = SVNIC_UPLINK_LOOPBACK };
	struct svnic_uplink_stats st;
	struct svnic_uplink *ul;
	uint8_t f[64], big[1519], buf[128];

	fill(f, sizeof(f), 7);
	CU_ASSERT_EQUAL_FATAL(svnic_uplink_open(&spec, &opts, &ul, err, sizeof(err)), 0);
	CU_ASSERT(svnic_uplink_surely_empty(ul));
	CU_ASSERT(svnic_uplink_reflect(ul, f, sizeof(f)));
	CU_ASSERT(svnic_uplink_reflect(ul, f, 60));
	/* nothing went through the ring */
	CU_ASSERT_EQUAL(svnic_uplink_recv(ul, buf, sizeof(buf)), 0);
	/* refused: too long, empty, NULL */
	CU_ASSERT(!svnic_uplink_reflect(ul, big, sizeof(big)));
	CU_ASSERT(!svnic_uplink_reflect(ul, f, 0));
	CU_ASSERT(!svnic_uplink_reflect(ul, NULL, 60));
	CU_ASSERT(!svnic_uplink_reflect(NULL, f, 60));
	/* a frame queued ahead: no overtaking until it is received */
	f[0] = 1;
	CU_ASSERT_EQUAL(svnic_uplink_send(ul, f, sizeof(f)), 0);
	CU_ASSERT(!svnic_uplink_surely_empty(ul));
	CU_ASSERT(!svnic_uplink_reflect(ul, f, sizeof(f)));
	CU_ASSERT_EQUAL(svnic_uplink_recv(ul, buf, sizeof(buf)), 64);
	CU_ASSERT(svnic_uplink_surely_empty(ul));
	CU_ASSERT_EQUAL(buf[0], 1);
	CU_ASSERT(svnic_uplink_reflect(ul, f, sizeof(f)));
	/* counted both ways, like a frame through the ring */
	CU_ASSERT_EQUAL(svnic_uplink_stats_get(ul, &st), 0);
	CU_ASSERT_EQUAL(st.tx_packets, 4);
	CU_ASSERT_EQUAL(st.tx_bytes, 64 + 60 + 64 + 64);
	CU_ASSERT_EQUAL(st.rx_packets, 4);
	CU_ASSERT_EQUAL(st.rx_bytes, 64 + 60 + 64 + 64);
	CU_ASSERT_EQUAL(st.tx_drops, 0);
	svnic_uplink_close(ul);

	spec.kind = SVNIC_UPLINK_NULL;
	CU_ASSERT_EQUAL_FATAL(svnic_uplink_open(&spec, &opts, &ul, err, sizeof(err)), 0);
	CU_ASSERT(!svnic_uplink_reflect(ul, f, sizeof(f)));
	CU_ASSERT(!svnic_uplink_surely_empty(ul));
	CU_ASSERT_EQUAL(svnic_uplink_stats_get(ul, &st), 0);
	CU_ASSERT_EQUAL(st.tx_packets, 0);
	svnic_uplink_close(ul);
}

static void
test_loopback_overflow(void)
{
	struct svnic_uplink_opts opts = { .loop_depth = 4 };
	struct svnic_uplink_spec spec = { .kind = SVNIC_UPLINK_LOOPBACK };
	struct svnic_uplink_stats st;
	struct svnic_uplink *ul;
	uint8_t f[64], buf[128];
	unsigned int i, round;

	CU_ASSERT_EQUAL_FATAL(svnic_uplink_open(&spec, &opts, &ul, err, sizeof(err)), 0);
	/* several times round the ring, in order */
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 4; i++) {
			f[0] = (uint8_t)(round * 4 + i);
			CU_ASSERT_EQUAL(svnic_uplink_send(ul, f, sizeof(f)), 0);
		}
		f[0] = 0xff;
		CU_ASSERT_EQUAL(svnic_uplink_send(ul, f, sizeof(f)), -ENOBUFS);
		for (i = 0; i < 4; i++) {
			CU_ASSERT_EQUAL(svnic_uplink_recv(ul, buf, sizeof(buf)), 64);
			CU_ASSERT_EQUAL(buf[0], round * 4 + i);
		}
		CU_ASSERT_EQUAL(svnic_uplink_recv(ul, buf, sizeof(buf)), 0);
	}
	CU_ASSERT_EQUAL(svnic_uplink_stats_get(ul, &st), 0);
	CU_ASSERT_EQUAL(st.tx_packets, 12);
	CU_ASSERT_EQUAL(st.tx_drops, 3);
	CU_ASSERT_EQUAL(st.rx_packets, 12);
	svnic_uplink_close(ul);
}

/* ---- capture ---- */

static void
test_pcap_capture(void)
{
	char path[] = "/tmp/svnic-uplink-XXXXXX";
	char pcap_err[PCAP_ERRBUF_SIZE];
	struct svnic_uplink_opts opts = { 0 };
	struct svnic_uplink_spec spec = { .kind = SVNIC_UPLINK_LOOPBACK };
	struct svnic_uplink_stats st;
	struct svnic_uplink *ul;
	struct pcap_pkthdr *h;
	const u_char *data;
	uint8_t f[2][200], buf[256];
	size_t lens[2] = { 60, 200 };
	/* both directions in the order they crossed: send, send, recv, recv */
	static const unsigned int order[4] = { 0, 1, 0, 1 };
	unsigned int i, n = 0;
	pcap_t *p;
	int fd, rc;

	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	opts.pcap_path = path;
	CU_ASSERT_EQUAL_FATAL(svnic_uplink_open(&spec, &opts, &ul, err, sizeof(err)), 0);
	for (i = 0; i < 2; i++) {
		fill(f[i], lens[i], (uint8_t)(0x10 + i));
		CU_ASSERT_EQUAL(svnic_uplink_send(ul, f[i], lens[i]), 0);
	}
	for (i = 0; i < 2; i++)
		CU_ASSERT_EQUAL(svnic_uplink_recv(ul, buf, sizeof(buf)), (ssize_t)lens[i]);
	CU_ASSERT_EQUAL(svnic_uplink_flush(ul), 0);
	CU_ASSERT_EQUAL(svnic_uplink_stats_get(ul, &st), 0);
	CU_ASSERT_EQUAL(st.capture_frames, 4);
	svnic_uplink_close(ul);

	p = pcap_open_offline(path, pcap_err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(pcap_datalink(p), DLT_EN10MB);
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		CU_ASSERT_FATAL(n < 4);
		CU_ASSERT_EQUAL(h->len, lens[order[n]]);
		CU_ASSERT_EQUAL(h->caplen, lens[order[n]]);
		CU_ASSERT_EQUAL(memcmp(data, f[order[n]], lens[order[n]]), 0);
		CU_ASSERT(h->ts.tv_sec > 0);
		n++;
	}
	CU_ASSERT_EQUAL(rc, PCAP_ERROR_BREAK);
	CU_ASSERT_EQUAL(n, 4);
	pcap_close(p);
	unlink(path);
}

/* ---- tap ---- */

static bool
iface_exists(const char *name)
{
	char path[128];
	struct stat sb;

	snprintf(path, sizeof(path), "/sys/class/net/%s", name);
	return stat(path, &sb) == 0;
}

static long long
iface_stat(const char *name, const char *counter)
{
	char path[160];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s", name, counter);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int
iface_up(const char *name)
{
	struct ifreq ifr;
	int s, rc = -1;

	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	if (strlen(name) >= sizeof(ifr.ifr_name)) {
		close(s);
		return -1;
	}
	memcpy(ifr.ifr_name, name, strlen(name) + 1);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return rc;
}

/* Send @p len bytes out of interface @p name from the kernel's side. */
static int
kernel_send(const char *name, const uint8_t *f, size_t len)
{
	struct sockaddr_ll sll;
	int s;
	ssize_t n;

	s = socket(AF_PACKET, SOCK_RAW, 0);
	if (s < 0)
		return -1;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(name);
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, f, 6);
	n = sendto(s, f, len, 0, (struct sockaddr *)&sll, sizeof(sll));
	close(s);
	return n == (ssize_t)len ? 0 : -1;
}

/* Wait up to 2 s for the frame carrying @p marker (other traffic is skipped). */
static bool
tap_wait_frame(struct svnic_uplink *ul, const uint8_t *want, size_t len)
{
	struct pollfd pfd = { .fd = svnic_uplink_fd(ul), .events = POLLIN };
	uint8_t buf[SVNIC_UPLINK_FRAME_MAX];
	int tries;
	ssize_t n;

	for (tries = 0; tries < 20; tries++) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		while ((n = svnic_uplink_recv(ul, buf, sizeof(buf))) > 0)
			if ((size_t)n == len && memcmp(buf, want, len) == 0)
				return true;
	}
	return false;
}

/* Without CAP_NET_ADMIN: the clear error, and no interface. Run in a child as nobody. */
static void
tap_check_refused(const char *name)
{
	struct svnic_uplink_spec spec;
	struct svnic_uplink *ul = NULL;
	int rc;

	CU_ASSERT_EQUAL(svnic_uplink_parse(name, &spec, err, sizeof(err)), 0);
	rc = svnic_uplink_open(&spec, NULL, &ul, err, sizeof(err));
	CU_ASSERT(rc == -EPERM || rc == -EACCES || rc == -ENOENT);
	CU_ASSERT_PTR_NULL(ul);
	CU_ASSERT(rc == -ENOENT ? err_has("/dev/net/tun") :
		  err_has("CAP_NET_ADMIN") || err_has("/dev/net/tun"));
	CU_ASSERT_FALSE(iface_exists(spec.ifname));
}

static void
test_tap(void)
{
	struct svnic_uplink_spec spec;
	struct svnic_uplink_stats st;
	struct svnic_uplink *ul = NULL;
	char name[32], spec_str[40];
	uint8_t f[60];
	long long rx0, tx0;
	pid_t pid;
	int rc, status;

	snprintf(name, sizeof(name), "svt%d", (int)getpid() % 100000);
	snprintf(spec_str, sizeof(spec_str), "tap:%s", name);
	CU_ASSERT_EQUAL_FATAL(svnic_uplink_parse(spec_str, &spec, err, sizeof(err)), 0);
	CU_ASSERT_FALSE_FATAL(iface_exists(name));
	rc = svnic_uplink_open(&spec, NULL, &ul, err, sizeof(err));
	if (rc != 0) {
		/* not allowed here: it must say why, and have created nothing */
		tap_check_refused(spec_str);
		return;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(ul);
	CU_ASSERT_STRING_EQUAL(svnic_uplink_name(ul), spec_str);
	CU_ASSERT(svnic_uplink_fd(ul) >= 0);
	CU_ASSERT_TRUE(iface_exists(name));
	/* down: the kernel refuses frames, and the link says so */
	CU_ASSERT_EQUAL(svnic_uplink_link_up(ul), 0);
	memset(f, 0xff, sizeof(f));
	CU_ASSERT_EQUAL(svnic_uplink_send(ul, f, sizeof(f)), -EIO);
	CU_ASSERT_EQUAL(iface_up(name), 0);
	CU_ASSERT_EQUAL(svnic_uplink_link_up(ul), 1);

	/* device -> kernel: the interface counts it received */
	rx0 = iface_stat(name, "rx_packets");
	CU_ASSERT(rx0 >= 0);
	memset(f, 0xff, 6);
	memcpy(f + 6, (const uint8_t[6]){ 0x02, 0x5e, 0, 0, 0, 1 }, 6);
	f[12] = 0x88;
	f[13] = 0xb5;	/* IEEE local experimental */
	fill(f + 14, sizeof(f) - 14, 3);
	CU_ASSERT_EQUAL(svnic_uplink_send(ul, f, sizeof(f)), 0);
	CU_ASSERT_EQUAL(iface_stat(name, "rx_packets"), rx0 + 1);

	/* kernel -> device */
	tx0 = iface_stat(name, "tx_packets");
	f[6] = 0x02;
	f[11] = 2;
	fill(f + 14, sizeof(f) - 14, 9);
	CU_ASSERT_EQUAL(kernel_send(name, f, sizeof(f)), 0);
	CU_ASSERT_TRUE(tap_wait_frame(ul, f, sizeof(f)));
	CU_ASSERT(iface_stat(name, "tx_packets") > tx0);
	CU_ASSERT_EQUAL(svnic_uplink_stats_get(ul, &st), 0);
	CU_ASSERT_EQUAL(st.tx_packets, 1);
	CU_ASSERT_EQUAL(st.tx_drops, 1);
	CU_ASSERT(st.rx_packets >= 1);

	/* a second opener of the same tap is refused clearly */
	{
		struct svnic_uplink *ul2 = NULL;

		CU_ASSERT_EQUAL(svnic_uplink_open(&spec, NULL, &ul2, err, sizeof(err)), -EBUSY);
		CU_ASSERT(err_has("in use"));
		CU_ASSERT_PTR_NULL(ul2);
	}
	svnic_uplink_close(ul);
	CU_ASSERT_FALSE(iface_exists(name));

	/* and the refusal as an unprivileged user, checked in a child */
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		unsigned int before;

		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(2);
		before = CU_get_number_of_failures();
		tap_check_refused(spec_str);
		_exit(CU_get_number_of_failures() == before ? 0 : 1);
	}
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static CU_TestInfo refusal_tests[] = {
	UNIT_TEST(test_parse_refused),
	UNIT_TEST(test_open_refused),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo backend_tests[] = {
	UNIT_TEST(test_null),
	UNIT_TEST(test_loopback_round_trip),
	UNIT_TEST(test_loopback_overflow),
	UNIT_TEST(test_loopback_reflect),
	UNIT_TEST(test_pcap_capture),
	UNIT_TEST(test_tap),
	CU_TEST_INFO_NULL,
};

UNIT_MAIN(UNIT_SUITE("emu_uplink refusals", refusal_tests),
	  UNIT_SUITE("emu_uplink backends", backend_tests))
