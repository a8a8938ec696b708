/*
 * domain/listdiff — see listdiff.h.
 *
 * How two versions of one matter are compared:
 *   - both are turned into lines (matter_lines); if the texts are equal line
 *     for line, the matter is unchanged and left out;
 *   - otherwise lines are compared without their ordinal: "办理流程 3：审查"
 *     and "办理流程 4：审查" are the same line, so that a step inserted before
 *     it shows as the one added line and the renumbering of the later steps
 *     does not show at all (the texts written out keep their numbers: old
 *     numbers on '-' lines, new ones on '+' lines). The ordinal is the " N"
 *     right before the first "：" (see the line format in matter.c);
 *   - the common head and tail are skipped, and the middle is compared with
 *     the textbook longest-common-subsequence table (Hunt & McIlroy's problem,
 *     solved by dynamic programming). When that table would pass
 *     LISTDIFF_MAX_CELLS (never for a valid matter, which has at most a few
 *     hundred lines) the middle is written as all removed, then all added;
 *   - between two common lines, the removed lines come first, then the
 *     added ones, each in their own order.
 *
 * Codes are compared byte for byte (strcmp); matching uses sorted arrays of
 * pointers and binary search, so 5000 matters a side cost n log n.
 */
#include "domain/listdiff.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/* 4 Mi cells of uint32_t: a 16 MiB table at most. */
#define LISTDIFF_MAX_CELLS ((size_t)4 * 1024 * 1024)

/* "：" in UTF-8. */
#define FULLWIDTH_COLON "\xef\xbc\x9a"

/* A line as compared: text without its ordinal, i.e. head followed by tail. */
struct line_key {
	const char *head;
	size_t head_len;
	const char *tail;
	size_t tail_len;
	uint64_t hash; /* FNV-1a of head and tail, to skip most byte comparisons */
};

static uint64_t fnv1a(uint64_t h, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

static void line_key_make(struct line_key *k, const char *text)
{
	const char *colon = strstr(text, FULLWIDTH_COLON);
	size_t len = strlen(text);
	const char *p;

	k->head = text;
	k->head_len = len;
	k->tail = text + len;
	k->tail_len = 0;
	if (colon != NULL) {
		p = colon;
		while (p > text && p[-1] >= '0' && p[-1] <= '9')
			p--;
		if (p < colon && p > text && p[-1] == ' ') {
			k->head_len = (size_t)(p - 1 - text);
			k->tail = colon;
			k->tail_len = len - (size_t)(colon - text);
		}
	}
	k->hash = fnv1a(fnv1a(UINT64_C(0xcbf29ce484222325), k->head, k->head_len), k->tail,
			k->tail_len);
}

static bool line_key_equal(const struct line_key *a, const struct line_key *b)
{
	return a->hash == b->hash && a->head_len == b->head_len && a->tail_len == b->tail_len &&
	       memcmp(a->head, b->head, a->head_len) == 0 &&
	       memcmp(a->tail, b->tail, a->tail_len) == 0;
}

static int add_line(struct listdiff_entry *e, size_t cap, char op, const char *text)
{
	char *copy;

	if (e->line_count == cap)
		return SX_EINVALID; /* capacity was counted wrong: a bug */
	copy = sx_strdup(text);
	if (copy == NULL)
		return SX_ENOMEM;
	e->lines[e->line_count].op = op;
	e->lines[e->line_count].text = copy;
	e->line_count++;
	return 0;
}

/* Writes old[a0..a1) as removed, then new[b0..b1) as added. */
static int add_hunk(struct listdiff_entry *e, size_t cap, char **old_lines, size_t a0, size_t a1,
		    char **new_lines, size_t b0, size_t b1)
{
	int rc;

	for (; a0 < a1; a0++) {
		if ((rc = add_line(e, cap, '-', old_lines[a0])) < 0)
			return rc;
	}
	for (; b0 < b1; b0++) {
		if ((rc = add_line(e, cap, '+', new_lines[b0])) < 0)
			return rc;
	}
	return 0;
}

static bool lines_are_same(char **a, size_t na, char **b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++) {
		if (strcmp(a[i], b[i]) != 0)
			return false;
	}
	return true;
}

/*
 * Fills e (whose lines array holds cap = na + nb slots) with the changed
 * lines of a -> b.
 */
static int diff_lines(struct listdiff_entry *e, size_t cap, char **a, size_t na, char **b,
		      size_t nb)
{
	struct line_key *ka = NULL, *kb = NULL;
	uint32_t *table = NULL;
	size_t pre = 0, suf = 0, n, m, i, j, hunk_i, hunk_j, width;
	int rc = 0;

	ka = sx_calloc(na ? na : 1, sizeof(*ka));
	kb = sx_calloc(nb ? nb : 1, sizeof(*kb));
	if (ka == NULL || kb == NULL) {
		rc = SX_ENOMEM;
		goto cleanup;
	}
	for (i = 0; i < na; i++)
		line_key_make(&ka[i], a[i]);
	for (j = 0; j < nb; j++)
		line_key_make(&kb[j], b[j]);

	while (pre < na && pre < nb && line_key_equal(&ka[pre], &kb[pre]))
		pre++;
	while (suf < na - pre && suf < nb - pre &&
	       line_key_equal(&ka[na - 1 - suf], &kb[nb - 1 - suf]))
		suf++;
	n = na - pre - suf;
	m = nb - pre - suf;
	width = m + 1;
	if (n == 0 || m == 0 || n + 1 > LISTDIFF_MAX_CELLS / width) {
		rc = add_hunk(e, cap, a, pre, pre + n, b, pre, pre + m);
		goto cleanup;
	}

	/* table[i * width + j]: length of the LCS of a[pre+i ..) and b[pre+j ..) in the middle. */
	table = sx_calloc((n + 1) * width, sizeof(*table));
	if (table == NULL) {
		rc = SX_ENOMEM;
		goto cleanup;
	}
	for (i = n; i-- > 0;) {
		for (j = m; j-- > 0;) {
			uint32_t down = table[(i + 1) * width + j];
			uint32_t right = table[i * width + j + 1];

			if (line_key_equal(&ka[pre + i], &kb[pre + j]))
				table[i * width + j] = table[(i + 1) * width + j + 1] + 1;
			else
				table[i * width + j] = down >= right ? down : right;
		}
	}
	/* Walk the table; every common line closes the hunk of changes before it. */
	i = j = hunk_i = hunk_j = 0;
	while (i < n && j < m) {
		if (line_key_equal(&ka[pre + i], &kb[pre + j])) {
			if ((rc = add_hunk(e, cap, a, pre + hunk_i, pre + i, b, pre + hunk_j,
					   pre + j)) < 0)
				goto cleanup;
			hunk_i = ++i;
			hunk_j = ++j;
		} else if (table[(i + 1) * width + j] >= table[i * width + j + 1]) {
			i++;
		} else {
			j++;
		}
	}
	rc = add_hunk(e, cap, a, pre + hunk_i, pre + n, b, pre + hunk_j, pre + m);

cleanup:
	sx_free(table);
	sx_free(kb);
	sx_free(ka);
	return rc;
}

/* Starts the next entry of d for m with room for cap lines; d->count counts it at once. */
static int entry_start(struct listdiff_entry **out, struct listdiff *d, enum listdiff_kind kind,
		       const struct matter *m, size_t cap)
{
	struct listdiff_entry *e = &d->entries[d->count];
	size_t len;

	memset(e, 0, sizeof(*e));
	e->kind = kind;
	len = strnlen(m->code, sizeof(e->code) - 1);
	memcpy(e->code, m->code, len);
	len = strnlen(m->name, sizeof(e->name) - 1);
	memcpy(e->name, m->name, len);
	if (cap > 0) {
		e->lines = sx_calloc(cap, sizeof(*e->lines));
		if (e->lines == NULL)
			return SX_ENOMEM;
	}
	d->count++;
	*out = e;
	return 0;
}

static void entry_free(struct listdiff_entry *e)
{
	size_t i;

	for (i = 0; i < e->line_count; i++)
		sx_free(e->lines[i].text);
	sx_free(e->lines);
	memset(e, 0, sizeof(*e));
}

/* An entry listing every line of m with op: a matter added or removed. */
static int diff_whole(struct listdiff *d, enum listdiff_kind kind, const struct matter *m, char op)
{
	struct listdiff_entry *e;
	char **lines = NULL;
	size_t count = 0, i;
	int rc;

	if ((rc = matter_lines(&lines, &count, m)) < 0)
		goto cleanup;
	if ((rc = entry_start(&e, d, kind, m, count)) < 0)
		goto cleanup;
	for (i = 0; i < count; i++) {
		if ((rc = add_line(e, count, op, lines[i])) < 0)
			goto cleanup;
	}
	if (kind == LISTDIFF_ADDED)
		d->added++;
	else
		d->removed++;

cleanup:
	matter_lines_free(lines, count);
	return rc;
}

static int diff_pair(struct listdiff *d, const struct matter *old_m, const struct matter *new_m)
{
	struct listdiff_entry *e;
	char **a = NULL, **b = NULL;
	size_t na = 0, nb = 0;
	int rc;

	if ((rc = matter_lines(&a, &na, old_m)) < 0 || (rc = matter_lines(&b, &nb, new_m)) < 0)
		goto cleanup;
	if (lines_are_same(a, na, b, nb))
		goto cleanup;
	if ((rc = entry_start(&e, d, LISTDIFF_CHANGED, new_m, na + nb)) < 0 ||
	    (rc = diff_lines(e, na + nb, a, na, b, nb)) < 0)
		goto cleanup;
	if (e->line_count == 0) {
		/* Only ordinals differ: nothing a reader would call a change. */
		entry_free(e);
		d->count--;
	} else {
		d->changed++;
	}

cleanup:
	matter_lines_free(b, nb);
	matter_lines_free(a, na);
	return rc;
}

static int matter_ptr_cmp(const void *x, const void *y)
{
	const struct matter *a = *(const struct matter *const *)x;
	const struct matter *b = *(const struct matter *const *)y;

	return strcmp(a->code, b->code);
}

static int code_ptr_cmp(const void *key, const void *elem)
{
	const struct matter *m = *(const struct matter *const *)elem;

	return strcmp(key, m->code);
}

/* *out = pointers to items sorted by code; SX_EINVALID if a code is unterminated or repeated. */
static int sort_by_code(const struct matter ***out, const struct matter *items, size_t count)
{
	const struct matter **sorted;
	size_t i;

	*out = NULL;
	if (count == 0)
		return 0;
	for (i = 0; i < count; i++) {
		if (memchr(items[i].code, '\0', sizeof(items[i].code)) == NULL)
			return SX_EINVALID;
	}
	sorted = sx_reallocarray(NULL, count, sizeof(*sorted));
	if (sorted == NULL)
		return SX_ENOMEM;
	for (i = 0; i < count; i++)
		sorted[i] = &items[i];
	qsort(sorted, count, sizeof(*sorted), matter_ptr_cmp);
	for (i = 1; i < count; i++) {
		if (strcmp(sorted[i - 1]->code, sorted[i]->code) == 0) {
			sx_free(sorted);
			return SX_EINVALID;
		}
	}
	*out = sorted;
	return 0;
}

int listdiff_compute(struct listdiff *out, const struct matter *old_items, size_t old_count,
		     const struct matter *new_items, size_t new_count)
{
	const struct matter **old_sorted = NULL, **new_sorted = NULL;
	bool *matched = NULL;
	size_t i;
	int rc = 0;

	if (out == NULL)
		return SX_EINVALID;
	memset(out, 0, sizeof(*out));
	if ((old_items == NULL && old_count > 0) || (new_items == NULL && new_count > 0) ||
	    old_count > SIZE_MAX / 2 || new_count > SIZE_MAX / 2)
		return SX_EINVALID;
	if ((rc = sort_by_code(&old_sorted, old_items, old_count)) < 0 ||
	    (rc = sort_by_code(&new_sorted, new_items, new_count)) < 0)
		goto cleanup;
	if (old_count + new_count == 0)
		goto cleanup;
	out->entries = sx_calloc(old_count + new_count, sizeof(*out->entries));
	matched = sx_calloc(old_count ? old_count : 1, sizeof(*matched));
	if (out->entries == NULL || matched == NULL) {
		rc = SX_ENOMEM;
		goto cleanup;
	}

	for (i = 0; i < new_count; i++) {
		const struct matter *new_m = &new_items[i];
		const struct matter *const *found = NULL;

		if (old_count > 0)
			found = bsearch(new_m->code, old_sorted, old_count, sizeof(*old_sorted),
					code_ptr_cmp);
		if (found == NULL) {
			rc = diff_whole(out, LISTDIFF_ADDED, new_m, '+');
		} else {
			matched[*found - old_items] = true;
			rc = diff_pair(out, *found, new_m);
		}
		if (rc < 0)
			goto cleanup;
	}
	for (i = 0; i < old_count; i++) {
		if (!matched[i] && (rc = diff_whole(out, LISTDIFF_REMOVED, &old_items[i], '-')) < 0)
			goto cleanup;
	}
	if (out->count == 0) {
		sx_free(out->entries);
		out->entries = NULL;
	}

cleanup:
	sx_free(matched);
	sx_free(new_sorted);
	sx_free(old_sorted);
	if (rc < 0)
		listdiff_free(out);
	return rc;
}

void listdiff_free(struct listdiff *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->count; i++)
		entry_free(&d->entries[i]);
	sx_free(d->entries);
	memset(d, 0, sizeof(*d));
}
