/* SPDX-License-Identifier: BSD-3-Clause */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sriov_log.h"
#include "unit.h"

#define UNIT_LOG_MAX 256

static char unit_log_buf[UNIT_LOG_MAX][256];
static unsigned int unit_log_n;

static void
unit_log_sink(enum sriov_log_level level, const char *msg, void *ctx)
{
	(void)level;
	(void)ctx;
	if (unit_log_n < UNIT_LOG_MAX)
		snprintf(unit_log_buf[unit_log_n], sizeof(unit_log_buf[0]), "%s", msg);
	unit_log_n++;
}

void
unit_log_capture(void)
{
	unit_log_n = 0;
	sriov_log_set_handler(unit_log_sink, NULL);
}

unsigned int
unit_log_lines(void)
{
	return unit_log_n;
}

bool
unit_log_contains(const char *needle)
{
	unsigned int i, n = unit_log_n < UNIT_LOG_MAX ? unit_log_n : UNIT_LOG_MAX;

	for (i = 0; i < n; i++)
		if (strstr(unit_log_buf[i], needle) != NULL)
			return true;
	return false;
}

int
unit_open_fds(void)
{
	struct dirent *d;
	DIR *dp = opendir("/proc/self/fd");
	int n = 0;

	if (dp == NULL)
		return -1;
	while ((d = readdir(dp)) != NULL)
		if (d->d_name[0] != '.')
			n++;
	closedir(dp);
	return n;
}

int
unit_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(strlen(path) < sizeof(sa.sun_path));
	strcpy(sa.sun_path, path);
	CU_ASSERT_FATAL(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	return fd;
}

bool
unit_peer_closed(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char b[256];
	unsigned int i;

	for (i = 0; i < 100; i++) {
		if (poll(&p, 1, 20) == 1) {
			ssize_t n = read(fd, b, sizeof(b));

			if (n == 0 || (n < 0 && errno == ECONNRESET))
				return true;
		}
	}
	return false;
}

int
unit_run(CU_SuiteInfo *suites)
{
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	if (CU_register_suites(suites) != CUE_SUCCESS) {
		fprintf(stderr, "suite registration failed: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 2;
	}
	unit_log_capture();
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed != 0 ? 1 : 0;
}
