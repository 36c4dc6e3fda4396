/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * svnic-emu's device core driven as a driver drives it (doc/device-spec.rst):
 * trapped page-0 accesses under the function's write lock as the vfio-user glue
 * makes them, the mmap-able pages (doorbells, notify page, mailbox windows) as
 * plain memory, DMA into a per-function "guest memory" window, and one datapath
 * pass at a time with emu_dev_poll(). Refusals and faults come first in every
 * suite; the last test runs a real datapath thread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "emu_dev.h"
#include "emu_log.h"
#include "emu_pci.h"
#include "emu_uplink.h"
#include "svnic_adminq.h"
#include "svnic_desc.h"
#include "svnic_mbx.h"
#include "svnic_pci.h"
#include "svnic_regs.h"
#include "svnic_stats.h"
#include "unit.h"

/* ---- the fake glue: guest memory, interrupts, VF Enable ---- */

#define G_IOVA		0x100000ull		/* every function's window starts here */
#define G_SIZE		(4u << 20)
#define NB_VFS_MAX	8

#define AQ_IOVA		0x100000ull
#define AQ_N		64u
#define EQ_IOVA		0x102000ull
#define EQ_N		64u
#define BUF_IOVA	0x104000ull		/* admin indirect buffers */
#define RING_N		32u
#define RXR(q)		(0x110000ull + 0x1000ull * (q))	/* function-relative q */
#define TXR(q)		(RXR(q) + 0x800ull)
#define BUF_SZ		2048u
#define RXB(q, i)	(0x200000ull + 0x10000ull * (q) + BUF_SZ * (i))
#define TXB(q, i)	(0x300000ull + 0x10000ull * (q) + BUF_SZ * (i))

#define PF_ID		0xffffu			/* "function" of a PF irq record */

struct guest {
	uint8_t *mem;
	uint64_t map_size;			/* bytes mapped from G_IOVA */
	uint64_t ro_lo, ro_hi;			/* read-only [lo, hi) when lo < hi */
};

struct irq_rec {
	uint16_t func;
	uint16_t vector;
};

static struct {
	struct emu_dev *dev;
	struct svnic_uplink *ul;
	struct guest pf_mem;
	struct guest vf_mem[NB_VFS_MAX];
	struct irq_rec irqs[1024];
	unsigned int nb_irqs;
	unsigned int vfs_changed_calls;
	int last_num_vfs;
	uint32_t aq_tail;
	uint32_t eq_head;
	uint32_t ret_val;
	uint16_t last_flags;
	struct svnic_eq_entry evs[256];
	unsigned int nb_evs;
	/* the statistics block of this VPort, as it is when an RX buffer is looked up */
	bool stats_watch;
	uint16_t stats_watch_vport;
	uint64_t stats_watch_rx_packets;
	unsigned int nb_windows;		/* dma_window() lookups that succeeded */
} E;

static struct guest *
guest_of(const struct emu_func *f)
{
	return f->is_vf ? &E.vf_mem[f->vf_id] : &E.pf_mem;
}

static void *
fake_dma_ptr(void *ctx, struct emu_func *f, uint64_t iova, uint64_t len, bool write)
{
	struct guest *g;

	(void)ctx;
	if (f->is_vf && f->vf_id >= NB_VFS_MAX)
		return NULL;
	g = guest_of(f);
	if (len == 0 || iova < G_IOVA || iova - G_IOVA > g->map_size ||
	    len > g->map_size - (iova - G_IOVA))
		return NULL;
	if (write && g->ro_lo < g->ro_hi && iova < g->ro_hi && iova + len > g->ro_lo)
		return NULL;
	if (E.stats_watch && write && iova >= RXB(0, 0) && iova < TXB(0, 0)) {
		const uint8_t *b = E.dev->pf.bar0 + SVNIC_PF_STATS_VPORT(E.stats_watch_vport);

		memcpy(&E.stats_watch_rx_packets, b + 8, 8);	/* c.rx_packets */
	}
	return g->mem + (iova - G_IOVA);
}

/*
 * The map as windows: the read-only range, when there is one, splits it in
 * three. While stats_watch is on each window is just the range asked for, so
 * that every RX buffer is looked up through fake_dma_ptr().
 */
static uint8_t *
fake_dma_window(void *ctx, struct emu_func *f, uint64_t iova, uint64_t len, bool write,
		uint64_t *first, uint64_t *last, bool *writable)
{
	const struct guest *g;
	uint64_t lo = G_IOVA, hi;
	bool w = true;

	if (fake_dma_ptr(ctx, f, iova, len, write) == NULL)
		return NULL;
	g = guest_of(f);
	hi = G_IOVA + g->map_size - 1;
	if (g->ro_lo < g->ro_hi) {
		if (iova + len <= g->ro_lo) {
			hi = g->ro_lo - 1;
		} else if (iova >= g->ro_hi) {
			lo = g->ro_hi;
		} else {
			/* touches the read-only range: a read, of just that range */
			lo = iova;
			hi = iova + len - 1;
			w = false;
		}
	}
	if (E.stats_watch) {
		lo = iova;
		hi = iova + len - 1;
	}
	E.nb_windows++;
	*first = lo;
	*last = hi;
	*writable = w;
	return g->mem + (lo - G_IOVA);
}

static void
fake_irq(void *ctx, struct emu_func *f, uint16_t vector)
{
	(void)ctx;
	if (E.nb_irqs < sizeof(E.irqs) / sizeof(E.irqs[0])) {
		E.irqs[E.nb_irqs].func = f->is_vf ? f->vf_id : PF_ID;
		E.irqs[E.nb_irqs].vector = vector;
	}
	E.nb_irqs++;
}

static void
fake_vfs_changed(void *ctx, uint16_t num_vfs)
{
	(void)ctx;
	E.vfs_changed_calls++;
	E.last_num_vfs = num_vfs;
}

static const struct emu_dev_ops fake_ops = {
	.dma_ptr = fake_dma_ptr,
	.dma_window = fake_dma_window,
	.irq = fake_irq,
	.vfs_changed = fake_vfs_changed,
};

static unsigned int
irq_count(uint16_t func, uint16_t vector)
{
	unsigned int i, n = 0;

	for (i = 0; i < E.nb_irqs && i < sizeof(E.irqs) / sizeof(E.irqs[0]); i++)
		if (E.irqs[i].func == func && E.irqs[i].vector == vector)
			n++;
	return n;
}

static uint8_t *
gp(struct guest *g, uint64_t iova)
{
	return g->mem + (iova - G_IOVA);
}

/* ---- register, config and doorbell access, as the glue and a driver do it ---- */

static struct emu_func *
pf(void)
{
	return &E.dev->pf;
}

static struct emu_func *
vf(uint16_t n)
{
	return emu_dev_vf(E.dev, n);
}

static void
reg_wr(struct emu_func *f, uint32_t off, uint32_t v)
{
	emu_func_lock_wr(f);
	CU_ASSERT_EQUAL(emu_func_bar0_access(f, off, &v, 4, true), 0);
	emu_func_unlock(f);
}

static uint32_t
reg_rd(struct emu_func *f, uint32_t off)
{
	uint32_t v = 0xdeadbeef;

	emu_func_lock_wr(f);
	CU_ASSERT_EQUAL(emu_func_bar0_access(f, off, &v, 4, false), 0);
	emu_func_unlock(f);
	return v;
}

static int
cfg_wr(struct emu_func *f, uint32_t off, uint32_t v, uint32_t len)
{
	int ret;

	emu_func_lock_wr(f);
	ret = emu_func_cfg_access(f, off, &v, len, true);
	emu_func_unlock(f);
	return ret;
}

static uint32_t
cfg_rd(struct emu_func *f, uint32_t off, uint32_t len)
{
	uint32_t v = 0;

	emu_func_lock_wr(f);
	CU_ASSERT_EQUAL(emu_func_cfg_access(f, off, &v, len, false), 0);
	emu_func_unlock(f);
	return v;
}

static void
msix_enable(struct emu_func *f)
{
	uint32_t off = SVNIC_EMU_PCI_MSIX_CAP + PCI_MSIX_FLAGS;

	cfg_wr(f, off, cfg_rd(f, off, 2) | PCI_MSIX_FLAGS_ENABLE, 2);
}

static void
sriov_ctrl(uint16_t ctrl)
{
	cfg_wr(pf(), SVNIC_EMU_PCI_SRIOV_CAP + PCI_SRIOV_CTRL, ctrl, 2);
	emu_dev_housekeeping(E.dev);
}

static void
vfs_enable(uint16_t n)
{
	uint16_t i;

	cfg_wr(pf(), SVNIC_EMU_PCI_SRIOV_CAP + PCI_SRIOV_NUM_VF, n, 2);
	sriov_ctrl(PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
	for (i = 0; i < n && vf(i) != NULL; i++)
		msix_enable(vf(i));
}

static uint32_t
db_off(const struct emu_func *f, uint16_t fq)
{
	return f->is_vf ? SVNIC_VF_DB(fq) : SVNIC_PF_DB(fq);
}

static void
db_rx(struct emu_func *f, uint16_t fq, uint32_t tail)
{
	__atomic_store_n((uint32_t *)(f->bar0 + db_off(f, fq) + SVNIC_DB_RX_TAIL), tail,
			 __ATOMIC_RELEASE);
}

/* The TX doorbell protocol of the spec: tail, summary bit, SLEEPING check. */
static void
db_tx(struct emu_func *f, uint16_t fq, uint32_t tail)
{
	__atomic_store_n((uint32_t *)(f->bar0 + db_off(f, fq) + SVNIC_DB_TX_TAIL), tail,
			 __ATOMIC_RELEASE);
	__atomic_fetch_or((uint64_t *)(f->bar0 + SVNIC_NOTIFY_TX_SUMMARY(fq / 64)),
			  1ull << (fq % 64), __ATOMIC_SEQ_CST);
	if (__atomic_load_n((uint32_t *)(f->bar0 + SVNIC_NOTIFY_SLEEPING), __ATOMIC_SEQ_CST))
		reg_wr(f, SVNIC_REG_KICK, 1);
}

/* ---- admin queue ---- */

static struct svnic_aq_desc *
aq_slot(uint32_t i)
{
	return (struct svnic_aq_desc *)gp(&E.pf_mem, AQ_IOVA + (uint64_t)i * 64);
}

static void
aq_setup(void)
{
	memset(gp(&E.pf_mem, AQ_IOVA), 0, AQ_N * 64);
	reg_wr(pf(), SVNIC_REG_AQ_BASE_LO, (uint32_t)AQ_IOVA);
	reg_wr(pf(), SVNIC_REG_AQ_BASE_HI, 0);
	reg_wr(pf(), SVNIC_REG_AQ_LEN, AQ_N | SVNIC_QLEN_ENABLE);
	E.aq_tail = 0;
}

static void
eq_setup(void)
{
	memset(gp(&E.pf_mem, EQ_IOVA), 0, EQ_N * 32);
	reg_wr(pf(), SVNIC_REG_EQ_BASE_LO, (uint32_t)EQ_IOVA);
	reg_wr(pf(), SVNIC_REG_EQ_BASE_HI, 0);
	reg_wr(pf(), SVNIC_REG_EQ_LEN, EQ_N | SVNIC_QLEN_ENABLE);
	E.eq_head = 0;
}

/* Post one descriptor; @return the completion's errno (status converted). */
static int
aq_submit(const struct svnic_aq_desc *d)
{
	struct svnic_aq_desc *slot = aq_slot(E.aq_tail);

	memcpy(slot, d, sizeof(*d));
	E.aq_tail = (E.aq_tail + 1) % AQ_N;
	reg_wr(pf(), SVNIC_REG_AQ_TAIL, E.aq_tail);
	E.last_flags = __atomic_load_n(&slot->flags, __ATOMIC_ACQUIRE);
	E.ret_val = slot->ret_val;
	if (!(E.last_flags & SVNIC_AQ_F_DONE))
		return -ETIMEDOUT;
	if (((E.last_flags & SVNIC_AQ_F_ERR) != 0) != (slot->status != SVNIC_AQ_ST_OK))
		return -EPROTO;
	return svnic_aq_status_to_errno(slot->status);
}

static int
aq_cmd(uint16_t op, uint16_t flags, const void *params, size_t plen, uint64_t buf,
       uint32_t buf_len)
{
	struct svnic_aq_desc d;

	CU_ASSERT_EQUAL_FATAL(svnic_aq_build(&d, op, flags, 0x1234, params, plen, buf,
					     buf_len), 0);
	return aq_submit(&d);
}

/* A command with a read buffer holding @p in. */
static int
aq_cmd_in(uint16_t op, const void *params, size_t plen, const void *in, uint32_t len)
{
	memcpy(gp(&E.pf_mem, BUF_IOVA), in, len);
	return aq_cmd(op, SVNIC_AQ_F_BUF, params, plen, BUF_IOVA, len);
}

/* A command with a write buffer of @p len bytes at BUF_IOVA (zeroed first). */
static int
aq_cmd_out(uint16_t op, const void *params, size_t plen, uint32_t len)
{
	memset(gp(&E.pf_mem, BUF_IOVA), 0, SVNIC_AQ_BUF_MAX);
	return aq_cmd(op, SVNIC_AQ_F_BUF | SVNIC_AQ_F_BUF_WR, params, plen, BUF_IOVA, len);
}

static void
mac_of(uint8_t mac[6], uint16_t id)
{
	static const uint8_t base[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x00 };

	memcpy(mac, base, 6);
	mac[4] = (uint8_t)(id >> 8);
	mac[5] = (uint8_t)id;
}

/* MAC ids: the PF's VPort 0x100, VF n's 0x200 + n, nobody's 0x999. */
#define MAC_PF		0x100
#define MAC_VF(n)	(0x200 + (n))
#define MAC_NOBODY	0x999

static void
vport_init(struct svnic_aq_vport *v, uint16_t id, uint16_t func, uint16_t qbase, uint16_t nq,
	   uint16_t mac)
{
	memset(v, 0, sizeof(*v));
	v->vport_id = id;
	v->func = func;
	v->queue_base = qbase;
	v->nb_queues = nq;
	mac_of(v->mac, mac);
	v->rx_mode = SVNIC_AQ_RXM_BROADCAST;
	v->mtu = 1500;
}

static int
vport_create(uint16_t id, uint16_t func, uint16_t qbase, uint16_t nq, uint16_t mac)
{
	struct svnic_aq_vport v;

	vport_init(&v, id, func, qbase, nq, mac);
	return aq_cmd(SVNIC_AQ_OP_VPORT_CREATE, 0, &v, sizeof(v), 0, 0);
}

static int
vport_delete(uint16_t id)
{
	struct svnic_aq_vport_id p = { .vport_id = id };

	return aq_cmd(SVNIC_AQ_OP_VPORT_DELETE, 0, &p, sizeof(p), 0, 0);
}

static int
qcfg(uint16_t vport, uint16_t dq, uint8_t type, uint64_t ring, uint8_t flags, uint16_t irq)
{
	struct svnic_aq_queue_cfg q;

	memset(&q, 0, sizeof(q));
	q.queue = dq;
	q.type = type;
	q.vport_id = vport;
	q.flags = (uint8_t)(flags | SVNIC_AQ_QCFG_F_ENABLE);
	q.ring_size = RING_N;
	q.ring_addr = ring;
	q.buf_size = type == SVNIC_AQ_QTYPE_RX ? BUF_SZ : 0;
	q.irq_vector = irq;
	return aq_cmd(SVNIC_AQ_OP_QUEUE_CONFIG, 0, &q, sizeof(q), 0, 0);
}

static int
qoff(uint16_t vport, uint16_t dq, uint8_t type)
{
	struct svnic_aq_queue_cfg q;

	memset(&q, 0, sizeof(q));
	q.queue = dq;
	q.type = type;
	q.vport_id = vport;
	return aq_cmd(SVNIC_AQ_OP_QUEUE_CONFIG, 0, &q, sizeof(q), 0, 0);
}

/* RX and TX of device queue pair @p dq, function-relative @p fq, rings in the owner's window. */
static void
qp_up(uint16_t vport, uint16_t dq, struct emu_func *owner, uint16_t fq)
{
	struct guest *g = guest_of(owner);

	memset(gp(g, RXR(fq)), 0, RING_N * 16);
	memset(gp(g, TXR(fq)), 0, RING_N * 16);
	CU_ASSERT_EQUAL(qcfg(vport, dq, SVNIC_AQ_QTYPE_RX, RXR(fq), 0, 0), 0);
	CU_ASSERT_EQUAL(qcfg(vport, dq, SVNIC_AQ_QTYPE_TX, TXR(fq), 0, 0), 0);
}

static int
mac_filter(uint16_t op, uint16_t vport, const uint8_t mac[6])
{
	struct svnic_aq_mac_filter m;

	memset(&m, 0, sizeof(m));
	m.vport_id = vport;
	memcpy(m.mac, mac, 6);
	return aq_cmd(op, 0, &m, sizeof(m), 0, 0);
}

static int
vlan_filter(uint16_t op, uint16_t vport, uint16_t vid)
{
	struct svnic_aq_vlan_filter v;

	memset(&v, 0, sizeof(v));
	v.vport_id = vport;
	v.vlan_id = vid;
	return aq_cmd(op, 0, &v, sizeof(v), 0, 0);
}

static int
queue_stats(uint8_t scope, uint16_t dq, struct svnic_aq_queue_stats *st)
{
	struct svnic_aq_stats_req r;
	int ret;

	memset(&r, 0, sizeof(r));
	r.scope = scope;
	r.id = dq;
	ret = aq_cmd_out(SVNIC_AQ_OP_GET_STATS, &r, sizeof(r), sizeof(*st));
	memcpy(st, gp(&E.pf_mem, BUF_IOVA), sizeof(*st));
	return ret;
}

static int
vport_stats(uint16_t id, struct svnic_aq_vport_stats *st)
{
	struct svnic_aq_stats_req r;
	int ret;

	memset(&r, 0, sizeof(r));
	r.scope = SVNIC_AQ_STATS_VPORT;
	r.id = id;
	ret = aq_cmd_out(SVNIC_AQ_OP_GET_STATS, &r, sizeof(r), sizeof(*st));
	memcpy(st, gp(&E.pf_mem, BUF_IOVA), sizeof(*st));
	return ret;
}

static int
vf_cmd(uint16_t op, uint16_t vf_id)
{
	struct svnic_aq_vf p;

	memset(&p, 0, sizeof(p));
	p.vf_id = vf_id;
	return aq_cmd(op, 0, &p, sizeof(p), 0, 0);
}

static int
mbx_send(uint16_t vf_id, const void *msg, uint32_t len)
{
	struct svnic_aq_vf p;

	memset(&p, 0, sizeof(p));
	p.vf_id = vf_id;
	return aq_cmd_in(SVNIC_AQ_OP_MBX_SEND, &p, sizeof(p), msg, len);
}

static int
mbx_recv(uint16_t vf_id, uint32_t cap)
{
	struct svnic_aq_vf p;

	memset(&p, 0, sizeof(p));
	p.vf_id = vf_id;
	return aq_cmd_out(SVNIC_AQ_OP_MBX_RECV, &p, sizeof(p), cap);
}

static int
vf_cfg_write(uint16_t vf_id, uint16_t off, uint8_t len, uint32_t val)
{
	struct svnic_aq_vf_cfg c;

	memset(&c, 0, sizeof(c));
	c.vf_id = vf_id;
	c.offset = off;
	c.len = len;
	c.value = val;
	return aq_cmd(SVNIC_AQ_OP_VF_CONFIG_WRITE, 0, &c, sizeof(c), 0, 0);
}

/* ---- events ---- */

/* Flush the device's events and take every new entry of the event ring. */
static void
ev_collect(void)
{
	emu_dev_housekeeping(E.dev);
	for (;;) {
		struct svnic_eq_entry *e =
			(void *)gp(&E.pf_mem, EQ_IOVA + (uint64_t)E.eq_head * 32);

		if (!(__atomic_load_n(&e->flags, __ATOMIC_ACQUIRE) & SVNIC_EQ_F_DONE))
			break;
		if (E.nb_evs < sizeof(E.evs) / sizeof(E.evs[0]))
			E.evs[E.nb_evs++] = *e;
		e->flags = 0;
		E.eq_head = (E.eq_head + 1) % EQ_N;
		reg_wr(pf(), SVNIC_REG_EQ_HEAD, E.eq_head);
	}
}

static unsigned int
ev_count(uint16_t event, uint16_t func)
{
	unsigned int i, n = 0;

	ev_collect();
	for (i = 0; i < E.nb_evs; i++)
		if (E.evs[i].event == event && E.evs[i].func == func)
			n++;
	return n;
}

static const struct svnic_eq_entry *
ev_last(uint16_t event, uint16_t func)
{
	unsigned int i;

	ev_collect();
	for (i = E.nb_evs; i-- > 0;)
		if (E.evs[i].event == event && E.evs[i].func == func)
			return &E.evs[i];
	return NULL;
}

/* ---- frames and rings ---- */

static size_t
frame(uint8_t *p, uint16_t dst, uint16_t src, size_t len, uint8_t seed)
{
	size_t i;

	mac_of(p, dst);
	mac_of(p + 6, src);
	p[12] = 0x88;		/* local experimental EtherType */
	p[13] = 0xb5;
	for (i = 14; i < len; i++)
		p[i] = (uint8_t)(seed + i * 13);
	return len;
}

static union svnic_rx_desc *
rxd(struct emu_func *f, uint16_t fq, uint32_t i)
{
	return (union svnic_rx_desc *)gp(guest_of(f), RXR(fq) + 16ull * i);
}

static struct svnic_tx_desc *
txd(struct emu_func *f, uint16_t fq, uint32_t i)
{
	return (struct svnic_tx_desc *)gp(guest_of(f), TXR(fq) + 16ull * i);
}

/* Post buffers in descriptors [from, from + n) and ring the RX doorbell. */
static void
rx_post(struct emu_func *f, uint16_t fq, uint32_t from, uint32_t n)
{
	uint32_t i;

	for (i = from; i < from + n; i++) {
		union svnic_rx_desc *d = rxd(f, fq, i % RING_N);

		d->read.addr = RXB(fq, i % RING_N);
		d->read.rsvd = 0;
	}
	db_rx(f, fq, (from + n) % RING_N);
}

/* One single-segment packet in descriptor @p i; the TX doorbell says i + 1. */
static void
tx_one(struct emu_func *f, uint16_t fq, uint32_t i, uint16_t dst, uint16_t src, size_t len,
       uint16_t flags)
{
	struct svnic_tx_desc *d = txd(f, fq, i);

	frame(gp(guest_of(f), TXB(fq, i)), dst, src, len, (uint8_t)i);
	d->addr = TXB(fq, i);
	d->len = (uint16_t)len;
	d->flags = (uint16_t)(flags | SVNIC_TXD_F_EOP | SVNIC_TXD_F_RS);
	d->vlan_tci = 0;
	d->hdr_lens = 0;
	db_tx(f, fq, (i + 1) % RING_N);
}

static uint16_t
rx_status(struct emu_func *f, uint16_t fq, uint32_t i)
{
	return __atomic_load_n(&rxd(f, fq, i)->wb.status, __ATOMIC_ACQUIRE);
}

static bool
tx_done(struct emu_func *f, uint16_t fq, uint32_t i)
{
	return (__atomic_load_n(&txd(f, fq, i)->flags, __ATOMIC_ACQUIRE) &
		SVNIC_TXD_F_DONE) != 0;
}

/* The RX buffer of descriptor @p i holds what TX buffer @p ti of @p src held. */
static bool
rx_matches(struct emu_func *dst, uint16_t dfq, uint32_t i, struct emu_func *src,
	   uint16_t sfq, uint32_t ti, size_t len)
{
	return rxd(dst, dfq, i)->wb.len == len &&
	       memcmp(gp(guest_of(dst), RXB(dfq, i)), gp(guest_of(src), TXB(sfq, ti)),
		      len) == 0;
}

static void
poll_once(void)
{
	emu_dev_poll(E.dev, 0);
}

/* the next env_up() builds a device without the statistics pages */
static bool env_no_stats_page;
/* and with this many datapath threads (0: one) */
static unsigned int env_dp_threads;

static const struct svnic_stats_vport *
stats_block(uint16_t vport)
{
	return (const struct svnic_stats_vport *)(pf()->bar0 + SVNIC_PF_STATS_VPORT(vport));
}

/* Spec "Statistics pages": the PF reads in the page exactly what GET_STATS says now. */
static bool
stats_page_matches(uint16_t vport)
{
	struct svnic_aq_vport_stats page, aq;

	if (svnic_stats_vport_read(stats_block(vport), &page) != 0 ||
	    vport_stats(vport, &aq) != 0)
		return false;
	return memcmp(&page, &aq, sizeof(aq)) == 0;
}

/* ---- the device under test ---- */

static void
log_sink(enum svnic_emu_log_level level, const char *msg, void *ctx)
{
	(void)level;
	(void)msg;
	(void)ctx;
}

static void
env_up(bool uplink)
{
	struct emu_dev_cfg cfg = {
		.total_vfs = NB_VFS_MAX,
		.total_queue_pairs = 64,
		.pf_msix_vectors = 16,
		.vf_msix_vectors = 5,
		.perm_mac = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 },
		.link_speed = 25000,
		.datapath_threads = env_dp_threads != 0 ? env_dp_threads : 1,
		.no_stats_page = env_no_stats_page,
	};
	unsigned int i;

	memset(&E, 0, sizeof(E));
	E.last_num_vfs = -1;
	svnic_emu_log_set_handler(log_sink, NULL);
	E.pf_mem.mem = calloc(1, G_SIZE);
	E.pf_mem.map_size = G_SIZE;
	for (i = 0; i < NB_VFS_MAX; i++) {
		E.vf_mem[i].mem = calloc(1, G_SIZE);
		E.vf_mem[i].map_size = G_SIZE;
	}
	CU_ASSERT_EQUAL_FATAL(emu_dev_create(&cfg, &fake_ops, NULL, &E.dev), 0);
	if (uplink) {
		struct svnic_uplink_spec spec;
		char err[128];

		CU_ASSERT_EQUAL_FATAL(svnic_uplink_parse("loopback", &spec, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL_FATAL(svnic_uplink_open(&spec, NULL, &E.ul, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(emu_dev_set_uplink(E.dev, E.ul), 0);
	}
	msix_enable(pf());
	aq_setup();
	eq_setup();
	/* The LINK event of the uplink found the event ring off: start clean. */
	emu_dev_housekeeping(E.dev);
	reg_wr(pf(), SVNIC_REG_INT_CAUSE, 0xffffffffu);
	E.nb_irqs = 0;
}

static void
env_down(void)
{
	unsigned int i;

	emu_dev_destroy(E.dev);
	svnic_uplink_close(E.ul);
	free(E.pf_mem.mem);
	for (i = 0; i < NB_VFS_MAX; i++)
		free(E.vf_mem[i].mem);
	svnic_emu_log_set_handler(NULL, NULL);
	memset(&E, 0, sizeof(E));
}

/* PF VPort 0 owns device queue pairs 0..1 on the loopback uplink. */
static void
env_pf_port(void)
{
	env_up(true);
	CU_ASSERT_EQUAL(vport_create(0, SVNIC_AQ_FUNC_PF, 0, 2, MAC_PF), 0);
	qp_up(0, 0, pf(), 0);
	qp_up(0, 1, pf(), 1);
}

/* PF VPort 0 (queues 0..1), VF 0 VPort 1 (queues 8..9), VF 1 VPort 2 (queues 16..17). */
static void
env_vf_ports(void)
{
	env_pf_port();
	vfs_enable(2);
	CU_ASSERT_EQUAL_FATAL(vf(1) != NULL, true);
	CU_ASSERT_EQUAL(vport_create(1, SVNIC_AQ_FUNC_VF(0), 8, 2, MAC_VF(0)), 0);
	CU_ASSERT_EQUAL(vport_create(2, SVNIC_AQ_FUNC_VF(1), 16, 2, MAC_VF(1)), 0);
	qp_up(1, 8, vf(0), 0);
	qp_up(2, 16, vf(1), 0);
	E.nb_evs = 0;
}

/* ===================================================================== */
/* page 0                                                                 */
/* ===================================================================== */

static void
test_page0_odd_accesses_ignored(void)
{
	uint32_t v;
	uint16_t h;
	uint8_t b[8];

	env_up(false);
	/* out of the BAR: refused */
	emu_func_lock_wr(pf());
	CU_ASSERT_EQUAL(emu_func_bar0_access(pf(), SVNIC_PF_BAR0_SIZE, &v, 4, false), -EINVAL);
	CU_ASSERT_EQUAL(emu_func_bar0_access(pf(), SVNIC_PF_BAR0_SIZE - 2, &v, 4, true),
			-EINVAL);
	/* short and unaligned reads of page 0 return 0 */
	h = 0xffff;
	CU_ASSERT_EQUAL(emu_func_bar0_access(pf(), SVNIC_REG_SIGNATURE, &h, 2, false), 0);
	CU_ASSERT_EQUAL(h, 0);
	v = 0xffffffff;
	CU_ASSERT_EQUAL(emu_func_bar0_access(pf(), SVNIC_REG_SIGNATURE + 1, &v, 4, false), 0);
	CU_ASSERT_EQUAL(v, 0);
	memset(b, 0xff, sizeof(b));
	CU_ASSERT_EQUAL(emu_func_bar0_access(pf(), SVNIC_REG_SIGNATURE, b, 8, false), 0);
	CU_ASSERT_EQUAL(b[0] | b[7], 0);
	/* short and unaligned writes are dropped */
	h = 0;
	CU_ASSERT_EQUAL(emu_func_bar0_access(pf(), SVNIC_REG_INT_MASK, &h, 2, true), 0);
	v = 0;
	CU_ASSERT_EQUAL(emu_func_bar0_access(pf(), SVNIC_REG_INT_MASK + 2, &v, 4, true), 0);
	emu_func_unlock(pf());
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_INT_MASK), SVNIC_RST_INT_MASK_PF);
	/* read-only registers ignore writes, reserved ones read 0 */
	reg_wr(pf(), SVNIC_REG_SIGNATURE, 0);
	reg_wr(pf(), SVNIC_REG_AQ_HEAD, 5);
	reg_wr(pf(), 0x0800, 0x12345678);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_SIGNATURE), SVNIC_SIGNATURE);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_AQ_HEAD), 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), 0x0800), 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), 0x2000), 0);	/* reserved PF page */
	/* the PF has no mailbox registers */
	reg_wr(pf(), SVNIC_REG_MBX_TX, 64);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_MBX_STATUS), 0);
	/* a VF has no admin queue and no VF_FAULTED */
	vfs_enable(1);
	reg_wr(vf(0), SVNIC_REG_AQ_BASE_LO, (uint32_t)AQ_IOVA);
	reg_wr(vf(0), SVNIC_REG_AQ_LEN, AQ_N | SVNIC_QLEN_ENABLE);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_AQ_BASE_LO), 0);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_AQ_LEN), 0);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_EQ_TAIL), 0);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_VF_FAULTED(0)), 0);
	emu_func_lock_wr(vf(0));
	CU_ASSERT_EQUAL(emu_func_bar0_access(vf(0), SVNIC_VF_BAR0_SIZE, &v, 4, false), -EINVAL);
	emu_func_unlock(vf(0));
	env_down();
}

static void
test_page0_identity(void)
{
	env_up(false);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_SIGNATURE), SVNIC_SIGNATURE);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_VERSION), 0x00010004u);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_FUNC), 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_RESOURCES), 64u | (16u << 16));
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_DEV_STATUS), SVNIC_STATUS_READY);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_INT_MASK), 0x1fu);
	vfs_enable(3);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_SIGNATURE), SVNIC_SIGNATURE);
	CU_ASSERT_EQUAL(reg_rd(vf(2), SVNIC_REG_VERSION), SVNIC_SPEC_VERSION);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_FUNC), SVNIC_FUNC_IS_VF | 0);
	CU_ASSERT_EQUAL(reg_rd(vf(2), SVNIC_REG_FUNC), SVNIC_FUNC_IS_VF | 2);
	/* no VPort yet: no queue pairs, its own vectors */
	CU_ASSERT_EQUAL(reg_rd(vf(1), SVNIC_REG_RESOURCES), 5u << 16);
	CU_ASSERT_EQUAL(reg_rd(vf(1), SVNIC_REG_DEV_STATUS), SVNIC_STATUS_READY);
	CU_ASSERT_EQUAL(reg_rd(vf(1), SVNIC_REG_INT_MASK), 0xf8u);
	CU_ASSERT_EQUAL(vport_create(3, SVNIC_AQ_FUNC_VF(1), 4, 3, MAC_VF(1)), 0);
	CU_ASSERT_EQUAL(reg_rd(vf(1), SVNIC_REG_RESOURCES), 3u | (5u << 16));
	CU_ASSERT_EQUAL(reg_rd(vf(1), SVNIC_REG_DEV_STATUS),
			SVNIC_STATUS_READY | SVNIC_STATUS_VPORT);
	env_down();
}

static void
test_page0_int_cause_mask(void)
{
	env_up(false);
	/* a cause is latched while masked, no vector */
	CU_ASSERT_EQUAL(aq_cmd_out(SVNIC_AQ_OP_IDENTIFY, NULL, 0, 128), 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_INT_CAUSE), 0);	/* no F_IRQ: no cause */
	CU_ASSERT_EQUAL(aq_cmd(SVNIC_AQ_OP_IDENTIFY, SVNIC_AQ_F_BUF | SVNIC_AQ_F_BUF_WR |
			       SVNIC_AQ_F_IRQ, NULL, 0, BUF_IOVA, 128), 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_INT_CAUSE), SVNIC_INT_ADMINQ);
	CU_ASSERT_EQUAL(E.nb_irqs, 0);
	/* reserved mask bits read 0; unmasking a latched cause is the 0 -> 1 edge */
	reg_wr(pf(), SVNIC_REG_INT_MASK, 0xffffff00u | SVNIC_INT_EVENT);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_INT_MASK), SVNIC_INT_EVENT);
	CU_ASSERT_EQUAL(E.nb_irqs, 1);
	CU_ASSERT_EQUAL(irq_count(PF_ID, 0), 1);
	/* cause still pending: more completions raise no new edge */
	CU_ASSERT_EQUAL(aq_cmd(SVNIC_AQ_OP_IDENTIFY, SVNIC_AQ_F_BUF | SVNIC_AQ_F_BUF_WR |
			       SVNIC_AQ_F_IRQ, NULL, 0, BUF_IOVA, 128), 0);
	CU_ASSERT_EQUAL(E.nb_irqs, 1);
	/* unmasking another, unlatched cause is no edge either */
	reg_wr(pf(), SVNIC_REG_INT_MASK, 0);
	CU_ASSERT_EQUAL(E.nb_irqs, 1);
	/* RW1C: a 1 on another bit clears nothing, a 1 on the cause clears it */
	reg_wr(pf(), SVNIC_REG_INT_CAUSE, SVNIC_INT_LINK);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_INT_CAUSE), SVNIC_INT_ADMINQ);
	reg_wr(pf(), SVNIC_REG_INT_CAUSE, 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_INT_CAUSE), SVNIC_INT_ADMINQ);
	reg_wr(pf(), SVNIC_REG_INT_CAUSE, SVNIC_INT_ADMINQ);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_INT_CAUSE), 0);
	/* the next one is a new edge, on the vector INT_VECTOR names */
	reg_wr(pf(), SVNIC_REG_INT_VECTOR, 0xfffff805u);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_INT_VECTOR), 0x005u);
	CU_ASSERT_EQUAL(aq_cmd(SVNIC_AQ_OP_IDENTIFY, SVNIC_AQ_F_BUF | SVNIC_AQ_F_BUF_WR |
			       SVNIC_AQ_F_IRQ, NULL, 0, BUF_IOVA, 128), 0);
	CU_ASSERT_EQUAL(irq_count(PF_ID, 5), 1);
	CU_ASSERT_EQUAL(E.nb_irqs, 2);
	/* masking and unmasking a pending cause is a new edge */
	reg_wr(pf(), SVNIC_REG_INT_MASK, SVNIC_INT_ADMINQ);
	reg_wr(pf(), SVNIC_REG_INT_MASK, 0);
	CU_ASSERT_EQUAL(irq_count(PF_ID, 5), 2);
	/* with MSI-X off the cause is latched and no message goes */
	reg_wr(pf(), SVNIC_REG_INT_CAUSE, 0xffffffffu);
	cfg_wr(pf(), SVNIC_EMU_PCI_MSIX_CAP + PCI_MSIX_FLAGS,
	       cfg_rd(pf(), SVNIC_EMU_PCI_MSIX_CAP + PCI_MSIX_FLAGS, 2) &
	       ~(uint32_t)PCI_MSIX_FLAGS_ENABLE, 2);
	CU_ASSERT_EQUAL(aq_cmd(SVNIC_AQ_OP_IDENTIFY, SVNIC_AQ_F_BUF | SVNIC_AQ_F_BUF_WR |
			       SVNIC_AQ_F_IRQ, NULL, 0, BUF_IOVA, 128), 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_INT_CAUSE), SVNIC_INT_ADMINQ);
	CU_ASSERT_EQUAL(E.nb_irqs, 3);
	env_down();
}

static void
test_page0_dev_ctrl_reset(void)
{
	env_up(false);
	reg_wr(pf(), SVNIC_REG_DEV_CTRL, 0xfffffffe);	/* everything but RESET */
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_DEV_CTRL), SVNIC_CTRL_DRV_LOAD);
	reg_wr(pf(), SVNIC_REG_INT_MASK, 0);
	reg_wr(pf(), SVNIC_REG_INT_VECTOR, 3);
	*(uint64_t *)(pf()->bar0 + SVNIC_NOTIFY_TX_SUMMARY(3)) = 0x10;
	*(uint32_t *)(pf()->bar0 + SVNIC_PF_DB(7)) = 9;
	reg_wr(pf(), SVNIC_REG_DEV_CTRL, SVNIC_CTRL_RESET | SVNIC_CTRL_DRV_LOAD);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_DEV_CTRL), 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_DEV_STATUS), SVNIC_STATUS_READY);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_INT_MASK), SVNIC_RST_INT_MASK_PF);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_INT_VECTOR), 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_AQ_LEN), 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_AQ_BASE_LO), 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_EQ_LEN), 0);
	CU_ASSERT_EQUAL(*(uint64_t *)(pf()->bar0 + SVNIC_NOTIFY_TX_SUMMARY(3)), 0);
	CU_ASSERT_EQUAL(*(uint32_t *)(pf()->bar0 + SVNIC_PF_DB(7)), 0);
	/* the admin queue comes back after a new set-up */
	aq_setup();
	CU_ASSERT_EQUAL(aq_cmd_out(SVNIC_AQ_OP_IDENTIFY, NULL, 0, 128), 0);
	env_down();
}

/* ===================================================================== */
/* admin queue                                                            */
/* ===================================================================== */

/* Read one event entry at ring slot @p i without giving it back. */
static bool
eq_slot_done(uint32_t i)
{
	struct svnic_eq_entry *e = (void *)gp(&E.pf_mem, EQ_IOVA + (uint64_t)i * 32);

	return (__atomic_load_n(&e->flags, __ATOMIC_ACQUIRE) & SVNIC_EQ_F_DONE) != 0;
}

static void
eq_slot_take(uint32_t i)
{
	struct svnic_eq_entry *e = (void *)gp(&E.pf_mem, EQ_IOVA + (uint64_t)i * 32);

	e->flags = 0;
}

static uint32_t
cause_mirror(struct emu_func *f)
{
	return __atomic_load_n((uint32_t *)(f->bar0 + SVNIC_NOTIFY_INT_CAUSE),
			       __ATOMIC_ACQUIRE);
}

/*
 * Spec 1.3, EQ_LEN.ARM: the ring wakes the PF by itself, never latching
 * EVENT; an EQ_HEAD write that leaves entries unread (a posted write that
 * landed late) wakes it again. The INT_CAUSE mirror follows every change.
 */
static void
test_page0_eq_arm(void)
{
	env_up(false);
	reg_wr(pf(), SVNIC_REG_INT_MASK, SVNIC_INT_PF_MASK & ~SVNIC_INT_EVENT);
	/* without ARM an event latches EVENT: the edge fires once */
	emu_dev_post_event(E.dev, SVNIC_EQ_EV_LINK, SVNIC_EQ_FUNC_PF, 0, 0, 0);
	emu_dev_housekeeping(E.dev);
	CU_ASSERT_EQUAL(irq_count(PF_ID, 0), 1);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_INT_CAUSE), SVNIC_INT_EVENT);
	CU_ASSERT_EQUAL(cause_mirror(pf()), SVNIC_INT_EVENT);
	reg_wr(pf(), SVNIC_REG_INT_CAUSE, SVNIC_INT_EVENT);
	CU_ASSERT_EQUAL(cause_mirror(pf()), 0);

	/* ARM reads back; enabling the ring again starts it empty */
	reg_wr(pf(), SVNIC_REG_EQ_LEN, EQ_N | SVNIC_QLEN_ENABLE | SVNIC_QLEN_EQ_ARM);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_EQ_LEN),
			EQ_N | SVNIC_QLEN_ENABLE | SVNIC_QLEN_EQ_ARM);
	E.nb_irqs = 0;
	/* an event into an empty ring fires, EVENT stays clear */
	emu_dev_post_event(E.dev, SVNIC_EQ_EV_LINK, SVNIC_EQ_FUNC_PF, 0, 0, 0);
	emu_dev_housekeeping(E.dev);
	CU_ASSERT_EQUAL(irq_count(PF_ID, 0), 1);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_INT_CAUSE), 0);
	CU_ASSERT_EQUAL(cause_mirror(pf()), 0);
	CU_ASSERT(eq_slot_done(0));
	/* the PF has not given entry 0 back: the next one does not fire */
	emu_dev_post_event(E.dev, SVNIC_EQ_EV_LINK, SVNIC_EQ_FUNC_PF, 0, 0, 0);
	emu_dev_housekeeping(E.dev);
	CU_ASSERT_EQUAL(irq_count(PF_ID, 0), 1);
	CU_ASSERT(eq_slot_done(1));
	/* the PF read entry 0 only (its head write landed after entry 1): wake again */
	eq_slot_take(0);
	reg_wr(pf(), SVNIC_REG_EQ_HEAD, 1);
	CU_ASSERT_EQUAL(irq_count(PF_ID, 0), 2);
	/* it read everything: no wake-up */
	eq_slot_take(1);
	reg_wr(pf(), SVNIC_REG_EQ_HEAD, 2);
	CU_ASSERT_EQUAL(irq_count(PF_ID, 0), 2);
	/* the ring is empty again: the next event fires */
	emu_dev_post_event(E.dev, SVNIC_EQ_EV_LINK, SVNIC_EQ_FUNC_PF, 0, 0, 0);
	emu_dev_housekeeping(E.dev);
	CU_ASSERT_EQUAL(irq_count(PF_ID, 0), 3);
	eq_slot_take(2);
	reg_wr(pf(), SVNIC_REG_EQ_HEAD, 3);
	/* masked EVENT: no wake-up from the ring either */
	reg_wr(pf(), SVNIC_REG_INT_MASK, SVNIC_INT_PF_MASK);
	emu_dev_post_event(E.dev, SVNIC_EQ_EV_LINK, SVNIC_EQ_FUNC_PF, 0, 0, 0);
	emu_dev_housekeeping(E.dev);
	CU_ASSERT_EQUAL(irq_count(PF_ID, 0), 3);
	CU_ASSERT(eq_slot_done(3));
	/* other causes still latch, and the mirror shows them */
	reg_wr(pf(), SVNIC_REG_INT_MASK, SVNIC_INT_PF_MASK & ~SVNIC_INT_LINK);
	emu_dev_set_link(E.dev, !E.dev->link_up);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_INT_CAUSE), SVNIC_INT_LINK);
	CU_ASSERT_EQUAL(cause_mirror(pf()), SVNIC_INT_LINK);
	CU_ASSERT_EQUAL(irq_count(PF_ID, 0), 4);
	reg_wr(pf(), SVNIC_REG_INT_CAUSE, SVNIC_INT_LINK);
	CU_ASSERT_EQUAL(cause_mirror(pf()), 0);
	/* a ring enabled without ARM latches EVENT again */
	reg_wr(pf(), SVNIC_REG_EQ_LEN, 0);
	reg_wr(pf(), SVNIC_REG_EQ_LEN, EQ_N | SVNIC_QLEN_ENABLE);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_EQ_LEN), EQ_N | SVNIC_QLEN_ENABLE);
	E.eq_head = 0;
	memset(gp(&E.pf_mem, EQ_IOVA), 0, EQ_N * 32);
	emu_dev_post_event(E.dev, SVNIC_EQ_EV_LINK, SVNIC_EQ_FUNC_PF, 0, 0, 0);
	emu_dev_housekeeping(E.dev);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_INT_CAUSE), SVNIC_INT_EVENT);
	CU_ASSERT_EQUAL(cause_mirror(pf()), SVNIC_INT_EVENT);
	env_down();
}

static void
test_aq_bringup_refused(void)
{
	static const uint32_t bad_len[] = { 0, 8, 15, 24, 100, 8192, 0x1fff };
	unsigned int i;

	env_up(false);
	reg_wr(pf(), SVNIC_REG_AQ_LEN, 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_AQ_LEN) & SVNIC_QLEN_ENABLE, 0);
	/* misaligned base */
	reg_wr(pf(), SVNIC_REG_AQ_BASE_LO, (uint32_t)AQ_IOVA + 0x20);
	reg_wr(pf(), SVNIC_REG_AQ_LEN, AQ_N | SVNIC_QLEN_ENABLE);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_AQ_LEN) & SVNIC_QLEN_ENABLE, 0);
	/* entries not a power of two in 16..4096 */
	reg_wr(pf(), SVNIC_REG_AQ_BASE_LO, (uint32_t)AQ_IOVA);
	for (i = 0; i < sizeof(bad_len) / sizeof(bad_len[0]); i++) {
		reg_wr(pf(), SVNIC_REG_AQ_LEN, bad_len[i] | SVNIC_QLEN_ENABLE);
		CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_AQ_LEN) & SVNIC_QLEN_ENABLE, 0);
	}
	/* a tail written to a queue that is off does nothing */
	aq_slot(0)->opcode = SVNIC_AQ_OP_IDENTIFY;
	reg_wr(pf(), SVNIC_REG_AQ_TAIL, 1);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_AQ_TAIL), 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_AQ_HEAD), 0);
	CU_ASSERT_EQUAL(aq_slot(0)->flags, 0);
	/* the same for the event queue */
	reg_wr(pf(), SVNIC_REG_EQ_BASE_LO, (uint32_t)EQ_IOVA + 8);
	reg_wr(pf(), SVNIC_REG_EQ_LEN, EQ_N | SVNIC_QLEN_ENABLE);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_EQ_LEN) & SVNIC_QLEN_ENABLE, 0);
	/* good values: on, head = tail = 0 */
	aq_setup();
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_AQ_LEN), AQ_N | SVNIC_QLEN_ENABLE);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_AQ_HEAD), 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_AQ_TAIL), 0);
	env_down();
}

static void
test_aq_bad_commands(void)
{
	struct svnic_aq_desc d;
	struct svnic_aq_vf p = { .vf_id = 0 };

	env_up(false);
	/* unknown opcode */
	memset(&d, 0, sizeof(d));
	d.opcode = 0x77;
	CU_ASSERT_EQUAL(aq_submit(&d), -EOPNOTSUPP);
	CU_ASSERT(E.last_flags & SVNIC_AQ_F_ERR);
	/* reserved field */
	memset(&d, 0, sizeof(d));
	svnic_aq_build(&d, SVNIC_AQ_OP_IDENTIFY, SVNIC_AQ_F_BUF | SVNIC_AQ_F_BUF_WR, 0, NULL, 0,
		       BUF_IOVA, 128);
	d.rsvd = 1;
	CU_ASSERT_EQUAL(aq_submit(&d), -EINVAL);
	/* a buffer for an opcode without one, none for one that needs it */
	CU_ASSERT_EQUAL(aq_cmd(SVNIC_AQ_OP_VF_RESET, SVNIC_AQ_F_BUF, &p, sizeof(p), BUF_IOVA, 16),
			-EMSGSIZE);
	CU_ASSERT_EQUAL(aq_cmd(SVNIC_AQ_OP_IDENTIFY, 0, NULL, 0, 0, 0), -EMSGSIZE);
	/* a buffer outside the PF's map: EFAULT, and the PF is not faulted */
	CU_ASSERT_EQUAL(aq_cmd(SVNIC_AQ_OP_IDENTIFY, SVNIC_AQ_F_BUF | SVNIC_AQ_F_BUF_WR, NULL, 0,
			       G_IOVA + G_SIZE - 64, 128), -EFAULT);
	CU_ASSERT_EQUAL(aq_cmd(SVNIC_AQ_OP_IDENTIFY, SVNIC_AQ_F_BUF | SVNIC_AQ_F_BUF_WR, NULL, 0,
			       0x1000, 128), -EFAULT);
	/* a write buffer in a read-only mapping */
	E.pf_mem.ro_lo = BUF_IOVA;
	E.pf_mem.ro_hi = BUF_IOVA + 4096;
	CU_ASSERT_EQUAL(aq_cmd(SVNIC_AQ_OP_IDENTIFY, SVNIC_AQ_F_BUF | SVNIC_AQ_F_BUF_WR, NULL, 0,
			       BUF_IOVA, 128), -EFAULT);
	E.pf_mem.ro_lo = E.pf_mem.ro_hi = 0;
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_DEV_STATUS), SVNIC_STATUS_READY);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_INT_CAUSE) & SVNIC_INT_FAULT, 0);
	CU_ASSERT_EQUAL(aq_cmd_out(SVNIC_AQ_OP_IDENTIFY, NULL, 0, 128), 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_AQ_HEAD), 8);
	/* VF commands with no VFs */
	CU_ASSERT_EQUAL(vf_cmd(SVNIC_AQ_OP_VF_RESET, 0), -ENOENT);
	CU_ASSERT_EQUAL(mbx_recv(0, 2048), -ENOENT);
	CU_ASSERT_EQUAL(vf_cfg_write(0, 4, 2, 0), -ENOENT);
	/* an admin ring the PF did not map: that faults the PF */
	reg_wr(pf(), SVNIC_REG_AQ_BASE_LO, 0x10000);
	reg_wr(pf(), SVNIC_REG_AQ_LEN, AQ_N | SVNIC_QLEN_ENABLE);
	reg_wr(pf(), SVNIC_REG_AQ_TAIL, 1);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_AQ_HEAD), 0);
	CU_ASSERT(reg_rd(pf(), SVNIC_REG_DEV_STATUS) & SVNIC_STATUS_FAULTED);
	CU_ASSERT(reg_rd(pf(), SVNIC_REG_INT_CAUSE) & SVNIC_INT_FAULT);
	/* only a reset clears it */
	reg_wr(pf(), SVNIC_REG_DEV_CTRL, SVNIC_CTRL_RESET);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_DEV_STATUS), SVNIC_STATUS_READY);
	aq_setup();
	CU_ASSERT_EQUAL(aq_cmd_out(SVNIC_AQ_OP_IDENTIFY, NULL, 0, 128), 0);
	env_down();
}

static void
test_aq_completion(void)
{
	struct svnic_aq_desc d;
	struct svnic_aq_desc *slot;
	unsigned int i;

	env_up(false);
	svnic_aq_build(&d, SVNIC_AQ_OP_IDENTIFY, SVNIC_AQ_F_BUF | SVNIC_AQ_F_BUF_WR |
		       SVNIC_AQ_F_IRQ, 0xfeedfacecafebeefull, NULL, 0, BUF_IOVA, 256);
	slot = aq_slot(0);
	CU_ASSERT_EQUAL(aq_submit(&d), 0);
	/* in place: DONE added to the driver's flags, status, ret_val; the rest kept */
	CU_ASSERT_EQUAL(slot->flags, SVNIC_AQ_F_DONE | SVNIC_AQ_F_BUF | SVNIC_AQ_F_BUF_WR |
			SVNIC_AQ_F_IRQ);
	CU_ASSERT_EQUAL(slot->status, SVNIC_AQ_ST_OK);
	CU_ASSERT_EQUAL(slot->ret_val, 128);
	CU_ASSERT_EQUAL(slot->cookie, 0xfeedfacecafebeefull);
	CU_ASSERT_EQUAL(slot->buf_addr, BUF_IOVA);
	CU_ASSERT_EQUAL(slot->buf_len, 256);
	CU_ASSERT_EQUAL(slot->opcode, SVNIC_AQ_OP_IDENTIFY);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_AQ_HEAD), 1);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_INT_CAUSE), SVNIC_INT_ADMINQ);
	/* an error: DONE | ERR, ret_val 0 */
	slot = aq_slot(1);
	CU_ASSERT_EQUAL(vport_delete(3), -ENOENT);
	CU_ASSERT_EQUAL(slot->flags, SVNIC_AQ_F_DONE | SVNIC_AQ_F_ERR);
	CU_ASSERT_EQUAL(slot->status, SVNIC_AQ_ST_ENOENT);
	CU_ASSERT_EQUAL(slot->ret_val, 0);
	/* three at once, one tail write */
	for (i = 0; i < 3; i++) {
		svnic_aq_build(aq_slot(2 + i), SVNIC_AQ_OP_IDENTIFY,
			       SVNIC_AQ_F_BUF | SVNIC_AQ_F_BUF_WR, i, NULL, 0, BUF_IOVA, 128);
	}
	E.aq_tail = 5;
	reg_wr(pf(), SVNIC_REG_AQ_TAIL, 5);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_AQ_HEAD), 5);
	for (i = 0; i < 3; i++)
		CU_ASSERT(aq_slot(2 + i)->flags & SVNIC_AQ_F_DONE);
	/* around the ring */
	for (i = 0; i < AQ_N + 5; i++)
		CU_ASSERT_EQUAL(aq_cmd_out(SVNIC_AQ_OP_IDENTIFY, NULL, 0, 128), 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_AQ_HEAD), (5 + AQ_N + 5) % AQ_N);
	env_down();
}

static void
test_aq_identify(void)
{
	struct svnic_aq_identify id;

	env_up(true);
	CU_ASSERT_EQUAL(aq_cmd_out(SVNIC_AQ_OP_IDENTIFY, NULL, 0, 200), 0);
	CU_ASSERT_EQUAL(E.ret_val, sizeof(id));
	memcpy(&id, gp(&E.pf_mem, BUF_IOVA), sizeof(id));
	CU_ASSERT_EQUAL(id.version, SVNIC_SPEC_VERSION);
	CU_ASSERT_EQUAL(id.total_vfs, NB_VFS_MAX);
	CU_ASSERT_EQUAL(id.total_queue_pairs, 64);
	CU_ASSERT(id.max_vports >= 1 && id.max_vports <= SVNIC_VPORTS_MAX);
	CU_ASSERT_EQUAL(id.max_vf_queue_pairs, SVNIC_VF_QP_MAX);
	CU_ASSERT_EQUAL(id.pf_msix_vectors, 16);
	CU_ASSERT_EQUAL(id.vf_msix_vectors, 5);
	CU_ASSERT_EQUAL(id.min_mtu, SVNIC_MTU_MIN);
	CU_ASSERT(id.max_mtu <= SVNIC_MTU_MAX && id.max_mtu >= 1500);
	CU_ASSERT(id.rss_key_size <= SVNIC_RSS_KEY_MAX);
	CU_ASSERT(id.rss_table_size <= SVNIC_RSS_TABLE_MAX &&
		  (id.rss_table_size & (id.rss_table_size - 1)) == 0);
	CU_ASSERT_EQUAL(id.ring_size_min, SVNIC_RING_SIZE_MIN);
	CU_ASSERT_EQUAL(id.ring_size_max, SVNIC_RING_SIZE_MAX);
	CU_ASSERT_EQUAL(id.aq_size_max, SVNIC_QLEN_MAX);
	CU_ASSERT_EQUAL(id.offloads & ~SVNIC_CAP_ALL, 0);
	CU_ASSERT(id.offloads & SVNIC_CAP_TX_MULTI_SEG);
	CU_ASSERT(id.offloads & SVNIC_CAP_VLAN_INSERT);
	CU_ASSERT_EQUAL(id.rss_hash_types & ~SVNIC_RSS_HF_ALL, 0);
	CU_ASSERT_EQUAL(memcmp(id.perm_mac, "\x02\x00\x5e\x00\x00\x01", 6), 0);
	CU_ASSERT_EQUAL(id.link_status, SVNIC_LINK_UP | SVNIC_LINK_FULL_DUPLEX);
	CU_ASSERT_EQUAL(id.link_speed, 25000);
	CU_ASSERT_EQUAL(id.rsvd1, 0);
	/* nothing written past the structure */
	CU_ASSERT_EQUAL(gp(&E.pf_mem, BUF_IOVA)[128], 0);
	/* too short a buffer */
	CU_ASSERT_EQUAL(aq_cmd_out(SVNIC_AQ_OP_IDENTIFY, NULL, 0, 64), -EMSGSIZE);
	env_down();
}

static void
test_aq_vport_errors(void)
{
	struct svnic_aq_vport v;

	env_up(false);
	/* no VFs yet: VF owner does not exist */
	CU_ASSERT_EQUAL(vport_create(1, SVNIC_AQ_FUNC_VF(0), 8, 2, MAC_VF(0)), -ENOENT);
	/* id past max_vports, queues past the device's, no queues */
	CU_ASSERT_EQUAL(vport_create(SVNIC_VPORTS_MAX, SVNIC_AQ_FUNC_PF, 0, 1, MAC_PF),
			-ERANGE);
	CU_ASSERT_EQUAL(vport_create(0, SVNIC_AQ_FUNC_PF, 60, 8, MAC_PF), -ERANGE);
	CU_ASSERT_EQUAL(vport_create(0, SVNIC_AQ_FUNC_PF, 0, 0, MAC_PF), -EINVAL);
	CU_ASSERT_EQUAL(vport_create(0, SVNIC_AQ_FUNC_PF, 0, 4, MAC_PF), 0);
	/* id in use, overlapping queue range */
	CU_ASSERT_EQUAL(vport_create(0, SVNIC_AQ_FUNC_PF, 8, 1, 0x101), -EEXIST);
	CU_ASSERT_EQUAL(vport_create(4, SVNIC_AQ_FUNC_PF, 3, 2, 0x101), -EEXIST);
	/* two VPorts cannot own one MAC */
	CU_ASSERT_EQUAL(vport_create(4, SVNIC_AQ_FUNC_PF, 4, 2, MAC_PF), -EEXIST);
	CU_ASSERT_EQUAL(vport_create(4, SVNIC_AQ_FUNC_PF, 4, 2, 0x101), 0);
	vfs_enable(2);
	/* VF past NumVFs; a VF's second VPort */
	CU_ASSERT_EQUAL(vport_create(1, SVNIC_AQ_FUNC_VF(3), 8, 2, MAC_VF(3)), -ENOENT);
	CU_ASSERT_EQUAL(vport_create(1, SVNIC_AQ_FUNC_VF(0), 8, 2, MAC_VF(0)), 0);
	CU_ASSERT_EQUAL(vport_create(2, SVNIC_AQ_FUNC_VF(0), 16, 2, 0x300), -EEXIST);
	/* a VF gets at most max_vf_queue_pairs */
	CU_ASSERT_EQUAL(vport_create(2, SVNIC_AQ_FUNC_VF(1), 0, 65, MAC_VF(1)), -ERANGE);
	/* MODIFY: the VPort must exist, func / queues are fixed */
	vport_init(&v, 3, SVNIC_AQ_FUNC_PF, 20, 1, 0x102);
	CU_ASSERT_EQUAL(aq_cmd(SVNIC_AQ_OP_VPORT_MODIFY, 0, &v, sizeof(v), 0, 0), -ENOENT);
	vport_init(&v, 1, SVNIC_AQ_FUNC_VF(1), 8, 2, MAC_VF(0));
	CU_ASSERT_EQUAL(aq_cmd(SVNIC_AQ_OP_VPORT_MODIFY, 0, &v, sizeof(v), 0, 0), -EPERM);
	vport_init(&v, 1, SVNIC_AQ_FUNC_VF(0), 9, 2, MAC_VF(0));
	CU_ASSERT_EQUAL(aq_cmd(SVNIC_AQ_OP_VPORT_MODIFY, 0, &v, sizeof(v), 0, 0), -EPERM);
	vport_init(&v, 1, SVNIC_AQ_FUNC_VF(0), 8, 1, MAC_VF(0));
	CU_ASSERT_EQUAL(aq_cmd(SVNIC_AQ_OP_VPORT_MODIFY, 0, &v, sizeof(v), 0, 0), -EPERM);
	/* a mutable change goes through: the new MAC is the VPort's own */
	vport_init(&v, 1, SVNIC_AQ_FUNC_VF(0), 8, 2, 0x2ff);
	v.flags = SVNIC_AQ_VPORT_F_SPOOFCHK;
	CU_ASSERT_EQUAL(aq_cmd(SVNIC_AQ_OP_VPORT_MODIFY, 0, &v, sizeof(v), 0, 0), 0);
	mac_of(v.mac, 0x2ff);
	CU_ASSERT_EQUAL(mac_filter(SVNIC_AQ_OP_MAC_FILTER_DEL, 1, v.mac), -EPERM);
	/* DELETE */
	CU_ASSERT_EQUAL(vport_delete(3), -ENOENT);
	CU_ASSERT_EQUAL(vport_delete(NB_VFS_MAX + 1), -ERANGE);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_RESOURCES) & SVNIC_RES_NUM_QP_MASK, 2);
	CU_ASSERT_EQUAL(vport_delete(1), 0);
	CU_ASSERT_EQUAL(vport_delete(1), -ENOENT);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_RESOURCES) & SVNIC_RES_NUM_QP_MASK, 0);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_DEV_STATUS) & SVNIC_STATUS_VPORT, 0);
	/* its id, queues and MAC are free again */
	CU_ASSERT_EQUAL(vport_create(1, SVNIC_AQ_FUNC_VF(0), 8, 2, 0x2ff), 0);
	env_down();
}

static void
test_aq_queue_config_errors(void)
{
	struct svnic_aq_queue_cfg q;

	env_up(false);
	vfs_enable(1);
	CU_ASSERT_EQUAL(qcfg(0, 0, SVNIC_AQ_QTYPE_RX, RXR(0), 0, 0), -ENOENT);
	CU_ASSERT_EQUAL(vport_create(0, SVNIC_AQ_FUNC_PF, 0, 2, MAC_PF), 0);
	CU_ASSERT_EQUAL(vport_create(1, SVNIC_AQ_FUNC_VF(0), 8, 2, MAC_VF(0)), 0);
	/* a queue outside the VPort's range, or of another VPort */
	CU_ASSERT_EQUAL(qcfg(0, 2, SVNIC_AQ_QTYPE_RX, RXR(0), 0, 0), -ERANGE);
	CU_ASSERT_EQUAL(qcfg(0, 8, SVNIC_AQ_QTYPE_RX, RXR(0), 0, 0), -ERANGE);
	CU_ASSERT_EQUAL(qcfg(1, 1, SVNIC_AQ_QTYPE_TX, TXR(0), 0, 0), -ERANGE);
	CU_ASSERT_EQUAL(qoff(1, 0, SVNIC_AQ_QTYPE_TX), -ERANGE);
	/* a ring running past the end of the map, at an unmapped IOVA */
	CU_ASSERT_EQUAL(qcfg(0, 0, SVNIC_AQ_QTYPE_RX, G_IOVA + G_SIZE - 256, 0, 0), -EFAULT);
	CU_ASSERT_EQUAL(qcfg(0, 0, SVNIC_AQ_QTYPE_RX, 0x40, 0, 0), -EFAULT);
	/* in a read-only mapping: the device writes completions into it */
	E.pf_mem.ro_lo = RXR(0);
	E.pf_mem.ro_hi = RXR(0) + 64;
	CU_ASSERT_EQUAL(qcfg(0, 0, SVNIC_AQ_QTYPE_RX, RXR(0), 0, 0), -EFAULT);
	E.pf_mem.ro_lo = E.pf_mem.ro_hi = 0;
	/* a head write-back outside the map */
	memset(&q, 0, sizeof(q));
	q.queue = 0;
	q.type = SVNIC_AQ_QTYPE_TX;
	q.flags = SVNIC_AQ_QCFG_F_ENABLE | SVNIC_AQ_QCFG_F_HEAD_WB;
	q.vport_id = 0;
	q.ring_size = RING_N;
	q.ring_addr = TXR(0);
	q.head_wb_addr = G_IOVA + G_SIZE;
	CU_ASSERT_EQUAL(aq_cmd(SVNIC_AQ_OP_QUEUE_CONFIG, 0, &q, sizeof(q), 0, 0), -EFAULT);
	/* a VF's ring is checked against the VF's map, not the PF's */
	E.vf_mem[0].map_size = 0x10000;
	CU_ASSERT_EQUAL(qcfg(1, 8, SVNIC_AQ_QTYPE_RX, RXR(0), 0, 0), -EFAULT);
	E.vf_mem[0].map_size = G_SIZE;
	/* an interrupt vector the owner does not have (a VF has 5) */
	CU_ASSERT_EQUAL(qcfg(1, 8, SVNIC_AQ_QTYPE_RX, RXR(0), SVNIC_AQ_QCFG_F_IRQ, 5), -ERANGE);
	CU_ASSERT_EQUAL(qcfg(1, 8, SVNIC_AQ_QTYPE_RX, RXR(0), SVNIC_AQ_QCFG_F_IRQ, 4), 0);
	/* enabled: reconfiguring needs a disable first */
	CU_ASSERT_EQUAL(qcfg(0, 0, SVNIC_AQ_QTYPE_RX, RXR(0), 0, 0), 0);
	CU_ASSERT_EQUAL(qcfg(0, 0, SVNIC_AQ_QTYPE_RX, RXR(1), 0, 0), -EBUSY);
	CU_ASSERT_EQUAL(qoff(0, 0, SVNIC_AQ_QTYPE_RX), 0);
	CU_ASSERT_EQUAL(qcfg(0, 0, SVNIC_AQ_QTYPE_RX, RXR(1), 0, 0), 0);
	/* TX and RX of one pair are separate */
	CU_ASSERT_EQUAL(qcfg(0, 0, SVNIC_AQ_QTYPE_TX, TXR(0), 0, 0), 0);
	env_down();
}

static void
test_aq_filters(void)
{
	struct svnic_aq_vport v;
	uint8_t mac[6], mc[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x07 };
	unsigned int i;

	env_up(false);
	mac_of(mac, 0x150);
	CU_ASSERT_EQUAL(mac_filter(SVNIC_AQ_OP_MAC_FILTER_ADD, 0, mac), -ENOENT);
	CU_ASSERT_EQUAL(vlan_filter(SVNIC_AQ_OP_VLAN_FILTER_ADD, 0, 100), -ENOENT);
	CU_ASSERT_EQUAL(vport_create(0, SVNIC_AQ_FUNC_PF, 0, 2, MAC_PF), 0);
	/* MAC: present, absent, own */
	CU_ASSERT_EQUAL(mac_filter(SVNIC_AQ_OP_MAC_FILTER_DEL, 0, mac), -ENOENT);
	CU_ASSERT_EQUAL(mac_filter(SVNIC_AQ_OP_MAC_FILTER_ADD, 0, mac), 0);
	CU_ASSERT_EQUAL(mac_filter(SVNIC_AQ_OP_MAC_FILTER_ADD, 0, mac), -EEXIST);
	mac_of(v.mac, MAC_PF);
	CU_ASSERT_EQUAL(mac_filter(SVNIC_AQ_OP_MAC_FILTER_ADD, 0, v.mac), -EEXIST);
	CU_ASSERT_EQUAL(mac_filter(SVNIC_AQ_OP_MAC_FILTER_DEL, 0, v.mac), -EPERM);
	CU_ASSERT_EQUAL(mac_filter(SVNIC_AQ_OP_MAC_FILTER_DEL, 0, mac), 0);
	CU_ASSERT_EQUAL(mac_filter(SVNIC_AQ_OP_MAC_FILTER_DEL, 0, mac), -ENOENT);
	CU_ASSERT_EQUAL(mac_filter(SVNIC_AQ_OP_MAC_FILTER_ADD, 0, mc), 0);
	CU_ASSERT_EQUAL(mac_filter(SVNIC_AQ_OP_MAC_FILTER_ADD, 0, mc), -EEXIST);
	CU_ASSERT_EQUAL(mac_filter(SVNIC_AQ_OP_MAC_FILTER_DEL, 0, mc), 0);
	CU_ASSERT_EQUAL(mac_filter(SVNIC_AQ_OP_MAC_FILTER_DEL, 0, mc), -ENOENT);
	/* broadcast and zero are rx_mode's, not filters */
	memset(mac, 0xff, 6);
	CU_ASSERT_EQUAL(mac_filter(SVNIC_AQ_OP_MAC_FILTER_ADD, 0, mac), -EINVAL);
	/* the table fills up: the own MAC and max_mac_filters - 1 more */
	for (i = 1; i < 16; i++) {
		mac_of(mac, (uint16_t)(0x400 + i));
		CU_ASSERT_EQUAL(mac_filter(SVNIC_AQ_OP_MAC_FILTER_ADD, 0, mac), 0);
	}
	mac_of(mac, 0x4ff);
	CU_ASSERT_EQUAL(mac_filter(SVNIC_AQ_OP_MAC_FILTER_ADD, 0, mac), -ENOSPC);
	/* VLAN: present, absent */
	CU_ASSERT_EQUAL(vlan_filter(SVNIC_AQ_OP_VLAN_FILTER_DEL, 0, 100), -ENOENT);
	CU_ASSERT_EQUAL(vlan_filter(SVNIC_AQ_OP_VLAN_FILTER_ADD, 0, 100), 0);
	CU_ASSERT_EQUAL(vlan_filter(SVNIC_AQ_OP_VLAN_FILTER_ADD, 0, 100), -EEXIST);
	CU_ASSERT_EQUAL(vlan_filter(SVNIC_AQ_OP_VLAN_FILTER_DEL, 0, 200), -ENOENT);
	CU_ASSERT_EQUAL(vlan_filter(SVNIC_AQ_OP_VLAN_FILTER_DEL, 0, 100), 0);
	CU_ASSERT_EQUAL(vlan_filter(SVNIC_AQ_OP_VLAN_FILTER_DEL, 0, 100), -ENOENT);
	CU_ASSERT_EQUAL(vlan_filter(SVNIC_AQ_OP_VLAN_FILTER_ADD, 0, 4095), -EINVAL);
	/* a VPort under a port VLAN refuses VLAN filters */
	vport_init(&v, 1, SVNIC_AQ_FUNC_PF, 4, 1, 0x160);
	v.vlan_tci = 10;
	v.vlan_proto = SVNIC_AQ_VLAN_PROTO_8021Q;
	CU_ASSERT_EQUAL(aq_cmd(SVNIC_AQ_OP_VPORT_CREATE, 0, &v, sizeof(v), 0, 0), 0);
	CU_ASSERT_EQUAL(vlan_filter(SVNIC_AQ_OP_VLAN_FILTER_ADD, 1, 100), -EPERM);
	CU_ASSERT_EQUAL(vlan_filter(SVNIC_AQ_OP_VLAN_FILTER_DEL, 1, 100), -EPERM);
	env_down();
}

static void
test_aq_rss(void)
{
	uint8_t b[sizeof(struct svnic_aq_rss_buf) + 2 * 8];
	struct svnic_aq_rss_buf *rb = (void *)b;
	struct svnic_aq_rss r;
	unsigned int i;

	env_up(false);
	memset(&r, 0, sizeof(r));
	memset(b, 0, sizeof(b));
	r.vport_id = 0;
	r.key_len = SVNIC_RSS_KEY_MAX;
	r.table_len = 8;
	r.hash_types = SVNIC_RSS_HF_IPV4 | SVNIC_RSS_HF_IPV4_TCP;
	for (i = 0; i < SVNIC_RSS_KEY_MAX; i++)
		rb->key[i] = (uint8_t)(i * 7 + 1);
	for (i = 0; i < 8; i++)
		rb->table[i] = (uint16_t)(i % 4);
	CU_ASSERT_EQUAL(aq_cmd_in(SVNIC_AQ_OP_RSS_CONFIG, &r, sizeof(r), b, sizeof(b)), -ENOENT);
	CU_ASSERT_EQUAL(vport_create(0, SVNIC_AQ_FUNC_PF, 0, 4, MAC_PF), 0);
	CU_ASSERT_EQUAL(aq_cmd_in(SVNIC_AQ_OP_RSS_CONFIG, &r, sizeof(r), b, sizeof(b)), 0);
	/* a table entry past the VPort's queues */
	rb->table[5] = 4;
	CU_ASSERT_EQUAL(aq_cmd_in(SVNIC_AQ_OP_RSS_CONFIG, &r, sizeof(r), b, sizeof(b)),
			-ERANGE);
	/* a buffer whose length does not match table_len */
	rb->table[5] = 1;
	CU_ASSERT_EQUAL(aq_cmd_in(SVNIC_AQ_OP_RSS_CONFIG, &r, sizeof(r), b, sizeof(b) - 2),
			-EMSGSIZE);
	/* a key of the wrong size */
	r.key_len = 40;
	CU_ASSERT_EQUAL(aq_cmd_in(SVNIC_AQ_OP_RSS_CONFIG, &r, sizeof(r), b, sizeof(b)),
			-ERANGE);
	/* keep key and table, change the hash types */
	memset(rb->key, 0, sizeof(rb->key));
	r.key_len = 0;
	r.table_len = 0;
	r.hash_types = 0;
	CU_ASSERT_EQUAL(aq_cmd_in(SVNIC_AQ_OP_RSS_CONFIG, &r, sizeof(r), b, 64), 0);
	env_down();
}

static void
test_aq_stats(void)
{
	struct svnic_aq_queue_stats qs;
	struct svnic_aq_vport_stats vs;
	struct svnic_aq_stats_req r;

	env_up(false);
	CU_ASSERT_EQUAL(vport_stats(0, &vs), -ENOENT);
	CU_ASSERT_EQUAL(queue_stats(SVNIC_AQ_STATS_RXQ, 0, &qs), -ENOENT);
	CU_ASSERT_EQUAL(queue_stats(SVNIC_AQ_STATS_TXQ, 64, &qs), -ERANGE);
	CU_ASSERT_EQUAL(vport_create(0, SVNIC_AQ_FUNC_PF, 0, 2, MAC_PF), 0);
	memset(&r, 0, sizeof(r));
	r.scope = SVNIC_AQ_STATS_VPORT;
	CU_ASSERT_EQUAL(aq_cmd_out(SVNIC_AQ_OP_GET_STATS, &r, sizeof(r), 64), -EMSGSIZE);
	r.rsvd0 = 1;
	CU_ASSERT_EQUAL(aq_cmd_out(SVNIC_AQ_OP_GET_STATS, &r, sizeof(r), 128), -EINVAL);
	CU_ASSERT_EQUAL(vport_stats(0, &vs), 0);
	CU_ASSERT_EQUAL(E.ret_val, 128);
	CU_ASSERT_EQUAL(vs.rx_packets + vs.tx_packets, 0);
	CU_ASSERT_EQUAL(queue_stats(SVNIC_AQ_STATS_RXQ, 1, &qs), 0);
	CU_ASSERT_EQUAL(E.ret_val, 32);
	CU_ASSERT_EQUAL(queue_stats(SVNIC_AQ_STATS_TXQ, 2, &qs), -ENOENT);
	env_down();
}

/* ===================================================================== */
/* datapath                                                               */
/* ===================================================================== */

/*
 * Spec 1.4 "Statistics pages": advertised in IDENTIFY, one block a VPort,
 * current after create, delete and a VF reset, not writable through the
 * trapped path, and absent from a device built without them.
 */
static void
test_stats_page(void)
{
	struct svnic_aq_vport_stats vs;
	struct svnic_aq_identify id;
	uint32_t junk = 0xffffffffu;

	env_vf_ports();
	CU_ASSERT_EQUAL(aq_cmd_out(SVNIC_AQ_OP_IDENTIFY, NULL, 0, 128), 0);
	memcpy(&id, gp(&E.pf_mem, BUF_IOVA), sizeof(id));
	CU_ASSERT_EQUAL(id.dev_caps, SVNIC_DEVCAP_STATS_PAGE);
	CU_ASSERT(svnic_aq_identify_stats_page(&id));
	rx_post(vf(1), 0, 0, 4);
	/* counted before the device writes the packet into VF 1's ring */
	E.stats_watch = true;
	E.stats_watch_vport = 2;
	tx_one(vf(0), 0, 0, MAC_VF(1), MAC_VF(0), 60, 0);
	/* a frame longer than the MTU: dropped by the TX queue, nothing forwarded */
	tx_one(vf(0), 0, 1, MAC_VF(1), MAC_VF(0), 1519, 0);
	poll_once();
	CU_ASSERT(stats_page_matches(1) && stats_page_matches(2));
	CU_ASSERT_EQUAL(stats_block(1)->c.tx_packets, 1);
	CU_ASSERT_EQUAL(stats_block(1)->c.tx_dropped, 1);
	CU_ASSERT_EQUAL(stats_block(2)->c.rx_packets, 1);
	CU_ASSERT_EQUAL(E.stats_watch_rx_packets, 1);
	E.stats_watch = false;
	CU_ASSERT_EQUAL(stats_block(1)->seq % 2, 0);
	/* read-only: a write through the trapped path changes nothing */
	emu_func_lock_wr(pf());
	CU_ASSERT_EQUAL(emu_func_bar0_access(pf(), SVNIC_PF_STATS_VPORT(1) + 8, &junk, 4, true),
			0);
	emu_func_unlock(pf());
	CU_ASSERT_EQUAL(stats_block(1)->c.rx_packets, 0);
	CU_ASSERT(stats_page_matches(1));
	/* a VF reset clears its queues' counters: the VPort's drop goes with them */
	CU_ASSERT_EQUAL(vf_cmd(SVNIC_AQ_OP_VF_RESET, 0), 0);
	CU_ASSERT_EQUAL(stats_block(1)->c.tx_dropped, 0);
	CU_ASSERT(stats_page_matches(1));
	/* a deleted VPort reads 0; re-created, it shows what GET_STATS shows */
	CU_ASSERT_EQUAL(vport_delete(2), 0);
	CU_ASSERT_EQUAL(svnic_stats_vport_read(stats_block(2), &vs), 0);
	CU_ASSERT_EQUAL(vs.rx_packets + vs.rx_bytes, 0);
	CU_ASSERT_EQUAL(vport_create(2, SVNIC_AQ_FUNC_VF(1), 16, 2, MAC_VF(1)), 0);
	CU_ASSERT(stats_page_matches(2));
	env_down();

	/* a device without them (as before 1.4): nothing advertised, nothing written */
	env_no_stats_page = true;
	env_pf_port();
	env_no_stats_page = false;
	CU_ASSERT_EQUAL(aq_cmd_out(SVNIC_AQ_OP_IDENTIFY, NULL, 0, 128), 0);
	memcpy(&id, gp(&E.pf_mem, BUF_IOVA), sizeof(id));
	CU_ASSERT_EQUAL(id.dev_caps, 0);
	CU_ASSERT_FALSE(svnic_aq_identify_stats_page(&id));
	rx_post(pf(), 0, 0, 4);
	tx_one(pf(), 0, 0, MAC_NOBODY, MAC_PF, 60, 0);
	poll_once();
	CU_ASSERT_EQUAL(vport_stats(0, &vs), 0);
	CU_ASSERT_EQUAL(vs.rx_packets, 1);
	CU_ASSERT_EQUAL(stats_block(0)->seq, 0);
	CU_ASSERT_EQUAL(stats_block(0)->c.rx_packets, 0);
	env_down();
}

static void
test_dp_doorbell_faults(void)
{
	env_pf_port();
	rx_post(pf(), 0, 0, 4);
	/* a TX tail >= the ring size faults the PF */
	tx_one(pf(), 0, 0, MAC_NOBODY, MAC_PF, 60, 0);
	db_tx(pf(), 0, RING_N);
	/* a good packet on the other queue of the same pass must not go either */
	tx_one(pf(), 1, 0, MAC_NOBODY, MAC_PF, 60, 0);
	poll_once();
	CU_ASSERT(reg_rd(pf(), SVNIC_REG_DEV_STATUS) & SVNIC_STATUS_FAULTED);
	CU_ASSERT(reg_rd(pf(), SVNIC_REG_INT_CAUSE) & SVNIC_INT_FAULT);
	CU_ASSERT_FALSE(tx_done(pf(), 0, 0));
	CU_ASSERT_FALSE(tx_done(pf(), 1, 0));
	CU_ASSERT_EQUAL(rx_status(pf(), 0, 0), 0);
	/* and nothing moves while it is faulted */
	db_tx(pf(), 1, 1);
	poll_once();
	CU_ASSERT_FALSE(tx_done(pf(), 1, 0));
	env_down();

	/* an RX tail >= the ring size faults it when a packet needs the queue */
	env_pf_port();
	db_rx(pf(), 0, RING_N + 3);
	tx_one(pf(), 0, 0, MAC_NOBODY, MAC_PF, 60, 0);
	poll_once();
	CU_ASSERT(tx_done(pf(), 0, 0));
	CU_ASSERT(reg_rd(pf(), SVNIC_REG_DEV_STATUS) & SVNIC_STATUS_FAULTED);
	env_down();
}

static void
test_dp_ring_faults(void)
{
	/* the PF unmapped its TX ring after enabling it */
	env_pf_port();
	tx_one(pf(), 0, 0, MAC_NOBODY, MAC_PF, 60, 0);
	E.pf_mem.map_size = TXR(0) - G_IOVA + 256;
	poll_once();
	CU_ASSERT(reg_rd(pf(), SVNIC_REG_DEV_STATUS) & SVNIC_STATUS_FAULTED);
	E.pf_mem.map_size = G_SIZE;
	CU_ASSERT_FALSE(tx_done(pf(), 0, 0));
	env_down();

	/* a zero-length descriptor */
	env_pf_port();
	tx_one(pf(), 0, 0, MAC_NOBODY, MAC_PF, 60, 0);
	txd(pf(), 0, 0)->len = 0;
	poll_once();
	CU_ASSERT(reg_rd(pf(), SVNIC_REG_DEV_STATUS) & SVNIC_STATUS_FAULTED);
	env_down();

	/* a packet of 17 descriptors without EOP */
	env_pf_port();
	{
		uint32_t i;

		for (i = 0; i < 17; i++) {
			struct svnic_tx_desc *d = txd(pf(), 0, i);

			d->addr = TXB(0, 0);
			d->len = 4;
			d->flags = 0;
		}
		db_tx(pf(), 0, 17);
	}
	poll_once();
	CU_ASSERT(reg_rd(pf(), SVNIC_REG_DEV_STATUS) & SVNIC_STATUS_FAULTED);
	env_down();
}

static void
test_dp_nobuf_drop(void)
{
	struct svnic_aq_queue_stats qs;
	struct svnic_aq_vport_stats vs;

	env_pf_port();
	tx_one(pf(), 0, 0, MAC_NOBODY, MAC_PF, 60, 0);
	poll_once();
	CU_ASSERT(tx_done(pf(), 0, 0));
	CU_ASSERT_EQUAL(rx_status(pf(), 0, 0), 0);
	CU_ASSERT_EQUAL(queue_stats(SVNIC_AQ_STATS_RXQ, 0, &qs), 0);
	CU_ASSERT_EQUAL(qs.packets, 0);
	CU_ASSERT_EQUAL(qs.dropped, 1);
	CU_ASSERT_EQUAL(vport_stats(0, &vs), 0);
	CU_ASSERT_EQUAL(vs.rx_dropped_nobuf, 1);
	CU_ASSERT(stats_page_matches(0));
	CU_ASSERT_EQUAL(stats_block(0)->c.rx_dropped_nobuf, 1);
	/* nobody faulted */
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_DEV_STATUS), SVNIC_STATUS_READY);
	/* with a buffer the next one arrives */
	rx_post(pf(), 0, 0, 1);
	tx_one(pf(), 0, 1, MAC_NOBODY, MAC_PF, 70, 0);
	poll_once();
	CU_ASSERT_EQUAL(rx_status(pf(), 0, 0), SVNIC_RXD_ST_DONE | SVNIC_RXD_ST_EOP);
	CU_ASSERT(rx_matches(pf(), 0, 0, pf(), 0, 1, 70));
	env_down();
}

static void
test_dp_loopback(void)
{
	struct svnic_aq_queue_stats qs;
	struct svnic_aq_vport_stats vs;
	union svnic_rx_desc *r;
	uint32_t i;

	env_pf_port();
	rx_post(pf(), 0, 0, 8);
	tx_one(pf(), 0, 0, MAC_NOBODY, MAC_PF, 60, 0);
	CU_ASSERT_FALSE(tx_done(pf(), 0, 0));
	CU_ASSERT(emu_dev_poll(E.dev, 0) > 0);
	/* the summary bit was taken */
	CU_ASSERT_EQUAL(*(uint64_t *)(pf()->bar0 + SVNIC_NOTIFY_TX_SUMMARY(0)), 0);
	CU_ASSERT(tx_done(pf(), 0, 0));
	CU_ASSERT_EQUAL(txd(pf(), 0, 0)->flags,
			SVNIC_TXD_F_EOP | SVNIC_TXD_F_RS | SVNIC_TXD_F_DONE);
	r = rxd(pf(), 0, 0);
	CU_ASSERT_EQUAL(r->wb.status, SVNIC_RXD_ST_DONE | SVNIC_RXD_ST_EOP);
	CU_ASSERT_EQUAL(r->wb.len, 60);
	CU_ASSERT_EQUAL(r->wb.rsvd, 0);
	CU_ASSERT(rx_matches(pf(), 0, 0, pf(), 0, 0, 60));
	CU_ASSERT_EQUAL(rx_status(pf(), 0, 1), 0);
	/* a burst of three, one doorbell */
	for (i = 1; i < 4; i++) {
		frame(gp(&E.pf_mem, TXB(0, i)), MAC_NOBODY, MAC_PF, 100 + i, (uint8_t)i);
		txd(pf(), 0, i)->addr = TXB(0, i);
		txd(pf(), 0, i)->len = (uint16_t)(100 + i);
		txd(pf(), 0, i)->flags = SVNIC_TXD_F_EOP | (i == 3 ? SVNIC_TXD_F_RS : 0);
	}
	db_tx(pf(), 0, 4);
	poll_once();
	CU_ASSERT_FALSE(tx_done(pf(), 0, 1));	/* no RS: no write-back */
	CU_ASSERT(tx_done(pf(), 0, 3));
	for (i = 1; i < 4; i++) {
		CU_ASSERT_EQUAL(rx_status(pf(), 0, i), SVNIC_RXD_ST_DONE | SVNIC_RXD_ST_EOP);
		CU_ASSERT(rx_matches(pf(), 0, i, pf(), 0, i, 100 + i));
	}
	CU_ASSERT_EQUAL(queue_stats(SVNIC_AQ_STATS_TXQ, 0, &qs), 0);
	CU_ASSERT_EQUAL(qs.packets, 4);
	CU_ASSERT_EQUAL(qs.bytes, 60 + 101 + 102 + 103);
	CU_ASSERT_EQUAL(queue_stats(SVNIC_AQ_STATS_RXQ, 0, &qs), 0);
	CU_ASSERT_EQUAL(qs.packets, 4);
	CU_ASSERT_EQUAL(qs.bytes, 60 + 101 + 102 + 103);
	CU_ASSERT_EQUAL(vport_stats(0, &vs), 0);
	CU_ASSERT_EQUAL(vs.tx_packets, 4);
	CU_ASSERT_EQUAL(vs.rx_packets, 4);
	CU_ASSERT(stats_page_matches(0));
	CU_ASSERT_EQUAL(stats_block(0)->c.rx_packets, 4);
	/* nothing new: a pass does nothing */
	CU_ASSERT_EQUAL(emu_dev_poll(E.dev, 0), 0);
	env_down();
}

static void
test_dp_multi_seg_and_vlan(void)
{
	uint8_t want[80];
	union svnic_rx_desc *r;
	struct svnic_tx_desc *d;
	uint32_t i;

	env_pf_port();
	rx_post(pf(), 0, 0, 8);
	/* 3 segments of 20 bytes; RS on the last only */
	frame(want, MAC_NOBODY, MAC_PF, 60, 9);
	for (i = 0; i < 3; i++) {
		d = txd(pf(), 0, i);
		memcpy(gp(&E.pf_mem, TXB(0, i)), want + 20 * i, 20);
		d->addr = TXB(0, i);
		d->len = 20;
		d->flags = i == 2 ? (SVNIC_TXD_F_EOP | SVNIC_TXD_F_RS) : 0;
	}
	/* a packet whose EOP is not posted yet waits */
	db_tx(pf(), 0, 2);
	poll_once();
	CU_ASSERT_EQUAL(rx_status(pf(), 0, 0), 0);
	db_tx(pf(), 0, 3);
	poll_once();
	CU_ASSERT_FALSE(tx_done(pf(), 0, 0));
	CU_ASSERT_FALSE(tx_done(pf(), 0, 1));
	CU_ASSERT(tx_done(pf(), 0, 2));
	r = rxd(pf(), 0, 0);
	CU_ASSERT_EQUAL(r->wb.status, SVNIC_RXD_ST_DONE | SVNIC_RXD_ST_EOP);
	CU_ASSERT_EQUAL(r->wb.len, 60);
	CU_ASSERT_EQUAL(memcmp(gp(&E.pf_mem, RXB(0, 0)), want, 60), 0);

	/* VLAN_INS: a tag after the addresses; it comes back in VLAN 100 */
	CU_ASSERT_EQUAL(vlan_filter(SVNIC_AQ_OP_VLAN_FILTER_ADD, 0, 100), 0);
	d = txd(pf(), 0, 3);
	frame(gp(&E.pf_mem, TXB(0, 3)), MAC_NOBODY, MAC_PF, 60, 3);
	d->addr = TXB(0, 3);
	d->len = 60;
	d->flags = SVNIC_TXD_F_EOP | SVNIC_TXD_F_RS | SVNIC_TXD_F_VLAN_INS;
	d->vlan_tci = 0x2064;		/* PCP 1, VID 100 */
	db_tx(pf(), 0, 4);
	poll_once();
	CU_ASSERT(tx_done(pf(), 0, 3));
	r = rxd(pf(), 0, 1);
	CU_ASSERT_EQUAL(r->wb.status, SVNIC_RXD_ST_DONE | SVNIC_RXD_ST_EOP);
	CU_ASSERT_EQUAL(r->wb.len, 64);
	memcpy(want, gp(&E.pf_mem, TXB(0, 3)), 12);
	memcpy(want + 12, "\x81\x00\x20\x64", 4);
	memcpy(want + 16, gp(&E.pf_mem, TXB(0, 3)) + 12, 48);
	CU_ASSERT_EQUAL(memcmp(gp(&E.pf_mem, RXB(0, 1)), want, 64), 0);
	env_down();
}

/* VF @p n faulted with DMA_PERM on RX buffer @p i of its queue 0, unwritten. */
static void
check_rx_perm_fault(uint16_t n, uint32_t i)
{
	const struct svnic_eq_entry *e;

	CU_ASSERT(reg_rd(vf(n), SVNIC_REG_DEV_STATUS) & SVNIC_STATUS_FAULTED);
	CU_ASSERT_EQUAL(rx_status(vf(n), 0, i), 0);
	CU_ASSERT_EQUAL(gp(&E.vf_mem[n], RXB(0, i))[0], 0);
	e = ev_last(SVNIC_EQ_EV_FAULT, n);
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(e->param0, SVNIC_EQ_FAULT_DMA_PERM);
	CU_ASSERT_EQUAL(e->param1, 0);
	CU_ASSERT_EQUAL(e->param2, RXB(0, i));
}

/*
 * The datapath keeps a DMA window only while it holds the function's lock: a
 * burst costs a lookup a hold rather than one a buffer, and a map that changes
 * between two passes is seen by the second.
 */
static void
test_dp_dma_window(void)
{
	uint8_t wire[60];
	unsigned int before;
	uint32_t i;

	env_vf_ports();
	rx_post(vf(1), 0, 0, 8);
	for (i = 0; i < 4; i++) {
		frame(gp(&E.pf_mem, TXB(0, i)), MAC_VF(1), MAC_PF, 100 + i, (uint8_t)i);
		txd(pf(), 0, i)->addr = TXB(0, i);
		txd(pf(), 0, i)->len = (uint16_t)(100 + i);
		txd(pf(), 0, i)->flags = SVNIC_TXD_F_EOP | SVNIC_TXD_F_RS;
	}
	db_tx(pf(), 0, 4);
	before = E.nb_windows;
	poll_once();
	for (i = 0; i < 4; i++) {
		CU_ASSERT(tx_done(pf(), 0, i));
		CU_ASSERT_EQUAL(rx_status(vf(1), 0, i), SVNIC_RXD_ST_DONE | SVNIC_RXD_ST_EOP);
		CU_ASSERT(rx_matches(vf(1), 0, i, pf(), 0, i, 100 + i));
	}
	/* the PF's TX hold and VF 1's RX hold: a window each */
	CU_ASSERT(E.nb_windows > before);
	CU_ASSERT(E.nb_windows - before <= 2);

	/*
	 * VF 1's next RX buffer becomes read-only between two passes, and the
	 * next frame for VF 1 comes from the wire: VF 1's window is the last one
	 * the first pass found and the first one the second pass needs.
	 */
	E.vf_mem[1].ro_lo = RXB(0, 4);
	E.vf_mem[1].ro_hi = RXB(0, 5);
	frame(wire, MAC_VF(1), MAC_NOBODY, sizeof(wire), 9);
	CU_ASSERT_EQUAL(svnic_uplink_send(E.ul, wire, sizeof(wire)), 0);
	poll_once();
	check_rx_perm_fault(1, 4);
	E.vf_mem[1].ro_lo = E.vf_mem[1].ro_hi = 0;
	env_down();
}

/*
 * Frames around 2 KiB (with and without a tag VLAN_INS puts in) and far past
 * it, in several TX segments: each comes back whole, scattered over RX
 * buffers, whatever the staging does with frames of that size.
 */
static void
test_dp_staging_sizes(void)
{
	static const uint32_t lens[] = { 2044, 2045, 2100, 3000, 9018 };
	static uint8_t want[9100], got[9100];
	struct svnic_aq_vport v;
	uint32_t k, t = 0, r = 0;

	env_up(true);
	vport_init(&v, 0, SVNIC_AQ_FUNC_PF, 0, 2, MAC_PF);
	v.mtu = 9000;
	CU_ASSERT_EQUAL(aq_cmd(SVNIC_AQ_OP_VPORT_CREATE, 0, &v, sizeof(v), 0, 0), 0);
	CU_ASSERT_EQUAL(qcfg(0, 0, SVNIC_AQ_QTYPE_RX, RXR(0), SVNIC_AQ_QCFG_F_SCATTER, 0), 0);
	CU_ASSERT_EQUAL(qcfg(0, 0, SVNIC_AQ_QTYPE_TX, TXR(0), 0, 0), 0);
	CU_ASSERT_EQUAL(vlan_filter(SVNIC_AQ_OP_VLAN_FILTER_ADD, 0, 100), 0);
	rx_post(pf(), 0, 0, RING_N - 1);
	for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		uint32_t off;

		frame(want, MAC_NOBODY, MAC_PF, lens[k], (uint8_t)k);
		for (off = 0; off < lens[k]; off += BUF_SZ, t++) {
			struct svnic_tx_desc *d = txd(pf(), 0, t);
			uint32_t seg = lens[k] - off < BUF_SZ ? lens[k] - off : BUF_SZ;

			memcpy(gp(&E.pf_mem, TXB(0, t)), want + off, seg);
			d->addr = TXB(0, t);
			d->len = (uint16_t)seg;
			d->flags = off + seg == lens[k] ? SVNIC_TXD_F_EOP | SVNIC_TXD_F_RS : 0;
			/* the first two get a tag: 2048 bytes, then 2049 */
			if (off == 0 && k < 2) {
				d->flags |= SVNIC_TXD_F_VLAN_INS;
				d->vlan_tci = 100;
			}
		}
	}
	db_tx(pf(), 0, t);
	poll_once();
	CU_ASSERT(tx_done(pf(), 0, t - 1));
	for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		uint32_t n = 0, expect = lens[k] + (k < 2 ? 4 : 0);
		const union svnic_rx_desc *rd;

		frame(want, MAC_NOBODY, MAC_PF, lens[k], (uint8_t)k);
		if (k < 2) {
			memmove(want + 16, want + 12, lens[k] - 12);
			memcpy(want + 12, "\x81\x00\x00\x64", 4);
		}
		do {
			rd = rxd(pf(), 0, r);
			CU_ASSERT_FATAL(rd->wb.status & SVNIC_RXD_ST_DONE);
			CU_ASSERT_FATAL(n + rd->wb.len <= sizeof(got));
			memcpy(got + n, gp(&E.pf_mem, RXB(0, r)), rd->wb.len);
			n += rd->wb.len;
			r++;
		} while (!(rd->wb.status & SVNIC_RXD_ST_EOP));
		CU_ASSERT_EQUAL(n, expect);
		CU_ASSERT_EQUAL(memcmp(got, want, expect), 0);
	}
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_DEV_STATUS), SVNIC_STATUS_READY);
	env_down();
}

/*
 * On the loopback, untagged frames come straight back and a frame tagged on
 * the way out goes through the uplink's queue: a burst that mixes them still
 * arrives in the order it was sent.
 */
static void
test_dp_loopback_order(void)
{
	struct svnic_tx_desc *d;
	uint32_t i;

	env_pf_port();
	rx_post(pf(), 0, 0, 8);
	CU_ASSERT_EQUAL(vlan_filter(SVNIC_AQ_OP_VLAN_FILTER_ADD, 0, 100), 0);
	for (i = 0; i < 4; i++) {
		d = txd(pf(), 0, i);
		frame(gp(&E.pf_mem, TXB(0, i)), MAC_NOBODY, MAC_PF, 60 + i, (uint8_t)i);
		d->addr = TXB(0, i);
		d->len = (uint16_t)(60 + i);
		d->flags = SVNIC_TXD_F_EOP | (i == 3 ? SVNIC_TXD_F_RS : 0);
		if (i == 1) {
			d->flags |= SVNIC_TXD_F_VLAN_INS;
			d->vlan_tci = 100;
		}
	}
	db_tx(pf(), 0, 4);
	poll_once();
	CU_ASSERT(tx_done(pf(), 0, 3));
	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(rx_status(pf(), 0, i), SVNIC_RXD_ST_DONE | SVNIC_RXD_ST_EOP);
	CU_ASSERT(rx_matches(pf(), 0, 0, pf(), 0, 0, 60));
	CU_ASSERT_EQUAL(rxd(pf(), 0, 1)->wb.len, 61 + 4);
	CU_ASSERT_EQUAL(memcmp(gp(&E.pf_mem, RXB(0, 1)) + 12, "\x81\x00\x00\x64", 4), 0);
	CU_ASSERT(rx_matches(pf(), 0, 2, pf(), 0, 2, 62));
	CU_ASSERT(rx_matches(pf(), 0, 3, pf(), 0, 3, 63));
	env_down();
}

/*
 * A frame written into a buffer reveals nothing of the frame the device
 * staged before it in the same place: 100 bytes, then 70 from the same
 * staging slot; bytes 70 to the next 16-byte boundary of the second buffer
 * are not the first frame's, and nothing past that boundary is written.
 */
static void
test_dp_rx_tail_clean(void)
{
	unsigned int i, bad = 0;
	uint8_t *b1, *a;

	env_pf_port();
	b1 = gp(&E.pf_mem, RXB(0, 1));
	memset(b1, 0xee, 256);
	rx_post(pf(), 0, 0, 8);
	tx_one(pf(), 0, 0, MAC_NOBODY, MAC_PF, 100, 0);
	poll_once();
	CU_ASSERT(rx_matches(pf(), 0, 0, pf(), 0, 0, 100));
	tx_one(pf(), 0, 1, MAC_NOBODY, MAC_PF, 70, 0);
	poll_once();
	CU_ASSERT(rx_matches(pf(), 0, 1, pf(), 0, 1, 70));
	a = gp(&E.pf_mem, TXB(0, 0));
	for (i = 70; i < 80; i++)
		if (b1[i] == a[i] || (b1[i] != 0 && b1[i] != 0xee))
			bad++;
	CU_ASSERT_EQUAL(bad, 0);
	for (i = 80; i < 256; i++)
		if (b1[i] != 0xee)
			bad++;
	CU_ASSERT_EQUAL(bad, 0);
	env_down();
}

static void
test_dp_tx_mtu(void)
{
	struct svnic_aq_queue_stats qs;
	struct svnic_aq_vport_stats vs;

	env_pf_port();
	rx_post(pf(), 0, 0, 8);
	/* MTU 1500: 1518 bytes pass, 1519 are dropped and counted */
	tx_one(pf(), 0, 0, MAC_NOBODY, MAC_PF, 1519, 0);
	poll_once();
	CU_ASSERT(tx_done(pf(), 0, 0));
	CU_ASSERT_EQUAL(rx_status(pf(), 0, 0), 0);
	CU_ASSERT_EQUAL(queue_stats(SVNIC_AQ_STATS_TXQ, 0, &qs), 0);
	CU_ASSERT_EQUAL(qs.packets, 0);
	CU_ASSERT_EQUAL(qs.dropped, 1);
	CU_ASSERT_EQUAL(vport_stats(0, &vs), 0);
	CU_ASSERT_EQUAL(vs.tx_dropped, 1);
	CU_ASSERT(stats_page_matches(0));
	CU_ASSERT_EQUAL(stats_block(0)->c.tx_dropped, 1);
	tx_one(pf(), 0, 1, MAC_NOBODY, MAC_PF, 1518, 0);
	poll_once();
	CU_ASSERT_EQUAL(rx_status(pf(), 0, 0), SVNIC_RXD_ST_DONE | SVNIC_RXD_ST_EOP);
	CU_ASSERT(rx_matches(pf(), 0, 0, pf(), 0, 1, 1518));
	/* nobody faulted for it */
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_DEV_STATUS), SVNIC_STATUS_READY);
	env_down();
}

static void
test_dp_qint_arm(void)
{
	env_pf_port();
	/* a queue without F_IRQ: arming it does nothing */
	reg_wr(pf(), SVNIC_REG_QINT_ARM, 1);
	CU_ASSERT_EQUAL(qoff(0, 0, SVNIC_AQ_QTYPE_RX), 0);
	CU_ASSERT_EQUAL(qoff(0, 0, SVNIC_AQ_QTYPE_TX), 0);
	CU_ASSERT_EQUAL(qcfg(0, 0, SVNIC_AQ_QTYPE_RX, RXR(0), SVNIC_AQ_QCFG_F_IRQ, 3), 0);
	CU_ASSERT_EQUAL(qcfg(0, 0, SVNIC_AQ_QTYPE_TX, TXR(0), SVNIC_AQ_QCFG_F_IRQ, 4), 0);
	rx_post(pf(), 0, 0, 16);
	/* not armed: a completion raises nothing */
	tx_one(pf(), 0, 0, MAC_NOBODY, MAC_PF, 60, 0);
	poll_once();
	CU_ASSERT_EQUAL(rx_status(pf(), 0, 0), SVNIC_RXD_ST_DONE | SVNIC_RXD_ST_EOP);
	CU_ASSERT_EQUAL(E.nb_irqs, 0);
	/* arming after that completion fires at once, once */
	reg_wr(pf(), SVNIC_REG_QINT_ARM, 0);
	CU_ASSERT_EQUAL(irq_count(PF_ID, 3), 1);
	reg_wr(pf(), SVNIC_REG_QINT_ARM, 0);
	CU_ASSERT_EQUAL(irq_count(PF_ID, 3), 1);
	/* armed: the next completion fires, the one after does not */
	tx_one(pf(), 0, 1, MAC_NOBODY, MAC_PF, 60, 0);
	poll_once();
	CU_ASSERT_EQUAL(irq_count(PF_ID, 3), 2);
	tx_one(pf(), 0, 2, MAC_NOBODY, MAC_PF, 60, 0);
	poll_once();
	CU_ASSERT_EQUAL(rx_status(pf(), 0, 2), SVNIC_RXD_ST_DONE | SVNIC_RXD_ST_EOP);
	CU_ASSERT_EQUAL(irq_count(PF_ID, 3), 2);
	/* TX queues arm with bit 31 */
	reg_wr(pf(), SVNIC_REG_QINT_ARM, SVNIC_QINT_ARM_TX);	/* pending from above */
	CU_ASSERT_EQUAL(irq_count(PF_ID, 4), 1);
	reg_wr(pf(), SVNIC_REG_QINT_ARM, SVNIC_QINT_ARM_TX);
	tx_one(pf(), 0, 3, MAC_NOBODY, MAC_PF, 60, 0);
	poll_once();
	CU_ASSERT_EQUAL(irq_count(PF_ID, 4), 2);
	/* a queue pair past the device's is ignored */
	reg_wr(pf(), SVNIC_REG_QINT_ARM, 0xffff);
	CU_ASSERT_EQUAL(E.nb_irqs, 4);
	env_down();
}

/* ===================================================================== */
/* SR-IOV                                                                 */
/* ===================================================================== */

static void
test_sriov_vf_enable(void)
{
	env_up(false);
	CU_ASSERT_EQUAL(vf(0), NULL);
	/* NumVFs past TotalVFs is refused */
	cfg_wr(pf(), SVNIC_EMU_PCI_SRIOV_CAP + PCI_SRIOV_NUM_VF, NB_VFS_MAX + 1, 2);
	CU_ASSERT_EQUAL(cfg_rd(pf(), SVNIC_EMU_PCI_SRIOV_CAP + PCI_SRIOV_NUM_VF, 2), 0);
	cfg_wr(pf(), SVNIC_EMU_PCI_SRIOV_CAP + PCI_SRIOV_NUM_VF, 3, 2);
	/* VF Enable takes effect at housekeeping, with no function lock held */
	cfg_wr(pf(), SVNIC_EMU_PCI_SRIOV_CAP + PCI_SRIOV_CTRL, PCI_SRIOV_CTRL_VFE, 2);
	CU_ASSERT_EQUAL(vf(0), NULL);
	CU_ASSERT_EQUAL(E.vfs_changed_calls, 0);
	emu_dev_housekeeping(E.dev);
	CU_ASSERT_EQUAL(E.vfs_changed_calls, 1);
	CU_ASSERT_EQUAL(E.last_num_vfs, 3);
	CU_ASSERT(vf(0) != NULL && vf(2) != NULL);
	CU_ASSERT_EQUAL(vf(3), NULL);
	/* a VF's own config space: ids and BARs belong to the PF's SR-IOV capability */
	CU_ASSERT_EQUAL(cfg_rd(vf(1), PCI_VENDOR_ID, 2), 0xffff);
	CU_ASSERT_EQUAL(cfg_rd(vf(1), PCI_DEVICE_ID, 2), 0xffff);
	CU_ASSERT_EQUAL(cfg_rd(vf(1), PCI_BASE_ADDRESS_0, 4), 0);
	CU_ASSERT_EQUAL(cfg_rd(vf(1), PCI_CLASS_REVISION, 4) >> 8, SVNIC_PCI_CLASS_CODE);
	/* NumVFs is fixed while VF Enable is set */
	cfg_wr(pf(), SVNIC_EMU_PCI_SRIOV_CAP + PCI_SRIOV_NUM_VF, 1, 2);
	CU_ASSERT_EQUAL(cfg_rd(pf(), SVNIC_EMU_PCI_SRIOV_CAP + PCI_SRIOV_NUM_VF, 2), 3);
	emu_dev_housekeeping(E.dev);
	CU_ASSERT_EQUAL(E.vfs_changed_calls, 1);
	/* VF MSE alone changes no VF */
	sriov_ctrl(PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
	CU_ASSERT_EQUAL(E.vfs_changed_calls, 1);
	/* VF Enable off: they go */
	sriov_ctrl(0);
	CU_ASSERT_EQUAL(E.vfs_changed_calls, 2);
	CU_ASSERT_EQUAL(E.last_num_vfs, 0);
	CU_ASSERT_EQUAL(vf(0), NULL);
	CU_ASSERT_EQUAL(vf_cmd(SVNIC_AQ_OP_VF_RESET, 0), -ENOENT);
	/* and come back fresh */
	vfs_enable(1);
	CU_ASSERT_EQUAL(E.last_num_vfs, 1);
	CU_ASSERT(vf(0) != NULL);
	CU_ASSERT_EQUAL(vf(1), NULL);
	env_down();
}

static void
test_sriov_vf_disable_deletes_vports(void)
{
	env_vf_ports();
	CU_ASSERT_EQUAL(vport_create(3, SVNIC_AQ_FUNC_PF, 24, 1, 0x180), 0);
	sriov_ctrl(0);
	/* the VFs' VPorts went as if by VPORT_DELETE; the PF's stay */
	CU_ASSERT_EQUAL(vport_delete(1), -ENOENT);
	CU_ASSERT_EQUAL(vport_delete(2), -ENOENT);
	CU_ASSERT_EQUAL(vport_delete(3), 0);
	CU_ASSERT_EQUAL(qcfg(0, 0, SVNIC_AQ_QTYPE_RX, RXR(0), 0, 0), -EBUSY);
	vfs_enable(2);
	/* ids, queues and MACs are free for the new VFs */
	CU_ASSERT_EQUAL(vport_create(1, SVNIC_AQ_FUNC_VF(0), 8, 2, MAC_VF(0)), 0);
	CU_ASSERT_EQUAL(vport_create(2, SVNIC_AQ_FUNC_VF(1), 16, 2, MAC_VF(1)), 0);
	qp_up(1, 8, vf(0), 0);
	qp_up(2, 16, vf(1), 0);
	rx_post(vf(1), 0, 0, 4);
	tx_one(vf(0), 0, 0, MAC_VF(1), MAC_VF(0), 64, 0);
	poll_once();
	CU_ASSERT_EQUAL(rx_status(vf(1), 0, 0), SVNIC_RXD_ST_DONE | SVNIC_RXD_ST_EOP);
	env_down();
}

/* ===================================================================== */
/* VF traffic                                                             */
/* ===================================================================== */

static void
test_vf_traffic(void)
{
	struct svnic_aq_queue_stats qs;

	env_vf_ports();
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_RESOURCES), 2u | (5u << 16));
	rx_post(vf(1), 0, 0, 4);
	rx_post(vf(0), 0, 0, 4);
	rx_post(pf(), 0, 0, 4);
	/* the PF's doorbell of a queue pair of a VF VPort is ignored */
	tx_one(pf(), 8, 0, MAC_VF(1), MAC_VF(0), 60, 0);
	poll_once();
	CU_ASSERT_EQUAL(rx_status(vf(1), 0, 0), 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_DEV_STATUS), SVNIC_STATUS_READY);
	/* summary bits past the VF's queues are noise */
	*(uint64_t *)(vf(0)->bar0 + SVNIC_NOTIFY_TX_SUMMARY(0)) = 1ull << 40;
	poll_once();
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_DEV_STATUS) & SVNIC_STATUS_FAULTED, 0);
	/* VF 0 to VF 1's MAC: VF-relative queue 0 of VF 1, in VF 1's memory */
	tx_one(vf(0), 0, 0, MAC_VF(1), MAC_VF(0), 60, 0);
	poll_once();
	CU_ASSERT(tx_done(vf(0), 0, 0));
	CU_ASSERT_EQUAL(rx_status(vf(1), 0, 0), SVNIC_RXD_ST_DONE | SVNIC_RXD_ST_EOP);
	CU_ASSERT(rx_matches(vf(1), 0, 0, vf(0), 0, 0, 60));
	CU_ASSERT_EQUAL(rx_status(vf(0), 0, 0), 0);
	CU_ASSERT_EQUAL(rx_status(pf(), 0, 0), 0);
	CU_ASSERT_EQUAL(queue_stats(SVNIC_AQ_STATS_RXQ, 16, &qs), 0);
	CU_ASSERT_EQUAL(qs.packets, 1);
	CU_ASSERT_EQUAL(queue_stats(SVNIC_AQ_STATS_TXQ, 8, &qs), 0);
	CU_ASSERT_EQUAL(qs.packets, 1);
	/* and back, and to the PF */
	tx_one(vf(1), 0, 0, MAC_VF(0), MAC_VF(1), 61, 0);
	tx_one(vf(1), 0, 1, MAC_PF, MAC_VF(1), 62, 0);
	poll_once();
	CU_ASSERT(rx_matches(vf(0), 0, 0, vf(1), 0, 0, 61));
	CU_ASSERT(rx_matches(pf(), 0, 0, vf(1), 0, 1, 62));
	/* every VPort's block is GET_STATS's, the moment the packets are seen */
	CU_ASSERT(stats_page_matches(0) && stats_page_matches(1) && stats_page_matches(2));
	CU_ASSERT_EQUAL(stats_block(2)->c.tx_packets, 2);
	CU_ASSERT_EQUAL(stats_block(1)->c.rx_packets, 1);

	/* VF MSE clear: the VFs' doorbells do not reach the device */
	sriov_ctrl(PCI_SRIOV_CTRL_VFE);
	CU_ASSERT_EQUAL(E.vfs_changed_calls, 1);
	tx_one(vf(0), 0, 1, MAC_VF(1), MAC_VF(0), 63, 0);
	poll_once();
	CU_ASSERT_FALSE(tx_done(vf(0), 0, 1));
	CU_ASSERT_EQUAL(rx_status(vf(1), 0, 1), 0);
	/* set again: what was posted goes */
	sriov_ctrl(PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
	poll_once();
	CU_ASSERT(tx_done(vf(0), 0, 1));
	CU_ASSERT(rx_matches(vf(1), 0, 1, vf(0), 0, 1, 63));
	env_down();
}

/*
 * Datapath thread 1's passes, a round at a time, in a thread of its own that
 * spins between rounds, so that its passes start the moment the test's own
 * (thread 0's) do.
 */
struct dp_runner {
	uint32_t go;		/* rounds asked for; UINT32_MAX: stop */
	uint32_t done;		/* rounds run */
};

static void *
dp_runner_main(void *arg)
{
	struct dp_runner *r = arg;
	uint32_t seen = 0, go;
	unsigned int i;

	for (;;) {
		while ((go = __atomic_load_n(&r->go, __ATOMIC_ACQUIRE)) == seen)
			sched_yield();
		if (go == UINT32_MAX)
			return NULL;
		for (i = 0; i < 4; i++)
			emu_dev_poll(E.dev, 1);
		seen = go;
		__atomic_store_n(&r->done, go, __ATOMIC_RELEASE);
	}
}

/*
 * Two datapath threads write into one RX queue at once: the PF's TX is
 * thread 0's, VF 0's is thread 1's, and both send to VF 1, whose queue 0 is
 * written by whichever forwards. Round after round, every frame lands
 * exactly once and whole, and the queue's and the switch's counts are exact.
 */
static void
test_dp_two_threads_one_rx_queue(void)
{
	const uint32_t rounds = 10000, k = 15;
	struct dp_runner run = { 0, 0 };
	struct svnic_aq_queue_stats qs;
	struct svnic_aq_vport_stats vs;
	pthread_t th;
	uint32_t r, i, j, bad = 0;

	env_dp_threads = 2;
	env_vf_ports();
	env_dp_threads = 0;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, dp_runner_main, &run), 0);
	for (r = 0; r < rounds; r++) {
		uint32_t base = (r * 2 * k) % RING_N, from_pf = 0, from_vf = 0;

		rx_post(vf(1), 0, base, 2 * k);
		for (i = 0; i < k; i++) {
			uint32_t ti = (r * k + i) % RING_N;

			tx_one(pf(), 0, ti, MAC_VF(1), MAC_PF, 60 + i, 0);
			tx_one(vf(0), 0, ti, MAC_VF(1), MAC_VF(0), 60 + i, 0);
		}
		__atomic_store_n(&run.go, r + 1, __ATOMIC_RELEASE);
		/* start a little later each round, to sweep across the other's pass */
		for (i = 0; i < (r % 64) * 8; i++)
			__atomic_load_n(&run.done, __ATOMIC_RELAXED);
		for (i = 0; i < 4; i++)
			emu_dev_poll(E.dev, 0);
		while (__atomic_load_n(&run.done, __ATOMIC_ACQUIRE) != r + 1)
			sched_yield();
		for (j = 0; j < 2 * k; j++) {
			uint32_t d = (base + j) % RING_N, len = rxd(vf(1), 0, d)->wb.len, ti;

			i = len - 60;
			ti = (r * k + i) % RING_N;
			if (rx_status(vf(1), 0, d) != (SVNIC_RXD_ST_DONE | SVNIC_RXD_ST_EOP) ||
			    len < 60 || i >= k)
				bad++;
			else if (rx_matches(vf(1), 0, d, pf(), 0, ti, len))
				from_pf |= 1u << i;
			else if (rx_matches(vf(1), 0, d, vf(0), 0, ti, len))
				from_vf |= 1u << i;
			else
				bad++;
		}
		if (from_pf != (1u << k) - 1 || from_vf != (1u << k) - 1)
			bad++;
	}
	__atomic_store_n(&run.go, UINT32_MAX, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(queue_stats(SVNIC_AQ_STATS_RXQ, 16, &qs), 0);
	CU_ASSERT_EQUAL(qs.packets, (uint64_t)rounds * 2 * k);
	CU_ASSERT_EQUAL(vport_stats(2, &vs), 0);
	CU_ASSERT_EQUAL(vs.rx_packets, (uint64_t)rounds * 2 * k);
	env_down();
}

/*
 * One doorbell of broadcasts to seven RX queues: more deliveries than the
 * datapath writes out at once (it flushes them between two holds of the
 * switch), interleaved queue by queue. Every queue gets every frame, in
 * order; and a burst that mixes two unicast destinations keeps each one's order.
 */
static void
test_dp_burst_to_many_queues(void)
{
	static const uint16_t pf_fq[] = { 0, 2, 3, 4, 5 };
	const uint32_t n = RING_N - 1;
	uint32_t i, k;

	env_vf_ports();
	for (k = 1; k < (sizeof(pf_fq) / sizeof(pf_fq[0])); k++) {
		CU_ASSERT_EQUAL(vport_create((uint16_t)(2 + k), SVNIC_AQ_FUNC_PF, pf_fq[k], 1,
					     (uint16_t)(MAC_PF + k)), 0);
		qp_up((uint16_t)(2 + k), pf_fq[k], pf(), pf_fq[k]);
	}
	for (k = 0; k < (sizeof(pf_fq) / sizeof(pf_fq[0])); k++)
		rx_post(pf(), pf_fq[k], 0, n);
	rx_post(vf(1), 0, 0, n);
	rx_post(vf(0), 0, 0, n);
	for (i = 0; i < n; i++) {
		struct svnic_tx_desc *d = txd(vf(0), 0, i);
		uint8_t *f = gp(guest_of(vf(0)), TXB(0, i));

		frame(f, MAC_NOBODY, MAC_VF(0), 60 + i, (uint8_t)i);
		memset(f, 0xff, 6);
		d->addr = TXB(0, i);
		d->len = (uint16_t)(60 + i);
		d->flags = SVNIC_TXD_F_EOP | SVNIC_TXD_F_RS;
	}
	db_tx(vf(0), 0, n);
	poll_once();
	CU_ASSERT(tx_done(vf(0), 0, n - 1));
	for (i = 0; i < n; i++) {
		for (k = 0; k < (sizeof(pf_fq) / sizeof(pf_fq[0])); k++)
			CU_ASSERT(rx_matches(pf(), pf_fq[k], i, vf(0), 0, i, 60 + i));
		CU_ASSERT(rx_matches(vf(1), 0, i, vf(0), 0, i, 60 + i));
	}
	env_down();

	/* unicast to VF 1 and to the PF, alternating in one burst */
	env_vf_ports();
	rx_post(vf(1), 0, 0, 8);
	rx_post(pf(), 0, 0, 8);
	for (i = 0; i < 8; i++) {
		struct svnic_tx_desc *d = txd(vf(0), 0, i);

		frame(gp(guest_of(vf(0)), TXB(0, i)), (i & 1) ? MAC_PF : MAC_VF(1), MAC_VF(0),
		      70 + i, (uint8_t)i);
		d->addr = TXB(0, i);
		d->len = (uint16_t)(70 + i);
		d->flags = SVNIC_TXD_F_EOP | SVNIC_TXD_F_RS;
	}
	db_tx(vf(0), 0, 8);
	poll_once();
	for (i = 0; i < 4; i++) {
		CU_ASSERT(rx_matches(vf(1), 0, i, vf(0), 0, 2 * i, 70 + 2 * i));
		CU_ASSERT(rx_matches(pf(), 0, i, vf(0), 0, 2 * i + 1, 70 + 2 * i + 1));
	}
	CU_ASSERT_EQUAL(rx_status(vf(1), 0, 4), 0);
	CU_ASSERT_EQUAL(rx_status(pf(), 0, 4), 0);
	env_down();
}

/* ===================================================================== */
/* mailbox                                                                */
/* ===================================================================== */

static size_t
mbx_msg(uint8_t *buf, uint16_t op, uint16_t flags, uint32_t seq, uint16_t payload)
{
	uint8_t pl[64];
	uint16_t i;

	for (i = 0; i < payload; i++)
		pl[i] = (uint8_t)(seq + i);
	return svnic_mbx_build(buf, SVNIC_MBX_MSG_MAX, op, flags, seq, 0, pl, payload);
}

/*
 * Spec 1.3, MBX_CTRL.SHARED_TX: MBX_TX only rings the PF (one MBX_MSG per
 * MBX_DB_ACK), the device copies nothing and keeps no TX_BUSY; the mode is
 * set while there are no VFs and a PF reset clears it.
 */
static void
test_mbx_shared_tx(void)
{
	uint8_t msg[SVNIC_MBX_MSG_MAX];
	const struct svnic_eq_entry *e;
	size_t len;

	env_pf_port();
	reg_wr(pf(), SVNIC_REG_MBX_CTRL, 0xffffffffu);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_MBX_CTRL), SVNIC_MBX_CTRL_SHARED_TX);
	vfs_enable(2);
	CU_ASSERT_FATAL(vf(1) != NULL);
	CU_ASSERT_EQUAL(vport_create(1, SVNIC_AQ_FUNC_VF(0), 8, 2, MAC_VF(0)), 0);
	E.nb_evs = 0;
	/* no change while VFs exist; the VFs see the mode in MBX_STATUS and its mirror */
	reg_wr(pf(), SVNIC_REG_MBX_CTRL, 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_MBX_CTRL), SVNIC_MBX_CTRL_SHARED_TX);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_MBX_STATUS), SVNIC_MBX_ST_SHARED_TX);
	CU_ASSERT_EQUAL(*(uint32_t *)(vf(0)->bar0 + SVNIC_NOTIFY_MBX_STATUS),
			SVNIC_MBX_ST_SHARED_TX);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_MBX_CTRL), 0);	/* PF only */

	len = mbx_msg(msg, SVNIC_MBX_OP_HELLO, 0, 7, 24);
	memcpy(vf(0)->bar0 + SVNIC_VF_MBX_TX_WIN, msg, len);
	reg_wr(vf(0), SVNIC_REG_MBX_TX, (uint32_t)len);
	e = ev_last(SVNIC_EQ_EV_MBX_MSG, 0);
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(e->param0, len);
	CU_ASSERT_EQUAL(e->param1, SVNIC_EQ_MBX_SHARED);
	/* nothing held: no TX_BUSY, nothing for MBX_RECV */
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_MBX_STATUS), SVNIC_MBX_ST_SHARED_TX);
	CU_ASSERT_EQUAL(mbx_recv(0, 2048), -ENOENT);
	/* until the PF acknowledges, more doorbells raise nothing */
	reg_wr(vf(0), SVNIC_REG_MBX_TX, (uint32_t)len);
	reg_wr(vf(0), SVNIC_REG_MBX_TX, (uint32_t)len);
	CU_ASSERT_EQUAL(ev_count(SVNIC_EQ_EV_MBX_MSG, 0), 1);
	/* an ack for another VF, or for none, changes nothing of VF 0's */
	reg_wr(pf(), SVNIC_REG_MBX_DB_ACK, 1);
	reg_wr(pf(), SVNIC_REG_MBX_DB_ACK, 0x10000);
	reg_wr(pf(), SVNIC_REG_MBX_DB_ACK, 200);
	reg_wr(vf(0), SVNIC_REG_MBX_TX, (uint32_t)len);
	CU_ASSERT_EQUAL(ev_count(SVNIC_EQ_EV_MBX_MSG, 0), 1);
	reg_wr(pf(), SVNIC_REG_MBX_DB_ACK, 0);
	reg_wr(vf(0), SVNIC_REG_MBX_TX, (uint32_t)len);
	CU_ASSERT_EQUAL(ev_count(SVNIC_EQ_EV_MBX_MSG, 0), 2);
	/* a bad length still faults the VF */
	reg_wr(pf(), SVNIC_REG_MBX_DB_ACK, 0);
	reg_wr(vf(0), SVNIC_REG_MBX_TX, 3);
	CU_ASSERT(reg_rd(vf(0), SVNIC_REG_DEV_STATUS) & SVNIC_STATUS_FAULTED);
	CU_ASSERT_EQUAL(ev_count(SVNIC_EQ_EV_MBX_MSG, 0), 2);
	/* a VF reset forgets the pending doorbell: the next one rings */
	reg_wr(pf(), SVNIC_REG_MBX_DB_ACK, 1);
	reg_wr(vf(1), SVNIC_REG_MBX_TX, (uint32_t)len);
	CU_ASSERT_EQUAL(ev_count(SVNIC_EQ_EV_MBX_MSG, 1), 1);
	reg_wr(vf(1), SVNIC_REG_DEV_CTRL, SVNIC_CTRL_RESET);
	reg_wr(vf(1), SVNIC_REG_MBX_TX, (uint32_t)len);
	CU_ASSERT_EQUAL(ev_count(SVNIC_EQ_EV_MBX_MSG, 1), 2);
	/* the RX side is the 1.0 one: MBX_SEND places, the VF acknowledges */
	len = mbx_msg(msg, SVNIC_MBX_OP_HELLO, SVNIC_MBX_F_REPLY, 7, 0);
	CU_ASSERT_EQUAL(mbx_send(1, msg, len), 0);
	CU_ASSERT(reg_rd(vf(1), SVNIC_REG_MBX_STATUS) & SVNIC_MBX_ST_RX_VALID);
	/* an acknowledgement of a shared-RX message is not the device's: ignored */
	reg_wr(vf(1), SVNIC_REG_MBX_RX_ACK, SVNIC_MBX_ACK | SVNIC_MBX_ACK_SHARED);
	CU_ASSERT(reg_rd(vf(1), SVNIC_REG_MBX_STATUS) & SVNIC_MBX_ST_RX_VALID);
	CU_ASSERT_EQUAL(ev_count(SVNIC_EQ_EV_MBX_RX_DONE, 1), 0);
	/* MBX_RX_NOTIFY raises the VF's MBX_RX for a message the PF wrote itself */
	reg_wr(vf(0), SVNIC_REG_INT_CAUSE, 0xffffffffu);
	reg_wr(pf(), SVNIC_REG_MBX_RX_NOTIFY, 0);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_INT_CAUSE) & SVNIC_INT_MBX_RX, SVNIC_INT_MBX_RX);
	CU_ASSERT_EQUAL(reg_rd(vf(1), SVNIC_REG_INT_CAUSE) & SVNIC_INT_MBX_RX, SVNIC_INT_MBX_RX);
	reg_wr(vf(1), SVNIC_REG_INT_CAUSE, 0xffffffffu);
	reg_wr(pf(), SVNIC_REG_MBX_RX_NOTIFY, 0x10001);
	CU_ASSERT_EQUAL(reg_rd(vf(1), SVNIC_REG_INT_CAUSE) & SVNIC_INT_MBX_RX, 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_MBX_RX_NOTIFY), 0);
	/* a PF reset goes back to the copied mailbox, and says so to the VFs */
	reg_wr(pf(), SVNIC_REG_DEV_CTRL, SVNIC_CTRL_RESET);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_MBX_CTRL), 0);
	CU_ASSERT_EQUAL(reg_rd(vf(1), SVNIC_REG_MBX_STATUS) & SVNIC_MBX_ST_SHARED_TX, 0);
	CU_ASSERT_EQUAL(*(uint32_t *)(vf(1)->bar0 + SVNIC_NOTIFY_MBX_STATUS) &
			SVNIC_MBX_ST_SHARED_TX, 0);
	env_down();
}

static void
test_mbx_bad_length_faults_vf(void)
{
	const struct svnic_eq_entry *e;

	env_vf_ports();
	reg_wr(vf(0), SVNIC_REG_MBX_TX, 15);
	CU_ASSERT(reg_rd(vf(0), SVNIC_REG_DEV_STATUS) & SVNIC_STATUS_FAULTED);
	CU_ASSERT(reg_rd(vf(0), SVNIC_REG_INT_CAUSE) & SVNIC_INT_FAULT);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_MBX_STATUS), 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_VF_FAULTED(0)), 1u << 0);
	e = ev_last(SVNIC_EQ_EV_FAULT, 0);
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(e->param0, SVNIC_EQ_FAULT_MBX);
	CU_ASSERT_EQUAL(ev_count(SVNIC_EQ_EV_MBX_MSG, 0), 0);
	reg_wr(vf(1), SVNIC_REG_MBX_TX, 2049);
	CU_ASSERT(reg_rd(vf(1), SVNIC_REG_DEV_STATUS) & SVNIC_STATUS_FAULTED);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_VF_FAULTED(0)), 3u);
	CU_ASSERT_EQUAL(ev_count(SVNIC_EQ_EV_FAULT, 1), 1);
	/* the PF is not: its admin queue and datapath work */
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_DEV_STATUS), SVNIC_STATUS_READY);
	CU_ASSERT_EQUAL(aq_cmd_out(SVNIC_AQ_OP_IDENTIFY, NULL, 0, 128), 0);
	rx_post(pf(), 0, 0, 2);
	tx_one(pf(), 0, 0, MAC_NOBODY, MAC_PF, 60, 0);
	poll_once();
	CU_ASSERT_EQUAL(rx_status(pf(), 0, 0), SVNIC_RXD_ST_DONE | SVNIC_RXD_ST_EOP);
	env_down();
}

static void
test_mbx_round_trip(void)
{
	uint8_t msg[SVNIC_MBX_MSG_MAX], reply[SVNIC_MBX_MSG_MAX];
	const struct svnic_eq_entry *e;
	size_t len, rlen;
	uint8_t *txw;

	env_vf_ports();
	txw = vf(0)->bar0 + SVNIC_VF_MBX_TX_WIN;
	/* nothing pending yet */
	CU_ASSERT_EQUAL(mbx_recv(0, 2048), -ENOENT);
	len = mbx_msg(msg, SVNIC_MBX_OP_HELLO, 0, 7, 24);
	CU_ASSERT_EQUAL(len, 40);
	memcpy(txw, msg, len);
	reg_wr(vf(0), SVNIC_REG_MBX_TX, (uint32_t)len);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_MBX_STATUS), SVNIC_MBX_ST_TX_BUSY);
	/* the device took a copy: later window writes change nothing */
	memset(txw, 0xee, len);
	/* a second submission while busy is dropped, even a bad one */
	reg_wr(vf(0), SVNIC_REG_MBX_TX, 3);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_DEV_STATUS) & SVNIC_STATUS_FAULTED, 0);
	e = ev_last(SVNIC_EQ_EV_MBX_MSG, 0);
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(e->param0, len);
	CU_ASSERT_EQUAL(ev_count(SVNIC_EQ_EV_MBX_MSG, 0), 1);
	CU_ASSERT(reg_rd(pf(), SVNIC_REG_INT_CAUSE) & SVNIC_INT_EVENT);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_EQ_TAIL), E.eq_head);
	/* a buffer shorter than the message: it stays pending */
	CU_ASSERT_EQUAL(mbx_recv(0, 32), -EMSGSIZE);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_MBX_STATUS), SVNIC_MBX_ST_TX_BUSY);
	CU_ASSERT_EQUAL(mbx_recv(1, 2048), -ENOENT);
	CU_ASSERT_EQUAL(mbx_recv(0, 2048), 0);
	CU_ASSERT_EQUAL(E.ret_val, len);
	CU_ASSERT_EQUAL(memcmp(gp(&E.pf_mem, BUF_IOVA), msg, len), 0);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_MBX_STATUS), 0);
	CU_ASSERT(reg_rd(vf(0), SVNIC_REG_INT_CAUSE) & SVNIC_INT_MBX_TX_DONE);
	CU_ASSERT_EQUAL(mbx_recv(0, 2048), -ENOENT);

	/* PF to VF */
	rlen = mbx_msg(reply, SVNIC_MBX_OP_HELLO, SVNIC_MBX_F_REPLY, 7, 8);
	CU_ASSERT_EQUAL(mbx_send(3, reply, (uint32_t)rlen), -ENOENT);
	CU_ASSERT_EQUAL(mbx_send(0, reply, (uint32_t)rlen), 0);
	/* the first message placed flips RX_SEQ (spec 1.2) */
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_MBX_STATUS),
			SVNIC_MBX_ST_RX_VALID | SVNIC_MBX_ST_RX_SEQ |
			((uint32_t)rlen << SVNIC_MBX_ST_RX_LEN_SHIFT));
	CU_ASSERT(reg_rd(vf(0), SVNIC_REG_INT_CAUSE) & SVNIC_INT_MBX_RX);
	CU_ASSERT_EQUAL(memcmp(vf(0)->bar0 + SVNIC_VF_MBX_RX_WIN, reply, rlen), 0);
	/* the window is full until the VF acknowledges */
	CU_ASSERT_EQUAL(mbx_send(0, reply, (uint32_t)rlen), -EAGAIN);
	reg_wr(vf(0), SVNIC_REG_MBX_RX_ACK, 0);
	CU_ASSERT(reg_rd(vf(0), SVNIC_REG_MBX_STATUS) & SVNIC_MBX_ST_RX_VALID);
	/* an ack naming another message (RX_SEQ 0; this one is 1) is ignored */
	reg_wr(vf(0), SVNIC_REG_MBX_RX_ACK, SVNIC_MBX_ACK | SVNIC_MBX_ACK_SEQ_CHECK);
	CU_ASSERT(reg_rd(vf(0), SVNIC_REG_MBX_STATUS) & SVNIC_MBX_ST_RX_VALID);
	reg_wr(vf(0), SVNIC_REG_MBX_RX_ACK,
	       SVNIC_MBX_ACK | SVNIC_MBX_ACK_SEQ_CHECK | SVNIC_MBX_ACK_RX_SEQ);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_MBX_STATUS), SVNIC_MBX_ST_RX_SEQ);
	CU_ASSERT_EQUAL(ev_count(SVNIC_EQ_EV_MBX_RX_DONE, 0), 1);
	CU_ASSERT_EQUAL(mbx_send(0, reply, (uint32_t)rlen), 0);
	/* the next one flips it back; the mirror says the same as the register */
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_MBX_STATUS) & SVNIC_MBX_ST_RX_SEQ, 0);
	CU_ASSERT_EQUAL(*(uint32_t *)(vf(0)->bar0 + SVNIC_NOTIFY_MBX_STATUS),
			reg_rd(vf(0), SVNIC_REG_MBX_STATUS));
	/* a message whose header disagrees with the buffer is refused */
	CU_ASSERT_EQUAL(mbx_send(1, reply, (uint32_t)rlen - 1), -EMSGSIZE);
	/* the largest message */
	len = mbx_msg(msg, SVNIC_MBX_OP_HELLO, 0, 8, 0);
	((struct svnic_mbx_hdr *)msg)->len = SVNIC_MBX_MSG_MAX - 16;
	memcpy(vf(1)->bar0 + SVNIC_VF_MBX_TX_WIN, msg, SVNIC_MBX_MSG_MAX);
	reg_wr(vf(1), SVNIC_REG_MBX_TX, SVNIC_MBX_MSG_MAX);
	CU_ASSERT_EQUAL(reg_rd(vf(1), SVNIC_REG_MBX_STATUS), SVNIC_MBX_ST_TX_BUSY);
	CU_ASSERT_EQUAL(mbx_recv(1, 2048), 0);
	CU_ASSERT_EQUAL(E.ret_val, SVNIC_MBX_MSG_MAX);
	env_down();
}

/* ===================================================================== */
/* isolation                                                              */
/* ===================================================================== */

static void
test_isolation_vf_fault(void)
{
	const struct svnic_eq_entry *e;
	struct svnic_aq_queue_stats qs;

	env_vf_ports();
	rx_post(vf(0), 0, 0, 8);
	rx_post(vf(1), 0, 0, 8);
	rx_post(pf(), 0, 0, 8);
	/* VF 0's TX buffer outside its map: VF 0 is faulted */
	tx_one(vf(0), 0, 0, MAC_VF(1), MAC_VF(0), 60, 0);
	txd(vf(0), 0, 0)->addr = 0x1000;
	poll_once();
	CU_ASSERT_FALSE(tx_done(vf(0), 0, 0));
	CU_ASSERT_EQUAL(rx_status(vf(1), 0, 0), 0);
	CU_ASSERT(reg_rd(vf(0), SVNIC_REG_DEV_STATUS) & SVNIC_STATUS_FAULTED);
	CU_ASSERT(reg_rd(vf(0), SVNIC_REG_INT_CAUSE) & SVNIC_INT_FAULT);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_VF_FAULTED(0)), 1u);
	e = ev_last(SVNIC_EQ_EV_FAULT, 0);
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(e->param0, SVNIC_EQ_FAULT_DMA_UNMAPPED);
	CU_ASSERT_EQUAL(e->param1, SVNIC_EQ_FAULT_Q_TX | 0);
	CU_ASSERT_EQUAL(e->param2, 0x1000);
	/* the others keep moving packets */
	tx_one(vf(1), 0, 0, MAC_PF, MAC_VF(1), 60, 0);
	tx_one(pf(), 0, 0, MAC_VF(1), MAC_PF, 61, 0);
	tx_one(pf(), 0, 1, MAC_VF(0), MAC_PF, 62, 0);
	poll_once();
	CU_ASSERT(rx_matches(pf(), 0, 0, vf(1), 0, 0, 60));
	CU_ASSERT(rx_matches(vf(1), 0, 0, pf(), 0, 0, 61));
	/* nothing reaches the faulted VF, nothing leaves it */
	CU_ASSERT_EQUAL(rx_status(vf(0), 0, 0), 0);
	CU_ASSERT_EQUAL(queue_stats(SVNIC_AQ_STATS_RXQ, 8, &qs), 0);
	CU_ASSERT_EQUAL(qs.dropped, 1);
	txd(vf(0), 0, 0)->addr = TXB(0, 0);
	db_tx(vf(0), 0, 1);
	poll_once();
	CU_ASSERT_FALSE(tx_done(vf(0), 0, 0));
	CU_ASSERT_EQUAL(rx_status(vf(1), 0, 1), 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_DEV_STATUS), SVNIC_STATUS_READY);
	/* its own reset clears it: VPort kept, queues to enable again */
	reg_wr(vf(0), SVNIC_REG_DEV_CTRL, SVNIC_CTRL_RESET);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_DEV_STATUS),
			SVNIC_STATUS_READY | SVNIC_STATUS_VPORT);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_VF_FAULTED(0)), 0);
	CU_ASSERT_EQUAL(ev_count(SVNIC_EQ_EV_VF_RESET, 0), 1);
	qp_up(1, 8, vf(0), 0);
	rx_post(vf(0), 0, 0, 8);
	tx_one(vf(0), 0, 0, MAC_VF(1), MAC_VF(0), 64, 0);
	tx_one(pf(), 0, 2, MAC_VF(0), MAC_PF, 65, 0);
	poll_once();
	CU_ASSERT(tx_done(vf(0), 0, 0));
	CU_ASSERT(rx_matches(vf(1), 0, 1, vf(0), 0, 0, 64));
	CU_ASSERT(rx_matches(vf(0), 0, 0, pf(), 0, 2, 65));
	env_down();
}

static void
test_isolation_vf_ring_and_perm(void)
{
	const struct svnic_eq_entry *e;

	env_vf_ports();
	rx_post(vf(1), 0, 0, 8);
	rx_post(pf(), 0, 0, 8);
	/* VF 0 unmapped its TX ring (the PF's map still covers that IOVA) */
	tx_one(vf(0), 0, 0, MAC_VF(1), MAC_VF(0), 60, 0);
	E.vf_mem[0].map_size = TXR(0) - G_IOVA;
	poll_once();
	E.vf_mem[0].map_size = G_SIZE;
	CU_ASSERT(reg_rd(vf(0), SVNIC_REG_DEV_STATUS) & SVNIC_STATUS_FAULTED);
	e = ev_last(SVNIC_EQ_EV_FAULT, 0);
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(e->param0, SVNIC_EQ_FAULT_DMA_UNMAPPED);
	CU_ASSERT_EQUAL(e->param2, TXR(0));
	/* a VF_RESET command clears it, without a VF_RESET event */
	CU_ASSERT_EQUAL(vf_cmd(SVNIC_AQ_OP_VF_RESET, 0), 0);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_DEV_STATUS) & SVNIC_STATUS_FAULTED, 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_VF_FAULTED(0)), 0);
	CU_ASSERT_EQUAL(ev_count(SVNIC_EQ_EV_VF_RESET, 0), 0);
	/* VF 1's RX buffer read-only: a DMA_PERM fault of VF 1, nothing written */
	E.vf_mem[1].ro_lo = RXB(0, 0);
	E.vf_mem[1].ro_hi = RXB(0, 1);
	tx_one(pf(), 0, 0, MAC_VF(1), MAC_PF, 60, 0);
	poll_once();
	check_rx_perm_fault(1, 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_VF_FAULTED(0)), 2u);
	/* the PF is untouched */
	CU_ASSERT(tx_done(pf(), 0, 0));
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_DEV_STATUS), SVNIC_STATUS_READY);
	env_down();
}

static void
test_isolation_head_wb_perm(void)
{
	struct svnic_aq_queue_cfg q;
	const struct svnic_eq_entry *e;
	uint64_t hwb = 0x180000;

	env_vf_ports();
	CU_ASSERT_EQUAL(qoff(2, 16, SVNIC_AQ_QTYPE_TX), 0);
	memset(&q, 0, sizeof(q));
	q.queue = 16;
	q.type = SVNIC_AQ_QTYPE_TX;
	q.flags = SVNIC_AQ_QCFG_F_ENABLE | SVNIC_AQ_QCFG_F_HEAD_WB;
	q.vport_id = 2;
	q.ring_size = RING_N;
	q.ring_addr = TXR(0);
	q.head_wb_addr = hwb;
	CU_ASSERT_EQUAL(aq_cmd(SVNIC_AQ_OP_QUEUE_CONFIG, 0, &q, sizeof(q), 0, 0), 0);
	rx_post(vf(0), 0, 0, 4);
	tx_one(vf(1), 0, 0, MAC_VF(0), MAC_VF(1), 60, 0);
	tx_one(vf(1), 0, 1, MAC_VF(0), MAC_VF(1), 60, 0);
	poll_once();
	CU_ASSERT_EQUAL(*(uint32_t *)gp(&E.vf_mem[1], hwb), 2);
	/* the head write-back turned read-only: a fault, like any other DMA */
	E.vf_mem[1].ro_lo = hwb;
	E.vf_mem[1].ro_hi = hwb + 4;
	tx_one(vf(1), 0, 2, MAC_VF(0), MAC_VF(1), 60, 0);
	poll_once();
	CU_ASSERT(reg_rd(vf(1), SVNIC_REG_DEV_STATUS) & SVNIC_STATUS_FAULTED);
	CU_ASSERT_EQUAL(*(uint32_t *)gp(&E.vf_mem[1], hwb), 2);
	e = ev_last(SVNIC_EQ_EV_FAULT, 1);
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(e->param0, SVNIC_EQ_FAULT_DMA_PERM);
	CU_ASSERT_EQUAL(e->param2, hwb);
	env_down();
}

/* ===================================================================== */
/* resets                                                                 */
/* ===================================================================== */

static void
check_reset_notice(struct emu_func *f, uint32_t reason)
{
	const uint8_t *w = f->bar0 + SVNIC_VF_MBX_RX_WIN;
	struct svnic_mbx_hdr h;
	struct svnic_mbx_reset_notice n;
	uint32_t st = reg_rd(f, SVNIC_REG_MBX_STATUS);

	CU_ASSERT(st & SVNIC_MBX_ST_RX_VALID);
	CU_ASSERT_EQUAL((st & SVNIC_MBX_ST_RX_LEN_MASK) >> SVNIC_MBX_ST_RX_LEN_SHIFT,
			sizeof(h) + sizeof(n));
	memcpy(&h, w, sizeof(h));
	memcpy(&n, w + sizeof(h), sizeof(n));
	CU_ASSERT_EQUAL(h.opcode, SVNIC_MBX_OP_RESET_NOTICE);
	CU_ASSERT_EQUAL(h.flags, SVNIC_MBX_F_NOTICE);
	CU_ASSERT_EQUAL(h.seq, 0);
	CU_ASSERT_EQUAL(h.len, sizeof(n));
	CU_ASSERT_EQUAL(n.reason, reason);
	CU_ASSERT_EQUAL((reg_rd(f, SVNIC_REG_INT_CAUSE) & (SVNIC_INT_RESET | SVNIC_INT_MBX_RX)),
			SVNIC_INT_RESET | SVNIC_INT_MBX_RX);
	CU_ASSERT_EQUAL(svnic_mbx_validate_from_pf(w, sizeof(h) + sizeof(n), 0), 0);
}

/* Dirty VF 0: page 0, a pending mailbox message, traffic in its queue stats. */
static void
vf0_dirty(void)
{
	uint8_t msg[64];
	size_t len = mbx_msg(msg, SVNIC_MBX_OP_HELLO, 0, 1, 8);

	reg_wr(vf(0), SVNIC_REG_INT_MASK, 0);
	reg_wr(vf(0), SVNIC_REG_INT_VECTOR, 2);
	reg_wr(vf(0), SVNIC_REG_DEV_CTRL, SVNIC_CTRL_DRV_LOAD);
	memcpy(vf(0)->bar0 + SVNIC_VF_MBX_TX_WIN, msg, len);
	reg_wr(vf(0), SVNIC_REG_MBX_TX, (uint32_t)len);
	rx_post(vf(1), 0, 0, 4);
	tx_one(vf(0), 0, 0, MAC_VF(1), MAC_VF(0), 60, 0);
	poll_once();
	CU_ASSERT(tx_done(vf(0), 0, 0));
	*(uint32_t *)(vf(0)->bar0 + SVNIC_VF_DB(1)) = 7;
	E.nb_evs = 0;
	ev_collect();
	E.nb_evs = 0;
}

static void
check_vf0_clean(void)
{
	struct svnic_aq_queue_stats qs;

	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_INT_MASK), SVNIC_RST_INT_MASK_VF);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_INT_VECTOR), 0);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_DEV_CTRL), 0);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_MBX_STATUS) & SVNIC_MBX_ST_TX_BUSY, 0);
	CU_ASSERT_EQUAL(*(uint32_t *)(vf(0)->bar0 + SVNIC_VF_DB(1)), 0);
	CU_ASSERT_EQUAL(mbx_recv(0, 2048), -ENOENT);
	CU_ASSERT_EQUAL(queue_stats(SVNIC_AQ_STATS_TXQ, 8, &qs), 0);
	CU_ASSERT_EQUAL(qs.packets, 0);
	/* VPort kept, queues disabled: enabling them again is no EBUSY */
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_DEV_STATUS),
			SVNIC_STATUS_READY | SVNIC_STATUS_VPORT);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_RESOURCES), 2u | (5u << 16));
	qp_up(1, 8, vf(0), 0);
}

static void
test_reset_vf_reset_cmd(void)
{
	uint8_t m[64];
	size_t ml = mbx_msg(m, SVNIC_MBX_OP_HELLO, SVNIC_MBX_F_REPLY, 7, 8);

	env_vf_ports();
	/* one message taken: RX_SEQ is 1 */
	CU_ASSERT_EQUAL(mbx_send(0, m, (uint32_t)ml), 0);
	reg_wr(vf(0), SVNIC_REG_MBX_RX_ACK, 1);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_MBX_STATUS), SVNIC_MBX_ST_RX_SEQ);
	vf0_dirty();
	CU_ASSERT_EQUAL(vf_cmd(SVNIC_AQ_OP_VF_RESET, 3), -ENOENT);
	CU_ASSERT_EQUAL(vf_cmd(SVNIC_AQ_OP_VF_RESET, 0), 0);
	check_vf0_clean();
	check_reset_notice(vf(0), SVNIC_MBX_RESET_OPERATOR);
	/* the notice flipped it back to 0: the reset did not clear it first */
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_MBX_STATUS) & SVNIC_MBX_ST_RX_SEQ, 0);
	CU_ASSERT_EQUAL(ev_count(SVNIC_EQ_EV_VF_RESET, 0), 0);
	/* the other VF saw nothing */
	CU_ASSERT_EQUAL(reg_rd(vf(1), SVNIC_REG_MBX_STATUS), 0);
	CU_ASSERT_EQUAL(reg_rd(vf(1), SVNIC_REG_INT_CAUSE) & SVNIC_INT_RESET, 0);
	env_down();
}

static void
test_reset_vf_dev_ctrl(void)
{
	const struct svnic_eq_entry *e;

	env_vf_ports();
	vf0_dirty();
	reg_wr(vf(0), SVNIC_REG_DEV_CTRL, SVNIC_CTRL_RESET);
	check_vf0_clean();
	/* it knows: no notice, no RESET cause; the PF hears of it */
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_MBX_STATUS), 0);
	CU_ASSERT_EQUAL(reg_rd(vf(0), SVNIC_REG_INT_CAUSE) & SVNIC_INT_RESET, 0);
	e = ev_last(SVNIC_EQ_EV_VF_RESET, 0);
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(e->param0, SVNIC_EQ_VF_RESET_CTRL);
	env_down();
}

static void
test_reset_vf_flr(void)
{
	const struct svnic_eq_entry *e;
	uint32_t devctl = SVNIC_EMU_PCI_PCIE_CAP + PCI_EXP_DEVCTL;

	/* FLR in the VF's own config space: a VF_RESET event with reason FLR */
	env_vf_ports();
	vf0_dirty();
	cfg_wr(vf(0), devctl, cfg_rd(vf(0), devctl, 2) | PCI_EXP_DEVCTL_BCR_FLR, 2);
	check_vf0_clean();
	e = ev_last(SVNIC_EQ_EV_VF_RESET, 0);
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(e->param0, SVNIC_EQ_VF_RESET_FLR);
	env_down();

	/* Initiate FLR through VF_CONFIG_WRITE: as VF_RESET */
	env_vf_ports();
	vf0_dirty();
	CU_ASSERT_EQUAL(vf_cfg_write(0, devctl + 1, 1, PCI_EXP_DEVCTL_BCR_FLR >> 8), 0);
	check_vf0_clean();
	check_reset_notice(vf(0), SVNIC_MBX_RESET_OPERATOR);
	CU_ASSERT_EQUAL(ev_count(SVNIC_EQ_EV_VF_RESET, 0), 0);
	env_down();
}

static void
test_reset_pf(void)
{
	uint16_t i;

	env_vf_ports();
	reg_wr(pf(), SVNIC_REG_INT_MASK, 0);
	reg_wr(vf(1), SVNIC_REG_MBX_TX, 3);		/* VF 1 faulted */
	*(uint64_t *)(pf()->bar0 + SVNIC_NOTIFY_TX_SUMMARY(0)) = 2;
	reg_wr(pf(), SVNIC_REG_DEV_CTRL, SVNIC_CTRL_RESET);
	emu_dev_housekeeping(E.dev);
	/* the PF: page 0 at reset values, admin and event queues off */
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_INT_MASK), SVNIC_RST_INT_MASK_PF);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_AQ_LEN), 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_EQ_LEN), 0);
	CU_ASSERT_EQUAL(*(uint64_t *)(pf()->bar0 + SVNIC_NOTIFY_TX_SUMMARY(0)), 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_VF_FAULTED(0)), 0);
	/* the VFs stay, reset and told */
	CU_ASSERT_EQUAL(E.vfs_changed_calls, 1);
	for (i = 0; i < 2; i++) {
		CU_ASSERT_FATAL(vf(i) != NULL);
		check_reset_notice(vf(i), SVNIC_MBX_RESET_PF);
		CU_ASSERT_EQUAL(reg_rd(vf(i), SVNIC_REG_DEV_STATUS), SVNIC_STATUS_READY);
		CU_ASSERT_EQUAL(reg_rd(vf(i), SVNIC_REG_RESOURCES), 5u << 16);
	}
	CU_ASSERT_EQUAL(cfg_rd(pf(), SVNIC_EMU_PCI_SRIOV_CAP + PCI_SRIOV_CTRL, 2),
			PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
	/* every VPort and queue is gone */
	aq_setup();
	eq_setup();
	for (i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(vport_delete(i), -ENOENT);
	CU_ASSERT_EQUAL(vport_create(0, SVNIC_AQ_FUNC_PF, 0, 2, MAC_PF), 0);
	CU_ASSERT_EQUAL(vport_create(1, SVNIC_AQ_FUNC_VF(0), 8, 2, MAC_VF(0)), 0);
	qp_up(0, 0, pf(), 0);
	qp_up(1, 8, vf(0), 0);
	/* traffic again, PF to VF */
	rx_post(vf(0), 0, 0, 2);
	tx_one(pf(), 0, 0, MAC_VF(0), MAC_PF, 60, 0);
	poll_once();
	CU_ASSERT(rx_matches(vf(0), 0, 0, pf(), 0, 0, 60));
	env_down();
}

static void
test_reset_pf_clears_rss(void)
{
	uint8_t b[sizeof(struct svnic_aq_rss_buf) + 2 * 8];
	struct svnic_aq_rss_buf *rb = (void *)b;
	struct svnic_aq_rss r;
	unsigned int i;

	env_up(false);
	CU_ASSERT_EQUAL(vport_create(0, SVNIC_AQ_FUNC_PF, 0, 4, MAC_PF), 0);
	memset(&r, 0, sizeof(r));
	memset(b, 0, sizeof(b));
	r.key_len = SVNIC_RSS_KEY_MAX;
	r.table_len = 8;
	r.hash_types = SVNIC_RSS_HF_IPV4;
	for (i = 0; i < 8; i++)
		rb->table[i] = 3;
	CU_ASSERT_EQUAL(aq_cmd_in(SVNIC_AQ_OP_RSS_CONFIG, &r, sizeof(r), b, sizeof(b)), 0);
	reg_wr(pf(), SVNIC_REG_DEV_CTRL, SVNIC_CTRL_RESET);
	aq_setup();
	/* a new VPort 0 with one queue: "keep the table" keeps no old table */
	CU_ASSERT_EQUAL(vport_create(0, SVNIC_AQ_FUNC_PF, 0, 1, MAC_PF), 0);
	r.key_len = 0;
	r.table_len = 0;
	CU_ASSERT_EQUAL(aq_cmd_in(SVNIC_AQ_OP_RSS_CONFIG, &r, sizeof(r), b, 64), 0);
	env_down();
}

static void
test_reset_pf_flr(void)
{
	uint32_t devctl = SVNIC_EMU_PCI_PCIE_CAP + PCI_EXP_DEVCTL;

	env_vf_ports();
	cfg_wr(pf(), devctl, cfg_rd(pf(), devctl, 2) | PCI_EXP_DEVCTL_BCR_FLR, 2);
	CU_ASSERT_EQUAL(cfg_rd(pf(), SVNIC_EMU_PCI_SRIOV_CAP + PCI_SRIOV_CTRL, 2), 0);
	CU_ASSERT_EQUAL(reg_rd(pf(), SVNIC_REG_AQ_LEN), 0);
	emu_dev_housekeeping(E.dev);
	CU_ASSERT_EQUAL(E.vfs_changed_calls, 2);
	CU_ASSERT_EQUAL(E.last_num_vfs, 0);
	CU_ASSERT_EQUAL(vf(0), NULL);
	aq_setup();
	CU_ASSERT_EQUAL(vport_delete(0), -ENOENT);
	CU_ASSERT_EQUAL(vport_delete(1), -ENOENT);
	env_down();
}

/* ===================================================================== */
/* threads                                                                */
/* ===================================================================== */

static void
test_threads(void)
{
	struct timespec ts = { 0, 200000 };
	unsigned int i, n;

	env_vf_ports();
	rx_post(pf(), 0, 0, 16);
	rx_post(vf(1), 0, 0, 16);
	CU_ASSERT_EQUAL(emu_dev_start(E.dev), 0);
	for (n = 0; n < 8; n++) {
		tx_one(pf(), 0, n, MAC_NOBODY, MAC_PF, 60 + n, 0);
		tx_one(vf(0), 0, n, MAC_VF(1), MAC_VF(0), 70 + n, 0);
		for (i = 0; i < 10000; i++) {
			if ((rx_status(pf(), 0, n) & SVNIC_RXD_ST_DONE) &&
			    (rx_status(vf(1), 0, n) & SVNIC_RXD_ST_DONE))
				break;
			nanosleep(&ts, NULL);
		}
		CU_ASSERT(rx_matches(pf(), 0, n, pf(), 0, n, 60 + n));
		CU_ASSERT(rx_matches(vf(1), 0, n, vf(0), 0, n, 70 + n));
		/* let it fall asleep now and then: the doorbell kicks it */
		if (n == 3)
			usleep(20000);
	}
	/* control-path work while it runs */
	CU_ASSERT_EQUAL(aq_cmd_out(SVNIC_AQ_OP_IDENTIFY, NULL, 0, 128), 0);
	emu_dev_stop(E.dev);
	/* stopped: nothing moves any more */
	tx_one(pf(), 0, 8, MAC_NOBODY, MAC_PF, 60, 0);
	usleep(5000);
	CU_ASSERT_FALSE(tx_done(pf(), 0, 8));
	env_down();
}

/* A tail left in the doorbell slot from a queue's earlier life is not new work. */
static void
test_dp_enable_clears_stale_tail(void)
{
	env_pf_port();
	db_tx(pf(), 0, 5);
	db_rx(pf(), 0, 7);
	CU_ASSERT_EQUAL(qoff(0, 0, SVNIC_AQ_QTYPE_TX), 0);
	CU_ASSERT_EQUAL(qoff(0, 0, SVNIC_AQ_QTYPE_RX), 0);
	CU_ASSERT_EQUAL(qcfg(0, 0, SVNIC_AQ_QTYPE_TX, TXR(0), 0, 0), 0);
	CU_ASSERT_EQUAL(qcfg(0, 0, SVNIC_AQ_QTYPE_RX, RXR(0), 0, 0), 0);
	CU_ASSERT_EQUAL(*(uint32_t *)(pf()->bar0 + db_off(pf(), 0) + SVNIC_DB_TX_TAIL), 0);
	CU_ASSERT_EQUAL(*(uint32_t *)(pf()->bar0 + db_off(pf(), 0) + SVNIC_DB_RX_TAIL), 0);
	poll_once();
	CU_ASSERT_EQUAL(pf()->dev->txq[0].packets, 0);
	CU_ASSERT_FALSE(pf()->faulted);
	env_down();
}

static CU_TestInfo page0_tests[] = {
	UNIT_TEST(test_page0_odd_accesses_ignored),
	UNIT_TEST(test_page0_identity),
	UNIT_TEST(test_page0_int_cause_mask),
	UNIT_TEST(test_page0_eq_arm),
	UNIT_TEST(test_page0_dev_ctrl_reset),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo adminq_tests[] = {
	UNIT_TEST(test_aq_bringup_refused),
	UNIT_TEST(test_aq_bad_commands),
	UNIT_TEST(test_aq_vport_errors),
	UNIT_TEST(test_aq_queue_config_errors),
	UNIT_TEST(test_aq_filters),
	UNIT_TEST(test_aq_rss),
	UNIT_TEST(test_aq_stats),
	UNIT_TEST(test_aq_completion),
	UNIT_TEST(test_aq_identify),
	UNIT_TEST(test_stats_page),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo datapath_tests[] = {
	UNIT_TEST(test_dp_enable_clears_stale_tail),
	UNIT_TEST(test_dp_doorbell_faults),
	UNIT_TEST(test_dp_ring_faults),
	UNIT_TEST(test_dp_nobuf_drop),
	UNIT_TEST(test_dp_tx_mtu),
	UNIT_TEST(test_dp_loopback),
	UNIT_TEST(test_dp_loopback_order),
	UNIT_TEST(test_dp_dma_window),
	UNIT_TEST(test_dp_staging_sizes),
	UNIT_TEST(test_dp_rx_tail_clean),
	UNIT_TEST(test_dp_multi_seg_and_vlan),
	UNIT_TEST(test_dp_qint_arm),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo sriov_tests[] = {
	UNIT_TEST(test_sriov_vf_enable),
	UNIT_TEST(test_sriov_vf_disable_deletes_vports),
	UNIT_TEST(test_vf_traffic),
	UNIT_TEST(test_dp_burst_to_many_queues),
	UNIT_TEST(test_dp_two_threads_one_rx_queue),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo mbx_tests[] = {
	UNIT_TEST(test_mbx_bad_length_faults_vf),
	UNIT_TEST(test_mbx_round_trip),
	UNIT_TEST(test_mbx_shared_tx),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo isolation_tests[] = {
	UNIT_TEST(test_isolation_vf_fault),
	UNIT_TEST(test_isolation_vf_ring_and_perm),
	UNIT_TEST(test_isolation_head_wb_perm),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo reset_tests[] = {
	UNIT_TEST(test_reset_vf_reset_cmd),
	UNIT_TEST(test_reset_vf_dev_ctrl),
	UNIT_TEST(test_reset_vf_flr),
	UNIT_TEST(test_reset_pf),
	UNIT_TEST(test_reset_pf_clears_rss),
	UNIT_TEST(test_reset_pf_flr),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo thread_tests[] = {
	UNIT_TEST(test_threads),
	CU_TEST_INFO_NULL,
};

UNIT_MAIN(UNIT_SUITE("emu_dev page 0", page0_tests),
	  UNIT_SUITE("emu_dev admin queue", adminq_tests),
	  UNIT_SUITE("emu_dev datapath", datapath_tests),
	  UNIT_SUITE("emu_dev SR-IOV", sriov_tests),
	  UNIT_SUITE("emu_dev mailbox", mbx_tests),
	  UNIT_SUITE("emu_dev isolation", isolation_tests),
	  UNIT_SUITE("emu_dev resets", reset_tests),
	  UNIT_SUITE("emu_dev threads", thread_tests))
