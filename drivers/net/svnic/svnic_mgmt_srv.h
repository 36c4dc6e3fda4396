/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_MGMT_SRV_H
#define SVNIC_MGMT_SRV_H

/*
 * The PF's management socket (doc/management.rst): a UNIX stream socket,
 * mode 0600 in a directory created 0700 if missing, that serves
 * line-delimited JSON requests (lib/sriov/sriov_mgmt) to `svnic-ctl`.
 *
 *   - a peer is accepted only when its SO_PEERCRED uid is ours or root's;
 *   - requests are read without blocking, at most SRIOV_MGMT_REQ_MAX bytes a
 *     line (a longer line gets an EMSGSIZE reply and the connection closes);
 *   - each complete line is executed against the switch with
 *     sriov_mgmt_handle_line() and answered with one line; replies are written
 *     without blocking, a client that does not read them is dropped;
 *   - at most SVNIC_MGMT_CLIENTS_MAX clients at once (the next is told EBUSY),
 *     and a client idle for SVNIC_MGMT_IDLE_MS is dropped.
 *
 * No DPDK in here: the switch and the PF's callbacks come from the caller.
 * Not thread-safe: the PF's control thread makes every call.
 */

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "sriov_mgmt.h"

#define SVNIC_MGMT_CLIENTS_MAX	8
#define SVNIC_MGMT_IDLE_MS	30000

struct svnic_mgmt_srv_cfg {
	const char *path;		/* socket path */
	unsigned int mode;		/* 0: 0600 */
	struct sriov_switch *sw;
	const struct sriov_mgmt_ops *ops;	/* may be NULL */
	void *ctx;
};

struct svnic_mgmt_srv_stats {
	uint64_t accepted;
	uint64_t refused;		/* credentials, or too many clients */
	uint64_t requests;
	uint64_t errors;		/* replies with ok:false */
};

struct svnic_mgmt_srv;

/**
 * Listen on cfg->path. A stale socket file is replaced; a path where a server
 * answers is -EADDRINUSE; a path that is not a socket is -EEXIST.
 * @return 0 with *out set, or a negative errno (logged through sriov_log).
 */
int svnic_mgmt_srv_open(const struct svnic_mgmt_srv_cfg *cfg, struct svnic_mgmt_srv **out);

/** Close every client, stop listening, remove the socket file. NULL is ignored. */
void svnic_mgmt_srv_close(struct svnic_mgmt_srv *s);

/** Descriptors to poll (listener and clients). @return how many were filled. */
unsigned int svnic_mgmt_srv_pollfds(const struct svnic_mgmt_srv *s, struct pollfd *pfd,
				    unsigned int max);

/**
 * The same descriptors as one: an epoll set, readable when a connection
 * waits, a client sent more, or a reply waiting to go out has room. It stays
 * the same from open to close, so an owner registers it once in its own set.
 * @return the descriptor, the server's (do not close it).
 */
int svnic_mgmt_srv_fd(const struct svnic_mgmt_srv *s);

/**
 * Accept, read, execute, answer whatever is ready, without blocking. An owner
 * calls it when svnic_mgmt_srv_fd() is readable, on its tick (idle clients),
 * and at once again while it returns true.
 * @return true when work is left that svnic_mgmt_srv_fd() will not announce:
 *   requests already read but not run (a client sent more than the server
 *   runs per call); false when the descriptor tells of everything left (a
 *   reply waiting for room, a connection, bytes not read yet).
 */
bool svnic_mgmt_srv_handle(struct svnic_mgmt_srv *s, uint64_t now_ms);

void svnic_mgmt_srv_get_stats(const struct svnic_mgmt_srv *s, struct svnic_mgmt_srv_stats *st);

#endif /* SVNIC_MGMT_SRV_H */
