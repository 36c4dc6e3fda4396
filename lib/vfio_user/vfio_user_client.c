/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "vfio_user_client.h"
#include "vfio_user_log.h"
#include "vfio_user_msg.h"

#define VFIO_USER_CLI_TIMEOUT_MS	5000
#define VFIO_USER_CLI_REGION_ARGSZ_MAX	(64u * 1024u)
#define VFIO_USER_CLI_CAP_HOPS		16

/* A window mapped without a fd: the server may reach it with DMA_READ/WRITE. */
struct vfio_user_cli_win {
	uint64_t iova;
	uint64_t len;
	uint32_t prot;
};

struct vfio_user_client {
	int fd;
	bool broken;
	int timeout_ms;
	uint64_t busy_poll_ns;		/* opts.busy_poll_us */
	uint32_t max_xfer;		/* ours, for DMA requests */
	vfio_user_client_dma_fn dma_access;
	void *dma_ctx;
	struct vfio_user_caps server;
	uint16_t next_id;
	struct vfio_user_cli_win *wins;
	unsigned int nwins;
	unsigned int cap_wins;
	struct vfio_user_rx rx;
};

int
vfio_user_client_fd(const struct vfio_user_client *c)
{
	return c->fd;
}

const struct vfio_user_caps *
vfio_user_client_server_caps(const struct vfio_user_client *c)
{
	return &c->server;
}

static const struct vfio_user_cli_win *
vfio_user_cli_win_find(const struct vfio_user_client *c, uint64_t iova, uint64_t len)
{
	unsigned int i;
	uint64_t last;

	if (len == 0 || __builtin_add_overflow(iova, len - 1, &last))
		return NULL;
	for (i = 0; i < c->nwins; i++)
		if (iova >= c->wins[i].iova && last <= c->wins[i].iova + (c->wins[i].len - 1))
			return &c->wins[i];
	return NULL;
}

/* Spec "VFIO_USER_DMA_READ/WRITE": the server reaches a window mapped without fd. */
static int
vfio_user_cli_dma_request(struct vfio_user_client *c, struct vfio_user_msg *m,
		struct vfio_user_dma_access *ans, uint8_t **data)
{
	const struct vfio_user_dma_access *req = (const struct vfio_user_dma_access *)m->data;
	bool is_write = m->hdr.cmd == VFIO_USER_DMA_WRITE;
	const struct vfio_user_cli_win *w;
	int ret;

	if (m->hdr.cmd != VFIO_USER_DMA_READ && m->hdr.cmd != VFIO_USER_DMA_WRITE)
		return -ENOSYS;
	if ((m->hdr.flags & (VFIO_USER_F_ERROR | ~VFIO_USER_F_KNOWN)) != 0 || m->nfds != 0 ||
	    m->len < sizeof(*req))
		return -EINVAL;
	if (req->count == 0 || req->count > c->max_xfer)
		return -EINVAL;
	if (is_write ? m->len != sizeof(*req) + req->count : m->len != sizeof(*req))
		return -EINVAL;
	w = vfio_user_cli_win_find(c, req->addr, req->count);
	if (w == NULL)
		return -EFAULT;
	if ((w->prot & (is_write ? VFIO_USER_DMA_WRITE_FLAG : VFIO_USER_DMA_READ_FLAG)) == 0)
		return -EACCES;
	if (c->dma_access == NULL)
		return -ENOTSUP;
	*ans = *req;
	if (is_write) {
		ret = c->dma_access(c->dma_ctx, req->addr, m->data + sizeof(*req), req->count,
				true);
		return ret > 0 ? -EIO : ret;
	}
	*data = malloc(req->count);
	if (*data == NULL)
		return -ENOMEM;
	ret = c->dma_access(c->dma_ctx, req->addr, *data, req->count, false);
	return ret > 0 ? -EIO : ret;
}

static int
vfio_user_cli_serve(struct vfio_user_client *c, struct vfio_user_msg *m)
{
	struct vfio_user_dma_access ans;
	struct iovec iov[2];
	uint8_t *data = NULL;
	int ret;

	ret = vfio_user_cli_dma_request(c, m, &ans, &data);
	if (ret < 0)
		VFIO_USER_LOG(WARNING, "vfio-user client: server's %s refused: %s",
			vfio_user_cmd_name(m->hdr.cmd), strerror(-ret));
	iov[0].iov_base = &ans;
	iov[0].iov_len = sizeof(ans);
	iov[1].iov_base = data;
	iov[1].iov_len = data != NULL ? ans.count : 0;
	if ((m->hdr.flags & VFIO_USER_F_NO_REPLY) == 0)
		ret = vfio_user_msg_reply(c->fd, &m->hdr, ret < 0 ? (uint32_t)-ret : 0, iov, 2,
				NULL, 0, c->timeout_ms);
	else
		ret = 0;
	free(data);
	return ret;
}

static int
vfio_user_cli_fail(struct vfio_user_client *c, uint16_t cmd, int ret, const char *what)
{
	VFIO_USER_LOG(ERR, "vfio-user client: %s %s: %s; connection closed",
		vfio_user_cmd_name(cmd), what, strerror(-ret));
	c->broken = true;
	return ret;
}

/*
 * The next message from the server: with busy polling, looked for without
 * sleeping until the window closes, then waited for as usual.
 */
static int
vfio_user_cli_next(struct vfio_user_client *c, struct vfio_user_msg *m)
{
	uint64_t end;
	int ret;

	if (c->busy_poll_ns != 0) {
		end = vfio_user_now_ns() + c->busy_poll_ns;
		do {
			ret = vfio_user_rx_recv(&c->rx, c->fd, m, VFIO_USER_MSG_MAX,
					c->timeout_ms, 0);
		} while (ret == -EAGAIN && vfio_user_now_ns() < end);
		if (ret != -EAGAIN)
			return ret;
	}
	return vfio_user_rx_recv(&c->rx, c->fd, m, VFIO_USER_MSG_MAX, c->timeout_ms,
			VFIO_USER_RX_WAIT);
}

/* Send one command and wait for its reply, serving server requests meanwhile. */
static int
vfio_user_cli_call(struct vfio_user_client *c, uint16_t cmd, const struct iovec *iov,
		unsigned int iovcnt, const int *fds, unsigned int nfds, struct vfio_user_msg *reply)
{
	struct vfio_user_hdr h = { .cmd = cmd, .flags = VFIO_USER_F_TYPE_COMMAND };
	struct vfio_user_msg m;
	int ret;

	vfio_user_msg_init(reply);
	if (c->broken)
		return -ENOTCONN;
	h.msg_id = c->next_id++;
	ret = vfio_user_msg_send(c->fd, &h, iov, iovcnt, fds, nfds, c->timeout_ms);
	if (ret < 0)
		return vfio_user_cli_fail(c, cmd, ret, "not sent");
	for (;;) {
		ret = vfio_user_cli_next(c, &m);
		if (ret < 0)
			return vfio_user_cli_fail(c, cmd, ret, "got no reply");
		if (vfio_user_hdr_check(&m.hdr, VFIO_USER_MSG_MAX) < 0) {
			vfio_user_msg_release(&m);
			return vfio_user_cli_fail(c, cmd, -EPROTO, "got a malformed message");
		}
		if ((m.hdr.flags & VFIO_USER_F_TYPE_MASK) == VFIO_USER_F_TYPE_COMMAND) {
			ret = vfio_user_cli_serve(c, &m);
			vfio_user_msg_release(&m);
			if (ret < 0)
				return vfio_user_cli_fail(c, cmd, ret,
						"waiting, a DMA reply failed");
			continue;
		}
		if (m.hdr.msg_id != h.msg_id || m.hdr.cmd != cmd) {
			vfio_user_msg_release(&m);
			return vfio_user_cli_fail(c, cmd, -EPROTO, "got a reply to something else");
		}
		if ((m.hdr.flags & VFIO_USER_F_ERROR) != 0) {
			ret = m.hdr.error_no != 0 && m.hdr.error_no < 4096 ?
				-(int)m.hdr.error_no : -EIO;
			VFIO_USER_LOG(ERR, "vfio-user client: server answered %s with error %u: %s",
				vfio_user_cmd_name(cmd), m.hdr.error_no, strerror(-ret));
			vfio_user_msg_release(&m);
			return ret;
		}
		*reply = m;
		return 0;
	}
}

int
vfio_user_client_poll(struct vfio_user_client *c)
{
	struct vfio_user_msg m;
	int ret;

	while (!c->broken) {
		ret = vfio_user_rx_recv(&c->rx, c->fd, &m, VFIO_USER_MSG_MAX, c->timeout_ms, 0);
		if (ret == -EAGAIN)
			return 0;
		if (ret < 0)
			return vfio_user_cli_fail(c, 0, ret, "poll");
		if (vfio_user_hdr_check(&m.hdr, VFIO_USER_MSG_MAX) < 0 ||
		    (m.hdr.flags & VFIO_USER_F_TYPE_MASK) != VFIO_USER_F_TYPE_COMMAND) {
			vfio_user_msg_release(&m);
			return vfio_user_cli_fail(c, 0, -EPROTO, "unexpected message");
		}
		ret = vfio_user_cli_serve(c, &m);
		vfio_user_msg_release(&m);
		if (ret < 0)
			return vfio_user_cli_fail(c, 0, ret, "DMA reply");
	}
	return -ENOTCONN;
}

/* Spec "VFIO_USER_VERSION": propose 0.1 with our capabilities, take the server's. */
static int
vfio_user_cli_negotiate(struct vfio_user_client *c, const struct vfio_user_client_opts *o)
{
	struct vfio_user_version v = { VFIO_USER_MAJOR, VFIO_USER_MINOR };
	const struct vfio_user_version *rv;
	struct vfio_user_caps ours;
	struct vfio_user_msg reply;
	struct iovec iov[2];
	char json[512];
	int ret, n = 0;

	vfio_user_caps_default(&ours);
	ours.max_msg_fds = VFIO_USER_MAX_MSG_FDS;
	ours.max_data_xfer_size = c->max_xfer;
	if (o->vf_token != NULL) {
		memcpy(ours.vf_token, o->vf_token, VFIO_USER_TOKEN_LEN + 1);
		ours.has_token = true;
	}
	if (!o->no_caps) {
		n = vfio_user_caps_format(&ours, json, sizeof(json));
		if (n < 0)
			return n;
	}
	iov[0].iov_base = &v;
	iov[0].iov_len = sizeof(v);
	iov[1].iov_base = json;
	iov[1].iov_len = (size_t)n;
	ret = vfio_user_cli_call(c, VFIO_USER_VERSION, iov, 2, NULL, 0, &reply);
	if (ret < 0)
		return ret;
	ret = -EPROTO;
	rv = (const struct vfio_user_version *)reply.data;
	if (reply.len < sizeof(*rv) || rv->major != VFIO_USER_MAJOR ||
	    rv->minor > VFIO_USER_MINOR) {
		VFIO_USER_LOG(ERR, "vfio-user client: server answered VERSION with an "
			"incompatible version");
		goto out;
	}
	vfio_user_caps_default(&c->server);
	if (reply.len > sizeof(*rv) &&
	    vfio_user_caps_parse((const char *)reply.data + sizeof(*rv), reply.len - sizeof(*rv),
			&c->server) < 0) {
		VFIO_USER_LOG(ERR, "vfio-user client: server's VERSION capabilities malformed");
		goto out;
	}
	ret = 0;
out:
	vfio_user_msg_release(&reply);
	return ret;
}

/*
 * A reply is waited for in recvmsg() itself, one system call instead of a
 * poll() and a read, when the socket blocks and its receive timeout is ours.
 */
static bool
vfio_user_cli_may_block(int fd, int timeout_ms)
{
	struct timeval tv = {
		.tv_sec = timeout_ms / 1000,
		.tv_usec = (timeout_ms % 1000) * 1000,
	};
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || (fl & O_NONBLOCK) != 0)
		return false;
	return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0;
}

static int
vfio_user_cli_opts_check(const struct vfio_user_client_opts *o)
{
	if (o == NULL || o->vf_token == NULL)
		return 0;
	/* The token travels in the JSON, as a UUID in text form. */
	if (o->no_caps || strlen(o->vf_token) != VFIO_USER_TOKEN_LEN ||
	    !vfio_user_token_valid(o->vf_token)) {
		VFIO_USER_LOG(ERR, "vfio-user client: VF token is not a UUID or cannot be sent");
		return -EINVAL;
	}
	return 0;
}

int
vfio_user_client_attach(int fd, const struct vfio_user_client_opts *opts,
		struct vfio_user_client **out)
{
	static const struct vfio_user_client_opts none;
	const struct vfio_user_client_opts *o = opts != NULL ? opts : &none;
	struct vfio_user_client *c;
	int ret;

	*out = NULL;
	ret = vfio_user_cli_opts_check(opts);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		close(fd);
		return -ENOMEM;
	}
	c->fd = fd;
	c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : VFIO_USER_CLI_TIMEOUT_MS;
	c->busy_poll_ns = (uint64_t)o->busy_poll_us * 1000u;
	c->max_xfer = o->max_data_xfer_size != 0 && o->max_data_xfer_size < VFIO_USER_MAX_XFER ?
		o->max_data_xfer_size : VFIO_USER_MAX_XFER;
	c->dma_access = o->dma_access;
	c->dma_ctx = o->dma_ctx;
	vfio_user_rx_init(&c->rx, false, vfio_user_cli_may_block(fd, c->timeout_ms));
	vfio_user_caps_default(&c->server);
	ret = vfio_user_cli_negotiate(c, o);
	if (ret < 0) {
		vfio_user_client_close(c);
		return ret;
	}
	*out = c;
	return 0;
}

int
vfio_user_client_connect(const char *path, const struct vfio_user_client_opts *opts,
		struct vfio_user_client **out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, ret;

	*out = NULL;
	ret = vfio_user_cli_opts_check(opts);
	if (ret < 0)
		return ret;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		VFIO_USER_LOG(ERR, "vfio-user client: connect to %s: %s", path, strerror(-ret));
		close(fd);
		return ret;
	}
	return vfio_user_client_attach(fd, opts, out);
}

void
vfio_user_client_close(struct vfio_user_client *c)
{
	if (c == NULL)
		return;
	if (c->fd >= 0)
		close(c->fd);
	vfio_user_rx_reset(&c->rx);
	free(c->wins);
	free(c);
}

int
vfio_user_client_device_info(struct vfio_user_client *c, struct vfio_user_device_info *info)
{
	struct vfio_user_device_info req = { .argsz = sizeof(req) };
	struct iovec iov = { &req, sizeof(req) };
	struct vfio_user_msg reply;
	int ret;

	ret = vfio_user_cli_call(c, VFIO_USER_DEVICE_GET_INFO, &iov, 1, NULL, 0, &reply);
	if (ret < 0)
		return ret;
	ret = -EPROTO;
	if (reply.len >= sizeof(*info)) {
		memcpy(info, reply.data, sizeof(*info));
		ret = 0;
	}
	vfio_user_msg_release(&reply);
	return ret;
}

/* Walk the capability chain (offsets from the start of the info, spec "VFIO cap header"). */
static int
vfio_user_cli_region_caps(const uint8_t *buf, size_t len, struct vfio_user_client_region *r)
{
	struct vfio_info_cap_header h;
	uint32_t off = r->info.cap_offset;
	unsigned int hops;

	for (hops = 0; off != 0; hops++) {
		if (hops == VFIO_USER_CLI_CAP_HOPS || off < sizeof(r->info) ||
		    (size_t)off + sizeof(h) > len)
			return -EPROTO;
		memcpy(&h, buf + off, sizeof(h));
		if (h.id == VFIO_REGION_INFO_CAP_SPARSE_MMAP) {
			const size_t fixed = sizeof(struct vfio_region_info_cap_sparse_mmap);
			const size_t area = sizeof(struct vfio_region_sparse_mmap_area);
			uint32_t nr;

			/* A peer's offsets need not be aligned: copy, never cast. */
			if ((size_t)off + fixed > len)
				return -EPROTO;
			memcpy(&nr, buf + off + offsetof(struct vfio_region_info_cap_sparse_mmap,
					nr_areas), sizeof(nr));
			if ((len - off - fixed) / area < nr)
				return -EPROTO;
			if (nr > VFIO_USER_MAX_SPARSE)
				return -ENOSPC;
			memcpy(r->sparse, buf + off + fixed, nr * area);
			r->nr_sparse = nr;
		}
		/* Forward only, so a loop in the chain cannot trap us. */
		if (h.next != 0 && h.next <= off)
			return -EPROTO;
		off = h.next;
	}
	return 0;
}

int
vfio_user_client_region_info(struct vfio_user_client *c, uint32_t index,
		struct vfio_user_client_region *r)
{
	struct vfio_region_info req = { .argsz = sizeof(req), .index = index };
	struct iovec iov = { &req, sizeof(req) };
	struct vfio_user_msg reply;
	unsigned int tries, i;
	int ret;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	/* Spec "Message sizes": a reply asking for a larger argsz is asked again. */
	for (tries = 0; tries < 2; tries++) {
		ret = vfio_user_cli_call(c, VFIO_USER_DEVICE_GET_REGION_INFO, &iov, 1, NULL, 0,
				&reply);
		if (ret < 0)
			return ret;
		ret = -EPROTO;
		if (reply.len < sizeof(r->info))
			goto out;
		memcpy(&r->info, reply.data, sizeof(r->info));
		if (r->info.index != index || r->info.argsz < sizeof(r->info))
			goto out;
		if (r->info.argsz <= req.argsz)
			break;
		if (r->info.argsz > VFIO_USER_CLI_REGION_ARGSZ_MAX)
			goto out;
		req.argsz = r->info.argsz;
		vfio_user_msg_release(&reply);
	}
	if (tries == 2)
		return -EPROTO;
	if ((r->info.flags & VFIO_REGION_INFO_FLAG_CAPS) != 0 && r->info.cap_offset != 0) {
		ret = vfio_user_cli_region_caps(reply.data,
				reply.len < r->info.argsz ? reply.len : r->info.argsz, r);
		if (ret < 0)
			goto out;
	}
	if ((r->info.flags & VFIO_REGION_INFO_FLAG_MMAP) != 0 && reply.nfds > 0) {
		r->fd = reply.fds[0];
		reply.fds[0] = -1;
	}
	ret = 0;
out:
	if (ret < 0)
		VFIO_USER_LOG(ERR, "vfio-user client: region %u info: bad reply", index);
	for (i = 0; i < reply.nfds; i++)
		if (reply.fds[i] >= 0)
			close(reply.fds[i]);
	reply.nfds = 0;
	vfio_user_msg_release(&reply);
	return ret;
}

int
vfio_user_client_irq_info(struct vfio_user_client *c, uint32_t index,
		struct vfio_irq_info *info)
{
	struct vfio_irq_info req = { .argsz = sizeof(req), .index = index };
	struct iovec iov = { &req, sizeof(req) };
	struct vfio_user_msg reply;
	int ret;

	ret = vfio_user_cli_call(c, VFIO_USER_DEVICE_GET_IRQ_INFO, &iov, 1, NULL, 0, &reply);
	if (ret < 0)
		return ret;
	ret = -EPROTO;
	if (reply.len >= sizeof(*info)) {
		memcpy(info, reply.data, sizeof(*info));
		ret = info->index == index ? 0 : -EPROTO;
	}
	vfio_user_msg_release(&reply);
	return ret;
}

static int
vfio_user_cli_irq_msg(struct vfio_user_client *c, uint32_t index, uint32_t flags,
		uint32_t start, uint32_t count, const void *data, size_t data_len, const int *fds,
		unsigned int nfds)
{
	struct vfio_irq_set s = {
		.argsz = (uint32_t)(sizeof(s) + data_len), .flags = flags, .index = index,
		.start = start, .count = count,
	};
	struct iovec iov[2] = { { &s, sizeof(s) }, { (void *)(uintptr_t)data, data_len } };
	struct vfio_user_msg reply;
	int ret;

	ret = vfio_user_cli_call(c, VFIO_USER_DEVICE_SET_IRQS, iov, 2, fds, nfds, &reply);
	vfio_user_msg_release(&reply);
	return ret;
}

int
vfio_user_client_set_irq_eventfds(struct vfio_user_client *c, uint32_t index, uint32_t start,
		uint32_t count, const int *fds)
{
	uint32_t flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	uint32_t max = c->server.max_msg_fds;
	uint32_t i = 0, j;
	int ret;

	if (max > VFIO_USER_MAX_MSG_FDS)
		max = VFIO_USER_MAX_MSG_FDS;
	if (count == 0 || fds == NULL)
		return -EINVAL;
	/* -1 cannot travel in SCM_RIGHTS: a run of them is a DATA_EVENTFD without fds. */
	while (i < count) {
		j = i + 1;
		if (fds[i] < 0) {
			while (j < count && fds[j] < 0)
				j++;
			ret = vfio_user_cli_irq_msg(c, index, flags, start + i, j - i, NULL, 0,
					NULL, 0);
		} else {
			if (max == 0)
				return -ENOTSUP;
			while (j < count && fds[j] >= 0 && j - i < max)
				j++;
			ret = vfio_user_cli_irq_msg(c, index, flags, start + i, j - i, NULL, 0,
					&fds[i], j - i);
		}
		if (ret < 0)
			return ret;
		i = j;
	}
	return 0;
}

int
vfio_user_client_set_irqs(struct vfio_user_client *c, uint32_t index, uint32_t action,
		uint32_t start, uint32_t count, const uint8_t *bools)
{
	uint32_t data = bools != NULL ? VFIO_IRQ_SET_DATA_BOOL : VFIO_IRQ_SET_DATA_NONE;

	if ((action & ~VFIO_IRQ_SET_ACTION_TYPE_MASK) != 0 || __builtin_popcount(action) != 1)
		return -EINVAL;
	return vfio_user_cli_irq_msg(c, index, data | action, start, count, bools,
			bools != NULL ? count : 0, NULL, 0);
}

static size_t
vfio_user_cli_chunk(const struct vfio_user_client *c)
{
	uint32_t max = c->server.max_data_xfer_size;

	return max < VFIO_USER_MAX_XFER ? max : VFIO_USER_MAX_XFER;
}

static int
vfio_user_cli_region_rw(struct vfio_user_client *c, uint32_t index, uint64_t offset,
		uint8_t *buf, size_t len, bool is_write)
{
	uint16_t cmd = is_write ? VFIO_USER_REGION_WRITE : VFIO_USER_REGION_READ;
	size_t chunk, max = vfio_user_cli_chunk(c);
	struct vfio_user_region_access a, ans;
	struct vfio_user_msg reply;
	struct iovec iov[2];
	int ret;

	if (len == 0)
		return -EINVAL;
	while (len > 0) {
		chunk = len < max ? len : max;
		a.offset = offset;
		a.region = index;
		a.count = (uint32_t)chunk;
		iov[0].iov_base = &a;
		iov[0].iov_len = sizeof(a);
		iov[1].iov_base = buf;
		iov[1].iov_len = is_write ? chunk : 0;
		ret = vfio_user_cli_call(c, cmd, iov, 2, NULL, 0, &reply);
		if (ret < 0)
			return ret;
		ret = -EPROTO;
		if (reply.len >= sizeof(ans)) {
			memcpy(&ans, reply.data, sizeof(ans));
			if (ans.offset == offset && ans.region == index && ans.count == chunk &&
			    reply.len == sizeof(ans) + (is_write ? 0 : chunk))
				ret = 0;
		}
		if (ret == 0 && !is_write)
			memcpy(buf, reply.data + sizeof(ans), chunk);
		vfio_user_msg_release(&reply);
		if (ret < 0)
			return vfio_user_cli_fail(c, cmd, ret, "got a reply that does not match");
		offset += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

int
vfio_user_client_region_read(struct vfio_user_client *c, uint32_t index, uint64_t offset,
		void *buf, size_t len)
{
	return vfio_user_cli_region_rw(c, index, offset, buf, len, false);
}

int
vfio_user_client_region_write(struct vfio_user_client *c, uint32_t index, uint64_t offset,
		const void *buf, size_t len)
{
	/* Only read on this path. */
	return vfio_user_cli_region_rw(c, index, offset, (uint8_t *)(uintptr_t)buf, len, true);
}

int
vfio_user_client_region_write_posted(struct vfio_user_client *c, uint32_t index,
		uint64_t offset, const void *buf, size_t len)
{
	struct vfio_user_hdr h = {
		.cmd = VFIO_USER_REGION_WRITE,
		.flags = VFIO_USER_F_TYPE_COMMAND | VFIO_USER_F_NO_REPLY,
	};
	struct vfio_user_region_access a = { .offset = offset, .region = index };
	struct iovec iov[2];
	int ret;

	if (len == 0)
		return -EINVAL;
	if (len > vfio_user_cli_chunk(c))
		return -EMSGSIZE;
	if (c->broken)
		return -ENOTCONN;
	a.count = (uint32_t)len;
	iov[0].iov_base = &a;
	iov[0].iov_len = sizeof(a);
	iov[1].iov_base = (void *)(uintptr_t)buf;	/* only read */
	iov[1].iov_len = len;
	h.msg_id = c->next_id++;
	ret = vfio_user_msg_send(c->fd, &h, iov, 2, NULL, 0, c->timeout_ms);
	if (ret < 0)
		return vfio_user_cli_fail(c, h.cmd, ret, "not sent");
	return 0;
}

int
vfio_user_client_dma_map(struct vfio_user_client *c, uint64_t iova, uint64_t len,
		uint32_t prot, int fd, uint64_t offset)
{
	struct vfio_user_dma_map d = {
		.argsz = sizeof(d), .flags = prot, .offset = fd >= 0 ? offset : 0,
		.addr = iova, .size = len,
	};
	struct iovec iov = { &d, sizeof(d) };
	struct vfio_user_msg reply;
	int ret;

	if (fd < 0 && c->nwins == c->cap_wins) {
		unsigned int cap = c->cap_wins == 0 ? 8 : c->cap_wins * 2;
		struct vfio_user_cli_win *w = realloc(c->wins, sizeof(*w) * cap);

		if (w == NULL)
			return -ENOMEM;
		c->wins = w;
		c->cap_wins = cap;
	}
	ret = vfio_user_cli_call(c, VFIO_USER_DMA_MAP, &iov, 1, fd >= 0 ? &fd : NULL,
			fd >= 0 ? 1 : 0, &reply);
	vfio_user_msg_release(&reply);
	if (ret < 0)
		return ret;
	if (fd < 0)
		c->wins[c->nwins++] = (struct vfio_user_cli_win){ iova, len, prot };
	return 0;
}

int
vfio_user_client_dma_unmap(struct vfio_user_client *c, uint64_t iova, uint64_t len)
{
	struct vfio_user_dma_unmap d = { .argsz = sizeof(d), .addr = iova, .size = len };
	struct iovec iov = { &d, sizeof(d) };
	struct vfio_user_msg reply;
	unsigned int i;
	int ret;

	ret = vfio_user_cli_call(c, VFIO_USER_DMA_UNMAP, &iov, 1, NULL, 0, &reply);
	vfio_user_msg_release(&reply);
	if (ret < 0)
		return ret;
	for (i = 0; i < c->nwins; i++) {
		if (c->wins[i].iova == iova && c->wins[i].len == len) {
			c->wins[i] = c->wins[--c->nwins];
			break;
		}
	}
	return 0;
}

int
vfio_user_client_reset(struct vfio_user_client *c)
{
	struct vfio_user_msg reply;
	int ret;

	ret = vfio_user_cli_call(c, VFIO_USER_DEVICE_RESET, NULL, 0, NULL, 0, &reply);
	vfio_user_msg_release(&reply);
	return ret;
}

int
vfio_user_client_device_feature(struct vfio_user_client *c, uint32_t flags, const void *data,
		size_t len, void *out, size_t out_cap, size_t *out_len)
{
	struct vfio_device_feature f = { .flags = flags };
	struct iovec iov[2] = { { &f, sizeof(f) }, { (void *)(uintptr_t)data, len } };
	bool get = (flags & VFIO_USER_FEATURE_OPS) == VFIO_DEVICE_FEATURE_GET;
	size_t room = get ? out_cap : len;
	const size_t hdr = sizeof(f);
	struct vfio_user_msg reply;
	int ret;

	if (out_len != NULL)
		*out_len = 0;
	if ((len != 0 && data == NULL) || (get && out_cap != 0 && out == NULL) ||
	    len > VFIO_USER_MAX_XFER || room > VFIO_USER_MAX_XFER)
		return -EINVAL;
	/* argsz: the largest reply we take; SET and PROBE get the request back. */
	f.argsz = (uint32_t)(sizeof(f) + room);
	ret = vfio_user_cli_call(c, VFIO_USER_DEVICE_FEATURE, iov, 2, NULL, 0, &reply);
	if (ret < 0)
		return ret;
	ret = -EPROTO;
	if (reply.len < hdr)
		goto out;
	if (get) {
		if (reply.len - hdr > out_cap)
			goto out;
		if (reply.len > hdr)
			memcpy(out, reply.data + hdr, reply.len - hdr);
		if (out_len != NULL)
			*out_len = reply.len - hdr;
	}
	ret = 0;
out:
	if (ret < 0)
		VFIO_USER_LOG(ERR, "vfio-user client: DEVICE_FEATURE 0x%x: bad reply", flags);
	vfio_user_msg_release(&reply);
	return ret;
}

int
vfio_user_client_set_vf_token(struct vfio_user_client *c, const uint8_t uuid[VFIO_USER_UUID_LEN])
{
	if (uuid == NULL)
		return -EINVAL;
	return vfio_user_client_device_feature(c, VFIO_DEVICE_FEATURE_SET |
			VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, uuid, VFIO_USER_UUID_LEN, NULL, 0, NULL);
}
