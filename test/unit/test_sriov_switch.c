/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sriov_switch.h"
#include "unit.h"

static struct sriov_switch_cfg
base_cfg(void)
{
	struct sriov_switch_cfg c = {
		.switch_id = 0,
		.total_vfs = 64,
		.pf_bus = 0x03, .pf_dev = 0, .pf_fn = 0,
		.ari = true,
		.first_vf_offset = 0x80,
		.vf_stride = 1,
		.total_queue_pairs = 256,
		.pf_queue_pairs = 4,
		.max_vectors_per_vf = 8,
		.numa_nodes = 2,
	};
	return c;
}

static struct sriov_vf_params
base_params(uint16_t queues)
{
	struct sriov_vf_params p = {
		.switch_id = 0,
		.num_queue_pairs = queues,
		.numa_node = SRIOV_NUMA_ANY,
		.perm_mac = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 },
		.num_vectors = 2,
		.name = "vf",
	};
	return p;
}

static struct sriov_switch *
new_switch(uint16_t num_vfs)
{
	struct sriov_switch_cfg c = base_cfg();
	struct sriov_switch *sw = sriov_switch_create(&c);

	CU_ASSERT_PTR_NOT_NULL_FATAL(sw);
	CU_ASSERT_EQUAL_FATAL(sriov_switch_enable(sw, num_vfs), 0);
	return sw;
}

/* One VF allocated with a VPort (queues from the auto range). */
static uint16_t
attach_one(struct sriov_switch *sw, uint16_t queues)
{
	struct sriov_vf_params p = base_params(queues);
	uint16_t id = 0xffff;

	CU_ASSERT_EQUAL_FATAL(sriov_vf_alloc(sw, &p, &id, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(sriov_vport_create(sw, id, SRIOV_QUEUE_AUTO, 0, NULL), 0);
	return id;
}

static enum sriov_vf_state
state_of(struct sriov_switch *sw, uint16_t id)
{
	return sriov_switch_vf(sw, id)->state;
}

static void
test_create_refuses_impossible_layouts(void)
{
	struct sriov_switch_cfg c;
	int i;

	CU_ASSERT_PTR_NULL(sriov_switch_create(NULL));
	for (i = 0; i < 11; i++) {
		c = base_cfg();
		switch (i) {
		case 0: c.total_vfs = 0; break;
		case 1: c.total_vfs = 257; break;
		case 2: c.first_vf_offset = 0; break;
		case 3: c.vf_stride = 0; break;
		case 4: c.pf_dev = 1; break;			/* ARI: device 0 only */
		case 5: c.ari = false; c.pf_dev = 32; break;
		case 6: c.ari = false; c.pf_fn = 8; break;
		case 7: c.pf_bus = 0xff; c.first_vf_offset = 0xf0; break;	/* past bus 255 */
		case 8: c.pf_queue_pairs = 300; break;
		case 9: c.max_vectors_per_vf = 0; break;
		case 10: c.numa_nodes = 0; break;
		}
		errno = 0;
		CU_ASSERT_PTR_NULL(sriov_switch_create(&c));
		CU_ASSERT_EQUAL(errno, EINVAL);
	}
	/* A single VF needs no stride. */
	c = base_cfg();
	c.total_vfs = 1;
	c.vf_stride = 0;
	{
		struct sriov_switch *sw = sriov_switch_create(&c);

		CU_ASSERT_PTR_NOT_NULL(sw);
		sriov_switch_destroy(sw);
	}
}

static void
test_enable_disable(void)
{
	struct sriov_switch_cfg c = base_cfg();
	struct sriov_switch *sw = sriov_switch_create(&c);
	struct sriov_vf_params p = base_params(1);
	uint16_t id, i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sw);
	CU_ASSERT_EQUAL(sriov_switch_disable(sw), -EALREADY);
	CU_ASSERT_EQUAL(sriov_switch_enable(sw, 0), -EINVAL);
	CU_ASSERT_EQUAL(sriov_switch_enable(sw, 65), -EINVAL);
	/* nothing to allocate before virtualization is enabled */
	CU_ASSERT_EQUAL(sriov_vf_alloc(sw, &p, &id, NULL), -ENOSPC);
	CU_ASSERT_EQUAL(sriov_switch_enable(sw, 8), 0);
	CU_ASSERT_EQUAL(sriov_switch_num_vfs(sw), 8);
	CU_ASSERT_EQUAL(sriov_switch_enable(sw, 4), -EBUSY);
	for (i = 0; i < 64; i++)
		CU_ASSERT_EQUAL(state_of(sw, i), i < 8 ? SRIOV_VF_HW_READY : SRIOV_VF_DISABLED);
	CU_ASSERT_EQUAL(sriov_vf_alloc(sw, &p, &id, NULL), 0);
	unit_log_capture();
	CU_ASSERT_EQUAL(sriov_switch_disable(sw), -EBUSY);
	CU_ASSERT(unit_log_contains("vf 0 is ALLOCATED"));
	CU_ASSERT_EQUAL(sriov_switch_num_vfs(sw), 8);
	CU_ASSERT_EQUAL(sriov_vf_free(sw, id, 0), 0);
	CU_ASSERT_EQUAL(sriov_switch_disable(sw), 0);
	for (i = 0; i < 64; i++)
		CU_ASSERT_EQUAL(state_of(sw, i), SRIOV_VF_DISABLED);
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
	sriov_switch_destroy(sw);
}

/* Each bad parameter is refused and leaves every VF and the queue pool alone. */
static void
test_alloc_refuses_bad_params(void)
{
	struct sriov_switch *sw = new_switch(4);
	struct sriov_vf_params p;
	uint16_t id = 77, free_q = sriov_switch_free_queue_pairs(sw);
	int i;

	CU_ASSERT_EQUAL(sriov_vf_alloc(sw, NULL, &id, NULL), -EINVAL);
	for (i = 0; i < 10; i++) {
		p = base_params(2);
		switch (i) {
		case 0: p.switch_id = 1; break;
		case 1: p.num_queue_pairs = 0; break;
		case 2: p.num_queue_pairs = 253; break;		/* 252 are free */
		case 3: p.numa_node = 2; break;
		case 4: p.numa_node = -7; break;
		case 5: p.perm_mac[0] = 0x01; break;		/* multicast */
		case 6: memset(p.perm_mac, 0, 6); break;
		case 7: p.num_vectors = 0; break;
		case 8: p.num_vectors = 9; break;
		case 9: memset(p.name, 'x', sizeof(p.name)); break;
		}
		CU_ASSERT_EQUAL(sriov_vf_alloc(sw, &p, &id, NULL), -EINVAL);
		CU_ASSERT_EQUAL(id, 77);
	}
	CU_ASSERT_EQUAL(sriov_switch_free_queue_pairs(sw), free_q);
	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(state_of(sw, i), SRIOV_VF_HW_READY);
	p = base_params(252);
	p.numa_node = 1;
	CU_ASSERT_EQUAL(sriov_vf_alloc(sw, &p, &id, NULL), 0);
	CU_ASSERT_EQUAL(sriov_switch_free_queue_pairs(sw), 0);
	p = base_params(1);
	CU_ASSERT_EQUAL(sriov_vf_alloc(sw, &p, &id, NULL), -EINVAL);
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
	sriov_switch_destroy(sw);
}

static void
test_alloc_lowest_free_and_enospc(void)
{
	struct sriov_switch *sw = new_switch(4);
	struct sriov_vf_params p = base_params(1);
	uint16_t id, rid, i;

	for (i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(sriov_vf_alloc(sw, &p, &id, &rid), 0);
		CU_ASSERT_EQUAL(id, i);
		CU_ASSERT_EQUAL(rid, 0x0300 + 0x80 + i);
	}
	CU_ASSERT_EQUAL(sriov_vf_alloc(sw, &p, &id, NULL), -ENOSPC);
	CU_ASSERT_EQUAL(sriov_vf_free(sw, 2, 0), 0);
	CU_ASSERT_EQUAL(sriov_vf_free(sw, 1, 0), 0);
	CU_ASSERT_EQUAL(sriov_vf_alloc(sw, &p, &id, NULL), 0);
	CU_ASSERT_EQUAL(id, 1);
	CU_ASSERT_EQUAL(sriov_vf_alloc(sw, &p, &id, NULL), 0);
	CU_ASSERT_EQUAL(id, 2);
	CU_ASSERT_EQUAL(sriov_vf_free(sw, 9, 0), -ENOENT);
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
	sriov_switch_destroy(sw);
}

static void
test_rid_layouts(void)
{
	struct sriov_switch_cfg c = base_cfg();
	uint16_t rid;

	/* ARI: PF 05:00.0, offset 0x80, stride 1: VF 127 is 05:ff.7 (0x05ff), VF 128
	 * carries into bus 6. */
	c.pf_bus = 5;
	c.total_vfs = 256;
	CU_ASSERT_EQUAL(sriov_rid_compute(&c, 0, &rid), 0);
	CU_ASSERT_EQUAL(rid, 0x0580);
	CU_ASSERT_EQUAL(sriov_rid_compute(&c, 127, &rid), 0);
	CU_ASSERT_EQUAL(rid, 0x05ff);
	CU_ASSERT_EQUAL(sriov_rid_compute(&c, 128, &rid), 0);
	CU_ASSERT_EQUAL(rid, 0x0600);
	CU_ASSERT_EQUAL(sriov_rid_compute(&c, 255, &rid), 0);
	CU_ASSERT_EQUAL(rid, 0x067f);
	/* ARI with an 8-bit PF function number: PF 05:00.3 is RID 0x0503. */
	c.pf_fn = 3;
	CU_ASSERT_EQUAL(sriov_rid_compute(&c, 0, &rid), 0);
	CU_ASSERT_EQUAL(rid, 0x0583);
	c.pf_fn = 200;
	CU_ASSERT_EQUAL(sriov_rid_compute(&c, 0, &rid), 0);
	CU_ASSERT_EQUAL(rid, 0x0500 + 200 + 0x80);
	/* No ARI: PF 02:1f.1 (RID 0x02f9), offset 7, stride 2: VF 0 at 0x0300 =
	 * 03:00.0 — the device/function bits carry into the bus. */
	c = base_cfg();
	c.ari = false;
	c.pf_bus = 2;
	c.pf_dev = 0x1f;
	c.pf_fn = 1;
	c.first_vf_offset = 7;
	c.vf_stride = 2;
	CU_ASSERT_EQUAL(sriov_rid_compute(&c, 0, &rid), 0);
	CU_ASSERT_EQUAL(rid, 0x0300);
	CU_ASSERT_EQUAL(sriov_rid_compute(&c, 3, &rid), 0);
	CU_ASSERT_EQUAL(rid, 0x0306);
	CU_ASSERT_EQUAL(sriov_rid_compute(&c, 0, &rid), 0);
	c.pf_fn = 8;
	CU_ASSERT_EQUAL(sriov_rid_compute(&c, 0, &rid), -EINVAL);
	c.pf_fn = 0;
	c.pf_dev = 0;
	c.ari = true;
	c.pf_dev = 2;
	CU_ASSERT_EQUAL(sriov_rid_compute(&c, 0, &rid), -EINVAL);
	/* Past bus 255 */
	c = base_cfg();
	c.pf_bus = 0xff;
	c.first_vf_offset = 0x80;
	CU_ASSERT_EQUAL(sriov_rid_compute(&c, 127, &rid), 0);
	CU_ASSERT_EQUAL(rid, 0xffff);
	CU_ASSERT_EQUAL(sriov_rid_compute(&c, 128, &rid), -ERANGE);
}

static void
test_params_immutable_and_query(void)
{
	struct sriov_switch *sw = new_switch(4);
	struct sriov_vf_params p = base_params(3), other = base_params(1);
	struct sriov_vf_info info;
	uint16_t id, rid;

	p.numa_node = 1;
	p.num_vectors = 4;
	snprintf(p.name, sizeof(p.name), "tenant-a");
	CU_ASSERT_EQUAL(sriov_vf_get_info(sw, 0, &info), -ENOENT);
	CU_ASSERT_EQUAL(sriov_vf_set_params(sw, 0, &other), -ENOENT);
	CU_ASSERT_EQUAL(sriov_vf_alloc(sw, &p, &id, &rid), 0);
	CU_ASSERT_EQUAL(sriov_vf_set_params(sw, id, &other), -EPERM);
	CU_ASSERT_EQUAL(sriov_vport_create(sw, id, SRIOV_QUEUE_AUTO, 0, NULL), 0);
	CU_ASSERT_EQUAL(sriov_vf_set_params(sw, id, &other), -EPERM);
	CU_ASSERT_EQUAL(sriov_vf_get_info(sw, id, &info), 0);
	CU_ASSERT_EQUAL(info.vf_id, id);
	CU_ASSERT_EQUAL(info.rid, rid);
	CU_ASSERT_EQUAL(info.state, SRIOV_VF_ATTACHED);
	CU_ASSERT_EQUAL(memcmp(&info.params, &p, sizeof(p)), 0);
	CU_ASSERT_EQUAL(sriov_vf_get_info(sw, 200, &info), -ENOENT);
	/* freed: parameters are gone, a new allocation may differ */
	CU_ASSERT_EQUAL(sriov_vf_free(sw, id, SRIOV_FREE_CASCADE), 0);
	CU_ASSERT_EQUAL(sriov_vf_alloc(sw, &other, &id, NULL), 0);
	CU_ASSERT_EQUAL(sriov_vf_get_info(sw, id, &info), 0);
	CU_ASSERT_EQUAL(info.params.num_queue_pairs, 1);
	sriov_switch_destroy(sw);
}

static void
test_vport_queue_ranges(void)
{
	struct sriov_switch *sw = new_switch(8);
	struct sriov_vf_params p = base_params(4);
	struct sriov_vport_props props;
	uint16_t a, b, c;

	sriov_vport_props_init(&props);
	CU_ASSERT_EQUAL(sriov_vport_create(sw, 0, SRIOV_QUEUE_AUTO, 0, NULL), -ENOENT);
	CU_ASSERT_EQUAL(sriov_vport_create(sw, 99, SRIOV_QUEUE_AUTO, 0, NULL), -ENOENT);
	CU_ASSERT_EQUAL(sriov_vf_alloc(sw, &p, &a, NULL), 0);
	CU_ASSERT_EQUAL(sriov_vf_alloc(sw, &p, &b, NULL), 0);
	CU_ASSERT_EQUAL(sriov_vf_alloc(sw, &p, &c, NULL), 0);
	/* the PF keeps queues 0..3; the VF part ends at 255 */
	CU_ASSERT_EQUAL(sriov_vport_create(sw, a, 2, 4, NULL), -EINVAL);
	CU_ASSERT_EQUAL(sriov_vport_create(sw, a, 254, 4, NULL), -EINVAL);
	CU_ASSERT_EQUAL(sriov_vport_create(sw, a, 10, 5, NULL), -EINVAL);	/* VF has 4 */
	props.vlan_id = 5000;
	CU_ASSERT_EQUAL(sriov_vport_create(sw, a, 10, 4, &props), -EINVAL);
	CU_ASSERT_EQUAL(state_of(sw, a), SRIOV_VF_ALLOCATED);
	CU_ASSERT_EQUAL(sriov_vport_create(sw, a, 10, 4, NULL), 0);
	CU_ASSERT_EQUAL(sriov_vport_create(sw, a, 20, 4, NULL), -EEXIST);
	/* overlapping 10..13 from either side */
	CU_ASSERT_EQUAL(sriov_vport_create(sw, b, 8, 4, NULL), -EBUSY);
	CU_ASSERT_EQUAL(sriov_vport_create(sw, b, 13, 2, NULL), -EBUSY);
	CU_ASSERT_EQUAL(sriov_vport_create(sw, b, 14, 2, NULL), 0);
	CU_ASSERT_EQUAL(sriov_switch_vf(sw, b)->vport.nb_queues, 2);
	/* auto: lowest free range of 4 is 4..7 */
	CU_ASSERT_EQUAL(sriov_vport_create(sw, c, SRIOV_QUEUE_AUTO, 0, NULL), 0);
	CU_ASSERT_EQUAL(sriov_switch_vf(sw, c)->vport.queue_base, 4);
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
	/* delete frees the range for someone else */
	CU_ASSERT_EQUAL(sriov_vport_delete(sw, a), 0);
	CU_ASSERT_EQUAL(state_of(sw, a), SRIOV_VF_ALLOCATED);
	CU_ASSERT_EQUAL(sriov_vport_delete(sw, a), -ENOTCONN);
	CU_ASSERT_EQUAL(sriov_vport_create(sw, a, 10, 4, NULL), 0);
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
	sriov_switch_destroy(sw);
}

static void
test_vport_auto_range_exhausted(void)
{
	struct sriov_switch_cfg cfg = base_cfg();
	struct sriov_switch *sw;
	struct sriov_vf_params p = base_params(2);
	uint16_t a, b;

	cfg.total_queue_pairs = 8;	/* VF part: queues 4..7 */
	sw = sriov_switch_create(&cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sw);
	CU_ASSERT_EQUAL(sriov_switch_enable(sw, 2), 0);
	CU_ASSERT_EQUAL(sriov_vf_alloc(sw, &p, &a, NULL), 0);
	CU_ASSERT_EQUAL(sriov_vf_alloc(sw, &p, &b, NULL), 0);
	/* a takes 5..6: the rest (4, 7) is free but not contiguous */
	CU_ASSERT_EQUAL(sriov_vport_create(sw, a, 5, 2, NULL), 0);
	CU_ASSERT_EQUAL(sriov_vport_create(sw, b, SRIOV_QUEUE_AUTO, 0, NULL), -ENOSPC);
	CU_ASSERT_EQUAL(sriov_vport_create(sw, b, SRIOV_QUEUE_AUTO, 1, NULL), 0);
	CU_ASSERT_EQUAL(sriov_switch_vf(sw, b)->vport.queue_base, 4);
	sriov_switch_destroy(sw);
}

static void
test_vport_properties(void)
{
	struct sriov_switch *sw = new_switch(4);
	struct sriov_vf_params p = base_params(1);
	struct sriov_vport_props props;
	const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	uint16_t id, other;

	CU_ASSERT_EQUAL(sriov_vf_alloc(sw, &p, &other, NULL), 0);
	/* setters need an allocated VF with a VPort */
	CU_ASSERT_EQUAL(sriov_vport_set_trust(sw, 3, true), -ENOENT);
	CU_ASSERT_EQUAL(sriov_vport_set_trust(sw, 100, true), -ENOENT);
	CU_ASSERT_EQUAL(sriov_vport_set_trust(sw, other, true), -ENOTCONN);
	CU_ASSERT_EQUAL(sriov_vport_get_props(sw, other, &props), -ENOTCONN);
	CU_ASSERT_EQUAL(sriov_vport_get_props(sw, 3, &props), -ENOENT);
	CU_ASSERT_EQUAL(sriov_vport_get_props(sw, 100, &props), -ENOENT);
	id = attach_one(sw, 1);
	CU_ASSERT_EQUAL(sriov_vport_get_props(sw, id, &props), 0);
	CU_ASSERT(props.spoofchk);
	CU_ASSERT(!props.trust);
	CU_ASSERT_EQUAL(props.link_state, SRIOV_LINK_AUTO);
	CU_ASSERT_EQUAL(props.vlan_proto, SRIOV_VLAN_PROTO_8021Q);

	CU_ASSERT_EQUAL(sriov_vport_set_mac(sw, id, mcast), -EINVAL);
	CU_ASSERT_EQUAL(sriov_vport_set_vlan(sw, id, 4095, 0, SRIOV_VLAN_PROTO_8021Q), -EINVAL);
	CU_ASSERT_EQUAL(sriov_vport_set_vlan(sw, id, 10, 8, SRIOV_VLAN_PROTO_8021Q), -EINVAL);
	CU_ASSERT_EQUAL(sriov_vport_set_vlan(sw, id, 10, 0, 0x0800), -EINVAL);
	CU_ASSERT_EQUAL(sriov_vport_set_vlan(sw, id, 0, 3, SRIOV_VLAN_PROTO_8021Q), -EINVAL);
	CU_ASSERT_EQUAL(sriov_vport_set_link_state(sw, id, (enum sriov_link_state)7), -EINVAL);
	CU_ASSERT_EQUAL(sriov_vport_set_rate(sw, id, 200, 100), -EINVAL);
	CU_ASSERT_EQUAL(sriov_vport_get_props(sw, id, &props), 0);
	CU_ASSERT(!props.mac_set);
	CU_ASSERT_EQUAL(props.vlan_id, 0);
	CU_ASSERT_EQUAL(props.max_tx_rate, 0);

	CU_ASSERT_EQUAL(sriov_vport_set_mac(sw, id, mac), 0);
	CU_ASSERT_EQUAL(sriov_vport_set_vlan(sw, id, 100, 5, SRIOV_VLAN_PROTO_8021AD), 0);
	CU_ASSERT_EQUAL(sriov_vport_set_spoofchk(sw, id, false), 0);
	CU_ASSERT_EQUAL(sriov_vport_set_trust(sw, id, true), 0);
	CU_ASSERT_EQUAL(sriov_vport_set_link_state(sw, id, SRIOV_LINK_DISABLE), 0);
	CU_ASSERT_EQUAL(sriov_vport_set_rate(sw, id, 100, 1000), 0);
	CU_ASSERT_EQUAL(sriov_vport_set_rate(sw, id, 100, 0), 0);	/* 0: unlimited */
	CU_ASSERT_EQUAL(sriov_vport_set_rx_mode_allow(sw, id, true, true), 0);
	CU_ASSERT_EQUAL(sriov_vport_get_props(sw, id, &props), 0);
	CU_ASSERT(props.mac_set);
	CU_ASSERT_EQUAL(memcmp(props.mac, mac, 6), 0);
	CU_ASSERT_EQUAL(props.vlan_id, 100);
	CU_ASSERT_EQUAL(props.vlan_qos, 5);
	CU_ASSERT_EQUAL(props.vlan_proto, SRIOV_VLAN_PROTO_8021AD);
	CU_ASSERT(!props.spoofchk);
	CU_ASSERT(props.trust);
	CU_ASSERT_EQUAL(props.link_state, SRIOV_LINK_DISABLE);
	CU_ASSERT_EQUAL(props.min_tx_rate, 100);
	CU_ASSERT_EQUAL(props.max_tx_rate, 0);
	CU_ASSERT(props.allow_promisc && props.allow_allmulti);
	/* port VLAN 0 clears it */
	CU_ASSERT_EQUAL(sriov_vport_set_vlan(sw, id, 0, 0, SRIOV_VLAN_PROTO_8021Q), 0);
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
	sriov_switch_destroy(sw);
}

static void
set_vlan_bit(struct sriov_vf_guest *g, uint16_t v)
{
	g->vlan_bitmap[v / 8] |= (uint8_t)(1u << (v % 8));
	g->nb_vlans++;
}

/* When the operator tightens the policy the guest's excess goes. */
static void
test_policy_enforced_on_operator_change(void)
{
	struct sriov_switch *sw = new_switch(2);
	uint16_t id = attach_one(sw, 1), v;
	struct sriov_vf *vf = sriov_switch_vf(sw, id);
	const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 9 };

	CU_ASSERT_EQUAL(sriov_vport_set_trust(sw, id, true), 0);
	CU_ASSERT_EQUAL(sriov_vport_set_rx_mode_allow(sw, id, true, true), 0);
	vf->guest.promisc = true;
	vf->guest.allmulti = true;
	vf->guest.nb_mac_filters = 10;
	for (v = 1; v <= 20; v++)
		set_vlan_bit(&vf->guest, v);
	vf->guest.mac_set = true;
	vf->guest.mac[0] = 0x02;
	vf->guest.mac[5] = 0x77;
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
	CU_ASSERT_EQUAL(sriov_vport_set_mac(sw, id, mac), 0);
	CU_ASSERT(vf->guest.mac_set);		/* trusted: may keep its own */
	CU_ASSERT_EQUAL(sriov_vport_set_trust(sw, id, false), 0);
	CU_ASSERT(!vf->guest.promisc);
	CU_ASSERT(vf->guest.allmulti);		/* still allowed by allow_allmulti */
	CU_ASSERT(!vf->guest.mac_set);
	CU_ASSERT_EQUAL(vf->guest.nb_mac_filters, SRIOV_UNTRUSTED_MAC_FILTERS);
	CU_ASSERT_EQUAL(vf->guest.nb_vlans, SRIOV_UNTRUSTED_VLAN_FILTERS);
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
	CU_ASSERT_EQUAL(sriov_vport_set_rx_mode_allow(sw, id, false, false), 0);
	CU_ASSERT(!vf->guest.allmulti);
	CU_ASSERT_EQUAL(sriov_vport_set_vlan(sw, id, 7, 0, SRIOV_VLAN_PROTO_8021Q), 0);
	CU_ASSERT_EQUAL(vf->guest.nb_vlans, 0);
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
	sriov_switch_destroy(sw);
}

static void
test_free_refused_with_vport_and_cascade(void)
{
	struct sriov_switch *sw = new_switch(4);
	uint16_t a = attach_one(sw, 2), b = attach_one(sw, 2), c = attach_one(sw, 2);
	uint16_t free_q;

	unit_log_capture();
	CU_ASSERT_EQUAL(sriov_vf_free(sw, a, 0), -EBUSY);
	CU_ASSERT(unit_log_contains("delete its VPort first"));
	CU_ASSERT_EQUAL(state_of(sw, a), SRIOV_VF_ATTACHED);
	free_q = sriov_switch_free_queue_pairs(sw);
	/* cascade from ATTACHED, ACTIVE and QUARANTINED */
	CU_ASSERT_EQUAL(sriov_vf_guest_up(sw, b), 0);
	CU_ASSERT_EQUAL(sriov_vf_quarantine(sw, c), 0);
	CU_ASSERT_EQUAL(sriov_vf_free(sw, a, SRIOV_FREE_CASCADE), 0);
	CU_ASSERT_EQUAL(sriov_vf_free(sw, b, SRIOV_FREE_CASCADE), 0);
	CU_ASSERT_EQUAL(sriov_vf_free(sw, c, SRIOV_FREE_CASCADE), 0);
	CU_ASSERT_EQUAL(state_of(sw, a), SRIOV_VF_HW_READY);
	CU_ASSERT_EQUAL(state_of(sw, b), SRIOV_VF_HW_READY);
	CU_ASSERT_EQUAL(state_of(sw, c), SRIOV_VF_HW_READY);
	CU_ASSERT_EQUAL(sriov_switch_free_queue_pairs(sw), free_q + 6);
	/* not even a cascade frees a VF mid-reset */
	a = attach_one(sw, 1);
	CU_ASSERT_EQUAL(sriov_vf_reset_begin(sw, a, false), 0);
	CU_ASSERT_EQUAL(sriov_vf_free(sw, a, SRIOV_FREE_CASCADE), -EBUSY);
	CU_ASSERT_EQUAL(sriov_vf_reset_done(sw, a), 0);
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
	sriov_switch_destroy(sw);
}

static void
test_reset_clears_guest_keeps_operator(void)
{
	static const struct sriov_vf_guest clean;
	struct sriov_switch *sw = new_switch(2);
	uint16_t id = attach_one(sw, 2);
	struct sriov_vf *vf = sriov_switch_vf(sw, id);
	const uint8_t mac[6] = { 0x02, 0xaa, 0, 0, 0, 1 };
	struct sriov_vport_props before, after;

	CU_ASSERT_EQUAL(sriov_vport_set_mac(sw, id, mac), 0);
	CU_ASSERT_EQUAL(sriov_vport_set_vlan(sw, id, 42, 3, SRIOV_VLAN_PROTO_8021Q), 0);
	CU_ASSERT_EQUAL(sriov_vport_set_rate(sw, id, 10, 500), 0);
	CU_ASSERT_EQUAL(sriov_vport_get_props(sw, id, &before), 0);
	CU_ASSERT_EQUAL(sriov_vf_guest_up(sw, id), 0);
	/* what a guest would have configured */
	vf->guest.hello_done = true;
	vf->guest.mbx_version = SVNIC_MBX_VERSION(1, 0);
	vf->guest.allmulti = false;
	vf->guest.nb_mc_addrs = 3;
	vf->guest.mtu = 9000;
	vf->guest.rss_table_len = 4;
	vf->guest.queues[SVNIC_MBX_QTYPE_RX][0] = (struct sriov_vf_queue){
		.ring_addr = 0x10000, .ring_size = 512, .buf_size = 2048,
		.vector = SVNIC_MBX_QUEUE_NO_VECTOR,
	};
	vf->guest.queues[SVNIC_MBX_QTYPE_RX][1] = vf->guest.queues[SVNIC_MBX_QTYPE_RX][0];
	vf->guest.queues_configured[SVNIC_MBX_QTYPE_RX] = 3;
	vf->guest.queues_enabled[SVNIC_MBX_QTYPE_RX] = 3;
	sriov_ratelimit_strike(&vf->mbx_rl, 0);
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);

	CU_ASSERT_EQUAL(sriov_vf_reset_begin(sw, id, false), 0);
	CU_ASSERT_EQUAL(state_of(sw, id), SRIOV_VF_RESETTING);
	CU_ASSERT_EQUAL(sriov_vf_guest_up(sw, id), -EBUSY);
	CU_ASSERT_EQUAL(sriov_vf_reset_begin(sw, id, false), -EBUSY);
	CU_ASSERT_EQUAL(sriov_vf_reset_done(sw, id), 0);
	CU_ASSERT_EQUAL(state_of(sw, id), SRIOV_VF_ATTACHED);
	CU_ASSERT_EQUAL(memcmp(&vf->guest, &clean, sizeof(clean)), 0);
	CU_ASSERT_EQUAL(vf->mbx_rl.strikes, 0);
	CU_ASSERT_EQUAL(sriov_vport_get_props(sw, id, &after), 0);
	CU_ASSERT_EQUAL(memcmp(&before, &after, sizeof(before)), 0);
	CU_ASSERT_EQUAL(sriov_vf_reset_done(sw, id), -EINVAL);
	sriov_switch_destroy(sw);
}

static void
test_quarantine_only_operator_reset(void)
{
	struct sriov_switch *sw = new_switch(2);
	uint16_t id = attach_one(sw, 1);

	CU_ASSERT_EQUAL(sriov_vf_guest_up(sw, id), 0);
	CU_ASSERT_EQUAL(sriov_vf_quarantine(sw, id), 0);
	CU_ASSERT_EQUAL(sriov_vf_quarantine(sw, id), -EALREADY);
	CU_ASSERT_EQUAL(sriov_vf_reset(sw, id, false), -EPERM);
	CU_ASSERT_EQUAL(sriov_vf_guest_up(sw, id), -EPERM);
	CU_ASSERT_EQUAL(sriov_vport_delete(sw, id), -EPERM);
	CU_ASSERT_EQUAL(sriov_vf_guest_down(sw, id), 0);
	CU_ASSERT_EQUAL(state_of(sw, id), SRIOV_VF_QUARANTINED);
	CU_ASSERT_EQUAL(sriov_vf_reset(sw, id, true), 0);
	CU_ASSERT_EQUAL(state_of(sw, id), SRIOV_VF_ATTACHED);
	CU_ASSERT_EQUAL(sriov_vf_guest_up(sw, id), 0);
	/* nothing to reset or quarantine without a VPort */
	CU_ASSERT_EQUAL(sriov_vf_reset(sw, 1, true), -ENOENT);
	sriov_switch_destroy(sw);
}

struct event_log {
	unsigned int n;
	uint16_t vf[16];
	enum sriov_vf_state from[16], to[16];
	enum sriov_vf_event cause[16];
};

static void
record_event(struct sriov_switch *sw, uint16_t vf_id, enum sriov_vf_state from,
	     enum sriov_vf_state to, enum sriov_vf_event cause, void *ctx)
{
	struct event_log *log = ctx;

	(void)sw;
	if (log->n < 16) {
		log->vf[log->n] = vf_id;
		log->from[log->n] = from;
		log->to[log->n] = to;
		log->cause[log->n] = cause;
	}
	log->n++;
}

static void
test_event_callback_sees_every_change(void)
{
	struct sriov_switch_cfg c = base_cfg();
	struct sriov_switch *sw = sriov_switch_create(&c);
	struct event_log log = { 0 };
	uint16_t id;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sw);
	sriov_switch_set_event_cb(sw, record_event, &log);
	CU_ASSERT_EQUAL(sriov_switch_enable(sw, 2), 0);
	CU_ASSERT_EQUAL(log.n, 2);
	CU_ASSERT_EQUAL(log.to[1], SRIOV_VF_HW_READY);
	log.n = 0;
	id = attach_one(sw, 1);
	CU_ASSERT_EQUAL(sriov_vf_guest_up(sw, id), 0);
	CU_ASSERT_EQUAL(sriov_vf_reset(sw, id, false), 0);
	CU_ASSERT_EQUAL(sriov_vf_free(sw, id, 0), -EBUSY);	/* refused: no event */
	CU_ASSERT_EQUAL(log.n, 5);
	CU_ASSERT_EQUAL(log.cause[0], SRIOV_VF_EV_ALLOC);
	CU_ASSERT_EQUAL(log.from[2], SRIOV_VF_ATTACHED);
	CU_ASSERT_EQUAL(log.to[2], SRIOV_VF_ACTIVE);
	CU_ASSERT_EQUAL(log.cause[3], SRIOV_VF_EV_RESET);
	CU_ASSERT_EQUAL(log.to[3], SRIOV_VF_RESETTING);
	CU_ASSERT_EQUAL(log.to[4], SRIOV_VF_ATTACHED);
	CU_ASSERT_EQUAL(log.vf[4], id);
	CU_ASSERT_EQUAL(sriov_switch_get_cfg(sw)->total_vfs, c.total_vfs);
	sriov_switch_destroy(sw);
}

/* What the owner reads in its callback: it programs the device from it. */
struct seen_state {
	uint16_t params_queues;
	uint16_t vport_queues;
	uint16_t vport_base;
};

static void
record_state(struct sriov_switch *sw, uint16_t vf_id, enum sriov_vf_state from,
	     enum sriov_vf_state to, enum sriov_vf_event cause, void *ctx)
{
	struct seen_state *seen = ctx;
	const struct sriov_vf *vf = sriov_switch_vf_const(sw, vf_id);

	(void)from;
	(void)cause;
	if (to == SRIOV_VF_ALLOCATED)
		seen->params_queues = vf->params.num_queue_pairs;
	if (to == SRIOV_VF_ATTACHED) {
		seen->vport_queues = vf->vport.nb_queues;
		seen->vport_base = vf->vport.queue_base;
	}
}

static void
test_event_callback_sees_the_new_params_and_vport(void)
{
	struct sriov_switch *sw = new_switch(2);
	struct seen_state seen = { 0 };
	uint16_t id;

	sriov_switch_set_event_cb(sw, record_state, &seen);
	id = attach_one(sw, 3);
	CU_ASSERT_EQUAL(seen.params_queues, 3);
	CU_ASSERT_EQUAL(seen.vport_queues, 3);
	CU_ASSERT_EQUAL(seen.vport_base, sriov_switch_vf(sw, id)->vport.queue_base);
	CU_ASSERT(seen.vport_base >= sriov_switch_get_cfg(sw)->pf_queue_pairs);
	sriov_switch_destroy(sw);
}

/* Drive VF 0 of a fresh switch into @p st through the public API. */
static struct sriov_switch *
switch_in_state(enum sriov_vf_state st)
{
	struct sriov_switch_cfg c = base_cfg();
	struct sriov_switch *sw = sriov_switch_create(&c);
	struct sriov_vf_params p = base_params(1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(sw);
	if (st == SRIOV_VF_DISABLED)
		return sw;
	CU_ASSERT_EQUAL_FATAL(sriov_switch_enable(sw, 1), 0);
	if (st == SRIOV_VF_HW_READY)
		return sw;
	CU_ASSERT_EQUAL_FATAL(sriov_vf_alloc(sw, &p, NULL, NULL), 0);
	if (st == SRIOV_VF_ALLOCATED)
		return sw;
	CU_ASSERT_EQUAL_FATAL(sriov_vport_create(sw, 0, SRIOV_QUEUE_AUTO, 0, NULL), 0);
	if (st == SRIOV_VF_ACTIVE) {
		CU_ASSERT_EQUAL_FATAL(sriov_vf_guest_up(sw, 0), 0);
	} else if (st == SRIOV_VF_RESETTING) {
		CU_ASSERT_EQUAL_FATAL(sriov_vf_reset_begin(sw, 0, false), 0);
	} else if (st == SRIOV_VF_QUARANTINED) {
		CU_ASSERT_EQUAL_FATAL(sriov_vf_quarantine(sw, 0), 0);
	}
	CU_ASSERT_EQUAL_FATAL(state_of(sw, 0), st);
	return sw;
}

static int
fire(struct sriov_switch *sw, enum sriov_vf_event ev)
{
	struct sriov_vf_params p = base_params(1);

	switch (ev) {
	case SRIOV_VF_EV_ENABLE: return sriov_switch_enable(sw, 1);
	case SRIOV_VF_EV_DISABLE: return sriov_switch_disable(sw);
	case SRIOV_VF_EV_ALLOC: return sriov_vf_alloc(sw, &p, NULL, NULL);
	case SRIOV_VF_EV_FREE: return sriov_vf_free(sw, 0, 0);
	case SRIOV_VF_EV_VPORT_CREATE: return sriov_vport_create(sw, 0, SRIOV_QUEUE_AUTO, 0, NULL);
	case SRIOV_VF_EV_VPORT_DELETE: return sriov_vport_delete(sw, 0);
	case SRIOV_VF_EV_GUEST_UP: return sriov_vf_guest_up(sw, 0);
	case SRIOV_VF_EV_GUEST_DOWN: return sriov_vf_guest_down(sw, 0);
	case SRIOV_VF_EV_RESET: return sriov_vf_reset_begin(sw, 0, false);
	case SRIOV_VF_EV_OPERATOR_RESET: return sriov_vf_reset_begin(sw, 0, true);
	case SRIOV_VF_EV_RESET_DONE: return sriov_vf_reset_done(sw, 0);
	case SRIOV_VF_EV_QUARANTINE: return sriov_vf_quarantine(sw, 0);
	default: return -EINVAL;
	}
}

/*
 * Every (state, event) pair through the public API: an accepted event lands
 * where the table says, a refused one leaves the VF (and the switch) untouched.
 * The switch-wide calls answer for a VF that is not there yet in their own way
 * (no VF to allocate is -ENOSPC; a VF id beyond NumVFs is -ENOENT).
 */
static void
test_api_every_state_event_pair(void)
{
	int st, ev;

	for (st = 0; st < SRIOV_VF_STATE_MAX; st++) {
		for (ev = 0; ev < SRIOV_VF_EVENT_MAX; ev++) {
			struct sriov_switch *sw = switch_in_state(st);
			int want = sriov_vf_fsm_next(st, ev);
			int got = fire(sw, ev);

			if (want >= 0) {
				CU_ASSERT_EQUAL(got, 0);
				CU_ASSERT_EQUAL((int)state_of(sw, 0), want);
			} else {
				CU_ASSERT(got < 0);
				CU_ASSERT_EQUAL((int)state_of(sw, 0), st);
				if (st == SRIOV_VF_DISABLED) {
					CU_ASSERT(got == -ENOENT || got == -ENOSPC ||
						  got == -EALREADY);
				} else if (!(ev == SRIOV_VF_EV_ALLOC ||
					     ev == SRIOV_VF_EV_ENABLE ||
					     ev == SRIOV_VF_EV_DISABLE)) {
					CU_ASSERT_EQUAL(got, want);
				}
			}
			CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
			sriov_switch_destroy(sw);
		}
	}
}

/* Many full cycles over 64 VFs keep every invariant and leak nothing. */
static void
test_lifecycle_cycles_64(void)
{
	struct sriov_switch *sw = new_switch(64);
	struct sriov_vf_params p = base_params(3);
	uint16_t id, rid, i;
	int round;

	for (round = 0; round < 20; round++) {
		for (i = 0; i < 64; i++) {
			p.perm_mac[5] = (uint8_t)i;
			CU_ASSERT_EQUAL_FATAL(sriov_vf_alloc(sw, &p, &id, &rid), 0);
			CU_ASSERT_EQUAL(id, i);
			CU_ASSERT_EQUAL(rid, 0x0380 + i);
			CU_ASSERT_EQUAL_FATAL(sriov_vport_create(sw, id, SRIOV_QUEUE_AUTO, 0, NULL),
					      0);
			CU_ASSERT_EQUAL(sriov_vf_guest_up(sw, id), 0);
		}
		CU_ASSERT_EQUAL(sriov_switch_free_queue_pairs(sw), 252 - 192);
		CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
		for (i = 0; i < 64; i++) {
			CU_ASSERT_EQUAL(sriov_vf_reset(sw, i, (i & 1) != 0), 0);
			CU_ASSERT_EQUAL(state_of(sw, i), SRIOV_VF_ATTACHED);
			if (i % 3 == 0) {
				CU_ASSERT_EQUAL(sriov_vport_delete(sw, i), 0);
			}
			CU_ASSERT_EQUAL(sriov_vf_free(sw, i, SRIOV_FREE_CASCADE), 0);
		}
		CU_ASSERT_EQUAL(sriov_switch_free_queue_pairs(sw), 252);
		CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
	}
	sriov_switch_destroy(sw);
}

/* The invariant checker itself must catch a broken switch. */
static void
test_verify_catches_corruption(void)
{
	struct sriov_switch *sw = new_switch(4);
	uint16_t a = attach_one(sw, 2), b = attach_one(sw, 2);
	struct sriov_vf *va = sriov_switch_vf(sw, a), *vb = sriov_switch_vf(sw, b);
	struct sriov_vf saved;

	CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
	unit_log_capture();
	saved = *vb;
	vb->vport.queue_base = va->vport.queue_base;
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), -EFAULT);
	CU_ASSERT(unit_log_contains("overlap"));
	*vb = saved;
	va->guest.nb_vlans = 1;
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), -EFAULT);
	va->guest.nb_vlans = 0;
	va->guest.promisc = true;
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), -EFAULT);
	va->guest.promisc = false;
	va->guest.rss_table_len = 1;
	va->guest.rss_table[0] = 2;	/* the VPort has queues 0..1 */
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), -EFAULT);
	va->guest.rss_table_len = 0;
	va->guest.rss_table[0] = 0;
	va->params.num_queue_pairs = 5;
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), -EFAULT);
	va->params.num_queue_pairs = 2;
	sriov_switch_vf(sw, 3)->guest.mtu = 1500;	/* no VPort: must be clean */
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), -EFAULT);
	sriov_switch_vf(sw, 3)->guest.mtu = 0;
	sriov_switch_vf(sw, 10)->state = SRIOV_VF_HW_READY;	/* beyond NumVFs */
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), -EFAULT);
	sriov_switch_vf(sw, 10)->state = SRIOV_VF_DISABLED;
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
	sriov_switch_destroy(sw);
}

static void
test_refusals_are_logged_with_reason(void)
{
	struct sriov_switch *sw = new_switch(2);
	uint16_t id = attach_one(sw, 1);

	unit_log_capture();
	CU_ASSERT_EQUAL(sriov_vf_guest_up(sw, id), 0);
	CU_ASSERT_EQUAL(sriov_vport_delete(sw, id), -EBUSY);
	CU_ASSERT(unit_log_contains("vport-delete refused in state ACTIVE"));
	CU_ASSERT(unit_log_contains("EBUSY"));
	CU_ASSERT_EQUAL(sriov_vf_guest_up(sw, 7), -ENOENT);
	CU_ASSERT(unit_log_contains("no vf 7"));
	sriov_switch_destroy(sw);
}

static void
test_mac_helper(void)
{
	const uint8_t ok[6] = { 0x02, 0, 0, 0, 0, 1 };
	const uint8_t zero[6] = { 0 };
	const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	CU_ASSERT(sriov_mac_is_valid_unicast(ok));
	CU_ASSERT(!sriov_mac_is_valid_unicast(zero));
	CU_ASSERT(!sriov_mac_is_valid_unicast(bcast));
	CU_ASSERT_PTR_NULL(sriov_switch_vf(NULL, 0));
	CU_ASSERT_PTR_NULL(sriov_switch_vf_const(NULL, 0));
}

static CU_TestInfo negative_tests[] = {
	UNIT_TEST(test_create_refuses_impossible_layouts),
	UNIT_TEST(test_alloc_refuses_bad_params),
	UNIT_TEST(test_verify_catches_corruption),
	UNIT_TEST(test_refusals_are_logged_with_reason),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo switch_tests[] = {
	UNIT_TEST(test_enable_disable),
	UNIT_TEST(test_alloc_lowest_free_and_enospc),
	UNIT_TEST(test_rid_layouts),
	UNIT_TEST(test_params_immutable_and_query),
	UNIT_TEST(test_vport_queue_ranges),
	UNIT_TEST(test_vport_auto_range_exhausted),
	UNIT_TEST(test_vport_properties),
	UNIT_TEST(test_policy_enforced_on_operator_change),
	UNIT_TEST(test_free_refused_with_vport_and_cascade),
	UNIT_TEST(test_reset_clears_guest_keeps_operator),
	UNIT_TEST(test_quarantine_only_operator_reset),
	UNIT_TEST(test_event_callback_sees_every_change),
	UNIT_TEST(test_event_callback_sees_the_new_params_and_vport),
	UNIT_TEST(test_api_every_state_event_pair),
	UNIT_TEST(test_lifecycle_cycles_64),
	UNIT_TEST(test_mac_helper),
	CU_TEST_INFO_NULL,
};

UNIT_MAIN(UNIT_SUITE("sriov_switch_negative", negative_tests),
	  UNIT_SUITE("sriov_switch", switch_tests))
