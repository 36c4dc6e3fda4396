/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VFIO_USER_CLIENT_H
#define VFIO_USER_CLIENT_H

/*
 * A vfio-user client: connects, negotiates VERSION (optionally presenting a
 * VF token), then speaks to the device with one call per command. Calls
 * wait for their reply up to a timeout; DMA_READ/DMA_WRITE requests the
 * server sends meanwhile (for windows mapped without a fd) are served from
 * the caller's memory through a callback, also by vfio_user_client_poll().
 * Every call returns 0 or a negative errno; when the server answered with an
 * error, that errno is returned and logged with the command.
 * Not thread-safe: one thread per client.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vfio_user_caps.h"
#include "vfio_user_proto.h"

/**
 * Serves a server's DMA access to a window mapped without a fd: copy @p len
 * bytes between @p buf and the client's memory at @p iova. The range was
 * checked to lie inside one such window that allows the access.
 * @return 0 or a negative errno (sent back to the server).
 */
typedef int (*vfio_user_client_dma_fn)(void *ctx, uint64_t iova, void *buf, size_t len,
		bool is_write);

struct vfio_user_client_opts {
	const char *vf_token;		/**< UUID text presented to the server, or NULL */
	int timeout_ms;			/**< per reply; 0: 5000 */
	uint32_t max_data_xfer_size;	/**< what we accept per DMA message; 0: 1 MiB */
	bool no_caps;			/**< send VERSION without JSON (no token then) */
	/**
	 * Microseconds to poll for a reply (non-blocking reads) before sleeping
	 * in recvmsg(); 0: sleep at once. For a caller on a CPU of its own whose
	 * server answers in a few microseconds: the wake-up of an idle CPU
	 * costs more than that.
	 */
	unsigned int busy_poll_us;
	vfio_user_client_dma_fn dma_access;	/**< NULL: DMA requests are refused */
	void *dma_ctx;
};

/** A region as DEVICE_GET_REGION_INFO described it. */
struct vfio_user_client_region {
	struct vfio_region_info info;	/**< argsz, flags, index, size, offset */
	int fd;				/**< to mmap(), the caller's to close; -1 if none */
	uint32_t nr_sparse;		/**< areas of the sparse-mmap capability */
	struct vfio_region_sparse_mmap_area sparse[VFIO_USER_MAX_SPARSE];
};

struct vfio_user_client;

/**
 * Connect to the server listening on @p path and negotiate.
 * @return 0; -EINVAL (bad token text); -ENAMETOOLONG; -EBUSY (the server
 *   serves another client); -EACCES/-EPERM (token refused); -EPROTO (a
 *   reply that breaks the protocol); -ETIMEDOUT; the errno of connect().
 */
int vfio_user_client_connect(const char *path, const struct vfio_user_client_opts *opts,
		struct vfio_user_client **out);

/**
 * Negotiate over an already connected socket, which the client then owns
 * (also on failure, when it is closed).
 */
int vfio_user_client_attach(int fd, const struct vfio_user_client_opts *opts,
		struct vfio_user_client **out);

/** Close the connection (the server resets the function) and free. */
void vfio_user_client_close(struct vfio_user_client *c);

/** The socket, to poll for server requests. */
int vfio_user_client_fd(const struct vfio_user_client *c);

/** What the server offered in VERSION (the spec's defaults for what it omitted). */
const struct vfio_user_caps *vfio_user_client_server_caps(const struct vfio_user_client *c);

/** Serve DMA requests that are waiting, without blocking. @return 0 or -errno. */
int vfio_user_client_poll(struct vfio_user_client *c);

int vfio_user_client_device_info(struct vfio_user_client *c,
		struct vfio_user_device_info *info);

/**
 * DEVICE_GET_REGION_INFO; asks again with a larger argsz when the server
 * needs it for capabilities. @p r->fd is the caller's to close.
 * @return 0; -EPROTO for an inconsistent capability chain; -ENOSPC for more
 *   sparse areas than VFIO_USER_MAX_SPARSE.
 */
int vfio_user_client_region_info(struct vfio_user_client *c, uint32_t index,
		struct vfio_user_client_region *r);

int vfio_user_client_irq_info(struct vfio_user_client *c, uint32_t index,
		struct vfio_irq_info *info);

/**
 * Bind trigger eventfds to vectors [@p start, @p start + @p count) of irq
 * type @p index; an entry of -1 de-assigns its vector. Sent in as many
 * messages as the server's max_msg_fds requires.
 */
int vfio_user_client_set_irq_eventfds(struct vfio_user_client *c, uint32_t index,
		uint32_t start, uint32_t count, const int *fds);

/**
 * SET_IRQS with DATA_NONE (@p bools NULL) or DATA_BOOL and one
 * VFIO_IRQ_SET_ACTION_* in @p action; count 0 with ACTION_TRIGGER disables
 * the whole type.
 */
int vfio_user_client_set_irqs(struct vfio_user_client *c, uint32_t index, uint32_t action,
		uint32_t start, uint32_t count, const uint8_t *bools);

/** REGION_READ / REGION_WRITE, split at the server's max_data_xfer_size. */
int vfio_user_client_region_read(struct vfio_user_client *c, uint32_t index, uint64_t offset,
		void *buf, size_t len);
int vfio_user_client_region_write(struct vfio_user_client *c, uint32_t index, uint64_t offset,
		const void *buf, size_t len);

/**
 * A posted REGION_WRITE (the spec's VFIO_USER_F_NO_REPLY): sent, not waited
 * for, like a posted write on PCIe. The server serves it in order with the
 * client's other messages and answers nothing, so an error is the server's to
 * log; use it where the caller learns the effect some other way (a register
 * whose result shows in shared memory). @p len at most the server's
 * max_data_xfer_size.
 * @return 0 once sent; -EINVAL; -EMSGSIZE; -ENOTCONN; the send's error (the
 *   connection is then closed).
 */
int vfio_user_client_region_write_posted(struct vfio_user_client *c, uint32_t index,
		uint64_t offset, const void *buf, size_t len);

/**
 * DMA_MAP of [@p iova, @p iova + @p len) with VFIO_USER_DMA_READ_FLAG /
 * _WRITE_FLAG in @p prot. With @p fd >= 0 (not closed) the server mmap()s
 * @p fd at @p offset; with -1 it reaches the window through DMA_READ/WRITE,
 * served by opts->dma_access.
 */
int vfio_user_client_dma_map(struct vfio_user_client *c, uint64_t iova, uint64_t len,
		uint32_t prot, int fd, uint64_t offset);
int vfio_user_client_dma_unmap(struct vfio_user_client *c, uint64_t iova, uint64_t len);

int vfio_user_client_reset(struct vfio_user_client *c);

/**
 * DEVICE_FEATURE with @p flags (a feature index and VFIO_DEVICE_FEATURE_GET,
 * _SET or _PROBE) and @p len bytes of @p data. For GET, up to @p out_cap
 * bytes of the feature's data land in @p out and their count in *@p out_len
 * (@p out_len may be NULL otherwise).
 * @return 0; -EINVAL (bad arguments, or refused by the server); -ENOTSUP
 *   (the server has no features); -ENOTTY (not this feature); -EPROTO (a
 *   reply larger than @p out_cap, or malformed).
 */
int vfio_user_client_device_feature(struct vfio_user_client *c, uint32_t flags,
		const void *data, size_t len, void *out, size_t out_cap, size_t *out_len);

/**
 * Set the VF token on a PF (VFIO_DEVICE_FEATURE_SET |
 * VFIO_DEVICE_FEATURE_PCI_VF_TOKEN), as vfio-pci's VF token is set: VF
 * clients must then present the same UUID, in text form, in VERSION
 * (vfio_user_uuid_format() gives it).
 */
int vfio_user_client_set_vf_token(struct vfio_user_client *c,
		const uint8_t uuid[VFIO_USER_UUID_LEN]);

#endif /* VFIO_USER_CLIENT_H */
