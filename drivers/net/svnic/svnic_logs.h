/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_LOGS_H
#define SVNIC_LOGS_H

/*
 * Log types of net_svnic, by area (registered in svnic_ethdev.c):
 * pmd.net.svnic.init, .driver, .rx, .tx. The datapath ones compile out
 * unless DPDK's RTE_ETHDEV_DEBUG_RX / RTE_ETHDEV_DEBUG_TX is defined.
 * Formats end without a newline: the macros add it.
 */

#include <inttypes.h>

#include <rte_log.h>

extern int svnic_logtype_init;
extern int svnic_logtype_driver;
extern int svnic_logtype_rx;
extern int svnic_logtype_tx;

#define SVNIC_LOG(type, level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, svnic_logtype_ ## type, "%s(): " fmt "\n", \
		__func__, ##__VA_ARGS__)

#define SVNIC_INIT_LOG(level, fmt, ...) SVNIC_LOG(init, level, fmt, ##__VA_ARGS__)
#define SVNIC_DRV_LOG(level, fmt, ...) SVNIC_LOG(driver, level, fmt, ##__VA_ARGS__)

#ifdef RTE_ETHDEV_DEBUG_RX
#define SVNIC_RX_LOG(level, fmt, ...) SVNIC_LOG(rx, level, fmt, ##__VA_ARGS__)
#else
#define SVNIC_RX_LOG(level, fmt, ...) do { } while (0)
#endif

#ifdef RTE_ETHDEV_DEBUG_TX
#define SVNIC_TX_LOG(level, fmt, ...) SVNIC_LOG(tx, level, fmt, ##__VA_ARGS__)
#else
#define SVNIC_TX_LOG(level, fmt, ...) do { } while (0)
#endif

#endif /* SVNIC_LOGS_H */
