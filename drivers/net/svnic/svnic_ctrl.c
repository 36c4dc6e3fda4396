/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PF's control thread (svnic_ctrl.h): device events by interrupt and by
 * tick, requests of other threads in arrival order, the SR-IOV sockets.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_lcore.h>

#include "svnic_ctrl.h"
#include "svnic_ethdev.h"
#include "svnic_logs.h"
#include "svnic_mgmt_srv.h"
#include "svnic_sriov.h"
#include "svnic_spin.h"

/* The misc vector: INT_VECTOR's reset value, and the only one the PF binds. */
#define SVNIC_CTRL_MISC_VECTOR	0u
/* What wakes the thread: events and their overflow, link changes (spec "INT_CAUSE"). */
#define SVNIC_CTRL_CAUSES	(SVNIC_INT_EVENT | SVNIC_INT_EQ_OVERFLOW | SVNIC_INT_LINK)
/*
 * wake, irq, then the SR-IOV part's: one descriptor for all the VF ports (an
 * epoll set), the management listener and its clients
 */
#define SVNIC_CTRL_POLLFDS_MAX	(2 + 1 + 1 + SVNIC_MGMT_CLIENTS_MAX)

struct svnic_ctrl_req {
	svnic_ctrl_fn fn;
	void *arg;
	int ret;
	bool done;
	pthread_cond_t cond;		/* done; the caller waits on it under ctrl->lock */
	struct svnic_ctrl_req *next;
};

/* Which adapter's control thread this thread is, if any. */
static __thread const struct svnic_adapter *svnic_ctrl_self;

static uint64_t
svnic_ctrl_now_ms(void)
{
	return svnic_ctrl_clock_ns() / 1000000u;
}

static void
svnic_ctrl_drain_fd(int fd)
{
	uint64_t v;

	/* eventfds are non-blocking: EAGAIN when another wake-up took the count */
	if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		SVNIC_DRV_LOG(DEBUG, "eventfd read: %s", strerror(errno));
}

static void
svnic_ctrl_kick(struct svnic_ctrl *c)
{
	uint64_t one = 1;

	if (write(c->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		SVNIC_DRV_LOG(ERR, "cannot wake the control thread: %s", strerror(errno));
}

/* Run what other threads queued, oldest first; each caller is told alone. */
static void
svnic_ctrl_run_requests(struct svnic_adapter *ad)
{
	struct svnic_ctrl *c = &ad->ctrl;
	struct svnic_ctrl_req *r;

	for (;;) {
		pthread_mutex_lock(&c->lock);
		r = c->head;
		if (r != NULL) {
			c->head = r->next;
			if (c->head == NULL)
				c->tail = NULL;
		}
		pthread_mutex_unlock(&c->lock);
		if (r == NULL)
			return;
		r->ret = r->fn(ad, r->arg);
		pthread_mutex_lock(&c->lock);
		r->done = true;
		pthread_cond_signal(&r->cond);
		pthread_mutex_unlock(&c->lock);
	}
}

static void
svnic_ctrl_event(void *ctx, const struct svnic_eq_entry *ev)
{
	svnic_ethdev_event(ctx, ev);
}

/* @return how many events were taken */
static unsigned int
svnic_ctrl_drain(struct svnic_adapter *ad)
{
	int n = svnic_eventq_poll(&ad->aq, svnic_ctrl_event, ad);

	if (n < 0)
		SVNIC_DRV_LOG(ERR, "%s: event queue: cannot give entries back", ad->hw.name);
	return n < 0 ? 0 : (unsigned int)n;
}

/*
 * The ring first: it is memory, and the VF waiting for its mailbox reply
 * should not wait behind two trapped accesses (round trips to the device).
 * Then, when the vector fired or on the tick, the causes are cleared (RW1C):
 * the misc vector fires once per 0 -> non-zero transition of the unmasked
 * causes, so an event posted between the drain and the clear raised no new
 * edge, and the ring is drained once more; one posted after the clear does.
 * With EQ_LEN.ARM (spec 1.3) the ring never latches EVENT and wakes us by
 * itself: the notify-page mirror of INT_CAUSE tells whether a link change or
 * an overflow is there to clear, and a wake-up for events costs no trap.
 */
static unsigned int
svnic_ctrl_service(struct svnic_adapter *ad, bool irq)
{
	struct svnic_ctrl *c = &ad->ctrl;
	uint32_t cause = 0;
	unsigned int n;

	n = svnic_ctrl_drain(ad);
	if (!irq || c->irq_fd < 0)
		return n;
	if (ad->aq.eq_arm &&
	    (__atomic_load_n(ad->aq.cause_mirror, __ATOMIC_ACQUIRE) & SVNIC_CTRL_CAUSES) == 0)
		return n;
	if (svnic_hw_reg_read(&ad->hw, SVNIC_REG_INT_CAUSE, &cause) != 0 ||
	    (cause & SVNIC_CTRL_CAUSES) == 0)
		return n;
	(void)svnic_hw_reg_write(&ad->hw, SVNIC_REG_INT_CAUSE, cause & SVNIC_CTRL_CAUSES);
	n += svnic_ctrl_drain(ad);
	if (cause & SVNIC_INT_EQ_OVERFLOW) {
		/* Events were lost: look at what they could have said (spec "Event queue"). */
		SVNIC_DRV_LOG(WARNING, "%s: event queue overflowed; resynchronising",
			      ad->hw.name);
		svnic_ethdev_resync(ad);
	}
	return n;
}

/*
 * Busy polling (devarg busy_poll): for busy_poll_ns after the thread last
 * found work, it looks again at once instead of sleeping. A guest's config
 * access or mailbox request then finds the thread awake: a wake-up of a
 * sleeping thread costs more than the whole request on a virtual CPU (tens
 * of microseconds when the CPU has gone idle), and requests come in bursts
 * (a driver's probe, a reset). Between bursts the thread sleeps as before;
 * where spinning does not pay, it pauses (svnic_spin.h).
 */
/* while spinning, 1 look in this many is the full wait, the others the hot port's */
#define SVNIC_CTRL_SPIN_FULL_LOOK	4u

static void *
svnic_ctrl_thread(void *arg)
{
	struct svnic_adapter *ad = arg;
	struct svnic_ctrl *c = &ad->ctrl;
	struct pollfd pfd[SVNIC_CTRL_POLLFDS_MAX];
	uint64_t next_tick = svnic_ctrl_now_ms() + SVNIC_CTRL_TICK_MS;
	struct svnic_spin sp;
	unsigned int looks = 0;
	bool more = false;

	svnic_spin_init(&sp, c->busy_poll_ns);
	svnic_ctrl_self = ad;
	while (__atomic_load_n(&c->running, __ATOMIC_ACQUIRE)) {
		unsigned int n = 0, i, first, work;
		uint64_t look = svnic_ctrl_clock_ns();
		bool irq, spin = svnic_spin_active(&sp, look);
		uint64_t now = look / 1000000u;
		/*
		 * Work left over (management requests past a burst) is resumed
		 * after one look at everything else, not after the tick.
		 */
		int timeout = more || spin || now >= next_tick ? 0 : (int)(next_tick - now);
		int ready;

		pfd[n].fd = c->wake_fd;
		pfd[n++].events = POLLIN;
		if (c->irq_fd >= 0) {
			pfd[n].fd = c->irq_fd;
			pfd[n++].events = POLLIN;
		}
		first = n;
		/*
		 * One system call that also says which VF ports are ready, or,
		 * without an SR-IOV part, poll() on ours and its descriptors.
		 * Spinning, most looks read the busiest guest's socket instead:
		 * its next request is found and read in one call, not two. The
		 * others are served every SVNIC_CTRL_SPIN_FULL_LOOK looks, each
		 * port up to its server's batch: a guest that floods gets more
		 * turns while the window lasts, never all of them.
		 */
		ready = -ENODEV;
		if (spin && ++looks % SVNIC_CTRL_SPIN_FULL_LOOK != 0) {
			ready = svnic_sriov_poll_hot(ad);
			for (i = 0; ready >= 0 && i < n; i++)
				pfd[i].revents = 0;
			if (ready > 0)
				__atomic_store_n(&c->hot_msgs, c->hot_msgs + (unsigned int)ready,
						 __ATOMIC_RELAXED);
		}
		if (ready < 0)
			ready = svnic_sriov_wait(ad, pfd, n, timeout);
		if (ready < 0) {
			n += svnic_sriov_pollfds(ad, pfd + n, SVNIC_CTRL_POLLFDS_MAX - n);
			for (i = 0; i < n; i++)
				pfd[i].revents = 0;
			ready = poll(pfd, n, timeout);
			if (ready < 0 && errno != EINTR)
				SVNIC_DRV_LOG(ERR, "%s: poll: %s", ad->hw.name, strerror(errno));
		}
		svnic_spin_looked(&sp, spin, svnic_ctrl_clock_ns());
		/* read by rte_pmd_svnic_get_ctrl_stats() on other threads */
		if (spin && ready <= 0)
			__atomic_store_n(&c->spins, c->spins + 1, __ATOMIC_RELAXED);
		else
			__atomic_store_n(&c->wakeups, c->wakeups + 1, __ATOMIC_RELAXED);
		if (pfd[0].revents & POLLIN)
			svnic_ctrl_drain_fd(c->wake_fd);
		irq = false;
		if (c->irq_fd >= 0 && (pfd[1].revents & POLLIN)) {
			svnic_ctrl_drain_fd(c->irq_fd);
			__atomic_store_n(&c->irqs, c->irqs + 1, __ATOMIC_RELAXED);
			irq = true;
		}
		svnic_ctrl_run_requests(ad);
		now = svnic_ctrl_now_ms();
		/* An interrupt is never the only way an event is found: drain every time. */
		work = svnic_ctrl_service(ad, irq || now >= next_tick);
		more = svnic_sriov_handle(ad, pfd + first, n - first, now >= next_tick);
		if (now >= next_tick) {
			svnic_sriov_tick(ad, now);
			next_tick = now + SVNIC_CTRL_TICK_MS;
		}
		svnic_spin_pass_end(&sp, spin, ready > 0 || work > 0, svnic_ctrl_clock_ns());
		if (sp.holds != c->spin_holds)
			__atomic_store_n(&c->spin_holds, sp.holds, __ATOMIC_RELAXED);
	}
	svnic_sriov_wait_end(ad);
	svnic_ctrl_self = NULL;
	return NULL;
}

/* Bind the misc vector to an eventfd and unmask our causes; tick polling otherwise. */
static void
svnic_ctrl_irq_setup(struct svnic_adapter *ad)
{
	struct svnic_ctrl *c = &ad->ctrl;
	struct svnic_hw *hw = &ad->hw;
	int fd, ret;

	c->irq_fd = -1;
	if (hw->ops->irq_set == NULL)
		return;
	fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (fd < 0) {
		SVNIC_INIT_LOG(WARNING, "%s: no eventfd for the misc vector (%s): events "
			       "are polled every %u ms", hw->name, strerror(errno),
			       SVNIC_CTRL_TICK_MS);
		return;
	}
	ret = hw->ops->irq_set(hw, SVNIC_CTRL_MISC_VECTOR, 1, &fd);
	if (ret == 0)
		ret = svnic_hw_reg_write(hw, SVNIC_REG_INT_VECTOR, SVNIC_CTRL_MISC_VECTOR);
	if (ret == 0)
		ret = svnic_hw_reg_write(hw, SVNIC_REG_INT_MASK,
					 SVNIC_INT_PF_MASK & ~SVNIC_CTRL_CAUSES);
	if (ret < 0) {
		SVNIC_INIT_LOG(INFO, "%s: misc vector not bound (%s): events are polled "
			       "every %u ms", hw->name, strerror(-ret), SVNIC_CTRL_TICK_MS);
		(void)hw->ops->irq_set(hw, SVNIC_CTRL_MISC_VECTOR, 1, (const int[]){ -1 });
		close(fd);
		return;
	}
	c->irq_fd = fd;
}

static void
svnic_ctrl_irq_teardown(struct svnic_adapter *ad)
{
	struct svnic_ctrl *c = &ad->ctrl;
	struct svnic_hw *hw = &ad->hw;

	if (c->irq_fd < 0)
		return;
	(void)svnic_hw_reg_write(hw, SVNIC_REG_INT_MASK, SVNIC_INT_PF_MASK);
	(void)hw->ops->irq_set(hw, SVNIC_CTRL_MISC_VECTOR, 1, (const int[]){ -1 });
	close(c->irq_fd);
	c->irq_fd = -1;
}

int
svnic_ctrl_start(struct svnic_adapter *ad)
{
	struct svnic_ctrl *c = &ad->ctrl;
	char name[RTE_MAX_THREAD_NAME_LEN];
	int ret;

	c->head = c->tail = NULL;
	c->wakeups = c->irqs = c->spins = c->spin_holds = c->hot_msgs = 0;
	c->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (c->wake_fd < 0) {
		ret = -errno;
		SVNIC_INIT_LOG(ERR, "%s: eventfd: %s", ad->hw.name, strerror(-ret));
		return ret;
	}
	ret = pthread_mutex_init(&c->lock, NULL);
	if (ret != 0) {
		ret = -ret;
		goto close_wake;
	}
	svnic_ctrl_irq_setup(ad);
	snprintf(name, sizeof(name), "svnic-ctl-%u", ad->eth_dev->data->port_id);
	__atomic_store_n(&c->running, true, __ATOMIC_RELEASE);
	ret = rte_ctrl_thread_create(&c->tid, name, NULL, svnic_ctrl_thread, ad);
	if (ret != 0) {
		__atomic_store_n(&c->running, false, __ATOMIC_RELEASE);
		SVNIC_INIT_LOG(ERR, "%s: cannot start the control thread: %s", ad->hw.name,
			       strerror(ret));
		ret = -ret;
		goto irq_teardown;
	}
	return 0;
irq_teardown:
	svnic_ctrl_irq_teardown(ad);
	pthread_mutex_destroy(&c->lock);
close_wake:
	close(c->wake_fd);
	c->wake_fd = -1;
	return ret;
}

void
svnic_ctrl_stop(struct svnic_adapter *ad)
{
	struct svnic_ctrl *c = &ad->ctrl;
	struct svnic_ctrl_req *r;

	/* start and stop are the application's calls (probe, close, reset): no race */
	if (!__atomic_load_n(&c->running, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&c->lock);
	__atomic_store_n(&c->running, false, __ATOMIC_RELEASE);
	/* Nothing queued now will run: tell the callers. */
	while ((r = c->head) != NULL) {
		c->head = r->next;
		r->ret = -ESHUTDOWN;
		r->done = true;
		pthread_cond_signal(&r->cond);
	}
	c->tail = NULL;
	pthread_mutex_unlock(&c->lock);
	svnic_ctrl_kick(c);
	pthread_join(c->tid, NULL);
	svnic_ctrl_irq_teardown(ad);
	pthread_mutex_destroy(&c->lock);
	close(c->wake_fd);
	c->wake_fd = -1;
}

bool
svnic_ctrl_is_self(const struct svnic_adapter *ad)
{
	return svnic_ctrl_self == ad;
}

int
svnic_ctrl_call(struct svnic_adapter *ad, svnic_ctrl_fn fn, void *arg)
{
	struct svnic_ctrl *c = &ad->ctrl;
	struct svnic_ctrl_req r = { .fn = fn, .arg = arg };
	int ret;

	if (svnic_ctrl_is_self(ad) || !__atomic_load_n(&c->running, __ATOMIC_ACQUIRE))
		return fn(ad, arg);
	pthread_cond_init(&r.cond, NULL);
	pthread_mutex_lock(&c->lock);
	if (!__atomic_load_n(&c->running, __ATOMIC_ACQUIRE)) {
		/* stopped between the two looks */
		pthread_mutex_unlock(&c->lock);
		pthread_cond_destroy(&r.cond);
		return -ESHUTDOWN;
	}
	if (c->tail != NULL)
		c->tail->next = &r;
	else
		c->head = &r;
	c->tail = &r;
	pthread_mutex_unlock(&c->lock);
	svnic_ctrl_kick(c);
	pthread_mutex_lock(&c->lock);
	while (!r.done)
		pthread_cond_wait(&r.cond, &c->lock);
	ret = r.ret;
	pthread_mutex_unlock(&c->lock);
	pthread_cond_destroy(&r.cond);
	return ret;
}
