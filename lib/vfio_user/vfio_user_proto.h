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
#include <stdbool.h>
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

/*
 * DEVICE_FEATURE (spec "VFIO_USER_DEVICE_FEATURE"): struct vfio_device_feature
 * of <linux/vfio.h>, argsz and flags followed by the feature's data. argsz is
 * the largest reply payload the client accepts; a SET or PROBE reply echoes
 * the request, a GET reply carries the data and argsz 8 + its length.
 */
static_assert(sizeof(struct vfio_device_feature) == 8, "spec: device feature is 8 bytes + data");
#define VFIO_USER_FEATURE_OPS		(VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET | \
					 VFIO_DEVICE_FEATURE_PROBE)
#define VFIO_USER_UUID_LEN		16u	/* VFIO_DEVICE_FEATURE_PCI_VF_TOKEN data */

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

/*
 * The VF token has two forms: 16 bytes set on the PF with DEVICE_FEATURE
 * (PCI_VF_TOKEN, as vfio-pci's), and the 36-character text a VF client
 * presents in VERSION (RFC 4122 "8-4-4-4-12" hex, either case). Bytes go in
 * text order, as Linux's uuid_t and libuuid keep them.
 */

static inline int
vfio_user_uuid_hex(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/**
 * Parse the text form of a UUID, exactly 36 characters then a NUL.
 * @return true and @p uuid filled, or false (and @p uuid untouched).
 */
static inline bool
vfio_user_uuid_parse(const char *s, uint8_t uuid[VFIO_USER_UUID_LEN])
{
	uint8_t b[VFIO_USER_UUID_LEN];
	unsigned int i, n = 0;
	int hi, lo;

	if (s == NULL)
		return false;
	for (i = 0; i < VFIO_USER_TOKEN_LEN; ) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
			i++;
			continue;
		}
		/* s[i] is not NUL here, so reading s[i + 1] stays in the string. */
		hi = vfio_user_uuid_hex(s[i]);
		lo = hi < 0 ? -1 : vfio_user_uuid_hex(s[i + 1]);
		if (lo < 0)
			return false;
		b[n++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	if (s[VFIO_USER_TOKEN_LEN] != '\0')
		return false;
	for (i = 0; i < VFIO_USER_UUID_LEN; i++)
		uuid[i] = b[i];
	return true;
}

/** Format @p uuid as 36 lower-case characters and a NUL into @p s. */
static inline void
vfio_user_uuid_format(const uint8_t uuid[VFIO_USER_UUID_LEN],
		char s[VFIO_USER_TOKEN_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned int i, n = 0;

	for (i = 0; i < VFIO_USER_UUID_LEN; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			s[n++] = '-';
		s[n++] = hex[uuid[i] >> 4];
		s[n++] = hex[uuid[i] & 0xf];
	}
	s[n] = '\0';
}

#endif /* VFIO_USER_PROTO_H */
