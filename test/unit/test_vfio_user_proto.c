/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio-user codec (lib/vfio_user): message framing over a socketpair, the
 * per-command request checks, the VERSION capabilities JSON and the DMA map
 * table. Negative cases first in every suite.
 */
#define _GNU_SOURCE		/* memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unit.h"
#include "vfio_user_caps.h"
#include "vfio_user_dma.h"
#include "vfio_user_msg.h"

static int sp[2];

static void
pair_open(void)
{
	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == 0);
}

static void
pair_close(void)
{
	close(sp[0]);
	close(sp[1]);
}

static void
raw_send(const void *p, size_t len)
{
	CU_ASSERT_FATAL(write(sp[0], p, len) == (ssize_t)len);
}

static struct vfio_user_hdr
hdr_make(uint16_t cmd, uint32_t size, uint32_t flags)
{
	struct vfio_user_hdr h = { .msg_id = 7, .cmd = cmd, .msg_size = size, .flags = flags };

	return h;
}

/* ---- framing ---- */

static void
test_recv_truncated_header(void)
{
	struct vfio_user_hdr h = hdr_make(VFIO_USER_DEVICE_RESET, 16, 0);
	struct vfio_user_msg m;

	pair_open();
	raw_send(&h, 8);
	/* Half a header and silence: the deadline ends the wait. */
	CU_ASSERT_EQUAL(vfio_user_msg_recv(sp[1], &m, VFIO_USER_MSG_MAX, 50, false), -ETIMEDOUT);
	pair_close();

	pair_open();
	raw_send(&h, 8);
	shutdown(sp[0], SHUT_WR);
	CU_ASSERT_EQUAL(vfio_user_msg_recv(sp[1], &m, VFIO_USER_MSG_MAX, 50, false), -EPIPE);
	pair_close();
}

static void
test_recv_nothing_waiting(void)
{
	struct vfio_user_msg m;

	pair_open();
	CU_ASSERT_EQUAL(vfio_user_msg_recv(sp[1], &m, VFIO_USER_MSG_MAX, 50, false), -EAGAIN);
	CU_ASSERT_EQUAL(vfio_user_msg_recv(sp[1], &m, VFIO_USER_MSG_MAX, 30, true), -ETIMEDOUT);
	shutdown(sp[0], SHUT_WR);
	CU_ASSERT_EQUAL(vfio_user_msg_recv(sp[1], &m, VFIO_USER_MSG_MAX, 50, false), -ECONNRESET);
	pair_close();
}

static void
test_recv_size_below_header(void)
{
	struct vfio_user_hdr h = hdr_make(VFIO_USER_DEVICE_RESET, 15, 0);
	struct vfio_user_msg m;
	char tail[4];

	pair_open();
	raw_send(&h, sizeof(h));
	raw_send("tail", 4);
	CU_ASSERT_EQUAL(vfio_user_msg_recv(sp[1], &m, VFIO_USER_MSG_MAX, 50, false), -EINVAL);
	/* Nothing past the header was consumed. */
	CU_ASSERT_EQUAL(read(sp[1], tail, sizeof(tail)), 4);
	CU_ASSERT_EQUAL(memcmp(tail, "tail", 4), 0);
	pair_close();
}

static void
test_recv_size_above_max(void)
{
	struct vfio_user_hdr h = hdr_make(VFIO_USER_REGION_WRITE, VFIO_USER_MSG_MAX + 1, 0);
	struct vfio_user_msg m;
	char tail[4];

	pair_open();
	raw_send(&h, sizeof(h));
	raw_send("tail", 4);
	CU_ASSERT_EQUAL(vfio_user_msg_recv(sp[1], &m, VFIO_USER_MSG_MAX, 50, false), -EMSGSIZE);
	CU_ASSERT_EQUAL(read(sp[1], tail, sizeof(tail)), 4);
	h.msg_size = UINT32_MAX;
	raw_send(&h, sizeof(h));
	CU_ASSERT_EQUAL(vfio_user_msg_recv(sp[1], &m, VFIO_USER_MSG_MAX, 50, false), -EMSGSIZE);
	pair_close();
}

static void
test_recv_too_many_fds_closed(void)
{
	int fds[VFIO_USER_MAX_MSG_FDS + 6], i, before;
	struct vfio_user_hdr h = hdr_make(VFIO_USER_DEVICE_SET_IRQS, 16, 0);
	struct vfio_user_msg m;

	pair_open();
	before = unit_open_fds();
	for (i = 0; i < (int)(VFIO_USER_MAX_MSG_FDS + 6); i++)
		fds[i] = eventfd(0, EFD_CLOEXEC);
	/* Our sender refuses this many, so build the message by hand. */
	{
		union {
			struct cmsghdr a;
			char b[CMSG_SPACE(sizeof(fds))];
		} ctl;
		struct iovec iov = { &h, sizeof(h) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
			.msg_controllen = sizeof(ctl.b) };
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(fds));
		memcpy(CMSG_DATA(c), fds, sizeof(fds));
		CU_ASSERT_EQUAL_FATAL(sendmsg(sp[0], &mh, 0), (ssize_t)sizeof(h));
	}
	for (i = 0; i < (int)(VFIO_USER_MAX_MSG_FDS + 6); i++)
		close(fds[i]);
	CU_ASSERT_EQUAL_FATAL(vfio_user_msg_recv(sp[1], &m, VFIO_USER_MSG_MAX, 50, false), 0);
	CU_ASSERT_TRUE(m.fds_dropped);
	CU_ASSERT_EQUAL(vfio_user_msg_check_request(&m), -EINVAL);
	vfio_user_msg_release(&m);
	CU_ASSERT_EQUAL(unit_open_fds(), before);
	pair_close();
}

static void
test_send_refuses_too_many_fds(void)
{
	struct vfio_user_hdr h = hdr_make(VFIO_USER_DEVICE_RESET, 0, 0);
	int fds[VFIO_USER_MAX_MSG_FDS + 1] = { 0 };

	pair_open();
	CU_ASSERT_EQUAL(vfio_user_msg_send(sp[0], &h, NULL, 0, fds, VFIO_USER_MAX_MSG_FDS + 1,
			50), -EINVAL);
	pair_close();
}

static void
test_send_recv_with_fds(void)
{
	struct vfio_user_hdr h = hdr_make(VFIO_USER_DMA_MAP, 0, 0);
	struct vfio_user_dma_map d = { .argsz = sizeof(d), .size = 4096 };
	struct iovec iov = { &d, sizeof(d) };
	struct vfio_user_msg m;
	uint64_t v = 5, got = 0;
	int efd = eventfd(0, EFD_CLOEXEC), before;

	pair_open();
	before = unit_open_fds();
	CU_ASSERT_EQUAL(vfio_user_msg_send(sp[0], &h, &iov, 1, &efd, 1, 50), 0);
	CU_ASSERT_EQUAL_FATAL(vfio_user_msg_recv(sp[1], &m, VFIO_USER_MSG_MAX, 50, false), 0);
	CU_ASSERT_EQUAL(m.hdr.msg_size, sizeof(h) + sizeof(d));
	CU_ASSERT_EQUAL(m.hdr.msg_id, 7);
	CU_ASSERT_EQUAL(m.len, sizeof(d));
	CU_ASSERT_EQUAL(memcmp(m.data, &d, sizeof(d)), 0);
	CU_ASSERT_EQUAL_FATAL(m.nfds, 1);
	CU_ASSERT_EQUAL(vfio_user_msg_check_request(&m), 0);
	/* The received fd is the same eventfd. */
	CU_ASSERT_EQUAL(write(m.fds[0], &v, sizeof(v)), (ssize_t)sizeof(v));
	CU_ASSERT_EQUAL(read(efd, &got, sizeof(got)), (ssize_t)sizeof(got));
	CU_ASSERT_EQUAL(got, 5);
	vfio_user_msg_release(&m);
	CU_ASSERT_EQUAL(unit_open_fds(), before);
	pair_close();
	close(efd);
}

struct slow_writer {
	int fd;
	const uint8_t *p;
	size_t len;
	size_t step;
};

static void *
slow_writer_run(void *arg)
{
	struct slow_writer *w = arg;
	size_t off = 0, n;

	while (off < w->len) {
		n = w->len - off < w->step ? w->len - off : w->step;
		if (write(w->fd, w->p + off, n) != (ssize_t)n)
			break;
		off += n;
		usleep(1000);
	}
	return NULL;
}

static void
test_recv_partial_reads(void)
{
	uint8_t buf[sizeof(struct vfio_user_hdr) + 40];
	struct vfio_user_hdr h = hdr_make(VFIO_USER_REGION_WRITE, sizeof(buf), 0);
	struct slow_writer w = { .p = buf, .len = sizeof(buf), .step = 3 };
	struct vfio_user_msg m;
	pthread_t t;
	unsigned int i;

	memcpy(buf, &h, sizeof(h));
	for (i = sizeof(h); i < sizeof(buf); i++)
		buf[i] = (uint8_t)i;
	pair_open();
	w.fd = sp[0];
	CU_ASSERT_FATAL(pthread_create(&t, NULL, slow_writer_run, &w) == 0);
	CU_ASSERT_EQUAL(vfio_user_msg_recv(sp[1], &m, VFIO_USER_MSG_MAX, 2000, true), 0);
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL_FATAL(m.len, 40);
	CU_ASSERT_EQUAL(memcmp(m.data, buf + sizeof(h), 40), 0);
	vfio_user_msg_release(&m);
	pair_close();
}

struct slow_reader {
	int fd;
	size_t got;
	uint8_t last;
};

static void *
slow_reader_run(void *arg)
{
	struct slow_reader *r = arg;
	uint8_t b[4096];
	ssize_t n;

	usleep(20000);	/* let the sender fill the socket buffer first */
	while ((n = read(r->fd, b, sizeof(b))) > 0) {
		r->got += (size_t)n;
		r->last = b[n - 1];
	}
	return NULL;
}

static void
test_send_partial_writes(void)
{
	struct vfio_user_hdr h = hdr_make(VFIO_USER_REGION_WRITE, 0, 0);
	struct slow_reader r = { 0 };
	struct iovec iov[2];
	uint8_t *big = malloc(VFIO_USER_MAX_XFER);
	struct vfio_user_region_access a = { .count = VFIO_USER_MAX_XFER };
	pthread_t t;

	CU_ASSERT_FATAL(big != NULL);
	memset(big, 0xab, VFIO_USER_MAX_XFER);
	pair_open();
	r.fd = sp[1];
	CU_ASSERT_FATAL(pthread_create(&t, NULL, slow_reader_run, &r) == 0);
	iov[0].iov_base = &a;
	iov[0].iov_len = sizeof(a);
	iov[1].iov_base = big;
	iov[1].iov_len = VFIO_USER_MAX_XFER;
	CU_ASSERT_EQUAL(vfio_user_msg_send(sp[0], &h, iov, 2, NULL, 0, 5000), 0);
	shutdown(sp[0], SHUT_WR);
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(r.got, VFIO_USER_MSG_MAX);
	CU_ASSERT_EQUAL(r.last, 0xab);
	pair_close();
	free(big);
}

static void
test_send_peer_gone(void)
{
	struct vfio_user_hdr h = hdr_make(VFIO_USER_DEVICE_RESET, 0, 0);

	pair_open();
	close(sp[1]);
	/* MSG_NOSIGNAL: an error, not a SIGPIPE. */
	CU_ASSERT_EQUAL(vfio_user_msg_send(sp[0], &h, NULL, 0, NULL, 0, 50), -EPIPE);
	close(sp[0]);
}

/* ---- the receive buffer ---- */

/* A header and @p len payload bytes of value @p fill, into @p out (returns the size). */
static size_t
rx_msg(uint8_t *out, uint16_t id, size_t len, uint8_t fill)
{
	struct vfio_user_hdr h = hdr_make(VFIO_USER_DEVICE_RESET, (uint32_t)(sizeof(h) + len), 0);

	h.msg_id = id;
	memcpy(out, &h, sizeof(h));
	memset(out + sizeof(h), fill, len);
	return sizeof(h) + len;
}

static void
rx_send_fds(const uint8_t *p, size_t len, const int *fds, unsigned int nfds)
{
	struct vfio_user_hdr h;
	struct iovec iov = { (void *)(uintptr_t)(p + sizeof(h)), len - sizeof(h) };

	memcpy(&h, p, sizeof(h));
	CU_ASSERT_EQUAL_FATAL(vfio_user_msg_send(sp[0], &h, &iov, 1, fds, nfds, 50), 0);
}

static bool
rx_socket_empty(void)
{
	uint8_t b;

	return recv(sp[1], &b, 1, MSG_PEEK | MSG_DONTWAIT) < 0 && errno == EAGAIN;
}

static bool
rx_payload_is(const struct vfio_user_msg *m, uint16_t id, size_t len, uint8_t fill)
{
	size_t i;

	if (m->hdr.msg_id != id || m->len != len)
		return false;
	for (i = 0; i < len; i++)
		if (m->data[i] != fill)
			return false;
	return true;
}

static void
test_rx_bad_header_after_good_one(void)
{
	static struct vfio_user_rx rx;
	uint8_t b[64];
	struct vfio_user_hdr bad = hdr_make(VFIO_USER_DEVICE_RESET, VFIO_USER_MSG_MAX + 1, 0);
	struct vfio_user_msg m;
	size_t n;

	pair_open();
	vfio_user_rx_init(&rx, false, false);
	n = rx_msg(b, 1, 4, 0xaa);
	memcpy(b + n, &bad, sizeof(bad));
	raw_send(b, n + sizeof(bad));
	CU_ASSERT_EQUAL_FATAL(vfio_user_rx_recv(&rx, sp[1], &m, VFIO_USER_MSG_MAX, 50, 0), 0);
	CU_ASSERT_TRUE(rx_payload_is(&m, 1, 4, 0xaa));
	vfio_user_msg_release(&m);
	/* The second comes out of the buffer, and its header is refused as alone. */
	CU_ASSERT_EQUAL(vfio_user_rx_recv(&rx, sp[1], &m, VFIO_USER_MSG_MAX, 50,
			VFIO_USER_RX_NO_READ), -EMSGSIZE);
	CU_ASSERT_EQUAL(m.len, 0);
	CU_ASSERT_PTR_NULL(m.data);
	vfio_user_rx_reset(&rx);
	CU_ASSERT_FALSE(vfio_user_rx_pending(&rx));
	pair_close();
}

/* A whole message, then all but the last 10 bytes of a second; the first handed out. */
static void
rx_second_cut_short(struct vfio_user_rx *rx, bool close_after)
{
	uint8_t b[128];
	struct vfio_user_msg m;
	size_t n;

	pair_open();
	vfio_user_rx_init(rx, false, false);
	n = rx_msg(b, 1, 8, 1);
	n += rx_msg(b + n, 2, 40, 2);
	raw_send(b, n - 10);
	if (close_after)
		shutdown(sp[0], SHUT_WR);
	CU_ASSERT_EQUAL_FATAL(vfio_user_rx_recv(rx, sp[1], &m, VFIO_USER_MSG_MAX, 50, 0), 0);
	CU_ASSERT_TRUE(rx_payload_is(&m, 1, 8, 1));
	vfio_user_msg_release(&m);
	CU_ASSERT_TRUE(vfio_user_rx_pending(rx));
}

static void
test_rx_peer_closes_inside_second(void)
{
	static struct vfio_user_rx rx;
	struct vfio_user_msg m;

	rx_second_cut_short(&rx, true);
	/* Begun: a read may finish it, and finds the end of the stream. */
	CU_ASSERT_EQUAL(vfio_user_rx_recv(&rx, sp[1], &m, VFIO_USER_MSG_MAX, 50,
			VFIO_USER_RX_STARTED), -EPIPE);
	CU_ASSERT_PTR_NULL(m.data);
	vfio_user_rx_reset(&rx);
	pair_close();
}

static void
test_rx_stalled_inside_second(void)
{
	static struct vfio_user_rx rx;
	struct vfio_user_msg m;

	rx_second_cut_short(&rx, false);
	/* Whole messages only: the half one is not handed out, nor read for. */
	CU_ASSERT_EQUAL(vfio_user_rx_recv(&rx, sp[1], &m, VFIO_USER_MSG_MAX, 50,
			VFIO_USER_RX_NO_READ), -EAGAIN);
	CU_ASSERT_EQUAL(vfio_user_rx_recv(&rx, sp[1], &m, VFIO_USER_MSG_MAX, 30, 0), -ETIMEDOUT);
	vfio_user_rx_reset(&rx);
	pair_close();
}

static void
test_rx_two_messages_one_read(void)
{
	static struct vfio_user_rx rx;
	uint8_t b[128];
	struct vfio_user_msg m;
	size_t n;

	pair_open();
	vfio_user_rx_init(&rx, false, false);
	/* Nothing yet: nothing read, no error. */
	CU_ASSERT_EQUAL(vfio_user_rx_recv(&rx, sp[1], &m, VFIO_USER_MSG_MAX, 50, 0), -EAGAIN);
	CU_ASSERT_EQUAL(vfio_user_rx_recv(&rx, sp[1], &m, VFIO_USER_MSG_MAX, 50,
			VFIO_USER_RX_STARTED), -EAGAIN);
	n = rx_msg(b, 1, 16, 0x11);
	n += rx_msg(b + n, 2, 0, 0);
	n += rx_msg(b + n, 3, 5, 0x33);
	raw_send(b, n);
	CU_ASSERT_EQUAL_FATAL(vfio_user_rx_recv(&rx, sp[1], &m, VFIO_USER_MSG_MAX, 50, 0), 0);
	CU_ASSERT_TRUE(rx_payload_is(&m, 1, 16, 0x11));
	CU_ASSERT_TRUE(m.borrowed);
	vfio_user_msg_release(&m);
	/* One read took all three. */
	CU_ASSERT_TRUE(rx_socket_empty());
	CU_ASSERT_TRUE(vfio_user_rx_pending(&rx));
	CU_ASSERT_EQUAL_FATAL(vfio_user_rx_recv(&rx, sp[1], &m, VFIO_USER_MSG_MAX, 50,
			VFIO_USER_RX_NO_READ), 0);
	CU_ASSERT_TRUE(rx_payload_is(&m, 2, 0, 0));
	CU_ASSERT_PTR_NULL(m.data);
	vfio_user_msg_release(&m);
	CU_ASSERT_EQUAL_FATAL(vfio_user_rx_recv(&rx, sp[1], &m, VFIO_USER_MSG_MAX, 50,
			VFIO_USER_RX_OWN | VFIO_USER_RX_NO_READ), 0);
	CU_ASSERT_TRUE(rx_payload_is(&m, 3, 5, 0x33));
	CU_ASSERT_FALSE(m.borrowed);	/* allocated: ASan tells if it is not */
	vfio_user_msg_release(&m);
	CU_ASSERT_FALSE(vfio_user_rx_pending(&rx));
	CU_ASSERT_EQUAL(vfio_user_rx_recv(&rx, sp[1], &m, VFIO_USER_MSG_MAX, 50,
			VFIO_USER_RX_NO_READ), -EAGAIN);
	pair_close();
}

/* More small messages than the buffer holds, in one write: its tail is moved up. */
static void
test_rx_more_than_the_buffer_holds(void)
{
	static struct vfio_user_rx rx;
	static uint8_t b[40 * 20];
	struct vfio_user_msg m;
	unsigned int i;
	size_t n = 0;

	pair_open();
	vfio_user_rx_init(&rx, false, false);
	for (i = 0; i < 40; i++)
		n += rx_msg(b + n, (uint16_t)i, 4, (uint8_t)i);
	raw_send(b, n);
	for (i = 0; i < 40; i++) {
		CU_ASSERT_EQUAL_FATAL(vfio_user_rx_recv(&rx, sp[1], &m, VFIO_USER_MSG_MAX, 50,
				VFIO_USER_RX_STARTED * (i > 0)), 0);
		CU_ASSERT_TRUE(rx_payload_is(&m, (uint16_t)i, 4, (uint8_t)i));
		vfio_user_msg_release(&m);
	}
	CU_ASSERT_FALSE(vfio_user_rx_pending(&rx));
	pair_close();
}

struct rx_writer {
	const uint8_t *p;
	size_t first, len;
};

static void *
rx_write_later(void *arg)
{
	struct rx_writer *w = arg;

	usleep(20000);
	if (write(sp[0], w->p + w->first, w->len - w->first) < 0)
		return NULL;
	return NULL;
}

/* A message split inside its header, then one inside its payload. */
static void
test_rx_message_split_across_reads(void)
{
	static struct vfio_user_rx rx;
	static const size_t cut[] = { 10, 16 + 7 };
	uint8_t b[64];
	struct rx_writer w = { .p = b };
	struct vfio_user_msg m;
	pthread_t t;
	unsigned int i;

	pair_open();
	vfio_user_rx_init(&rx, false, false);
	for (i = 0; i < 2; i++) {
		w.len = rx_msg(b, (uint16_t)(10 + i), 24, (uint8_t)(0x40 + i));
		w.first = cut[i];
		raw_send(b, w.first);
		CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, rx_write_later, &w), 0);
		CU_ASSERT_EQUAL(vfio_user_rx_recv(&rx, sp[1], &m, VFIO_USER_MSG_MAX, 2000, 0), 0);
		pthread_join(t, NULL);
		CU_ASSERT_TRUE(rx_payload_is(&m, (uint16_t)(10 + i), 24, (uint8_t)(0x40 + i)));
		vfio_user_msg_release(&m);
		CU_ASSERT_FALSE(vfio_user_rx_pending(&rx));
	}
	pair_close();
}

/* fds sent with the second of two messages read at once stay with it, and the reverse. */
static void
test_rx_fds_stay_with_their_message(void)
{
	static struct vfio_user_rx rx;
	uint8_t a[32], b[32];
	struct vfio_user_msg m;
	size_t na, nb;
	uint64_t v = 3, got = 0;
	int efd = eventfd(0, EFD_CLOEXEC), before;

	pair_open();
	before = unit_open_fds();
	vfio_user_rx_init(&rx, false, false);
	na = rx_msg(a, 1, 8, 1);
	nb = rx_msg(b, 2, 8, 2);
	raw_send(a, na);
	rx_send_fds(b, nb, &efd, 1);
	CU_ASSERT_EQUAL_FATAL(vfio_user_rx_recv(&rx, sp[1], &m, VFIO_USER_MSG_MAX, 50, 0), 0);
	CU_ASSERT_TRUE(rx_payload_is(&m, 1, 8, 1));
	CU_ASSERT_EQUAL(m.nfds, 0);
	vfio_user_msg_release(&m);
	CU_ASSERT_TRUE(rx_socket_empty());
	CU_ASSERT_EQUAL_FATAL(vfio_user_rx_recv(&rx, sp[1], &m, VFIO_USER_MSG_MAX, 50,
			VFIO_USER_RX_NO_READ), 0);
	CU_ASSERT_TRUE(rx_payload_is(&m, 2, 8, 2));
	CU_ASSERT_EQUAL_FATAL(m.nfds, 1);
	CU_ASSERT_EQUAL(write(m.fds[0], &v, sizeof(v)), (ssize_t)sizeof(v));
	CU_ASSERT_EQUAL(read(efd, &got, sizeof(got)), (ssize_t)sizeof(got));
	CU_ASSERT_EQUAL(got, 3);
	vfio_user_msg_release(&m);

	/* The first carries them: the second, read later, has none. */
	rx_send_fds(a, na, &efd, 1);
	raw_send(b, nb);
	CU_ASSERT_EQUAL_FATAL(vfio_user_rx_recv(&rx, sp[1], &m, VFIO_USER_MSG_MAX, 50, 0), 0);
	CU_ASSERT_TRUE(rx_payload_is(&m, 1, 8, 1));
	CU_ASSERT_EQUAL(m.nfds, 1);
	vfio_user_msg_release(&m);
	CU_ASSERT_EQUAL_FATAL(vfio_user_rx_recv(&rx, sp[1], &m, VFIO_USER_MSG_MAX, 50, 0), 0);
	CU_ASSERT_TRUE(rx_payload_is(&m, 2, 8, 2));
	CU_ASSERT_EQUAL(m.nfds, 0);
	vfio_user_msg_release(&m);

	/* Buffered with the second, not handed out: closed by a reset. */
	raw_send(a, na);
	rx_send_fds(b, nb, &efd, 1);
	CU_ASSERT_EQUAL_FATAL(vfio_user_rx_recv(&rx, sp[1], &m, VFIO_USER_MSG_MAX, 50, 0), 0);
	vfio_user_msg_release(&m);
	CU_ASSERT_EQUAL(unit_open_fds(), before + 1);
	vfio_user_rx_reset(&rx);
	CU_ASSERT_EQUAL(unit_open_fds(), before);
	pair_close();
	close(efd);
}

/* Larger than the buffer, behind a small one and with an fd: the rest is read in place. */
static void
test_rx_message_larger_than_buffer(void)
{
	static struct vfio_user_rx rx;
	static uint8_t b[3 * VFIO_USER_RX_BUF];
	struct vfio_user_msg m;
	size_t na, nb;
	int efd = eventfd(0, EFD_CLOEXEC);

	pair_open();
	vfio_user_rx_init(&rx, false, false);
	na = rx_msg(b, 1, 4, 1);
	nb = rx_msg(b + na, 2, 2 * VFIO_USER_RX_BUF, 2);
	raw_send(b, na);
	rx_send_fds(b + na, nb, &efd, 1);
	CU_ASSERT_EQUAL_FATAL(vfio_user_rx_recv(&rx, sp[1], &m, VFIO_USER_MSG_MAX, 50, 0), 0);
	CU_ASSERT_TRUE(rx_payload_is(&m, 1, 4, 1));
	CU_ASSERT_EQUAL(m.nfds, 0);
	vfio_user_msg_release(&m);
	CU_ASSERT_EQUAL(vfio_user_rx_recv(&rx, sp[1], &m, VFIO_USER_MSG_MAX, 50,
			VFIO_USER_RX_NO_READ), -EAGAIN);
	CU_ASSERT_EQUAL_FATAL(vfio_user_rx_recv(&rx, sp[1], &m, VFIO_USER_MSG_MAX, 50,
			VFIO_USER_RX_STARTED), 0);
	CU_ASSERT_TRUE(rx_payload_is(&m, 2, 2 * VFIO_USER_RX_BUF, 2));
	CU_ASSERT_FALSE(m.borrowed);
	CU_ASSERT_EQUAL(m.nfds, 1);
	vfio_user_msg_release(&m);
	CU_ASSERT_FALSE(vfio_user_rx_pending(&rx));
	pair_close();
	close(efd);
}

/* vfio_user_msg_recv() reads nothing past its message: others may read the rest. */
static void
test_rx_exact_framing(void)
{
	uint8_t b[64];
	struct vfio_user_msg m;
	size_t n;

	pair_open();
	n = rx_msg(b, 1, 8, 1);
	n += rx_msg(b + n, 2, 8, 2);
	raw_send(b, n);
	CU_ASSERT_EQUAL_FATAL(vfio_user_msg_recv(sp[1], &m, VFIO_USER_MSG_MAX, 50, false), 0);
	CU_ASSERT_TRUE(rx_payload_is(&m, 1, 8, 1));
	CU_ASSERT_FALSE(m.borrowed);
	vfio_user_msg_release(&m);
	CU_ASSERT_FALSE(rx_socket_empty());
	CU_ASSERT_EQUAL_FATAL(vfio_user_msg_recv(sp[1], &m, VFIO_USER_MSG_MAX, 50, false), 0);
	CU_ASSERT_TRUE(rx_payload_is(&m, 2, 8, 2));
	vfio_user_msg_release(&m);
	pair_close();
}

/* ---- request checks ---- */

static void
msg_make(struct vfio_user_msg *m, uint16_t cmd, size_t len, uint32_t flags)
{
	static uint8_t payload[256];

	vfio_user_msg_init(m);
	m->hdr = hdr_make(cmd, (uint32_t)(sizeof(m->hdr) + len), flags);
	m->data = len != 0 ? payload : NULL;
	m->len = len;
}

static void
test_check_below_command_minimum(void)
{
	static const struct { uint16_t cmd; size_t min; } t[] = {
		{ VFIO_USER_VERSION, 4 },
		{ VFIO_USER_DMA_MAP, 32 },
		{ VFIO_USER_DMA_UNMAP, 24 },
		{ VFIO_USER_DEVICE_GET_INFO, 16 },
		{ VFIO_USER_DEVICE_GET_REGION_INFO, 32 },
		{ VFIO_USER_DEVICE_GET_IRQ_INFO, 16 },
		{ VFIO_USER_DEVICE_SET_IRQS, 20 },
		{ VFIO_USER_REGION_READ, 16 },
		{ VFIO_USER_REGION_WRITE, 16 },
	};
	struct vfio_user_msg m;
	unsigned int i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		msg_make(&m, t[i].cmd, t[i].min - 1, 0);
		CU_ASSERT_EQUAL(vfio_user_msg_check_request(&m), -EINVAL);
		msg_make(&m, t[i].cmd, t[i].min, 0);
		CU_ASSERT_EQUAL(vfio_user_msg_check_request(&m), 0);
	}
	msg_make(&m, VFIO_USER_DEVICE_RESET, 0, 0);
	CU_ASSERT_EQUAL(vfio_user_msg_check_request(&m), 0);
}

static void
test_check_unknown_command(void)
{
	static const uint16_t unknown[] = { 0, 14, 19, 99, 0xffff, VFIO_USER_DMA_READ,
		VFIO_USER_DMA_WRITE, VFIO_USER_REGION_WRITE_MULTI, VFIO_USER_MIG_DATA_READ,
		VFIO_USER_DEVICE_GET_REGION_IO_FDS };
	struct vfio_user_msg m;
	unsigned int i;

	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		msg_make(&m, unknown[i], 32, 0);
		CU_ASSERT_EQUAL(vfio_user_msg_check_request(&m), -ENOSYS);
	}
	msg_make(&m, VFIO_USER_DEVICE_FEATURE, 8, 0);
	CU_ASSERT_EQUAL(vfio_user_msg_check_request(&m), -ENOTSUP);
}

static void
test_check_bad_flags(void)
{
	static const uint32_t bad[] = {
		VFIO_USER_F_TYPE_REPLY, 2, 0xf, VFIO_USER_F_ERROR, 1u << 6, 1u << 31,
	};
	struct vfio_user_msg m;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		msg_make(&m, VFIO_USER_DEVICE_RESET, 0, bad[i]);
		CU_ASSERT_EQUAL(vfio_user_msg_check_request(&m), -EINVAL);
	}
	msg_make(&m, VFIO_USER_DEVICE_RESET, 0, VFIO_USER_F_NO_REPLY);
	CU_ASSERT_EQUAL(vfio_user_msg_check_request(&m), 0);
	/* The header check alone: a reply type is fine there, type 2 is not. */
	m.hdr.flags = VFIO_USER_F_TYPE_REPLY | VFIO_USER_F_ERROR;
	CU_ASSERT_EQUAL(vfio_user_hdr_check(&m.hdr, VFIO_USER_MSG_MAX), 0);
	m.hdr.flags = 2;
	CU_ASSERT_EQUAL(vfio_user_hdr_check(&m.hdr, VFIO_USER_MSG_MAX), -EINVAL);
	m.hdr.flags = 0;
	m.hdr.msg_size = 8;
	CU_ASSERT_EQUAL(vfio_user_hdr_check(&m.hdr, VFIO_USER_MSG_MAX), -EINVAL);
	m.hdr.msg_size = VFIO_USER_MSG_MAX + 1;
	CU_ASSERT_EQUAL(vfio_user_hdr_check(&m.hdr, VFIO_USER_MSG_MAX), -EMSGSIZE);
}

static void
test_check_size_mismatch(void)
{
	struct vfio_user_msg m;

	msg_make(&m, VFIO_USER_DEVICE_RESET, 0, 0);
	m.hdr.msg_size = 20;	/* header says 4 more bytes than the payload holds */
	CU_ASSERT_EQUAL(vfio_user_msg_check_request(&m), -EINVAL);
}

static void
test_check_fds_where_none_allowed(void)
{
	int before = unit_open_fds(), efd = eventfd(0, EFD_CLOEXEC);
	struct vfio_user_hdr h = hdr_make(VFIO_USER_DEVICE_RESET, 0, 0);
	struct vfio_user_msg m;

	pair_open();
	CU_ASSERT_EQUAL(vfio_user_msg_send(sp[0], &h, NULL, 0, &efd, 1, 50), 0);
	close(efd);
	CU_ASSERT_EQUAL_FATAL(vfio_user_msg_recv(sp[1], &m, VFIO_USER_MSG_MAX, 50, false), 0);
	CU_ASSERT_EQUAL(m.nfds, 1);
	CU_ASSERT_EQUAL(vfio_user_msg_check_request(&m), -EINVAL);
	vfio_user_msg_release(&m);
	pair_close();
	CU_ASSERT_EQUAL(unit_open_fds(), before);

	/* DMA_MAP takes one fd, not two. */
	msg_make(&m, VFIO_USER_DMA_MAP, 32, 0);
	m.nfds = 2;
	m.fds[0] = -1;
	m.fds[1] = -1;
	CU_ASSERT_EQUAL(vfio_user_msg_check_request(&m), -EINVAL);
	m.nfds = 1;
	CU_ASSERT_EQUAL(vfio_user_msg_check_request(&m), 0);
}

static void
test_cmd_names(void)
{
	CU_ASSERT_STRING_EQUAL(vfio_user_cmd_name(VFIO_USER_DMA_MAP), "DMA_MAP");
	CU_ASSERT_STRING_EQUAL(vfio_user_cmd_name(14), "unknown");
	CU_ASSERT_STRING_EQUAL(vfio_user_cmd_name(500), "unknown");
}

/* ---- VERSION capabilities ---- */

#define TOKEN "0d8f5e5c-1b7a-4c1e-9a53-6f3b2c1d0e9f"

static int
caps_parse_str(const char *s, struct vfio_user_caps *c)
{
	return vfio_user_caps_parse(s, strlen(s) + 1, c);
}

static void
test_caps_malformed(void)
{
	static const char *const bad[] = {
		"{",
		"not json",
		"[1, 2]",
		"\"capabilities\"",
		"{\"capabilities\": 5}",
		"{\"capabilities\": {\"max_msg_fds\": \"8\"}}",
		"{\"capabilities\": {\"max_msg_fds\": -1}}",
		"{\"capabilities\": {\"max_msg_fds\": 1.5}}",
		"{\"capabilities\": {\"max_data_xfer_size\": 0}}",
		"{\"capabilities\": {\"pgsizes\": true}}",
		"{\"capabilities\": {\"max_dma_maps\": null}}",
		"{\"capabilities\": {\"svnic\": 1}}",
		"{\"capabilities\": {\"svnic\": {\"vf_token\": 1}}}",
		"{\"capabilities\": {\"svnic\": {\"vf_token\": \"not-a-uuid\"}}}",
		"{\"capabilities\": {\"svnic\": {\"vf_token\": \"" TOKEN "0\"}}}",
		/* parenthesized: one literal split over two lines, not two elements */
		("{\"capabilities\": {\"svnic\": {\"vf_token\": "
		 "\"0d8f5e5c-1b7a-4c1e-9a53_6f3b2c1d0e9f\"}}}"),
		"{} trailing",
		"{}{}",
	};
	struct vfio_user_caps c;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(caps_parse_str(bad[i], &c), -EINVAL);
		CU_ASSERT_EQUAL(c.max_msg_fds, 1);	/* defaults left behind */
		CU_ASSERT_FALSE(c.has_token);
	}
	/* Bytes after the NUL are not allowed either. */
	CU_ASSERT_EQUAL(vfio_user_caps_parse("{}\0x", 4, &c), -EINVAL);
}

static void
test_caps_defaults(void)
{
	static const char other[] = "{\"capabilities\":{\"migration\":{\"pgsize\":4096},"
		"\"write_multiple\":true,\"max_msg_fds\":8}}";
	struct vfio_user_caps c;

	CU_ASSERT_EQUAL(caps_parse_str("{}", &c), 0);
	CU_ASSERT_EQUAL(c.max_msg_fds, 1);
	CU_ASSERT_EQUAL(c.max_data_xfer_size, 1048576);
	CU_ASSERT_EQUAL(c.pgsizes, 4096);
	CU_ASSERT_EQUAL(c.max_dma_maps, 65535);
	CU_ASSERT_FALSE(c.has_token);
	CU_ASSERT_EQUAL(vfio_user_caps_parse("", 1, &c), 0);
	/* Without the NUL, and with names we do not know (QEMU's, libvfio-user's). */
	CU_ASSERT_EQUAL(vfio_user_caps_parse(other, strlen(other), &c), 0);
	CU_ASSERT_EQUAL(c.max_msg_fds, 8);
}

static void
test_caps_values_and_token(void)
{
	struct vfio_user_caps c;

	CU_ASSERT_EQUAL(caps_parse_str("{\"capabilities\": {\"max_msg_fds\": 16, "
		"\"max_data_xfer_size\": 65536, \"pgsizes\": 18446744073709547520, "
		"\"max_dma_maps\": 99999999999, "
		"\"svnic\": {\"vf_token\": \"" TOKEN "\"}}}", &c), 0);
	CU_ASSERT_EQUAL(c.max_msg_fds, 16);
	CU_ASSERT_EQUAL(c.max_data_xfer_size, 65536);
	CU_ASSERT_EQUAL(c.pgsizes, 0xfffffffffffff000ull);
	CU_ASSERT_EQUAL(c.max_dma_maps, UINT32_MAX);	/* clamped */
	CU_ASSERT_TRUE(c.has_token);
	CU_ASSERT_STRING_EQUAL(c.vf_token, TOKEN);
}

static void
test_caps_format_roundtrip(void)
{
	struct vfio_user_caps c, d;
	char small[8], buf[512];
	int n;

	vfio_user_caps_default(&c);
	c.max_msg_fds = 64;
	c.max_data_xfer_size = 4096;
	c.has_token = true;
	memcpy(c.vf_token, TOKEN, sizeof(TOKEN));
	CU_ASSERT_EQUAL(vfio_user_caps_format(&c, small, sizeof(small)), -ENOSPC);
	n = vfio_user_caps_format(&c, buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL((size_t)n, strlen(buf) + 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"capabilities\""));
	CU_ASSERT_EQUAL(vfio_user_caps_parse(buf, (size_t)n, &d), 0);
	CU_ASSERT_EQUAL(d.max_msg_fds, 64);
	CU_ASSERT_EQUAL(d.max_data_xfer_size, 4096);
	CU_ASSERT_TRUE(d.has_token);
	CU_ASSERT_STRING_EQUAL(d.vf_token, TOKEN);
	CU_ASSERT_TRUE(vfio_user_token_valid(TOKEN));
	CU_ASSERT_FALSE(vfio_user_token_valid("0d8f5e5c-1b7a-4c1e-9a53-6f3b2c1d0e9"));
}

/* ---- DMA map table ---- */

static int
memfd_make(size_t size)
{
	int fd = memfd_create("vu-test", MFD_CLOEXEC);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(ftruncate(fd, (off_t)size) == 0);
	return fd;
}

static void
test_dma_bad_ranges(void)
{
	struct vfio_user_dma *t;
	const uint32_t rw = VFIO_USER_DMA_PROT_READ | VFIO_USER_DMA_PROT_WRITE;

	CU_ASSERT_EQUAL(vfio_user_dma_create(0, &t), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(vfio_user_dma_create(4, &t), 0);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, 0x1000, 0, -1, 0, rw), -EINVAL);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, UINT64_MAX - 0xfff, 0x2000, -1, 0, rw), -EINVAL);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, 0x1000, 0x1000, -1, 0, 0), -EINVAL);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, 0x1000, 0x1000, -1, 0, 4), -EINVAL);
	/* The very top of the space is fine. */
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, UINT64_MAX - 0xfff, 0x1000, -1, 0, rw), 0);
	CU_ASSERT_EQUAL(vfio_user_dma_count(t), 1);
	vfio_user_dma_destroy(t);
}

static void
test_dma_overlap_refused(void)
{
	struct vfio_user_dma *t;
	const uint32_t r = VFIO_USER_DMA_PROT_READ;

	CU_ASSERT_EQUAL_FATAL(vfio_user_dma_create(16, &t), 0);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, 0x10000, 0x1000, -1, 0, r), 0);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, 0x10000, 0x1000, -1, 0, r), -EEXIST);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, 0xf000, 0x1001, -1, 0, r), -EEXIST);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, 0x10fff, 0x10, -1, 0, r), -EEXIST);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, 0x10800, 0x10, -1, 0, r), -EEXIST);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, 0x0, 0x100000, -1, 0, r), -EEXIST);
	/* Touching neighbours on both sides are not overlaps. */
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, 0xf000, 0x1000, -1, 0, r), 0);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, 0x11000, 0x1000, -1, 0, r), 0);
	CU_ASSERT_EQUAL(vfio_user_dma_count(t), 3);
	CU_ASSERT_EQUAL(vfio_user_dma_get(t, 0)->iova, 0xf000);
	CU_ASSERT_EQUAL(vfio_user_dma_get(t, 2)->iova, 0x11000);
	CU_ASSERT_PTR_NULL(vfio_user_dma_get(t, 3));
	vfio_user_dma_destroy(t);
}

static void
test_dma_limit(void)
{
	struct vfio_user_dma *t;
	unsigned int i;

	CU_ASSERT_EQUAL_FATAL(vfio_user_dma_create(3, &t), 0);
	for (i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(vfio_user_dma_add(t, i * 0x1000, 0x1000, -1, 0, 1), 0);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, 0x10000, 0x1000, -1, 0, 1), -ENOSPC);
	CU_ASSERT_EQUAL(vfio_user_dma_remove(t, 0x1000, 0x1000), 0);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, 0x10000, 0x1000, -1, 0, 1), 0);
	vfio_user_dma_destroy(t);
}

static void
test_dma_bad_files(void)
{
	struct vfio_user_dma *t;
	int fd = memfd_make(0x1000), efd = eventfd(0, EFD_CLOEXEC);

	CU_ASSERT_EQUAL_FATAL(vfio_user_dma_create(4, &t), 0);
	/* The file is smaller than the window: touching it would raise SIGBUS. */
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, 0, 0x2000, fd, 0, 3), -EINVAL);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, 0, 0x1000, fd, 0x1000, 3), -EINVAL);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, 0, 0x1000, fd, UINT64_MAX, 3), -EINVAL);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, 0, 0x1000, efd, 0, 3), -EINVAL);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, 0, 0x1000, 1000000, 0, 3), -EBADF);
	CU_ASSERT_EQUAL(vfio_user_dma_count(t), 0);
	vfio_user_dma_destroy(t);
	close(fd);
	close(efd);
}

static void
test_dma_translate(void)
{
	const uint32_t rw = VFIO_USER_DMA_PROT_READ | VFIO_USER_DMA_PROT_WRITE;
	struct vfio_user_dma *t;
	int fd = memfd_make(0x4000);
	uint8_t *p, byte = 0;

	CU_ASSERT_EQUAL_FATAL(vfio_user_dma_create(8, &t), 0);
	/* An offset that is not page aligned is mapped too. */
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, 0x100000, 0x1000, fd, 0x1800, rw), 0);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, 0x101000, 0x1000, fd, 0, VFIO_USER_DMA_PROT_READ),
		0);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, 0x200000, 0x1000, -1, 0, rw), 0);

	errno = 0;
	CU_ASSERT_PTR_NULL(vfio_user_dma_translate(t, 0x100000, 0, 0));
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_PTR_NULL(vfio_user_dma_translate(t, 0xfffff, 2, VFIO_USER_DMA_PROT_READ));
	CU_ASSERT_EQUAL(errno, EFAULT);
	/*
	 * Two adjacent windows that are not one run (the first is not page
	 * aligned in its file, and their access differs): a range across them is
	 * refused.
	 */
	CU_ASSERT_PTR_NULL(vfio_user_dma_translate(t, 0x100ff0, 0x20, VFIO_USER_DMA_PROT_READ));
	CU_ASSERT_EQUAL(errno, EFAULT);
	CU_ASSERT_PTR_NULL(vfio_user_dma_translate(t, 0x101000, 8, VFIO_USER_DMA_PROT_WRITE));
	CU_ASSERT_EQUAL(errno, EACCES);
	CU_ASSERT_PTR_NULL(vfio_user_dma_translate(t, 0x200000, 8, VFIO_USER_DMA_PROT_READ));
	CU_ASSERT_EQUAL(errno, ENXIO);
	CU_ASSERT_PTR_NULL(vfio_user_dma_translate(t, UINT64_MAX, 2, VFIO_USER_DMA_PROT_READ));
	CU_ASSERT_EQUAL(errno, EINVAL);

	p = vfio_user_dma_translate(t, 0x100010, 0xff0, rw);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	*p = 0x5a;
	CU_ASSERT_EQUAL(pread(fd, &byte, 1, 0x1810), 1);
	CU_ASSERT_EQUAL(byte, 0x5a);
	CU_ASSERT_PTR_NOT_NULL(vfio_user_dma_find(t, 0x200000, 0x1000));
	CU_ASSERT_PTR_NULL(vfio_user_dma_find(t, 0x200000, 0x1001));

	CU_ASSERT_EQUAL(vfio_user_dma_remove(t, 0x100000, 0x800), -ENOENT);
	CU_ASSERT_EQUAL(vfio_user_dma_remove(t, 0x100010, 0xff0), -ENOENT);
	CU_ASSERT_EQUAL(vfio_user_dma_remove(t, 0x100000, 0x1000), 0);
	CU_ASSERT_PTR_NULL(vfio_user_dma_translate(t, 0x100010, 1, VFIO_USER_DMA_PROT_READ));
	CU_ASSERT_EQUAL(vfio_user_dma_remove(t, 0x100000, 0x1000), -ENOENT);
	vfio_user_dma_clear(t);
	CU_ASSERT_EQUAL(vfio_user_dma_count(t), 0);
	CU_ASSERT_PTR_NULL(vfio_user_dma_translate(t, 0x101000, 1, VFIO_USER_DMA_PROT_READ));
	vfio_user_dma_destroy(t);
	close(fd);
}

/* Whether any mapping covers the page at @p p (PROT_NONE ones too). */
static bool
mapped(const void *p)
{
	return msync((void *)((uintptr_t)p & ~(uintptr_t)4095), 4096, MS_ASYNC) == 0;
}

static void
test_dma_runs(void)
{
	const uint32_t rw = VFIO_USER_DMA_PROT_READ | VFIO_USER_DMA_PROT_WRITE;
	const uint64_t x = UINT64_C(0x7f0000000);	/* 1 GiB aligned */
	const struct vfio_user_dma_region *r;
	struct vfio_user_dma *t;
	int fd = memfd_make(0x10000), rofd;
	uint8_t *p, *hole, byte = 0;
	char path[64];

	CU_ASSERT_EQUAL_FATAL(vfio_user_dma_create(16, &t), 0);
	/* A and B: adjacent in IOVA, apart in the file; C: read only; D: a gap before it */
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, x, 0x2000, fd, 0x4000, rw), 0);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, x + 0x2000, 0x1000, fd, 0, rw), 0);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, x + 0x3000, 0x1000, fd, 0x8000,
					  VFIO_USER_DMA_PROT_READ), 0);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, x + 0x5000, 0x1000, fd, 0x9000, rw), 0);

	r = vfio_user_dma_find_run(t, x + 0x2800);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->iova, x + 0x2000);
	CU_ASSERT_EQUAL(r->run_iova, x);
	CU_ASSERT_EQUAL(r->run_len, 0x3000);
	CU_ASSERT_PTR_EQUAL(vfio_user_dma_run_vaddr(r), vfio_user_dma_get(t, 0)->vaddr);
	CU_ASSERT_EQUAL(vfio_user_dma_get(t, 2)->run_len, 0x1000);	/* C alone */
	CU_ASSERT_EQUAL(vfio_user_dma_get(t, 3)->run_iova, x + 0x5000);	/* D alone */
	CU_ASSERT_PTR_NULL(vfio_user_dma_find_run(t, x + 0x4000));

	/* One pointer reaches across A and B, each byte in its own file place. */
	p = vfio_user_dma_translate(t, x + 0x1ff0, 0x20, rw);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	p[0] = 0x11;
	p[0x10] = 0x22;
	CU_ASSERT_EQUAL(pread(fd, &byte, 1, 0x4000 + 0x1ff0), 1);
	CU_ASSERT_EQUAL(byte, 0x11);
	CU_ASSERT_EQUAL(pread(fd, &byte, 1, 0), 1);
	CU_ASSERT_EQUAL(byte, 0x22);
	/* ... but not into C, whose access differs, nor past the run */
	CU_ASSERT_PTR_NULL(vfio_user_dma_translate(t, x + 0x2ff0, 0x20, VFIO_USER_DMA_PROT_READ));
	CU_ASSERT_EQUAL(errno, EFAULT);
	CU_ASSERT_PTR_NULL(vfio_user_dma_translate(t, x + 0x3ff0, 0x20, VFIO_USER_DMA_PROT_READ));
	CU_ASSERT_EQUAL(errno, EFAULT);

	/* B gone: A is a run of its own, and B's place stays reserved. */
	hole = p + 0x10;
	CU_ASSERT_EQUAL(vfio_user_dma_remove(t, x + 0x2000, 0x1000), 0);
	CU_ASSERT_EQUAL(vfio_user_dma_get(t, 0)->run_len, 0x2000);
	CU_ASSERT_PTR_NULL(vfio_user_dma_translate(t, x + 0x1ff0, 0x20, VFIO_USER_DMA_PROT_READ));
	CU_ASSERT_EQUAL(errno, EFAULT);
	CU_ASSERT(mapped(hole));
	/* B again, from elsewhere in the file: the run is back, showing the new place */
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, x + 0x2000, 0x1000, fd, 0xa000, rw), 0);
	CU_ASSERT_EQUAL(vfio_user_dma_get(t, 0)->run_len, 0x3000);
	CU_ASSERT_EQUAL(pwrite(fd, "\x33", 1, 0xa000), 1);
	p = vfio_user_dma_translate(t, x + 0x1fff, 2, VFIO_USER_DMA_PROT_READ);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p[1], 0x33);

	/* A file that cannot be mapped writable: refused, nothing kept. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rofd = open(path, O_RDONLY | O_CLOEXEC);
	CU_ASSERT_FATAL(rofd >= 0);
	CU_ASSERT_EQUAL(vfio_user_dma_add(t, x + UINT64_C(0x80000000), 0x1000, rofd, 0, rw),
			-EACCES);
	CU_ASSERT_EQUAL(vfio_user_dma_count(t), 4);
	close(rofd);

	/* With its last window the arena goes. */
	vfio_user_dma_clear(t);
	CU_ASSERT(!mapped(hole));
	vfio_user_dma_destroy(t);
	close(fd);
}

static CU_TestInfo tests_framing[] = {
	UNIT_TEST(test_recv_truncated_header),
	UNIT_TEST(test_recv_nothing_waiting),
	UNIT_TEST(test_recv_size_below_header),
	UNIT_TEST(test_recv_size_above_max),
	UNIT_TEST(test_recv_too_many_fds_closed),
	UNIT_TEST(test_send_refuses_too_many_fds),
	UNIT_TEST(test_send_peer_gone),
	UNIT_TEST(test_send_recv_with_fds),
	UNIT_TEST(test_recv_partial_reads),
	UNIT_TEST(test_send_partial_writes),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_check[] = {
	UNIT_TEST(test_check_below_command_minimum),
	UNIT_TEST(test_check_unknown_command),
	UNIT_TEST(test_check_bad_flags),
	UNIT_TEST(test_check_size_mismatch),
	UNIT_TEST(test_check_fds_where_none_allowed),
	UNIT_TEST(test_cmd_names),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_rx[] = {
	UNIT_TEST(test_rx_bad_header_after_good_one),
	UNIT_TEST(test_rx_peer_closes_inside_second),
	UNIT_TEST(test_rx_stalled_inside_second),
	UNIT_TEST(test_rx_two_messages_one_read),
	UNIT_TEST(test_rx_more_than_the_buffer_holds),
	UNIT_TEST(test_rx_message_split_across_reads),
	UNIT_TEST(test_rx_fds_stay_with_their_message),
	UNIT_TEST(test_rx_message_larger_than_buffer),
	UNIT_TEST(test_rx_exact_framing),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_caps[] = {
	UNIT_TEST(test_caps_malformed),
	UNIT_TEST(test_caps_defaults),
	UNIT_TEST(test_caps_values_and_token),
	UNIT_TEST(test_caps_format_roundtrip),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_dma[] = {
	UNIT_TEST(test_dma_bad_ranges),
	UNIT_TEST(test_dma_overlap_refused),
	UNIT_TEST(test_dma_limit),
	UNIT_TEST(test_dma_bad_files),
	UNIT_TEST(test_dma_translate),
	UNIT_TEST(test_dma_runs),
	CU_TEST_INFO_NULL,
};

UNIT_MAIN(UNIT_SUITE("vfio_user framing", tests_framing),
	  UNIT_SUITE("vfio_user receive buffer", tests_rx),
	  UNIT_SUITE("vfio_user request checks", tests_check),
	  UNIT_SUITE("vfio_user capabilities", tests_caps),
	  UNIT_SUITE("vfio_user dma table", tests_dma))
