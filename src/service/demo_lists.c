/* service/demo_lists — see demo_lists.h. */
#include "service/demo_lists.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/embedded.h"
#include "base/id.h"
#include "base/mem.h"
#include "base/time.h"
#include "service/lists.h"
#include "service/matter_json.h"

#define DEMO_LISTS_ASSET "demo/lists.json"

static int demo__bad(struct sx_error *err, const char *what, const char *where)
{
	return sx_error_setf(err, SX_EINTERNAL, "demo_data", "演示数据有误", "%s: %s (%s)",
			     DEMO_LISTS_ASSET, what, where ? where : "");
}

/* The id a name in the file stands for ("cli" or a demo username). */
static const char *demo__person(const struct service_demo_people *people, const char *name)
{
	if (name == NULL)
		return NULL;
	if (strcmp(name, "cli") == 0)
		return people->cli_actor_id;
	for (size_t i = 0; i < people->user_count; i++)
		if (strcmp(people->users[i].username, name) == 0)
			return people->users[i].id;
	return NULL;
}

static const struct store_agency *demo__agency(const struct service_demo_people *people,
					       const char *name)
{
	for (size_t i = 0; name && i < people->agency_count; i++)
		if (strcmp(people->agencies[i].name, name) == 0)
			return &people->agencies[i];
	return NULL;
}

/* The working list of one agency while versions are applied. */
struct demo_list {
	struct matter *items;
	size_t count;
	size_t cap;
};

static void demo__list_clear(struct demo_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		matter_clear(&l->items[i]);
	sx_free(l->items);
	memset(l, 0, sizeof(*l));
}

static long demo__find(const struct demo_list *l, const char *code)
{
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->items[i].code, code) == 0)
			return (long)i;
	return -1;
}

/* Applies one version's add / replace / remove to l. */
static int demo__apply(struct demo_list *l, const json_t *version, struct sx_error *err)
{
	const json_t *add = json_object_get(version, "add");
	const json_t *replace = json_object_get(version, "replace");
	const json_t *remove = json_object_get(version, "remove");
	const json_t *e;
	size_t i;
	int rc;

	json_array_foreach(remove, i, e) {
		long at = json_is_string(e) ? demo__find(l, json_string_value(e)) : -1;

		if (at < 0)
			return demo__bad(err, "remove of an unknown code", json_string_value(e));
		matter_clear(&l->items[at]);
		memmove(&l->items[at], &l->items[at + 1],
			(l->count - (size_t)at - 1) * sizeof(*l->items));
		l->count--;
	}
	json_array_foreach(replace, i, e) {
		struct matter m;
		long at;

		if ((rc = matter_json_read(&m, e, err)) < 0) {
			matter_clear(&m);
			return rc;
		}
		if ((at = demo__find(l, m.code)) < 0) {
			matter_clear(&m);
			return demo__bad(err, "replace of an unknown code", m.code);
		}
		matter_clear(&l->items[at]);
		l->items[at] = m;
	}
	json_array_foreach(add, i, e) {
		struct matter m;

		if (l->count == l->cap) {
			size_t cap = l->cap ? 2 * l->cap : 16;
			struct matter *grown = sx_reallocarray(l->items, cap, sizeof(*grown));

			if (grown == NULL)
				return sx_error_set(err, SX_ENOMEM, NULL, NULL);
			l->items = grown;
			l->cap = cap;
		}
		if ((rc = matter_json_read(&m, e, err)) < 0) {
			matter_clear(&m);
			return rc;
		}
		l->items[l->count++] = m;
	}
	return 0;
}

/* The first day of next month in Asia/Shanghai. */
static void demo__next_month(char out[11])
{
	int y, m, d;

	sx_time_shanghai_date(&y, &m, &d, sx_time_now_us());
	if (++m > 12) {
		m = 1;
		y++;
	}
	sx_date_format(out, y, m, 1);
}

static const char *demo__text(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

static int demo__version(const struct service *svc, struct store_tx *tx,
			 const struct service_demo_people *people,
			 const struct store_agency *agency, struct demo_list *l,
			 const json_t *version, struct sx_error *err)
{
	struct store_list_version v;
	const char *status = demo__text(version, "status");
	const char *effective = demo__text(version, "effective_from");
	const char *by = demo__person(people, demo__text(version, "submitted_by"));
	int rc;

	if ((rc = demo__apply(l, version, err)) < 0)
		return rc;
	memset(&v, 0, sizeof(v));
	if ((rc = sx_id_new(v.id)) < 0)
		return sx_error_set(err, rc, NULL, NULL);
	snprintf(v.agency_id, sizeof(v.agency_id), "%s", agency->id);
	v.version = json_integer_value(json_object_get(version, "version"));
	snprintf(v.status, sizeof(v.status), "%s", status);
	if (strcmp(effective, "next_month") == 0)
		demo__next_month(v.effective_from);
	else
		snprintf(v.effective_from, sizeof(v.effective_from), "%s", effective);
	snprintf(v.summary, sizeof(v.summary), "%s", demo__text(version, "summary"));
	if (by == NULL)
		return demo__bad(err, "unknown submitted_by", demo__text(version, "submitted_by"));
	snprintf(v.created_by, sizeof(v.created_by), "%s", by);
	/* Demo history: submitted and decided the day before it took effect. */
	snprintf(v.created_at, sizeof(v.created_at), "%sT01:00:00.000000Z", v.effective_from);
	if (strcmp(status, "pending") != 0) {
		const char *decider = demo__person(people, demo__text(version, "decided_by"));

		if (decider == NULL)
			return demo__bad(err, "unknown decided_by",
					 demo__text(version, "decided_by"));
		snprintf(v.decided_by, sizeof(v.decided_by), "%s", decider);
		snprintf(v.decided_at, sizeof(v.decided_at), "%sT02:00:00.000000Z",
			 v.effective_from);
		snprintf(v.decision_note, sizeof(v.decision_note), "%s",
			 demo__text(version, "decision_note"));
	} else {
		sx_time_format_utc(v.created_at, sx_time_now_us());
	}
	return service_list__insert_decided(svc, tx, &v, l->items, l->count, err);
}

int service_demo__lists(const struct service *svc, struct store_tx *tx,
			const struct service_demo_people *people, struct sx_error *err)
{
	const struct embedded_asset *asset = embedded_asset_find(DEMO_LISTS_ASSET);
	json_error_t jerr;
	json_t *root = NULL;
	const json_t *agency_entry;
	size_t i;
	int rc = 0;

	if (asset == NULL)
		return demo__bad(err, "not embedded", NULL);
	root = json_loadb(asset->data, asset->size_bytes, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return demo__bad(err, "not JSON", jerr.text);
	json_array_foreach(json_object_get(root, "agencies"), i, agency_entry) {
		const struct store_agency *agency =
			demo__agency(people, demo__text(agency_entry, "agency"));
		struct demo_list list = {0};
		const json_t *version;
		size_t k;

		if (agency == NULL) {
			rc = demo__bad(err, "unknown agency", demo__text(agency_entry, "agency"));
			break;
		}
		json_array_foreach(json_object_get(agency_entry, "versions"), k, version) {
			if ((rc = demo__version(svc, tx, people, agency, &list, version, err)) < 0)
				break;
		}
		demo__list_clear(&list);
		if (rc < 0)
			break;
	}
	json_decref(root);
	return rc;
}
