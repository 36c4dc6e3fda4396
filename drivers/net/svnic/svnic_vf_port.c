/* STUB: replaced on merge */
/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Placeholder for the VF ports written in another branch: every VF port is
 * refused, so the PF serves no VF to a guest until the real file is merged.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "svnic_vf_port.h"

int
svnic_vf_port_open(const struct svnic_vf_port_cfg *cfg, struct svnic_vf_port **out)
{
	(void)cfg;
	*out = NULL;
	return -ENOTSUP;
}

void
svnic_vf_port_close(struct svnic_vf_port *p)
{
	(void)p;
}

unsigned int
svnic_vf_port_pollfds(const struct svnic_vf_port *p, struct pollfd *pfd, unsigned int max)
{
	(void)p;
	(void)pfd;
	(void)max;
	return 0;
}

int
svnic_vf_port_handle(struct svnic_vf_port *p)
{
	(void)p;
	return -ENOTSUP;
}

void
svnic_vf_port_drop_guest(struct svnic_vf_port *p)
{
	(void)p;
}

bool
svnic_vf_port_guest_connected(const struct svnic_vf_port *p)
{
	(void)p;
	return false;
}

struct sriov_cfg *
svnic_vf_port_cfg_space(struct svnic_vf_port *p)
{
	(void)p;
	return NULL;
}

void
svnic_vf_port_get_stats(const struct svnic_vf_port *p, struct svnic_vf_port_stats *st)
{
	(void)p;
	memset(st, 0, sizeof(*st));
}
