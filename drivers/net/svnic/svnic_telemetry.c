/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK telemetry endpoints of net_svnic, so that dpdk-telemetry.py lists an
 * application's svnic PFs, their VFs and the VFs' counters:
 *
 *   /svnic/ports              the svnic PF port ids
 *   /svnic/vfs,<port>         the allocated VF ids of a PF
 *   /svnic/vf,<port>,<vf>     one VF: parameters, VPort, guest, counters
 *   /svnic/switch,<port>      the PF's SR-IOV capabilities and VF counts
 *
 * Built only on rte_ethdev and the public API of rte_pmd_svnic.h, like any
 * application would be: these handlers run in the telemetry thread, and the
 * API makes each call a request to the PF's control thread.
 *
 * The parameters come from whoever can open the telemetry socket: they are
 * parsed strictly here (decimal, in range, nothing extra) and a bad or
 * missing one is -EINVAL, before any port is looked at.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_telemetry.h>

#include "rte_pmd_svnic.h"
#include "svnic_tel_params.h"

/* VF ids are 0..TotalVFs-1 and TotalVFs is at most 256 (PCIe SR-IOV). */
#define SVNIC_TEL_VFS_MAX	256

/* A decimal in [0, @p max]: digits only, no sign, no space, no leading zeros. */
static bool
svnic_tel_is_pf(uint16_t port_id)
{
	struct rte_eth_dev_info info;

	if (!rte_eth_dev_is_valid_port(port_id) || rte_eth_dev_info_get(port_id, &info) != 0 ||
	    info.driver_name == NULL)
		return false;
	return strcmp(info.driver_name, RTE_PMD_SVNIC_DRIVER_NAME) == 0 ||
	       strcmp(info.driver_name, RTE_PMD_SVNIC_PCI_DRIVER_NAME) == 0;
}

/* The port parameter of a PF: -EINVAL for anything else. */
static int
svnic_tel_pf_param(const char *params, unsigned int n, uint16_t *port_id, uint16_t *vf_id)
{
	if (svnic_tel_parse_ids(params, n, RTE_MAX_ETHPORTS - 1, SVNIC_TEL_VFS_MAX - 1, port_id,
				vf_id) < 0 || !svnic_tel_is_pf(*port_id))
		return -EINVAL;
	return 0;
}

/* The VF state as the management protocol spells it (doc/management.rst). */
static const char *
svnic_tel_state_name(enum rte_pmd_svnic_vf_state st)
{
	switch (st) {
	case RTE_PMD_SVNIC_VF_DISABLED:
		return "disabled";
	case RTE_PMD_SVNIC_VF_HW_READY:
		return "hw_ready";
	case RTE_PMD_SVNIC_VF_ALLOCATED:
		return "allocated";
	case RTE_PMD_SVNIC_VF_ATTACHED:
		return "attached";
	case RTE_PMD_SVNIC_VF_ACTIVE:
		return "active";
	case RTE_PMD_SVNIC_VF_RESETTING:
		return "resetting";
	case RTE_PMD_SVNIC_VF_QUARANTINED:
		return "quarantined";
	}
	return "unknown";
}

static const char *
svnic_tel_link_name(enum rte_pmd_svnic_link_state st)
{
	switch (st) {
	case RTE_PMD_SVNIC_LINK_AUTO:
		return "auto";
	case RTE_PMD_SVNIC_LINK_ENABLE:
		return "enable";
	case RTE_PMD_SVNIC_LINK_DISABLE:
		return "disable";
	}
	return "unknown";
}

static void
svnic_tel_add_mac(struct rte_tel_data *d, const char *name, const struct rte_ether_addr *mac)
{
	char buf[RTE_ETHER_ADDR_FMT_SIZE];

	/* lower case, as ip link and svnic-ctl print addresses */
	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", mac->addr_bytes[0],
		 mac->addr_bytes[1], mac->addr_bytes[2], mac->addr_bytes[3], mac->addr_bytes[4],
		 mac->addr_bytes[5]);
	rte_tel_data_add_dict_string(d, name, buf);
}

static int
svnic_tel_handle_ports(const char *cmd __rte_unused, const char *params,
		       struct rte_tel_data *d)
{
	uint16_t port_id;

	if (params != NULL && params[0] != '\0')
		return -EINVAL;
	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	RTE_ETH_FOREACH_DEV(port_id)
		if (svnic_tel_is_pf(port_id))
			rte_tel_data_add_array_int(d, port_id);
	return 0;
}

static int
svnic_tel_handle_vfs(const char *cmd __rte_unused, const char *params,
		     struct rte_tel_data *d)
{
	uint16_t ids[SVNIC_TEL_VFS_MAX];
	uint16_t port_id;
	int n, i;

	if (svnic_tel_pf_param(params, 1, &port_id, NULL) < 0)
		return -EINVAL;
	n = rte_pmd_svnic_vf_list(port_id, ids, RTE_DIM(ids));
	if (n < 0)
		return n;
	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	for (i = 0; i < RTE_MIN(n, (int)RTE_DIM(ids)); i++)
		rte_tel_data_add_array_int(d, ids[i]);
	return 0;
}

static int
svnic_tel_handle_vf(const char *cmd __rte_unused, const char *params,
		    struct rte_tel_data *d)
{
	struct rte_pmd_svnic_vf_stats st;
	struct rte_pmd_svnic_vf_info vi;
	uint16_t port_id, vf_id;
	char rid[16];
	int ret;

	if (svnic_tel_pf_param(params, 2, &port_id, &vf_id) < 0)
		return -EINVAL;
	ret = rte_pmd_svnic_vf_get_info(port_id, vf_id, &vi);
	if (ret < 0)
		return ret;
	ret = rte_pmd_svnic_get_vf_stats(port_id, vf_id, &st);
	if (ret < 0)
		return ret;

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "vf", vi.vf_id);
	snprintf(rid, sizeof(rid), "%02x:%02x.%x", vi.rid >> 8, (vi.rid >> 3) & 0x1f,
		 vi.rid & 0x7);
	rte_tel_data_add_dict_string(d, "rid", rid);
	rte_tel_data_add_dict_string(d, "state", svnic_tel_state_name(vi.state));
	rte_tel_data_add_dict_string(d, "name", vi.params.name);
	rte_tel_data_add_dict_int(d, "queues", vi.params.nb_queue_pairs);
	rte_tel_data_add_dict_int(d, "numa", vi.params.numa_node);
	rte_tel_data_add_dict_int(d, "vectors", vi.params.nb_vectors);
	svnic_tel_add_mac(d, "perm_mac", &vi.params.mac);
	rte_tel_data_add_dict_int(d, "guest", vi.guest_connected);
	rte_tel_data_add_dict_int(d, "vport", vi.has_vport);
	if (vi.has_vport) {
		rte_tel_data_add_dict_int(d, "queue_base", vi.queue_base);
		rte_tel_data_add_dict_int(d, "vport_queues", vi.nb_queues);
		svnic_tel_add_mac(d, "mac", &vi.mac);
		rte_tel_data_add_dict_int(d, "vlan", vi.vlan_id);
		rte_tel_data_add_dict_int(d, "qos", vi.vlan_qos);
		rte_tel_data_add_dict_string(d, "proto", vi.vlan_proto == RTE_ETHER_TYPE_QINQ ?
					     "802.1ad" : "802.1Q");
		rte_tel_data_add_dict_int(d, "spoofchk", vi.spoofchk);
		rte_tel_data_add_dict_int(d, "trust", vi.trust);
		rte_tel_data_add_dict_string(d, "link_state", svnic_tel_link_name(vi.link_state));
		rte_tel_data_add_dict_u64(d, "min_tx_rate", vi.min_tx_rate);
		rte_tel_data_add_dict_u64(d, "max_tx_rate", vi.max_tx_rate);
	}
	rte_tel_data_add_dict_u64(d, "rx_packets", st.rx_packets);
	rte_tel_data_add_dict_u64(d, "rx_bytes", st.rx_bytes);
	rte_tel_data_add_dict_u64(d, "rx_dropped", st.rx_dropped);
	rte_tel_data_add_dict_u64(d, "tx_packets", st.tx_packets);
	rte_tel_data_add_dict_u64(d, "tx_bytes", st.tx_bytes);
	rte_tel_data_add_dict_u64(d, "tx_dropped", st.tx_dropped);
	rte_tel_data_add_dict_u64(d, "tx_spoofed", st.tx_spoofed);
	rte_tel_data_add_dict_u64(d, "mbx_requests", st.mbx_requests);
	rte_tel_data_add_dict_u64(d, "mbx_refused", st.mbx_refused);
	return 0;
}

static int
svnic_tel_handle_switch(const char *cmd __rte_unused, const char *params,
			struct rte_tel_data *d)
{
	struct rte_pmd_svnic_sriov_caps caps;
	uint16_t port_id;
	int ret, allocated;

	if (svnic_tel_pf_param(params, 1, &port_id, NULL) < 0)
		return -EINVAL;
	ret = rte_pmd_svnic_get_sriov_caps(port_id, &caps);
	if (ret < 0)
		return ret;
	allocated = rte_pmd_svnic_vf_list(port_id, NULL, 0);
	if (allocated < 0)
		return allocated;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "port", port_id);
	rte_tel_data_add_dict_int(d, "sriov_supported", caps.sriov_supported);
	rte_tel_data_add_dict_int(d, "is_vf", caps.is_vf);
	rte_tel_data_add_dict_int(d, "total_vfs", caps.total_vfs);
	rte_tel_data_add_dict_int(d, "num_vfs", caps.num_vfs);
	rte_tel_data_add_dict_int(d, "allocated_vfs", allocated);
	rte_tel_data_add_dict_int(d, "vmdq", caps.vmdq);
	rte_tel_data_add_dict_int(d, "rss", caps.rss);
	return 0;
}

static int
svnic_tel_handle_ctrl(const char *cmd __rte_unused, const char *params,
		      struct rte_tel_data *d)
{
	struct rte_pmd_svnic_ctrl_stats st;
	uint16_t port_id;
	int ret;

	if (svnic_tel_pf_param(params, 1, &port_id, NULL) < 0)
		return -EINVAL;
	ret = rte_pmd_svnic_get_ctrl_stats(port_id, &st);
	if (ret < 0)
		return ret;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "port", port_id);
	rte_tel_data_add_dict_int(d, "busy_poll_us", (int)st.busy_poll_us);
	rte_tel_data_add_dict_u64(d, "wakeups", st.wakeups);
	rte_tel_data_add_dict_u64(d, "spins", st.spins);
	rte_tel_data_add_dict_u64(d, "spin_holds", st.spin_holds);
	rte_tel_data_add_dict_u64(d, "hot_msgs", st.hot_msgs);
	rte_tel_data_add_dict_u64(d, "irqs", st.irqs);
	return 0;
}

RTE_INIT(svnic_telemetry_init)
{
	rte_telemetry_register_cmd("/svnic/ports", svnic_tel_handle_ports,
				   "Returns the port ids of svnic PFs. Takes no parameters");
	rte_telemetry_register_cmd("/svnic/vfs", svnic_tel_handle_vfs,
				   "Returns the allocated VF ids of an svnic PF. "
				   "Parameters: int port_id");
	rte_telemetry_register_cmd("/svnic/vf", svnic_tel_handle_vf,
				   "Returns a VF's parameters, VPort, state and counters. "
				   "Parameters: int port_id,int vf_id");
	rte_telemetry_register_cmd("/svnic/switch", svnic_tel_handle_switch,
				   "Returns an svnic PF's SR-IOV capabilities and VF counts. "
				   "Parameters: int port_id");
	rte_telemetry_register_cmd("/svnic/ctrl", svnic_tel_handle_ctrl,
				   "Returns the counters of an svnic PF's control thread and "
				   "its busy_poll. Parameters: int port_id");
}
