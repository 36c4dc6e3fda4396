/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_svnic_vf: a guest's VF of the svnic NIC as an ethdev (the NDIS VF
 * miniport). The VF has no admin queue: everything the PF must approve goes
 * through the mailbox (svnic_vf_mbx.c), whose refusals reach the application
 * as they are. The hardware layer and the datapath are net_svnic's own
 * (svnic_hw*.c, svnic_rxtx.c, linked in): only the doorbell slots, the TX
 * summary word and the queue numbers differ, and those are bound here.
 *
 * Notices from the PF are taken by a watcher, an EAL alarm every
 * SVNIC_VF_WATCH_US in the interrupt thread: the mailbox is shared memory
 * and, on a spec 1.1 device, so is its status, cheap enough to poll. A
 * request waits for its reply on the misc vector's eventfd (MBX_RX), which
 * only the requesting thread reads.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <bus_vdev_driver.h>
#include <ethdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_alarm.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_malloc.h>
#include <rte_string_fns.h>

#include "rte_pmd_svnic.h"
#include "svnic_devargs.h"
#include "svnic_ethdev_common.h"
#include "svnic_hw.h"
#include "svnic_hw_vfio_user.h"
#include "svnic_logs.h"
#include "svnic_rss.h"
#include "svnic_rxtx.h"
#include "svnic_vf_mbx.h"

RTE_LOG_REGISTER_SUFFIX(svnic_logtype_init, init, NOTICE);
RTE_LOG_REGISTER_SUFFIX(svnic_logtype_driver, driver, NOTICE);
RTE_LOG_REGISTER_SUFFIX(svnic_logtype_rx, rx, NOTICE);
RTE_LOG_REGISTER_SUFFIX(svnic_logtype_tx, tx, NOTICE);

#define SVNIC_VF_WATCH_US	5000u
#define SVNIC_VF_ETH_OVERHEAD	(RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN)

/* Notices the mailbox callback saw, for the watcher to turn into events. */
#define SVNIC_VF_EV_LINK	(1u << 0)
#define SVNIC_VF_EV_RESET	(1u << 1)

struct svnic_vf_adapter {
	/* First: rte_pmd_svnic_get_sriov_caps() reads it from dev_private. */
	struct rte_pmd_svnic_sriov_caps caps;
	struct svnic_hw hw;
	struct rte_eth_dev *eth_dev;
	/* the mailbox: the application's thread and the watcher share it */
	pthread_mutex_t mbx_lock;
	struct svnic_vf_mbx mbx;
	struct svnic_mbx_resources res;		/* GET_RESOURCES of this session */
	int irq_fd;				/* misc vector's eventfd, -1: none */
	struct svnic_ring_limits ring_lim;
	uint32_t events;			/* SVNIC_VF_EV_*, atomic */
	bool watching;
	bool mbx_lost;				/* the watcher's last poll failed */
	/* RSS as the PF has it; its key is unknown until the application sets one */
	struct svnic_rss rss;
	/* GET_STATS counters are the VPort's, free-running: a baseline for reset */
	struct svnic_mbx_stats stats_base;
	struct svnic_vf_mbx_counters mbx_base;	/* the mailbox's, at the last xstats reset */
};

static const struct eth_dev_ops svnic_vf_eth_dev_ops;
static void svnic_vf_rss_init(struct svnic_vf_adapter *ad);

static struct svnic_vf_adapter *
svnic_vf_adapter(const struct rte_eth_dev *dev)
{
	return dev->data->dev_private;
}

/* --- the mailbox over BAR0 -------------------------------------------------- */

static int
svnic_vf_mbx_reg_read(void *ctx, uint32_t off, uint32_t *val)
{
	struct svnic_vf_adapter *ad = ctx;

	return svnic_hw_reg_read(&ad->hw, off, val);
}

static int
svnic_vf_mbx_reg_write(void *ctx, uint32_t off, uint32_t val)
{
	struct svnic_vf_adapter *ad = ctx;

	return svnic_hw_reg_write(&ad->hw, off, val);
}

static int
svnic_vf_mbx_reg_write_posted(void *ctx, uint32_t off, uint32_t val)
{
	struct svnic_vf_adapter *ad = ctx;

	return svnic_hw_reg_write_posted(&ad->hw, off, val);
}

static void
svnic_vf_mbx_wait_us(void *ctx, unsigned int us)
{
	RTE_SET_USED(ctx);
	/* Between looks at the mirror: the PF and the device may want this CPU. */
	if (us == 0) {
		sched_yield();
		return;
	}
	/*
	 * Spin: a reply takes tens of microseconds, and a sleep this short
	 * costs the timer slack (50 us by default) on every poll. The wait is
	 * bounded by the request's timeout and only the caller's thread spins.
	 */
	rte_delay_us_block(us);
}

static void
svnic_vf_mbx_irq_wait(void *ctx, unsigned int us)
{
	struct svnic_vf_adapter *ad = ctx;
	struct pollfd pfd = { .fd = ad->irq_fd, .events = POLLIN };
	uint64_t v;

	if (ad->irq_fd < 0) {
		rte_delay_us_sleep(us);
		return;
	}
	/* the eventfd is non-blocking: an empty one says EAGAIN, fine */
	if (poll(&pfd, 1, (int)((us + 999) / 1000)) > 0 &&
	    read(ad->irq_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		SVNIC_DRV_LOG(DEBUG, "%s: misc vector eventfd: %s", ad->hw.name,
			      strerror(errno));
}

static uint64_t
svnic_vf_mbx_now_us(void *ctx)
{
	RTE_SET_USED(ctx);
	return rte_get_timer_cycles() * 1000000ull / rte_get_timer_hz();
}

static const struct svnic_vf_mbx_ops svnic_vf_mbx_hw_ops = {
	.reg_read = svnic_vf_mbx_reg_read,
	.reg_write = svnic_vf_mbx_reg_write,
	.reg_write_posted = svnic_vf_mbx_reg_write_posted,
	.wait = svnic_vf_mbx_wait_us,
	.irq_wait = svnic_vf_mbx_irq_wait,
	.now_us = svnic_vf_mbx_now_us,
};

/*
 * The misc vector to an eventfd, MBX_RX unmasked: a request sleeps on it for
 * its reply. Again after every reset of the VF (INT_MASK and INT_VECTOR go
 * back to their reset values). Without it, waits poll: slower, still correct.
 */
static void
svnic_vf_irq_setup(struct svnic_vf_adapter *ad)
{
	struct svnic_hw *hw = &ad->hw;
	int ret;

	if (hw->ops->irq_set == NULL)
		return;
	if (ad->irq_fd < 0)
		ad->irq_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (ad->irq_fd < 0) {
		SVNIC_INIT_LOG(INFO, "%s: no eventfd for the mailbox (%s): replies are polled",
			       hw->name, strerror(errno));
		return;
	}
	ret = hw->ops->irq_set(hw, 0, 1, &ad->irq_fd);
	if (ret == 0)
		ret = svnic_hw_reg_write(hw, SVNIC_REG_INT_VECTOR, 0);
	if (ret == 0)
		ret = svnic_hw_reg_write(hw, SVNIC_REG_INT_MASK,
					 SVNIC_INT_VF_MASK & ~SVNIC_INT_MBX_RX);
	if (ret < 0) {
		SVNIC_INIT_LOG(INFO, "%s: misc vector not bound (%s): replies are polled",
			       hw->name, strerror(-ret));
		close(ad->irq_fd);
		ad->irq_fd = -1;
	}
}

static void
svnic_vf_irq_teardown(struct svnic_vf_adapter *ad)
{
	if (ad->irq_fd < 0)
		return;
	/* the VF's reset on disconnect masks it again; the device drops its copy */
	close(ad->irq_fd);
	ad->irq_fd = -1;
}

/* The PF set MBX_CTRL.SHARED_TX on a 1.3 device: MBX_STATUS says so. */
static bool
svnic_vf_shared_tx(struct svnic_vf_adapter *ad)
{
	uint32_t st;

	if (ad->hw.spec_minor < SVNIC_SPEC_MINOR_SHARED_TX ||
	    svnic_hw_reg_read(&ad->hw, SVNIC_REG_MBX_STATUS, &st) < 0)
		return false;
	return (st & SVNIC_MBX_ST_SHARED_TX) != 0;
}

/*
 * Spec 1.1 devices mirror MBX_STATUS in the notify page: waits cost no trap;
 * 1.2 ones flip RX_SEQ with each message: acks need no round trip; with 1.3
 * the PF may read our requests from the TX window itself.
 */
static void
svnic_vf_mbx_mirror_setup(struct svnic_vf_adapter *ad)
{
	struct svnic_hw *hw = &ad->hw;

	svnic_vf_mbx_set_mirror(&ad->mbx, hw->spec_minor >= SVNIC_SPEC_MINOR_MBX_MIRROR ?
				svnic_hw_bar0_addr(hw, SVNIC_NOTIFY_MBX_STATUS) : NULL);
	svnic_vf_mbx_set_rx_seq(&ad->mbx, hw->spec_minor >= SVNIC_SPEC_MINOR_MBX_RX_SEQ);
	svnic_vf_mbx_set_shared_tx(&ad->mbx, svnic_vf_shared_tx(ad) ?
				   svnic_hw_bar0_addr(hw, SVNIC_REG_NOTIFY_PAGE) : NULL);
	/* offered in HELLO; the PF answers whether it will use it */
	svnic_vf_mbx_set_shared_rx(&ad->mbx, hw->spec_minor >= SVNIC_SPEC_MINOR_SHARED_TX ?
				   svnic_hw_bar0_addr(hw, SVNIC_REG_NOTIFY_PAGE) : NULL);
}

/* Under mbx_lock: only note what happened, the watcher raises the events. */
static void
svnic_vf_notice(void *arg, const struct svnic_mbx_hdr *hdr, const void *payload)
{
	struct svnic_vf_adapter *ad = arg;
	struct svnic_mbx_link link;
	struct svnic_mbx_reset_notice rn;

	switch (hdr->opcode) {
	case SVNIC_MBX_OP_LINK_EVENT:
		memcpy(&link, payload, sizeof(link));
		SVNIC_DRV_LOG(INFO, "%s: PF says link %s, %u Mbit/s", ad->hw.name,
			      link.link_up ? "up" : "down", link.speed_mbps);
		__atomic_fetch_or(&ad->events, SVNIC_VF_EV_LINK, __ATOMIC_RELEASE);
		break;
	case SVNIC_MBX_OP_RESET_NOTICE:
		memcpy(&rn, payload, sizeof(rn));
		SVNIC_DRV_LOG(NOTICE, "%s: VF reset by the %s; the port needs "
			      "rte_eth_dev_reset()", ad->hw.name,
			      rn.reason == SVNIC_MBX_RESET_PF ? "PF" : "operator");
		__atomic_fetch_or(&ad->events, SVNIC_VF_EV_RESET, __ATOMIC_RELEASE);
		break;
	case SVNIC_MBX_OP_PF_GOING_DOWN:
		SVNIC_DRV_LOG(NOTICE, "%s: the PF is going down", ad->hw.name);
		__atomic_fetch_or(&ad->events, SVNIC_VF_EV_RESET, __ATOMIC_RELEASE);
		break;
	default:
		break;
	}
}

/* Every request: one at a time, its failure logged with the opcode. */
#define SVNIC_VF_MBX(ad, what, call) ({						\
	int _r;									\
	pthread_mutex_lock(&(ad)->mbx_lock);					\
	_r = (call);								\
	pthread_mutex_unlock(&(ad)->mbx_lock);					\
	if (_r < 0)								\
		SVNIC_DRV_LOG(ERR, "%s: %s: %s", (ad)->hw.name, what, strerror(-_r)); \
	_r; })

/* --- the watcher -------------------------------------------------------------- */

static int svnic_vf_link_update(struct rte_eth_dev *dev, int wait_to_complete);

static void
svnic_vf_watch(void *arg)
{
	struct svnic_vf_adapter *ad = arg;
	struct rte_eth_dev *dev = ad->eth_dev;
	uint32_t ev;
	int ret;

	pthread_mutex_lock(&ad->mbx_lock);
	ret = svnic_vf_mbx_poll(&ad->mbx);
	pthread_mutex_unlock(&ad->mbx_lock);
	/* Say it once: a PF that went away would otherwise fill the log every tick. */
	if (ret < 0 && !ad->mbx_lost) {
		SVNIC_DRV_LOG(ERR, "%s: the mailbox does not answer (%s): the PF is gone "
			      "or the VF was taken away; reset the port", ad->hw.name,
			      strerror(-ret));
		ad->mbx_lost = true;
		__atomic_fetch_or(&ad->events, SVNIC_VF_EV_RESET, __ATOMIC_RELEASE);
	} else if (ret == 0 && ad->mbx_lost) {
		SVNIC_DRV_LOG(NOTICE, "%s: the mailbox answers again", ad->hw.name);
		ad->mbx_lost = false;
	}
	/* Outside the lock: the application's callbacks may use the port. */
	ev = __atomic_exchange_n(&ad->events, 0, __ATOMIC_ACQ_REL);
	if (ev & SVNIC_VF_EV_LINK) {
		svnic_vf_link_update(dev, 0);
		if (dev->data->dev_conf.intr_conf.lsc)
			rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_LSC, NULL);
	}
	if (ev & SVNIC_VF_EV_RESET)
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_RESET, NULL);
	if (__atomic_load_n(&ad->watching, __ATOMIC_ACQUIRE) &&
	    rte_eal_alarm_set(SVNIC_VF_WATCH_US, svnic_vf_watch, ad) != 0)
		SVNIC_DRV_LOG(ERR, "%s: cannot re-arm the mailbox watcher: notices are lost",
			      ad->hw.name);
}

static int
svnic_vf_watch_start(struct svnic_vf_adapter *ad)
{
	int ret;

	__atomic_store_n(&ad->watching, true, __ATOMIC_RELEASE);
	ret = rte_eal_alarm_set(SVNIC_VF_WATCH_US, svnic_vf_watch, ad);
	if (ret != 0) {
		__atomic_store_n(&ad->watching, false, __ATOMIC_RELEASE);
		SVNIC_INIT_LOG(ERR, "%s: cannot start the mailbox watcher: %s", ad->hw.name,
			       strerror(-ret));
	}
	return ret;
}

static void
svnic_vf_watch_stop(struct svnic_vf_adapter *ad)
{
	__atomic_store_n(&ad->watching, false, __ATOMIC_RELEASE);
	/* waits for a callback running in the interrupt thread */
	rte_eal_alarm_cancel(svnic_vf_watch, ad);
}

/* --- the session with the PF ------------------------------------------------- */

/* HELLO and GET_RESOURCES, checked against what the device says of the VF. */
static int
svnic_vf_session(struct svnic_vf_adapter *ad)
{
	struct svnic_mbx_resources *r = &ad->res;
	struct rte_ether_addr mac;
	int ret;

	ret = SVNIC_VF_MBX(ad, "HELLO", svnic_vf_mbx_hello(&ad->mbx, SVNIC_MBX_VERSION_MINOR));
	if (ret < 0)
		return ret;
	ret = SVNIC_VF_MBX(ad, "GET_RESOURCES", svnic_vf_mbx_get_resources(&ad->mbx, r));
	if (ret < 0)
		return ret;
	if (!(r->caps & SVNIC_MBX_CAP_QUEUE_CFG)) {
		SVNIC_INIT_LOG(ERR, "%s: the PF speaks mailbox %u.%u, without CONFIG_QUEUE: "
			       "a VF cannot set up its queues; the PF's driver needs 1.1",
			       ad->hw.name, SVNIC_MBX_VERSION_GET_MAJOR(ad->mbx.version),
			       SVNIC_MBX_VERSION_GET_MINOR(ad->mbx.version));
		return -EPROTONOSUPPORT;
	}
	/* The decoder checked the ranges; the doorbells the device gave us bound them. */
	memcpy(mac.addr_bytes, r->mac, RTE_ETHER_ADDR_LEN);
	if (r->num_queue_pairs > ad->hw.nb_queue_pairs) {
		SVNIC_INIT_LOG(ERR, "%s: the PF grants %u queue pairs, the device has "
			       "doorbells for %u", ad->hw.name, r->num_queue_pairs,
			       ad->hw.nb_queue_pairs);
		return -EIO;
	}
	ad->caps.mbx_version = ad->mbx.version;
	ad->caps.rss = (r->caps & SVNIC_MBX_CAP_RSS) != 0;
	svnic_vf_rss_init(ad);
	SVNIC_INIT_LOG(INFO, "%s: mailbox %u.%u: %u queue pairs, MAC " RTE_ETHER_ADDR_PRT_FMT
		       "%s%s%s", ad->hw.name, SVNIC_MBX_VERSION_GET_MAJOR(ad->mbx.version),
		       SVNIC_MBX_VERSION_GET_MINOR(ad->mbx.version), r->num_queue_pairs,
		       RTE_ETHER_ADDR_BYTES(&mac),
		       (r->caps & SVNIC_MBX_CAP_TRUSTED) ? ", trusted" : "",
		       (r->caps & SVNIC_MBX_CAP_ADMIN_MAC) ? ", MAC set by the operator" : "",
		       (r->caps & SVNIC_MBX_CAP_PORT_VLAN) ? ", port VLAN" : "");
	return 0;
}

/* The MAC table: the PF's MAC first, room for the filters it grants. */
static int
svnic_vf_mac_table(struct svnic_vf_adapter *ad)
{
	struct rte_eth_dev_data *data = ad->eth_dev->data;
	uint32_t n = 1u + ad->res.max_mac_filters;
	struct rte_ether_addr *t = rte_zmalloc("svnic_vf_mac", RTE_ETHER_ADDR_LEN * n, 0);

	if (t == NULL)
		return -ENOMEM;
	memcpy(t[0].addr_bytes, ad->res.mac, RTE_ETHER_ADDR_LEN);
	rte_free(data->mac_addrs);
	data->mac_addrs = t;
	return 0;
}

/* --- queues ------------------------------------------------------------------ */

static uint64_t
svnic_vf_qbit(uint16_t qid)
{
	return 1ull << qid;
}

/*
 * Head write-back only when the PF says its device has it: a PF without
 * CAP_HEAD_WB (a device without HEAD_WB, or a PF older than the bit) leaves
 * the queues polling DONE.
 */
static bool
svnic_vf_use_head_wb(const struct svnic_vf_adapter *ad)
{
	return (ad->res.caps & SVNIC_MBX_CAP_HEAD_WB) != 0;
}

static int
svnic_vf_rxq_config(struct svnic_vf_adapter *ad, uint16_t qid)
{
	struct svnic_rx_queue *rxq = ad->eth_dev->data->rx_queues[qid];
	struct svnic_mbx_queue_cfg q;
	int ret;

	ret = svnic_rx_queue_prepare(rxq, svnic_hw_bar0_addr(&ad->hw, SVNIC_VF_DB(qid) +
							      SVNIC_DB_RX_TAIL),
				     svnic_vf_use_head_wb(ad));
	if (ret < 0)
		return ret;
	memset(&q, 0, sizeof(q));
	q.queue = qid;
	q.type = SVNIC_MBX_QTYPE_RX;
	q.flags = rxq->scatter ? SVNIC_MBX_QCFG_F_SCATTER : 0;
	q.ring_size = rxq->nb_desc;
	q.buf_size = rxq->buf_size;
	q.ring_addr = rxq->ring_iova;
	q.head_wb_addr = svnic_rx_queue_head_wb_iova(rxq);
	q.vector = SVNIC_MBX_QUEUE_NO_VECTOR;
	SVNIC_DRV_LOG(DEBUG, "%s: RX queue %u: completions by %s", ad->hw.name, qid,
		      q.head_wb_addr != 0 ? "head write-back" : "DONE polling");
	ret = SVNIC_VF_MBX(ad, "CONFIG_QUEUE RX", svnic_vf_mbx_config_queue(&ad->mbx, &q));
	if (ret < 0)
		svnic_rx_queue_drain(rxq);
	return ret;
}

static int
svnic_vf_txq_config(struct svnic_vf_adapter *ad, uint16_t qid)
{
	struct svnic_tx_queue *txq = ad->eth_dev->data->tx_queues[qid];
	struct svnic_mbx_queue_cfg q;
	int ret;

	/* a VF has one summary word; its bits are VF-relative queues (spec "Notify page") */
	svnic_tx_queue_prepare(txq,
			       svnic_hw_bar0_addr(&ad->hw, SVNIC_VF_DB(qid) + SVNIC_DB_TX_TAIL),
			       svnic_hw_bar0_addr(&ad->hw, SVNIC_NOTIFY_TX_SUMMARY(0)),
			       svnic_vf_qbit(qid),
			       svnic_hw_bar0_addr(&ad->hw, SVNIC_NOTIFY_SLEEPING),
			       svnic_hw_kick, &ad->hw, svnic_vf_use_head_wb(ad));
	memset(&q, 0, sizeof(q));
	q.queue = qid;
	q.type = SVNIC_MBX_QTYPE_TX;
	q.ring_size = txq->nb_desc;
	q.ring_addr = txq->ring_iova;
	q.head_wb_addr = svnic_tx_queue_head_wb_iova(txq);
	q.vector = SVNIC_MBX_QUEUE_NO_VECTOR;
	SVNIC_DRV_LOG(DEBUG, "%s: TX queue %u: completions by %s", ad->hw.name, qid,
		      q.head_wb_addr != 0 ? "head write-back" : "DONE polling");
	ret = SVNIC_VF_MBX(ad, "CONFIG_QUEUE TX", svnic_vf_mbx_config_queue(&ad->mbx, &q));
	if (ret < 0)
		txq->started = false;
	return ret;
}

/*
 * The device must be done with the queues' memory before it is given back.
 * The PF's answer to DISABLE_QUEUES says so; without one (PF gone, timeout)
 * only a reset of the function is sure to stop the VF's DMA (spec "Resets").
 */
static int
svnic_vf_queues_disable(struct svnic_vf_adapter *ad, uint64_t rx, uint64_t tx)
{
	int ret;

	if ((rx | tx) == 0)
		return 0;
	ret = SVNIC_VF_MBX(ad, "DISABLE_QUEUES",
			   svnic_vf_mbx_queues(&ad->mbx, SVNIC_MBX_OP_DISABLE_QUEUES, rx, tx));
	if (ret < 0 && svnic_hw_restart(&ad->hw) == 0) {
		SVNIC_DRV_LOG(WARNING, "%s: VF reset to stop its queues; the port needs "
			      "rte_eth_dev_reset()", ad->hw.name);
		__atomic_fetch_or(&ad->events, SVNIC_VF_EV_RESET, __ATOMIC_RELEASE);
		ret = 0;
	}
	return ret;
}

static int
svnic_vf_rx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);
	int ret;

	ret = svnic_vf_rxq_config(ad, qid);
	if (ret < 0)
		return ret;
	ret = SVNIC_VF_MBX(ad, "ENABLE_QUEUES", svnic_vf_mbx_queues(&ad->mbx,
			   SVNIC_MBX_OP_ENABLE_QUEUES, svnic_vf_qbit(qid), 0));
	if (ret < 0) {
		svnic_rx_queue_drain(dev->data->rx_queues[qid]);
		return ret;
	}
	svnic_rx_queue_post(dev->data->rx_queues[qid]);
	dev->data->rx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STARTED;
	return 0;
}

static int
svnic_vf_tx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);
	int ret;

	ret = svnic_vf_txq_config(ad, qid);
	if (ret < 0)
		return ret;
	ret = SVNIC_VF_MBX(ad, "ENABLE_QUEUES", svnic_vf_mbx_queues(&ad->mbx,
			   SVNIC_MBX_OP_ENABLE_QUEUES, 0, svnic_vf_qbit(qid)));
	if (ret < 0) {
		((struct svnic_tx_queue *)dev->data->tx_queues[qid])->started = false;
		return ret;
	}
	dev->data->tx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STARTED;
	return 0;
}

static int
svnic_vf_rx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	struct svnic_rx_queue *rxq = dev->data->rx_queues[qid];
	int ret;

	if (rxq == NULL || !rxq->started)
		return 0;
	ret = svnic_vf_queues_disable(svnic_vf_adapter(dev), svnic_vf_qbit(qid), 0);
	if (ret == 0)
		svnic_rx_queue_drain(rxq);
	dev->data->rx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STOPPED;
	return ret;
}

static int
svnic_vf_tx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	struct svnic_tx_queue *txq = dev->data->tx_queues[qid];
	int ret;

	if (txq == NULL || !txq->started)
		return 0;
	svnic_tx_queue_flush(txq, SVNIC_TX_FLUSH_TIMEOUT_US);
	ret = svnic_vf_queues_disable(svnic_vf_adapter(dev), 0, svnic_vf_qbit(qid));
	if (ret == 0)
		svnic_tx_queue_drain(txq);
	dev->data->tx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STOPPED;
	return ret;
}

/* One DISABLE_QUEUES for every started queue, then their buffers go back. */
static int
svnic_vf_dev_stop(struct rte_eth_dev *dev)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);
	uint64_t rx = 0, tx = 0;
	uint16_t i;
	int ret;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		const struct svnic_rx_queue *rxq = dev->data->rx_queues[i];

		if (rxq != NULL && rxq->started)
			rx |= svnic_vf_qbit(i);
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		struct svnic_tx_queue *txq = dev->data->tx_queues[i];

		if (txq != NULL && txq->started) {
			svnic_tx_queue_flush(txq, SVNIC_TX_FLUSH_TIMEOUT_US);
			tx |= svnic_vf_qbit(i);
		}
	}
	ret = svnic_vf_queues_disable(ad, rx, tx);
	if (ret < 0)
		return ret;	/* the device may still use the buffers: keep them */
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		if (rx & svnic_vf_qbit(i))
			svnic_rx_queue_drain(dev->data->rx_queues[i]);
		dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		if (tx & svnic_vf_qbit(i))
			svnic_tx_queue_drain(dev->data->tx_queues[i]);
		dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	}
	return 0;
}

/* Configure every queue the port starts, then one ENABLE_QUEUES for all. */
static int
svnic_vf_dev_start(struct rte_eth_dev *dev)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);
	uint64_t rx = 0, tx = 0;
	bool scatter = false;
	uint16_t i;
	int ret = 0;

	for (i = 0; i < dev->data->nb_rx_queues && ret == 0; i++) {
		struct svnic_rx_queue *rxq = dev->data->rx_queues[i];

		if (rxq == NULL || rxq->deferred_start)
			continue;
		scatter |= rxq->scatter;
		ret = svnic_vf_rxq_config(ad, i);
		if (ret == 0)
			rx |= svnic_vf_qbit(i);
	}
	for (i = 0; i < dev->data->nb_tx_queues && ret == 0; i++) {
		struct svnic_tx_queue *txq = dev->data->tx_queues[i];

		if (txq == NULL || txq->deferred_start)
			continue;
		ret = svnic_vf_txq_config(ad, i);
		if (ret == 0)
			tx |= svnic_vf_qbit(i);
	}
	if (ret == 0 && (rx | tx) != 0)
		ret = SVNIC_VF_MBX(ad, "ENABLE_QUEUES", svnic_vf_mbx_queues(&ad->mbx,
				   SVNIC_MBX_OP_ENABLE_QUEUES, rx, tx));
	if (ret < 0) {
		/* nothing was enabled (all or nothing): the buffers are ours again */
		for (i = 0; i < dev->data->nb_rx_queues; i++)
			if (rx & svnic_vf_qbit(i))
				svnic_rx_queue_drain(dev->data->rx_queues[i]);
		for (i = 0; i < dev->data->nb_tx_queues; i++)
			if (tx & svnic_vf_qbit(i))
				((struct svnic_tx_queue *)dev->data->tx_queues[i])->started = false;
		return ret;
	}
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		if (rx & svnic_vf_qbit(i)) {
			svnic_rx_queue_post(dev->data->rx_queues[i]);
			dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
		}
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		if (tx & svnic_vf_qbit(i))
			dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
	/* the scattered burst serves single-buffer packets as well */
	dev->data->scattered_rx = scatter;
	dev->rx_pkt_burst = scatter ? svnic_recv_scattered_pkts : svnic_recv_pkts;
	svnic_vf_link_update(dev, 0);
	return 0;
}

/* --- RSS --------------------------------------------------------------------- */

/* struct svnic_rss's push: one CONFIG_RSS; the PF answers for the device. */
static int
svnic_vf_rss_push(void *ctx, uint64_t dev_types, const uint8_t *key, const uint16_t *reta)
{
	struct svnic_vf_adapter *ad = ctx;
	uint8_t key_len = key != NULL ? (uint8_t)ad->res.rss_key_size : 0;
	uint16_t table_len = reta != NULL ? ad->res.rss_table_size : 0;

	return SVNIC_VF_MBX(ad, "CONFIG_RSS", svnic_vf_mbx_rss(&ad->mbx, dev_types, key, key_len,
							       reta, table_len));
}

/* What GET_RESOURCES granted; a new session hashes nothing, key unknown. */
static void
svnic_vf_rss_init(struct svnic_vf_adapter *ad)
{
	struct svnic_rss *r = &ad->rss;

	r->supported = (ad->res.caps & SVNIC_MBX_CAP_RSS) != 0;
	r->key_size = ad->res.rss_key_size;
	r->table_size = ad->res.rss_table_size;
	r->dev_types = ad->res.rss_hash_types;
	r->peer = "the PF";
	r->push = svnic_vf_rss_push;
	r->ctx = ad;
	svnic_rss_reset(r, NULL);
}

static int
svnic_vf_reta_update(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *conf,
		     uint16_t reta_size)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);

	return svnic_rss_reta_update(dev, ad->hw.name, &ad->rss, conf, reta_size);
}

static int
svnic_vf_reta_query(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *conf,
		    uint16_t reta_size)
{
	return svnic_rss_reta_query(&svnic_vf_adapter(dev)->rss, conf, reta_size);
}

static int
svnic_vf_rss_hash_update(struct rte_eth_dev *dev, struct rte_eth_rss_conf *rc)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);

	return svnic_rss_hash_update(ad->hw.name, &ad->rss, rc);
}

static int
svnic_vf_rss_hash_conf_get(struct rte_eth_dev *dev, struct rte_eth_rss_conf *rc)
{
	return svnic_rss_hash_conf_get(&svnic_vf_adapter(dev)->rss, rc);
}

/* --- ethdev ops ---------------------------------------------------------------- */

/* RX VLAN strip as @p rx_offloads says, when the PF offers it (mailbox 1.2). */
static int
svnic_vf_vlan_strip(struct svnic_vf_adapter *ad, uint64_t rx_offloads)
{
	bool on = (rx_offloads & RTE_ETH_RX_OFFLOAD_VLAN_STRIP) != 0;

	/* ethdev refuses the offload unless dev_infos_get offered it */
	if (!(ad->res.caps & SVNIC_MBX_CAP_VLAN_STRIP))
		return 0;
	return SVNIC_VF_MBX(ad, on ? "SET_VLAN_STRIP on" : "SET_VLAN_STRIP off",
			    svnic_vf_mbx_enable(&ad->mbx, SVNIC_MBX_OP_SET_VLAN_STRIP, on));
}

static int
svnic_vf_dev_configure(struct rte_eth_dev *dev)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);
	struct rte_eth_conf *conf = &dev->data->dev_conf;
	uint16_t nb_q = RTE_MAX(dev->data->nb_rx_queues, dev->data->nb_tx_queues);
	bool rss;
	int ret;

	if (nb_q == 0 || nb_q > ad->res.num_queue_pairs) {
		SVNIC_DRV_LOG(ERR, "%s: %u queues; the PF grants this VF %u", ad->hw.name, nb_q,
			      ad->res.num_queue_pairs);
		return -EINVAL;
	}
	if (conf->rxmode.mq_mode & RTE_ETH_MQ_RX_VMDQ_FLAG) {
		SVNIC_DRV_LOG(ERR, "%s: a VF has no VMDq pools", ad->hw.name);
		return -ENOTSUP;
	}
	rss = (conf->rxmode.mq_mode & RTE_ETH_MQ_RX_RSS_FLAG) != 0;
	if (rss)
		conf->rxmode.offloads |= RTE_ETH_RX_OFFLOAD_RSS_HASH;
	ret = SVNIC_VF_MBX(ad, "SET_MTU", svnic_vf_mbx_mtu(&ad->mbx, dev->data->mtu));
	if (ret < 0)
		return ret;
	ret = svnic_vf_vlan_strip(ad, conf->rxmode.offloads);
	if (ret < 0)
		return ret;
	return svnic_rss_configure(dev, ad->hw.name, &ad->rss, rss);
}

static int
svnic_vf_vlan_offload_set(struct rte_eth_dev *dev, int mask)
{
	/* VLAN_FILTER_MASK: filters go to the PF as they are added */
	if (!(mask & RTE_ETH_VLAN_STRIP_MASK))
		return 0;
	return svnic_vf_vlan_strip(svnic_vf_adapter(dev), dev->data->dev_conf.rxmode.offloads);
}

static int
svnic_vf_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);
	const struct svnic_mbx_resources *r = &ad->res;

	info->max_rx_queues = r->num_queue_pairs;
	info->max_tx_queues = r->num_queue_pairs;
	info->max_rx_pktlen = (uint32_t)r->max_mtu + SVNIC_VF_ETH_OVERHEAD;
	info->min_mtu = r->min_mtu;
	info->max_mtu = r->max_mtu;
	info->max_mac_addrs = 1u + r->max_mac_filters;
	info->max_hash_mac_addrs = 0;
	info->max_vfs = 0;
	/* no VMQ: a VF's VPort is one pool (seed 003) */
	info->max_vmdq_pools = 0;
	info->rx_offload_capa = RTE_ETH_RX_OFFLOAD_SCATTER;
	if (r->max_vlan_filters != 0)
		info->rx_offload_capa |= RTE_ETH_RX_OFFLOAD_VLAN_FILTER;
	if (r->caps & SVNIC_MBX_CAP_RSS) {
		info->rx_offload_capa |= RTE_ETH_RX_OFFLOAD_RSS_HASH;
		info->hash_key_size = (uint8_t)r->rss_key_size;
		info->reta_size = r->rss_table_size;
		info->flow_type_rss_offloads = svnic_rss_hf_from_dev(r->rss_hash_types);
	}
	info->tx_offload_capa = 0;
	/* what the device does for the VF's queues, as the PF said (mailbox 1.2) */
	svnic_dev_infos_offloads(info, svnic_dev_offloads_from_mbx(r->caps));
	svnic_dev_infos_rings(info, &ad->ring_lim);
	info->dev_capa = 0;
	return 0;
}

static int
svnic_vf_link_update(struct rte_eth_dev *dev, int wait_to_complete)
{
	RTE_SET_USED(wait_to_complete);
	/* LINK_STATUS is the link as this VF sees it (operator's link state included) */
	return svnic_link_update_hw(dev, &svnic_vf_adapter(dev)->hw);
}

static int
svnic_vf_promiscuous_enable(struct rte_eth_dev *dev)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);

	/* -EPERM: the VF is not trusted, or the operator does not allow it */
	return SVNIC_VF_MBX(ad, "SET_PROMISC on",
			    svnic_vf_mbx_enable(&ad->mbx, SVNIC_MBX_OP_SET_PROMISC, true));
}

static int
svnic_vf_promiscuous_disable(struct rte_eth_dev *dev)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);

	return SVNIC_VF_MBX(ad, "SET_PROMISC off",
			    svnic_vf_mbx_enable(&ad->mbx, SVNIC_MBX_OP_SET_PROMISC, false));
}

static int
svnic_vf_allmulticast_enable(struct rte_eth_dev *dev)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);

	return SVNIC_VF_MBX(ad, "SET_ALLMULTI on",
			    svnic_vf_mbx_enable(&ad->mbx, SVNIC_MBX_OP_SET_ALLMULTI, true));
}

static int
svnic_vf_allmulticast_disable(struct rte_eth_dev *dev)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);

	return SVNIC_VF_MBX(ad, "SET_ALLMULTI off",
			    svnic_vf_mbx_enable(&ad->mbx, SVNIC_MBX_OP_SET_ALLMULTI, false));
}

static int
svnic_vf_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *addr)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);

	/* -EPERM when the operator set the MAC of an untrusted VF */
	return SVNIC_VF_MBX(ad, "SET_MAC",
			    svnic_vf_mbx_mac(&ad->mbx, SVNIC_MBX_OP_SET_MAC, addr->addr_bytes));
}

static int
svnic_vf_mac_addr_add(struct rte_eth_dev *dev, struct rte_ether_addr *addr, uint32_t index,
		      uint32_t pool)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);

	RTE_SET_USED(index);
	if (pool != 0)
		return -ENOTSUP;	/* no VMDq pools */
	return SVNIC_VF_MBX(ad, "ADD_MAC_FILTER", svnic_vf_mbx_mac(&ad->mbx,
			    SVNIC_MBX_OP_ADD_MAC_FILTER, addr->addr_bytes));
}

static void
svnic_vf_mac_addr_remove(struct rte_eth_dev *dev, uint32_t index)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);

	(void)SVNIC_VF_MBX(ad, "DEL_MAC_FILTER", svnic_vf_mbx_mac(&ad->mbx,
			   SVNIC_MBX_OP_DEL_MAC_FILTER, dev->data->mac_addrs[index].addr_bytes));
}

static int
svnic_vf_set_mc_addr_list(struct rte_eth_dev *dev, struct rte_ether_addr *list, uint32_t nb)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);
	uint8_t addrs[SVNIC_MBX_MC_ADDRS_MAX][6];
	uint32_t i;

	if (nb > ad->res.max_mc_addrs || nb > SVNIC_MBX_MC_ADDRS_MAX) {
		SVNIC_DRV_LOG(ERR, "%s: %u multicast addresses; the PF takes %u", ad->hw.name,
			      nb, ad->res.max_mc_addrs);
		return -ENOSPC;
	}
	for (i = 0; i < nb; i++)
		memcpy(addrs[i], list[i].addr_bytes, RTE_ETHER_ADDR_LEN);
	return SVNIC_VF_MBX(ad, "SET_MULTICAST_LIST",
			    svnic_vf_mbx_mc_list(&ad->mbx, addrs, (uint16_t)nb));
}

static int
svnic_vf_vlan_filter_set(struct rte_eth_dev *dev, uint16_t vlan_id, int on)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);

	return SVNIC_VF_MBX(ad, on ? "ADD_VLAN" : "DEL_VLAN", svnic_vf_mbx_vlan(&ad->mbx,
			    on ? SVNIC_MBX_OP_ADD_VLAN : SVNIC_MBX_OP_DEL_VLAN, vlan_id));
}

static int
svnic_vf_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);
	int ret;

	ret = svnic_mtu_check_buffers(dev, ad->hw.name, mtu);
	if (ret < 0)
		return ret;
	return SVNIC_VF_MBX(ad, "SET_MTU", svnic_vf_mbx_mtu(&ad->mbx, mtu));
}

static uint64_t
svnic_vf_delta(uint64_t now, uint64_t base)
{
	return now >= base ? now - base : now;	/* the VPort's counters restarted */
}

/* The VPort's counters from the PF, and what the queues counted themselves. */
static int
svnic_vf_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *st)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);
	const struct svnic_mbx_stats *b = &ad->stats_base;
	struct svnic_mbx_stats s;
	uint16_t i;
	int ret;

	ret = SVNIC_VF_MBX(ad, "GET_STATS", svnic_vf_mbx_stats(&ad->mbx, &s));
	if (ret < 0)
		return ret;
	st->ipackets = svnic_vf_delta(s.rx_packets, b->rx_packets);
	st->ibytes = svnic_vf_delta(s.rx_bytes, b->rx_bytes);
	st->imissed = svnic_vf_delta(s.rx_dropped, b->rx_dropped);
	st->opackets = svnic_vf_delta(s.tx_packets, b->tx_packets);
	st->obytes = svnic_vf_delta(s.tx_bytes, b->tx_bytes);
	st->oerrors = svnic_vf_delta(s.tx_dropped, b->tx_dropped) +
		      svnic_vf_delta(s.tx_spoofed, b->tx_spoofed);
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		const struct svnic_rx_queue *rxq = dev->data->rx_queues[i];

		if (rxq == NULL)
			continue;
		st->rx_nombuf += rxq->nombuf;
		st->ierrors += rxq->errors;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS)
			st->q_errors[i] = rxq->errors;
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		const struct svnic_tx_queue *txq = dev->data->tx_queues[i];

		if (txq != NULL)
			st->oerrors += txq->errors;
	}
	return 0;
}

static int
svnic_vf_stats_reset(struct rte_eth_dev *dev)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);
	int ret;

	ret = SVNIC_VF_MBX(ad, "GET_STATS", svnic_vf_mbx_stats(&ad->mbx, &ad->stats_base));
	if (ret < 0)
		return ret;
	svnic_queue_counters_reset(dev);
	return 0;
}

/*
 * Extended statistics: the VPort's counters as the PF reports them (one
 * GET_STATS), the mailbox's own, and the driver's (svnic_ethdev_common).
 */
static const struct {
	char name[RTE_ETH_XSTATS_NAME_SIZE];
	size_t off;				/* in struct svnic_mbx_stats */
} svnic_vf_xstats_vport[] = {
#define SVNIC_VF_XSTAT(n, f) { n, offsetof(struct svnic_mbx_stats, f) }
	SVNIC_VF_XSTAT("rx_vport_packets", rx_packets),
	SVNIC_VF_XSTAT("rx_vport_bytes", rx_bytes),
	SVNIC_VF_XSTAT("rx_dropped_packets", rx_dropped),
	SVNIC_VF_XSTAT("tx_vport_packets", tx_packets),
	SVNIC_VF_XSTAT("tx_vport_bytes", tx_bytes),
	SVNIC_VF_XSTAT("tx_dropped_packets", tx_dropped),
	SVNIC_VF_XSTAT("tx_spoofed_packets", tx_spoofed),
#undef SVNIC_VF_XSTAT
};

static const struct {
	char name[RTE_ETH_XSTATS_NAME_SIZE];
	size_t off;				/* in struct svnic_vf_mbx_counters */
} svnic_vf_xstats_mbx[] = {
#define SVNIC_VF_XSTAT(n, f) { n, offsetof(struct svnic_vf_mbx_counters, f) }
	SVNIC_VF_XSTAT("mbx_requests", requests),
	SVNIC_VF_XSTAT("mbx_refused_requests", refused),
	SVNIC_VF_XSTAT("mbx_timeouts", timeouts),
	SVNIC_VF_XSTAT("mbx_notices", notices),
	SVNIC_VF_XSTAT("mbx_stale_replies", stale),
	SVNIC_VF_XSTAT("mbx_garbage_messages", garbage),
	SVNIC_VF_XSTAT("mbx_shared_tx_requests", shared_tx),
	SVNIC_VF_XSTAT("mbx_shared_rx_messages", shared_rx),
#undef SVNIC_VF_XSTAT
};

#define SVNIC_VF_XSTATS_NB	(RTE_DIM(svnic_vf_xstats_vport) + RTE_DIM(svnic_vf_xstats_mbx) + \
				 SVNIC_XSTATS_DRV_NB)

static int
svnic_vf_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
			  unsigned int size)
{
	unsigned int i, n = 0;

	RTE_SET_USED(dev);
	if (names == NULL || size < SVNIC_VF_XSTATS_NB)
		return SVNIC_VF_XSTATS_NB;
	for (i = 0; i < RTE_DIM(svnic_vf_xstats_vport); i++)
		strlcpy(names[n++].name, svnic_vf_xstats_vport[i].name, sizeof(names[0].name));
	for (i = 0; i < RTE_DIM(svnic_vf_xstats_mbx); i++)
		strlcpy(names[n++].name, svnic_vf_xstats_mbx[i].name, sizeof(names[0].name));
	n += svnic_xstats_drv_names(names + n);
	return (int)n;
}

static uint64_t
svnic_vf_field(const void *base, size_t off)
{
	uint64_t v;

	memcpy(&v, (const uint8_t *)base + off, sizeof(v));
	return v;
}

static int
svnic_vf_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs, unsigned int n)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);
	struct svnic_mbx_stats s;
	unsigned int i, k = 0;
	int ret;

	if (xs == NULL || n < SVNIC_VF_XSTATS_NB)
		return SVNIC_VF_XSTATS_NB;
	ret = SVNIC_VF_MBX(ad, "GET_STATS", svnic_vf_mbx_stats(&ad->mbx, &s));
	if (ret < 0)
		return ret;
	for (i = 0; i < RTE_DIM(svnic_vf_xstats_vport); i++, k++) {
		xs[k].id = k;
		xs[k].value = svnic_vf_delta(svnic_vf_field(&s, svnic_vf_xstats_vport[i].off),
					     svnic_vf_field(&ad->stats_base,
							    svnic_vf_xstats_vport[i].off));
	}
	/* read after the GET_STATS above, which counts as a request */
	for (i = 0; i < RTE_DIM(svnic_vf_xstats_mbx); i++, k++) {
		xs[k].id = k;
		xs[k].value = svnic_vf_delta(svnic_vf_field(&ad->mbx.cnt,
							    svnic_vf_xstats_mbx[i].off),
					     svnic_vf_field(&ad->mbx_base,
							    svnic_vf_xstats_mbx[i].off));
	}
	k += svnic_xstats_drv_get(dev, xs + k, k);
	return (int)k;
}

static int
svnic_vf_xstats_reset(struct rte_eth_dev *dev)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);
	int ret = svnic_vf_stats_reset(dev);

	if (ret == 0)
		ad->mbx_base = ad->mbx.cnt;
	return ret;
}

static int
svnic_vf_rx_queue_setup_op(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
			   unsigned int socket_id, const struct rte_eth_rxconf *conf,
			   struct rte_mempool *mp)
{
	return svnic_rx_queue_setup(dev, qid, nb_desc, socket_id, conf, mp,
				    &svnic_vf_adapter(dev)->ring_lim);
}

static int
svnic_vf_tx_queue_setup_op(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
			   unsigned int socket_id, const struct rte_eth_txconf *conf)
{
	return svnic_tx_queue_setup(dev, qid, nb_desc, socket_id, conf,
				    &svnic_vf_adapter(dev)->ring_lim);
}

static void
svnic_vf_queues_release(struct rte_eth_dev *dev)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++)
		svnic_rx_queue_release(dev, i);
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		svnic_tx_queue_release(dev, i);
}

static int
svnic_vf_dev_close(struct rte_eth_dev *dev)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);

	if (rte_eal_process_type() != RTE_PROC_PRIMARY || ad->hw.ops == NULL)
		return 0;
	svnic_vf_watch_stop(ad);
	/* ethdev stopped the port: the queues are disabled, their memory ours */
	svnic_vf_queues_release(dev);
	/* letting go of the socket resets the VF (spec "Resets": VF disconnect) */
	svnic_hw_fini(&ad->hw);
	svnic_vf_irq_teardown(ad);
	pthread_mutex_destroy(&ad->mbx_lock);
	SVNIC_INIT_LOG(INFO, "%s: closed", ad->hw.name);
	return 0;
}

/*
 * rte_eth_dev_reset(), after INTR_RESET or by choice: ethdev stopped the port.
 * The VF is reset (its queues stop, its DMA map stays) and the session with
 * the PF starts over; the application configures the port again.
 */
static int
svnic_vf_dev_reset(struct rte_eth_dev *dev)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);
	int ret;

	svnic_vf_watch_stop(ad);
	ret = svnic_hw_restart(&ad->hw);
	svnic_vf_queues_release(dev);
	if (ret == 0) {
		svnic_vf_irq_setup(ad);
		svnic_vf_mbx_mirror_setup(ad);
		ret = svnic_vf_session(ad);
	}
	if (ret == 0)
		ret = svnic_vf_mac_table(ad);
	if (ret == 0) {
		memset(&ad->stats_base, 0, sizeof(ad->stats_base));
		__atomic_store_n(&ad->events, 0, __ATOMIC_RELEASE);
		ret = svnic_vf_watch_start(ad);
	}
	if (ret < 0) {
		SVNIC_INIT_LOG(ERR, "%s: reset failed: %s; close the port", ad->hw.name,
			       strerror(-ret));
		return ret;
	}
	dev->rx_pkt_burst = svnic_recv_pkts;
	dev->data->scattered_rx = 0;
	SVNIC_INIT_LOG(NOTICE, "%s: port %u reset", ad->hw.name, dev->data->port_id);
	return 0;
}

static const struct eth_dev_ops svnic_vf_eth_dev_ops = {
	.dev_configure = svnic_vf_dev_configure,
	.dev_start = svnic_vf_dev_start,
	.dev_stop = svnic_vf_dev_stop,
	.dev_close = svnic_vf_dev_close,
	.dev_reset = svnic_vf_dev_reset,
	.dev_infos_get = svnic_vf_dev_infos_get,
	.dev_supported_ptypes_get = svnic_supported_ptypes_get,
	.link_update = svnic_vf_link_update,
	.promiscuous_enable = svnic_vf_promiscuous_enable,
	.promiscuous_disable = svnic_vf_promiscuous_disable,
	.allmulticast_enable = svnic_vf_allmulticast_enable,
	.allmulticast_disable = svnic_vf_allmulticast_disable,
	.mac_addr_set = svnic_vf_mac_addr_set,
	.mac_addr_add = svnic_vf_mac_addr_add,
	.mac_addr_remove = svnic_vf_mac_addr_remove,
	.set_mc_addr_list = svnic_vf_set_mc_addr_list,
	.mtu_set = svnic_vf_mtu_set,
	.vlan_filter_set = svnic_vf_vlan_filter_set,
	.vlan_offload_set = svnic_vf_vlan_offload_set,
	.reta_update = svnic_vf_reta_update,
	.reta_query = svnic_vf_reta_query,
	.rss_hash_update = svnic_vf_rss_hash_update,
	.rss_hash_conf_get = svnic_vf_rss_hash_conf_get,
	.stats_get = svnic_vf_stats_get,
	.stats_reset = svnic_vf_stats_reset,
	.xstats_get = svnic_vf_xstats_get,
	.xstats_get_names = svnic_vf_xstats_get_names,
	.xstats_reset = svnic_vf_xstats_reset,
	.rx_queue_setup = svnic_vf_rx_queue_setup_op,
	.rx_queue_release = svnic_rx_queue_release,
	.tx_queue_setup = svnic_vf_tx_queue_setup_op,
	.tx_queue_release = svnic_tx_queue_release,
	.rx_queue_start = svnic_vf_rx_queue_start,
	.rx_queue_stop = svnic_vf_rx_queue_stop,
	.tx_queue_start = svnic_vf_tx_queue_start,
	.tx_queue_stop = svnic_vf_tx_queue_stop,
	.rxq_info_get = svnic_rxq_info_get,
	.txq_info_get = svnic_txq_info_get,
};

/* --- probe, remove ---------------------------------------------------------------- */

/* The VF behind @p dev, whose hw has its transport open; undone on failure. */
static int
svnic_vf_init(struct rte_eth_dev *dev)
{
	struct svnic_vf_adapter *ad = svnic_vf_adapter(dev);
	struct svnic_hw *hw = &ad->hw;
	int ret;

	ad->eth_dev = dev;
	ad->irq_fd = -1;
	hw->want_vf = true;
	ret = svnic_hw_init(hw);
	if (ret < 0)
		goto close_hw;
	ret = svnic_hw_dma_register(hw);
	if (ret < 0)
		goto close_hw;
	pthread_mutex_init(&ad->mbx_lock, NULL);
	ret = svnic_vf_mbx_init(&ad->mbx, &svnic_vf_mbx_hw_ops, ad,
				svnic_hw_bar0_addr(hw, SVNIC_VF_MBX_TX_WIN),
				svnic_hw_bar0_addr(hw, SVNIC_VF_MBX_RX_WIN), svnic_vf_notice, ad);
	if (ret == 0) {
		svnic_vf_irq_setup(ad);
		svnic_vf_mbx_mirror_setup(ad);
		ret = svnic_vf_session(ad);
	}
	if (ret == 0)
		ret = svnic_vf_mac_table(ad);
	if (ret < 0)
		goto destroy_lock;
	ad->ring_lim.ring_size_min = SVNIC_RING_SIZE_MIN;
	ad->ring_lim.ring_size_max = SVNIC_RING_SIZE_MAX;
	ad->caps.sriov_supported = true;
	ad->caps.is_vf = true;
	ad->caps.vf_id = hw->vf_id;
	ad->caps.vmdq = false;
	dev->dev_ops = &svnic_vf_eth_dev_ops;
	dev->rx_pkt_burst = svnic_recv_pkts;
	dev->tx_pkt_burst = svnic_xmit_pkts;
	dev->tx_pkt_prepare = svnic_prep_pkts;
	dev->data->dev_flags |= RTE_ETH_DEV_INTR_LSC | RTE_ETH_DEV_INTR_RMV;
	ret = svnic_vf_watch_start(ad);
	if (ret < 0)
		goto destroy_lock;
	SVNIC_INIT_LOG(NOTICE, "%s: port %u, VF %u, MAC " RTE_ETHER_ADDR_PRT_FMT ", %u queue "
		       "pairs, mailbox %u.%u", hw->name, dev->data->port_id, hw->vf_id,
		       RTE_ETHER_ADDR_BYTES(&dev->data->mac_addrs[0]), ad->res.num_queue_pairs,
		       SVNIC_MBX_VERSION_GET_MAJOR(ad->mbx.version),
		       SVNIC_MBX_VERSION_GET_MINOR(ad->mbx.version));
	return 0;
destroy_lock:
	pthread_mutex_destroy(&ad->mbx_lock);
close_hw:
	svnic_hw_fini(hw);
	svnic_vf_irq_teardown(ad);
	return ret;
}

static int
svnic_vf_vdev_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct svnic_vf_adapter *ad;
	struct svnic_devargs da;
	struct rte_eth_dev *dev;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		SVNIC_INIT_LOG(ERR, "%s: secondary processes are not supported", name);
		return -ENOTSUP;
	}
	ret = svnic_devargs_parse_vf(name, rte_vdev_device_args(vdev), &da);
	if (ret < 0)
		goto out;
	dev = rte_eth_vdev_allocate(vdev, sizeof(*ad));
	if (dev == NULL) {
		SVNIC_INIT_LOG(ERR, "%s: cannot allocate the ethdev", name);
		return -ENOMEM;
	}
	ad = dev->data->dev_private;
	strlcpy(ad->hw.name, name, sizeof(ad->hw.name));
	ret = svnic_hw_vfio_user_open(&ad->hw, da.vfio_user);
	if (ret == 0)
		ret = svnic_vf_init(dev);
	if (ret < 0) {
		rte_eth_dev_release_port(dev);
		goto out;
	}
	rte_eth_dev_probing_finish(dev);
	return 0;
out:
	SVNIC_INIT_LOG(ERR, "%s: probe failed: %s", name, strerror(-ret));
	return ret;
}

static int
svnic_vf_vdev_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));

	if (dev == NULL)
		return 0;
	return rte_eth_dev_close(dev->data->port_id);
}

static struct rte_vdev_driver svnic_vf_vdev_driver = {
	.probe = svnic_vf_vdev_probe,
	.remove = svnic_vf_vdev_remove,
	/*
	 * The device reaches memory through the vfio-user DMA maps, never by
	 * physical address: IOVA as VA keeps each file-backed memseg list one
	 * window, where physical addresses would split it at every hugepage.
	 */
	.drv_flags = RTE_VDEV_DRV_NEED_IOVA_AS_VA,
};

RTE_PMD_REGISTER_VDEV(net_svnic_vf, svnic_vf_vdev_driver);
RTE_PMD_REGISTER_PARAM_STRING(net_svnic_vf, SVNIC_VF_PARAM_STRING);
