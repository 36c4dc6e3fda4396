/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SRIOV_SWITCH_H
#define SRIOV_SWITCH_H

/*
 * The NIC switch as the PF driver sees it: the device's VFs, their allocation
 * parameters (fixed from allocation to free, as NDIS requires), the VPort each
 * one has, and what the VF's guest driver configured through the mailbox.
 *
 * Not thread-safe by design: the PF's control thread is the one owner of VF
 * state, and every other thread asks it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sriov_ratelimit.h"
#include "sriov_vf_fsm.h"
#include "svnic_mbx.h"

#define SRIOV_TOTAL_VFS_MAX	256
#define SRIOV_NAME_MAX		32
#define SRIOV_QUEUE_AUTO	0xffff	/* vport create: pick the lowest free range */
#define SRIOV_NUMA_ANY		(-1)

/* What an untrusted VF may configure through the mailbox. */
#define SRIOV_UNTRUSTED_MAC_FILTERS	4
#define SRIOV_UNTRUSTED_VLAN_FILTERS	8

struct sriov_switch_cfg {
	uint16_t switch_id;
	uint16_t total_vfs;		/* SR-IOV TotalVFs, 1..256 */
	/* where the PF sits: bus/device/function; with ARI device is 0 and the
	 * function number is 8 bits wide */
	uint8_t pf_bus;
	uint8_t pf_dev;
	uint8_t pf_fn;
	bool ari;
	uint16_t first_vf_offset;	/* SR-IOV First VF Offset */
	uint16_t vf_stride;		/* SR-IOV VF Stride */
	uint16_t total_queue_pairs;	/* queue pairs of the device */
	uint16_t pf_queue_pairs;	/* of those, kept by the PF: queues 0..n-1 */
	uint16_t max_vectors_per_vf;	/* MSI-X vectors a VF can have */
	int numa_nodes;			/* nodes the host has (>= 1) */
};

/* NDIS_NIC_SWITCH_VF_PARAMETERS: fixed from allocation until free. */
struct sriov_vf_params {
	uint16_t switch_id;
	uint16_t num_queue_pairs;	/* >= 1 */
	int numa_node;			/* SRIOV_NUMA_ANY or 0..numa_nodes-1 */
	uint8_t perm_mac[6];		/* unicast, non-zero */
	uint16_t num_vectors;		/* 1..max_vectors_per_vf */
	char name[SRIOV_NAME_MAX];	/* friendly name, NUL-terminated */
};

struct sriov_vf_info {
	uint16_t vf_id;
	uint16_t rid;			/* PCIe routing (requestor) ID */
	enum sriov_vf_state state;
	struct sriov_vf_params params;
};

enum sriov_link_state {
	SRIOV_LINK_AUTO,		/* follows the uplink */
	SRIOV_LINK_ENABLE,
	SRIOV_LINK_DISABLE,
};

#define SRIOV_VLAN_PROTO_8021Q	0x8100
#define SRIOV_VLAN_PROTO_8021AD	0x88a8

/* Operator-set VPort properties: they survive a VF reset. */
struct sriov_vport_props {
	uint8_t mac[6];
	bool mac_set;			/* operator fixed the MAC */
	uint16_t vlan_id;		/* port VLAN, 0 = none */
	uint8_t vlan_qos;		/* 0..7 */
	uint16_t vlan_proto;		/* SRIOV_VLAN_PROTO_* */
	bool spoofchk;
	bool trust;
	enum sriov_link_state link_state;
	uint32_t max_tx_rate;		/* Mbit/s, 0 = unlimited */
	uint32_t min_tx_rate;		/* Mbit/s, 0 = none */
	bool allow_promisc;		/* may a trusted guest enter unicast promisc */
	bool allow_allmulti;		/* may the guest enter all-multicast */
};

struct sriov_vport {
	uint16_t queue_base;		/* first device queue pair */
	uint16_t nb_queues;
	struct sriov_vport_props props;
};

/* Queues a VF's guest can configure: the device's per-VF limit. */
#define SRIOV_VF_QUEUES_MAX	SVNIC_VF_QP_MAX

/*
 * One queue as the guest set it up with CONFIG_QUEUE, VF-relative; what the PF
 * puts in QUEUE_CONFIG when it enables the queue. All zero unless configured.
 */
struct sriov_vf_queue {
	uint64_t ring_addr;		/* IOVA in the VF's DMA space */
	uint64_t head_wb_addr;		/* 0: no head write-back */
	uint16_t ring_size;
	uint16_t buf_size;		/* RX only */
	uint16_t vector;		/* VF MSI-X entry or SVNIC_MBX_QUEUE_NO_VECTOR */
	uint16_t flags;			/* SVNIC_MBX_QCFG_F_* */
};

/* What the guest configured: all of it is gone after a reset. */
struct sriov_vf_guest {
	bool hello_done;
	uint16_t mbx_version;		/* negotiated SVNIC_MBX_VERSION() */
	bool mac_set;
	uint8_t mac[6];			/* guest's own MAC, when allowed */
	uint16_t nb_mac_filters;
	uint8_t mac_filters[SVNIC_MBX_MAC_FILTERS_MAX][6];
	uint16_t nb_mc_addrs;
	uint8_t mc_addrs[SVNIC_MBX_MC_ADDRS_MAX][6];
	uint16_t nb_vlans;
	uint8_t vlan_bitmap[4096 / 8];
	bool promisc;
	bool allmulti;
	bool vlan_strip;		/* SET_VLAN_STRIP (1.2) */
	bool shared_rx;			/* HELLO agreed on CAP_SHARED_RX (1.2) */
	uint16_t mtu;
	uint8_t rss_func;
	uint64_t rss_hash_types;
	uint8_t rss_key[SVNIC_RSS_KEY_MAX];
	uint16_t rss_table_len;
	uint16_t rss_table[SVNIC_RSS_TABLE_MAX];
	/* [SVNIC_MBX_QTYPE_*][VF-relative queue]; bit q of a bitmap is queue q.
	 * Enabled queues are configured and below the VPort's queue count. */
	struct sriov_vf_queue queues[SVNIC_MBX_QTYPE_NB][SRIOV_VF_QUEUES_MAX];
	uint64_t queues_configured[SVNIC_MBX_QTYPE_NB];
	uint64_t queues_enabled[SVNIC_MBX_QTYPE_NB];
};

struct sriov_vf {
	uint16_t vf_id;
	uint16_t rid;
	enum sriov_vf_state state;
	struct sriov_vf_params params;	/* valid while allocated */
	struct sriov_vport vport;	/* valid while a VPort is attached */
	struct sriov_vf_guest guest;
	struct sriov_ratelimit mbx_rl;	/* mailbox token bucket and strikes */
	/* Mailbox rejections are logged the 1st, 2nd, 4th... time so a VF hammering
	 * a refused path cannot flood the log; a new guest driver starts over. */
	unsigned long mbx_log_count;
};

struct sriov_switch;

/**
 * Called after every state change of a VF, in the owner's thread.
 * @p cause is the event that made it.
 */
typedef void (*sriov_vf_event_cb)(struct sriov_switch *sw, uint16_t vf_id,
				  enum sriov_vf_state old_state,
				  enum sriov_vf_state new_state,
				  enum sriov_vf_event cause, void *ctx);

/** @return a switch, or NULL with errno set (EINVAL: the layout is impossible). */
struct sriov_switch *sriov_switch_create(const struct sriov_switch_cfg *cfg);
void sriov_switch_destroy(struct sriov_switch *sw);
void sriov_switch_set_event_cb(struct sriov_switch *sw, sriov_vf_event_cb cb, void *ctx);
const struct sriov_switch_cfg *sriov_switch_get_cfg(const struct sriov_switch *sw);

/** NdisMEnableVirtualization: NumVFs VFs become HW_READY. */
int sriov_switch_enable(struct sriov_switch *sw, uint16_t num_vfs);
/** Refused with -EBUSY while any VF is allocated. */
int sriov_switch_disable(struct sriov_switch *sw);
uint16_t sriov_switch_num_vfs(const struct sriov_switch *sw);
/** Queue pairs still free for new VF allocations. */
uint16_t sriov_switch_free_queue_pairs(const struct sriov_switch *sw);

/**
 * Routing ID of VF @p vf_id (0-based) for a PF layout: PF RID + First VF Offset
 * + n * VF Stride, a 16-bit sum that carries into the bus number.
 * @return 0 with *rid set, -EINVAL for an impossible PF address, -ERANGE past bus 255.
 */
int sriov_rid_compute(const struct sriov_switch_cfg *cfg, uint16_t vf_id, uint16_t *rid);

/** OID_NIC_SWITCH_ALLOCATE_VF: the lowest HW_READY VF. -ENOSPC, -EINVAL. */
int sriov_vf_alloc(struct sriov_switch *sw, const struct sriov_vf_params *params,
		   uint16_t *vf_id, uint16_t *rid);

#define SRIOV_FREE_CASCADE	(1u << 0)	/* delete the VPort (resetting first) */
/** OID_NIC_SWITCH_FREE_VF. -EBUSY with a VPort unless SRIOV_FREE_CASCADE. */
int sriov_vf_free(struct sriov_switch *sw, uint16_t vf_id, unsigned int flags);

/** OID_NIC_SWITCH_VF_PARAMETERS (query). -ENOENT when not allocated. */
int sriov_vf_get_info(const struct sriov_switch *sw, uint16_t vf_id,
		      struct sriov_vf_info *info);
/** Parameters are immutable while allocated: always -EPERM (or -ENOENT). */
int sriov_vf_set_params(struct sriov_switch *sw, uint16_t vf_id,
			const struct sriov_vf_params *params);

/**
 * Device queue pair of VF-relative queue @p queue of VF @p vf_id: the VPort's
 * queue_base + @p queue, the index QUEUE_CONFIG takes.
 * @return 0 with *abs_queue set; -ENOENT no such VF, -ENOTCONN no VPort,
 *   -ERANGE @p queue past the VPort's queues, -EINVAL @p abs_queue NULL.
 */
int sriov_vf_queue_abs(const struct sriov_switch *sw, uint16_t vf_id, uint16_t queue,
		       uint16_t *abs_queue);

/** Direct read access for the owner (and the mailbox handler). NULL if no such VF. */
struct sriov_vf *sriov_switch_vf(struct sriov_switch *sw, uint16_t vf_id);
const struct sriov_vf *sriov_switch_vf_const(const struct sriov_switch *sw, uint16_t vf_id);

/**
 * OID_NIC_SWITCH_CREATE_VPORT. @p queue_base SRIOV_QUEUE_AUTO picks the lowest
 * free range; @p nb_queues 0 means the VF's num_queue_pairs. The range lies in
 * the VF part of the device's queues and overlaps no other VPort (-EINVAL / -EBUSY).
 */
int sriov_vport_create(struct sriov_switch *sw, uint16_t vf_id, uint16_t queue_base,
		       uint16_t nb_queues, const struct sriov_vport_props *props);
int sriov_vport_delete(struct sriov_switch *sw, uint16_t vf_id);

/** Defaults for a new VPort: spoof check on, untrusted, link auto, 802.1Q. */
void sriov_vport_props_init(struct sriov_vport_props *props);

/* Run-time VPort properties; each needs a VPort (-ENOENT / -ENOTCONN) and
 * checks its value (-EINVAL). They are operator settings: a reset keeps them. */
int sriov_vport_set_mac(struct sriov_switch *sw, uint16_t vf_id, const uint8_t mac[6]);
int sriov_vport_set_vlan(struct sriov_switch *sw, uint16_t vf_id, uint16_t vlan_id,
			 uint8_t qos, uint16_t proto);
int sriov_vport_set_spoofchk(struct sriov_switch *sw, uint16_t vf_id, bool on);
int sriov_vport_set_trust(struct sriov_switch *sw, uint16_t vf_id, bool on);
int sriov_vport_set_link_state(struct sriov_switch *sw, uint16_t vf_id,
			       enum sriov_link_state state);
int sriov_vport_set_rate(struct sriov_switch *sw, uint16_t vf_id, uint32_t min_mbps,
			 uint32_t max_mbps);
int sriov_vport_set_rx_mode_allow(struct sriov_switch *sw, uint16_t vf_id,
				  bool allow_promisc, bool allow_allmulti);
int sriov_vport_get_props(const struct sriov_switch *sw, uint16_t vf_id,
			  struct sriov_vport_props *props);

/* Guest driver presence. */
int sriov_vf_guest_up(struct sriov_switch *sw, uint16_t vf_id);
int sriov_vf_guest_down(struct sriov_switch *sw, uint16_t vf_id);

/**
 * Function level reset (OID_SRIOV_RESET_VF): RESETTING, everything the guest
 * configured cleared, operator settings kept, then ATTACHED. @p operator selects
 * the operator's reset, the only way out of QUARANTINED.
 */
int sriov_vf_reset(struct sriov_switch *sw, uint16_t vf_id, bool operator);
/** Split form for owners that must wait for the device between the two steps. */
int sriov_vf_reset_begin(struct sriov_switch *sw, uint16_t vf_id, bool operator);
int sriov_vf_reset_done(struct sriov_switch *sw, uint16_t vf_id);

int sriov_vf_quarantine(struct sriov_switch *sw, uint16_t vf_id);

/**
 * Check every invariant of the switch (states, queue ranges, accounting, guest
 * filter counts against trust). Tests and fuzzers call it after each step.
 * @return 0, or -EFAULT naming the first broken invariant in the log.
 */
int sriov_switch_verify(const struct sriov_switch *sw);

/** MAC helpers: unicast (I/G bit clear) and not all zeros. */
bool sriov_mac_is_valid_unicast(const uint8_t mac[6]);

#endif /* SRIOV_SWITCH_H */
