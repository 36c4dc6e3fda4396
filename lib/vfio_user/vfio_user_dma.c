/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vfio_user_dma.h"

struct vfio_user_dma {
	struct vfio_user_dma_region *r;	/* sorted by iova, never overlapping */
	unsigned int n;
	unsigned int cap;
	uint32_t max;
};

int
vfio_user_dma_create(uint32_t max_maps, struct vfio_user_dma **out)
{
	struct vfio_user_dma *t;

	*out = NULL;
	if (max_maps == 0)
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	t->max = max_maps;
	*out = t;
	return 0;
}

static void
vfio_user_dma_unmap_one(struct vfio_user_dma_region *r)
{
	if (r->map_base != NULL)
		munmap(r->map_base, r->map_len);
	r->map_base = NULL;
	r->vaddr = NULL;
}

void
vfio_user_dma_clear(struct vfio_user_dma *t)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		vfio_user_dma_unmap_one(&t->r[i]);
	t->n = 0;
}

void
vfio_user_dma_destroy(struct vfio_user_dma *t)
{
	if (t == NULL)
		return;
	vfio_user_dma_clear(t);
	free(t->r);
	free(t);
}

/* Index of the first window whose iova is above @p iova. */
static unsigned int
vfio_user_dma_upper(const struct vfio_user_dma *t, uint64_t iova)
{
	unsigned int lo = 0, hi = t->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->r[mid].iova <= iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
vfio_user_dma_fd_check(int fd, uint64_t offset, uint64_t len)
{
	struct stat st;
	uint64_t end;

	if (fstat(fd, &st) < 0)
		return -errno;
	/* Touching a mapping past the end of its file raises SIGBUS: refuse up front. */
	if (!S_ISREG(st.st_mode) || st.st_size < 0)
		return -EINVAL;
	if (__builtin_add_overflow(offset, len, &end) || end > (uint64_t)st.st_size)
		return -EINVAL;
	return 0;
}

static int
vfio_user_dma_mmap(struct vfio_user_dma_region *r, int fd)
{
	long pg = sysconf(_SC_PAGESIZE);
	int ret = vfio_user_dma_fd_check(fd, r->offset, r->len);
	uint64_t delta;
	int prot = 0;
	void *p;

	if (ret < 0)
		return ret;
	if (pg <= 0)
		return -EINVAL;
	delta = r->offset % (uint64_t)pg;
	r->map_len = r->len + delta;
	if (r->map_len < r->len || r->map_len > SIZE_MAX)
		return -EINVAL;
	if (r->prot & VFIO_USER_DMA_PROT_READ)
		prot |= PROT_READ;
	if (r->prot & VFIO_USER_DMA_PROT_WRITE)
		prot |= PROT_WRITE;
	p = mmap(NULL, (size_t)r->map_len, prot, MAP_SHARED, fd, (off_t)(r->offset - delta));
	if (p == MAP_FAILED)
		return -errno;
	r->map_base = p;
	r->vaddr = (uint8_t *)p + delta;
	return 0;
}

int
vfio_user_dma_add(struct vfio_user_dma *t, uint64_t iova, uint64_t len, int fd,
		uint64_t offset, uint32_t prot)
{
	struct vfio_user_dma_region r = {
		.iova = iova, .len = len, .offset = offset, .prot = prot,
	};
	unsigned int i;
	uint64_t last;
	int ret;

	if (len == 0 || __builtin_add_overflow(iova, len - 1, &last))
		return -EINVAL;
	if (prot == 0 || (prot & ~(VFIO_USER_DMA_PROT_READ | VFIO_USER_DMA_PROT_WRITE)) != 0)
		return -EINVAL;
	if (offset > INT64_MAX)
		return -EINVAL;
	i = vfio_user_dma_upper(t, iova);
	/* Spec "VFIO_USER_DMA_MAP": mapping over an existing window fails with EEXIST. */
	if (i > 0 && t->r[i - 1].iova + (t->r[i - 1].len - 1) >= iova)
		return -EEXIST;
	if (i < t->n && t->r[i].iova <= last)
		return -EEXIST;
	if (t->n >= t->max)
		return -ENOSPC;
	if (t->n == t->cap) {
		unsigned int cap = t->cap == 0 ? 8 : t->cap * 2;
		struct vfio_user_dma_region *nr;

		if (cap > t->max)
			cap = t->max;
		nr = realloc(t->r, sizeof(*nr) * cap);
		if (nr == NULL)
			return -ENOMEM;
		t->r = nr;
		t->cap = cap;
	}
	if (fd >= 0) {
		ret = vfio_user_dma_mmap(&r, fd);
		if (ret < 0)
			return ret;
	}
	memmove(&t->r[i + 1], &t->r[i], sizeof(r) * (t->n - i));
	t->r[i] = r;
	t->n++;
	return 0;
}

int
vfio_user_dma_remove(struct vfio_user_dma *t, uint64_t iova, uint64_t len)
{
	unsigned int i = vfio_user_dma_upper(t, iova);

	if (i == 0 || t->r[i - 1].iova != iova || t->r[i - 1].len != len)
		return -ENOENT;
	i--;
	vfio_user_dma_unmap_one(&t->r[i]);
	memmove(&t->r[i], &t->r[i + 1], sizeof(t->r[0]) * (t->n - i - 1));
	t->n--;
	return 0;
}

const struct vfio_user_dma_region *
vfio_user_dma_find(const struct vfio_user_dma *t, uint64_t iova, uint64_t len)
{
	const struct vfio_user_dma_region *r;
	unsigned int i;
	uint64_t last;

	if (len == 0 || __builtin_add_overflow(iova, len - 1, &last))
		return NULL;
	i = vfio_user_dma_upper(t, iova);
	if (i == 0)
		return NULL;
	r = &t->r[i - 1];
	if (last > r->iova + (r->len - 1))
		return NULL;
	return r;
}

void *
vfio_user_dma_translate(const struct vfio_user_dma *t, uint64_t iova, uint64_t len,
		uint32_t prot)
{
	const struct vfio_user_dma_region *r;
	uint64_t last;

	if (len == 0 || __builtin_add_overflow(iova, len - 1, &last)) {
		errno = EINVAL;
		return NULL;
	}
	r = vfio_user_dma_find(t, iova, len);
	if (r == NULL) {
		errno = EFAULT;
		return NULL;
	}
	if ((prot & ~r->prot) != 0) {
		errno = EACCES;
		return NULL;
	}
	if (r->vaddr == NULL) {
		errno = ENXIO;
		return NULL;
	}
	return (uint8_t *)r->vaddr + (iova - r->iova);
}

unsigned int
vfio_user_dma_count(const struct vfio_user_dma *t)
{
	return t->n;
}

const struct vfio_user_dma_region *
vfio_user_dma_get(const struct vfio_user_dma *t, unsigned int i)
{
	return i < t->n ? &t->r[i] : NULL;
}
