/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * svnic-emu's NIC switch: refusals first, then each forwarding rule, RSS
 * against Microsoft's published Toeplitz vectors, rate limiting on a
 * hand-driven clock, and the counters.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "emu_log.h"
#include "emu_switch.h"
#include "unit.h"

/* Fixture: PF VPort 0 and three VFs' VPorts 1..3, enabled, 4 queues each. */
#define NB_VP	4
#define UP_BIT	(1u << NB_VP)
#define P(n)	(1u << (n))

static const uint8_t mac_pf[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac_vf[3][6] = {
	{ 0x02, 0, 0, 0, 0, 0x10 }, { 0x02, 0, 0, 0, 0, 0x11 }, { 0x02, 0, 0, 0, 0, 0x12 },
};
static const uint8_t mac_ext[6] = { 0x02, 0xee, 0, 0, 0, 0x99 };	/* on the wire */
static const uint8_t mac_unknown[6] = { 0x02, 0xdd, 0, 0, 0, 0x01 };
static const uint8_t mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mac_group[6] = { 0x01, 0x00, 0x5e, 0x01, 0x02, 0x03 };
static const uint8_t mac_group2[6] = { 0x33, 0x33, 0, 0, 0, 0x05 };

static struct svnic_sw *sw;
static struct svnic_sw_result res;
static uint8_t frame[2048];

/* the device model's log, captured */
static char log_last[256];
static unsigned int log_n;

static void
log_sink(enum svnic_emu_log_level level, const char *msg, void *ctx)
{
	(void)level;
	(void)ctx;
	snprintf(log_last, sizeof(log_last), "%s", msg);
	log_n++;
}

static const uint8_t *
vp_mac(unsigned int vp)
{
	return vp == 0 ? mac_pf : mac_vf[vp - 1];
}

static void
fixture(void)
{
	unsigned int i;

	svnic_sw_destroy(sw);
	sw = svnic_sw_create(NB_VP);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sw);
	for (i = 0; i < NB_VP; i++) {
		CU_ASSERT_EQUAL(svnic_sw_vport_setup(sw, (uint16_t)i, (uint16_t)i, 4), 0);
		CU_ASSERT_EQUAL(svnic_sw_vport_set_mac(sw, (uint16_t)i, vp_mac(i)), 0);
		CU_ASSERT_EQUAL(svnic_sw_vport_set_enabled(sw, (uint16_t)i, true), 0);
	}
}

static size_t
mk_eth(const uint8_t *dst, const uint8_t *src, uint16_t et, size_t payload)
{
	size_t i;

	memcpy(frame, dst, 6);
	memcpy(frame + 6, src, 6);
	frame[12] = (uint8_t)(et >> 8);
	frame[13] = (uint8_t)et;
	for (i = 0; i < payload; i++)
		frame[14 + i] = (uint8_t)(0xa0 + i);
	return 14 + payload;
}

static size_t
mk_vlan(const uint8_t *dst, const uint8_t *src, uint16_t tpid, uint16_t tci, uint16_t et,
	size_t payload)
{
	size_t i;

	memcpy(frame, dst, 6);
	memcpy(frame + 6, src, 6);
	frame[12] = (uint8_t)(tpid >> 8);
	frame[13] = (uint8_t)tpid;
	frame[14] = (uint8_t)(tci >> 8);
	frame[15] = (uint8_t)tci;
	frame[16] = (uint8_t)(et >> 8);
	frame[17] = (uint8_t)et;
	for (i = 0; i < payload; i++)
		frame[18 + i] = (uint8_t)(0xa0 + i);
	return 18 + payload;
}

static int
fwd(uint16_t src, size_t len)
{
	return svnic_sw_forward(sw, src, frame, len, 0, &res);
}

/* Destinations as a bit set: VPort n is bit n, the uplink UP_BIT. */
static unsigned int
dests(void)
{
	unsigned int i, set = 0;

	for (i = 0; i < res.nb_dests; i++)
		set |= res.dests[i].port == SVNIC_SW_UPLINK ? UP_BIT : P(res.dests[i].port);
	return set;
}

static const struct svnic_sw_dest *
dest_of(uint16_t port)
{
	unsigned int i;

	for (i = 0; i < res.nb_dests; i++)
		if (res.dests[i].port == port)
			return &res.dests[i];
	return NULL;
}

static uint64_t
drops(uint16_t port, enum svnic_sw_drop reason)
{
	struct svnic_sw_stats st;

	CU_ASSERT_EQUAL(svnic_sw_stats_get(sw, port, &st), 0);
	return st.drops[reason];
}

/* ---- refusals ---- */

static void
test_create_refused(void)
{
	errno = 0;
	CU_ASSERT_PTR_NULL(svnic_sw_create(0));
	CU_ASSERT_EQUAL(errno, EINVAL);
	errno = 0;
	CU_ASSERT_PTR_NULL(svnic_sw_create(SVNIC_SW_VPORTS_MAX + 1));
	CU_ASSERT_EQUAL(errno, EINVAL);
	svnic_sw_destroy(NULL);
}

static void
test_bad_ids_refused(void)
{
	static const uint16_t bad[] = { NB_VP, 300, SVNIC_SW_UPLINK };
	struct svnic_sw_rss_cfg rss = { 0 };
	struct svnic_sw_vport_info info;
	struct svnic_sw_queue_stats qs;
	unsigned int i;

	fixture();
	svnic_emu_log_set_handler(log_sink, NULL);
	log_n = 0;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint16_t id = bad[i];

		CU_ASSERT_EQUAL(svnic_sw_vport_setup(sw, id, 0, 1), -EINVAL);
		CU_ASSERT_EQUAL(svnic_sw_vport_set_enabled(sw, id, true), -EINVAL);
		CU_ASSERT_EQUAL(svnic_sw_vport_reset(sw, id), -EINVAL);
		CU_ASSERT_EQUAL(svnic_sw_vport_set_link(sw, id, SVNIC_SW_LINK_UP), -EINVAL);
		CU_ASSERT_EQUAL(svnic_sw_vport_set_mac(sw, id, mac_unknown), -EINVAL);
		CU_ASSERT_EQUAL(svnic_sw_vport_add_uc(sw, id, mac_unknown), -EINVAL);
		CU_ASSERT_EQUAL(svnic_sw_vport_del_uc(sw, id, mac_unknown), -EINVAL);
		CU_ASSERT_EQUAL(svnic_sw_vport_add_mc(sw, id, mac_group), -EINVAL);
		CU_ASSERT_EQUAL(svnic_sw_vport_del_mc(sw, id, mac_group), -EINVAL);
		CU_ASSERT_EQUAL(svnic_sw_vport_set_mc_list(sw, id, NULL, 0), -EINVAL);
		CU_ASSERT_EQUAL(svnic_sw_vport_set_promisc(sw, id, true), -EINVAL);
		CU_ASSERT_EQUAL(svnic_sw_vport_set_allmulti(sw, id, true), -EINVAL);
		CU_ASSERT_EQUAL(svnic_sw_vport_set_port_vlan(sw, id, 5, 0, 0x8100), -EINVAL);
		CU_ASSERT_EQUAL(svnic_sw_vport_vlan_filter(sw, id, 5, true), -EINVAL);
		CU_ASSERT_EQUAL(svnic_sw_vport_set_spoofchk(sw, id, true), -EINVAL);
		CU_ASSERT_EQUAL(svnic_sw_vport_set_trust(sw, id, true), -EINVAL);
		CU_ASSERT_EQUAL(svnic_sw_vport_set_rate(sw, id, 10, 0), -EINVAL);
		CU_ASSERT_EQUAL(svnic_sw_vport_set_rss(sw, id, &rss), -EINVAL);
		CU_ASSERT_EQUAL(svnic_sw_vport_get(sw, id, &info), -EINVAL);
		CU_ASSERT_EQUAL(svnic_sw_queue_stats_get(sw, id, 0, &qs), -EINVAL);
	}
	CU_ASSERT(log_n > 0);
	CU_ASSERT(strstr(log_last, "no vport") != NULL);
	CU_ASSERT_EQUAL(svnic_sw_queue_stats_get(sw, 0, SVNIC_SW_QUEUES_MAX, &qs), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_stats_get(sw, NB_VP, NULL), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_stats_reset(sw, NB_VP), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_vport_setup(NULL, 0, 0, 1), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_link(sw, 0, (enum svnic_sw_link)7), -EINVAL);
	/* forward: bad source, NULL arguments, oversized */
	mk_eth(mac_pf, mac_ext, 0x0800, 50);
	CU_ASSERT_EQUAL(svnic_sw_forward(sw, NB_VP, frame, 64, 0, &res), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_forward(sw, 1000, frame, 64, 0, &res), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_forward(sw, 0, frame, 64, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_forward(sw, 0, NULL, 64, 0, &res), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_forward(NULL, 0, frame, 64, 0, &res), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_forward(sw, 0, frame, SVNIC_SW_FRAME_MAX + 1, 0, &res),
			-EINVAL);
	svnic_emu_log_set_handler(NULL, NULL);
}

static void
test_bad_sizes_refused(void)
{
	struct svnic_sw_vport_info before, after;
	struct svnic_sw_rss_cfg rss;
	uint8_t macs[SVNIC_SW_MC_MAX + 1][6];
	uint8_t mac[6];
	unsigned int i;

	fixture();
	CU_ASSERT_EQUAL(svnic_sw_vport_setup(sw, 1, 1, 0), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_vport_setup(sw, 1, 1, SVNIC_SW_QUEUES_MAX + 1), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_mac(sw, 1, mac_group), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_vport_add_uc(sw, 1, mac_group), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_vport_add_uc(sw, 1, (const uint8_t[6]){ 0 }), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_vport_add_mc(sw, 1, mac_unknown), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_vport_del_uc(sw, 1, mac_unknown), -ENOENT);
	CU_ASSERT_EQUAL(svnic_sw_vport_del_mc(sw, 1, mac_group), -ENOENT);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_port_vlan(sw, 1, 4095, 0, 0x8100), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_port_vlan(sw, 1, 10, 8, 0x8100), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_port_vlan(sw, 1, 10, 0, 0x9100), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_vport_vlan_filter(sw, 1, 0, true), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_vport_vlan_filter(sw, 1, 4095, true), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_rate(sw, 1, 100, 63), -EINVAL);
	/* another VPort's MAC, as primary or as an extra filter */
	CU_ASSERT_EQUAL(svnic_sw_vport_set_mac(sw, 1, mac_vf[1]), -EADDRINUSE);
	CU_ASSERT_EQUAL(svnic_sw_vport_add_uc(sw, 1, mac_pf), -EADDRINUSE);
	/* unicast filter table full */
	memcpy(mac, mac_unknown, 6);
	for (i = 0; i < SVNIC_SW_UC_MAX; i++) {
		mac[5] = (uint8_t)(0x40 + i);
		CU_ASSERT_EQUAL(svnic_sw_vport_add_uc(sw, 1, mac), 0);
	}
	CU_ASSERT_EQUAL(svnic_sw_vport_add_uc(sw, 1, mac), 0);	/* already there */
	mac[5] = 0x3f;
	CU_ASSERT_EQUAL(svnic_sw_vport_add_uc(sw, 1, mac), -ENOSPC);
	/* multicast list full, and a list with a unicast MAC */
	for (i = 0; i <= SVNIC_SW_MC_MAX; i++) {
		memcpy(macs[i], mac_group, 6);
		macs[i][5] = (uint8_t)i;
	}
	CU_ASSERT_EQUAL(svnic_sw_vport_set_mc_list(sw, 1, (const uint8_t (*)[6])macs,
						   SVNIC_SW_MC_MAX + 1), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_mc_list(sw, 1, (const uint8_t (*)[6])macs,
						   SVNIC_SW_MC_MAX), 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_add_mc(sw, 1, mac_group2), -ENOSPC);
	macs[3][0] = 0x02;
	CU_ASSERT_EQUAL(svnic_sw_vport_set_mc_list(sw, 2, (const uint8_t (*)[6])macs, 4),
			-EINVAL);

	/* RSS: every bad field refused, and nothing changed */
	CU_ASSERT_EQUAL(svnic_sw_vport_get(sw, 1, &before), 0);
	memset(&rss, 0, sizeof(rss));
	rss.hash_types = SVNIC_RSS_HF_ALL + 1;
	CU_ASSERT_EQUAL(svnic_sw_vport_set_rss(sw, 1, &rss), -EINVAL);
	rss.hash_types = SVNIC_RSS_HF_IPV4;
	rss.key_len = 3;
	CU_ASSERT_EQUAL(svnic_sw_vport_set_rss(sw, 1, &rss), -EINVAL);
	rss.key_len = SVNIC_RSS_KEY_MAX + 1;
	CU_ASSERT_EQUAL(svnic_sw_vport_set_rss(sw, 1, &rss), -EINVAL);
	rss.key_len = 0;
	rss.table_len = 3;
	CU_ASSERT_EQUAL(svnic_sw_vport_set_rss(sw, 1, &rss), -EINVAL);
	rss.table_len = 1024;
	CU_ASSERT_EQUAL(svnic_sw_vport_set_rss(sw, 1, &rss), -EINVAL);
	rss.table_len = 8;
	rss.table[7] = 4;	/* the VPort has queues 0..3 */
	CU_ASSERT_EQUAL(svnic_sw_vport_set_rss(sw, 1, &rss), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_rss(sw, 1, NULL), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_vport_get(sw, 1, &after), 0);
	CU_ASSERT_EQUAL(memcmp(&before, &after, sizeof(before)), 0);
	CU_ASSERT_EQUAL(after.rss_hash_types, 0);
}

static void
test_runt_dropped(void)
{
	struct svnic_sw_stats st;

	fixture();
	mk_eth(mac_vf[0], mac_ext, 0x0800, 0);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 0), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_RUNT);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 13), 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_RUNT);
	CU_ASSERT_EQUAL(fwd(1, 13), 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_RUNT);
	/* a VLAN tag cut short */
	mk_vlan(mac_vf[0], mac_ext, 0x8100, 5, 0x0800, 0);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 17), 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_RUNT);
	mk_vlan(mac_vf[0], mac_ext, 0x88a8, 5, 0x0800, 0);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 16), 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_RUNT);
	CU_ASSERT_EQUAL(drops(SVNIC_SW_UPLINK, SVNIC_SW_DROP_RUNT), 4);
	CU_ASSERT_EQUAL(drops(1, SVNIC_SW_DROP_RUNT), 1);
	CU_ASSERT_EQUAL(svnic_sw_stats_get(sw, SVNIC_SW_UPLINK, &st), 0);
	CU_ASSERT_EQUAL(st.tx_packets, 0);
	/* the shortest frames that are not runts go through */
	mk_eth(mac_vf[0], mac_ext, 0x0800, 0);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 14), 0);
	CU_ASSERT_EQUAL(dests(), P(1));
	CU_ASSERT_EQUAL(res.payload_off, 14);
	CU_ASSERT_EQUAL(svnic_sw_vport_vlan_filter(sw, 1, 5, true), 0);
	mk_vlan(mac_vf[0], mac_ext, 0x8100, 5, 0x0800, 0);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 18), 0);
	CU_ASSERT_EQUAL(dests(), P(1));
	CU_ASSERT_EQUAL(res.payload_off, 18);
	CU_ASSERT_EQUAL(res.ethertype, 0x0800);
}

static void
test_disabled_vport(void)
{
	fixture();
	CU_ASSERT_EQUAL(svnic_sw_vport_set_enabled(sw, 2, false), 0);
	mk_eth(mac_vf[0], mac_vf[1], 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(2, 60), 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_DISABLED);
	CU_ASSERT_EQUAL(drops(2, SVNIC_SW_DROP_DISABLED), 1);
	/* it keeps its MAC (no one else may take it) but receives nothing */
	CU_ASSERT_EQUAL(svnic_sw_vport_set_mac(sw, 3, mac_vf[1]), -EADDRINUSE);
	mk_eth(mac_vf[1], mac_ext, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_NO_DEST);
	mk_eth(mac_bcast, mac_ext, 0x0806, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(0) | P(1) | P(3));
	/* reset: the MAC is free again, and the VPort is back to defaults */
	CU_ASSERT_EQUAL(svnic_sw_vport_reset(sw, 2), 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_mac(sw, 3, mac_vf[1]), 0);
}

/* ---- forwarding ---- */

static void
test_unicast_to_vport(void)
{
	const struct svnic_sw_dest *d;
	uint8_t out[128];

	fixture();
	mk_eth(mac_vf[1], mac_ext, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(2));
	d = dest_of(2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(d->queue, 0);
	CU_ASSERT_EQUAL(d->tpid, 0);
	CU_ASSERT_EQUAL(svnic_sw_write(&res, d, frame, 60, out, sizeof(out)), 60);
	CU_ASSERT_EQUAL(memcmp(out, frame, 60), 0);
	/* VF to VF and VF to PF stay inside the switch */
	mk_eth(mac_vf[2], mac_vf[0], 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(1, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(3));
	mk_eth(mac_pf, mac_vf[0], 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(1, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(0));
	/* an extra unicast filter */
	CU_ASSERT_EQUAL(svnic_sw_vport_add_uc(sw, 3, mac_unknown), 0);
	mk_eth(mac_unknown, mac_ext, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(3));
	CU_ASSERT_EQUAL(svnic_sw_vport_del_uc(sw, 3, mac_unknown), 0);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(0));
	/* a changed MAC: the old one is unknown now */
	CU_ASSERT_EQUAL(svnic_sw_vport_set_mac(sw, 3, mac_unknown), 0);
	mk_eth(mac_vf[2], mac_ext, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(0));
	mk_eth(mac_unknown, mac_ext, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(3));
}

/* The same MAC on two VPorts in different port VLANs: the VLAN picks. */
static void
test_unicast_by_vlan(void)
{
	static const uint8_t shared[6] = { 0x02, 0x55, 0, 0, 0, 1 };
	const struct svnic_sw_dest *d;

	fixture();
	CU_ASSERT_EQUAL(svnic_sw_vport_set_port_vlan(sw, 1, 10, 0, 0x8100), 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_port_vlan(sw, 2, 20, 0, 0x8100), 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_mac(sw, 1, shared), 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_mac(sw, 2, shared), 0);
	/* both in VLAN 10 is a conflict */
	CU_ASSERT_EQUAL(svnic_sw_vport_set_port_vlan(sw, 2, 10, 0, 0x8100), -EADDRINUSE);
	mk_vlan(shared, mac_ext, 0x8100, 10, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 64), 0);
	CU_ASSERT_EQUAL(dests(), P(1));
	mk_vlan(shared, mac_ext, 0x8100, 20, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 64), 0);
	CU_ASSERT_EQUAL(dests(), P(2));
	d = dest_of(2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(d->tpid, 0);
	/* VLAN 30 and untagged: nobody has it there, the PF gets untagged only */
	mk_vlan(shared, mac_ext, 0x8100, 30, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 64), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_VLAN);
	CU_ASSERT_EQUAL(drops(0, SVNIC_SW_DROP_VLAN), 1);
	mk_eth(shared, mac_ext, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(0));
	/* a VPort without port VLAN receives its MAC in its filtered VLANs */
	CU_ASSERT_EQUAL(svnic_sw_vport_vlan_filter(sw, 3, 30, true), 0);
	mk_vlan(mac_vf[2], mac_ext, 0x8100, 30, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 64), 0);
	CU_ASSERT_EQUAL(dests(), P(3));
	CU_ASSERT_EQUAL(dest_of(3)->tpid, 0x8100);
	CU_ASSERT_EQUAL(dest_of(3)->tci, 30);
}

static void
test_unknown_unicast(void)
{
	fixture();
	mk_eth(mac_unknown, mac_ext, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(SVNIC_SW_PF_VPORT));
	mk_eth(mac_ext, mac_vf[0], 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(1, 60), 0);
	CU_ASSERT_EQUAL(dests(), UP_BIT);
	CU_ASSERT_EQUAL(dest_of(SVNIC_SW_UPLINK)->tpid, 0);
	mk_eth(mac_ext, mac_pf, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(0, 60), 0);
	CU_ASSERT_EQUAL(dests(), UP_BIT);
	/* to itself: never back to the source */
	mk_eth(mac_vf[0], mac_vf[0], 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(1, 60), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_NO_DEST);
	CU_ASSERT_EQUAL(drops(1, SVNIC_SW_DROP_NO_DEST), 1);
	/* no PF VPort enabled: unknown unicast from the wire goes nowhere */
	CU_ASSERT_EQUAL(svnic_sw_vport_set_enabled(sw, 0, false), 0);
	mk_eth(mac_unknown, mac_ext, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 0);
}

static void
test_broadcast_within_vlan(void)
{
	const struct svnic_sw_dest *d;
	uint8_t out[128];

	fixture();
	mk_eth(mac_bcast, mac_vf[0], 0x0806, 46);
	CU_ASSERT_EQUAL(fwd(1, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(0) | P(2) | P(3) | UP_BIT);
	mk_eth(mac_bcast, mac_ext, 0x0806, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(0) | P(1) | P(2) | P(3));
	/* VF2 moves to port VLAN 10, VF1 filters VLAN 10 */
	CU_ASSERT_EQUAL(svnic_sw_vport_set_port_vlan(sw, 3, 10, 5, 0x8100), 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_vlan_filter(sw, 2, 10, true), 0);
	mk_eth(mac_bcast, mac_vf[0], 0x0806, 46);
	CU_ASSERT_EQUAL(fwd(1, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(0) | P(2) | UP_BIT);
	mk_vlan(mac_bcast, mac_ext, 0x8100, 10, 0x0806, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 64), 0);
	CU_ASSERT_EQUAL(dests(), P(2) | P(3));
	CU_ASSERT_EQUAL(dest_of(2)->tpid, 0x8100);
	CU_ASSERT_EQUAL(dest_of(3)->tpid, 0);
	/* from the port-VLAN VPort: tagged to the trunk and the uplink */
	mk_eth(mac_bcast, mac_vf[2], 0x0806, 46);
	CU_ASSERT_EQUAL(fwd(3, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(2) | UP_BIT);
	d = dest_of(SVNIC_SW_UPLINK);
	CU_ASSERT_EQUAL(d->tpid, 0x8100);
	CU_ASSERT_EQUAL(d->tci, (5 << 13) | 10);
	CU_ASSERT_EQUAL(svnic_sw_out_len(&res, d, 60), 64);
	CU_ASSERT_EQUAL(svnic_sw_write(&res, d, frame, 60, out, sizeof(out)), 64);
	CU_ASSERT_EQUAL(memcmp(out, frame, 12), 0);
	CU_ASSERT_EQUAL(out[12], 0x81);
	CU_ASSERT_EQUAL(out[13], 0x00);
	CU_ASSERT_EQUAL(out[14], 0xa0);
	CU_ASSERT_EQUAL(out[15], 10);
	CU_ASSERT_EQUAL(memcmp(out + 16, frame + 12, 48), 0);
	CU_ASSERT_EQUAL(svnic_sw_write(&res, d, frame, 60, out, 63), -ENOSPC);
	/* nobody else in VLAN 77: a broadcast from the wire goes nowhere */
	mk_vlan(mac_bcast, mac_ext, 0x8100, 77, 0x0806, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 64), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_NO_DEST);
}

static void
test_multicast(void)
{
	const uint8_t list[2][6] = {
		{ 0x01, 0x00, 0x5e, 0x01, 0x02, 0x03 }, { 0x33, 0x33, 0, 0, 0, 0x05 },
	};

	fixture();
	mk_eth(mac_group, mac_ext, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_add_mc(sw, 2, mac_group), 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_add_mc(sw, 2, mac_group), 0);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(2));
	CU_ASSERT_EQUAL(svnic_sw_vport_set_allmulti(sw, 3, true), 0);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(2) | P(3));
	/* from a member: the others and the wire, not itself */
	mk_eth(mac_group, mac_vf[1], 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(2, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(3) | UP_BIT);
	/* a group nobody joined reaches only all-multicast */
	mk_eth(mac_group2, mac_ext, 0x86dd, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(3));
	CU_ASSERT_EQUAL(svnic_sw_vport_set_allmulti(sw, 3, false), 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_del_mc(sw, 2, mac_group), 0);
	mk_eth(mac_group, mac_ext, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 0);
	/* a whole list, then cleared */
	CU_ASSERT_EQUAL(svnic_sw_vport_set_mc_list(sw, 1, list, 2), 0);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(1));
	mk_eth(mac_group2, mac_ext, 0x86dd, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(1));
	CU_ASSERT_EQUAL(svnic_sw_vport_set_mc_list(sw, 1, NULL, 0), 0);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 0);
	/* groups are per VLAN too */
	CU_ASSERT_EQUAL(svnic_sw_vport_add_mc(sw, 2, mac_group), 0);
	mk_vlan(mac_group, mac_ext, 0x8100, 9, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 64), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_vlan_filter(sw, 2, 9, true), 0);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 64), 0);
	CU_ASSERT_EQUAL(dests(), P(2));
}

static void
test_promiscuous(void)
{
	struct svnic_sw_vport_info info;

	fixture();
	CU_ASSERT_EQUAL(svnic_sw_vport_set_trust(sw, 3, true), 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_promisc(sw, 3, true), 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_get(sw, 3, &info), 0);
	CU_ASSERT(info.trust && info.promisc);
	mk_eth(mac_vf[0], mac_ext, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(1) | P(3));
	mk_eth(mac_unknown, mac_ext, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(0) | P(3));
	mk_eth(mac_ext, mac_vf[0], 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(1, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(3) | UP_BIT);
	/* its own frames do not come back */
	mk_eth(mac_ext, mac_vf[2], 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(3, 60), 0);
	CU_ASSERT_EQUAL(dests(), UP_BIT);
	/* multicast nobody joined */
	mk_eth(mac_group, mac_ext, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(3));
	/* VLANs it does not filter, tag kept */
	mk_vlan(mac_vf[0], mac_ext, 0x8100, 200, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 64), 0);
	CU_ASSERT_EQUAL(dests(), P(3));
	CU_ASSERT_EQUAL(dest_of(3)->tci, 200);
	/* the PF is promiscuous too: no duplicate for unknown unicast */
	CU_ASSERT_EQUAL(svnic_sw_vport_set_promisc(sw, 0, true), 0);
	mk_eth(mac_unknown, mac_ext, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 2);
	CU_ASSERT_EQUAL(dests(), P(0) | P(3));
	/* a promiscuous VPort with a port VLAN only sees its VLAN */
	CU_ASSERT_EQUAL(svnic_sw_vport_set_port_vlan(sw, 3, 50, 0, 0x8100), 0);
	mk_eth(mac_vf[0], mac_ext, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(0) | P(1));
	mk_vlan(mac_vf[0], mac_ext, 0x8100, 50, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 64), 0);
	CU_ASSERT_EQUAL(dests(), P(0) | P(3));
	CU_ASSERT_EQUAL(dest_of(3)->tpid, 0);
}

static void
test_anti_spoof(void)
{
	struct svnic_sw_stats st;
	const struct svnic_sw_dest *d;
	uint8_t out[128];

	fixture();
	CU_ASSERT_EQUAL(svnic_sw_vport_set_spoofchk(sw, 1, true), 0);
	mk_eth(mac_ext, mac_unknown, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(1, 60), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_SPOOF);
	mk_eth(mac_ext, mac_vf[1], 0x0800, 46);	/* another VF's MAC */
	CU_ASSERT_EQUAL(fwd(1, 60), 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_SPOOF);
	CU_ASSERT_EQUAL(svnic_sw_stats_get(sw, 1, &st), 0);
	CU_ASSERT_EQUAL(st.tx_spoofed, 2);
	CU_ASSERT_EQUAL(st.drops[SVNIC_SW_DROP_SPOOF], 2);
	CU_ASSERT_EQUAL(st.tx_packets, 0);
	/* its own MACs pass */
	mk_eth(mac_ext, mac_vf[0], 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(1, 60), 0);
	CU_ASSERT_EQUAL(dests(), UP_BIT);
	CU_ASSERT_EQUAL(svnic_sw_vport_add_uc(sw, 1, mac_unknown), 0);
	mk_eth(mac_ext, mac_unknown, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(1, 60), 0);
	CU_ASSERT_EQUAL(dests(), UP_BIT);
	/* check off: anything goes */
	CU_ASSERT_EQUAL(svnic_sw_vport_set_spoofchk(sw, 1, false), 0);
	mk_eth(mac_ext, mac_bcast, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(1, 60), 0);
	CU_ASSERT_EQUAL(dests(), UP_BIT);
	/* a tagged frame from a port-VLAN VPort */
	CU_ASSERT_EQUAL(svnic_sw_vport_set_port_vlan(sw, 2, 10, 0, 0x88a8), 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_spoofchk(sw, 2, true), 0);
	mk_vlan(mac_ext, mac_vf[1], 0x8100, 7, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(2, 64), 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_SPOOF);
	CU_ASSERT_EQUAL(svnic_sw_stats_get(sw, 2, &st), 0);
	CU_ASSERT_EQUAL(st.tx_spoofed, 1);
	/* check off: the port VLAN's S-tag goes outside the VF's C-tag */
	CU_ASSERT_EQUAL(svnic_sw_vport_set_spoofchk(sw, 2, false), 0);
	CU_ASSERT_EQUAL(fwd(2, 64), 0);
	CU_ASSERT_EQUAL(dests(), UP_BIT);
	d = dest_of(SVNIC_SW_UPLINK);
	CU_ASSERT_EQUAL(d->tpid, 0x88a8);
	CU_ASSERT_EQUAL(d->tci, 10);
	CU_ASSERT_EQUAL(svnic_sw_write(&res, d, frame, 64, out, sizeof(out)), 68);
	CU_ASSERT_EQUAL(out[12], 0x88);
	CU_ASSERT_EQUAL(out[13], 0xa8);
	CU_ASSERT_EQUAL(out[16], 0x81);
	CU_ASSERT_EQUAL(out[17], 0x00);
	CU_ASSERT_EQUAL(out[19], 7);
}

static void
test_port_vlan(void)
{
	const struct svnic_sw_dest *d;
	uint8_t out[128], orig[128];
	size_t n;

	fixture();
	CU_ASSERT_EQUAL(svnic_sw_vport_set_port_vlan(sw, 1, 10, 3, 0x8100), 0);
	/* tx: inserted */
	n = mk_eth(mac_ext, mac_vf[0], 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(1, n), 0);
	CU_ASSERT_EQUAL(dests(), UP_BIT);
	d = dest_of(SVNIC_SW_UPLINK);
	CU_ASSERT_EQUAL(d->tpid, 0x8100);
	CU_ASSERT_EQUAL(d->tci, (3 << 13) | 10);
	memcpy(orig, frame, n);
	CU_ASSERT_EQUAL(svnic_sw_write(&res, d, frame, n, out, sizeof(out)), (int)n + 4);
	/* rx: stripped, giving back the untagged frame */
	memcpy(frame, out, n + 4);
	memcpy(frame, mac_vf[0], 6);
	memcpy(frame + 6, mac_ext, 6);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, n + 4), 0);
	CU_ASSERT_EQUAL(dests(), P(1));
	d = dest_of(1);
	CU_ASSERT_EQUAL(d->tpid, 0);
	CU_ASSERT_EQUAL(svnic_sw_write(&res, d, frame, n + 4, out, sizeof(out)), (int)n);
	CU_ASSERT_EQUAL(memcmp(out + 12, orig + 12, n - 12), 0);
	/* only its VLAN: untagged and other VLANs go elsewhere */
	mk_eth(mac_vf[0], mac_ext, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(0));
	mk_vlan(mac_vf[0], mac_ext, 0x8100, 11, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 64), 0);
	CU_ASSERT_EQUAL(dest_of(1), NULL);
	/* the same VID as an S-VLAN is another VLAN */
	mk_vlan(mac_vf[0], mac_ext, 0x88a8, 10, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 64), 0);
	CU_ASSERT_EQUAL(dest_of(1), NULL);

	/* 802.1ad */
	CU_ASSERT_EQUAL(svnic_sw_vport_set_port_vlan(sw, 2, 20, 0, 0x88a8), 0);
	mk_eth(mac_ext, mac_vf[1], 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(2, 60), 0);
	d = dest_of(SVNIC_SW_UPLINK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(d->tpid, 0x88a8);
	CU_ASSERT_EQUAL(d->tci, 20);
	mk_vlan(mac_vf[1], mac_ext, 0x88a8, 20, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 64), 0);
	CU_ASSERT_EQUAL(dests(), P(2));
	CU_ASSERT_EQUAL(dest_of(2)->tpid, 0);
	mk_vlan(mac_vf[1], mac_ext, 0x8100, 20, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 64), 0);
	CU_ASSERT_EQUAL(dest_of(2), NULL);
	/* removed: untagged again */
	CU_ASSERT_EQUAL(svnic_sw_vport_set_port_vlan(sw, 2, 0, 0, 0x8100), 0);
	mk_eth(mac_vf[1], mac_ext, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(2));
}

static void
test_vlan_filters(void)
{
	fixture();
	mk_vlan(mac_vf[0], mac_ext, 0x8100, 100, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 64), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_VLAN);
	CU_ASSERT_EQUAL(svnic_sw_vport_vlan_filter(sw, 1, 100, true), 0);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 64), 0);
	CU_ASSERT_EQUAL(dests(), P(1));
	CU_ASSERT_EQUAL(dest_of(1)->tpid, 0x8100);
	CU_ASSERT_EQUAL(dest_of(1)->tci, 100);
	/* untagged and priority-tagged frames are always accepted */
	mk_eth(mac_vf[0], mac_ext, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(1));
	mk_vlan(mac_vf[0], mac_ext, 0x8100, 6 << 13, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 64), 0);
	CU_ASSERT_EQUAL(dests(), P(1));
	CU_ASSERT_EQUAL(dest_of(1)->tci, 6 << 13);
	/* off again */
	CU_ASSERT_EQUAL(svnic_sw_vport_vlan_filter(sw, 1, 100, false), 0);
	mk_vlan(mac_vf[0], mac_ext, 0x8100, 100, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 64), 0);
	CU_ASSERT_EQUAL(dest_of(1), NULL);
	/* VF to VF in a VLAN the receiver does not filter: out to the wire */
	mk_vlan(mac_vf[1], mac_vf[0], 0x8100, 100, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(1, 64), 0);
	CU_ASSERT_EQUAL(dests(), UP_BIT);
	CU_ASSERT_EQUAL(dest_of(SVNIC_SW_UPLINK)->tci, 100);
	CU_ASSERT_EQUAL(svnic_sw_vport_vlan_filter(sw, 2, 100, true), 0);
	CU_ASSERT_EQUAL(fwd(1, 64), 0);
	CU_ASSERT_EQUAL(dests(), P(2));
	/* S-tagged frames are not filtered in: promiscuous only */
	mk_vlan(mac_vf[1], mac_ext, 0x88a8, 100, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 64), 0);
	CU_ASSERT_EQUAL(dest_of(2), NULL);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_promisc(sw, 2, true), 0);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 64), 0);
	CU_ASSERT_PTR_NOT_NULL(dest_of(2));
}

static void
test_link_down(void)
{
	struct svnic_sw_vport_info info;

	fixture();
	svnic_sw_set_uplink_link(sw, false);
	mk_eth(mac_vf[0], mac_ext, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_LINK_DOWN);
	CU_ASSERT_EQUAL(drops(SVNIC_SW_UPLINK, SVNIC_SW_DROP_LINK_DOWN), 1);
	/* auto VPorts follow the uplink: no tx */
	CU_ASSERT_EQUAL(svnic_sw_vport_get(sw, 1, &info), 0);
	CU_ASSERT_FALSE(info.link_up);
	mk_eth(mac_vf[1], mac_vf[0], 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(1, 60), 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_LINK_DOWN);
	CU_ASSERT_EQUAL(drops(1, SVNIC_SW_DROP_LINK_DOWN), 1);
	/* forced up: it sends, but its auto peer is down and the wire too */
	CU_ASSERT_EQUAL(svnic_sw_vport_set_link(sw, 1, SVNIC_SW_LINK_UP), 0);
	CU_ASSERT_EQUAL(fwd(1, 60), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_LINK_DOWN);
	CU_ASSERT_EQUAL(drops(2, SVNIC_SW_DROP_LINK_DOWN), 1);
	mk_eth(mac_ext, mac_vf[0], 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(1, 60), 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_LINK_DOWN);
	CU_ASSERT_EQUAL(drops(SVNIC_SW_UPLINK, SVNIC_SW_DROP_LINK_DOWN), 2);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_link(sw, 2, SVNIC_SW_LINK_UP), 0);
	mk_eth(mac_vf[1], mac_vf[0], 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(1, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(2));
	/* uplink up, a VPort forced down: neither direction */
	svnic_sw_set_uplink_link(sw, true);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_link(sw, 3, SVNIC_SW_LINK_DOWN), 0);
	mk_eth(mac_vf[2], mac_ext, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 0);
	CU_ASSERT_EQUAL(drops(3, SVNIC_SW_DROP_LINK_DOWN), 1);
	mk_eth(mac_ext, mac_vf[2], 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(3, 60), 0);
	CU_ASSERT_EQUAL(drops(3, SVNIC_SW_DROP_LINK_DOWN), 2);
	/* a broadcast skips it and counts it */
	mk_eth(mac_bcast, mac_ext, 0x0806, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(0) | P(1) | P(2));
	CU_ASSERT_EQUAL(drops(3, SVNIC_SW_DROP_LINK_DOWN), 3);
}

/* 1 Mbit/s, 1000-byte bucket: a 100-byte frame every 800 us, exactly. */
static void
test_rate_limit(void)
{
	const uint64_t us = 1000;
	struct svnic_sw_vport_info info;
	uint64_t t;
	int i, ok;

	fixture();
	CU_ASSERT_EQUAL(svnic_sw_vport_set_rate(sw, 1, 1, 1000), 0);
	mk_eth(mac_ext, mac_vf[0], 0x0800, 86);
	t = 1000 * us;
	for (i = 0, ok = 0; i < 12; i++) {
		CU_ASSERT_EQUAL(svnic_sw_forward(sw, 1, frame, 100, t, &res), 0);
		ok += res.nb_dests == 1;
	}
	CU_ASSERT_EQUAL(ok, 10);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_RATE);
	CU_ASSERT_EQUAL(drops(1, SVNIC_SW_DROP_RATE), 2);
	CU_ASSERT_EQUAL(svnic_sw_forward(sw, 1, frame, 100, t + 800 * us - 1, &res), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 0);
	CU_ASSERT_EQUAL(svnic_sw_forward(sw, 1, frame, 100, t + 800 * us, &res), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 1);
	CU_ASSERT_EQUAL(svnic_sw_forward(sw, 1, frame, 100, t + 800 * us, &res), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 0);
	/* a clock going backwards adds nothing */
	CU_ASSERT_EQUAL(svnic_sw_forward(sw, 1, frame, 100, 0, &res), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 0);
	/* a long pause refills to the bucket, not beyond */
	t += 1000000000000ull;
	for (i = 0, ok = 0; i < 20; i++) {
		CU_ASSERT_EQUAL(svnic_sw_forward(sw, 1, frame, 100, t, &res), 0);
		ok += res.nb_dests == 1;
	}
	CU_ASSERT_EQUAL(ok, 10);
	/* a frame larger than the bucket never passes */
	CU_ASSERT_EQUAL(svnic_sw_forward(sw, 1, frame, 1001, t + 1000000000ull, &res), 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_RATE);
	/* default bucket: 1 ms at the rate, at least 16 KiB */
	CU_ASSERT_EQUAL(svnic_sw_vport_set_rate(sw, 1, 1000, 0), 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_get(sw, 1, &info), 0);
	CU_ASSERT_EQUAL(info.burst_bytes, 125000);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_rate(sw, 1, 10, 0), 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_get(sw, 1, &info), 0);
	CU_ASSERT_EQUAL(info.burst_bytes, 16384);
	/* unlimited */
	CU_ASSERT_EQUAL(svnic_sw_vport_set_rate(sw, 1, 0, 0), 0);
	for (i = 0, ok = 0; i < 1000; i++) {
		svnic_sw_forward(sw, 1, frame, 100, t, &res);
		ok += res.nb_dests == 1;
	}
	CU_ASSERT_EQUAL(ok, 1000);
}

/* ---- RSS ---- */

/* Microsoft, "Verifying the RSS Hash Calculation": source, destination. */
static const struct {
	uint8_t src[4], dst[4];
	uint16_t sport, dport;
	uint32_t l3, l4;
} v4[] = {
	{ { 66, 9, 149, 187 }, { 161, 142, 100, 80 }, 2794, 1766, 0x323e8fc2, 0x51ccc178 },
	{ { 199, 92, 111, 2 }, { 65, 69, 140, 83 }, 14230, 4739, 0xd718262a, 0xc626b0ea },
	{ { 24, 19, 198, 95 }, { 12, 22, 207, 184 }, 12898, 38024, 0xd2d0a5de, 0x5c2b394a },
	{ { 38, 27, 205, 30 }, { 209, 142, 163, 6 }, 48228, 2217, 0x82989176, 0xafc7327f },
	{ { 153, 39, 163, 191 }, { 202, 188, 127, 2 }, 44251, 1303, 0x5d1809c5, 0x10e828a2 },
};

static const struct {
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t l3, l4;
} v6[] = {
	{ /* 3ffe:2501:200:1fff::7 -> 3ffe:2501:200:3::1 */
	  { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff, 0, 0, 0, 0, 0, 0, 0, 0x07 },
	  { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 0x01 },
	  2794, 1766, 0x2cc18cd5, 0x40207d3d },
	{ /* 3ffe:501:8::260:97ff:fe40:efab -> ff02::1 */
	  { 0x3f, 0xfe, 0x05, 0x01, 0x00, 0x08, 0, 0, 0x02, 0x60, 0x97, 0xff, 0xfe, 0x40,
	    0xef, 0xab },
	  { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01 },
	  14230, 4739, 0x0f0c461c, 0xdde51bbf },
	{ /* 3ffe:1900:4545:3:200:f8ff:fe21:67cf -> fe80::200:f8ff:fe21:67cf */
	  { 0x3f, 0xfe, 0x19, 0x00, 0x45, 0x45, 0x00, 0x03, 0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21,
	    0x67, 0xcf },
	  { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf },
	  44251, 38024, 0x4b61e985, 0x02d1feef },
};

static const uint8_t ms_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static void
test_toeplitz_vectors(void)
{
	uint8_t in[36];
	unsigned int i;

	for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
		memcpy(in, v4[i].src, 4);
		memcpy(in + 4, v4[i].dst, 4);
		in[8] = (uint8_t)(v4[i].sport >> 8);
		in[9] = (uint8_t)v4[i].sport;
		in[10] = (uint8_t)(v4[i].dport >> 8);
		in[11] = (uint8_t)v4[i].dport;
		CU_ASSERT_EQUAL(svnic_sw_toeplitz(ms_key, 40, in, 8), v4[i].l3);
		CU_ASSERT_EQUAL(svnic_sw_toeplitz(ms_key, 40, in, 12), v4[i].l4);
	}
	for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
		memcpy(in, v6[i].src, 16);
		memcpy(in + 16, v6[i].dst, 16);
		in[32] = (uint8_t)(v6[i].sport >> 8);
		in[33] = (uint8_t)v6[i].sport;
		in[34] = (uint8_t)(v6[i].dport >> 8);
		in[35] = (uint8_t)v6[i].dport;
		CU_ASSERT_EQUAL(svnic_sw_toeplitz(ms_key, 40, in, 32), v6[i].l3);
		CU_ASSERT_EQUAL(svnic_sw_toeplitz(ms_key, 40, in, 36), v6[i].l4);
	}
}

/* IPv4 at @p off: 20-byte header, protocol, ports. @return the frame length. */
static size_t
mk_ip4(size_t off, unsigned int i, uint8_t proto, uint16_t frag)
{
	uint8_t *ip = frame + off;

	memset(ip, 0, 40);
	ip[0] = 0x45;
	ip[3] = 40;
	ip[6] = (uint8_t)(frag >> 8);
	ip[7] = (uint8_t)frag;
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, v4[i].src, 4);
	memcpy(ip + 16, v4[i].dst, 4);
	ip[20] = (uint8_t)(v4[i].sport >> 8);
	ip[21] = (uint8_t)v4[i].sport;
	ip[22] = (uint8_t)(v4[i].dport >> 8);
	ip[23] = (uint8_t)v4[i].dport;
	return off + 40;
}

static size_t
mk_ip6(size_t off, unsigned int i, uint8_t proto)
{
	uint8_t *ip = frame + off;

	memset(ip, 0, 60);
	ip[0] = 0x60;
	ip[5] = 20;
	ip[6] = proto;
	ip[7] = 64;
	memcpy(ip + 8, v6[i].src, 16);
	memcpy(ip + 24, v6[i].dst, 16);
	ip[40] = (uint8_t)(v6[i].sport >> 8);
	ip[41] = (uint8_t)v6[i].sport;
	ip[42] = (uint8_t)(v6[i].dport >> 8);
	ip[43] = (uint8_t)v6[i].dport;
	return off + 60;
}

static struct svnic_sw_rss_cfg rss_cfg;

/* Microsoft's key, a 64-entry table over 8 queues */
static void
rss_cfg_fill(struct svnic_sw_rss_cfg *c, uint64_t types)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->hash_types = types;
	c->key_len = 40;
	memcpy(c->key, ms_key, 40);
	c->table_len = 64;
	for (i = 0; i < 64; i++)
		c->table[i] = (uint16_t)((i * 5) % 8);
}

static void
rss_fixture(uint64_t types)
{
	fixture();
	CU_ASSERT_EQUAL(svnic_sw_vport_setup(sw, 1, 1, 8), 0);
	rss_cfg_fill(&rss_cfg, types);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_rss(sw, 1, &rss_cfg), 0);
}

static void
check_rss(uint32_t hash, uint32_t type)
{
	const struct svnic_sw_dest *d = dest_of(1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(d->rss_hash, hash);
	CU_ASSERT_EQUAL(d->rss_type, type);
	CU_ASSERT_EQUAL(d->queue, rss_cfg.table[hash & 63]);
}

static void
test_rss_ipv4(void)
{
	struct svnic_sw_queue_stats qs;
	unsigned int i, q, total = 0;
	size_t n;

	rss_fixture(SVNIC_RSS_HF_ALL);
	for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
		mk_eth(mac_vf[0], mac_ext, 0x0800, 0);
		n = mk_ip4(14, i, 6, 0x4000);	/* TCP, DF set */
		CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, n), 0);
		check_rss(v4[i].l4, SVNIC_RSS_HF_IPV4_TCP);
		mk_ip4(14, i, 17, 0);		/* UDP */
		CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, n), 0);
		check_rss(v4[i].l4, SVNIC_RSS_HF_IPV4_UDP);
		mk_ip4(14, i, 1, 0);		/* ICMP: addresses only */
		CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, n), 0);
		check_rss(v4[i].l3, SVNIC_RSS_HF_IPV4);
		mk_ip4(14, i, 6, 0x2000);	/* a fragment: addresses only */
		CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, n), 0);
		check_rss(v4[i].l3, SVNIC_RSS_HF_IPV4);
		mk_ip4(14, i, 6, 0);		/* ports cut off */
		CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 14 + 23), 0);
		check_rss(v4[i].l3, SVNIC_RSS_HF_IPV4);
		/* through a VLAN tag */
		CU_ASSERT_EQUAL(svnic_sw_vport_vlan_filter(sw, 1, 42, true), 0);
		mk_vlan(mac_vf[0], mac_ext, 0x8100, 42, 0x0800, 0);
		n = mk_ip4(18, i, 6, 0);
		CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, n), 0);
		check_rss(v4[i].l4, SVNIC_RSS_HF_IPV4_TCP);
	}
	/* every frame was counted on the queue RSS chose */
	for (q = 0; q < 8; q++) {
		CU_ASSERT_EQUAL(svnic_sw_queue_stats_get(sw, 1, (uint16_t)q, &qs), 0);
		total += (unsigned int)qs.packets;
	}
	CU_ASSERT_EQUAL(total, 6 * 5);

	/* only IPv4 enabled: TCP hashes on addresses; UDP only: TCP not hashed */
	rss_fixture(SVNIC_RSS_HF_IPV4);
	mk_eth(mac_vf[0], mac_ext, 0x0800, 0);
	n = mk_ip4(14, 0, 6, 0);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, n), 0);
	check_rss(v4[0].l3, SVNIC_RSS_HF_IPV4);
	rss_fixture(SVNIC_RSS_HF_IPV4_UDP);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, n), 0);
	CU_ASSERT_EQUAL(dest_of(1)->rss_type, 0);
	CU_ASSERT_EQUAL(dest_of(1)->queue, 0);
	/* a bad IHL is not IP to RSS */
	rss_fixture(SVNIC_RSS_HF_ALL);
	frame[14] = 0x44;
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, n), 0);
	CU_ASSERT_EQUAL(dest_of(1)->rss_type, 0);
}

static void
test_rss_ipv6(void)
{
	unsigned int i;
	size_t n;

	rss_fixture(SVNIC_RSS_HF_ALL);
	for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
		mk_eth(mac_vf[0], mac_ext, 0x86dd, 0);
		n = mk_ip6(14, i, 6);
		CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, n), 0);
		check_rss(v6[i].l4, SVNIC_RSS_HF_IPV6_TCP);
		mk_ip6(14, i, 17);
		CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, n), 0);
		check_rss(v6[i].l4, SVNIC_RSS_HF_IPV6_UDP);
		mk_ip6(14, i, 58);	/* ICMPv6 */
		CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, n), 0);
		check_rss(v6[i].l3, SVNIC_RSS_HF_IPV6);
		mk_ip6(14, i, 6);
		CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 14 + 40 + 3), 0);
		check_rss(v6[i].l3, SVNIC_RSS_HF_IPV6);
		/* a header cut short is not hashed at all */
		CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 14 + 39), 0);
		CU_ASSERT_EQUAL(dest_of(1)->rss_type, 0);
	}
	rss_fixture(SVNIC_RSS_HF_IPV4 | SVNIC_RSS_HF_IPV4_TCP);
	mk_eth(mac_vf[0], mac_ext, 0x86dd, 0);
	n = mk_ip6(14, 0, 6);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, n), 0);
	CU_ASSERT_EQUAL(dest_of(1)->rss_type, 0);
}

static void
test_rss_off_and_non_ip(void)
{
	struct svnic_sw_vport_info info;
	struct svnic_sw_rss_cfg keep;
	size_t n;

	rss_fixture(SVNIC_RSS_HF_ALL);
	mk_eth(mac_vf[0], mac_ext, 0x0806, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(dest_of(1)->queue, 0);
	CU_ASSERT_EQUAL(dest_of(1)->rss_hash, 0);
	CU_ASSERT_EQUAL(dest_of(1)->rss_type, 0);
	/* off, keeping key and table */
	memset(&keep, 0, sizeof(keep));
	CU_ASSERT_EQUAL(svnic_sw_vport_set_rss(sw, 1, &keep), 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_get(sw, 1, &info), 0);
	CU_ASSERT_EQUAL(info.rss_key_len, 40);
	CU_ASSERT_EQUAL(info.rss_table_len, 64);
	mk_eth(mac_vf[0], mac_ext, 0x0800, 0);
	n = mk_ip4(14, 1, 6, 0);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, n), 0);
	CU_ASSERT_EQUAL(dest_of(1)->queue, 0);
	CU_ASSERT_EQUAL(dest_of(1)->rss_type, 0);
	/* on again with the kept key */
	keep.hash_types = SVNIC_RSS_HF_IPV4_TCP;
	CU_ASSERT_EQUAL(svnic_sw_vport_set_rss(sw, 1, &keep), 0);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, n), 0);
	check_rss(v4[1].l4, SVNIC_RSS_HF_IPV4_TCP);
	/* fewer queues than the table names: back to the default table */
	CU_ASSERT_EQUAL(svnic_sw_vport_setup(sw, 1, 1, 2), 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_get(sw, 1, &info), 0);
	CU_ASSERT_EQUAL(info.rss_table_len, SVNIC_SW_RSS_TABLE_DEFAULT);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, n), 0);
	CU_ASSERT_EQUAL(dest_of(1)->queue, v4[1].l4 % 2);
}

/* ---- counters ---- */

static void
test_counters(void)
{
	struct svnic_sw_queue_stats qs;
	struct svnic_sw_stats st;

	fixture();
	mk_eth(mac_vf[0], mac_ext, 0x0800, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_port_vlan(sw, 2, 7, 0, 0x8100), 0);
	mk_eth(mac_bcast, mac_vf[1], 0x0806, 46);
	CU_ASSERT_EQUAL(fwd(2, 60), 0);
	CU_ASSERT_EQUAL(dests(), UP_BIT);

	CU_ASSERT_EQUAL(svnic_sw_stats_get(sw, 1, &st), 0);
	CU_ASSERT_EQUAL(st.rx_packets, 2);
	CU_ASSERT_EQUAL(st.rx_bytes, 120);
	CU_ASSERT_EQUAL(st.tx_packets, 0);
	CU_ASSERT_EQUAL(svnic_sw_queue_stats_get(sw, 1, 0, &qs), 0);
	CU_ASSERT_EQUAL(qs.packets, 2);
	CU_ASSERT_EQUAL(qs.bytes, 120);
	CU_ASSERT_EQUAL(svnic_sw_stats_get(sw, 2, &st), 0);
	CU_ASSERT_EQUAL(st.tx_packets, 1);
	CU_ASSERT_EQUAL(st.tx_bytes, 60);
	CU_ASSERT_EQUAL(svnic_sw_stats_get(sw, SVNIC_SW_UPLINK, &st), 0);
	CU_ASSERT_EQUAL(st.tx_packets, 2);
	CU_ASSERT_EQUAL(st.tx_bytes, 120);
	CU_ASSERT_EQUAL(st.rx_packets, 1);
	CU_ASSERT_EQUAL(st.rx_bytes, 64);	/* with the inserted tag */

	CU_ASSERT_EQUAL(svnic_sw_stats_reset(sw, 1), 0);
	CU_ASSERT_EQUAL(svnic_sw_stats_get(sw, 1, &st), 0);
	CU_ASSERT_EQUAL(st.rx_packets, 0);
	CU_ASSERT_EQUAL(svnic_sw_queue_stats_get(sw, 1, 0, &qs), 0);
	CU_ASSERT_EQUAL(qs.packets, 0);
	CU_ASSERT_EQUAL(svnic_sw_stats_reset(sw, SVNIC_SW_UPLINK), 0);
	CU_ASSERT_EQUAL(svnic_sw_stats_get(sw, SVNIC_SW_UPLINK, &st), 0);
	CU_ASSERT_EQUAL(st.tx_packets, 0);
	CU_ASSERT_STRING_EQUAL(svnic_sw_drop_name(SVNIC_SW_DROP_SPOOF), "spoof");
	CU_ASSERT_STRING_EQUAL(svnic_sw_drop_name(SVNIC_SW_DROP_MAX), "unknown");
}

/* A full switch: 257 VPorts with 17 MACs each, every one found. */
static void
test_full_table(void)
{
	uint8_t mac[6] = { 0x02, 0x77, 0, 0, 0, 0 };
	uint16_t id;
	unsigned int k;
	int rc;

	svnic_sw_destroy(sw);
	sw = svnic_sw_create(SVNIC_SW_VPORTS_MAX);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sw);
	CU_ASSERT_EQUAL(svnic_sw_nb_vports(sw), SVNIC_SW_VPORTS_MAX);
	for (id = 0; id < SVNIC_SW_VPORTS_MAX; id++) {
		mac[3] = (uint8_t)(id >> 8);
		mac[4] = (uint8_t)id;
		for (k = 0; k <= SVNIC_SW_UC_MAX; k++) {
			mac[5] = (uint8_t)k;
			rc = k == 0 ? svnic_sw_vport_set_mac(sw, id, mac) :
				svnic_sw_vport_add_uc(sw, id, mac);
			CU_ASSERT_EQUAL(rc, 0);
		}
		CU_ASSERT_EQUAL(svnic_sw_vport_set_enabled(sw, id, true), 0);
	}
	for (id = 0; id < SVNIC_SW_VPORTS_MAX; id++) {
		mac[3] = (uint8_t)(id >> 8);
		mac[4] = (uint8_t)id;
		for (k = 0; k <= SVNIC_SW_UC_MAX; k += 4) {
			mac[5] = (uint8_t)k;
			mk_eth(mac, mac_ext, 0x0800, 46);
			CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
			CU_ASSERT_EQUAL(res.nb_dests, 1);
			CU_ASSERT_EQUAL(res.dests[0].port, id);
		}
	}
	mk_eth(mac_bcast, mac_ext, 0x0806, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_UPLINK, 60), 0);
	CU_ASSERT_EQUAL(res.nb_dests, SVNIC_SW_VPORTS_MAX);
	mk_eth(mac_bcast, mac, 0x0806, 46);
	CU_ASSERT_EQUAL(fwd(SVNIC_SW_VPORTS_MAX - 1, 60), 0);
	CU_ASSERT_EQUAL(res.nb_dests, SVNIC_SW_VPORTS_MAX);	/* 256 others + uplink */
	svnic_sw_destroy(sw);
	sw = NULL;
}

/* ---- decision cache ---- */

static struct svnic_sw_cache cache;

static int
fwdc(uint16_t src, size_t len)
{
	return svnic_sw_forward_cached(sw, &cache, src, frame, len, 0, &res);
}

static void
test_cache_refused(void)
{
	fixture();
	svnic_sw_cache_init(&cache);
	mk_eth(mac_vf[1], mac_vf[0], 0x0800, 46);
	CU_ASSERT_EQUAL(svnic_sw_forward_cached(sw, NULL, 1, frame, 60, 0, &res), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_forward_cached(NULL, &cache, 1, frame, 60, 0, &res), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_forward_cached(sw, &cache, NB_VP, frame, 60, 0, &res), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_forward_cached(sw, &cache, 1, NULL, 60, 0, &res), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_forward_cached(sw, &cache, 1, frame, 60, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(svnic_sw_forward_cached(sw, &cache, 1, frame, SVNIC_SW_FRAME_MAX + 1, 0,
						&res), -EINVAL);
	/* a runt is not looked up (its key would read past it), and still dropped */
	CU_ASSERT_EQUAL(fwdc(1, 13), 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_RUNT);
	CU_ASSERT_EQUAL(cache.hits + cache.misses, 0);
}

/* Forward the frame twice: the second time must be a replay. */
static void
fwdc_twice(uint16_t src, size_t len)
{
	uint64_t hits = cache.hits;

	CU_ASSERT_EQUAL(fwdc(src, len), 0);
	CU_ASSERT_EQUAL(fwdc(src, len), 0);
	CU_ASSERT_EQUAL(cache.hits, hits + 1);
}

/* Each configuration change must reach frames whose decision is cached. */
static void
test_cache_invalidated(void)
{
	static const uint8_t zero[6];

	fixture();
	svnic_sw_cache_init(&cache);

	/* the MAC moves from VPort 2 to VPort 3 */
	mk_eth(mac_vf[1], mac_vf[0], 0x0800, 46);
	fwdc_twice(1, 60);
	CU_ASSERT_EQUAL(dests(), P(2));
	CU_ASSERT_EQUAL(svnic_sw_vport_set_mac(sw, 2, zero), 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_mac(sw, 3, mac_vf[1]), 0);
	fwdc_twice(1, 60);
	CU_ASSERT_EQUAL(dests(), P(3));

	/* spoof check turned on for a source address that was let through */
	mk_eth(mac_vf[1], mac_ext, 0x0800, 46);
	fwdc_twice(1, 60);
	CU_ASSERT_EQUAL(dests(), P(3));
	CU_ASSERT_EQUAL(svnic_sw_vport_set_spoofchk(sw, 1, true), 0);
	CU_ASSERT_EQUAL(fwdc(1, 60), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_SPOOF);
	CU_ASSERT_EQUAL(drops(1, SVNIC_SW_DROP_SPOOF), 1);

	/* the destination's link goes down, then comes back */
	mk_eth(mac_vf[1], mac_vf[0], 0x0800, 46);
	fwdc_twice(1, 60);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_link(sw, 3, SVNIC_SW_LINK_DOWN), 0);
	CU_ASSERT_EQUAL(fwdc(1, 60), 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_LINK_DOWN);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_link(sw, 3, SVNIC_SW_LINK_AUTO), 0);
	CU_ASSERT_EQUAL(fwdc(1, 60), 0);
	CU_ASSERT_EQUAL(dests(), P(3));

	/* unknown unicast leaves by the uplink until the uplink's link goes */
	mk_eth(mac_unknown, mac_vf[0], 0x0800, 46);
	fwdc_twice(1, 60);
	CU_ASSERT_EQUAL(dests(), UP_BIT);
	svnic_sw_set_uplink_link(sw, false);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_link(sw, 1, SVNIC_SW_LINK_UP), 0);
	CU_ASSERT_EQUAL(fwdc(1, 60), 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_LINK_DOWN);
	svnic_sw_set_uplink_link(sw, true);

	/* a port VLAN on the source: its frames are tagged on the uplink */
	fwdc_twice(1, 60);
	CU_ASSERT_EQUAL(res.dests[0].tpid, 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_port_vlan(sw, 1, 9, 2, 0x8100), 0);
	CU_ASSERT_EQUAL(fwdc(1, 60), 0);
	CU_ASSERT_EQUAL(dests(), UP_BIT);
	CU_ASSERT_EQUAL(res.dests[0].tpid, 0x8100);
	CU_ASSERT_EQUAL(res.dests[0].tci, 9 | 2 << 13);

	/* a rate limit on the source: every frame pays, cached or not */
	CU_ASSERT_EQUAL(svnic_sw_vport_set_rate(sw, 1, 1, 128), 0);
	CU_ASSERT_EQUAL(fwdc(1, 60), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 1);
	CU_ASSERT_EQUAL(fwdc(1, 60), 0);
	CU_ASSERT_EQUAL(res.nb_dests, 1);
	CU_ASSERT_EQUAL(fwdc(1, 60), 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_RATE);

	/* disabled: nothing more from it */
	CU_ASSERT_EQUAL(svnic_sw_vport_set_rate(sw, 1, 0, 0), 0);
	fwdc_twice(1, 60);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_enabled(sw, 1, false), 0);
	CU_ASSERT_EQUAL(fwdc(1, 60), 0);
	CU_ASSERT_EQUAL(res.drop, SVNIC_SW_DROP_DISABLED);
}

/* Every call that configures the switch starts a new generation. */
static void
test_cache_generations(void)
{
	static const uint8_t mc[1][6] = { { 0x01, 0x00, 0x5e, 0, 0, 9 } };
	struct svnic_sw_rss_cfg rss = { .hash_types = SVNIC_RSS_HF_IPV4 };
	struct svnic_sw_vport_info info;
	struct svnic_sw_stats st;
	uint64_t g;

	fixture();
#define MOVES_ON(call) do {						\
		g = svnic_sw_generation(sw);				\
		CU_ASSERT_EQUAL(call, 0);				\
		CU_ASSERT_NOT_EQUAL(svnic_sw_generation(sw), g);	\
	} while (0)
	MOVES_ON(svnic_sw_vport_setup(sw, 1, 1, 2));
	MOVES_ON(svnic_sw_vport_set_enabled(sw, 1, true));
	MOVES_ON(svnic_sw_vport_set_link(sw, 1, SVNIC_SW_LINK_UP));
	MOVES_ON(svnic_sw_vport_set_mac(sw, 1, mac_ext));
	MOVES_ON(svnic_sw_vport_add_uc(sw, 1, mac_unknown));
	MOVES_ON(svnic_sw_vport_del_uc(sw, 1, mac_unknown));
	MOVES_ON(svnic_sw_vport_add_mc(sw, 1, mac_group));
	MOVES_ON(svnic_sw_vport_del_mc(sw, 1, mac_group));
	MOVES_ON(svnic_sw_vport_set_mc_list(sw, 1, mc, 1));
	MOVES_ON(svnic_sw_vport_set_promisc(sw, 1, true));
	MOVES_ON(svnic_sw_vport_set_allmulti(sw, 1, true));
	MOVES_ON(svnic_sw_vport_set_port_vlan(sw, 1, 5, 0, 0x8100));
	MOVES_ON(svnic_sw_vport_vlan_filter(sw, 2, 5, true));
	MOVES_ON(svnic_sw_vport_set_spoofchk(sw, 1, true));
	MOVES_ON(svnic_sw_vport_set_trust(sw, 1, true));
	MOVES_ON(svnic_sw_vport_set_rate(sw, 1, 100, 0));
	MOVES_ON(svnic_sw_vport_set_rss(sw, 1, &rss));
	MOVES_ON(svnic_sw_vport_reset(sw, 1));
	g = svnic_sw_generation(sw);
	svnic_sw_set_uplink_link(sw, false);
	CU_ASSERT_NOT_EQUAL(svnic_sw_generation(sw), g);
#undef MOVES_ON
	/* reading and counting change no decision */
	g = svnic_sw_generation(sw);
	CU_ASSERT_EQUAL(svnic_sw_vport_get(sw, 1, &info), 0);
	CU_ASSERT_EQUAL(svnic_sw_stats_get(sw, 1, &st), 0);
	CU_ASSERT_EQUAL(svnic_sw_stats_reset(sw, 1), 0);
	CU_ASSERT_EQUAL(svnic_sw_generation(sw), g);
	/* a new switch never starts in a generation a cache may have seen */
	fixture();
	CU_ASSERT_NOT_EQUAL(svnic_sw_generation(sw), g);
	CU_ASSERT_NOT_EQUAL(svnic_sw_generation(sw), 0);
}

/* The twins of test_cache_exact: configured alike, one forwards through a cache. */
static void
twin_setup(struct svnic_sw *s)
{
	struct svnic_sw_rss_cfg rss;
	unsigned int i;

	for (i = 0; i < NB_VP; i++) {
		CU_ASSERT_EQUAL(svnic_sw_vport_setup(s, (uint16_t)i, (uint16_t)i, 8), 0);
		CU_ASSERT_EQUAL(svnic_sw_vport_set_mac(s, (uint16_t)i, vp_mac(i)), 0);
		CU_ASSERT_EQUAL(svnic_sw_vport_set_enabled(s, (uint16_t)i, true), 0);
	}
	rss_cfg_fill(&rss, SVNIC_RSS_HF_ALL);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_rss(s, 1, &rss), 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_port_vlan(s, 2, 7, 3, 0x8100), 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_set_promisc(s, 0, true), 0);
	CU_ASSERT_EQUAL(svnic_sw_vport_vlan_filter(s, 3, 12, true), 0);
}

/* Frame @p k of the mix, with IPv4 tuple @p i: its source port, its length. */
static size_t
twin_frame(unsigned int k, unsigned int i, uint16_t *src)
{
	switch (k) {
	case 0:		/* from the wire to an RSS VPort; the PF sees it promiscuous */
		*src = SVNIC_SW_UPLINK;
		mk_eth(mac_vf[0], mac_ext, 0x0800, 0);
		return mk_ip4(14, i, i % 2 ? 6 : 17, 0);
	case 1:		/* VF to the wire */
		*src = 1;
		mk_eth(mac_ext, mac_vf[0], 0x0800, 0);
		return mk_ip4(14, i, 6, 0);
	case 2:		/* into a port VLAN from the wire: the tag is stripped */
		*src = SVNIC_SW_UPLINK;
		mk_vlan(mac_vf[1], mac_ext, 0x8100, 7, 0x0800, 0);
		return mk_ip4(18, i, 6, 0);
	case 3:		/* out of a port VLAN to a VPort outside it: VLAN drop */
		*src = 2;
		mk_eth(mac_vf[0], mac_vf[1], 0x0800, 0);
		return mk_ip4(14, i, 6, 0);
	case 4:		/* tagged to a VPort filtering that VLAN, RSS through the tag */
		*src = 1;
		mk_vlan(mac_vf[2], mac_vf[0], 0x8100, 12, 0x0800, 0);
		return mk_ip4(18, i, 17, 0);
	case 5:		/* broadcast */
		*src = 1;
		mk_eth(mac_bcast, mac_vf[0], 0x0806, 46);
		return 60;
	case 6:		/* to itself */
		*src = 3;
		mk_eth(mac_vf[2], mac_vf[2], 0x0800, 46);
		return 60;
	case 7:		/* under the cache's key length */
		*src = 1;
		mk_eth(mac_ext, mac_vf[0], 0x0800, 2);
		return 16;
	case 8:		/* spoofed source address, unchecked until spoofchk is on */
		*src = 3;
		mk_eth(mac_vf[0], mac_unknown, 0x0800, 0);
		return mk_ip4(14, i, 6, 0);
	default:	/* the PF to a VF: not promiscuous to itself */
		*src = 0;
		mk_eth(mac_vf[2], mac_pf, 0x86dd, 100 + i);
		return 114 + i;
	}
}

/* @p frame through @p a as it is and through @p b with the cache: the same result */
static void
twin_forward(struct svnic_sw *a, struct svnic_sw *b, uint16_t src, size_t len)
{
	static struct svnic_sw_result ra, rb;

	CU_ASSERT_EQUAL(svnic_sw_forward(a, src, frame, len, 0, &ra), 0);
	CU_ASSERT_EQUAL(svnic_sw_forward_cached(b, &cache, src, frame, len, 0, &rb), 0);
	CU_ASSERT_EQUAL(rb.drop, ra.drop);
	CU_ASSERT_EQUAL(rb.payload_off, ra.payload_off);
	CU_ASSERT_EQUAL(rb.ethertype, ra.ethertype);
	CU_ASSERT_EQUAL(memcmp(rb.counted, ra.counted, sizeof(ra.counted)), 0);
	CU_ASSERT_EQUAL_FATAL(rb.nb_dests, ra.nb_dests);
	CU_ASSERT_EQUAL(memcmp(rb.dests, ra.dests, ra.nb_dests * sizeof(ra.dests[0])), 0);
}

/*
 * A cache changes nothing a frame's forwarding shows: each result is the
 * uncached one, and at the end every counter of every port and queue agrees,
 * through configuration changes on the way.
 */
static void
test_cache_exact(void)
{
	struct svnic_sw *a = svnic_sw_create(NB_VP), *b = svnic_sw_create(NB_VP);
	static const uint8_t zero[6];
	unsigned int round, k, i, n = 0, q;
	uint16_t port, src;
	size_t len;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	twin_setup(a);
	twin_setup(b);
	svnic_sw_cache_init(&cache);
	for (round = 0; round < 4; round++) {
		if (round == 2) {
			struct svnic_sw *s[2] = { a, b };

			for (i = 0; i < 2; i++) {
				CU_ASSERT_EQUAL(svnic_sw_vport_set_spoofchk(s[i], 3, true), 0);
				CU_ASSERT_EQUAL(svnic_sw_vport_set_mac(s[i], 3, zero), 0);
				CU_ASSERT_EQUAL(svnic_sw_vport_add_uc(s[i], 1, mac_vf[2]), 0);
				CU_ASSERT_EQUAL(svnic_sw_vport_set_promisc(s[i], 0, false), 0);
			}
		}
		for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
			for (k = 0; k < 10; k++) {
				len = twin_frame(k, i, &src);
				twin_forward(a, b, src, len);
				n++;
			}
		}
	}
	/* many of those were replays, or nothing was tested */
	CU_ASSERT(cache.hits > n / 3);
	CU_ASSERT_EQUAL(cache.hits + cache.misses, n - 4 * 5);	/* minus the short ones */
	for (port = 0; port <= NB_VP; port++) {
		uint16_t id = port == NB_VP ? SVNIC_SW_UPLINK : port;
		struct svnic_sw_stats sa, sb;

		CU_ASSERT_EQUAL(svnic_sw_stats_get(a, id, &sa), 0);
		CU_ASSERT_EQUAL(svnic_sw_stats_get(b, id, &sb), 0);
		CU_ASSERT_EQUAL(memcmp(&sa, &sb, sizeof(sa)), 0);
		for (q = 0; id != SVNIC_SW_UPLINK && q < 8; q++) {
			struct svnic_sw_queue_stats qa, qb;

			CU_ASSERT_EQUAL(svnic_sw_queue_stats_get(a, id, (uint16_t)q, &qa), 0);
			CU_ASSERT_EQUAL(svnic_sw_queue_stats_get(b, id, (uint16_t)q, &qb), 0);
			CU_ASSERT_EQUAL(qa.packets, qb.packets);
			CU_ASSERT_EQUAL(qa.bytes, qb.bytes);
		}
	}
	svnic_sw_destroy(a);
	svnic_sw_destroy(b);
}

static CU_TestInfo refusal_tests[] = {
	UNIT_TEST(test_create_refused),
	UNIT_TEST(test_bad_ids_refused),
	UNIT_TEST(test_bad_sizes_refused),
	UNIT_TEST(test_runt_dropped),
	UNIT_TEST(test_disabled_vport),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo forwarding_tests[] = {
	UNIT_TEST(test_unicast_to_vport),
	UNIT_TEST(test_unicast_by_vlan),
	UNIT_TEST(test_unknown_unicast),
	UNIT_TEST(test_broadcast_within_vlan),
	UNIT_TEST(test_multicast),
	UNIT_TEST(test_promiscuous),
	UNIT_TEST(test_anti_spoof),
	UNIT_TEST(test_port_vlan),
	UNIT_TEST(test_vlan_filters),
	UNIT_TEST(test_link_down),
	UNIT_TEST(test_rate_limit),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo rss_tests[] = {
	UNIT_TEST(test_toeplitz_vectors),
	UNIT_TEST(test_rss_ipv4),
	UNIT_TEST(test_rss_ipv6),
	UNIT_TEST(test_rss_off_and_non_ip),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo counter_tests[] = {
	UNIT_TEST(test_counters),
	UNIT_TEST(test_full_table),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo cache_tests[] = {
	UNIT_TEST(test_cache_refused),
	UNIT_TEST(test_cache_invalidated),
	UNIT_TEST(test_cache_generations),
	UNIT_TEST(test_cache_exact),
	CU_TEST_INFO_NULL,
};

UNIT_MAIN(UNIT_SUITE("emu_switch refusals", refusal_tests),
	  UNIT_SUITE("emu_switch forwarding", forwarding_tests),
	  UNIT_SUITE("emu_switch rss", rss_tests),
	  UNIT_SUITE("emu_switch counters", counter_tests),
	  UNIT_SUITE("emu_switch cache", cache_tests))
