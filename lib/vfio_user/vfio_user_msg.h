/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VFIO_USER_MSG_H
#define VFIO_USER_MSG_H

/*
 * Message framing over a connected UNIX stream socket: one header, its payload,
 * and file descriptors as SCM_RIGHTS ancillary data. Partial reads and writes,
 * EINTR and EAGAIN are handled here; a started message must complete within a
 * deadline so a stalled peer cannot hold the other side forever.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vfio_user_proto.h"

struct vfio_user_msg {
	struct vfio_user_hdr hdr;
	uint8_t *data;		/**< payload (msg_size - 16 bytes), NULL when empty */
	size_t len;
	int fds[VFIO_USER_MAX_MSG_FDS];
	unsigned int nfds;
	bool fds_dropped;	/**< more fds were sent than we take; all were closed */
};

/** Empty message with no payload and no fds. */
void vfio_user_msg_init(struct vfio_user_msg *m);
/** Close every fd still held by @p m (entries set to -1 are skipped). */
void vfio_user_msg_close_fds(struct vfio_user_msg *m);
/** Free the payload and close the fds. */
void vfio_user_msg_release(struct vfio_user_msg *m);

/**
 * Check a header on its own: msg_size within [16, @p max_size], no unknown
 * flag bits, a known message type.
 * @return 0, -EINVAL for bad flags or type, -EMSGSIZE for a bad msg_size.
 */
int vfio_user_hdr_check(const struct vfio_user_hdr *h, size_t max_size);

/**
 * Check a command received by a server: type, flags, command id, the
 * command's minimum payload and how many fds it may carry.
 * @return 0; -ENOSYS for a command we do not serve; -ENOTSUP for
 *   DEVICE_FEATURE; -EINVAL for anything malformed.
 */
int vfio_user_msg_check_request(const struct vfio_user_msg *m);

/**
 * Receive one message.
 * @param wait_first  wait up to @p timeout_ms for the first byte; otherwise
 *   return -EAGAIN at once when nothing is waiting.
 * @return 0; -EAGAIN (nothing waiting); -ECONNRESET (peer closed between
 *   messages); -ETIMEDOUT (a message did not complete in time); -EMSGSIZE or
 *   -EINVAL (header refused: nothing past it was read); -EPIPE (peer closed
 *   inside a message); -ENOMEM; other negative errno from the socket.
 *   On error @p m holds nothing.
 */
int vfio_user_msg_recv(int fd, struct vfio_user_msg *m, size_t max_size, int timeout_ms,
		bool wait_first);

/**
 * Send one message: @p hdr (msg_size is filled in) followed by @p iov, with
 * @p nfds descriptors (not closed). Gives up after @p timeout_ms.
 * @return 0 or negative errno (-ETIMEDOUT, -EPIPE, ...).
 */
int vfio_user_msg_send(int fd, const struct vfio_user_hdr *hdr, const struct iovec *iov,
		unsigned int iovcnt, const int *fds, unsigned int nfds, int timeout_ms);

/**
 * Reply to @p req: a plain reply with @p iov, or an error reply (header only)
 * when @p err (a positive errno) is not 0.
 */
int vfio_user_msg_reply(int fd, const struct vfio_user_hdr *req, uint32_t err,
		const struct iovec *iov, unsigned int iovcnt, const int *fds, unsigned int nfds,
		int timeout_ms);

/** Command name for log lines ("DMA_MAP"), "unknown" otherwise. */
const char *vfio_user_cmd_name(uint16_t cmd);

/** Milliseconds on the monotonic clock. */
uint64_t vfio_user_now_ms(void);

#endif /* VFIO_USER_MSG_H */
