/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device's admin command decoder: the first 64 bytes are a descriptor, the
 * rest its indirect buffer. Whatever the decoder accepts is decoded again here
 * and must respect the bounds doc/device-spec.rst gives, both against the spec
 * maxima and against a small device's limits; a command a small device accepts
 * must be accepted by a larger one with the same RSS key size.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "svnic_adminq.h"
#include "svnic_desc.h"
#include "svnic_mbx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static const struct svnic_aq_limits fuzz_small = {
	.total_vfs = 8,
	.total_queue_pairs = 64,
	.max_vports = 16,
	.max_vf_queue_pairs = 4,
	.rss_key_size = 40,
	.rss_table_size = 64,
	.ring_size_max = 1024,
	.vectors = 16,
};

static bool
fuzz_zero(const uint8_t *p, size_t n)
{
	while (n-- > 0)
		if (*p++ != 0)
			return false;
	return true;
}

static bool
fuzz_pow2(uint32_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

static void
fuzz_check_vport(const struct svnic_aq_desc *d, const struct svnic_aq_limits *lim)
{
	struct svnic_aq_vport v;
	uint16_t vid;

	memcpy(&v, d->params, sizeof(v));
	FUZZ_CHECK(v.vport_id < lim->max_vports);
	if (SVNIC_AQ_FUNC_IS_VF(v.func)) {
		FUZZ_CHECK((v.func & ~(SVNIC_AQ_FUNC_VF_FLAG | SVNIC_AQ_FUNC_VF_MASK)) == 0);
		FUZZ_CHECK((v.func & SVNIC_AQ_FUNC_VF_MASK) < lim->total_vfs);
		FUZZ_CHECK(v.nb_queues <= lim->max_vf_queue_pairs);
	} else {
		FUZZ_CHECK(v.func == SVNIC_AQ_FUNC_PF);
	}
	FUZZ_CHECK(v.nb_queues >= 1);
	FUZZ_CHECK((uint32_t)v.queue_base + v.nb_queues <= lim->total_queue_pairs);
	FUZZ_CHECK((v.mac[0] & 1) == 0 && !fuzz_zero(v.mac, 6));
	vid = v.vlan_tci & SVNIC_AQ_VLAN_VID_MASK;
	if (vid == 0)
		FUZZ_CHECK(v.vlan_tci == 0 && v.vlan_proto == 0);
	else
		FUZZ_CHECK(vid <= 4094 && (v.vlan_tci & SVNIC_AQ_VLAN_DEI) == 0 &&
			   (v.vlan_proto == SVNIC_AQ_VLAN_PROTO_8021Q ||
			    v.vlan_proto == SVNIC_AQ_VLAN_PROTO_8021AD));
	FUZZ_CHECK((v.flags & ~SVNIC_AQ_VPORT_F_MASK) == 0);
	FUZZ_CHECK(v.link_state <= SVNIC_AQ_LINK_MAX);
	FUZZ_CHECK((v.rx_mode & ~SVNIC_AQ_RXM_MASK) == 0);
	FUZZ_CHECK(v.mtu >= SVNIC_MTU_MIN && v.mtu <= SVNIC_MTU_MAX);
	FUZZ_CHECK(v.max_tx_rate == 0 || v.min_tx_rate <= v.max_tx_rate);
}

static void
fuzz_check_qcfg(const struct svnic_aq_desc *d, const struct svnic_aq_limits *lim)
{
	struct svnic_aq_queue_cfg q;

	memcpy(&q, d->params, sizeof(q));
	FUZZ_CHECK(q.queue < lim->total_queue_pairs && q.vport_id < lim->max_vports);
	FUZZ_CHECK(q.type <= SVNIC_AQ_QTYPE_TX && q.rsvd == 0);
	if ((q.flags & SVNIC_AQ_QCFG_F_ENABLE) == 0) {
		FUZZ_CHECK(q.flags == 0 && q.ring_size == 0 && q.ring_addr == 0 &&
			   q.head_wb_addr == 0 && q.buf_size == 0 && q.irq_vector == 0);
		return;
	}
	FUZZ_CHECK((q.flags & ~SVNIC_AQ_QCFG_F_MASK) == 0);
	FUZZ_CHECK(fuzz_pow2(q.ring_size) && q.ring_size >= SVNIC_RING_SIZE_MIN &&
		   q.ring_size <= lim->ring_size_max && q.ring_size <= SVNIC_RING_SIZE_MAX);
	FUZZ_CHECK(q.ring_addr != 0 && q.ring_addr % SVNIC_RING_ALIGN == 0);
	/* the whole ring is addressable */
	FUZZ_CHECK(q.ring_addr + (uint64_t)q.ring_size * 16u > q.ring_addr);
	if (q.flags & SVNIC_AQ_QCFG_F_HEAD_WB)
		FUZZ_CHECK(q.head_wb_addr != 0 && q.head_wb_addr % 4 == 0 &&
			   q.head_wb_addr + 4 > q.head_wb_addr);
	else
		FUZZ_CHECK(q.head_wb_addr == 0);
	if (q.flags & SVNIC_AQ_QCFG_F_IRQ)
		FUZZ_CHECK(q.irq_vector < lim->vectors);
	else
		FUZZ_CHECK(q.irq_vector == 0);
	if (q.type == SVNIC_AQ_QTYPE_RX)
		FUZZ_CHECK(q.buf_size >= SVNIC_RX_BUF_MIN && q.buf_size <= SVNIC_RX_BUF_MAX &&
			   q.buf_size % SVNIC_RX_BUF_ALIGN == 0);
	else
		FUZZ_CHECK(q.buf_size == 0 && (q.flags & SVNIC_AQ_QCFG_F_SCATTER) == 0);
}

static void
fuzz_check_rss(const struct svnic_aq_desc *d, const uint8_t *buf,
	       const struct svnic_aq_limits *lim)
{
	struct svnic_aq_rss r;
	uint16_t e;
	uint32_t i;

	memcpy(&r, d->params, sizeof(r));
	FUZZ_CHECK(r.vport_id < lim->max_vports && r.hash_func <= SVNIC_RSS_FUNC_MAX);
	FUZZ_CHECK((r.hash_types & ~SVNIC_RSS_HF_ALL) == 0);
	FUZZ_CHECK(r.key_len == 0 || r.key_len == lim->rss_key_size);
	FUZZ_CHECK(r.key_len <= SVNIC_RSS_KEY_MAX);
	FUZZ_CHECK(r.table_len == 0 || (fuzz_pow2(r.table_len) &&
					r.table_len <= lim->rss_table_size));
	FUZZ_CHECK(d->buf_len == sizeof(struct svnic_aq_rss_buf) + 2u * r.table_len);
	if (buf == NULL)
		return;
	FUZZ_CHECK(fuzz_zero(buf + r.key_len, 64u - r.key_len));
	for (i = 0; i < r.table_len; i++) {
		memcpy(&e, buf + 64 + 2 * i, 2);
		FUZZ_CHECK(e < lim->total_queue_pairs);
	}
}

static void
fuzz_check_params(const struct svnic_aq_desc *d, const uint8_t *buf,
		  const struct svnic_aq_limits *lim)
{
	struct svnic_aq_vf_cfg c;
	struct svnic_aq_mac_filter m;
	struct svnic_aq_vlan_filter vl;
	struct svnic_aq_stats_req s;
	struct svnic_mbx_hdr h;
	uint16_t id16;

	memcpy(&id16, d->params, 2);
	switch (d->opcode) {
	case SVNIC_AQ_OP_IDENTIFY:
		FUZZ_CHECK(fuzz_zero(d->params, 32) && d->buf_len >= 128);
		break;
	case SVNIC_AQ_OP_VPORT_CREATE:
	case SVNIC_AQ_OP_VPORT_MODIFY:
		fuzz_check_vport(d, lim);
		break;
	case SVNIC_AQ_OP_VPORT_DELETE:
		FUZZ_CHECK(id16 < lim->max_vports && fuzz_zero(d->params + 2, 30));
		break;
	case SVNIC_AQ_OP_QUEUE_CONFIG:
		fuzz_check_qcfg(d, lim);
		break;
	case SVNIC_AQ_OP_MAC_FILTER_ADD:
	case SVNIC_AQ_OP_MAC_FILTER_DEL:
		memcpy(&m, d->params, sizeof(m));
		FUZZ_CHECK(m.vport_id < lim->max_vports && !fuzz_zero(m.mac, 6));
		FUZZ_CHECK(fuzz_zero(m.rsvd, sizeof(m.rsvd)));
		FUZZ_CHECK((m.mac[0] & m.mac[1] & m.mac[2] & m.mac[3] & m.mac[4] & m.mac[5]) !=
			   0xff);
		break;
	case SVNIC_AQ_OP_VLAN_FILTER_ADD:
	case SVNIC_AQ_OP_VLAN_FILTER_DEL:
		memcpy(&vl, d->params, sizeof(vl));
		FUZZ_CHECK(vl.vport_id < lim->max_vports && vl.vlan_id >= 1 &&
			   vl.vlan_id <= 4094 && fuzz_zero(vl.rsvd, sizeof(vl.rsvd)));
		break;
	case SVNIC_AQ_OP_RSS_CONFIG:
		fuzz_check_rss(d, buf, lim);
		break;
	case SVNIC_AQ_OP_GET_STATS:
		memcpy(&s, d->params, sizeof(s));
		FUZZ_CHECK(s.scope <= SVNIC_AQ_STATS_TXQ);
		if (s.scope == SVNIC_AQ_STATS_VPORT)
			FUZZ_CHECK(s.id < lim->max_vports && d->buf_len >= 128);
		else
			FUZZ_CHECK(s.id < lim->total_queue_pairs && d->buf_len >= 32);
		break;
	case SVNIC_AQ_OP_VF_CONFIG_READ:
	case SVNIC_AQ_OP_VF_CONFIG_WRITE:
		memcpy(&c, d->params, sizeof(c));
		FUZZ_CHECK(c.vf_id < lim->total_vfs && c.offset < SVNIC_AQ_VF_CFG_SIZE);
		FUZZ_CHECK((c.len == 1 || c.len == 2 || c.len == 4) &&
			   (c.offset % 4u) + c.len <= 4u);
		if (d->opcode == SVNIC_AQ_OP_VF_CONFIG_READ)
			FUZZ_CHECK(c.value == 0);
		else if (c.len < 4)
			FUZZ_CHECK(c.value < (1u << (8u * c.len)));
		break;
	case SVNIC_AQ_OP_MBX_SEND:
		FUZZ_CHECK(id16 < lim->total_vfs);
		FUZZ_CHECK(d->buf_len >= sizeof(h) && d->buf_len <= SVNIC_MBX_MSG_MAX);
		if (buf != NULL) {
			memcpy(&h, buf, sizeof(h));
			FUZZ_CHECK(sizeof(h) + h.len == d->buf_len);
		}
		break;
	case SVNIC_AQ_OP_VF_RESET:
	case SVNIC_AQ_OP_MBX_RECV:
		FUZZ_CHECK(id16 < lim->total_vfs && fuzz_zero(d->params + 2, 30));
		break;
	default:
		__builtin_trap();
	}
}

static void
fuzz_check_accepted(const struct svnic_aq_desc *d, const uint8_t *buf,
		    const struct svnic_aq_limits *lim)
{
	bool has_buf = (d->flags & SVNIC_AQ_F_BUF) != 0;

	FUZZ_CHECK(d->opcode >= 1 && d->opcode <= SVNIC_AQ_OP_MAX);
	FUZZ_CHECK(strcmp(svnic_aq_op_name(d->opcode), "UNKNOWN") != 0);
	FUZZ_CHECK((d->flags & ~SVNIC_AQ_F_DRV_MASK) == 0);
	FUZZ_CHECK(d->status == 0 && d->rsvd == 0 && d->ret_val == 0);
	if (has_buf) {
		FUZZ_CHECK(d->buf_addr != 0 && d->buf_addr % SVNIC_AQ_BUF_ALIGN == 0);
		FUZZ_CHECK(d->buf_len >= 1 && d->buf_len <= SVNIC_AQ_BUF_MAX);
		FUZZ_CHECK(d->buf_addr + d->buf_len >= d->buf_addr);
	} else {
		FUZZ_CHECK(d->buf_addr == 0 && d->buf_len == 0 &&
			   (d->flags & SVNIC_AQ_F_BUF_WR) == 0);
	}
	fuzz_check_params(d, (d->flags & SVNIC_AQ_F_BUF_WR) ? NULL : buf, lim);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svnic_aq_limits max;
	struct svnic_aq_desc d;
	uint8_t *buf = NULL;
	size_t blen = 0;
	int ret_small, ret_max;

	if (size < sizeof(d))
		return 0;
	memcpy(&d, data, sizeof(d));
	/* an exact-size copy of the buffer, so any read past it is caught */
	if (size - sizeof(d) >= d.buf_len && d.buf_len != 0) {
		blen = d.buf_len;
		buf = malloc(blen);
		if (buf == NULL)
			return 0;
		memcpy(buf, data + sizeof(d), blen);
	}
	svnic_aq_limits_default(&max);
	ret_max = svnic_adminq_validate(&d, buf, blen, NULL);
	if (ret_max == 0)
		fuzz_check_accepted(&d, buf, &max);
	ret_small = svnic_adminq_validate(&d, buf, blen, &fuzz_small);
	if (ret_small == 0) {
		fuzz_check_accepted(&d, buf, &fuzz_small);
		/* larger in everything but the RSS key, whose size is exact */
		max.rss_key_size = fuzz_small.rss_key_size;
		FUZZ_CHECK(svnic_adminq_validate(&d, buf, blen, &max) == 0);
	}
	/* the device converts every result to a status the driver understands */
	FUZZ_CHECK(svnic_aq_status_to_errno(svnic_aq_errno_to_status(ret_max)) == ret_max);
	/* the descriptor alone never fails where descriptor and buffer pass */
	if (ret_max == 0)
		FUZZ_CHECK(svnic_adminq_validate(&d, NULL, 0, NULL) == 0);
	(void)svnic_aq_status_name(d.status);
	free(buf);
	return 0;
}
