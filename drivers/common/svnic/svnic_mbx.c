/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mailbox decoders: every message is checked against one table entry for its
 * opcode (payload size, fixed or variable, and a field check) before anyone
 * looks at it, so the PF handler and the VF driver only ever see messages that
 * are well formed. Payloads are copied into aligned locals: the mailbox window
 * gives no alignment guarantee beyond the byte.
 */

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "svnic_mbx.h"

#define SVNIC_MBX_HDR_LEN	sizeof(struct svnic_mbx_hdr)
#define SVNIC_MBX_MAC_LEN	6
#define SVNIC_MBX_VLAN_MAX	4094
/* A status is an errno value; anything past this is not one. */
#define SVNIC_MBX_STATUS_MAX	4095u

/* Check of an opcode's payload, whose size is already known to be right. */
typedef int (*svnic_mbx_check_t)(const uint8_t *p, uint16_t len);

struct svnic_mbx_rule {
	uint16_t size;		/* exact size; for variable payloads the fixed part */
	bool variable;		/* the check computes the exact size itself */
	svnic_mbx_check_t check;	/* NULL: nothing beyond the size */
};

static const char * const svnic_mbx_names[] = {
	[SVNIC_MBX_OP_HELLO] = "HELLO",
	[SVNIC_MBX_OP_GET_RESOURCES] = "GET_RESOURCES",
	[SVNIC_MBX_OP_SET_MAC] = "SET_MAC",
	[SVNIC_MBX_OP_ADD_MAC_FILTER] = "ADD_MAC_FILTER",
	[SVNIC_MBX_OP_DEL_MAC_FILTER] = "DEL_MAC_FILTER",
	[SVNIC_MBX_OP_SET_MULTICAST_LIST] = "SET_MULTICAST_LIST",
	[SVNIC_MBX_OP_SET_PROMISC] = "SET_PROMISC",
	[SVNIC_MBX_OP_SET_ALLMULTI] = "SET_ALLMULTI",
	[SVNIC_MBX_OP_ADD_VLAN] = "ADD_VLAN",
	[SVNIC_MBX_OP_DEL_VLAN] = "DEL_VLAN",
	[SVNIC_MBX_OP_CONFIG_RSS] = "CONFIG_RSS",
	[SVNIC_MBX_OP_SET_MTU] = "SET_MTU",
	[SVNIC_MBX_OP_GET_STATS] = "GET_STATS",
	[SVNIC_MBX_OP_RESET_REQUEST] = "RESET_REQUEST",
	[SVNIC_MBX_OP_CONFIG_QUEUE] = "CONFIG_QUEUE",
	[SVNIC_MBX_OP_ENABLE_QUEUES] = "ENABLE_QUEUES",
	[SVNIC_MBX_OP_DISABLE_QUEUES] = "DISABLE_QUEUES",
	[SVNIC_MBX_OP_SET_VLAN_STRIP] = "SET_VLAN_STRIP",
};

static const char * const svnic_mbx_notice_names[] = {
	[SVNIC_MBX_OP_LINK_EVENT - SVNIC_MBX_OP_LINK_EVENT] = "LINK_EVENT",
	[SVNIC_MBX_OP_RESET_NOTICE - SVNIC_MBX_OP_LINK_EVENT] = "RESET_NOTICE",
	[SVNIC_MBX_OP_PF_GOING_DOWN - SVNIC_MBX_OP_LINK_EVENT] = "PF_GOING_DOWN",
};

#define SVNIC_MBX_NB_NOTICES \
	(sizeof(svnic_mbx_notice_names) / sizeof(svnic_mbx_notice_names[0]))

const char *
svnic_mbx_op_name(uint16_t opcode)
{
	if (opcode >= SVNIC_MBX_OP_HELLO && opcode <= SVNIC_MBX_OP_REQ_MAX)
		return svnic_mbx_names[opcode];
	if (opcode >= SVNIC_MBX_OP_LINK_EVENT &&
	    opcode - SVNIC_MBX_OP_LINK_EVENT < (int)SVNIC_MBX_NB_NOTICES)
		return svnic_mbx_notice_names[opcode - SVNIC_MBX_OP_LINK_EVENT];
	return "UNKNOWN";
}

static bool
svnic_mbx_mac_is_zero(const uint8_t *mac)
{
	static const uint8_t zero[SVNIC_MBX_MAC_LEN];

	return memcmp(mac, zero, SVNIC_MBX_MAC_LEN) == 0;
}

static bool
svnic_mbx_mac_is_unicast(const uint8_t *mac)
{
	return (mac[0] & 0x01) == 0 && !svnic_mbx_mac_is_zero(mac);
}

static bool
svnic_mbx_is_pow2(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

static bool
svnic_mbx_all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* VF-to-PF payload checks */

static int
svnic_mbx_check_hello(const uint8_t *p, uint16_t len)
{
	struct svnic_mbx_hello h;

	(void)len;
	memcpy(&h, p, sizeof(h));
	/*
	 * Any major is well formed here: a VF offering another major gets a
	 * reply saying so (EPROTONOSUPPORT) rather than a bare refusal. Unknown
	 * capability bits are offers from a newer minor and are ignored.
	 */
	return h.minor <= 0xff ? 0 : -EINVAL;
}

/* SET_MAC, ADD_MAC_FILTER, DEL_MAC_FILTER: only unicast addresses name a port. */
static int
svnic_mbx_check_mac(const uint8_t *p, uint16_t len)
{
	struct svnic_mbx_mac m;

	(void)len;
	memcpy(&m, p, sizeof(m));
	if (m.rsvd != 0 || !svnic_mbx_mac_is_unicast(m.addr))
		return -EINVAL;
	return 0;
}

static int
svnic_mbx_check_mc_list(const uint8_t *p, uint16_t len)
{
	struct svnic_mbx_mc_list l;
	uint16_t i;

	memcpy(&l, p, sizeof(l));
	if (l.rsvd != 0 || l.count > SVNIC_MBX_MC_ADDRS_MAX)
		return -EINVAL;
	if (len != sizeof(l) + (size_t)l.count * SVNIC_MBX_MAC_LEN)
		return -EMSGSIZE;
	for (i = 0; i < l.count; i++)
		if ((p[sizeof(l) + (size_t)i * SVNIC_MBX_MAC_LEN] & 0x01) == 0)
			return -EINVAL;
	return 0;
}

static int
svnic_mbx_check_enable(const uint8_t *p, uint16_t len)
{
	struct svnic_mbx_enable e;

	(void)len;
	memcpy(&e, p, sizeof(e));
	if (e.enable > 1 || !svnic_mbx_all_zero(e.rsvd, sizeof(e.rsvd)))
		return -EINVAL;
	return 0;
}

static int
svnic_mbx_check_vlan(const uint8_t *p, uint16_t len)
{
	struct svnic_mbx_vlan v;

	(void)len;
	memcpy(&v, p, sizeof(v));
	if (v.rsvd != 0 || v.vlan_id == 0 || v.vlan_id > SVNIC_MBX_VLAN_MAX)
		return -EINVAL;
	return 0;
}

/*
 * key_len is 0 (keep the key) or 1..SVNIC_RSS_KEY_MAX; whether it matches the
 * device's key size is the PF's business (it knows the device). Key bytes past
 * key_len are reserved. Table entries are queue indexes that only the PF can
 * judge against the VPort.
 */
static int
svnic_mbx_check_rss(const uint8_t *p, uint16_t len)
{
	struct svnic_mbx_rss r;

	memcpy(&r, p, sizeof(r));
	if (r.table_len != 0 &&
	    (!svnic_mbx_is_pow2(r.table_len) || r.table_len > SVNIC_RSS_TABLE_MAX))
		return -EINVAL;
	if (len != sizeof(r) + (size_t)r.table_len * sizeof(uint16_t))
		return -EMSGSIZE;
	if (r.hash_func > SVNIC_RSS_FUNC_MAX || r.key_len > SVNIC_RSS_KEY_MAX ||
	    (r.hash_types & ~SVNIC_RSS_HF_ALL) != 0 || r.rsvd != 0 ||
	    !svnic_mbx_all_zero(r.rsvd2, sizeof(r.rsvd2)) ||
	    !svnic_mbx_all_zero(r.key + r.key_len, SVNIC_RSS_KEY_MAX - r.key_len))
		return -EINVAL;
	return 0;
}

static int
svnic_mbx_check_mtu(const uint8_t *p, uint16_t len)
{
	struct svnic_mbx_mtu m;

	(void)len;
	memcpy(&m, p, sizeof(m));
	if (m.rsvd != 0 || m.mtu < SVNIC_MTU_MIN || m.mtu > SVNIC_MTU_MAX)
		return -EINVAL;
	return 0;
}

/*
 * Only what the wire can judge: that the queue is one a VF can have and that
 * the ring fits the device's limits (svnic_desc.h, device-spec "QUEUE_CONFIG").
 * Whether the VF has that queue and vector, and owns the memory, is for the PF
 * and the device.
 */
static int
svnic_mbx_check_queue_cfg(const uint8_t *p, uint16_t len)
{
	struct svnic_mbx_queue_cfg c;

	(void)len;
	memcpy(&c, p, sizeof(c));
	if (c.queue >= SVNIC_VF_QP_MAX || c.type >= SVNIC_MBX_QTYPE_NB ||
	    (c.flags & ~SVNIC_MBX_QCFG_F_MASK) != 0 || c.rsvd != 0 || c.rsvd2 != 0)
		return -EINVAL;
	if (!svnic_mbx_is_pow2(c.ring_size) || c.ring_size < SVNIC_RING_SIZE_MIN ||
	    c.ring_size > SVNIC_RING_SIZE_MAX)
		return -EINVAL;
	if (c.ring_addr == 0 || c.ring_addr % SVNIC_RING_ALIGN != 0 || c.head_wb_addr % 4 != 0)
		return -EINVAL;
	if (c.vector != SVNIC_MBX_QUEUE_NO_VECTOR && c.vector >= SVNIC_VF_MSIX_MAX)
		return -EINVAL;
	if (c.type == SVNIC_MBX_QTYPE_TX)
		return c.buf_size == 0 && c.flags == 0 ? 0 : -EINVAL;
	if (c.buf_size < SVNIC_RX_BUF_MIN || c.buf_size > SVNIC_RX_BUF_MAX ||
	    c.buf_size % SVNIC_RX_BUF_ALIGN != 0)
		return -EINVAL;
	return 0;
}

/* ENABLE_QUEUES, DISABLE_QUEUES: every bit is a queue a VF can have (64). */
static int
svnic_mbx_check_queues(const uint8_t *p, uint16_t len)
{
	struct svnic_mbx_queues q;

	(void)len;
	memcpy(&q, p, sizeof(q));
	return q.rx != 0 || q.tx != 0 ? 0 : -EINVAL;
}

static const struct svnic_mbx_rule svnic_mbx_req_rules[SVNIC_MBX_OP_REQ_MAX + 1] = {
	[SVNIC_MBX_OP_HELLO] = { sizeof(struct svnic_mbx_hello), false,
				 svnic_mbx_check_hello },
	[SVNIC_MBX_OP_GET_RESOURCES] = { 0, false, NULL },
	[SVNIC_MBX_OP_SET_MAC] = { sizeof(struct svnic_mbx_mac), false, svnic_mbx_check_mac },
	[SVNIC_MBX_OP_ADD_MAC_FILTER] = { sizeof(struct svnic_mbx_mac), false,
					  svnic_mbx_check_mac },
	[SVNIC_MBX_OP_DEL_MAC_FILTER] = { sizeof(struct svnic_mbx_mac), false,
					  svnic_mbx_check_mac },
	[SVNIC_MBX_OP_SET_MULTICAST_LIST] = { sizeof(struct svnic_mbx_mc_list), true,
					      svnic_mbx_check_mc_list },
	[SVNIC_MBX_OP_SET_PROMISC] = { sizeof(struct svnic_mbx_enable), false,
				       svnic_mbx_check_enable },
	[SVNIC_MBX_OP_SET_ALLMULTI] = { sizeof(struct svnic_mbx_enable), false,
					svnic_mbx_check_enable },
	[SVNIC_MBX_OP_ADD_VLAN] = { sizeof(struct svnic_mbx_vlan), false, svnic_mbx_check_vlan },
	[SVNIC_MBX_OP_DEL_VLAN] = { sizeof(struct svnic_mbx_vlan), false, svnic_mbx_check_vlan },
	[SVNIC_MBX_OP_CONFIG_RSS] = { sizeof(struct svnic_mbx_rss), true, svnic_mbx_check_rss },
	[SVNIC_MBX_OP_SET_MTU] = { sizeof(struct svnic_mbx_mtu), false, svnic_mbx_check_mtu },
	[SVNIC_MBX_OP_GET_STATS] = { 0, false, NULL },
	[SVNIC_MBX_OP_RESET_REQUEST] = { 0, false, NULL },
	[SVNIC_MBX_OP_CONFIG_QUEUE] = { sizeof(struct svnic_mbx_queue_cfg), false,
					svnic_mbx_check_queue_cfg },
	[SVNIC_MBX_OP_ENABLE_QUEUES] = { sizeof(struct svnic_mbx_queues), false,
					 svnic_mbx_check_queues },
	[SVNIC_MBX_OP_DISABLE_QUEUES] = { sizeof(struct svnic_mbx_queues), false,
					  svnic_mbx_check_queues },
	[SVNIC_MBX_OP_SET_VLAN_STRIP] = { sizeof(struct svnic_mbx_enable), false,
					  svnic_mbx_check_enable },
};

/* PF-to-VF payload checks */

static int
svnic_mbx_check_hello_reply(const uint8_t *p, uint16_t len)
{
	struct svnic_mbx_hello h;

	(void)len;
	memcpy(&h, p, sizeof(h));
	/* The agreed version is never newer than what this side offered. */
	if (h.major != SVNIC_MBX_VERSION_MAJOR || h.minor > SVNIC_MBX_VERSION_MINOR)
		return -EPROTONOSUPPORT;
	return 0;
}

static int
svnic_mbx_check_resources(const uint8_t *p, uint16_t len)
{
	struct svnic_mbx_resources r;

	(void)len;
	memcpy(&r, p, sizeof(r));
	if (r.num_queue_pairs == 0 || r.min_mtu < SVNIC_MTU_MIN ||
	    r.max_mtu > SVNIC_MTU_MAX || r.min_mtu > r.max_mtu)
		return -EINVAL;
	if (r.rss_key_size > SVNIC_RSS_KEY_MAX ||
	    (r.rss_table_size != 0 && (!svnic_mbx_is_pow2(r.rss_table_size) ||
				       r.rss_table_size > SVNIC_RSS_TABLE_MAX)) ||
	    (r.rss_hash_types & ~SVNIC_RSS_HF_ALL) != 0)
		return -EINVAL;
	if (r.max_mac_filters > SVNIC_MBX_MAC_FILTERS_MAX ||
	    r.max_vlan_filters > SVNIC_MBX_VLAN_FILTERS_MAX ||
	    r.max_mc_addrs > SVNIC_MBX_MC_ADDRS_MAX)
		return -EINVAL;
	if (!svnic_mbx_mac_is_unicast(r.mac) || r.port_vlan > SVNIC_MBX_VLAN_MAX ||
	    (r.port_vlan != 0) != ((r.caps & SVNIC_MBX_CAP_PORT_VLAN) != 0) || r.rsvd != 0)
		return -EINVAL;
	return 0;
}

static int
svnic_mbx_check_stats(const uint8_t *p, uint16_t len)
{
	struct svnic_mbx_stats s;

	(void)len;
	memcpy(&s, p, sizeof(s));
	return s.rsvd == 0 ? 0 : -EINVAL;
}

static int
svnic_mbx_check_link(const uint8_t *p, uint16_t len)
{
	struct svnic_mbx_link l;

	(void)len;
	memcpy(&l, p, sizeof(l));
	if (l.link_up > 1 || l.full_duplex > 1 || l.rsvd != 0)
		return -EINVAL;
	return 0;
}

static int
svnic_mbx_check_reset_notice(const uint8_t *p, uint16_t len)
{
	struct svnic_mbx_reset_notice r;

	(void)len;
	memcpy(&r, p, sizeof(r));
	if (r.reason != SVNIC_MBX_RESET_PF && r.reason != SVNIC_MBX_RESET_OPERATOR)
		return -EINVAL;
	return r.rsvd == 0 ? 0 : -EINVAL;
}

/* Successful replies; a refusal (status != 0) has no payload whatever the opcode. */
static const struct svnic_mbx_rule svnic_mbx_reply_rules[SVNIC_MBX_OP_REQ_MAX + 1] = {
	[SVNIC_MBX_OP_HELLO] = { sizeof(struct svnic_mbx_hello), false,
				 svnic_mbx_check_hello_reply },
	[SVNIC_MBX_OP_GET_RESOURCES] = { sizeof(struct svnic_mbx_resources), false,
					 svnic_mbx_check_resources },
	[SVNIC_MBX_OP_GET_STATS] = { sizeof(struct svnic_mbx_stats), false,
				     svnic_mbx_check_stats },
	/* every other opcode: an empty payload */
};

static const struct svnic_mbx_rule svnic_mbx_notice_rules[SVNIC_MBX_NB_NOTICES] = {
	[SVNIC_MBX_OP_LINK_EVENT - SVNIC_MBX_OP_LINK_EVENT] = {
		sizeof(struct svnic_mbx_link), false, svnic_mbx_check_link },
	[SVNIC_MBX_OP_RESET_NOTICE - SVNIC_MBX_OP_LINK_EVENT] = {
		sizeof(struct svnic_mbx_reset_notice), false, svnic_mbx_check_reset_notice },
	[SVNIC_MBX_OP_PF_GOING_DOWN - SVNIC_MBX_OP_LINK_EVENT] = { 0, false, NULL },
};

static bool
svnic_mbx_is_request(uint16_t opcode)
{
	return opcode >= SVNIC_MBX_OP_HELLO && opcode <= SVNIC_MBX_OP_REQ_MAX;
}

int
svnic_mbx_op_minor(uint16_t opcode)
{
	if (!svnic_mbx_is_request(opcode))
		return -EOPNOTSUPP;
	/* each minor appends its opcodes: 1.1 starts at CONFIG_QUEUE, 1.2 at SET_VLAN_STRIP */
	if (opcode >= SVNIC_MBX_OP_SET_VLAN_STRIP)
		return 2;
	return opcode >= SVNIC_MBX_OP_CONFIG_QUEUE ? 1 : 0;
}

static const struct svnic_mbx_rule *
svnic_mbx_notice_rule(uint16_t opcode)
{
	if (opcode < SVNIC_MBX_OP_LINK_EVENT ||
	    opcode - SVNIC_MBX_OP_LINK_EVENT >= (int)SVNIC_MBX_NB_NOTICES)
		return NULL;
	return &svnic_mbx_notice_rules[opcode - SVNIC_MBX_OP_LINK_EVENT];
}

/* Framing and version, common to both directions. */
static int
svnic_mbx_check_frame(const void *msg, size_t len, struct svnic_mbx_hdr *hdr)
{
	if (msg == NULL || len < SVNIC_MBX_HDR_LEN || len > SVNIC_MBX_MSG_MAX)
		return -EMSGSIZE;
	memcpy(hdr, msg, sizeof(*hdr));
	if (len != SVNIC_MBX_HDR_LEN + hdr->len)
		return -EMSGSIZE;
	if (SVNIC_MBX_VERSION_GET_MAJOR(hdr->version) != SVNIC_MBX_VERSION_MAJOR)
		return -EPROTONOSUPPORT;
	return 0;
}

static int
svnic_mbx_check_payload(const struct svnic_mbx_rule *rule, const struct svnic_mbx_hdr *hdr,
			const uint8_t *payload)
{
	if (rule->variable ? hdr->len < rule->size : hdr->len != rule->size)
		return -EMSGSIZE;
	return rule->check != NULL ? rule->check(payload, hdr->len) : 0;
}

int
svnic_mbx_validate_request(const void *msg, size_t len)
{
	struct svnic_mbx_hdr hdr;
	int ret;

	ret = svnic_mbx_check_frame(msg, len, &hdr);
	if (ret != 0)
		return ret;
	if (!svnic_mbx_is_request(hdr.opcode))
		return -EOPNOTSUPP;
	if (hdr.flags != 0 || hdr.status != 0)
		return -EINVAL;
	return svnic_mbx_check_payload(&svnic_mbx_req_rules[hdr.opcode], &hdr,
				       (const uint8_t *)msg + SVNIC_MBX_HDR_LEN);
}

int
svnic_mbx_validate_from_pf(const void *msg, size_t len, uint16_t req_opcode)
{
	static const struct svnic_mbx_rule empty = { 0, false, NULL };
	const struct svnic_mbx_rule *rule;
	struct svnic_mbx_hdr hdr;
	int ret;

	ret = svnic_mbx_check_frame(msg, len, &hdr);
	if (ret != 0)
		return ret;
	switch (hdr.flags) {
	case SVNIC_MBX_F_NOTICE:
		rule = svnic_mbx_notice_rule(hdr.opcode);
		if (rule == NULL)
			return -EOPNOTSUPP;
		if (hdr.status != 0)
			return -EINVAL;
		break;
	case SVNIC_MBX_F_REPLY:
		if (hdr.opcode != req_opcode)
			return -EINVAL;
		if (hdr.status > SVNIC_MBX_STATUS_MAX)
			return -EINVAL;
		/*
		 * The PF answers even an opcode it does not know, echoing it,
		 * but it can only refuse it.
		 */
		if (!svnic_mbx_is_request(hdr.opcode)) {
			if (hdr.status == 0)
				return -EOPNOTSUPP;
			rule = &empty;
		} else if (hdr.status != 0) {
			rule = &empty;
		} else {
			rule = &svnic_mbx_reply_rules[hdr.opcode];
		}
		break;
	default:
		/* exactly one of REPLY and NOTICE, nothing else */
		return -EINVAL;
	}
	return svnic_mbx_check_payload(rule, &hdr, (const uint8_t *)msg + SVNIC_MBX_HDR_LEN);
}

size_t
svnic_mbx_build(void *buf, size_t cap, uint16_t opcode, uint16_t flags, uint32_t seq,
		uint32_t status, const void *payload, uint16_t payload_len)
{
	struct svnic_mbx_hdr hdr;
	size_t total = SVNIC_MBX_HDR_LEN + (size_t)payload_len;

	if (buf == NULL || total > cap || total > SVNIC_MBX_MSG_MAX ||
	    (payload == NULL && payload_len != 0))
		return 0;
	hdr.version = SVNIC_MBX_VERSION(SVNIC_MBX_VERSION_MAJOR, SVNIC_MBX_VERSION_MINOR);
	hdr.opcode = opcode;
	hdr.flags = flags;
	hdr.len = payload_len;
	hdr.seq = seq;
	hdr.status = status;
	/* memmove: callers may have built the payload in place after the header */
	if (payload_len != 0)
		memmove((uint8_t *)buf + SVNIC_MBX_HDR_LEN, payload, payload_len);
	memcpy(buf, &hdr, sizeof(hdr));
	return total;
}

/* ---- the shared TX mailbox ---- */

static uint32_t *
svnic_mbx_notify_word(const void *notify, uint32_t off)
{
	return (uint32_t *)((uintptr_t)notify + (off - SVNIC_REG_NOTIFY_PAGE));
}

void
svnic_mbx_shtx_write(void *notify, void *tx_win, const void *msg, uint16_t len, uint32_t *seq)
{
	uint32_t *sw = svnic_mbx_notify_word(notify, SVNIC_NOTIFY_SHTX_SEQ);
	uint32_t next = *seq + 2;

	if (next == 0)		/* 0 is "no message yet" */
		next = 2;
	__atomic_store_n(sw, next - 1, __ATOMIC_RELAXED);
	/* odd before any byte of the message: a reader in between sees it */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memcpy(tx_win, msg, len);
	__atomic_store_n(svnic_mbx_notify_word(notify, SVNIC_NOTIFY_SHTX_LEN), len,
			 __ATOMIC_RELAXED);
	__atomic_store_n(sw, next, __ATOMIC_RELEASE);
	*seq = next;
}

static bool
svnic_mbx_shtx_len_bad(uint32_t len, size_t cap)
{
	return len < sizeof(struct svnic_mbx_hdr) || len > cap || len > SVNIC_MBX_MSG_MAX;
}

int
svnic_mbx_shtx_read(const void *notify, const void *tx_win, uint32_t *last,
		    uint32_t legacy_len, void *out, size_t cap)
{
	const uint32_t *sw = svnic_mbx_notify_word(notify, SVNIC_NOTIFY_SHTX_SEQ);
	uint32_t s1, s2, len;
	bool bad;

	s1 = __atomic_load_n(sw, __ATOMIC_ACQUIRE);
	if (s1 == 0 && legacy_len != 0) {
		/* a 1.2 driver: it leaves the window alone until it is answered */
		if (svnic_mbx_shtx_len_bad(legacy_len, cap))
			return -EMSGSIZE;
		memcpy(out, tx_win, legacy_len);
		return (int)legacy_len;
	}
	if (s1 == 0 || s1 == *last)
		return 0;
	if (s1 & 1)
		return -EAGAIN;
	len = __atomic_load_n(svnic_mbx_notify_word(notify, SVNIC_NOTIFY_SHTX_LEN),
			      __ATOMIC_RELAXED);
	bad = svnic_mbx_shtx_len_bad(len, cap);
	if (!bad)
		memcpy(out, tx_win, len);
	/* the reads before the second look: a writer that started meanwhile shows */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	s2 = __atomic_load_n(sw, __ATOMIC_RELAXED);
	if (s2 != s1)
		return -EAGAIN;
	*last = s1;
	return bad ? -EMSGSIZE : (int)len;
}

/* ---- the shared RX mailbox ---- */

int
svnic_mbx_shrx_write(void *notify, void *rx_win, const void *msg, size_t len)
{
	uint32_t *seq = svnic_mbx_notify_word(notify, SVNIC_NOTIFY_SHRX_SEQ);
	uint32_t s, ack, st;

	if (len < sizeof(struct svnic_mbx_hdr) || len > SVNIC_MBX_MSG_MAX)
		return -EINVAL;
	s = __atomic_load_n(seq, __ATOMIC_RELAXED);
	ack = __atomic_load_n(svnic_mbx_notify_word(notify, SVNIC_NOTIFY_SHRX_ACK),
			      __ATOMIC_ACQUIRE);
	st = __atomic_load_n(svnic_mbx_notify_word(notify, SVNIC_NOTIFY_MBX_STATUS),
			     __ATOMIC_ACQUIRE);
	/* the VF has not taken the last one, or the device's own message waits */
	if (ack != s || (st & SVNIC_MBX_ST_RX_VALID))
		return -EAGAIN;
	memcpy(rx_win, msg, len);
	__atomic_store_n(svnic_mbx_notify_word(notify, SVNIC_NOTIFY_SHRX_LEN), (uint32_t)len,
			 __ATOMIC_RELAXED);
	if (++s == 0)		/* 0 is "no message yet" */
		s = 1;
	__atomic_store_n(seq, s, __ATOMIC_RELEASE);
	return 0;
}

uint32_t
svnic_mbx_shrx_seq(const void *notify)
{
	return __atomic_load_n(svnic_mbx_notify_word(notify, SVNIC_NOTIFY_SHRX_SEQ),
			       __ATOMIC_ACQUIRE);
}

int
svnic_mbx_shrx_read(void *notify, const void *rx_win, uint32_t *taken, void *out, size_t cap)
{
	uint32_t s = __atomic_load_n(svnic_mbx_notify_word(notify, SVNIC_NOTIFY_SHRX_SEQ),
				     __ATOMIC_ACQUIRE);
	uint32_t len;
	bool bad;

	if (s == 0 || s == *taken)
		return 0;
	len = __atomic_load_n(svnic_mbx_notify_word(notify, SVNIC_NOTIFY_SHRX_LEN),
			      __ATOMIC_RELAXED);
	bad = svnic_mbx_shtx_len_bad(len, cap);
	if (!bad)
		memcpy(out, rx_win, len);
	*taken = s;
	/* the copy before the acknowledgement: the PF may write the window then */
	__atomic_store_n(svnic_mbx_notify_word(notify, SVNIC_NOTIFY_SHRX_ACK), s, __ATOMIC_RELEASE);
	return bad ? -EMSGSIZE : (int)len;
}
