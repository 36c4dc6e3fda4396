/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DMA map table under the windows a client may ask for (DMA_MAP,
 * DMA_UNMAP): adds with and without a file, removes, lookups. The byte stream
 * of fuzz_vfio_user_server carries no file descriptors, so the mapping side
 * of the table (arenas, runs) is driven here directly. Each input is a list
 * of 16-byte operations on one table over one memfd whose every 8 bytes hold
 * their own offset; after each, the table must be sorted and without
 * overlaps, every mapped window must show its file at its offset, every run
 * must be what the windows say, and every pointer translate() gives must
 * show the right file bytes at both ends. At the end the table is destroyed
 * and the process must hold exactly the mappings it held before.
 */
#define _GNU_SOURCE		/* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vfio_user_dma.h"

#define FILE_PAGES	24u
#define PG		4096u
#define OP_SIZE		16u
#define MAX_OPS		64u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* IOVA bases: both sides of a 1 GiB boundary, and the top of the space. */
static const uint64_t bases[4] = {
	0, UINT64_C(0x40000000) - 16 * PG, UINT64_C(0x7f0000000), UINT64_MAX - 32 * PG + 1,
};

static int fd = -1;

static unsigned int
count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned int n = 0;
	int c;

	if (f == NULL)
		__builtin_trap();
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static uint64_t
u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The file's word at @p off (every 8 bytes hold their own offset). */
static void
check_bytes(const uint8_t *p, uint64_t off)
{
	uint64_t want = off & ~UINT64_C(7), got;

	memcpy(&got, p - (off - want), sizeof(got));
	if (got != want)
		__builtin_trap();
}

static void
check_table(const struct vfio_user_dma *t)
{
	const struct vfio_user_dma_region *r, *prev = NULL;
	unsigned int i;

	for (i = 0; (r = vfio_user_dma_get(t, i)) != NULL; prev = r, i++) {
		if (prev != NULL && prev->iova + (prev->len - 1) >= r->iova)
			__builtin_trap();
		if (r->run_iova > r->iova || r->iova - r->run_iova > r->run_len ||
		    r->len > r->run_len - (r->iova - r->run_iova))
			__builtin_trap();
		if (r->vaddr == NULL) {
			if (r->run_iova != r->iova || r->run_len != r->len)
				__builtin_trap();
			continue;
		}
		check_bytes(r->vaddr, r->offset);
		check_bytes((const uint8_t *)r->vaddr + r->len - 1, r->offset + r->len - 1);
		/* a run continues exactly as long as the windows touch here and in IOVA */
		if (prev != NULL && prev->vaddr != NULL && prev->prot == r->prot &&
		    prev->iova + prev->len == r->iova &&
		    (const uint8_t *)prev->vaddr + prev->len == r->vaddr) {
			if (prev->run_iova != r->run_iova || prev->run_len != r->run_len)
				__builtin_trap();
		} else if (r->run_iova != r->iova) {
			__builtin_trap();
		}
	}
}

static void
check_translate(const struct vfio_user_dma *t, uint64_t iova, uint64_t len, uint32_t prot)
{
	const struct vfio_user_dma_region *a, *b;
	const uint8_t *p = vfio_user_dma_translate(t, iova, len, prot);

	if (p == NULL)
		return;
	a = vfio_user_dma_find(t, iova, 1);
	b = vfio_user_dma_find(t, iova + len - 1, 1);
	if (a == NULL || b == NULL || a->vaddr == NULL || a->run_iova != b->run_iova ||
	    (prot & ~a->prot) != 0)
		__builtin_trap();
	check_bytes(p, a->offset + (iova - a->iova));
	check_bytes(p + len - 1, b->offset + (iova + len - 1 - b->iova));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfio_user_dma *t;
	unsigned int before, n;
	size_t i;

	if (fd < 0) {
		uint64_t w;

		fd = memfd_create("fuzz-dma", MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, FILE_PAGES * PG) < 0)
			__builtin_trap();
		for (w = 0; w < FILE_PAGES * PG; w += 8)
			if (pwrite(fd, &w, sizeof(w), (off_t)w) != sizeof(w))
				__builtin_trap();
	}
	before = count_maps();
	if (vfio_user_dma_create(8, &t) < 0)
		__builtin_trap();
	for (n = 0, i = 0; i + OP_SIZE <= size && n < MAX_OPS; i += OP_SIZE, n++) {
		const uint8_t *op = data + i;
		uint64_t iova = bases[op[1] & 3] + (u64(op + 8) & 0xffffff);
		uint64_t len = (op[2] & 0x80) ? (uint64_t)op[3] * 64 + 1 :
			((uint64_t)(op[3] & 7) + 1) * PG;
		uint64_t offset = (op[4] & 0x80) ? op[5] : (uint64_t)(op[5] % FILE_PAGES) * PG;
		uint32_t prot = op[6] & 3;

		if (!(op[2] & 0x40))
			iova &= ~(uint64_t)(PG - 1);
		/* right after a window: where runs are made */
		if ((op[7] & 2) && vfio_user_dma_count(t) > 0) {
			const struct vfio_user_dma_region *r =
				vfio_user_dma_get(t, op[1] % vfio_user_dma_count(t));

			iova = r->iova + r->len;
		}
		switch (op[0] % 4) {
		case 0:
			(void)vfio_user_dma_add(t, iova, len, (op[7] & 1) ? -1 : fd, offset, prot);
			break;
		case 1:
			(void)vfio_user_dma_remove(t, iova, len);
			break;
		case 2:
			if (vfio_user_dma_count(t) > 0) {
				const struct vfio_user_dma_region *r =
					vfio_user_dma_get(t, op[7] % vfio_user_dma_count(t));

				(void)vfio_user_dma_remove(t, r->iova, r->len);
			}
			break;
		default:
			check_translate(t, iova, len, prot);
			break;
		}
		check_table(t);
	}
	vfio_user_dma_destroy(t);
	if (count_maps() != before)
		__builtin_trap();
	return 0;
}
