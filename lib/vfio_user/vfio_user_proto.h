/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VFIO_USER_PROTO_H
#define VFIO_USER_PROTO_H

/*
 * vfio-user wire format (QEMU docs/interop/vfio-user.rst, protocol 0.1).
 * All fields are in host byte order (spec "Protocol Specification"). Where
 * vfio-user reuses a VFIO structure unchanged (region info, irq info, irq set,
 * capability headers) the one from <linux/vfio.h> is used.
 */

#include <assert.h>
#include <stdint.h>

#include <linux/vfio.h>

#define VFIO_USER_MAJOR			0
#define VFIO_USER_MINOR			1

/* Spec "Commands". */
enum vfio_user_cmd {
	VFIO_USER_VERSION = 1,
	VFIO_USER_DMA_MAP = 2,
	VFIO_USER_DMA_UNMAP = 3,
	VFIO_USER_DEVICE_GET_INFO = 4,
	VFIO_USER_DEVICE_GET_REGION_INFO = 5,
	VFIO_USER_DEVICE_GET_REGION_IO_FDS = 6,
	VFIO_USER_DEVICE_GET_IRQ_INFO = 7,
	VFIO_USER_DEVICE_SET_IRQS = 8,
	VFIO_USER_REGION_READ = 9,
	VFIO_USER_REGION_WRITE = 10,
	VFIO_USER_DMA_READ = 11,
	VFIO_USER_DMA_WRITE = 12,
	VFIO_USER_DEVICE_RESET = 13,
	VFIO_USER_REGION_WRITE_MULTI = 15,
	VFIO_USER_DEVICE_FEATURE = 16,
	VFIO_USER_MIG_DATA_READ = 17,
	VFIO_USER_MIG_DATA_WRITE = 18,
	VFIO_USER_CMD_MAX,
};

/* Spec "Header": flags bits 0-3 type, bit 4 no-reply, bit 5 error. */
#define VFIO_USER_F_TYPE_MASK		0xfu
#define VFIO_USER_F_TYPE_COMMAND	0x0u
#define VFIO_USER_F_TYPE_REPLY		0x1u
#define VFIO_USER_F_NO_REPLY		(1u << 4)
#define VFIO_USER_F_ERROR		(1u << 5)
#define VFIO_USER_F_KNOWN		(VFIO_USER_F_TYPE_MASK | VFIO_USER_F_NO_REPLY | \
					 VFIO_USER_F_ERROR)

struct vfio_user_hdr {
	uint16_t msg_id;
	uint16_t cmd;
	uint32_t msg_size;	/* whole message, header included */
	uint32_t flags;
	uint32_t error_no;	/* positive errno, valid in an error reply */
};
static_assert(sizeof(struct vfio_user_hdr) == 16, "spec: 16-byte header");

/* VFIO_USER_VERSION: followed by optional NUL-terminated JSON. */
struct vfio_user_version {
	uint16_t major;
	uint16_t minor;
};
static_assert(sizeof(struct vfio_user_version) == 4, "version payload");

/* Spec "VFIO_USER_DMA_MAP": flags bit 0 readable, bit 1 writeable. */
#define VFIO_USER_DMA_READ_FLAG		(1u << 0)
#define VFIO_USER_DMA_WRITE_FLAG	(1u << 1)

struct vfio_user_dma_map {
	uint32_t argsz;
	uint32_t flags;
	uint64_t offset;	/* in the file descriptor, 0 without one */
	uint64_t addr;		/* IOVA */
	uint64_t size;
};
static_assert(sizeof(struct vfio_user_dma_map) == 32, "spec: DMA_MAP is 32 bytes");

struct vfio_user_dma_unmap {
	uint32_t argsz;
	uint32_t flags;		/* VFIO_DMA_UNMAP_FLAG_ALL accepted, as QEMU sends it */
	uint64_t addr;
	uint64_t size;
};
static_assert(sizeof(struct vfio_user_dma_unmap) == 24, "spec: DMA_UNMAP is 24 bytes");

/* vfio-user's device info is VFIO's without cap_offset (spec DEVICE_GET_INFO). */
struct vfio_user_device_info {
	uint32_t argsz;
	uint32_t flags;		/* VFIO_DEVICE_FLAGS_* */
	uint32_t num_regions;
	uint32_t num_irqs;
};
static_assert(sizeof(struct vfio_user_device_info) == 16, "spec: device info is 16 bytes");

static_assert(sizeof(struct vfio_region_info) == 32, "spec: region info is 32 bytes");
static_assert(sizeof(struct vfio_irq_info) == 16, "spec: irq info is 16 bytes");
static_assert(sizeof(struct vfio_irq_set) == 20, "spec: irq set is 20 bytes + data");
static_assert(sizeof(struct vfio_info_cap_header) == 8, "spec: cap header is 8 bytes");
static_assert(sizeof(struct vfio_region_info_cap_sparse_mmap) == 16, "spec: sparse mmap cap");
static_assert(sizeof(struct vfio_region_sparse_mmap_area) == 16, "spec: sparse mmap area");

/* REGION_READ / REGION_WRITE, request and reply; data follows. */
struct vfio_user_region_access {
	uint64_t offset;
	uint32_t region;
	uint32_t count;
};
static_assert(sizeof(struct vfio_user_region_access) == 16, "spec: region access");

/*
 * DMA_READ / DMA_WRITE (server -> client); data follows. The spec gives the
 * DMA_WRITE reply a 4-byte count; we send 8 (as libvfio-user does) and accept
 * a reply of 12 bytes or more.
 */
struct vfio_user_dma_access {
	uint64_t addr;
	uint64_t count;
};
static_assert(sizeof(struct vfio_user_dma_access) == 16, "spec: DMA access");
#define VFIO_USER_DMA_WRITE_REPLY_MIN	12u

/* Our limits. */
#define VFIO_USER_DEFAULT_MAX_XFER	(1u << 20)	/* spec default */
#define VFIO_USER_MAX_XFER		(1u << 20)	/* never more than this per message */
#define VFIO_USER_MSG_MAX		(sizeof(struct vfio_user_hdr) + \
					 sizeof(struct vfio_user_region_access) + \
					 VFIO_USER_MAX_XFER)
#define VFIO_USER_MAX_MSG_FDS		64u	/* fds we accept in one message */
#define VFIO_USER_DEFAULT_PEER_FDS	1u	/* spec default for max_msg_fds */
#define VFIO_USER_DEFAULT_MAX_DMA_MAPS	65535u	/* spec default */
#define VFIO_USER_DEFAULT_PGSIZES	4096u	/* spec default */
#define VFIO_USER_MAX_SPARSE		16u	/* sparse mmap areas per region */
#define VFIO_USER_MAX_IRQ_TYPES		16u
#define VFIO_USER_MAX_IRQ_VECTORS	2048u	/* PCI MSI-X table limit */
#define VFIO_USER_TOKEN_LEN		36u	/* UUID text, no NUL */

#endif /* VFIO_USER_PROTO_H */
