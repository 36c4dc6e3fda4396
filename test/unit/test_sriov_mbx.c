/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PF's mailbox handler against a real switch: gates (state, rate, format,
 * HELLO), version negotiation, each permission rule for trusted and untrusted
 * VFs, the strike -> quarantine path, and that refusals change nothing.
 */
#include <errno.h>
#include <string.h>

#include "sriov_mbx.h"
#include "sriov_switch.h"
#include "unit.h"

#define HDR		sizeof(struct svnic_mbx_hdr)
#define MS		1000000ull
#define VF_Q		4		/* queue pairs per VF */

static struct sriov_switch *sw;
static uint64_t now = 1000 * MS;
static uint32_t next_seq = 100;
static uint8_t reply[SRIOV_MBX_REPLY_MAX + 16];
static size_t reply_len;
static unsigned int acts;
static int stats_ret;

static const uint8_t perm_mac0[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x10 };
static const uint8_t perm_mac1[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x11 };
static const uint8_t admin_mac[6] = { 0x02, 0xaa, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t guest_mac[6] = { 0x02, 0xbb, 0x00, 0x00, 0x00, 0x01 };

static int
fake_stats(void *ctx, uint16_t vf_id, struct svnic_mbx_stats *st)
{
	CU_ASSERT_PTR_EQUAL(ctx, &stats_ret);
	st->rx_packets = 1000 + vf_id;
	st->tx_bytes = 77;
	st->rsvd = 0xdead;	/* the handler clears it */
	return stats_ret;
}

#define PF_CAPS	(SVNIC_MBX_CAP_RSS | SVNIC_MBX_CAP_LINK_EVENTS | SVNIC_MBX_CAP_VLAN_STRIP | \
		 SVNIC_MBX_CAP_TX_CSUM | SVNIC_MBX_CAP_HEAD_WB)

static struct sriov_mbx_ops ops = {
	.get_stats = fake_stats,
	.pf_caps = PF_CAPS,
	.rss_key_size = 40,
	.rss_table_size = 64,
	.rss_hash_types = SVNIC_RSS_HF_IPV4 | SVNIC_RSS_HF_IPV4_TCP | SVNIC_RSS_HF_IPV6,
	.min_mtu = 68,
	.max_mtu = 9000,
};

static struct sriov_vf *
vf(uint16_t id)
{
	struct sriov_vf *v = sriov_switch_vf(sw, id);

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	return v;
}

/* VF 0 and VF 1 allocated with VPorts; VF 2 allocated without; VF 3 free. */
static void
setup(bool trust0)
{
	struct sriov_switch_cfg cfg = {
		.switch_id = 0, .total_vfs = 4, .pf_bus = 3, .pf_dev = 0, .pf_fn = 0,
		.first_vf_offset = 1, .vf_stride = 1, .total_queue_pairs = 32,
		.pf_queue_pairs = 4, .max_vectors_per_vf = 4, .numa_nodes = 1,
	};
	struct sriov_vf_params p = {
		.num_queue_pairs = VF_Q, .numa_node = SRIOV_NUMA_ANY, .num_vectors = 2,
	};
	struct sriov_vport_props props;
	uint16_t id, rid;

	sw = sriov_switch_create(&cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sw);
	CU_ASSERT_EQUAL_FATAL(sriov_switch_enable(sw, 4), 0);
	memcpy(p.perm_mac, perm_mac0, 6);
	CU_ASSERT_EQUAL_FATAL(sriov_vf_alloc(sw, &p, &id, &rid), 0);
	CU_ASSERT_EQUAL_FATAL(id, 0);
	memcpy(p.perm_mac, perm_mac1, 6);
	CU_ASSERT_EQUAL_FATAL(sriov_vf_alloc(sw, &p, &id, &rid), 0);
	p.perm_mac[5] = 0x12;
	CU_ASSERT_EQUAL_FATAL(sriov_vf_alloc(sw, &p, &id, &rid), 0);
	sriov_vport_props_init(&props);
	props.trust = trust0;
	CU_ASSERT_EQUAL_FATAL(sriov_vport_create(sw, 0, SRIOV_QUEUE_AUTO, 0, &props), 0);
	props.trust = !trust0;
	CU_ASSERT_EQUAL_FATAL(sriov_vport_create(sw, 1, SRIOV_QUEUE_AUTO, 0, &props), 0);
	/* the bucket's settings are ours to pick: the switch's defaults may differ */
	sriov_ratelimit_init(&vf(0)->mbx_rl, 0, 0, 0, now);
	sriov_ratelimit_init(&vf(1)->mbx_rl, 0, 0, 0, now);
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
	unit_log_capture();
}

static void
teardown(void)
{
	sriov_switch_destroy(sw);
	sw = NULL;
}

static const struct svnic_mbx_hdr *
rhdr(void)
{
	static struct svnic_mbx_hdr h;

	memcpy(&h, reply, sizeof(h));
	return &h;
}

/* Hand raw bytes to the handler; checks the reply is one the VF can decode. */
static uint32_t
raw(uint16_t id, const void *msg, size_t len, uint16_t op)
{
	int ret;

	now += MS;
	ret = sriov_mbx_handle(sw, id, &ops, &stats_ret, now, msg, len, reply, sizeof(reply),
			       &reply_len, &acts);
	CU_ASSERT_EQUAL_FATAL(ret, 0);
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(reply, reply_len, op), 0);
	return rhdr()->status;
}

/* Send a request; the reply must echo the seq. Accepted ones keep the switch sound. */
static uint32_t
mbx(uint16_t id, uint16_t op, const void *pl, uint16_t len)
{
	uint8_t msg[SVNIC_MBX_MSG_MAX];
	uint32_t seq = next_seq++;
	size_t n = svnic_mbx_build(msg, sizeof(msg), op, 0, seq, 0, pl, len);
	uint32_t status;

	CU_ASSERT_FATAL(n != 0);
	status = raw(id, msg, n, op);
	CU_ASSERT_EQUAL(rhdr()->seq, seq);
	CU_ASSERT_EQUAL(rhdr()->opcode, op);
	if (status == 0)
		CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
	return status;
}

/* A refused request: the expected errno, nothing done, nothing for the caller to do. */
static void
refused(uint16_t id, uint16_t op, const void *pl, uint16_t len, uint32_t err)
{
	struct sriov_vf_guest before;

	/* memcpy, not assignment: padding bytes take part in the comparison */
	memcpy(&before, &vf(id)->guest, sizeof(before));
	CU_ASSERT_EQUAL(mbx(id, op, pl, len), err);
	CU_ASSERT_EQUAL(memcmp(&before, &vf(id)->guest, sizeof(before)), 0);
	CU_ASSERT_EQUAL(acts & ~SRIOV_MBX_ACT_QUARANTINED, 0);
	CU_ASSERT_EQUAL(rhdr()->len, 0);
}

static void
hello(uint16_t id)
{
	struct svnic_mbx_hello h = { .major = 1, .minor = SVNIC_MBX_VERSION_MINOR };

	CU_ASSERT_EQUAL_FATAL(mbx(id, SVNIC_MBX_OP_HELLO, &h, sizeof(h)), 0);
}

static struct svnic_mbx_resources
resources(uint16_t id)
{
	struct svnic_mbx_resources r;

	CU_ASSERT_EQUAL(mbx(id, SVNIC_MBX_OP_GET_RESOURCES, NULL, 0), 0);
	CU_ASSERT_EQUAL(reply_len, HDR + sizeof(r));
	memcpy(&r, reply + HDR, sizeof(r));
	return r;
}

static uint32_t
mac_op(uint16_t id, uint16_t op, const uint8_t *mac)
{
	struct svnic_mbx_mac m = { .rsvd = 0 };

	memcpy(m.addr, mac, 6);
	return mbx(id, op, &m, sizeof(m));
}

static void
mac_refused(uint16_t id, uint16_t op, const uint8_t *mac, uint32_t err)
{
	struct svnic_mbx_mac m = { .rsvd = 0 };

	memcpy(m.addr, mac, 6);
	refused(id, op, &m, sizeof(m), err);
}

static uint32_t
enable_op(uint16_t id, uint16_t op, uint8_t on)
{
	struct svnic_mbx_enable e = { .enable = on };

	return mbx(id, op, &e, sizeof(e));
}

static uint32_t
vlan_op(uint16_t id, uint16_t op, uint16_t vid)
{
	struct svnic_mbx_vlan v = { .vlan_id = vid };

	return mbx(id, op, &v, sizeof(v));
}

static bool
vlan_set(uint16_t id, uint16_t vid)
{
	return (vf(id)->guest.vlan_bitmap[vid / 8] >> (vid % 8)) & 1;
}

static uint8_t rss_buf[sizeof(struct svnic_mbx_rss) + SVNIC_RSS_TABLE_MAX * 2];

static struct svnic_mbx_rss *
rss_init(uint16_t table_len)
{
	struct svnic_mbx_rss *r = (struct svnic_mbx_rss *)rss_buf;
	uint16_t i;

	memset(rss_buf, 0, sizeof(rss_buf));
	r->hash_func = SVNIC_RSS_FUNC_TOEPLITZ;
	r->key_len = 40;
	memset(r->key, 0x6d, 40);
	r->hash_types = SVNIC_RSS_HF_IPV4 | SVNIC_RSS_HF_IPV4_TCP;
	r->table_len = table_len;
	for (i = 0; i < table_len; i++)
		r->table[i] = i % VF_Q;
	return r;
}

static uint16_t
rss_len(const struct svnic_mbx_rss *r)
{
	return (uint16_t)(sizeof(*r) + r->table_len * 2);
}

/* --- arguments and gates --- */

static void
test_bad_args(void)
{
	uint8_t msg[HDR];
	struct sriov_mbx_ops bad = ops;

	setup(false);
	svnic_mbx_build(msg, sizeof(msg), SVNIC_MBX_OP_GET_STATS, 0, 1, 0, NULL, 0);
	CU_ASSERT_EQUAL(sriov_mbx_handle(NULL, 0, &ops, NULL, now, msg, HDR, reply,
					 sizeof(reply), &reply_len, &acts), -EINVAL);
	CU_ASSERT_EQUAL(sriov_mbx_handle(sw, 0, NULL, NULL, now, msg, HDR, reply,
					 sizeof(reply), &reply_len, &acts), -EINVAL);
	CU_ASSERT_EQUAL(sriov_mbx_handle(sw, 0, &ops, NULL, now, NULL, HDR, reply,
					 sizeof(reply), &reply_len, &acts), -EINVAL);
	CU_ASSERT_EQUAL(sriov_mbx_handle(sw, 0, &ops, NULL, now, msg, HDR, NULL,
					 sizeof(reply), &reply_len, &acts), -EINVAL);
	CU_ASSERT_EQUAL(sriov_mbx_handle(sw, 0, &ops, NULL, now, msg, HDR, reply,
					 sizeof(reply), NULL, &acts), -EINVAL);
	CU_ASSERT_EQUAL(sriov_mbx_handle(sw, 0, &ops, NULL, now, msg, HDR, reply,
					 sizeof(reply), &reply_len, NULL), -EINVAL);
	CU_ASSERT_EQUAL(sriov_mbx_handle(sw, 0, &ops, NULL, now, msg, HDR, reply,
					 SRIOV_MBX_REPLY_MAX - 1, &reply_len, &acts), -ENOBUFS);
	CU_ASSERT_EQUAL(reply_len, 0);
	CU_ASSERT_EQUAL(sriov_mbx_handle(sw, 200, &ops, NULL, now, msg, HDR, reply,
					 sizeof(reply), &reply_len, &acts), -ENODEV);
	bad.rss_table_size = 48;
	CU_ASSERT_EQUAL(sriov_mbx_handle(sw, 0, &bad, NULL, now, msg, HDR, reply,
					 sizeof(reply), &reply_len, &acts), -EINVAL);
	bad = ops;
	bad.rss_key_size = SVNIC_RSS_KEY_MAX + 1;
	CU_ASSERT_EQUAL(sriov_mbx_handle(sw, 0, &bad, NULL, now, msg, HDR, reply,
					 sizeof(reply), &reply_len, &acts), -EINVAL);
	bad = ops;
	bad.rss_hash_types = 1ull << 40;
	CU_ASSERT_EQUAL(sriov_mbx_handle(sw, 0, &bad, NULL, now, msg, HDR, reply,
					 sizeof(reply), &reply_len, &acts), -EINVAL);
	bad = ops;
	bad.min_mtu = 9000;
	bad.max_mtu = 1500;
	CU_ASSERT_EQUAL(sriov_mbx_handle(sw, 0, &bad, NULL, now, msg, HDR, reply,
					 sizeof(reply), &reply_len, &acts), -EINVAL);
	bad.min_mtu = 10;
	bad.max_mtu = 0;
	CU_ASSERT_EQUAL(sriov_mbx_handle(sw, 0, &bad, NULL, now, msg, HDR, reply,
					 sizeof(reply), &reply_len, &acts), -EINVAL);
	CU_ASSERT_EQUAL(reply_len, 0);
	CU_ASSERT_EQUAL(vf(0)->mbx_rl.strikes, 0);
	teardown();
}

static void
test_headerless(void)
{
	uint8_t msg[HDR] = { 0x01, 0x02, 0x03 };
	struct sriov_vf_guest before;
	size_t n;

	setup(false);
	memcpy(&before, &vf(0)->guest, sizeof(before));
	for (n = 0; n < HDR; n++) {
		CU_ASSERT_EQUAL(raw(0, n == 0 ? NULL : msg, n, 0), EMSGSIZE);
		CU_ASSERT_EQUAL(rhdr()->seq, 0);
		CU_ASSERT_EQUAL(rhdr()->opcode, 0);
		CU_ASSERT_EQUAL(reply_len, HDR);
	}
	/* each one a strike, nothing configured */
	CU_ASSERT_EQUAL(vf(0)->mbx_rl.strikes, HDR);
	CU_ASSERT_EQUAL(memcmp(&before, &vf(0)->guest, sizeof(before)), 0);
	teardown();
}

static void
test_malformed(void)
{
	uint8_t msg[HDR + 8];
	struct svnic_mbx_hdr h;
	struct svnic_mbx_vlan v = { .vlan_id = 4095 };

	setup(false);
	hello(0);
	/* wrong major in the header: refused with the seq echoed */
	svnic_mbx_build(msg, sizeof(msg), SVNIC_MBX_OP_GET_RESOURCES, 0, 4242, 0, NULL, 0);
	memcpy(&h, msg, sizeof(h));
	h.version = SVNIC_MBX_VERSION(2, 0);
	memcpy(msg, &h, sizeof(h));
	CU_ASSERT_EQUAL(raw(0, msg, HDR, SVNIC_MBX_OP_GET_RESOURCES), EPROTONOSUPPORT);
	CU_ASSERT_EQUAL(rhdr()->seq, 4242);
	CU_ASSERT_EQUAL(vf(0)->mbx_rl.strikes, 1);
	/* length mismatch */
	h.version = SVNIC_MBX_VERSION(1, 0);
	h.len = 4;
	memcpy(msg, &h, sizeof(h));
	CU_ASSERT_EQUAL(raw(0, msg, HDR, SVNIC_MBX_OP_GET_RESOURCES), EMSGSIZE);
	CU_ASSERT_EQUAL(vf(0)->mbx_rl.strikes, 2);
	/* unknown opcodes, a notice sent as a request */
	refused(0, 0x33, NULL, 0, EOPNOTSUPP);
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(reply, reply_len, 0x33), 0);
	refused(0, SVNIC_MBX_OP_LINK_EVENT, NULL, 0, EOPNOTSUPP);
	/* a bad field */
	refused(0, SVNIC_MBX_OP_ADD_VLAN, &v, sizeof(v), EINVAL);
	CU_ASSERT_EQUAL(vf(0)->mbx_rl.strikes, 5);
	/* flags on a request */
	svnic_mbx_build(msg, sizeof(msg), SVNIC_MBX_OP_GET_STATS, SVNIC_MBX_F_REPLY, 9, 0,
			NULL, 0);
	CU_ASSERT_EQUAL(raw(0, msg, HDR, SVNIC_MBX_OP_GET_STATS), EINVAL);
	CU_ASSERT_EQUAL(vf(0)->mbx_rl.strikes, 6);
	CU_ASSERT_EQUAL(vf(1)->mbx_rl.strikes, 0);
	teardown();
}

static void
test_vf_state(void)
{
	setup(false);
	/* allocated, no VPort */
	refused(2, SVNIC_MBX_OP_GET_RESOURCES, NULL, 0, ENOTCONN);
	/* being reset: try again later */
	CU_ASSERT_EQUAL(sriov_vf_reset_begin(sw, 0, false), 0);
	refused(0, SVNIC_MBX_OP_GET_RESOURCES, NULL, 0, EAGAIN);
	CU_ASSERT_EQUAL(sriov_vf_reset_done(sw, 0), 0);
	hello(0);
	/* quarantined: refused outright, no strike */
	CU_ASSERT_EQUAL(sriov_vf_quarantine(sw, 1), 0);
	refused(1, SVNIC_MBX_OP_HELLO, NULL, 0, EPERM);
	CU_ASSERT_EQUAL(vf(1)->mbx_rl.strikes, 0);
	teardown();
}

/* A well-formed payload for @p op in @p buf; returns its length. */
static uint16_t
valid_payload(uint16_t op, uint8_t *buf)
{
	struct svnic_mbx_hello h = { .major = 1 };
	struct svnic_mbx_mac m = { .rsvd = 0 };
	struct svnic_mbx_mc_list l = { .count = 0 };
	struct svnic_mbx_enable e = { .enable = 0 };
	struct svnic_mbx_vlan v = { .vlan_id = 10 };
	struct svnic_mbx_mtu mtu = { .mtu = 1500 };
	struct svnic_mbx_queue_cfg qc = {
		.queue = 0, .type = SVNIC_MBX_QTYPE_RX, .ring_size = 512, .buf_size = 2048,
		.ring_addr = 0x100000, .vector = SVNIC_MBX_QUEUE_NO_VECTOR,
	};
	struct svnic_mbx_queues qs = { .rx = 1 };
	struct svnic_mbx_rss *r;

	memcpy(m.addr, guest_mac, 6);
	switch (op) {
	case SVNIC_MBX_OP_CONFIG_QUEUE:
		memcpy(buf, &qc, sizeof(qc));
		return sizeof(qc);
	case SVNIC_MBX_OP_ENABLE_QUEUES:
	case SVNIC_MBX_OP_DISABLE_QUEUES:
		memcpy(buf, &qs, sizeof(qs));
		return sizeof(qs);
	case SVNIC_MBX_OP_HELLO:
		memcpy(buf, &h, sizeof(h));
		return sizeof(h);
	case SVNIC_MBX_OP_SET_MAC:
	case SVNIC_MBX_OP_ADD_MAC_FILTER:
	case SVNIC_MBX_OP_DEL_MAC_FILTER:
		memcpy(buf, &m, sizeof(m));
		return sizeof(m);
	case SVNIC_MBX_OP_SET_MULTICAST_LIST:
		memcpy(buf, &l, sizeof(l));
		return sizeof(l);
	case SVNIC_MBX_OP_SET_PROMISC:
	case SVNIC_MBX_OP_SET_ALLMULTI:
	case SVNIC_MBX_OP_SET_VLAN_STRIP:
		memcpy(buf, &e, sizeof(e));
		return sizeof(e);
	case SVNIC_MBX_OP_ADD_VLAN:
	case SVNIC_MBX_OP_DEL_VLAN:
		memcpy(buf, &v, sizeof(v));
		return sizeof(v);
	case SVNIC_MBX_OP_CONFIG_RSS:
		r = rss_init(4);
		memcpy(buf, r, rss_len(r));
		return rss_len(r);
	case SVNIC_MBX_OP_SET_MTU:
		memcpy(buf, &mtu, sizeof(mtu));
		return sizeof(mtu);
	default:
		return 0;
	}
}

static void
test_before_hello(void)
{
	uint8_t pl[256];
	uint16_t op, len;

	setup(true);
	for (op = SVNIC_MBX_OP_GET_RESOURCES; op <= SVNIC_MBX_OP_REQ_MAX; op++) {
		len = valid_payload(op, pl);
		refused(0, op, pl, len, EPROTO);
	}
	/* refused for the session, not malformed: no strikes */
	CU_ASSERT_EQUAL(vf(0)->mbx_rl.strikes, 0);
	hello(0);
	for (op = SVNIC_MBX_OP_GET_RESOURCES; op <= SVNIC_MBX_OP_REQ_MAX; op++) {
		len = valid_payload(op, pl);
		CU_ASSERT_EQUAL(mbx(0, op, pl, len), 0);
	}
	/* the other VF's session is its own */
	refused(1, SVNIC_MBX_OP_GET_RESOURCES, NULL, 0, EPROTO);
	teardown();
}

static void
test_hello_version(void)
{
	struct svnic_mbx_hello h = { .major = 2, .minor = 0 };
	struct svnic_mbx_hello out;

	setup(false);
	/* another major in the offer: a reply saying so, no session */
	refused(0, SVNIC_MBX_OP_HELLO, &h, sizeof(h), EPROTONOSUPPORT);
	CU_ASSERT_FALSE(vf(0)->guest.hello_done);
	CU_ASSERT_EQUAL(vf(0)->mbx_rl.strikes, 0);
	/* a newer minor: both speak the lower one */
	h.major = 1;
	h.minor = SVNIC_MBX_VERSION_MINOR + 5;
	h.caps = 0xffffffff;
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_HELLO, &h, sizeof(h)), 0);
	CU_ASSERT_EQUAL(reply_len, HDR + sizeof(out));
	memcpy(&out, reply + HDR, sizeof(out));
	CU_ASSERT_EQUAL(out.major, SVNIC_MBX_VERSION_MAJOR);
	CU_ASSERT_EQUAL(out.minor, SVNIC_MBX_VERSION_MINOR);
	CU_ASSERT_EQUAL(out.caps, SVNIC_MBX_CAP_RSS | SVNIC_MBX_CAP_LINK_EVENTS);
	CU_ASSERT_TRUE(vf(0)->guest.hello_done);
	CU_ASSERT_EQUAL(vf(0)->guest.mbx_version,
			SVNIC_MBX_VERSION(SVNIC_MBX_VERSION_MAJOR, SVNIC_MBX_VERSION_MINOR));
	CU_ASSERT_EQUAL(rhdr()->version, vf(0)->guest.mbx_version);
	CU_ASSERT_EQUAL(acts, SRIOV_MBX_ACT_GUEST_UP);
	/* the shared RX mailbox only when the VF offers it and the PF can */
	CU_ASSERT_FALSE(vf(0)->guest.shared_rx);
	h.minor = SVNIC_MBX_VERSION_MINOR;
	h.caps = SVNIC_MBX_CAP_SHARED_RX;
	ops.pf_caps = PF_CAPS | SVNIC_MBX_CAP_SHARED_RX;
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_HELLO, &h, sizeof(h)), 0);
	memcpy(&out, reply + HDR, sizeof(out));
	CU_ASSERT(out.caps & SVNIC_MBX_CAP_SHARED_RX);
	CU_ASSERT_TRUE(vf(0)->guest.shared_rx);
	h.caps = 0;
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_HELLO, &h, sizeof(h)), 0);
	memcpy(&out, reply + HDR, sizeof(out));
	CU_ASSERT_FALSE(out.caps & SVNIC_MBX_CAP_SHARED_RX);
	CU_ASSERT_FALSE(vf(0)->guest.shared_rx);
	h.caps = SVNIC_MBX_CAP_SHARED_RX;
	h.minor = 1;		/* a 1.1 session has none */
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_HELLO, &h, sizeof(h)), 0);
	CU_ASSERT_FALSE(vf(0)->guest.shared_rx);
	ops.pf_caps = PF_CAPS;
	h.minor = SVNIC_MBX_VERSION_MINOR;
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_HELLO, &h, sizeof(h)), 0);
	CU_ASSERT_FALSE(vf(0)->guest.shared_rx);
	/* HELLO again renegotiates; the driver was already up */
	h.minor = 0;
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_HELLO, &h, sizeof(h)), 0);
	CU_ASSERT_EQUAL(acts, 0);
	CU_ASSERT_EQUAL(vf(0)->guest.mbx_version, SVNIC_MBX_VERSION(1, 0));
	/* a failed re-HELLO keeps the session */
	h.major = 0;
	refused(0, SVNIC_MBX_OP_HELLO, &h, sizeof(h), EPROTONOSUPPORT);
	CU_ASSERT_TRUE(vf(0)->guest.hello_done);
	teardown();
}

/* --- opcodes and permissions --- */

static void
test_get_resources(void)
{
	struct svnic_mbx_resources r;

	setup(false);
	hello(0);
	hello(1);
	/* untrusted, nothing set by the operator: the permanent MAC */
	r = resources(0);
	CU_ASSERT_EQUAL(r.num_queue_pairs, VF_Q);
	CU_ASSERT_EQUAL(r.min_mtu, 68);
	CU_ASSERT_EQUAL(r.max_mtu, 9000);
	CU_ASSERT_EQUAL(r.rss_key_size, 40);
	CU_ASSERT_EQUAL(r.rss_table_size, 64);
	CU_ASSERT_EQUAL(r.rss_hash_types, ops.rss_hash_types);
	CU_ASSERT_EQUAL(r.max_mac_filters, SRIOV_UNTRUSTED_MAC_FILTERS);
	CU_ASSERT_EQUAL(r.max_vlan_filters, SRIOV_UNTRUSTED_VLAN_FILTERS);
	CU_ASSERT_EQUAL(r.max_mc_addrs, SVNIC_MBX_MC_ADDRS_MAX);
	CU_ASSERT_EQUAL(memcmp(r.mac, perm_mac0, 6), 0);
	CU_ASSERT_EQUAL(r.port_vlan, 0);
	CU_ASSERT_EQUAL(r.caps, SVNIC_MBX_CAP_RSS | SVNIC_MBX_CAP_LINK_EVENTS |
			SVNIC_MBX_CAP_QUEUE_CFG | SVNIC_MBX_CAP_VLAN_STRIP | SVNIC_MBX_CAP_TX_CSUM |
			SVNIC_MBX_CAP_HEAD_WB);
	/* trusted */
	r = resources(1);
	CU_ASSERT_EQUAL(r.max_mac_filters, SVNIC_MBX_MAC_FILTERS_MAX);
	CU_ASSERT_EQUAL(r.max_vlan_filters, SVNIC_MBX_VLAN_FILTERS_MAX);
	CU_ASSERT_EQUAL(memcmp(r.mac, perm_mac1, 6), 0);
	CU_ASSERT(r.caps & SVNIC_MBX_CAP_TRUSTED);
	/* the guest's own MAC, then the operator's overrides it */
	CU_ASSERT_EQUAL(mac_op(0, SVNIC_MBX_OP_SET_MAC, guest_mac), 0);
	r = resources(0);
	CU_ASSERT_EQUAL(memcmp(r.mac, guest_mac, 6), 0);
	CU_ASSERT_EQUAL(sriov_vport_set_mac(sw, 0, admin_mac), 0);
	CU_ASSERT_EQUAL(sriov_vport_set_vlan(sw, 0, 100, 0, SRIOV_VLAN_PROTO_8021Q), 0);
	r = resources(0);
	CU_ASSERT_EQUAL(memcmp(r.mac, admin_mac, 6), 0);
	CU_ASSERT_EQUAL(r.port_vlan, 100);
	CU_ASSERT_EQUAL(r.max_vlan_filters, 0);
	CU_ASSERT(r.caps & SVNIC_MBX_CAP_PORT_VLAN);
	CU_ASSERT(r.caps & SVNIC_MBX_CAP_ADMIN_MAC);
	CU_ASSERT_FALSE(r.caps & SVNIC_MBX_CAP_TRUSTED);
	/* a trusted VF that set its own MAC over the operator's uses its own */
	CU_ASSERT_EQUAL(sriov_vport_set_mac(sw, 1, admin_mac), 0);
	r = resources(1);
	CU_ASSERT_EQUAL(memcmp(r.mac, admin_mac, 6), 0);
	CU_ASSERT_EQUAL(mac_op(1, SVNIC_MBX_OP_SET_MAC, guest_mac), 0);
	r = resources(1);
	CU_ASSERT_EQUAL(memcmp(r.mac, guest_mac, 6), 0);
	/* no RSS offered: none announced */
	ops.pf_caps = 0;
	r = resources(1);
	CU_ASSERT_EQUAL(r.rss_key_size, 0);
	CU_ASSERT_EQUAL(r.rss_table_size, 0);
	CU_ASSERT_FALSE(r.caps & SVNIC_MBX_CAP_RSS);
	ops.pf_caps = PF_CAPS;
	teardown();
}

/*
 * Mailbox 1.2: the device's offloads in GET_RESOURCES (only to a 1.2
 * session), and SET_VLAN_STRIP, which only a device that strips accepts and
 * which asks the caller to program the VPort only when it changes something.
 */
static void
test_offloads_and_vlan_strip(void)
{
	struct svnic_mbx_hello h = { .major = 1, .minor = 1 };
	struct svnic_mbx_enable e = { .enable = 1 };
	struct svnic_mbx_resources r;

	setup(false);
	/* a 1.1 session: no offload bits, no SET_VLAN_STRIP */
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_HELLO, &h, sizeof(h)), 0);
	r = resources(0);
	CU_ASSERT_EQUAL(r.caps & SVNIC_MBX_CAP_OFFLOADS, 0);
	refused(0, SVNIC_MBX_OP_SET_VLAN_STRIP, &e, sizeof(e), EOPNOTSUPP);
	CU_ASSERT_FALSE(vf(0)->guest.vlan_strip);
	/* 1.2: the PF's offloads, and strip on */
	hello(0);
	r = resources(0);
	CU_ASSERT_EQUAL(r.caps & SVNIC_MBX_CAP_OFFLOADS,
			SVNIC_MBX_CAP_VLAN_STRIP | SVNIC_MBX_CAP_TX_CSUM);
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_SET_VLAN_STRIP, &e, sizeof(e)), 0);
	CU_ASSERT_TRUE(vf(0)->guest.vlan_strip);
	CU_ASSERT_EQUAL(acts, SRIOV_MBX_ACT_RX_MODE);
	/* asked again: nothing to program */
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_SET_VLAN_STRIP, &e, sizeof(e)), 0);
	CU_ASSERT_EQUAL(acts, 0);
	e.enable = 0;
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_SET_VLAN_STRIP, &e, sizeof(e)), 0);
	CU_ASSERT_FALSE(vf(0)->guest.vlan_strip);
	CU_ASSERT_EQUAL(acts, SRIOV_MBX_ACT_RX_MODE);
	/* not a boolean: malformed */
	e.enable = 2;
	refused(0, SVNIC_MBX_OP_SET_VLAN_STRIP, &e, sizeof(e), EINVAL);
	/* a device that strips nothing */
	ops.pf_caps = SVNIC_MBX_CAP_RSS;
	e.enable = 1;
	refused(0, SVNIC_MBX_OP_SET_VLAN_STRIP, &e, sizeof(e), EOPNOTSUPP);
	CU_ASSERT_FALSE(vf(0)->guest.vlan_strip);
	CU_ASSERT_EQUAL(resources(0).caps & SVNIC_MBX_CAP_OFFLOADS, 0);
	ops.pf_caps = PF_CAPS;
	teardown();
}

static void
test_set_mac(void)
{
	setup(false);
	hello(0);
	hello(1);
	/* untrusted without an operator MAC may pick its own */
	CU_ASSERT_EQUAL(mac_op(0, SVNIC_MBX_OP_SET_MAC, guest_mac), 0);
	CU_ASSERT_TRUE(vf(0)->guest.mac_set);
	CU_ASSERT_EQUAL(memcmp(vf(0)->guest.mac, guest_mac, 6), 0);
	CU_ASSERT(acts & SRIOV_MBX_ACT_FILTERS);
	/* operator's MAC: untrusted may only repeat it */
	CU_ASSERT_EQUAL(sriov_vport_set_mac(sw, 0, admin_mac), 0);
	mac_refused(0, SVNIC_MBX_OP_SET_MAC, perm_mac0, EPERM);
	CU_ASSERT(unit_log_contains("vf 0"));
	CU_ASSERT(unit_log_contains("SET_MAC"));
	CU_ASSERT(unit_log_contains("operator"));
	CU_ASSERT_EQUAL(mac_op(0, SVNIC_MBX_OP_SET_MAC, admin_mac), 0);
	CU_ASSERT_EQUAL(memcmp(vf(0)->guest.mac, admin_mac, 6), 0);
	/* trusted may override it */
	CU_ASSERT_EQUAL(sriov_vport_set_mac(sw, 1, admin_mac), 0);
	CU_ASSERT_EQUAL(mac_op(1, SVNIC_MBX_OP_SET_MAC, guest_mac), 0);
	CU_ASSERT_EQUAL(memcmp(vf(1)->guest.mac, guest_mac, 6), 0);
	/* the operator's setting itself is untouched by the guest */
	CU_ASSERT_EQUAL(memcmp(vf(1)->vport.props.mac, admin_mac, 6), 0);
	teardown();
}

static void
test_mac_filters(void)
{
	uint8_t mac[6] = { 0x02, 0x01, 0x00, 0x00, 0x00, 0x00 };
	unsigned int i;

	setup(false);
	hello(0);
	hello(1);
	/* untrusted: SRIOV_UNTRUSTED_MAC_FILTERS */
	for (i = 0; i < SRIOV_UNTRUSTED_MAC_FILTERS; i++) {
		mac[5] = (uint8_t)i;
		CU_ASSERT_EQUAL(mac_op(0, SVNIC_MBX_OP_ADD_MAC_FILTER, mac), 0);
		CU_ASSERT_EQUAL(acts, SRIOV_MBX_ACT_FILTERS);
	}
	CU_ASSERT_EQUAL(vf(0)->guest.nb_mac_filters, SRIOV_UNTRUSTED_MAC_FILTERS);
	/* adding one that is there is a no-op, not a new filter */
	CU_ASSERT_EQUAL(mac_op(0, SVNIC_MBX_OP_ADD_MAC_FILTER, mac), 0);
	CU_ASSERT_EQUAL(acts, 0);
	mac[5] = 0x77;
	mac_refused(0, SVNIC_MBX_OP_ADD_MAC_FILTER, mac, ENOSPC);
	mac_refused(0, SVNIC_MBX_OP_DEL_MAC_FILTER, mac, ENOENT);
	/* delete from the middle keeps the rest */
	mac[5] = 1;
	CU_ASSERT_EQUAL(mac_op(0, SVNIC_MBX_OP_DEL_MAC_FILTER, mac), 0);
	CU_ASSERT_EQUAL(vf(0)->guest.nb_mac_filters, SRIOV_UNTRUSTED_MAC_FILTERS - 1);
	mac_refused(0, SVNIC_MBX_OP_DEL_MAC_FILTER, mac, ENOENT);
	for (i = 0; i < SRIOV_UNTRUSTED_MAC_FILTERS; i++) {
		mac[5] = (uint8_t)i;
		if (i != 1)
			CU_ASSERT_EQUAL(mac_op(0, SVNIC_MBX_OP_DEL_MAC_FILTER, mac), 0);
	}
	CU_ASSERT_EQUAL(vf(0)->guest.nb_mac_filters, 0);
	/* trusted: the protocol's maximum */
	for (i = 0; i < SVNIC_MBX_MAC_FILTERS_MAX; i++) {
		mac[5] = (uint8_t)i;
		CU_ASSERT_EQUAL(mac_op(1, SVNIC_MBX_OP_ADD_MAC_FILTER, mac), 0);
	}
	mac[5] = 0x77;
	mac_refused(1, SVNIC_MBX_OP_ADD_MAC_FILTER, mac, ENOSPC);
	/* operator's MAC: an untrusted VF may filter only that one */
	CU_ASSERT_EQUAL(sriov_vport_set_mac(sw, 0, admin_mac), 0);
	mac_refused(0, SVNIC_MBX_OP_ADD_MAC_FILTER, mac, EPERM);
	CU_ASSERT_EQUAL(mac_op(0, SVNIC_MBX_OP_ADD_MAC_FILTER, admin_mac), 0);
	teardown();
}

static void
test_mc_list(void)
{
	uint8_t pl[4 + SVNIC_MBX_MC_ADDRS_MAX * 6] = { 0 };
	struct svnic_mbx_mc_list l = { .count = 3 };
	unsigned int i;

	setup(false);
	hello(0);
	memcpy(pl, &l, sizeof(l));
	for (i = 0; i < SVNIC_MBX_MC_ADDRS_MAX; i++) {
		pl[4 + i * 6] = 0x01;
		pl[4 + i * 6 + 5] = (uint8_t)i;
	}
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_SET_MULTICAST_LIST, pl, 4 + 3 * 6), 0);
	CU_ASSERT_EQUAL(acts, SRIOV_MBX_ACT_FILTERS);
	CU_ASSERT_EQUAL(vf(0)->guest.nb_mc_addrs, 3);
	CU_ASSERT_EQUAL(memcmp(vf(0)->guest.mc_addrs, pl + 4, 3 * 6), 0);
	/* the whole list at the limit, untrusted too */
	l.count = SVNIC_MBX_MC_ADDRS_MAX;
	memcpy(pl, &l, sizeof(l));
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_SET_MULTICAST_LIST, pl, sizeof(pl)), 0);
	CU_ASSERT_EQUAL(vf(0)->guest.nb_mc_addrs, SVNIC_MBX_MC_ADDRS_MAX);
	/* a new list replaces the old one; count 0 clears it */
	l.count = 1;
	memcpy(pl, &l, sizeof(l));
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_SET_MULTICAST_LIST, pl, 4 + 6), 0);
	CU_ASSERT_EQUAL(vf(0)->guest.nb_mc_addrs, 1);
	CU_ASSERT_EQUAL(vf(0)->guest.mc_addrs[1][0], 0);
	l.count = 0;
	memcpy(pl, &l, sizeof(l));
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_SET_MULTICAST_LIST, pl, 4), 0);
	CU_ASSERT_EQUAL(vf(0)->guest.nb_mc_addrs, 0);
	/* a unicast entry */
	l.count = 2;
	memcpy(pl, &l, sizeof(l));
	pl[4 + 6] = 0x02;
	refused(0, SVNIC_MBX_OP_SET_MULTICAST_LIST, pl, 4 + 12, EINVAL);
	teardown();
}

static void
test_promisc(void)
{
	struct svnic_mbx_enable e = { .enable = 1 };

	setup(false);
	hello(0);
	hello(1);
	/* untrusted: never, even with the operator's leave */
	refused(0, SVNIC_MBX_OP_SET_PROMISC, &e, sizeof(e), EPERM);
	CU_ASSERT_EQUAL(sriov_vport_set_rx_mode_allow(sw, 0, true, false), 0);
	refused(0, SVNIC_MBX_OP_SET_PROMISC, &e, sizeof(e), EPERM);
	/* trusted: only with the operator's leave */
	refused(1, SVNIC_MBX_OP_SET_PROMISC, &e, sizeof(e), EPERM);
	CU_ASSERT_EQUAL(sriov_vport_set_rx_mode_allow(sw, 1, true, false), 0);
	CU_ASSERT_EQUAL(enable_op(1, SVNIC_MBX_OP_SET_PROMISC, 1), 0);
	CU_ASSERT_TRUE(vf(1)->guest.promisc);
	CU_ASSERT_EQUAL(acts, SRIOV_MBX_ACT_RX_MODE);
	CU_ASSERT_EQUAL(enable_op(1, SVNIC_MBX_OP_SET_PROMISC, 0), 0);
	CU_ASSERT_FALSE(vf(1)->guest.promisc);
	/* leaving promisc is always allowed */
	CU_ASSERT_EQUAL(enable_op(0, SVNIC_MBX_OP_SET_PROMISC, 0), 0);
	teardown();
}

static void
test_allmulti(void)
{
	struct svnic_mbx_enable e = { .enable = 1 };

	setup(false);
	hello(0);
	hello(1);
	refused(0, SVNIC_MBX_OP_SET_ALLMULTI, &e, sizeof(e), EPERM);
	CU_ASSERT_EQUAL(sriov_vport_set_rx_mode_allow(sw, 0, false, true), 0);
	CU_ASSERT_EQUAL(enable_op(0, SVNIC_MBX_OP_SET_ALLMULTI, 1), 0);
	CU_ASSERT_TRUE(vf(0)->guest.allmulti);
	CU_ASSERT_EQUAL(acts, SRIOV_MBX_ACT_RX_MODE);
	CU_ASSERT_EQUAL(enable_op(0, SVNIC_MBX_OP_SET_ALLMULTI, 0), 0);
	CU_ASSERT_FALSE(vf(0)->guest.allmulti);
	/* trust alone is enough */
	CU_ASSERT_EQUAL(enable_op(1, SVNIC_MBX_OP_SET_ALLMULTI, 1), 0);
	CU_ASSERT_TRUE(vf(1)->guest.allmulti);
	teardown();
}

static void
test_vlans(void)
{
	struct svnic_mbx_vlan v = { .vlan_id = 0 };
	uint16_t vid;

	setup(false);
	hello(0);
	hello(1);
	for (vid = 1; vid <= SRIOV_UNTRUSTED_VLAN_FILTERS; vid++) {
		CU_ASSERT_EQUAL(vlan_op(0, SVNIC_MBX_OP_ADD_VLAN, vid), 0);
		CU_ASSERT_EQUAL(acts, SRIOV_MBX_ACT_FILTERS);
	}
	CU_ASSERT_EQUAL(vf(0)->guest.nb_vlans, SRIOV_UNTRUSTED_VLAN_FILTERS);
	CU_ASSERT_TRUE(vlan_set(0, 1));
	CU_ASSERT_EQUAL(vlan_op(0, SVNIC_MBX_OP_ADD_VLAN, 1), 0);
	CU_ASSERT_EQUAL(acts, 0);
	v.vlan_id = 4094;
	refused(0, SVNIC_MBX_OP_ADD_VLAN, &v, sizeof(v), ENOSPC);
	refused(0, SVNIC_MBX_OP_DEL_VLAN, &v, sizeof(v), ENOENT);
	CU_ASSERT_EQUAL(vlan_op(0, SVNIC_MBX_OP_DEL_VLAN, 3), 0);
	CU_ASSERT_FALSE(vlan_set(0, 3));
	CU_ASSERT_EQUAL(vf(0)->guest.nb_vlans, SRIOV_UNTRUSTED_VLAN_FILTERS - 1);
	CU_ASSERT_EQUAL(vlan_op(0, SVNIC_MBX_OP_ADD_VLAN, 4094), 0);
	CU_ASSERT_TRUE(vlan_set(0, 4094));
	/* trusted */
	for (vid = 100; vid < 100 + SVNIC_MBX_VLAN_FILTERS_MAX; vid++)
		CU_ASSERT_EQUAL(vlan_op(1, SVNIC_MBX_OP_ADD_VLAN, vid), 0);
	v.vlan_id = 5;
	refused(1, SVNIC_MBX_OP_ADD_VLAN, &v, sizeof(v), ENOSPC);
	/* a port VLAN: the guest has no say in VLANs */
	CU_ASSERT_EQUAL(sriov_vport_set_vlan(sw, 1, 42, 0, SRIOV_VLAN_PROTO_8021Q), 0);
	v.vlan_id = 100;
	refused(1, SVNIC_MBX_OP_DEL_VLAN, &v, sizeof(v), EPERM);
	v.vlan_id = 7;
	refused(1, SVNIC_MBX_OP_ADD_VLAN, &v, sizeof(v), EPERM);
	teardown();
}

static void
test_rss(void)
{
	struct svnic_mbx_rss *r;
	uint8_t key[SVNIC_RSS_KEY_MAX];

	setup(false);
	hello(0);
	r = rss_init(64);
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_CONFIG_RSS, r, rss_len(r)), 0);
	CU_ASSERT_EQUAL(acts, SRIOV_MBX_ACT_RSS);
	CU_ASSERT_EQUAL(vf(0)->guest.rss_func, SVNIC_RSS_FUNC_TOEPLITZ);
	CU_ASSERT_EQUAL(vf(0)->guest.rss_hash_types, r->hash_types);
	CU_ASSERT_EQUAL(vf(0)->guest.rss_table_len, 64);
	CU_ASSERT_EQUAL(vf(0)->guest.rss_table[5], 5 % VF_Q);
	CU_ASSERT_EQUAL(vf(0)->guest.rss_key[39], 0x6d);
	memcpy(key, vf(0)->guest.rss_key, sizeof(key));
	/* key_len 0 and table_len 0 keep what is there */
	r = rss_init(0);
	r->key_len = 0;
	memset(r->key, 0, sizeof(r->key));
	r->hash_types = SVNIC_RSS_HF_IPV6;
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_CONFIG_RSS, r, rss_len(r)), 0);
	CU_ASSERT_EQUAL(memcmp(vf(0)->guest.rss_key, key, sizeof(key)), 0);
	CU_ASSERT_EQUAL(vf(0)->guest.rss_table_len, 64);
	CU_ASSERT_EQUAL(vf(0)->guest.rss_hash_types, SVNIC_RSS_HF_IPV6);
	/* a smaller table replaces the larger one */
	r = rss_init(4);
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_CONFIG_RSS, r, rss_len(r)), 0);
	CU_ASSERT_EQUAL(vf(0)->guest.rss_table_len, 4);
	CU_ASSERT_EQUAL(vf(0)->guest.rss_table[5], 0);
	/* another VF's queue */
	r = rss_init(8);
	r->table[7] = VF_Q;
	refused(0, SVNIC_MBX_OP_CONFIG_RSS, r, rss_len(r), EINVAL);
	r->table[7] = 0xffff;
	refused(0, SVNIC_MBX_OP_CONFIG_RSS, r, rss_len(r), EINVAL);
	/* not the device's key size, table size or hash types */
	r = rss_init(8);
	r->key_len = 52;
	memset(r->key, 1, 52);
	refused(0, SVNIC_MBX_OP_CONFIG_RSS, r, rss_len(r), EINVAL);
	r = rss_init(128);
	refused(0, SVNIC_MBX_OP_CONFIG_RSS, r, rss_len(r), EINVAL);
	r = rss_init(8);
	r->hash_types = SVNIC_RSS_HF_IPV6_UDP;
	refused(0, SVNIC_MBX_OP_CONFIG_RSS, r, rss_len(r), EINVAL);
	/* a device without RSS */
	ops.pf_caps = 0;
	r = rss_init(8);
	refused(0, SVNIC_MBX_OP_CONFIG_RSS, r, rss_len(r), EOPNOTSUPP);
	ops.pf_caps = PF_CAPS;
	CU_ASSERT_EQUAL(vf(0)->mbx_rl.strikes, 0);
	teardown();
}

static void
test_mtu(void)
{
	struct svnic_mbx_mtu m = { .mtu = 9000 };

	setup(false);
	hello(0);
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_SET_MTU, &m, sizeof(m)), 0);
	CU_ASSERT_EQUAL(vf(0)->guest.mtu, 9000);
	CU_ASSERT_EQUAL(acts, SRIOV_MBX_ACT_MTU);
	/* within the protocol, past the device */
	m.mtu = 9001;
	refused(0, SVNIC_MBX_OP_SET_MTU, &m, sizeof(m), EINVAL);
	ops.min_mtu = 1280;
	m.mtu = 1000;
	refused(0, SVNIC_MBX_OP_SET_MTU, &m, sizeof(m), EINVAL);
	ops.min_mtu = 0;
	ops.max_mtu = 0;	/* the protocol's limits */
	m.mtu = SVNIC_MTU_MAX;
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_SET_MTU, &m, sizeof(m)), 0);
	m.mtu = SVNIC_MTU_MIN;
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_SET_MTU, &m, sizeof(m)), 0);
	CU_ASSERT_EQUAL(vf(0)->guest.mtu, SVNIC_MTU_MIN);
	ops.min_mtu = 68;
	ops.max_mtu = 9000;
	teardown();
}

static void
test_stats(void)
{
	struct svnic_mbx_stats st;

	setup(false);
	hello(1);
	stats_ret = 0;
	CU_ASSERT_EQUAL(mbx(1, SVNIC_MBX_OP_GET_STATS, NULL, 0), 0);
	CU_ASSERT_EQUAL(reply_len, HDR + sizeof(st));
	memcpy(&st, reply + HDR, sizeof(st));
	CU_ASSERT_EQUAL(st.rx_packets, 1001);
	CU_ASSERT_EQUAL(st.tx_bytes, 77);
	CU_ASSERT_EQUAL(st.rsvd, 0);
	CU_ASSERT_EQUAL(acts, 0);
	stats_ret = -EIO;
	refused(1, SVNIC_MBX_OP_GET_STATS, NULL, 0, EIO);
	stats_ret = -100000;	/* no errno: mapped to one */
	refused(1, SVNIC_MBX_OP_GET_STATS, NULL, 0, EIO);
	stats_ret = 0;
	ops.get_stats = NULL;
	refused(1, SVNIC_MBX_OP_GET_STATS, NULL, 0, EOPNOTSUPP);
	ops.get_stats = fake_stats;
	teardown();
}

static void
test_reset_request(void)
{
	struct svnic_mbx_resources r;

	setup(false);
	hello(0);
	CU_ASSERT_EQUAL(sriov_vport_set_mac(sw, 0, admin_mac), 0);
	CU_ASSERT_EQUAL(vlan_op(0, SVNIC_MBX_OP_ADD_VLAN, 10), 0);
	CU_ASSERT_EQUAL(enable_op(0, SVNIC_MBX_OP_SET_ALLMULTI, 0), 0);
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_RESET_REQUEST, NULL, 0), 0);
	CU_ASSERT_EQUAL(acts, SRIOV_MBX_ACT_RESET);
	/* the handler only asks: the reset is the caller's */
	CU_ASSERT_TRUE(vf(0)->guest.hello_done);
	CU_ASSERT_EQUAL(sriov_vf_reset(sw, 0, false), 0);
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
	/* guest state and session gone, the operator's MAC kept */
	CU_ASSERT_FALSE(vf(0)->guest.hello_done);
	CU_ASSERT_EQUAL(vf(0)->guest.nb_vlans, 0);
	CU_ASSERT_FALSE(vlan_set(0, 10));
	refused(0, SVNIC_MBX_OP_GET_RESOURCES, NULL, 0, EPROTO);
	hello(0);
	r = resources(0);
	CU_ASSERT_EQUAL(memcmp(r.mac, admin_mac, 6), 0);
	teardown();
}

/* --- queues (1.1) --- */

static struct svnic_mbx_queue_cfg
qcfg(uint16_t queue, uint8_t type)
{
	struct svnic_mbx_queue_cfg c = {
		.queue = queue, .type = type, .ring_size = 1024,
		.buf_size = type == SVNIC_MBX_QTYPE_RX ? 2048 : 0,
		.ring_addr = 0x200000 + (uint64_t)queue * 0x10000 + type * 0x8000,
		.vector = SVNIC_MBX_QUEUE_NO_VECTOR,
	};

	return c;
}

static uint32_t
qcfg_op(uint16_t id, const struct svnic_mbx_queue_cfg *c)
{
	return mbx(id, SVNIC_MBX_OP_CONFIG_QUEUE, c, sizeof(*c));
}

static uint32_t
queues_op(uint16_t id, uint16_t op, uint64_t rx, uint64_t tx)
{
	struct svnic_mbx_queues q = { .rx = rx, .tx = tx };

	return mbx(id, op, &q, sizeof(q));
}

static void
queues_refused(uint16_t id, uint16_t op, uint64_t rx, uint64_t tx, uint32_t err)
{
	struct svnic_mbx_queues q = { .rx = rx, .tx = tx };

	refused(id, op, &q, sizeof(q), err);
}

static void
hello_minor(uint16_t id, uint16_t minor)
{
	struct svnic_mbx_hello h = { .major = 1, .minor = minor };
	struct svnic_mbx_hello out;

	CU_ASSERT_EQUAL_FATAL(mbx(id, SVNIC_MBX_OP_HELLO, &h, sizeof(h)), 0);
	memcpy(&out, reply + HDR, sizeof(out));
	CU_ASSERT_EQUAL(out.minor, minor);
	CU_ASSERT_EQUAL(vf(id)->guest.mbx_version, SVNIC_MBX_VERSION(1, minor));
}

static void
test_queue_version_gate(void)
{
	struct svnic_mbx_queue_cfg c = qcfg(0, SVNIC_MBX_QTYPE_RX);
	struct svnic_mbx_resources r;

	setup(false);
	/* no session yet */
	refused(0, SVNIC_MBX_OP_CONFIG_QUEUE, &c, sizeof(c), EPROTO);
	/* a 1.0 session knows no queue opcodes, and is not told of them */
	hello_minor(0, 0);
	refused(0, SVNIC_MBX_OP_CONFIG_QUEUE, &c, sizeof(c), EOPNOTSUPP);
	queues_refused(0, SVNIC_MBX_OP_ENABLE_QUEUES, 1, 0, EOPNOTSUPP);
	queues_refused(0, SVNIC_MBX_OP_DISABLE_QUEUES, 1, 0, EOPNOTSUPP);
	CU_ASSERT(unit_log_contains("CONFIG_QUEUE"));
	CU_ASSERT(unit_log_contains("newer than the session"));
	/* a session's refusal, not a malformed message */
	CU_ASSERT_EQUAL(vf(0)->mbx_rl.strikes, 0);
	r = resources(0);
	CU_ASSERT_FALSE(r.caps & SVNIC_MBX_CAP_QUEUE_CFG);
	CU_ASSERT_EQUAL(rhdr()->version, SVNIC_MBX_VERSION(1, 0));
	/* a 1.1 offer is answered 1.1, and the opcodes open up */
	hello_minor(0, 1);
	CU_ASSERT_EQUAL(rhdr()->version, SVNIC_MBX_VERSION(1, 1));
	r = resources(0);
	CU_ASSERT(r.caps & SVNIC_MBX_CAP_QUEUE_CFG);
	CU_ASSERT_EQUAL(r.num_queue_pairs, VF_Q);
	CU_ASSERT_EQUAL(qcfg_op(0, &c), 0);
	CU_ASSERT_EQUAL(queues_op(0, SVNIC_MBX_OP_ENABLE_QUEUES, 1, 0), 0);
	CU_ASSERT_EQUAL(queues_op(0, SVNIC_MBX_OP_DISABLE_QUEUES, 1, 0), 0);
	CU_ASSERT_EQUAL(svnic_mbx_op_minor(SVNIC_MBX_OP_CONFIG_QUEUE), 1);
	/* renegotiating down closes them again */
	hello_minor(0, 0);
	refused(0, SVNIC_MBX_OP_CONFIG_QUEUE, &c, sizeof(c), EOPNOTSUPP);
	teardown();
}

static void
test_config_queue_refused(void)
{
	struct svnic_mbx_queue_cfg c;

	setup(false);
	hello(0);
	/* a queue the wire allows but the VPort lacks */
	c = qcfg(VF_Q, SVNIC_MBX_QTYPE_RX);
	refused(0, SVNIC_MBX_OP_CONFIG_QUEUE, &c, sizeof(c), EINVAL);
	c = qcfg(SVNIC_VF_QP_MAX - 1, SVNIC_MBX_QTYPE_TX);
	refused(0, SVNIC_MBX_OP_CONFIG_QUEUE, &c, sizeof(c), EINVAL);
	CU_ASSERT(unit_log_contains("queue past the VF's queues"));
	/* a vector the VF was not given (it has 2) */
	c = qcfg(0, SVNIC_MBX_QTYPE_RX);
	c.vector = 2;
	refused(0, SVNIC_MBX_OP_CONFIG_QUEUE, &c, sizeof(c), EINVAL);
	c.vector = SVNIC_VF_MSIX_MAX - 1;
	refused(0, SVNIC_MBX_OP_CONFIG_QUEUE, &c, sizeof(c), EINVAL);
	CU_ASSERT(unit_log_contains("MSI-X vector"));
	/* judgements on the VPort are no strikes */
	CU_ASSERT_EQUAL(vf(0)->mbx_rl.strikes, 0);
	/* malformed: the decoder's, a strike */
	c = qcfg(0, SVNIC_MBX_QTYPE_TX);
	c.buf_size = 2048;
	refused(0, SVNIC_MBX_OP_CONFIG_QUEUE, &c, sizeof(c), EINVAL);
	c = qcfg(0, SVNIC_MBX_QTYPE_RX);
	c.ring_addr = 0;
	refused(0, SVNIC_MBX_OP_CONFIG_QUEUE, &c, sizeof(c), EINVAL);
	refused(0, SVNIC_MBX_OP_CONFIG_QUEUE, &c, sizeof(c) - 1, EMSGSIZE);
	CU_ASSERT_EQUAL(vf(0)->mbx_rl.strikes, 3);
	/* an enabled queue is not reconfigured under the device */
	c = qcfg(1, SVNIC_MBX_QTYPE_RX);
	CU_ASSERT_EQUAL(qcfg_op(0, &c), 0);
	CU_ASSERT_EQUAL(queues_op(0, SVNIC_MBX_OP_ENABLE_QUEUES, 1u << 1, 0), 0);
	c.ring_size = 2048;
	refused(0, SVNIC_MBX_OP_CONFIG_QUEUE, &c, sizeof(c), EBUSY);
	/* the TX queue of the same pair is another queue */
	c = qcfg(1, SVNIC_MBX_QTYPE_TX);
	CU_ASSERT_EQUAL(qcfg_op(0, &c), 0);
	teardown();
}

/*
 * CAP_HEAD_WB: told to every session that has CONFIG_QUEUE when the device
 * has head write-back; without it a head_wb_addr is refused and the queue
 * keeps what it had, so QUEUE_CONFIG never asks the device for HEAD_WB.
 */
static void
test_head_wb(void)
{
	const struct sriov_vf_queue *q;
	struct svnic_mbx_queue_cfg c;

	setup(false);
	/* 1.0 has no CONFIG_QUEUE: the bit would promise nothing */
	hello_minor(0, 0);
	CU_ASSERT_FALSE(resources(0).caps & SVNIC_MBX_CAP_HEAD_WB);
	hello_minor(0, 1);
	CU_ASSERT(resources(0).caps & SVNIC_MBX_CAP_HEAD_WB);
	hello(0);
	CU_ASSERT(resources(0).caps & SVNIC_MBX_CAP_HEAD_WB);
	/* the PF's device lacks HEAD_WB: not offered, not taken */
	ops.pf_caps = PF_CAPS & ~SVNIC_MBX_CAP_HEAD_WB;
	CU_ASSERT_FALSE(resources(0).caps & SVNIC_MBX_CAP_HEAD_WB);
	CU_ASSERT(resources(0).caps & SVNIC_MBX_CAP_QUEUE_CFG);
	q = &vf(0)->guest.queues[SVNIC_MBX_QTYPE_TX][1];
	c = qcfg(1, SVNIC_MBX_QTYPE_TX);
	CU_ASSERT_EQUAL(qcfg_op(0, &c), 0);
	c.ring_size = 2048;
	c.head_wb_addr = 0x9004;
	refused(0, SVNIC_MBX_OP_CONFIG_QUEUE, &c, sizeof(c), EOPNOTSUPP);
	CU_ASSERT(unit_log_contains("head write-back without CAP_HEAD_WB"));
	CU_ASSERT_EQUAL(q->head_wb_addr, 0);
	CU_ASSERT_EQUAL(q->ring_size, 1024);
	CU_ASSERT_EQUAL(vf(0)->guest.queues_configured[SVNIC_MBX_QTYPE_TX], 1u << 1);
	/* a fact of the device, not a malformed message */
	CU_ASSERT_EQUAL(vf(0)->mbx_rl.strikes, 0);
	/* a queue never configured stays so */
	c = qcfg(2, SVNIC_MBX_QTYPE_RX);
	c.head_wb_addr = 0x9004;
	refused(0, SVNIC_MBX_OP_CONFIG_QUEUE, &c, sizeof(c), EOPNOTSUPP);
	CU_ASSERT_EQUAL(vf(0)->guest.queues_configured[SVNIC_MBX_QTYPE_RX], 0);
	/* DONE polling still configures */
	c.head_wb_addr = 0;
	CU_ASSERT_EQUAL(qcfg_op(0, &c), 0);
	CU_ASSERT_EQUAL(vf(0)->guest.queues_configured[SVNIC_MBX_QTYPE_RX], 1u << 2);
	/* and with the device's HEAD_WB the same request is taken */
	ops.pf_caps = PF_CAPS;
	c.head_wb_addr = 0x9004;
	CU_ASSERT_EQUAL(qcfg_op(0, &c), 0);
	CU_ASSERT_EQUAL(vf(0)->guest.queues[SVNIC_MBX_QTYPE_RX][2].head_wb_addr, 0x9004);
	teardown();
}

static void
test_config_queue(void)
{
	const struct sriov_vf_guest *g;
	struct svnic_mbx_queue_cfg c;
	const struct sriov_vf_queue *q;

	setup(false);
	hello(0);
	hello(1);
	g = &vf(0)->guest;
	c = qcfg(3, SVNIC_MBX_QTYPE_RX);
	c.flags = SVNIC_MBX_QCFG_F_SCATTER;
	c.head_wb_addr = 0x9004;
	c.vector = 1;
	c.buf_size = SVNIC_RX_BUF_MAX;
	c.ring_size = SVNIC_RING_SIZE_MAX;
	CU_ASSERT_EQUAL(qcfg_op(0, &c), 0);
	/* kept for ENABLE_QUEUES: nothing for the device yet */
	CU_ASSERT_EQUAL(acts, 0);
	CU_ASSERT_EQUAL(rhdr()->len, 0);
	CU_ASSERT_EQUAL(g->queues_configured[SVNIC_MBX_QTYPE_RX], 1u << 3);
	CU_ASSERT_EQUAL(g->queues_configured[SVNIC_MBX_QTYPE_TX], 0);
	CU_ASSERT_EQUAL(g->queues_enabled[SVNIC_MBX_QTYPE_RX], 0);
	q = &g->queues[SVNIC_MBX_QTYPE_RX][3];
	CU_ASSERT_EQUAL(q->ring_addr, c.ring_addr);
	CU_ASSERT_EQUAL(q->head_wb_addr, 0x9004);
	CU_ASSERT_EQUAL(q->ring_size, SVNIC_RING_SIZE_MAX);
	CU_ASSERT_EQUAL(q->buf_size, SVNIC_RX_BUF_MAX);
	CU_ASSERT_EQUAL(q->vector, 1);
	CU_ASSERT_EQUAL(q->flags, SVNIC_MBX_QCFG_F_SCATTER);
	/* a disabled queue is reconfigured in full */
	c = qcfg(3, SVNIC_MBX_QTYPE_RX);
	CU_ASSERT_EQUAL(qcfg_op(0, &c), 0);
	CU_ASSERT_EQUAL(q->head_wb_addr, 0);
	CU_ASSERT_EQUAL(q->vector, SVNIC_MBX_QUEUE_NO_VECTOR);
	CU_ASSERT_EQUAL(q->flags, 0);
	CU_ASSERT_EQUAL(q->ring_size, 1024);
	/* TX, the smallest ring, vector 0 */
	c = qcfg(0, SVNIC_MBX_QTYPE_TX);
	c.ring_size = SVNIC_RING_SIZE_MIN;
	c.vector = 0;
	CU_ASSERT_EQUAL(qcfg_op(0, &c), 0);
	CU_ASSERT_EQUAL(g->queues_configured[SVNIC_MBX_QTYPE_TX], 1);
	CU_ASSERT_EQUAL(g->queues[SVNIC_MBX_QTYPE_TX][0].buf_size, 0);
	/* the other VF's queues are its own */
	CU_ASSERT_EQUAL(vf(1)->guest.queues_configured[SVNIC_MBX_QTYPE_RX], 0);
	CU_ASSERT_EQUAL(vf(1)->guest.queues_configured[SVNIC_MBX_QTYPE_TX], 0);
	teardown();
}

static void
test_enable_disable_queues(void)
{
	const struct sriov_vf_guest *g;
	struct svnic_mbx_queue_cfg c;
	uint16_t abs_q;

	setup(false);
	hello(0);
	g = &vf(0)->guest;
	/* nothing configured: nothing to enable */
	queues_refused(0, SVNIC_MBX_OP_ENABLE_QUEUES, 1, 0, EINVAL);
	CU_ASSERT(unit_log_contains("queue not configured"));
	c = qcfg(0, SVNIC_MBX_QTYPE_RX);
	CU_ASSERT_EQUAL(qcfg_op(0, &c), 0);
	c = qcfg(0, SVNIC_MBX_QTYPE_TX);
	CU_ASSERT_EQUAL(qcfg_op(0, &c), 0);
	c = qcfg(2, SVNIC_MBX_QTYPE_RX);
	CU_ASSERT_EQUAL(qcfg_op(0, &c), 0);
	/* all or nothing: one unconfigured queue refuses the lot */
	queues_refused(0, SVNIC_MBX_OP_ENABLE_QUEUES, 0x5, 0x3, EINVAL);
	queues_refused(0, SVNIC_MBX_OP_ENABLE_QUEUES, 0x7, 0x1, EINVAL);
	/* past the VPort's queues, enabling or disabling */
	queues_refused(0, SVNIC_MBX_OP_ENABLE_QUEUES, 1u << VF_Q, 0, EINVAL);
	queues_refused(0, SVNIC_MBX_OP_DISABLE_QUEUES, 0, 1ull << 63, EINVAL);
	CU_ASSERT(unit_log_contains("queue past the VF's queues"));
	/* an empty set is malformed */
	queues_refused(0, SVNIC_MBX_OP_ENABLE_QUEUES, 0, 0, EINVAL);
	queues_refused(0, SVNIC_MBX_OP_DISABLE_QUEUES, 0, 0, EINVAL);
	CU_ASSERT_EQUAL(vf(0)->mbx_rl.strikes, 2);

	CU_ASSERT_EQUAL(queues_op(0, SVNIC_MBX_OP_ENABLE_QUEUES, 0x5, 0x1), 0);
	CU_ASSERT_EQUAL(acts, SRIOV_MBX_ACT_QUEUES);
	CU_ASSERT_EQUAL(g->queues_enabled[SVNIC_MBX_QTYPE_RX], 0x5);
	CU_ASSERT_EQUAL(g->queues_enabled[SVNIC_MBX_QTYPE_TX], 0x1);
	/* what the PF programs: the VPort's device queue for VF queue 2 */
	CU_ASSERT_EQUAL(sriov_vf_queue_abs(sw, 0, 2, &abs_q), 0);
	CU_ASSERT_EQUAL(abs_q, vf(0)->vport.queue_base + 2);
	/* enabling what is enabled changes nothing */
	CU_ASSERT_EQUAL(queues_op(0, SVNIC_MBX_OP_ENABLE_QUEUES, 0x1, 0), 0);
	CU_ASSERT_EQUAL(acts, 0);
	/* disabling is idempotent: an unconfigured or disabled queue is fine */
	CU_ASSERT_EQUAL(queues_op(0, SVNIC_MBX_OP_DISABLE_QUEUES, 0x2, 0x8), 0);
	CU_ASSERT_EQUAL(acts, 0);
	CU_ASSERT_EQUAL(queues_op(0, SVNIC_MBX_OP_DISABLE_QUEUES, 0x4, 0x1), 0);
	CU_ASSERT_EQUAL(acts, SRIOV_MBX_ACT_QUEUES);
	CU_ASSERT_EQUAL(g->queues_enabled[SVNIC_MBX_QTYPE_RX], 0x1);
	CU_ASSERT_EQUAL(g->queues_enabled[SVNIC_MBX_QTYPE_TX], 0);
	/* disabled queues keep their configuration and may be changed */
	CU_ASSERT_EQUAL(g->queues_configured[SVNIC_MBX_QTYPE_RX], 0x5);
	c = qcfg(2, SVNIC_MBX_QTYPE_RX);
	c.ring_size = 4096;
	CU_ASSERT_EQUAL(qcfg_op(0, &c), 0);
	CU_ASSERT_EQUAL(queues_op(0, SVNIC_MBX_OP_ENABLE_QUEUES, 0x4, 0x1), 0);
	CU_ASSERT_EQUAL(g->queues[SVNIC_MBX_QTYPE_RX][2].ring_size, 4096);
	teardown();
}

static void
test_queue_reset(void)
{
	static const struct sriov_vf_guest clean;
	struct svnic_mbx_queue_cfg c = qcfg(1, SVNIC_MBX_QTYPE_TX);

	setup(false);
	hello(0);
	hello(1);
	CU_ASSERT_EQUAL(qcfg_op(0, &c), 0);
	CU_ASSERT_EQUAL(qcfg_op(1, &c), 0);
	CU_ASSERT_EQUAL(queues_op(0, SVNIC_MBX_OP_ENABLE_QUEUES, 0, 0x2), 0);
	CU_ASSERT_EQUAL(queues_op(1, SVNIC_MBX_OP_ENABLE_QUEUES, 0, 0x2), 0);
	CU_ASSERT_EQUAL(mbx(0, SVNIC_MBX_OP_RESET_REQUEST, NULL, 0), 0);
	CU_ASSERT_EQUAL(acts, SRIOV_MBX_ACT_RESET);
	CU_ASSERT_EQUAL(sriov_vf_reset(sw, 0, false), 0);
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
	/* guest state: every queue gone, configured or enabled */
	CU_ASSERT_EQUAL(memcmp(&vf(0)->guest, &clean, sizeof(clean)), 0);
	hello(0);
	queues_refused(0, SVNIC_MBX_OP_ENABLE_QUEUES, 0, 0x2, EINVAL);
	/* the other VF kept its queues */
	CU_ASSERT_EQUAL(vf(1)->guest.queues_enabled[SVNIC_MBX_QTYPE_TX], 0x2);
	/* an operator reset and a VPort delete clear them too */
	CU_ASSERT_EQUAL(sriov_vf_reset(sw, 1, true), 0);
	CU_ASSERT_EQUAL(vf(1)->guest.queues_configured[SVNIC_MBX_QTYPE_TX], 0);
	hello(1);
	CU_ASSERT_EQUAL(qcfg_op(1, &c), 0);
	CU_ASSERT_EQUAL(sriov_vport_delete(sw, 1), 0);
	CU_ASSERT_EQUAL(memcmp(&vf(1)->guest, &clean, sizeof(clean)), 0);
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
	teardown();
}

static void
test_queue_abs(void)
{
	uint16_t abs_q = 0xbeef;

	setup(false);
	CU_ASSERT_EQUAL(sriov_vf_queue_abs(sw, 0, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(sriov_vf_queue_abs(sw, 0, VF_Q, &abs_q), -ERANGE);
	CU_ASSERT_EQUAL(sriov_vf_queue_abs(sw, 2, 0, &abs_q), -ENOTCONN);
	CU_ASSERT_EQUAL(sriov_vf_queue_abs(sw, 9, 0, &abs_q), -ENOENT);
	CU_ASSERT_EQUAL(abs_q, 0xbeef);
	CU_ASSERT_EQUAL(sriov_vf_queue_abs(sw, 0, 0, &abs_q), 0);
	CU_ASSERT_EQUAL(abs_q, vf(0)->vport.queue_base);
	CU_ASSERT_EQUAL(sriov_vf_queue_abs(sw, 1, VF_Q - 1, &abs_q), 0);
	CU_ASSERT_EQUAL(abs_q, vf(1)->vport.queue_base + VF_Q - 1);
	/* the PF's queues come first: no VF queue maps onto them */
	CU_ASSERT(vf(0)->vport.queue_base >= 4);
	teardown();
}

/* A VPort wider than a VF's doorbells: the VF is offered, and gets, 64 queues. */
static void
test_queue_wide_vport(void)
{
	struct sriov_switch_cfg cfg = {
		.total_vfs = 1, .pf_bus = 3, .first_vf_offset = 1, .vf_stride = 1,
		.total_queue_pairs = 256, .pf_queue_pairs = 4, .max_vectors_per_vf = 4,
		.numa_nodes = 1,
	};
	struct sriov_vf_params p = {
		.num_queue_pairs = 100, .numa_node = SRIOV_NUMA_ANY, .num_vectors = 1,
	};
	struct sriov_vport_props props;
	struct svnic_mbx_resources r;
	struct svnic_mbx_queue_cfg c;
	uint16_t id, rid;

	sw = sriov_switch_create(&cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sw);
	CU_ASSERT_EQUAL_FATAL(sriov_switch_enable(sw, 1), 0);
	memcpy(p.perm_mac, perm_mac0, 6);
	CU_ASSERT_EQUAL_FATAL(sriov_vf_alloc(sw, &p, &id, &rid), 0);
	sriov_vport_props_init(&props);
	CU_ASSERT_EQUAL_FATAL(sriov_vport_create(sw, 0, SRIOV_QUEUE_AUTO, 0, &props), 0);
	sriov_ratelimit_init(&vf(0)->mbx_rl, 0, 0, 0, now);
	hello(0);
	r = resources(0);
	CU_ASSERT_EQUAL(r.num_queue_pairs, SVNIC_VF_QP_MAX);
	c = qcfg(SVNIC_VF_QP_MAX - 1, SVNIC_MBX_QTYPE_RX);
	CU_ASSERT_EQUAL(qcfg_op(0, &c), 0);
	c.type = SVNIC_MBX_QTYPE_TX;
	c.buf_size = 0;
	CU_ASSERT_EQUAL(qcfg_op(0, &c), 0);
	CU_ASSERT_EQUAL(queues_op(0, SVNIC_MBX_OP_ENABLE_QUEUES, 1ull << 63, 1ull << 63), 0);
	CU_ASSERT_EQUAL(acts, SRIOV_MBX_ACT_QUEUES);
	CU_ASSERT_EQUAL(queues_op(0, SVNIC_MBX_OP_DISABLE_QUEUES, UINT64_MAX, UINT64_MAX), 0);
	/* a queue past 64 is not on the wire at all */
	c.queue = SVNIC_VF_QP_MAX;
	refused(0, SVNIC_MBX_OP_CONFIG_QUEUE, &c, sizeof(c), EINVAL);
	teardown();
}

/* verify() knows what a sound queue state is, and says so when it is not. */
static void
test_queue_verify(void)
{
	struct sriov_vf_guest *g;
	struct sriov_vf_guest saved;
	struct svnic_mbx_queue_cfg c = qcfg(1, SVNIC_MBX_QTYPE_RX);
	struct sriov_vf_queue *rq, *tq;

	setup(false);
	hello(0);
	g = &vf(0)->guest;
	CU_ASSERT_EQUAL(qcfg_op(0, &c), 0);
	c = qcfg(1, SVNIC_MBX_QTYPE_TX);
	CU_ASSERT_EQUAL(qcfg_op(0, &c), 0);
	CU_ASSERT_EQUAL(queues_op(0, SVNIC_MBX_OP_ENABLE_QUEUES, 0x2, 0x2), 0);
	memcpy(&saved, g, sizeof(saved));
	rq = &g->queues[SVNIC_MBX_QTYPE_RX][1];
	tq = &g->queues[SVNIC_MBX_QTYPE_TX][1];
#define CORRUPT(stmt) do {						\
		stmt;							\
		CU_ASSERT_EQUAL(sriov_switch_verify(sw), -EFAULT);	\
		memcpy(g, &saved, sizeof(saved));			\
		CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);		\
	} while (0)
	CORRUPT(g->queues_enabled[SVNIC_MBX_QTYPE_RX] |= 1);	/* enabled, not configured */
	CORRUPT(g->queues_enabled[SVNIC_MBX_QTYPE_TX] |= 1ull << 40);
	CORRUPT(g->queues_configured[SVNIC_MBX_QTYPE_RX] |= 1u << VF_Q);
	CORRUPT(g->queues[SVNIC_MBX_QTYPE_TX][0].ring_size = 512);	/* not configured */
	CORRUPT(g->hello_done = false);
	CORRUPT(rq->ring_size = 1000);
	CORRUPT(rq->ring_size = SVNIC_RING_SIZE_MAX * 2);
	CORRUPT(rq->ring_size = 0);
	CORRUPT(rq->ring_addr = 0);
	CORRUPT(rq->ring_addr += 32);
	CORRUPT(rq->head_wb_addr = 2);
	CORRUPT(rq->vector = 2);
	CORRUPT(rq->buf_size = 100);
	CORRUPT(rq->buf_size = SVNIC_RX_BUF_MAX + SVNIC_RX_BUF_ALIGN);
	CORRUPT(rq->buf_size = 2048 + 64);
	CORRUPT(rq->flags = 0x80);
	CORRUPT(tq->buf_size = 2048);
	CORRUPT(tq->flags = SVNIC_MBX_QCFG_F_SCATTER);
#undef CORRUPT
	CU_ASSERT(unit_log_contains("switch invariant broken"));
	teardown();
}

/* --- rate limit, strikes, quarantine --- */

static void
test_rate_limit(void)
{
	uint8_t msg[HDR];
	struct sriov_vf_guest before;
	unsigned int i;
	int ret;

	setup(false);
	hello(0);
	/* a small bucket, time held still */
	sriov_ratelimit_init(&vf(0)->mbx_rl, 10, 4, 100, now);
	memcpy(&before, &vf(0)->guest, sizeof(before));
	svnic_mbx_build(msg, sizeof(msg), SVNIC_MBX_OP_GET_RESOURCES, 0, 5, 0, NULL, 0);
	for (i = 0; i < 6; i++) {
		ret = sriov_mbx_handle(sw, 0, &ops, NULL, now, msg, HDR, reply, sizeof(reply),
				       &reply_len, &acts);
		CU_ASSERT_EQUAL(ret, 0);
		CU_ASSERT_EQUAL(rhdr()->status, i < 4 ? 0 : EBUSY);
		CU_ASSERT_EQUAL(rhdr()->seq, 5);
		CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(reply, reply_len,
							   SVNIC_MBX_OP_GET_RESOURCES), 0);
	}
	CU_ASSERT_EQUAL(vf(0)->mbx_rl.strikes, 2);
	CU_ASSERT_EQUAL(memcmp(&before, &vf(0)->guest, sizeof(before)), 0);
	CU_ASSERT(unit_log_contains("rate"));
	/* 100 ms at 10/s: one token back */
	now += 100 * MS;
	CU_ASSERT_EQUAL(sriov_mbx_handle(sw, 0, &ops, NULL, now, msg, HDR, reply,
					 sizeof(reply), &reply_len, &acts), 0);
	CU_ASSERT_EQUAL(rhdr()->status, 0);
	CU_ASSERT_EQUAL(sriov_mbx_handle(sw, 0, &ops, NULL, now, msg, HDR, reply,
					 sizeof(reply), &reply_len, &acts), 0);
	CU_ASSERT_EQUAL(rhdr()->status, EBUSY);
	/* the other VF has its own bucket */
	hello(1);
	teardown();
}

static void
test_quarantine(void)
{
	struct svnic_mbx_vlan v = { .vlan_id = 0 };
	struct sriov_vf_guest before;
	unsigned int i, limit;

	setup(false);
	hello(0);
	CU_ASSERT_EQUAL(vlan_op(0, SVNIC_MBX_OP_ADD_VLAN, 10), 0);
	limit = vf(0)->mbx_rl.strike_limit;
	memcpy(&before, &vf(0)->guest, sizeof(before));
	for (i = 1; i < limit; i++) {
		refused(0, SVNIC_MBX_OP_ADD_VLAN, &v, sizeof(v), EINVAL);
		CU_ASSERT_EQUAL(acts, 0);
	}
	CU_ASSERT_EQUAL(vf(0)->state, SRIOV_VF_ATTACHED);
	CU_ASSERT_FALSE(unit_log_contains("quarantin"));
	/* the last strike: still answered, and the operator is told */
	refused(0, SVNIC_MBX_OP_ADD_VLAN, &v, sizeof(v), EINVAL);
	CU_ASSERT_EQUAL(acts, SRIOV_MBX_ACT_QUARANTINED);
	CU_ASSERT_EQUAL(vf(0)->state, SRIOV_VF_QUARANTINED);
	CU_ASSERT(unit_log_contains("vf 0: 64 mailbox strikes"));
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
	/* from now on refused unheard, valid or not, without new strikes */
	refused(0, SVNIC_MBX_OP_DEL_VLAN, &v, sizeof(v), EPERM);
	v.vlan_id = 10;
	refused(0, SVNIC_MBX_OP_DEL_VLAN, &v, sizeof(v), EPERM);
	CU_ASSERT_EQUAL(acts, 0);
	CU_ASSERT_EQUAL(memcmp(&before, &vf(0)->guest, sizeof(before)), 0);
	CU_ASSERT_EQUAL(vf(0)->mbx_rl.strikes, limit);
	/* the other VF is unaffected */
	hello(1);
	/* only the operator's reset brings it back, with a clean slate */
	CU_ASSERT_NOT_EQUAL(sriov_vf_reset(sw, 0, false), 0);
	CU_ASSERT_EQUAL(sriov_vf_reset(sw, 0, true), 0);
	CU_ASSERT_EQUAL(vf(0)->mbx_rl.strikes, 0);
	CU_ASSERT_EQUAL(vf(0)->state, SRIOV_VF_ATTACHED);
	hello(0);
	CU_ASSERT_EQUAL(vf(0)->guest.nb_vlans, 0);
	teardown();
}

static void
test_quarantine_by_flood(void)
{
	uint8_t msg[HDR];
	unsigned int i, quarantined = 0;

	setup(true);
	hello(0);
	sriov_ratelimit_init(&vf(0)->mbx_rl, 1, 1, 3, now);
	svnic_mbx_build(msg, sizeof(msg), SVNIC_MBX_OP_GET_STATS, 0, 1, 0, NULL, 0);
	for (i = 0; i < 10; i++) {
		CU_ASSERT_EQUAL(sriov_mbx_handle(sw, 0, &ops, &stats_ret, now, msg, HDR, reply,
						 sizeof(reply), &reply_len, &acts), 0);
		if (acts & SRIOV_MBX_ACT_QUARANTINED)
			quarantined++;
		/* one token, three strikes over the rate, then nothing is heard */
		CU_ASSERT_EQUAL(rhdr()->status, i == 0 ? 0 : i < 4 ? EBUSY : EPERM);
	}
	CU_ASSERT_EQUAL(quarantined, 1);
	CU_ASSERT_EQUAL(vf(0)->state, SRIOV_VF_QUARANTINED);
	teardown();
}

static void
test_log_ratelimit(void)
{
	struct svnic_mbx_enable e = { .enable = 1 };
	unsigned int i;

	setup(false);
	hello(0);
	unit_log_capture();
	for (i = 0; i < 10; i++)
		refused(0, SVNIC_MBX_OP_SET_PROMISC, &e, sizeof(e), EPERM);
	/* the 1st, 2nd, 4th and 8th */
	CU_ASSERT_EQUAL(unit_log_lines(), 4);
	CU_ASSERT(unit_log_contains("vf 0: mailbox SET_PROMISC"));
	CU_ASSERT(unit_log_contains("promiscuous mode not allowed"));
	teardown();
}

/* --- notices --- */

static void
test_notices(void)
{
	uint8_t buf[64];
	struct svnic_mbx_link l;
	size_t n;

	n = sriov_mbx_build_link_event(buf, sizeof(buf), 3, true, true, 25000);
	CU_ASSERT_EQUAL(n, HDR + sizeof(l));
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(buf, n, 0), 0);
	memcpy(&l, buf + HDR, sizeof(l));
	CU_ASSERT_EQUAL(l.link_up, 1);
	CU_ASSERT_EQUAL(l.speed_mbps, 25000);
	n = sriov_mbx_build_link_event(buf, sizeof(buf), 3, false, false, 0);
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(buf, n, 0), 0);
	CU_ASSERT_EQUAL(sriov_mbx_build_link_event(buf, HDR + 7, 3, true, true, 1), 0);
	n = sriov_mbx_build_reset_notice(buf, sizeof(buf), 4, SVNIC_MBX_RESET_OPERATOR);
	CU_ASSERT_EQUAL(n, HDR + sizeof(struct svnic_mbx_reset_notice));
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(buf, n, 0), 0);
	CU_ASSERT_EQUAL(sriov_mbx_build_reset_notice(buf, sizeof(buf), 4, 0), 0);
	CU_ASSERT_EQUAL(sriov_mbx_build_reset_notice(buf, sizeof(buf), 4, 9), 0);
	n = sriov_mbx_build_going_down(buf, sizeof(buf), 5);
	CU_ASSERT_EQUAL(n, HDR);
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(buf, n, 0), 0);
	CU_ASSERT_EQUAL(sriov_mbx_build_going_down(buf, HDR - 1, 5), 0);
}

static CU_TestInfo gate_tests[] = {
	UNIT_TEST(test_bad_args),
	UNIT_TEST(test_headerless),
	UNIT_TEST(test_malformed),
	UNIT_TEST(test_vf_state),
	UNIT_TEST(test_before_hello),
	UNIT_TEST(test_hello_version),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo opcode_tests[] = {
	UNIT_TEST(test_get_resources),
	UNIT_TEST(test_offloads_and_vlan_strip),
	UNIT_TEST(test_set_mac),
	UNIT_TEST(test_mac_filters),
	UNIT_TEST(test_mc_list),
	UNIT_TEST(test_promisc),
	UNIT_TEST(test_allmulti),
	UNIT_TEST(test_vlans),
	UNIT_TEST(test_rss),
	UNIT_TEST(test_mtu),
	UNIT_TEST(test_stats),
	UNIT_TEST(test_reset_request),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo queue_tests[] = {
	UNIT_TEST(test_queue_version_gate),
	UNIT_TEST(test_config_queue_refused),
	UNIT_TEST(test_config_queue),
	UNIT_TEST(test_head_wb),
	UNIT_TEST(test_enable_disable_queues),
	UNIT_TEST(test_queue_reset),
	UNIT_TEST(test_queue_abs),
	UNIT_TEST(test_queue_wide_vport),
	UNIT_TEST(test_queue_verify),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo abuse_tests[] = {
	UNIT_TEST(test_rate_limit),
	UNIT_TEST(test_quarantine),
	UNIT_TEST(test_quarantine_by_flood),
	UNIT_TEST(test_log_ratelimit),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo notice_tests[] = {
	UNIT_TEST(test_notices),
	CU_TEST_INFO_NULL,
};

UNIT_MAIN(UNIT_SUITE("sriov_mbx gates", gate_tests),
	  UNIT_SUITE("sriov_mbx opcodes", opcode_tests),
	  UNIT_SUITE("sriov_mbx queues", queue_tests),
	  UNIT_SUITE("sriov_mbx rate and quarantine", abuse_tests),
	  UNIT_SUITE("sriov_mbx notices", notice_tests))
