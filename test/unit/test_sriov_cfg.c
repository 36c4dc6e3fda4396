/* SPDX-License-Identifier: BSD-3-Clause */
#include "unit.h"

static void
test_placeholder(void)
{
	CU_ASSERT(1);
}

static CU_TestInfo tests[] = { UNIT_TEST(test_placeholder), CU_TEST_INFO_NULL };
UNIT_MAIN(UNIT_SUITE("placeholder", tests))
