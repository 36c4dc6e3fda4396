/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The admin command decoder: header, buffer rules, every opcode's parameters,
 * limits, status codes, and the wire layouts the spec's tables give.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "svnic_adminq.h"
#include "svnic_desc.h"
#include "svnic_mbx.h"
#include "svnic_regs.h"
#include "svnic_stats.h"
#include "unit.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define BUF_IOVA 0x100000ull

static const uint8_t mac_uc[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t mac_mc[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

static struct svnic_aq_desc d;
static uint8_t buf[SVNIC_AQ_BUF_MAX];
static size_t buf_len;

static int
v(void)
{
	return svnic_adminq_validate(&d, buf_len != 0 ? buf : NULL, buf_len, NULL);
}

static void
build(uint16_t op, uint16_t flags, const void *params, size_t plen, uint32_t blen)
{
	CU_ASSERT_FATAL(svnic_aq_build(&d, op, flags, 0x1234, params, plen,
				       blen != 0 ? BUF_IOVA : 0, blen) == 0);
	buf_len = 0;
}

static void
valid_vport(struct svnic_aq_vport *p)
{
	memset(p, 0, sizeof(*p));
	p->vport_id = 3;
	p->func = SVNIC_AQ_FUNC_VF(2);
	p->queue_base = 64;
	p->nb_queues = 4;
	memcpy(p->mac, mac_uc, 6);
	p->flags = SVNIC_AQ_VPORT_F_SPOOFCHK;
	p->mtu = 1500;
}

static void
valid_qcfg(struct svnic_aq_queue_cfg *q, uint8_t type)
{
	memset(q, 0, sizeof(*q));
	q->queue = 65;
	q->type = type;
	q->flags = SVNIC_AQ_QCFG_F_ENABLE;
	q->vport_id = 3;
	q->ring_size = 512;
	q->ring_addr = 0x200040;
	q->buf_size = type == SVNIC_AQ_QTYPE_RX ? 2048 : 0;
}

/* RSS_CONFIG with a key, a table of @p n entries and its buffer in buf. */
static void
valid_rss(struct svnic_aq_rss *r, uint16_t n)
{
	struct svnic_aq_rss_buf *b = (struct svnic_aq_rss_buf *)buf;
	uint16_t i;

	memset(r, 0, sizeof(*r));
	r->vport_id = 3;
	r->hash_func = SVNIC_RSS_FUNC_TOEPLITZ;
	r->key_len = SVNIC_RSS_KEY_MAX;
	r->table_len = n;
	r->hash_types = SVNIC_RSS_HF_IPV4 | SVNIC_RSS_HF_IPV6_TCP;
	build(SVNIC_AQ_OP_RSS_CONFIG, SVNIC_AQ_F_BUF, r, sizeof(*r), sizeof(*b) + 2u * n);
	memset(buf, 0, sizeof(buf));
	memset(b->key, 0x6d, SVNIC_RSS_KEY_MAX);
	for (i = 0; i < n; i++) {
		uint16_t e = i % 4;

		memcpy(buf + sizeof(*b) + 2u * i, &e, 2);
	}
	buf_len = sizeof(*b) + 2u * n;
}

/* A framed PF-to-VF mailbox message with @p plen payload bytes. */
static void
valid_mbx_send(uint16_t plen)
{
	struct svnic_aq_vf vf = { .vf_id = 7 };
	uint8_t payload[SVNIC_MBX_PAYLOAD_MAX] = { 0 };
	size_t n;

	build(SVNIC_AQ_OP_MBX_SEND, SVNIC_AQ_F_BUF, &vf, sizeof(vf),
	      (uint32_t)sizeof(struct svnic_mbx_hdr) + plen);
	n = svnic_mbx_build(buf, sizeof(buf), SVNIC_MBX_OP_LINK_EVENT, SVNIC_MBX_F_NOTICE, 0, 0,
			    payload, plen);
	CU_ASSERT_FATAL(n == sizeof(struct svnic_mbx_hdr) + plen);
	buf_len = n;
}

/* Fill d (and buf) with a valid command of every opcode in turn. */
static void
valid_cmd(uint16_t op)
{
	struct svnic_aq_vport vp;
	struct svnic_aq_vport_id vid = { .vport_id = 3 };
	struct svnic_aq_queue_cfg q;
	struct svnic_aq_mac_filter m = { .vport_id = 3 };
	struct svnic_aq_vlan_filter vl = { .vport_id = 3, .vlan_id = 100 };
	struct svnic_aq_rss r;
	struct svnic_aq_stats_req s = { .scope = SVNIC_AQ_STATS_VPORT, .id = 3 };
	struct svnic_aq_vf vf = { .vf_id = 7 };
	struct svnic_aq_vf_cfg c = { .vf_id = 7, .offset = 0x4, .len = 2 };

	switch (op) {
	case SVNIC_AQ_OP_IDENTIFY:
		build(op, SVNIC_AQ_F_BUF | SVNIC_AQ_F_BUF_WR, NULL, 0,
		      sizeof(struct svnic_aq_identify));
		break;
	case SVNIC_AQ_OP_VPORT_CREATE:
	case SVNIC_AQ_OP_VPORT_MODIFY:
		valid_vport(&vp);
		build(op, 0, &vp, sizeof(vp), 0);
		break;
	case SVNIC_AQ_OP_VPORT_DELETE:
		build(op, SVNIC_AQ_F_IRQ, &vid, sizeof(vid), 0);
		break;
	case SVNIC_AQ_OP_QUEUE_CONFIG:
		valid_qcfg(&q, SVNIC_AQ_QTYPE_RX);
		build(op, 0, &q, sizeof(q), 0);
		break;
	case SVNIC_AQ_OP_MAC_FILTER_ADD:
	case SVNIC_AQ_OP_MAC_FILTER_DEL:
		memcpy(m.mac, mac_mc, 6);
		build(op, 0, &m, sizeof(m), 0);
		break;
	case SVNIC_AQ_OP_VLAN_FILTER_ADD:
	case SVNIC_AQ_OP_VLAN_FILTER_DEL:
		build(op, 0, &vl, sizeof(vl), 0);
		break;
	case SVNIC_AQ_OP_RSS_CONFIG:
		valid_rss(&r, 64);
		break;
	case SVNIC_AQ_OP_GET_STATS:
		build(op, SVNIC_AQ_F_BUF | SVNIC_AQ_F_BUF_WR, &s, sizeof(s),
		      sizeof(struct svnic_aq_vport_stats));
		break;
	case SVNIC_AQ_OP_VF_RESET:
		build(op, 0, &vf, sizeof(vf), 0);
		break;
	case SVNIC_AQ_OP_VF_CONFIG_READ:
		build(op, 0, &c, sizeof(c), 0);
		break;
	case SVNIC_AQ_OP_VF_CONFIG_WRITE:
		c.value = 0x0406;
		build(op, 0, &c, sizeof(c), 0);
		break;
	case SVNIC_AQ_OP_MBX_SEND:
		valid_mbx_send(sizeof(struct svnic_mbx_link));
		break;
	case SVNIC_AQ_OP_MBX_RECV:
		build(op, SVNIC_AQ_F_BUF | SVNIC_AQ_F_BUF_WR, &vf, sizeof(vf), SVNIC_MBX_MSG_MAX);
		break;
	default:
		CU_FAIL_FATAL("no valid form for opcode");
	}
}

static bool
op_has_buf(uint16_t op)
{
	return op == SVNIC_AQ_OP_IDENTIFY || op == SVNIC_AQ_OP_RSS_CONFIG ||
	       op == SVNIC_AQ_OP_GET_STATS || op == SVNIC_AQ_OP_MBX_SEND ||
	       op == SVNIC_AQ_OP_MBX_RECV;
}

static bool
op_dev_writes(uint16_t op)
{
	return op == SVNIC_AQ_OP_IDENTIFY || op == SVNIC_AQ_OP_GET_STATS ||
	       op == SVNIC_AQ_OP_MBX_RECV;
}

/* --- negative: the header --- */

static void
test_null_and_unknown_opcode(void)
{
	static const uint16_t ops[] = { 0, SVNIC_AQ_OP_MAX + 1, 0x80, 0x100, 0xffff };
	unsigned int i;

	CU_ASSERT_EQUAL(svnic_adminq_validate(NULL, NULL, 0, NULL), -EINVAL);
	for (i = 0; i < NELEM(ops); i++) {
		build(ops[i], 0, NULL, 0, 0);
		CU_ASSERT_EQUAL(v(), -EOPNOTSUPP);
		/* judged before anything else in the descriptor */
		d.status = 5;
		CU_ASSERT_EQUAL(v(), -EOPNOTSUPP);
	}
}

static void
test_device_flags_and_reserved(void)
{
	static const uint16_t bad_flags[] = {
		SVNIC_AQ_F_DONE, SVNIC_AQ_F_ERR, 0x0020, 0x0100, 0x8000,
	};
	uint16_t op;
	unsigned int i;

	for (op = 1; op <= SVNIC_AQ_OP_MAX; op++) {
		valid_cmd(op);
		for (i = 0; i < NELEM(bad_flags); i++) {
			valid_cmd(op);
			d.flags |= bad_flags[i];
			CU_ASSERT_EQUAL(v(), -EINVAL);
		}
		valid_cmd(op);
		d.status = SVNIC_AQ_ST_EBUSY;
		CU_ASSERT_EQUAL(v(), -EINVAL);
		valid_cmd(op);
		d.rsvd = 1;
		CU_ASSERT_EQUAL(v(), -EINVAL);
		valid_cmd(op);
		d.ret_val = 1;
		CU_ASSERT_EQUAL(v(), -EINVAL);
		/* the cookie is the driver's: anything goes */
		valid_cmd(op);
		d.cookie = ~0ull;
		CU_ASSERT_EQUAL(v(), 0);
	}
}

/* --- negative: buffer presence, direction, address, length --- */

static void
test_buffer_rules(void)
{
	uint16_t op;

	for (op = 1; op <= SVNIC_AQ_OP_MAX; op++) {
		valid_cmd(op);
		if (!op_has_buf(op)) {
			d.flags |= SVNIC_AQ_F_BUF;
			d.buf_addr = BUF_IOVA;
			d.buf_len = 64;
			CU_ASSERT_EQUAL(v(), -EMSGSIZE);
			valid_cmd(op);
			d.buf_addr = BUF_IOVA;
			CU_ASSERT_EQUAL(v(), -EINVAL);
			valid_cmd(op);
			d.buf_len = 8;
			CU_ASSERT_EQUAL(v(), -EINVAL);
			valid_cmd(op);
			d.flags |= SVNIC_AQ_F_BUF_WR;
			CU_ASSERT_EQUAL(v(), -EINVAL);
			continue;
		}
		d.flags &= (uint16_t)~SVNIC_AQ_F_BUF;
		CU_ASSERT_EQUAL(v(), op_dev_writes(op) ? -EINVAL : -EMSGSIZE);
		d.flags &= (uint16_t)~SVNIC_AQ_F_BUF_WR;
		CU_ASSERT_EQUAL(v(), -EMSGSIZE);
		/* wrong direction */
		valid_cmd(op);
		d.flags ^= SVNIC_AQ_F_BUF_WR;
		CU_ASSERT_EQUAL(v(), -EINVAL);
		valid_cmd(op);
		d.buf_addr = 0;
		CU_ASSERT_EQUAL(v(), -EINVAL);
		valid_cmd(op);
		d.buf_addr = BUF_IOVA + 4;
		CU_ASSERT_EQUAL(v(), -EINVAL);
		valid_cmd(op);
		d.buf_addr = UINT64_MAX - 7;
		CU_ASSERT_EQUAL(v(), -EINVAL);
		valid_cmd(op);
		d.buf_len = 0;
		CU_ASSERT_EQUAL(v(), -EMSGSIZE);
		valid_cmd(op);
		d.buf_len = SVNIC_AQ_BUF_MAX + 1;
		CU_ASSERT_EQUAL(v(), -EMSGSIZE);
	}
	/* output buffers shorter than what the device writes */
	valid_cmd(SVNIC_AQ_OP_IDENTIFY);
	d.buf_len = sizeof(struct svnic_aq_identify) - 1;
	CU_ASSERT_EQUAL(v(), -EMSGSIZE);
	valid_cmd(SVNIC_AQ_OP_GET_STATS);
	d.buf_len = sizeof(struct svnic_aq_vport_stats) - 8;
	CU_ASSERT_EQUAL(v(), -EMSGSIZE);
	valid_cmd(SVNIC_AQ_OP_MBX_RECV);
	d.buf_len = sizeof(struct svnic_mbx_hdr) - 1;
	CU_ASSERT_EQUAL(v(), -EMSGSIZE);
	/* the bytes handed over must be the buffer's length */
	valid_cmd(SVNIC_AQ_OP_RSS_CONFIG);
	CU_ASSERT_EQUAL(svnic_adminq_validate(&d, buf, buf_len - 1, NULL), -EMSGSIZE);
	CU_ASSERT_EQUAL(svnic_adminq_validate(&d, buf, buf_len + 1, NULL), -EMSGSIZE);
	/* a written buffer's old content is not looked at */
	valid_cmd(SVNIC_AQ_OP_IDENTIFY);
	memset(buf, 0xff, sizeof(buf));
	CU_ASSERT_EQUAL(svnic_adminq_validate(&d, buf, 3, NULL), 0);
}

/* --- negative: every opcode's parameters --- */

static void
test_bad_identify(void)
{
	valid_cmd(SVNIC_AQ_OP_IDENTIFY);
	d.params[31] = 1;
	CU_ASSERT_EQUAL(v(), -EINVAL);
}

static void
test_bad_vport(void)
{
	static const uint16_t ops[] = { SVNIC_AQ_OP_VPORT_CREATE, SVNIC_AQ_OP_VPORT_MODIFY };
	struct svnic_aq_vport p;
	unsigned int i;

#define VPORT_CASE(stmt, err) do {					\
		valid_vport(&p);					\
		stmt;							\
		build(ops[i], 0, &p, sizeof(p), 0);			\
		CU_ASSERT_EQUAL(v(), err);				\
	} while (0)

	for (i = 0; i < NELEM(ops); i++) {
		VPORT_CASE(p.func = 0x0100 | SVNIC_AQ_FUNC_VF_FLAG, -EINVAL);
		VPORT_CASE(p.func = 0x0001, -EINVAL);
		VPORT_CASE(p.func = SVNIC_AQ_FUNC_VF(255), 0);
		VPORT_CASE(memset(p.mac, 0, 6), -EINVAL);
		VPORT_CASE(memcpy(p.mac, mac_mc, 6), -EINVAL);
		VPORT_CASE(memset(p.mac, 0xff, 6), -EINVAL);
		VPORT_CASE(p.vlan_tci = 100, -EINVAL);		/* no TPID */
		VPORT_CASE(p.vlan_proto = SVNIC_AQ_VLAN_PROTO_8021Q, -EINVAL);	/* no VID */
		VPORT_CASE(p.vlan_tci = 5 << SVNIC_AQ_VLAN_PCP_SHIFT, -EINVAL);	/* PCP, VID 0 */
		VPORT_CASE((p.vlan_tci = 4095, p.vlan_proto = SVNIC_AQ_VLAN_PROTO_8021Q),
			   -EINVAL);
		VPORT_CASE((p.vlan_tci = 100 | SVNIC_AQ_VLAN_DEI,
			    p.vlan_proto = SVNIC_AQ_VLAN_PROTO_8021Q), -EINVAL);
		VPORT_CASE((p.vlan_tci = 100, p.vlan_proto = 0x9100), -EINVAL);
		VPORT_CASE(p.flags = 0x0010, -EINVAL);
		VPORT_CASE(p.link_state = SVNIC_AQ_LINK_MAX + 1, -EINVAL);
		VPORT_CASE(p.rx_mode = 0x08, -EINVAL);
		VPORT_CASE(p.mtu = SVNIC_MTU_MIN - 1, -EINVAL);
		VPORT_CASE(p.mtu = SVNIC_MTU_MAX + 1, -EINVAL);
		VPORT_CASE(p.nb_queues = 0, -EINVAL);
		VPORT_CASE((p.max_tx_rate = 100, p.min_tx_rate = 101), -EINVAL);
		VPORT_CASE(p.vport_id = SVNIC_VPORTS_MAX, -ERANGE);
		VPORT_CASE(p.nb_queues = SVNIC_VF_QP_MAX + 1, -ERANGE);
		VPORT_CASE((p.queue_base = SVNIC_QP_MAX - 3), -ERANGE);
		VPORT_CASE((p.queue_base = 0xffff, p.nb_queues = 2), -ERANGE);
	}
#undef VPORT_CASE
}

static void
test_bad_vport_delete(void)
{
	struct svnic_aq_vport_id p = { .vport_id = 1 };

	p.rsvd[29] = 1;
	build(SVNIC_AQ_OP_VPORT_DELETE, 0, &p, sizeof(p), 0);
	CU_ASSERT_EQUAL(v(), -EINVAL);
	memset(&p, 0, sizeof(p));
	p.vport_id = SVNIC_VPORTS_MAX;
	build(SVNIC_AQ_OP_VPORT_DELETE, 0, &p, sizeof(p), 0);
	CU_ASSERT_EQUAL(v(), -ERANGE);
}

static void
test_bad_queue_config(void)
{
	struct svnic_aq_queue_cfg q;
	uint8_t t;

#define QCFG_CASE(type, stmt, err) do {					\
		valid_qcfg(&q, type);					\
		stmt;							\
		build(SVNIC_AQ_OP_QUEUE_CONFIG, 0, &q, sizeof(q), 0);	\
		CU_ASSERT_EQUAL(v(), err);				\
	} while (0)

	for (t = SVNIC_AQ_QTYPE_RX; t <= SVNIC_AQ_QTYPE_TX; t++) {
		QCFG_CASE(t, q.type = 2, -EINVAL);
		QCFG_CASE(t, q.flags |= 0x10, -EINVAL);
		QCFG_CASE(t, q.rsvd = 1, -EINVAL);
		QCFG_CASE(t, q.ring_size = 0, -EINVAL);
		QCFG_CASE(t, q.ring_size = 500, -EINVAL);
		QCFG_CASE(t, q.ring_size = SVNIC_RING_SIZE_MIN / 2, -EINVAL);
		QCFG_CASE(t, q.ring_size = 16384, -ERANGE);
		QCFG_CASE(t, q.ring_addr = 0, -EINVAL);
		QCFG_CASE(t, q.ring_addr = 0x200020, -EINVAL);
		QCFG_CASE(t, q.ring_addr = UINT64_MAX - 63, -EINVAL);
		QCFG_CASE(t, q.head_wb_addr = 0x3000, -EINVAL);	/* without F_HEAD_WB */
		QCFG_CASE(t, q.flags |= SVNIC_AQ_QCFG_F_HEAD_WB, -EINVAL);
		QCFG_CASE(t, (q.flags |= SVNIC_AQ_QCFG_F_HEAD_WB, q.head_wb_addr = 0x3002),
			  -EINVAL);
		QCFG_CASE(t, q.irq_vector = 1, -EINVAL);	/* without F_IRQ */
		QCFG_CASE(t, (q.flags |= SVNIC_AQ_QCFG_F_IRQ, q.irq_vector = SVNIC_PF_MSIX_MAX),
			  -ERANGE);
		QCFG_CASE(t, q.queue = SVNIC_QP_MAX, -ERANGE);
		QCFG_CASE(t, q.vport_id = SVNIC_VPORTS_MAX, -ERANGE);
		/* disabling carries nothing but the queue */
		QCFG_CASE(t, (q.flags = 0), -EINVAL);
		QCFG_CASE(t, (q.flags = SVNIC_AQ_QCFG_F_IRQ, q.ring_size = 0, q.ring_addr = 0,
			      q.buf_size = 0), -EINVAL);
		QCFG_CASE(t, (q.flags = 0, q.ring_size = 0, q.ring_addr = 0, q.buf_size = 0,
			      q.queue = SVNIC_QP_MAX), -ERANGE);
	}
	QCFG_CASE(SVNIC_AQ_QTYPE_RX, q.buf_size = 0, -EINVAL);
	QCFG_CASE(SVNIC_AQ_QTYPE_RX, q.buf_size = SVNIC_RX_BUF_MIN - SVNIC_RX_BUF_ALIGN,
		  -EINVAL);
	QCFG_CASE(SVNIC_AQ_QTYPE_RX, q.buf_size = SVNIC_RX_BUF_MAX + SVNIC_RX_BUF_ALIGN,
		  -EINVAL);
	QCFG_CASE(SVNIC_AQ_QTYPE_RX, q.buf_size = 2000, -EINVAL);
	QCFG_CASE(SVNIC_AQ_QTYPE_TX, q.buf_size = 2048, -EINVAL);
	QCFG_CASE(SVNIC_AQ_QTYPE_TX, q.flags |= SVNIC_AQ_QCFG_F_SCATTER, -EINVAL);
#undef QCFG_CASE
}

static void
test_bad_filters(void)
{
	static const uint16_t mac_ops[] = {
		SVNIC_AQ_OP_MAC_FILTER_ADD, SVNIC_AQ_OP_MAC_FILTER_DEL,
	};
	static const uint16_t vlan_ops[] = {
		SVNIC_AQ_OP_VLAN_FILTER_ADD, SVNIC_AQ_OP_VLAN_FILTER_DEL,
	};
	struct svnic_aq_mac_filter m;
	struct svnic_aq_vlan_filter vl;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		memset(&m, 0, sizeof(m));
		build(mac_ops[i], 0, &m, sizeof(m), 0);
		CU_ASSERT_EQUAL(v(), -EINVAL);
		memset(m.mac, 0xff, 6);
		build(mac_ops[i], 0, &m, sizeof(m), 0);
		CU_ASSERT_EQUAL(v(), -EINVAL);
		memcpy(m.mac, mac_uc, 6);
		m.rsvd[23] = 1;
		build(mac_ops[i], 0, &m, sizeof(m), 0);
		CU_ASSERT_EQUAL(v(), -EINVAL);
		m.rsvd[23] = 0;
		m.vport_id = SVNIC_VPORTS_MAX;
		build(mac_ops[i], 0, &m, sizeof(m), 0);
		CU_ASSERT_EQUAL(v(), -ERANGE);

		memset(&vl, 0, sizeof(vl));
		build(vlan_ops[i], 0, &vl, sizeof(vl), 0);
		CU_ASSERT_EQUAL(v(), -EINVAL);
		vl.vlan_id = 4095;
		build(vlan_ops[i], 0, &vl, sizeof(vl), 0);
		CU_ASSERT_EQUAL(v(), -EINVAL);
		vl.vlan_id = 10;
		vl.rsvd[0] = 1;
		build(vlan_ops[i], 0, &vl, sizeof(vl), 0);
		CU_ASSERT_EQUAL(v(), -EINVAL);
		vl.rsvd[0] = 0;
		vl.vport_id = SVNIC_VPORTS_MAX;
		build(vlan_ops[i], 0, &vl, sizeof(vl), 0);
		CU_ASSERT_EQUAL(v(), -ERANGE);
	}
}

static void
test_bad_rss(void)
{
	struct svnic_aq_rss r;
	struct svnic_aq_limits lim;
	uint16_t big = SVNIC_QP_MAX;

#define RSS_CASE(stmt, err) do {					\
		valid_rss(&r, 64);					\
		stmt;							\
		memcpy(d.params, &r, sizeof(r));			\
		CU_ASSERT_EQUAL(v(), err);				\
	} while (0)

	RSS_CASE(r.hash_func = SVNIC_RSS_FUNC_MAX + 1, -EINVAL);
	RSS_CASE(r.hash_types = 1ull << 6, -EINVAL);
	RSS_CASE(r.rsvd0 = 1, -EINVAL);
	RSS_CASE(r.rsvd1[15] = 1, -EINVAL);
	RSS_CASE(r.key_len = SVNIC_RSS_KEY_MAX + 1, -EINVAL);
	RSS_CASE(r.table_len = 48, -EINVAL);
	RSS_CASE(r.table_len = SVNIC_RSS_TABLE_MAX * 2, -EINVAL);
	/* buffer length follows table_len */
	RSS_CASE(r.table_len = 32, -EMSGSIZE);
	RSS_CASE(r.vport_id = SVNIC_VPORTS_MAX, -ERANGE);
	/* buffer content */
	RSS_CASE(buf[SVNIC_RSS_KEY_MAX + 3] = 1, -EINVAL);
	/* a 40-byte key: bytes 40..51 of the buffer are reserved */
	valid_rss(&r, 64);
	r.key_len = 40;
	memcpy(d.params, &r, sizeof(r));
	svnic_aq_limits_default(&lim);
	lim.rss_key_size = 40;
	memset(buf + 40, 0, SVNIC_RSS_KEY_MAX - 40);
	CU_ASSERT_EQUAL(svnic_adminq_validate(&d, buf, buf_len, &lim), 0);
	buf[SVNIC_RSS_KEY_MAX - 1] = 1;
	CU_ASSERT_EQUAL(svnic_adminq_validate(&d, buf, buf_len, &lim), -EINVAL);
	RSS_CASE(memcpy(buf + sizeof(struct svnic_aq_rss_buf) + 2 * 63, &big, 2), -ERANGE);
	/* a key that is not the device's size */
	valid_rss(&r, 64);
	svnic_aq_limits_default(&lim);
	lim.rss_key_size = 40;
	CU_ASSERT_EQUAL(svnic_adminq_validate(&d, buf, buf_len, &lim), -ERANGE);
	lim.rss_key_size = SVNIC_RSS_KEY_MAX;
	lim.rss_table_size = 32;
	CU_ASSERT_EQUAL(svnic_adminq_validate(&d, buf, buf_len, &lim), -ERANGE);
	lim.rss_table_size = 64;
	lim.total_queue_pairs = 3;
	CU_ASSERT_EQUAL(svnic_adminq_validate(&d, buf, buf_len, &lim), -ERANGE);
#undef RSS_CASE
}

static void
test_bad_stats(void)
{
	struct svnic_aq_stats_req s = { .scope = SVNIC_AQ_STATS_TXQ + 1 };
	const uint16_t f = SVNIC_AQ_F_BUF | SVNIC_AQ_F_BUF_WR;

	build(SVNIC_AQ_OP_GET_STATS, f, &s, sizeof(s), 128);
	CU_ASSERT_EQUAL(v(), -EINVAL);
	s.scope = SVNIC_AQ_STATS_RXQ;
	s.rsvd0 = 1;
	build(SVNIC_AQ_OP_GET_STATS, f, &s, sizeof(s), 128);
	CU_ASSERT_EQUAL(v(), -EINVAL);
	s.rsvd0 = 0;
	s.rsvd1[27] = 1;
	build(SVNIC_AQ_OP_GET_STATS, f, &s, sizeof(s), 128);
	CU_ASSERT_EQUAL(v(), -EINVAL);
	s.rsvd1[27] = 0;
	s.id = SVNIC_QP_MAX;
	build(SVNIC_AQ_OP_GET_STATS, f, &s, sizeof(s), 128);
	CU_ASSERT_EQUAL(v(), -ERANGE);
	s.scope = SVNIC_AQ_STATS_VPORT;
	s.id = SVNIC_VPORTS_MAX;
	build(SVNIC_AQ_OP_GET_STATS, f, &s, sizeof(s), 128);
	CU_ASSERT_EQUAL(v(), -ERANGE);
	/* a queue's counters fit 32 bytes, a VPort's do not */
	s.id = 0;
	build(SVNIC_AQ_OP_GET_STATS, f, &s, sizeof(s), sizeof(struct svnic_aq_queue_stats));
	CU_ASSERT_EQUAL(v(), -EMSGSIZE);
}

static void
test_bad_vf_commands(void)
{
	static const uint16_t ops[] = {
		SVNIC_AQ_OP_VF_RESET, SVNIC_AQ_OP_MBX_SEND, SVNIC_AQ_OP_MBX_RECV,
	};
	unsigned int i;

	for (i = 0; i < NELEM(ops); i++) {
		valid_cmd(ops[i]);
		d.params[31] = 1;
		CU_ASSERT_EQUAL(v(), -EINVAL);
		valid_cmd(ops[i]);
		d.params[0] = 0;
		d.params[1] = 1;	/* vf_id 256 */
		CU_ASSERT_EQUAL(v(), -ERANGE);
	}
}

static void
test_bad_vf_config(void)
{
	static const uint16_t ops[] = {
		SVNIC_AQ_OP_VF_CONFIG_READ, SVNIC_AQ_OP_VF_CONFIG_WRITE,
	};
	struct svnic_aq_vf_cfg c;
	unsigned int i;

#define CFG_CASE(stmt, err) do {					\
		memset(&c, 0, sizeof(c));				\
		c.vf_id = 1;						\
		c.offset = 0x40;					\
		c.len = 4;						\
		stmt;							\
		build(ops[i], 0, &c, sizeof(c), 0);			\
		CU_ASSERT_EQUAL(v(), err);				\
	} while (0)

	for (i = 0; i < NELEM(ops); i++) {
		CFG_CASE(c.len = 0, -EINVAL);
		CFG_CASE(c.len = 3, -EINVAL);
		CFG_CASE(c.len = 8, -EINVAL);
		CFG_CASE(c.offset = 0x42, -EINVAL);		/* crosses a dword */
		CFG_CASE((c.offset = 0x43, c.len = 2), -EINVAL);
		CFG_CASE(c.offset = SVNIC_AQ_VF_CFG_SIZE, -EINVAL);
		CFG_CASE(c.rsvd0[2] = 1, -EINVAL);
		CFG_CASE(c.rsvd1[19] = 1, -EINVAL);
		CFG_CASE(c.vf_id = SVNIC_TOTAL_VFS_MAX, -ERANGE);
		CFG_CASE((c.offset = 0xffc), 0);
	}
	i = 0;	/* READ carries no value */
	CFG_CASE(c.value = 1, -EINVAL);
	i = 1;	/* WRITE carries nothing past its length */
	CFG_CASE((c.len = 1, c.value = 0x100), -EINVAL);
	CFG_CASE((c.len = 2, c.offset = 0x42, c.value = 0x10000), -EINVAL);
	CFG_CASE((c.len = 2, c.offset = 0x42, c.value = 0xffff), 0);
	CFG_CASE(c.value = 0xffffffff, 0);
#undef CFG_CASE
}

static void
test_bad_mbx_send(void)
{
	struct svnic_mbx_hdr *h = (struct svnic_mbx_hdr *)buf;

	valid_mbx_send(8);
	h->len = 7;
	CU_ASSERT_EQUAL(v(), -EMSGSIZE);
	valid_mbx_send(8);
	h->version = SVNIC_MBX_VERSION(2, 0);
	CU_ASSERT_EQUAL(v(), -EINVAL);
	valid_mbx_send(8);
	h->flags = 0;
	CU_ASSERT_EQUAL(v(), -EINVAL);
	valid_mbx_send(8);
	h->flags = SVNIC_MBX_F_MASK;
	CU_ASSERT_EQUAL(v(), -EINVAL);
	valid_mbx_send(SVNIC_MBX_PAYLOAD_MAX);
	CU_ASSERT_EQUAL(v(), 0);
	d.buf_len = SVNIC_MBX_MSG_MAX + 8;
	CU_ASSERT_EQUAL(svnic_adminq_validate(&d, NULL, 0, NULL), -EMSGSIZE);
	valid_mbx_send(0);
	d.buf_len = sizeof(struct svnic_mbx_hdr) - 8;
	CU_ASSERT_EQUAL(svnic_adminq_validate(&d, NULL, 0, NULL), -EMSGSIZE);
}

static void
test_limits(void)
{
	struct svnic_aq_limits lim;
	struct svnic_aq_vport p;

	svnic_aq_limits_default(&lim);
	CU_ASSERT_EQUAL(lim.total_vfs, SVNIC_TOTAL_VFS_MAX);
	CU_ASSERT_EQUAL(lim.total_queue_pairs, SVNIC_QP_MAX);
	lim.total_vfs = 2;
	lim.max_vports = 3;
	lim.total_queue_pairs = 66;
	lim.max_vf_queue_pairs = 2;
	valid_vport(&p);
	p.func = SVNIC_AQ_FUNC_VF(1);
	p.vport_id = 2;
	p.nb_queues = 2;
	build(SVNIC_AQ_OP_VPORT_CREATE, 0, &p, sizeof(p), 0);
	CU_ASSERT_EQUAL(svnic_adminq_validate(&d, NULL, 0, &lim), 0);
	p.func = SVNIC_AQ_FUNC_VF(2);
	build(SVNIC_AQ_OP_VPORT_CREATE, 0, &p, sizeof(p), 0);
	CU_ASSERT_EQUAL(svnic_adminq_validate(&d, NULL, 0, &lim), -ERANGE);
	p.func = SVNIC_AQ_FUNC_VF(1);
	p.vport_id = 3;
	build(SVNIC_AQ_OP_VPORT_CREATE, 0, &p, sizeof(p), 0);
	CU_ASSERT_EQUAL(svnic_adminq_validate(&d, NULL, 0, &lim), -ERANGE);
	p.vport_id = 2;
	p.nb_queues = 3;
	build(SVNIC_AQ_OP_VPORT_CREATE, 0, &p, sizeof(p), 0);
	CU_ASSERT_EQUAL(svnic_adminq_validate(&d, NULL, 0, &lim), -ERANGE);
	/* the PF's VPorts are bounded by the device, not by the VF limit */
	p.func = SVNIC_AQ_FUNC_PF;
	p.queue_base = 0;
	p.nb_queues = 66;
	build(SVNIC_AQ_OP_VPORT_CREATE, 0, &p, sizeof(p), 0);
	CU_ASSERT_EQUAL(svnic_adminq_validate(&d, NULL, 0, &lim), 0);
	p.nb_queues = 67;
	build(SVNIC_AQ_OP_VPORT_CREATE, 0, &p, sizeof(p), 0);
	CU_ASSERT_EQUAL(svnic_adminq_validate(&d, NULL, 0, &lim), -ERANGE);
}

static void
test_build(void)
{
	uint8_t big[33] = { 0 };

	CU_ASSERT_EQUAL(svnic_aq_build(NULL, 1, 0, 0, NULL, 0, 0, 0), -EINVAL);
	CU_ASSERT_EQUAL(svnic_aq_build(&d, 1, 0, 0, big, sizeof(big), 0, 0), -EINVAL);
	CU_ASSERT_EQUAL(svnic_aq_build(&d, 1, 0, 0, NULL, 4, 0, 0), -EINVAL);
	memset(&d, 0xee, sizeof(d));
	CU_ASSERT_EQUAL(svnic_aq_build(&d, 2, SVNIC_AQ_F_IRQ, 9, big, 32, 0, 0), 0);
	CU_ASSERT_EQUAL(d.opcode, 2);
	CU_ASSERT_EQUAL(d.cookie, 9);
	CU_ASSERT_EQUAL(d.status, 0);
	CU_ASSERT_EQUAL(d.rsvd, 0);
	CU_ASSERT_EQUAL(d.ret_val, 0);
}

/* --- valid forms --- */

static void
test_every_opcode_valid(void)
{
	uint16_t op;

	for (op = 1; op <= SVNIC_AQ_OP_MAX; op++) {
		valid_cmd(op);
		CU_ASSERT_EQUAL(v(), 0);
		/* with the interrupt flag too */
		d.flags |= SVNIC_AQ_F_IRQ;
		CU_ASSERT_EQUAL(v(), 0);
		/* and checked on the descriptor alone */
		CU_ASSERT_EQUAL(svnic_adminq_validate(&d, NULL, 0, NULL), 0);
		CU_ASSERT_STRING_NOT_EQUAL(svnic_aq_op_name(op), "UNKNOWN");
	}
}

static void
test_valid_variants(void)
{
	struct svnic_aq_vport p;
	struct svnic_aq_queue_cfg q;
	struct svnic_aq_rss r;
	struct svnic_aq_stats_req s = { .scope = SVNIC_AQ_STATS_TXQ, .id = SVNIC_QP_MAX - 1 };

	valid_vport(&p);
	p.func = SVNIC_AQ_FUNC_PF;
	p.vport_id = SVNIC_VPORTS_MAX - 1;
	p.queue_base = 0;
	p.nb_queues = SVNIC_QP_MAX;
	p.vlan_tci = 4094 | (7 << SVNIC_AQ_VLAN_PCP_SHIFT);
	p.vlan_proto = SVNIC_AQ_VLAN_PROTO_8021AD;
	p.flags = SVNIC_AQ_VPORT_F_MASK;
	p.link_state = SVNIC_AQ_LINK_DOWN;
	p.rx_mode = SVNIC_AQ_RXM_MASK;
	p.mtu = SVNIC_MTU_MAX;
	p.max_tx_rate = 1000;
	p.min_tx_rate = 1000;
	build(SVNIC_AQ_OP_VPORT_MODIFY, 0, &p, sizeof(p), 0);
	CU_ASSERT_EQUAL(v(), 0);
	p.max_tx_rate = 0;	/* a floor without a ceiling */
	build(SVNIC_AQ_OP_VPORT_CREATE, 0, &p, sizeof(p), 0);
	CU_ASSERT_EQUAL(v(), 0);

	valid_qcfg(&q, SVNIC_AQ_QTYPE_RX);
	q.flags |= SVNIC_AQ_QCFG_F_HEAD_WB | SVNIC_AQ_QCFG_F_IRQ | SVNIC_AQ_QCFG_F_SCATTER;
	q.head_wb_addr = 0x3004;
	q.irq_vector = 0;
	q.ring_size = SVNIC_RING_SIZE_MAX;
	q.buf_size = SVNIC_RX_BUF_MAX;
	build(SVNIC_AQ_OP_QUEUE_CONFIG, 0, &q, sizeof(q), 0);
	CU_ASSERT_EQUAL(v(), 0);
	valid_qcfg(&q, SVNIC_AQ_QTYPE_TX);
	q.ring_size = SVNIC_RING_SIZE_MIN;
	build(SVNIC_AQ_OP_QUEUE_CONFIG, 0, &q, sizeof(q), 0);
	CU_ASSERT_EQUAL(v(), 0);
	memset(&q, 0, sizeof(q));	/* disable */
	q.type = SVNIC_AQ_QTYPE_TX;
	q.queue = SVNIC_QP_MAX - 1;
	build(SVNIC_AQ_OP_QUEUE_CONFIG, 0, &q, sizeof(q), 0);
	CU_ASSERT_EQUAL(v(), 0);

	/* RSS: keep key and table, change only the hash types */
	valid_rss(&r, 0);
	r.key_len = 0;
	memcpy(d.params, &r, sizeof(r));
	memset(buf, 0, SVNIC_RSS_KEY_MAX);
	CU_ASSERT_EQUAL(v(), 0);
	valid_rss(&r, SVNIC_RSS_TABLE_MAX);
	CU_ASSERT_EQUAL(v(), 0);

	build(SVNIC_AQ_OP_GET_STATS, SVNIC_AQ_F_BUF | SVNIC_AQ_F_BUF_WR, &s, sizeof(s),
	      sizeof(struct svnic_aq_queue_stats));
	CU_ASSERT_EQUAL(v(), 0);

	valid_mbx_send(0);	/* PF_GOING_DOWN-like: header only */
	CU_ASSERT_EQUAL(v(), 0);
}

/* --- status codes --- */

static void
test_status_to_errno(void)
{
	static const struct {
		uint16_t st;
		int err;
		const char *name;
	} map[] = {
		{ SVNIC_AQ_ST_OK, 0, "OK" },
		{ SVNIC_AQ_ST_EPERM, -EPERM, "EPERM" },
		{ SVNIC_AQ_ST_ENOENT, -ENOENT, "ENOENT" },
		{ SVNIC_AQ_ST_EINVAL, -EINVAL, "EINVAL" },
		{ SVNIC_AQ_ST_ENOSPC, -ENOSPC, "ENOSPC" },
		{ SVNIC_AQ_ST_EEXIST, -EEXIST, "EEXIST" },
		{ SVNIC_AQ_ST_EBUSY, -EBUSY, "EBUSY" },
		{ SVNIC_AQ_ST_EFAULT, -EFAULT, "EFAULT" },
		{ SVNIC_AQ_ST_ERANGE, -ERANGE, "ERANGE" },
		{ SVNIC_AQ_ST_ENOTSUP, -EOPNOTSUPP, "ENOTSUP" },
		{ SVNIC_AQ_ST_EMSGSIZE, -EMSGSIZE, "EMSGSIZE" },
		{ SVNIC_AQ_ST_EAGAIN, -EAGAIN, "EAGAIN" },
		{ SVNIC_AQ_ST_EIO, -EIO, "EIO" },
	};
	unsigned int i;

	CU_ASSERT_EQUAL(NELEM(map), SVNIC_AQ_ST_MAX + 1);
	for (i = 0; i < NELEM(map); i++) {
		CU_ASSERT_EQUAL(svnic_aq_status_to_errno(map[i].st), map[i].err);
		CU_ASSERT_EQUAL(svnic_aq_errno_to_status(map[i].err), map[i].st);
		CU_ASSERT_STRING_EQUAL(svnic_aq_status_name(map[i].st), map[i].name);
	}
	CU_ASSERT_EQUAL(svnic_aq_status_to_errno(SVNIC_AQ_ST_MAX + 1), -EPROTO);
	CU_ASSERT_EQUAL(svnic_aq_status_to_errno(0xffff), -EPROTO);
	CU_ASSERT_STRING_EQUAL(svnic_aq_status_name(0xffff), "UNKNOWN");
	/* an errno with no code is an internal failure to the PF */
	CU_ASSERT_EQUAL(svnic_aq_errno_to_status(-ENOMEM), SVNIC_AQ_ST_EIO);
	CU_ASSERT_EQUAL(svnic_aq_errno_to_status(5), SVNIC_AQ_ST_EIO);
	/* every validator result has a code of its own */
	CU_ASSERT_EQUAL(svnic_aq_errno_to_status(-EOPNOTSUPP), SVNIC_AQ_ST_ENOTSUP);
	CU_ASSERT_EQUAL(svnic_aq_errno_to_status(-EMSGSIZE), SVNIC_AQ_ST_EMSGSIZE);
	CU_ASSERT_EQUAL(svnic_aq_errno_to_status(-ERANGE), SVNIC_AQ_ST_ERANGE);
}

static void
test_op_names(void)
{
	CU_ASSERT_STRING_EQUAL(svnic_aq_op_name(SVNIC_AQ_OP_IDENTIFY), "IDENTIFY");
	CU_ASSERT_STRING_EQUAL(svnic_aq_op_name(SVNIC_AQ_OP_VPORT_CREATE), "VPORT_CREATE");
	CU_ASSERT_STRING_EQUAL(svnic_aq_op_name(SVNIC_AQ_OP_MBX_RECV), "MBX_RECV");
	CU_ASSERT_STRING_EQUAL(svnic_aq_op_name(0), "UNKNOWN");
	CU_ASSERT_STRING_EQUAL(svnic_aq_op_name(SVNIC_AQ_OP_MAX + 1), "UNKNOWN");
	CU_ASSERT_STRING_EQUAL(svnic_aq_op_name(0xffff), "UNKNOWN");
}

/* --- layouts, as doc/device-spec.rst tabulates them --- */

static void
test_layout_adminq(void)
{
	CU_ASSERT_EQUAL(sizeof(struct svnic_aq_desc), 64);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_desc, opcode), 0);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_desc, flags), 2);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_desc, status), 4);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_desc, cookie), 8);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_desc, buf_addr), 16);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_desc, buf_len), 24);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_desc, ret_val), 28);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_desc, params), 32);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_vport, func), 2);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_vport, queue_base), 4);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_vport, nb_queues), 6);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_vport, mac), 8);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_vport, vlan_tci), 14);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_vport, vlan_proto), 16);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_vport, flags), 18);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_vport, link_state), 20);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_vport, rx_mode), 21);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_vport, mtu), 22);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_vport, max_tx_rate), 24);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_vport, min_tx_rate), 28);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_queue_cfg, type), 2);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_queue_cfg, flags), 3);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_queue_cfg, vport_id), 4);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_queue_cfg, ring_size), 6);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_queue_cfg, ring_addr), 8);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_queue_cfg, head_wb_addr), 16);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_queue_cfg, buf_size), 24);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_queue_cfg, irq_vector), 26);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_mac_filter, mac), 2);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_vlan_filter, vlan_id), 2);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_rss, key_len), 3);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_rss, table_len), 4);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_rss, hash_types), 8);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_rss_buf, table), 64);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_vf_cfg, offset), 2);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_vf_cfg, len), 4);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_vf_cfg, value), 8);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_identify, total_vfs), 4);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_identify, offloads), 40);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_identify, rss_hash_types), 48);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_identify, perm_mac), 56);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_identify, link_status), 68);
	CU_ASSERT_EQUAL(sizeof(struct svnic_aq_identify), 128);
	CU_ASSERT_EQUAL(offsetof(struct svnic_aq_vport_stats, tx_packets), 64);
	CU_ASSERT_EQUAL(sizeof(struct svnic_eq_entry), 32);
	CU_ASSERT_EQUAL(offsetof(struct svnic_eq_entry, func), 4);
	CU_ASSERT_EQUAL(offsetof(struct svnic_eq_entry, param0), 8);
	CU_ASSERT_EQUAL(offsetof(struct svnic_eq_entry, param1), 12);
	CU_ASSERT_EQUAL(offsetof(struct svnic_eq_entry, timestamp), 24);
}

static void
test_layout_desc(void)
{
	CU_ASSERT_EQUAL(sizeof(struct svnic_tx_desc), 16);
	CU_ASSERT_EQUAL(offsetof(struct svnic_tx_desc, addr), 0);
	CU_ASSERT_EQUAL(offsetof(struct svnic_tx_desc, len), 8);
	CU_ASSERT_EQUAL(offsetof(struct svnic_tx_desc, flags), 10);
	CU_ASSERT_EQUAL(offsetof(struct svnic_tx_desc, vlan_tci), 12);
	CU_ASSERT_EQUAL(offsetof(struct svnic_tx_desc, hdr_lens), 14);
	CU_ASSERT_EQUAL(sizeof(union svnic_rx_desc), 16);
	CU_ASSERT_EQUAL(offsetof(struct svnic_rx_desc_wb, rss_hash), 0);
	CU_ASSERT_EQUAL(offsetof(struct svnic_rx_desc_wb, vlan_tci), 4);
	CU_ASSERT_EQUAL(offsetof(struct svnic_rx_desc_wb, hash_type), 6);
	CU_ASSERT_EQUAL(offsetof(struct svnic_rx_desc_wb, ptype), 7);
	CU_ASSERT_EQUAL(offsetof(struct svnic_rx_desc_wb, len), 8);
	CU_ASSERT_EQUAL(offsetof(struct svnic_rx_desc_wb, status), 10);
	CU_ASSERT_EQUAL(SVNIC_TXD_HDR_LENS(14, 20), 14 | (20 << 7));
	CU_ASSERT_EQUAL(SVNIC_TXD_HDR_LENS(127, 511), 0xffff);
	CU_ASSERT_EQUAL(SVNIC_TXD_F_DRV_MASK & SVNIC_TXD_F_DONE, 0);
}

static void
test_layout_regs(void)
{
	CU_ASSERT_EQUAL(SVNIC_REG_DEV_CTRL, 0x10);
	CU_ASSERT_EQUAL(SVNIC_REG_INT_CAUSE, 0x20);
	CU_ASSERT_EQUAL(SVNIC_REG_KICK, 0x2c);
	CU_ASSERT_EQUAL(SVNIC_REG_AQ_TAIL, 0x110);
	CU_ASSERT_EQUAL(SVNIC_REG_EQ_TAIL, 0x130);
	CU_ASSERT_EQUAL(SVNIC_REG_VF_FAULTED(7), 0x15c);
	CU_ASSERT_EQUAL(SVNIC_REG_MBX_RX_ACK, 0x208);
	CU_ASSERT_EQUAL(SVNIC_NOTIFY_TX_SUMMARY(15), 0x1078);
	CU_ASSERT_EQUAL(SVNIC_NOTIFY_SLEEPING, 0x1080);
	CU_ASSERT_EQUAL(SVNIC_PF_DB(1023) + SVNIC_DB_TX_TAIL, 0x1ffc4);
	CU_ASSERT_EQUAL(SVNIC_VF_DB(63) + SVNIC_DB_TX_TAIL, 0x2fc4);
	CU_ASSERT_EQUAL(SVNIC_VF_MBX_TX_WIN, 0x3000);
	CU_ASSERT_EQUAL(SVNIC_VF_MBX_RX_WIN, 0x3800);
	CU_ASSERT_EQUAL(SVNIC_VF_MBX_WIN_SIZE, SVNIC_MBX_MSG_MAX);
	/* the trapped page never holds anything the fast path touches */
	CU_ASSERT(SVNIC_BAR0_MMAP_START == SVNIC_BAR_PAGE_SIZE);
	CU_ASSERT(SVNIC_PF_DB_BASE >= SVNIC_BAR0_MMAP_START);
	CU_ASSERT(SVNIC_VF_DB_BASE >= SVNIC_BAR0_MMAP_START);
	CU_ASSERT_EQUAL(SVNIC_INT_PF_MASK & SVNIC_INT_MBX_RX, 0);
	CU_ASSERT_EQUAL(SVNIC_INT_VF_MASK & SVNIC_INT_ADMINQ, 0);
}

/* Spec 1.4: only a device that says so, in a version that knows the bit, gets read. */
static void
test_identify_stats_page(void)
{
	struct svnic_aq_identify id;

	memset(&id, 0, sizeof(id));
	id.version = SVNIC_SPEC_VERSION;
	id.max_vports = 65;
	CU_ASSERT_FALSE(svnic_aq_identify_stats_page(&id));	/* no bit */
	id.dev_caps = SVNIC_DEVCAP_STATS_PAGE;
	CU_ASSERT(svnic_aq_identify_stats_page(&id));
	id.version = 0x00010003;	/* the bit was reserved in 1.3 */
	CU_ASSERT_FALSE(svnic_aq_identify_stats_page(&id));
	id.version = 0x00020004;	/* another major: nothing is known */
	CU_ASSERT_FALSE(svnic_aq_identify_stats_page(&id));
	id.version = 0x00010009;	/* a later minor keeps the meaning */
	CU_ASSERT(svnic_aq_identify_stats_page(&id));
	id.max_vports = SVNIC_VPORTS_MAX + 1;	/* VPorts past the pages */
	CU_ASSERT_FALSE(svnic_aq_identify_stats_page(&id));
	id.max_vports = SVNIC_VPORTS_MAX;
	CU_ASSERT(svnic_aq_identify_stats_page(&id));
}

/* The block's sequence lock, both sides, without threads. */
static void
test_stats_block_seqlock(void)
{
	struct svnic_stats_vport b;
	struct svnic_aq_vport_stats in, out;
	uint32_t seq;

	memset(&b, 0, sizeof(b));
	memset(&in, 0, sizeof(in));
	in.rx_packets = 7;
	in.tx_errors = 1ull << 40;
	seq = svnic_stats_vport_write_begin(&b);
	CU_ASSERT_EQUAL(seq, 1);
	CU_ASSERT_EQUAL(b.seq, 1);
	/* a block being written is not read: the caller goes to GET_STATS */
	CU_ASSERT_EQUAL(svnic_stats_vport_read(&b, &out), -EAGAIN);
	svnic_stats_vport_write_end(&b, seq, &in);
	CU_ASSERT_EQUAL(b.seq, 2);
	memset(&out, 0xff, sizeof(out));
	CU_ASSERT_EQUAL(svnic_stats_vport_read(&b, &out), 0);
	CU_ASSERT_EQUAL(memcmp(&out, &in, sizeof(in)), 0);
	/* the next writer starts from where the last one left */
	seq = svnic_stats_vport_write_begin(&b);
	CU_ASSERT_EQUAL(seq, 3);
	svnic_stats_vport_write_end(&b, seq, &in);
	CU_ASSERT_EQUAL(b.seq, 4);
	CU_ASSERT_EQUAL(SVNIC_PF_STATS_VPORT(1) - SVNIC_PF_STATS_VPORT(0), sizeof(b));
	CU_ASSERT(SVNIC_PF_STATS_END <= SVNIC_PF_DB_BASE);
	CU_ASSERT(SVNIC_PF_STATS_BASE >= SVNIC_REG_NOTIFY_PAGE + SVNIC_BAR_PAGE_SIZE);
}

static CU_TestInfo negative_tests[] = {
	UNIT_TEST(test_null_and_unknown_opcode),
	UNIT_TEST(test_device_flags_and_reserved),
	UNIT_TEST(test_buffer_rules),
	UNIT_TEST(test_bad_identify),
	UNIT_TEST(test_bad_vport),
	UNIT_TEST(test_bad_vport_delete),
	UNIT_TEST(test_bad_queue_config),
	UNIT_TEST(test_bad_filters),
	UNIT_TEST(test_bad_rss),
	UNIT_TEST(test_bad_stats),
	UNIT_TEST(test_bad_vf_commands),
	UNIT_TEST(test_bad_vf_config),
	UNIT_TEST(test_bad_mbx_send),
	UNIT_TEST(test_limits),
	UNIT_TEST(test_build),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo valid_tests[] = {
	UNIT_TEST(test_every_opcode_valid),
	UNIT_TEST(test_valid_variants),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo status_tests[] = {
	UNIT_TEST(test_status_to_errno),
	UNIT_TEST(test_op_names),
	UNIT_TEST(test_identify_stats_page),
	UNIT_TEST(test_stats_block_seqlock),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo layout_tests[] = {
	UNIT_TEST(test_layout_adminq),
	UNIT_TEST(test_layout_desc),
	UNIT_TEST(test_layout_regs),
	CU_TEST_INFO_NULL,
};

UNIT_MAIN(UNIT_SUITE("adminq_negative", negative_tests),
	  UNIT_SUITE("adminq_valid", valid_tests),
	  UNIT_SUITE("adminq_status", status_tests),
	  UNIT_SUITE("adminq_layout", layout_tests))
