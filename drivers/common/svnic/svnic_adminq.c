/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Admin command decoder (doc/device-spec.rst, "Admin queue"): every command is
 * checked against one table entry for its opcode (buffer direction and length,
 * and a check of its inline parameters) before the device acts on it. The device
 * runs this on its own copy of the descriptor and of a read buffer, so the PF
 * cannot change them between the check and the use.
 */

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "svnic_adminq.h"
#include "svnic_desc.h"
#include "svnic_mbx.h"

#define SVNIC_AQ_MAC_LEN	6
#define SVNIC_AQ_VLAN_MAX	4094
#define SVNIC_AQ_NB_OPS		(SVNIC_AQ_OP_MAX + 1)

enum svnic_aq_buf_dir {
	SVNIC_AQ_BUF_NONE,	/* F_BUF clear, buf_addr and buf_len 0 */
	SVNIC_AQ_BUF_IN,	/* F_BUF: the device reads the buffer */
	SVNIC_AQ_BUF_OUT,	/* F_BUF | F_BUF_WR: the device writes it */
};

/* Check of an opcode's inline parameters (and of a read buffer, when given). */
typedef int (*svnic_aq_check_t)(const struct svnic_aq_desc *d, const uint8_t *buf,
				const struct svnic_aq_limits *lim);

struct svnic_aq_rule {
	const char *name;
	enum svnic_aq_buf_dir dir;
	uint16_t buf_min;	/* for OUT: at least what the device writes */
	uint16_t buf_max;
	svnic_aq_check_t check;
};

void
svnic_aq_limits_default(struct svnic_aq_limits *lim)
{
	lim->total_vfs = SVNIC_TOTAL_VFS_MAX;
	lim->total_queue_pairs = SVNIC_QP_MAX;
	lim->max_vports = SVNIC_VPORTS_MAX;
	lim->max_vf_queue_pairs = SVNIC_VF_QP_MAX;
	lim->rss_key_size = SVNIC_RSS_KEY_MAX;
	lim->rss_table_size = SVNIC_RSS_TABLE_MAX;
	lim->ring_size_max = SVNIC_RING_SIZE_MAX;
	lim->vectors = SVNIC_PF_MSIX_MAX;
}

static bool
svnic_aq_all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static bool
svnic_aq_is_pow2(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

static bool
svnic_aq_mac_is_unicast(const uint8_t *mac)
{
	return (mac[0] & 0x01) == 0 && !svnic_aq_all_zero(mac, SVNIC_AQ_MAC_LEN);
}

static bool
svnic_aq_mac_is_broadcast(const uint8_t *mac)
{
	static const uint8_t bcast[SVNIC_AQ_MAC_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	return memcmp(mac, bcast, SVNIC_AQ_MAC_LEN) == 0;
}

/* Inline parameters that are all reserved. */
static int
svnic_aq_check_no_params(const struct svnic_aq_desc *d, const uint8_t *buf,
			 const struct svnic_aq_limits *lim)
{
	(void)buf;
	(void)lim;
	return svnic_aq_all_zero(d->params, sizeof(d->params)) ? 0 : -EINVAL;
}

static int
svnic_aq_check_vport_id(uint16_t vport_id, const struct svnic_aq_limits *lim)
{
	return vport_id < lim->max_vports ? 0 : -ERANGE;
}

static int
svnic_aq_check_func(uint16_t func, const struct svnic_aq_limits *lim)
{
	if ((func & ~(SVNIC_AQ_FUNC_VF_FLAG | SVNIC_AQ_FUNC_VF_MASK)) != 0)
		return -EINVAL;
	if (!SVNIC_AQ_FUNC_IS_VF(func))
		return func == SVNIC_AQ_FUNC_PF ? 0 : -EINVAL;
	return (func & SVNIC_AQ_FUNC_VF_MASK) < lim->total_vfs ? 0 : -ERANGE;
}

/*
 * A port VLAN is VID 1..4094 with a PCP and an 802.1Q or 802.1ad TPID; "none"
 * is all three zero. DEI has no meaning for a port VLAN.
 */
static int
svnic_aq_check_port_vlan(uint16_t tci, uint16_t proto)
{
	uint16_t vid = tci & SVNIC_AQ_VLAN_VID_MASK;

	if (vid == 0)
		return tci == 0 && proto == 0 ? 0 : -EINVAL;
	if (vid > SVNIC_AQ_VLAN_MAX || (tci & SVNIC_AQ_VLAN_DEI) != 0)
		return -EINVAL;
	if (proto != SVNIC_AQ_VLAN_PROTO_8021Q && proto != SVNIC_AQ_VLAN_PROTO_8021AD)
		return -EINVAL;
	return 0;
}

/* VPORT_CREATE and VPORT_MODIFY carry the whole VPort. */
static int
svnic_aq_check_vport(const struct svnic_aq_desc *d, const uint8_t *buf,
		     const struct svnic_aq_limits *lim)
{
	struct svnic_aq_vport v;
	int ret;

	(void)buf;
	memcpy(&v, d->params, sizeof(v));
	ret = svnic_aq_check_func(v.func, lim);
	if (ret != 0)
		return ret;
	if (!svnic_aq_mac_is_unicast(v.mac) ||
	    svnic_aq_check_port_vlan(v.vlan_tci, v.vlan_proto) != 0 ||
	    (v.flags & ~SVNIC_AQ_VPORT_F_MASK) != 0 || v.link_state > SVNIC_AQ_LINK_MAX ||
	    (v.rx_mode & ~SVNIC_AQ_RXM_MASK) != 0 || v.mtu < SVNIC_MTU_MIN ||
	    v.mtu > SVNIC_MTU_MAX || v.nb_queues == 0 ||
	    (v.max_tx_rate != 0 && v.min_tx_rate > v.max_tx_rate))
		return -EINVAL;
	if (svnic_aq_check_vport_id(v.vport_id, lim) != 0 ||
	    (uint32_t)v.queue_base + v.nb_queues > lim->total_queue_pairs ||
	    (SVNIC_AQ_FUNC_IS_VF(v.func) && v.nb_queues > lim->max_vf_queue_pairs))
		return -ERANGE;
	return 0;
}

static int
svnic_aq_check_vport_delete(const struct svnic_aq_desc *d, const uint8_t *buf,
			    const struct svnic_aq_limits *lim)
{
	struct svnic_aq_vport_id v;

	(void)buf;
	memcpy(&v, d->params, sizeof(v));
	if (!svnic_aq_all_zero(v.rsvd, sizeof(v.rsvd)))
		return -EINVAL;
	return svnic_aq_check_vport_id(v.vport_id, lim);
}

/*
 * Enabling names the whole ring; disabling names only the queue, so a driver
 * that disables a queue cannot leave half a configuration behind.
 */
static int
svnic_aq_check_queue_cfg(const struct svnic_aq_desc *d, const uint8_t *buf,
			 const struct svnic_aq_limits *lim)
{
	struct svnic_aq_queue_cfg q;
	bool rx;

	(void)buf;
	memcpy(&q, d->params, sizeof(q));
	rx = q.type == SVNIC_AQ_QTYPE_RX;
	if ((q.type != SVNIC_AQ_QTYPE_RX && q.type != SVNIC_AQ_QTYPE_TX) ||
	    (q.flags & ~SVNIC_AQ_QCFG_F_MASK) != 0 || q.rsvd != 0)
		return -EINVAL;
	if ((q.flags & SVNIC_AQ_QCFG_F_ENABLE) == 0) {
		if (q.flags != 0 || q.ring_size != 0 || q.ring_addr != 0 ||
		    q.head_wb_addr != 0 || q.buf_size != 0 || q.irq_vector != 0)
			return -EINVAL;
		goto ranges;
	}
	if (!svnic_aq_is_pow2(q.ring_size) || q.ring_size < SVNIC_RING_SIZE_MIN ||
	    q.ring_addr == 0 || q.ring_addr % SVNIC_RING_ALIGN != 0 ||
	    q.ring_addr > UINT64_MAX - (uint64_t)q.ring_size * 16u)
		return -EINVAL;
	if ((q.flags & SVNIC_AQ_QCFG_F_HEAD_WB) != 0 ?
	    (q.head_wb_addr == 0 || q.head_wb_addr % SVNIC_HEAD_WB_ALIGN != 0 ||
	     q.head_wb_addr > UINT64_MAX - sizeof(uint32_t)) :
	    q.head_wb_addr != 0)
		return -EINVAL;
	if ((q.flags & SVNIC_AQ_QCFG_F_IRQ) == 0 && q.irq_vector != 0)
		return -EINVAL;
	if (rx ? (q.buf_size < SVNIC_RX_BUF_MIN || q.buf_size > SVNIC_RX_BUF_MAX ||
		  q.buf_size % SVNIC_RX_BUF_ALIGN != 0) :
	    (q.buf_size != 0 || (q.flags & SVNIC_AQ_QCFG_F_SCATTER) != 0))
		return -EINVAL;
	if (q.ring_size > lim->ring_size_max ||
	    ((q.flags & SVNIC_AQ_QCFG_F_IRQ) != 0 && q.irq_vector >= lim->vectors))
		return -ERANGE;
ranges:
	if (q.queue >= lim->total_queue_pairs)
		return -ERANGE;
	return svnic_aq_check_vport_id(q.vport_id, lim);
}

static int
svnic_aq_check_mac_filter(const struct svnic_aq_desc *d, const uint8_t *buf,
			  const struct svnic_aq_limits *lim)
{
	struct svnic_aq_mac_filter m;

	(void)buf;
	memcpy(&m, d->params, sizeof(m));
	/* broadcast is SVNIC_AQ_RXM_BROADCAST's business, not a filter's */
	if (svnic_aq_all_zero(m.mac, SVNIC_AQ_MAC_LEN) || svnic_aq_mac_is_broadcast(m.mac) ||
	    !svnic_aq_all_zero(m.rsvd, sizeof(m.rsvd)))
		return -EINVAL;
	return svnic_aq_check_vport_id(m.vport_id, lim);
}

static int
svnic_aq_check_vlan_filter(const struct svnic_aq_desc *d, const uint8_t *buf,
			   const struct svnic_aq_limits *lim)
{
	struct svnic_aq_vlan_filter v;

	(void)buf;
	memcpy(&v, d->params, sizeof(v));
	if (v.vlan_id == 0 || v.vlan_id > SVNIC_AQ_VLAN_MAX ||
	    !svnic_aq_all_zero(v.rsvd, sizeof(v.rsvd)))
		return -EINVAL;
	return svnic_aq_check_vport_id(v.vport_id, lim);
}

/*
 * The buffer is svnic_aq_rss_buf with table_len entries. Table entries are
 * VPort-relative queues: the device judges them against the VPort; here only
 * against the largest VPort the device can have.
 */
static int
svnic_aq_check_rss(const struct svnic_aq_desc *d, const uint8_t *buf,
		   const struct svnic_aq_limits *lim)
{
	struct svnic_aq_rss r;
	uint16_t entry;
	uint32_t i;

	memcpy(&r, d->params, sizeof(r));
	if (r.hash_func > SVNIC_RSS_FUNC_MAX || (r.hash_types & ~SVNIC_RSS_HF_ALL) != 0 ||
	    r.rsvd0 != 0 || !svnic_aq_all_zero(r.rsvd1, sizeof(r.rsvd1)) ||
	    r.key_len > SVNIC_RSS_KEY_MAX ||
	    (r.table_len != 0 && (!svnic_aq_is_pow2(r.table_len) ||
				  r.table_len > SVNIC_RSS_TABLE_MAX)))
		return -EINVAL;
	if (d->buf_len != sizeof(struct svnic_aq_rss_buf) + 2u * r.table_len)
		return -EMSGSIZE;
	if ((r.key_len != 0 && r.key_len != lim->rss_key_size) ||
	    r.table_len > lim->rss_table_size)
		return -ERANGE;
	if (r.vport_id >= lim->max_vports)
		return -ERANGE;
	if (buf == NULL)
		return 0;
	if (!svnic_aq_all_zero(buf + r.key_len, SVNIC_RSS_KEY_MAX - r.key_len) ||
	    !svnic_aq_all_zero(buf + SVNIC_RSS_KEY_MAX,
			       offsetof(struct svnic_aq_rss_buf, table) - SVNIC_RSS_KEY_MAX))
		return -EINVAL;
	for (i = 0; i < r.table_len; i++) {
		memcpy(&entry, buf + sizeof(struct svnic_aq_rss_buf) + 2u * i, sizeof(entry));
		if (entry >= lim->total_queue_pairs)
			return -ERANGE;
	}
	return 0;
}

static int
svnic_aq_check_stats(const struct svnic_aq_desc *d, const uint8_t *buf,
		     const struct svnic_aq_limits *lim)
{
	struct svnic_aq_stats_req s;

	(void)buf;
	memcpy(&s, d->params, sizeof(s));
	if (s.scope > SVNIC_AQ_STATS_TXQ || s.rsvd0 != 0 ||
	    !svnic_aq_all_zero(s.rsvd1, sizeof(s.rsvd1)))
		return -EINVAL;
	if (s.scope == SVNIC_AQ_STATS_VPORT) {
		if (d->buf_len < sizeof(struct svnic_aq_vport_stats))
			return -EMSGSIZE;
		return svnic_aq_check_vport_id(s.id, lim);
	}
	return s.id < lim->total_queue_pairs ? 0 : -ERANGE;
}

static int
svnic_aq_check_vf(const struct svnic_aq_desc *d, const uint8_t *buf,
		  const struct svnic_aq_limits *lim)
{
	struct svnic_aq_vf v;

	(void)buf;
	memcpy(&v, d->params, sizeof(v));
	if (!svnic_aq_all_zero(v.rsvd, sizeof(v.rsvd)))
		return -EINVAL;
	return v.vf_id < lim->total_vfs ? 0 : -ERANGE;
}

static int
svnic_aq_check_vf_cfg(const struct svnic_aq_desc *d, const uint8_t *buf,
		      const struct svnic_aq_limits *lim)
{
	struct svnic_aq_vf_cfg c;
	bool write = d->opcode == SVNIC_AQ_OP_VF_CONFIG_WRITE;

	(void)buf;
	memcpy(&c, d->params, sizeof(c));
	if ((c.len != 1 && c.len != 2 && c.len != 4) || (c.offset & 3u) + c.len > 4u ||
	    c.offset >= SVNIC_AQ_VF_CFG_SIZE ||
	    !svnic_aq_all_zero(c.rsvd0, sizeof(c.rsvd0)) ||
	    !svnic_aq_all_zero(c.rsvd1, sizeof(c.rsvd1)))
		return -EINVAL;
	/* a read carries no value; a write none past its length */
	if (!write ? c.value != 0 : (c.len < 4 && (c.value >> (8u * c.len)) != 0))
		return -EINVAL;
	return c.vf_id < lim->total_vfs ? 0 : -ERANGE;
}

/*
 * The device delivers the message as it is, but only a framed one: the VF
 * driver's decoder (svnic_mbx_validate_from_pf) judges the rest.
 */
static int
svnic_aq_check_mbx_send(const struct svnic_aq_desc *d, const uint8_t *buf,
			const struct svnic_aq_limits *lim)
{
	struct svnic_mbx_hdr h;
	int ret;

	ret = svnic_aq_check_vf(d, buf, lim);
	if (ret != 0 || buf == NULL)
		return ret;
	memcpy(&h, buf, sizeof(h));
	if (sizeof(h) + h.len != d->buf_len)
		return -EMSGSIZE;
	if (SVNIC_MBX_VERSION_GET_MAJOR(h.version) != SVNIC_MBX_VERSION_MAJOR ||
	    (h.flags != SVNIC_MBX_F_REPLY && h.flags != SVNIC_MBX_F_NOTICE))
		return -EINVAL;
	return 0;
}

static const struct svnic_aq_rule svnic_aq_rules[SVNIC_AQ_NB_OPS] = {
	[SVNIC_AQ_OP_IDENTIFY] = { "IDENTIFY", SVNIC_AQ_BUF_OUT,
		sizeof(struct svnic_aq_identify), SVNIC_AQ_BUF_MAX, svnic_aq_check_no_params },
	[SVNIC_AQ_OP_VPORT_CREATE] = { "VPORT_CREATE", SVNIC_AQ_BUF_NONE, 0, 0,
		svnic_aq_check_vport },
	[SVNIC_AQ_OP_VPORT_DELETE] = { "VPORT_DELETE", SVNIC_AQ_BUF_NONE, 0, 0,
		svnic_aq_check_vport_delete },
	[SVNIC_AQ_OP_VPORT_MODIFY] = { "VPORT_MODIFY", SVNIC_AQ_BUF_NONE, 0, 0,
		svnic_aq_check_vport },
	[SVNIC_AQ_OP_QUEUE_CONFIG] = { "QUEUE_CONFIG", SVNIC_AQ_BUF_NONE, 0, 0,
		svnic_aq_check_queue_cfg },
	[SVNIC_AQ_OP_MAC_FILTER_ADD] = { "MAC_FILTER_ADD", SVNIC_AQ_BUF_NONE, 0, 0,
		svnic_aq_check_mac_filter },
	[SVNIC_AQ_OP_MAC_FILTER_DEL] = { "MAC_FILTER_DEL", SVNIC_AQ_BUF_NONE, 0, 0,
		svnic_aq_check_mac_filter },
	[SVNIC_AQ_OP_VLAN_FILTER_ADD] = { "VLAN_FILTER_ADD", SVNIC_AQ_BUF_NONE, 0, 0,
		svnic_aq_check_vlan_filter },
	[SVNIC_AQ_OP_VLAN_FILTER_DEL] = { "VLAN_FILTER_DEL", SVNIC_AQ_BUF_NONE, 0, 0,
		svnic_aq_check_vlan_filter },
	[SVNIC_AQ_OP_RSS_CONFIG] = { "RSS_CONFIG", SVNIC_AQ_BUF_IN,
		sizeof(struct svnic_aq_rss_buf),
		sizeof(struct svnic_aq_rss_buf) + 2u * SVNIC_RSS_TABLE_MAX, svnic_aq_check_rss },
	[SVNIC_AQ_OP_GET_STATS] = { "GET_STATS", SVNIC_AQ_BUF_OUT,
		sizeof(struct svnic_aq_queue_stats), SVNIC_AQ_BUF_MAX, svnic_aq_check_stats },
	[SVNIC_AQ_OP_VF_RESET] = { "VF_RESET", SVNIC_AQ_BUF_NONE, 0, 0, svnic_aq_check_vf },
	[SVNIC_AQ_OP_VF_CONFIG_READ] = { "VF_CONFIG_READ", SVNIC_AQ_BUF_NONE, 0, 0,
		svnic_aq_check_vf_cfg },
	[SVNIC_AQ_OP_VF_CONFIG_WRITE] = { "VF_CONFIG_WRITE", SVNIC_AQ_BUF_NONE, 0, 0,
		svnic_aq_check_vf_cfg },
	[SVNIC_AQ_OP_MBX_SEND] = { "MBX_SEND", SVNIC_AQ_BUF_IN,
		sizeof(struct svnic_mbx_hdr), SVNIC_MBX_MSG_MAX, svnic_aq_check_mbx_send },
	[SVNIC_AQ_OP_MBX_RECV] = { "MBX_RECV", SVNIC_AQ_BUF_OUT,
		sizeof(struct svnic_mbx_hdr), SVNIC_AQ_BUF_MAX, svnic_aq_check_vf },
};

static const struct svnic_aq_rule *
svnic_aq_rule(uint16_t opcode)
{
	if (opcode == 0 || opcode > SVNIC_AQ_OP_MAX)
		return NULL;
	return &svnic_aq_rules[opcode];
}

const char *
svnic_aq_op_name(uint16_t opcode)
{
	const struct svnic_aq_rule *rule = svnic_aq_rule(opcode);

	return rule != NULL ? rule->name : "UNKNOWN";
}

static const struct {
	const char *name;
	int err;
} svnic_aq_status_tab[SVNIC_AQ_ST_MAX + 1] = {
	[SVNIC_AQ_ST_OK] = { "OK", 0 },
	[SVNIC_AQ_ST_EPERM] = { "EPERM", -EPERM },
	[SVNIC_AQ_ST_ENOENT] = { "ENOENT", -ENOENT },
	[SVNIC_AQ_ST_EINVAL] = { "EINVAL", -EINVAL },
	[SVNIC_AQ_ST_ENOSPC] = { "ENOSPC", -ENOSPC },
	[SVNIC_AQ_ST_EEXIST] = { "EEXIST", -EEXIST },
	[SVNIC_AQ_ST_EBUSY] = { "EBUSY", -EBUSY },
	[SVNIC_AQ_ST_EFAULT] = { "EFAULT", -EFAULT },
	[SVNIC_AQ_ST_ERANGE] = { "ERANGE", -ERANGE },
	[SVNIC_AQ_ST_ENOTSUP] = { "ENOTSUP", -EOPNOTSUPP },
	[SVNIC_AQ_ST_EMSGSIZE] = { "EMSGSIZE", -EMSGSIZE },
	[SVNIC_AQ_ST_EAGAIN] = { "EAGAIN", -EAGAIN },
	[SVNIC_AQ_ST_EIO] = { "EIO", -EIO },
};

const char *
svnic_aq_status_name(uint16_t status)
{
	return status <= SVNIC_AQ_ST_MAX ? svnic_aq_status_tab[status].name : "UNKNOWN";
}

int
svnic_aq_status_to_errno(uint16_t status)
{
	/* a newer device's code is still a failure, just not one we can name */
	return status <= SVNIC_AQ_ST_MAX ? svnic_aq_status_tab[status].err : -EPROTO;
}

bool
svnic_aq_identify_stats_page(const struct svnic_aq_identify *id)
{
	/* the bit was reserved (0) before 1.4; a newer minor keeps its meaning */
	return (id->version >> 16) == SVNIC_SPEC_VERSION_MAJOR &&
	       (id->version & 0xffffu) >= SVNIC_SPEC_MINOR_STATS_PAGE &&
	       (id->dev_caps & SVNIC_DEVCAP_STATS_PAGE) != 0 &&
	       id->max_vports <= SVNIC_VPORTS_MAX;
}

uint16_t
svnic_aq_errno_to_status(int err)
{
	uint16_t st;

	for (st = 0; st <= SVNIC_AQ_ST_MAX; st++)
		if (svnic_aq_status_tab[st].err == err)
			return st;
	return SVNIC_AQ_ST_EIO;
}

/* F_BUF/F_BUF_WR, buf_addr and buf_len against the opcode's buffer rule. */
static int
svnic_aq_check_buf(const struct svnic_aq_desc *d, const struct svnic_aq_rule *rule)
{
	bool has_buf = (d->flags & SVNIC_AQ_F_BUF) != 0;
	bool dev_writes = (d->flags & SVNIC_AQ_F_BUF_WR) != 0;

	if (dev_writes && !has_buf)
		return -EINVAL;
	if (rule->dir == SVNIC_AQ_BUF_NONE) {
		if (has_buf)
			return -EMSGSIZE;
		return d->buf_addr == 0 && d->buf_len == 0 ? 0 : -EINVAL;
	}
	if (!has_buf)
		return -EMSGSIZE;
	if (dev_writes != (rule->dir == SVNIC_AQ_BUF_OUT))
		return -EINVAL;
	if (d->buf_addr == 0 || d->buf_addr % SVNIC_AQ_BUF_ALIGN != 0 ||
	    d->buf_addr > UINT64_MAX - d->buf_len)
		return -EINVAL;
	if (d->buf_len < rule->buf_min || d->buf_len > rule->buf_max)
		return -EMSGSIZE;
	return 0;
}

int
svnic_adminq_validate(const struct svnic_aq_desc *d, const void *buf, size_t len,
		      const struct svnic_aq_limits *lim)
{
	const struct svnic_aq_rule *rule;
	struct svnic_aq_limits def;
	int ret;

	if (d == NULL)
		return -EINVAL;
	if (lim == NULL) {
		svnic_aq_limits_default(&def);
		lim = &def;
	}
	rule = svnic_aq_rule(d->opcode);
	if (rule == NULL)
		return -EOPNOTSUPP;
	if ((d->flags & ~SVNIC_AQ_F_DRV_MASK) != 0 || d->status != 0 || d->rsvd != 0 ||
	    d->ret_val != 0)
		return -EINVAL;
	ret = svnic_aq_check_buf(d, rule);
	if (ret != 0)
		return ret;
	/* only a buffer the device reads has content to judge */
	if (rule->dir != SVNIC_AQ_BUF_IN)
		buf = NULL;
	else if (buf != NULL && len != d->buf_len)
		return -EMSGSIZE;
	return rule->check(d, buf, lim);
}

int
svnic_aq_build(struct svnic_aq_desc *d, uint16_t opcode, uint16_t flags, uint64_t cookie,
	       const void *params, size_t params_len, uint64_t buf_addr, uint32_t buf_len)
{
	if (d == NULL || params_len > sizeof(d->params) || (params == NULL && params_len != 0))
		return -EINVAL;
	memset(d, 0, sizeof(*d));
	d->opcode = opcode;
	d->flags = flags;
	d->cookie = cookie;
	d->buf_addr = buf_addr;
	d->buf_len = buf_len;
	if (params_len != 0)
		memcpy(d->params, params, params_len);
	return 0;
}
