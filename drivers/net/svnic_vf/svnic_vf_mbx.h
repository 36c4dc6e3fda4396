/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_VF_MBX_H
#define SVNIC_VF_MBX_H

/*
 * The VF's end of the PF/VF mailbox (doc/mailbox.rst, doc/device-spec.rst
 * "Mailbox"): one request at a time through the TX window of the VF's BAR0,
 * its reply (matched by seq) and the PF's notices through the RX window.
 * Every message from the PF goes through svnic_mbx_validate_from_pf() before
 * anything of it is used.
 *
 * No DPDK here: the driver reaches BAR0 and the clock through struct
 * svnic_vf_mbx_ops, so the unit test runs this code against lib/sriov's PF
 * handler in one process. Not thread-safe: the driver serialises the calls.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svnic_mbx.h"

/** How long a request waits for its reply unless the driver says otherwise. */
#define SVNIC_VF_MBX_TIMEOUT_US_DEFAULT	500000u
/** Between two looks at MBX_STATUS while waiting, with neither mirror nor interrupt. */
#define SVNIC_VF_MBX_POLL_US		20u
/**
 * With the MBX_STATUS mirror, how long a wait keeps looking at it (giving the
 * CPU away between looks) before it sleeps on the interrupt: a reply usually
 * comes within this.
 */
#define SVNIC_VF_MBX_SPIN_US		200u
/** The longest sleep on the interrupt: no reply is ever only interrupt-driven. */
#define SVNIC_VF_MBX_IRQ_WAIT_US	1000u

/** What the client needs of the device and of the platform. */
struct svnic_vf_mbx_ops {
	/** Page 0 register access (trapped); 0 or a negative errno. */
	int (*reg_read)(void *ctx, uint32_t off, uint32_t *val);
	int (*reg_write)(void *ctx, uint32_t off, uint32_t val);
	/**
	 * Optional: a write not waited for (posted), ordered before every later
	 * access of ours. Submitting a message and acknowledging a reply use it:
	 * their effect is seen in MBX_STATUS, so waiting for the write's own
	 * completion only adds a round trip through the PF to the device.
	 * NULL: reg_write.
	 */
	int (*reg_write_posted)(void *ctx, uint32_t off, uint32_t val);
	/**
	 * Let @p us microseconds pass (sleep, or let a test's PF run); 0: only
	 * give the CPU to whoever else wants it.
	 */
	void (*wait)(void *ctx, unsigned int us);
	/**
	 * Optional: sleep until the misc vector (INT_CAUSE.MBX_RX unmasked)
	 * fires or @p us pass, whichever is first. NULL: no interrupt.
	 */
	void (*irq_wait)(void *ctx, unsigned int us);
	/** A monotonic clock in microseconds. */
	uint64_t (*now_us)(void *ctx);
};

/**
 * A PF notice (LINK_EVENT, RESET_NOTICE, PF_GOING_DOWN), already validated:
 * @p payload holds hdr->len bytes. Called from within the client's calls; it
 * must not call back into the client.
 */
typedef void (*svnic_vf_mbx_notice_cb)(void *arg, const struct svnic_mbx_hdr *hdr,
				       const void *payload);

/** What the client saw that it did not use. */
struct svnic_vf_mbx_counters {
	uint64_t requests;	/**< sent */
	uint64_t refused;	/**< answered with a non-zero status */
	uint64_t timeouts;	/**< not answered in time */
	uint64_t notices;	/**< handed to the callback */
	uint64_t stale;		/**< valid replies to another seq, dropped */
	uint64_t garbage;	/**< messages that failed validation, dropped */
	uint64_t shared_tx;	/**< of the requests, left in the shared TX window */
	uint64_t shared_rx;	/**< messages the PF put in the RX window itself */
};

struct svnic_vf_mbx {
	const struct svnic_vf_mbx_ops *ops;
	void *ctx;
	uint8_t *tx_win;		/**< BAR0 SVNIC_VF_MBX_TX_WIN, 2048 bytes */
	const uint8_t *rx_win;		/**< BAR0 SVNIC_VF_MBX_RX_WIN, 2048 bytes */
	svnic_vf_mbx_notice_cb notice_cb;
	void *notice_arg;
	uint32_t timeout_us;
	uint32_t seq;			/**< of the last request */
	uint16_t version;		/**< agreed by HELLO; 0: no session */
	uint32_t pf_caps;		/**< of the HELLO reply */
	/** MBX_STATUS as the device mirrors it in shared memory; NULL: trapped reads. */
	const uint32_t *status_mirror;
	/**
	 * The device flips MBX_STATUS.RX_SEQ with each message (spec 1.2): the
	 * ack may be posted, and until it lands a status still showing the
	 * message taken last (same RX_SEQ) says nothing new.
	 */
	bool post_ack;
	bool ack_in_flight;		/**< posted, not seen landed yet */
	uint32_t rx_seq_taken;		/**< RX_SEQ of the message taken last */
	/**
	 * The shared TX mailbox (spec 1.3): our notify page, where the message's
	 * sequence lock is; NULL: the device copies each message (TX_BUSY).
	 */
	void *shtx_notify;
	uint32_t shtx_seq;		/**< written last; kept across resets */
	/**
	 * The shared RX mailbox (spec 1.3, mailbox CAP_SHARED_RX): our notify
	 * page, where the PF's SHRX words are; NULL: not offered in HELLO.
	 */
	void *shrx_notify;
	uint32_t shrx_taken;		/**< SHRX_SEQ of the message taken last */
	struct svnic_vf_mbx_counters cnt;
};

/**
 * Set up @p m over the device behind @p ops / @p ctx and its windows. No
 * message is exchanged. @return 0 or -EINVAL.
 */
int svnic_vf_mbx_init(struct svnic_vf_mbx *m, const struct svnic_vf_mbx_ops *ops, void *ctx,
		      void *tx_win, const void *rx_win, svnic_vf_mbx_notice_cb cb, void *cb_arg);

/**
 * Wait on @p mirror (BAR0 SVNIC_NOTIFY_MBX_STATUS, spec 1.1) instead of
 * reading MBX_STATUS through the trap; NULL goes back to the trapped reads.
 */
void svnic_vf_mbx_set_mirror(struct svnic_vf_mbx *m, const uint32_t *mirror);

/**
 * The device has MBX_STATUS.RX_SEQ (spec 1.2): acknowledge replies with a
 * posted write (ops->reg_write_posted) instead of a round trip.
 */
void svnic_vf_mbx_set_rx_seq(struct svnic_vf_mbx *m, bool on);

/**
 * MBX_STATUS.SHARED_TX is set (spec 1.3): leave each request in the TX window
 * framed by the sequence lock in @p notify (our notify page) and ring MBX_TX;
 * the PF reads it there. NULL goes back to the device's copy. The sequence
 * goes on from where it was: a PF that saw our last message must see the
 * next one as new, reset or not.
 */
void svnic_vf_mbx_set_shared_tx(struct svnic_vf_mbx *m, void *notify);

/**
 * Offer the shared RX mailbox in HELLO (a spec 1.3 device): @p notify is our
 * notify page; messages the PF puts in the RX window itself are taken beside
 * the device's. NULL: not offered.
 */
void svnic_vf_mbx_set_shared_rx(struct svnic_vf_mbx *m, void *notify);

/**
 * Send request @p opcode with @p len payload bytes and wait for its reply.
 * Notices that arrive meanwhile go to the callback; replies to other seqs and
 * messages that fail validation are dropped and counted. A RESET_NOTICE or
 * PF_GOING_DOWN ends the wait: the PF will not answer.
 *
 * @param reply payload of a successful reply, @p reply_cap bytes; may be NULL
 *   when the opcode's reply has none.
 * @return 0; the PF's refusal as a negative errno (-EPERM, -EINVAL, ...);
 *   -ETIMEDOUT; -ECONNRESET (the VF was reset, HELLO again); -ESHUTDOWN (the
 *   PF is going down); -EIO (the device cannot be reached); -EINVAL (bad
 *   arguments); -EOPNOTSUPP (an opcode newer than the session's version: not
 *   sent).
 */
int svnic_vf_mbx_request(struct svnic_vf_mbx *m, uint16_t opcode, const void *payload,
			 uint16_t len, void *reply, uint16_t reply_cap);

/**
 * Take what waits in the RX window, outside a request: notices go to the
 * callback. @return how many messages were taken, or -EIO.
 */
int svnic_vf_mbx_poll(struct svnic_vf_mbx *m);

/**
 * HELLO: offer @p minor of our major (SVNIC_MBX_VERSION_MINOR normally) and
 * learn the version both use and the PF's capabilities (m->version, m->pf_caps).
 * @return 0, -EPROTONOSUPPORT (the PF speaks another major), or as above.
 */
int svnic_vf_mbx_hello(struct svnic_vf_mbx *m, uint16_t minor);

/** GET_RESOURCES into @p r. @return 0 or as svnic_vf_mbx_request(). */
int svnic_vf_mbx_get_resources(struct svnic_vf_mbx *m, struct svnic_mbx_resources *r);

/** SET_MAC, ADD_MAC_FILTER or DEL_MAC_FILTER (@p opcode) of @p mac. */
int svnic_vf_mbx_mac(struct svnic_vf_mbx *m, uint16_t opcode, const uint8_t mac[6]);

/** SET_MULTICAST_LIST: @p count (<= SVNIC_MBX_MC_ADDRS_MAX) addresses of 6 bytes. */
int svnic_vf_mbx_mc_list(struct svnic_vf_mbx *m, const uint8_t (*addrs)[6], uint16_t count);

/** SET_PROMISC, SET_ALLMULTI or (1.2) SET_VLAN_STRIP (@p opcode). */
int svnic_vf_mbx_enable(struct svnic_vf_mbx *m, uint16_t opcode, bool on);

/** ADD_VLAN or DEL_VLAN (@p opcode). */
int svnic_vf_mbx_vlan(struct svnic_vf_mbx *m, uint16_t opcode, uint16_t vlan_id);

/**
 * CONFIG_RSS: Toeplitz over @p hash_types; @p key of @p key_len bytes (0: keep),
 * @p table of @p table_len entries (0: keep).
 */
int svnic_vf_mbx_rss(struct svnic_vf_mbx *m, uint64_t hash_types, const uint8_t *key,
		     uint8_t key_len, const uint16_t *table, uint16_t table_len);

int svnic_vf_mbx_mtu(struct svnic_vf_mbx *m, uint16_t mtu);
int svnic_vf_mbx_stats(struct svnic_vf_mbx *m, struct svnic_mbx_stats *st);

/** CONFIG_QUEUE (1.1). */
int svnic_vf_mbx_config_queue(struct svnic_vf_mbx *m, const struct svnic_mbx_queue_cfg *q);

/** ENABLE_QUEUES or DISABLE_QUEUES (@p opcode) of the queues in the bitmaps (1.1). */
int svnic_vf_mbx_queues(struct svnic_vf_mbx *m, uint16_t opcode, uint64_t rx, uint64_t tx);

#endif /* SVNIC_VF_MBX_H */
