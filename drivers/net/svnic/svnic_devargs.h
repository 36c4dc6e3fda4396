/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_DEVARGS_H
#define SVNIC_DEVARGS_H

/*
 * Device arguments of the net_svnic vdev (the PF) and of net_svnic_vf (the
 * guest's VF), parsed by one parser. Every key is listed here, parsed strictly
 * by one handler each; an unknown key, a repeated key or a bad value refuses
 * the probe.
 */

#include <stdbool.h>
#include <sys/un.h>

#include "rte_pmd_svnic.h"

/** Path of the PF's vfio-user socket (svnic-emu's DIR/pf.sock). Required. */
#define SVNIC_VFIO_USER_ARG	RTE_PMD_SVNIC_VFIO_USER_ARG

/** What RTE_PMD_REGISTER_PARAM_STRING advertises, entries separated by spaces. */
#define SVNIC_PARAM_STRING	SVNIC_VFIO_USER_ARG "=<path> " \
				SVNIC_MAX_VFS_ARG "=<0..256> " \
				SVNIC_VF_DIR_ARG "=<dir> " \
				SVNIC_MGMT_ARG "=<path>|none " \
				SVNIC_VF_MBX_ARG "=shared|copied " \
				SVNIC_BUSY_POLL_ARG "=<0..1000> " \
				SVNIC_REPRESENTOR_ARG "=vf[<list>]"

/** net_svnic_vf's PARAM_STRING: the VF takes its socket and nothing else. */
#define SVNIC_VF_PARAM_STRING	SVNIC_VFIO_USER_ARG "=<path>"

/** NumVFs to enable at probe; checked against TotalVFs then. */
#define SVNIC_MAX_VFS_ARG	RTE_PMD_SVNIC_MAX_VFS_ARG
#define SVNIC_MAX_VFS_MAX	256
/** Directory of the guests' vf<n>.sock; created 0700 at probe if missing. */
#define SVNIC_VF_DIR_ARG	RTE_PMD_SVNIC_VF_DIR_ARG
/** Management socket path, or "none". */
#define SVNIC_MGMT_ARG		RTE_PMD_SVNIC_MGMT_ARG
/** The VFs' mailbox: "shared" (default) or "copied". */
#define SVNIC_VF_MBX_ARG	RTE_PMD_SVNIC_VF_MBX_ARG
/** Microseconds the control thread polls after work before it sleeps. */
#define SVNIC_BUSY_POLL_ARG	RTE_PMD_SVNIC_BUSY_POLL_ARG
#define SVNIC_BUSY_POLL_MAX_US	1000
#define SVNIC_BUSY_POLL_DEFAULT_US 0
/** VF representor ports to create, in DPDK's syntax: vf[0-3], vf[0,2], vf1. */
#define SVNIC_REPRESENTOR_ARG	"representor"
/*
 * Room vf_dir keeps for "/vf<n>.sock" (n up to 255), so that every VF's
 * socket path fits a sockaddr_un.
 */
#define SVNIC_VF_DIR_SUFFIX_MAX	sizeof("/vf255.sock")

#define SVNIC_DEVARGS_PATH_MAX	sizeof(((struct sockaddr_un *)0)->sun_path)

struct svnic_devargs {
	char vfio_user[SVNIC_DEVARGS_PATH_MAX];	/**< socket path, NUL-terminated */
	uint16_t max_vfs;			/**< 0 unless given */
	bool has_max_vfs;
	char vf_dir[SVNIC_DEVARGS_PATH_MAX];	/**< "": not given */
	char mgmt[SVNIC_DEVARGS_PATH_MAX];	/**< "": not given (the default path) */
	bool vf_mbx_copied;			/**< vf_mbx=copied */
	bool has_vf_mbx;
	uint16_t busy_poll_us;			/**< SVNIC_BUSY_POLL_DEFAULT_US unless given */
	bool has_busy_poll;
	/** VF ids of representor=, ascending, each once */
	uint16_t repr_vfs[SVNIC_MAX_VFS_MAX];
	uint16_t nb_repr_vfs;
	bool has_repr;
};

/**
 * Parse the argument string of device @p name into @p da.
 * @return 0, or -EINVAL with the reason logged (unknown or repeated key,
 *   bad value, missing vfio_user). Nothing is created on the file system.
 */
int svnic_devargs_parse(const char *name, const char *args, struct svnic_devargs *da);

/**
 * Parse the argument string of VF device @p name (net_svnic_vf) into @p da:
 * vfio_user only. A PF-only key (max_vfs, vf_dir, mgmt, vf_mbx, busy_poll,
 * representor) is refused with a
 * message that names net_svnic as its driver.
 * @return 0, or -EINVAL with the reason logged; @p da is then zeroed.
 */
int svnic_devargs_parse_vf(const char *name, const char *args, struct svnic_devargs *da);

#endif /* SVNIC_DEVARGS_H */
