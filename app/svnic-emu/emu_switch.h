/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_EMU_SWITCH_H
#define SVNIC_EMU_SWITCH_H

/**
 * @file
 * The NIC switch of svnic-emu: decides where each frame goes.
 *
 * Ports are the VPorts (0 is the PF's default VPort, VF n has VPort n + 1 by
 * convention of the caller; the switch itself only knows VPort ids and their
 * owning function) and the uplink (SVNIC_SW_UPLINK). The switch does not copy
 * frames: svnic_sw_forward() returns a list of destinations, each with the rx
 * queue, the VLAN tag the delivered frame carries (or none) and the RSS hash;
 * the caller assembles each output once, from the input frame, with
 * svnic_sw_write() or by hand (see struct svnic_sw_result).
 *
 * Forwarding rules: doc/emu-switch.rst.
 *
 * Threading: none inside. Configuration calls and svnic_sw_forward() on one
 * switch must be serialized by the caller (the device applies configuration
 * between bursts in its datapath thread). svnic_sw_forward() never allocates,
 * and looks unicast MAC + VLAN up in a hash table that configuration calls
 * keep up to date.
 *
 * Every function returning int returns 0 or a negative errno; a refused call
 * changes nothing.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svnic_mbx.h"

#define SVNIC_SW_VPORTS_MAX	257		/**< PF default VPort + 256 VFs */
#define SVNIC_SW_PF_VPORT	0		/**< gets unknown unicast from the uplink */
#define SVNIC_SW_UPLINK		0xffff		/**< port id of the uplink */
#define SVNIC_SW_DEST_MAX	(SVNIC_SW_VPORTS_MAX + 1)
#define SVNIC_SW_PORT_WORDS	((SVNIC_SW_VPORTS_MAX + 63) / 64)	/**< a bit a VPort */
#define SVNIC_SW_QUEUES_MAX	256		/**< rx queues per VPort */
#define SVNIC_SW_UC_MAX		16		/**< extra unicast MACs per VPort */
#define SVNIC_SW_MC_MAX		64		/**< multicast groups per VPort */
#define SVNIC_SW_VLAN_MAX	4094		/**< highest usable VLAN id */
#define SVNIC_SW_FRAME_MAX	65535		/**< longest frame forward accepts */
#define SVNIC_SW_RSS_KEY_MIN	4
#define SVNIC_SW_RSS_TABLE_DEFAULT 128		/**< entries i -> i % nb_queues */

#define SVNIC_SW_TPID_8021Q	0x8100
#define SVNIC_SW_TPID_8021AD	0x88a8

struct svnic_sw;

/** VPort link state, as `ip link set DEV vf N state auto|enable|disable`. */
enum svnic_sw_link {
	SVNIC_SW_LINK_AUTO,	/**< follows the uplink */
	SVNIC_SW_LINK_UP,	/**< forced up */
	SVNIC_SW_LINK_DOWN,	/**< forced down */
};

/** Why a frame (or one copy of it) was dropped; counted per port. */
enum svnic_sw_drop {
	SVNIC_SW_DROP_NONE,
	SVNIC_SW_DROP_RUNT,	/**< < 14 bytes, or a VLAN tag cut short (tx side) */
	SVNIC_SW_DROP_DISABLED,	/**< the source VPort is not enabled (tx side) */
	SVNIC_SW_DROP_LINK_DOWN, /**< source (tx) or destination (rx) link down */
	SVNIC_SW_DROP_SPOOF,	/**< anti-spoof check failed (tx side) */
	SVNIC_SW_DROP_RATE,	/**< over the VPort's tx rate (tx side) */
	SVNIC_SW_DROP_VLAN,	/**< the destination does not receive that VLAN (rx side) */
	SVNIC_SW_DROP_NO_DEST,	/**< nowhere to go, e.g. unicast to itself (tx side) */
	SVNIC_SW_DROP_MAX,
};

/**
 * Counters of one port, seen from the port: tx is what it handed to the
 * switch (for the uplink: what came in from the wire), rx what the switch
 * delivered to it (for the uplink: what goes out on the wire). Bytes are frame
 * lengths as they cross that side, so rx counts an inserted tag, tx does not.
 * A frame is counted rx when the switch chooses the destination; the caller
 * counts its own failures to deliver (ring full, DMA fault).
 */
struct svnic_sw_stats {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t tx_spoofed;			/**< same as drops[SVNIC_SW_DROP_SPOOF] */
	uint64_t drops[SVNIC_SW_DROP_MAX];	/**< by reason; [0] unused */
};

/** Counters of one rx queue of a VPort. */
struct svnic_sw_queue_stats {
	uint64_t packets;
	uint64_t bytes;
};

/**
 * RSS of a VPort. hash_types 0 turns RSS off (every frame to queue 0).
 * key_len 0 keeps the key, table_len 0 keeps the table.
 */
struct svnic_sw_rss_cfg {
	uint64_t hash_types;			/**< SVNIC_RSS_HF_* */
	uint8_t key_len;			/**< 0, or 4..SVNIC_RSS_KEY_MAX */
	uint16_t table_len;			/**< 0, or a power of two up to 512 */
	uint8_t key[SVNIC_RSS_KEY_MAX];		/**< Toeplitz key, key_len bytes */
	uint16_t table[SVNIC_RSS_TABLE_MAX];	/**< queue indexes < nb_queues */
};

/** A snapshot of a VPort's configuration (svnic_sw_vport_get()). */
struct svnic_sw_vport_info {
	bool enabled;
	bool link_up;			/**< effective state, after auto */
	enum svnic_sw_link link;
	uint16_t func_id;
	uint16_t nb_queues;
	uint8_t mac[6];			/**< all zero: none */
	uint8_t nb_uc;
	uint8_t nb_mc;
	bool promisc;
	bool allmulti;
	bool spoofchk;
	bool trust;
	uint16_t pvid;			/**< port VLAN id, 0 = none */
	uint8_t pqos;
	uint16_t ptpid;
	uint32_t rate_mbps;		/**< 0 = unlimited */
	uint32_t burst_bytes;
	uint64_t rss_hash_types;
	uint8_t rss_key_len;
	uint16_t rss_table_len;
};

/** One place a frame goes. */
struct svnic_sw_dest {
	uint16_t port;		/**< VPort id or SVNIC_SW_UPLINK */
	uint16_t queue;		/**< rx queue within the VPort; 0 for the uplink */
	uint16_t tpid;		/**< 0: delivered untagged; else this tag is in front */
	uint16_t tci;		/**< the tag's PCP/DEI/VID when tpid != 0 */
	uint32_t rss_hash;	/**< Toeplitz hash, 0 when rss_type is 0 */
	uint32_t rss_type;	/**< the one SVNIC_RSS_HF_* bit hashed on, or 0 */
};

/**
 * What svnic_sw_forward() decided. An output frame for dests[i] is:
 * the 12 bytes of MAC addresses of the input, then when dests[i].tpid != 0 the
 * 4-byte tag (tpid, tci, big endian), then the input from payload_off - 2 (the
 * EtherType, which is @c ethertype) to its end. svnic_sw_write() does that.
 * About 4 KiB: keep one per datapath thread rather than on a small stack.
 */
struct svnic_sw_result {
	enum svnic_sw_drop drop;	/**< NONE unless nb_dests is 0 */
	uint16_t nb_dests;
	uint16_t payload_off;		/**< first byte after the input's L2 header */
	uint16_t ethertype;		/**< EtherType before the payload, host order */
	/**
	 * Bit n: a counter of VPort n may have changed (the source's, a
	 * destination's, one that dropped the frame), so that the caller
	 * republishes only those (the device's statistics pages).
	 */
	uint64_t counted[SVNIC_SW_PORT_WORDS];
	struct svnic_sw_dest dests[SVNIC_SW_DEST_MAX];
};

/**
 * Create a switch with @p nb_vports VPorts (1..SVNIC_SW_VPORTS_MAX), all
 * disabled, and the uplink link up.
 *
 * @return the switch, or NULL with errno set (EINVAL, ENOMEM).
 */
struct svnic_sw *svnic_sw_create(uint16_t nb_vports);

/** Free a switch; NULL is fine. */
void svnic_sw_destroy(struct svnic_sw *sw);

/**
 * Tell the switch that more than one thread forwards through it at once
 * (under a shared lock): its counters are then added atomically, since two
 * threads may count the same destination. Off at creation. Call it before
 * the threads start.
 */
void svnic_sw_set_shared(struct svnic_sw *sw, bool shared);

/** @return the number of VPorts the switch was created with. */
uint16_t svnic_sw_nb_vports(const struct svnic_sw *sw);

/**
 * Set the uplink's link state (the wire, or the tap's carrier). VPorts in
 * SVNIC_SW_LINK_AUTO follow it.
 */
void svnic_sw_set_uplink_link(struct svnic_sw *sw, bool up);

/**
 * Give a VPort its owner and its number of rx queues. A RSS table entry that
 * no longer fits is replaced by the default table. Does not enable it.
 *
 * @return 0, -EINVAL (bad id, nb_queues not 1..SVNIC_SW_QUEUES_MAX).
 */
int svnic_sw_vport_setup(struct svnic_sw *sw, uint16_t vport, uint16_t func_id,
			 uint16_t nb_queues);

/**
 * Enable or disable a VPort. A disabled VPort keeps its configuration (and its
 * MAC addresses, so no one else can take them) but neither sends nor receives.
 *
 * @return 0, -EINVAL.
 */
int svnic_sw_vport_set_enabled(struct svnic_sw *sw, uint16_t vport, bool enabled);

/**
 * Bring a VPort back to its state after svnic_sw_create(): disabled, one
 * queue, no MACs, filters, VLAN, rate or RSS; counters are kept (they are
 * reset by svnic_sw_stats_reset()). Used for VPort delete and VF FLR.
 *
 * @return 0, -EINVAL.
 */
int svnic_sw_vport_reset(struct svnic_sw *sw, uint16_t vport);

/** @return 0, -EINVAL (bad id or link value). */
int svnic_sw_vport_set_link(struct svnic_sw *sw, uint16_t vport, enum svnic_sw_link link);

/**
 * Set the primary MAC; all zero removes it.
 *
 * @return 0, -EINVAL (bad id, multicast MAC), -EADDRINUSE (another VPort
 *   receives it in an overlapping VLAN).
 */
int svnic_sw_vport_set_mac(struct svnic_sw *sw, uint16_t vport, const uint8_t mac[6]);

/**
 * Add an extra unicast MAC filter. Adding one it already has succeeds.
 *
 * @return 0, -EINVAL (bad id, multicast or zero MAC), -ENOSPC, -EADDRINUSE.
 */
int svnic_sw_vport_add_uc(struct svnic_sw *sw, uint16_t vport, const uint8_t mac[6]);

/** @return 0, -EINVAL, -ENOENT (not in the list). */
int svnic_sw_vport_del_uc(struct svnic_sw *sw, uint16_t vport, const uint8_t mac[6]);

/** Add a multicast group. @return 0, -EINVAL (not multicast), -ENOSPC. */
int svnic_sw_vport_add_mc(struct svnic_sw *sw, uint16_t vport, const uint8_t mac[6]);

/** @return 0, -EINVAL, -ENOENT. */
int svnic_sw_vport_del_mc(struct svnic_sw *sw, uint16_t vport, const uint8_t mac[6]);

/**
 * Replace the multicast list (as rte_eth_dev_set_mc_addr_list); @p n 0 clears.
 *
 * @return 0, -EINVAL (a MAC not multicast, n > SVNIC_SW_MC_MAX).
 */
int svnic_sw_vport_set_mc_list(struct svnic_sw *sw, uint16_t vport,
			       const uint8_t (*macs)[6], unsigned int n);

/** @return 0, -EINVAL. */
int svnic_sw_vport_set_promisc(struct svnic_sw *sw, uint16_t vport, bool on);

/** @return 0, -EINVAL. */
int svnic_sw_vport_set_allmulti(struct svnic_sw *sw, uint16_t vport, bool on);

/**
 * Set the port VLAN: inserted on everything the VPort sends, stripped from
 * what it receives, and the only VLAN it receives. @p vid 0 removes it.
 *
 * @return 0, -EINVAL (vid > SVNIC_SW_VLAN_MAX, qos > 7, tpid not 0x8100 or
 *   0x88a8), -EADDRINUSE (one of its MACs is taken in that VLAN).
 */
int svnic_sw_vport_set_port_vlan(struct svnic_sw *sw, uint16_t vport, uint16_t vid,
				 uint8_t qos, uint16_t tpid);

/**
 * Add (@p on) or remove an 802.1Q VLAN filter, for VPorts without a port VLAN.
 *
 * @return 0, -EINVAL (vid not 1..SVNIC_SW_VLAN_MAX).
 */
int svnic_sw_vport_vlan_filter(struct svnic_sw *sw, uint16_t vport, uint16_t vid, bool on);

/** @return 0, -EINVAL. */
int svnic_sw_vport_set_spoofchk(struct svnic_sw *sw, uint16_t vport, bool on);

/** Recorded for the PF driver; the switch enforces nothing with it. @return 0, -EINVAL. */
int svnic_sw_vport_set_trust(struct svnic_sw *sw, uint16_t vport, bool on);

/**
 * Limit what the VPort sends to @p mbps Mbit/s (0: unlimited), with a token
 * bucket of @p burst_bytes (0: the default, the larger of 1 ms at that rate
 * and 16 KiB). The bucket starts full; each frame costs its length as sent.
 *
 * @return 0, -EINVAL (bad id, burst under 64 bytes).
 */
int svnic_sw_vport_set_rate(struct svnic_sw *sw, uint16_t vport, uint32_t mbps,
			    uint32_t burst_bytes);

/**
 * Configure RSS (Toeplitz). Validated whole before anything changes.
 *
 * @return 0, -EINVAL (unknown hash type, key or table length, an entry
 *   >= nb_queues).
 */
int svnic_sw_vport_set_rss(struct svnic_sw *sw, uint16_t vport,
			   const struct svnic_sw_rss_cfg *rss);

/** @return 0, -EINVAL. */
int svnic_sw_vport_get(const struct svnic_sw *sw, uint16_t vport,
		       struct svnic_sw_vport_info *info);

/**
 * Decide the fate of one frame.
 *
 * @param src     VPort id, or SVNIC_SW_UPLINK for a frame from the wire.
 * @param frame   the frame as the source sent it (no FCS); never read past @p len.
 * @param now_ns  a monotonic clock, for the tx rate limit.
 * @param res     filled in; nb_dests 0 means dropped, for res->drop.
 * @return 0 (forwarded or dropped), -EINVAL (NULL, bad src, len > SVNIC_SW_FRAME_MAX).
 */
int svnic_sw_forward(struct svnic_sw *sw, uint16_t src, const uint8_t *frame, size_t len,
		     uint64_t now_ns, struct svnic_sw_result *res);

#define SVNIC_SW_CACHE_SIZE	256	/**< decisions a svnic_sw_cache holds */
#define SVNIC_SW_CACHE_DESTS	2	/**< destinations of a decision it holds */

/** One decision of a svnic_sw_cache; the switch's own business. */
struct svnic_sw_cache_entry {
	uint64_t gen;		/**< switch generation it was learnt in; 0 empty */
	uint64_t k0;		/**< frame bytes 0..7 */
	uint64_t k1;		/**< bytes 8..15; 14 and 15 zero unless a tag */
	uint32_t k2;		/**< the source port, then bytes 16..17 of a tag */
	uint16_t payload_off;
	uint16_t ethertype;
	uint16_t nb_dests;
	struct {
		uint16_t port;
		uint16_t tpid;
		uint16_t tci;
	} dests[SVNIC_SW_CACHE_DESTS];
};

/**
 * The decisions a datapath thread took lately, to replay for the next frames
 * with the same headers. Keyed on the source port, both MAC addresses, the
 * EtherType and the tag when there is one; a decision is kept only when no
 * per-frame input other than the length and the RSS tuple could change it
 * (no tx rate limit on the source, nothing dropped, at most
 * SVNIC_SW_CACHE_DESTS destinations), and is valid only in the switch
 * generation it was learnt in: every configuration call starts a new one.
 * A replay charges the same counters and computes RSS per frame, so the
 * result is what svnic_sw_forward() gives. Zeroed memory is an empty cache.
 * Used only under the same serialization as svnic_sw_forward(), by one thread.
 */
struct svnic_sw_cache {
	uint64_t hits;
	uint64_t misses;
	struct svnic_sw_cache_entry e[SVNIC_SW_CACHE_SIZE];
};

/** Empty @p c. */
void svnic_sw_cache_init(struct svnic_sw_cache *c);

/**
 * svnic_sw_forward() that first looks the frame up in @p c and replays the
 * decision found there, or learns the decision it takes.
 *
 * @return as svnic_sw_forward(); -EINVAL also for a NULL @p c.
 */
int svnic_sw_forward_cached(struct svnic_sw *sw, struct svnic_sw_cache *c, uint16_t src,
			    const uint8_t *frame, size_t len, uint64_t now_ns,
			    struct svnic_sw_result *res);

/**
 * @return the switch's configuration generation: every configuration call
 *   that may change a decision moves it on (tests use it).
 */
uint64_t svnic_sw_generation(const struct svnic_sw *sw);

/** @return the length of the frame delivered to @p d (see struct svnic_sw_result). */
size_t svnic_sw_out_len(const struct svnic_sw_result *res, const struct svnic_sw_dest *d,
			size_t len);

/** @return whether the frame delivered to @p d is the input, byte for byte. */
bool svnic_sw_out_unchanged(const struct svnic_sw_result *res, const struct svnic_sw_dest *d);

/**
 * Assemble the frame delivered to @p d from the input @p frame into @p out.
 *
 * @return its length, or -ENOSPC when @p cap is too small, -EINVAL.
 */
int svnic_sw_write(const struct svnic_sw_result *res, const struct svnic_sw_dest *d,
		   const uint8_t *frame, size_t len, uint8_t *out, size_t cap);

/**
 * svnic_sw_write() for a caller that kept only the result's payload_off (a
 * datapath that forwards a whole burst before it writes any frame out).
 */
int svnic_sw_write_frame(uint16_t payload_off, const struct svnic_sw_dest *d,
			 const uint8_t *frame, size_t len, uint8_t *out, size_t cap);

/** The Toeplitz hash of @p data under @p key (bits past the key are zero). */
uint32_t svnic_sw_toeplitz(const uint8_t *key, size_t key_len, const uint8_t *data,
			   size_t len);

/** @param port VPort id or SVNIC_SW_UPLINK. @return 0, -EINVAL. */
int svnic_sw_stats_get(const struct svnic_sw *sw, uint16_t port, struct svnic_sw_stats *st);

/** Zero a port's counters and, for a VPort, its queues'. @return 0, -EINVAL. */
int svnic_sw_stats_reset(struct svnic_sw *sw, uint16_t port);

/** @return 0, -EINVAL (bad id, queue >= SVNIC_SW_QUEUES_MAX). */
int svnic_sw_queue_stats_get(const struct svnic_sw *sw, uint16_t vport, uint16_t queue,
			     struct svnic_sw_queue_stats *st);

/** @return a short name for a drop reason ("runt", "spoof"...). */
const char *svnic_sw_drop_name(enum svnic_sw_drop reason);

#endif /* SVNIC_EMU_SWITCH_H */
