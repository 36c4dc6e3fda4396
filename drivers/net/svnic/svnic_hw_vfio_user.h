/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_HW_VFIO_USER_H
#define SVNIC_HW_VFIO_USER_H

#include "svnic_hw.h"

/**
 * Connect @p hw to the vfio-user server at @p path (the PF's socket) and
 * install the transport; svnic_hw_fini() closes it.
 * @return 0 or a negative errno, logged with the reason.
 */
int svnic_hw_vfio_user_open(struct svnic_hw *hw, const char *path);

#endif /* SVNIC_HW_VFIO_USER_H */
