/* SPDX-License-Identifier: BSD-3-Clause */
/* The mailbox codec: framing, version, opcode direction, per-opcode payloads. */
#include <errno.h>
#include <string.h>

#include "svnic_mbx.h"
#include "unit.h"

#define HDR sizeof(struct svnic_mbx_hdr)

static uint8_t msg[SVNIC_MBX_MSG_MAX + 64];

static const uint8_t mac_uc[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t mac_mc[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const uint8_t mac_zero[6];

/* A request of @p op with @p pl as its payload; returns the message length. */
static size_t
req(uint16_t op, const void *pl, uint16_t len)
{
	size_t n = svnic_mbx_build(msg, sizeof(msg), op, 0, 7, 0, pl, len);

	CU_ASSERT_FATAL(n == HDR + len);
	return n;
}

static size_t
from_pf(uint16_t op, uint16_t flags, uint32_t status, const void *pl, uint16_t len)
{
	size_t n = svnic_mbx_build(msg, sizeof(msg), op, flags, 7, status, pl, len);

	CU_ASSERT_FATAL(n == HDR + len);
	return n;
}

static struct svnic_mbx_hdr *
hdr(void)
{
	return (struct svnic_mbx_hdr *)msg;
}

static int
vreq(size_t n)
{
	return svnic_mbx_validate_request(msg, n);
}

/* --- framing, version, opcode, flags --- */

static void
test_truncated(void)
{
	size_t n;

	CU_ASSERT_EQUAL(svnic_mbx_validate_request(NULL, 16), -EMSGSIZE);
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(NULL, 16, SVNIC_MBX_OP_HELLO), -EMSGSIZE);
	req(SVNIC_MBX_OP_GET_RESOURCES, NULL, 0);
	for (n = 0; n < HDR; n++) {
		CU_ASSERT_EQUAL(vreq(n), -EMSGSIZE);
		CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_HELLO),
				-EMSGSIZE);
	}
	CU_ASSERT_EQUAL(vreq(HDR), 0);
}

static void
test_oversized(void)
{
	/* well framed (len matches) but past the mailbox window */
	memset(msg, 0, sizeof(msg));
	req(SVNIC_MBX_OP_GET_RESOURCES, NULL, 0);
	hdr()->len = SVNIC_MBX_MSG_MAX + 1 - HDR;
	CU_ASSERT_EQUAL(vreq(SVNIC_MBX_MSG_MAX + 1), -EMSGSIZE);
	hdr()->flags = SVNIC_MBX_F_REPLY;
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, SVNIC_MBX_MSG_MAX + 1,
						   SVNIC_MBX_OP_GET_RESOURCES), -EMSGSIZE);
	/* exactly the window: framing passes, the opcode's size does not */
	hdr()->flags = 0;
	hdr()->len = SVNIC_MBX_MSG_MAX - HDR;
	CU_ASSERT_EQUAL(vreq(SVNIC_MBX_MSG_MAX), -EMSGSIZE);
	CU_ASSERT_EQUAL(svnic_mbx_validate_request(msg, (size_t)-1), -EMSGSIZE);
}

static void
test_len_mismatch(void)
{
	struct svnic_mbx_mtu m = { .mtu = 1500 };
	size_t n = req(SVNIC_MBX_OP_SET_MTU, &m, sizeof(m));

	CU_ASSERT_EQUAL(vreq(n), 0);
	CU_ASSERT_EQUAL(vreq(n - 1), -EMSGSIZE);
	CU_ASSERT_EQUAL(vreq(n + 1), -EMSGSIZE);
	hdr()->len = sizeof(m) + 1;
	CU_ASSERT_EQUAL(vreq(n), -EMSGSIZE);
	hdr()->len = 0xffff;
	CU_ASSERT_EQUAL(vreq(n), -EMSGSIZE);
	/* framing is judged before the opcode */
	hdr()->opcode = 0x7777;
	CU_ASSERT_EQUAL(vreq(n), -EMSGSIZE);
}

static void
test_wrong_major(void)
{
	static const uint16_t majors[] = { 0, 2, 0xff };
	size_t n = req(SVNIC_MBX_OP_GET_STATS, NULL, 0);
	unsigned int i;

	for (i = 0; i < sizeof(majors) / sizeof(majors[0]); i++) {
		hdr()->version = SVNIC_MBX_VERSION(majors[i], 0);
		CU_ASSERT_EQUAL(vreq(n), -EPROTONOSUPPORT);
		/* judged before the opcode */
		hdr()->opcode = 0x55;
		CU_ASSERT_EQUAL(vreq(n), -EPROTONOSUPPORT);
		hdr()->opcode = SVNIC_MBX_OP_GET_STATS;
	}
	/* a newer minor of the same major is fine: reserved fields guard it */
	hdr()->version = SVNIC_MBX_VERSION(SVNIC_MBX_VERSION_MAJOR, 9);
	CU_ASSERT_EQUAL(vreq(n), 0);
	hdr()->flags = SVNIC_MBX_F_REPLY;
	hdr()->version = SVNIC_MBX_VERSION(2, 0);
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_GET_STATS),
			-EPROTONOSUPPORT);
}

static void
test_unknown_opcode(void)
{
	static const uint16_t ops[] = {
		0, SVNIC_MBX_OP_REQ_MAX + 1, 0x80, SVNIC_MBX_OP_LINK_EVENT,
		SVNIC_MBX_OP_RESET_NOTICE, SVNIC_MBX_OP_PF_GOING_DOWN, 0x84, 0xffff,
	};
	unsigned int i;
	size_t n;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		n = req(ops[i], NULL, 0);
		CU_ASSERT_EQUAL(vreq(n), -EOPNOTSUPP);
	}
}

static void
test_bad_flags(void)
{
	static const uint16_t flags[] = {
		SVNIC_MBX_F_REPLY, SVNIC_MBX_F_NOTICE, SVNIC_MBX_F_MASK, 0x0004, 0x8000,
	};
	unsigned int i;
	size_t n = req(SVNIC_MBX_OP_GET_RESOURCES, NULL, 0);

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		hdr()->flags = flags[i];
		CU_ASSERT_EQUAL(vreq(n), -EINVAL);
	}
	hdr()->flags = 0;
	hdr()->status = 1;
	CU_ASSERT_EQUAL(vreq(n), -EINVAL);
	hdr()->status = 0;
	CU_ASSERT_EQUAL(vreq(n), 0);
}

/* --- per-opcode payloads of requests --- */

static void
test_payload_sizes(void)
{
	static const struct {
		uint16_t op;
		uint16_t size;
	} fixed[] = {
		{ SVNIC_MBX_OP_HELLO, sizeof(struct svnic_mbx_hello) },
		{ SVNIC_MBX_OP_GET_RESOURCES, 0 },
		{ SVNIC_MBX_OP_SET_MAC, sizeof(struct svnic_mbx_mac) },
		{ SVNIC_MBX_OP_ADD_MAC_FILTER, sizeof(struct svnic_mbx_mac) },
		{ SVNIC_MBX_OP_DEL_MAC_FILTER, sizeof(struct svnic_mbx_mac) },
		{ SVNIC_MBX_OP_SET_PROMISC, sizeof(struct svnic_mbx_enable) },
		{ SVNIC_MBX_OP_SET_ALLMULTI, sizeof(struct svnic_mbx_enable) },
		{ SVNIC_MBX_OP_ADD_VLAN, sizeof(struct svnic_mbx_vlan) },
		{ SVNIC_MBX_OP_DEL_VLAN, sizeof(struct svnic_mbx_vlan) },
		{ SVNIC_MBX_OP_SET_MTU, sizeof(struct svnic_mbx_mtu) },
		{ SVNIC_MBX_OP_GET_STATS, 0 },
		{ SVNIC_MBX_OP_RESET_REQUEST, 0 },
		/* variable ones: shorter than the fixed part */
		{ SVNIC_MBX_OP_SET_MULTICAST_LIST, sizeof(struct svnic_mbx_mc_list) },
		{ SVNIC_MBX_OP_CONFIG_RSS, sizeof(struct svnic_mbx_rss) },
	};
	uint8_t zero[128] = { 0 };
	unsigned int i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (fixed[i].size > 0)
			CU_ASSERT_EQUAL(vreq(req(fixed[i].op, zero, fixed[i].size - 1)),
					-EMSGSIZE);
		if (fixed[i].op != SVNIC_MBX_OP_SET_MULTICAST_LIST &&
		    fixed[i].op != SVNIC_MBX_OP_CONFIG_RSS)
			CU_ASSERT_EQUAL(vreq(req(fixed[i].op, zero, fixed[i].size + 1)),
					-EMSGSIZE);
	}
}

static void
test_bad_hello(void)
{
	struct svnic_mbx_hello h = { .major = 1, .minor = 0x100 };

	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_HELLO, &h, sizeof(h))), -EINVAL);
	/* another major in the payload is for the handler to answer */
	h.major = 7;
	h.minor = 3;
	h.caps = 0xffffffff;
	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_HELLO, &h, sizeof(h))), 0);
}

static void
test_bad_mac(void)
{
	static const uint16_t ops[] = {
		SVNIC_MBX_OP_SET_MAC, SVNIC_MBX_OP_ADD_MAC_FILTER, SVNIC_MBX_OP_DEL_MAC_FILTER,
	};
	struct svnic_mbx_mac m;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		memset(&m, 0, sizeof(m));
		CU_ASSERT_EQUAL(vreq(req(ops[i], &m, sizeof(m))), -EINVAL);
		memcpy(m.addr, mac_mc, 6);
		CU_ASSERT_EQUAL(vreq(req(ops[i], &m, sizeof(m))), -EINVAL);
		memset(m.addr, 0xff, 6);
		CU_ASSERT_EQUAL(vreq(req(ops[i], &m, sizeof(m))), -EINVAL);
		memcpy(m.addr, mac_uc, 6);
		m.rsvd = 1;
		CU_ASSERT_EQUAL(vreq(req(ops[i], &m, sizeof(m))), -EINVAL);
		m.rsvd = 0;
		CU_ASSERT_EQUAL(vreq(req(ops[i], &m, sizeof(m))), 0);
	}
}

static size_t
mc_list(uint16_t count, uint16_t wire_count, uint16_t rsvd)
{
	uint8_t pl[4 + (SVNIC_MBX_MC_ADDRS_MAX + 2) * 6];
	struct svnic_mbx_mc_list l = { .count = wire_count, .rsvd = rsvd };
	uint16_t i;

	memcpy(pl, &l, sizeof(l));
	for (i = 0; i < count; i++) {
		memcpy(pl + 4 + i * 6, mac_mc, 6);
		pl[4 + i * 6 + 5] = (uint8_t)i;
	}
	return req(SVNIC_MBX_OP_SET_MULTICAST_LIST, pl, (uint16_t)(4 + count * 6));
}

static void
test_bad_mc_list(void)
{
	/* count says more (or fewer) entries than the payload holds */
	CU_ASSERT_EQUAL(vreq(mc_list(2, 3, 0)), -EMSGSIZE);
	CU_ASSERT_EQUAL(vreq(mc_list(3, 2, 0)), -EMSGSIZE);
	CU_ASSERT_EQUAL(vreq(mc_list(0, 1, 0)), -EMSGSIZE);
	/* over the limit, even when the length agrees */
	CU_ASSERT_EQUAL(vreq(mc_list(SVNIC_MBX_MC_ADDRS_MAX + 1,
				     SVNIC_MBX_MC_ADDRS_MAX + 1, 0)), -EINVAL);
	CU_ASSERT_EQUAL(vreq(mc_list(1, 0xffff, 0)), -EINVAL);
	CU_ASSERT_EQUAL(vreq(mc_list(1, 1, 1)), -EINVAL);
	/* a unicast entry, in the middle of the list */
	mc_list(3, 3, 0);
	msg[HDR + 4 + 6] = 0x02;
	CU_ASSERT_EQUAL(vreq(HDR + 4 + 18), -EINVAL);
}

static void
test_bad_enable(void)
{
	static const uint16_t ops[] = { SVNIC_MBX_OP_SET_PROMISC, SVNIC_MBX_OP_SET_ALLMULTI };
	struct svnic_mbx_enable e;
	unsigned int i, j;

	for (i = 0; i < 2; i++) {
		memset(&e, 0, sizeof(e));
		e.enable = 2;
		CU_ASSERT_EQUAL(vreq(req(ops[i], &e, sizeof(e))), -EINVAL);
		e.enable = 0xff;
		CU_ASSERT_EQUAL(vreq(req(ops[i], &e, sizeof(e))), -EINVAL);
		e.enable = 1;
		for (j = 0; j < 3; j++) {
			e.rsvd[j] = 1;
			CU_ASSERT_EQUAL(vreq(req(ops[i], &e, sizeof(e))), -EINVAL);
			e.rsvd[j] = 0;
		}
	}
}

static void
test_bad_vlan(void)
{
	static const uint16_t ops[] = { SVNIC_MBX_OP_ADD_VLAN, SVNIC_MBX_OP_DEL_VLAN };
	struct svnic_mbx_vlan v;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		v = (struct svnic_mbx_vlan){ .vlan_id = 0 };
		CU_ASSERT_EQUAL(vreq(req(ops[i], &v, sizeof(v))), -EINVAL);
		v.vlan_id = 4095;
		CU_ASSERT_EQUAL(vreq(req(ops[i], &v, sizeof(v))), -EINVAL);
		v.vlan_id = 0xffff;
		CU_ASSERT_EQUAL(vreq(req(ops[i], &v, sizeof(v))), -EINVAL);
		v.vlan_id = 10;
		v.rsvd = 1;
		CU_ASSERT_EQUAL(vreq(req(ops[i], &v, sizeof(v))), -EINVAL);
	}
}

static uint8_t rss_buf[sizeof(struct svnic_mbx_rss) + SVNIC_RSS_TABLE_MAX * 2 + 4];

static struct svnic_mbx_rss *
rss_init(void)
{
	struct svnic_mbx_rss *r = (struct svnic_mbx_rss *)rss_buf;

	memset(rss_buf, 0, sizeof(rss_buf));
	r->hash_func = SVNIC_RSS_FUNC_TOEPLITZ;
	r->key_len = 40;
	memset(r->key, 0x6d, 40);
	r->hash_types = SVNIC_RSS_HF_IPV4 | SVNIC_RSS_HF_IPV4_TCP;
	r->table_len = 4;
	return r;
}

static size_t
rss_msg(const struct svnic_mbx_rss *r, uint16_t table_entries)
{
	return req(SVNIC_MBX_OP_CONFIG_RSS, r,
		   (uint16_t)(sizeof(*r) + table_entries * sizeof(uint16_t)));
}

static void
test_bad_rss(void)
{
	struct svnic_mbx_rss *r = rss_init();

	CU_ASSERT_EQUAL(vreq(rss_msg(r, 4)), 0);
	/* table length and payload disagree */
	CU_ASSERT_EQUAL(vreq(rss_msg(r, 3)), -EMSGSIZE);
	CU_ASSERT_EQUAL(vreq(rss_msg(r, 5)), -EMSGSIZE);
	/* table_len: a power of two up to the maximum */
	r->table_len = 3;
	CU_ASSERT_EQUAL(vreq(rss_msg(r, 3)), -EINVAL);
	r->table_len = SVNIC_RSS_TABLE_MAX * 2;
	CU_ASSERT_EQUAL(vreq(rss_msg(r, 0)), -EINVAL);
	r->table_len = 4;
	r->hash_func = SVNIC_RSS_FUNC_MAX + 1;
	CU_ASSERT_EQUAL(vreq(rss_msg(r, 4)), -EINVAL);
	r = rss_init();
	r->key_len = SVNIC_RSS_KEY_MAX + 1;
	CU_ASSERT_EQUAL(vreq(rss_msg(r, 4)), -EINVAL);
	r = rss_init();
	/* key bytes past key_len are reserved */
	r->key[40] = 1;
	CU_ASSERT_EQUAL(vreq(rss_msg(r, 4)), -EINVAL);
	r = rss_init();
	r->key_len = 0;
	CU_ASSERT_EQUAL(vreq(rss_msg(r, 4)), -EINVAL);
	r = rss_init();
	r->hash_types = SVNIC_RSS_HF_ALL + 1;
	CU_ASSERT_EQUAL(vreq(rss_msg(r, 4)), -EINVAL);
	r = rss_init();
	r->rsvd = 1;
	CU_ASSERT_EQUAL(vreq(rss_msg(r, 4)), -EINVAL);
	r = rss_init();
	r->rsvd2[3] = 1;
	CU_ASSERT_EQUAL(vreq(rss_msg(r, 4)), -EINVAL);
}

static void
test_bad_mtu(void)
{
	struct svnic_mbx_mtu m = { .mtu = SVNIC_MTU_MIN - 1 };

	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_SET_MTU, &m, sizeof(m))), -EINVAL);
	m.mtu = SVNIC_MTU_MAX + 1;
	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_SET_MTU, &m, sizeof(m))), -EINVAL);
	m.mtu = 0;
	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_SET_MTU, &m, sizeof(m))), -EINVAL);
	m.mtu = 1500;
	m.rsvd = 1;
	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_SET_MTU, &m, sizeof(m))), -EINVAL);
}

/* --- every request accepted --- */

static void
test_requests_ok(void)
{
	struct svnic_mbx_hello h = { .major = 1, .minor = 0, .caps = SVNIC_MBX_CAP_RSS };
	struct svnic_mbx_mac m = { .rsvd = 0 };
	struct svnic_mbx_enable e = { .enable = 1 };
	struct svnic_mbx_vlan v = { .vlan_id = 1 };
	struct svnic_mbx_mtu mtu = { .mtu = SVNIC_MTU_MIN };
	struct svnic_mbx_rss *r;
	unsigned int i;

	memcpy(m.addr, mac_uc, 6);
	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_HELLO, &h, sizeof(h))), 0);
	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_GET_RESOURCES, NULL, 0)), 0);
	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_SET_MAC, &m, sizeof(m))), 0);
	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_ADD_MAC_FILTER, &m, sizeof(m))), 0);
	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_DEL_MAC_FILTER, &m, sizeof(m))), 0);
	CU_ASSERT_EQUAL(vreq(mc_list(0, 0, 0)), 0);
	CU_ASSERT_EQUAL(vreq(mc_list(1, 1, 0)), 0);
	CU_ASSERT_EQUAL(vreq(mc_list(SVNIC_MBX_MC_ADDRS_MAX, SVNIC_MBX_MC_ADDRS_MAX, 0)), 0);
	for (e.enable = 0; e.enable <= 1; e.enable++) {
		CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_SET_PROMISC, &e, sizeof(e))), 0);
		CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_SET_ALLMULTI, &e, sizeof(e))), 0);
	}
	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_ADD_VLAN, &v, sizeof(v))), 0);
	v.vlan_id = 4094;
	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_DEL_VLAN, &v, sizeof(v))), 0);
	r = rss_init();
	CU_ASSERT_EQUAL(vreq(rss_msg(r, 4)), 0);
	r->table_len = 0;
	r->key_len = 0;
	memset(r->key, 0, sizeof(r->key));
	r->hash_func = SVNIC_RSS_FUNC_DEFAULT;
	r->hash_types = SVNIC_RSS_HF_ALL;
	CU_ASSERT_EQUAL(vreq(rss_msg(r, 0)), 0);
	r = rss_init();
	r->key_len = SVNIC_RSS_KEY_MAX;
	memset(r->key, 0xaa, SVNIC_RSS_KEY_MAX);
	r->table_len = SVNIC_RSS_TABLE_MAX;
	for (i = 0; i < SVNIC_RSS_TABLE_MAX; i++)
		r->table[i] = (uint16_t)i;
	CU_ASSERT_EQUAL(vreq(rss_msg(r, SVNIC_RSS_TABLE_MAX)), 0);
	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_SET_MTU, &mtu, sizeof(mtu))), 0);
	mtu.mtu = SVNIC_MTU_MAX;
	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_SET_MTU, &mtu, sizeof(mtu))), 0);
	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_GET_STATS, NULL, 0)), 0);
	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_RESET_REQUEST, NULL, 0)), 0);
	/* unaligned placement is fine: payloads are copied out */
	memmove(msg + 1, msg, HDR);
	CU_ASSERT_EQUAL(svnic_mbx_validate_request(msg + 1, HDR), 0);
}

/* --- queue opcodes (1.1) --- */

static struct svnic_mbx_queue_cfg
qcfg_ok(uint8_t type)
{
	struct svnic_mbx_queue_cfg c = {
		.queue = 0, .type = type, .ring_size = 512,
		.buf_size = type == SVNIC_MBX_QTYPE_RX ? 2048 : 0,
		.ring_addr = 0x7f0000001000ull, .vector = SVNIC_MBX_QUEUE_NO_VECTOR,
	};

	return c;
}

static int
vqcfg(const struct svnic_mbx_queue_cfg *c)
{
	return vreq(req(SVNIC_MBX_OP_CONFIG_QUEUE, c, sizeof(*c)));
}

static int
vqueues(uint16_t op, uint64_t rx, uint64_t tx)
{
	struct svnic_mbx_queues q = { .rx = rx, .tx = tx };

	return vreq(req(op, &q, sizeof(q)));
}

static void
test_queue_sizes(void)
{
	uint8_t zero[64] = { 0 };

	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_CONFIG_QUEUE, zero, 0)), -EMSGSIZE);
	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_CONFIG_QUEUE, zero, 31)), -EMSGSIZE);
	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_CONFIG_QUEUE, zero, 33)), -EMSGSIZE);
	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_ENABLE_QUEUES, zero, 8)), -EMSGSIZE);
	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_ENABLE_QUEUES, zero, 17)), -EMSGSIZE);
	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_DISABLE_QUEUES, zero, 0)), -EMSGSIZE);
	CU_ASSERT_EQUAL(vreq(req(SVNIC_MBX_OP_DISABLE_QUEUES, zero, 24)), -EMSGSIZE);
}

static void
test_bad_queue_cfg(void)
{
	struct svnic_mbx_queue_cfg c;
	uint8_t t;

#define BAD_QCFG(type, field, value) do {		\
		c = qcfg_ok(type);			\
		c.field = (value);			\
		CU_ASSERT_EQUAL(vqcfg(&c), -EINVAL);	\
	} while (0)
	for (t = SVNIC_MBX_QTYPE_RX; t <= SVNIC_MBX_QTYPE_TX; t++) {
		BAD_QCFG(t, queue, SVNIC_VF_QP_MAX);
		BAD_QCFG(t, queue, 0xffff);
		BAD_QCFG(t, flags, 0x02);
		BAD_QCFG(t, flags, 0x80);
		BAD_QCFG(t, ring_size, 0);
		BAD_QCFG(t, ring_size, SVNIC_RING_SIZE_MIN / 2);
		BAD_QCFG(t, ring_size, SVNIC_RING_SIZE_MAX * 2);
		BAD_QCFG(t, ring_size, 1000);
		BAD_QCFG(t, ring_size, 0xffff);
		BAD_QCFG(t, ring_addr, 0);
		BAD_QCFG(t, ring_addr, 0x1020);		/* 32-byte aligned only */
		BAD_QCFG(t, ring_addr, 0x1001);
		BAD_QCFG(t, head_wb_addr, 0x2002);
		BAD_QCFG(t, head_wb_addr, 1);
		BAD_QCFG(t, vector, SVNIC_VF_MSIX_MAX);
		BAD_QCFG(t, vector, SVNIC_MBX_QUEUE_NO_VECTOR - 1);
		BAD_QCFG(t, rsvd, 1);
		BAD_QCFG(t, rsvd2, 0x80000000u);
	}
	BAD_QCFG(SVNIC_MBX_QTYPE_RX, type, SVNIC_MBX_QTYPE_NB);
	BAD_QCFG(SVNIC_MBX_QTYPE_RX, type, 0xff);
	/* RX buffers: within the limits, in steps of the alignment */
	BAD_QCFG(SVNIC_MBX_QTYPE_RX, buf_size, 0);
	BAD_QCFG(SVNIC_MBX_QTYPE_RX, buf_size, SVNIC_RX_BUF_MIN - SVNIC_RX_BUF_ALIGN);
	BAD_QCFG(SVNIC_MBX_QTYPE_RX, buf_size, SVNIC_RX_BUF_MAX + SVNIC_RX_BUF_ALIGN);
	BAD_QCFG(SVNIC_MBX_QTYPE_RX, buf_size, 2048 + 64);
	BAD_QCFG(SVNIC_MBX_QTYPE_RX, buf_size, 0xffff);
	/* TX has no buffers of the device's choosing, and no scatter */
	BAD_QCFG(SVNIC_MBX_QTYPE_TX, buf_size, 2048);
	BAD_QCFG(SVNIC_MBX_QTYPE_TX, flags, SVNIC_MBX_QCFG_F_SCATTER);
#undef BAD_QCFG
}

static void
test_bad_queues(void)
{
	CU_ASSERT_EQUAL(vqueues(SVNIC_MBX_OP_ENABLE_QUEUES, 0, 0), -EINVAL);
	CU_ASSERT_EQUAL(vqueues(SVNIC_MBX_OP_DISABLE_QUEUES, 0, 0), -EINVAL);
}

static void
test_queue_requests_ok(void)
{
	struct svnic_mbx_queue_cfg c = qcfg_ok(SVNIC_MBX_QTYPE_RX);

	CU_ASSERT_EQUAL(vqcfg(&c), 0);
	/* the limits themselves */
	c.queue = SVNIC_VF_QP_MAX - 1;
	c.ring_size = SVNIC_RING_SIZE_MIN;
	c.buf_size = SVNIC_RX_BUF_MIN;
	c.ring_addr = SVNIC_RING_ALIGN;
	c.head_wb_addr = 4;
	c.vector = 0;
	c.flags = SVNIC_MBX_QCFG_F_SCATTER;
	CU_ASSERT_EQUAL(vqcfg(&c), 0);
	c.ring_size = SVNIC_RING_SIZE_MAX;
	c.buf_size = SVNIC_RX_BUF_MAX;
	c.ring_addr = 0xffffffffffffffc0ull;
	c.head_wb_addr = 0xfffffffffffffffcull;
	c.vector = SVNIC_VF_MSIX_MAX - 1;
	CU_ASSERT_EQUAL(vqcfg(&c), 0);
	c = qcfg_ok(SVNIC_MBX_QTYPE_TX);
	CU_ASSERT_EQUAL(vqcfg(&c), 0);
	c.head_wb_addr = 0x40;
	c.vector = 3;
	CU_ASSERT_EQUAL(vqcfg(&c), 0);
	/* any queue a VF can have, RX or TX or both */
	CU_ASSERT_EQUAL(vqueues(SVNIC_MBX_OP_ENABLE_QUEUES, 1, 0), 0);
	CU_ASSERT_EQUAL(vqueues(SVNIC_MBX_OP_ENABLE_QUEUES, 0, 1ull << 63), 0);
	CU_ASSERT_EQUAL(vqueues(SVNIC_MBX_OP_ENABLE_QUEUES, UINT64_MAX, UINT64_MAX), 0);
	CU_ASSERT_EQUAL(vqueues(SVNIC_MBX_OP_DISABLE_QUEUES, 0x10, 0), 0);
	CU_ASSERT_EQUAL(vqueues(SVNIC_MBX_OP_DISABLE_QUEUES, UINT64_MAX, 0), 0);
}

static void
test_queue_versions(void)
{
	struct svnic_mbx_hello h = { .major = 1, .minor = 1 };
	uint16_t op;
	size_t n;

	/* every 1.0 request is 1.0, the queue opcodes are 1.1 */
	for (op = SVNIC_MBX_OP_HELLO; op <= SVNIC_MBX_OP_RESET_REQUEST; op++)
		CU_ASSERT_EQUAL(svnic_mbx_op_minor(op), 0);
	CU_ASSERT_EQUAL(svnic_mbx_op_minor(SVNIC_MBX_OP_CONFIG_QUEUE), 1);
	CU_ASSERT_EQUAL(svnic_mbx_op_minor(SVNIC_MBX_OP_ENABLE_QUEUES), 1);
	CU_ASSERT_EQUAL(svnic_mbx_op_minor(SVNIC_MBX_OP_DISABLE_QUEUES), 1);
	CU_ASSERT_EQUAL(svnic_mbx_op_minor(SVNIC_MBX_OP_SET_VLAN_STRIP), 2);
	CU_ASSERT_EQUAL(svnic_mbx_op_minor(0), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(svnic_mbx_op_minor(SVNIC_MBX_OP_REQ_MAX + 1), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(svnic_mbx_op_minor(SVNIC_MBX_OP_LINK_EVENT), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(SVNIC_MBX_VERSION_MINOR, 2);
	/* a PF agreeing on 1.1, on 1.2 */
	n = from_pf(SVNIC_MBX_OP_HELLO, SVNIC_MBX_F_REPLY, 0, &h, sizeof(h));
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_HELLO), 0);
	h.minor = 2;
	n = from_pf(SVNIC_MBX_OP_HELLO, SVNIC_MBX_F_REPLY, 0, &h, sizeof(h));
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_HELLO), 0);
	h.minor = 3;
	n = from_pf(SVNIC_MBX_OP_HELLO, SVNIC_MBX_F_REPLY, 0, &h, sizeof(h));
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_HELLO),
			-EPROTONOSUPPORT);
}

static void
test_from_pf_queue_replies(void)
{
	static const uint16_t ops[] = {
		SVNIC_MBX_OP_CONFIG_QUEUE, SVNIC_MBX_OP_ENABLE_QUEUES, SVNIC_MBX_OP_DISABLE_QUEUES,
	};
	struct svnic_mbx_queues q = { .rx = 1 };
	unsigned int i;
	size_t n;

	for (i = 0; i < 3; i++) {
		/* nothing comes back but the status */
		n = from_pf(ops[i], SVNIC_MBX_F_REPLY, 0, &q, sizeof(q));
		CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, ops[i]), -EMSGSIZE);
		n = from_pf(ops[i], SVNIC_MBX_F_NOTICE, 0, NULL, 0);
		CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, ops[i]), -EOPNOTSUPP);
		n = from_pf(ops[i], SVNIC_MBX_F_REPLY, 0, NULL, 0);
		CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, ops[i]), 0);
		n = from_pf(ops[i], SVNIC_MBX_F_REPLY, EOPNOTSUPP, NULL, 0);
		CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, ops[i]), 0);
		n = from_pf(ops[i], SVNIC_MBX_F_REPLY, EBUSY, NULL, 0);
		CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, ops[i]), 0);
	}
	CU_ASSERT_STRING_EQUAL(svnic_mbx_op_name(SVNIC_MBX_OP_CONFIG_QUEUE), "CONFIG_QUEUE");
	CU_ASSERT_STRING_EQUAL(svnic_mbx_op_name(SVNIC_MBX_OP_ENABLE_QUEUES), "ENABLE_QUEUES");
	CU_ASSERT_STRING_EQUAL(svnic_mbx_op_name(SVNIC_MBX_OP_DISABLE_QUEUES),
			       "DISABLE_QUEUES");
}

/* --- PF to VF: replies and notices --- */

static struct svnic_mbx_resources
resources_ok(void)
{
	struct svnic_mbx_resources r = {
		.num_queue_pairs = 4, .min_mtu = 68, .max_mtu = 9600, .rss_key_size = 40,
		.rss_table_size = 64, .max_mac_filters = 4, .max_vlan_filters = 8,
		.max_mc_addrs = 64, .port_vlan = 100,
		.caps = SVNIC_MBX_CAP_RSS | SVNIC_MBX_CAP_PORT_VLAN,
		.rss_hash_types = SVNIC_RSS_HF_ALL,
	};

	memcpy(r.mac, mac_uc, 6);
	return r;
}

static int
vres(const struct svnic_mbx_resources *r)
{
	size_t n = from_pf(SVNIC_MBX_OP_GET_RESOURCES, SVNIC_MBX_F_REPLY, 0, r, sizeof(*r));

	return svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_GET_RESOURCES);
}

static void
test_from_pf_bad_frame(void)
{
	size_t n = from_pf(SVNIC_MBX_OP_SET_MAC, SVNIC_MBX_F_REPLY, 0, NULL, 0);

	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_SET_MAC), 0);
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n + 1, SVNIC_MBX_OP_SET_MAC),
			-EMSGSIZE);
	/* flags: exactly one of REPLY and NOTICE */
	hdr()->flags = 0;
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_SET_MAC), -EINVAL);
	hdr()->flags = SVNIC_MBX_F_MASK;
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_SET_MAC), -EINVAL);
	hdr()->flags = SVNIC_MBX_F_REPLY | 0x100;
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_SET_MAC), -EINVAL);
	/* a reply to another request */
	hdr()->flags = SVNIC_MBX_F_REPLY;
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_ADD_VLAN), -EINVAL);
	/* a status that is no errno */
	hdr()->status = 4096;
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_SET_MAC), -EINVAL);
	/* a notice opcode flagged as a reply, a request opcode as a notice */
	n = from_pf(SVNIC_MBX_OP_LINK_EVENT, SVNIC_MBX_F_REPLY, 0, NULL, 0);
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_LINK_EVENT),
			-EOPNOTSUPP);
	n = from_pf(SVNIC_MBX_OP_SET_MAC, SVNIC_MBX_F_NOTICE, 0, NULL, 0);
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_SET_MAC),
			-EOPNOTSUPP);
	n = from_pf(0x84, SVNIC_MBX_F_NOTICE, 0, NULL, 0);
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, 0), -EOPNOTSUPP);
	n = from_pf(0x80, SVNIC_MBX_F_NOTICE, 0, NULL, 0);
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, 0), -EOPNOTSUPP);
	/* an unknown opcode can only be refused */
	n = from_pf(0x42, SVNIC_MBX_F_REPLY, 0, NULL, 0);
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, 0x42), -EOPNOTSUPP);
	n = from_pf(0x42, SVNIC_MBX_F_REPLY, EOPNOTSUPP, NULL, 0);
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, 0x42), 0);
	n = from_pf(0x42, SVNIC_MBX_F_REPLY, EOPNOTSUPP, "abcd", 4);
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, 0x42), -EMSGSIZE);
}

static void
test_from_pf_replies(void)
{
	struct svnic_mbx_hello h = { .major = 1, .minor = 0, .caps = 0xff };
	struct svnic_mbx_stats st = { .rx_packets = 1 };
	uint8_t junk[64] = { 0 };
	uint16_t op;
	size_t n;

	/* HELLO */
	n = from_pf(SVNIC_MBX_OP_HELLO, SVNIC_MBX_F_REPLY, 0, &h, sizeof(h));
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_HELLO), 0);
	h.minor = SVNIC_MBX_VERSION_MINOR + 1;
	n = from_pf(SVNIC_MBX_OP_HELLO, SVNIC_MBX_F_REPLY, 0, &h, sizeof(h));
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_HELLO),
			-EPROTONOSUPPORT);
	h.minor = 0;
	h.major = 2;
	n = from_pf(SVNIC_MBX_OP_HELLO, SVNIC_MBX_F_REPLY, 0, &h, sizeof(h));
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_HELLO),
			-EPROTONOSUPPORT);
	n = from_pf(SVNIC_MBX_OP_HELLO, SVNIC_MBX_F_REPLY, 0, &h, sizeof(h) - 1);
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_HELLO), -EMSGSIZE);
	/* a refusal: status and no payload */
	n = from_pf(SVNIC_MBX_OP_HELLO, SVNIC_MBX_F_REPLY, EPROTONOSUPPORT, NULL, 0);
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_HELLO), 0);
	n = from_pf(SVNIC_MBX_OP_HELLO, SVNIC_MBX_F_REPLY, EPROTONOSUPPORT, &h, sizeof(h));
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_HELLO), -EMSGSIZE);
	/* GET_STATS */
	n = from_pf(SVNIC_MBX_OP_GET_STATS, SVNIC_MBX_F_REPLY, 0, &st, sizeof(st));
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_GET_STATS), 0);
	st.rsvd = 1;
	n = from_pf(SVNIC_MBX_OP_GET_STATS, SVNIC_MBX_F_REPLY, 0, &st, sizeof(st));
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_GET_STATS), -EINVAL);
	n = from_pf(SVNIC_MBX_OP_GET_STATS, SVNIC_MBX_F_REPLY, 0, NULL, 0);
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_GET_STATS),
			-EMSGSIZE);
	/* every other reply is empty */
	for (op = SVNIC_MBX_OP_SET_MAC; op <= SVNIC_MBX_OP_REQ_MAX; op++) {
		if (op == SVNIC_MBX_OP_GET_STATS)
			continue;
		n = from_pf(op, SVNIC_MBX_F_REPLY, 0, NULL, 0);
		CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, op), 0);
		n = from_pf(op, SVNIC_MBX_F_REPLY, 0, junk, 4);
		CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, op), -EMSGSIZE);
		n = from_pf(op, SVNIC_MBX_F_REPLY, EPERM, NULL, 0);
		CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, op), 0);
	}
}

static void
test_from_pf_resources(void)
{
	struct svnic_mbx_resources r = resources_ok();

	CU_ASSERT_EQUAL(vres(&r), 0);
#define BAD_RES(field, value) do {			\
		r = resources_ok();			\
		r.field = (value);			\
		CU_ASSERT_EQUAL(vres(&r), -EINVAL);	\
	} while (0)
	BAD_RES(num_queue_pairs, 0);
	BAD_RES(min_mtu, SVNIC_MTU_MIN - 1);
	BAD_RES(max_mtu, SVNIC_MTU_MAX + 1);
	BAD_RES(min_mtu, 9601);
	r.min_mtu = 2000;	/* min above max */
	r.max_mtu = 1500;
	CU_ASSERT_EQUAL(vres(&r), -EINVAL);
	BAD_RES(max_mtu, 67);
	BAD_RES(rss_key_size, SVNIC_RSS_KEY_MAX + 1);
	BAD_RES(rss_table_size, 48);
	BAD_RES(rss_table_size, SVNIC_RSS_TABLE_MAX * 2);
	BAD_RES(rss_hash_types, 1ull << 63);
	BAD_RES(max_mac_filters, SVNIC_MBX_MAC_FILTERS_MAX + 1);
	BAD_RES(max_vlan_filters, SVNIC_MBX_VLAN_FILTERS_MAX + 1);
	BAD_RES(max_mc_addrs, SVNIC_MBX_MC_ADDRS_MAX + 1);
	BAD_RES(port_vlan, 4095);
	BAD_RES(port_vlan, 0);		/* CAP_PORT_VLAN without a VLAN */
	BAD_RES(caps, SVNIC_MBX_CAP_RSS);	/* a VLAN without CAP_PORT_VLAN */
	BAD_RES(rsvd, 1);
	r = resources_ok();
	r.mac[0] = 0x01;
	CU_ASSERT_EQUAL(vres(&r), -EINVAL);
	memcpy(r.mac, mac_zero, 6);
	CU_ASSERT_EQUAL(vres(&r), -EINVAL);
#undef BAD_RES
	r = resources_ok();
	r.port_vlan = 0;
	r.caps = 0;
	r.rss_table_size = 0;
	r.rss_key_size = 0;
	CU_ASSERT_EQUAL(vres(&r), 0);
}

static void
test_from_pf_notices(void)
{
	struct svnic_mbx_link l = { .link_up = 1, .full_duplex = 1, .speed_mbps = 10000 };
	struct svnic_mbx_reset_notice rn = { .reason = SVNIC_MBX_RESET_PF };
	size_t n;

	/* req_opcode is irrelevant for notices */
	n = from_pf(SVNIC_MBX_OP_LINK_EVENT, SVNIC_MBX_F_NOTICE, 0, &l, sizeof(l));
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, 0), 0);
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, SVNIC_MBX_OP_HELLO), 0);
	hdr()->status = 1;
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, 0), -EINVAL);
	l.link_up = 2;
	n = from_pf(SVNIC_MBX_OP_LINK_EVENT, SVNIC_MBX_F_NOTICE, 0, &l, sizeof(l));
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, 0), -EINVAL);
	l.link_up = 0;
	l.full_duplex = 2;
	n = from_pf(SVNIC_MBX_OP_LINK_EVENT, SVNIC_MBX_F_NOTICE, 0, &l, sizeof(l));
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, 0), -EINVAL);
	l.full_duplex = 0;
	l.rsvd = 1;
	n = from_pf(SVNIC_MBX_OP_LINK_EVENT, SVNIC_MBX_F_NOTICE, 0, &l, sizeof(l));
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, 0), -EINVAL);
	n = from_pf(SVNIC_MBX_OP_LINK_EVENT, SVNIC_MBX_F_NOTICE, 0, &l, 4);
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, 0), -EMSGSIZE);

	n = from_pf(SVNIC_MBX_OP_RESET_NOTICE, SVNIC_MBX_F_NOTICE, 0, &rn, sizeof(rn));
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, 0), 0);
	rn.reason = SVNIC_MBX_RESET_OPERATOR;
	n = from_pf(SVNIC_MBX_OP_RESET_NOTICE, SVNIC_MBX_F_NOTICE, 0, &rn, sizeof(rn));
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, 0), 0);
	rn.reason = 0;
	n = from_pf(SVNIC_MBX_OP_RESET_NOTICE, SVNIC_MBX_F_NOTICE, 0, &rn, sizeof(rn));
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, 0), -EINVAL);
	rn.reason = 3;
	n = from_pf(SVNIC_MBX_OP_RESET_NOTICE, SVNIC_MBX_F_NOTICE, 0, &rn, sizeof(rn));
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, 0), -EINVAL);
	rn.reason = SVNIC_MBX_RESET_PF;
	rn.rsvd = 1;
	n = from_pf(SVNIC_MBX_OP_RESET_NOTICE, SVNIC_MBX_F_NOTICE, 0, &rn, sizeof(rn));
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, 0), -EINVAL);

	n = from_pf(SVNIC_MBX_OP_PF_GOING_DOWN, SVNIC_MBX_F_NOTICE, 0, NULL, 0);
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, 0), 0);
	n = from_pf(SVNIC_MBX_OP_PF_GOING_DOWN, SVNIC_MBX_F_NOTICE, 0, &rn, sizeof(rn));
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(msg, n, 0), -EMSGSIZE);
}

/* --- builder and names --- */

static void
test_build(void)
{
	uint8_t buf[64];
	struct svnic_mbx_hdr h;
	uint32_t v = 0xdeadbeef;

	CU_ASSERT_EQUAL(svnic_mbx_build(NULL, 64, 1, 0, 0, 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(svnic_mbx_build(buf, HDR - 1, 1, 0, 0, 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(svnic_mbx_build(buf, HDR + 3, 1, 0, 0, 0, &v, 4), 0);
	CU_ASSERT_EQUAL(svnic_mbx_build(buf, sizeof(buf), 1, 0, 0, 0, NULL, 4), 0);
	CU_ASSERT_EQUAL(svnic_mbx_build(msg, sizeof(msg), 1, 0, 0, 0, msg,
					SVNIC_MBX_MSG_MAX - HDR + 1), 0);
	CU_ASSERT_EQUAL(svnic_mbx_build(buf, HDR + 4, SVNIC_MBX_OP_SET_MTU,
					SVNIC_MBX_F_REPLY, 42, 5, &v, 4), HDR + 4);
	memcpy(&h, buf, sizeof(h));
	CU_ASSERT_EQUAL(h.version, SVNIC_MBX_VERSION(SVNIC_MBX_VERSION_MAJOR,
						     SVNIC_MBX_VERSION_MINOR));
	CU_ASSERT_EQUAL(h.opcode, SVNIC_MBX_OP_SET_MTU);
	CU_ASSERT_EQUAL(h.flags, SVNIC_MBX_F_REPLY);
	CU_ASSERT_EQUAL(h.len, 4);
	CU_ASSERT_EQUAL(h.seq, 42);
	CU_ASSERT_EQUAL(h.status, 5);
	CU_ASSERT_EQUAL(memcmp(buf + HDR, &v, 4), 0);
	/* payload already in place after the header */
	memcpy(buf + HDR, "wxyz", 4);
	CU_ASSERT_EQUAL(svnic_mbx_build(buf, sizeof(buf), 2, 0, 1, 0, buf + HDR, 4), HDR + 4);
	CU_ASSERT_EQUAL(memcmp(buf + HDR, "wxyz", 4), 0);
	CU_ASSERT_EQUAL(svnic_mbx_build(msg, sizeof(msg), 1, 0, 0, 0, msg + HDR,
					SVNIC_MBX_MSG_MAX - HDR), SVNIC_MBX_MSG_MAX);
}

static void
test_op_names(void)
{
	CU_ASSERT_STRING_EQUAL(svnic_mbx_op_name(SVNIC_MBX_OP_HELLO), "HELLO");
	CU_ASSERT_STRING_EQUAL(svnic_mbx_op_name(SVNIC_MBX_OP_SET_MAC), "SET_MAC");
	CU_ASSERT_STRING_EQUAL(svnic_mbx_op_name(SVNIC_MBX_OP_RESET_REQUEST),
			       "RESET_REQUEST");
	CU_ASSERT_STRING_EQUAL(svnic_mbx_op_name(SVNIC_MBX_OP_LINK_EVENT), "LINK_EVENT");
	CU_ASSERT_STRING_EQUAL(svnic_mbx_op_name(SVNIC_MBX_OP_PF_GOING_DOWN),
			       "PF_GOING_DOWN");
	CU_ASSERT_STRING_EQUAL(svnic_mbx_op_name(0), "UNKNOWN");
	CU_ASSERT_STRING_EQUAL(svnic_mbx_op_name(SVNIC_MBX_OP_REQ_MAX + 1), "UNKNOWN");
	CU_ASSERT_STRING_EQUAL(svnic_mbx_op_name(0x80), "UNKNOWN");
	CU_ASSERT_STRING_EQUAL(svnic_mbx_op_name(0x84), "UNKNOWN");
	CU_ASSERT_STRING_EQUAL(svnic_mbx_op_name(0xffff), "UNKNOWN");
}

static CU_TestInfo framing_tests[] = {
	UNIT_TEST(test_truncated),
	UNIT_TEST(test_oversized),
	UNIT_TEST(test_len_mismatch),
	UNIT_TEST(test_wrong_major),
	UNIT_TEST(test_unknown_opcode),
	UNIT_TEST(test_bad_flags),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo request_tests[] = {
	UNIT_TEST(test_payload_sizes),
	UNIT_TEST(test_bad_hello),
	UNIT_TEST(test_bad_mac),
	UNIT_TEST(test_bad_mc_list),
	UNIT_TEST(test_bad_enable),
	UNIT_TEST(test_bad_vlan),
	UNIT_TEST(test_bad_rss),
	UNIT_TEST(test_bad_mtu),
	UNIT_TEST(test_requests_ok),
	CU_TEST_INFO_NULL,
};

/* ---- the shared TX mailbox (device spec 1.3) ---- */

/* A VF's notify page and TX window, as the PF maps them. */
static struct {
	uint8_t notify[4096];
	uint8_t win[SVNIC_MBX_MSG_MAX];
} shm;

static uint32_t *
shm_word(uint32_t off)
{
	return (uint32_t *)(shm.notify + (off - SVNIC_REG_NOTIFY_PAGE));
}

static size_t
shm_msg(uint8_t *buf, uint32_t seq)
{
	return svnic_mbx_build(buf, SVNIC_MBX_MSG_MAX, SVNIC_MBX_OP_GET_STATS, 0, seq, 0,
			       NULL, 0);
}

static void
test_shtx_round_trip(void)
{
	uint8_t msg[SVNIC_MBX_MSG_MAX], out[SVNIC_MBX_MSG_MAX];
	uint32_t vf_seq = 0, last = 0;
	size_t n = shm_msg(msg, 7);

	memset(&shm, 0, sizeof(shm));
	/* nothing written yet: nothing to take */
	CU_ASSERT_EQUAL(svnic_mbx_shtx_read(shm.notify, shm.win, &last, 0, out, sizeof(out)), 0);
	svnic_mbx_shtx_write(shm.notify, shm.win, msg, (uint16_t)n, &vf_seq);
	CU_ASSERT_EQUAL(vf_seq, 2);
	CU_ASSERT_EQUAL(*shm_word(SVNIC_NOTIFY_SHTX_SEQ), 2);
	CU_ASSERT_EQUAL(*shm_word(SVNIC_NOTIFY_SHTX_LEN), n);
	CU_ASSERT_EQUAL(svnic_mbx_shtx_read(shm.notify, shm.win, &last, 0, out, sizeof(out)),
			(int)n);
	CU_ASSERT_EQUAL(memcmp(out, msg, n), 0);
	CU_ASSERT_EQUAL(svnic_mbx_validate_request(out, n), 0);
	CU_ASSERT_EQUAL(last, 2);
	/* taken once: the same sequence again is nothing new, even with a length */
	CU_ASSERT_EQUAL(svnic_mbx_shtx_read(shm.notify, shm.win, &last, (uint32_t)n, out,
					    sizeof(out)), 0);
	/* the next message */
	n = shm_msg(msg, 8);
	svnic_mbx_shtx_write(shm.notify, shm.win, msg, (uint16_t)n, &vf_seq);
	CU_ASSERT_EQUAL(svnic_mbx_shtx_read(shm.notify, shm.win, &last, 0, out, sizeof(out)),
			(int)n);
	CU_ASSERT_EQUAL(((struct svnic_mbx_hdr *)out)->seq, 8);
	CU_ASSERT_EQUAL(last, 4);
	/* the sequence skips 0, which means "no message" */
	vf_seq = 0xfffffffeu;
	svnic_mbx_shtx_write(shm.notify, shm.win, msg, (uint16_t)n, &vf_seq);
	CU_ASSERT_EQUAL(vf_seq, 2);
	CU_ASSERT_EQUAL(svnic_mbx_shtx_read(shm.notify, shm.win, &last, 0, out, sizeof(out)),
			(int)n);
}

static void
test_shtx_hostile_vf(void)
{
	uint8_t msg[SVNIC_MBX_MSG_MAX], out[SVNIC_MBX_MSG_MAX];
	uint32_t vf_seq = 0, last = 0;
	size_t n = shm_msg(msg, 1);

	memset(&shm, 0, sizeof(shm));
	svnic_mbx_shtx_write(shm.notify, shm.win, msg, (uint16_t)n, &vf_seq);
	/* caught writing (odd): look again later, nothing consumed */
	*shm_word(SVNIC_NOTIFY_SHTX_SEQ) = 3;
	CU_ASSERT_EQUAL(svnic_mbx_shtx_read(shm.notify, shm.win, &last, 0, out, sizeof(out)),
			-EAGAIN);
	CU_ASSERT_EQUAL(last, 0);
	/* lengths outside 16..cap: refused and consumed, never copied */
	memset(out, 0x5a, sizeof(out));
	*shm_word(SVNIC_NOTIFY_SHTX_SEQ) = 4;
	*shm_word(SVNIC_NOTIFY_SHTX_LEN) = 15;
	CU_ASSERT_EQUAL(svnic_mbx_shtx_read(shm.notify, shm.win, &last, 0, out, sizeof(out)),
			-EMSGSIZE);
	CU_ASSERT_EQUAL(last, 4);
	CU_ASSERT_EQUAL(out[0], 0x5a);
	CU_ASSERT_EQUAL(svnic_mbx_shtx_read(shm.notify, shm.win, &last, 0, out, sizeof(out)), 0);
	*shm_word(SVNIC_NOTIFY_SHTX_SEQ) = 6;
	*shm_word(SVNIC_NOTIFY_SHTX_LEN) = 0xffffffffu;
	CU_ASSERT_EQUAL(svnic_mbx_shtx_read(shm.notify, shm.win, &last, 0, out, sizeof(out)),
			-EMSGSIZE);
	/* a length that fits the window but not the caller's buffer */
	*shm_word(SVNIC_NOTIFY_SHTX_SEQ) = 8;
	*shm_word(SVNIC_NOTIFY_SHTX_LEN) = 64;
	CU_ASSERT_EQUAL(svnic_mbx_shtx_read(shm.notify, shm.win, &last, 0, out, 32), -EMSGSIZE);
	CU_ASSERT_EQUAL(out[0], 0x5a);
	/* a full 2048-byte message is fine */
	*shm_word(SVNIC_NOTIFY_SHTX_SEQ) = 10;
	*shm_word(SVNIC_NOTIFY_SHTX_LEN) = SVNIC_MBX_MSG_MAX;
	CU_ASSERT_EQUAL(svnic_mbx_shtx_read(shm.notify, shm.win, &last, 0, out, sizeof(out)),
			(int)SVNIC_MBX_MSG_MAX);
}

/* A VF driver of spec 1.2 never frames: the window is taken with MBX_TX's length. */
static void
test_shtx_legacy_vf(void)
{
	uint8_t msg[SVNIC_MBX_MSG_MAX], out[SVNIC_MBX_MSG_MAX];
	uint32_t last = 0;
	size_t n = shm_msg(msg, 3);

	memset(&shm, 0, sizeof(shm));
	memcpy(shm.win, msg, n);
	CU_ASSERT_EQUAL(svnic_mbx_shtx_read(shm.notify, shm.win, &last, 0, out, sizeof(out)), 0);
	CU_ASSERT_EQUAL(svnic_mbx_shtx_read(shm.notify, shm.win, &last, (uint32_t)n, out,
					    sizeof(out)), (int)n);
	CU_ASSERT_EQUAL(memcmp(out, msg, n), 0);
	CU_ASSERT_EQUAL(svnic_mbx_shtx_read(shm.notify, shm.win, &last, 8, out, sizeof(out)),
			-EMSGSIZE);
	CU_ASSERT_EQUAL(svnic_mbx_shtx_read(shm.notify, shm.win, &last, 4096, out, sizeof(out)),
			-EMSGSIZE);
}

/*
 * The shared RX mailbox: the PF writes only into a free window (the VF took
 * the last message, the device's own RX_VALID clear); the VF takes each
 * message once and acknowledges it; lengths are checked on both sides.
 */
static void
test_shrx_round_trip(void)
{
	uint8_t msg[SVNIC_MBX_MSG_MAX], out[SVNIC_MBX_MSG_MAX];
	uint32_t taken = 0;
	size_t n = shm_msg(msg, 5);

	memset(&shm, 0, sizeof(shm));
	CU_ASSERT_EQUAL(svnic_mbx_shrx_read(shm.notify, shm.win, &taken, out, sizeof(out)), 0);
	CU_ASSERT_EQUAL(svnic_mbx_shrx_write(shm.notify, shm.win, msg, n), 0);
	CU_ASSERT_EQUAL(*shm_word(SVNIC_NOTIFY_SHRX_SEQ), 1);
	/* not taken yet: the next waits */
	CU_ASSERT_EQUAL(svnic_mbx_shrx_write(shm.notify, shm.win, msg, n), -EAGAIN);
	CU_ASSERT_EQUAL(svnic_mbx_shrx_read(shm.notify, shm.win, &taken, out, sizeof(out)), (int)n);
	CU_ASSERT_EQUAL(memcmp(out, msg, n), 0);
	CU_ASSERT_EQUAL(*shm_word(SVNIC_NOTIFY_SHRX_ACK), 1);
	CU_ASSERT_EQUAL(svnic_mbx_shrx_read(shm.notify, shm.win, &taken, out, sizeof(out)), 0);
	/* the device's own message in the window: the PF waits too */
	*shm_word(SVNIC_NOTIFY_MBX_STATUS) = SVNIC_MBX_ST_RX_VALID;
	CU_ASSERT_EQUAL(svnic_mbx_shrx_write(shm.notify, shm.win, msg, n), -EAGAIN);
	*shm_word(SVNIC_NOTIFY_MBX_STATUS) = 0;
	CU_ASSERT_EQUAL(svnic_mbx_shrx_write(shm.notify, shm.win, msg, n), 0);
	CU_ASSERT_EQUAL(*shm_word(SVNIC_NOTIFY_SHRX_SEQ), 2);
	/* lengths the PF refuses to write */
	CU_ASSERT_EQUAL(svnic_mbx_shrx_write(shm.notify, shm.win, msg, 15), -EINVAL);
	CU_ASSERT_EQUAL(svnic_mbx_shrx_write(shm.notify, shm.win, msg, SVNIC_MBX_MSG_MAX + 1),
			-EINVAL);
	/* the sequence skips 0 */
	*shm_word(SVNIC_NOTIFY_SHRX_SEQ) = 0xffffffffu;
	*shm_word(SVNIC_NOTIFY_SHRX_ACK) = 0xffffffffu;
	CU_ASSERT_EQUAL(svnic_mbx_shrx_write(shm.notify, shm.win, msg, n), 0);
	CU_ASSERT_EQUAL(*shm_word(SVNIC_NOTIFY_SHRX_SEQ), 1);
}

/* A PF that lies about the length: the VF drops it, acknowledged, unread. */
static void
test_shrx_hostile_pf(void)
{
	uint8_t out[64];
	uint32_t taken = 0;

	memset(&shm, 0, sizeof(shm));
	memset(out, 0x5a, sizeof(out));
	*shm_word(SVNIC_NOTIFY_SHRX_SEQ) = 7;
	*shm_word(SVNIC_NOTIFY_SHRX_LEN) = 4096;
	CU_ASSERT_EQUAL(svnic_mbx_shrx_read(shm.notify, shm.win, &taken, out, sizeof(out)),
			-EMSGSIZE);
	CU_ASSERT_EQUAL(taken, 7);
	CU_ASSERT_EQUAL(*shm_word(SVNIC_NOTIFY_SHRX_ACK), 7);
	CU_ASSERT_EQUAL(out[0], 0x5a);
	/* fits the window, not the caller's buffer */
	*shm_word(SVNIC_NOTIFY_SHRX_SEQ) = 8;
	*shm_word(SVNIC_NOTIFY_SHRX_LEN) = 100;
	CU_ASSERT_EQUAL(svnic_mbx_shrx_read(shm.notify, shm.win, &taken, out, sizeof(out)),
			-EMSGSIZE);
	CU_ASSERT_EQUAL(out[0], 0x5a);
}

static CU_TestInfo shtx_tests[] = {
	UNIT_TEST(test_shtx_round_trip),
	UNIT_TEST(test_shtx_hostile_vf),
	UNIT_TEST(test_shtx_legacy_vf),
	UNIT_TEST(test_shrx_round_trip),
	UNIT_TEST(test_shrx_hostile_pf),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo queue_tests[] = {
	UNIT_TEST(test_queue_sizes),
	UNIT_TEST(test_bad_queue_cfg),
	UNIT_TEST(test_bad_queues),
	UNIT_TEST(test_queue_requests_ok),
	UNIT_TEST(test_queue_versions),
	UNIT_TEST(test_from_pf_queue_replies),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo from_pf_tests[] = {
	UNIT_TEST(test_from_pf_bad_frame),
	UNIT_TEST(test_from_pf_replies),
	UNIT_TEST(test_from_pf_resources),
	UNIT_TEST(test_from_pf_notices),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo misc_tests[] = {
	UNIT_TEST(test_build),
	UNIT_TEST(test_op_names),
	CU_TEST_INFO_NULL,
};

UNIT_MAIN(UNIT_SUITE("svnic_mbx framing", framing_tests),
	  UNIT_SUITE("svnic_mbx requests", request_tests),
	  UNIT_SUITE("svnic_mbx queues (1.1)", queue_tests),
	  UNIT_SUITE("svnic_mbx from PF", from_pf_tests),
	  UNIT_SUITE("svnic_mbx build", misc_tests),
	  UNIT_SUITE("svnic_mbx shared TX (1.3)", shtx_tests))
