/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transport: a hardware svnic PF bound to vfio-pci, on DPDK's PCI bus. The EAL
 * maps BAR0 (RTE_PCI_DRV_NEED_MAPPING) and puts all memory in the VFIO
 * container, so DMA needs nothing from us; config space goes through
 * rte_pci_read_config()/rte_pci_write_config(). Everything above this file is
 * the vfio-user path's: svnic_ethdev_init() does the rest.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bus_pci_driver.h>
#include <ethdev_pci.h>
#include <rte_io.h>
#include <rte_string_fns.h>

#include "svnic_ethdev.h"
#include "svnic_hw.h"
#include "svnic_logs.h"
#include "svnic_pci.h"

static struct rte_pci_device *
svnic_pci_dev(const struct svnic_hw *hw)
{
	return hw->priv;
}

static int
svnic_pci_cfg_read(struct svnic_hw *hw, uint32_t off, void *buf, uint32_t len)
{
	int ret = rte_pci_read_config(svnic_pci_dev(hw), buf, len, off);

	if (ret < 0)
		return ret;
	return (uint32_t)ret == len ? 0 : -EIO;
}

static int
svnic_pci_cfg_write(struct svnic_hw *hw, uint32_t off, const void *buf, uint32_t len)
{
	int ret = rte_pci_write_config(svnic_pci_dev(hw), buf, len, off);

	if (ret < 0)
		return ret;
	return (uint32_t)ret == len ? 0 : -EIO;
}

static int
svnic_pci_reg_read(struct svnic_hw *hw, uint32_t off, uint32_t *val)
{
	*val = rte_read32(svnic_hw_bar0_addr(hw, off));
	return 0;
}

static int
svnic_pci_reg_write(struct svnic_hw *hw, uint32_t off, uint32_t val)
{
	rte_write32(val, svnic_hw_bar0_addr(hw, off));
	return 0;
}

/* The whole BAR is MMIO: page 0 and the shared pages alike. */
static int
svnic_pci_bar0_map(struct svnic_hw *hw)
{
	const struct rte_mem_resource *r = &svnic_pci_dev(hw)->mem_resource[SVNIC_BAR0];

	if (r->addr == NULL || r->len < SVNIC_PF_BAR0_SIZE) {
		SVNIC_INIT_LOG(ERR, "%s: BAR0 not mapped or smaller than %u bytes", hw->name,
			       SVNIC_PF_BAR0_SIZE);
		return -ENODEV;
	}
	hw->bar0 = r->addr;
	hw->bar0_lo = 0;
	hw->bar0_hi = SVNIC_PF_BAR0_SIZE;
	return 0;
}

static void
svnic_pci_bar0_unmap(struct svnic_hw *hw)
{
	/* The EAL unmaps the BAR when it releases the device. */
	hw->bar0 = NULL;
	hw->bar0_lo = hw->bar0_hi = 0;
}

static int
svnic_pci_irq_set(struct svnic_hw *hw, uint32_t start, uint32_t count, const int *fds)
{
	RTE_SET_USED(hw);
	RTE_SET_USED(start);
	RTE_SET_USED(count);
	RTE_SET_USED(fds);
	/* Interrupts go through rte_intr on this bus; the driver polls for now. */
	return -ENOTSUP;
}

static void
svnic_pci_close(struct svnic_hw *hw)
{
	hw->priv = NULL;
}

static const struct svnic_hw_ops svnic_pci_ops = {
	.name = "vfio-pci",
	.cfg_read = svnic_pci_cfg_read,
	.cfg_write = svnic_pci_cfg_write,
	.reg_read = svnic_pci_reg_read,
	.reg_write = svnic_pci_reg_write,
	.bar0_map = svnic_pci_bar0_map,
	.bar0_unmap = svnic_pci_bar0_unmap,
	.dma_map = NULL,
	.dma_unmap = NULL,
	.irq_set = svnic_pci_irq_set,
	/* vfio-pci's VF token needs the kernel's VFs bound to vfio-pci: not yet */
	.set_vf_token = NULL,
	.vf_dir = NULL,
	.close = svnic_pci_close,
};

/*
 * Page 0 registers are read before svnic_hw_init() maps BAR0 (identity
 * checks): on this bus the EAL has mapped it already, so map it here at once.
 */
static int
svnic_pci_dev_init(struct rte_eth_dev *dev)
{
	struct svnic_adapter *ad = dev->data->dev_private;
	struct rte_pci_device *pdev = RTE_ETH_DEV_TO_PCI(dev);
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		SVNIC_INIT_LOG(ERR, "%s: secondary processes are not supported",
			       pdev->device.name);
		return -ENOTSUP;
	}
	strlcpy(ad->hw.name, pdev->device.name, sizeof(ad->hw.name));
	ad->hw.priv = pdev;
	ad->hw.ops = &svnic_pci_ops;
	ret = svnic_pci_bar0_map(&ad->hw);
	if (ret < 0) {
		ad->hw.ops = NULL;
		return ret;
	}
	return svnic_ethdev_init(dev);
}

static int
svnic_pci_probe(struct rte_pci_driver *drv, struct rte_pci_device *pdev)
{
	RTE_SET_USED(drv);
	return rte_eth_dev_pci_generic_probe(pdev, sizeof(struct svnic_adapter),
					     svnic_pci_dev_init);
}

static int
svnic_pci_remove(struct rte_pci_device *pdev)
{
	return rte_eth_dev_pci_generic_remove(pdev, svnic_ethdev_uninit);
}

static const struct rte_pci_id svnic_pci_map[] = {
	{ RTE_PCI_DEVICE(SVNIC_PCI_VENDOR_ID, SVNIC_PCI_DEVICE_ID_PF) },
	{ .vendor_id = 0 },
};

static struct rte_pci_driver svnic_pci_driver = {
	.id_table = svnic_pci_map,
	.drv_flags = RTE_PCI_DRV_NEED_MAPPING,
	.probe = svnic_pci_probe,
	.remove = svnic_pci_remove,
};

/* A name of its own: the vdev driver is net_svnic, and EAL wants them distinct. */
RTE_PMD_REGISTER_PCI(net_svnic_pci, svnic_pci_driver);
RTE_PMD_REGISTER_PCI_TABLE(net_svnic_pci, svnic_pci_map);
RTE_PMD_REGISTER_KMOD_DEP(net_svnic_pci, "vfio-pci");
