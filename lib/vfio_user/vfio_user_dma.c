/* SPDX-License-Identifier: BSD-3-Clause */
#define _DEFAULT_SOURCE		/* MAP_ANONYMOUS, MAP_NORESERVE */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vfio_user_dma.h"

/*
 * Windows given with a file descriptor are mapped, when they can be, into an
 * arena: a reservation of address space that mirrors an aligned stretch of
 * IOVA space, so that windows adjacent in IOVA come out adjacent in our
 * address space too. A client that maps its memory one hugepage file at a time
 * (DPDK without --single-file-segments) then reads, through
 * vfio_user_dma_find_run(), as one window instead of hundreds, and a device
 * caching its last window stops looking one up for nearly every buffer.
 * Whatever cannot go to an arena (unaligned, too large, no address space) is
 * mapped anywhere, as before: arenas are only ever a speed-up.
 */
#define ARENA_ALIGN	(UINT64_C(1) << 30)	/* IOVA and address alignment */
#define ARENA_MAX	(UINT64_C(64) << 30)	/* larger windows go anywhere */

struct vfio_user_dma_arena {
	struct vfio_user_dma_arena *next;
	uint64_t iova;		/* ARENA_ALIGN aligned */
	uint64_t len;
	uint8_t *va;		/* ARENA_ALIGN aligned; va + (x - iova) mirrors x */
	unsigned int users;	/* windows mapped inside */
	int broken;		/* a hole could not be reserved again: no more windows */
};

struct vfio_user_dma {
	struct vfio_user_dma_region *r;	/* sorted by iova, never overlapping */
	unsigned int n;
	unsigned int cap;
	uint32_t max;
	struct vfio_user_dma_arena *arenas;
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

/* Release @p a once no window is mapped in it. */
static void
vfio_user_dma_arena_drop_unused(struct vfio_user_dma *t, struct vfio_user_dma_arena *a)
{
	struct vfio_user_dma_arena **pp;

	if (a->users > 0)
		return;
	for (pp = &t->arenas; *pp != a; pp = &(*pp)->next)
		;
	*pp = a->next;
	munmap(a->va, (size_t)a->len);
	free(a);
}

/*
 * Reserve [@p addr, + @p len) of @p a again after a window left it. Should
 * that fail, the hole stays unmapped and anyone's mmap() may land in it: never
 * place a window in this arena again.
 */
static void
vfio_user_dma_arena_rereserve(struct vfio_user_dma_arena *a, void *addr, size_t len)
{
	if (mmap(addr, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
		 -1, 0) == MAP_FAILED) {
		munmap(addr, len);
		a->broken = 1;
	}
}

static void
vfio_user_dma_unmap_one(struct vfio_user_dma *t, struct vfio_user_dma_region *r)
{
	struct vfio_user_dma_arena *a = r->arena;

	if (a != NULL) {
		vfio_user_dma_arena_rereserve(a, r->map_base, (size_t)r->map_len);
		a->users--;
		vfio_user_dma_arena_drop_unused(t, a);
	} else if (r->map_base != NULL) {
		munmap(r->map_base, r->map_len);
	}
	r->arena = NULL;
	r->map_base = NULL;
	r->vaddr = NULL;
}

/*
 * Set every window's run: the stretch of windows around it that are adjacent
 * in IOVA, mapped adjacently here and allow the same access.
 */
static void
vfio_user_dma_runs(struct vfio_user_dma *t)
{
	unsigned int i = 0, j, k;

	while (i < t->n) {
		for (j = i + 1; j < t->n; j++) {
			const struct vfio_user_dma_region *p = &t->r[j - 1], *q = &t->r[j];

			if (p->vaddr == NULL || q->vaddr == NULL || p->prot != q->prot ||
			    p->iova + p->len != q->iova ||
			    (uint8_t *)p->vaddr + p->len != (uint8_t *)q->vaddr)
				break;
		}
		for (k = i; k < j; k++) {
			t->r[k].run_iova = t->r[i].iova;
			t->r[k].run_len = t->r[j - 1].iova + t->r[j - 1].len - t->r[i].iova;
		}
		i = j;
	}
}

void
vfio_user_dma_clear(struct vfio_user_dma *t)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		vfio_user_dma_unmap_one(t, &t->r[i]);
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

/* The arena that can hold [@p iova, @p iova + @p len) at its mirror address, or NULL. */
static struct vfio_user_dma_arena *
vfio_user_dma_arena_get(struct vfio_user_dma *t, uint64_t iova, uint64_t len)
{
	struct vfio_user_dma_arena *a;
	uint64_t lo = iova & ~(ARENA_ALIGN - 1), hi, span;
	uint8_t *p, *va;

	for (a = t->arenas; a != NULL; a = a->next)
		if (!a->broken && iova >= a->iova && iova - a->iova <= a->len &&
		    len <= a->len - (iova - a->iova))
			return a;
	if (__builtin_add_overflow(iova, len + (ARENA_ALIGN - 1), &hi))
		return NULL;
	hi &= ~(ARENA_ALIGN - 1);
	if (hi - lo > ARENA_MAX)
		return NULL;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return NULL;
	/* Reserve one alignment more than needed, then trim both ends to aligned. */
	span = hi - lo + ARENA_ALIGN;
	p = mmap(NULL, (size_t)span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	if (p == MAP_FAILED) {
		free(a);
		return NULL;
	}
	va = (uint8_t *)(((uintptr_t)p + (ARENA_ALIGN - 1)) & ~(uintptr_t)(ARENA_ALIGN - 1));
	if (va > p)
		munmap(p, (size_t)(va - p));
	if (p + span > va + (hi - lo))
		munmap(va + (hi - lo), (size_t)(p + span - (va + (hi - lo))));
	a->iova = lo;
	a->len = hi - lo;
	a->va = va;
	a->next = t->arenas;
	t->arenas = a;
	return a;
}

static int
vfio_user_dma_mmap(struct vfio_user_dma *t, struct vfio_user_dma_region *r, int fd)
{
	long pg = sysconf(_SC_PAGESIZE);
	int ret = vfio_user_dma_fd_check(fd, r->offset, r->len);
	struct vfio_user_dma_arena *a = NULL;
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
	/*
	 * Only whole pages go to an arena: a window sharing a page with its
	 * neighbour would map over it. The file may want more alignment still
	 * (hugetlbfs): then MAP_FIXED fails and the window goes anywhere.
	 */
	if ((r->iova | r->len | r->offset) % (uint64_t)pg == 0)
		a = vfio_user_dma_arena_get(t, r->iova, r->len);
	if (a != NULL) {
		p = mmap(a->va + (r->iova - a->iova), (size_t)r->len, prot,
			 MAP_SHARED | MAP_FIXED, fd, (off_t)r->offset);
		if (p != MAP_FAILED) {
			a->users++;
			r->arena = a;
			r->map_base = p;
			r->vaddr = p;
			return 0;
		}
		/* a failed MAP_FIXED may have taken the reservation there with it */
		vfio_user_dma_arena_rereserve(a, a->va + (r->iova - a->iova), (size_t)r->len);
		vfio_user_dma_arena_drop_unused(t, a);
	}
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
		ret = vfio_user_dma_mmap(t, &r, fd);
		if (ret < 0)
			return ret;
	}
	memmove(&t->r[i + 1], &t->r[i], sizeof(r) * (t->n - i));
	t->r[i] = r;
	t->n++;
	vfio_user_dma_runs(t);
	return 0;
}

int
vfio_user_dma_remove(struct vfio_user_dma *t, uint64_t iova, uint64_t len)
{
	unsigned int i = vfio_user_dma_upper(t, iova);

	if (i == 0 || t->r[i - 1].iova != iova || t->r[i - 1].len != len)
		return -ENOENT;
	i--;
	vfio_user_dma_unmap_one(t, &t->r[i]);
	memmove(&t->r[i], &t->r[i + 1], sizeof(t->r[0]) * (t->n - i - 1));
	t->n--;
	vfio_user_dma_runs(t);
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
	r = vfio_user_dma_find_run(t, iova);
	if (r == NULL || last - r->run_iova > r->run_len - 1) {
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
