/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_CFG_ACCESS_H
#define SVNIC_CFG_ACCESS_H

/*
 * The rules of an access to a PCI configuration space, as the PF driver's
 * mediation (lib/sriov/sriov_cfg.c) and the device model (app/svnic-emu/emu_pci.c)
 * both apply them: 1, 2 or 4 bytes inside one dword, or a longer access that is
 * cut at dword boundaries, each piece handled like a hardware access with byte
 * enables. Values travel little-endian, as config space does.
 */

#include <stddef.h>
#include <stdint.h>

/** @return NULL when the access is allowed, else why it is refused. */
static inline const char *
svnic_cfg_access_refusal(uint32_t off, const void *buf, uint32_t len, uint32_t size)
{
	if (buf == NULL)
		return "no buffer";
	if (len == 0)
		return "zero length";
	if (off >= size || len > size - off)
		return "out of range";
	if (len == 3)
		return "3-byte access";
	if (len <= 4 && (off & 3) + len > 4)
		return "crosses a dword boundary";
	return NULL;
}

/** Bytes of the piece that starts @p done bytes into an access at @p off. */
static inline uint8_t
svnic_cfg_piece(uint32_t off, uint32_t done, uint32_t len)
{
	uint8_t seg = (uint8_t)(4 - ((off + done) & 3));

	return seg > len - done ? (uint8_t)(len - done) : seg;
}

/** The @p n bytes at @p p as a little-endian value. */
static inline uint32_t
svnic_cfg_pack(const uint8_t *p, uint8_t n)
{
	uint32_t v = 0;
	uint8_t i;

	for (i = 0; i < n; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

/** Store the low @p n bytes of @p v at @p p, little-endian. */
static inline void
svnic_cfg_unpack(uint8_t *p, uint8_t n, uint32_t v)
{
	uint8_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

#endif /* SVNIC_CFG_ACCESS_H */
