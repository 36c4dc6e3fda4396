/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SRIOV_MBX_H
#define SRIOV_MBX_H

/*
 * The PF's side of the PF/VF mailbox (doc/mailbox.rst): one entry point that
 * takes a VF's request as it arrived, judges it (VF state, rate, wire format,
 * session, permissions against the VPort), applies it to the VF's guest state
 * in the switch and writes the one reply. Device programming is left to the
 * caller, told what changed through the action bits.
 *
 * Runs in the PF's control thread, the one owner of VF state.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sriov_switch.h"
#include "svnic_mbx.h"

/* What the caller must do once the reply is sent. */
#define SRIOV_MBX_ACT_RESET		(1u << 0)	/* VF asked RESET_REQUEST: reset it */
#define SRIOV_MBX_ACT_QUARANTINED	(1u << 1)	/* VF just quarantined: tell the operator */
#define SRIOV_MBX_ACT_RX_MODE		(1u << 2)	/* promisc / allmulti changed */
#define SRIOV_MBX_ACT_FILTERS		(1u << 3)	/* MAC or MAC/multicast/VLAN filters */
#define SRIOV_MBX_ACT_RSS		(1u << 4)	/* RSS function, key, table or types */
#define SRIOV_MBX_ACT_MTU		(1u << 5)
#define SRIOV_MBX_ACT_GUEST_UP		(1u << 6)	/* first HELLO: the VF driver is up */
/* Queues were enabled or disabled: for each VF-relative queue whose bit in
 * guest.queues_enabled differs from the device, issue QUEUE_CONFIG for the
 * device queue sriov_vf_queue_abs() names (enable: from guest.queues[][]). */
#define SRIOV_MBX_ACT_QUEUES		(1u << 7)

/* The largest reply the handler writes: a header and the stats payload. */
#define SRIOV_MBX_REPLY_MAX \
	(sizeof(struct svnic_mbx_hdr) + sizeof(struct svnic_mbx_stats))

/* What the PF and its device offer; constant for the PF's lifetime. */
struct sriov_mbx_ops {
	/**
	 * Fill @p st with the VPort's counters (rsvd is cleared afterwards).
	 * NULL: GET_STATS is answered EOPNOTSUPP.
	 * @return 0 or a negative errno, sent to the VF as its positive value.
	 */
	int (*get_stats)(void *ctx, uint16_t vf_id, struct svnic_mbx_stats *st);
	/*
	 * SVNIC_MBX_CAP_RSS, _VLAN_OFFLOAD, _LINK_EVENTS; 1.1: _HEAD_WB (CONFIG_QUEUE
	 * may ask for head write-back); 1.2: SVNIC_MBX_CAP_OFFLOADS, _SHARED_RX (the
	 * PF can put messages in a VF's RX window itself)
	 */
	uint32_t pf_caps;
	uint16_t rss_key_size;		/* bytes, <= SVNIC_RSS_KEY_MAX; 0: no RSS */
	uint16_t rss_table_size;	/* 0 or a power of two <= SVNIC_RSS_TABLE_MAX */
	uint64_t rss_hash_types;	/* SVNIC_RSS_HF_* the device hashes on */
	uint16_t min_mtu;		/* 0: SVNIC_MTU_MIN */
	uint16_t max_mtu;		/* 0: SVNIC_MTU_MAX */
};

/**
 * Handle one request of VF @p vf_id and write its reply.
 *
 * Every request is answered exactly once, with its seq and a status (0 or a
 * positive errno); a message too short for a header is answered with seq 0,
 * opcode 0 and EMSGSIZE. A refused request changes nothing in the VF's guest
 * state. Malformed and over-rate requests are strikes against the VF; enough
 * of them quarantine it (SRIOV_MBX_ACT_QUARANTINED).
 *
 * @param now_ns monotonic time, for the VF's rate limiter.
 * @param reply buffer of @p reply_cap >= SRIOV_MBX_REPLY_MAX bytes.
 * @param reply_len set to the reply's length (0 when no reply was written).
 * @param actions set to the SRIOV_MBX_ACT_* the caller must carry out.
 * @return 0 when a reply was written (whatever its status); -EINVAL for bad
 *   arguments or inconsistent @p ops, -ENOBUFS for a small reply buffer,
 *   -ENODEV when @p vf_id names no VF. No reply is written on error.
 */
int sriov_mbx_handle(struct sriov_switch *sw, uint16_t vf_id, const struct sriov_mbx_ops *ops,
		     void *ctx, uint64_t now_ns, const void *req, size_t req_len, void *reply,
		     size_t reply_cap, size_t *reply_len, unsigned int *actions);

/**
 * Build a LINK_EVENT notice. @return the message length, 0 when @p cap is short.
 */
size_t sriov_mbx_build_link_event(void *buf, size_t cap, uint32_t seq, bool link_up,
				  bool full_duplex, uint32_t speed_mbps);

/**
 * Build a RESET_NOTICE (@p reason SVNIC_MBX_RESET_*). The VF must HELLO again.
 * @return the message length, 0 when @p cap is short or @p reason is unknown.
 */
size_t sriov_mbx_build_reset_notice(void *buf, size_t cap, uint32_t seq, uint32_t reason);

/** Build a PF_GOING_DOWN notice. @return the message length, 0 when @p cap is short. */
size_t sriov_mbx_build_going_down(void *buf, size_t cap, uint32_t seq);

#endif /* SRIOV_MBX_H */
