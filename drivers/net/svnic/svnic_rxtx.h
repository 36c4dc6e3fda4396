/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_RXTX_H
#define SVNIC_RXTX_H

/*
 * Queues and burst functions (doc/device-spec.rst "Descriptor rings", "The TX
 * doorbell protocol"). Nothing here knows whether it runs on the PF or a VF:
 * the driver binds each queue to its doorbell slot, TX summary word, SLEEPING
 * flag and kick function when it starts it, so net_svnic_vf links this file
 * as it is.
 */

#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_mbuf.h>
#include <rte_memzone.h>

#include "svnic_desc.h"

#define SVNIC_RX_FREE_THRESH_DEFAULT	32u
#define SVNIC_TX_RS_THRESH_DEFAULT	32u
#define SVNIC_TX_FREE_THRESH_DEFAULT	32u
#define SVNIC_RING_SIZE_DEFAULT		512u
#define SVNIC_TX_FREE_BULK		64u

/*
 * The most bytes one frame of @p mtu puts in RX buffers: the device takes up
 * to MTU + 18 (header and FCS) plus a tag it did not strip (spec "RX
 * descriptor"), a conservative bound since the FCS is not written.
 */
#define SVNIC_RX_FRAME_LEN(mtu) \
	((uint32_t)(mtu) + RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN + RTE_VLAN_HLEN)

/** What the device allows for rings (IDENTIFY). */
struct svnic_ring_limits {
	uint16_t ring_size_min;
	uint16_t ring_size_max;
};

struct svnic_rx_queue {
	/* hot: burst */
	volatile union svnic_rx_desc *ring;
	struct rte_mbuf **sw_ring;
	volatile uint32_t *tail_db;	/* RX_TAIL of the queue's doorbell slot */
	struct rte_mempool *mp;
	/* the device's head write-back (spec "Head write-back"), or NULL: poll DONE */
	const volatile uint32_t *head_wb;
	/* data_off, refcnt, nb_segs, port of a fresh mbuf: one store (rearm_data) */
	uint64_t mbuf_init;
	uint16_t mask;
	uint16_t next;			/* next descriptor to look at for DONE */
	uint16_t tail;			/* next descriptor to post a buffer in */
	uint16_t free_thresh;
	uint16_t port_id;
	uint64_t nombuf;		/* failed buffer allocations */
	uint64_t errors;		/* descriptors without EOP (no SCATTER) */
	/* scattered burst: the packet whose EOP has not come yet */
	struct rte_mbuf *pkt_first;
	struct rte_mbuf *pkt_last;
	/* cold */
	const struct rte_memzone *mz;
	uint64_t ring_iova;
	uint64_t head_wb_iova;		/* where the device writes its head, if asked to */
	uint16_t nb_desc;
	uint16_t queue_id;		/* ethdev queue */
	uint16_t buf_size;		/* what the device may write per buffer */
	bool scatter;			/* RTE_ETH_RX_OFFLOAD_SCATTER: QUEUE_CONFIG SCATTER */
	bool deferred_start;
	bool started;
	uint64_t offloads;
};

struct svnic_tx_queue {
	/* hot: burst */
	volatile struct svnic_tx_desc *ring;
	struct rte_mbuf **sw_ring;	/* segment per descriptor, freed on completion */
	volatile uint32_t *tail_db;	/* TX_TAIL */
	uint64_t *summary;		/* TX_SUMMARY word of the queue */
	const volatile uint32_t *sleeping;	/* the notify page's SLEEPING */
	void (*kick)(void *ctx);	/* write KICK (trapped) */
	void *kick_ctx;
	/* the device's head write-back, or NULL: RS descriptors and their DONE */
	const volatile uint32_t *head_wb;
	uint64_t summary_bit;
	bool fast_free;			/* RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE */
	uint16_t mask;
	uint16_t tail;			/* next descriptor to write */
	uint16_t next_clean;		/* oldest descriptor not yet reclaimed */
	uint16_t rs_thresh;		/* RS every rs_thresh descriptors */
	uint16_t free_thresh;
	uint16_t port_id;
	uint64_t errors;		/* packets dropped: too many segments, bad length */
	uint64_t kicks;
	/* descriptors a stop gave up on (svnic_tx_queue_flush); "up to" without head WB */
	uint64_t stop_dropped;
	/* cold */
	const struct rte_memzone *mz;
	uint64_t ring_iova;
	uint64_t head_wb_iova;
	uint16_t nb_desc;
	uint16_t queue_id;
	bool deferred_start;
	bool started;
	uint64_t offloads;
};

int svnic_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
			 unsigned int socket_id, const struct rte_eth_rxconf *conf,
			 struct rte_mempool *mp, const struct svnic_ring_limits *lim);
void svnic_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid);
int svnic_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
			 unsigned int socket_id, const struct rte_eth_txconf *conf,
			 const struct svnic_ring_limits *lim);
void svnic_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid);

/**
 * Before the device enables the queue: clear the ring, zero the tail in
 * @p tail_db (the device expects 0), fill every descriptor but one with a buffer.
 * With @p head_wb the burst reads the device's head write-back, which the
 * driver must then ask for at @p rxq->head_wb_iova (QUEUE_CONFIG HEAD_WB).
 * @return 0 or -ENOMEM.
 */
int svnic_rx_queue_prepare(struct svnic_rx_queue *rxq, volatile uint32_t *tail_db,
			   bool head_wb);
/** After the device enabled it: publish the posted buffers (RX_TAIL). */
void svnic_rx_queue_post(struct svnic_rx_queue *rxq);
/** After the device disabled it (its DMA is over): free the buffers. */
void svnic_rx_queue_drain(struct svnic_rx_queue *rxq);

/**
 * Before the device enables the queue: clear the ring, bind the doorbell.
 * With @p head_wb, completions come from the device's head write-back at
 * @p txq->head_wb_iova (QUEUE_CONFIG HEAD_WB) and no descriptor asks for RS.
 */
void svnic_tx_queue_prepare(struct svnic_tx_queue *txq, volatile uint32_t *tail_db,
			    uint64_t *summary, uint64_t summary_bit,
			    const volatile uint32_t *sleeping, void (*kick)(void *), void *ctx,
			    bool head_wb);

/** The IOVA to give QUEUE_CONFIG for head write-back: 0 when the queue polls DONE. */
static inline uint64_t
svnic_rx_queue_head_wb_iova(const struct svnic_rx_queue *rxq)
{
	return rxq->head_wb != NULL ? rxq->head_wb_iova : 0;
}

static inline uint64_t
svnic_tx_queue_head_wb_iova(const struct svnic_tx_queue *txq)
{
	return txq->head_wb != NULL ? txq->head_wb_iova : 0;
}
/**
 * Before the queue is disabled: wait up to @p timeout_us for the device to
 * have read every descriptor posted (a disable drops what it has not reached),
 * so that a port stopped right after rte_eth_tx_burst() still sends it all.
 * @return 0, or -ETIMEDOUT (logged; the caller disables anyway).
 */
int svnic_tx_queue_flush(struct svnic_tx_queue *txq, unsigned int timeout_us);
#define SVNIC_TX_FLUSH_TIMEOUT_US	100000u

/** After the device disabled it: free every segment not reclaimed yet. */
void svnic_tx_queue_drain(struct svnic_tx_queue *txq);

uint16_t svnic_recv_pkts(void *rxq, struct rte_mbuf **rx_pkts, uint16_t nb_pkts);
/** For queues with SCATTER: a packet may span several descriptors and mbufs. */
uint16_t svnic_recv_scattered_pkts(void *rxq, struct rte_mbuf **rx_pkts, uint16_t nb_pkts);
uint16_t svnic_xmit_pkts(void *txq, struct rte_mbuf **tx_pkts, uint16_t nb_pkts);
uint16_t svnic_prep_pkts(void *txq, struct rte_mbuf **tx_pkts, uint16_t nb_pkts);

void svnic_rxq_info_get(struct rte_eth_dev *dev, uint16_t qid, struct rte_eth_rxq_info *qinfo);
void svnic_txq_info_get(struct rte_eth_dev *dev, uint16_t qid, struct rte_eth_txq_info *qinfo);
const uint32_t *svnic_supported_ptypes_get(struct rte_eth_dev *dev);

#endif /* SVNIC_RXTX_H */
