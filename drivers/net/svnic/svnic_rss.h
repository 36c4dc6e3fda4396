/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_RSS_H
#define SVNIC_RSS_H

/*
 * RSS hash types: the device's SVNIC_RSS_HF_* (the admin queue's RSS_CONFIG
 * and the mailbox's CONFIG_RSS use the same bits) against ethdev's
 * RTE_ETH_RSS_*. One table for net_svnic and net_svnic_vf.
 */

#include <stdint.h>

#include <rte_common.h>
#include <ethdev_driver.h>

#include "svnic_mbx.h"

/* What one SVNIC_RSS_HF_* type hashes, in ethdev's terms (spec "RSS_CONFIG"). */
static const struct {
	uint64_t dev;
	uint64_t eth;
} svnic_rss_types[] = {
	{ SVNIC_RSS_HF_IPV4, RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_FRAG_IPV4 |
			     RTE_ETH_RSS_NONFRAG_IPV4_OTHER },
	{ SVNIC_RSS_HF_IPV4_TCP, RTE_ETH_RSS_NONFRAG_IPV4_TCP },
	{ SVNIC_RSS_HF_IPV4_UDP, RTE_ETH_RSS_NONFRAG_IPV4_UDP },
	{ SVNIC_RSS_HF_IPV6, RTE_ETH_RSS_IPV6 | RTE_ETH_RSS_FRAG_IPV6 |
			     RTE_ETH_RSS_NONFRAG_IPV6_OTHER },
	{ SVNIC_RSS_HF_IPV6_TCP, RTE_ETH_RSS_NONFRAG_IPV6_TCP },
	{ SVNIC_RSS_HF_IPV6_UDP, RTE_ETH_RSS_NONFRAG_IPV6_UDP },
};

static inline uint64_t
svnic_rss_hf_to_dev(uint64_t hf)
{
	uint64_t d = 0;
	unsigned int i;

	for (i = 0; i < RTE_DIM(svnic_rss_types); i++)
		if (hf & svnic_rss_types[i].eth)
			d |= svnic_rss_types[i].dev;
	return d;
}

/* Every ethdev hash type the device's types cover (flow_type_rss_offloads). */
static inline uint64_t
svnic_rss_hf_from_dev(uint64_t d)
{
	uint64_t hf = 0;
	unsigned int i;

	for (i = 0; i < RTE_DIM(svnic_rss_types); i++)
		if (d & svnic_rss_types[i].dev)
			hf |= svnic_rss_types[i].eth;
	return hf;
}

#endif /* SVNIC_RSS_H */
