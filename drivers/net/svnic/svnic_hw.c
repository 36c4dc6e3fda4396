/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The transport-independent half of the hardware layer: identity checks,
 * reset, DMA registration. Every device access goes through hw->ops.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pci_regs.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eal_memconfig.h>
#include <rte_errno.h>
#include <rte_memory.h>
#include <rte_string_fns.h>

#include "svnic_hw.h"
#include "svnic_logs.h"
#include "svnic_pci.h"

/* DEV_CTRL.RESET: READY comes back within 100 ms; drivers poll for 1 s (spec). */
#define SVNIC_HW_RESET_TIMEOUT_MS	1000
/* Extended capabilities form a list in 0x100..0xfff; bound the walk. */
#define SVNIC_HW_EXT_CAP_MAX		((PCI_CFG_SPACE_EXP_SIZE - PCI_CFG_SPACE_SIZE) / 4)

int
svnic_hw_reg_read(struct svnic_hw *hw, uint32_t off, uint32_t *val)
{
	return hw->ops->reg_read(hw, off, val);
}

int
svnic_hw_reg_write(struct svnic_hw *hw, uint32_t off, uint32_t val)
{
	return hw->ops->reg_write(hw, off, val);
}

int
svnic_hw_reg_write_posted(struct svnic_hw *hw, uint32_t off, uint32_t val)
{
	if (hw->ops->reg_write_posted == NULL)
		return hw->ops->reg_write(hw, off, val);
	return hw->ops->reg_write_posted(hw, off, val);
}

void
svnic_hw_kick(void *arg)
{
	struct svnic_hw *hw = arg;

	/* Nothing to do on failure here: the device's 1 ms timeout wakes it anyway. */
	(void)hw->ops->reg_write(hw, SVNIC_REG_KICK, 1);
}

static int
svnic_hw_cfg_read16(struct svnic_hw *hw, uint32_t off, uint16_t *v)
{
	return hw->ops->cfg_read(hw, off, v, sizeof(*v));
}

static int
svnic_hw_cfg_read32(struct svnic_hw *hw, uint32_t off, uint32_t *v)
{
	return hw->ops->cfg_read(hw, off, v, sizeof(*v));
}

/* The SR-IOV extended capability (PCIe r4.0 sec. 9.3.3): TotalVFs for max_vfs. */
static int
svnic_hw_find_sriov(struct svnic_hw *hw)
{
	uint32_t off = PCI_CFG_SPACE_SIZE, hdr;
	unsigned int n;
	int ret;

	for (n = 0; n < SVNIC_HW_EXT_CAP_MAX && off >= PCI_CFG_SPACE_SIZE; n++) {
		ret = svnic_hw_cfg_read32(hw, off, &hdr);
		if (ret < 0)
			return ret;
		if (hdr == 0 || hdr == UINT32_MAX)
			break;
		if (PCI_EXT_CAP_ID(hdr) == PCI_EXT_CAP_ID_SRIOV) {
			hw->sriov_cap = (uint16_t)off;
			return svnic_hw_cfg_read16(hw, off + PCI_SRIOV_TOTAL_VF, &hw->total_vfs);
		}
		off = PCI_EXT_CAP_NEXT(hdr);
		if (off % 4 != 0)
			break;
	}
	return -ENOENT;
}

/* The BAR0 identity both functions share: signature, FUNC, spec version. */
static int
svnic_hw_read_ident(struct svnic_hw *hw, uint32_t *func)
{
	uint32_t sig, ver;
	int ret;

	ret = svnic_hw_reg_read(hw, SVNIC_REG_SIGNATURE, &sig);
	if (ret == 0)
		ret = svnic_hw_reg_read(hw, SVNIC_REG_VERSION, &ver);
	if (ret == 0)
		ret = svnic_hw_reg_read(hw, SVNIC_REG_FUNC, func);
	if (ret < 0) {
		SVNIC_INIT_LOG(ERR, "%s: cannot read BAR0: %s", hw->name, strerror(-ret));
		return ret;
	}
	if (sig != SVNIC_SIGNATURE) {
		SVNIC_INIT_LOG(ERR, "%s: BAR0 signature 0x%08x is not svnic's "
			       "(want 0x%08x, \"SNIC\")", hw->name, sig, SVNIC_SIGNATURE);
		return -ENODEV;
	}
	if ((ver >> 16) != SVNIC_SPEC_VERSION_MAJOR) {
		SVNIC_INIT_LOG(ERR, "%s: device spec version %u.%u, driver speaks %u.x",
			       hw->name, ver >> 16, ver & 0xffff, SVNIC_SPEC_VERSION_MAJOR);
		return -ENOTSUP;
	}
	hw->spec_minor = (uint16_t)(ver & 0xffff);
	return 0;
}

/*
 * net_svnic_vf: a VF shows all-ones ids on the device itself, svnic's VF ids
 * through the PF's mediation (doc/config-space.rst); FUNC has the last word.
 */
static int
svnic_hw_check_vf_identity(struct svnic_hw *hw, uint16_t vendor, uint16_t device)
{
	uint32_t func;
	int ret;

	if (vendor == SVNIC_PCI_VENDOR_ID && device == SVNIC_PCI_DEVICE_ID_PF) {
		SVNIC_INIT_LOG(ERR, "%s: this is an svnic PF: net_svnic_vf drives a VF only; "
			       "use net_svnic for the PF", hw->name);
		return -ENODEV;
	}
	if (!(vendor == SVNIC_PCI_VENDOR_ID && device == SVNIC_PCI_DEVICE_ID_VF) &&
	    !(vendor == 0xffff && device == 0xffff)) {
		SVNIC_INIT_LOG(ERR, "%s: not an svnic VF: vendor 0x%04x device 0x%04x "
			       "(want 0x%04x 0x%04x)", hw->name, vendor, device,
			       SVNIC_PCI_VENDOR_ID, SVNIC_PCI_DEVICE_ID_VF);
		return -ENODEV;
	}
	ret = svnic_hw_read_ident(hw, &func);
	if (ret < 0)
		return ret;
	if (!(func & SVNIC_FUNC_IS_VF)) {
		SVNIC_INIT_LOG(ERR, "%s: FUNC says PF: net_svnic_vf drives a VF only; "
			       "use net_svnic for the PF", hw->name);
		return -ENODEV;
	}
	hw->vf_id = (uint16_t)(func & SVNIC_FUNC_VF_ID_MASK);
	hw->total_vfs = 0;
	return 0;
}

static int
svnic_hw_check_identity(struct svnic_hw *hw)
{
	uint16_t vendor, device;
	uint32_t func;
	int ret;

	ret = svnic_hw_cfg_read16(hw, PCI_VENDOR_ID, &vendor);
	if (ret == 0)
		ret = svnic_hw_cfg_read16(hw, PCI_DEVICE_ID, &device);
	if (ret < 0) {
		SVNIC_INIT_LOG(ERR, "%s: cannot read config space: %s", hw->name,
			       strerror(-ret));
		return ret;
	}
	if (hw->want_vf)
		return svnic_hw_check_vf_identity(hw, vendor, device);
	/* A VF presents all-ones ids (PCIe r4.0 sec. 9.3.4.1.1); FUNC says so too. */
	if (vendor == 0xffff && device == 0xffff) {
		SVNIC_INIT_LOG(ERR, "%s: this is a VF (ids read 0xffff): net_svnic drives "
			       "the PF only; use net_svnic_vf for a VF", hw->name);
		return -ENODEV;
	}
	if (vendor != SVNIC_PCI_VENDOR_ID || device != SVNIC_PCI_DEVICE_ID_PF) {
		SVNIC_INIT_LOG(ERR, "%s: not an svnic PF: vendor 0x%04x device 0x%04x "
			       "(want 0x%04x 0x%04x)", hw->name, vendor, device,
			       SVNIC_PCI_VENDOR_ID, SVNIC_PCI_DEVICE_ID_PF);
		return -ENODEV;
	}
	ret = svnic_hw_read_ident(hw, &func);
	if (ret < 0)
		return ret;
	if (func & SVNIC_FUNC_IS_VF) {
		SVNIC_INIT_LOG(ERR, "%s: FUNC says VF %u: net_svnic drives the PF only; "
			       "use net_svnic_vf for a VF", hw->name,
			       func & SVNIC_FUNC_VF_ID_MASK);
		return -ENODEV;
	}
	if (svnic_hw_find_sriov(hw) < 0) {
		SVNIC_INIT_LOG(WARNING, "%s: no SR-IOV capability: no VFs", hw->name);
		hw->total_vfs = 0;
	}
	return 0;
}

int
svnic_hw_reset(struct svnic_hw *hw)
{
	uint64_t deadline;
	uint32_t st;
	int ret;

	ret = svnic_hw_reg_write(hw, SVNIC_REG_DEV_CTRL, SVNIC_CTRL_RESET);
	if (ret < 0)
		return ret;
	deadline = rte_get_timer_cycles() + rte_get_timer_hz() * SVNIC_HW_RESET_TIMEOUT_MS / 1000;
	for (;;) {
		ret = svnic_hw_reg_read(hw, SVNIC_REG_DEV_STATUS, &st);
		if (ret < 0)
			return ret;
		if (st & SVNIC_STATUS_READY)
			return 0;
		if (rte_get_timer_cycles() > deadline)
			break;
		rte_delay_us_sleep(1000);
	}
	SVNIC_INIT_LOG(ERR, "%s: not READY %u ms after reset", hw->name,
		       SVNIC_HW_RESET_TIMEOUT_MS);
	return -ETIMEDOUT;
}

int
svnic_hw_restart(struct svnic_hw *hw)
{
	int ret = svnic_hw_reset(hw);

	if (ret == 0)
		ret = svnic_hw_reg_write(hw, SVNIC_REG_DEV_CTRL, SVNIC_CTRL_DRV_LOAD);
	return ret;
}

int
svnic_hw_init(struct svnic_hw *hw)
{
	uint32_t ctrl, res, need;
	int ret;

	ret = svnic_hw_check_identity(hw);
	if (ret < 0)
		return ret;
	ret = svnic_hw_reg_read(hw, SVNIC_REG_DEV_CTRL, &ctrl);
	if (ret < 0)
		return ret;
	/* DRV_LOAD survives only a driver that did not let go (spec "DEV_CTRL"). */
	if (ctrl & SVNIC_CTRL_DRV_LOAD)
		SVNIC_INIT_LOG(NOTICE, "%s: a previous driver did not let go; resetting",
			       hw->name);
	ret = svnic_hw_reset(hw);
	if (ret < 0)
		return ret;
	ret = svnic_hw_reg_read(hw, SVNIC_REG_RESOURCES, &res);
	if (ret < 0)
		return ret;
	hw->nb_queue_pairs = (uint16_t)((res & SVNIC_RES_NUM_QP_MASK) >> SVNIC_RES_NUM_QP_SHIFT);
	hw->nb_vectors = (uint16_t)((res & SVNIC_RES_NUM_VEC_MASK) >> SVNIC_RES_NUM_VEC_SHIFT);
	/* A VF has queues only with a VPort (spec "RESOURCES"); the PF attaches one. */
	if (hw->want_vf && hw->nb_queue_pairs == 0) {
		SVNIC_INIT_LOG(ERR, "%s: VF %u has no VPort (RESOURCES reports 0 queue pairs): "
			       "the PF's operator must attach one first", hw->name, hw->vf_id);
		return -ENOTCONN;
	}
	if (hw->nb_queue_pairs == 0 ||
	    hw->nb_queue_pairs > (hw->want_vf ? SVNIC_VF_QP_MAX : SVNIC_QP_MAX)) {
		SVNIC_INIT_LOG(ERR, "%s: RESOURCES reports %u queue pairs", hw->name,
			       hw->nb_queue_pairs);
		return -EIO;
	}
	ret = hw->ops->bar0_map(hw);
	if (ret < 0)
		return ret;
	/*
	 * The datapath stores into these without checks: all of them must be
	 * mapped, and on a VF the mailbox windows after its doorbell page too.
	 */
	need = hw->want_vf ? SVNIC_VF_BAR0_SIZE : SVNIC_PF_DB(hw->nb_queue_pairs);
	if (hw->bar0_lo > SVNIC_REG_NOTIFY_PAGE || hw->bar0_hi < need) {
		SVNIC_INIT_LOG(ERR, "%s: BAR0 [0x%x, 0x%x) mapped; the notify page, %u "
			       "doorbells%s need [0x%x, 0x%x)", hw->name, hw->bar0_lo,
			       hw->bar0_hi, hw->nb_queue_pairs,
			       hw->want_vf ? " and the mailbox" : "", SVNIC_REG_NOTIFY_PAGE, need);
		ret = -ENOTSUP;
		goto unmap;
	}
	ret = svnic_hw_reg_write(hw, SVNIC_REG_DEV_CTRL, SVNIC_CTRL_DRV_LOAD);
	if (ret < 0)
		goto unmap;
	hw->drv_loaded = true;
	if (hw->want_vf)
		SVNIC_INIT_LOG(INFO, "%s: svnic VF %u over %s: %u queue pairs, %u vectors",
			       hw->name, hw->vf_id, hw->ops->name, hw->nb_queue_pairs,
			       hw->nb_vectors);
	else
		SVNIC_INIT_LOG(INFO, "%s: svnic PF over %s: %u queue pairs, %u vectors, "
			       "TotalVFs %u", hw->name, hw->ops->name, hw->nb_queue_pairs,
			       hw->nb_vectors, hw->total_vfs);
	return 0;
unmap:
	hw->ops->bar0_unmap(hw);
	return ret;
}

void
svnic_hw_fini(struct svnic_hw *hw)
{
	if (hw->ops == NULL)
		return;
	if (hw->drv_loaded) {
		(void)svnic_hw_reg_write(hw, SVNIC_REG_DEV_CTRL, 0);
		hw->drv_loaded = false;
	}
	svnic_hw_dma_unregister(hw);
	if (hw->bar0 != NULL)
		hw->ops->bar0_unmap(hw);
	hw->ops->close(hw);
	hw->ops = NULL;
}

int
svnic_hw_link_get(struct svnic_hw *hw, bool *up, bool *full_duplex, uint32_t *mbps)
{
	uint32_t st, speed;
	int ret;

	ret = svnic_hw_reg_read(hw, SVNIC_REG_LINK_STATUS, &st);
	if (ret == 0)
		ret = svnic_hw_reg_read(hw, SVNIC_REG_LINK_SPEED, &speed);
	if (ret < 0)
		return ret;
	*up = (st & SVNIC_LINK_UP) != 0;
	*full_duplex = (st & SVNIC_LINK_FULL_DUPLEX) != 0;
	*mbps = *up ? speed : 0;
	return 0;
}

/* --- DMA ------------------------------------------------------------------ */

/*
 * The device reaches our memory through its DMA map (spec "DMA isolation"):
 * every memseg is given by its fd and offset at its IOVA. Adjacent segments
 * of one file are merged into one window, which keeps the map small (one
 * window for --no-huge's single memfd). Windows are kept in libc memory: the
 * mem event callback runs under the EAL's hotplug lock, where rte_malloc
 * could deadlock.
 */

struct svnic_hw_dma_walk {
	struct svnic_hw *hw;
	struct svnic_hw_dma_win win;	/* pending window, len 0: none */
	int fd;
	uint64_t fd_off;
	int ret;
};

static int
svnic_hw_dma_add(struct svnic_hw *hw, const struct svnic_hw_dma_win *w, int fd, uint64_t off)
{
	struct svnic_hw_dma_win *a;
	int ret;

	if (hw->nb_dma == hw->dma_cap) {
		unsigned int cap = hw->dma_cap == 0 ? 16 : hw->dma_cap * 2;

		a = realloc(hw->dma, cap * sizeof(*a));
		if (a == NULL)
			return -ENOMEM;
		hw->dma = a;
		hw->dma_cap = cap;
	}
	ret = hw->ops->dma_map(hw, w->iova, w->len, fd, off);
	if (ret < 0) {
		SVNIC_INIT_LOG(ERR, "%s: DMA map of IOVA 0x%" PRIx64 " +0x%" PRIx64 ": %s",
			       hw->name, w->iova, w->len, strerror(-ret));
		return ret;
	}
	hw->dma[hw->nb_dma++] = *w;
	SVNIC_DRV_LOG(DEBUG, "%s: DMA window %u: IOVA 0x%" PRIx64 " +0x%" PRIx64 " mapped",
		      hw->name, hw->nb_dma, w->iova, w->len);
	return 0;
}

static int
svnic_hw_dma_flush(struct svnic_hw_dma_walk *w)
{
	int ret;

	if (w->win.len == 0)
		return 0;
	ret = svnic_hw_dma_add(w->hw, &w->win, w->fd, w->fd_off);
	w->win.len = 0;
	return ret;
}

static int
svnic_hw_dma_seg(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	struct svnic_hw_dma_walk *w = arg;
	uint64_t va = (uintptr_t)ms->addr;
	size_t off;
	int fd;

	/* External memory is the application's to register (rte_dev_dma_map). */
	if (msl->external)
		return 0;
	if (ms->iova == RTE_BAD_IOVA) {
		SVNIC_INIT_LOG(ERR, "%s: memory at %p has no IOVA; use --iova-mode=va",
			       w->hw->name, ms->addr);
		w->ret = -EINVAL;
		return -1;
	}
	fd = rte_memseg_get_fd_thread_unsafe(ms);
	if (fd < 0 || rte_memseg_get_fd_offset_thread_unsafe(ms, &off) < 0) {
		SVNIC_INIT_LOG(ERR, "%s: memory at %p has no file descriptor (%s): the device "
			       "cannot map it", w->hw->name, ms->addr, rte_strerror(rte_errno));
		w->ret = -ENOTSUP;
		return -1;
	}
	if (w->win.len != 0 && fd == w->fd && w->win.va + w->win.len == va &&
	    w->win.iova + w->win.len == ms->iova && w->fd_off + w->win.len == off) {
		w->win.len += ms->len;
		return 0;
	}
	w->ret = svnic_hw_dma_flush(w);
	if (w->ret < 0)
		return -1;
	w->win.va = va;
	w->win.iova = ms->iova;
	w->win.len = ms->len;
	w->fd = fd;
	w->fd_off = off;
	return 0;
}

/* Map every memseg of [va, va + len) (hotplug lock held). */
static int
svnic_hw_dma_map_range(struct svnic_hw *hw, uint64_t va, uint64_t len)
{
	struct svnic_hw_dma_walk w = { .hw = hw, .fd = -1 };
	uint64_t end = va + len;

	while (va < end) {
		const struct rte_memseg_list *msl = rte_mem_virt2memseg_list((void *)va);
		const struct rte_memseg *ms = msl == NULL ? NULL :
			rte_mem_virt2memseg((void *)va, msl);

		if (ms == NULL || ms->len == 0)
			return -EINVAL;
		if (svnic_hw_dma_seg(msl, ms, &w) < 0)
			return w.ret;
		va = (uintptr_t)ms->addr + ms->len;
	}
	return svnic_hw_dma_flush(&w);
}

/* Unmap whatever overlaps [va, va + len), mapping back the parts outside it. */
static void
svnic_hw_dma_unmap_range(struct svnic_hw *hw, uint64_t va, uint64_t len)
{
	uint64_t end = va + len;
	unsigned int i = 0;

	while (i < hw->nb_dma) {
		struct svnic_hw_dma_win w = hw->dma[i];
		int ret;

		if (w.va + w.len <= va || w.va >= end) {
			i++;
			continue;
		}
		ret = hw->ops->dma_unmap(hw, w.iova, w.len);
		if (ret < 0)
			SVNIC_DRV_LOG(ERR, "%s: DMA unmap of IOVA 0x%" PRIx64 ": %s", hw->name,
				      w.iova, strerror(-ret));
		hw->dma[i] = hw->dma[--hw->nb_dma];
		if (w.va < va && svnic_hw_dma_map_range(hw, w.va, va - w.va) < 0)
			SVNIC_DRV_LOG(ERR, "%s: cannot map back 0x%" PRIx64 "", hw->name, w.va);
		if (w.va + w.len > end &&
		    svnic_hw_dma_map_range(hw, end, w.va + w.len - end) < 0)
			SVNIC_DRV_LOG(ERR, "%s: cannot map back 0x%" PRIx64 "", hw->name, end);
		/* map-backs were appended past nb_dma's old end; rescan from the start */
		i = 0;
	}
}

static void
svnic_hw_mem_event(enum rte_mem_event type, const void *addr, size_t len, void *arg)
{
	struct svnic_hw *hw = arg;

	if (type == RTE_MEM_EVENT_ALLOC) {
		if (svnic_hw_dma_map_range(hw, (uintptr_t)addr, len) < 0)
			SVNIC_DRV_LOG(ERR, "%s: new memory %p +%zu not mapped for DMA: the "
				      "device cannot use it", hw->name, addr, len);
	} else {
		svnic_hw_dma_unmap_range(hw, (uintptr_t)addr, len);
	}
}

/* Callbacks are told apart by name and argument: the device name suffices. */
static void
svnic_hw_mem_cb_name(const struct svnic_hw *hw, char *buf, size_t len)
{
	strlcpy(buf, hw->name, len);
}

int
svnic_hw_dma_register(struct svnic_hw *hw)
{
	struct svnic_hw_dma_walk w = { .hw = hw, .fd = -1 };
	char cb[RTE_MEM_EVENT_CALLBACK_NAME_LEN];
	int ret = 0;

	if (hw->ops->dma_map == NULL)
		return 0;
	svnic_hw_mem_cb_name(hw, cb, sizeof(cb));
	/*
	 * Hold the hotplug lock across registering the callback and the walk: no
	 * memory can come or go in between, so nothing is mapped twice or missed.
	 */
	rte_mcfg_mem_read_lock();
	if (rte_mem_event_callback_register(cb, svnic_hw_mem_event, hw) == 0) {
		hw->mem_event_cb = true;
	} else if (rte_errno != ENOTSUP) {
		ret = -rte_errno;
		SVNIC_INIT_LOG(ERR, "%s: cannot follow memory hotplug: %s", hw->name,
			       rte_strerror(rte_errno));
		goto unlock;
	}
	/* ENOTSUP: legacy memory (--no-huge, --legacy-mem) never changes. */
	if (rte_memseg_walk_thread_unsafe(svnic_hw_dma_seg, &w) < 0)
		ret = w.ret;
	else
		ret = svnic_hw_dma_flush(&w);
unlock:
	rte_mcfg_mem_read_unlock();
	if (ret < 0) {
		svnic_hw_dma_unregister(hw);
		return ret;
	}
	SVNIC_INIT_LOG(INFO, "%s: %u DMA window(s) mapped (IOVA as %s)", hw->name, hw->nb_dma,
		       rte_eal_iova_mode() == RTE_IOVA_VA ? "VA" : "PA");
	return 0;
}

void
svnic_hw_dma_unregister(struct svnic_hw *hw)
{
	char cb[RTE_MEM_EVENT_CALLBACK_NAME_LEN];
	unsigned int i;

	if (hw->mem_event_cb) {
		svnic_hw_mem_cb_name(hw, cb, sizeof(cb));
		rte_mem_event_callback_unregister(cb, hw);
		hw->mem_event_cb = false;
	}
	for (i = 0; i < hw->nb_dma; i++) {
		int ret = hw->ops->dma_unmap(hw, hw->dma[i].iova, hw->dma[i].len);

		if (ret < 0)
			SVNIC_DRV_LOG(WARNING, "%s: DMA unmap of IOVA 0x%" PRIx64 ": %s",
				      hw->name, hw->dma[i].iova, strerror(-ret));
	}
	free(hw->dma);
	hw->dma = NULL;
	hw->nb_dma = 0;
	hw->dma_cap = 0;
}
