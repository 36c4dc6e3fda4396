/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A guest's mailbox traffic against the PF's handler. The input is a selector
 * byte (bit 0: the VF; bit 1: a PF whose device lacks head write-back)
 * followed by chunks: a 16-bit little-endian length, a time
 * byte (bits 0-6: milliseconds to advance; bit 7: the operator resets the VF
 * first) and that many message bytes. After every message: the switch's
 * invariants hold, the reply is one the VF driver accepts and echoes the
 * request, a refusal changed nothing, and the other VF was not touched; a PF
 * without CAP_HEAD_WB neither offers it nor records a head_wb_addr.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sriov_mbx.h"
#include "sriov_switch.h"

#define FUZZ_HDR	sizeof(struct svnic_mbx_hdr)
#define FUZZ_MS		1000000ull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
fuzz_stats(void *ctx, uint16_t vf_id, struct svnic_mbx_stats *st)
{
	(void)ctx;
	memset(st, 0, sizeof(*st));
	st->rx_packets = vf_id;
	return vf_id == 1 ? -EIO : 0;
}

#define FUZZ_PF_CAPS	(SVNIC_MBX_CAP_RSS | SVNIC_MBX_CAP_VLAN_OFFLOAD | \
			 SVNIC_MBX_CAP_LINK_EVENTS | SVNIC_MBX_CAP_OFFLOADS | SVNIC_MBX_CAP_HEAD_WB)

static struct sriov_mbx_ops fuzz_ops = {
	.get_stats = fuzz_stats,
	.pf_caps = FUZZ_PF_CAPS,
	.rss_key_size = 40,
	.rss_table_size = 128,
	.rss_hash_types = SVNIC_RSS_HF_ALL,
	.min_mtu = 576,
	.max_mtu = 9000,
};

/* VF 0: trusted, may go promiscuous. VF 1: untrusted, operator MAC and port VLAN. */
static struct sriov_switch *
fuzz_switch(void)
{
	static const uint8_t admin_mac[6] = { 0x02, 0xaa, 0, 0, 0, 1 };
	struct sriov_switch_cfg cfg = {
		.total_vfs = 2, .pf_bus = 1, .first_vf_offset = 1, .vf_stride = 1,
		.total_queue_pairs = 16, .pf_queue_pairs = 4, .max_vectors_per_vf = 4,
		.numa_nodes = 1,
	};
	struct sriov_vf_params p = {
		.num_queue_pairs = 4, .numa_node = SRIOV_NUMA_ANY, .num_vectors = 1,
		.perm_mac = { 0x02, 0, 0, 0, 0, 0x10 },
	};
	struct sriov_vport_props props;
	struct sriov_switch *sw;
	uint16_t id, rid;

	sw = sriov_switch_create(&cfg);
	if (sw == NULL || sriov_switch_enable(sw, 2) != 0 ||
	    sriov_vf_alloc(sw, &p, &id, &rid) != 0)
		__builtin_trap();
	p.perm_mac[5] = 0x11;
	p.num_queue_pairs = 2;
	if (sriov_vf_alloc(sw, &p, &id, &rid) != 0)
		__builtin_trap();
	sriov_vport_props_init(&props);
	props.trust = true;
	props.allow_promisc = true;
	if (sriov_vport_create(sw, 0, SRIOV_QUEUE_AUTO, 0, &props) != 0)
		__builtin_trap();
	sriov_vport_props_init(&props);
	memcpy(props.mac, admin_mac, 6);
	props.mac_set = true;
	props.vlan_id = 100;
	if (sriov_vport_create(sw, 1, SRIOV_QUEUE_AUTO, 0, &props) != 0)
		__builtin_trap();
	return sw;
}

/* Without the device's HEAD_WB, nothing may reach QUEUE_CONFIG asking for it. */
static void
fuzz_check_head_wb(const struct sriov_vf *vf, const uint8_t *reply, size_t reply_len,
		   const struct svnic_mbx_hdr *rep)
{
	struct svnic_mbx_resources res;
	unsigned int t, q;

	if (fuzz_ops.pf_caps & SVNIC_MBX_CAP_HEAD_WB)
		return;
	for (t = 0; t < SVNIC_MBX_QTYPE_NB; t++)
		for (q = 0; q < SRIOV_VF_QUEUES_MAX; q++)
			if (vf->guest.queues[t][q].head_wb_addr != 0)
				__builtin_trap();
	if (rep->opcode == SVNIC_MBX_OP_GET_RESOURCES && rep->status == 0) {
		if (reply_len < FUZZ_HDR + sizeof(res))
			__builtin_trap();
		memcpy(&res, reply + FUZZ_HDR, sizeof(res));
		if (res.caps & SVNIC_MBX_CAP_HEAD_WB)
			__builtin_trap();
	}
}

static void
fuzz_one(struct sriov_switch *sw, uint16_t id, uint64_t now, const uint8_t *msg, size_t len)
{
	uint8_t reply[SRIOV_MBX_REPLY_MAX];
	struct sriov_vf other_before, *vf = sriov_switch_vf(sw, id);
	struct sriov_vf *other = sriov_switch_vf(sw, id ^ 1);
	struct sriov_vf_guest guest_before;
	/* the state gate comes before the format check */
	bool open = vf->state == SRIOV_VF_ATTACHED || vf->state == SRIOV_VF_ACTIVE;
	struct svnic_mbx_hdr req, rep;
	size_t reply_len;
	unsigned int acts;

	memset(&req, 0, sizeof(req));
	if (len >= FUZZ_HDR)
		memcpy(&req, msg, sizeof(req));
	/* memcpy, not assignment: padding bytes take part in the comparison */
	memcpy(&other_before, other, sizeof(other_before));
	memcpy(&guest_before, &vf->guest, sizeof(guest_before));
	if (sriov_mbx_handle(sw, id, &fuzz_ops, NULL, now, msg, len, reply, sizeof(reply),
			     &reply_len, &acts) != 0)
		__builtin_trap();
	if (sriov_switch_verify(sw) != 0)
		__builtin_trap();
	if (svnic_mbx_validate_from_pf(reply, reply_len, req.opcode) != 0)
		__builtin_trap();
	memcpy(&rep, reply, sizeof(rep));
	if (rep.seq != req.seq || rep.opcode != req.opcode)
		__builtin_trap();
	/* no header, so seq 0 (checked above) and EMSGSIZE, unless over the rate */
	if (len < FUZZ_HDR && open && rep.status != EMSGSIZE && rep.status != EBUSY)
		__builtin_trap();
	if (rep.status != 0 &&
	    memcmp(&guest_before, &vf->guest, sizeof(guest_before)) != 0)
		__builtin_trap();
	if (memcmp(&other_before, other, sizeof(other_before)) != 0)
		__builtin_trap();
	fuzz_check_head_wb(vf, reply, reply_len, &rep);
	/* what the PF driver would do next */
	if (acts & SRIOV_MBX_ACT_GUEST_UP)
		sriov_vf_guest_up(sw, id);
	if (acts & SRIOV_MBX_ACT_RESET) {
		if (sriov_vf_reset(sw, id, false) != 0 || vf->guest.hello_done)
			__builtin_trap();
	}
	if ((acts & SRIOV_MBX_ACT_QUARANTINED) && vf->state != SRIOV_VF_QUARANTINED)
		__builtin_trap();
	if (sriov_switch_verify(sw) != 0)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sriov_switch *sw;
	uint64_t now = 1000 * FUZZ_MS;
	uint16_t id, len;
	uint8_t *msg;

	if (size < 1)
		return 0;
	id = data[0] & 1;
	fuzz_ops.pf_caps = FUZZ_PF_CAPS;
	if (data[0] & 2)
		fuzz_ops.pf_caps &= ~SVNIC_MBX_CAP_HEAD_WB;
	data++;
	size--;
	sw = fuzz_switch();
	while (size >= 3) {
		len = (uint16_t)(data[0] | data[1] << 8);
		if (data[2] & 0x80)
			sriov_vf_reset(sw, id, true);
		now += (uint64_t)(data[2] & 0x7f) * FUZZ_MS;
		data += 3;
		size -= 3;
		if (len > size)
			len = (uint16_t)size;
		/* an exact-size copy, so any read past the message is caught */
		msg = malloc(len != 0 ? len : 1);
		if (msg == NULL)
			break;
		memcpy(msg, data, len);
		fuzz_one(sw, id, now, msg, len);
		free(msg);
		data += len;
		size -= len;
	}
	sriov_switch_destroy(sw);
	return 0;
}
