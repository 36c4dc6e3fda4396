/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_EMU_UPLINK_H
#define SVNIC_EMU_UPLINK_H

/**
 * @file
 * The uplink of svnic-emu's NIC switch: where frames leave the device and
 * where frames from the outside come in.
 *
 * Backends ("loopback", "null", "tap:IFNAME") sit behind struct
 * svnic_uplink_ops; the common layer around them counts frames and, when
 * asked, captures every frame crossing the uplink in both directions to a
 * pcap file (libpcap). All calls are non-blocking; a backend with a file
 * descriptor exposes it for poll()/epoll (svnic_uplink_fd()).
 *
 * One thread at a time per uplink (the device's datapath thread).
 */

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "svnic_mbx.h"	/* SVNIC_MTU_MAX */

/** largest frame by default: the spec's largest MTU, an Ethernet header and two tags */
#define SVNIC_UPLINK_FRAME_MAX		(SVNIC_MTU_MAX + 14 + 8)
#define SVNIC_UPLINK_LOOP_DEPTH		256	/**< loopback queue depth by default */
#define SVNIC_UPLINK_LOOP_DEPTH_MAX	65536

enum svnic_uplink_kind {
	SVNIC_UPLINK_NULL,	/**< sends vanish, nothing arrives */
	SVNIC_UPLINK_LOOPBACK,	/**< what is sent comes back, bounded queue */
	SVNIC_UPLINK_TAP,	/**< a kernel tap interface (/dev/net/tun) */
};

/** A parsed command-line spec. */
struct svnic_uplink_spec {
	enum svnic_uplink_kind kind;
	char ifname[IF_NAMESIZE];	/**< SVNIC_UPLINK_TAP only */
};

/** Options for svnic_uplink_open(); zero means the default. */
struct svnic_uplink_opts {
	const char *pcap_path;		/**< capture both directions here; NULL: none */
	uint32_t frame_max;		/**< largest frame, 0: SVNIC_UPLINK_FRAME_MAX */
	uint32_t loop_depth;		/**< loopback queue, 0: SVNIC_UPLINK_LOOP_DEPTH */
};

/** Counters of an uplink, from the device's side: tx leaves, rx arrives. */
struct svnic_uplink_stats {
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t tx_drops;		/**< backend full, oversized, or I/O error */
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t rx_drops;		/**< did not fit the caller's buffer */
	uint64_t capture_frames;	/**< written to the pcap file */
};

struct svnic_uplink;

/**
 * A backend. The common layer validates arguments, counts and captures; the
 * backend only moves bytes.
 */
struct svnic_uplink_ops {
	const char *kind;
	/**
	 * Set up @p ul's backend state (svnic_uplink_set_priv()); @p opts has
	 * its defaults filled in. 0, or -errno with a message in @p err.
	 */
	int (*open)(struct svnic_uplink *ul, const struct svnic_uplink_spec *spec,
		    const struct svnic_uplink_opts *opts, char *err, size_t errlen);
	/** Queue one frame; 0, or -EAGAIN / -ENOBUFS when full, -errno. Never blocks. */
	int (*send)(struct svnic_uplink *ul, const uint8_t *frame, size_t len);
	/**
	 * Take one frame into @p buf; its length, 0 when none is waiting,
	 * -EMSGSIZE when it was longer than @p cap (dropped), -errno.
	 */
	ssize_t (*recv)(struct svnic_uplink *ul, uint8_t *buf, size_t cap);
	/** A pollable fd, or -1. May be NULL. */
	int (*fd)(const struct svnic_uplink *ul);
	/** 1 when frames can pass, 0 when not, -errno. NULL: always up. */
	int (*link_up)(const struct svnic_uplink *ul);
	/** Release the backend state. */
	void (*close)(struct svnic_uplink *ul);
};

/**
 * Parse "loopback", "null" or "tap:IFNAME".
 *
 * @param err  receives a message naming the problem (may be NULL); nothing
 *   is logged, the caller reports it.
 * @return 0, or -EINVAL.
 */
int svnic_uplink_parse(const char *str, struct svnic_uplink_spec *spec, char *err,
		       size_t errlen);

/**
 * Open an uplink. For a tap, the interface is created when absent (this needs
 * CAP_NET_ADMIN), left down (bring it up with `ip link set IFNAME up`) and
 * deleted at close unless it was made persistent beforehand.
 *
 * @param opts  may be NULL.
 * @param out   the uplink on success.
 * @param err   receives a message naming the problem (may be NULL).
 * @return 0, or -EINVAL, -ENOMEM, -EPERM (no CAP_NET_ADMIN), -ENOENT (no
 *   /dev/net/tun), or the errno of the failing step.
 */
int svnic_uplink_open(const struct svnic_uplink_spec *spec, const struct svnic_uplink_opts *opts,
		      struct svnic_uplink **out, char *err, size_t errlen);

/** Close an uplink and its capture (flushed); NULL is fine. */
void svnic_uplink_close(struct svnic_uplink *ul);

/**
 * Send one frame. Non-blocking: when the backend is full the frame is dropped
 * and counted.
 *
 * @return 0, -EINVAL (NULL, empty), -EMSGSIZE (over frame_max), -EAGAIN or
 *   -ENOBUFS (full, dropped), -EIO (a tap that is down), or the backend's
 *   -errno; every failure but -EINVAL counts in tx_drops.
 */
int svnic_uplink_send(struct svnic_uplink *ul, const uint8_t *frame, size_t len);

/**
 * The loopback's short cut: with nothing queued in its ring, a loopback
 * uplink takes @p frame as sent and received at once (counted, and captured,
 * both ways), and the caller switches it again as arriving from the uplink
 * without the frame going through the ring. Frames queued ahead keep it
 * from jumping the queue; another kind of uplink never reflects.
 *
 * @return true if taken; false: send it with svnic_uplink_send().
 */
bool svnic_uplink_reflect(struct svnic_uplink *ul, const uint8_t *frame, size_t len);

/**
 * Whether a receive would surely find nothing, without the caller's lock: true
 * only for a loopback whose queue looked empty (a frame queued meanwhile by
 * another thread is seen on a later look). Other kinds answer false.
 */
bool svnic_uplink_surely_empty(const struct svnic_uplink *ul);

/**
 * Receive one frame, non-blocking.
 *
 * @return its length, 0 when none is waiting, -EMSGSIZE (longer than @p cap:
 *   dropped and counted), -EINVAL, or the backend's -errno.
 */
ssize_t svnic_uplink_recv(struct svnic_uplink *ul, uint8_t *buf, size_t cap);

/** @return a descriptor to poll for input, or -1 (null, loopback). */
int svnic_uplink_fd(const struct svnic_uplink *ul);

/**
 * The uplink's link, for svnic_sw_set_uplink_link(): a tap is up when the
 * interface is administratively up and running; null and loopback always are.
 * Asks the kernel each time: call it from the control path, not per frame.
 *
 * @return 1 up, 0 down, or -errno.
 */
int svnic_uplink_link_up(const struct svnic_uplink *ul);

/** @return 0, -EINVAL. */
int svnic_uplink_stats_get(const struct svnic_uplink *ul, struct svnic_uplink_stats *st);

/** Write buffered capture records to the file. @return 0, -EINVAL, -EIO. */
int svnic_uplink_flush(struct svnic_uplink *ul);

/** @return the uplink's spec as text ("tap:sv0"), never NULL. */
const char *svnic_uplink_name(const struct svnic_uplink *ul);

/** @return the largest frame this uplink sends or receives. */
uint32_t svnic_uplink_frame_max(const struct svnic_uplink *ul);

/** The backend state of @p ul, for the backend's own callbacks. */
void *svnic_uplink_priv(const struct svnic_uplink *ul);

/** Attach backend state to @p ul (from the backend's open callback). */
void svnic_uplink_set_priv(struct svnic_uplink *ul, void *priv);

/**
 * Open an uplink on a backend of the caller's (e.g. a wire backend), with the
 * common counting and capture. @p spec is handed to its open callback.
 *
 * @return as svnic_uplink_open().
 */
int svnic_uplink_open_ops(const struct svnic_uplink_ops *ops,
			  const struct svnic_uplink_spec *spec,
			  const struct svnic_uplink_opts *opts, struct svnic_uplink **out,
			  char *err, size_t errlen);

#endif /* SVNIC_EMU_UPLINK_H */
