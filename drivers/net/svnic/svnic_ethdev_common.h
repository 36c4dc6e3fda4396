/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_ETHDEV_COMMON_H
#define SVNIC_ETHDEV_COMMON_H

/*
 * What net_svnic and net_svnic_vf do the same way at the ethdev level, where
 * only the channel to the device differs (admin queue or mailbox): the RSS
 * table as ethdev hands it over, the link from LINK_STATUS, the descriptor
 * limits, the checks of RX buffers against an MTU. Both plugins link it.
 */

#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>

#include "svnic_hw.h"
#include "svnic_mbx.h"
#include "svnic_rxtx.h"

/**
 * Apply ethdev's masked RETA @p conf to @p table (@p size entries, the
 * device's), checking every entry names one of the port's RX queues.
 * @return 0, or -EINVAL (logged with @p name) when @p reta_size is not @p size
 *   or an entry is out of range; @p table is unchanged then.
 */
int svnic_reta_apply(const struct rte_eth_dev *dev, const char *name,
		     const struct rte_eth_rss_reta_entry64 *conf, uint16_t reta_size,
		     uint16_t *table, uint16_t size);

/** Fill ethdev's masked RETA @p conf from @p table. @return 0 or -EINVAL. */
int svnic_reta_fill(struct rte_eth_rss_reta_entry64 *conf, uint16_t reta_size,
		    const uint16_t *table, uint16_t size);

/** The port's link from the function's LINK_STATUS and LINK_SPEED. */
int svnic_link_update_hw(struct rte_eth_dev *dev, struct svnic_hw *hw);

/**
 * The offloads of dev_infos_get for what the device does for the function's
 * queues, @p dev_offloads in SVNIC_CAP_* (IDENTIFY's, or a VF's from its PF):
 * VLAN strip and insert, RX and TX checksums, scattered RX, multi-segment TX.
 */
void svnic_dev_infos_offloads(struct rte_eth_dev_info *info, uint64_t dev_offloads);

/** SVNIC_CAP_* of the device for a VF, from the mailbox's SVNIC_MBX_CAP_* (1.2). */
uint64_t svnic_dev_offloads_from_mbx(uint32_t mbx_caps);

/** Descriptor limits and the defaults of dev_infos_get for rings of @p lim. */
void svnic_dev_infos_rings(struct rte_eth_dev_info *info, const struct svnic_ring_limits *lim);

/**
 * Can every RX queue of the port take a frame of @p mtu (in one buffer unless
 * it has SCATTER)? @return 0 or -EINVAL, logged with @p name.
 */
int svnic_mtu_check_buffers(const struct rte_eth_dev *dev, const char *name, uint16_t mtu);

/*
 * The driver's own extended statistics, the same in both drivers: what the
 * queues counted that the device cannot see. SVNIC_XSTATS_DRV_NB entries.
 */
#define SVNIC_XSTATS_DRV_NB	4

/** Write the names of the driver's xstats into @p names. @return SVNIC_XSTATS_DRV_NB. */
unsigned int svnic_xstats_drv_names(struct rte_eth_xstat_name *names);

/**
 * Write the driver's xstats into @p xs, ids from @p first_id on.
 * @return SVNIC_XSTATS_DRV_NB.
 */
unsigned int svnic_xstats_drv_get(const struct rte_eth_dev *dev, struct rte_eth_xstat *xs,
				  unsigned int first_id);

/*
 * RSS as the port's device has it. Neither the PF's RSS_CONFIG nor a VF's
 * CONFIG_RSS can be read back, so the driver keeps what the device took and
 * answers ethdev's queries from it; only the channel (push) differs.
 */
struct svnic_rss {
	/* what the device offers; the driver sets them when it learns them */
	bool supported;
	uint16_t key_size;
	uint16_t table_size;
	uint64_t dev_types;		/* SVNIC_RSS_HF_* the device hashes on */
	const char *peer;		/* who takes the key, for messages: "the device" */
	/*
	 * Give the device hash types (SVNIC_RSS_HF_*, 0: off), a key of key_size
	 * bytes and a table of table_size entries; NULL keeps the key or table.
	 * @return 0 or a negative errno (logged by the callee).
	 */
	int (*push)(void *ctx, uint64_t dev_types, const uint8_t *key, const uint16_t *reta);
	void *ctx;
	/* what the device took */
	uint64_t hf;			/* RTE_ETH_RSS_* in effect, 0: off */
	uint8_t key[SVNIC_RSS_KEY_MAX];
	bool key_known;			/* a VF does not know the PF's key until it sets one */
	uint16_t reta[SVNIC_RSS_TABLE_MAX];	/* RX queue per entry */
};

/** A new VPort or session: nothing hashed, table 0, @p key known or (NULL) not. */
void svnic_rss_reset(struct svnic_rss *r, const uint8_t *key);

/**
 * dev_configure: the application's key if it gave one, else the one known;
 * the table spread evenly over the RX queues; the hash types asked for, or
 * none when the port is not in an RSS mode (@p on false).
 */
int svnic_rss_configure(const struct rte_eth_dev *dev, const char *name, struct svnic_rss *r,
			bool on);
/* The ethdev ops, on the shadow and through push. */
int svnic_rss_reta_update(const struct rte_eth_dev *dev, const char *name, struct svnic_rss *r,
			  const struct rte_eth_rss_reta_entry64 *conf, uint16_t reta_size);
int svnic_rss_reta_query(const struct svnic_rss *r, struct rte_eth_rss_reta_entry64 *conf,
			 uint16_t reta_size);
int svnic_rss_hash_update(const char *name, struct svnic_rss *r,
			  const struct rte_eth_rss_conf *rc);
int svnic_rss_hash_conf_get(const struct svnic_rss *r, struct rte_eth_rss_conf *rc);

/** Zero what the queues count themselves (stats_reset). */
void svnic_queue_counters_reset(struct rte_eth_dev *dev);

#endif /* SVNIC_ETHDEV_COMMON_H */
