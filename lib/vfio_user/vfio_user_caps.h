/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VFIO_USER_CAPS_H
#define VFIO_USER_CAPS_H

/*
 * The JSON capabilities of VFIO_USER_VERSION (spec "VFIO_USER_VERSION"):
 *   {"capabilities": {"max_msg_fds": N, "max_data_xfer_size": N,
 *                     "pgsizes": N, "max_dma_maps": N,
 *                     "svnic": {"vf_token": "<uuid>"}}}
 * "svnic" is our extension: the VF token a client presents to a VF's socket.
 * Unknown names are ignored, as other implementations add their own.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vfio_user_proto.h"

struct vfio_user_caps {
	uint32_t max_msg_fds;		/**< fds the sender accepts per message */
	uint32_t max_data_xfer_size;	/**< largest data count the sender accepts */
	uint64_t pgsizes;
	uint32_t max_dma_maps;
	bool has_token;
	char vf_token[VFIO_USER_TOKEN_LEN + 1];
};

/** The spec's values for a peer that names no capability. */
void vfio_user_caps_default(struct vfio_user_caps *c);

/** True when @p s is a UUID in its 36-character text form. */
bool vfio_user_token_valid(const char *s);

/**
 * Parse the version data of a VERSION message (@p len bytes, the terminating
 * NUL optional). Absent names keep their defaults.
 * @return 0, or -EINVAL for text that is not JSON, not an object, has bytes
 *   after the object, or a known name with a value of the wrong type or range.
 */
int vfio_user_caps_parse(const char *data, size_t len, struct vfio_user_caps *c);

/**
 * Format @p c into @p buf as NUL-terminated JSON.
 * @return the length including the NUL, or -ENOSPC / -ENOMEM.
 */
int vfio_user_caps_format(const struct vfio_user_caps *c, char *buf, size_t size);

#endif /* VFIO_USER_CAPS_H */
