/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device side of a VF port in production: a vfio-user client of the
 * device's VF socket (DIR/vf<n>.sock, served by svnic-emu or whatever serves
 * the hardware's VF), presenting the VF token the PF set. Each call forwards
 * one request; the client library validates the device's answers.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "svnic_vf_port.h"

static int
svnic_vf_port_dev_vu_open(void *dctx, uint16_t vf_id, void **dev)
{
	const struct svnic_vf_port_dev_vfio_user_ctx *c = dctx;
	struct vfio_user_client_opts opts = { 0 };
	struct vfio_user_client *cli;
	char path[sizeof(c->dir) + 16];
	int n, ret;

	*dev = NULL;
	if (memchr(c->dir, '\0', sizeof(c->dir)) == NULL ||
	    memchr(c->vf_token, '\0', sizeof(c->vf_token)) == NULL)
		return -EINVAL;
	n = snprintf(path, sizeof(path), "%s/vf%u.sock", c->dir, vf_id);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	/* The device checks the token the PF set, as vfio-pci does for a VF. */
	opts.vf_token = c->vf_token[0] != '\0' ? c->vf_token : NULL;
	ret = vfio_user_client_connect(path, &opts, &cli);
	if (ret < 0)
		return ret;
	*dev = cli;
	return 0;
}

static void
svnic_vf_port_dev_vu_close(void *dev)
{
	vfio_user_client_close(dev);
}

static int
svnic_vf_port_dev_vu_region_info(void *dev, uint32_t index, struct vfio_user_client_region *r)
{
	return vfio_user_client_region_info(dev, index, r);
}

static int
svnic_vf_port_dev_vu_region_read(void *dev, uint32_t index, uint64_t off, void *buf,
				 uint32_t len)
{
	return vfio_user_client_region_read(dev, index, off, buf, len);
}

static int
svnic_vf_port_dev_vu_region_write(void *dev, uint32_t index, uint64_t off, const void *buf,
				  uint32_t len)
{
	return vfio_user_client_region_write(dev, index, off, buf, len);
}

static int
svnic_vf_port_dev_vu_region_write_posted(void *dev, uint32_t index, uint64_t off,
					 const void *buf, uint32_t len)
{
	return vfio_user_client_region_write_posted(dev, index, off, buf, len);
}

static int
svnic_vf_port_dev_vu_irq_info(void *dev, uint32_t index, struct vfio_irq_info *info)
{
	return vfio_user_client_irq_info(dev, index, info);
}

static int
svnic_vf_port_dev_vu_set_irq_eventfds(void *dev, uint32_t index, uint32_t start,
				      uint32_t count, const int *fds)
{
	return vfio_user_client_set_irq_eventfds(dev, index, start, count, fds);
}

static int
svnic_vf_port_dev_vu_set_irqs(void *dev, uint32_t index, uint32_t action, uint32_t start,
			      uint32_t count, const uint8_t *bools)
{
	return vfio_user_client_set_irqs(dev, index, action, start, count, bools);
}

static int
svnic_vf_port_dev_vu_dma_map(void *dev, uint64_t iova, uint64_t len, uint32_t prot, int fd,
			     uint64_t offset)
{
	return vfio_user_client_dma_map(dev, iova, len, prot, fd, offset);
}

static int
svnic_vf_port_dev_vu_dma_unmap(void *dev, uint64_t iova, uint64_t len)
{
	return vfio_user_client_dma_unmap(dev, iova, len);
}

const struct svnic_vf_port_dev_ops svnic_vf_port_dev_vfio_user = {
	.open = svnic_vf_port_dev_vu_open,
	.close = svnic_vf_port_dev_vu_close,
	.region_info = svnic_vf_port_dev_vu_region_info,
	.region_read = svnic_vf_port_dev_vu_region_read,
	.region_write = svnic_vf_port_dev_vu_region_write,
	.region_write_posted = svnic_vf_port_dev_vu_region_write_posted,
	.irq_info = svnic_vf_port_dev_vu_irq_info,
	.set_irq_eventfds = svnic_vf_port_dev_vu_set_irq_eventfds,
	.set_irqs = svnic_vf_port_dev_vu_set_irqs,
	.dma_map = svnic_vf_port_dev_vu_dma_map,
	.dma_unmap = svnic_vf_port_dev_vu_dma_unmap,
};
