/*
 * service/case_stats — see case_stats.h. Five passes over one read
 * transaction, each streamed: stage counts, overdue cases, stays per stage
 * (from case_transition), the recording audit (the agency's matters first,
 * then every stage left or occupied), and late records.
 */
#include "service/case_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "domain/account.h"
#include "domain/matter.h"
#include "domain/recording.h"
#include "service/case_internal.h"

#define STATS_US_PER_SECOND 1000000

/* ---- who may see which agency ---- */

static int stats__agency(struct store_agency *out, struct store_tx *tx,
			 const struct service_actor *actor, const char *agency_id,
			 struct sx_error *err)
{
	struct account_actor view = {actor->role, actor->agency_id, actor->region_code};
	const char *id = agency_id && *agency_id ? agency_id : actor->agency_id;
	bool allowed = false;
	int rc;

	if (actor->role == ACCOUNT_ROLE_OFFICER)
		return cases__forbidden(err, "执法人员不能查看机关的案件统计");
	if (!*id)
		return sx_error_set(err, SX_EINVALID, "agency_required", "请指定要统计的执法机关");
	if (strlen(id) >= STORE_ID_SIZE)
		return sx_error_set(err, SX_ENOTFOUND, "agency_not_found", "执法机关不存在");
	rc = store_agency_get(out, tx, id, err);
	if (rc == SX_ENOTFOUND)
		return sx_error_set(err, SX_ENOTFOUND, "agency_not_found", "执法机关不存在");
	if (rc < 0)
		return rc;
	switch (actor->role) {
	case ACCOUNT_ROLE_ADMIN:
		allowed = true;
		break;
	case ACCOUNT_ROLE_SUPERVISOR:
		allowed = account_scope_covers(ACCOUNT_SCOPE_REGION, &view, out->id,
					       out->region_code);
		break;
	case ACCOUNT_ROLE_UNIT_HEAD:
	case ACCOUNT_ROLE_REVIEWER:
	case ACCOUNT_ROLE_AGENCY_HEAD:
		allowed = cases__same_agency(actor, out->id);
		break;
	default:
		break;
	}
	if (!allowed)
		return cases__forbidden(err, "您无权查看该机关的案件统计");
	return 0;
}

/* ---- stages now ---- */

static int stats__stage_count(const char *stage, int64_t count, void *ctx)
{
	struct service_case_stats *out = ctx;
	enum casefile_stage st;

	out->total += count;
	if (casefile_stage_from_code(&st, stage) < 0)
		return 0; /* a stage this binary does not know: in the total only */
	out->stages[st - 1].count += count;
	if (casefile_stage_is_open(st))
		out->open_count += count;
	return 0;
}

static int stats__overdue(struct service_case_stats *out, struct store_tx *tx,
			  struct sx_error *err)
{
	struct store_case_filter f;
	struct store_case *items = NULL;
	size_t count = 0, i;
	int rc;

	memset(&f, 0, sizeof(f));
	f.agency_id = out->agency_id;
	f.overdue_on = out->today;
	f.limit = SERVICE_CASE_STATS_LIST_MAX;
	if ((rc = store_case_list_count(&out->overdue_count, tx, &f, err)) < 0 ||
	    (rc = store_case_list(&items, &count, tx, &f, err)) < 0)
		return rc;
	for (i = 0; i < count && out->overdue_listed < SERVICE_CASE_STATS_LIST_MAX; i++) {
		struct service_case_stats_overdue *o = &out->overdue[out->overdue_listed++];
		int left = 0;

		snprintf(o->case_id, sizeof(o->case_id), "%s", items[i].id);
		snprintf(o->case_no, sizeof(o->case_no), "%s", items[i].case_no);
		snprintf(o->stage, sizeof(o->stage), "%s", items[i].stage);
		snprintf(o->due_on, sizeof(o->due_on), "%s", items[i].due_on);
		if (casefile_days_left(&left, items[i].due_on, out->today) == 0)
			o->days_overdue = -(int64_t)left;
	}
	sx_free(items);
	return 0;
}

/* ---- stays per stage ---- */

struct stats__walk {
	struct service_case_stats *out;
	char case_id[STORE_ID_SIZE];  /* the case of the previous transition; "" = none */
	int64_t entered_us;           /* when that transition entered its stage */
	int64_t sum_seconds[CASEFILE_STAGE_COUNT];
};

/* Transitions come by case, then seq: a transition out of a stage ends the stay that the
 * previous transition of the same case began. */
static int stats__transition(const struct store_case_transition *t, void *ctx)
{
	struct stats__walk *w = ctx;
	enum casefile_stage st;
	int64_t at_us, seconds;

	if (sx_time_parse_utc(&at_us, t->at, strlen(t->at)) < 0) {
		w->case_id[0] = '\0'; /* a broken time: no stay measured from or to it */
		return 0;
	}
	if (w->case_id[0] && strcmp(w->case_id, t->case_id) == 0 && t->from_stage[0] &&
	    casefile_stage_from_code(&st, t->from_stage) == 0) {
		/* A clock set back between two moves gives no negative stay. */
		seconds = at_us > w->entered_us ? (at_us - w->entered_us) / STATS_US_PER_SECOND : 0;
		w->sum_seconds[st - 1] += seconds;
		w->out->stages[st - 1].stays++;
	}
	snprintf(w->case_id, sizeof(w->case_id), "%s", t->case_id);
	w->entered_us = at_us;
	return 0;
}

/* ---- the recording audit ---- */

struct stats__req {
	char stage[STORE_STAGE_SIZE];
	char av_name[STORE_NAME_SIZE];
	bool full_process;
};

/* The audio/video requirements of one matter of one list version, for one kind of case. */
struct stats__matter {
	int64_t list_version;
	char code[STORE_CODE_SIZE];
	char kind[STORE_ROLE_SIZE];
	struct stats__req reqs[MATTER_MAX_AV_STAGES];
	size_t req_count;
};

struct stats__matters {
	struct stats__matter *items; /* sorted by (list_version, code, kind); owned */
	size_t count, cap;
};

static int stats__matter_cmp(const void *a, const void *b)
{
	const struct stats__matter *x = a, *y = b;
	int c;

	if (x->list_version != y->list_version)
		return x->list_version < y->list_version ? -1 : 1;
	if ((c = strcmp(x->code, y->code)) != 0)
		return c;
	return strcmp(x->kind, y->kind);
}

struct stats__collect {
	struct stats__matters *m;
	struct sx_error *err;
};

static int stats__collect_matter(int64_t list_version, const char *code, const char *kind,
				 void *ctx)
{
	struct stats__collect *c = ctx;
	struct stats__matters *m = c->m;
	struct stats__matter *x;

	if (m->count == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		struct stats__matter *items = sx_reallocarray(m->items, cap, sizeof(*items));

		if (!items)
			return sx_error_set(c->err, SX_ENOMEM, NULL, NULL);
		m->items = items;
		m->cap = cap;
	}
	x = &m->items[m->count++];
	memset(x, 0, sizeof(*x));
	x->list_version = list_version;
	snprintf(x->code, sizeof(x->code), "%s", code);
	snprintf(x->kind, sizeof(x->kind), "%s", kind);
	return 0;
}

/* Fills the requirements of x from its matter, mapped to stages of its kind of case, as
 * service/cases does for the gate. */
static int stats__load_requirements(struct stats__matter *x, struct store_tx *tx,
				    const char *agency_id, struct sx_error *err)
{
	struct store_case c;
	struct matter m;
	enum casefile_kind kind;
	size_t i;
	int rc;

	memset(&c, 0, sizeof(c));
	memset(&m, 0, sizeof(m));
	if (casefile_kind_from_code(&kind, x->kind) < 0)
		return 0; /* a kind this binary does not know has no stages to check */
	snprintf(c.agency_id, sizeof(c.agency_id), "%s", agency_id);
	snprintf(c.matter_code, sizeof(c.matter_code), "%s", x->code);
	c.list_version = x->list_version;
	/* A failed parse may leave some of m's arrays behind: matter_clear on every path. */
	if ((rc = cases__matter_of(&m, tx, &c, err)) < 0) {
		matter_clear(&m);
		return rc;
	}
	if (m.av_requirement != MATTER_AV_NONE) {
		for (i = 0; i < m.av_stage_count && x->req_count < MATTER_MAX_AV_STAGES; i++) {
			struct stats__req *r = &x->reqs[x->req_count];
			enum casefile_stage st;

			if (casefile_stage_for_av_name(&st, kind, m.av_stages[i].stage) < 0)
				continue; /* a stage this kind of case does not have */
			snprintf(r->stage, sizeof(r->stage), "%s", casefile_stage_code(st));
			snprintf(r->av_name, sizeof(r->av_name), "%s", m.av_stages[i].stage);
			r->full_process = m.av_requirement == MATTER_AV_FULL_PROCESS ||
					  m.av_stages[i].full_process;
			x->req_count++;
		}
	}
	matter_clear(&m);
	return 0;
}

static int stats__load_matters(struct stats__matters *m, struct store_tx *tx,
			       const char *agency_id, struct sx_error *err)
{
	struct stats__collect c = {m, err};
	size_t i;
	int rc;

	if ((rc = store_case_matters_each(tx, agency_id, stats__collect_matter, &c, err)) < 0)
		return rc;
	for (i = 0; i < m->count; i++)
		if ((rc = stats__load_requirements(&m->items[i], tx, agency_id, err)) < 0)
			return rc;
	/* The store's order is the comparator's for ASCII codes; sort anyway so that bsearch
	 * does not depend on a database collation. */
	if (m->count > 1)
		qsort(m->items, m->count, sizeof(*m->items), stats__matter_cmp);
	return 0;
}

struct stats__audit {
	struct service_case_stats *out;
	const struct stats__matters *matters;
	char last_missing_case[STORE_ID_SIZE];
	struct sx_error *err;
};

static void stats__list(struct service_case_stats_recording *list, size_t *listed,
			const struct store_case_stage_fact *f, const struct stats__req *r)
{
	struct service_case_stats_recording *x;

	if (*listed >= SERVICE_CASE_STATS_LIST_MAX)
		return;
	x = &list[(*listed)++];
	snprintf(x->case_id, sizeof(x->case_id), "%s", f->case_id);
	snprintf(x->case_no, sizeof(x->case_no), "%s", f->case_no);
	snprintf(x->stage, sizeof(x->stage), "%s", f->stage);
	snprintf(x->av_name, sizeof(x->av_name), "%s", r->av_name);
	x->full_process = r->full_process;
}

static int stats__stage_fact(const struct store_case_stage_fact *f, void *ctx)
{
	struct stats__audit *a = ctx;
	struct stats__matter key;
	const struct stats__matter *m;
	struct recording_requirement reqs[MATTER_MAX_AV_STAGES];
	struct recording_evidence ev[2];
	struct recording_exemption ex = {f->stage, f->exemption_reason};
	const struct recording_requirement *missing = NULL;
	struct sx_error why;
	size_t i, nev = 0;
	int rc;

	memset(&key, 0, sizeof(key));
	key.list_version = f->list_version;
	snprintf(key.code, sizeof(key.code), "%s", f->matter_code);
	snprintf(key.kind, sizeof(key.kind), "%s", f->kind);
	m = bsearch(&key, a->matters->items, a->matters->count, sizeof(key), stats__matter_cmp);
	if (!m || m->req_count == 0 || !f->stage[0])
		return 0;
	for (i = 0; i < m->req_count; i++) {
		reqs[i].stage = m->reqs[i].stage;
		reqs[i].av_name = m->reqs[i].av_name;
		reqs[i].full_process = m->reqs[i].full_process;
	}
	if (f->has_video)
		ev[nev++] = (struct recording_evidence){f->stage, RECORDING_VIDEO};
	if (f->has_audio)
		ev[nev++] = (struct recording_evidence){f->stage, RECORDING_AUDIO};
	sx_error_clear(&why);
	rc = recording_gate_check(&missing, f->stage, reqs, m->req_count, ev, nev, &ex,
				  f->exemption_reason[0] ? 1 : 0, &why);
	if (rc == 0)
		return 0;
	if (rc != SX_ECONFLICT || !missing)
		return sx_error_set(a->err, rc, why.code[0] ? why.code : NULL,
				    why.message[0] ? why.message : NULL);
	/* missing points into reqs, which mirrors m->reqs index for index. */
	i = (size_t)(missing - reqs);
	if (f->left) {
		a->out->missing_recording_stages++;
		if (strcmp(a->last_missing_case, f->case_id) != 0) {
			a->out->missing_recording_cases++;
			snprintf(a->last_missing_case, sizeof(a->last_missing_case), "%s",
				 f->case_id);
		}
		stats__list(a->out->missing, &a->out->missing_listed, f, &m->reqs[i]);
	} else if (f->current) {
		a->out->pending_recording_count++;
		stats__list(a->out->pending, &a->out->pending_listed, f, &m->reqs[i]);
	}
	return 0;
}

/* ---- late records ---- */

struct stats__late {
	struct service_case_stats *out;
};

static int stats__record(const struct store_case_record *r, const char *case_no, void *ctx)
{
	struct stats__late *l = ctx;
	struct service_case_stats_late_record *x;
	int64_t created_us, days;
	int y, m, d, my, mm, md;

	if (sx_time_parse_utc(&created_us, r->created_at, strlen(r->created_at)) < 0 ||
	    sx_date_parse(&my, &mm, &md, r->made_on, strlen(r->made_on)) < 0)
		return 0; /* nothing to compare */
	sx_time_shanghai_date(&y, &m, &d, created_us);
	days = sx_date_to_days(y, m, d) - sx_date_to_days(my, mm, md);
	if (days <= SERVICE_CASE_STATS_LATE_GRACE_DAYS)
		return 0;
	l->out->late_record_count++;
	if (l->out->late_listed >= SERVICE_CASE_STATS_LIST_MAX)
		return 0;
	x = &l->out->late[l->out->late_listed++];
	snprintf(x->record_id, sizeof(x->record_id), "%s", r->id);
	snprintf(x->case_id, sizeof(x->case_id), "%s", r->case_id);
	snprintf(x->case_no, sizeof(x->case_no), "%s", case_no);
	snprintf(x->title, sizeof(x->title), "%s", r->title);
	snprintf(x->made_on, sizeof(x->made_on), "%s", r->made_on);
	sx_date_format(x->entered_on, y, m, d);
	x->days_late = days;
	return 0;
}

/* ---- the whole ---- */

int service_case_stats(struct service_case_stats *out, const struct service *svc,
		       const struct service_actor *actor, const char *agency_id,
		       struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_agency agency;
	struct stats__walk walk;
	struct stats__matters matters = {NULL, 0, 0};
	struct stats__audit audit;
	struct stats__late late;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!svc || !actor)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	if ((rc = stats__agency(&agency, tx, actor, agency_id, err)) < 0)
		goto done;
	snprintf(out->agency_id, sizeof(out->agency_id), "%s", agency.id);
	snprintf(out->agency_name, sizeof(out->agency_name), "%s", agency.name);
	cases__today(out->today);
	for (i = 0; i < CASEFILE_STAGE_COUNT; i++) {
		enum casefile_stage st = (enum casefile_stage)(i + 1);

		snprintf(out->stages[i].stage, sizeof(out->stages[i].stage), "%s",
			 casefile_stage_code(st));
		snprintf(out->stages[i].label, sizeof(out->stages[i].label), "%s",
			 casefile_stage_label(st));
	}
	if ((rc = store_case_stage_counts(tx, out->agency_id, stats__stage_count, out, err)) < 0 ||
	    (rc = stats__overdue(out, tx, err)) < 0)
		goto done;

	memset(&walk, 0, sizeof(walk));
	walk.out = out;
	if ((rc = store_case_transitions_each(tx, out->agency_id, stats__transition, &walk,
					      err)) < 0)
		goto done;
	for (i = 0; i < CASEFILE_STAGE_COUNT; i++)
		if (out->stages[i].stays > 0)
			out->stages[i].mean_seconds = walk.sum_seconds[i] / out->stages[i].stays;

	if ((rc = stats__load_matters(&matters, tx, out->agency_id, err)) < 0)
		goto done;
	memset(&audit, 0, sizeof(audit));
	audit.out = out;
	audit.matters = &matters;
	audit.err = err;
	if ((rc = store_case_stage_facts_each(tx, out->agency_id, stats__stage_fact, &audit,
					      err)) < 0)
		goto done;

	late.out = out;
	rc = store_case_records_each(tx, out->agency_id, stats__record, &late, err);
done:
	store_rollback(tx);
	sx_free(matters.items);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return rc < 0 ? rc : 0;
}
