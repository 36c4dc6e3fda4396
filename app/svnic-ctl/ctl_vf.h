/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_CTL_VF_H
#define SVNIC_CTL_VF_H

/*
 * svnic-ctl's management commands: `[-s PATH] vf|switch|pf ...`, spoken to the
 * PF driver's management socket (lib/sriov/sriov_mgmt.h, doc/management.rst).
 */

#include <stddef.h>
#include <stdio.h>

#define SVNIC_CTL_MGMT_TIMEOUT_MS	5000

/**
 * Run `svnic-ctl [-s PATH] [--timeout MS] vf|switch|pf ...`; argv[1] is "-s",
 * "--socket", "--timeout", "vf", "switch" or "pf".
 * @return SVNIC_CTL_OK, SVNIC_CTL_FAIL (the PF refused, or no PF) or SVNIC_CTL_USAGE.
 */
int svnic_ctl_cmd_mgmt(int argc, char **argv, FILE *out, FILE *err);

/**
 * One request line to the PF at @p path and its one reply line (malloc()ed,
 * NUL-terminated, the caller frees). @return 0 or a negative errno
 * (-ETIMEDOUT, -EPIPE: closed without a reply, -EMSGSIZE, connect's errno).
 */
int svnic_ctl_mgmt_call(const char *path, int timeout_ms, const char *req, size_t req_len,
			char **reply, size_t *reply_len);

#endif /* SVNIC_CTL_VF_H */
