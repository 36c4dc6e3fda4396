/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VF's end of the mailbox. The device holds one message per direction:
 * the VF may submit only while MBX_STATUS.TX_BUSY is clear, and the PF can
 * place nothing new in the RX window until the VF acknowledged the last one
 * (doc/device-spec.rst "Mailbox"). So the client always drains the RX window
 * while it waits, whatever it waits for: a PF that wants to send a notice
 * before it takes our request must not be stuck behind us.
 *
 * Waiting costs no trapped access where the device mirrors MBX_STATUS in the
 * notify page (spec 1.1): each look at a trapped register is a round trip
 * through the PF to the device, and the PF's control thread serves both. A
 * wait looks at the mirror for SVNIC_VF_MBX_SPIN_US, then sleeps on the misc
 * vector with a timeout, so no message is ever found only by its interrupt.
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include "svnic_vf_mbx.h"

#define SVNIC_VF_MBX_HDR_LEN	sizeof(struct svnic_mbx_hdr)

/* What svnic_vf_mbx_take() found in the RX window. */
enum svnic_vf_mbx_rx {
	SVNIC_VF_MBX_RX_NONE,		/* nothing there */
	SVNIC_VF_MBX_RX_OTHER,		/* a notice handled, or a message dropped */
	SVNIC_VF_MBX_RX_REPLY,		/* the reply we wait for */
	SVNIC_VF_MBX_RX_RESET,		/* RESET_NOTICE: the session is gone */
	SVNIC_VF_MBX_RX_DOWN,		/* PF_GOING_DOWN */
};

/* The request a reply must match; NULL when none is outstanding. */
struct svnic_vf_mbx_wait {
	uint32_t seq;
	uint16_t opcode;
	void *reply;
	uint16_t reply_cap;
	uint32_t status;		/* out: the reply's */
};

static int
svnic_vf_mbx_post(struct svnic_vf_mbx *m, uint32_t off, uint32_t val)
{
	if (m->ops->reg_write_posted != NULL)
		return m->ops->reg_write_posted(m->ctx, off, val);
	return m->ops->reg_write(m->ctx, off, val);
}

int
svnic_vf_mbx_init(struct svnic_vf_mbx *m, const struct svnic_vf_mbx_ops *ops, void *ctx,
		  void *tx_win, const void *rx_win, svnic_vf_mbx_notice_cb cb, void *cb_arg)
{
	if (m == NULL || ops == NULL || ops->reg_read == NULL || ops->reg_write == NULL ||
	    ops->wait == NULL || ops->now_us == NULL || tx_win == NULL || rx_win == NULL)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	m->ops = ops;
	m->ctx = ctx;
	m->tx_win = tx_win;
	m->rx_win = rx_win;
	m->notice_cb = cb;
	m->notice_arg = cb_arg;
	m->timeout_us = SVNIC_VF_MBX_TIMEOUT_US_DEFAULT;
	return 0;
}

void
svnic_vf_mbx_set_mirror(struct svnic_vf_mbx *m, const uint32_t *mirror)
{
	m->status_mirror = mirror;
}

void
svnic_vf_mbx_set_shared_tx(struct svnic_vf_mbx *m, void *notify)
{
	m->shtx_notify = notify;
}

void
svnic_vf_mbx_set_shared_rx(struct svnic_vf_mbx *m, void *notify)
{
	m->shrx_notify = notify;
}

void
svnic_vf_mbx_set_rx_seq(struct svnic_vf_mbx *m, bool on)
{
	m->post_ack = on && m->ops->reg_write_posted != NULL;
	m->ack_in_flight = false;
}

static int
svnic_vf_mbx_status(struct svnic_vf_mbx *m, uint32_t *st)
{
	/* acquire: the RX window's bytes were written before the mirror was */
	if (m->status_mirror != NULL) {
		*st = __atomic_load_n(m->status_mirror, __ATOMIC_ACQUIRE);
		return 0;
	}
	return m->ops->reg_read(m->ctx, SVNIC_REG_MBX_STATUS, st) < 0 ? -EIO : 0;
}

/* A reply that is valid for its own opcode is a late one (a request that
 * timed out); anything else is garbage. Both are dropped. */
static void
svnic_vf_mbx_drop_reply(struct svnic_vf_mbx *m, const uint8_t *msg, size_t len,
			const struct svnic_mbx_hdr *hdr)
{
	if (svnic_mbx_validate_from_pf(msg, len, hdr->opcode) == 0)
		m->cnt.stale++;
	else
		m->cnt.garbage++;
}

static int svnic_vf_mbx_deliver(struct svnic_vf_mbx *m, struct svnic_vf_mbx_wait *w,
				const uint8_t *msg, uint32_t len);

/*
 * A message the PF put in the RX window itself (shared RX), if there is a
 * new one: taken, acknowledged in our notify page and, for the PF, with a
 * posted MBX_RX_ACK that the PF's VF port keeps (the window is free again).
 */
static int
svnic_vf_mbx_take_shared(struct svnic_vf_mbx *m, struct svnic_vf_mbx_wait *w)
{
	uint8_t msg[SVNIC_MBX_MSG_MAX];
	int n;

	if (m->shrx_notify == NULL)
		return SVNIC_VF_MBX_RX_NONE;
	n = svnic_mbx_shrx_read(m->shrx_notify, m->rx_win, &m->shrx_taken, msg, sizeof(msg));
	if (n == 0)
		return SVNIC_VF_MBX_RX_NONE;
	m->cnt.shared_rx++;
	if (svnic_vf_mbx_post(m, SVNIC_REG_MBX_RX_ACK, SVNIC_MBX_ACK_SHARED) < 0)
		return -EIO;
	return svnic_vf_mbx_deliver(m, w, msg, n > 0 ? (uint32_t)n : 0);
}

/*
 * Take one message out of the RX window, if MBX_STATUS @p st says the device
 * put one there, or else if the PF put one there itself (shared RX), and
 * acknowledge it.
 */
static int
svnic_vf_mbx_take(struct svnic_vf_mbx *m, struct svnic_vf_mbx_wait *w, uint32_t st)
{
	uint8_t msg[SVNIC_MBX_MSG_MAX];
	uint32_t len;

	if (m->ack_in_flight) {
		/* the message taken last, its posted ack not landed yet: nothing new */
		if ((st & SVNIC_MBX_ST_RX_VALID) && (st & SVNIC_MBX_ST_RX_SEQ) == m->rx_seq_taken)
			return SVNIC_VF_MBX_RX_NONE;
		m->ack_in_flight = false;
	}
	/* the device's (or a PF's MBX_SEND) first: it may be its RESET_NOTICE */
	if (!(st & SVNIC_MBX_ST_RX_VALID))
		return svnic_vf_mbx_take_shared(m, w);
	len = (st & SVNIC_MBX_ST_RX_LEN_MASK) >> SVNIC_MBX_ST_RX_LEN_SHIFT;
	/* the window's bytes are the device's once RX_VALID is seen (spec "Mailbox") */
	atomic_thread_fence(memory_order_acquire);
	if (len >= SVNIC_VF_MBX_HDR_LEN && len <= SVNIC_MBX_MSG_MAX)
		memcpy(msg, m->rx_win, len);
	else
		len = 0;
	/* Copied: the window may take the next message while we look at this one. */
	if (m->post_ack) {
		m->rx_seq_taken = st & SVNIC_MBX_ST_RX_SEQ;
		m->ack_in_flight = true;
		/* the ack names its message: it may land after the device replaced it */
		if (m->ops->reg_write_posted(m->ctx, SVNIC_REG_MBX_RX_ACK,
					     SVNIC_MBX_ACK | SVNIC_MBX_ACK_SEQ_CHECK |
					     (m->rx_seq_taken ? SVNIC_MBX_ACK_RX_SEQ : 0)) < 0)
			return -EIO;
	} else if (m->ops->reg_write(m->ctx, SVNIC_REG_MBX_RX_ACK, 1) < 0) {
		return -EIO;
	}
	return svnic_vf_mbx_deliver(m, w, msg, len);
}

/* A message from the PF (@p len 0: garbage), from either window path. */
static int
svnic_vf_mbx_deliver(struct svnic_vf_mbx *m, struct svnic_vf_mbx_wait *w, const uint8_t *msg,
		     uint32_t len)
{
	struct svnic_mbx_hdr hdr;

	if (len == 0) {
		m->cnt.garbage++;
		return SVNIC_VF_MBX_RX_OTHER;
	}
	memcpy(&hdr, msg, sizeof(hdr));
	if (hdr.flags == SVNIC_MBX_F_REPLY) {
		if (w == NULL || hdr.seq != w->seq || hdr.opcode != w->opcode) {
			svnic_vf_mbx_drop_reply(m, msg, len, &hdr);
			return SVNIC_VF_MBX_RX_OTHER;
		}
		if (svnic_mbx_validate_from_pf(msg, len, w->opcode) != 0) {
			m->cnt.garbage++;
			return SVNIC_VF_MBX_RX_OTHER;
		}
		w->status = hdr.status;
		if (hdr.status == 0 && w->reply != NULL)
			memcpy(w->reply, msg + SVNIC_VF_MBX_HDR_LEN,
			       hdr.len < w->reply_cap ? hdr.len : w->reply_cap);
		return SVNIC_VF_MBX_RX_REPLY;
	}
	/* A notice, or nothing the PF may send: the decoder tells which. */
	if (svnic_mbx_validate_from_pf(msg, len, 0) != 0) {
		m->cnt.garbage++;
		return SVNIC_VF_MBX_RX_OTHER;
	}
	m->cnt.notices++;
	/* A reset ends the HELLO session (doc/mailbox.rst "Versioning"). */
	if (hdr.opcode == SVNIC_MBX_OP_RESET_NOTICE)
		m->version = 0;
	if (m->notice_cb != NULL)
		m->notice_cb(m->notice_arg, &hdr, msg + SVNIC_VF_MBX_HDR_LEN);
	switch (hdr.opcode) {
	case SVNIC_MBX_OP_RESET_NOTICE:
		return SVNIC_VF_MBX_RX_RESET;
	case SVNIC_MBX_OP_PF_GOING_DOWN:
		return SVNIC_VF_MBX_RX_DOWN;
	default:
		return SVNIC_VF_MBX_RX_OTHER;
	}
}

int
svnic_vf_mbx_poll(struct svnic_vf_mbx *m)
{
	uint32_t st;
	int n = 0, ret;

	/* bounded: a PF that keeps the window full cannot hold the caller forever */
	while (n < 64) {
		if (svnic_vf_mbx_status(m, &st) < 0)
			return -EIO;
		ret = svnic_vf_mbx_take(m, NULL, st);
		if (ret < 0)
			return ret;
		if (ret == SVNIC_VF_MBX_RX_NONE)
			break;
		n++;
	}
	return n;
}

/* Map what ended a wait to the request's result. */
static int
svnic_vf_mbx_wait_end(int rx)
{
	switch (rx) {
	case SVNIC_VF_MBX_RX_RESET:
		return -ECONNRESET;
	case SVNIC_VF_MBX_RX_DOWN:
		return -ESHUTDOWN;
	default:
		return rx < 0 ? rx : 0;
	}
}

/*
 * One pause of a wait that found nothing. With the mirror, looks are free:
 * only give the CPU away (the PF and the device may need it) until @p spin_end.
 * Then, with an interrupt, sleep on it; the vector fires on an edge of
 * INT_CAUSE & ~INT_MASK (spec "INT_CAUSE"), so MBX_RX is cleared first (@p
 * armed) and the status looked at once more before the sleep: a message that
 * came before the clear is seen by that look, one after it raises the vector.
 */
static int
svnic_vf_mbx_pause(struct svnic_vf_mbx *m, uint64_t spin_end, bool *armed)
{
	if (m->status_mirror != NULL && m->ops->now_us(m->ctx) < spin_end) {
		m->ops->wait(m->ctx, 0);
		return 0;
	}
	if (m->ops->irq_wait == NULL) {
		m->ops->wait(m->ctx, SVNIC_VF_MBX_POLL_US);
		return 0;
	}
	if (!*armed) {
		if (m->ops->reg_write(m->ctx, SVNIC_REG_INT_CAUSE, SVNIC_INT_MBX_RX) < 0)
			return -EIO;
		*armed = true;
		return 0;
	}
	m->ops->irq_wait(m->ctx, SVNIC_VF_MBX_IRQ_WAIT_US);
	*armed = false;
	return 0;
}

/*
 * Until the device has taken our previous message (TX_BUSY clear) or, with
 * @p w, until its reply: draining the RX window all along. One status per
 * look serves both questions.
 */
static int
svnic_vf_mbx_wait(struct svnic_vf_mbx *m, struct svnic_vf_mbx_wait *w, uint64_t deadline)
{
	uint64_t spin_end = m->ops->now_us(m->ctx) + SVNIC_VF_MBX_SPIN_US;
	bool armed = false;
	uint32_t st;
	int rx;

	for (;;) {
		if (svnic_vf_mbx_status(m, &st) < 0)
			return -EIO;
		rx = svnic_vf_mbx_take(m, w, st);
		if (rx < 0 || rx == SVNIC_VF_MBX_RX_RESET || rx == SVNIC_VF_MBX_RX_DOWN)
			return svnic_vf_mbx_wait_end(rx);
		if (w != NULL && rx == SVNIC_VF_MBX_RX_REPLY)
			return 0;
		/* TX_BUSY only ever clears behind our back: this look's is good enough */
		if (w == NULL && !(st & SVNIC_MBX_ST_TX_BUSY))
			return 0;
		/*
		 * The clock before anything else: a PF that keeps the RX window
		 * full (notices, garbage) must not hold the request past its
		 * deadline.
		 */
		if (m->ops->now_us(m->ctx) >= deadline) {
			m->cnt.timeouts++;
			return -ETIMEDOUT;
		}
		if (rx == SVNIC_VF_MBX_RX_OTHER)
			continue;	/* look again before sleeping: more may wait */
		rx = svnic_vf_mbx_pause(m, spin_end, &armed);
		if (rx < 0)
			return rx;
	}
}

int
svnic_vf_mbx_request(struct svnic_vf_mbx *m, uint16_t opcode, const void *payload,
		     uint16_t len, void *reply, uint16_t reply_cap)
{
	uint8_t msg[SVNIC_MBX_MSG_MAX];
	struct svnic_vf_mbx_wait w;
	uint16_t version;
	uint64_t deadline;
	size_t n;
	int ret, minor;

	if (m == NULL || m->ops == NULL)
		return -EINVAL;
	minor = svnic_mbx_op_minor(opcode);
	if (minor < 0)
		return -EINVAL;
	/* A session that agreed on an older minor may not use a newer request. */
	if (m->version != 0 && minor > SVNIC_MBX_VERSION_GET_MINOR(m->version))
		return -EOPNOTSUPP;
	/* seq 0 is the PF's (notices, its answer to a headerless message) */
	if (++m->seq == 0)
		m->seq = 1;
	n = svnic_mbx_build(msg, sizeof(msg), opcode, 0, m->seq, 0, payload, len);
	if (n == 0)
		return -EINVAL;
	version = m->version != 0 ? m->version :
		SVNIC_MBX_VERSION(SVNIC_MBX_VERSION_MAJOR, SVNIC_MBX_VERSION_MINOR);
	memcpy(msg + offsetof(struct svnic_mbx_hdr, version), &version, sizeof(version));

	deadline = m->ops->now_us(m->ctx) + m->timeout_us;
	ret = svnic_vf_mbx_wait(m, NULL, deadline);
	if (ret < 0)
		return ret;
	if (m->shtx_notify != NULL) {
		/* the PF reads the window itself: framed by the sequence lock */
		svnic_mbx_shtx_write(m->shtx_notify, m->tx_win, msg, (uint16_t)n, &m->shtx_seq);
		m->cnt.shared_tx++;
	} else {
		memcpy(m->tx_win, msg, n);
		/* the window's bytes before the trapped write that submits them */
		atomic_thread_fence(memory_order_release);
	}
	if (svnic_vf_mbx_post(m, SVNIC_REG_MBX_TX, (uint32_t)n) < 0)
		return -EIO;
	m->cnt.requests++;

	memset(&w, 0, sizeof(w));
	w.seq = m->seq;
	w.opcode = opcode;
	w.reply = reply;
	w.reply_cap = reply_cap;
	ret = svnic_vf_mbx_wait(m, &w, deadline);
	if (ret < 0)
		return ret;
	if (w.status != 0) {
		m->cnt.refused++;
		return -(int)w.status;
	}
	return 0;
}

int
svnic_vf_mbx_hello(struct svnic_vf_mbx *m, uint16_t minor)
{
	struct svnic_mbx_hello h = {
		.major = SVNIC_MBX_VERSION_MAJOR,
		.minor = minor,
		.caps = SVNIC_MBX_CAP_RSS | SVNIC_MBX_CAP_LINK_EVENTS | SVNIC_MBX_CAP_QUEUE_CFG,
	};
	struct svnic_mbx_hello r;
	int ret;

	if (m == NULL || minor > 0xff)
		return -EINVAL;
	/* A HELLO starts a session afresh, offered in our version's header. */
	m->version = 0;
	if (m->shrx_notify != NULL) {
		h.caps |= SVNIC_MBX_CAP_SHARED_RX;
		/* a reset zeroed the PF's words: whatever they say now is old */
		m->shrx_taken = svnic_mbx_shrx_seq(m->shrx_notify);
	}
	memset(&r, 0, sizeof(r));
	ret = svnic_vf_mbx_request(m, SVNIC_MBX_OP_HELLO, &h, sizeof(h), &r, sizeof(r));
	if (ret < 0)
		return ret;
	/* The decoder checked the major; a minor above our offer breaks the rule. */
	if (r.major != SVNIC_MBX_VERSION_MAJOR || r.minor > minor)
		return -EPROTO;
	m->version = SVNIC_MBX_VERSION(r.major, r.minor);
	m->pf_caps = r.caps;
	return 0;
}

int
svnic_vf_mbx_get_resources(struct svnic_vf_mbx *m, struct svnic_mbx_resources *r)
{
	memset(r, 0, sizeof(*r));
	return svnic_vf_mbx_request(m, SVNIC_MBX_OP_GET_RESOURCES, NULL, 0, r, sizeof(*r));
}

int
svnic_vf_mbx_mac(struct svnic_vf_mbx *m, uint16_t opcode, const uint8_t mac[6])
{
	struct svnic_mbx_mac p = { .rsvd = 0 };

	if (opcode != SVNIC_MBX_OP_SET_MAC && opcode != SVNIC_MBX_OP_ADD_MAC_FILTER &&
	    opcode != SVNIC_MBX_OP_DEL_MAC_FILTER)
		return -EINVAL;
	memcpy(p.addr, mac, sizeof(p.addr));
	return svnic_vf_mbx_request(m, opcode, &p, sizeof(p), NULL, 0);
}

int
svnic_vf_mbx_mc_list(struct svnic_vf_mbx *m, const uint8_t (*addrs)[6], uint16_t count)
{
	uint8_t buf[sizeof(struct svnic_mbx_mc_list) + 6u * SVNIC_MBX_MC_ADDRS_MAX];
	struct svnic_mbx_mc_list l = { .count = count, .rsvd = 0 };

	if (count > SVNIC_MBX_MC_ADDRS_MAX || (count != 0 && addrs == NULL))
		return -EINVAL;
	memcpy(buf, &l, sizeof(l));
	if (count != 0)
		memcpy(buf + sizeof(l), addrs, 6u * count);
	return svnic_vf_mbx_request(m, SVNIC_MBX_OP_SET_MULTICAST_LIST, buf,
				    (uint16_t)(sizeof(l) + 6u * count), NULL, 0);
}

int
svnic_vf_mbx_enable(struct svnic_vf_mbx *m, uint16_t opcode, bool on)
{
	struct svnic_mbx_enable e = { .enable = on ? 1 : 0 };

	if (opcode != SVNIC_MBX_OP_SET_PROMISC && opcode != SVNIC_MBX_OP_SET_ALLMULTI &&
	    opcode != SVNIC_MBX_OP_SET_VLAN_STRIP)
		return -EINVAL;
	return svnic_vf_mbx_request(m, opcode, &e, sizeof(e), NULL, 0);
}

int
svnic_vf_mbx_vlan(struct svnic_vf_mbx *m, uint16_t opcode, uint16_t vlan_id)
{
	struct svnic_mbx_vlan v = { .vlan_id = vlan_id, .rsvd = 0 };

	if (opcode != SVNIC_MBX_OP_ADD_VLAN && opcode != SVNIC_MBX_OP_DEL_VLAN)
		return -EINVAL;
	return svnic_vf_mbx_request(m, opcode, &v, sizeof(v), NULL, 0);
}

int
svnic_vf_mbx_rss(struct svnic_vf_mbx *m, uint64_t hash_types, const uint8_t *key,
		 uint8_t key_len, const uint16_t *table, uint16_t table_len)
{
	uint8_t buf[sizeof(struct svnic_mbx_rss) + 2u * SVNIC_RSS_TABLE_MAX];
	struct svnic_mbx_rss r;

	if (key_len > SVNIC_RSS_KEY_MAX || table_len > SVNIC_RSS_TABLE_MAX ||
	    (key_len != 0 && key == NULL) || (table_len != 0 && table == NULL))
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	r.hash_func = SVNIC_RSS_FUNC_TOEPLITZ;
	r.key_len = key_len;
	r.table_len = table_len;
	r.hash_types = hash_types;
	if (key_len != 0)
		memcpy(r.key, key, key_len);
	memcpy(buf, &r, sizeof(r));
	if (table_len != 0)
		memcpy(buf + sizeof(r), table, 2u * table_len);
	return svnic_vf_mbx_request(m, SVNIC_MBX_OP_CONFIG_RSS, buf,
				    (uint16_t)(sizeof(r) + 2u * table_len), NULL, 0);
}

int
svnic_vf_mbx_mtu(struct svnic_vf_mbx *m, uint16_t mtu)
{
	struct svnic_mbx_mtu p = { .mtu = mtu, .rsvd = 0 };

	return svnic_vf_mbx_request(m, SVNIC_MBX_OP_SET_MTU, &p, sizeof(p), NULL, 0);
}

int
svnic_vf_mbx_stats(struct svnic_vf_mbx *m, struct svnic_mbx_stats *st)
{
	memset(st, 0, sizeof(*st));
	return svnic_vf_mbx_request(m, SVNIC_MBX_OP_GET_STATS, NULL, 0, st, sizeof(*st));
}

int
svnic_vf_mbx_config_queue(struct svnic_vf_mbx *m, const struct svnic_mbx_queue_cfg *q)
{
	return svnic_vf_mbx_request(m, SVNIC_MBX_OP_CONFIG_QUEUE, q, sizeof(*q), NULL, 0);
}

int
svnic_vf_mbx_queues(struct svnic_vf_mbx *m, uint16_t opcode, uint64_t rx, uint64_t tx)
{
	struct svnic_mbx_queues q = { .rx = rx, .tx = tx };

	if (opcode != SVNIC_MBX_OP_ENABLE_QUEUES && opcode != SVNIC_MBX_OP_DISABLE_QUEUES)
		return -EINVAL;
	return svnic_vf_mbx_request(m, opcode, &q, sizeof(q), NULL, 0);
}
