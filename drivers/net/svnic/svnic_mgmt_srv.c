/* STUB: replaced on merge */
/* SPDX-License-Identifier: BSD-3-Clause */
/* Placeholder for the management socket, written in another branch. */
#include <errno.h>
#include <string.h>

#include "svnic_mgmt_srv.h"

int
svnic_mgmt_srv_open(const struct svnic_mgmt_srv_cfg *cfg, struct svnic_mgmt_srv **out)
{
	(void)cfg;
	*out = NULL;
	return -ENOTSUP;
}

void
svnic_mgmt_srv_close(struct svnic_mgmt_srv *s)
{
	(void)s;
}

unsigned int
svnic_mgmt_srv_pollfds(const struct svnic_mgmt_srv *s, struct pollfd *pfd, unsigned int max)
{
	(void)s;
	(void)pfd;
	(void)max;
	return 0;
}

void
svnic_mgmt_srv_handle(struct svnic_mgmt_srv *s, uint64_t now_ms)
{
	(void)s;
	(void)now_ms;
}

void
svnic_mgmt_srv_get_stats(const struct svnic_mgmt_srv *s, struct svnic_mgmt_srv_stats *st)
{
	(void)s;
	memset(st, 0, sizeof(*st));
}
