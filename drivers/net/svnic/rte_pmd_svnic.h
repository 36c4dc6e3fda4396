/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RTE_PMD_SVNIC_H
#define RTE_PMD_SVNIC_H

/**
 * @file
 * Public API of net_svnic, the PF poll-mode driver of the svnic SR-IOV NIC.
 *
 * The port is an ordinary ethdev: create it with the vdev
 * `net_svnic,vfio_user=<path>` (the emulated device's PF socket), or bind a
 * hardware PF to vfio-pci. The VF management calls (rte_pmd_svnic_vf_*) come
 * with the SR-IOV part of the driver.
 */

#ifdef __cplusplus
extern "C" {
#endif

/** Name of the driver on the vdev bus (the emulated device's PF socket). */
#define RTE_PMD_SVNIC_DRIVER_NAME	"net_svnic"
/** Name of the driver on the PCI bus (a hardware PF bound to vfio-pci). */
#define RTE_PMD_SVNIC_PCI_DRIVER_NAME	"net_svnic_pci"

/** The device argument naming the PF's vfio-user socket. */
#define RTE_PMD_SVNIC_VFIO_USER_ARG	"vfio_user"

#ifdef __cplusplus
}
#endif

#endif /* RTE_PMD_SVNIC_H */
