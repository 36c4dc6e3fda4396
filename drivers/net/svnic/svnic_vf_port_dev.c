/* STUB: replaced on merge */
/* SPDX-License-Identifier: BSD-3-Clause */
/* Placeholder for the device side of a VF port, written in another branch. */
#include <errno.h>

#include "svnic_vf_port.h"

static int
svnic_vf_port_dev_stub_open(void *dctx, uint16_t vf_id, void **dev)
{
	(void)dctx;
	(void)vf_id;
	*dev = NULL;
	return -ENOTSUP;
}

static void
svnic_vf_port_dev_stub_close(void *dev)
{
	(void)dev;
}

const struct svnic_vf_port_dev_ops svnic_vf_port_dev_vfio_user = {
	.open = svnic_vf_port_dev_stub_open,
	.close = svnic_vf_port_dev_stub_close,
};
