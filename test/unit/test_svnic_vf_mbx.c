/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_svnic_vf's mailbox client against the PF's real handler: the client
 * drives a fake mailbox "device" (page 0's MBX registers and the two windows
 * of a VF's BAR0, doc/device-spec.rst "Mailbox"), whose PF side hands every
 * request to sriov_mbx_handle() on a real switch, in one process. The device
 * can hold the reply back, put notices or bad messages in front of it, or
 * stand in for a PF that speaks only mailbox 1.0. Time is the fake's: a
 * timeout costs no real waiting.
 */
#include <errno.h>
#include <string.h>

#include "sriov_mbx.h"
#include "sriov_switch.h"
#include "svnic_vf_mbx.h"
#include "unit.h"

#define HDR	sizeof(struct svnic_mbx_hdr)
#define VF_Q	4
#define OUTBOX	8

static const uint8_t perm_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x20 };
static const uint8_t admin_mac[6] = { 0x02, 0xaa, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t guest_mac[6] = { 0x02, 0xbb, 0x00, 0x00, 0x00, 0x02 };

/* The fake device: one VF's mailbox registers and windows, and its PF. */
static struct {
	struct sriov_switch *sw;
	uint8_t tx_win[SVNIC_MBX_MSG_MAX];
	uint8_t rx_win[SVNIC_MBX_MSG_MAX];
	uint8_t slot[SVNIC_MBX_MSG_MAX];	/* the message the device took */
	uint32_t slot_len;
	bool tx_busy;
	bool rx_valid;
	bool rx_seq;			/* spec 1.2: flips with each message placed */
	uint32_t rx_len;
	/* posted writes not yet landed: the device takes them on its next step */
	struct { uint32_t off, val; } posted[4];
	unsigned int nb_posted;
	unsigned int acks;		/* MBX_RX_ACK writes that landed */
	unsigned int stale_acks;	/* ...naming a message no longer there */
	bool replace_once;		/* a notice over the window before posted writes land */
	struct { uint8_t msg[SVNIC_MBX_MSG_MAX]; uint32_t len; } out[OUTBOX];
	unsigned int nb_out;
	uint64_t now;			/* microseconds */
	/* behaviour */
	bool pf_asleep;			/* the PF takes nothing from the slot */
	bool pf_mute;			/* the PF takes requests and answers none */
	int pf_minor;			/* the highest minor the PF speaks */
	uint32_t pf_caps_off;		/* pf_ops caps this PF lacks (its device, its age) */
	unsigned int tx_writes;		/* MBX_TX writes the device took */
	unsigned int tx_dropped;	/* MBX_TX writes while TX_BUSY */
	bool reg_fail;
	bool pf_floods;			/* the RX window is never empty */
	uint64_t flood_end;		/* past this, the client spins: fail */
	/* spec 1.1: MBX_STATUS mirrored in shared memory, the misc vector */
	uint32_t mirror;
	unsigned int reg_reads;		/* trapped MBX_STATUS reads */
	unsigned int cause_clears;	/* INT_CAUSE.MBX_RX W1C writes */
	unsigned int irq_waits;
	unsigned int yields;		/* wait(0): looks at the mirror */
	/* put these in front of the next reply */
	void (*before_reply)(const uint8_t *reply, size_t len);
	/* spec 1.3 shared TX: the VF's notify page, where it frames its message */
	bool shared;
	uint8_t notify[4096];
	uint32_t shtx_last;		/* the PF's: sequence taken last */
	bool rung;			/* a doorbell the PF has not looked at */
	unsigned int shtx_taken;
	unsigned int shrx_placed;	/* messages the PF put in the window itself */
	unsigned int shrx_acks;		/* MBX_RX_ACK with SHARED: for the PF */
	/* what the notice callback saw */
	unsigned int nb_notices;
	uint16_t notice_op[OUTBOX];
	struct svnic_mbx_link link;
} dev;

static struct svnic_vf_mbx mbx;

static void
dev_push(const void *msg, size_t len)
{
	CU_ASSERT_FATAL(dev.nb_out < OUTBOX && len <= SVNIC_MBX_MSG_MAX);
	memcpy(dev.out[dev.nb_out].msg, msg, len);
	dev.out[dev.nb_out].len = (uint32_t)len;
	dev.nb_out++;
}

static int
fake_stats(void *ctx, uint16_t vf_id, struct svnic_mbx_stats *st)
{
	(void)ctx;
	st->rx_packets = 500 + vf_id;
	st->tx_bytes = 4242;
	return 0;
}

static const struct sriov_mbx_ops pf_ops = {
	.get_stats = fake_stats,
	.pf_caps = SVNIC_MBX_CAP_RSS | SVNIC_MBX_CAP_LINK_EVENTS | SVNIC_MBX_CAP_VLAN_STRIP |
		   SVNIC_MBX_CAP_VLAN_INSERT | SVNIC_MBX_CAP_SHARED_RX | SVNIC_MBX_CAP_HEAD_WB,
	.rss_key_size = 40,
	.rss_table_size = 64,
	.rss_hash_types = SVNIC_RSS_HF_IPV4 | SVNIC_RSS_HF_IPV4_TCP,
	.min_mtu = 68,
	.max_mtu = 9000,
};

/* The PF: a 1.0 PF answers the lower of the offer and 1.0, as the handler
 * would if it spoke 1.0, so the offer is capped before the handler sees it. */
static void
dev_pf_answer(void)
{
	uint8_t reply[SRIOV_MBX_REPLY_MAX];
	struct svnic_mbx_hdr h;
	size_t reply_len = 0;
	unsigned int acts = 0;
	struct sriov_mbx_ops ops = pf_ops;

	ops.pf_caps &= ~dev.pf_caps_off;
	memcpy(&h, dev.slot, sizeof(h));
	if (h.opcode == SVNIC_MBX_OP_HELLO && h.len == sizeof(struct svnic_mbx_hello) &&
	    dev.pf_minor < SVNIC_MBX_VERSION_MINOR) {
		struct svnic_mbx_hello *o = (struct svnic_mbx_hello *)(dev.slot + HDR);

		if (o->minor > dev.pf_minor)
			o->minor = (uint16_t)dev.pf_minor;
	}
	CU_ASSERT_EQUAL_FATAL(sriov_mbx_handle(dev.sw, 0, &ops, NULL, dev.now * 1000,
					       dev.slot, dev.slot_len, reply, sizeof(reply),
					       &reply_len, &acts), 0);
	if (dev.before_reply != NULL)
		dev.before_reply(reply, reply_len);
	/* the hook may have muted the PF: then the reply is lost */
	if (!dev.pf_mute)
		dev_push(reply, reply_len);
}

/* What runs "concurrently" in the device: the PF takes the slot, the RX window
 * gets the next message once the VF acknowledged the last one. */
static void
dev_step(void)
{
	/* shared TX: the PF reads the window itself, as net_svnic does */
	if (dev.shared && dev.rung && !dev.pf_asleep) {
		int n = svnic_mbx_shtx_read(dev.notify, dev.tx_win, &dev.shtx_last, 0, dev.slot,
					    sizeof(dev.slot));

		dev.rung = false;
		CU_ASSERT(n >= 0);
		if (n > 0) {
			dev.slot_len = (uint32_t)n;
			dev.shtx_taken++;
			if (!dev.pf_mute)
				dev_pf_answer();
		}
	}
	if (dev.tx_busy && !dev.pf_asleep) {
		dev.tx_busy = false;
		if (!dev.pf_mute)
			dev_pf_answer();
	}
	if (!dev.rx_valid && dev.pf_floods) {
		dev.rx_len = (uint32_t)sriov_mbx_build_link_event(dev.rx_win, sizeof(dev.rx_win),
								  0, true, true, 1000);
		CU_ASSERT_FATAL(dev.rx_len != 0);
		dev.rx_valid = true;
		dev.rx_seq = !dev.rx_seq;
	}
	/* the PF of a shared-RX session writes the window itself, when it is free */
	if (dev.nb_out > 0 && sriov_switch_vf(dev.sw, 0)->guest.shared_rx) {
		if (svnic_mbx_shrx_write(dev.notify, dev.rx_win, dev.out[0].msg,
					 dev.out[0].len) == 0) {
			dev.shrx_placed++;
			memmove(&dev.out[0], &dev.out[1], sizeof(dev.out[0]) * --dev.nb_out);
		}
		return;
	}
	if (!dev.rx_valid && dev.nb_out > 0) {
		memcpy(dev.rx_win, dev.out[0].msg, dev.out[0].len);
		dev.rx_len = dev.out[0].len;
		dev.rx_valid = true;
		dev.rx_seq = !dev.rx_seq;
		memmove(&dev.out[0], &dev.out[1], sizeof(dev.out[0]) * --dev.nb_out);
	}
}

static uint32_t
dev_status(void)
{
	return (dev.tx_busy ? SVNIC_MBX_ST_TX_BUSY : 0) |
	       (dev.rx_seq ? SVNIC_MBX_ST_RX_SEQ : 0) |
	       (dev.rx_valid ? SVNIC_MBX_ST_RX_VALID |
		(dev.rx_len << SVNIC_MBX_ST_RX_LEN_SHIFT) : 0);
}

static int
dev_reg_read(void *ctx, uint32_t off, uint32_t *val)
{
	CU_ASSERT_PTR_EQUAL(ctx, &dev);
	if (dev.reg_fail)
		return -ECONNRESET;
	CU_ASSERT_EQUAL(off, SVNIC_REG_MBX_STATUS);
	if (dev.pf_floods) {
		/* a trapped read takes time, and the client must look at the clock */
		dev.now++;
		CU_ASSERT_FATAL(dev.now < dev.flood_end);
	}
	dev.reg_reads++;
	dev_step();
	*val = dev_status();
	return 0;
}

static int
dev_reg_write(void *ctx, uint32_t off, uint32_t val)
{
	CU_ASSERT_PTR_EQUAL(ctx, &dev);
	if (dev.reg_fail)
		return -ECONNRESET;
	switch (off) {
	case SVNIC_REG_MBX_TX:
		if (dev.shared) {
			/* only a doorbell: nothing copied, no TX_BUSY */
			dev.rung = true;
			dev.tx_writes++;
			break;
		}
		if (dev.tx_busy) {
			dev.tx_dropped++;
			break;
		}
		/* the device copies the message at once: later window writes change nothing */
		CU_ASSERT_FATAL(val >= HDR && val <= SVNIC_MBX_MSG_MAX);
		memcpy(dev.slot, dev.tx_win, val);
		dev.slot_len = val;
		dev.tx_busy = true;
		dev.tx_writes++;
		break;
	case SVNIC_REG_MBX_RX_ACK:
		if (val == SVNIC_MBX_ACK_SHARED) {
			/* the PF's VF port takes it: the window is free for the next */
			dev.shrx_acks++;
			break;
		}
		CU_ASSERT_EQUAL(val & ~(SVNIC_MBX_ACK_SEQ_CHECK | SVNIC_MBX_ACK_RX_SEQ),
				SVNIC_MBX_ACK);
		/* a posted ack of a message the device has replaced since: ignored */
		if ((val & SVNIC_MBX_ACK_SEQ_CHECK) &&
		    ((val & SVNIC_MBX_ACK_RX_SEQ) != 0) != dev.rx_seq) {
			dev.stale_acks++;
			break;
		}
		CU_ASSERT(dev.rx_valid);	/* an ack of nothing: a message taken twice */
		dev.rx_valid = false;
		dev.acks++;
		break;
	case SVNIC_REG_INT_CAUSE:
		CU_ASSERT_EQUAL(val, SVNIC_INT_MBX_RX);
		dev.cause_clears++;
		break;
	default:
		CU_FAIL("write to a register the mailbox does not use");
	}
	dev.mirror = dev_status();
	return 0;
}

static void
dev_wait(void *ctx, unsigned int us)
{
	CU_ASSERT_PTR_EQUAL(ctx, &dev);
	dev.now += us;
}

static uint64_t
dev_now(void *ctx)
{
	CU_ASSERT_PTR_EQUAL(ctx, &dev);
	return dev.now;
}

/* Mirror and interrupt: the PF runs only while the client sleeps on the vector. */
static void
dev_wait_mirror(void *ctx, unsigned int us)
{
	CU_ASSERT_PTR_EQUAL(ctx, &dev);
	CU_ASSERT_EQUAL(us, 0);		/* never a sleep: looks while spinning */
	dev.yields++;
	dev.now += 10;
}

static void
dev_irq_wait(void *ctx, unsigned int us)
{
	CU_ASSERT_PTR_EQUAL(ctx, &dev);
	CU_ASSERT(us > 0);
	/* armed before every sleep: else the edge may never come */
	CU_ASSERT_EQUAL(dev.cause_clears, dev.irq_waits + 1);
	dev.irq_waits++;
	dev.now += us;
	dev_step();
	dev.mirror = dev_status();
}

/* A posted write: sent, landing at the device's next step (the proxy's hops). */
static int
dev_reg_write_posted(void *ctx, uint32_t off, uint32_t val)
{
	CU_ASSERT_PTR_EQUAL(ctx, &dev);
	CU_ASSERT_FATAL(dev.nb_posted < 4);
	dev.posted[dev.nb_posted].off = off;
	dev.posted[dev.nb_posted].val = val;
	dev.nb_posted++;
	return 0;
}

/* Spinning on the mirror while the device catches up with what was posted. */
static void
dev_wait_posted(void *ctx, unsigned int us)
{
	unsigned int i;

	CU_ASSERT_PTR_EQUAL(ctx, &dev);
	dev.yields++;
	dev.now += us != 0 ? us : 10;
	if (dev.replace_once && dev.nb_posted > 0 && dev.rx_valid) {
		/* the device's own RESET_NOTICE over an unacknowledged message */
		dev.replace_once = false;
		dev.rx_len = (uint32_t)sriov_mbx_build_reset_notice(dev.rx_win, sizeof(dev.rx_win),
								    0, SVNIC_MBX_RESET_PF);
		dev.rx_seq = !dev.rx_seq;
	}
	for (i = 0; i < dev.nb_posted; i++)
		dev_reg_write(&dev, dev.posted[i].off, dev.posted[i].val);
	dev.nb_posted = 0;
	dev_step();
	dev.mirror = dev_status();
}

static const struct svnic_vf_mbx_ops dev_ops_posted = {
	.reg_read = dev_reg_read,
	.reg_write = dev_reg_write,
	.reg_write_posted = dev_reg_write_posted,
	.wait = dev_wait_posted,
	.now_us = dev_now,
};

static const struct svnic_vf_mbx_ops dev_ops_irq = {
	.reg_read = dev_reg_read,
	.reg_write = dev_reg_write,
	.wait = dev_wait_mirror,
	.irq_wait = dev_irq_wait,
	.now_us = dev_now,
};

static const struct svnic_vf_mbx_ops dev_ops = {
	.reg_read = dev_reg_read,
	.reg_write = dev_reg_write,
	.wait = dev_wait,
	.now_us = dev_now,
};

static void
on_notice(void *arg, const struct svnic_mbx_hdr *h, const void *payload)
{
	CU_ASSERT_PTR_EQUAL(arg, &dev);
	CU_ASSERT_EQUAL(h->flags, SVNIC_MBX_F_NOTICE);
	if (dev.nb_notices < OUTBOX)
		dev.notice_op[dev.nb_notices] = h->opcode;
	dev.nb_notices++;
	if (h->opcode == SVNIC_MBX_OP_LINK_EVENT)
		memcpy(&dev.link, payload, sizeof(dev.link));
}

/* VF 0 allocated, its VPort attached (untrusted unless @p trust). */
static void
setup(bool trust)
{
	struct sriov_switch_cfg cfg = {
		.switch_id = 0, .total_vfs = 2, .pf_bus = 3, .pf_dev = 0, .pf_fn = 0,
		.first_vf_offset = 1, .vf_stride = 1, .total_queue_pairs = 32,
		.pf_queue_pairs = 4, .max_vectors_per_vf = 4, .numa_nodes = 1,
	};
	struct sriov_vf_params p = {
		.num_queue_pairs = VF_Q, .numa_node = SRIOV_NUMA_ANY, .num_vectors = 2,
	};
	struct sriov_vport_props props;
	uint16_t id, rid;

	memset(&dev, 0, sizeof(dev));
	dev.now = 1000000;
	dev.pf_minor = SVNIC_MBX_VERSION_MINOR;
	dev.sw = sriov_switch_create(&cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dev.sw);
	CU_ASSERT_EQUAL_FATAL(sriov_switch_enable(dev.sw, 2), 0);
	memcpy(p.perm_mac, perm_mac, 6);
	CU_ASSERT_EQUAL_FATAL(sriov_vf_alloc(dev.sw, &p, &id, &rid), 0);
	sriov_vport_props_init(&props);
	props.trust = trust;
	CU_ASSERT_EQUAL_FATAL(sriov_vport_create(dev.sw, 0, SRIOV_QUEUE_AUTO, 0, &props), 0);
	/* a generous bucket: these tests are not about the rate */
	sriov_ratelimit_init(&sriov_switch_vf(dev.sw, 0)->mbx_rl, 0, 0, 0, dev.now * 1000);
	CU_ASSERT_EQUAL_FATAL(svnic_vf_mbx_init(&mbx, &dev_ops, &dev, dev.tx_win, dev.rx_win,
						on_notice, &dev), 0);
}

static void
teardown(void)
{
	sriov_switch_destroy(dev.sw);
	dev.sw = NULL;
}

static struct sriov_vf_guest *
guest(void)
{
	return &sriov_switch_vf(dev.sw, 0)->guest;
}

static void
up(void)
{
	CU_ASSERT_EQUAL_FATAL(svnic_vf_mbx_hello(&mbx, SVNIC_MBX_VERSION_MINOR), 0);
}

/* --- negative cases first --------------------------------------------------- */

static void
test_bad_arguments(void)
{
	uint8_t mc[SVNIC_MBX_MC_ADDRS_MAX + 1][6];
	uint8_t key[SVNIC_RSS_KEY_MAX + 1] = { 0 };

	setup(false);
	CU_ASSERT_EQUAL(svnic_vf_mbx_init(&mbx, &dev_ops, &dev, NULL, dev.rx_win, NULL, NULL),
			-EINVAL);
	CU_ASSERT_EQUAL_FATAL(svnic_vf_mbx_init(&mbx, &dev_ops, &dev, dev.tx_win, dev.rx_win,
						on_notice, &dev), 0);
	memset(mc, 0, sizeof(mc));
	CU_ASSERT_EQUAL(svnic_vf_mbx_mc_list(&mbx, mc, SVNIC_MBX_MC_ADDRS_MAX + 1), -EINVAL);
	CU_ASSERT_EQUAL(svnic_vf_mbx_rss(&mbx, 0, key, SVNIC_RSS_KEY_MAX + 1, NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(svnic_vf_mbx_mac(&mbx, SVNIC_MBX_OP_ADD_VLAN, guest_mac), -EINVAL);
	CU_ASSERT_EQUAL(svnic_vf_mbx_request(&mbx, SVNIC_MBX_OP_LINK_EVENT, NULL, 0, NULL, 0),
			-EINVAL);
	CU_ASSERT_EQUAL(svnic_vf_mbx_hello(&mbx, 0x100), -EINVAL);
	/* nothing reached the device */
	CU_ASSERT_EQUAL(dev.tx_writes, 0);
	teardown();
}

static void
test_request_before_hello_refused(void)
{
	struct svnic_mbx_resources r;

	setup(false);
	CU_ASSERT_EQUAL(svnic_vf_mbx_get_resources(&mbx, &r), -EPROTO);
	CU_ASSERT_EQUAL(mbx.cnt.refused, 1);
	teardown();
}

static void
test_timeout(void)
{
	struct svnic_mbx_resources r;
	uint64_t t0;

	setup(false);
	up();
	dev.pf_mute = true;
	t0 = dev.now;
	CU_ASSERT_EQUAL(svnic_vf_mbx_get_resources(&mbx, &r), -ETIMEDOUT);
	CU_ASSERT(dev.now - t0 >= SVNIC_VF_MBX_TIMEOUT_US_DEFAULT);
	CU_ASSERT(dev.now - t0 < 2 * SVNIC_VF_MBX_TIMEOUT_US_DEFAULT);
	CU_ASSERT_EQUAL(mbx.cnt.timeouts, 1);
	/* the PF wakes up and answers the old request late: that reply is dropped,
	 * the next request gets its own */
	dev.pf_mute = false;
	dev_pf_answer();
	CU_ASSERT_EQUAL(svnic_vf_mbx_get_resources(&mbx, &r), 0);
	CU_ASSERT_EQUAL(r.num_queue_pairs, VF_Q);
	CU_ASSERT_EQUAL(mbx.cnt.stale, 1);
	teardown();
}

static void
test_tx_window_never_free(void)
{
	setup(false);
	up();
	/* a message sits in the slot and the PF never takes it */
	dev.tx_busy = true;
	dev.pf_asleep = true;
	CU_ASSERT_EQUAL(svnic_vf_mbx_mtu(&mbx, 1500), -ETIMEDOUT);
	/* the client never wrote MBX_TX over a busy slot */
	CU_ASSERT_EQUAL(dev.tx_dropped, 0);
	teardown();
}

static void
test_notice_flood_times_out(void)
{
	struct svnic_mbx_resources r;

	setup(false);
	up();
	/* a PF that keeps the RX window full of notices never answers */
	dev.pf_floods = true;
	dev.pf_mute = true;
	dev.flood_end = dev.now + 4 * SVNIC_VF_MBX_TIMEOUT_US_DEFAULT;
	CU_ASSERT_EQUAL(svnic_vf_mbx_get_resources(&mbx, &r), -ETIMEDOUT);
	CU_ASSERT_EQUAL(mbx.cnt.timeouts, 1);
	CU_ASSERT(mbx.cnt.notices > 0);
	CU_ASSERT_EQUAL(mbx.cnt.notices, dev.nb_notices);
	/* the poll of an idle driver is bounded too */
	CU_ASSERT_EQUAL(svnic_vf_mbx_poll(&mbx), 64);
	teardown();
}

static void
test_device_gone(void)
{
	setup(false);
	up();
	dev.reg_fail = true;
	CU_ASSERT_EQUAL(svnic_vf_mbx_mtu(&mbx, 1500), -EIO);
	CU_ASSERT_EQUAL(svnic_vf_mbx_poll(&mbx), -EIO);
	teardown();
}

static void
wrong_seq_first(const uint8_t *reply, size_t len)
{
	uint8_t m[SVNIC_MBX_MSG_MAX];
	struct svnic_mbx_hdr h;

	memcpy(m, reply, len);
	memcpy(&h, m, sizeof(h));
	h.seq += 7;
	memcpy(m, &h, sizeof(h));
	dev_push(m, len);
}

static void
garbage_first(const uint8_t *reply, size_t len)
{
	uint8_t m[SVNIC_MBX_MSG_MAX];
	struct svnic_mbx_hdr h;

	/* our seq and opcode, but both REPLY and NOTICE */
	memcpy(m, reply, len);
	memcpy(&h, m, sizeof(h));
	h.flags = SVNIC_MBX_F_REPLY | SVNIC_MBX_F_NOTICE;
	memcpy(m, &h, sizeof(h));
	dev_push(m, len);
	/* our seq and opcode, a payload too short for GET_RESOURCES */
	h.flags = SVNIC_MBX_F_REPLY;
	h.len = 8;
	memcpy(m, &h, sizeof(h));
	dev_push(m, HDR + 8);
	/* a message too short for a header */
	dev_push(m, 8);
}

static void
test_wrong_seq_and_garbage_ignored(void)
{
	struct svnic_mbx_resources r;

	setup(false);
	up();
	dev.before_reply = wrong_seq_first;
	CU_ASSERT_EQUAL(svnic_vf_mbx_get_resources(&mbx, &r), 0);
	CU_ASSERT_EQUAL(r.num_queue_pairs, VF_Q);
	CU_ASSERT_EQUAL(mbx.cnt.stale, 1);
	CU_ASSERT_EQUAL(mbx.cnt.garbage, 0);

	dev.before_reply = garbage_first;
	memset(&r, 0, sizeof(r));
	CU_ASSERT_EQUAL(svnic_vf_mbx_get_resources(&mbx, &r), 0);
	CU_ASSERT_EQUAL(r.num_queue_pairs, VF_Q);
	CU_ASSERT_EQUAL(mbx.cnt.garbage, 3);
	CU_ASSERT_EQUAL(mbx.cnt.notices, 0);
	teardown();
}

static void
only_garbage(const uint8_t *reply, size_t len)
{
	garbage_first(reply, len);
	dev.pf_mute = true;
}

static void
test_garbage_is_no_reply(void)
{
	struct svnic_mbx_resources r;

	setup(false);
	up();
	dev.before_reply = only_garbage;
	CU_ASSERT_EQUAL(svnic_vf_mbx_get_resources(&mbx, &r), -ETIMEDOUT);
	CU_ASSERT_EQUAL(mbx.cnt.garbage, 3);
	CU_ASSERT_EQUAL(mbx.cnt.timeouts, 1);
	teardown();
}

static void
test_set_mac_refused_when_operator_set_it(void)
{
	setup(false);
	CU_ASSERT_EQUAL_FATAL(sriov_vport_set_mac(dev.sw, 0, admin_mac), 0);
	up();
	CU_ASSERT_EQUAL(svnic_vf_mbx_mac(&mbx, SVNIC_MBX_OP_SET_MAC, guest_mac), -EPERM);
	CU_ASSERT_FALSE(guest()->mac_set);
	CU_ASSERT_EQUAL(svnic_vf_mbx_mac(&mbx, SVNIC_MBX_OP_SET_MAC, admin_mac), 0);
	CU_ASSERT_EQUAL(svnic_vf_mbx_mac(&mbx, SVNIC_MBX_OP_ADD_MAC_FILTER, guest_mac), -EPERM);
	teardown();
}

static void
test_promisc_refused_untrusted(void)
{
	setup(false);
	up();
	CU_ASSERT_EQUAL(svnic_vf_mbx_enable(&mbx, SVNIC_MBX_OP_SET_PROMISC, true), -EPERM);
	CU_ASSERT_FALSE(guest()->promisc);
	CU_ASSERT_EQUAL(svnic_vf_mbx_enable(&mbx, SVNIC_MBX_OP_SET_PROMISC, false), 0);
	CU_ASSERT_EQUAL(svnic_vf_mbx_enable(&mbx, SVNIC_MBX_OP_SET_ALLMULTI, true), -EPERM);
	CU_ASSERT_EQUAL(mbx.cnt.refused, 2);
	teardown();
}

static void
test_reset_notice_ends_the_wait(void)
{
	uint8_t n[64];
	size_t len;

	setup(false);
	up();
	dev.pf_mute = true;
	len = sriov_mbx_build_reset_notice(n, sizeof(n), 0, SVNIC_MBX_RESET_OPERATOR);
	CU_ASSERT_FATAL(len != 0);
	dev_push(n, len);
	CU_ASSERT_EQUAL(svnic_vf_mbx_mtu(&mbx, 1500), -ECONNRESET);
	CU_ASSERT_EQUAL(dev.nb_notices, 1);
	CU_ASSERT_EQUAL(dev.notice_op[0], SVNIC_MBX_OP_RESET_NOTICE);
	/* the session is over: HELLO again */
	CU_ASSERT_EQUAL(mbx.version, 0);
	CU_ASSERT_EQUAL(mbx.cnt.timeouts, 0);

	len = sriov_mbx_build_going_down(n, sizeof(n), 0);
	dev_push(n, len);
	CU_ASSERT_EQUAL(svnic_vf_mbx_mtu(&mbx, 1500), -ESHUTDOWN);
	CU_ASSERT_EQUAL(dev.notice_op[1], SVNIC_MBX_OP_PF_GOING_DOWN);
	teardown();
}

/* --- the protocol ------------------------------------------------------------ */

static void
test_hello_1_2(void)
{
	struct svnic_mbx_resources r;

	setup(true);
	up();
	CU_ASSERT_EQUAL(mbx.version, SVNIC_MBX_VERSION(1, 2));
	CU_ASSERT(mbx.pf_caps & SVNIC_MBX_CAP_RSS);
	CU_ASSERT(guest()->hello_done);
	CU_ASSERT_EQUAL(guest()->mbx_version, SVNIC_MBX_VERSION(1, 2));
	CU_ASSERT_EQUAL(svnic_vf_mbx_get_resources(&mbx, &r), 0);
	CU_ASSERT_EQUAL(r.num_queue_pairs, VF_Q);
	CU_ASSERT_EQUAL(memcmp(r.mac, perm_mac, 6), 0);
	CU_ASSERT_EQUAL(r.rss_key_size, 40);
	CU_ASSERT_EQUAL(r.rss_table_size, 64);
	CU_ASSERT(r.caps & SVNIC_MBX_CAP_QUEUE_CFG);
	CU_ASSERT(r.caps & SVNIC_MBX_CAP_TRUSTED);
	CU_ASSERT(r.caps & SVNIC_MBX_CAP_RSS);
	CU_ASSERT_FALSE(r.caps & SVNIC_MBX_CAP_ADMIN_MAC);
	/* the header of each request is the session's */
	CU_ASSERT_EQUAL(((const struct svnic_mbx_hdr *)dev.slot)->version,
			SVNIC_MBX_VERSION(1, 2));
	CU_ASSERT_EQUAL(mbx.cnt.requests, 2);
	/* 1.2: the device's offloads, and the VLAN strip it does for the VF */
	CU_ASSERT_EQUAL(r.caps & SVNIC_MBX_CAP_OFFLOADS,
			SVNIC_MBX_CAP_VLAN_STRIP | SVNIC_MBX_CAP_VLAN_INSERT);
	CU_ASSERT_EQUAL(svnic_vf_mbx_enable(&mbx, SVNIC_MBX_OP_SET_VLAN_STRIP, true), 0);
	CU_ASSERT_TRUE(guest()->vlan_strip);
	CU_ASSERT_EQUAL(svnic_vf_mbx_enable(&mbx, SVNIC_MBX_OP_SET_VLAN_STRIP, false), 0);
	CU_ASSERT_FALSE(guest()->vlan_strip);
	teardown();
}

static void
test_hello_pf_speaks_1_0(void)
{
	struct svnic_mbx_resources r;
	struct svnic_mbx_queue_cfg q = { .queue = 0 };
	uint64_t sent;

	setup(false);
	dev.pf_minor = 0;
	up();
	CU_ASSERT_EQUAL(mbx.version, SVNIC_MBX_VERSION(1, 0));
	CU_ASSERT_EQUAL(svnic_vf_mbx_get_resources(&mbx, &r), 0);
	CU_ASSERT_FALSE(r.caps & SVNIC_MBX_CAP_QUEUE_CFG);
	/* a 1.0 session has no queue opcodes: refused here, never sent */
	sent = mbx.cnt.requests;
	CU_ASSERT_EQUAL(svnic_vf_mbx_config_queue(&mbx, &q), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(svnic_vf_mbx_queues(&mbx, SVNIC_MBX_OP_ENABLE_QUEUES, 1, 0),
			-EOPNOTSUPP);
	CU_ASSERT_EQUAL(mbx.cnt.requests, sent);
	/* a VF that offers 1.0 to a 1.1 PF gets 1.0 too */
	dev.pf_minor = 1;
	CU_ASSERT_EQUAL(svnic_vf_mbx_hello(&mbx, 0), 0);
	CU_ASSERT_EQUAL(mbx.version, SVNIC_MBX_VERSION(1, 0));
	teardown();
}

static void
test_queues(void)
{
	struct svnic_mbx_queue_cfg rx = {
		.queue = 1, .type = SVNIC_MBX_QTYPE_RX, .ring_size = 512, .buf_size = 2048,
		.ring_addr = 0x100000, .vector = SVNIC_MBX_QUEUE_NO_VECTOR,
	};
	struct svnic_mbx_queue_cfg tx = {
		.queue = 1, .type = SVNIC_MBX_QTYPE_TX, .ring_size = 256,
		.ring_addr = 0x200000, .vector = SVNIC_MBX_QUEUE_NO_VECTOR,
	};

	setup(false);
	up();
	CU_ASSERT_EQUAL(svnic_vf_mbx_config_queue(&mbx, &rx), 0);
	CU_ASSERT_EQUAL(svnic_vf_mbx_config_queue(&mbx, &tx), 0);
	CU_ASSERT_EQUAL(guest()->queues[SVNIC_MBX_QTYPE_RX][1].ring_addr, 0x100000);
	CU_ASSERT_EQUAL(guest()->queues[SVNIC_MBX_QTYPE_TX][1].ring_size, 256);
	/* queue 0 is not configured: all or nothing */
	CU_ASSERT_EQUAL(svnic_vf_mbx_queues(&mbx, SVNIC_MBX_OP_ENABLE_QUEUES, 3, 2), -EINVAL);
	CU_ASSERT_EQUAL(guest()->queues_enabled[SVNIC_MBX_QTYPE_RX], 0);
	CU_ASSERT_EQUAL(svnic_vf_mbx_queues(&mbx, SVNIC_MBX_OP_ENABLE_QUEUES, 2, 2), 0);
	CU_ASSERT_EQUAL(guest()->queues_enabled[SVNIC_MBX_QTYPE_RX], 2);
	CU_ASSERT_EQUAL(guest()->queues_enabled[SVNIC_MBX_QTYPE_TX], 2);
	/* an enabled queue cannot be reconfigured */
	CU_ASSERT_EQUAL(svnic_vf_mbx_config_queue(&mbx, &rx), -EBUSY);
	/* past the VPort's queues */
	rx.queue = VF_Q;
	CU_ASSERT_EQUAL(svnic_vf_mbx_config_queue(&mbx, &rx), -EINVAL);
	CU_ASSERT_EQUAL(svnic_vf_mbx_queues(&mbx, SVNIC_MBX_OP_DISABLE_QUEUES, 2, 2), 0);
	CU_ASSERT_EQUAL(guest()->queues_enabled[SVNIC_MBX_QTYPE_RX], 0);
	CU_ASSERT_EQUAL(guest()->queues_enabled[SVNIC_MBX_QTYPE_TX], 0);
	CU_ASSERT_EQUAL(sriov_switch_verify(dev.sw), 0);
	teardown();
}

/*
 * Head write-back as the VF learns it: CAP_HEAD_WB in GET_RESOURCES from a PF
 * whose device has it (a 1.1 session too), and the head_wb_addr taken. From a
 * PF without it (its device lacks HEAD_WB, or it predates the bit) no bit, and
 * a head_wb_addr sent anyway comes back EOPNOTSUPP with the queue unchanged:
 * the VF must poll DONE there.
 */
static void
test_queues_head_wb(void)
{
	struct svnic_mbx_queue_cfg tx = {
		.queue = 2, .type = SVNIC_MBX_QTYPE_TX, .ring_size = 256,
		.ring_addr = 0x200000, .head_wb_addr = 0x201040,
		.vector = SVNIC_MBX_QUEUE_NO_VECTOR,
	};
	struct svnic_mbx_resources r;

	setup(false);
	up();
	CU_ASSERT_EQUAL(svnic_vf_mbx_get_resources(&mbx, &r), 0);
	CU_ASSERT(r.caps & SVNIC_MBX_CAP_HEAD_WB);
	CU_ASSERT_EQUAL(svnic_vf_mbx_config_queue(&mbx, &tx), 0);
	CU_ASSERT_EQUAL(guest()->queues[SVNIC_MBX_QTYPE_TX][2].head_wb_addr, 0x201040);
	dev.pf_minor = 1;
	CU_ASSERT_EQUAL(svnic_vf_mbx_hello(&mbx, SVNIC_MBX_VERSION_MINOR), 0);
	CU_ASSERT_EQUAL(svnic_vf_mbx_get_resources(&mbx, &r), 0);
	CU_ASSERT(r.caps & SVNIC_MBX_CAP_HEAD_WB);
	teardown();

	setup(false);
	dev.pf_caps_off = SVNIC_MBX_CAP_HEAD_WB;
	up();
	CU_ASSERT_EQUAL(svnic_vf_mbx_get_resources(&mbx, &r), 0);
	CU_ASSERT_FALSE(r.caps & SVNIC_MBX_CAP_HEAD_WB);
	CU_ASSERT(r.caps & SVNIC_MBX_CAP_QUEUE_CFG);
	CU_ASSERT_EQUAL(svnic_vf_mbx_config_queue(&mbx, &tx), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(guest()->queues_configured[SVNIC_MBX_QTYPE_TX], 0);
	CU_ASSERT_EQUAL(svnic_vf_mbx_queues(&mbx, SVNIC_MBX_OP_ENABLE_QUEUES, 0, 1u << 2),
			-EINVAL);
	/* the same queue polling DONE */
	tx.head_wb_addr = 0;
	CU_ASSERT_EQUAL(svnic_vf_mbx_config_queue(&mbx, &tx), 0);
	CU_ASSERT_EQUAL(svnic_vf_mbx_queues(&mbx, SVNIC_MBX_OP_ENABLE_QUEUES, 0, 1u << 2), 0);
	CU_ASSERT_EQUAL(guest()->queues_enabled[SVNIC_MBX_QTYPE_TX], 1u << 2);
	CU_ASSERT_EQUAL(guest()->queues[SVNIC_MBX_QTYPE_TX][2].head_wb_addr, 0);
	CU_ASSERT_EQUAL(sriov_switch_verify(dev.sw), 0);
	teardown();
}

static void
link_first(const uint8_t *reply, size_t len)
{
	uint8_t n[64];
	size_t nl = sriov_mbx_build_link_event(n, sizeof(n), 0, true, true, 25000);

	(void)reply;
	(void)len;
	CU_ASSERT_FATAL(nl != 0);
	dev_push(n, nl);
}

static void
test_notice_between_request_and_reply(void)
{
	struct svnic_mbx_stats st;

	setup(false);
	up();
	dev.before_reply = link_first;
	CU_ASSERT_EQUAL(svnic_vf_mbx_stats(&mbx, &st), 0);
	CU_ASSERT_EQUAL(st.rx_packets, 500);
	CU_ASSERT_EQUAL(st.tx_bytes, 4242);
	CU_ASSERT_EQUAL(dev.nb_notices, 1);
	CU_ASSERT_EQUAL(dev.notice_op[0], SVNIC_MBX_OP_LINK_EVENT);
	CU_ASSERT_EQUAL(dev.link.link_up, 1);
	CU_ASSERT_EQUAL(dev.link.speed_mbps, 25000);
	CU_ASSERT_EQUAL(mbx.version, SVNIC_MBX_VERSION(1, 2));
	teardown();
}

static void
test_notices_while_idle(void)
{
	uint8_t n[64];
	size_t len;

	setup(false);
	up();
	CU_ASSERT_EQUAL(svnic_vf_mbx_poll(&mbx), 0);
	len = sriov_mbx_build_link_event(n, sizeof(n), 0, false, false, 0);
	dev_push(n, len);
	len = sriov_mbx_build_reset_notice(n, sizeof(n), 0, SVNIC_MBX_RESET_PF);
	dev_push(n, len);
	CU_ASSERT_EQUAL(svnic_vf_mbx_poll(&mbx), 2);
	CU_ASSERT_EQUAL(dev.nb_notices, 2);
	CU_ASSERT_EQUAL(dev.notice_op[0], SVNIC_MBX_OP_LINK_EVENT);
	CU_ASSERT_EQUAL(dev.link.link_up, 0);
	CU_ASSERT_EQUAL(dev.notice_op[1], SVNIC_MBX_OP_RESET_NOTICE);
	CU_ASSERT_EQUAL(mbx.version, 0);
	CU_ASSERT_FALSE(dev.rx_valid);
	/* after a reset the VF starts over, and is heard again */
	up();
	teardown();
}

static void
test_filters_rss_mtu(void)
{
	const uint8_t mc[2][6] = { { 0x01, 0, 0x5e, 0, 0, 1 }, { 0x33, 0x33, 0, 0, 0, 1 } };
	uint8_t key[40];
	uint16_t table[64];
	unsigned int i;

	setup(true);
	up();
	CU_ASSERT_EQUAL(svnic_vf_mbx_mac(&mbx, SVNIC_MBX_OP_SET_MAC, guest_mac), 0);
	CU_ASSERT(guest()->mac_set);
	CU_ASSERT_EQUAL(svnic_vf_mbx_mac(&mbx, SVNIC_MBX_OP_ADD_MAC_FILTER, admin_mac), 0);
	CU_ASSERT_EQUAL(guest()->nb_mac_filters, 1);
	CU_ASSERT_EQUAL(svnic_vf_mbx_mac(&mbx, SVNIC_MBX_OP_DEL_MAC_FILTER, admin_mac), 0);
	CU_ASSERT_EQUAL(svnic_vf_mbx_mac(&mbx, SVNIC_MBX_OP_DEL_MAC_FILTER, admin_mac), -ENOENT);
	CU_ASSERT_EQUAL(svnic_vf_mbx_mc_list(&mbx, mc, 2), 0);
	CU_ASSERT_EQUAL(guest()->nb_mc_addrs, 2);
	CU_ASSERT_EQUAL(svnic_vf_mbx_vlan(&mbx, SVNIC_MBX_OP_ADD_VLAN, 100), 0);
	CU_ASSERT_EQUAL(guest()->nb_vlans, 1);
	CU_ASSERT_EQUAL(svnic_vf_mbx_vlan(&mbx, SVNIC_MBX_OP_DEL_VLAN, 100), 0);
	CU_ASSERT_EQUAL(svnic_vf_mbx_enable(&mbx, SVNIC_MBX_OP_SET_ALLMULTI, true), 0);
	for (i = 0; i < 40; i++)
		key[i] = (uint8_t)(i * 7 + 1);
	for (i = 0; i < 64; i++)
		table[i] = (uint16_t)(i % VF_Q);
	CU_ASSERT_EQUAL(svnic_vf_mbx_rss(&mbx, SVNIC_RSS_HF_IPV4, key, 40, table, 64), 0);
	CU_ASSERT_EQUAL(guest()->rss_table_len, 64);
	CU_ASSERT_EQUAL(guest()->rss_table[5], 1);
	CU_ASSERT_EQUAL(memcmp(guest()->rss_key, key, 40), 0);
	/* a key of the wrong size for this device */
	CU_ASSERT_EQUAL(svnic_vf_mbx_rss(&mbx, SVNIC_RSS_HF_IPV4, key, 16, NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(svnic_vf_mbx_mtu(&mbx, 9000), 0);
	CU_ASSERT_EQUAL(guest()->mtu, 9000);
	CU_ASSERT_EQUAL(svnic_vf_mbx_mtu(&mbx, 9001), -EINVAL);
	CU_ASSERT_EQUAL(sriov_switch_verify(dev.sw), 0);
	teardown();
}

/* Spec 1.1: waits look at the mirror, then sleep on the armed vector; no trapped read. */
static void
test_mirror_and_interrupt_wait(void)
{
	struct svnic_mbx_resources r;
	uint64_t t0;

	setup(false);
	CU_ASSERT_EQUAL_FATAL(svnic_vf_mbx_init(&mbx, &dev_ops_irq, &dev, dev.tx_win,
						dev.rx_win, on_notice, &dev), 0);
	svnic_vf_mbx_set_mirror(&mbx, &dev.mirror);
	up();
	CU_ASSERT_EQUAL(svnic_vf_mbx_get_resources(&mbx, &r), 0);
	CU_ASSERT_EQUAL(r.num_queue_pairs, VF_Q);
	CU_ASSERT_EQUAL(dev.reg_reads, 0);
	CU_ASSERT_EQUAL(dev.tx_writes, 2);
	/* each reply came in the first sleep, after the spin ran out */
	CU_ASSERT_EQUAL(dev.irq_waits, 2);
	CU_ASSERT_EQUAL(dev.cause_clears, 2);
	CU_ASSERT(dev.yields >= 2 * (SVNIC_VF_MBX_SPIN_US / 10));
	/* a PF that never answers: the sleeps time out, the request too */
	dev.pf_mute = true;
	t0 = dev.now;
	dev.irq_waits = dev.cause_clears = 0;
	CU_ASSERT_EQUAL(svnic_vf_mbx_get_resources(&mbx, &r), -ETIMEDOUT);
	CU_ASSERT(dev.now - t0 >= mbx.timeout_us);
	CU_ASSERT(dev.irq_waits > 1);
	CU_ASSERT_EQUAL(dev.reg_reads, 0);
	teardown();
}

static void
two_notices_first(const uint8_t *reply, size_t len)
{
	link_first(reply, len);
	link_first(reply, len);
}

/*
 * Spec 1.2: the submit and the acks are posted. Until an ack lands the
 * mirror still shows the message taken last: with the same RX_SEQ it is not
 * taken again; the next one, RX_SEQ flipped, is. Without RX_SEQ (a 1.1
 * device) the ack waits for its round trip.
 */
/* Spec 1.2: mirror, posted submit and acks. */
static void
setup_posted(void)
{
	setup(false);
	CU_ASSERT_EQUAL_FATAL(svnic_vf_mbx_init(&mbx, &dev_ops_posted, &dev, dev.tx_win,
						dev.rx_win, on_notice, &dev), 0);
	svnic_vf_mbx_set_mirror(&mbx, &dev.mirror);
	svnic_vf_mbx_set_rx_seq(&mbx, true);
}

/*
 * Spec 1.3 shared TX: requests are framed in the window for the PF to read,
 * each rings once, none waits on TX_BUSY; the sequence survives a new
 * session and a PF that looks before the VF wrote anything finds nothing.
 */
static void
test_shared_tx(void)
{
	struct svnic_mbx_resources r;
	struct svnic_mbx_stats st;

	setup_posted();
	dev.shared = true;
	svnic_vf_mbx_set_shared_tx(&mbx, dev.notify);
	/* a doorbell with nothing framed yet: the PF takes nothing */
	dev.rung = true;
	dev_step();
	CU_ASSERT_EQUAL(dev.shtx_taken, 0);
	up();
	CU_ASSERT_EQUAL(svnic_vf_mbx_get_resources(&mbx, &r), 0);
	CU_ASSERT_EQUAL(r.num_queue_pairs, VF_Q);
	CU_ASSERT_EQUAL(svnic_vf_mbx_stats(&mbx, &st), 0);
	CU_ASSERT_EQUAL(st.rx_packets, 500);
	CU_ASSERT_EQUAL(dev.tx_writes, 3);
	CU_ASSERT_EQUAL(dev.shtx_taken, 3);
	CU_ASSERT_EQUAL(mbx.cnt.requests, 3);
	CU_ASSERT_EQUAL(mbx.cnt.shared_tx, 3);
	CU_ASSERT_EQUAL(dev.shtx_last, 6);
	/* a VF reset zeroes the page; the next session's messages are new all the same */
	memset(dev.notify, 0, sizeof(dev.notify));
	up();
	CU_ASSERT_EQUAL(dev.shtx_taken, 4);
	CU_ASSERT_EQUAL(dev.shtx_last, 8);
	/* back to the device's copy: TX_BUSY again, nothing framed */
	dev.shared = false;
	svnic_vf_mbx_set_shared_tx(&mbx, NULL);
	CU_ASSERT_EQUAL(svnic_vf_mbx_stats(&mbx, &st), 0);
	CU_ASSERT_EQUAL(mbx.cnt.shared_tx, 4);
	CU_ASSERT_EQUAL(mbx.cnt.requests, 5);
	CU_ASSERT_EQUAL(mbx.cnt.shared_rx, 0);
	teardown();
}

/*
 * The shared RX mailbox: offered in HELLO, whose reply already comes through
 * it; every answer and notice after it is taken from the window the PF wrote,
 * each once, each acknowledged for the PF; the device's own message (its
 * RESET_NOTICE) still comes first. Not offered: the device's path only.
 */
static void
test_shared_rx(void)
{
	struct svnic_mbx_resources r;
	struct svnic_mbx_stats st;

	setup_posted();
	svnic_vf_mbx_set_shared_rx(&mbx, dev.notify);
	up();
	CU_ASSERT(mbx.pf_caps & SVNIC_MBX_CAP_SHARED_RX);
	CU_ASSERT_TRUE(guest()->shared_rx);
	CU_ASSERT_EQUAL(svnic_vf_mbx_get_resources(&mbx, &r), 0);
	CU_ASSERT_EQUAL(r.num_queue_pairs, VF_Q);
	dev.before_reply = two_notices_first;
	CU_ASSERT_EQUAL(svnic_vf_mbx_stats(&mbx, &st), 0);
	CU_ASSERT_EQUAL(st.rx_packets, 500);
	CU_ASSERT_EQUAL(dev.nb_notices, 2);
	/* HELLO, GET_RESOURCES, two notices, GET_STATS: all through the window */
	dev_wait_posted(&dev, 0);
	CU_ASSERT_EQUAL(dev.shrx_placed, 5);
	CU_ASSERT_EQUAL(mbx.cnt.shared_rx, 5);
	CU_ASSERT_EQUAL(dev.shrx_acks, 5);
	CU_ASSERT_EQUAL(dev.acks, 0);
	/* the device's own RESET_NOTICE still comes the 1.0 way, and is taken */
	dev.rx_len = (uint32_t)sriov_mbx_build_reset_notice(dev.rx_win, sizeof(dev.rx_win), 0,
							    SVNIC_MBX_RESET_OPERATOR);
	CU_ASSERT_FATAL(dev.rx_len != 0);
	dev.rx_valid = true;
	dev.rx_seq = !dev.rx_seq;
	dev.mirror = dev_status();
	CU_ASSERT_EQUAL(svnic_vf_mbx_poll(&mbx), 1);
	CU_ASSERT_EQUAL(dev.notice_op[dev.nb_notices - 1], SVNIC_MBX_OP_RESET_NOTICE);
	dev_wait_posted(&dev, 0);
	CU_ASSERT_EQUAL(dev.acks, 1);
	teardown();
	/* not offered: nothing through the window */
	setup_posted();
	up();
	CU_ASSERT_FALSE(guest()->shared_rx);
	CU_ASSERT_EQUAL(svnic_vf_mbx_stats(&mbx, &st), 0);
	CU_ASSERT_EQUAL(dev.shrx_placed, 0);
	CU_ASSERT_EQUAL(mbx.cnt.shared_rx, 0);
	teardown();
}

static void
test_posted_submit_and_ack(void)
{
	struct svnic_mbx_stats st;

	setup_posted();
	up();
	dev.before_reply = two_notices_first;
	CU_ASSERT_EQUAL(svnic_vf_mbx_stats(&mbx, &st), 0);
	CU_ASSERT_EQUAL(st.rx_packets, 500);
	CU_ASSERT_EQUAL(dev.nb_notices, 2);		/* each once */
	CU_ASSERT_EQUAL(dev.reg_reads, 0);
	/* the reply's ack is still on its way: it lands, and nothing is taken twice */
	dev_wait_posted(&dev, 0);
	CU_ASSERT_EQUAL(dev.acks, 4);			/* HELLO's reply, 2 notices, stats */
	CU_ASSERT_FALSE(dev.rx_valid);
	CU_ASSERT_EQUAL(svnic_vf_mbx_poll(&mbx), 0);
	CU_ASSERT_EQUAL(dev.nb_posted, 0);
	/*
	 * The device replaces a message whose posted ack is on its way (a
	 * reset): the late ack names the old one and is ignored, the notice is
	 * taken, and the session ends as a reset says.
	 */
	dev.replace_once = true;
	dev.before_reply = link_first;
	CU_ASSERT_EQUAL(svnic_vf_mbx_stats(&mbx, &st), -ECONNRESET);
	CU_ASSERT_EQUAL(dev.stale_acks, 1);
	CU_ASSERT_EQUAL(dev.nb_notices, 4);
	CU_ASSERT_EQUAL(dev.notice_op[2], SVNIC_MBX_OP_LINK_EVENT);
	CU_ASSERT_EQUAL(dev.notice_op[3], SVNIC_MBX_OP_RESET_NOTICE);
	/* the reset's ack lands; the answer queued before it is dropped as stale */
	dev_wait_posted(&dev, 0);
	CU_ASSERT_EQUAL(svnic_vf_mbx_poll(&mbx), 1);
	CU_ASSERT_EQUAL(mbx.cnt.stale, 1);
	dev_wait_posted(&dev, 0);
	CU_ASSERT_FALSE(dev.rx_valid);
	up();
	dev_wait_posted(&dev, 0);	/* HELLO's ack lands before the mode changes */
	/* a 1.1 device: the same client acknowledges with a round trip */
	svnic_vf_mbx_set_rx_seq(&mbx, false);
	dev.before_reply = NULL;
	dev.acks = 0;
	CU_ASSERT_EQUAL(svnic_vf_mbx_stats(&mbx, &st), 0);
	CU_ASSERT_EQUAL(dev.acks, 1);
	CU_ASSERT_EQUAL(dev.nb_posted, 0);
	teardown();
}

static CU_TestInfo negative_tests[] = {
	UNIT_TEST(test_bad_arguments),
	UNIT_TEST(test_request_before_hello_refused),
	UNIT_TEST(test_timeout),
	UNIT_TEST(test_tx_window_never_free),
	UNIT_TEST(test_notice_flood_times_out),
	UNIT_TEST(test_device_gone),
	UNIT_TEST(test_wrong_seq_and_garbage_ignored),
	UNIT_TEST(test_garbage_is_no_reply),
	UNIT_TEST(test_set_mac_refused_when_operator_set_it),
	UNIT_TEST(test_promisc_refused_untrusted),
	UNIT_TEST(test_reset_notice_ends_the_wait),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo protocol_tests[] = {
	UNIT_TEST(test_hello_1_2),
	UNIT_TEST(test_hello_pf_speaks_1_0),
	UNIT_TEST(test_queues),
	UNIT_TEST(test_queues_head_wb),
	UNIT_TEST(test_notice_between_request_and_reply),
	UNIT_TEST(test_notices_while_idle),
	UNIT_TEST(test_filters_rss_mtu),
	UNIT_TEST(test_mirror_and_interrupt_wait),
	UNIT_TEST(test_posted_submit_and_ack),
	UNIT_TEST(test_shared_tx),
	UNIT_TEST(test_shared_rx),
	CU_TEST_INFO_NULL,
};

UNIT_MAIN(UNIT_SUITE("svnic_vf_mbx refusals and faults", negative_tests),
	  UNIT_SUITE("svnic_vf_mbx protocol", protocol_tests))
