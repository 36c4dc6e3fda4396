/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * svnic-emu's NIC switch: forwarding decisions for the PF's and VFs' VPorts and
 * the uplink. Rules in doc/emu-switch.rst; API in emu_switch.h.
 *
 * Unicast goes through a forwarding database (FDB): an open-addressing hash of
 * (MAC, VLAN key) -> VPort, rebuilt whenever a MAC or a port VLAN changes. A
 * VPort with a port VLAN is entered with that VLAN's key and matched exactly;
 * one without is entered with SVNIC_SW_VKEY_ANY and its VLAN filter decides.
 * Broadcast and multicast walk bitmaps of the VPorts that can want them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "emu_log.h"
#include "emu_switch.h"

/*
 * VLAN key of a frame: 0 untagged (or priority tagged, VID 0), else the VID,
 * with bit 12 set for an 802.1ad tag so that C- and S-VLANs never mix.
 */
#define SVNIC_SW_VKEY_AD	0x1000
#define SVNIC_SW_VKEY_ANY	0xffff

/* 257 VPorts x (1 + 16) MACs = 4369 entries at most: under 55% load. */
#define SVNIC_SW_FDB_BITS	13
#define SVNIC_SW_FDB_SIZE	(1u << SVNIC_SW_FDB_BITS)

#define SVNIC_SW_BM_WORDS	((SVNIC_SW_VPORTS_MAX + 63) / 64)
#define SVNIC_SW_VLAN_WORDS	(4096 / 64)

/* Toeplitz input: IPv6 source, destination, source port, destination port. */
#define SVNIC_SW_RSS_IN_MAX	36

#define SVNIC_SW_ETH_HLEN	14
#define SVNIC_SW_ETH_P_IPV4	0x0800
#define SVNIC_SW_ETH_P_IPV6	0x86dd
#define SVNIC_SW_IPPROTO_TCP	6
#define SVNIC_SW_IPPROTO_UDP	17

#define SVNIC_SW_BURST_MIN	64
#define SVNIC_SW_BURST_DEFAULT	16384
/* ns x Mbit/s = millibits: the bucket counts those, so refills are exact. */
#define SVNIC_SW_MBIT_PER_BYTE	8000ull

struct svnic_sw_fdb_entry {
	uint64_t key;		/* 0: empty (MAC 0 is never entered) */
	uint16_t vport;
};

struct svnic_sw_vport {
	bool enabled;
	bool promisc;
	bool allmulti;
	bool spoofchk;
	bool trust;
	enum svnic_sw_link link;
	uint16_t func_id;
	uint16_t nb_queues;
	uint8_t mac[6];
	uint8_t nb_uc;
	uint8_t nb_mc;
	uint8_t uc[SVNIC_SW_UC_MAX][6];
	uint8_t mc[SVNIC_SW_MC_MAX][6];
	uint64_t mc_bloom;	/* one bit per group: skips most list walks */
	uint16_t pvid;
	uint8_t pqos;
	uint16_t ptpid;
	uint16_t pvkey;
	uint64_t vlan_bm[SVNIC_SW_VLAN_WORDS];
	/* tx rate limit */
	uint32_t rate_mbps;
	uint32_t burst_bytes;
	uint64_t tokens;	/* millibits */
	uint64_t last_ns;
	/* RSS */
	uint64_t rss_types;
	uint8_t key_len;
	uint16_t table_len;
	uint8_t key[SVNIC_RSS_KEY_MAX];
	uint16_t table[SVNIC_RSS_TABLE_MAX];
	uint32_t rss_win[SVNIC_SW_RSS_IN_MAX * 8];	/* key window at each input bit */
};

/* The last generation handed out; 0 is never one (a zeroed cache entry). */
static uint64_t svnic_sw_gen_last;

struct svnic_sw {
	uint16_t nb_vports;
	bool uplink_up;
	/*
	 * Renewed by every configuration call: a decision a svnic_sw_cache
	 * learnt under another generation is never replayed. Drawn from one
	 * counter for all switches, so that a cache that outlives its switch
	 * (or serves another) cannot match a generation by chance.
	 */
	uint64_t gen;
	/*
	 * More than one datapath thread forwards through this switch: counters
	 * of a destination (and of the uplink) can be bumped by two at once, so
	 * they are added atomically. One thread keeps plain adds.
	 */
	bool shared;
	uint64_t enabled_bm[SVNIC_SW_BM_WORDS];
	uint64_t promisc_bm[SVNIC_SW_BM_WORDS];
	uint64_t mcast_bm[SVNIC_SW_BM_WORDS];	/* allmulti, or a non-empty list */
	struct svnic_sw_fdb_entry fdb[SVNIC_SW_FDB_SIZE];
	struct svnic_sw_stats *stats;		/* nb_vports + 1, the uplink last */
	struct svnic_sw_queue_stats *qstats;	/* nb_vports x SVNIC_SW_QUEUES_MAX */
	struct svnic_sw_vport vports[];
};

/* What forward learnt about the frame, shared by all its destinations. */
struct svnic_sw_pkt {
	const uint8_t *frame;
	size_t len;
	uint16_t src;
	uint16_t vkey;
	uint16_t tpid;		/* tag the frame has or gets on a trunk; 0 none */
	uint16_t tci;
	uint16_t payload_off;
	uint16_t ethertype;
	/* RSS tuple, parsed on first need */
	bool rss_parsed;
	uint8_t rss_l3_len;	/* 0: not IP */
	uint8_t rss_l4_len;	/* 0: no TCP/UDP ports */
	uint32_t rss_l3_type;
	uint32_t rss_l4_type;
	uint8_t rss_in[SVNIC_SW_RSS_IN_MAX];
	uint64_t added[SVNIC_SW_BM_WORDS];
};

/* The key of Microsoft's RSS verification suite, also the usual default. */
static const uint8_t svnic_sw_default_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static const char *const svnic_sw_drop_names[SVNIC_SW_DROP_MAX] = {
	[SVNIC_SW_DROP_NONE] = "none",
	[SVNIC_SW_DROP_RUNT] = "runt",
	[SVNIC_SW_DROP_DISABLED] = "disabled",
	[SVNIC_SW_DROP_LINK_DOWN] = "link-down",
	[SVNIC_SW_DROP_SPOOF] = "spoof",
	[SVNIC_SW_DROP_RATE] = "rate",
	[SVNIC_SW_DROP_VLAN] = "vlan",
	[SVNIC_SW_DROP_NO_DEST] = "no-dest",
};

static inline uint16_t
svnic_sw_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline bool
svnic_sw_is_tpid(uint16_t et)
{
	return et == SVNIC_SW_TPID_8021Q || et == SVNIC_SW_TPID_8021AD;
}

static inline bool
svnic_sw_mac_is_zero(const uint8_t *mac)
{
	return (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0;
}

static inline bool
svnic_sw_mac_eq(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, 6) == 0;
}

static inline uint64_t
svnic_sw_mac_u64(const uint8_t *mac)
{
	return (uint64_t)mac[0] << 40 | (uint64_t)mac[1] << 32 | (uint64_t)mac[2] << 24 |
		(uint64_t)mac[3] << 16 | (uint64_t)mac[4] << 8 | mac[5];
}

static inline unsigned int
svnic_sw_mc_bloom_bit(const uint8_t *mac)
{
	return (unsigned int)((svnic_sw_mac_u64(mac) * 0x9e3779b97f4a7c15ull) >> 58);
}

static inline bool
svnic_sw_bm_test(const uint64_t *bm, unsigned int n)
{
	return (bm[n / 64] >> (n % 64)) & 1;
}

static inline void
svnic_sw_bm_assign(uint64_t *bm, unsigned int n, bool on)
{
	if (on)
		bm[n / 64] |= 1ull << (n % 64);
	else
		bm[n / 64] &= ~(1ull << (n % 64));
}

static inline uint16_t
svnic_sw_vkey(uint16_t vid, uint16_t tpid)
{
	return (uint16_t)(vid | (tpid == SVNIC_SW_TPID_8021AD ? SVNIC_SW_VKEY_AD : 0));
}

/* ---- forwarding database ---- */

static inline uint64_t
svnic_sw_fdb_key(const uint8_t *mac, uint16_t vkey)
{
	return svnic_sw_mac_u64(mac) << 16 | vkey;
}

static inline uint32_t
svnic_sw_fdb_slot(uint64_t key)
{
	return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> (64 - SVNIC_SW_FDB_BITS));
}

/* @return the VPort holding @p key, or -1. */
static inline int
svnic_sw_fdb_lookup(const struct svnic_sw *sw, uint64_t key)
{
	uint32_t i = svnic_sw_fdb_slot(key);

	for (;;) {
		const struct svnic_sw_fdb_entry *e = &sw->fdb[i];

		if (e->key == key)
			return e->vport;
		if (e->key == 0)
			return -1;
		i = (i + 1) & (SVNIC_SW_FDB_SIZE - 1);
	}
}

static void
svnic_sw_fdb_insert(struct svnic_sw *sw, uint64_t key, uint16_t vport)
{
	uint32_t i = svnic_sw_fdb_slot(key);

	/* the table is sized for every MAC of every VPort: a free slot exists */
	while (sw->fdb[i].key != 0 && sw->fdb[i].key != key)
		i = (i + 1) & (SVNIC_SW_FDB_SIZE - 1);
	if (sw->fdb[i].key == 0) {
		sw->fdb[i].key = key;
		sw->fdb[i].vport = vport;
	}
}

static inline uint16_t
svnic_sw_vport_fdb_vkey(const struct svnic_sw_vport *v)
{
	return v->pvid != 0 ? v->pvkey : SVNIC_SW_VKEY_ANY;
}

/* Rebuilt rather than edited: no tombstones, and config changes are rare. */
static void
svnic_sw_fdb_rebuild(struct svnic_sw *sw)
{
	uint16_t id;
	unsigned int i;

	memset(sw->fdb, 0, sizeof(sw->fdb));
	for (id = 0; id < sw->nb_vports; id++) {
		const struct svnic_sw_vport *v = &sw->vports[id];
		uint16_t vkey = svnic_sw_vport_fdb_vkey(v);

		if (!svnic_sw_mac_is_zero(v->mac))
			svnic_sw_fdb_insert(sw, svnic_sw_fdb_key(v->mac, vkey), id);
		for (i = 0; i < v->nb_uc; i++)
			svnic_sw_fdb_insert(sw, svnic_sw_fdb_key(v->uc[i], vkey), id);
	}
}

/* Would VPort @p id receiving @p mac in @p vkey take someone else's address? */
static bool
svnic_sw_fdb_taken(const struct svnic_sw *sw, uint16_t id, const uint8_t *mac, uint16_t vkey)
{
	int owner = svnic_sw_fdb_lookup(sw, svnic_sw_fdb_key(mac, vkey));

	if (owner >= 0 && owner != id) {
		SVNIC_EMU_LOG(ERR, "switch: vport %u: MAC %02x:%02x:%02x:%02x:%02x:%02x "
			      "is vport %d's", id, mac[0], mac[1], mac[2], mac[3], mac[4],
			      mac[5], owner);
		return true;
	}
	return false;
}

/* ---- RSS ---- */

static inline unsigned int
svnic_sw_key_bit(const uint8_t *key, size_t key_len, size_t n)
{
	if (n / 8 >= key_len)
		return 0;
	return (key[n / 8] >> (7 - n % 8)) & 1;
}

uint32_t
svnic_sw_toeplitz(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len)
{
	uint32_t hash = 0, win = 0;
	size_t i;
	int b;

	if (key == NULL || data == NULL)
		return 0;
	for (i = 0; i < 32; i++)
		win = win << 1 | svnic_sw_key_bit(key, key_len, i);
	for (i = 0; i < len; i++) {
		for (b = 7; b >= 0; b--) {
			if ((data[i] >> b) & 1)
				hash ^= win;
			win = win << 1 |
				svnic_sw_key_bit(key, key_len, i * 8 + (size_t)(7 - b) + 32);
		}
	}
	return hash;
}

static void
svnic_sw_rss_windows(struct svnic_sw_vport *v)
{
	uint32_t win = 0;
	size_t i;

	for (i = 0; i < 32; i++)
		win = win << 1 | svnic_sw_key_bit(v->key, v->key_len, i);
	for (i = 0; i < SVNIC_SW_RSS_IN_MAX * 8; i++) {
		v->rss_win[i] = win;
		win = win << 1 | svnic_sw_key_bit(v->key, v->key_len, i + 32);
	}
}

static inline uint32_t
svnic_sw_rss_hash(const struct svnic_sw_vport *v, const uint8_t *in, unsigned int len)
{
	const uint32_t *w = v->rss_win;
	uint32_t hash = 0;
	unsigned int i;
	uint8_t byte;

	for (i = 0; i < len; i++, w += 8) {
		byte = in[i];
		while (byte != 0) {
			int b = __builtin_clz((unsigned int)byte) - 24;

			hash ^= w[b];
			byte &= (uint8_t)~(0x80u >> b);
		}
	}
	return hash;
}

static void
svnic_sw_rss_default_table(struct svnic_sw_vport *v)
{
	unsigned int i;

	v->table_len = SVNIC_SW_RSS_TABLE_DEFAULT;
	for (i = 0; i < SVNIC_SW_RSS_TABLE_DEFAULT; i++)
		v->table[i] = (uint16_t)(i % v->nb_queues);
}

/*
 * Find the RSS tuple once per frame, through one more VLAN tag, never reading
 * past the frame: IPv4 (no options needed, fragments hash on addresses only)
 * or IPv6 (TCP/UDP only as the first next header).
 */
static void
svnic_sw_rss_parse(struct svnic_sw_pkt *p)
{
	const uint8_t *f = p->frame;
	size_t off = p->payload_off;
	uint16_t et = p->ethertype;
	size_t l4 = 0;
	uint8_t proto = 0;

	p->rss_parsed = true;
	if (svnic_sw_is_tpid(et)) {
		if (off + 4 > p->len)
			return;
		et = svnic_sw_be16(f + off + 2);
		off += 4;
	}
	if (et == SVNIC_SW_ETH_P_IPV4) {
		size_t ihl;

		if (off + 20 > p->len || (f[off] >> 4) != 4)
			return;
		ihl = (size_t)(f[off] & 0xf) * 4;
		if (ihl < 20 || off + ihl > p->len)
			return;
		memcpy(p->rss_in, f + off + 12, 8);
		p->rss_l3_len = 8;
		p->rss_l3_type = SVNIC_RSS_HF_IPV4;
		if ((svnic_sw_be16(f + off + 6) & 0x3fff) != 0)
			return;
		proto = f[off + 9];
		l4 = off + ihl;
		if (proto == SVNIC_SW_IPPROTO_TCP)
			p->rss_l4_type = SVNIC_RSS_HF_IPV4_TCP;
		else if (proto == SVNIC_SW_IPPROTO_UDP)
			p->rss_l4_type = SVNIC_RSS_HF_IPV4_UDP;
	} else if (et == SVNIC_SW_ETH_P_IPV6) {
		if (off + 40 > p->len || (f[off] >> 4) != 6)
			return;
		memcpy(p->rss_in, f + off + 8, 32);
		p->rss_l3_len = 32;
		p->rss_l3_type = SVNIC_RSS_HF_IPV6;
		proto = f[off + 6];
		l4 = off + 40;
		if (proto == SVNIC_SW_IPPROTO_TCP)
			p->rss_l4_type = SVNIC_RSS_HF_IPV6_TCP;
		else if (proto == SVNIC_SW_IPPROTO_UDP)
			p->rss_l4_type = SVNIC_RSS_HF_IPV6_UDP;
	} else {
		return;
	}
	if (p->rss_l4_type == 0)
		return;
	if (l4 + 4 > p->len) {
		p->rss_l4_type = 0;
		return;
	}
	memcpy(p->rss_in + p->rss_l3_len, f + l4, 4);
	p->rss_l4_len = (uint8_t)(p->rss_l3_len + 4);
}

static void
svnic_sw_rss_apply(const struct svnic_sw_vport *v, struct svnic_sw_pkt *p,
		   struct svnic_sw_dest *d)
{
	unsigned int in_len;

	if (v->rss_types == 0)
		return;
	if (!p->rss_parsed)
		svnic_sw_rss_parse(p);
	if (p->rss_l4_len != 0 && (v->rss_types & p->rss_l4_type) != 0) {
		in_len = p->rss_l4_len;
		d->rss_type = p->rss_l4_type;
	} else if (p->rss_l3_len != 0 && (v->rss_types & p->rss_l3_type) != 0) {
		in_len = p->rss_l3_len;
		d->rss_type = p->rss_l3_type;
	} else {
		return;
	}
	d->rss_hash = svnic_sw_rss_hash(v, p->rss_in, in_len);
	d->queue = v->table[d->rss_hash & (uint32_t)(v->table_len - 1)];
}

/* ---- per-VPort rules ---- */

static inline bool
svnic_sw_link_up(const struct svnic_sw *sw, const struct svnic_sw_vport *v)
{
	if (v->link == SVNIC_SW_LINK_AUTO)
		return sw->uplink_up;
	return v->link == SVNIC_SW_LINK_UP;
}

static inline bool
svnic_sw_accepts_vlan(const struct svnic_sw_vport *v, uint16_t vkey)
{
	if (v->pvid != 0)
		return vkey == v->pvkey;
	if (vkey == 0 || v->promisc)
		return true;
	if ((vkey & SVNIC_SW_VKEY_AD) != 0)
		return false;
	return svnic_sw_bm_test(v->vlan_bm, vkey);
}

static bool
svnic_sw_owns_mac(const struct svnic_sw_vport *v, const uint8_t *mac)
{
	unsigned int i;

	if (!svnic_sw_mac_is_zero(v->mac) && svnic_sw_mac_eq(v->mac, mac))
		return true;
	for (i = 0; i < v->nb_uc; i++)
		if (svnic_sw_mac_eq(v->uc[i], mac))
			return true;
	return false;
}

static bool
svnic_sw_wants_group(const struct svnic_sw_vport *v, const uint8_t *mac)
{
	unsigned int i;

	if (v->promisc || v->allmulti)
		return true;
	if (((v->mc_bloom >> svnic_sw_mc_bloom_bit(mac)) & 1) == 0)
		return false;
	for (i = 0; i < v->nb_mc; i++)
		if (svnic_sw_mac_eq(v->mc[i], mac))
			return true;
	return false;
}

static bool
svnic_sw_rate_take(struct svnic_sw_vport *v, size_t len, uint64_t now_ns)
{
	uint64_t cap, cost;

	if (v->rate_mbps == 0)
		return true;
	cap = v->burst_bytes * SVNIC_SW_MBIT_PER_BYTE;
	if (now_ns > v->last_ns) {
		uint64_t elapsed = now_ns - v->last_ns;

		/* elapsed x rate cannot overflow below the time a refill takes */
		if (elapsed >= cap / v->rate_mbps + 1)
			v->tokens = cap;
		else
			v->tokens += elapsed * v->rate_mbps;
		if (v->tokens > cap)
			v->tokens = cap;
		v->last_ns = now_ns;
	}
	cost = len * SVNIC_SW_MBIT_PER_BYTE;
	if (v->tokens < cost)
		return false;
	v->tokens -= cost;
	return true;
}

static void
svnic_sw_update_bitmaps(struct svnic_sw *sw, uint16_t id)
{
	const struct svnic_sw_vport *v = &sw->vports[id];

	svnic_sw_bm_assign(sw->enabled_bm, id, v->enabled);
	svnic_sw_bm_assign(sw->promisc_bm, id, v->promisc);
	svnic_sw_bm_assign(sw->mcast_bm, id, v->promisc || v->allmulti || v->nb_mc != 0);
}

/* ---- forwarding ---- */

static inline struct svnic_sw_stats *
svnic_sw_port_stats(struct svnic_sw *sw, uint16_t port)
{
	return &sw->stats[port == SVNIC_SW_UPLINK ? sw->nb_vports : port];
}

static inline void
svnic_sw_count(const struct svnic_sw *sw, uint64_t *counter, uint64_t n)
{
	if (sw->shared)
		__atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
	else
		*counter += n;
}

/* svnic_sw_out_len() for this file's per-frame paths, where a call costs */
static inline size_t
svnic_sw_out_len_of(uint16_t payload_off, const struct svnic_sw_dest *d, size_t len)
{
	return 12 + (d->tpid != 0 ? 4 : 0) + (len - payload_off) + 2;
}

size_t
svnic_sw_out_len(const struct svnic_sw_result *res, const struct svnic_sw_dest *d,
		 size_t len)
{
	return svnic_sw_out_len_of(res->payload_off, d, len);
}

static void
svnic_sw_note_drop(struct svnic_sw_result *res, enum svnic_sw_drop reason)
{
	if (res->drop == SVNIC_SW_DROP_NONE)
		res->drop = reason;
}

static void
svnic_sw_deliver(struct svnic_sw *sw, struct svnic_sw_pkt *p, struct svnic_sw_result *res,
		 uint16_t id, bool count_vlan)
{
	struct svnic_sw_vport *v = &sw->vports[id];
	struct svnic_sw_stats *st = &sw->stats[id];
	struct svnic_sw_queue_stats *qs;
	struct svnic_sw_dest *d;
	size_t out_len;

	if (svnic_sw_bm_test(p->added, id))
		return;
	svnic_sw_bm_assign(res->counted, id, true);
	if (!svnic_sw_accepts_vlan(v, p->vkey)) {
		if (count_vlan) {
			svnic_sw_count(sw, &st->drops[SVNIC_SW_DROP_VLAN], 1);
			svnic_sw_note_drop(res, SVNIC_SW_DROP_VLAN);
		}
		return;
	}
	svnic_sw_bm_assign(p->added, id, true);
	if (!svnic_sw_link_up(sw, v)) {
		svnic_sw_count(sw, &st->drops[SVNIC_SW_DROP_LINK_DOWN], 1);
		svnic_sw_note_drop(res, SVNIC_SW_DROP_LINK_DOWN);
		return;
	}
	d = &res->dests[res->nb_dests++];
	memset(d, 0, sizeof(*d));
	d->port = id;
	/* a port VLAN is the VPort's own: stripped; a trunk sees the tag */
	if (v->pvid == 0 && p->tpid != 0) {
		d->tpid = p->tpid;
		d->tci = p->tci;
	}
	svnic_sw_rss_apply(v, p, d);
	out_len = svnic_sw_out_len_of(res->payload_off, d, p->len);
	svnic_sw_count(sw, &st->rx_packets, 1);
	svnic_sw_count(sw, &st->rx_bytes, out_len);
	qs = &sw->qstats[(size_t)id * SVNIC_SW_QUEUES_MAX + d->queue];
	svnic_sw_count(sw, &qs->packets, 1);
	svnic_sw_count(sw, &qs->bytes, out_len);
}

static void
svnic_sw_deliver_uplink(struct svnic_sw *sw, struct svnic_sw_pkt *p,
			struct svnic_sw_result *res)
{
	struct svnic_sw_stats *st = &sw->stats[sw->nb_vports];
	struct svnic_sw_dest *d;

	if (!sw->uplink_up) {
		svnic_sw_count(sw, &st->drops[SVNIC_SW_DROP_LINK_DOWN], 1);
		svnic_sw_note_drop(res, SVNIC_SW_DROP_LINK_DOWN);
		return;
	}
	d = &res->dests[res->nb_dests++];
	memset(d, 0, sizeof(*d));
	d->port = SVNIC_SW_UPLINK;
	d->tpid = p->tpid;
	d->tci = p->tci;
	svnic_sw_count(sw, &st->rx_packets, 1);
	svnic_sw_count(sw, &st->rx_bytes, svnic_sw_out_len_of(res->payload_off, d, p->len));
}

static void
svnic_sw_flood(struct svnic_sw *sw, struct svnic_sw_pkt *p, struct svnic_sw_result *res)
{
	const uint8_t *dst = p->frame;
	bool bcast = (dst[0] & dst[1] & dst[2] & dst[3] & dst[4] & dst[5]) == 0xff;
	unsigned int w;

	for (w = 0; w < SVNIC_SW_BM_WORDS; w++) {
		uint64_t bits = sw->enabled_bm[w] & (bcast ? ~0ull : sw->mcast_bm[w]);

		while (bits != 0) {
			uint16_t id = (uint16_t)(w * 64 + (unsigned int)__builtin_ctzll(bits));

			bits &= bits - 1;
			if (id == p->src)
				continue;
			if (!bcast && !svnic_sw_wants_group(&sw->vports[id], dst))
				continue;
			svnic_sw_deliver(sw, p, res, id, false);
		}
	}
	if (p->src != SVNIC_SW_UPLINK)
		svnic_sw_deliver_uplink(sw, p, res);
}

static void
svnic_sw_unicast(struct svnic_sw *sw, struct svnic_sw_pkt *p, struct svnic_sw_result *res)
{
	const uint8_t *dst = p->frame;
	int owner = -1;
	unsigned int w;

	if (p->vkey != 0)
		owner = svnic_sw_fdb_lookup(sw, svnic_sw_fdb_key(dst, p->vkey));
	if (owner < 0) {
		owner = svnic_sw_fdb_lookup(sw, svnic_sw_fdb_key(dst, SVNIC_SW_VKEY_ANY));
		/* a MAC outside its VLAN is unknown in that VLAN */
		if (owner >= 0 && !svnic_sw_accepts_vlan(&sw->vports[owner], p->vkey))
			owner = -1;
	}
	if (owner >= 0) {
		/* disabled owners keep their MACs but get nothing */
		if (owner != p->src && svnic_sw_bm_test(sw->enabled_bm, (unsigned int)owner))
			svnic_sw_deliver(sw, p, res, (uint16_t)owner, true);
	} else if (p->src == SVNIC_SW_UPLINK) {
		if (svnic_sw_bm_test(sw->enabled_bm, SVNIC_SW_PF_VPORT))
			svnic_sw_deliver(sw, p, res, SVNIC_SW_PF_VPORT, true);
	} else {
		svnic_sw_deliver_uplink(sw, p, res);
	}
	for (w = 0; w < SVNIC_SW_BM_WORDS; w++) {
		uint64_t bits = sw->enabled_bm[w] & sw->promisc_bm[w];

		while (bits != 0) {
			uint16_t id = (uint16_t)(w * 64 + (unsigned int)__builtin_ctzll(bits));

			bits &= bits - 1;
			if (id != p->src)
				svnic_sw_deliver(sw, p, res, id, false);
		}
	}
}

static enum svnic_sw_drop
svnic_sw_ingress(struct svnic_sw *sw, struct svnic_sw_pkt *p, uint64_t now_ns)
{
	struct svnic_sw_vport *sv = p->src == SVNIC_SW_UPLINK ? NULL : &sw->vports[p->src];
	const uint8_t *f = p->frame;
	uint16_t et;

	if (sv != NULL && !sv->enabled)
		return SVNIC_SW_DROP_DISABLED;
	if (sv != NULL ? !svnic_sw_link_up(sw, sv) : !sw->uplink_up)
		return SVNIC_SW_DROP_LINK_DOWN;
	if (p->len < SVNIC_SW_ETH_HLEN)
		return SVNIC_SW_DROP_RUNT;
	et = svnic_sw_be16(f + 12);
	if (sv != NULL && sv->pvid != 0) {
		/* the VF's own tag would escape its port VLAN */
		if (svnic_sw_is_tpid(et) && sv->spoofchk)
			return SVNIC_SW_DROP_SPOOF;
		p->payload_off = SVNIC_SW_ETH_HLEN;
		p->ethertype = et;
		p->vkey = sv->pvkey;
		p->tpid = sv->ptpid;
		p->tci = (uint16_t)(sv->pvid | sv->pqos << 13);
	} else if (svnic_sw_is_tpid(et)) {
		if (p->len < SVNIC_SW_ETH_HLEN + 4)
			return SVNIC_SW_DROP_RUNT;
		p->tpid = et;
		p->tci = svnic_sw_be16(f + 14);
		p->ethertype = svnic_sw_be16(f + 16);
		p->payload_off = SVNIC_SW_ETH_HLEN + 4;
		p->vkey = (p->tci & 0xfff) == 0 ? 0 : svnic_sw_vkey(p->tci & 0xfff, et);
	} else {
		p->payload_off = SVNIC_SW_ETH_HLEN;
		p->ethertype = et;
	}
	if (sv != NULL && sv->spoofchk && !svnic_sw_owns_mac(sv, f + 6))
		return SVNIC_SW_DROP_SPOOF;
	if (sv != NULL && !svnic_sw_rate_take(sv, p->len, now_ns))
		return SVNIC_SW_DROP_RATE;
	return SVNIC_SW_DROP_NONE;
}

static inline void
svnic_sw_pkt_init(struct svnic_sw_pkt *p, uint16_t src, const uint8_t *frame, size_t len)
{
	/* field by field: the RSS input is only read as far as the parser wrote it */
	p->frame = frame;
	p->len = len;
	p->src = src;
	p->vkey = 0;
	p->tpid = 0;
	p->tci = 0;
	p->payload_off = 0;
	p->ethertype = 0;
	p->rss_parsed = false;
	p->rss_l3_len = 0;
	p->rss_l4_len = 0;
	p->rss_l3_type = 0;
	p->rss_l4_type = 0;
	memset(p->added, 0, sizeof(p->added));
}

/*
 * svnic_sw_forward() past its argument checks. @p clean tells whether the
 * decision is one a cache may replay: nothing was dropped on the way, so
 * every counter it charged is the source's tx or a destination's rx.
 */
static void
svnic_sw_forward_one(struct svnic_sw *sw, uint16_t src, const uint8_t *frame, size_t len,
		     uint64_t now_ns, struct svnic_sw_result *res, bool *clean)
{
	struct svnic_sw_stats *st;
	struct svnic_sw_pkt p;
	enum svnic_sw_drop drop;

	*clean = false;
	res->drop = SVNIC_SW_DROP_NONE;
	res->nb_dests = 0;
	res->payload_off = 0;
	res->ethertype = 0;
	memset(res->counted, 0, sizeof(res->counted));
	if (src != SVNIC_SW_UPLINK)
		svnic_sw_bm_assign(res->counted, src, true);
	st = svnic_sw_port_stats(sw, src);

	svnic_sw_pkt_init(&p, src, frame, len);
	drop = svnic_sw_ingress(sw, &p, now_ns);
	if (drop != SVNIC_SW_DROP_NONE) {
		svnic_sw_count(sw, &st->drops[drop], 1);
		if (drop == SVNIC_SW_DROP_SPOOF)
			svnic_sw_count(sw, &st->tx_spoofed, 1);
		res->drop = drop;
		return;
	}
	svnic_sw_count(sw, &st->tx_packets, 1);
	svnic_sw_count(sw, &st->tx_bytes, len);
	res->payload_off = p.payload_off;
	res->ethertype = p.ethertype;

	if ((frame[0] & 1) != 0)
		svnic_sw_flood(sw, &p, res);
	else
		svnic_sw_unicast(sw, &p, res);

	/* every drop counted on the way was noted in res->drop */
	*clean = res->drop == SVNIC_SW_DROP_NONE && res->nb_dests != 0;
	if (res->nb_dests != 0) {
		res->drop = SVNIC_SW_DROP_NONE;
	} else if (res->drop == SVNIC_SW_DROP_NONE) {
		svnic_sw_count(sw, &st->drops[SVNIC_SW_DROP_NO_DEST], 1);
		res->drop = SVNIC_SW_DROP_NO_DEST;
	}
}

static bool
svnic_sw_forward_args_ok(const struct svnic_sw *sw, uint16_t src, const uint8_t *frame,
			 size_t len, const struct svnic_sw_result *res)
{
	return sw != NULL && res != NULL && (frame != NULL || len == 0) &&
		(src == SVNIC_SW_UPLINK || src < sw->nb_vports) && len <= SVNIC_SW_FRAME_MAX;
}

int
svnic_sw_forward(struct svnic_sw *sw, uint16_t src, const uint8_t *frame, size_t len,
		 uint64_t now_ns, struct svnic_sw_result *res)
{
	bool clean;

	if (!svnic_sw_forward_args_ok(sw, src, frame, len, res))
		return -EINVAL;
	svnic_sw_forward_one(sw, src, frame, len, now_ns, res, &clean);
	return 0;
}

/* ---- decision cache ---- */

/* Bytes the key reads: the addresses, a tag and the EtherType after it. */
#define SVNIC_SW_CACHE_MIN_LEN	18

uint64_t
svnic_sw_generation(const struct svnic_sw *sw)
{
	return sw == NULL ? 0 : sw->gen;
}

void
svnic_sw_cache_init(struct svnic_sw_cache *c)
{
	if (c != NULL)
		memset(c, 0, sizeof(*c));
}

/*
 * The key: what the decision reads of the frame (ingress reads bytes 12..17
 * only when 12..13 is a TPID; past them it reads the RSS tuple, which a
 * replay hashes again) and the source port.
 */
static inline void
svnic_sw_cache_key(const uint8_t *frame, uint16_t src, uint64_t *k0, uint64_t *k1,
		   uint32_t *k2)
{
	/* bytes 14 and 15 are payload unless 12..13 is a TPID: masked off */
	static const uint8_t untagged[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0 };
	uint16_t et = svnic_sw_be16(frame + 12);
	uint16_t tag_tail = 0;
	uint64_t mask;

	memcpy(k0, frame, 8);
	memcpy(k1, frame + 8, 8);
	if (svnic_sw_is_tpid(et)) {
		tag_tail = svnic_sw_be16(frame + 16);
	} else {
		/* one load and a mask: a key put together bytewise stalls the load */
		memcpy(&mask, untagged, 8);
		*k1 &= mask;
	}
	*k2 = (uint32_t)src << 16 | tag_tail;
}

static inline struct svnic_sw_cache_entry *
svnic_sw_cache_slot(struct svnic_sw_cache *c, uint64_t k0, uint64_t k1, uint32_t k2)
{
	uint64_t h = (k0 ^ (k1 * 0xc2b2ae3d27d4eb4full) ^ k2) * 0x9e3779b97f4a7c15ull;

	return &c->e[h >> 56 & (SVNIC_SW_CACHE_SIZE - 1)];
}

/* Replay @p e for this frame: the counters and RSS of svnic_sw_forward_one(). */
static void
svnic_sw_cache_replay(struct svnic_sw *sw, const struct svnic_sw_cache_entry *e, uint16_t src,
		      const uint8_t *frame, size_t len, struct svnic_sw_result *res)
{
	struct svnic_sw_stats *st = svnic_sw_port_stats(sw, src);
	const struct svnic_sw_vport *v;
	struct svnic_sw_pkt p;
	unsigned int i;

	res->drop = SVNIC_SW_DROP_NONE;
	res->nb_dests = e->nb_dests;
	res->payload_off = e->payload_off;
	res->ethertype = e->ethertype;
	memset(res->counted, 0, sizeof(res->counted));
	if (src != SVNIC_SW_UPLINK)
		svnic_sw_bm_assign(res->counted, src, true);
	svnic_sw_count(sw, &st->tx_packets, 1);
	svnic_sw_count(sw, &st->tx_bytes, len);
	p.frame = NULL;		/* set up for the first destination with RSS */
	for (i = 0; i < e->nb_dests; i++) {
		struct svnic_sw_dest *d = &res->dests[i];
		struct svnic_sw_queue_stats *qs;
		size_t out_len;

		memset(d, 0, sizeof(*d));
		d->port = e->dests[i].port;
		d->tpid = e->dests[i].tpid;
		d->tci = e->dests[i].tci;
		out_len = svnic_sw_out_len_of(e->payload_off, d, len);
		st = svnic_sw_port_stats(sw, d->port);
		svnic_sw_count(sw, &st->rx_packets, 1);
		svnic_sw_count(sw, &st->rx_bytes, out_len);
		if (d->port == SVNIC_SW_UPLINK)
			continue;
		svnic_sw_bm_assign(res->counted, d->port, true);
		v = &sw->vports[d->port];
		if (v->rss_types != 0) {
			if (p.frame == NULL) {
				svnic_sw_pkt_init(&p, src, frame, len);
				p.payload_off = e->payload_off;
				p.ethertype = e->ethertype;
			}
			svnic_sw_rss_apply(v, &p, d);
		}
		qs = &sw->qstats[(size_t)d->port * SVNIC_SW_QUEUES_MAX + d->queue];
		svnic_sw_count(sw, &qs->packets, 1);
		svnic_sw_count(sw, &qs->bytes, out_len);
	}
}

/*
 * Keep a clean decision when replaying it is exact: no rate limit at the
 * source (its tokens depend on the clock), few enough destinations, and no
 * port counted but the source and the destinations (a promiscuous VPort that
 * refused the VLAN is marked counted without a destination).
 */
static void
svnic_sw_cache_learn(const struct svnic_sw *sw, struct svnic_sw_cache_entry *e, uint16_t src,
		     uint64_t k0, uint64_t k1, uint32_t k2, const struct svnic_sw_result *res)
{
	uint64_t expect[SVNIC_SW_PORT_WORDS];
	unsigned int i;

	if ((src != SVNIC_SW_UPLINK && sw->vports[src].rate_mbps != 0) ||
	    res->nb_dests > SVNIC_SW_CACHE_DESTS)
		return;
	memset(expect, 0, sizeof(expect));
	if (src != SVNIC_SW_UPLINK)
		svnic_sw_bm_assign(expect, src, true);
	for (i = 0; i < res->nb_dests; i++)
		if (res->dests[i].port != SVNIC_SW_UPLINK)
			svnic_sw_bm_assign(expect, res->dests[i].port, true);
	if (memcmp(expect, res->counted, sizeof(expect)) != 0)
		return;
	e->gen = sw->gen;
	e->k0 = k0;
	e->k1 = k1;
	e->k2 = k2;
	e->payload_off = res->payload_off;
	e->ethertype = res->ethertype;
	e->nb_dests = res->nb_dests;
	for (i = 0; i < res->nb_dests; i++) {
		e->dests[i].port = res->dests[i].port;
		e->dests[i].tpid = res->dests[i].tpid;
		e->dests[i].tci = res->dests[i].tci;
	}
}

int
svnic_sw_forward_cached(struct svnic_sw *sw, struct svnic_sw_cache *c, uint16_t src,
			const uint8_t *frame, size_t len, uint64_t now_ns,
			struct svnic_sw_result *res)
{
	struct svnic_sw_cache_entry *e;
	uint64_t k0, k1;
	uint32_t k2;
	bool clean;

	if (c == NULL || !svnic_sw_forward_args_ok(sw, src, frame, len, res))
		return -EINVAL;
	if (len < SVNIC_SW_CACHE_MIN_LEN) {
		svnic_sw_forward_one(sw, src, frame, len, now_ns, res, &clean);
		return 0;
	}
	svnic_sw_cache_key(frame, src, &k0, &k1, &k2);
	e = svnic_sw_cache_slot(c, k0, k1, k2);
	if (e->gen == sw->gen && e->k0 == k0 && e->k1 == k1 && e->k2 == k2) {
		c->hits++;
		svnic_sw_cache_replay(sw, e, src, frame, len, res);
		return 0;
	}
	c->misses++;
	svnic_sw_forward_one(sw, src, frame, len, now_ns, res, &clean);
	if (clean)
		svnic_sw_cache_learn(sw, e, src, k0, k1, k2, res);
	return 0;
}

int
svnic_sw_write_frame(uint16_t payload_off, const struct svnic_sw_dest *d, const uint8_t *frame,
		     size_t len, uint8_t *out, size_t cap)
{
	size_t n, tail;

	if (d == NULL || frame == NULL || out == NULL || payload_off < SVNIC_SW_ETH_HLEN ||
	    payload_off > len || len > SVNIC_SW_FRAME_MAX)
		return -EINVAL;
	n = 12 + (d->tpid != 0 ? 4 : 0) + (len - payload_off) + 2;
	if (n > cap)
		return -ENOSPC;
	memcpy(out, frame, 12);
	n = 12;
	if (d->tpid != 0) {
		out[n++] = (uint8_t)(d->tpid >> 8);
		out[n++] = (uint8_t)d->tpid;
		out[n++] = (uint8_t)(d->tci >> 8);
		out[n++] = (uint8_t)d->tci;
	}
	tail = len - payload_off + 2;
	memcpy(out + n, frame + payload_off - 2, tail);
	return (int)(n + tail);
}

bool
svnic_sw_out_unchanged(const struct svnic_sw_result *res, const struct svnic_sw_dest *d)
{
	/* no tag in, none out: the output is the 12 addresses and the rest as they were */
	return d->tpid == 0 && res->payload_off == SVNIC_SW_ETH_HLEN;
}

int
svnic_sw_write(const struct svnic_sw_result *res, const struct svnic_sw_dest *d,
	       const uint8_t *frame, size_t len, uint8_t *out, size_t cap)
{
	if (res == NULL)
		return -EINVAL;
	return svnic_sw_write_frame(res->payload_off, d, frame, len, out, cap);
}

/* ---- configuration ---- */

void
svnic_sw_set_shared(struct svnic_sw *sw, bool shared)
{
	if (sw != NULL)
		sw->shared = shared;
}

/* Configuration calls are rare, and switches may live in several threads. */
static void
svnic_sw_new_generation(struct svnic_sw *sw)
{
	sw->gen = __atomic_add_fetch(&svnic_sw_gen_last, 1, __ATOMIC_RELAXED);
}

static void
svnic_sw_vport_defaults(struct svnic_sw_vport *v)
{
	memset(v, 0, sizeof(*v));
	v->link = SVNIC_SW_LINK_AUTO;
	v->nb_queues = 1;
	v->ptpid = SVNIC_SW_TPID_8021Q;
	v->key_len = sizeof(svnic_sw_default_key);
	memcpy(v->key, svnic_sw_default_key, sizeof(svnic_sw_default_key));
	svnic_sw_rss_windows(v);
	svnic_sw_rss_default_table(v);
}

struct svnic_sw *
svnic_sw_create(uint16_t nb_vports)
{
	struct svnic_sw *sw;
	uint16_t i;

	if (nb_vports == 0 || nb_vports > SVNIC_SW_VPORTS_MAX) {
		SVNIC_EMU_LOG(ERR, "switch: %u VPorts, expected 1..%u", nb_vports,
			      SVNIC_SW_VPORTS_MAX);
		errno = EINVAL;
		return NULL;
	}
	sw = calloc(1, sizeof(*sw) + (size_t)nb_vports * sizeof(sw->vports[0]));
	if (sw == NULL)
		goto err;
	sw->stats = calloc((size_t)nb_vports + 1, sizeof(*sw->stats));
	if (sw->stats == NULL)
		goto err_sw;
	sw->qstats = calloc((size_t)nb_vports * SVNIC_SW_QUEUES_MAX, sizeof(*sw->qstats));
	if (sw->qstats == NULL)
		goto err_stats;
	sw->nb_vports = nb_vports;
	sw->uplink_up = true;
	svnic_sw_new_generation(sw);
	for (i = 0; i < nb_vports; i++)
		svnic_sw_vport_defaults(&sw->vports[i]);
	return sw;

err_stats:
	free(sw->stats);
err_sw:
	free(sw);
err:
	errno = ENOMEM;
	return NULL;
}

void
svnic_sw_destroy(struct svnic_sw *sw)
{
	if (sw == NULL)
		return;
	free(sw->qstats);
	free(sw->stats);
	free(sw);
}

uint16_t
svnic_sw_nb_vports(const struct svnic_sw *sw)
{
	return sw == NULL ? 0 : sw->nb_vports;
}

void
svnic_sw_set_uplink_link(struct svnic_sw *sw, bool up)
{
	if (sw != NULL) {
		sw->uplink_up = up;
		svnic_sw_new_generation(sw);
	}
}

/* @return the VPort, or NULL after logging who asked for what. */
static struct svnic_sw_vport *
svnic_sw_vport_lookup(const struct svnic_sw *sw, uint16_t id, const char *what)
{
	if (sw == NULL)
		return NULL;
	if (id >= sw->nb_vports) {
		SVNIC_EMU_LOG(ERR, "switch: %s: no vport %u (%u vports)", what, id,
			      sw->nb_vports);
		return NULL;
	}
	return (struct svnic_sw_vport *)&sw->vports[id];
}

/*
 * The VPort a configuration call changes: a new generation first, so that no
 * cached decision taken under the old configuration is replayed.
 */
static struct svnic_sw_vport *
svnic_sw_vport_edit(struct svnic_sw *sw, uint16_t id, const char *what)
{
	struct svnic_sw_vport *v = svnic_sw_vport_lookup(sw, id, what);

	if (v != NULL)
		svnic_sw_new_generation(sw);
	return v;
}

int
svnic_sw_vport_setup(struct svnic_sw *sw, uint16_t vport, uint16_t func_id,
		     uint16_t nb_queues)
{
	struct svnic_sw_vport *v = svnic_sw_vport_edit(sw, vport, "setup");
	unsigned int i;

	if (v == NULL)
		return -EINVAL;
	if (nb_queues == 0 || nb_queues > SVNIC_SW_QUEUES_MAX) {
		SVNIC_EMU_LOG(ERR, "switch: vport %u: %u queues, expected 1..%u", vport,
			      nb_queues, SVNIC_SW_QUEUES_MAX);
		return -EINVAL;
	}
	v->func_id = func_id;
	v->nb_queues = nb_queues;
	for (i = 0; i < v->table_len; i++) {
		if (v->table[i] >= nb_queues) {
			svnic_sw_rss_default_table(v);
			break;
		}
	}
	return 0;
}

int
svnic_sw_vport_set_enabled(struct svnic_sw *sw, uint16_t vport, bool enabled)
{
	struct svnic_sw_vport *v = svnic_sw_vport_edit(sw, vport, "enable");

	if (v == NULL)
		return -EINVAL;
	v->enabled = enabled;
	svnic_sw_update_bitmaps(sw, vport);
	return 0;
}

int
svnic_sw_vport_reset(struct svnic_sw *sw, uint16_t vport)
{
	struct svnic_sw_vport *v = svnic_sw_vport_edit(sw, vport, "reset");

	if (v == NULL)
		return -EINVAL;
	svnic_sw_vport_defaults(v);
	svnic_sw_update_bitmaps(sw, vport);
	svnic_sw_fdb_rebuild(sw);
	return 0;
}

int
svnic_sw_vport_set_link(struct svnic_sw *sw, uint16_t vport, enum svnic_sw_link link)
{
	struct svnic_sw_vport *v = svnic_sw_vport_edit(sw, vport, "link");

	if (v == NULL)
		return -EINVAL;
	if (link != SVNIC_SW_LINK_AUTO && link != SVNIC_SW_LINK_UP &&
	    link != SVNIC_SW_LINK_DOWN)
		return -EINVAL;
	v->link = link;
	return 0;
}

int
svnic_sw_vport_set_mac(struct svnic_sw *sw, uint16_t vport, const uint8_t mac[6])
{
	struct svnic_sw_vport *v = svnic_sw_vport_edit(sw, vport, "set MAC");

	if (v == NULL || mac == NULL)
		return -EINVAL;
	if ((mac[0] & 1) != 0) {
		SVNIC_EMU_LOG(ERR, "switch: vport %u: multicast primary MAC refused", vport);
		return -EINVAL;
	}
	if (!svnic_sw_mac_is_zero(mac) &&
	    svnic_sw_fdb_taken(sw, vport, mac, svnic_sw_vport_fdb_vkey(v)))
		return -EADDRINUSE;
	memcpy(v->mac, mac, 6);
	svnic_sw_fdb_rebuild(sw);
	return 0;
}

static int
svnic_sw_find_mac(const uint8_t (*list)[6], unsigned int n, const uint8_t *mac)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (svnic_sw_mac_eq(list[i], mac))
			return (int)i;
	return -1;
}

int
svnic_sw_vport_add_uc(struct svnic_sw *sw, uint16_t vport, const uint8_t mac[6])
{
	struct svnic_sw_vport *v = svnic_sw_vport_edit(sw, vport, "add unicast");

	if (v == NULL || mac == NULL || (mac[0] & 1) != 0 || svnic_sw_mac_is_zero(mac))
		return -EINVAL;
	if (svnic_sw_find_mac((const uint8_t (*)[6])v->uc, v->nb_uc, mac) >= 0)
		return 0;
	if (v->nb_uc >= SVNIC_SW_UC_MAX)
		return -ENOSPC;
	if (svnic_sw_fdb_taken(sw, vport, mac, svnic_sw_vport_fdb_vkey(v)))
		return -EADDRINUSE;
	memcpy(v->uc[v->nb_uc++], mac, 6);
	svnic_sw_fdb_rebuild(sw);
	return 0;
}

int
svnic_sw_vport_del_uc(struct svnic_sw *sw, uint16_t vport, const uint8_t mac[6])
{
	struct svnic_sw_vport *v = svnic_sw_vport_edit(sw, vport, "delete unicast");
	int i;

	if (v == NULL || mac == NULL)
		return -EINVAL;
	i = svnic_sw_find_mac((const uint8_t (*)[6])v->uc, v->nb_uc, mac);
	if (i < 0)
		return -ENOENT;
	memmove(v->uc[i], v->uc[i + 1], (size_t)(v->nb_uc - i - 1) * 6);
	v->nb_uc--;
	svnic_sw_fdb_rebuild(sw);
	return 0;
}

static void
svnic_sw_mc_changed(struct svnic_sw *sw, uint16_t vport)
{
	struct svnic_sw_vport *v = &sw->vports[vport];
	unsigned int i;

	v->mc_bloom = 0;
	for (i = 0; i < v->nb_mc; i++)
		v->mc_bloom |= 1ull << svnic_sw_mc_bloom_bit(v->mc[i]);
	svnic_sw_update_bitmaps(sw, vport);
}

int
svnic_sw_vport_add_mc(struct svnic_sw *sw, uint16_t vport, const uint8_t mac[6])
{
	struct svnic_sw_vport *v = svnic_sw_vport_edit(sw, vport, "add multicast");

	if (v == NULL || mac == NULL || (mac[0] & 1) == 0)
		return -EINVAL;
	if (svnic_sw_find_mac((const uint8_t (*)[6])v->mc, v->nb_mc, mac) >= 0)
		return 0;
	if (v->nb_mc >= SVNIC_SW_MC_MAX)
		return -ENOSPC;
	memcpy(v->mc[v->nb_mc++], mac, 6);
	svnic_sw_mc_changed(sw, vport);
	return 0;
}

int
svnic_sw_vport_del_mc(struct svnic_sw *sw, uint16_t vport, const uint8_t mac[6])
{
	struct svnic_sw_vport *v = svnic_sw_vport_edit(sw, vport, "delete multicast");
	int i;

	if (v == NULL || mac == NULL)
		return -EINVAL;
	i = svnic_sw_find_mac((const uint8_t (*)[6])v->mc, v->nb_mc, mac);
	if (i < 0)
		return -ENOENT;
	memmove(v->mc[i], v->mc[i + 1], (size_t)(v->nb_mc - i - 1) * 6);
	v->nb_mc--;
	svnic_sw_mc_changed(sw, vport);
	return 0;
}

int
svnic_sw_vport_set_mc_list(struct svnic_sw *sw, uint16_t vport, const uint8_t (*macs)[6],
			   unsigned int n)
{
	struct svnic_sw_vport *v = svnic_sw_vport_edit(sw, vport, "multicast list");
	unsigned int i, k = 0;

	if (v == NULL || n > SVNIC_SW_MC_MAX || (n != 0 && macs == NULL))
		return -EINVAL;
	for (i = 0; i < n; i++)
		if ((macs[i][0] & 1) == 0)
			return -EINVAL;
	for (i = 0; i < n; i++)
		if (svnic_sw_find_mac((const uint8_t (*)[6])v->mc, k, macs[i]) < 0)
			memcpy(v->mc[k++], macs[i], 6);
	v->nb_mc = (uint8_t)k;
	svnic_sw_mc_changed(sw, vport);
	return 0;
}

int
svnic_sw_vport_set_promisc(struct svnic_sw *sw, uint16_t vport, bool on)
{
	struct svnic_sw_vport *v = svnic_sw_vport_edit(sw, vport, "promiscuous");

	if (v == NULL)
		return -EINVAL;
	v->promisc = on;
	svnic_sw_update_bitmaps(sw, vport);
	return 0;
}

int
svnic_sw_vport_set_allmulti(struct svnic_sw *sw, uint16_t vport, bool on)
{
	struct svnic_sw_vport *v = svnic_sw_vport_edit(sw, vport, "all-multicast");

	if (v == NULL)
		return -EINVAL;
	v->allmulti = on;
	svnic_sw_update_bitmaps(sw, vport);
	return 0;
}

int
svnic_sw_vport_set_port_vlan(struct svnic_sw *sw, uint16_t vport, uint16_t vid, uint8_t qos,
			     uint16_t tpid)
{
	struct svnic_sw_vport *v = svnic_sw_vport_edit(sw, vport, "port VLAN");
	uint16_t vkey;
	unsigned int i;

	if (v == NULL)
		return -EINVAL;
	if (vid > SVNIC_SW_VLAN_MAX || qos > 7 ||
	    (tpid != SVNIC_SW_TPID_8021Q && tpid != SVNIC_SW_TPID_8021AD)) {
		SVNIC_EMU_LOG(ERR, "switch: vport %u: port VLAN %u qos %u tpid 0x%04x refused",
			      vport, vid, qos, tpid);
		return -EINVAL;
	}
	vkey = vid != 0 ? svnic_sw_vkey(vid, tpid) : SVNIC_SW_VKEY_ANY;
	if (!svnic_sw_mac_is_zero(v->mac) && svnic_sw_fdb_taken(sw, vport, v->mac, vkey))
		return -EADDRINUSE;
	for (i = 0; i < v->nb_uc; i++)
		if (svnic_sw_fdb_taken(sw, vport, v->uc[i], vkey))
			return -EADDRINUSE;
	v->pvid = vid;
	v->pqos = vid != 0 ? qos : 0;
	v->ptpid = tpid;
	v->pvkey = vid != 0 ? vkey : 0;
	svnic_sw_fdb_rebuild(sw);
	return 0;
}

int
svnic_sw_vport_vlan_filter(struct svnic_sw *sw, uint16_t vport, uint16_t vid, bool on)
{
	struct svnic_sw_vport *v = svnic_sw_vport_edit(sw, vport, "VLAN filter");

	if (v == NULL || vid == 0 || vid > SVNIC_SW_VLAN_MAX)
		return -EINVAL;
	svnic_sw_bm_assign(v->vlan_bm, vid, on);
	return 0;
}

int
svnic_sw_vport_set_spoofchk(struct svnic_sw *sw, uint16_t vport, bool on)
{
	struct svnic_sw_vport *v = svnic_sw_vport_edit(sw, vport, "spoof check");

	if (v == NULL)
		return -EINVAL;
	v->spoofchk = on;
	return 0;
}

int
svnic_sw_vport_set_trust(struct svnic_sw *sw, uint16_t vport, bool on)
{
	struct svnic_sw_vport *v = svnic_sw_vport_edit(sw, vport, "trust");

	if (v == NULL)
		return -EINVAL;
	v->trust = on;
	return 0;
}

int
svnic_sw_vport_set_rate(struct svnic_sw *sw, uint16_t vport, uint32_t mbps,
			uint32_t burst_bytes)
{
	struct svnic_sw_vport *v = svnic_sw_vport_edit(sw, vport, "tx rate");
	uint64_t burst = burst_bytes;

	if (v == NULL)
		return -EINVAL;
	if (burst != 0 && burst < SVNIC_SW_BURST_MIN) {
		SVNIC_EMU_LOG(ERR, "switch: vport %u: burst %u bytes, under %u", vport,
			      burst_bytes, SVNIC_SW_BURST_MIN);
		return -EINVAL;
	}
	if (burst == 0) {
		burst = (uint64_t)mbps * 125;	/* 1 ms */
		if (burst < SVNIC_SW_BURST_DEFAULT)
			burst = SVNIC_SW_BURST_DEFAULT;
		if (burst > UINT32_MAX)
			burst = UINT32_MAX;
	}
	v->rate_mbps = mbps;
	v->burst_bytes = mbps != 0 ? (uint32_t)burst : 0;
	v->tokens = v->burst_bytes * SVNIC_SW_MBIT_PER_BYTE;
	v->last_ns = 0;
	return 0;
}

int
svnic_sw_vport_set_rss(struct svnic_sw *sw, uint16_t vport, const struct svnic_sw_rss_cfg *rss)
{
	struct svnic_sw_vport *v = svnic_sw_vport_edit(sw, vport, "RSS");
	unsigned int i;

	if (v == NULL || rss == NULL)
		return -EINVAL;
	if ((rss->hash_types & ~SVNIC_RSS_HF_ALL) != 0 ||
	    (rss->key_len != 0 &&
	     (rss->key_len < SVNIC_SW_RSS_KEY_MIN || rss->key_len > SVNIC_RSS_KEY_MAX)) ||
	    (rss->table_len != 0 && (rss->table_len > SVNIC_RSS_TABLE_MAX ||
				     (rss->table_len & (rss->table_len - 1)) != 0))) {
		SVNIC_EMU_LOG(ERR, "switch: vport %u: RSS types 0x%llx key %u table %u refused",
			      vport, (unsigned long long)rss->hash_types, rss->key_len,
			      rss->table_len);
		return -EINVAL;
	}
	for (i = 0; i < rss->table_len; i++) {
		if (rss->table[i] >= v->nb_queues) {
			SVNIC_EMU_LOG(ERR, "switch: vport %u: RSS entry %u is queue %u of %u",
				      vport, i, rss->table[i], v->nb_queues);
			return -EINVAL;
		}
	}
	v->rss_types = rss->hash_types;
	if (rss->key_len != 0) {
		memset(v->key, 0, sizeof(v->key));
		memcpy(v->key, rss->key, rss->key_len);
		v->key_len = rss->key_len;
		svnic_sw_rss_windows(v);
	}
	if (rss->table_len != 0) {
		memcpy(v->table, rss->table, rss->table_len * sizeof(v->table[0]));
		v->table_len = rss->table_len;
	}
	return 0;
}

int
svnic_sw_vport_get(const struct svnic_sw *sw, uint16_t vport, struct svnic_sw_vport_info *info)
{
	const struct svnic_sw_vport *v = svnic_sw_vport_lookup(sw, vport, "get");

	if (v == NULL || info == NULL)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->enabled = v->enabled;
	info->link_up = svnic_sw_link_up(sw, v);
	info->link = v->link;
	info->func_id = v->func_id;
	info->nb_queues = v->nb_queues;
	memcpy(info->mac, v->mac, 6);
	info->nb_uc = v->nb_uc;
	info->nb_mc = v->nb_mc;
	info->promisc = v->promisc;
	info->allmulti = v->allmulti;
	info->spoofchk = v->spoofchk;
	info->trust = v->trust;
	info->pvid = v->pvid;
	info->pqos = v->pqos;
	info->ptpid = v->ptpid;
	info->rate_mbps = v->rate_mbps;
	info->burst_bytes = v->burst_bytes;
	info->rss_hash_types = v->rss_types;
	info->rss_key_len = v->key_len;
	info->rss_table_len = v->table_len;
	return 0;
}

/* ---- counters ---- */

int
svnic_sw_stats_get(const struct svnic_sw *sw, uint16_t port, struct svnic_sw_stats *st)
{
	if (sw == NULL || st == NULL || (port != SVNIC_SW_UPLINK && port >= sw->nb_vports))
		return -EINVAL;
	*st = sw->stats[port == SVNIC_SW_UPLINK ? sw->nb_vports : port];
	return 0;
}

int
svnic_sw_stats_reset(struct svnic_sw *sw, uint16_t port)
{
	if (sw == NULL || (port != SVNIC_SW_UPLINK && port >= sw->nb_vports))
		return -EINVAL;
	memset(svnic_sw_port_stats(sw, port), 0, sizeof(struct svnic_sw_stats));
	if (port != SVNIC_SW_UPLINK)
		memset(&sw->qstats[(size_t)port * SVNIC_SW_QUEUES_MAX], 0,
		       SVNIC_SW_QUEUES_MAX * sizeof(*sw->qstats));
	return 0;
}

int
svnic_sw_queue_stats_get(const struct svnic_sw *sw, uint16_t vport, uint16_t queue,
			 struct svnic_sw_queue_stats *st)
{
	if (sw == NULL || st == NULL || vport >= sw->nb_vports || queue >= SVNIC_SW_QUEUES_MAX)
		return -EINVAL;
	*st = sw->qstats[(size_t)vport * SVNIC_SW_QUEUES_MAX + queue];
	return 0;
}

const char *
svnic_sw_drop_name(enum svnic_sw_drop reason)
{
	if ((unsigned int)reason >= SVNIC_SW_DROP_MAX)
		return "unknown";
	return svnic_sw_drop_names[reason];
}
