/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_atomic.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_io.h>
#include <rte_memzone.h>

#include "svnic_adminq.h"
#include "svnic_logs.h"

#define SVNIC_AQ_ENTRIES	64u
#define SVNIC_EQ_ENTRIES	256u
/* Every command completes within 100 ms, VF_RESET within 1 s (spec). */
#define SVNIC_AQ_TIMEOUT_MS	200u
#define SVNIC_AQ_TIMEOUT_VF_MS	1200u

#define SVNIC_AQ_RING_BYTES	(SVNIC_AQ_ENTRIES * sizeof(struct svnic_aq_desc))
#define SVNIC_EQ_RING_BYTES	(SVNIC_EQ_ENTRIES * sizeof(struct svnic_eq_entry))

static_assert(SVNIC_AQ_ENTRIES >= SVNIC_QLEN_MIN && SVNIC_EQ_ENTRIES <= SVNIC_QLEN_MAX &&
	      SVNIC_AQ_RING_BYTES % 64 == 0 && SVNIC_EQ_RING_BYTES % 64 == 0,
	      "ring sizes as the spec allows, each part 64-byte aligned");

static int
svnic_adminq_enable(struct svnic_adminq *aq, uint32_t base_lo, uint64_t iova, uint32_t len_reg,
		    uint32_t entries, const char *what, uint32_t *got)
{
	struct svnic_hw *hw = aq->hw;
	uint32_t v;
	int ret;

	ret = svnic_hw_reg_write(hw, base_lo, (uint32_t)iova);
	if (ret == 0)
		ret = svnic_hw_reg_write(hw, base_lo + 4, (uint32_t)(iova >> 32));
	if (ret == 0)
		ret = svnic_hw_reg_write(hw, len_reg, entries | SVNIC_QLEN_ENABLE);
	if (ret == 0)
		ret = svnic_hw_reg_read(hw, len_reg, &v);
	if (ret < 0)
		return ret;
	/* The device refuses a bad base or length by leaving ENABLE clear (spec). */
	if (!(v & SVNIC_QLEN_ENABLE)) {
		SVNIC_INIT_LOG(ERR, "%s: the device refused the %s queue (IOVA 0x%" PRIx64
			       ", %u entries)", hw->name, what, iova,
			       entries & SVNIC_QLEN_ENTRIES_MASK);
		return -EIO;
	}
	if (got != NULL)
		*got = v;
	return 0;
}

int
svnic_adminq_setup(struct svnic_adminq *aq, struct svnic_hw *hw, const char *name,
		   int socket_id)
{
	char mzname[RTE_MEMZONE_NAMESIZE];
	uint8_t *base;
	uint32_t v;
	int ret;

	memset(aq, 0, sizeof(*aq));
	aq->hw = hw;
	pthread_mutex_init(&aq->lock, NULL);
	snprintf(mzname, sizeof(mzname), "svnic_aq_%s", name);
	aq->mz = rte_memzone_reserve_aligned(mzname, SVNIC_AQ_RING_BYTES + SVNIC_EQ_RING_BYTES +
					     SVNIC_AQ_BUF_MAX, socket_id,
					     RTE_MEMZONE_IOVA_CONTIG, 4096);
	if (aq->mz == NULL) {
		SVNIC_INIT_LOG(ERR, "%s: no memory for the admin queue: %s", hw->name,
			       rte_strerror(rte_errno));
		ret = -ENOMEM;
		goto err;
	}
	base = aq->mz->addr;
	memset(base, 0, aq->mz->len);
	aq->ring = (struct svnic_aq_desc *)base;
	aq->ring_iova = aq->mz->iova;
	aq->len = SVNIC_AQ_ENTRIES;
	aq->eq = (struct svnic_eq_entry *)(base + SVNIC_AQ_RING_BYTES);
	aq->eq_iova = aq->mz->iova + SVNIC_AQ_RING_BYTES;
	aq->eq_len = SVNIC_EQ_ENTRIES;
	aq->buf = base + SVNIC_AQ_RING_BYTES + SVNIC_EQ_RING_BYTES;
	aq->buf_iova = aq->eq_iova + SVNIC_EQ_RING_BYTES;

	ret = svnic_adminq_enable(aq, SVNIC_REG_AQ_BASE_LO, aq->ring_iova, SVNIC_REG_AQ_LEN,
				  aq->len, "admin", NULL);
	if (ret < 0)
		goto free_mz;
	/*
	 * A 1.3 device wakes us for its event ring by itself (EQ_LEN.ARM): no
	 * INT_CAUSE read and clear per wake-up, EQ_HEAD posted. It needs the
	 * INT_CAUSE mirror, which is in the notify page: mapped or not at all.
	 */
	aq->cause_mirror = hw->spec_minor >= SVNIC_SPEC_MINOR_EQ_ARM ?
			   svnic_hw_bar0_addr(hw, SVNIC_NOTIFY_INT_CAUSE) : NULL;
	ret = svnic_adminq_enable(aq, SVNIC_REG_EQ_BASE_LO, aq->eq_iova, SVNIC_REG_EQ_LEN,
				  aq->eq_len | (aq->cause_mirror != NULL ? SVNIC_QLEN_EQ_ARM : 0),
				  "event", &v);
	if (ret < 0)
		goto aq_off;
	aq->eq_arm = aq->cause_mirror != NULL && (v & SVNIC_QLEN_EQ_ARM);
	return 0;
aq_off:
	(void)svnic_hw_reg_write(hw, SVNIC_REG_AQ_LEN, 0);
free_mz:
	rte_memzone_free(aq->mz);
	aq->mz = NULL;
err:
	pthread_mutex_destroy(&aq->lock);
	return ret;
}

void
svnic_adminq_release(struct svnic_adminq *aq)
{
	if (aq->mz == NULL)
		return;
	/* Stops both after the command in progress; we wait for none. */
	(void)svnic_hw_reg_write(aq->hw, SVNIC_REG_EQ_LEN, 0);
	(void)svnic_hw_reg_write(aq->hw, SVNIC_REG_AQ_LEN, 0);
	rte_memzone_free(aq->mz);
	aq->mz = NULL;
	pthread_mutex_destroy(&aq->lock);
}

static int
svnic_adminq_wait(volatile struct svnic_aq_desc *d, uint16_t opcode)
{
	unsigned int ms = opcode == SVNIC_AQ_OP_VF_RESET ? SVNIC_AQ_TIMEOUT_VF_MS :
			  SVNIC_AQ_TIMEOUT_MS;
	uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz() * ms / 1000;
	unsigned int spins = 0;

	/* The device model completes during the AQ_TAIL write; hardware takes a while. */
	while (!(__atomic_load_n(&d->flags, __ATOMIC_ACQUIRE) & SVNIC_AQ_F_DONE)) {
		if (rte_get_timer_cycles() > deadline)
			return -ETIMEDOUT;
		if (++spins < 100)
			rte_pause();
		else
			rte_delay_us_sleep(10);
	}
	return 0;
}

int
svnic_adminq_exec(struct svnic_adminq *aq, uint16_t opcode, const void *params, size_t plen,
		  const void *in, uint32_t in_len, void *out, uint32_t out_len, uint32_t *ret_val)
{
	struct svnic_hw *hw = aq->hw;
	struct svnic_aq_desc *d;
	uint16_t flags = 0, status;
	uint32_t buf_len = 0;
	uint64_t buf_addr = 0;
	int ret;

	if ((in != NULL && out != NULL) || in_len > SVNIC_AQ_BUF_MAX ||
	    out_len > SVNIC_AQ_BUF_MAX)
		return -EINVAL;
	pthread_mutex_lock(&aq->lock);
	if (aq->broken || aq->mz == NULL) {
		ret = -EIO;
		goto out;
	}
	if (in != NULL) {
		memcpy(aq->buf, in, in_len);
		flags = SVNIC_AQ_F_BUF;
		buf_addr = aq->buf_iova;
		buf_len = in_len;
	} else if (out != NULL) {
		memset(aq->buf, 0, out_len);
		flags = SVNIC_AQ_F_BUF | SVNIC_AQ_F_BUF_WR;
		buf_addr = aq->buf_iova;
		buf_len = out_len;
	}
	d = &aq->ring[aq->tail];
	ret = svnic_aq_build(d, opcode, flags, ++aq->cookie, params, plen, buf_addr, buf_len);
	if (ret < 0)
		goto out;
	aq->tail = (uint16_t)((aq->tail + 1) & (aq->len - 1));
	/* Descriptor and buffer before the tail (spec "Submission and completion"). */
	rte_io_wmb();
	ret = svnic_hw_reg_write(hw, SVNIC_REG_AQ_TAIL, aq->tail);
	if (ret < 0) {
		aq->broken = true;
		goto out;
	}
	ret = svnic_adminq_wait(d, opcode);
	if (ret < 0) {
		/* The entry stays the device's: no further command can be trusted. */
		aq->broken = true;
		SVNIC_DRV_LOG(ERR, "%s: admin command %s timed out", hw->name,
			      svnic_aq_op_name(opcode));
		goto out;
	}
	status = d->status;
	ret = svnic_aq_status_to_errno(status);
	if (ret == 0) {
		if (out != NULL)
			memcpy(out, aq->buf, out_len);
		if (ret_val != NULL)
			*ret_val = d->ret_val;
	} else {
		SVNIC_DRV_LOG(DEBUG, "%s: %s: status %s", hw->name, svnic_aq_op_name(opcode),
			      svnic_aq_status_name(status));
	}
out:
	pthread_mutex_unlock(&aq->lock);
	return ret;
}

int
svnic_eventq_poll(struct svnic_adminq *aq, svnic_eventq_fn fn, void *ctx)
{
	uint16_t head = aq->eq_head, mask = (uint16_t)(aq->eq_len - 1);
	int n = 0, ret;

	for (;;) {
		struct svnic_eq_entry *e = &aq->eq[head];
		struct svnic_eq_entry ev;

		if (!(__atomic_load_n(&e->flags, __ATOMIC_ACQUIRE) & SVNIC_EQ_F_DONE))
			break;
		ev = *e;
		e->flags = 0;
		head = (uint16_t)((head + 1) & mask);
		n++;
		fn(ctx, &ev);
	}
	if (n == 0)
		return 0;
	aq->eq_head = head;
	/*
	 * Give the entries back: the device writes only up to EQ_HEAD - 1. With
	 * EQ_LEN.ARM posted: the device wakes us again if more came meanwhile.
	 */
	ret = aq->eq_arm ? svnic_hw_reg_write_posted(aq->hw, SVNIC_REG_EQ_HEAD, head) :
			   svnic_hw_reg_write(aq->hw, SVNIC_REG_EQ_HEAD, head);
	return ret < 0 ? ret : n;
}
