/* SPDX-License-Identifier: BSD-3-Clause */
#define _GNU_SOURCE		/* accept4 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vfio_user_caps.h"
#include "vfio_user_log.h"
#include "vfio_user_msg.h"
#include "vfio_user_server.h"

#define VFIO_USER_SRV_TIMEOUT_MS	5000
#define VFIO_USER_SRV_MAX_DMA_MAPS	4096u
#define VFIO_USER_SRV_BUSY_SLOTS	4
#define VFIO_USER_SRV_QUEUE		16	/* commands held while a DMA reply is awaited */
#define VFIO_USER_SRV_BATCH		32	/* messages handled per call, for fairness */
#define VFIO_USER_SRV_REPLY_IOV		3
#define VFIO_USER_SRV_REPLY_INLINE	256	/* a region read this small needs no allocation */

struct vfio_user_srv_irq {
	int *fds;	/* trigger eventfds, -1 when unassigned */
	uint32_t count;
};

/* A connection refused because another client is served: answered EBUSY. */
struct vfio_user_srv_busy {
	int fd;
	uint64_t deadline;
};

struct vfio_user_server {
	struct vfio_user_server_cfg cfg;
	char *path;
	const struct vfio_user_server_ops *ops;
	void *ctx;
	int listen_fd;
	int ep_fd;			/* epoll of listen_fd, conn_fd, busy[].fd */

	int conn_fd;
	unsigned long conn_seq;		/* client number, for log lines */
	uint64_t accept_ms;
	bool negotiated;
	bool posted;			/* serving a message that wants no reply */
	bool drop;			/* drop the client once the current reply is out */
	struct vfio_user_caps peer;
	struct vfio_user_device_info dev;
	struct vfio_user_dma *dma;
	struct vfio_user_srv_irq irqs[VFIO_USER_MAX_IRQ_TYPES];
	uint16_t next_id;

	struct vfio_user_rx rx;		/* the client's messages, read ahead */
	unsigned int served;		/* messages since we last looked for connections */

	struct vfio_user_msg queue[VFIO_USER_SRV_QUEUE];
	unsigned int q_head;
	unsigned int q_len;

	struct vfio_user_srv_busy busy[VFIO_USER_SRV_BUSY_SLOTS];
	uint64_t refused;		/* connections turned away while one was served */
};

/* What a request handler hands back for the one reply. */
struct vfio_user_srv_reply {
	struct iovec iov[VFIO_USER_SRV_REPLY_IOV];
	unsigned int iovcnt;
	int fd;			/* borrowed, -1 for none */
	void *heap;		/* freed after sending */
	uint64_t small[VFIO_USER_SRV_REPLY_INLINE / sizeof(uint64_t)];
	union {
		struct vfio_user_version version;
		struct vfio_user_device_info dev;
		struct vfio_irq_info irq;
		struct vfio_user_dma_unmap unmap;
		struct vfio_user_region_access access;
	} u;
};

#define SRV_LOG(srv, lvl, fmt, ...)					\
	VFIO_USER_LOG(lvl, "vfio-user server %s: client %lu: " fmt,		\
		(srv)->path != NULL ? (srv)->path : "(fd)", (srv)->conn_seq, ##__VA_ARGS__)

static void
vfio_user_srv_reply_add(struct vfio_user_srv_reply *rep, void *p, size_t len)
{
	rep->iov[rep->iovcnt].iov_base = p;
	rep->iov[rep->iovcnt].iov_len = len;
	rep->iovcnt++;
}

static int
vfio_user_srv_errno(int ret)
{
	/* Device callbacks return 0 or -errno; anything else is a device bug. */
	if (ret > 0)
		return -EIO;
	return ret;
}

/*
 * vfio_user_server_fd() is an epoll descriptor holding every descriptor the
 * server waits on, so that an owner with hundreds of servers waits on one
 * descriptor per server, registered once. Each descriptor leaves the set
 * before it is closed: a number reused by a new socket must not inherit the
 * old registration, nor lose the new one.
 */
static int
vfio_user_srv_watch(struct vfio_user_server *srv, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	if (epoll_ctl(srv->ep_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	return 0;
}

static void
vfio_user_srv_unwatch_close(struct vfio_user_server *srv, int fd)
{
	(void)epoll_ctl(srv->ep_fd, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
}

/* ---- client life cycle ---- */

static void
vfio_user_srv_irqs_free(struct vfio_user_server *srv)
{
	unsigned int i, v;

	for (i = 0; i < VFIO_USER_MAX_IRQ_TYPES; i++) {
		struct vfio_user_srv_irq *irq = &srv->irqs[i];

		for (v = 0; v < irq->count; v++)
			if (irq->fds[v] >= 0)
				close(irq->fds[v]);
		free(irq->fds);
		irq->fds = NULL;
		irq->count = 0;
	}
}

static void
vfio_user_srv_dma_drop_all(struct vfio_user_server *srv)
{
	const struct vfio_user_dma_region *r;
	unsigned int i;

	if (srv->ops->dma_unmap != NULL)
		for (i = 0; (r = vfio_user_dma_get(srv->dma, i)) != NULL; i++)
			srv->ops->dma_unmap(srv->ctx, r);
	vfio_user_dma_clear(srv->dma);
}

/*
 * Spec "Client Disconnection": unmap all client memory and close every fd the
 * client passed. We also treat it as a reset of the function (our device
 * model's choice), through disconnect() or reset().
 */
void
vfio_user_server_disconnect(struct vfio_user_server *srv)
{
	bool negotiated = srv->negotiated;

	if (srv->conn_fd < 0)
		return;
	/* No DMA messages from the callbacks below: the client is leaving. */
	srv->drop = true;
	vfio_user_srv_dma_drop_all(srv);
	vfio_user_srv_irqs_free(srv);
	while (srv->q_len > 0) {
		vfio_user_msg_release(&srv->queue[srv->q_head]);
		srv->q_head = (srv->q_head + 1) % VFIO_USER_SRV_QUEUE;
		srv->q_len--;
	}
	srv->q_head = 0;
	vfio_user_rx_reset(&srv->rx);
	vfio_user_srv_unwatch_close(srv, srv->conn_fd);
	srv->conn_fd = -1;
	srv->negotiated = false;
	srv->drop = false;
	if (negotiated) {
		if (srv->ops->disconnect != NULL)
			srv->ops->disconnect(srv->ctx);
		else if (srv->ops->reset != NULL)
			srv->ops->reset(srv->ctx);
	}
	SRV_LOG(srv, INFO, "disconnected, function reset");
}

static void
vfio_user_srv_start(struct vfio_user_server *srv, int fd)
{
	srv->conn_fd = fd;
	srv->conn_seq++;
	srv->accept_ms = vfio_user_now_ms();
	srv->negotiated = false;
	srv->drop = false;
	/* Not blocking reads: the owner's loop must never sleep in recvmsg(). */
	vfio_user_rx_init(&srv->rx, false, false);
	vfio_user_caps_default(&srv->peer);
	SRV_LOG(srv, INFO, "connected");
}

int
vfio_user_server_attach(struct vfio_user_server *srv, int fd)
{
	int ret;

	if (fd < 0)
		return -EINVAL;
	if (srv->conn_fd >= 0)
		return -EBUSY;
	ret = vfio_user_srv_watch(srv, fd);
	if (ret < 0)
		return ret;
	vfio_user_srv_start(srv, fd);
	return 0;
}

bool
vfio_user_server_connected(const struct vfio_user_server *srv)
{
	return srv->conn_fd >= 0;
}

bool
vfio_user_server_posted(const struct vfio_user_server *srv)
{
	return srv->posted;
}

bool
vfio_user_server_has_timers(const struct vfio_user_server *srv)
{
	unsigned int i;

	/* A message begun stays in the buffer until its rest comes or time is up. */
	if ((srv->conn_fd >= 0 && !srv->negotiated) || srv->q_len > 0 ||
	    vfio_user_rx_pending(&srv->rx))
		return true;
	for (i = 0; i < VFIO_USER_SRV_BUSY_SLOTS; i++)
		if (srv->busy[i].fd >= 0)
			return true;
	return false;
}

uint64_t
vfio_user_server_refused(const struct vfio_user_server *srv)
{
	return srv->refused;
}

const struct vfio_user_dma *
vfio_user_server_dma(const struct vfio_user_server *srv)
{
	return srv->dma;
}

/* ---- request handlers: return 0 or -errno, fill @rep on success ---- */

static int
vfio_user_srv_version(struct vfio_user_server *srv, struct vfio_user_msg *m,
		struct vfio_user_srv_reply *rep)
{
	struct vfio_user_version *v = (struct vfio_user_version *)m->data;
	struct vfio_user_caps ours;
	char *json;
	int ret;

	if (srv->negotiated) {
		SRV_LOG(srv, WARNING, "second VERSION refused");
		return -EINVAL;
	}
	/* Whatever happens next, a failed negotiation ends the connection. */
	srv->drop = true;
	if (v->major != VFIO_USER_MAJOR) {
		SRV_LOG(srv, ERR, "protocol %u.%u refused, we speak %u.%u", v->major, v->minor,
			VFIO_USER_MAJOR, VFIO_USER_MINOR);
		return -ENOTSUP;
	}
	ret = 0;
	if (m->len > sizeof(*v))
		ret = vfio_user_caps_parse((const char *)m->data + sizeof(*v),
				m->len - sizeof(*v), &srv->peer);
	if (ret < 0) {
		SRV_LOG(srv, ERR, "malformed VERSION capabilities refused");
		return -EINVAL;
	}
	if (srv->ops->check_token != NULL) {
		ret = vfio_user_srv_errno(srv->ops->check_token(srv->ctx,
				srv->peer.has_token ? srv->peer.vf_token : NULL));
		if (ret < 0) {
			SRV_LOG(srv, ERR, "VF token %s refused: %s",
				srv->peer.has_token ? "given" : "missing", strerror(-ret));
			return ret;
		}
	}
	memset(&srv->dev, 0, sizeof(srv->dev));
	ret = vfio_user_srv_errno(srv->ops->device_info(srv->ctx, &srv->dev));
	if (ret < 0)
		return ret;
	if (srv->dev.num_irqs > VFIO_USER_MAX_IRQ_TYPES)
		srv->dev.num_irqs = VFIO_USER_MAX_IRQ_TYPES;

	rep->u.version.major = VFIO_USER_MAJOR;
	rep->u.version.minor = v->minor < VFIO_USER_MINOR ? v->minor : VFIO_USER_MINOR;
	vfio_user_srv_reply_add(rep, &rep->u.version, sizeof(rep->u.version));
	if (!srv->cfg.no_caps) {
		vfio_user_caps_default(&ours);
		ours.max_msg_fds = srv->cfg.max_msg_fds;
		ours.max_data_xfer_size = srv->cfg.max_data_xfer_size;
		ours.max_dma_maps = srv->cfg.max_dma_maps;
		json = malloc(512);
		if (json == NULL)
			return -ENOMEM;
		rep->heap = json;
		ret = vfio_user_caps_format(&ours, json, 512);
		if (ret < 0)
			return ret;
		vfio_user_srv_reply_add(rep, json, (size_t)ret);
	}
	srv->negotiated = true;
	srv->drop = false;
	SRV_LOG(srv, INFO, "negotiated %u.%u%s", VFIO_USER_MAJOR, rep->u.version.minor,
		srv->peer.has_token ? " with VF token" : "");
	return 0;
}

static int
vfio_user_srv_dma_map(struct vfio_user_server *srv, struct vfio_user_msg *m)
{
	const struct vfio_user_dma_map *d = (const struct vfio_user_dma_map *)m->data;
	const struct vfio_user_dma_region *r;
	int fd = m->nfds > 0 ? m->fds[0] : -1;
	int ret;

	if (d->argsz < sizeof(*d))
		return -EINVAL;
	if ((d->flags & ~(VFIO_USER_DMA_READ_FLAG | VFIO_USER_DMA_WRITE_FLAG)) != 0)
		return -EINVAL;
	/* A proxy keeps the client's memory out of its own address space. */
	if (srv->cfg.no_dma_access && fd >= 0)
		ret = vfio_user_dma_fd_check(fd, d->offset, d->size);
	else
		ret = 0;
	if (ret == 0)
		ret = vfio_user_dma_add(srv->dma, d->addr, d->size,
				srv->cfg.no_dma_access ? -1 : fd, d->offset, d->flags);
	if (ret < 0) {
		SRV_LOG(srv, WARNING, "DMA_MAP iova 0x%llx size 0x%llx refused: %s",
			(unsigned long long)d->addr, (unsigned long long)d->size, strerror(-ret));
		return ret;
	}
	if (srv->ops->dma_map != NULL) {
		r = vfio_user_dma_find(srv->dma, d->addr, d->size);
		ret = vfio_user_srv_errno(srv->ops->dma_map(srv->ctx, r, fd));
		if (ret < 0) {
			vfio_user_dma_remove(srv->dma, d->addr, d->size);
			return ret;
		}
	}
	return 0;
}

static int
vfio_user_srv_dma_unmap(struct vfio_user_server *srv, struct vfio_user_msg *m,
		struct vfio_user_srv_reply *rep)
{
	const struct vfio_user_dma_unmap *d = (const struct vfio_user_dma_unmap *)m->data;
	const struct vfio_user_dma_region *r;

	/* argsz: the largest reply accepted, and the reply echoes the request. */
	if (d->argsz < sizeof(*d))
		return -EINVAL;
	if (d->flags == VFIO_DMA_UNMAP_FLAG_ALL) {
		if (d->addr != 0 || d->size != 0)
			return -EINVAL;
		vfio_user_srv_dma_drop_all(srv);
	} else if (d->flags != 0) {
		return -EINVAL;
	} else {
		/* Spec: address and size must match a previous mapping exactly. */
		r = vfio_user_dma_find(srv->dma, d->addr, d->size);
		if (r == NULL || r->iova != d->addr || r->len != d->size)
			return -ENOENT;
		/* The device lets go of the window before we reply. */
		if (srv->ops->dma_unmap != NULL)
			srv->ops->dma_unmap(srv->ctx, r);
		vfio_user_dma_remove(srv->dma, d->addr, d->size);
	}
	rep->u.unmap = *d;
	rep->u.unmap.argsz = sizeof(*d);
	vfio_user_srv_reply_add(rep, &rep->u.unmap, sizeof(rep->u.unmap));
	return 0;
}

static int
vfio_user_srv_device_info(struct vfio_user_server *srv, struct vfio_user_msg *m,
		struct vfio_user_srv_reply *rep)
{
	const struct vfio_user_device_info *in = (const struct vfio_user_device_info *)m->data;
	int ret;

	if (in->argsz < sizeof(*in))
		return -EINVAL;
	memset(&rep->u.dev, 0, sizeof(rep->u.dev));
	ret = vfio_user_srv_errno(srv->ops->device_info(srv->ctx, &rep->u.dev));
	if (ret < 0)
		return ret;
	rep->u.dev.argsz = sizeof(rep->u.dev);
	vfio_user_srv_reply_add(rep, &rep->u.dev, sizeof(rep->u.dev));
	return 0;
}

static int
vfio_user_srv_get_region(struct vfio_user_server *srv, uint32_t index,
		struct vfio_user_region_desc *desc)
{
	int ret;

	if (index >= srv->dev.num_regions)
		return -EINVAL;
	memset(desc, 0, sizeof(*desc));
	desc->fd = -1;
	ret = vfio_user_srv_errno(srv->ops->region_info(srv->ctx, index, desc));
	if (ret < 0)
		return ret;
	/* Do not trust the device model either: keep the reply self-consistent. */
	desc->flags &= VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
		VFIO_REGION_INFO_FLAG_MMAP;
	if (desc->fd < 0)
		desc->flags &= ~VFIO_REGION_INFO_FLAG_MMAP;
	if ((desc->flags & VFIO_REGION_INFO_FLAG_MMAP) == 0 ||
	    desc->nr_sparse > VFIO_USER_MAX_SPARSE)
		desc->nr_sparse = 0;
	return 0;
}

/*
 * Spec "VFIO_USER_DEVICE_GET_REGION_INFO": the reply's argsz is the size of
 * the whole answer (info + capabilities); when the client's argsz is smaller
 * only the info goes back, and the client asks again with the larger argsz.
 */
static int
vfio_user_srv_region_info(struct vfio_user_server *srv, struct vfio_user_msg *m,
		struct vfio_user_srv_reply *rep)
{
	const struct vfio_region_info *in = (const struct vfio_region_info *)m->data;
	struct vfio_user_region_desc desc;
	struct vfio_region_info_cap_sparse_mmap *cap;
	struct vfio_region_info *out;
	size_t need, caps_len = 0;
	int ret;

	if (in->argsz < sizeof(*in))
		return -EINVAL;
	ret = vfio_user_srv_get_region(srv, in->index, &desc);
	if (ret < 0)
		return ret;
	if (desc.nr_sparse > 0)
		caps_len = sizeof(*cap) + desc.nr_sparse * sizeof(cap->areas[0]);
	need = sizeof(*out) + caps_len;
	out = calloc(1, need);
	if (out == NULL)
		return -ENOMEM;
	rep->heap = out;
	out->argsz = (uint32_t)need;
	out->flags = desc.flags;
	out->index = in->index;
	out->size = desc.size;
	out->offset = desc.offset;
	if (caps_len > 0) {
		out->flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (in->argsz >= need) {
			out->cap_offset = sizeof(*out);
			cap = (struct vfio_region_info_cap_sparse_mmap *)(out + 1);
			cap->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
			cap->header.version = 1;
			cap->header.next = 0;
			cap->nr_areas = desc.nr_sparse;
			memcpy(cap->areas, desc.sparse, desc.nr_sparse * sizeof(cap->areas[0]));
		} else {
			need = sizeof(*out);
		}
	}
	vfio_user_srv_reply_add(rep, out, need);
	if ((desc.flags & VFIO_REGION_INFO_FLAG_MMAP) != 0 && srv->peer.max_msg_fds > 0)
		rep->fd = desc.fd;
	return 0;
}

static int
vfio_user_srv_irq_info(struct vfio_user_server *srv, struct vfio_user_msg *m,
		struct vfio_user_srv_reply *rep)
{
	const struct vfio_irq_info *in = (const struct vfio_irq_info *)m->data;
	int ret;

	if (in->argsz < sizeof(*in) || in->index >= srv->dev.num_irqs)
		return -EINVAL;
	memset(&rep->u.irq, 0, sizeof(rep->u.irq));
	rep->u.irq.index = in->index;
	ret = vfio_user_srv_errno(srv->ops->irq_info(srv->ctx, in->index, &rep->u.irq));
	if (ret < 0)
		return ret;
	rep->u.irq.argsz = sizeof(rep->u.irq);
	rep->u.irq.index = in->index;
	vfio_user_srv_reply_add(rep, &rep->u.irq, sizeof(rep->u.irq));
	return 0;
}

static int
vfio_user_srv_irq_slots(struct vfio_user_server *srv, uint32_t index, uint32_t count)
{
	struct vfio_user_srv_irq *irq = &srv->irqs[index];
	uint32_t v;
	int *fds;

	if (irq->count >= count)
		return 0;
	fds = realloc(irq->fds, sizeof(int) * count);
	if (fds == NULL)
		return -ENOMEM;
	for (v = irq->count; v < count; v++)
		fds[v] = -1;
	irq->fds = fds;
	irq->count = count;
	return 0;
}

static int
vfio_user_srv_set_irqs(struct vfio_user_server *srv, struct vfio_user_msg *m)
{
	const struct vfio_irq_set *s = (const struct vfio_irq_set *)m->data;
	uint32_t data = s->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	uint32_t action = s->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	struct vfio_user_srv_irq *irq;
	struct vfio_irq_info info = { .argsz = sizeof(info) };
	const uint8_t *bools = NULL;
	int *fds = NULL;
	uint32_t i;
	int ret;

	if (s->argsz < sizeof(*s))
		return -EINVAL;
	/* Spec "VFIO_USER_DEVICE_SET_IRQS": one DATA and one ACTION flag. */
	if ((s->flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK | VFIO_IRQ_SET_ACTION_TYPE_MASK)) != 0 ||
	    __builtin_popcount(data) != 1 || __builtin_popcount(action) != 1)
		return -EINVAL;
	if (s->index >= srv->dev.num_irqs)
		return -EINVAL;
	info.index = s->index;
	ret = vfio_user_srv_errno(srv->ops->irq_info(srv->ctx, s->index, &info));
	if (ret < 0)
		return ret;
	if (info.count > VFIO_USER_MAX_IRQ_VECTORS)
		info.count = VFIO_USER_MAX_IRQ_VECTORS;
	if (data != VFIO_IRQ_SET_DATA_EVENTFD && m->nfds != 0)
		return -EINVAL;
	if (s->count == 0) {
		/* Disable the whole type: count and start 0 with DATA_NONE. */
		if (data != VFIO_IRQ_SET_DATA_NONE || action != VFIO_IRQ_SET_ACTION_TRIGGER ||
		    s->start != 0)
			return -EINVAL;
	} else if ((uint64_t)s->start + s->count > info.count) {
		return -EINVAL;
	}
	if (data == VFIO_IRQ_SET_DATA_BOOL) {
		if (m->len < sizeof(*s) + (size_t)s->count)
			return -EINVAL;
		bools = s->data;
	}
	if (data == VFIO_IRQ_SET_DATA_EVENTFD) {
		/* No fds de-assigns the range; otherwise one per vector. */
		if (m->nfds != 0 && m->nfds != s->count)
			return -EINVAL;
		if (action != VFIO_IRQ_SET_ACTION_TRIGGER)
			return -ENOTSUP;
		ret = vfio_user_srv_irq_slots(srv, s->index, info.count);
		if (ret < 0)
			return ret;
		fds = malloc(sizeof(int) * s->count);
		if (fds == NULL)
			return -ENOMEM;
		for (i = 0; i < s->count; i++)
			fds[i] = m->nfds != 0 ? m->fds[i] : -1;
	}
	ret = -ENOTSUP;
	if (srv->ops->set_irqs != NULL)
		ret = vfio_user_srv_errno(srv->ops->set_irqs(srv->ctx, s->index, s->flags,
				s->start, s->count, fds, bools));
	if (ret < 0) {
		free(fds);
		return ret;
	}
	irq = &srv->irqs[s->index];
	if (fds != NULL) {
		for (i = 0; i < s->count; i++) {
			if (irq->fds[s->start + i] >= 0)
				close(irq->fds[s->start + i]);
			irq->fds[s->start + i] = fds[i];
		}
		/* The eventfds are ours now, not the message's. */
		m->nfds = 0;
		free(fds);
	} else if (s->count == 0) {
		for (i = 0; i < irq->count; i++) {
			if (irq->fds[i] >= 0)
				close(irq->fds[i]);
			irq->fds[i] = -1;
		}
	}
	return 0;
}

static int
vfio_user_srv_region_rw(struct vfio_user_server *srv, struct vfio_user_msg *m,
		struct vfio_user_srv_reply *rep, bool is_write)
{
	const struct vfio_user_region_access *a = (const struct vfio_user_region_access *)m->data;
	struct vfio_user_region_desc desc;
	uint32_t need = is_write ? VFIO_REGION_INFO_FLAG_WRITE : VFIO_REGION_INFO_FLAG_READ;
	void *buf;
	int ret;

	if (a->count == 0)
		return -EINVAL;
	if (a->count > srv->cfg.max_data_xfer_size)
		return -E2BIG;
	if (is_write && m->len != sizeof(*a) + (size_t)a->count)
		return -EINVAL;
	ret = vfio_user_srv_get_region(srv, a->region, &desc);
	if (ret < 0)
		return ret;
	/* Bounds are checked here, before the device sees the access. */
	if (a->offset > desc.size || a->count > desc.size - a->offset) {
		SRV_LOG(srv, WARNING, "%s region %u offset 0x%llx count %u outside 0x%llx bytes",
			is_write ? "write" : "read", a->region, (unsigned long long)a->offset,
			a->count, (unsigned long long)desc.size);
		return -EINVAL;
	}
	if ((desc.flags & need) == 0)
		return -EACCES;
	rep->u.access = *a;
	vfio_user_srv_reply_add(rep, &rep->u.access, sizeof(rep->u.access));
	if (is_write)
		return vfio_user_srv_errno(srv->ops->region_access(srv->ctx, a->region, a->offset,
				m->data + sizeof(*a), a->count, true));
	if (a->count <= sizeof(rep->small)) {
		buf = rep->small;
	} else {
		buf = malloc(a->count);
		if (buf == NULL)
			return -ENOMEM;
		rep->heap = buf;
	}
	ret = vfio_user_srv_errno(srv->ops->region_access(srv->ctx, a->region, a->offset, buf,
			a->count, false));
	if (ret < 0)
		return ret;
	vfio_user_srv_reply_add(rep, buf, a->count);
	return 0;
}

static int
vfio_user_srv_reset(struct vfio_user_server *srv)
{
	if (srv->ops->reset == NULL)
		return -ENOTSUP;
	return vfio_user_srv_errno(srv->ops->reset(srv->ctx));
}

/*
 * The codec's checks. It leaves DEVICE_FEATURE unserved (ENOTSUP); with a
 * device_feature op we serve it, so the rest of its generic checks are ours:
 * no fds, the fixed part present.
 */
static int
vfio_user_srv_check_request(const struct vfio_user_server *srv, const struct vfio_user_msg *m)
{
	int ret = vfio_user_msg_check_request(m);

	if (ret != -ENOTSUP || m->hdr.cmd != VFIO_USER_DEVICE_FEATURE ||
	    srv->ops->device_feature == NULL)
		return ret;
	if (m->fds_dropped || m->nfds != 0 || m->len < sizeof(struct vfio_device_feature))
		return -EINVAL;
	return 0;
}

/*
 * Spec "VFIO_USER_DEVICE_FEATURE", with the rules of Linux's
 * vfio_ioctl_device_feature(): no unknown flag bits; GET or SET, or PROBE
 * with any of them; GET and SET together only with PROBE. argsz bounds the
 * reply, which echoes a SET or PROBE request, so it must cover the request.
 */
static int
vfio_user_srv_feature(struct vfio_user_server *srv, struct vfio_user_msg *m,
		struct vfio_user_srv_reply *rep)
{
	const struct vfio_device_feature *f = (const struct vfio_device_feature *)m->data;
	uint32_t ops = f->flags & VFIO_USER_FEATURE_OPS;
	uint32_t feature = f->flags & VFIO_DEVICE_FEATURE_MASK;
	uint32_t len = (uint32_t)(m->len - sizeof(*f));
	struct vfio_device_feature *out;
	uint32_t cap, out_len = 0;
	const char *why = NULL;
	int ret;

	if (f->argsz < sizeof(*f))
		why = "argsz below 8";
	else if ((f->flags & ~(VFIO_DEVICE_FEATURE_MASK | VFIO_USER_FEATURE_OPS)) != 0)
		why = "unknown flag bits";
	else if (ops == 0)
		why = "neither GET, SET nor PROBE";
	else if (ops == (VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET))
		why = "GET with SET";
	else if (ops != VFIO_DEVICE_FEATURE_GET && f->argsz < m->len)
		why = "argsz below the request";
	/* Features whose data we know: the VF token is a 16-byte UUID. */
	else if (ops == VFIO_DEVICE_FEATURE_SET &&
		 feature == VFIO_DEVICE_FEATURE_PCI_VF_TOKEN && len != VFIO_USER_UUID_LEN)
		why = "VF token not 16 bytes";
	if (why != NULL) {
		SRV_LOG(srv, WARNING, "DEVICE_FEATURE flags 0x%x argsz %u with %u data bytes "
			"refused: %s", f->flags, f->argsz, len, why);
		return -EINVAL;
	}
	if (ops != VFIO_DEVICE_FEATURE_GET) {
		ret = vfio_user_srv_errno(srv->ops->device_feature(srv->ctx, f->flags,
				len != 0 ? f->data : NULL, len, NULL, 0, &out_len));
		if (ret < 0)
			return ret;
		/* Spec: the reply to SET and PROBE is the request. */
		out = malloc(m->len);
		if (out == NULL)
			return -ENOMEM;
		memcpy(out, m->data, m->len);
		rep->heap = out;
		vfio_user_srv_reply_add(rep, out, m->len);
		return 0;
	}
	cap = f->argsz - sizeof(*f);
	if (cap > srv->cfg.max_data_xfer_size)
		cap = srv->cfg.max_data_xfer_size;
	out = calloc(1, sizeof(*out) + cap);
	if (out == NULL)
		return -ENOMEM;
	rep->heap = out;
	ret = vfio_user_srv_errno(srv->ops->device_feature(srv->ctx, f->flags,
			len != 0 ? f->data : NULL, len, out->data, cap, &out_len));
	if (ret < 0)
		return ret;
	if (out_len > cap) {
		SRV_LOG(srv, ERR, "device answered GET of feature %u with %u bytes, room for %u",
			feature, out_len, cap);
		return -EIO;
	}
	out->argsz = (uint32_t)sizeof(*out) + out_len;
	out->flags = f->flags;
	vfio_user_srv_reply_add(rep, out, out->argsz);
	return 0;
}

/*
 * One request in, exactly one reply out (unless no-reply): validation first,
 * then one switch, as every handler leaves the reply to us.
 */
static void
vfio_user_srv_dispatch(struct vfio_user_server *srv, struct vfio_user_msg *m)
{
	struct vfio_user_srv_reply rep = { .fd = -1 };
	int ret;

	if ((m->hdr.flags & VFIO_USER_F_TYPE_MASK) == VFIO_USER_F_TYPE_REPLY &&
	    (m->hdr.flags & ~VFIO_USER_F_KNOWN) == 0) {
		SRV_LOG(srv, ERR, "unexpected reply (id %u) dropped the client", m->hdr.msg_id);
		srv->drop = true;
		return;
	}
	ret = vfio_user_srv_check_request(srv, m);
	if (!srv->negotiated && (ret < 0 || m->hdr.cmd != VFIO_USER_VERSION)) {
		SRV_LOG(srv, ERR, "%s (%u) before VERSION: dropped",
			vfio_user_cmd_name(m->hdr.cmd), m->hdr.cmd);
		srv->drop = true;
		return;
	}
	if (ret < 0) {
		SRV_LOG(srv, WARNING, "%s (%u) refused: %s", vfio_user_cmd_name(m->hdr.cmd),
			m->hdr.cmd, strerror(-ret));
		goto reply;
	}
	srv->posted = (m->hdr.flags & VFIO_USER_F_NO_REPLY) != 0;
	switch (m->hdr.cmd) {
	case VFIO_USER_VERSION:
		ret = vfio_user_srv_version(srv, m, &rep);
		break;
	case VFIO_USER_DMA_MAP:
		ret = vfio_user_srv_dma_map(srv, m);
		break;
	case VFIO_USER_DMA_UNMAP:
		ret = vfio_user_srv_dma_unmap(srv, m, &rep);
		break;
	case VFIO_USER_DEVICE_GET_INFO:
		ret = vfio_user_srv_device_info(srv, m, &rep);
		break;
	case VFIO_USER_DEVICE_GET_REGION_INFO:
		ret = vfio_user_srv_region_info(srv, m, &rep);
		break;
	case VFIO_USER_DEVICE_GET_IRQ_INFO:
		ret = vfio_user_srv_irq_info(srv, m, &rep);
		break;
	case VFIO_USER_DEVICE_SET_IRQS:
		ret = vfio_user_srv_set_irqs(srv, m);
		break;
	case VFIO_USER_REGION_READ:
		ret = vfio_user_srv_region_rw(srv, m, &rep, false);
		break;
	case VFIO_USER_REGION_WRITE:
		ret = vfio_user_srv_region_rw(srv, m, &rep, true);
		break;
	case VFIO_USER_DEVICE_RESET:
		ret = vfio_user_srv_reset(srv);
		break;
	case VFIO_USER_DEVICE_FEATURE:
		ret = vfio_user_srv_feature(srv, m, &rep);
		break;
	default:
		ret = -ENOSYS;	/* unreachable: check_request knows the served set */
		break;
	}
	srv->posted = false;
reply:
	if ((m->hdr.flags & VFIO_USER_F_NO_REPLY) != 0 && ret < 0)
		/* nobody waits for an answer: the error is only ours to tell */
		SRV_LOG(srv, WARNING, "posted %s failed: %s", vfio_user_cmd_name(m->hdr.cmd),
			strerror(-ret));
	if ((m->hdr.flags & VFIO_USER_F_NO_REPLY) == 0 && srv->conn_fd >= 0) {
		int r = vfio_user_msg_reply(srv->conn_fd, &m->hdr, ret < 0 ? (uint32_t)-ret : 0,
				rep.iov, rep.iovcnt, &rep.fd, rep.fd >= 0 ? 1 : 0,
				srv->cfg.timeout_ms);

		if (r < 0) {
			SRV_LOG(srv, ERR, "reply to %s failed: %s",
				vfio_user_cmd_name(m->hdr.cmd), strerror(-r));
			srv->drop = true;
		}
	}
	free(rep.heap);
}

/* ---- server to client DMA (spec "VFIO_USER_DMA_READ/WRITE") ---- */

static int
vfio_user_srv_queue_push(struct vfio_user_server *srv, struct vfio_user_msg *m)
{
	if (srv->q_len == VFIO_USER_SRV_QUEUE)
		return -ENOBUFS;
	srv->queue[(srv->q_head + srv->q_len) % VFIO_USER_SRV_QUEUE] = *m;
	srv->q_len++;
	return 0;
}

/* Wait for the reply to our request @p id; commands that arrive meanwhile are queued. */
static int
vfio_user_srv_await(struct vfio_user_server *srv, uint16_t cmd, uint16_t id,
		struct vfio_user_msg *reply)
{
	struct vfio_user_msg m;
	int ret;

	for (;;) {
		/* Allocated: the message being served may hold the buffer's payload. */
		ret = vfio_user_rx_recv(&srv->rx, srv->conn_fd, &m, VFIO_USER_MSG_MAX,
				srv->cfg.timeout_ms, VFIO_USER_RX_WAIT | VFIO_USER_RX_OWN);
		if (ret < 0)
			return ret;
		if (vfio_user_hdr_check(&m.hdr, VFIO_USER_MSG_MAX) < 0) {
			vfio_user_msg_release(&m);
			return -EPROTO;
		}
		if ((m.hdr.flags & VFIO_USER_F_TYPE_MASK) == VFIO_USER_F_TYPE_COMMAND) {
			ret = vfio_user_srv_queue_push(srv, &m);
			if (ret < 0) {
				vfio_user_msg_release(&m);
				return ret;
			}
			continue;
		}
		if (m.hdr.msg_id != id || m.hdr.cmd != cmd) {
			vfio_user_msg_release(&m);
			return -EPROTO;
		}
		vfio_user_msg_close_fds(&m);
		*reply = m;
		return 0;
	}
}

static int
vfio_user_srv_dma_msg(struct vfio_user_server *srv, uint64_t iova, uint8_t *buf, size_t len,
		bool is_write)
{
	uint16_t cmd = is_write ? VFIO_USER_DMA_WRITE : VFIO_USER_DMA_READ;
	struct vfio_user_dma_access req, *ans;
	struct vfio_user_hdr h = { .cmd = cmd };
	struct vfio_user_msg reply;
	struct iovec iov[2];
	int ret;

	req.addr = iova;
	req.count = len;
	iov[0].iov_base = &req;
	iov[0].iov_len = sizeof(req);
	iov[1].iov_base = buf;
	iov[1].iov_len = is_write ? len : 0;
	h.msg_id = srv->next_id++;
	ret = vfio_user_msg_send(srv->conn_fd, &h, iov, 2, NULL, 0, srv->cfg.timeout_ms);
	if (ret < 0)
		goto broken;
	ret = vfio_user_srv_await(srv, cmd, h.msg_id, &reply);
	if (ret < 0)
		goto broken;
	if ((reply.hdr.flags & VFIO_USER_F_ERROR) != 0) {
		/* the client's errno is untrusted: anything past the errno range is EIO */
		ret = reply.hdr.error_no != 0 && reply.hdr.error_no < 4096 ?
		      -(int)reply.hdr.error_no : -EIO;
		SRV_LOG(srv, WARNING, "client answered %s iova 0x%llx: %s",
			vfio_user_cmd_name(cmd), (unsigned long long)iova, strerror(-ret));
		vfio_user_msg_release(&reply);
		return ret;
	}
	ans = (struct vfio_user_dma_access *)reply.data;
	if (is_write) {
		ret = reply.len >= VFIO_USER_DMA_WRITE_REPLY_MIN ? 0 : -EPROTO;
	} else if (reply.len != sizeof(*ans) + len || ans->addr != iova || ans->count != len) {
		ret = -EPROTO;
	} else {
		memcpy(buf, reply.data + sizeof(*ans), len);
		ret = 0;
	}
	vfio_user_msg_release(&reply);
	if (ret < 0)
		goto broken;
	return 0;
broken:
	SRV_LOG(srv, ERR, "%s iova 0x%llx failed: %s, dropping the client",
		vfio_user_cmd_name(cmd), (unsigned long long)iova, strerror(-ret));
	srv->drop = true;
	return ret;
}

static int
vfio_user_srv_dma_rw(struct vfio_user_server *srv, uint64_t iova, uint8_t *buf, size_t len,
		bool is_write)
{
	uint32_t prot = is_write ? VFIO_USER_DMA_PROT_WRITE : VFIO_USER_DMA_PROT_READ;
	const struct vfio_user_dma_region *r;
	size_t chunk, max;
	int ret;

	if (srv->cfg.no_dma_access)
		return -EPERM;
	if (srv->conn_fd < 0 || !srv->negotiated || srv->drop)
		return -ENOTCONN;
	if (len == 0)
		return 0;
	r = vfio_user_dma_find(srv->dma, iova, len);
	if (r == NULL)
		return -EFAULT;
	if ((r->prot & prot) == 0)
		return -EACCES;
	if (r->vaddr != NULL) {
		uint8_t *p = (uint8_t *)r->vaddr + (iova - r->iova);

		if (is_write)
			memcpy(p, buf, len);
		else
			memcpy(buf, p, len);
		return 0;
	}
	/* The peer's max_data_xfer_size bounds every message (spec "Read and Write"). */
	max = srv->peer.max_data_xfer_size < VFIO_USER_MAX_XFER ?
		srv->peer.max_data_xfer_size : VFIO_USER_MAX_XFER;
	while (len > 0) {
		chunk = len < max ? len : max;
		ret = vfio_user_srv_dma_msg(srv, iova, buf, chunk, is_write);
		if (ret < 0)
			return ret;
		iova += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

int
vfio_user_server_dma_read(struct vfio_user_server *srv, uint64_t iova, void *buf, size_t len)
{
	return vfio_user_srv_dma_rw(srv, iova, buf, len, false);
}

int
vfio_user_server_dma_write(struct vfio_user_server *srv, uint64_t iova, const void *buf,
		size_t len)
{
	/* The buffer is only read on this path. */
	return vfio_user_srv_dma_rw(srv, iova, (uint8_t *)(uintptr_t)buf, len, true);
}

int
vfio_user_server_irq_fd(const struct vfio_user_server *srv, uint32_t index, uint32_t vector)
{
	if (index >= VFIO_USER_MAX_IRQ_TYPES || vector >= srv->irqs[index].count ||
	    srv->irqs[index].fds[vector] < 0)
		return -ENOENT;
	return srv->irqs[index].fds[vector];
}

int
vfio_user_server_irq_signal(const struct vfio_user_server *srv, uint32_t index,
		uint32_t vector)
{
	uint64_t one = 1;
	int fd = vfio_user_server_irq_fd(srv, index, vector);

	if (fd < 0)
		return fd;
	if (write(fd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		return errno == EAGAIN ? 0 : -errno;	/* a saturated counter still fires */
	return 0;
}

/* ---- event loop ---- */

static void
vfio_user_srv_busy_close(struct vfio_user_server *srv, struct vfio_user_srv_busy *b)
{
	vfio_user_srv_unwatch_close(srv, b->fd);
	b->fd = -1;
}

/* Spec "Socket": one client per socket. Later ones get EBUSY to their VERSION. */
static void
vfio_user_srv_busy_serve(struct vfio_user_server *srv, struct vfio_user_srv_busy *b)
{
	struct vfio_user_msg m;
	int ret;

	ret = vfio_user_msg_recv(b->fd, &m, VFIO_USER_MSG_MAX, srv->cfg.timeout_ms, false);
	if (ret == -EAGAIN)
		return;
	if (ret == 0) {
		if (m.hdr.cmd == VFIO_USER_VERSION &&
		    (m.hdr.flags & VFIO_USER_F_TYPE_MASK) == VFIO_USER_F_TYPE_COMMAND)
			vfio_user_msg_reply(b->fd, &m.hdr, EBUSY, NULL, 0, NULL, 0,
					srv->cfg.timeout_ms);
		vfio_user_msg_release(&m);
	}
	VFIO_USER_LOG(WARNING, "vfio-user server %s: another client refused: busy",
		srv->path != NULL ? srv->path : "(fd)");
	srv->refused++;
	vfio_user_srv_busy_close(srv, b);
}

static void
vfio_user_srv_accept(struct vfio_user_server *srv)
{
	unsigned int i;
	int fd, ret;

	if (srv->listen_fd < 0)
		return;
	for (;;) {
		fd = accept4(srv->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			return;	/* EAGAIN, or a transient error retried on the next call */
		ret = vfio_user_srv_watch(srv, fd);
		if (ret < 0) {
			/* unseen by the owner's poll, it would hang: turned away */
			VFIO_USER_LOG(ERR, "vfio-user server %s: connection closed: epoll: %s",
				srv->path != NULL ? srv->path : "(fd)", strerror(-ret));
			srv->refused++;
			close(fd);
			continue;
		}
		if (srv->conn_fd < 0) {
			vfio_user_srv_start(srv, fd);
			continue;
		}
		for (i = 0; i < VFIO_USER_SRV_BUSY_SLOTS; i++)
			if (srv->busy[i].fd < 0)
				break;
		if (i == VFIO_USER_SRV_BUSY_SLOTS) {
			srv->refused++;
			vfio_user_srv_unwatch_close(srv, fd);
			continue;
		}
		srv->busy[i].fd = fd;
		srv->busy[i].deadline = vfio_user_now_ms() + (uint64_t)srv->cfg.timeout_ms;
	}
}

static void
vfio_user_srv_handle_msg(struct vfio_user_server *srv, struct vfio_user_msg *m)
{
	vfio_user_srv_dispatch(srv, m);
	vfio_user_msg_release(m);
	if (srv->drop)
		vfio_user_server_disconnect(srv);
}

static void
vfio_user_srv_drain_queue(struct vfio_user_server *srv)
{
	struct vfio_user_msg m;

	while (srv->q_len > 0 && srv->conn_fd >= 0) {
		m = srv->queue[srv->q_head];
		srv->q_head = (srv->q_head + 1) % VFIO_USER_SRV_QUEUE;
		srv->q_len--;
		vfio_user_srv_handle_msg(srv, &m);
	}
}

/*
 * What the current client sent, whole messages served in order. One read
 * takes what the client sent, often several messages whole; the next are
 * handed out of the buffer with no system call, and the socket is read again
 * only to finish a message begun, up to VFIO_USER_SRV_BATCH messages
 * (fairness). Whole messages left in the buffer are served all the same: no
 * poll would tell of them. More on the socket keeps it readable for the
 * owner's next poll, so no read that fails ends the round.
 * @return the messages served
 */
static unsigned int
vfio_user_srv_serve_client(struct vfio_user_server *srv)
{
	struct vfio_user_msg m;
	unsigned int i, flags;
	int ret;

	for (i = 0; srv->conn_fd >= 0; i++) {
		flags = i == 0 ? 0 : i < VFIO_USER_SRV_BATCH ? VFIO_USER_RX_STARTED :
			VFIO_USER_RX_NO_READ;
		ret = vfio_user_rx_recv(&srv->rx, srv->conn_fd, &m, VFIO_USER_MSG_MAX,
				srv->cfg.timeout_ms, flags);
		if (ret == -EAGAIN)
			break;
		if (ret < 0) {
			if (ret != -ECONNRESET)
				SRV_LOG(srv, ERR, "receive failed: %s", strerror(-ret));
			vfio_user_server_disconnect(srv);
			break;
		}
		vfio_user_srv_handle_msg(srv, &m);
		vfio_user_srv_drain_queue(srv);
	}
	return i;
}

int
vfio_user_server_poll_client(struct vfio_user_server *srv)
{
	/* commands that arrived while we waited for a DMA reply come first */
	vfio_user_srv_drain_queue(srv);
	return (int)vfio_user_srv_serve_client(srv);
}

int
vfio_user_server_handle(struct vfio_user_server *srv)
{
	uint64_t now = vfio_user_now_ms();
	unsigned int i;

	if (srv->conn_fd >= 0 && !srv->negotiated &&
	    now >= srv->accept_ms + (uint64_t)srv->cfg.timeout_ms) {
		SRV_LOG(srv, ERR, "no VERSION within %d ms: dropped", srv->cfg.timeout_ms);
		vfio_user_server_disconnect(srv);
	}
	/* Commands that arrived while we waited for a DMA reply come first. */
	vfio_user_srv_drain_queue(srv);
	/*
	 * The current client before new connections: one that closed and
	 * reconnected at once is seen gone first, and not refused as busy.
	 */
	i = vfio_user_srv_serve_client(srv);
	/*
	 * Connections are looked for when the client had nothing or left, and
	 * after every VFIO_USER_SRV_BATCH messages of a busy one: not an accept
	 * that fails after each message.
	 */
	srv->served += i;
	if (i == 0 || srv->conn_fd < 0 || srv->served >= VFIO_USER_SRV_BATCH) {
		srv->served = 0;
		vfio_user_srv_accept(srv);
	}
	for (i = 0; i < VFIO_USER_SRV_BUSY_SLOTS; i++) {
		if (srv->busy[i].fd < 0)
			continue;
		if (srv->conn_fd < 0) {
			/* The function became free: this one is served after all. */
			vfio_user_srv_start(srv, srv->busy[i].fd);
			srv->busy[i].fd = -1;
			continue;
		}
		vfio_user_srv_busy_serve(srv, &srv->busy[i]);
		if (srv->busy[i].fd >= 0 && now >= srv->busy[i].deadline) {
			srv->refused++;
			vfio_user_srv_busy_close(srv, &srv->busy[i]);
		}
	}
	return 0;
}

unsigned int
vfio_user_server_pollfds(const struct vfio_user_server *srv, struct pollfd *pfd,
		unsigned int max)
{
	unsigned int n = 0, i;

	if (n < max && srv->listen_fd >= 0)
		pfd[n++] = (struct pollfd){ .fd = srv->listen_fd, .events = POLLIN };
	if (n < max && srv->conn_fd >= 0)
		pfd[n++] = (struct pollfd){ .fd = srv->conn_fd, .events = POLLIN };
	for (i = 0; i < VFIO_USER_SRV_BUSY_SLOTS && n < max; i++)
		if (srv->busy[i].fd >= 0)
			pfd[n++] = (struct pollfd){ .fd = srv->busy[i].fd, .events = POLLIN };
	return n;
}

int
vfio_user_server_fd(const struct vfio_user_server *srv)
{
	return srv->ep_fd;
}

int
vfio_user_server_run(struct vfio_user_server *srv, int timeout_ms)
{
	struct pollfd pfd = { .fd = srv->ep_fd, .events = POLLIN };

	if (poll(&pfd, 1, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	return vfio_user_server_handle(srv);
}

/* ---- create / destroy ---- */

static int
vfio_user_srv_listen(struct vfio_user_server *srv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, probe, ret;

	if (strlen(srv->path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, srv->path, strlen(srv->path) + 1);
	if (lstat(srv->path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		/* A socket file nobody answers on is stale: replace it. */
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe < 0)
			return -errno;
		ret = connect(probe, (struct sockaddr *)&sa, sizeof(sa));
		close(probe);
		if (ret == 0)
			return -EADDRINUSE;
		if (unlink(srv->path) < 0 && errno != ENOENT)
			return -errno;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		goto close_fd;
	}
	/* Spec "Authentication": access control is the socket file's mode. */
	if (chmod(srv->path, srv->cfg.mode) < 0 || listen(fd, 8) < 0) {
		ret = -errno;
		goto unlink_path;
	}
	srv->listen_fd = fd;
	return 0;
unlink_path:
	unlink(srv->path);
close_fd:
	close(fd);
	return ret;
}

int
vfio_user_server_create(const struct vfio_user_server_cfg *cfg,
		const struct vfio_user_server_ops *ops, void *ctx, struct vfio_user_server **out)
{
	struct vfio_user_server *srv;
	unsigned int i;
	int ret;

	*out = NULL;
	if (cfg == NULL || ops == NULL || ops->device_info == NULL || ops->region_info == NULL ||
	    ops->irq_info == NULL || ops->region_access == NULL)
		return -EINVAL;
	srv = calloc(1, sizeof(*srv));
	if (srv == NULL)
		return -ENOMEM;
	srv->cfg = *cfg;
	srv->cfg.path = NULL;
	if (srv->cfg.mode == 0)
		srv->cfg.mode = 0600;
	if (srv->cfg.timeout_ms <= 0)
		srv->cfg.timeout_ms = VFIO_USER_SRV_TIMEOUT_MS;
	if (srv->cfg.max_data_xfer_size == 0 || srv->cfg.max_data_xfer_size > VFIO_USER_MAX_XFER)
		srv->cfg.max_data_xfer_size = VFIO_USER_MAX_XFER;
	if (srv->cfg.max_msg_fds == 0 || srv->cfg.max_msg_fds > VFIO_USER_MAX_MSG_FDS)
		srv->cfg.max_msg_fds = VFIO_USER_MAX_MSG_FDS;
	if (srv->cfg.max_dma_maps == 0)
		srv->cfg.max_dma_maps = VFIO_USER_SRV_MAX_DMA_MAPS;
	srv->ops = ops;
	srv->ctx = ctx;
	srv->listen_fd = -1;
	srv->conn_fd = -1;
	for (i = 0; i < VFIO_USER_SRV_BUSY_SLOTS; i++)
		srv->busy[i].fd = -1;
	srv->ep_fd = epoll_create1(EPOLL_CLOEXEC);
	if (srv->ep_fd < 0) {
		ret = -errno;
		goto free_srv;
	}
	ret = vfio_user_dma_create(srv->cfg.max_dma_maps, &srv->dma);
	if (ret < 0)
		goto close_ep;
	if (cfg->path != NULL) {
		srv->path = strdup(cfg->path);
		if (srv->path == NULL) {
			ret = -ENOMEM;
			goto free_dma;
		}
		ret = vfio_user_srv_listen(srv);
		if (ret < 0)
			goto free_path;
		ret = vfio_user_srv_watch(srv, srv->listen_fd);
		if (ret < 0)
			goto unlisten;
	}
	*out = srv;
	return 0;
unlisten:
	close(srv->listen_fd);
	unlink(srv->path);
free_path:
	free(srv->path);
free_dma:
	vfio_user_dma_destroy(srv->dma);
close_ep:
	close(srv->ep_fd);
free_srv:
	free(srv);
	return ret;
}

void
vfio_user_server_destroy(struct vfio_user_server *srv)
{
	unsigned int i;

	if (srv == NULL)
		return;
	vfio_user_server_disconnect(srv);
	for (i = 0; i < VFIO_USER_SRV_BUSY_SLOTS; i++)
		if (srv->busy[i].fd >= 0)
			vfio_user_srv_busy_close(srv, &srv->busy[i]);
	if (srv->listen_fd >= 0) {
		vfio_user_srv_unwatch_close(srv, srv->listen_fd);
		unlink(srv->path);
	}
	close(srv->ep_fd);
	vfio_user_dma_destroy(srv->dma);
	free(srv->path);
	free(srv);
}
