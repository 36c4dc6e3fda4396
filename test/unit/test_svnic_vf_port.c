/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PF's per-VF vfio-user server (drivers/net/svnic/svnic_vf_port.c): a
 * real guest (the vfio-user client library, over a socket in a temporary
 * directory) against the port, which a thread serves; behind the port a fake
 * device over plain memory, with a memfd as BAR0, and a fake PF driver that
 * counts what it is told. Fake state is read under the lock the port thread
 * holds while it handles requests.
 */
#define _GNU_SOURCE		/* memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "svnic_mbx.h"
#include "svnic_pci.h"
#include "svnic_regs.h"
#include "svnic_vf_port.h"
#include "unit.h"
#include "vfio_user_msg.h"

#define VF_ID		3
#define BAR0_SIZE	(64u * 1024u)
#define BAR0_MMAP_START	4096u
#define BAR2_SIZE	(16u * 1024u)
#define MSIX_COUNT	8u
#define PT_VALUE	0x5a5a5a5au	/* what the real VF's passed-through bits read */

/* ---- the fake device and PF driver ---- */

struct fake {
	/* device */
	int bar0_fd;
	uint8_t bar2[BAR2_SIZE];
	int open_ret;
	unsigned int opens, closes, dev_open;
	unsigned int dma_maps, dma_unmaps;
	unsigned int posted_writes;	/* region_write_posted calls */
	uint64_t map_iova, map_len, map_offset, unmap_iova, unmap_len;
	uint32_t map_prot;
	ino_t map_ino;
	unsigned int set_irqs_calls, eventfd_calls;
	uint32_t irq_index, irq_action, irq_start, irq_count;
	int irq_fds[MSIX_COUNT];	/* the device's own copies */
	/* PF driver */
	unsigned int cfg_reads, resets, comes, gones;
	unsigned int doorbells;		/* mbx_doorbell calls */
	int shtx_ret;			/* what the last one's svnic_vf_port_shtx_read said */
	bool drop_in_doorbell, close_in_doorbell;
	unsigned int shared_acks;	/* mbx_ack calls */
	unsigned int reg_writes;	/* guest_reg_write calls */
	uint32_t reg_off, reg_val;	/* the last one's */
	bool port_closed;		/* by the doorbell: port_main lets go of it */
	uint8_t shtx_msg[SVNIC_MBX_MSG_MAX];
};

static struct fake fk;

static int
fake_open(void *dctx, uint16_t vf_id, void **dev)
{
	(void)dctx;
	CU_ASSERT_EQUAL(vf_id, VF_ID);
	fk.opens++;
	if (fk.open_ret < 0)
		return fk.open_ret;
	CU_ASSERT_EQUAL(fk.dev_open, 0);	/* one device connection at a time */
	fk.dev_open = 1;
	*dev = &fk;
	return 0;
}

static void
fake_close(void *dev)
{
	unsigned int i;

	CU_ASSERT_PTR_EQUAL(dev, &fk);
	fk.closes++;
	fk.dev_open = 0;
	/* The device drops the guest's eventfds with the connection. */
	for (i = 0; i < MSIX_COUNT; i++) {
		if (fk.irq_fds[i] >= 0)
			close(fk.irq_fds[i]);
		fk.irq_fds[i] = -1;
	}
}

static int
fake_region_info(void *dev, uint32_t index, struct vfio_user_client_region *r)
{
	(void)dev;
	CU_ASSERT_NOT_EQUAL(index, VFIO_PCI_CONFIG_REGION_INDEX);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->info.index = index;
	if (index == VFIO_PCI_BAR0_REGION_INDEX) {
		r->info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
				VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS;
		r->info.size = BAR0_SIZE;
		r->fd = dup(fk.bar0_fd);	/* as the client hands one out */
		r->nr_sparse = 1;
		r->sparse[0].offset = BAR0_MMAP_START;
		r->sparse[0].size = BAR0_SIZE - BAR0_MMAP_START;
	} else if (index == VFIO_PCI_BAR2_REGION_INDEX) {
		r->info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
		r->info.size = BAR2_SIZE;
	}
	return 0;
}

static int
fake_region_rw(uint32_t index, uint64_t off, void *buf, const void *wbuf, uint32_t len)
{
	if (index == VFIO_PCI_BAR0_REGION_INDEX) {
		ssize_t n = wbuf != NULL ? pwrite(fk.bar0_fd, wbuf, len, (off_t)off) :
			    pread(fk.bar0_fd, buf, len, (off_t)off);

		return n == (ssize_t)len ? 0 : -EIO;
	}
	if (index != VFIO_PCI_BAR2_REGION_INDEX || off > BAR2_SIZE || len > BAR2_SIZE - off)
		return -EINVAL;
	if (wbuf != NULL)
		memcpy(fk.bar2 + off, wbuf, len);
	else
		memcpy(buf, fk.bar2 + off, len);
	return 0;
}

static int
fake_region_read(void *dev, uint32_t index, uint64_t off, void *buf, uint32_t len)
{
	(void)dev;
	return fake_region_rw(index, off, buf, NULL, len);
}

static int
fake_region_write(void *dev, uint32_t index, uint64_t off, const void *buf, uint32_t len)
{
	(void)dev;
	return fake_region_rw(index, off, NULL, buf, len);
}

static int
fake_region_write_posted(void *dev, uint32_t index, uint64_t off, const void *buf,
			 uint32_t len)
{
	fk.posted_writes++;
	return fake_region_write(dev, index, off, buf, len);
}

static int
fake_irq_info(void *dev, uint32_t index, struct vfio_irq_info *info)
{
	(void)dev;
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	if (index == VFIO_PCI_MSIX_IRQ_INDEX) {
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
		info->count = MSIX_COUNT;
	}
	return 0;
}

static int
fake_set_irq_eventfds(void *dev, uint32_t index, uint32_t start, uint32_t count,
		      const int *fds)
{
	uint32_t i;

	(void)dev;
	fk.eventfd_calls++;
	fk.irq_index = index;
	fk.irq_start = start;
	fk.irq_count = count;
	for (i = 0; i < count && start + i < MSIX_COUNT; i++) {
		if (fk.irq_fds[start + i] >= 0)
			close(fk.irq_fds[start + i]);
		fk.irq_fds[start + i] = fds[i] >= 0 ? dup(fds[i]) : -1;
	}
	return 0;
}

static int
fake_set_irqs(void *dev, uint32_t index, uint32_t action, uint32_t start, uint32_t count,
	      const uint8_t *bools)
{
	(void)dev;
	(void)bools;
	fk.set_irqs_calls++;
	fk.irq_index = index;
	fk.irq_action = action;
	fk.irq_start = start;
	fk.irq_count = count;
	return 0;
}

static int
fake_dma_map(void *dev, uint64_t iova, uint64_t len, uint32_t prot, int fd, uint64_t offset)
{
	struct stat st;

	(void)dev;
	fk.dma_maps++;
	fk.map_iova = iova;
	fk.map_len = len;
	fk.map_prot = prot;
	fk.map_offset = offset;
	fk.map_ino = fstat(fd, &st) == 0 ? st.st_ino : 0;
	return 0;
}

static int
fake_dma_unmap(void *dev, uint64_t iova, uint64_t len)
{
	(void)dev;
	fk.dma_unmaps++;
	fk.unmap_iova = iova;
	fk.unmap_len = len;
	return 0;
}

static const struct svnic_vf_port_dev_ops fake_dev_ops = {
	.open = fake_open,
	.close = fake_close,
	.region_info = fake_region_info,
	.region_read = fake_region_read,
	.region_write = fake_region_write,
	.region_write_posted = fake_region_write_posted,
	.irq_info = fake_irq_info,
	.set_irq_eventfds = fake_set_irq_eventfds,
	.set_irqs = fake_set_irqs,
	.dma_map = fake_dma_map,
	.dma_unmap = fake_dma_unmap,
};

static int
fake_cfg_read(void *ctx, uint16_t vf_id, uint16_t off, uint8_t len, uint32_t *val)
{
	(void)ctx;
	(void)off;
	CU_ASSERT_EQUAL(vf_id, VF_ID);
	fk.cfg_reads++;
	*val = len == 4 ? PT_VALUE : PT_VALUE & ((1u << (8 * len)) - 1);
	return 0;
}

static int
fake_reset(void *ctx, uint16_t vf_id)
{
	(void)ctx;
	CU_ASSERT_EQUAL(vf_id, VF_ID);
	fk.resets++;
	return 0;
}

static void
fake_guest_come(void *ctx, uint16_t vf_id)
{
	(void)ctx;
	CU_ASSERT_EQUAL(vf_id, VF_ID);
	fk.comes++;
}

static void
fake_guest_gone(void *ctx, uint16_t vf_id)
{
	(void)ctx;
	CU_ASSERT_EQUAL(vf_id, VF_ID);
	fk.gones++;
}

static struct svnic_vf_port *port;

/*
 * The PF takes the shared-TX message at the doorbell, as net_svnic does; or,
 * asked to, lets the request end the guest's connection or the port itself,
 * as a request whose consequences free the VF would (both from within the
 * port's own handling).
 */
static bool
fake_doorbell(void *ctx, uint16_t vf_id)
{
	(void)ctx;
	CU_ASSERT_EQUAL(vf_id, VF_ID);
	fk.doorbells++;
	fk.shtx_ret = svnic_vf_port_shtx_read(port, 0, fk.shtx_msg, sizeof(fk.shtx_msg));
	if (fk.drop_in_doorbell)
		svnic_vf_port_drop_guest(port);
	if (fk.close_in_doorbell) {
		svnic_vf_port_close(port);
		fk.port_closed = true;
	}
	return fk.shtx_ret > 0;
}

static bool
fake_ack(void *ctx, uint16_t vf_id)
{
	(void)ctx;
	CU_ASSERT_EQUAL(vf_id, VF_ID);
	fk.shared_acks++;
	return true;
}

static void
fake_reg_write(void *ctx, uint16_t vf_id, uint32_t off, uint32_t val)
{
	(void)ctx;
	CU_ASSERT_EQUAL(vf_id, VF_ID);
	fk.reg_writes++;
	fk.reg_off = off;
	fk.reg_val = val;
}

static const struct svnic_vf_port_ops fake_pf_ops = {
	.cfg_read = fake_cfg_read,
	.reset = fake_reset,
	.guest_come = fake_guest_come,
	.guest_gone = fake_guest_gone,
	.mbx_doorbell = fake_doorbell,
	.mbx_ack = fake_ack,
	.guest_reg_write = fake_reg_write,
};

/* ---- fixture: the port served by a thread ---- */

static pthread_mutex_t port_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t port_thread;
static atomic_bool port_stop;
static char dir[64];
static char path[128];
static int fds_before;

static void *
port_main(void *arg)
{
	struct pollfd pfd[8];
	unsigned int n;

	(void)arg;
	while (!atomic_load(&port_stop)) {
		pthread_mutex_lock(&port_lock);
		n = svnic_vf_port_pollfds(port, pfd, 8);
		pthread_mutex_unlock(&port_lock);
		poll(pfd, n, 5);
		pthread_mutex_lock(&port_lock);
		svnic_vf_port_handle(port);
		if (fk.port_closed) {
			port = NULL;
			pthread_mutex_unlock(&port_lock);
			break;
		}
		pthread_mutex_unlock(&port_lock);
	}
	return NULL;
}

static void
port_cfg_fill(struct svnic_vf_port_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->path = path;
	cfg->vf_id = VF_ID;
	cfg->desc.vendor_id = SVNIC_PCI_VENDOR_ID;
	cfg->desc.vf_device_id = SVNIC_PCI_DEVICE_ID_VF;
	cfg->desc.revision = SVNIC_PCI_REVISION_ID;
	cfg->desc.class_code = SVNIC_PCI_CLASS_CODE;
	cfg->desc.bars[0] = (struct sriov_cfg_bar){ .size = BAR0_SIZE, .is_64 = true };
	cfg->desc.bars[2] = (struct sriov_cfg_bar){ .size = BAR2_SIZE, .is_64 = true };
	cfg->desc.msix_vectors = MSIX_COUNT;
	cfg->desc.max_payload = 1;
	cfg->ops = &fake_pf_ops;
	cfg->dev_ops = &fake_dev_ops;
}

static void
fx_start(void)
{
	struct svnic_vf_port_cfg cfg;
	unsigned int i;

	fds_before = unit_open_fds();
	memset(&fk, 0, sizeof(fk));
	for (i = 0; i < MSIX_COUNT; i++)
		fk.irq_fds[i] = -1;
	fk.bar0_fd = memfd_create("vf-bar0", MFD_CLOEXEC);
	CU_ASSERT_FATAL(fk.bar0_fd >= 0);
	CU_ASSERT_FATAL(ftruncate(fk.bar0_fd, BAR0_SIZE) == 0);
	CU_ASSERT_FATAL(pwrite(fk.bar0_fd, "DEVICE", 6, BAR0_MMAP_START) == 6);
	strcpy(dir, "/tmp/vf-port-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vf%u.sock", dir, VF_ID);
	port_cfg_fill(&cfg);
	CU_ASSERT_EQUAL_FATAL(svnic_vf_port_open(&cfg, &port), 0);
	atomic_store(&port_stop, false);
	CU_ASSERT_FATAL(pthread_create(&port_thread, NULL, port_main, NULL) == 0);
}

/* Stop and close; then nothing of the port may be left open. */
static void
fx_stop(void)
{
	atomic_store(&port_stop, true);
	pthread_join(port_thread, NULL);
	svnic_vf_port_close(port);
	port = NULL;
	CU_ASSERT_EQUAL(fk.dev_open, 0);
	CU_ASSERT_EQUAL(access(path, F_OK), -1);
	close(fk.bar0_fd);
	rmdir(dir);
	CU_ASSERT_EQUAL(unit_open_fds(), fds_before);
}

static struct fake
fk_now(void)
{
	struct fake f;

	pthread_mutex_lock(&port_lock);
	f = fk;
	pthread_mutex_unlock(&port_lock);
	return f;
}

static struct svnic_vf_port_stats
stats_now(void)
{
	struct svnic_vf_port_stats st;

	pthread_mutex_lock(&port_lock);
	svnic_vf_port_get_stats(port, &st);
	pthread_mutex_unlock(&port_lock);
	return st;
}

/* Wait up to two seconds for the port thread to see a guest leave. */
static bool
wait_gones(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < 4000; i++) {
		if (fk_now().gones >= n)
			return true;
		usleep(500);
	}
	return false;
}

static struct vfio_user_client *
guest_open(void)
{
	struct vfio_user_client_opts o = { .timeout_ms = 2000 };
	struct vfio_user_client *c = NULL;

	CU_ASSERT_EQUAL_FATAL(vfio_user_client_connect(path, &o, &c), 0);
	return c;
}

static uint32_t
cfg_rd(struct vfio_user_client *c, uint32_t off, uint32_t len)
{
	uint32_t v = 0;

	CU_ASSERT_EQUAL(vfio_user_client_region_read(c, VFIO_PCI_CONFIG_REGION_INDEX, off, &v,
						     len), 0);
	return v;
}

static void
cfg_wr(struct vfio_user_client *c, uint32_t off, uint32_t v, uint32_t len)
{
	CU_ASSERT_EQUAL(vfio_user_client_region_write(c, VFIO_PCI_CONFIG_REGION_INDEX, off, &v,
						      len), 0);
}

static int
cfg_rd_fails(struct vfio_user_client *c)
{
	uint32_t v;

	return vfio_user_client_region_read(c, VFIO_PCI_CONFIG_REGION_INDEX, 0, &v, 4);
}

/* ---- open ---- */

static void
test_open_refuses_bad_cfg(void)
{
	struct svnic_vf_port_ops no_gone = fake_pf_ops;
	struct svnic_vf_port_dev_ops no_unmap = fake_dev_ops;
	struct svnic_vf_port_cfg cfg;
	struct svnic_vf_port *p = (void *)1;

	strcpy(path, "/tmp/vf-port-never.sock");
	port_cfg_fill(&cfg);
	no_gone.guest_gone = NULL;
	cfg.ops = &no_gone;
	CU_ASSERT_EQUAL(svnic_vf_port_open(&cfg, &p), -EINVAL);
	CU_ASSERT_PTR_NULL(p);
	port_cfg_fill(&cfg);
	no_unmap.dma_unmap = NULL;
	cfg.dev_ops = &no_unmap;
	CU_ASSERT_EQUAL(svnic_vf_port_open(&cfg, &p), -EINVAL);
	port_cfg_fill(&cfg);
	cfg.path = NULL;
	CU_ASSERT_EQUAL(svnic_vf_port_open(&cfg, &p), -EINVAL);
	/* A descriptor the mediation refuses: a BAR that is no power of two. */
	port_cfg_fill(&cfg);
	cfg.desc.bars[0].size = 3000;
	CU_ASSERT_EQUAL(svnic_vf_port_open(&cfg, &p), -EINVAL);
	CU_ASSERT_EQUAL(access(path, F_OK), -1);
}

static void
test_open_live_socket_in_use(void)
{
	struct svnic_vf_port_cfg cfg;
	struct svnic_vf_port *p = NULL;

	fx_start();
	port_cfg_fill(&cfg);
	CU_ASSERT_EQUAL(svnic_vf_port_open(&cfg, &p), -EADDRINUSE);
	CU_ASSERT_PTR_NULL(p);
	CU_ASSERT_EQUAL(fk_now().opens, 0);	/* no guest yet: the device is not reached */
	fx_stop();
}

/* ---- the mediated config space ---- */

static void
test_cfg_ids_and_capabilities(void)
{
	struct vfio_user_client_region r;
	struct vfio_user_client *c;
	uint32_t v;

	fx_start();
	c = guest_open();
	CU_ASSERT_EQUAL(vfio_user_client_region_info(c, VFIO_PCI_CONFIG_REGION_INDEX, &r), 0);
	CU_ASSERT_EQUAL(r.info.size, 4096);
	CU_ASSERT_EQUAL(r.fd, -1);
	CU_ASSERT_EQUAL(r.info.flags & VFIO_REGION_INFO_FLAG_MMAP, 0);
	CU_ASSERT_EQUAL(cfg_rd(c, PCI_VENDOR_ID, 4),
			SVNIC_PCI_VENDOR_ID | (uint32_t)SVNIC_PCI_DEVICE_ID_VF << 16);
	CU_ASSERT_EQUAL(cfg_rd(c, PCI_CLASS_REVISION, 4),
			SVNIC_PCI_CLASS_CODE << 8 | SVNIC_PCI_REVISION_ID);
	/* The PF enabled VF MSE with VF Enable: memory decoding is on. */
	CU_ASSERT_NOT_EQUAL(cfg_rd(c, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY, 0);
	/* The capability list: PCIe, MSI-X, and nothing else. */
	v = cfg_rd(c, PCI_CAPABILITY_LIST, 1);
	CU_ASSERT_EQUAL(v, SVNIC_VF_CFG_PCIE_CAP);
	CU_ASSERT_EQUAL(cfg_rd(c, v, 1), PCI_CAP_ID_EXP);
	v = cfg_rd(c, v + 1, 1);
	CU_ASSERT_EQUAL(v, SVNIC_VF_CFG_MSIX_CAP);
	CU_ASSERT_EQUAL(cfg_rd(c, v, 1), PCI_CAP_ID_MSIX);
	CU_ASSERT_EQUAL(cfg_rd(c, v + 1, 1), 0);
	CU_ASSERT_EQUAL(cfg_rd(c, v + PCI_MSIX_FLAGS, 2) & PCI_MSIX_FLAGS_QSIZE,
			MSIX_COUNT - 1);
	/* No SR-IOV capability: without ARI the extended space is empty. */
	CU_ASSERT_EQUAL(cfg_rd(c, PCI_CFG_SPACE_SIZE, 4), 0);
	/* Passed-through bits come from the real VF through the PF driver. */
	v = cfg_rd(c, SVNIC_VF_CFG_PCIE_CAP + PCI_EXP_LNKCAP, 4);
	CU_ASSERT_EQUAL(v, PT_VALUE);
	CU_ASSERT(fk_now().cfg_reads > 0);
	vfio_user_client_close(c);
	fx_stop();
}

static void
test_cfg_bar_sizing(void)
{
	struct vfio_user_client *c;

	fx_start();
	c = guest_open();
	CU_ASSERT_EQUAL(cfg_rd(c, PCI_BASE_ADDRESS_0, 4), PCI_BASE_ADDRESS_MEM_TYPE_64);
	cfg_wr(c, PCI_BASE_ADDRESS_0, UINT32_MAX, 4);
	cfg_wr(c, PCI_BASE_ADDRESS_1, UINT32_MAX, 4);
	CU_ASSERT_EQUAL(cfg_rd(c, PCI_BASE_ADDRESS_0, 4),
			(uint32_t)~(BAR0_SIZE - 1) | PCI_BASE_ADDRESS_MEM_TYPE_64);
	CU_ASSERT_EQUAL(cfg_rd(c, PCI_BASE_ADDRESS_1, 4), UINT32_MAX);
	cfg_wr(c, PCI_BASE_ADDRESS_2, UINT32_MAX, 4);
	CU_ASSERT_EQUAL(cfg_rd(c, PCI_BASE_ADDRESS_2, 4),
			(uint32_t)~(BAR2_SIZE - 1) | PCI_BASE_ADDRESS_MEM_TYPE_64);
	/* Not implemented: BAR4 stays 0 whatever is written. */
	cfg_wr(c, PCI_BASE_ADDRESS_4, UINT32_MAX, 4);
	CU_ASSERT_EQUAL(cfg_rd(c, PCI_BASE_ADDRESS_4, 4), 0);
	vfio_user_client_close(c);
	fx_stop();
}

static void
test_cfg_read_only_bits_hold(void)
{
	struct vfio_user_client *c;

	fx_start();
	c = guest_open();
	cfg_wr(c, PCI_VENDOR_ID, UINT32_MAX, 4);
	cfg_wr(c, PCI_CLASS_REVISION, 0, 4);
	cfg_wr(c, PCI_CAPABILITY_LIST, 0xff, 1);
	CU_ASSERT_EQUAL(cfg_rd(c, PCI_VENDOR_ID, 4),
			SVNIC_PCI_VENDOR_ID | (uint32_t)SVNIC_PCI_DEVICE_ID_VF << 16);
	CU_ASSERT_EQUAL(cfg_rd(c, PCI_CLASS_REVISION, 4),
			SVNIC_PCI_CLASS_CODE << 8 | SVNIC_PCI_REVISION_ID);
	CU_ASSERT_EQUAL(cfg_rd(c, PCI_CAPABILITY_LIST, 1), SVNIC_VF_CFG_PCIE_CAP);
	/* Memory Space Enable is the PF's: the guest cannot clear it. */
	cfg_wr(c, PCI_COMMAND, 0, 2);
	CU_ASSERT_NOT_EQUAL(cfg_rd(c, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY, 0);
	CU_ASSERT(stats_now().cfg.ro_dropped >= 3);
	vfio_user_client_close(c);
	fx_stop();
}

static void
test_cfg_flr_resets_vf(void)
{
	struct vfio_user_client *c;

	fx_start();
	c = guest_open();
	cfg_wr(c, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	CU_ASSERT_NOT_EQUAL(cfg_rd(c, PCI_COMMAND, 2) & PCI_COMMAND_MASTER, 0);
	cfg_wr(c, SVNIC_VF_CFG_PCIE_CAP + PCI_EXP_DEVCTL, PCI_EXP_DEVCTL_BCR_FLR, 2);
	CU_ASSERT_EQUAL(fk_now().resets, 1);
	CU_ASSERT_EQUAL(stats_now().resets, 1);
	CU_ASSERT_EQUAL(stats_now().cfg.flrs, 1);
	/* The image is back at power-on, MSE (the PF's) kept. */
	CU_ASSERT_EQUAL(cfg_rd(c, PCI_COMMAND, 2), PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	/* The guest is still attached: an FLR is no disconnect. */
	CU_ASSERT_EQUAL(fk_now().closes, 0);
	vfio_user_client_close(c);
	fx_stop();
}

/* ---- regions, DMA, irqs, reset ---- */

static void
test_bar0_is_the_devices_memory(void)
{
	struct vfio_user_client_region r;
	struct vfio_user_client *c;
	struct stat a, b;
	uint8_t *map;
	char buf[8] = { 0 };

	fx_start();
	c = guest_open();
	CU_ASSERT_EQUAL(vfio_user_client_region_info(c, VFIO_PCI_BAR0_REGION_INDEX, &r), 0);
	CU_ASSERT_EQUAL(r.info.size, BAR0_SIZE);
	CU_ASSERT_NOT_EQUAL(r.info.flags & VFIO_REGION_INFO_FLAG_MMAP, 0);
	CU_ASSERT_EQUAL_FATAL(r.nr_sparse, 1);
	CU_ASSERT_EQUAL(r.sparse[0].offset, BAR0_MMAP_START);
	CU_ASSERT_EQUAL(r.sparse[0].size, BAR0_SIZE - BAR0_MMAP_START);
	CU_ASSERT_FATAL(r.fd >= 0);
	CU_ASSERT_FATAL(fstat(r.fd, &a) == 0 && fstat(fk.bar0_fd, &b) == 0);
	CU_ASSERT_EQUAL(a.st_ino, b.st_ino);
	map = mmap(NULL, BAR0_SIZE - BAR0_MMAP_START, PROT_READ | PROT_WRITE, MAP_SHARED,
		   r.fd, BAR0_MMAP_START);
	CU_ASSERT_FATAL(map != MAP_FAILED);
	CU_ASSERT_EQUAL(memcmp(map, "DEVICE", 6), 0);
	memcpy(map + 8, "GUEST", 5);
	CU_ASSERT_FATAL(pread(fk.bar0_fd, buf, 5, BAR0_MMAP_START + 8) == 5);
	CU_ASSERT_EQUAL(memcmp(buf, "GUEST", 5), 0);
	munmap(map, BAR0_SIZE - BAR0_MMAP_START);
	close(r.fd);
	/* Trapped accesses reach the device. */
	CU_ASSERT_EQUAL(vfio_user_client_region_read(c, VFIO_PCI_BAR0_REGION_INDEX,
						     BAR0_MMAP_START, buf, 6), 0);
	CU_ASSERT_EQUAL(memcmp(buf, "DEVICE", 6), 0);
	CU_ASSERT_EQUAL(vfio_user_client_region_info(c, VFIO_PCI_BAR2_REGION_INDEX, &r), 0);
	CU_ASSERT_EQUAL(r.info.size, BAR2_SIZE);
	CU_ASSERT_EQUAL(r.fd, -1);
	CU_ASSERT_EQUAL(vfio_user_client_region_write(c, VFIO_PCI_BAR2_REGION_INDEX, 0x10,
						      "MSIX", 4), 0);
	CU_ASSERT_EQUAL(memcmp(fk_now().bar2 + 0x10, "MSIX", 4), 0);
	CU_ASSERT_EQUAL(fk_now().posted_writes, 0);
	/* a write the guest posted is passed on posted, ahead of what follows */
	CU_ASSERT_EQUAL(vfio_user_client_region_write_posted(c, VFIO_PCI_BAR2_REGION_INDEX,
							     0x20, "POST", 4), 0);
	CU_ASSERT_EQUAL(vfio_user_client_region_read(c, VFIO_PCI_BAR2_REGION_INDEX, 0x20,
						     buf, 4), 0);
	CU_ASSERT_EQUAL(memcmp(buf, "POST", 4), 0);
	CU_ASSERT_EQUAL(fk_now().posted_writes, 1);
	CU_ASSERT_EQUAL(stats_now().posted_writes, 1);
	vfio_user_client_close(c);
	fx_stop();
}

/*
 * The shared TX mailbox: the guest frames its message in its own mapping of
 * BAR0 and writes MBX_TX; the port tells the PF, which reads the message
 * through the port's mapping. A doorbell that brought the PF a message has
 * reached its addressee and goes no further; one that did not goes on to the
 * device. A new guest starts its sequence over, and the port with it.
 */
static void
test_mbx_doorbell_and_shared_window(void)
{
	struct vfio_user_client_region r;
	struct vfio_user_client *c;
	uint8_t msg[SVNIC_MBX_MSG_MAX], *map;
	uint32_t seq, len, v;
	unsigned int rung = 0, i, writes;
	size_t n;

	fx_start();
	for (i = 0; i < 2; i++) {
		c = guest_open();
		CU_ASSERT_EQUAL_FATAL(vfio_user_client_region_info(c, VFIO_PCI_BAR0_REGION_INDEX,
								   &r), 0);
		map = mmap(NULL, SVNIC_VF_BAR0_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, r.fd, 0);
		CU_ASSERT_FATAL(map != MAP_FAILED);
		seq = 0;		/* a new guest process, on a VF the device reset */
		memset(map + SVNIC_REG_NOTIFY_PAGE, 0, 4096);
		n = svnic_mbx_build(msg, sizeof(msg), SVNIC_MBX_OP_GET_STATS, 0, 40 + i, 0,
				    NULL, 0);
		svnic_mbx_shtx_write(map + SVNIC_REG_NOTIFY_PAGE, map + SVNIC_VF_MBX_TX_WIN, msg,
				     (uint16_t)n, &seq);
		/* a write elsewhere rings nothing */
		v = 0;
		CU_ASSERT_EQUAL(vfio_user_client_region_write(c, VFIO_PCI_BAR0_REGION_INDEX,
							      SVNIC_REG_MBX_RX_ACK, &v, 4), 0);
		CU_ASSERT_EQUAL(fk_now().doorbells, rung);
		len = (uint32_t)n;
		CU_ASSERT_EQUAL(vfio_user_client_region_write(c, VFIO_PCI_BAR0_REGION_INDEX,
							      SVNIC_REG_MBX_TX, &len, 4), 0);
		CU_ASSERT_EQUAL(fk_now().doorbells, ++rung);
		CU_ASSERT_EQUAL(fk_now().shtx_ret, (int)n);
		CU_ASSERT_EQUAL(memcmp(fk_now().shtx_msg, msg, n), 0);
		CU_ASSERT_EQUAL(stats_now().doorbells_taken, i + 1);
		/* taken: the device never saw that write */
		CU_ASSERT_FATAL(pread(fk.bar0_fd, &v, 4, SVNIC_REG_MBX_TX) == 4);
		CU_ASSERT_EQUAL(v, 0);
		/* the same message rung again (posted): nothing new, on to the device */
		CU_ASSERT_EQUAL(vfio_user_client_region_write_posted(c, VFIO_PCI_BAR0_REGION_INDEX,
								     SVNIC_REG_MBX_TX, &len, 4), 0);
		CU_ASSERT_EQUAL(vfio_user_client_region_read(c, VFIO_PCI_BAR0_REGION_INDEX,
							     SVNIC_REG_MBX_TX, &v, 4), 0);
		CU_ASSERT_EQUAL(fk_now().doorbells, ++rung);
		CU_ASSERT_EQUAL(fk_now().shtx_ret, 0);
		CU_ASSERT_EQUAL(v, len);
		CU_ASSERT_EQUAL(stats_now().doorbells_taken, i + 1);
		v = 0;
		CU_ASSERT_FATAL(pwrite(fk.bar0_fd, &v, 4, SVNIC_REG_MBX_TX) == 4);
		/* the PF answers in the guest's RX window itself (shared RX) */
		pthread_mutex_lock(&port_lock);
		CU_ASSERT_EQUAL(svnic_vf_port_shrx_write(port, msg, n), 0);
		CU_ASSERT_EQUAL(svnic_vf_port_shrx_write(port, msg, n), -EAGAIN);
		pthread_mutex_unlock(&port_lock);
		CU_ASSERT_EQUAL(*(uint32_t *)(map + SVNIC_NOTIFY_SHRX_SEQ), 1);
		CU_ASSERT_EQUAL(memcmp(map + SVNIC_VF_MBX_RX_WIN, msg, n), 0);
		/* its acknowledgement is for the PF; the device's own acks go on */
		writes = fk_now().reg_writes;
		v = SVNIC_MBX_ACK_SHARED;
		CU_ASSERT_EQUAL(vfio_user_client_region_write(c, VFIO_PCI_BAR0_REGION_INDEX,
							      SVNIC_REG_MBX_RX_ACK, &v, 4), 0);
		CU_ASSERT_EQUAL(fk_now().shared_acks, i + 1);
		CU_ASSERT_EQUAL(fk_now().reg_writes, writes);	/* taken: not the device's */
		/* the PF hears of a register write that goes on to the device, first */
		v = SVNIC_INT_MBX_RX;
		CU_ASSERT_EQUAL(vfio_user_client_region_write(c, VFIO_PCI_BAR0_REGION_INDEX,
							      SVNIC_REG_INT_CAUSE, &v, 4), 0);
		CU_ASSERT_EQUAL(fk_now().reg_writes, writes + 1);
		CU_ASSERT_EQUAL(fk_now().reg_off, SVNIC_REG_INT_CAUSE);
		CU_ASSERT_EQUAL(fk_now().reg_val, SVNIC_INT_MBX_RX);
		CU_ASSERT_FATAL(pread(fk.bar0_fd, &v, 4, SVNIC_REG_INT_CAUSE) == 4);
		CU_ASSERT_EQUAL(v, SVNIC_INT_MBX_RX);
		v = 0;
		CU_ASSERT_FATAL(pwrite(fk.bar0_fd, &v, 4, SVNIC_REG_INT_CAUSE) == 4);
		CU_ASSERT_FATAL(pread(fk.bar0_fd, &v, 4, SVNIC_REG_MBX_RX_ACK) == 4);
		CU_ASSERT_EQUAL(v, 0);
		v = SVNIC_MBX_ACK;
		CU_ASSERT_EQUAL(vfio_user_client_region_write(c, VFIO_PCI_BAR0_REGION_INDEX,
							      SVNIC_REG_MBX_RX_ACK, &v, 4), 0);
		CU_ASSERT_EQUAL(fk_now().shared_acks, i + 1);
		CU_ASSERT_FATAL(pread(fk.bar0_fd, &v, 4, SVNIC_REG_MBX_RX_ACK) == 4);
		CU_ASSERT_EQUAL(v, SVNIC_MBX_ACK);
		v = 0;
		CU_ASSERT_FATAL(pwrite(fk.bar0_fd, &v, 4, SVNIC_REG_MBX_RX_ACK) == 4);
		munmap(map, SVNIC_VF_BAR0_SIZE);
		close(r.fd);
		vfio_user_client_close(c);
		CU_ASSERT(wait_gones(i + 1));
	}
	/* no guest: nothing mapped */
	pthread_mutex_lock(&port_lock);
	CU_ASSERT_EQUAL(svnic_vf_port_shtx_read(port, 0, msg, sizeof(msg)), -ENODEV);
	pthread_mutex_unlock(&port_lock);
	fx_stop();
}

/* Frame a request in the guest's own mapping of BAR0 and ring MBX_TX. */
static int
guest_ring(struct vfio_user_client *c, uint32_t *seq)
{
	struct vfio_user_client_region r;
	uint8_t msg[SVNIC_MBX_MSG_MAX], *map;
	uint32_t len;
	size_t n;

	CU_ASSERT_EQUAL_FATAL(vfio_user_client_region_info(c, VFIO_PCI_BAR0_REGION_INDEX, &r),
			      0);
	map = mmap(NULL, SVNIC_VF_BAR0_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, r.fd, 0);
	CU_ASSERT_FATAL(map != MAP_FAILED);
	n = svnic_mbx_build(msg, sizeof(msg), SVNIC_MBX_OP_GET_STATS, 0, 9, 0, NULL, 0);
	svnic_mbx_shtx_write(map + SVNIC_REG_NOTIFY_PAGE, map + SVNIC_VF_MBX_TX_WIN, msg,
			     (uint16_t)n, seq);
	munmap(map, SVNIC_VF_BAR0_SIZE);
	close(r.fd);
	len = (uint32_t)n;
	return vfio_user_client_region_write(c, VFIO_PCI_BAR0_REGION_INDEX, SVNIC_REG_MBX_TX,
					     &len, 4);
}

/*
 * A guest's request may end in its VF's guest being dropped or its port being
 * closed (the PF frees the VF from an application's callback of that very
 * request). Both happen from within the port's handling of the guest's
 * message: they wait until it returns, and then leave nothing behind (the
 * fixture checks the socket file and every descriptor).
 */
static void
test_request_ends_its_own_guest_or_port(void)
{
	struct vfio_user_client *c;
	uint32_t seq = 0, v;

	fx_start();
	c = guest_open();
	pthread_mutex_lock(&port_lock);
	fk.drop_in_doorbell = true;
	pthread_mutex_unlock(&port_lock);
	/* the write is answered: the drop comes after the handling */
	CU_ASSERT_EQUAL(guest_ring(c, &seq), 0);
	CU_ASSERT(wait_gones(1));
	CU_ASSERT_EQUAL(fk_now().shtx_ret, 16);
	CU_ASSERT_NOT_EQUAL(vfio_user_client_region_read(c, VFIO_PCI_BAR0_REGION_INDEX,
							 SVNIC_REG_MBX_TX, &v, 4), 0);
	vfio_user_client_close(c);
	/* the port serves the next guest; this one's request closes the port */
	c = guest_open();
	pthread_mutex_lock(&port_lock);
	fk.drop_in_doorbell = false;
	fk.close_in_doorbell = true;
	pthread_mutex_unlock(&port_lock);
	seq = 0;
	CU_ASSERT_EQUAL(guest_ring(c, &seq), 0);
	CU_ASSERT(wait_gones(2));
	CU_ASSERT(fk_now().port_closed);
	CU_ASSERT_EQUAL(access(path, F_OK), -1);
	vfio_user_client_close(c);
	fx_stop();
}

/* How many mappings of this process come from a file whose name holds @p what. */
static unsigned int
maps_of(const char *what)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	unsigned int n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, what) != NULL)
			n++;
	fclose(f);
	return n;
}

static void
test_dma_forwarded_with_fd(void)
{
	struct vfio_user_client *c;
	struct stat st;
	struct fake f;
	int mem;

	fx_start();
	c = guest_open();
	mem = memfd_create("guest-mem", MFD_CLOEXEC);
	CU_ASSERT_FATAL(mem >= 0 && ftruncate(mem, 3 * 4096) == 0);
	CU_ASSERT_FATAL(fstat(mem, &st) == 0);
	CU_ASSERT_EQUAL(vfio_user_client_dma_map(c, 0x100000, 8192,
			VFIO_USER_DMA_READ_FLAG | VFIO_USER_DMA_WRITE_FLAG, mem, 4096), 0);
	f = fk_now();
	CU_ASSERT_EQUAL(f.dma_maps, 1);
	CU_ASSERT_EQUAL(f.map_iova, 0x100000);
	CU_ASSERT_EQUAL(f.map_len, 8192);
	CU_ASSERT_EQUAL(f.map_offset, 4096);
	CU_ASSERT_EQUAL(f.map_prot, VFIO_USER_DMA_READ_FLAG | VFIO_USER_DMA_WRITE_FLAG);
	CU_ASSERT_EQUAL(f.map_ino, st.st_ino);
	CU_ASSERT_EQUAL(stats_now().dma_maps, 1);
	/* the PF hands the window on and never maps guest memory itself */
	CU_ASSERT_EQUAL(maps_of("/memfd:guest-mem"), 0);
	/* Without a file the device could not reach the window: refused. */
	CU_ASSERT_EQUAL(vfio_user_client_dma_map(c, 0x200000, 4096, VFIO_USER_DMA_READ_FLAG,
						 -1, 0), -ENOTSUP);
	/* Overlapping: the server refuses it before the device hears of it. */
	CU_ASSERT_EQUAL(vfio_user_client_dma_map(c, 0x101000, 4096, VFIO_USER_DMA_READ_FLAG,
						 mem, 0), -EEXIST);
	CU_ASSERT_EQUAL(fk_now().dma_maps, 1);
	CU_ASSERT_EQUAL(vfio_user_client_dma_unmap(c, 0x100000, 8192), 0);
	f = fk_now();
	CU_ASSERT_EQUAL(f.dma_unmaps, 1);
	CU_ASSERT_EQUAL(f.unmap_iova, 0x100000);
	CU_ASSERT_EQUAL(f.unmap_len, 8192);
	close(mem);
	vfio_user_client_close(c);
	fx_stop();
}

static void
test_set_irqs_forwarded(void)
{
	struct vfio_irq_info info;
	struct vfio_user_client *c;
	uint64_t one = 1, got = 0;
	int efd[2];
	struct fake f;

	fx_start();
	c = guest_open();
	CU_ASSERT_EQUAL(vfio_user_client_irq_info(c, VFIO_PCI_MSIX_IRQ_INDEX, &info), 0);
	CU_ASSERT_EQUAL(info.count, MSIX_COUNT);
	efd[0] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	efd[1] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	CU_ASSERT_EQUAL(vfio_user_client_set_irq_eventfds(c, VFIO_PCI_MSIX_IRQ_INDEX, 1, 2, efd),
			0);
	f = fk_now();
	CU_ASSERT_EQUAL(f.eventfd_calls, 1);
	CU_ASSERT_EQUAL(f.irq_index, VFIO_PCI_MSIX_IRQ_INDEX);
	CU_ASSERT_EQUAL(f.irq_start, 1);
	CU_ASSERT_EQUAL(f.irq_count, 2);
	/* The device's copy is the guest's eventfd: signalling it wakes the guest. */
	CU_ASSERT_FATAL(f.irq_fds[2] >= 0);
	CU_ASSERT_EQUAL(write(f.irq_fds[2], &one, sizeof(one)), (ssize_t)sizeof(one));
	CU_ASSERT_EQUAL(read(efd[1], &got, sizeof(got)), (ssize_t)sizeof(got));
	CU_ASSERT_EQUAL(got, 1);
	/* Beyond the vectors the device has: refused, the device not asked. */
	CU_ASSERT_EQUAL(vfio_user_client_set_irq_eventfds(c, VFIO_PCI_MSIX_IRQ_INDEX,
							  MSIX_COUNT - 1, 2, efd), -EINVAL);
	CU_ASSERT_EQUAL(fk_now().eventfd_calls, 1);
	/* Disable the whole type. */
	CU_ASSERT_EQUAL(vfio_user_client_set_irqs(c, VFIO_PCI_MSIX_IRQ_INDEX,
						  VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0, NULL), 0);
	f = fk_now();
	CU_ASSERT_EQUAL(f.set_irqs_calls, 1);
	CU_ASSERT_EQUAL(f.irq_action, VFIO_IRQ_SET_ACTION_TRIGGER);
	CU_ASSERT_EQUAL(f.irq_count, 0);
	close(efd[0]);
	close(efd[1]);
	vfio_user_client_close(c);
	fx_stop();
}

static void
test_device_reset(void)
{
	struct vfio_user_client *c;

	fx_start();
	c = guest_open();
	cfg_wr(c, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	CU_ASSERT_EQUAL(vfio_user_client_reset(c), 0);
	CU_ASSERT_EQUAL(fk_now().resets, 1);
	CU_ASSERT_EQUAL(stats_now().resets, 1);
	CU_ASSERT_EQUAL(cfg_rd(c, PCI_COMMAND, 2), PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	vfio_user_client_close(c);
	fx_stop();
}

/* ---- guests coming and going ---- */

static void
test_second_guest_busy(void)
{
	struct vfio_user_client_opts o = { .timeout_ms = 2000 };
	struct vfio_user_client *c, *c2 = NULL;
	unsigned int i;

	fx_start();
	c = guest_open();
	CU_ASSERT_EQUAL(vfio_user_client_connect(path, &o, &c2), -EBUSY);
	CU_ASSERT_PTR_NULL(c2);
	for (i = 0; i < 400 && stats_now().refused == 0; i++)
		usleep(500);
	CU_ASSERT_EQUAL(stats_now().refused, 1);
	CU_ASSERT_EQUAL(fk_now().opens, 1);
	CU_ASSERT_EQUAL(stats_now().guests, 1);
	/* The first guest goes on undisturbed. */
	CU_ASSERT_EQUAL(cfg_rd(c, PCI_VENDOR_ID, 2), SVNIC_PCI_VENDOR_ID);
	vfio_user_client_close(c);
	fx_stop();
}

static void
test_disconnect_then_new_guest(void)
{
	struct vfio_user_client *c;
	int efd;
	struct fake f;

	fx_start();
	c = guest_open();
	CU_ASSERT_EQUAL(fk_now().comes, 1);
	pthread_mutex_lock(&port_lock);
	CU_ASSERT(svnic_vf_port_guest_connected(port));
	pthread_mutex_unlock(&port_lock);
	cfg_wr(c, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	efd = eventfd(0, EFD_CLOEXEC);
	CU_ASSERT_EQUAL(vfio_user_client_set_irq_eventfds(c, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1,
							  &efd), 0);
	close(efd);
	vfio_user_client_close(c);
	CU_ASSERT_FATAL(wait_gones(1));
	f = fk_now();
	CU_ASSERT_EQUAL(f.closes, 1);
	CU_ASSERT_EQUAL(f.dev_open, 0);
	CU_ASSERT_EQUAL(f.irq_fds[0], -1);
	pthread_mutex_lock(&port_lock);
	CU_ASSERT(!svnic_vf_port_guest_connected(port));
	pthread_mutex_unlock(&port_lock);
	/* The next guest finds a VF at power-on, and a fresh device connection. */
	c = guest_open();
	CU_ASSERT_EQUAL(cfg_rd(c, PCI_COMMAND, 2), PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	f = fk_now();
	CU_ASSERT_EQUAL(f.opens, 2);
	CU_ASSERT_EQUAL(f.comes, 2);
	CU_ASSERT_EQUAL(stats_now().guests, 2);
	/* The operator drops it. */
	pthread_mutex_lock(&port_lock);
	svnic_vf_port_drop_guest(port);
	CU_ASSERT(!svnic_vf_port_guest_connected(port));
	pthread_mutex_unlock(&port_lock);
	f = fk_now();
	CU_ASSERT_EQUAL(f.gones, 2);
	CU_ASSERT_EQUAL(f.closes, 2);
	CU_ASSERT_NOT_EQUAL(cfg_rd_fails(c), 0);
	vfio_user_client_close(c);
	fx_stop();
}

static void
test_device_unreachable_refuses_guest(void)
{
	struct vfio_user_client_opts o = { .timeout_ms = 2000 };
	struct vfio_user_client *c = NULL;

	fx_start();
	fk.open_ret = -ECONNREFUSED;	/* the port thread is idle: no guest yet */
	CU_ASSERT_EQUAL(vfio_user_client_connect(path, &o, &c), -ECONNREFUSED);
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_EQUAL(fk_now().comes, 0);
	CU_ASSERT_EQUAL(stats_now().guests, 0);
	pthread_mutex_lock(&port_lock);
	fk.open_ret = 0;
	pthread_mutex_unlock(&port_lock);
	c = guest_open();
	CU_ASSERT_EQUAL(fk_now().comes, 1);
	vfio_user_client_close(c);
	fx_stop();
}

static void
test_garbage_reaches_nothing(void)
{
	struct vfio_user_hdr h = { .cmd = VFIO_USER_DEVICE_RESET, .msg_size = 0x7fffffff };
	int fd;

	fx_start();
	/* A request before VERSION, then a header announcing 2 GiB: dropped. */
	fd = unit_connect(path);
	CU_ASSERT_EQUAL(write(fd, &h, sizeof(h)), (ssize_t)sizeof(h));
	CU_ASSERT(unit_peer_closed(fd));
	close(fd);
	CU_ASSERT_EQUAL(fk_now().opens, 0);
	CU_ASSERT_EQUAL(fk_now().resets, 0);
	CU_ASSERT_EQUAL(fk_now().comes, 0);
	fx_stop();
}

static void
test_bad_accesses_change_nothing(void)
{
	struct vfio_user_client_region r;
	struct vfio_user_client *c;
	struct sriov_cfg_stats before, after;
	uint32_t v = UINT32_MAX;
	uint8_t big[64];

	fx_start();
	c = guest_open();
	cfg_wr(c, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	before = stats_now().cfg;
	/* Past the end of config space, across a dword, 3 bytes: all refused. */
	CU_ASSERT_EQUAL(vfio_user_client_region_read(c, VFIO_PCI_CONFIG_REGION_INDEX, 4094,
						     &v, 4), -EINVAL);
	CU_ASSERT_EQUAL(vfio_user_client_region_write(c, VFIO_PCI_CONFIG_REGION_INDEX, 2,
						      &v, 4), -EINVAL);
	CU_ASSERT_EQUAL(vfio_user_client_region_write(c, VFIO_PCI_CONFIG_REGION_INDEX,
						      PCI_COMMAND, &v, 3), -EINVAL);
	CU_ASSERT_EQUAL(cfg_rd(c, PCI_COMMAND, 2),
			PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	after = stats_now().cfg;
	CU_ASSERT_EQUAL(after.writes, before.writes);
	CU_ASSERT_EQUAL(after.refused, before.refused + 2);
	/* Beyond the BAR, and a region index the VF does not have. */
	memset(big, 0xee, sizeof(big));
	CU_ASSERT_EQUAL(vfio_user_client_region_write(c, VFIO_PCI_BAR2_REGION_INDEX,
						      BAR2_SIZE - 32, big, sizeof(big)), -EINVAL);
	CU_ASSERT_EQUAL(fk_now().bar2[BAR2_SIZE - 1], 0);
	CU_ASSERT_EQUAL(vfio_user_client_region_info(c, VFIO_PCI_NUM_REGIONS, &r), -EINVAL);
	/* Regions the VF does not implement have no size. */
	CU_ASSERT_EQUAL(vfio_user_client_region_info(c, VFIO_PCI_ROM_REGION_INDEX, &r), 0);
	CU_ASSERT_EQUAL(r.info.size, 0);
	CU_ASSERT_EQUAL(fk_now().resets, 0);
	vfio_user_client_close(c);
	fx_stop();
}

/* Many guests in a row: no fd, no device connection left behind. */
static void
test_guest_cycles_leak_nothing(void)
{
	struct vfio_user_client_region r;
	struct vfio_user_client *c;
	unsigned int i;
	int fds, mem;

	fx_start();
	mem = memfd_create("guest-mem", MFD_CLOEXEC);
	CU_ASSERT_FATAL(mem >= 0 && ftruncate(mem, 4096) == 0);
	fds = unit_open_fds();
	for (i = 0; i < 50; i++) {
		c = guest_open();
		CU_ASSERT_EQUAL(vfio_user_client_region_info(c, VFIO_PCI_BAR0_REGION_INDEX, &r),
				0);
		close(r.fd);
		CU_ASSERT_EQUAL(vfio_user_client_dma_map(c, 0x1000, 4096,
				VFIO_USER_DMA_READ_FLAG, mem, 0), 0);
		vfio_user_client_close(c);
		CU_ASSERT_FATAL(wait_gones(i + 1));
	}
	CU_ASSERT_EQUAL(fk_now().opens, 50);
	CU_ASSERT_EQUAL(fk_now().closes, 50);
	CU_ASSERT_EQUAL(unit_open_fds(), fds);
	close(mem);
	fx_stop();
}

/* ---- the production device side, against a vfio-user server as the device ---- */

static int
dev_srv_device_info(void *ctx, struct vfio_user_device_info *info)
{
	(void)ctx;
	info->flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info->num_regions = VFIO_PCI_NUM_REGIONS;
	info->num_irqs = VFIO_PCI_NUM_IRQS;
	return 0;
}

static int
dev_srv_region_info(void *ctx, uint32_t index, struct vfio_user_region_desc *d)
{
	(void)ctx;
	if (index == VFIO_PCI_BAR0_REGION_INDEX) {
		d->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
			   VFIO_REGION_INFO_FLAG_MMAP;
		d->size = BAR0_SIZE;
		d->fd = fk.bar0_fd;
		d->nr_sparse = 1;
		d->sparse[0].offset = BAR0_MMAP_START;
		d->sparse[0].size = BAR0_SIZE - BAR0_MMAP_START;
	}
	return 0;
}

static int
dev_srv_irq_info(void *ctx, uint32_t index, struct vfio_irq_info *info)
{
	(void)ctx;
	if (index == VFIO_PCI_MSIX_IRQ_INDEX) {
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
		info->count = MSIX_COUNT;
	}
	return 0;
}

static int
dev_srv_region_access(void *ctx, uint32_t index, uint64_t off, void *buf, uint32_t count,
		      bool is_write)
{
	(void)ctx;
	return fake_region_rw(index, off, is_write ? NULL : buf, is_write ? buf : NULL, count);
}

static pthread_mutex_t dev_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int dev_maps;
static uint64_t dev_map_iova;

static int
dev_srv_dma_map(void *ctx, const struct vfio_user_dma_region *r, int fd)
{
	(void)ctx;
	(void)fd;
	dev_maps++;
	dev_map_iova = r->iova;
	return 0;
}

static char dev_token_seen[40];

static int
dev_srv_check_token(void *ctx, const char *token)
{
	(void)ctx;
	snprintf(dev_token_seen, sizeof(dev_token_seen), "%s", token != NULL ? token : "");
	return 0;
}

static const struct vfio_user_server_ops dev_srv_ops = {
	.device_info = dev_srv_device_info,
	.region_info = dev_srv_region_info,
	.irq_info = dev_srv_irq_info,
	.region_access = dev_srv_region_access,
	.dma_map = dev_srv_dma_map,
	.check_token = dev_srv_check_token,
};

static struct vfio_user_server *dev_srv;

/*
 * The port calls the device synchronously, holding port_lock: the device is
 * served by a thread of its own, under a lock of its own.
 */
static void *
dev_main(void *arg)
{
	struct pollfd pfd[8];
	unsigned int n;

	(void)arg;
	while (!atomic_load(&port_stop)) {
		pthread_mutex_lock(&dev_lock);
		n = vfio_user_server_pollfds(dev_srv, pfd, 8);
		pthread_mutex_unlock(&dev_lock);
		poll(pfd, n, 5);
		pthread_mutex_lock(&dev_lock);
		vfio_user_server_handle(dev_srv);
		pthread_mutex_unlock(&dev_lock);
	}
	return NULL;
}

static bool
dev_connected(void)
{
	bool c;

	pthread_mutex_lock(&dev_lock);
	c = vfio_user_server_connected(dev_srv);
	pthread_mutex_unlock(&dev_lock);
	return c;
}

static void
test_production_device_side(void)
{
	struct svnic_vf_port_dev_vfio_user_ctx dctx = { 0 };
	struct vfio_user_server_cfg scfg = { .timeout_ms = 2000 };
	struct vfio_user_client_region r;
	struct svnic_vf_port_cfg cfg;
	struct vfio_user_client *c;
	struct stat a, b;
	char dev_path[128];
	pthread_t dev_thread;
	char buf[8];
	unsigned int i;
	int mem;

	fx_start();
	snprintf(dev_path, sizeof(dev_path), "%s/dev", dir);
	CU_ASSERT_FATAL(mkdir(dev_path, 0700) == 0);
	snprintf(dctx.dir, sizeof(dctx.dir), "%s/dev", dir);
	snprintf(dctx.vf_token, sizeof(dctx.vf_token), "0d8f5e5c-1b7a-4c1e-9a53-6f3b2c1d0e9f");
	snprintf(dev_path, sizeof(dev_path), "%s/dev/vf%u.sock", dir, VF_ID);
	scfg.path = dev_path;
	CU_ASSERT_EQUAL_FATAL(vfio_user_server_create(&scfg, &dev_srv_ops, NULL, &dev_srv), 0);
	/* A second port on another socket, with the real device side. */
	atomic_store(&port_stop, true);
	pthread_join(port_thread, NULL);
	svnic_vf_port_close(port);
	port_cfg_fill(&cfg);
	cfg.dev_ops = &svnic_vf_port_dev_vfio_user;
	cfg.dev_ctx = &dctx;
	CU_ASSERT_EQUAL_FATAL(svnic_vf_port_open(&cfg, &port), 0);
	atomic_store(&port_stop, false);
	CU_ASSERT_FATAL(pthread_create(&port_thread, NULL, port_main, NULL) == 0);
	CU_ASSERT_FATAL(pthread_create(&dev_thread, NULL, dev_main, NULL) == 0);

	c = guest_open();
	pthread_mutex_lock(&dev_lock);
	CU_ASSERT_STRING_EQUAL(dev_token_seen, dctx.vf_token);
	pthread_mutex_unlock(&dev_lock);
	CU_ASSERT_EQUAL(cfg_rd(c, PCI_VENDOR_ID, 2), SVNIC_PCI_VENDOR_ID);
	CU_ASSERT_EQUAL(vfio_user_client_region_info(c, VFIO_PCI_BAR0_REGION_INDEX, &r), 0);
	CU_ASSERT_EQUAL(r.nr_sparse, 1);
	CU_ASSERT_FATAL(r.fd >= 0);
	CU_ASSERT_FATAL(fstat(r.fd, &a) == 0 && fstat(fk.bar0_fd, &b) == 0);
	CU_ASSERT_EQUAL(a.st_ino, b.st_ino);
	close(r.fd);
	CU_ASSERT_EQUAL(vfio_user_client_region_read(c, VFIO_PCI_BAR0_REGION_INDEX,
						     BAR0_MMAP_START, buf, 6), 0);
	CU_ASSERT_EQUAL(memcmp(buf, "DEVICE", 6), 0);
	mem = memfd_create("guest-mem", MFD_CLOEXEC);
	CU_ASSERT_FATAL(mem >= 0 && ftruncate(mem, 4096) == 0);
	CU_ASSERT_EQUAL(vfio_user_client_dma_map(c, 0x3000, 4096, VFIO_USER_DMA_READ_FLAG,
						 mem, 0), 0);
	close(mem);
	pthread_mutex_lock(&dev_lock);
	CU_ASSERT_EQUAL(dev_maps, 1);
	CU_ASSERT_EQUAL(dev_map_iova, 0x3000);
	CU_ASSERT_EQUAL(vfio_user_dma_count(vfio_user_server_dma(dev_srv)), 1);
	pthread_mutex_unlock(&dev_lock);
	/* The guest leaves: the port's connection to the device goes too. */
	vfio_user_client_close(c);
	CU_ASSERT_FATAL(wait_gones(1));
	for (i = 0; i < 400 && dev_connected(); i++)
		usleep(500);
	pthread_mutex_lock(&dev_lock);
	CU_ASSERT(!vfio_user_server_connected(dev_srv));
	CU_ASSERT_EQUAL(vfio_user_dma_count(vfio_user_server_dma(dev_srv)), 0);
	pthread_mutex_unlock(&dev_lock);

	atomic_store(&port_stop, true);
	pthread_join(dev_thread, NULL);
	vfio_user_server_destroy(dev_srv);
	dev_srv = NULL;
	snprintf(dev_path, sizeof(dev_path), "%s/dev", dir);
	rmdir(dev_path);
	fx_stop();
}

static CU_TestInfo tests_open[] = {
	UNIT_TEST(test_open_refuses_bad_cfg),
	UNIT_TEST(test_open_live_socket_in_use),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_cfg[] = {
	UNIT_TEST(test_cfg_ids_and_capabilities),
	UNIT_TEST(test_cfg_bar_sizing),
	UNIT_TEST(test_cfg_read_only_bits_hold),
	UNIT_TEST(test_cfg_flr_resets_vf),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_forward[] = {
	UNIT_TEST(test_bar0_is_the_devices_memory),
	UNIT_TEST(test_mbx_doorbell_and_shared_window),
	UNIT_TEST(test_request_ends_its_own_guest_or_port),
	UNIT_TEST(test_dma_forwarded_with_fd),
	UNIT_TEST(test_set_irqs_forwarded),
	UNIT_TEST(test_device_reset),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_guests[] = {
	UNIT_TEST(test_garbage_reaches_nothing),
	UNIT_TEST(test_bad_accesses_change_nothing),
	UNIT_TEST(test_device_unreachable_refuses_guest),
	UNIT_TEST(test_second_guest_busy),
	UNIT_TEST(test_disconnect_then_new_guest),
	UNIT_TEST(test_guest_cycles_leak_nothing),
	UNIT_TEST(test_production_device_side),
	CU_TEST_INFO_NULL,
};

UNIT_MAIN(UNIT_SUITE("svnic_vf_port open", tests_open),
	  UNIT_SUITE("svnic_vf_port config space", tests_cfg),
	  UNIT_SUITE("svnic_vf_port forwarding", tests_forward),
	  UNIT_SUITE("svnic_vf_port guests", tests_guests))
