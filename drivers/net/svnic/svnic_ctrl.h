/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_CTRL_H
#define SVNIC_CTRL_H

/*
 * The PF's control thread: the one owner of VF state (DESIGN.md). It sleeps,
 * in one epoll_wait() on the SR-IOV part's set (svnic_sriov_wait(), which
 * also names the ready VF ports), or in poll() without one, on
 *   - an eventfd bound to the PF's misc MSI-X vector (INT_CAUSE EVENT,
 *     EQ_OVERFLOW, LINK unmasked), so device events wake it at once;
 *   - an eventfd other threads write when they queue a request;
 *   - the descriptors of the SR-IOV part (management socket, the guests'
 *     vfio-user sockets);
 * with a timeout of SVNIC_CTRL_TICK_MS, after which it looks at the event queue
 * anyway (an interrupt is never the only way an event is found) and lets the
 * SR-IOV part do its housekeeping (svnic_sriov_tick()). The management socket
 * is served only when it is ready or on the tick; when it has requests left
 * (svnic_sriov_handle() says so) the next wait does not sleep.
 *
 * Any other thread reaches VF state only through svnic_ctrl_call(): the
 * request is run by the control thread, in arrival order, and the caller
 * waits for its result.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define SVNIC_CTRL_TICK_MS	10

/** CLOCK_MONOTONIC in nanoseconds: the clock of the control thread's timers. */
static inline uint64_t
svnic_ctrl_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct svnic_adapter;

/** A request run in the control thread; returns 0 or a negative errno. */
typedef int (*svnic_ctrl_fn)(struct svnic_adapter *ad, void *arg);

struct svnic_ctrl_req;

struct svnic_ctrl {
	pthread_t tid;
	bool running;			/* atomic */
	int wake_fd;			/* eventfd: requests queued, or stop */
	int irq_fd;			/* eventfd of the misc vector, -1 if none */
	pthread_mutex_t lock;		/* the request list */
	struct svnic_ctrl_req *head;
	struct svnic_ctrl_req *tail;
	uint64_t busy_poll_ns;		/* devarg busy_poll; 0: always sleep */
	uint64_t wakeups;		/* loop iterations that slept or found work */
	uint64_t spins;			/* looks of the busy-poll window that found nothing */
	uint64_t spin_holds;		/* busy polling paused: it did not pay */
	uint64_t hot_msgs;		/* guest messages read by a look at the last busy port */
	uint64_t irqs;			/* wake-ups by the misc vector */
};

/**
 * Create the eventfds, bind the misc vector (when the transport can), unmask
 * the PF's EVENT, EQ_OVERFLOW and LINK causes and start the thread.
 * @return 0 or a negative errno (logged); nothing is left on failure.
 */
int svnic_ctrl_start(struct svnic_adapter *ad);

/** Stop the thread (requests still queued fail with -ESHUTDOWN), mask, close. */
void svnic_ctrl_stop(struct svnic_adapter *ad);

/** True when called from the control thread of @p ad. */
bool svnic_ctrl_is_self(const struct svnic_adapter *ad);

/**
 * Run @p fn in the control thread and return its result. Called from the
 * control thread itself, or while the thread is not running (probe, close),
 * @p fn runs at once in the caller.
 * @return what @p fn returned, or -ESHUTDOWN when the thread stopped first.
 */
int svnic_ctrl_call(struct svnic_adapter *ad, svnic_ctrl_fn fn, void *arg);

#endif /* SVNIC_CTRL_H */
