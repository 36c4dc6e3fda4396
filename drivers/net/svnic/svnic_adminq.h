/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_NET_ADMINQ_H
#define SVNIC_NET_ADMINQ_H

/*
 * Driver side of the admin queue and the event queue (doc/device-spec.rst,
 * "Admin queue", "Event queue"). Both rings and one indirect buffer live in
 * one rte_memzone. Commands are synchronous: build, release barrier, AQ_TAIL,
 * poll DONE with a timeout, convert the status with svnic_aq_status_to_errno().
 * A mutex serialises submitters (control thread, ethdev ops).
 *
 * The wire formats come from drivers/common/svnic/svnic_adminq.h, included
 * with <> so that it is not this file (same name, other folder).
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_memzone.h>

#include <svnic_adminq.h>

#include "svnic_hw.h"

struct svnic_adminq {
	struct svnic_hw *hw;
	const struct rte_memzone *mz;
	pthread_mutex_t lock;
	struct svnic_aq_desc *ring;
	uint64_t ring_iova;
	uint16_t len;
	uint16_t tail;
	struct svnic_eq_entry *eq;
	uint64_t eq_iova;
	uint16_t eq_len;
	uint16_t eq_head;
	/*
	 * EQ_LEN.ARM took (spec 1.3): the ring wakes us by itself, EQ_HEAD is
	 * given back with a posted write, and INT_CAUSE is looked at in its
	 * notify-page mirror (@p cause_mirror) before any trapped access.
	 */
	bool eq_arm;
	const volatile uint32_t *cause_mirror;
	uint8_t *buf;			/* SVNIC_AQ_BUF_MAX bytes, used under lock */
	uint64_t buf_iova;
	uint64_t cookie;
	bool broken;			/* a command timed out: the ring is the device's */
};

/** Called for each event; runs in the thread that polls. */
typedef void (*svnic_eventq_fn)(void *ctx, const struct svnic_eq_entry *ev);

/**
 * Allocate the rings (memzone named after @p name) and enable both queues.
 * @return 0 or a negative errno (logged).
 */
int svnic_adminq_setup(struct svnic_adminq *aq, struct svnic_hw *hw, const char *name,
		       int socket_id);

/** Disable both queues and free the memzone. */
void svnic_adminq_release(struct svnic_adminq *aq);

/**
 * Run one command and wait for its completion.
 * @param params    inline parameters (up to 32 bytes)
 * @param in        read buffer (device reads it), or NULL
 * @param in_len    its length
 * @param out       write buffer (device writes it), or NULL; at most one of in/out
 * @param out_len   its length
 * @param ret_val   the completion's ret_val, or NULL
 * @return 0; the command's status as a negative errno; -ETIMEDOUT; -EIO once a
 *   command has timed out.
 */
int svnic_adminq_exec(struct svnic_adminq *aq, uint16_t opcode, const void *params,
		      size_t plen, const void *in, uint32_t in_len, void *out, uint32_t out_len,
		      uint32_t *ret_val);

/**
 * Hand every event the device wrote to @p fn, then give the entries back.
 * @return the number of events, or a negative errno.
 */
int svnic_eventq_poll(struct svnic_adminq *aq, svnic_eventq_fn fn, void *ctx);

#endif /* SVNIC_NET_ADMINQ_H */
