/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * svnic-emu's switch against arbitrary frames from any port, on a fixed setup
 * that uses every feature. The input is chunks: a source byte (VPort id, or
 * the uplink for ids past the last), a flags byte (bit 0: toggle the uplink's
 * link; bits 1-7: tens of microseconds to advance the clock), a 16-bit
 * little-endian length and that many frame bytes.
 *
 * After every frame the result is checked against a shadow model that walks
 * every VPort (no hash table, no bitmaps), and against invariants: never back
 * to the source, only enabled VPorts with their link up, a port-VLAN VPort
 * only gets frames of its VLAN and untagged, queues within range, and the
 * assembled output is what the result describes. ASan catches any read past
 * the frame (each frame is copied to a buffer of exactly its length).
 *
 * A twin switch, configured the same way, forwards every frame through a
 * decision cache: its results and all its counters must be the plain ones.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emu_switch.h"

#define NB	10
#define UPLINK_BIT	(1u << NB)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct shadow {
	bool enabled;
	enum svnic_sw_link link;
	uint8_t mac[6];
	uint8_t uc[6];
	bool has_uc;
	uint8_t mc[6];
	bool has_mc;
	bool allmulti;
	bool promisc;
	bool spoofchk;
	uint16_t pvid;
	uint16_t ptpid;
	uint8_t pqos;
	uint16_t filters[2];
	uint16_t nb_queues;
	uint32_t rate;
};

/*
 * 0 PF: promiscuous off, RSS; 1 port VLAN 10 (802.1Q), spoof check; 2 port
 * VLAN 20 (802.1ad), spoof check, rate limited; 3 filters VLANs 10 and 30,
 * extra MAC; 4 all-multicast; 5 promiscuous, RSS; 6 disabled; 7 forced down;
 * 8 forced up, group member, port VLAN 30; 9 same MAC as 1 but in VLAN 40.
 */
static struct shadow sh[NB] = {
	[0] = { .enabled = true, .mac = { 2, 0, 0, 0, 0, 1 }, .nb_queues = 4 },
	[1] = { .enabled = true, .mac = { 2, 0, 0, 0, 0, 0x10 }, .spoofchk = true,
		.pvid = 10, .ptpid = 0x8100, .pqos = 5, .nb_queues = 2 },
	[2] = { .enabled = true, .mac = { 2, 0, 0, 0, 0, 0x11 }, .spoofchk = true,
		.pvid = 20, .ptpid = 0x88a8, .nb_queues = 1, .rate = 10 },
	[3] = { .enabled = true, .mac = { 2, 0, 0, 0, 0, 0x12 }, .uc = { 2, 0, 0, 0, 1, 0x12 },
		.has_uc = true, .filters = { 10, 30 }, .nb_queues = 8 },
	[4] = { .enabled = true, .mac = { 2, 0, 0, 0, 0, 0x13 }, .allmulti = true,
		.nb_queues = 1 },
	[5] = { .enabled = true, .mac = { 2, 0, 0, 0, 0, 0x14 }, .promisc = true,
		.nb_queues = 16 },
	[6] = { .enabled = false, .mac = { 2, 0, 0, 0, 0, 0x15 }, .nb_queues = 1 },
	[7] = { .enabled = true, .link = SVNIC_SW_LINK_DOWN, .mac = { 2, 0, 0, 0, 0, 0x16 },
		.nb_queues = 1 },
	[8] = { .enabled = true, .link = SVNIC_SW_LINK_UP, .mac = { 2, 0, 0, 0, 0, 0x17 },
		.mc = { 0x01, 0, 0x5e, 0, 0, 1 }, .has_mc = true, .pvid = 30, .ptpid = 0x8100,
		.nb_queues = 2 },
	[9] = { .enabled = true, .mac = { 2, 0, 0, 0, 0, 0x10 }, .pvid = 40, .ptpid = 0x8100,
		.nb_queues = 1 },
};

static struct svnic_sw *sw;
static struct svnic_sw *twin;		/* forwards through the cache */
static struct svnic_sw_cache cache;
static bool uplink_up = true;
static uint64_t now_ns;

static void
fuzz_check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

static void
fuzz_configure(struct svnic_sw *t)
{
	struct svnic_sw_rss_cfg rss;
	uint16_t i, q;

	for (i = 0; i < NB; i++) {
		const struct shadow *s = &sh[i];

		fuzz_check(svnic_sw_vport_setup(t, i, i, s->nb_queues) == 0);
		fuzz_check(svnic_sw_vport_set_port_vlan(t, i, s->pvid, s->pqos,
							s->ptpid ? s->ptpid : 0x8100) == 0);
		fuzz_check(svnic_sw_vport_set_mac(t, i, s->mac) == 0);
		if (s->has_uc)
			fuzz_check(svnic_sw_vport_add_uc(t, i, s->uc) == 0);
		if (s->has_mc)
			fuzz_check(svnic_sw_vport_add_mc(t, i, s->mc) == 0);
		for (q = 0; q < 2; q++)
			if (s->filters[q] != 0)
				fuzz_check(svnic_sw_vport_vlan_filter(t, i, s->filters[q],
								      true) == 0);
		fuzz_check(svnic_sw_vport_set_allmulti(t, i, s->allmulti) == 0);
		fuzz_check(svnic_sw_vport_set_promisc(t, i, s->promisc) == 0);
		fuzz_check(svnic_sw_vport_set_spoofchk(t, i, s->spoofchk) == 0);
		fuzz_check(svnic_sw_vport_set_link(t, i, s->link) == 0);
		fuzz_check(svnic_sw_vport_set_rate(t, i, s->rate, s->rate ? 1600 : 0) == 0);
		if (s->nb_queues > 1) {
			memset(&rss, 0, sizeof(rss));
			rss.hash_types = i == 0 ? SVNIC_RSS_HF_IPV4 | SVNIC_RSS_HF_IPV6_UDP :
				SVNIC_RSS_HF_ALL;
			rss.key_len = (uint8_t)(4 + i * 4);
			for (q = 0; q < rss.key_len; q++)
				rss.key[q] = (uint8_t)(q * 37 + i);
			rss.table_len = 16;
			for (q = 0; q < 16; q++)
				rss.table[q] = (uint16_t)((q * 3) % s->nb_queues);
			fuzz_check(svnic_sw_vport_set_rss(t, i, &rss) == 0);
		}
		fuzz_check(svnic_sw_vport_set_enabled(t, i, s->enabled) == 0);
	}
}

static void
fuzz_setup(void)
{
	sw = svnic_sw_create(NB);
	twin = svnic_sw_create(NB);
	fuzz_check(sw != NULL && twin != NULL);
	fuzz_configure(sw);
	fuzz_configure(twin);
}

/* The cached twin decided @p res's frame the same way and counts the same. */
static void
fuzz_check_twin(uint16_t src, const uint8_t *f, size_t len, const struct svnic_sw_result *res)
{
	static struct svnic_sw_result tr;
	struct svnic_sw_queue_stats qa, qb;
	struct svnic_sw_stats a, b;
	uint16_t i, q;

	fuzz_check(svnic_sw_forward_cached(twin, &cache, src, f, len, now_ns, &tr) == 0);
	fuzz_check(tr.drop == res->drop && tr.nb_dests == res->nb_dests &&
		   tr.payload_off == res->payload_off && tr.ethertype == res->ethertype);
	fuzz_check(memcmp(tr.counted, res->counted, sizeof(tr.counted)) == 0);
	fuzz_check(memcmp(tr.dests, res->dests, res->nb_dests * sizeof(res->dests[0])) == 0);
	for (i = 0; i <= NB; i++) {
		uint16_t port = i < NB ? i : SVNIC_SW_UPLINK;

		fuzz_check(svnic_sw_stats_get(sw, port, &a) == 0);
		fuzz_check(svnic_sw_stats_get(twin, port, &b) == 0);
		fuzz_check(memcmp(&a, &b, sizeof(a)) == 0);
		for (q = 0; i < NB && q < sh[i].nb_queues; q++) {
			fuzz_check(svnic_sw_queue_stats_get(sw, i, q, &qa) == 0);
			fuzz_check(svnic_sw_queue_stats_get(twin, i, q, &qb) == 0);
			fuzz_check(qa.packets == qb.packets && qa.bytes == qb.bytes);
		}
	}
}

static bool
sh_link(const struct shadow *s)
{
	return s->link == SVNIC_SW_LINK_AUTO ? uplink_up : s->link == SVNIC_SW_LINK_UP;
}

static uint16_t
vkey_of(uint16_t vid, uint16_t tpid)
{
	return (uint16_t)(vid | (tpid == 0x88a8 ? 0x1000 : 0));
}

static bool
sh_accepts(const struct shadow *s, uint16_t vkey)
{
	if (s->pvid != 0)
		return vkey == vkey_of(s->pvid, s->ptpid);
	if (vkey == 0 || s->promisc)
		return true;
	if (vkey & 0x1000)
		return false;
	return vkey == s->filters[0] || vkey == s->filters[1];
}

static bool
sh_owns(const struct shadow *s, const uint8_t *mac)
{
	return memcmp(s->mac, mac, 6) == 0 || (s->has_uc && memcmp(s->uc, mac, 6) == 0);
}

/*
 * The expected destination set, or ~0u when the frame is dropped on the way
 * in. The rate limit is not modelled: a RATE drop is only checked to come
 * from the rate-limited VPort.
 */
static unsigned int
sh_expect(unsigned int src, const uint8_t *f, size_t len, uint16_t *vkey_out)
{
	const struct shadow *ss = src < NB ? &sh[src] : NULL;
	unsigned int set = 0, i;
	uint16_t et, vkey = 0;
	int owner = -1;

	if (ss != NULL && (!ss->enabled || !sh_link(ss)))
		return ~0u;
	if (ss == NULL && !uplink_up)
		return ~0u;
	if (len < 14)
		return ~0u;
	et = (uint16_t)(f[12] << 8 | f[13]);
	if (ss != NULL && ss->pvid != 0) {
		if ((et == 0x8100 || et == 0x88a8) && ss->spoofchk)
			return ~0u;
		vkey = vkey_of(ss->pvid, ss->ptpid);
	} else if (et == 0x8100 || et == 0x88a8) {
		if (len < 18)
			return ~0u;
		vkey = (f[14] << 8 | f[15]) & 0xfff;
		if (vkey != 0)
			vkey = vkey_of(vkey, et);
	}
	if (ss != NULL && ss->spoofchk && !sh_owns(ss, f + 6))
		return ~0u;
	*vkey_out = vkey;

	if (f[0] & 1) {
		bool bcast = memcmp(f, "\xff\xff\xff\xff\xff\xff", 6) == 0;

		for (i = 0; i < NB; i++) {
			const struct shadow *s = &sh[i];
			bool member = s->has_mc && memcmp(s->mc, f, 6) == 0;

			if (i == src || !s->enabled || !sh_accepts(s, vkey) || !sh_link(s))
				continue;
			if (bcast || s->promisc || s->allmulti || member)
				set |= 1u << i;
		}
		if (ss != NULL && uplink_up)
			set |= UPLINK_BIT;
		return set;
	}
	for (i = 0; i < NB && owner < 0; i++)
		if (sh[i].pvid != 0 && vkey == vkey_of(sh[i].pvid, sh[i].ptpid) &&
		    sh_owns(&sh[i], f))
			owner = (int)i;
	for (i = 0; i < NB && owner < 0; i++)
		if (sh[i].pvid == 0 && sh_owns(&sh[i], f) && sh_accepts(&sh[i], vkey))
			owner = (int)i;
	if (owner >= 0) {
		if ((unsigned int)owner != src && sh[owner].enabled && sh_link(&sh[owner]))
			set |= 1u << owner;
	} else if (ss == NULL) {
		if (sh[0].enabled && sh_accepts(&sh[0], vkey) && sh_link(&sh[0]))
			set |= 1u;
	} else if (uplink_up) {
		set |= UPLINK_BIT;
	}
	for (i = 0; i < NB; i++)
		if (sh[i].promisc && sh[i].enabled && i != src && sh_accepts(&sh[i], vkey) &&
		    sh_link(&sh[i]))
			set |= 1u << i;
	return set;
}

static void
fuzz_one(unsigned int src_sel, const uint8_t *f, size_t len)
{
	static struct svnic_sw_result res;
	static uint8_t out[SVNIC_SW_FRAME_MAX + 4];
	uint16_t src = src_sel < NB ? (uint16_t)src_sel : SVNIC_SW_UPLINK;
	unsigned int expect, got = 0, i;
	uint16_t vkey = 0xffff;
	int n;

	fuzz_check(svnic_sw_forward(sw, src, f, len, now_ns, &res) == 0);
	fuzz_check_twin(src, f, len, &res);
	expect = sh_expect(src_sel < NB ? src_sel : NB, f, len, &vkey);
	fuzz_check((res.nb_dests == 0) == (res.drop != SVNIC_SW_DROP_NONE));
	fuzz_check(res.nb_dests <= SVNIC_SW_DEST_MAX);
	if (res.drop == SVNIC_SW_DROP_RATE) {
		fuzz_check(src < NB && sh[src].rate != 0);
		return;
	}
	for (i = 0; i < res.nb_dests; i++) {
		const struct svnic_sw_dest *d = &res.dests[i];
		unsigned int bit = d->port == SVNIC_SW_UPLINK ? UPLINK_BIT : 1u << d->port;

		fuzz_check(d->port != src);
		fuzz_check((got & bit) == 0);
		got |= bit;
		if (d->port != SVNIC_SW_UPLINK) {
			const struct shadow *s = &sh[d->port];

			fuzz_check(d->port < NB && s->enabled && sh_link(s));
			fuzz_check(d->queue < s->nb_queues);
			fuzz_check(d->rss_type == 0 || s->nb_queues > 1);
			if (s->pvid != 0) {
				fuzz_check(vkey == vkey_of(s->pvid, s->ptpid));
				fuzz_check(d->tpid == 0);
			}
		} else {
			fuzz_check(uplink_up);
			fuzz_check(d->queue == 0);
		}
		fuzz_check(d->tpid == 0 || d->tpid == 0x8100 || d->tpid == 0x88a8);
		n = svnic_sw_write(&res, d, f, len, out, sizeof(out));
		fuzz_check(n > 0 && (size_t)n == svnic_sw_out_len(&res, d, len));
		fuzz_check(memcmp(out, f, 12) == 0);
	}
	if (expect == ~0u)
		fuzz_check(res.nb_dests == 0);
	else
		fuzz_check(got == expect);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;

	if (sw == NULL)
		fuzz_setup();
	while (off + 4 <= size) {
		unsigned int src = data[off];
		uint8_t flags = data[off + 1];
		size_t len = (size_t)data[off + 2] | (size_t)data[off + 3] << 8;
		uint8_t *f;

		off += 4;
		if (len > size - off)
			len = size - off;
		if (flags & 1) {
			uplink_up = !uplink_up;
			svnic_sw_set_uplink_link(sw, uplink_up);
			svnic_sw_set_uplink_link(twin, uplink_up);
		}
		now_ns += (uint64_t)(flags >> 1) * 10000;
		/* exactly len bytes, so ASan sees any read past the end */
		f = malloc(len != 0 ? len : 1);
		fuzz_check(f != NULL);
		memcpy(f, data + off, len);
		fuzz_one(src % (NB + 1), f, len);
		free(f);
		off += len;
	}
	return 0;
}
