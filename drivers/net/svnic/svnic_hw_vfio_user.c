/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transport: the emulated device over vfio-user (lib/vfio_user's client).
 * Config space is region VFIO_PCI_CONFIG_REGION_INDEX, page 0 of BAR0 is
 * REGION_READ/WRITE (trapped), the rest of BAR0 is the region's sparse mmap
 * area, DMA windows are given with their file descriptors.
 *
 * The client is one socket and not thread-safe, while the control thread,
 * the application's thread (ethdev ops), lcores (KICK) and the EAL's memory
 * hotplug all use it: every call holds one mutex.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include <rte_log.h>

#include "svnic_hw.h"
#include "svnic_hw_vfio_user.h"
#include "svnic_logs.h"
#include "vfio_user_client.h"
#include "vfio_user_log.h"

struct svnic_hw_vu {
	struct vfio_user_client *client;
	pthread_mutex_t lock;
	void *map;
	size_t map_len;
	char path[108];			/* the PF's socket, for vf_dir */
};

static struct vfio_user_client *
svnic_vu_lock(struct svnic_hw *hw)
{
	struct svnic_hw_vu *vu = hw->priv;

	pthread_mutex_lock(&vu->lock);
	return vu->client;
}

static void
svnic_vu_unlock(struct svnic_hw *hw)
{
	struct svnic_hw_vu *vu = hw->priv;

	pthread_mutex_unlock(&vu->lock);
}

static int
svnic_vu_cfg_read(struct svnic_hw *hw, uint32_t off, void *buf, uint32_t len)
{
	int ret = vfio_user_client_region_read(svnic_vu_lock(hw), VFIO_PCI_CONFIG_REGION_INDEX,
					       off, buf, len);

	svnic_vu_unlock(hw);
	return ret;
}

static int
svnic_vu_cfg_write(struct svnic_hw *hw, uint32_t off, const void *buf, uint32_t len)
{
	int ret = vfio_user_client_region_write(svnic_vu_lock(hw),
						VFIO_PCI_CONFIG_REGION_INDEX, off, buf, len);

	svnic_vu_unlock(hw);
	return ret;
}

static int
svnic_vu_reg_read(struct svnic_hw *hw, uint32_t off, uint32_t *val)
{
	int ret = vfio_user_client_region_read(svnic_vu_lock(hw), VFIO_PCI_BAR0_REGION_INDEX,
					       off, val, sizeof(*val));

	svnic_vu_unlock(hw);
	return ret;
}

static int
svnic_vu_reg_write(struct svnic_hw *hw, uint32_t off, uint32_t val)
{
	int ret = vfio_user_client_region_write(svnic_vu_lock(hw), VFIO_PCI_BAR0_REGION_INDEX,
						off, &val, sizeof(val));

	svnic_vu_unlock(hw);
	return ret;
}

/* vfio-user's no-reply flag: one message out, no round trip. */
static int
svnic_vu_reg_write_posted(struct svnic_hw *hw, uint32_t off, uint32_t val)
{
	int ret = vfio_user_client_region_write_posted(svnic_vu_lock(hw),
						       VFIO_PCI_BAR0_REGION_INDEX, off, &val,
						       sizeof(val));

	svnic_vu_unlock(hw);
	return ret;
}

/* The spec's sparse area is [0x1000, BAR0 size): map the one that holds page 1. */
static int
svnic_vu_bar0_map(struct svnic_hw *hw)
{
	struct svnic_hw_vu *vu = hw->priv;
	struct vfio_user_client_region r;
	const struct vfio_region_sparse_mmap_area *a = NULL;
	uint32_t i;
	void *p;
	int ret;

	ret = vfio_user_client_region_info(svnic_vu_lock(hw), VFIO_PCI_BAR0_REGION_INDEX, &r);
	svnic_vu_unlock(hw);
	if (ret < 0) {
		SVNIC_INIT_LOG(ERR, "%s: BAR0 region info: %s", hw->name, strerror(-ret));
		return ret;
	}
	for (i = 0; i < r.nr_sparse; i++)
		if (r.sparse[i].offset <= SVNIC_REG_NOTIFY_PAGE &&
		    r.sparse[i].offset + r.sparse[i].size > SVNIC_REG_NOTIFY_PAGE)
			a = &r.sparse[i];
	if (!(r.info.flags & VFIO_REGION_INFO_FLAG_MMAP) || r.fd < 0 || a == NULL ||
	    a->offset + a->size > r.info.size || a->size > UINT32_MAX) {
		/* 64 KiB host pages: no mmap areas, every access trapped (spec "BAR0"). */
		SVNIC_INIT_LOG(ERR, "%s: the server offers no mmap-able notify page and "
			       "doorbells; trapped-only BAR0 is not supported", hw->name);
		ret = -ENOTSUP;
		goto out;
	}
	p = mmap(NULL, a->size, PROT_READ | PROT_WRITE, MAP_SHARED, r.fd,
		 (off_t)(r.info.offset + a->offset));
	if (p == MAP_FAILED) {
		ret = -errno;
		SVNIC_INIT_LOG(ERR, "%s: mmap of BAR0 [0x%llx, +0x%llx): %s", hw->name,
			       (unsigned long long)a->offset, (unsigned long long)a->size,
			       strerror(errno));
		goto out;
	}
	vu->map = p;
	vu->map_len = a->size;
	hw->bar0 = p;
	hw->bar0_lo = (uint32_t)a->offset;
	hw->bar0_hi = (uint32_t)(a->offset + a->size);
	ret = 0;
out:
	if (r.fd >= 0)
		close(r.fd);
	return ret;
}

static void
svnic_vu_bar0_unmap(struct svnic_hw *hw)
{
	struct svnic_hw_vu *vu = hw->priv;

	if (vu->map != NULL)
		munmap(vu->map, vu->map_len);
	vu->map = NULL;
	hw->bar0 = NULL;
	hw->bar0_lo = hw->bar0_hi = 0;
}

static int
svnic_vu_dma_map(struct svnic_hw *hw, uint64_t iova, uint64_t len, int fd, uint64_t fd_off)
{
	int ret = vfio_user_client_dma_map(svnic_vu_lock(hw), iova, len,
					   VFIO_USER_DMA_READ_FLAG | VFIO_USER_DMA_WRITE_FLAG,
					   fd, fd_off);

	svnic_vu_unlock(hw);
	return ret;
}

static int
svnic_vu_dma_unmap(struct svnic_hw *hw, uint64_t iova, uint64_t len)
{
	int ret = vfio_user_client_dma_unmap(svnic_vu_lock(hw), iova, len);

	svnic_vu_unlock(hw);
	return ret;
}

/* Offset of the MSI-X capability in config space, 0 when there is none. */
static uint8_t
svnic_vu_msix_cap(struct svnic_hw *hw)
{
	uint8_t pos = 0, hdr[2];
	unsigned int hops;

	if (svnic_vu_cfg_read(hw, PCI_CAPABILITY_LIST, &pos, 1) < 0)
		return 0;
	/* bounded: a malformed list must not loop (48 dword-aligned slots fit) */
	for (hops = 0; pos >= PCI_STD_HEADER_SIZEOF && hops < 48; hops++) {
		if (svnic_vu_cfg_read(hw, pos & ~3u, hdr, sizeof(hdr)) < 0)
			return 0;
		if (hdr[0] == PCI_CAP_ID_MSIX)
			return pos & ~3u;
		pos = hdr[1];
	}
	return 0;
}

/*
 * Binding eventfds to MSI-X vectors also enables MSI-X in the function's
 * config space, as VFIO_DEVICE_SET_IRQS does in the kernel's vfio-pci: the
 * device raises no vector of a function whose MSI-X is off (spec
 * "Interrupts"). Disabling is left to the function's reset.
 */
static int
svnic_vu_msix_enable(struct svnic_hw *hw)
{
	uint8_t cap = svnic_vu_msix_cap(hw);
	uint16_t flags;
	int ret;

	if (cap == 0)
		return -ENOTSUP;
	ret = svnic_vu_cfg_read(hw, cap + PCI_MSIX_FLAGS, &flags, sizeof(flags));
	if (ret < 0 || ((flags & PCI_MSIX_FLAGS_ENABLE) && !(flags & PCI_MSIX_FLAGS_MASKALL)))
		return ret;
	flags = (uint16_t)((flags | PCI_MSIX_FLAGS_ENABLE) & ~PCI_MSIX_FLAGS_MASKALL);
	return svnic_vu_cfg_write(hw, cap + PCI_MSIX_FLAGS, &flags, sizeof(flags));
}

static int
svnic_vu_irq_set(struct svnic_hw *hw, uint32_t start, uint32_t count, const int *fds)
{
	uint32_t i;
	int ret = vfio_user_client_set_irq_eventfds(svnic_vu_lock(hw), VFIO_PCI_MSIX_IRQ_INDEX,
						    start, count, fds);

	svnic_vu_unlock(hw);
	for (i = 0; ret == 0 && i < count; i++)
		if (fds[i] >= 0) {
			ret = svnic_vu_msix_enable(hw);
			break;
		}
	return ret;
}

static int
svnic_vu_set_vf_token(struct svnic_hw *hw, const uint8_t uuid[16])
{
	int ret = vfio_user_client_set_vf_token(svnic_vu_lock(hw), uuid);

	svnic_vu_unlock(hw);
	return ret;
}

/* svnic-emu serves every function's socket in one directory (doc/vfio-user.rst). */
static int
svnic_vu_vf_dir(struct svnic_hw *hw, char *buf, size_t len)
{
	const struct svnic_hw_vu *vu = hw->priv;
	const char *slash = strrchr(vu->path, '/');
	size_t n;

	if (slash == NULL)
		return snprintf(buf, len, ".") < (int)len ? 0 : -ENAMETOOLONG;
	n = (size_t)(slash - vu->path);
	if (n == 0)
		n = 1;		/* a socket in "/" */
	if (n >= len)
		return -ENAMETOOLONG;
	memcpy(buf, vu->path, n);
	buf[n] = '\0';
	return 0;
}

static void
svnic_vu_close(struct svnic_hw *hw)
{
	struct svnic_hw_vu *vu = hw->priv;

	if (vu == NULL)
		return;
	/* The server treats our going away as a PF FLR (spec "Resets"). */
	vfio_user_client_close(vu->client);
	pthread_mutex_destroy(&vu->lock);
	free(vu);
	hw->priv = NULL;
}

static const struct svnic_hw_ops svnic_vu_ops = {
	.name = "vfio-user",
	.cfg_read = svnic_vu_cfg_read,
	.cfg_write = svnic_vu_cfg_write,
	.reg_read = svnic_vu_reg_read,
	.reg_write = svnic_vu_reg_write,
	.reg_write_posted = svnic_vu_reg_write_posted,
	.bar0_map = svnic_vu_bar0_map,
	.bar0_unmap = svnic_vu_bar0_unmap,
	.dma_map = svnic_vu_dma_map,
	.dma_unmap = svnic_vu_dma_unmap,
	.irq_set = svnic_vu_irq_set,
	.set_vf_token = svnic_vu_set_vf_token,
	.vf_dir = svnic_vu_vf_dir,
	.close = svnic_vu_close,
};

/* lib/vfio_user logs through a callback: into our init log type. */
static void
svnic_vu_log(enum vfio_user_log_level level, const char *msg, void *ctx)
{
	static const uint32_t lvl[] = {
		[VFIO_USER_LOG_ERR] = RTE_LOG_ERR,
		[VFIO_USER_LOG_WARNING] = RTE_LOG_WARNING,
		[VFIO_USER_LOG_INFO] = RTE_LOG_INFO,
		[VFIO_USER_LOG_DEBUG] = RTE_LOG_DEBUG,
	};

	RTE_SET_USED(ctx);
	rte_log(level <= VFIO_USER_LOG_DEBUG ? lvl[level] : RTE_LOG_DEBUG, svnic_logtype_init,
		"vfio-user: %s\n", msg);
}

static const char *
svnic_vu_connect_hint(int err)
{
	switch (err) {
	case -ENOENT:
		return " (no such socket: is svnic-emu running with this --dir?)";
	case -ECONNREFUSED:
		return " (nothing listens there: the emulator is gone)";
	case -ENOTSOCK:
		return " (not a socket)";
	case -EBUSY:
		return " (the device serves another driver)";
	case -EPERM:
	case -EACCES:
		/* the socket answered: it refused us, as a VF socket does without the
		 * token its PF set; net_svnic is for the PF's own socket */
		return " (the device refused this client: a VF socket serves only a client "
		       "with the VF token its PF's driver set; net_svnic drives the PF only, "
		       "net_svnic_vf a VF)";
	default:
		return "";
	}
}

int
svnic_hw_vfio_user_open(struct svnic_hw *hw, const char *path)
{
	struct vfio_user_client_opts opts = { .timeout_ms = 5000 };
	struct svnic_hw_vu *vu;
	int ret;

	vu = calloc(1, sizeof(*vu));
	if (vu == NULL)
		return -ENOMEM;
	if (strlen(path) >= sizeof(vu->path)) {
		free(vu);
		return -ENAMETOOLONG;
	}
	strcpy(vu->path, path);
	pthread_mutex_init(&vu->lock, NULL);
	vfio_user_log_set_handler(svnic_vu_log, NULL);
	ret = vfio_user_client_connect(path, &opts, &vu->client);
	if (ret < 0) {
		SVNIC_INIT_LOG(ERR, "%s: cannot connect to vfio_user=%s: %s%s", hw->name, path,
			       strerror(-ret), svnic_vu_connect_hint(ret));
		pthread_mutex_destroy(&vu->lock);
		free(vu);
		return ret;
	}
	hw->priv = vu;
	hw->ops = &svnic_vu_ops;
	return 0;
}
