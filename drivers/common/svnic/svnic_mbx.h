/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_MBX_H
#define SVNIC_MBX_H

/*
 * The PF/VF mailbox: the backchannel between a VF's driver and the PF's driver
 * (NDIS "PF/VF backchannel"). Each message is a 16-byte header followed by an
 * opcode-specific payload; every VF request gets exactly one reply carrying the
 * request's sequence number and a status (0 or a positive errno). The PF may send
 * unsolicited notices (link, reset, going down), which are not answered.
 *
 * Wire byte order is little-endian. Reserved fields are sent as zero and a
 * message with a non-zero reserved field is refused, so they can be given a
 * meaning in a later minor version. Shared by the PF PMD, the VF PMD and the
 * device model: the two ends cannot drift.
 */

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "svnic_desc.h"	/* ring and buffer limits of CONFIG_QUEUE */
#include "svnic_regs.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "svnic wire formats are little-endian; a big-endian port needs conversions here"
#endif

#define SVNIC_MBX_VERSION_MAJOR	1
/*
 * 1.1: CONFIG_QUEUE, ENABLE_QUEUES, DISABLE_QUEUES and CAP_QUEUE_CFG;
 * 1.2: SET_VLAN_STRIP and the offload capabilities (CAP_VLAN_STRIP ...)
 */
#define SVNIC_MBX_VERSION_MINOR	2
#define SVNIC_MBX_VERSION(maj, min)	((uint16_t)(((maj) << 8) | (min)))
#define SVNIC_MBX_VERSION_GET_MAJOR(v)	((uint16_t)((v) >> 8))
#define SVNIC_MBX_VERSION_GET_MINOR(v)	((uint16_t)((v) & 0xff))

/* One message, header included, fits the mailbox window of a VF's BAR0. */
#define SVNIC_MBX_MSG_MAX	2048u

enum svnic_mbx_opcode {
	/* VF to PF requests */
	SVNIC_MBX_OP_HELLO		= 0x01,
	SVNIC_MBX_OP_GET_RESOURCES	= 0x02,
	SVNIC_MBX_OP_SET_MAC		= 0x03,
	SVNIC_MBX_OP_ADD_MAC_FILTER	= 0x04,
	SVNIC_MBX_OP_DEL_MAC_FILTER	= 0x05,
	SVNIC_MBX_OP_SET_MULTICAST_LIST	= 0x06,
	SVNIC_MBX_OP_SET_PROMISC	= 0x07,
	SVNIC_MBX_OP_SET_ALLMULTI	= 0x08,
	SVNIC_MBX_OP_ADD_VLAN		= 0x09,
	SVNIC_MBX_OP_DEL_VLAN		= 0x0a,
	SVNIC_MBX_OP_CONFIG_RSS		= 0x0b,
	SVNIC_MBX_OP_SET_MTU		= 0x0c,
	SVNIC_MBX_OP_GET_STATS		= 0x0d,
	SVNIC_MBX_OP_RESET_REQUEST	= 0x0e,
	/* since 1.1: refused EOPNOTSUPP in a session that agreed on 1.0 */
	SVNIC_MBX_OP_CONFIG_QUEUE	= 0x0f,
	SVNIC_MBX_OP_ENABLE_QUEUES	= 0x10,
	SVNIC_MBX_OP_DISABLE_QUEUES	= 0x11,
	/* since 1.2 */
	SVNIC_MBX_OP_SET_VLAN_STRIP	= 0x12,	/* the device strips the VF's RX VLAN tags */
	SVNIC_MBX_OP_REQ_MAX		= SVNIC_MBX_OP_SET_VLAN_STRIP,
	/* PF to VF notices */
	SVNIC_MBX_OP_LINK_EVENT		= 0x81,
	SVNIC_MBX_OP_RESET_NOTICE	= 0x82,
	SVNIC_MBX_OP_PF_GOING_DOWN	= 0x83,
};

#define SVNIC_MBX_F_REPLY	0x0001	/* answer to the request with the same seq */
#define SVNIC_MBX_F_NOTICE	0x0002	/* unsolicited PF-to-VF message, not answered */
#define SVNIC_MBX_F_MASK	(SVNIC_MBX_F_REPLY | SVNIC_MBX_F_NOTICE)

struct svnic_mbx_hdr {
	uint16_t version;	/* SVNIC_MBX_VERSION(major, minor) */
	uint16_t opcode;	/* enum svnic_mbx_opcode */
	uint16_t flags;		/* SVNIC_MBX_F_* */
	uint16_t len;		/* payload bytes following the header */
	uint32_t seq;		/* chosen by the requester, echoed in the reply */
	uint32_t status;	/* replies: 0 or a positive errno; requests: 0 */
};
static_assert(sizeof(struct svnic_mbx_hdr) == 16, "mailbox header is 16 bytes");

#define SVNIC_MBX_PAYLOAD_MAX	(SVNIC_MBX_MSG_MAX - sizeof(struct svnic_mbx_hdr))

/* Limits a VF can be granted; the PF grants less to untrusted VFs. */
#define SVNIC_MBX_MAC_FILTERS_MAX	16
#define SVNIC_MBX_MC_ADDRS_MAX		64
#define SVNIC_MBX_VLAN_FILTERS_MAX	64
#define SVNIC_RSS_KEY_MAX		52
#define SVNIC_RSS_TABLE_MAX		512
#define SVNIC_MTU_MIN			68
#define SVNIC_MTU_MAX			9600

/* Capability bits (HELLO and GET_RESOURCES). */
#define SVNIC_MBX_CAP_RSS		(1u << 0)
#define SVNIC_MBX_CAP_VLAN_OFFLOAD	(1u << 1)
#define SVNIC_MBX_CAP_TRUSTED		(1u << 2)	/* resources: the VF is trusted */
#define SVNIC_MBX_CAP_PORT_VLAN		(1u << 3)	/* resources: a port VLAN is set */
#define SVNIC_MBX_CAP_ADMIN_MAC		(1u << 4)	/* resources: the operator set the MAC */
#define SVNIC_MBX_CAP_LINK_EVENTS	(1u << 5)
/* resources (1.1): the VF sets up its queues with CONFIG_QUEUE and ENABLE_QUEUES */
#define SVNIC_MBX_CAP_QUEUE_CFG		(1u << 6)
/*
 * resources (1.2): what the device does for the VF's queues. TX offloads are
 * asked per packet in the TX descriptor, VLAN strip with SET_VLAN_STRIP; RX
 * checksum results are in every RX descriptor.
 */
#define SVNIC_MBX_CAP_VLAN_STRIP	(1u << 7)
#define SVNIC_MBX_CAP_VLAN_INSERT	(1u << 8)
#define SVNIC_MBX_CAP_RX_CSUM		(1u << 9)	/* IPv4/TCP/UDP checksums checked */
#define SVNIC_MBX_CAP_TX_CSUM		(1u << 10)	/* IPv4/TCP/UDP checksums filled */
#define SVNIC_MBX_CAP_TX_MULTI_SEG	(1u << 11)	/* a packet over several descriptors */
/*
 * HELLO (1.2, on a spec 1.3 device): the VF offers to take messages from the
 * shared RX mailbox; the PF's answer has it when it will put its replies and
 * notices there (svnic_mbx_shrx_write/_read) instead of MBX_SEND.
 */
#define SVNIC_MBX_CAP_SHARED_RX		(1u << 12)
/*
 * resources (1.1 and later): the device has head write-back (spec
 * "QUEUE_CONFIG" HEAD_WB), so CONFIG_QUEUE may carry a head_wb_addr. Without
 * it the PF refuses one and the VF polls the descriptors' DONE bits.
 */
#define SVNIC_MBX_CAP_HEAD_WB		(1u << 13)
#define SVNIC_MBX_CAP_OFFLOADS		(SVNIC_MBX_CAP_VLAN_STRIP | SVNIC_MBX_CAP_VLAN_INSERT | \
					 SVNIC_MBX_CAP_RX_CSUM | SVNIC_MBX_CAP_TX_CSUM | \
					 SVNIC_MBX_CAP_TX_MULTI_SEG)

/* HELLO: the VF offers the highest version it speaks; the reply carries the
 * version both will use (same major, lower minor) and the PF's capabilities. */
struct svnic_mbx_hello {
	uint16_t major;
	uint16_t minor;
	uint32_t caps;
};
static_assert(sizeof(struct svnic_mbx_hello) == 8, "");

/* GET_RESOURCES reply. */
struct svnic_mbx_resources {
	uint16_t num_queue_pairs;	/* VF-relative queues 0..n-1, n <= SVNIC_VF_QP_MAX */
	uint16_t min_mtu;
	uint16_t max_mtu;
	uint16_t rss_key_size;
	uint16_t rss_table_size;
	uint16_t max_mac_filters;
	uint16_t max_vlan_filters;
	uint16_t max_mc_addrs;
	uint8_t mac[6];		/* the MAC the VF must use (operator's or permanent) */
	uint16_t port_vlan;	/* informational: 0 when none */
	uint32_t caps;
	uint32_t rsvd;
	uint64_t rss_hash_types;	/* SVNIC_RSS_HF_* the device hashes on */
};
static_assert(sizeof(struct svnic_mbx_resources) == 40, "");

/* SET_MAC, ADD_MAC_FILTER, DEL_MAC_FILTER */
struct svnic_mbx_mac {
	uint8_t addr[6];
	uint16_t rsvd;
};
static_assert(sizeof(struct svnic_mbx_mac) == 8, "");

/* SET_MULTICAST_LIST: replaces the whole list; count 0 clears it. */
struct svnic_mbx_mc_list {
	uint16_t count;
	uint16_t rsvd;
	uint8_t addrs[][6];
};
static_assert(sizeof(struct svnic_mbx_mc_list) == 4, "");

/* SET_PROMISC, SET_ALLMULTI, SET_VLAN_STRIP (1.2) */
struct svnic_mbx_enable {
	uint8_t enable;		/* 0 or 1 */
	uint8_t rsvd[3];
};
static_assert(sizeof(struct svnic_mbx_enable) == 4, "");

/* ADD_VLAN, DEL_VLAN */
struct svnic_mbx_vlan {
	uint16_t vlan_id;	/* 1..4094 */
	uint16_t rsvd;
};
static_assert(sizeof(struct svnic_mbx_vlan) == 4, "");

#define SVNIC_RSS_FUNC_DEFAULT	0
#define SVNIC_RSS_FUNC_TOEPLITZ	1
#define SVNIC_RSS_FUNC_MAX	SVNIC_RSS_FUNC_TOEPLITZ

#define SVNIC_RSS_HF_IPV4	(1ull << 0)
#define SVNIC_RSS_HF_IPV4_TCP	(1ull << 1)
#define SVNIC_RSS_HF_IPV4_UDP	(1ull << 2)
#define SVNIC_RSS_HF_IPV6	(1ull << 3)
#define SVNIC_RSS_HF_IPV6_TCP	(1ull << 4)
#define SVNIC_RSS_HF_IPV6_UDP	(1ull << 5)
#define SVNIC_RSS_HF_ALL	((1ull << 6) - 1)

/* CONFIG_RSS: key_len 0 keeps the key, table_len 0 keeps the table. Table
 * entries index the VF's own queues (0 .. num_queue_pairs - 1). */
struct svnic_mbx_rss {
	uint8_t hash_func;	/* SVNIC_RSS_FUNC_* */
	uint8_t key_len;	/* 0 or the device's key size */
	uint16_t table_len;	/* 0, or a power of two up to SVNIC_RSS_TABLE_MAX */
	uint32_t rsvd;
	uint64_t hash_types;	/* SVNIC_RSS_HF_* */
	uint8_t key[SVNIC_RSS_KEY_MAX];
	uint8_t rsvd2[4];
	uint16_t table[];
};
static_assert(sizeof(struct svnic_mbx_rss) == 72, "");

/* SET_MTU */
struct svnic_mbx_mtu {
	uint16_t mtu;
	uint16_t rsvd;
};
static_assert(sizeof(struct svnic_mbx_mtu) == 4, "");

#define SVNIC_MBX_QTYPE_RX		0
#define SVNIC_MBX_QTYPE_TX		1
#define SVNIC_MBX_QTYPE_NB		2

#define SVNIC_MBX_QCFG_F_SCATTER	0x01u	/* RX: a packet may use several buffers */
#define SVNIC_MBX_QCFG_F_MASK		SVNIC_MBX_QCFG_F_SCATTER

#define SVNIC_MBX_QUEUE_NO_VECTOR	0xffffu	/* the queue raises no interrupt */

/* A VF's queues are bits of a u64 in ENABLE_QUEUES / DISABLE_QUEUES. */
static_assert(SVNIC_VF_QP_MAX <= 64, "one u64 bit per VF queue");

/*
 * CONFIG_QUEUE (1.1): set up one disabled RX or TX queue of the VF. The PF keeps
 * it and hands it to the device (QUEUE_CONFIG, on the VF's behalf) when the VF
 * enables the queue; the ring and the head write-back lie in the VF's own DMA
 * space, which the device checks them against. Mirrors struct svnic_aq_queue_cfg
 * with VF-relative numbers.
 */
struct svnic_mbx_queue_cfg {
	uint16_t queue;		/* VF-relative, < GET_RESOURCES num_queue_pairs */
	uint8_t type;		/* SVNIC_MBX_QTYPE_* */
	uint8_t flags;		/* SVNIC_MBX_QCFG_F_* */
	uint16_t ring_size;	/* entries: power of two, SVNIC_RING_SIZE_MIN..MAX */
	uint16_t buf_size;	/* RX: SVNIC_RX_BUF_MIN..MAX, multiple of SVNIC_RX_BUF_ALIGN;
				 * TX: 0 */
	uint64_t ring_addr;	/* IOVA, non-zero, SVNIC_RING_ALIGN-aligned */
	uint64_t head_wb_addr;	/* 4-byte aligned IOVA for head write-back; 0: none */
	uint16_t vector;	/* MSI-X entry of the VF, or SVNIC_MBX_QUEUE_NO_VECTOR */
	uint16_t rsvd;
	uint32_t rsvd2;
};
static_assert(sizeof(struct svnic_mbx_queue_cfg) == 32, "");
static_assert(offsetof(struct svnic_mbx_queue_cfg, ring_addr) == 8, "");
static_assert(offsetof(struct svnic_mbx_queue_cfg, vector) == 24, "");

/* ENABLE_QUEUES, DISABLE_QUEUES (1.1): bit q names VF-relative queue q; at least
 * one bit set. Enabling needs the queue configured; disabling is idempotent. */
struct svnic_mbx_queues {
	uint64_t rx;
	uint64_t tx;
};
static_assert(sizeof(struct svnic_mbx_queues) == 16, "");

/* GET_STATS reply: the VPort's counters as the device keeps them. */
struct svnic_mbx_stats {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t rx_dropped;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t tx_dropped;
	uint64_t tx_spoofed;
	uint64_t rsvd;
};
static_assert(sizeof(struct svnic_mbx_stats) == 64, "");

/* LINK_EVENT notice */
struct svnic_mbx_link {
	uint8_t link_up;
	uint8_t full_duplex;
	uint16_t rsvd;
	uint32_t speed_mbps;
};
static_assert(sizeof(struct svnic_mbx_link) == 8, "");

#define SVNIC_MBX_RESET_PF		1	/* the PF reset the whole device */
#define SVNIC_MBX_RESET_OPERATOR	2	/* the operator reset this VF */

/* RESET_NOTICE notice: the VF's state is gone; re-run HELLO after it. */
struct svnic_mbx_reset_notice {
	uint32_t reason;	/* SVNIC_MBX_RESET_* */
	uint32_t rsvd;
};
static_assert(sizeof(struct svnic_mbx_reset_notice) == 8, "");

/** Name of an opcode for logs ("SET_MAC"), "UNKNOWN" otherwise. */
const char *svnic_mbx_op_name(uint16_t opcode);

/**
 * The minor version that introduced request @p opcode: a session that agreed
 * on an older minor may not send it.
 * @return the minor, or -EOPNOTSUPP when @p opcode is no request.
 */
int svnic_mbx_op_minor(uint16_t opcode);

/**
 * Check a VF-to-PF request as it arrived: header, version major, opcode, flags,
 * exact payload length for the opcode, counts and field ranges, reserved fields.
 * Nothing about the VF's permissions is judged here.
 * @return 0, or -EMSGSIZE (truncated, oversized, len mismatch), -EPROTONOSUPPORT
 *   (major version), -EOPNOTSUPP (unknown opcode), -EINVAL (bad field).
 */
int svnic_mbx_validate_request(const void *msg, size_t len);

/**
 * Check a PF-to-VF message (a reply to request @p req_opcode, or a notice) as the
 * VF driver receives it. @return 0 or a negative errno as above.
 */
int svnic_mbx_validate_from_pf(const void *msg, size_t len, uint16_t req_opcode);

/**
 * Write a header for a message of @p payload_len bytes into @p buf.
 * @return the message's total length, or 0 when it does not fit @p cap.
 */
size_t svnic_mbx_build(void *buf, size_t cap, uint16_t opcode, uint16_t flags,
		       uint32_t seq, uint32_t status, const void *payload,
		       uint16_t payload_len);

/*
 * The shared TX mailbox (device spec 1.3, MBX_STATUS.SHARED_TX). The VF leaves
 * its message in its TX window and frames it with two words of its notify
 * page, a sequence lock: SHTX_SEQ is odd while the VF writes, then even and
 * new once the message and SHTX_LEN are complete; 0 means no message yet. The
 * PF reads that memory while the VF may be rewriting it: it takes a message
 * only when the sequence it saw before its copy was even, new, and still the
 * same after the copy, and it judges only its own copy.
 */

/**
 * The VF's side: put @p msg (@p len bytes, 16..2048) in the window and
 * advance the sequence. @p notify is the VF's notify page, @p seq the
 * sequence it wrote last (0 at first), updated. Ring the doorbell after.
 */
void svnic_mbx_shtx_write(void *notify, void *tx_win, const void *msg, uint16_t len,
			  uint32_t *seq);

/**
 * The PF's side: take the message the VF framed, if there is a new one.
 * @p notify and @p tx_win are the VF's (shared, untrusted); @p last is the
 * sequence taken last (0 at first), updated when a message is taken.
 * A VF driver older than spec 1.3 never writes SHTX_SEQ (it stays 0): with
 * @p legacy_len, the length it wrote to MBX_TX (the MBX_MSG event's param0),
 * its window is copied as it is; 0 takes nothing from such a VF.
 * @return its length (16..@p cap, copied to @p out); 0: nothing new; -EAGAIN:
 *   the VF is writing (its doorbell comes after); -EMSGSIZE: a length outside
 *   16..@p cap, the message is counted as taken.
 */
int svnic_mbx_shtx_read(const void *notify, const void *tx_win, uint32_t *last,
			uint32_t legacy_len, void *out, size_t cap);

/*
 * The shared RX mailbox (device spec 1.3, negotiated with CAP_SHARED_RX): the
 * PF puts a message in the VF's RX window itself, then SHRX_LEN, then
 * SHRX_SEQ (release, never 0); the VF copies it, then writes the sequence to
 * SHRX_ACK. The PF writes only when the VF took the previous one (SHRX_ACK =
 * SHRX_SEQ) and the device's own RX_VALID (MBX_STATUS mirror) is clear; both
 * words live in the VF's notify page, which a VF reset zeroes, so the PF
 * keeps no state of its own.
 */

/**
 * The PF's side: put @p msg (16..2048 bytes) in the window. @p notify and
 * @p rx_win are the VF's. @return 0; -EAGAIN: the window is not free yet;
 * -EINVAL: bad length.
 */
int svnic_mbx_shrx_write(void *notify, void *rx_win, const void *msg, size_t len);

/**
 * The VF's side: take the PF's message, if there is a new one (@p taken: the
 * sequence taken last, updated), and acknowledge it in SHRX_ACK.
 * @return its length (copied to @p out, at most @p cap bytes); 0: nothing new;
 *   -EMSGSIZE: SHRX_LEN outside 16..@p cap (taken and acknowledged, dropped).
 */
int svnic_mbx_shrx_read(void *notify, const void *rx_win, uint32_t *taken, void *out,
			size_t cap);

/** SHRX_SEQ as it is now: where a VF starting a session takes up (acquire). */
uint32_t svnic_mbx_shrx_seq(const void *notify);

#endif /* SVNIC_MBX_H */
