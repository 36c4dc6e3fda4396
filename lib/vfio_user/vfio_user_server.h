/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VFIO_USER_SERVER_H
#define VFIO_USER_SERVER_H

/*
 * A vfio-user server for one device function: one listening UNIX socket, one
 * client at a time. Every request is validated here, then handed to the
 * device through struct vfio_user_server_ops; every request gets exactly one
 * reply unless it set no-reply. A client's disconnect resets the function: its
 * DMA windows are unmapped, its IRQ eventfds closed, and the device told.
 *
 * The server never blocks indefinitely: poll its descriptor,
 * vfio_user_server_fd() (or the set from vfio_user_server_pollfds()), and
 * call vfio_user_server_handle() when it is ready and at least every
 * cfg.timeout_ms (or use vfio_user_server_run()).
 * Not thread-safe: call everything, DMA helpers included, from one thread.
 */

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vfio_user_dma.h"
#include "vfio_user_proto.h"

/** A region as the device describes it (DEVICE_GET_REGION_INFO). */
struct vfio_user_region_desc {
	uint32_t flags;		/**< VFIO_REGION_INFO_FLAG_READ / _WRITE / _MMAP */
	uint64_t size;		/**< 0: the region is not implemented */
	uint64_t offset;	/**< mmap() offset of the region in @p fd */
	int fd;			/**< file to mmap (borrowed), -1 when not mappable */
	uint32_t nr_sparse;	/**< mappable areas; 0 with MMAP: all of it */
	struct vfio_region_sparse_mmap_area sparse[VFIO_USER_MAX_SPARSE];
};

/**
 * The device behind a server. Callbacks return 0 or a negative errno, which
 * becomes the error of the reply. Optional ones may be NULL.
 */
struct vfio_user_server_ops {
	/** VFIO_DEVICE_FLAGS_*, number of regions and irq types. Required. */
	int (*device_info)(void *ctx, struct vfio_user_device_info *info);
	/** Describe region @p index (< num_regions); desc->fd starts at -1. Required. */
	int (*region_info)(void *ctx, uint32_t index, struct vfio_user_region_desc *desc);
	/** Flags (VFIO_IRQ_INFO_*) and count of irq type @p index. Required. */
	int (*irq_info)(void *ctx, uint32_t index, struct vfio_irq_info *info);
	/** Access to a region, already checked against its size and flags. Required. */
	int (*region_access)(void *ctx, uint32_t index, uint64_t offset, void *buf,
			uint32_t count, bool is_write);
	/**
	 * DEVICE_SET_IRQS after validation. @p flags holds one VFIO_IRQ_SET_DATA_*
	 * and one VFIO_IRQ_SET_ACTION_* bit. For DATA_EVENTFD @p fds has @p count
	 * entries (-1: de-assigned); the server keeps the fds until they are
	 * replaced or the client leaves. For DATA_BOOL @p bools has @p count
	 * entries. @p count 0 with DATA_NONE|ACTION_TRIGGER disables the type.
	 */
	int (*set_irqs)(void *ctx, uint32_t index, uint32_t flags, uint32_t start,
			uint32_t count, const int *fds, const uint8_t *bools);
	/** A DMA window was added (already mapped when @p fd >= 0). Optional. */
	int (*dma_map)(void *ctx, const struct vfio_user_dma_region *r, int fd);
	/** A DMA window goes away: stop using it before returning. Optional. */
	void (*dma_unmap)(void *ctx, const struct vfio_user_dma_region *r);
	/** DEVICE_RESET. Optional (ENOTSUP without it). */
	int (*reset)(void *ctx);
	/**
	 * Accept or refuse a client by its VF token (NULL when it gave none).
	 * Optional: without it every client is accepted.
	 */
	int (*check_token)(void *ctx, const char *vf_token);
	/** The client went away (after its maps and eventfds were dropped). Optional:
	 * without it reset() is called instead.
	 */
	void (*disconnect)(void *ctx);
	/**
	 * DEVICE_FEATURE after validation. Optional: without it the command is
	 * answered ENOTSUP. @p flags holds the feature index
	 * (VFIO_DEVICE_FEATURE_MASK) with GET or SET, or PROBE optionally with
	 * GET and/or SET (the methods probed); @p data / @p len is the request's
	 * data (16 bytes for a SET of VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, checked).
	 * For GET, write at most @p out_cap bytes to @p out and set *@p out_len;
	 * @p out is NULL for SET and PROBE.
	 * @return 0; -ENOTTY for a feature the device does not have; -EINVAL for
	 *   a method it does not offer (vfio-pci refuses GET of the VF token) or
	 *   data it refuses; any other negative errno.
	 */
	int (*device_feature)(void *ctx, uint32_t flags, const void *data, uint32_t len,
			void *out, uint32_t out_cap, uint32_t *out_len);
};

struct vfio_user_server_cfg {
	const char *path;	/**< socket path; NULL: clients only by _attach() */
	unsigned int mode;	/**< socket file mode, 0 for 0600 */
	int timeout_ms;		/**< for a started message, VERSION, a DMA reply; 0: 5000 */
	uint32_t max_data_xfer_size;	/**< advertised, 0 or above 1 MiB: 1 MiB */
	uint32_t max_msg_fds;	/**< advertised, 0 or above 64: 64 */
	uint32_t max_dma_maps;	/**< advertised and enforced, 0: 4096 */
	bool no_caps;		/**< answer VERSION without JSON (the spec's defaults apply) */
	/**
	 * The owner never reads or writes the client's memory itself (a proxy
	 * handing the windows' fds on to a device): DMA windows are checked and
	 * recorded but not mapped into this process, and
	 * vfio_user_server_dma_read()/_write() answer -EPERM.
	 */
	bool no_dma_access;
};

struct vfio_user_server;

/**
 * Create a server; with cfg->path, listen there (a stale socket file is
 * replaced, a live one or another kind of file is not).
 * @return 0; -EINVAL (missing callbacks); -ENAMETOOLONG; -EADDRINUSE (a
 *   server answers on the path); -EEXIST (the path is not a socket);
 *   -ENOMEM; the errno of epoll_create1(), socket(), bind(), listen(),
 *   epoll_ctl().
 */
int vfio_user_server_create(const struct vfio_user_server_cfg *cfg,
		const struct vfio_user_server_ops *ops, void *ctx,
		struct vfio_user_server **out);

/** Drop the client (a disconnect), stop listening, remove the socket file. */
void vfio_user_server_destroy(struct vfio_user_server *srv);

/**
 * Serve an already connected socket (socketpair, inherited --fd). The server
 * owns @p fd from then on.
 * @return 0; -EBUSY (a client is being served); -EINVAL; the errno of
 *   epoll_ctl() (@p fd cannot be polled). On error @p fd is left alone.
 */
int vfio_user_server_attach(struct vfio_user_server *srv, int fd);

/**
 * Fill @p pfd with the descriptors to poll for POLLIN (at most @p max).
 * @return how many were filled.
 */
unsigned int vfio_user_server_pollfds(const struct vfio_user_server *srv, struct pollfd *pfd,
		unsigned int max);

/**
 * One descriptor for the whole server: an epoll descriptor (level-triggered)
 * that polls readable whenever one of those vfio_user_server_pollfds() lists
 * is readable or hung up. It stays the same from create to destroy, so an
 * owner serving many functions registers it once in its own poll set (epoll
 * nests) and never rebuilds that set when clients come and go.
 * @return the descriptor, owned by the server (do not close it).
 */
int vfio_user_server_fd(const struct vfio_user_server *srv);

/**
 * Serve what the connected client sent, without waiting and without the rest
 * of vfio_user_server_handle() (new connections, refused ones, timers): for an
 * owner that polls one busy client between its waits on
 * vfio_user_server_fd(), which it must keep calling vfio_user_server_handle()
 * for. One non-blocking read when nothing is buffered.
 * @return the messages served (0: none); a client that left is disconnected.
 */
int vfio_user_server_poll_client(struct vfio_user_server *srv);

/**
 * Accept clients and handle whatever requests are waiting, without waiting
 * for more; a started message must complete within cfg.timeout_ms.
 * @return 0, or a negative errno for a failure of the server itself
 *   (a misbehaving client is only dropped).
 */
int vfio_user_server_handle(struct vfio_user_server *srv);

/** Poll vfio_user_server_fd() up to @p timeout_ms, then vfio_user_server_handle(). */
int vfio_user_server_run(struct vfio_user_server *srv, int timeout_ms);

/** True while a client is connected (negotiated or not). */
bool vfio_user_server_connected(const struct vfio_user_server *srv);

/**
 * True while a callback serves a message that wants no reply (a posted
 * REGION_WRITE): a proxy may then pass the access on posted as well.
 */
bool vfio_user_server_posted(const struct vfio_user_server *srv);

/**
 * True while the server has a deadline of its own to keep: a client that
 * has not finished VERSION, a refused one waiting for its answer, or
 * commands queued behind a DMA reply. Only then must the owner call
 * vfio_user_server_handle() without the descriptor being readable; an owner
 * of many servers calls it on its timer for those alone.
 */
bool vfio_user_server_has_timers(const struct vfio_user_server *srv);

/**
 * Connections turned away because a client was being served (answered
 * EBUSY, or closed when no busy slot was free or they sent nothing in time).
 */
uint64_t vfio_user_server_refused(const struct vfio_user_server *srv);

/** Drop the current client as if it had disconnected. */
void vfio_user_server_disconnect(struct vfio_user_server *srv);

/** The current client's DMA map table (empty without a client). */
const struct vfio_user_dma *vfio_user_server_dma(const struct vfio_user_server *srv);

/**
 * Copy between client memory at @p iova and @p buf: directly for a window
 * mapped with a fd, with DMA_READ/DMA_WRITE messages otherwise.
 * @return 0; -EFAULT (not inside one window); -EACCES (window protection);
 *   -ENOTCONN; -EIO or the client's error; -ETIMEDOUT; -EPERM (the server
 *   was created with no_dma_access).
 */
int vfio_user_server_dma_read(struct vfio_user_server *srv, uint64_t iova, void *buf,
		size_t len);
int vfio_user_server_dma_write(struct vfio_user_server *srv, uint64_t iova, const void *buf,
		size_t len);

/**
 * The eventfd the client gave for vector @p vector of irq type @p index.
 * @return the fd (still the server's) or -ENOENT.
 */
int vfio_user_server_irq_fd(const struct vfio_user_server *srv, uint32_t index,
		uint32_t vector);

/** Signal that eventfd. @return 0, -ENOENT, or the errno of write(). */
int vfio_user_server_irq_signal(const struct vfio_user_server *srv, uint32_t index,
		uint32_t vector);

#endif /* VFIO_USER_SERVER_H */
