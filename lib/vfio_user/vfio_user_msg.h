/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VFIO_USER_MSG_H
#define VFIO_USER_MSG_H

/*
 * Message framing over a connected UNIX stream socket: one header, its payload,
 * and file descriptors as SCM_RIGHTS ancillary data. Partial reads and writes,
 * EINTR and EAGAIN are handled here; a started message must complete within a
 * deadline so a stalled peer cannot hold the other side forever.
 *
 * A connection that lives long keeps a receive buffer (struct vfio_user_rx):
 * one recvmsg() takes a small message whole, header and payload, and whatever
 * the peer sent after it, which the next receive hands out without a system
 * call. File descriptors stay with the message they came with: the kernel
 * ends a read after the data its fds came with, so they belong to the message
 * holding the last byte of that read.
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
	bool borrowed;		/**< @p data is the receive buffer's, good until its next receive */
};

/** Bytes a receive buffer reads ahead; messages up to this size need no allocation. */
#define VFIO_USER_RX_BUF	512u

/** Descriptors that came with bytes still in a receive buffer. */
struct vfio_user_rx_fds {
	uint64_t at;		/* stream offset of the last byte of the read they came with */
	unsigned int nfds;
	bool dropped;
	int fds[VFIO_USER_MAX_MSG_FDS];
};

/** One connection's receive side; vfio_user_rx_init() before use. */
struct vfio_user_rx {
	uint64_t seen;		/* bytes read from the socket so far */
	size_t head;		/* buf[head, tail): read, not handed out yet */
	size_t tail;
	bool exact;		/* never read past the message being received */
	bool block;		/* a first byte may be waited for in recvmsg() itself */
	unsigned int nsets;	/* at most 2: the head message's, the last read's */
	struct vfio_user_rx_fds sets[2];
	uint64_t payload[VFIO_USER_RX_BUF / sizeof(uint64_t)];	/* a borrowed payload */
	uint8_t buf[VFIO_USER_RX_BUF];
};

/** Receive flags. */
#define VFIO_USER_RX_WAIT	(1u << 0)	/**< wait up to the timeout for a first byte */
#define VFIO_USER_RX_STARTED	(1u << 1)	/**< read only to finish a message begun */
#define VFIO_USER_RX_NO_READ	(1u << 2)	/**< only a message already buffered whole */
#define VFIO_USER_RX_OWN	(1u << 3)	/**< allocate the payload: it outlives the buffer */

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
 * Set up @p rx. @p exact: read no byte past the message being received (for
 * a socket others read too); @p block: the socket is blocking with
 * SO_RCVTIMEO set to the timeout given to vfio_user_rx_recv(), so a receive
 * with VFIO_USER_RX_WAIT sleeps in recvmsg() rather than in poll() first.
 */
void vfio_user_rx_init(struct vfio_user_rx *rx, bool exact, bool block);
/** Drop what @p rx holds: buffered bytes, and fds, which are closed. */
void vfio_user_rx_reset(struct vfio_user_rx *rx);
/** True while @p rx holds bytes of a message not handed out yet. */
bool vfio_user_rx_pending(const struct vfio_user_rx *rx);

/**
 * Receive one message through @p rx: from what is buffered when a whole one
 * is there, else from @p fd. @p flags: VFIO_USER_RX_*. Without
 * VFIO_USER_RX_OWN, a payload that fits the buffer is lent (m->borrowed) until
 * the next receive on @p rx.
 * @return as vfio_user_msg_recv(); -EAGAIN also when VFIO_USER_RX_STARTED or
 *   VFIO_USER_RX_NO_READ forbid the read needed. After any other error the
 *   stream is out of step: drop the connection and vfio_user_rx_reset().
 */
int vfio_user_rx_recv(struct vfio_user_rx *rx, int fd, struct vfio_user_msg *m,
		size_t max_size, int timeout_ms, unsigned int flags);

/**
 * Receive one message, reading nothing past it.
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
/** The same clock in nanoseconds. */
uint64_t vfio_user_now_ns(void);

#endif /* VFIO_USER_MSG_H */
