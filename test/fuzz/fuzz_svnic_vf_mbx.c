/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_svnic_vf's mailbox client (svnic_vf_mbx.c) against a hostile PF. The
 * client runs a fixed session (HELLO, GET_RESOURCES, the filters, RSS, MTU,
 * stats, queues, an idle poll, HELLO again) over a fake device whose every
 * MBX_STATUS read is scripted by the input: what RX_LEN says, what lies in the
 * RX window (raw bytes, replies to the request outstanding with any seq,
 * opcode, flags, status and payload, notices), whether TX_BUSY is set, when
 * register access starts failing, and whether the window stays full forever
 * once the script is used up. The client must not crash, read past the window,
 * write MBX_TX over a busy slot, hand the notice callback anything but a
 * validated notice, or spin: time is the fake's (each trapped access costs a
 * microsecond), so every timeout passes at once and a loop that never looks
 * at the clock shows as a register count no session can reach.
 *
 * Input: flags (1 byte), fail_after (1 byte: after 8 * n register accesses
 * every access fails; 0: never), then one event per MBX_STATUS read:
 *   op: bit 7 TX_BUSY; bits 0-2 what the RX window gets:
 *     1 raw: u16 RX_LEN field, then min(RX_LEN, window) bytes (as many as are left)
 *     2 reply to the request in the TX window: seq delta (s8), opcode (0: the
 *       request's), flags (0: REPLY), status, u16 payload length, payload
 *     3 notice: opcode (0..2: LINK_EVENT, RESET_NOTICE, PF_GOING_DOWN; else as
 *       given), u16 payload length, payload
 *     4 the device drops what the window held (RX_VALID clear)
 *     else nothing new: RX_VALID stays as the last acknowledgement left it
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "svnic_regs.h"
#include "svnic_vf_mbx.h"

#define HDR		sizeof(struct svnic_mbx_hdr)
#define FLAG_FLOOD	0x01	/* when the script ends, the window stays full for ever */
#define FLAG_POSTED	0x02	/* spec 1.2: posted submit and ack, RX_SEQ */
#define FLAG_SEQ_LIE	0x04	/* and a device whose RX_SEQ does not flip */
/* fake time per trapped register access, in microseconds */
#define ACCESS_US	1u
/* short, so that a session of timeouts stays quick; the fake clock makes it exact */
#define TIMEOUT_US	400u
/*
 * No session reaches this: 16 requests, each waiting twice at most TIMEOUT_US
 * (one access or one 20 us wait a microsecond at least), plus the bounded poll.
 */
#define ACCESSES_MAX	(16u * 2u * (TIMEOUT_US + 8u) + 4096u)
/* the largest status a reply may carry (doc/mailbox.rst): a refusal is -status */
#define STATUS_MAX	4095

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	const uint8_t *in;
	size_t left;
	bool flood;
	uint32_t fail_after;		/* accesses; 0: never fail */
	/* heap windows of exactly the BAR's size: ASan sees any byte past them */
	uint8_t *tx_win;
	uint8_t *rx_win;
	bool rx_valid;
	bool rx_seq;			/* flips with each message placed, unless seq_lie */
	bool seq_lie;
	uint32_t rx_len_field;		/* what MBX_STATUS reports as RX_LEN */
	uint32_t last_status;		/* the last MBX_STATUS the client read */
	bool have_status;
	bool tx_sent;			/* a request sits in the TX window */
	struct svnic_mbx_hdr tx_hdr;	/* its header */
	uint64_t now;
	uint32_t accesses;
	unsigned int notices;
} dev;

static uint8_t
in_u8(void)
{
	uint8_t v;

	if (dev.left == 0)
		return 0;
	v = *dev.in++;
	dev.left--;
	return v;
}

static uint16_t
in_u16(void)
{
	uint16_t lo = in_u8();

	return (uint16_t)(lo | (in_u8() << 8));
}

/* Up to @p n input bytes into @p dst; the rest of @p dst keeps what it had. */
static void
in_bytes(uint8_t *dst, size_t n)
{
	if (n > dev.left)
		n = dev.left;
	memcpy(dst, dev.in, n);
	dev.in += n;
	dev.left -= n;
}

/* A message into the RX window: @p hdr then @p plen payload bytes of the input. */
static void
dev_put(struct svnic_mbx_hdr *hdr, uint16_t plen)
{
	if (plen > SVNIC_MBX_PAYLOAD_MAX)
		plen = SVNIC_MBX_PAYLOAD_MAX;
	hdr->len = plen;
	memcpy(dev.rx_win, hdr, HDR);
	memset(dev.rx_win + HDR, 0, plen);
	in_bytes(dev.rx_win + HDR, plen);
	dev.rx_len_field = (uint32_t)(HDR + plen);
	dev.rx_valid = true;
	if (!dev.seq_lie)
		dev.rx_seq = !dev.rx_seq;
}

static void
dev_event(void)
{
	static const uint16_t notices[] = {
		SVNIC_MBX_OP_LINK_EVENT, SVNIC_MBX_OP_RESET_NOTICE, SVNIC_MBX_OP_PF_GOING_DOWN,
	};
	struct svnic_mbx_hdr h;
	uint8_t op, b;
	uint16_t len;

	if (dev.left == 0) {
		/* a flooding PF: whatever the window held is there again and again */
		if (dev.flood) {
			if (!dev.rx_valid && !dev.seq_lie)
				dev.rx_seq = !dev.rx_seq;
			dev.rx_valid = true;
		}
		return;
	}
	op = in_u8();
	memset(&h, 0, sizeof(h));
	h.version = SVNIC_MBX_VERSION(SVNIC_MBX_VERSION_MAJOR, SVNIC_MBX_VERSION_MINOR);
	switch (op & 0x07) {
	case 1:
		dev.rx_len_field = in_u16() &
				   (SVNIC_MBX_ST_RX_LEN_MASK >> SVNIC_MBX_ST_RX_LEN_SHIFT);
		len = (uint16_t)dev.rx_len_field;
		in_bytes(dev.rx_win, len < SVNIC_MBX_MSG_MAX ? len : SVNIC_MBX_MSG_MAX);
		dev.rx_valid = true;
		if (!dev.seq_lie)
			dev.rx_seq = !dev.rx_seq;
		break;
	case 2:
		h.seq = dev.tx_hdr.seq + (uint32_t)(int32_t)(int8_t)in_u8();
		b = in_u8();
		h.opcode = b != 0 ? b : dev.tx_hdr.opcode;
		b = in_u8();
		h.flags = b != 0 ? b : SVNIC_MBX_F_REPLY;
		h.status = in_u8();
		if (h.status == 0xff)
			h.status = 0x80000000u;	/* far past any errno */
		if (h.opcode == SVNIC_MBX_OP_HELLO && (op & 0x40))
			h.version = in_u16();
		len = in_u16();
		dev_put(&h, len);
		break;
	case 3:
		b = in_u8();
		h.opcode = b < 3 ? notices[b] : b;
		h.flags = SVNIC_MBX_F_NOTICE;
		len = in_u16();
		dev_put(&h, len);
		break;
	case 4:
		dev.rx_valid = false;
		break;
	default:
		break;
	}
	/* TX_BUSY is the op's; the rest of its bits say nothing more */
	dev.tx_sent = (op & 0x80) != 0;
}

/* Every access costs time, and once the script says so, every access fails. */
static int
dev_access(void)
{
	dev.now += ACCESS_US;
	if (++dev.accesses > ACCESSES_MAX)
		__builtin_trap();	/* the client spins: a PF holds it for ever */
	if (dev.fail_after != 0 && dev.accesses > dev.fail_after)
		return -ECONNRESET;
	return 0;
}

static int
dev_reg_read(void *ctx, uint32_t off, uint32_t *val)
{
	if (ctx != &dev || off != SVNIC_REG_MBX_STATUS)
		__builtin_trap();
	if (dev_access() < 0)
		return -ECONNRESET;
	dev_event();
	*val = (dev.tx_sent ? SVNIC_MBX_ST_TX_BUSY : 0) |
	       (dev.rx_seq ? SVNIC_MBX_ST_RX_SEQ : 0) |
	       (dev.rx_valid ? SVNIC_MBX_ST_RX_VALID |
		((dev.rx_len_field << SVNIC_MBX_ST_RX_LEN_SHIFT) & SVNIC_MBX_ST_RX_LEN_MASK) : 0);
	dev.last_status = *val;
	dev.have_status = true;
	return 0;
}

static int
dev_reg_write(void *ctx, uint32_t off, uint32_t val)
{
	if (ctx != &dev)
		__builtin_trap();
	if (dev_access() < 0)
		return -ECONNRESET;
	switch (off) {
	case SVNIC_REG_MBX_TX:
		/* only over a slot the client saw free, a whole message of its own */
		if (!dev.have_status || (dev.last_status & SVNIC_MBX_ST_TX_BUSY) ||
		    val < HDR || val > SVNIC_MBX_MSG_MAX)
			__builtin_trap();
		memcpy(&dev.tx_hdr, dev.tx_win, HDR);
		if (dev.tx_hdr.seq == 0 || dev.tx_hdr.flags != 0 || dev.tx_hdr.status != 0 ||
		    HDR + dev.tx_hdr.len != val)
			__builtin_trap();
		dev.tx_sent = true;
		break;
	case SVNIC_REG_MBX_RX_ACK:
		/* an acknowledgement of a message the client saw, named when posted */
		if ((val & ~(SVNIC_MBX_ACK_SEQ_CHECK | SVNIC_MBX_ACK_RX_SEQ)) != SVNIC_MBX_ACK ||
		    !dev.have_status || !(dev.last_status & SVNIC_MBX_ST_RX_VALID))
			__builtin_trap();
		if ((val & SVNIC_MBX_ACK_SEQ_CHECK) &&
		    !(val & SVNIC_MBX_ACK_RX_SEQ) != !(dev.last_status & SVNIC_MBX_ST_RX_SEQ))
			__builtin_trap();
		dev.rx_valid = false;
		break;
	default:
		__builtin_trap();
	}
	return 0;
}

static void
dev_wait(void *ctx, unsigned int us)
{
	if (ctx != &dev || us == 0)
		__builtin_trap();
	dev.now += us;
}

static uint64_t
dev_now(void *ctx)
{
	if (ctx != &dev)
		__builtin_trap();
	return dev.now;
}

static const struct svnic_vf_mbx_ops dev_ops = {
	.reg_read = dev_reg_read,
	.reg_write = dev_reg_write,
	.wait = dev_wait,
	.now_us = dev_now,
};

/* Posted writes land at once here: the client's rules are the same either way. */
static const struct svnic_vf_mbx_ops dev_ops_posted = {
	.reg_read = dev_reg_read,
	.reg_write = dev_reg_write,
	.reg_write_posted = dev_reg_write,
	.wait = dev_wait,
	.now_us = dev_now,
};

/* A notice as the client promises it: validated, its whole payload readable. */
static void
on_notice(void *arg, const struct svnic_mbx_hdr *h, const void *payload)
{
	volatile uint8_t sum = 0;
	uint16_t i;

	if (arg != &dev || h->flags != SVNIC_MBX_F_NOTICE ||
	    (h->opcode != SVNIC_MBX_OP_LINK_EVENT && h->opcode != SVNIC_MBX_OP_RESET_NOTICE &&
	     h->opcode != SVNIC_MBX_OP_PF_GOING_DOWN) || h->status != 0 ||
	    HDR + h->len > SVNIC_MBX_MSG_MAX)
		__builtin_trap();
	for (i = 0; i < h->len; i++)
		sum += ((const uint8_t *)payload)[i];
	(void)sum;
	dev.notices++;
}

/* What a request may answer, whatever the PF did. */
static void
check_ret(int ret)
{
	if (ret > 0 || ret < -STATUS_MAX)
		__builtin_trap();
}

static void
session(struct svnic_vf_mbx *m)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x42 };
	static const uint8_t mc[2][6] = { { 0x01, 0, 0x5e, 0, 0, 1 }, { 0x33, 0x33, 0, 0, 0, 1 } };
	struct svnic_mbx_queue_cfg q = {
		.queue = 0, .type = SVNIC_MBX_QTYPE_RX, .ring_size = 256, .buf_size = 2048,
		.ring_addr = 0x100000,
	};
	uint8_t key[40];
	uint16_t table[64];
	struct svnic_mbx_resources r;
	struct svnic_mbx_stats st;
	unsigned int i;
	int ret;

	memset(key, 0x6d, sizeof(key));
	for (i = 0; i < 64; i++)
		table[i] = (uint16_t)(i % 4);
	ret = svnic_vf_mbx_hello(m, SVNIC_MBX_VERSION_MINOR);
	check_ret(ret);
	if (ret == 0 && (SVNIC_MBX_VERSION_GET_MAJOR(m->version) != SVNIC_MBX_VERSION_MAJOR ||
			 SVNIC_MBX_VERSION_GET_MINOR(m->version) > SVNIC_MBX_VERSION_MINOR))
		__builtin_trap();
	check_ret(svnic_vf_mbx_get_resources(m, &r));
	check_ret(svnic_vf_mbx_mac(m, SVNIC_MBX_OP_SET_MAC, mac));
	check_ret(svnic_vf_mbx_mac(m, SVNIC_MBX_OP_ADD_MAC_FILTER, mac));
	check_ret(svnic_vf_mbx_mc_list(m, mc, 2));
	check_ret(svnic_vf_mbx_enable(m, SVNIC_MBX_OP_SET_PROMISC, true));
	check_ret(svnic_vf_mbx_vlan(m, SVNIC_MBX_OP_ADD_VLAN, 100));
	check_ret(svnic_vf_mbx_rss(m, SVNIC_RSS_HF_IPV4, key, sizeof(key), table, 64));
	check_ret(svnic_vf_mbx_mtu(m, 1500));
	check_ret(svnic_vf_mbx_stats(m, &st));
	check_ret(svnic_vf_mbx_config_queue(m, &q));
	check_ret(svnic_vf_mbx_queues(m, SVNIC_MBX_OP_ENABLE_QUEUES, 1, 1));
	/* idle: the watcher's look at the window */
	ret = svnic_vf_mbx_poll(m);
	if (ret > 64 || (ret < 0 && ret != -EIO))
		__builtin_trap();
	/* a reset made the driver say HELLO again, offering 1.0 */
	ret = svnic_vf_mbx_hello(m, 0);
	check_ret(ret);
	if (ret == 0 && m->version != SVNIC_MBX_VERSION(SVNIC_MBX_VERSION_MAJOR, 0))
		__builtin_trap();
	check_ret(svnic_vf_mbx_get_resources(m, &r));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svnic_vf_mbx m;
	uint8_t flags;

	if (size > 16384)
		return 0;
	memset(&dev, 0, sizeof(dev));
	dev.in = data;
	dev.left = size;
	flags = in_u8();
	dev.flood = (flags & FLAG_FLOOD) != 0;
	dev.fail_after = 8u * in_u8();
	dev.now = 1000000;
	dev.tx_win = calloc(1, SVNIC_VF_MBX_WIN_SIZE);
	dev.rx_win = calloc(1, SVNIC_VF_MBX_WIN_SIZE);
	if (dev.tx_win == NULL || dev.rx_win == NULL)
		goto out;
	dev.seq_lie = (flags & FLAG_SEQ_LIE) != 0;
	if (svnic_vf_mbx_init(&m, (flags & FLAG_POSTED) ? &dev_ops_posted : &dev_ops, &dev,
			      dev.tx_win, dev.rx_win, on_notice, &dev) != 0)
		__builtin_trap();
	svnic_vf_mbx_set_rx_seq(&m, (flags & FLAG_POSTED) != 0);
	m.timeout_us = TIMEOUT_US;
	session(&m);
	/* every notice counted was handed over, nothing more */
	if (m.cnt.notices != dev.notices)
		__builtin_trap();
out:
	free(dev.tx_win);
	free(dev.rx_win);
	return 0;
}
