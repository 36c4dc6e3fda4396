/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vfio-user server the PF runs for one VF. The generic server
 * (lib/vfio_user) validates every message of the guest; this file decides
 * what each validated request means for a VF: config space goes to the
 * mediation of lib/sriov, everything else to the device's own VF function
 * through struct svnic_vf_port_dev_ops.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "sriov_log.h"
#include "svnic_mbx.h"
#include "svnic_pci.h"
#include "svnic_regs.h"
#include "svnic_vf_port.h"

/* A VF is a PCI function: the standard set of regions and irq types. */
#define SVNIC_VF_PORT_REGIONS	VFIO_PCI_NUM_REGIONS
#define SVNIC_VF_PORT_IRQS	VFIO_PCI_NUM_IRQS

/* The server's window protection goes to the device as the DMA_MAP flags it came in. */
static_assert(VFIO_USER_DMA_PROT_READ == VFIO_USER_DMA_READ_FLAG &&
	      VFIO_USER_DMA_PROT_WRITE == VFIO_USER_DMA_WRITE_FLAG,
	      "DMA protection bits are the wire's");

struct svnic_vf_port {
	uint16_t vf_id;
	const struct svnic_vf_port_ops *ops;
	void *ctx;
	const struct svnic_vf_port_dev_ops *dev_ops;
	void *dev_ctx;

	struct vfio_user_server *srv;
	struct sriov_cfg *cfg;

	/*
	 * The device's VF while a guest is here, with what it said about its
	 * regions and irqs: the server asks for region info on every access, so
	 * it is answered from here, not with a round trip to the device.
	 */
	void *dev;
	struct vfio_user_client_region regions[SVNIC_VF_PORT_REGIONS];
	struct vfio_irq_info irqs[SVNIC_VF_PORT_IRQS];
	bool guest_in;		/* guest_come() told, guest_gone() owed */
	/*
	 * The VF's BAR0 from the notify page to its end while a guest is here:
	 * the shared mailbox's words and windows (we write only the RX ones).
	 */
	uint8_t *bar0_map;
	uint32_t shtx_last;	/* sequence of the shared-TX message taken last */
	/*
	 * svnic_vf_port_handle() is running (a callback of ours may be asked to
	 * drop the guest or close the port: done when the handling returns).
	 */
	bool handling;
	bool drop_pending;
	bool close_pending;

	uint64_t guests;
	uint64_t dma_maps;
	uint64_t resets;
	uint64_t posted_writes;
	uint64_t doorbells_taken;
};

#define VF_PORT_LOG(p, lvl, fmt, ...) \
	SRIOV_LOG(lvl, "vf %u port: " fmt, (p)->vf_id, ##__VA_ARGS__)

/* ---- the device side ---- */

/* The mailbox pages of the VF's BAR0, when the device lets them be mapped. */
static void
svnic_vf_port_bar0_map(struct svnic_vf_port *p)
{
	const struct vfio_user_client_region *r = &p->regions[VFIO_PCI_BAR0_REGION_INDEX];
	void *m;

	p->shtx_last = 0;
	if (r->fd < 0 || !(r->info.flags & VFIO_REGION_INFO_FLAG_MMAP) ||
	    r->info.size < SVNIC_VF_BAR0_SIZE)
		return;
	m = mmap(NULL, SVNIC_VF_BAR0_SIZE - SVNIC_REG_NOTIFY_PAGE, PROT_READ | PROT_WRITE,
		 MAP_SHARED, r->fd, (off_t)(r->info.offset + SVNIC_REG_NOTIFY_PAGE));
	if (m == MAP_FAILED) {
		VF_PORT_LOG(p, INFO, "BAR0 not mappable here (%s): no shared TX mailbox",
			    strerror(errno));
		return;
	}
	p->bar0_map = m;
}

static void
svnic_vf_port_dev_close(struct svnic_vf_port *p)
{
	unsigned int i;

	if (p->bar0_map != NULL)
		munmap(p->bar0_map, SVNIC_VF_BAR0_SIZE - SVNIC_REG_NOTIFY_PAGE);
	p->bar0_map = NULL;

	for (i = 0; i < SVNIC_VF_PORT_REGIONS; i++)
		if (p->regions[i].fd >= 0)
			close(p->regions[i].fd);
	memset(p->regions, 0, sizeof(p->regions));
	for (i = 0; i < SVNIC_VF_PORT_REGIONS; i++)
		p->regions[i].fd = -1;
	memset(p->irqs, 0, sizeof(p->irqs));
	if (p->dev != NULL)
		p->dev_ops->close(p->dev);
	p->dev = NULL;
}

static int
svnic_vf_port_dev_open(struct svnic_vf_port *p)
{
	unsigned int i;
	int ret;

	ret = p->dev_ops->open(p->dev_ctx, p->vf_id, &p->dev);
	if (ret < 0) {
		p->dev = NULL;
		VF_PORT_LOG(p, ERR, "cannot reach the device's VF: %s", strerror(-ret));
		return ret;
	}
	for (i = 0; i < SVNIC_VF_PORT_REGIONS; i++) {
		/* Config space is ours: the guest never sees the device's own. */
		if (i == VFIO_PCI_CONFIG_REGION_INDEX)
			continue;
		ret = p->dev_ops->region_info(p->dev, i, &p->regions[i]);
		if (ret < 0) {
			VF_PORT_LOG(p, ERR, "device region %u info: %s", i, strerror(-ret));
			goto fail;
		}
	}
	for (i = 0; i < SVNIC_VF_PORT_IRQS; i++) {
		ret = p->dev_ops->irq_info(p->dev, i, &p->irqs[i]);
		if (ret < 0) {
			VF_PORT_LOG(p, ERR, "device irq %u info: %s", i, strerror(-ret));
			goto fail;
		}
	}
	svnic_vf_port_bar0_map(p);
	return 0;
fail:
	svnic_vf_port_dev_close(p);
	return ret;
}

/*
 * The guest is gone (or never finished arriving): closing the device
 * connection makes the device drop the guest's DMA windows and eventfds and
 * reset the VF; the mediated config space goes back to power-on values.
 */
static void
svnic_vf_port_guest_leave(struct svnic_vf_port *p)
{
	svnic_vf_port_dev_close(p);
	sriov_cfg_reset(p->cfg);
	if (p->guest_in) {
		p->guest_in = false;
		VF_PORT_LOG(p, INFO, "guest left");
		p->ops->guest_gone(p->ctx, p->vf_id);
	}
}

/* ---- the mediated config space ---- */

static int
svnic_vf_port_cfg_passthrough(void *ctx, uint16_t off, uint8_t len, uint32_t *val)
{
	struct svnic_vf_port *p = ctx;

	return p->ops->cfg_read(p->ctx, p->vf_id, off, len, val);
}

static void
svnic_vf_port_cfg_flr(void *ctx)
{
	struct svnic_vf_port *p = ctx;
	int ret;

	p->resets++;
	ret = p->ops->reset(p->ctx, p->vf_id);
	if (ret < 0)
		VF_PORT_LOG(p, ERR, "FLR: VF reset failed: %s", strerror(-ret));
}

static const struct sriov_cfg_ops svnic_vf_port_cfg_ops = {
	.read_passthrough = svnic_vf_port_cfg_passthrough,
	.flr = svnic_vf_port_cfg_flr,
};

/* ---- what the server asks of the device ---- */

static int
svnic_vf_port_device_info(void *ctx, struct vfio_user_device_info *info)
{
	(void)ctx;
	info->flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info->num_regions = SVNIC_VF_PORT_REGIONS;
	info->num_irqs = SVNIC_VF_PORT_IRQS;
	return 0;
}

static int
svnic_vf_port_region_info(void *ctx, uint32_t index, struct vfio_user_region_desc *desc)
{
	struct svnic_vf_port *p = ctx;
	const struct vfio_user_client_region *r;

	if (index == VFIO_PCI_CONFIG_REGION_INDEX) {
		desc->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
		desc->size = SRIOV_CFG_SPACE_SIZE;
		return 0;
	}
	if (p->dev == NULL)
		return -ENODEV;
	r = &p->regions[index];
	desc->flags = r->info.flags;
	desc->size = r->info.size;
	desc->offset = r->info.offset;
	/* The device's own file: the guest maps the very pages the device uses. */
	desc->fd = r->fd;
	desc->nr_sparse = r->nr_sparse;
	memcpy(desc->sparse, r->sparse, sizeof(desc->sparse));
	return 0;
}

static int
svnic_vf_port_irq_info(void *ctx, uint32_t index, struct vfio_irq_info *info)
{
	struct svnic_vf_port *p = ctx;

	if (p->dev == NULL)
		return -ENODEV;
	info->flags = p->irqs[index].flags;
	info->count = p->irqs[index].count;
	return 0;
}

/*
 * MSI-X Enable and Function Mask are for the device to honour (spec
 * "Interrupts"): when a guest's config write touched them, the mediated value
 * goes on to the device's VF, or no vector the guest bound would ever fire.
 */
static int
svnic_vf_port_msix_sync(struct svnic_vf_port *p, uint32_t off, uint32_t count)
{
	const uint32_t flags_off = SVNIC_VF_CFG_MSIX_CAP + PCI_MSIX_FLAGS;
	uint16_t v;

	if (off + count <= flags_off || off >= flags_off + sizeof(v) || p->dev == NULL)
		return 0;
	v = (uint16_t)((sriov_cfg_msix_enabled(p->cfg) ? PCI_MSIX_FLAGS_ENABLE : 0) |
		       (sriov_cfg_msix_masked(p->cfg) ? PCI_MSIX_FLAGS_MASKALL : 0));
	return p->dev_ops->region_write(p->dev, VFIO_PCI_CONFIG_REGION_INDEX, flags_off, &v,
					sizeof(v));
}

static int
svnic_vf_port_region_access(void *ctx, uint32_t index, uint64_t offset, void *buf,
			    uint32_t count, bool is_write)
{
	struct svnic_vf_port *p = ctx;
	int ret;

	if (index == VFIO_PCI_CONFIG_REGION_INDEX && !is_write)
		return sriov_cfg_read(p->cfg, (uint32_t)offset, buf, count);
	if (index == VFIO_PCI_CONFIG_REGION_INDEX) {
		ret = sriov_cfg_write(p->cfg, (uint32_t)offset, buf, count);
		return ret < 0 ? ret : svnic_vf_port_msix_sync(p, (uint32_t)offset, count);
	}
	if (p->dev == NULL)
		return -ENODEV;
	if (!is_write)
		return p->dev_ops->region_read(p->dev, index, offset, buf, count);
	/*
	 * The mailbox doorbell: the PF may take a shared-TX message right away,
	 * and then the doorbell, which only rings the PF, has done its work.
	 */
	if (index == VFIO_PCI_BAR0_REGION_INDEX && offset == SVNIC_REG_MBX_TX && count == 4 &&
	    p->ops->mbx_doorbell != NULL && p->ops->mbx_doorbell(p->ctx, p->vf_id)) {
		p->doorbells_taken++;
		return 0;
	}
	/* and the acknowledgement of a message the PF put in the window itself */
	if (index == VFIO_PCI_BAR0_REGION_INDEX && offset == SVNIC_REG_MBX_RX_ACK && count == 4 &&
	    p->ops->mbx_ack != NULL) {
		uint32_t v;

		memcpy(&v, buf, sizeof(v));
		if ((v & SVNIC_MBX_ACK_SHARED) && p->ops->mbx_ack(p->ctx, p->vf_id))
			return 0;
	}
	if (index == VFIO_PCI_BAR0_REGION_INDEX && offset < SVNIC_REG_NOTIFY_PAGE &&
	    count == 4 && p->ops->guest_reg_write != NULL) {
		uint32_t v;

		memcpy(&v, buf, sizeof(v));
		p->ops->guest_reg_write(p->ctx, p->vf_id, (uint32_t)offset, v);
	}
	/* A write the guest posted goes on posted: nobody waits at either end. */
	if (p->dev_ops->region_write_posted != NULL && vfio_user_server_posted(p->srv)) {
		p->posted_writes++;
		return p->dev_ops->region_write_posted(p->dev, index, offset, buf, count);
	}
	return p->dev_ops->region_write(p->dev, index, offset, buf, count);
}

static int
svnic_vf_port_set_irqs(void *ctx, uint32_t index, uint32_t flags, uint32_t start,
		       uint32_t count, const int *fds, const uint8_t *bools)
{
	struct svnic_vf_port *p = ctx;

	if (p->dev == NULL)
		return -ENODEV;
	/* The device gets its own copies of the eventfds; the server keeps the guest's. */
	if ((flags & VFIO_IRQ_SET_DATA_EVENTFD) != 0)
		return p->dev_ops->set_irq_eventfds(p->dev, index, start, count, fds);
	return p->dev_ops->set_irqs(p->dev, index, flags & VFIO_IRQ_SET_ACTION_TYPE_MASK,
				    start, count,
				    (flags & VFIO_IRQ_SET_DATA_BOOL) != 0 ? bools : NULL);
}

static int
svnic_vf_port_dma_map(void *ctx, const struct vfio_user_dma_region *r, int fd)
{
	struct svnic_vf_port *p = ctx;
	int ret;

	if (p->dev == NULL)
		return -ENODEV;
	/*
	 * A window without a fd would make the device ask us, and us the guest,
	 * for every access: the VF datapath needs shared memory.
	 */
	if (fd < 0) {
		VF_PORT_LOG(p, WARNING, "DMA_MAP iova 0x%llx without a file refused",
			    (unsigned long long)r->iova);
		return -ENOTSUP;
	}
	/* @p fd is the message's, open only during this call: the device dups it. */
	ret = p->dev_ops->dma_map(p->dev, r->iova, r->len, r->prot, fd, r->offset);
	if (ret < 0) {
		VF_PORT_LOG(p, WARNING, "DMA_MAP iova 0x%llx size 0x%llx: device said %s",
			    (unsigned long long)r->iova, (unsigned long long)r->len,
			    strerror(-ret));
		return ret;
	}
	p->dma_maps++;
	return 0;
}

static void
svnic_vf_port_dma_unmap(void *ctx, const struct vfio_user_dma_region *r)
{
	struct svnic_vf_port *p = ctx;
	int ret;

	if (p->dev == NULL)
		return;
	ret = p->dev_ops->dma_unmap(p->dev, r->iova, r->len);
	if (ret < 0)
		VF_PORT_LOG(p, WARNING, "DMA_UNMAP iova 0x%llx: device said %s",
			    (unsigned long long)r->iova, strerror(-ret));
}

static int
svnic_vf_port_reset(void *ctx)
{
	struct svnic_vf_port *p = ctx;

	p->resets++;
	sriov_cfg_reset(p->cfg);
	return p->ops->reset(p->ctx, p->vf_id);
}

/*
 * Called in VERSION, before anything else of the guest's is served: the
 * moment to reach the device. The guest presents no token (the socket's mode
 * is the access control); the device's VF token is the PF's business.
 */
static int
svnic_vf_port_guest_arrive(void *ctx, const char *vf_token)
{
	struct svnic_vf_port *p = ctx;
	int ret;

	(void)vf_token;
	/* A guest whose VERSION failed after this point left its device behind. */
	if (p->dev != NULL)
		svnic_vf_port_guest_leave(p);
	ret = svnic_vf_port_dev_open(p);
	if (ret < 0)
		return ret;
	p->guest_in = true;
	p->guests++;
	VF_PORT_LOG(p, INFO, "guest connected");
	p->ops->guest_come(p->ctx, p->vf_id);
	return 0;
}

static void
svnic_vf_port_guest_disconnect(void *ctx)
{
	svnic_vf_port_guest_leave(ctx);
}

static const struct vfio_user_server_ops svnic_vf_port_srv_ops = {
	.device_info = svnic_vf_port_device_info,
	.region_info = svnic_vf_port_region_info,
	.irq_info = svnic_vf_port_irq_info,
	.region_access = svnic_vf_port_region_access,
	.set_irqs = svnic_vf_port_set_irqs,
	.dma_map = svnic_vf_port_dma_map,
	.dma_unmap = svnic_vf_port_dma_unmap,
	.reset = svnic_vf_port_reset,
	.check_token = svnic_vf_port_guest_arrive,
	.disconnect = svnic_vf_port_guest_disconnect,
};

/* ---- public API ---- */

static bool
svnic_vf_port_cfg_valid(const struct svnic_vf_port_cfg *cfg)
{
	const struct svnic_vf_port_ops *o = cfg->ops;
	const struct svnic_vf_port_dev_ops *d = cfg->dev_ops;

	return cfg->path != NULL && o != NULL && o->cfg_read != NULL && o->reset != NULL &&
	       o->guest_come != NULL && o->guest_gone != NULL && d != NULL &&
	       d->open != NULL && d->close != NULL && d->region_info != NULL &&
	       d->region_read != NULL && d->region_write != NULL && d->irq_info != NULL &&
	       d->set_irq_eventfds != NULL && d->set_irqs != NULL && d->dma_map != NULL &&
	       d->dma_unmap != NULL;
}

int
svnic_vf_port_open(const struct svnic_vf_port_cfg *cfg, struct svnic_vf_port **out)
{
	struct vfio_user_server_cfg scfg = { 0 };
	struct sriov_cfg_desc desc;
	struct svnic_vf_port *p;
	unsigned int i;
	int ret;

	*out = NULL;
	if (cfg == NULL || !svnic_vf_port_cfg_valid(cfg)) {
		SRIOV_LOG(ERR, "vf %u port: missing path or callbacks",
			  cfg != NULL ? cfg->vf_id : 0);
		return -EINVAL;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->vf_id = cfg->vf_id;
	p->ops = cfg->ops;
	p->ctx = cfg->ctx;
	p->dev_ops = cfg->dev_ops;
	p->dev_ctx = cfg->dev_ctx;
	for (i = 0; i < SVNIC_VF_PORT_REGIONS; i++)
		p->regions[i].fd = -1;

	desc = cfg->desc;
	desc.vf_id = cfg->vf_id;
	p->cfg = sriov_cfg_create(&desc, &svnic_vf_port_cfg_ops, p);
	if (p->cfg == NULL) {
		ret = -errno;
		VF_PORT_LOG(p, ERR, "config space: %s", strerror(-ret));
		goto free_port;
	}
	/* The PF sets VF MSE together with VF Enable (doc/vf-lifecycle.rst). */
	sriov_cfg_set_mse(p->cfg, true);

	scfg.path = cfg->path;
	scfg.mode = cfg->mode;
	/*
	 * The device does the VF's DMA; the PF only hands the windows' fds on.
	 * Mapping a guest's memory here would cost an mmap() per window in the
	 * control thread (hundreds of ms for a large one while other guests'
	 * mailboxes wait) and put guest memory in the PF's address space.
	 */
	scfg.no_dma_access = true;
	ret = vfio_user_server_create(&scfg, &svnic_vf_port_srv_ops, p, &p->srv);
	if (ret < 0) {
		VF_PORT_LOG(p, ERR, "cannot serve %s: %s", cfg->path, strerror(-ret));
		goto free_cfg;
	}
	*out = p;
	return 0;
free_cfg:
	sriov_cfg_destroy(p->cfg);
free_port:
	free(p);
	return ret;
}

void
svnic_vf_port_close(struct svnic_vf_port *p)
{
	if (p == NULL)
		return;
	if (p->handling) {
		/* from a callback of this port's own handling: when it returns */
		p->close_pending = true;
		return;
	}
	svnic_vf_port_drop_guest(p);
	vfio_user_server_destroy(p->srv);
	sriov_cfg_destroy(p->cfg);
	free(p);
}

int
svnic_vf_port_fd(const struct svnic_vf_port *p)
{
	return vfio_user_server_fd(p->srv);
}

unsigned int
svnic_vf_port_pollfds(const struct svnic_vf_port *p, struct pollfd *pfd, unsigned int max)
{
	return vfio_user_server_pollfds(p->srv, pfd, max);
}

/* Run @p serve on the port's server, then what its callbacks left to do. */
static int
svnic_vf_port_serve(struct svnic_vf_port *p, int (*serve)(struct vfio_user_server *srv))
{
	int ret;

	p->handling = true;
	ret = serve(p->srv);
	p->handling = false;
	if (p->close_pending) {
		svnic_vf_port_close(p);
		return -ENODEV;
	}
	if (p->drop_pending) {
		p->drop_pending = false;
		svnic_vf_port_drop_guest(p);
	}
	/*
	 * A guest dropped before it finished VERSION gets no disconnect()
	 * from the server, yet the device was already opened for it.
	 */
	if (p->dev != NULL && !vfio_user_server_connected(p->srv))
		svnic_vf_port_guest_leave(p);
	return ret;
}

int
svnic_vf_port_handle(struct svnic_vf_port *p)
{
	return svnic_vf_port_serve(p, vfio_user_server_handle);
}

int
svnic_vf_port_poll_guest(struct svnic_vf_port *p)
{
	return svnic_vf_port_serve(p, vfio_user_server_poll_client);
}

bool
svnic_vf_port_has_timers(const struct svnic_vf_port *p)
{
	return vfio_user_server_has_timers(p->srv);
}

void
svnic_vf_port_drop_guest(struct svnic_vf_port *p)
{
	if (p->handling) {
		/* the server is in the middle of this guest's message */
		p->drop_pending = true;
		return;
	}
	vfio_user_server_disconnect(p->srv);
	if (p->dev != NULL)
		svnic_vf_port_guest_leave(p);
}

bool
svnic_vf_port_guest_connected(const struct svnic_vf_port *p)
{
	return p->guest_in && vfio_user_server_connected(p->srv);
}

struct sriov_cfg *
svnic_vf_port_cfg_space(struct svnic_vf_port *p)
{
	return p->cfg;
}

void
svnic_vf_port_get_stats(const struct svnic_vf_port *p, struct svnic_vf_port_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->guests = p->guests;
	st->refused = vfio_user_server_refused(p->srv);
	st->dma_maps = p->dma_maps;
	st->resets = p->resets;
	st->posted_writes = p->posted_writes;
	st->doorbells_taken = p->doorbells_taken;
	sriov_cfg_get_stats(p->cfg, &st->cfg);
}

int
svnic_vf_port_shrx_write(struct svnic_vf_port *p, const void *msg, size_t len)
{
	if (p->bar0_map == NULL)
		return -ENODEV;
	return svnic_mbx_shrx_write(p->bar0_map,
				    p->bar0_map + (SVNIC_VF_MBX_RX_WIN - SVNIC_REG_NOTIFY_PAGE),
				    msg, len);
}

int
svnic_vf_port_shtx_read(struct svnic_vf_port *p, uint32_t legacy_len, void *out, size_t cap)
{
	if (p->bar0_map == NULL)
		return -ENODEV;
	return svnic_mbx_shtx_read(p->bar0_map,
				   p->bar0_map + (SVNIC_VF_MBX_TX_WIN - SVNIC_REG_NOTIFY_PAGE),
				   &p->shtx_last, legacy_len, out, cap);
}
