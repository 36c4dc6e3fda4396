/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_DESC_H
#define SVNIC_DESC_H

/*
 * RX and TX descriptor rings (doc/device-spec.rst, "Descriptor rings"). Both
 * descriptors are 16 bytes, four to a cache line. A ring is a power-of-two
 * array of them in the owning function's DMA space; the driver produces up to
 * the tail it writes in the queue's doorbell slot, the device consumes from its
 * head and writes completions back in place with a DONE bit, written last.
 *
 * Little-endian. Fields marked reserved are written 0 by whoever owns the
 * descriptor at that moment; the device does not check them on the datapath.
 */

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "svnic descriptors are little-endian; a big-endian port needs conversions here"
#endif

#define SVNIC_RING_SIZE_MIN	32u
#define SVNIC_RING_SIZE_MAX	8192u
/* Ring bases: at least a cache line; see the spec on cache-set colouring. */
#define SVNIC_RING_ALIGN	64u

/* --- TX --- */

struct svnic_tx_desc {
	uint64_t addr;		/* IOVA of the segment's bytes */
	uint16_t len;		/* 1..SVNIC_TX_SEG_MAX */
	uint16_t flags;		/* SVNIC_TXD_F_*; the device only ever sets DONE */
	uint16_t vlan_tci;	/* with SVNIC_TXD_F_VLAN_INS, first segment */
	uint16_t hdr_lens;	/* SVNIC_TXD_L2LEN/L3LEN, first segment, for checksums */
};
static_assert(sizeof(struct svnic_tx_desc) == 16, "tx descriptor is 16 bytes");
static_assert(offsetof(struct svnic_tx_desc, len) == 8, "");
static_assert(offsetof(struct svnic_tx_desc, flags) == 10, "");
static_assert(offsetof(struct svnic_tx_desc, vlan_tci) == 12, "");
static_assert(offsetof(struct svnic_tx_desc, hdr_lens) == 14, "");

#define SVNIC_TX_SEG_MAX		16383u	/* bytes in one descriptor */
#define SVNIC_TX_SEGS_MAX		16u	/* descriptors in one packet */

#define SVNIC_TXD_F_EOP			0x0001u	/* last segment of the packet */
#define SVNIC_TXD_F_DONE		0x0002u	/* device: this and every earlier one done */
#define SVNIC_TXD_F_RS			0x0004u	/* report status: write DONE here */
#define SVNIC_TXD_F_VLAN_INS		0x0008u	/* insert vlan_tci (802.1Q) */
#define SVNIC_TXD_F_IP_CSUM		0x0010u	/* fill the IPv4 header checksum */
#define SVNIC_TXD_F_L4_MASK		0x0060u	/* fill the L4 checksum: */
#define SVNIC_TXD_F_L4_NONE		0x0000u
#define SVNIC_TXD_F_L4_TCP		0x0020u
#define SVNIC_TXD_F_L4_UDP		0x0040u
#define SVNIC_TXD_F_DRV_MASK		0x007du	/* every bit a driver may set */

#define SVNIC_TXD_L2LEN_MASK		0x007fu	/* bytes, 14..127 */
#define SVNIC_TXD_L3LEN_SHIFT		7
#define SVNIC_TXD_L3LEN_MASK		0xff80u	/* bytes, 20..511 */
#define SVNIC_TXD_HDR_LENS(l2, l3)	((uint16_t)(((l2) & 0x7fu) | \
					 (((l3) & 0x1ffu) << SVNIC_TXD_L3LEN_SHIFT)))

/* --- RX --- */

/* What the driver posts. */
struct svnic_rx_desc_read {
	uint64_t addr;		/* IOVA of a buffer of the queue's buf_size bytes */
	uint64_t rsvd;		/* 0: clears the DONE bit of the previous use */
};
static_assert(sizeof(struct svnic_rx_desc_read) == 16, "rx descriptor is 16 bytes");

/* What the device writes over it. */
struct svnic_rx_desc_wb {
	uint32_t rss_hash;	/* valid with SVNIC_RXD_ST_RSS (EOP descriptor) */
	uint16_t vlan_tci;	/* stripped tag, valid with SVNIC_RXD_ST_VLAN */
	uint8_t hash_type;	/* SVNIC_RX_HASH_* */
	uint8_t ptype;		/* SVNIC_RX_PTYPE_L3_* | SVNIC_RX_PTYPE_L4_* */
	uint16_t len;		/* bytes written to this descriptor's buffer */
	uint16_t status;	/* SVNIC_RXD_ST_*; DONE is the last thing written */
	uint32_t rsvd;
};
static_assert(sizeof(struct svnic_rx_desc_wb) == 16, "rx write-back is 16 bytes");
static_assert(offsetof(struct svnic_rx_desc_wb, len) == 8, "");
static_assert(offsetof(struct svnic_rx_desc_wb, status) == 10, "");
static_assert(offsetof(struct svnic_rx_desc_wb, status) >=
	      offsetof(struct svnic_rx_desc_read, rsvd), "DONE lies in what the driver zeroes");

union svnic_rx_desc {
	struct svnic_rx_desc_read read;
	struct svnic_rx_desc_wb wb;
};
static_assert(sizeof(union svnic_rx_desc) == 16, "");

#define SVNIC_RX_BUF_MIN		256u
#define SVNIC_RX_BUF_MAX		16384u
#define SVNIC_RX_BUF_ALIGN		128u	/* buf_size granularity */

#define SVNIC_RXD_ST_DONE		0x0001u
#define SVNIC_RXD_ST_EOP		0x0002u	/* last buffer of the packet */
#define SVNIC_RXD_ST_VLAN		0x0004u	/* a tag was stripped into vlan_tci */
#define SVNIC_RXD_ST_RSS		0x0008u	/* rss_hash and hash_type are valid */
#define SVNIC_RXD_ST_L3_CSUM		0x0010u	/* IPv4 header checksum was checked */
#define SVNIC_RXD_ST_L3_CSUM_BAD	0x0020u
#define SVNIC_RXD_ST_L4_CSUM		0x0040u	/* TCP/UDP checksum was checked */
#define SVNIC_RXD_ST_L4_CSUM_BAD	0x0080u

#define SVNIC_RX_HASH_NONE		0
#define SVNIC_RX_HASH_IPV4		1
#define SVNIC_RX_HASH_IPV4_TCP		2
#define SVNIC_RX_HASH_IPV4_UDP		3
#define SVNIC_RX_HASH_IPV6		4
#define SVNIC_RX_HASH_IPV6_TCP		5
#define SVNIC_RX_HASH_IPV6_UDP		6

#define SVNIC_RX_PTYPE_L3_MASK		0x03u
#define SVNIC_RX_PTYPE_L3_NONE		0x00u
#define SVNIC_RX_PTYPE_L3_IPV4		0x01u
#define SVNIC_RX_PTYPE_L3_IPV6		0x02u
#define SVNIC_RX_PTYPE_L4_MASK		0x1cu
#define SVNIC_RX_PTYPE_L4_NONE		0x00u
#define SVNIC_RX_PTYPE_L4_TCP		0x04u
#define SVNIC_RX_PTYPE_L4_UDP		0x08u
#define SVNIC_RX_PTYPE_L4_FRAG		0x0cu
#define SVNIC_RX_PTYPE_L4_OTHER		0x10u
#define SVNIC_RX_PTYPE_VLAN		0x20u	/* a tag is still in the packet data */

/* Head write-back: the device stores its head index (u32) here when enabled. */
#define SVNIC_HEAD_WB_ALIGN		4u

#endif /* SVNIC_DESC_H */
