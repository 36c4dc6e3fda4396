/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * svnic-emu's uplink backends (null, loopback, tap) and the layer every one of
 * them sits in: argument checks, counters and the pcap capture.
 */
#define _DEFAULT_SOURCE	/* struct ifreq, IFF_*, and libpcap's u_char */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_tun.h>
#include <net/if.h>
#include <pcap/pcap.h>

#include "emu_uplink.h"

#define SVNIC_UPLINK_TUN_DEV	"/dev/net/tun"
#define SVNIC_UPLINK_NAME_MAX	(IF_NAMESIZE + 8)

struct svnic_uplink {
	const struct svnic_uplink_ops *ops;
	void *priv;
	struct svnic_uplink_spec spec;
	char name[SVNIC_UPLINK_NAME_MAX];
	uint32_t frame_max;
	struct svnic_uplink_stats stats;
	pcap_t *pcap;
	pcap_dumper_t *dumper;
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
svnic_uplink_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- spec ---- */

/* Linux's dev_valid_name(): what the kernel would refuse, refused here first. */
static int
svnic_uplink_check_ifname(const char *name, char *err, size_t errlen)
{
	size_t len = strlen(name);
	const char *c;

	if (len == 0) {
		svnic_uplink_err(err, errlen, "uplink \"tap:\": interface name missing");
		return -EINVAL;
	}
	if (len >= IF_NAMESIZE) {
		svnic_uplink_err(err, errlen, "uplink \"tap:%s\": interface name longer than %d "
				 "characters", name, IF_NAMESIZE - 1);
		return -EINVAL;
	}
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		svnic_uplink_err(err, errlen, "uplink \"tap:%s\": not an interface name", name);
		return -EINVAL;
	}
	for (c = name; *c != '\0'; c++) {
		if (*c == '/' || *c == ':' || *c <= ' ' || *c == 0x7f) {
			svnic_uplink_err(err, errlen, "uplink \"tap:%s\": '/', ':', blanks and "
					 "control characters are not allowed in an interface "
					 "name", name);
			return -EINVAL;
		}
	}
	return 0;
}

int
svnic_uplink_parse(const char *str, struct svnic_uplink_spec *spec, char *err, size_t errlen)
{
	int rc;

	if (str == NULL || spec == NULL) {
		svnic_uplink_err(err, errlen, "uplink: no spec given");
		return -EINVAL;
	}
	memset(spec, 0, sizeof(*spec));
	if (strcmp(str, "null") == 0) {
		spec->kind = SVNIC_UPLINK_NULL;
		return 0;
	}
	if (strcmp(str, "loopback") == 0) {
		spec->kind = SVNIC_UPLINK_LOOPBACK;
		return 0;
	}
	if (strncmp(str, "tap:", 4) == 0) {
		rc = svnic_uplink_check_ifname(str + 4, err, errlen);
		if (rc != 0)
			return rc;
		spec->kind = SVNIC_UPLINK_TAP;
		memcpy(spec->ifname, str + 4, strlen(str + 4) + 1);
		return 0;
	}
	svnic_uplink_err(err, errlen, "unknown uplink \"%.64s\": expected loopback, null or "
			 "tap:IFNAME", str);
	return -EINVAL;
}

/* ---- null ---- */

static int
svnic_uplink_null_open(struct svnic_uplink *ul, const struct svnic_uplink_spec *spec,
		       const struct svnic_uplink_opts *opts, char *err, size_t errlen)
{
	(void)ul;
	(void)spec;
	(void)opts;
	(void)err;
	(void)errlen;
	return 0;
}

static int
svnic_uplink_null_send(struct svnic_uplink *ul, const uint8_t *frame, size_t len)
{
	(void)ul;
	(void)frame;
	(void)len;
	return 0;
}

static ssize_t
svnic_uplink_null_recv(struct svnic_uplink *ul, uint8_t *buf, size_t cap)
{
	(void)ul;
	(void)buf;
	(void)cap;
	return 0;
}

static void
svnic_uplink_null_close(struct svnic_uplink *ul)
{
	(void)ul;
}

static const struct svnic_uplink_ops svnic_uplink_null_ops = {
	.kind = "null",
	.open = svnic_uplink_null_open,
	.send = svnic_uplink_null_send,
	.recv = svnic_uplink_null_recv,
	.close = svnic_uplink_null_close,
};

/* ---- loopback: a ring of frame_max-sized slots, allocated once ---- */

struct svnic_uplink_loop {
	uint32_t depth;
	uint32_t head;		/* next to receive */
	uint32_t count;
	uint32_t slot_size;
	uint32_t *lens;
	uint8_t *slots;
};

static void
svnic_uplink_loop_close(struct svnic_uplink *ul)
{
	struct svnic_uplink_loop *lp = svnic_uplink_priv(ul);

	if (lp == NULL)
		return;
	free(lp->slots);
	free(lp->lens);
	free(lp);
	svnic_uplink_set_priv(ul, NULL);
}

static int
svnic_uplink_loop_open(struct svnic_uplink *ul, const struct svnic_uplink_spec *spec,
		       const struct svnic_uplink_opts *opts, char *err, size_t errlen)
{
	struct svnic_uplink_loop *lp;

	(void)spec;
	lp = calloc(1, sizeof(*lp));
	if (lp == NULL)
		goto err;
	lp->depth = opts->loop_depth;
	lp->slot_size = opts->frame_max;
	lp->lens = calloc(lp->depth, sizeof(*lp->lens));
	if (lp->lens == NULL)
		goto err_lp;
	lp->slots = malloc((size_t)lp->depth * lp->slot_size);
	if (lp->slots == NULL)
		goto err_lens;
	svnic_uplink_set_priv(ul, lp);
	return 0;

err_lens:
	free(lp->lens);
err_lp:
	free(lp);
err:
	svnic_uplink_err(err, errlen, "loopback: no memory for %u frames of %u bytes",
			 opts->loop_depth, opts->frame_max);
	return -ENOMEM;
}

static int
svnic_uplink_loop_send(struct svnic_uplink *ul, const uint8_t *frame, size_t len)
{
	struct svnic_uplink_loop *lp = svnic_uplink_priv(ul);
	uint32_t tail;

	if (lp->count == lp->depth)
		return -ENOBUFS;
	tail = (lp->head + lp->count) % lp->depth;
	memcpy(lp->slots + (size_t)tail * lp->slot_size, frame, len);
	lp->lens[tail] = (uint32_t)len;
	/* count is also read without the lock (svnic_uplink_surely_empty) */
	__atomic_store_n(&lp->count, lp->count + 1, __ATOMIC_RELEASE);
	return 0;
}

static ssize_t
svnic_uplink_loop_recv(struct svnic_uplink *ul, uint8_t *buf, size_t cap)
{
	struct svnic_uplink_loop *lp = svnic_uplink_priv(ul);
	uint32_t len;

	if (lp->count == 0)
		return 0;
	len = lp->lens[lp->head];
	if (len <= cap)
		memcpy(buf, lp->slots + (size_t)lp->head * lp->slot_size, len);
	lp->head = (lp->head + 1) % lp->depth;
	__atomic_store_n(&lp->count, lp->count - 1, __ATOMIC_RELEASE);
	return len <= cap ? (ssize_t)len : -EMSGSIZE;
}

static const struct svnic_uplink_ops svnic_uplink_loop_ops = {
	.kind = "loopback",
	.open = svnic_uplink_loop_open,
	.send = svnic_uplink_loop_send,
	.recv = svnic_uplink_loop_recv,
	.close = svnic_uplink_loop_close,
};

/* ---- tap ---- */

struct svnic_uplink_tap {
	int fd;
	uint32_t frame_max;
	uint8_t *scratch;	/* frame_max + 1: a longer frame shows as truncated */
};

static void
svnic_uplink_tap_close(struct svnic_uplink *ul)
{
	struct svnic_uplink_tap *tp = svnic_uplink_priv(ul);

	if (tp == NULL)
		return;
	/* a tap we created is not persistent: closing the fd deletes it */
	if (tp->fd >= 0)
		close(tp->fd);
	free(tp->scratch);
	free(tp);
	svnic_uplink_set_priv(ul, NULL);
}

static int
svnic_uplink_tap_open(struct svnic_uplink *ul, const struct svnic_uplink_spec *spec,
		      const struct svnic_uplink_opts *opts, char *err, size_t errlen)
{
	const char *name = spec->ifname;
	struct svnic_uplink_tap *tp;
	struct ifreq ifr;
	int rc;

	tp = calloc(1, sizeof(*tp));
	if (tp == NULL)
		goto err_nomem;
	tp->frame_max = opts->frame_max;
	tp->scratch = malloc((size_t)opts->frame_max + 1);
	if (tp->scratch == NULL)
		goto err_tp_nomem;
	tp->fd = open(SVNIC_UPLINK_TUN_DEV, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (tp->fd < 0) {
		rc = -errno;
		if (rc == -ENOENT || rc == -ENODEV || rc == -ENXIO)
			svnic_uplink_err(err, errlen, "tap:%s: %s is missing (load the tun "
					 "module: modprobe tun)", name, SVNIC_UPLINK_TUN_DEV);
		else
			svnic_uplink_err(err, errlen, "tap:%s: cannot open %s: %s", name,
					 SVNIC_UPLINK_TUN_DEV, strerror(-rc));
		goto err_scratch;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, strlen(name) + 1);
	if (ioctl(tp->fd, TUNSETIFF, &ifr) < 0) {
		rc = -errno;
		if (rc == -EPERM || rc == -EACCES)
			svnic_uplink_err(err, errlen, "tap:%s: creating or attaching a tap needs "
					 "CAP_NET_ADMIN (run as root, or make it persistent "
					 "for this user first: ip tuntap add %s mode tap user "
					 "USER)", name, name);
		else if (rc == -EBUSY)
			svnic_uplink_err(err, errlen, "tap:%s: the interface is in use by another "
					 "process", name);
		else if (rc == -EINVAL)
			svnic_uplink_err(err, errlen, "tap:%s: an interface of that name exists "
					 "and is not a tap", name);
		else
			svnic_uplink_err(err, errlen, "tap:%s: TUNSETIFF: %s", name,
					 strerror(-rc));
		goto err_fd;
	}
	svnic_uplink_set_priv(ul, tp);
	return 0;

err_fd:
	close(tp->fd);
err_scratch:
	free(tp->scratch);
	free(tp);
	return rc;
err_tp_nomem:
	free(tp);
err_nomem:
	svnic_uplink_err(err, errlen, "tap:%s: out of memory", name);
	return -ENOMEM;
}

static int
svnic_uplink_tap_send(struct svnic_uplink *ul, const uint8_t *frame, size_t len)
{
	struct svnic_uplink_tap *tp = svnic_uplink_priv(ul);
	ssize_t n;

	n = write(tp->fd, frame, len);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return (size_t)n == len ? 0 : -EIO;
}

static ssize_t
svnic_uplink_tap_recv(struct svnic_uplink *ul, uint8_t *buf, size_t cap)
{
	struct svnic_uplink_tap *tp = svnic_uplink_priv(ul);
	uint8_t *dst = cap > tp->frame_max ? buf : tp->scratch;
	ssize_t n;

	/* one byte more than allowed tells a frame the read cut short */
	n = read(tp->fd, dst, (size_t)tp->frame_max + 1);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	if ((size_t)n > tp->frame_max || (size_t)n > cap)
		return -EMSGSIZE;
	if (dst != buf)
		memcpy(buf, dst, (size_t)n);
	return n;
}

static int
svnic_uplink_tap_fd(const struct svnic_uplink *ul)
{
	const struct svnic_uplink_tap *tp = svnic_uplink_priv(ul);

	return tp != NULL ? tp->fd : -1;
}

/* The kernel drops what we write to a tap that is down (EIO): report it. */
static int
svnic_uplink_tap_link_up(const struct svnic_uplink *ul)
{
	const char *name = ul->spec.ifname;
	struct ifreq ifr;
	int s, rc;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strnlen(name, IF_NAMESIZE - 1));
	rc = ioctl(s, SIOCGIFFLAGS, &ifr);
	if (rc < 0)
		rc = -errno;
	else
		rc = (ifr.ifr_flags & IFF_UP) != 0 && (ifr.ifr_flags & IFF_RUNNING) != 0;
	close(s);
	return rc;
}

static const struct svnic_uplink_ops svnic_uplink_tap_ops = {
	.kind = "tap",
	.open = svnic_uplink_tap_open,
	.send = svnic_uplink_tap_send,
	.recv = svnic_uplink_tap_recv,
	.fd = svnic_uplink_tap_fd,
	.link_up = svnic_uplink_tap_link_up,
	.close = svnic_uplink_tap_close,
};

/* ---- the common layer ---- */

void *
svnic_uplink_priv(const struct svnic_uplink *ul)
{
	return ul != NULL ? ul->priv : NULL;
}

void
svnic_uplink_set_priv(struct svnic_uplink *ul, void *priv)
{
	if (ul != NULL)
		ul->priv = priv;
}

static void
svnic_uplink_capture(struct svnic_uplink *ul, const uint8_t *frame, size_t len)
{
	struct pcap_pkthdr h;
	struct timespec ts;

	if (ul->dumper == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = ts.tv_sec;
	h.ts.tv_usec = (suseconds_t)(ts.tv_nsec / 1000);
	h.caplen = (bpf_u_int32)len;
	h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)ul->dumper, &h, frame);
	ul->stats.capture_frames++;
}

static int
svnic_uplink_capture_open(struct svnic_uplink *ul, const char *path, char *err, size_t errlen)
{
	ul->pcap = pcap_open_dead(DLT_EN10MB, (int)ul->frame_max);
	if (ul->pcap == NULL) {
		svnic_uplink_err(err, errlen, "%s: capture: pcap_open_dead failed", ul->name);
		return -ENOMEM;
	}
	ul->dumper = pcap_dump_open(ul->pcap, path);
	if (ul->dumper == NULL) {
		svnic_uplink_err(err, errlen, "%s: capture to %s: %s", ul->name, path,
				 pcap_geterr(ul->pcap));
		pcap_close(ul->pcap);
		ul->pcap = NULL;
		return -EIO;
	}
	return 0;
}

int
svnic_uplink_open_ops(const struct svnic_uplink_ops *ops, const struct svnic_uplink_spec *spec,
		      const struct svnic_uplink_opts *opts, struct svnic_uplink **out,
		      char *err, size_t errlen)
{
	struct svnic_uplink_opts o = { 0 };
	struct svnic_uplink *ul;
	int rc;

	if (ops == NULL || spec == NULL || out == NULL || ops->open == NULL ||
	    ops->send == NULL || ops->recv == NULL || ops->close == NULL) {
		svnic_uplink_err(err, errlen, "uplink: incomplete backend or arguments");
		return -EINVAL;
	}
	*out = NULL;
	if (opts != NULL)
		o = *opts;
	if (o.frame_max == 0)
		o.frame_max = SVNIC_UPLINK_FRAME_MAX;
	if (o.loop_depth == 0)
		o.loop_depth = SVNIC_UPLINK_LOOP_DEPTH;
	if (o.frame_max < 14 || o.frame_max > 65535 || o.loop_depth > SVNIC_UPLINK_LOOP_DEPTH_MAX) {
		svnic_uplink_err(err, errlen, "uplink: frame_max %u (14..65535) or loop_depth "
				 "%u (up to %u) out of range", o.frame_max, o.loop_depth,
				 SVNIC_UPLINK_LOOP_DEPTH_MAX);
		return -EINVAL;
	}
	ul = calloc(1, sizeof(*ul));
	if (ul == NULL) {
		svnic_uplink_err(err, errlen, "uplink: out of memory");
		return -ENOMEM;
	}
	ul->ops = ops;
	ul->spec = *spec;
	ul->frame_max = o.frame_max;
	if (spec->kind == SVNIC_UPLINK_TAP && ops == &svnic_uplink_tap_ops)
		snprintf(ul->name, sizeof(ul->name), "tap:%s", spec->ifname);
	else
		snprintf(ul->name, sizeof(ul->name), "%s", ops->kind != NULL ? ops->kind : "?");
	rc = ops->open(ul, spec, &o, err, errlen);
	if (rc != 0)
		goto err_ul;
	if (o.pcap_path != NULL) {
		rc = svnic_uplink_capture_open(ul, o.pcap_path, err, errlen);
		if (rc != 0)
			goto err_backend;
	}
	*out = ul;
	return 0;

err_backend:
	ops->close(ul);
err_ul:
	free(ul);
	return rc < 0 ? rc : -EIO;
}

int
svnic_uplink_open(const struct svnic_uplink_spec *spec, const struct svnic_uplink_opts *opts,
		  struct svnic_uplink **out, char *err, size_t errlen)
{
	const struct svnic_uplink_ops *ops;
	int rc;

	if (spec == NULL || out == NULL) {
		svnic_uplink_err(err, errlen, "uplink: no spec given");
		return -EINVAL;
	}
	switch (spec->kind) {
	case SVNIC_UPLINK_NULL:
		ops = &svnic_uplink_null_ops;
		break;
	case SVNIC_UPLINK_LOOPBACK:
		ops = &svnic_uplink_loop_ops;
		break;
	case SVNIC_UPLINK_TAP:
		rc = svnic_uplink_check_ifname(spec->ifname, err, errlen);
		if (rc != 0)
			return rc;
		ops = &svnic_uplink_tap_ops;
		break;
	default:
		svnic_uplink_err(err, errlen, "uplink: unknown kind %d", (int)spec->kind);
		return -EINVAL;
	}
	return svnic_uplink_open_ops(ops, spec, opts, out, err, errlen);
}

void
svnic_uplink_close(struct svnic_uplink *ul)
{
	if (ul == NULL)
		return;
	if (ul->dumper != NULL) {
		pcap_dump_flush(ul->dumper);
		pcap_dump_close(ul->dumper);
	}
	if (ul->pcap != NULL)
		pcap_close(ul->pcap);
	ul->ops->close(ul);
	free(ul);
}

int
svnic_uplink_send(struct svnic_uplink *ul, const uint8_t *frame, size_t len)
{
	int rc;

	if (ul == NULL || frame == NULL || len == 0)
		return -EINVAL;
	if (len > ul->frame_max) {
		ul->stats.tx_drops++;
		return -EMSGSIZE;
	}
	rc = ul->ops->send(ul, frame, len);
	if (rc != 0) {
		ul->stats.tx_drops++;
		return rc;
	}
	ul->stats.tx_packets++;
	ul->stats.tx_bytes += len;
	svnic_uplink_capture(ul, frame, len);
	return 0;
}

bool
svnic_uplink_reflect(struct svnic_uplink *ul, const uint8_t *frame, size_t len)
{
	const struct svnic_uplink_loop *lp;

	if (ul == NULL || frame == NULL || len == 0 || len > ul->frame_max ||
	    ul->ops != &svnic_uplink_loop_ops)
		return false;
	lp = svnic_uplink_priv(ul);
	if (lp->count != 0)
		return false;
	ul->stats.tx_packets++;
	ul->stats.tx_bytes += len;
	svnic_uplink_capture(ul, frame, len);
	ul->stats.rx_packets++;
	ul->stats.rx_bytes += len;
	svnic_uplink_capture(ul, frame, len);
	return true;
}

bool
svnic_uplink_surely_empty(const struct svnic_uplink *ul)
{
	const struct svnic_uplink_loop *lp;

	if (ul == NULL || ul->ops != &svnic_uplink_loop_ops)
		return false;
	lp = ul->priv;
	return __atomic_load_n(&lp->count, __ATOMIC_ACQUIRE) == 0;
}

ssize_t
svnic_uplink_recv(struct svnic_uplink *ul, uint8_t *buf, size_t cap)
{
	ssize_t n;

	if (ul == NULL || buf == NULL || cap == 0)
		return -EINVAL;
	n = ul->ops->recv(ul, buf, cap);
	if (n == -EMSGSIZE)
		ul->stats.rx_drops++;
	if (n <= 0)
		return n;
	ul->stats.rx_packets++;
	ul->stats.rx_bytes += (uint64_t)n;
	svnic_uplink_capture(ul, buf, (size_t)n);
	return n;
}

int
svnic_uplink_fd(const struct svnic_uplink *ul)
{
	if (ul == NULL || ul->ops->fd == NULL)
		return -1;
	return ul->ops->fd(ul);
}

int
svnic_uplink_link_up(const struct svnic_uplink *ul)
{
	if (ul == NULL)
		return -EINVAL;
	if (ul->ops->link_up == NULL)
		return 1;
	return ul->ops->link_up(ul);
}

int
svnic_uplink_stats_get(const struct svnic_uplink *ul, struct svnic_uplink_stats *st)
{
	if (ul == NULL || st == NULL)
		return -EINVAL;
	*st = ul->stats;
	return 0;
}

int
svnic_uplink_flush(struct svnic_uplink *ul)
{
	if (ul == NULL)
		return -EINVAL;
	if (ul->dumper != NULL && pcap_dump_flush(ul->dumper) != 0)
		return -EIO;
	return 0;
}

const char *
svnic_uplink_name(const struct svnic_uplink *ul)
{
	return ul != NULL ? ul->name : "(none)";
}

uint32_t
svnic_uplink_frame_max(const struct svnic_uplink *ul)
{
	return ul != NULL ? ul->frame_max : 0;
}
