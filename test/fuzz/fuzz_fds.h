/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FUZZ_FDS_H
#define FUZZ_FDS_H

/*
 * What the socket-driven fuzz targets share: counting open descriptors (no
 * input may leave one behind) and draining the replies a server wrote, so it
 * never blocks on a full socket.
 */

#include <dirent.h>
#include <stdint.h>
#include <sys/socket.h>

static inline int
fuzz_open_fds(void)
{
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;

	if (dir == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL)
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

static inline void
fuzz_drain(int fd)
{
	uint8_t buf[4096];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

#endif /* FUZZ_FDS_H */
