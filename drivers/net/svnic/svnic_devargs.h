/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_DEVARGS_H
#define SVNIC_DEVARGS_H

/*
 * Device arguments of the net_svnic vdev. Every key is listed here, parsed
 * strictly by one handler each; an unknown key, a repeated key or a bad value
 * refuses the probe.
 */

#include <stdbool.h>
#include <sys/un.h>

#include "rte_pmd_svnic.h"

/** Path of the PF's vfio-user socket (svnic-emu's DIR/pf.sock). Required. */
#define SVNIC_VFIO_USER_ARG	RTE_PMD_SVNIC_VFIO_USER_ARG

/** What RTE_PMD_REGISTER_PARAM_STRING advertises, entries separated by spaces. */
#define SVNIC_PARAM_STRING	SVNIC_VFIO_USER_ARG "=<path>"

#define SVNIC_DEVARGS_PATH_MAX	sizeof(((struct sockaddr_un *)0)->sun_path)

struct svnic_devargs {
	char vfio_user[SVNIC_DEVARGS_PATH_MAX];	/**< socket path, NUL-terminated */
};

/**
 * Parse the argument string of device @p name into @p da.
 * @return 0, or -EINVAL with the reason logged (unknown or repeated key,
 *   bad value, missing vfio_user).
 */
int svnic_devargs_parse(const char *name, const char *args, struct svnic_devargs *da);

#endif /* SVNIC_DEVARGS_H */
