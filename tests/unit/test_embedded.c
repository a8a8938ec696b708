/*
 * Tests for base/embedded: the migrations and web assets compiled into the
 * binary. The schema version of a database is the number of its newest
 * migration, so the embedded list must run 1, 2, 3, … without gaps or
 * duplicates, sorted, each with SQL in it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/embedded.h"

static void test_migrations_are_numbered_from_one_without_gaps(void **state)
{
	(void)state;
	assert_true(embedded_migration_count >= 2);
	for (size_t i = 0; i < embedded_migration_count; i++) {
		const struct embedded_migration *m = &embedded_migrations[i];
		char prefix[8];

		assert_int_equal(m->version, (int)i + 1);
		/* The file name carries the same number, zero-padded to four digits. */
		snprintf(prefix, sizeof(prefix), "%04d_", m->version);
		assert_memory_equal(m->name, prefix, 5);
		assert_true(m->size_bytes > 0);
		assert_int_equal(strlen(m->sql), m->size_bytes);
	}
	assert_null(embedded_migrations[embedded_migration_count].name);
}

static void test_every_page_template_is_embedded(void **state)
{
	static const char *const pages[] = {"templates/layout.html", "templates/index.html",
					    "templates/login.html", "templates/staff_home.html",
					    "templates/error.html", "static/site.css"};

	(void)state;
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		const struct embedded_asset *a = embedded_asset_find(pages[i]);

		assert_non_null(a);
		assert_true(a->size_bytes > 0);
		assert_int_equal(a->data[a->size_bytes], '\0');
	}
}

static void test_unknown_asset_is_not_found(void **state)
{
	(void)state;
	assert_null(embedded_asset_find("templates/nope.html"));
	assert_null(embedded_asset_find("../CMakeLists.txt"));
	assert_null(embedded_asset_find(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrations_are_numbered_from_one_without_gaps),
		cmocka_unit_test(test_every_page_template_is_embedded),
		cmocka_unit_test(test_unknown_asset_is_not_found),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
