/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VFIO_USER_DMA_H
#define VFIO_USER_DMA_H

/*
 * A function's DMA map table: the IOVA windows its client made available with
 * VFIO_USER_DMA_MAP (spec "VFIO_USER_DMA_MAP"). A window given with a file
 * descriptor is mmap()ed here and can be translated to a host pointer; one
 * given without is only recorded (the server reaches it with DMA_READ/WRITE).
 * Windows never overlap. The table is not thread-safe.
 */

#include <stdint.h>

#define VFIO_USER_DMA_PROT_READ		(1u << 0)	/* as the wire's DMA_MAP flags */
#define VFIO_USER_DMA_PROT_WRITE	(1u << 1)

struct vfio_user_dma;

struct vfio_user_dma_region {
	uint64_t iova;
	uint64_t len;
	uint64_t offset;	/**< in the client's file, 0 without one */
	uint32_t prot;		/**< VFIO_USER_DMA_PROT_* */
	void *vaddr;		/**< host address of iova, NULL when not mapped */
	void *map_base;		/**< what mmap() returned (page aligned) */
	uint64_t map_len;
	/**
	 * The run this window is in: the windows around it that are adjacent in
	 * IOVA, mapped adjacently in this process and allow the same access, as
	 * one range [run_iova, run_iova + run_len) whose host address is
	 * vaddr - (iova - run_iova). A window not mapped is a run of its own.
	 */
	uint64_t run_iova;
	uint64_t run_len;
	struct vfio_user_dma_arena *arena;	/**< private */
};

/**
 * Create an empty table holding at most @p max_maps windows.
 * @return 0 or -EINVAL (max_maps 0), -ENOMEM.
 */
int vfio_user_dma_create(uint32_t max_maps, struct vfio_user_dma **out);

/** Unmap everything and free the table; NULL is accepted. */
void vfio_user_dma_destroy(struct vfio_user_dma *t);

/**
 * Check that @p fd can back the window [@p offset, @p offset + @p len): a
 * regular file (or memfd) holding the whole range. What vfio_user_dma_add()
 * checks before it maps, for an owner that records windows without mapping them.
 * @return 0; -EINVAL; the errno of fstat().
 */
int vfio_user_dma_fd_check(int fd, uint64_t offset, uint64_t len);

/**
 * Add the window [@p iova, @p iova + @p len). With @p fd >= 0 the window is
 * mmap()ed from @p offset of that file (a regular file or memfd large enough
 * to hold it); the fd is not kept and stays the caller's to close.
 * @return 0; -EINVAL (zero or overflowing range, bad prot, fd not a regular
 *   file or too small); -EEXIST (overlaps a window); -ENOSPC (max_maps
 *   reached); -ENOMEM; the errno of a failed mmap().
 */
int vfio_user_dma_add(struct vfio_user_dma *t, uint64_t iova, uint64_t len, int fd,
		uint64_t offset, uint32_t prot);

/**
 * Remove the window that starts at @p iova and has exactly @p len bytes.
 * @return 0 or -ENOENT.
 */
int vfio_user_dma_remove(struct vfio_user_dma *t, uint64_t iova, uint64_t len);

/** Remove every window. */
void vfio_user_dma_clear(struct vfio_user_dma *t);

/**
 * Host pointer for [@p iova, @p iova + @p len) when the whole range lies in
 * one run of mapped windows (see run_iova) that allows @p prot.
 * @return the pointer, or NULL with errno EINVAL (empty or overflowing range),
 *   EFAULT (a byte outside the run of the window holding @p iova), EACCES
 *   (prot not allowed), ENXIO (the window has no file descriptor: use
 *   DMA_READ/WRITE).
 */
void *vfio_user_dma_translate(const struct vfio_user_dma *t, uint64_t iova, uint64_t len,
		uint32_t prot);

/**
 * The window holding all of [@p iova, @p iova + @p len), mapped or not.
 * @return the window or NULL.
 */
const struct vfio_user_dma_region *vfio_user_dma_find(const struct vfio_user_dma *t,
		uint64_t iova, uint64_t len);

/**
 * The window holding @p iova, and through its run fields the largest range
 * around it that one host pointer reaches.
 * @return the window or NULL.
 */
static inline const struct vfio_user_dma_region *
vfio_user_dma_find_run(const struct vfio_user_dma *t, uint64_t iova)
{
	return vfio_user_dma_find(t, iova, 1);
}

/** Host address of a window's run_iova (NULL when the window is not mapped). */
static inline void *
vfio_user_dma_run_vaddr(const struct vfio_user_dma_region *r)
{
	return r->vaddr == NULL ? NULL : (uint8_t *)r->vaddr - (r->iova - r->run_iova);
}

/** Number of windows. */
unsigned int vfio_user_dma_count(const struct vfio_user_dma *t);

/** Window @p i in IOVA order, NULL past the end. */
const struct vfio_user_dma_region *vfio_user_dma_get(const struct vfio_user_dma *t,
		unsigned int i);

#endif /* VFIO_USER_DMA_H */
