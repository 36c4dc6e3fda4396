/* SPDX-License-Identifier: BSD-3-Clause */
#define _GNU_SOURCE		/* MSG_CMSG_CLOEXEC */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vfio_user_msg.h"

#define VFIO_USER_MSG_MAX_IOV	4

/* Minimum request payload and most fds a command may carry (spec "Commands"). */
struct vfio_user_cmd_rule {
	const char *name;
	uint32_t min_size;
	uint32_t max_fds;
	int served;	/* 0: answered ENOSYS, 1: served, -1: answered ENOTSUP */
};

static const struct vfio_user_cmd_rule vfio_user_cmd_rules[VFIO_USER_CMD_MAX] = {
	[VFIO_USER_VERSION] = { "VERSION", sizeof(struct vfio_user_version), 0, 1 },
	[VFIO_USER_DMA_MAP] = { "DMA_MAP", sizeof(struct vfio_user_dma_map), 1, 1 },
	[VFIO_USER_DMA_UNMAP] = { "DMA_UNMAP", sizeof(struct vfio_user_dma_unmap), 0, 1 },
	[VFIO_USER_DEVICE_GET_INFO] = { "DEVICE_GET_INFO",
		sizeof(struct vfio_user_device_info), 0, 1 },
	[VFIO_USER_DEVICE_GET_REGION_INFO] = { "DEVICE_GET_REGION_INFO",
		sizeof(struct vfio_region_info), 0, 1 },
	[VFIO_USER_DEVICE_GET_REGION_IO_FDS] = { "DEVICE_GET_REGION_IO_FDS", 0, 0, 0 },
	[VFIO_USER_DEVICE_GET_IRQ_INFO] = { "DEVICE_GET_IRQ_INFO",
		sizeof(struct vfio_irq_info), 0, 1 },
	[VFIO_USER_DEVICE_SET_IRQS] = { "DEVICE_SET_IRQS", sizeof(struct vfio_irq_set),
		VFIO_USER_MAX_MSG_FDS, 1 },
	[VFIO_USER_REGION_READ] = { "REGION_READ", sizeof(struct vfio_user_region_access), 0, 1 },
	[VFIO_USER_REGION_WRITE] = { "REGION_WRITE", sizeof(struct vfio_user_region_access),
		0, 1 },
	[VFIO_USER_DMA_READ] = { "DMA_READ", 0, 0, 0 },
	[VFIO_USER_DMA_WRITE] = { "DMA_WRITE", 0, 0, 0 },
	[VFIO_USER_DEVICE_RESET] = { "DEVICE_RESET", 0, 0, 1 },
	[VFIO_USER_REGION_WRITE_MULTI] = { "REGION_WRITE_MULTI", 0, 0, 0 },
	[VFIO_USER_DEVICE_FEATURE] = { "DEVICE_FEATURE", 0, 0, -1 },
	[VFIO_USER_MIG_DATA_READ] = { "MIG_DATA_READ", 0, 0, 0 },
	[VFIO_USER_MIG_DATA_WRITE] = { "MIG_DATA_WRITE", 0, 0, 0 },
};

const char *
vfio_user_cmd_name(uint16_t cmd)
{
	if (cmd < VFIO_USER_CMD_MAX && vfio_user_cmd_rules[cmd].name != NULL)
		return vfio_user_cmd_rules[cmd].name;
	return "unknown";
}

uint64_t
vfio_user_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t
vfio_user_now_ms(void)
{
	return vfio_user_now_ns() / 1000000u;
}

void
vfio_user_msg_init(struct vfio_user_msg *m)
{
	memset(m, 0, sizeof(*m));
}

void
vfio_user_msg_close_fds(struct vfio_user_msg *m)
{
	unsigned int i;

	for (i = 0; i < m->nfds; i++)
		if (m->fds[i] >= 0)
			close(m->fds[i]);
	m->nfds = 0;
}

void
vfio_user_msg_release(struct vfio_user_msg *m)
{
	vfio_user_msg_close_fds(m);
	if (!m->borrowed)
		free(m->data);
	m->data = NULL;
	m->borrowed = false;
	m->len = 0;
}

static int
vfio_user_size_check(uint32_t msg_size, size_t max_size)
{
	if (msg_size < sizeof(struct vfio_user_hdr))
		return -EINVAL;
	if (msg_size > max_size)
		return -EMSGSIZE;
	return 0;
}

int
vfio_user_hdr_check(const struct vfio_user_hdr *h, size_t max_size)
{
	uint32_t type = h->flags & VFIO_USER_F_TYPE_MASK;

	if ((h->flags & ~VFIO_USER_F_KNOWN) != 0)
		return -EINVAL;
	if (type != VFIO_USER_F_TYPE_COMMAND && type != VFIO_USER_F_TYPE_REPLY)
		return -EINVAL;
	return vfio_user_size_check(h->msg_size, max_size);
}

int
vfio_user_msg_check_request(const struct vfio_user_msg *m)
{
	const struct vfio_user_hdr *h = &m->hdr;
	const struct vfio_user_cmd_rule *rule;
	int ret;

	ret = vfio_user_hdr_check(h, VFIO_USER_MSG_MAX);
	if (ret < 0)
		return ret == -EMSGSIZE ? -EINVAL : ret;
	/* Spec "Header": a command has type 0; the error bit belongs to replies. */
	if ((h->flags & VFIO_USER_F_TYPE_MASK) != VFIO_USER_F_TYPE_COMMAND ||
	    (h->flags & VFIO_USER_F_ERROR) != 0)
		return -EINVAL;
	if (m->len != h->msg_size - sizeof(*h))
		return -EINVAL;
	if (h->cmd >= VFIO_USER_CMD_MAX || vfio_user_cmd_rules[h->cmd].name == NULL)
		return -ENOSYS;
	rule = &vfio_user_cmd_rules[h->cmd];
	if (rule->served == 0)
		return -ENOSYS;
	if (rule->served < 0)
		return -ENOTSUP;
	if (m->len < rule->min_size)
		return -EINVAL;
	if (m->fds_dropped || m->nfds > rule->max_fds)
		return -EINVAL;
	return 0;
}

static int
vfio_user_msg_wait(int fd, short events, uint64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	uint64_t now;
	int n;

	for (;;) {
		now = vfio_user_now_ms();
		if (now >= deadline)
			return -ETIMEDOUT;
		n = poll(&p, 1, deadline - now > INT_MAX ? INT_MAX : (int)(deadline - now));
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

/* Keep @p fd in @p fds, or close it when they are full. */
static void
vfio_user_fds_add(int *fds, unsigned int *nfds, bool *dropped, int fd)
{
	if (*nfds < VFIO_USER_MAX_MSG_FDS) {
		fds[(*nfds)++] = fd;
	} else {
		close(fd);
		*dropped = true;
	}
}

static void
vfio_user_fds_take(int *fds, unsigned int *nfds, bool *dropped, struct msghdr *mh)
{
	struct cmsghdr *c;
	unsigned int i, n;
	int fd;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			vfio_user_fds_add(fds, nfds, dropped, fd);
		}
	}
	/* The kernel closed whatever did not fit in our control buffer. */
	if ((mh->msg_flags & MSG_CTRUNC) != 0)
		*dropped = true;
}

void
vfio_user_rx_init(struct vfio_user_rx *rx, bool exact, bool block)
{
	rx->seen = 0;
	rx->head = 0;
	rx->tail = 0;
	rx->exact = exact;
	rx->block = block;
	rx->nsets = 0;
}

void
vfio_user_rx_reset(struct vfio_user_rx *rx)
{
	unsigned int i, k;

	for (k = 0; k < rx->nsets; k++)
		for (i = 0; i < rx->sets[k].nfds; i++)
			close(rx->sets[k].fds[i]);
	rx->nsets = 0;
	rx->head = 0;
	rx->tail = 0;
}

bool
vfio_user_rx_pending(const struct vfio_user_rx *rx)
{
	return rx->tail > rx->head;
}

/* Move @p from's fds to the end of @p fds. */
static void
vfio_user_rx_move_set(int *fds, unsigned int *nfds, bool *dropped, struct vfio_user_rx_fds *from)
{
	unsigned int i;

	for (i = 0; i < from->nfds; i++)
		vfio_user_fds_add(fds, nfds, dropped, from->fds[i]);
	*dropped = *dropped || from->dropped;
	from->nfds = 0;
	from->dropped = false;
}

/* A message ending at stream offset @p end takes the fds read with its bytes. */
static void
vfio_user_rx_give_fds(struct vfio_user_rx *rx, struct vfio_user_msg *m, uint64_t end)
{
	while (rx->nsets > 0 && rx->sets[0].at < end) {
		vfio_user_rx_move_set(m->fds, &m->nfds, &m->fds_dropped, &rx->sets[0]);
		rx->sets[0] = rx->sets[1];
		rx->nsets--;
	}
}

/* How one receive waits: its deadline runs from its first byte, or its start with RX_WAIT. */
struct vfio_user_rx_wait {
	uint64_t deadline;
	int timeout_ms;
	unsigned int flags;
	bool started;		/* a byte of the message is in */
	bool slept;		/* the one blocking recvmsg() was made */
};

/*
 * One recvmsg() of at most @p len bytes into @p dst, waiting as @p w says.
 * Its fds go to @p m when given (a payload read in place), else to the set
 * of this read in @p rx.
 * @return bytes read or a negative errno.
 */
static ssize_t
vfio_user_rx_read(struct vfio_user_rx *rx, int fd, uint8_t *dst, size_t len,
		struct vfio_user_msg *m, struct vfio_user_rx_wait *w)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * VFIO_USER_MAX_MSG_FDS)];
	} ctl;
	struct iovec iov = { .iov_base = dst, .iov_len = len };
	struct msghdr mh;
	struct vfio_user_rx_fds *set;
	bool sleep;
	ssize_t n;
	int ret;

	for (;;) {
		mh = (struct msghdr){
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
		};
		/* Once only: SO_RCVTIMEO knows no deadline, poll() below does. */
		sleep = !w->started && !w->slept && rx->block && (w->flags & VFIO_USER_RX_WAIT);
		w->slept = w->slept || sleep;
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | (sleep ? 0 : MSG_DONTWAIT));
		if (n > 0)
			break;
		if (n == 0)
			return w->started ? -EPIPE : -ECONNRESET;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		if (!w->started && (w->flags & VFIO_USER_RX_WAIT) == 0)
			return -EAGAIN;
		ret = vfio_user_msg_wait(fd, POLLIN, w->deadline);
		if (ret < 0)
			return ret;
	}
	if (!w->started) {
		w->started = true;
		if ((w->flags & VFIO_USER_RX_WAIT) == 0)
			w->deadline = vfio_user_now_ms() + (uint64_t)w->timeout_ms;
	}
	rx->seen += (uint64_t)n;
	if (m != NULL) {
		vfio_user_fds_take(m->fds, &m->nfds, &m->fds_dropped, &mh);
		return n;
	}
	/* A read ends with the data its fds came with: they are the last byte's message's. */
	set = &rx->sets[rx->nsets];
	set->nfds = 0;
	set->dropped = false;
	set->at = rx->seen - 1;
	vfio_user_fds_take(set->fds, &set->nfds, &set->dropped, &mh);
	if (set->nfds > 0 || set->dropped)
		rx->nsets++;
	return n;
}

/* Read more into the buffer: up to @p want bytes, to its end at most. */
static int
vfio_user_rx_fill(struct vfio_user_rx *rx, int fd, size_t want, struct vfio_user_rx_wait *w)
{
	size_t have = rx->tail - rx->head;
	ssize_t n;

	if (rx->head > 0) {
		memmove(rx->buf, rx->buf + rx->head, have);
		rx->head = 0;
		rx->tail = have;
	}
	/*
	 * We read only while the buffer holds no whole message: every set left
	 * is the partial head message's, so one slot is free for this read's.
	 */
	if (rx->nsets == 2) {
		vfio_user_rx_move_set(rx->sets[0].fds, &rx->sets[0].nfds, &rx->sets[0].dropped,
				&rx->sets[1]);
		rx->sets[0].at = rx->sets[1].at;
		rx->nsets = 1;
	}
	if (want > VFIO_USER_RX_BUF - rx->tail)
		want = VFIO_USER_RX_BUF - rx->tail;
	n = vfio_user_rx_read(rx, fd, rx->buf + rx->tail, want, NULL, w);
	if (n < 0)
		return (int)n;
	rx->tail += (size_t)n;
	return 0;
}

/* Where the payload goes: lent from @p rx when it fits and may be, else allocated. */
static int
vfio_user_rx_payload(struct vfio_user_rx *rx, struct vfio_user_msg *m, unsigned int flags)
{
	if (m->len == 0)
		return 0;
	if ((flags & VFIO_USER_RX_OWN) == 0 && m->len <= sizeof(rx->payload)) {
		m->data = (uint8_t *)rx->payload;
		m->borrowed = true;
		return 0;
	}
	m->data = malloc(m->len);
	return m->data == NULL ? -ENOMEM : 0;
}

int
vfio_user_rx_recv(struct vfio_user_rx *rx, int fd, struct vfio_user_msg *m, size_t max_size,
		int timeout_ms, unsigned int flags)
{
	struct vfio_user_rx_wait w = {
		.timeout_ms = timeout_ms < 0 ? 0 : timeout_ms,
		.flags = flags,
		.started = rx->tail > rx->head,
	};
	const size_t hs = sizeof(m->hdr);
	size_t have, got;
	ssize_t n;
	int ret;

	vfio_user_msg_init(m);
	if (!w.started && (flags & (VFIO_USER_RX_STARTED | VFIO_USER_RX_NO_READ)) != 0)
		return -EAGAIN;
	w.deadline = vfio_user_now_ms() + (uint64_t)w.timeout_ms;
	/*
	 * A caller that waits for a message (a reply to what it just sent) has
	 * nothing to read yet, most likely: wait first, saving a system call
	 * that would only say EAGAIN, unless recvmsg() itself may wait.
	 */
	if ((flags & VFIO_USER_RX_WAIT) != 0 && !w.started && !rx->block) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		/* a timeout, an error, a signal: the read below sees to them as before */
		(void)poll(&p, 1, w.timeout_ms);
	}
	while (rx->tail - rx->head < hs) {
		if ((flags & VFIO_USER_RX_NO_READ) != 0)
			return -EAGAIN;
		ret = vfio_user_rx_fill(rx, fd, rx->exact ? hs - (rx->tail - rx->head) :
				VFIO_USER_RX_BUF, &w);
		if (ret < 0)
			return ret;
	}
	memcpy(&m->hdr, rx->buf + rx->head, hs);
	/* Nothing beyond the header is taken before msg_size is known to be sane. */
	ret = vfio_user_size_check(m->hdr.msg_size, max_size);
	if (ret < 0)
		return ret;
	m->len = m->hdr.msg_size - hs;
	if (!rx->exact && m->hdr.msg_size <= VFIO_USER_RX_BUF) {
		while (rx->tail - rx->head < m->hdr.msg_size) {
			if ((flags & VFIO_USER_RX_NO_READ) != 0) {
				vfio_user_msg_init(m);
				return -EAGAIN;
			}
			ret = vfio_user_rx_fill(rx, fd, VFIO_USER_RX_BUF, &w);
			if (ret < 0)
				goto fail;
		}
		ret = vfio_user_rx_payload(rx, m, flags);
		if (ret < 0)
			goto fail;
		if (m->len > 0)
			memcpy(m->data, rx->buf + rx->head + hs, m->len);
		rx->head += m->hdr.msg_size;
		vfio_user_rx_give_fds(rx, m, rx->seen - (rx->tail - rx->head));
		if (rx->head == rx->tail) {
			rx->head = 0;
			rx->tail = 0;
		}
		return 0;
	}
	if ((flags & VFIO_USER_RX_NO_READ) != 0) {
		vfio_user_msg_init(m);
		return -EAGAIN;
	}
	/* Larger than the buffer, or exact framing: the payload is read in place. */
	ret = vfio_user_rx_payload(rx, m, flags);
	if (ret < 0)
		goto fail;
	have = rx->tail - rx->head - hs;
	if (have > 0)
		memcpy(m->data, rx->buf + rx->head + hs, have);
	rx->head = 0;
	rx->tail = 0;
	/* All the buffer held was this message's, and so are its fds. */
	vfio_user_rx_give_fds(rx, m, UINT64_MAX);
	for (got = have; got < m->len; got += (size_t)n) {
		n = vfio_user_rx_read(rx, fd, m->data + got, m->len - got, m, &w);
		if (n < 0) {
			ret = (int)n;
			goto fail;
		}
	}
	return 0;
fail:
	vfio_user_msg_release(m);
	return ret;
}

int
vfio_user_msg_recv(int fd, struct vfio_user_msg *m, size_t max_size, int timeout_ms,
		bool wait_first)
{
	struct vfio_user_rx rx;
	int ret;

	vfio_user_rx_init(&rx, true, false);
	ret = vfio_user_rx_recv(&rx, fd, m, max_size, timeout_ms,
			VFIO_USER_RX_OWN | (wait_first ? VFIO_USER_RX_WAIT : 0));
	vfio_user_rx_reset(&rx);
	return ret;
}

int
vfio_user_msg_send(int fd, const struct vfio_user_hdr *hdr, const struct iovec *iov,
		unsigned int iovcnt, const int *fds, unsigned int nfds, int timeout_ms)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * VFIO_USER_MAX_MSG_FDS)];
	} ctl;
	struct iovec v[1 + VFIO_USER_MSG_MAX_IOV];
	struct vfio_user_hdr h = *hdr;
	uint64_t deadline = vfio_user_now_ms() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms);
	unsigned int i, first = 0, cnt = iovcnt + 1;
	size_t total = sizeof(h);
	bool fds_sent = false;
	ssize_t n;
	int ret;

	if (iovcnt > VFIO_USER_MSG_MAX_IOV || nfds > VFIO_USER_MAX_MSG_FDS)
		return -EINVAL;
	for (i = 0; i < iovcnt; i++) {
		v[i + 1] = iov[i];
		total += iov[i].iov_len;
	}
	if (total > UINT32_MAX)
		return -EMSGSIZE;
	h.msg_size = (uint32_t)total;
	v[0].iov_base = &h;
	v[0].iov_len = sizeof(h);

	while (first < cnt) {
		struct msghdr mh = { .msg_iov = &v[first], .msg_iovlen = cnt - first };

		if (nfds > 0 && !fds_sent) {
			struct cmsghdr *c;

			memset(&ctl, 0, sizeof(ctl));
			mh.msg_control = ctl.buf;
			mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
			c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
			memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
		}
		n = sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -errno;
			ret = vfio_user_msg_wait(fd, POLLOUT, deadline);
			if (ret < 0)
				return ret;
			continue;
		}
		fds_sent = true;
		while (first < cnt && (size_t)n >= v[first].iov_len) {
			n -= (ssize_t)v[first].iov_len;
			first++;
		}
		if (first < cnt) {
			v[first].iov_base = (uint8_t *)v[first].iov_base + n;
			v[first].iov_len -= (size_t)n;
		}
	}
	return 0;
}

int
vfio_user_msg_reply(int fd, const struct vfio_user_hdr *req, uint32_t err,
		const struct iovec *iov, unsigned int iovcnt, const int *fds, unsigned int nfds,
		int timeout_ms)
{
	struct vfio_user_hdr h = {
		.msg_id = req->msg_id,
		.cmd = req->cmd,
		.flags = VFIO_USER_F_TYPE_REPLY,
	};

	/* Spec "Header": an error reply carries the header only. */
	if (err != 0) {
		h.flags |= VFIO_USER_F_ERROR;
		h.error_no = err;
		return vfio_user_msg_send(fd, &h, NULL, 0, NULL, 0, timeout_ms);
	}
	return vfio_user_msg_send(fd, &h, iov, iovcnt, fds, nfds, timeout_ms);
}
