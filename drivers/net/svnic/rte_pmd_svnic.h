/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RTE_PMD_SVNIC_H
#define RTE_PMD_SVNIC_H

/**
 * @file
 * Public API of net_svnic, the PF poll-mode driver of the svnic SR-IOV NIC,
 * and of net_svnic_vf, its VF driver.
 *
 * The PF port is an ordinary ethdev: create it with the vdev
 * `net_svnic,vfio_user=<path>[,max_vfs=N][,vf_dir=DIR][,mgmt=PATH]` (the
 * emulated device's PF socket), or bind a hardware PF to vfio-pci. The calls
 * below manage its VFs in the NDIS way (doc/vf-lifecycle.rst): enable
 * virtualization (NumVFs), allocate a VF with parameters fixed until it is
 * freed, attach a VPort (queues, MAC, VLAN, spoof check, trust, rate, link
 * state), expose it to a guest (a vfio-user socket in vf_dir), reset and free.
 *
 * Every call may be made from any thread: it is a request to the PF's control
 * thread, the one owner of VF state, and returns when that thread has done it.
 * Errors are negative errno values, with a log line that names the VF:
 * -ENODEV no such port or not an svnic PF, -ENOENT no such VF or VF not
 * allocated, -ENOTCONN no VPort yet, -EBUSY something depends on the current
 * state, -EPERM the VF is quarantined or the parameter is immutable, -EINVAL a
 * bad value, -ENOSPC no free VF or queues, -ENOTSUP virtualization off.
 *
 * Events:
 *  - RTE_ETH_EVENT_VF_MBOX, with a struct rte_pmd_svnic_mb_event_param, before
 *    the PF acts on a VF's mailbox request: the application may refuse it;
 *  - every VF state change calls the callbacks registered with
 *    rte_pmd_svnic_vf_state_callback_register(), in the control thread.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_compat.h>
#include <rte_ether.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Name of the PF driver on the vdev bus (the emulated device's PF socket). */
#define RTE_PMD_SVNIC_DRIVER_NAME	"net_svnic"
/** Name of the PF driver on the PCI bus (a hardware PF bound to vfio-pci). */
#define RTE_PMD_SVNIC_PCI_DRIVER_NAME	"net_svnic_pci"
/** Name of the VF driver (a guest's VF over vfio-user). */
#define RTE_PMD_SVNIC_VF_DRIVER_NAME	"net_svnic_vf"

/** The device argument naming the vfio-user socket (PF and VF drivers). */
#define RTE_PMD_SVNIC_VFIO_USER_ARG	"vfio_user"
/** PF: NumVFs to enable at probe (0..TotalVFs). */
#define RTE_PMD_SVNIC_MAX_VFS_ARG	"max_vfs"
/** PF: directory where the PF serves vf<n>.sock to guests. */
#define RTE_PMD_SVNIC_VF_DIR_ARG	"vf_dir"
/** PF: path of the management socket ("none": no socket). */
#define RTE_PMD_SVNIC_MGMT_ARG		"mgmt"
/**
 * PF: how guests' VF drivers hand their mailbox messages over: "shared" (the
 * default; the PF reads them from the VF's window, device spec 1.3) or
 * "copied" (the device copies each one and the PF fetches it, spec 1.0).
 */
#define RTE_PMD_SVNIC_VF_MBX_ARG	"vf_mbx"
/**
 * PF: how long, in microseconds (0..1000), the control thread keeps looking
 * for work without sleeping after it last found some (guests' config-space
 * accesses, mailbox requests, device events). 0, the default, makes it sleep
 * at once.
 */
#define RTE_PMD_SVNIC_BUSY_POLL_ARG	"busy_poll"

/** A VF's place in its lifecycle (doc/vf-lifecycle.rst). */
enum rte_pmd_svnic_vf_state {
	RTE_PMD_SVNIC_VF_DISABLED,	/**< beyond NumVFs */
	RTE_PMD_SVNIC_VF_HW_READY,	/**< exists, not allocated */
	RTE_PMD_SVNIC_VF_ALLOCATED,	/**< parameters fixed, no VPort */
	RTE_PMD_SVNIC_VF_ATTACHED,	/**< VPort attached, no guest driver */
	RTE_PMD_SVNIC_VF_ACTIVE,	/**< the guest's driver is up */
	RTE_PMD_SVNIC_VF_RESETTING,	/**< function level reset in progress */
	RTE_PMD_SVNIC_VF_QUARANTINED,	/**< misbehaved; only rte_pmd_svnic_vf_reset() helps */
};

/** Link state the operator imposes on a VF (as `ip link set ... vf N state`). */
enum rte_pmd_svnic_link_state {
	RTE_PMD_SVNIC_LINK_AUTO,	/**< follows the uplink */
	RTE_PMD_SVNIC_LINK_ENABLE,
	RTE_PMD_SVNIC_LINK_DISABLE,
};

/** Allocation parameters: fixed from allocation until free. */
struct rte_pmd_svnic_vf_params {
	uint16_t nb_queue_pairs;	/**< >= 1 */
	int numa_node;			/**< -1: any */
	struct rte_ether_addr mac;	/**< permanent MAC; all zero: one is made up */
	uint16_t nb_vectors;		/**< MSI-X vectors; 0: the device's per-VF maximum */
	char name[32];			/**< friendly name, NUL-terminated, may be empty */
};

/** What rte_pmd_svnic_vf_get_info() reports. */
struct rte_pmd_svnic_vf_info {
	uint16_t vf_id;
	uint16_t rid;			/**< PCIe routing ID (bus << 8 | devfn) */
	enum rte_pmd_svnic_vf_state state;
	struct rte_pmd_svnic_vf_params params;
	bool has_vport;
	uint16_t queue_base;		/**< first device queue pair of the VPort */
	uint16_t nb_queues;
	struct rte_ether_addr mac;	/**< the VPort's MAC */
	uint16_t vlan_id;		/**< port VLAN, 0: none */
	uint8_t vlan_qos;
	uint16_t vlan_proto;		/**< RTE_ETHER_TYPE_VLAN or RTE_ETHER_TYPE_QINQ */
	bool spoofchk;
	bool trust;
	enum rte_pmd_svnic_link_state link_state;
	uint32_t min_tx_rate;		/**< Mbit/s */
	uint32_t max_tx_rate;		/**< Mbit/s, 0: unlimited */
	bool guest_connected;		/**< a guest holds the VF's vfio-user socket */
};

/** A VF's counters (its VPort's, as the device keeps them). */
struct rte_pmd_svnic_vf_stats {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t rx_dropped;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t tx_dropped;
	uint64_t tx_spoofed;		/**< dropped by spoof check */
	uint64_t mbx_requests;		/**< mailbox requests answered */
	uint64_t mbx_refused;		/**< of those, refused */
};

/** SR-IOV capabilities of a port, PF or VF (NDIS_SRIOV_CAPABILITIES). */
struct rte_pmd_svnic_sriov_caps {
	bool sriov_supported;		/**< the device does SR-IOV */
	bool is_vf;			/**< the port is a VF (net_svnic_vf) */
	uint16_t vf_id;			/**< VF: its number */
	uint16_t total_vfs;		/**< PF: TotalVFs */
	uint16_t num_vfs;		/**< PF: NumVFs enabled */
	uint16_t mbx_version;		/**< VF: negotiated mailbox version (major << 8 | minor) */
	bool vmdq;			/**< VMDq pools: never (no VMQ) */
	bool rss;			/**< RSS on the port */
};

/** Parameter of RTE_ETH_EVENT_VF_MBOX. */
struct rte_pmd_svnic_mb_event_param {
	uint16_t vf_id;
	uint16_t opcode;		/**< the request's mailbox opcode (doc/mailbox.rst) */
	const void *msg;		/**< the request, header included, already validated */
	uint16_t msg_len;
	uint16_t retval;		/**< set by the callback: RTE_PMD_SVNIC_MB_EVENT_* */
};

/** Let the PF handle the request (the default). */
#define RTE_PMD_SVNIC_MB_EVENT_PROCEED	0
/** Refuse it: the VF gets EPERM and nothing changes. */
#define RTE_PMD_SVNIC_MB_EVENT_NACK	1

/** rte_pmd_svnic_vf_free(): delete the VPort first (resetting the VF). */
#define RTE_PMD_SVNIC_VF_FREE_CASCADE	(1u << 0)

/**
 * Called after every VF state change, in the PF's control thread. It must not
 * call back into this API synchronously (it would wait for itself): it may
 * queue work for another thread.
 */
typedef void (*rte_pmd_svnic_vf_state_cb)(uint16_t port_id, uint16_t vf_id,
					  enum rte_pmd_svnic_vf_state old_state,
					  enum rte_pmd_svnic_vf_state new_state, void *arg);

/** What the PF's control thread has done (rte_pmd_svnic_get_ctrl_stats()). */
struct rte_pmd_svnic_ctrl_stats {
	uint32_t busy_poll_us;	/**< the busy_poll devarg in force */
	uint64_t wakeups;	/**< looks that slept first, or found work */
	uint64_t spins;		/**< looks of the busy-poll window that found nothing */
	uint64_t spin_holds;	/**< pauses of busy polling that did not pay */
	uint64_t hot_msgs;	/**< guest messages read by busy-polling looks at one port */
	uint64_t irqs;		/**< wake-ups by the device's misc vector */
};

/**
 * Counters of the control thread of PF port @p port_id, read without
 * stopping it (each counter on its own is exact).
 * @return 0, -ENODEV (not an svnic PF), -EINVAL (@p st NULL).
 */
__rte_experimental
int rte_pmd_svnic_get_ctrl_stats(uint16_t port_id, struct rte_pmd_svnic_ctrl_stats *st);

/** SR-IOV capabilities of PF or VF port @p port_id. @return 0, -ENODEV, -EINVAL. */
__rte_experimental
int rte_pmd_svnic_get_sriov_caps(uint16_t port_id, struct rte_pmd_svnic_sriov_caps *caps);

/**
 * Enable virtualization with @p num_vfs VFs (SR-IOV NumVFs and VF Enable), or
 * disable it with 0. Changing a non-zero count needs every VF free (-EBUSY).
 */
__rte_experimental
int rte_pmd_svnic_set_num_vfs(uint16_t port_id, uint16_t num_vfs);

/** Allocate the lowest free VF with @p params; *@p vf_id gets its number. */
__rte_experimental
int rte_pmd_svnic_vf_alloc(uint16_t port_id, const struct rte_pmd_svnic_vf_params *params,
			   uint16_t *vf_id);

/** Free a VF (-EBUSY with a VPort unless RTE_PMD_SVNIC_VF_FREE_CASCADE). */
__rte_experimental
int rte_pmd_svnic_vf_free(uint16_t port_id, uint16_t vf_id, uint32_t flags);

/** Parameters, state and VPort of an allocated VF. */
__rte_experimental
int rte_pmd_svnic_vf_get_info(uint16_t port_id, uint16_t vf_id,
			      struct rte_pmd_svnic_vf_info *info);

/**
 * The allocated VFs, lowest first: up to @p max ids into @p ids (may be NULL
 * with @p max 0). @return how many are allocated (may exceed @p max), or -errno.
 */
__rte_experimental
int rte_pmd_svnic_vf_list(uint16_t port_id, uint16_t *ids, uint16_t max);

/** Function level reset; the operator's reset is the way out of QUARANTINED. */
__rte_experimental
int rte_pmd_svnic_vf_reset(uint16_t port_id, uint16_t vf_id);

/**
 * Create the VF's VPort with @p nb_queues queue pairs (0: the VF's
 * nb_queue_pairs), MAC = the VF's permanent MAC, spoof check on, untrusted.
 */
__rte_experimental
int rte_pmd_svnic_vport_create(uint16_t port_id, uint16_t vf_id, uint16_t nb_queues);

/** Delete the VF's VPort (-EBUSY while a guest driver is up). */
__rte_experimental
int rte_pmd_svnic_vport_delete(uint16_t port_id, uint16_t vf_id);

/** The VF's MAC, fixed by the operator (the guest can no longer change it). */
__rte_experimental
int rte_pmd_svnic_set_vf_mac_addr(uint16_t port_id, uint16_t vf_id,
				  const struct rte_ether_addr *mac);

/**
 * Port VLAN: @p vlan_id 1..4094 (0 removes it), priority @p qos 0..7,
 * @p proto RTE_ETHER_TYPE_VLAN or RTE_ETHER_TYPE_QINQ.
 */
__rte_experimental
int rte_pmd_svnic_set_vf_vlan(uint16_t port_id, uint16_t vf_id, uint16_t vlan_id,
			      uint8_t qos, uint16_t proto);

/** Drop the VF's frames whose source MAC is not its own. */
__rte_experimental
int rte_pmd_svnic_set_vf_spoofchk(uint16_t port_id, uint16_t vf_id, bool on);

/** Let the VF ask for privileged modes (unicast promiscuous, more filters). */
__rte_experimental
int rte_pmd_svnic_set_vf_trust(uint16_t port_id, uint16_t vf_id, bool on);

__rte_experimental
int rte_pmd_svnic_set_vf_link_state(uint16_t port_id, uint16_t vf_id,
				    enum rte_pmd_svnic_link_state state);

/** TX rate limits in Mbit/s (0: none); @p min_mbps <= @p max_mbps when both are set. */
__rte_experimental
int rte_pmd_svnic_set_vf_rate(uint16_t port_id, uint16_t vf_id, uint32_t min_mbps,
			      uint32_t max_mbps);

__rte_experimental
int rte_pmd_svnic_get_vf_stats(uint16_t port_id, uint16_t vf_id,
			       struct rte_pmd_svnic_vf_stats *stats);

/** Call @p cb after every VF state change of the port (at most 8 callbacks). */
__rte_experimental
int rte_pmd_svnic_vf_state_callback_register(uint16_t port_id, rte_pmd_svnic_vf_state_cb cb,
					     void *arg);

__rte_experimental
int rte_pmd_svnic_vf_state_callback_unregister(uint16_t port_id,
					       rte_pmd_svnic_vf_state_cb cb, void *arg);

#ifdef __cplusplus
}
#endif

#endif /* RTE_PMD_SVNIC_H */
