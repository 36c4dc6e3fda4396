/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_REPR_H
#define SVNIC_REPR_H

/*
 * VF representor ports of a net_svnic PF (svnic_repr.c): control only, no
 * traffic. Created at probe from representor=vf[...], closed with the PF.
 */

#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>

/** The switch port id the PF reports for itself beside its representors. */
#define SVNIC_REPR_PF_SWITCH_PORT	UINT16_MAX

/**
 * Create a representor port for each VF of @p vfs (ids below TotalVFs) of the
 * probed PF @p pf, in a switch domain of their own that the PF reports too.
 * On failure the ones created are closed again.
 * @return 0 or a negative errno (logged).
 */
int svnic_repr_create_all(struct rte_eth_dev *pf, const uint16_t *vfs, uint16_t nb_vfs);

/** Close every representor of @p pf and give back its switch domain. */
void svnic_repr_close_all(struct rte_eth_dev *pf);

/** Whether @p dev is a representor port of this driver. */
bool svnic_repr_is(const struct rte_eth_dev *dev);

#endif /* SVNIC_REPR_H */
