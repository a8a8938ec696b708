/*
 * domain/listdiff — the readable difference between two versions of a
 * public list (历史版本): which matters were added, removed or changed, and
 * for a changed matter which of its lines (matter_lines) went and came.
 *
 * Matters are matched by code. The order of the result follows the new
 * version, then removed matters in the order of the old version. Inside a
 * changed matter, lines are compared with a longest-common-subsequence diff
 * so that an inserted step shows as one added line, not as every later step
 * changed. Unchanged lines are left out (a diff that lists what stayed the
 * same is not readable at 300 matters).
 *
 * Pure: no I/O. The result owns its memory: listdiff_free.
 */
#ifndef SX_DOMAIN_LISTDIFF_H
#define SX_DOMAIN_LISTDIFF_H

#include <stddef.h>

#include "domain/matter.h"

enum listdiff_kind {
	LISTDIFF_ADDED = 1,   /* in new only: every line is an addition */
	LISTDIFF_REMOVED,     /* in old only: every line is a removal */
	LISTDIFF_CHANGED,     /* in both, some line differs */
};

struct listdiff_line {
	char op;              /* '+' added, '-' removed */
	char *text;           /* owned */
};

struct listdiff_entry {
	enum listdiff_kind kind;
	char code[MATTER_CODE_SIZE];
	char name[MATTER_NAME_SIZE];       /* the new name; the old one if removed */
	struct listdiff_line *lines;       /* owned; removals before additions at each place */
	size_t line_count;
};

struct listdiff {
	struct listdiff_entry *entries;    /* owned */
	size_t count;                      /* 0 = the two versions hold the same matters */
	size_t added, removed, changed;    /* counts by kind */
};

/*
 * Compares old_items[0..old_count) with new_items[0..new_count). Either side
 * may be empty (the first version diffs against nothing). Codes must be
 * unique within each side (matter_validate_list); SX_EINVALID otherwise.
 * SX_ENOMEM on allocation failure; *out is then empty.
 */
int listdiff_compute(struct listdiff *out, const struct matter *old_items, size_t old_count,
		     const struct matter *new_items, size_t new_count);

void listdiff_free(struct listdiff *d);

#endif
