/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_ADMINQ_H
#define SVNIC_ADMINQ_H

/*
 * The admin queue (PF only) and the event queue (device to PF), doc/device-spec.rst
 * "Admin queue". A command is one 64-byte descriptor: a fixed header, 32 bytes of
 * opcode-specific inline parameters, and optionally one indirect buffer in the
 * PF's DMA space. The device copies a descriptor before looking at it, checks it
 * with svnic_adminq_validate() (form) and then against its state (existence,
 * ownership, resources), executes it and writes the completion back in place:
 * status, ret_val, then flags with DONE (and ERR) last.
 *
 * Little-endian. Reserved fields are written 0 by the driver and a command with
 * a non-zero reserved field fails with SVNIC_AQ_ST_EINVAL, so a later minor
 * version can give them a meaning.
 */

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svnic_mbx.h"
#include "svnic_regs.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "svnic wire formats are little-endian; a big-endian port needs conversions here"
#endif

enum svnic_aq_opcode {
	SVNIC_AQ_OP_IDENTIFY		= 0x0001,
	SVNIC_AQ_OP_VPORT_CREATE	= 0x0002,
	SVNIC_AQ_OP_VPORT_DELETE	= 0x0003,
	SVNIC_AQ_OP_VPORT_MODIFY	= 0x0004,
	SVNIC_AQ_OP_QUEUE_CONFIG	= 0x0005,
	SVNIC_AQ_OP_MAC_FILTER_ADD	= 0x0006,
	SVNIC_AQ_OP_MAC_FILTER_DEL	= 0x0007,
	SVNIC_AQ_OP_VLAN_FILTER_ADD	= 0x0008,
	SVNIC_AQ_OP_VLAN_FILTER_DEL	= 0x0009,
	SVNIC_AQ_OP_RSS_CONFIG		= 0x000a,
	SVNIC_AQ_OP_GET_STATS		= 0x000b,
	SVNIC_AQ_OP_VF_RESET		= 0x000c,
	SVNIC_AQ_OP_VF_CONFIG_READ	= 0x000d,
	SVNIC_AQ_OP_VF_CONFIG_WRITE	= 0x000e,
	SVNIC_AQ_OP_MBX_SEND		= 0x000f,
	SVNIC_AQ_OP_MBX_RECV		= 0x0010,
	SVNIC_AQ_OP_MAX			= SVNIC_AQ_OP_MBX_RECV,
};

/* Descriptor flags. DONE and ERR are the device's; the driver writes them 0. */
#define SVNIC_AQ_F_DONE		0x0001u	/* completion written */
#define SVNIC_AQ_F_ERR		0x0002u	/* status != SVNIC_AQ_ST_OK */
#define SVNIC_AQ_F_IRQ		0x0004u	/* raise SVNIC_INT_ADMINQ on completion */
#define SVNIC_AQ_F_BUF		0x0008u	/* buf_addr/buf_len name an indirect buffer */
#define SVNIC_AQ_F_BUF_WR	0x0010u	/* the device writes the buffer (with F_BUF) */
#define SVNIC_AQ_F_DEV_MASK	(SVNIC_AQ_F_DONE | SVNIC_AQ_F_ERR)
#define SVNIC_AQ_F_DRV_MASK	(SVNIC_AQ_F_IRQ | SVNIC_AQ_F_BUF | SVNIC_AQ_F_BUF_WR)

#define SVNIC_AQ_BUF_MAX	4096u	/* bytes in one indirect buffer */
#define SVNIC_AQ_BUF_ALIGN	8u

/* Status codes: written by the device, converted by svnic_aq_status_to_errno(). */
enum svnic_aq_status {
	SVNIC_AQ_ST_OK		= 0,
	SVNIC_AQ_ST_EPERM	= 1,	/* not allowed (immutable field, wrong owner) */
	SVNIC_AQ_ST_ENOENT	= 2,	/* no such VPort, VF, filter, pending message */
	SVNIC_AQ_ST_EINVAL	= 3,	/* malformed: field, flag, reserved bit */
	SVNIC_AQ_ST_ENOSPC	= 4,	/* table full, no free VPort or queues */
	SVNIC_AQ_ST_EEXIST	= 5,	/* VPort id or filter already there */
	SVNIC_AQ_ST_EBUSY	= 6,	/* queue enabled, VF being reset */
	SVNIC_AQ_ST_EFAULT	= 7,	/* indirect buffer or ring not in the DMA map */
	SVNIC_AQ_ST_ERANGE	= 8,	/* index past the function's or VPort's range */
	SVNIC_AQ_ST_ENOTSUP	= 9,	/* unknown opcode or unsupported feature */
	SVNIC_AQ_ST_EMSGSIZE	= 10,	/* indirect buffer length wrong for the opcode */
	SVNIC_AQ_ST_EAGAIN	= 11,	/* try later: the VF's RX window is full */
	SVNIC_AQ_ST_EIO		= 12,	/* the device failed internally */
	SVNIC_AQ_ST_MAX		= SVNIC_AQ_ST_EIO,
};

/* The command descriptor. */
struct svnic_aq_desc {
	uint16_t opcode;	/* enum svnic_aq_opcode */
	uint16_t flags;		/* SVNIC_AQ_F_* */
	uint16_t status;	/* device: enum svnic_aq_status; driver: 0 */
	uint16_t rsvd;
	uint64_t cookie;	/* the driver's, never read by the device */
	uint64_t buf_addr;	/* with F_BUF: IOVA, SVNIC_AQ_BUF_ALIGN aligned; else 0 */
	uint32_t buf_len;	/* with F_BUF: 1..SVNIC_AQ_BUF_MAX; else 0 */
	uint32_t ret_val;	/* device: opcode-specific result; driver: 0 */
	uint8_t params[32];	/* struct svnic_aq_* of the opcode */
};
static_assert(sizeof(struct svnic_aq_desc) == 64, "admin descriptor is 64 bytes");
static_assert(offsetof(struct svnic_aq_desc, cookie) == 8, "");
static_assert(offsetof(struct svnic_aq_desc, buf_addr) == 16, "");
static_assert(offsetof(struct svnic_aq_desc, buf_len) == 24, "");
static_assert(offsetof(struct svnic_aq_desc, ret_val) == 28, "");
static_assert(offsetof(struct svnic_aq_desc, params) == 32, "");

/* Who owns a VPort or is the target of a command. */
#define SVNIC_AQ_FUNC_PF	0x0000u
#define SVNIC_AQ_FUNC_VF_FLAG	0x8000u
#define SVNIC_AQ_FUNC_VF(n)	((uint16_t)(SVNIC_AQ_FUNC_VF_FLAG | (n)))
#define SVNIC_AQ_FUNC_VF_MASK	0x00ffu
#define SVNIC_AQ_FUNC_IS_VF(f)	(((f) & SVNIC_AQ_FUNC_VF_FLAG) != 0)

/* --- IDENTIFY: no parameters; F_BUF|F_BUF_WR, buf_len >= 128 --- */

/* Offload capabilities (identify.offloads). */
#define SVNIC_CAP_RX_CSUM	(1ull << 0)	/* IPv4/TCP/UDP checksum check */
#define SVNIC_CAP_TX_CSUM	(1ull << 1)	/* IPv4/TCP/UDP checksum fill */
#define SVNIC_CAP_VLAN_STRIP	(1ull << 2)
#define SVNIC_CAP_VLAN_INSERT	(1ull << 3)
#define SVNIC_CAP_RSS		(1ull << 4)
#define SVNIC_CAP_RX_SCATTER	(1ull << 5)	/* packets over several RX buffers */
#define SVNIC_CAP_TX_MULTI_SEG	(1ull << 6)
#define SVNIC_CAP_HEAD_WB	(1ull << 7)	/* head index write-back */
#define SVNIC_CAP_ALL		((1ull << 8) - 1)

struct svnic_aq_identify {
	uint32_t version;		/* SVNIC_SPEC_VERSION */
	uint16_t total_vfs;		/* SR-IOV TotalVFs, 1..256 */
	uint16_t total_queue_pairs;	/* 1..SVNIC_QP_MAX */
	uint16_t max_vports;		/* 1..SVNIC_VPORTS_MAX */
	uint16_t max_vf_queue_pairs;	/* 1..SVNIC_VF_QP_MAX */
	uint16_t pf_msix_vectors;
	uint16_t vf_msix_vectors;
	uint16_t min_mtu;
	uint16_t max_mtu;
	uint16_t rss_key_size;		/* bytes, <= SVNIC_RSS_KEY_MAX */
	uint16_t rss_table_size;	/* entries, power of two <= SVNIC_RSS_TABLE_MAX */
	uint16_t max_mac_filters;	/* per VPort */
	uint16_t max_vlan_filters;	/* per VPort */
	uint16_t ring_size_min;
	uint16_t ring_size_max;
	uint16_t aq_size_max;		/* admin queue entries, <= SVNIC_QLEN_MAX */
	uint16_t rsvd0[3];
	uint64_t offloads;		/* SVNIC_CAP_* */
	uint64_t rss_hash_types;	/* SVNIC_RSS_HF_* */
	uint8_t perm_mac[6];		/* the PF's permanent address */
	uint16_t rsvd1;
	uint32_t link_speed;		/* Mbit/s */
	uint32_t link_status;		/* SVNIC_LINK_* */
	uint32_t rsvd2;
	uint32_t dev_caps;		/* 1.4: SVNIC_DEVCAP_*; 0 before */
	uint8_t rsvd3[48];
};
static_assert(sizeof(struct svnic_aq_identify) == 128, "");
static_assert(offsetof(struct svnic_aq_identify, offloads) == 40, "");
static_assert(offsetof(struct svnic_aq_identify, perm_mac) == 56, "");
static_assert(offsetof(struct svnic_aq_identify, link_speed) == 64, "");
static_assert(offsetof(struct svnic_aq_identify, dev_caps) == 76, "");

/*
 * Device capabilities (identify.dev_caps, since spec 1.4): what the device
 * offers the PF beyond the admin queue, as opposed to offloads, which the
 * datapath does for a queue.
 */
#define SVNIC_DEVCAP_STATS_PAGE	(1u << 0)	/* VPort counters in BAR0 (svnic_stats.h) */
#define SVNIC_DEVCAP_ALL	SVNIC_DEVCAP_STATS_PAGE

/* --- VPORT_CREATE, VPORT_MODIFY: struct svnic_aq_vport inline --- */

#define SVNIC_AQ_VPORT_F_SPOOFCHK	0x0001u	/* drop TX whose source MAC is not ours */
#define SVNIC_AQ_VPORT_F_TRUST		0x0002u	/* the owner may ask for privileged modes */
#define SVNIC_AQ_VPORT_F_MAC_LOCKED	0x0004u	/* the operator set the MAC */
#define SVNIC_AQ_VPORT_F_VLAN_STRIP	0x0008u	/* strip the outer 802.1Q tag on RX */
#define SVNIC_AQ_VPORT_F_MASK		0x000fu

#define SVNIC_AQ_LINK_AUTO		0	/* follows the uplink */
#define SVNIC_AQ_LINK_UP		1
#define SVNIC_AQ_LINK_DOWN		2
#define SVNIC_AQ_LINK_MAX		SVNIC_AQ_LINK_DOWN

#define SVNIC_AQ_RXM_UNICAST_PROMISC	0x01u
#define SVNIC_AQ_RXM_ALLMULTI		0x02u
#define SVNIC_AQ_RXM_BROADCAST		0x04u
#define SVNIC_AQ_RXM_MASK		0x07u

#define SVNIC_AQ_VLAN_VID_MASK		0x0fffu
#define SVNIC_AQ_VLAN_DEI		0x1000u	/* must be 0 in a port VLAN */
#define SVNIC_AQ_VLAN_PCP_SHIFT		13
#define SVNIC_AQ_VLAN_PROTO_8021Q	0x8100u
#define SVNIC_AQ_VLAN_PROTO_8021AD	0x88a8u

struct svnic_aq_vport {
	uint16_t vport_id;	/* 0..max_vports-1, chosen by the PF */
	uint16_t func;		/* SVNIC_AQ_FUNC_PF or SVNIC_AQ_FUNC_VF(n) */
	uint16_t queue_base;	/* first device queue pair */
	uint16_t nb_queues;	/* 1..; a VF's at most SVNIC_VF_QP_MAX */
	uint8_t mac[6];		/* unicast, non-zero */
	uint16_t vlan_tci;	/* port VLAN: VID | PCP << 13; 0: none */
	uint16_t vlan_proto;	/* SVNIC_AQ_VLAN_PROTO_*; 0 when vlan_tci is 0 */
	uint16_t flags;		/* SVNIC_AQ_VPORT_F_* */
	uint8_t link_state;	/* SVNIC_AQ_LINK_* */
	uint8_t rx_mode;	/* SVNIC_AQ_RXM_* */
	uint16_t mtu;		/* SVNIC_MTU_MIN..SVNIC_MTU_MAX */
	uint32_t max_tx_rate;	/* Mbit/s, 0: unlimited */
	uint32_t min_tx_rate;	/* Mbit/s, 0: none; <= max_tx_rate when that is set */
};
static_assert(sizeof(struct svnic_aq_vport) == 32, "");
static_assert(offsetof(struct svnic_aq_vport, mac) == 8, "");
static_assert(offsetof(struct svnic_aq_vport, flags) == 18, "");
static_assert(offsetof(struct svnic_aq_vport, max_tx_rate) == 24, "");

/* --- VPORT_DELETE --- */

struct svnic_aq_vport_id {
	uint16_t vport_id;
	uint8_t rsvd[30];
};
static_assert(sizeof(struct svnic_aq_vport_id) == 32, "");

/* --- QUEUE_CONFIG --- */

#define SVNIC_AQ_QTYPE_RX		0
#define SVNIC_AQ_QTYPE_TX		1

#define SVNIC_AQ_QCFG_F_ENABLE		0x01u	/* 0: disable (and drain) the queue */
#define SVNIC_AQ_QCFG_F_HEAD_WB		0x02u	/* head_wb_addr is valid */
#define SVNIC_AQ_QCFG_F_IRQ		0x04u	/* irq_vector is valid */
#define SVNIC_AQ_QCFG_F_SCATTER		0x08u	/* RX: a packet may use several buffers */
#define SVNIC_AQ_QCFG_F_MASK		0x0fu

struct svnic_aq_queue_cfg {
	uint16_t queue;		/* device queue pair, inside the VPort's range */
	uint8_t type;		/* SVNIC_AQ_QTYPE_* */
	uint8_t flags;		/* SVNIC_AQ_QCFG_F_* */
	uint16_t vport_id;
	uint16_t ring_size;	/* power of two, SVNIC_RING_SIZE_MIN..MAX */
	uint64_t ring_addr;	/* IOVA in the VPort owner's DMA space */
	uint64_t head_wb_addr;	/* with F_HEAD_WB: 4-byte aligned IOVA, else 0 */
	uint16_t buf_size;	/* RX: SVNIC_RX_BUF_MIN..MAX, multiple of 128; TX: 0 */
	uint16_t irq_vector;	/* with F_IRQ: MSI-X entry of the owner, else 0 */
	uint32_t rsvd;
};
static_assert(sizeof(struct svnic_aq_queue_cfg) == 32, "");
static_assert(offsetof(struct svnic_aq_queue_cfg, ring_addr) == 8, "");
static_assert(offsetof(struct svnic_aq_queue_cfg, buf_size) == 24, "");

/* --- MAC_FILTER_ADD/DEL --- */

struct svnic_aq_mac_filter {
	uint16_t vport_id;
	uint8_t mac[6];		/* unicast or multicast; not zero, not broadcast */
	uint8_t rsvd[24];
};
static_assert(sizeof(struct svnic_aq_mac_filter) == 32, "");

/* --- VLAN_FILTER_ADD/DEL --- */

struct svnic_aq_vlan_filter {
	uint16_t vport_id;
	uint16_t vlan_id;	/* 1..4094 */
	uint8_t rsvd[28];
};
static_assert(sizeof(struct svnic_aq_vlan_filter) == 32, "");

/* --- RSS_CONFIG: inline header, F_BUF buffer (read) = svnic_aq_rss_buf --- */

struct svnic_aq_rss {
	uint16_t vport_id;
	uint8_t hash_func;	/* SVNIC_RSS_FUNC_* */
	uint8_t key_len;	/* 0: keep the key; else the device's rss_key_size */
	uint16_t table_len;	/* 0: keep the table; else a power of two */
	uint16_t rsvd0;
	uint64_t hash_types;	/* SVNIC_RSS_HF_*; 0 turns hashing off */
	uint8_t rsvd1[16];
};
static_assert(sizeof(struct svnic_aq_rss) == 32, "");

/* The buffer: buf_len == sizeof(struct svnic_aq_rss_buf) + 2 * table_len. */
struct svnic_aq_rss_buf {
	uint8_t key[SVNIC_RSS_KEY_MAX];	/* bytes past key_len are 0 */
	uint8_t rsvd[12];
	uint16_t table[];		/* VPort-relative queue indexes */
};
static_assert(sizeof(struct svnic_aq_rss_buf) == 64, "");

/* --- GET_STATS: F_BUF|F_BUF_WR --- */

#define SVNIC_AQ_STATS_VPORT	0	/* id = vport_id; buffer >= vport stats */
#define SVNIC_AQ_STATS_RXQ	1	/* id = device queue pair; buffer >= queue stats */
#define SVNIC_AQ_STATS_TXQ	2

struct svnic_aq_stats_req {
	uint8_t scope;		/* SVNIC_AQ_STATS_* */
	uint8_t rsvd0;
	uint16_t id;
	uint8_t rsvd1[28];
};
static_assert(sizeof(struct svnic_aq_stats_req) == 32, "");

/* Free-running counters, never cleared but by a reset of the owner. */
struct svnic_aq_vport_stats {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t rx_unicast;
	uint64_t rx_multicast;
	uint64_t rx_broadcast;
	uint64_t rx_dropped_nobuf;	/* no posted buffer, queue disabled */
	uint64_t rx_dropped_filter;	/* no filter matched */
	uint64_t rx_errors;		/* oversize, bad frame */
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t tx_unicast;
	uint64_t tx_multicast;
	uint64_t tx_broadcast;
	uint64_t tx_dropped;		/* oversize, rate limit, link down */
	uint64_t tx_spoofed;		/* source MAC or VLAN check failed */
	uint64_t tx_errors;
};
static_assert(sizeof(struct svnic_aq_vport_stats) == 128, "");

struct svnic_aq_queue_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t dropped;
	uint64_t errors;
};
static_assert(sizeof(struct svnic_aq_queue_stats) == 32, "");

/* --- VF_RESET, MBX_RECV: svnic_aq_vf inline --- */

struct svnic_aq_vf {
	uint16_t vf_id;		/* 0..total_vfs-1 */
	uint8_t rsvd[30];
};
static_assert(sizeof(struct svnic_aq_vf) == 32, "");

/* --- VF_CONFIG_READ/WRITE: one access inside one dword; reads in ret_val --- */

struct svnic_aq_vf_cfg {
	uint16_t vf_id;
	uint16_t offset;	/* 0..SVNIC_VF_CFG_SIZE-1 */
	uint8_t len;		/* 1, 2 or 4, not crossing a dword */
	uint8_t rsvd0[3];
	uint32_t value;		/* WRITE: the bytes, little-endian; READ: 0 */
	uint8_t rsvd1[20];
};
static_assert(sizeof(struct svnic_aq_vf_cfg) == 32, "");

#define SVNIC_AQ_VF_CFG_SIZE	4096u

/* --- MBX_SEND: svnic_aq_vf inline; F_BUF buffer (read) = one mailbox message --- */
/* --- MBX_RECV: svnic_aq_vf inline; F_BUF|F_BUF_WR, buf_len >= the message;
 *     ret_val = the message length --- */

/* --- event queue (device to PF): ring of 32-byte entries --- */

enum svnic_eq_event {
	SVNIC_EQ_EV_MBX_MSG	= 0x0001,	/* VF sent a message: fetch with MBX_RECV */
	SVNIC_EQ_EV_MBX_RX_DONE	= 0x0002,	/* VF acknowledged its RX window */
	SVNIC_EQ_EV_FAULT	= 0x0003,	/* a function was faulted */
	SVNIC_EQ_EV_LINK	= 0x0004,	/* uplink status changed */
	SVNIC_EQ_EV_VF_RESET	= 0x0005,	/* a VF was reset by other than VF_RESET */
	SVNIC_EQ_EV_MAX		= SVNIC_EQ_EV_VF_RESET,
};

/* MBX_MSG param1, spec 1.3: a shared-TX doorbell; read the VF's window, then MBX_DB_ACK */
#define SVNIC_EQ_MBX_SHARED	0x00000001u

#define SVNIC_EQ_F_DONE		0x0001u	/* the device wrote the entry */
#define SVNIC_EQ_FUNC_PF	0xffffu

struct svnic_eq_entry {
	uint16_t event;		/* enum svnic_eq_event */
	uint16_t flags;		/* SVNIC_EQ_F_DONE, written last; the PF clears it */
	uint16_t func;		/* VF number, or SVNIC_EQ_FUNC_PF */
	uint16_t rsvd;
	uint32_t param0;	/* see the table in the spec */
	uint32_t param1;
	uint64_t param2;
	uint64_t timestamp;	/* device nanoseconds, monotonic */
};
static_assert(sizeof(struct svnic_eq_entry) == 32, "");
static_assert(offsetof(struct svnic_eq_entry, param2) == 16, "");

/* FAULT: param0 = reason, param1 = queue pair | SVNIC_EQ_FAULT_Q_TX or
 * SVNIC_EQ_FAULT_NO_QUEUE, param2 = the IOVA (DMA faults) */
#define SVNIC_EQ_FAULT_DMA_UNMAPPED	1	/* IOVA range not in the function's map */
#define SVNIC_EQ_FAULT_DMA_PERM		2	/* write to a read-only mapping */
#define SVNIC_EQ_FAULT_DOORBELL		3	/* tail >= ring size */
#define SVNIC_EQ_FAULT_TX_DESC		4	/* bad length or too many segments */
#define SVNIC_EQ_FAULT_MBX		5	/* mailbox length out of range */
#define SVNIC_EQ_FAULT_Q_TX		0x00010000u
#define SVNIC_EQ_FAULT_NO_QUEUE		0xffffffffu

/* VF_RESET: param0 = reason */
#define SVNIC_EQ_VF_RESET_FLR		1	/* FLR in the VF's own config space */
#define SVNIC_EQ_VF_RESET_CTRL		2	/* the VF wrote DEV_CTRL.RESET */
#define SVNIC_EQ_VF_RESET_DISCONNECT	3	/* its vfio-user client went away */

/* LINK: param0 = SVNIC_LINK_*, param1 = speed in Mbit/s. MBX_MSG: param0 = length. */

/** Limits the validator checks against; from IDENTIFY, or the spec maxima. */
struct svnic_aq_limits {
	uint16_t total_vfs;
	uint16_t total_queue_pairs;
	uint16_t max_vports;
	uint16_t max_vf_queue_pairs;
	uint16_t rss_key_size;
	uint16_t rss_table_size;
	uint16_t ring_size_max;
	uint16_t vectors;	/* MSI-X vectors of the largest function */
};

/** The spec maxima: what svnic_adminq_validate() uses when given no limits. */
void svnic_aq_limits_default(struct svnic_aq_limits *lim);

/** Name of an opcode for logs ("VPORT_CREATE"), "UNKNOWN" otherwise. */
const char *svnic_aq_op_name(uint16_t opcode);

/** Name of a status code for logs ("EBUSY"), "UNKNOWN" otherwise. */
const char *svnic_aq_status_name(uint16_t status);

/**
 * Convert a completion's status to a negative errno (0 for SVNIC_AQ_ST_OK), the
 * one place where device codes become errno values.
 * @return 0, a negative errno, or -EPROTO for a status this version does not know.
 */
int svnic_aq_status_to_errno(uint16_t status);

/**
 * Whether the PF may read VPort counters from the statistics pages instead
 * of GET_STATS (spec 1.4): the device of IDENTIFY @p id says so in dev_caps,
 * speaks 1.4 or later of this major, and has no VPort past the pages.
 * @return true or false; a device that says nothing gets GET_STATS.
 */
bool svnic_aq_identify_stats_page(const struct svnic_aq_identify *id);

/** The status the device writes for a validator result (0 or a negative errno). */
uint16_t svnic_aq_errno_to_status(int err);

/**
 * Check the form of a submitted admin command: opcode, flags (the device's own
 * bits clear, F_BUF and F_BUF_WR as the opcode requires), status/ret_val/rsvd
 * zero, buffer address and length for the opcode, every inline parameter's
 * range and reserved bytes, and the content of a read buffer (RSS_CONFIG,
 * MBX_SEND) when @p buf is given. Whether a VPort, queue or VF exists, or who
 * owns it, is the device's to judge next.
 *
 * @param d     the descriptor, as the device copied it
 * @param buf   the indirect buffer's bytes (F_BUF without F_BUF_WR), or NULL to
 *              check the descriptor only
 * @param len   bytes at @p buf; must equal d->buf_len when @p buf is given
 * @param lim   device limits, or NULL for the spec maxima
 * @return 0; -EOPNOTSUPP (unknown opcode), -EMSGSIZE (buffer presence or
 *   length wrong for the opcode), -EINVAL (any other bad field), -ERANGE (an
 *   index past @p lim).
 */
int svnic_adminq_validate(const struct svnic_aq_desc *d, const void *buf, size_t len,
			  const struct svnic_aq_limits *lim);

/**
 * Build a command: zero @p d, then set opcode, flags, cookie, the inline
 * parameters (@p params_len <= 32 bytes) and the buffer fields.
 * @return 0, or -EINVAL when @p d is NULL or @p params_len is too large.
 */
int svnic_aq_build(struct svnic_aq_desc *d, uint16_t opcode, uint16_t flags, uint64_t cookie,
		   const void *params, size_t params_len, uint64_t buf_addr, uint32_t buf_len);

#endif /* SVNIC_ADMINQ_H */
