/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_UNIT_H
#define SVNIC_UNIT_H

/*
 * Shared pieces of the CUnit test programs: a main() that runs the suites in
 * verbose basic mode (usertools/svnic-test.sh reads CUnit's own run summary),
 * and a capture of lib/sriov's log so tests can assert on what was said.
 */

#include <stdbool.h>
#include <stddef.h>

#include <CUnit/Basic.h>

/* Capture everything lib/sriov logs from now on, dropping earlier lines. */
void unit_log_capture(void);
/* Lines captured since the last unit_log_capture(). */
unsigned int unit_log_lines(void);
/* True when a captured line contains @p needle. */
bool unit_log_contains(const char *needle);

/* Descriptors open in this process, to check that a test left none behind. */
int unit_open_fds(void);
/* A UNIX stream socket connected to @p path (fatal assertion on failure). */
int unit_connect(const char *path);
/* True when the peer closed @p fd within two seconds (what it sent is discarded). */
bool unit_peer_closed(int fd);

int unit_run(CU_SuiteInfo *suites);

#define UNIT_SUITE(name, tests) { name, NULL, NULL, NULL, NULL, tests }
#define UNIT_TEST(fn) { #fn, fn }

#define UNIT_MAIN(...)							\
	int main(void)							\
	{								\
		CU_SuiteInfo suites[] = { __VA_ARGS__, CU_SUITE_INFO_NULL }; \
		return unit_run(suites);				\
	}

#endif /* SVNIC_UNIT_H */
