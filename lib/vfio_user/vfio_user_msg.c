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
vfio_user_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
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
	free(m->data);
	m->data = NULL;
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

static void
vfio_user_msg_take_fds(struct vfio_user_msg *m, struct msghdr *mh)
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
			if (m->nfds < VFIO_USER_MAX_MSG_FDS) {
				m->fds[m->nfds++] = fd;
			} else {
				close(fd);
				m->fds_dropped = true;
			}
		}
	}
	/* The kernel closed whatever did not fit in our control buffer. */
	if ((mh->msg_flags & MSG_CTRUNC) != 0)
		m->fds_dropped = true;
}

/*
 * Read exactly @p len bytes. *started is set once any byte of the message has
 * arrived; from then on the deadline applies, before it EAGAIN is returned
 * unless the caller waits for the first byte.
 */
static int
vfio_user_msg_read(int fd, struct vfio_user_msg *m, uint8_t *buf, size_t len,
		uint64_t *deadline, int timeout_ms, bool wait_first, bool *started)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * VFIO_USER_MAX_MSG_FDS)];
	} ctl;
	size_t got = 0;
	ssize_t n;
	int ret;

	while (got < len) {
		struct iovec iov = { .iov_base = buf + got, .iov_len = len - got };
		struct msghdr mh = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
		};

		n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n > 0) {
			if (!*started) {
				*started = true;
				if (!wait_first)
					*deadline = vfio_user_now_ms() + (uint64_t)timeout_ms;
			}
			vfio_user_msg_take_fds(m, &mh);
			got += (size_t)n;
			continue;
		}
		if (n == 0)
			return *started ? -EPIPE : -ECONNRESET;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		if (!*started && !wait_first)
			return -EAGAIN;
		ret = vfio_user_msg_wait(fd, POLLIN, *deadline);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int
vfio_user_msg_recv(int fd, struct vfio_user_msg *m, size_t max_size, int timeout_ms,
		bool wait_first)
{
	uint64_t deadline = vfio_user_now_ms() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms);
	bool started = false;
	int ret;

	vfio_user_msg_init(m);
	/*
	 * A caller that waits for a message (a reply to what it just sent) has
	 * nothing to read yet, most likely: wait first, saving a system call
	 * that would only say EAGAIN.
	 */
	if (wait_first) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		/* a timeout, an error, a signal: the read below sees to them as before */
		(void)poll(&p, 1, timeout_ms < 0 ? 0 : timeout_ms);
	}
	ret = vfio_user_msg_read(fd, m, (uint8_t *)&m->hdr, sizeof(m->hdr), &deadline,
			timeout_ms, wait_first, &started);
	if (ret < 0)
		goto fail;
	/* Nothing beyond the header is read before msg_size is known to be sane. */
	ret = vfio_user_size_check(m->hdr.msg_size, max_size);
	if (ret < 0)
		goto fail;
	m->len = m->hdr.msg_size - sizeof(m->hdr);
	if (m->len == 0)
		return 0;
	m->data = malloc(m->len);
	if (m->data == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = vfio_user_msg_read(fd, m, m->data, m->len, &deadline, timeout_ms, wait_first,
			&started);
	if (ret < 0)
		goto fail;
	return 0;
fail:
	vfio_user_msg_release(m);
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
