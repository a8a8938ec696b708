/*
 * service/evidence — see evidence.h.
 */
#include "service/evidence.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "blob/blob.h"
#include "base/time.h"
#include "crypto/random.h"
#include "domain/recording.h"
#include "report/pdf.h"
#include "service/case_internal.h"
#include "service/ledger.h"
#include "service/text.h"

/* ---- uploads ---- */

static int evidence__unavailable(struct sx_error *err)
{
	return sx_error_set(err, SX_EINTERNAL, "evidence_unavailable", "服务器未配置证据存储");
}

/* A coordinate as decimal text: [-]digits[.digits], parsed into *out. */
static int evidence__coord(double *out, char dst[STORE_COORD_SIZE], const char *text,
			   struct sx_error *err)
{
	size_t i = 0, len = text ? strlen(text) : 0, digits = 0, dots = 0;
	char *end = NULL;

	dst[0] = '\0';
	if (len == 0)
		return 0;
	if (len >= STORE_COORD_SIZE)
		goto bad;
	if (text[0] == '-')
		i++;
	for (; i < len; i++) {
		if (text[i] == '.' && ++dots <= 1)
			continue;
		if (text[i] < '0' || text[i] > '9')
			goto bad;
		digits++;
	}
	if (digits == 0)
		goto bad;
	errno = 0;
	*out = strtod(text, &end);
	if (errno != 0 || !end || *end != '\0')
		goto bad;
	memcpy(dst, text, len + 1);
	return 1;
bad:
	return sx_error_set(err, SX_EINVALID, "bad_coordinates", "经纬度应为十进制度数，例如 31.2304");
}

/* Whether the case has been in `stage` (its opening row or a move into it). */
static int evidence__stage_seen(bool *out, struct store_tx *tx, const char *case_id,
				const char *stage, struct sx_error *err)
{
	struct store_case_transition *t = NULL;
	size_t n = 0, i;
	int rc;

	*out = false;
	if ((rc = store_case_transitions(&t, &n, tx, case_id, err)) < 0)
		return rc;
	for (i = 0; i < n; i++)
		if (strcmp(t[i].to_stage, stage) == 0)
			*out = true;
	sx_free(t);
	return 0;
}

static int evidence__digits(const char *s, size_t n, int *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*out = *out * 10 + (s[i] - '0');
	}
	return 0;
}

/*
 * A capture time as phones send it — RFC 3339: "YYYY-MM-DDTHH:MM:SS", an
 * optional fraction of 1–9 digits, then "Z" or an offset "+08:00" — into the
 * stored UTC form (sx_time_format_utc). "" stays "". SX_EINVALID
 * "bad_capture_time" naming the field otherwise.
 */
static int evidence__time(char out[STORE_TIME_SIZE], const char *text, const char *label,
			  struct sx_error *err)
{
	char msg[SX_ERROR_MESSAGE_MAX];
	size_t len = text ? strlen(text) : 0, i = 19, frac_digits = 0;
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	int64_t us = 0, frac = 0;

	out[0] = '\0';
	if (len == 0)
		return 0;
	if (len < 20 || sx_date_parse(&y, &mo, &d, text, 10) < 0 ||
	    (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' ||
	    text[16] != ':' || evidence__digits(text + 11, 2, &h) < 0 ||
	    evidence__digits(text + 14, 2, &mi) < 0 || evidence__digits(text + 17, 2, &sec) < 0 ||
	    h > 23 || mi > 59 || sec > 59)
		goto bad;
	if (text[i] == '.') {
		for (i++; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
			if (++frac_digits > 9)
				goto bad;
			if (frac_digits <= 6)
				frac = frac * 10 + (text[i] - '0');
		}
		if (frac_digits == 0)
			goto bad;
		for (size_t k = frac_digits; k < 6; k++)
			frac *= 10;
	}
	if (i + 1 == len && (text[i] == 'Z' || text[i] == 'z')) {
		sign = 0;
	} else if (i + 6 == len && (text[i] == '+' || text[i] == '-') && text[i + 3] == ':' &&
		   evidence__digits(text + i + 1, 2, &oh) == 0 &&
		   evidence__digits(text + i + 4, 2, &om) == 0 && oh <= 23 && om <= 59) {
		sign = text[i] == '+' ? 1 : -1;
	} else {
		goto bad;
	}
	us = ((sx_date_to_days(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + sec) -
	      (int64_t)sign * ((int64_t)oh * 3600 + (int64_t)om * 60)) *
		     1000000 +
	     frac;
	sx_time_format_utc(out, us);
	return 0;
bad:
	snprintf(msg, sizeof(msg), "%s应为 RFC 3339 时间，例如 2026-03-01T09:02:03+08:00 或 "
		 "2026-03-01T01:02:03Z", label);
	return sx_error_set(err, SX_EINVALID, "bad_capture_time", msg);
}

static int evidence__meta(struct store_evidence_meta *m, const struct service_upload_input *in,
			  uint64_t max_bytes, struct sx_error *err)
{
	struct recording_capture cap;
	enum recording_kind kind;
	double lat = 0, lon = 0;
	int has_lat, has_lon, rc;
	char msg[SX_ERROR_MESSAGE_MAX];

	memset(&cap, 0, sizeof(cap));
	if ((rc = recording_kind_from_code(&kind, in->kind ? in->kind : "", err)) < 0)
		return rc;
	snprintf(m->kind, sizeof(m->kind), "%s", recording_kind_code(kind));
	if (in->size_bytes < 1)
		return sx_error_set(err, SX_EINVALID, "bad_size", "文件大小应为正整数（字节）");
	if ((uint64_t)in->size_bytes > max_bytes) {
		snprintf(msg, sizeof(msg), "文件过大：单个证据文件不能超过 %.1f GiB",
			 (double)max_bytes / (1024.0 * 1024.0 * 1024.0));
		return sx_error_set(err, SX_ETOOBIG, "upload_too_big", msg);
	}
	m->size_bytes = in->size_bytes;
	if ((rc = service_text_copy(m->content_type, sizeof(m->content_type),
				    in->content_type && *in->content_type ? in->content_type
									  : "application/octet-stream",
				    "文件类型", 127, 0, err)) < 0 ||
	    (rc = service_text_copy(m->file_name, sizeof(m->file_name), in->file_name, "文件名", 120,
				    0, err)) < 0 ||
	    (rc = evidence__time(m->captured_start, in->captured_start, "拍摄开始时间", err)) < 0 ||
	    (rc = evidence__time(m->captured_end, in->captured_end, "拍摄结束时间", err)) < 0 ||
	    (rc = service_text_copy(m->device_id, sizeof(m->device_id), in->device_id, "设备编号",
				    128, 0, err)) < 0 ||
	    (rc = service_text_copy(m->place, sizeof(m->place), in->place, "拍摄地点", 128, 0,
				    err)) < 0 ||
	    (rc = service_text_copy(m->description, sizeof(m->description), in->description, "说明",
				    512, SERVICE_TEXT_MULTILINE, err)) < 0)
		return rc;
	if ((has_lat = evidence__coord(&lat, m->lat, in->lat, err)) < 0 ||
	    (has_lon = evidence__coord(&lon, m->lon, in->lon, err)) < 0)
		return has_lat < 0 ? has_lat : has_lon;
	if (has_lat != has_lon)
		return sx_error_set(err, SX_EINVALID, "bad_coordinates", "经度和纬度须同时填写");
	cap.kind = kind;
	cap.started_at = m->captured_start;
	cap.ended_at = m->captured_end;
	cap.device_id = m->device_id;
	cap.place = m->place;
	cap.has_coords = has_lat == 1;
	cap.lat = lat;
	cap.lon = lon;
	return recording_capture_check(&cap, sx_time_now_us(), err);
}

int service_upload_create(struct service_upload *out, const struct service *svc,
			  const struct service_actor *actor, const char *case_id,
			  const struct service_upload_input *in, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct case_ctx cx;
	struct store_upload u;
	struct store_officer self;
	bool loaded = false, has_self = false, seen;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&u, 0, sizeof(u));
	if (!svc->blobs)
		return evidence__unavailable(err);
	if ((rc = evidence__meta(&u.meta, in, blob_store_max_bytes(svc->blobs), err)) < 0)
		return rc;
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = cases__load(&cx, tx, actor, case_id, err)) < 0)
		goto done;
	loaded = true;
	if (!cases__may_work(actor, &cx)) {
		rc = cases__forbidden(err, NULL);
		goto done;
	}
	if (strcmp(cx.c.stage, "archived") == 0) {
		rc = sx_error_set(err, SX_ECONFLICT, "case_archived", "案件已归档，不能再添加证据");
		goto done;
	}
	if (in->stage && *in->stage) {
		if (strlen(in->stage) >= STORE_STAGE_SIZE)
			seen = false;
		else if ((rc = evidence__stage_seen(&seen, tx, cx.c.id, in->stage, err)) < 0)
			goto done;
		if (!seen) {
			rc = sx_error_set(err, SX_EINVALID, "bad_stage", "案件未经过该环节");
			goto done;
		}
		snprintf(u.meta.stage, sizeof(u.meta.stage), "%s", in->stage);
	} else {
		snprintf(u.meta.stage, sizeof(u.meta.stage), "%s", cx.c.stage);
	}
	if (in->officer_id && *in->officer_id) {
		struct store_officer o;

		rc = strlen(in->officer_id) < STORE_ID_SIZE
			     ? store_officer_get(&o, tx, in->officer_id, err)
			     : SX_ENOTFOUND;
		if (rc == SX_ENOTFOUND || (rc == 0 && strcmp(o.agency_id, cx.c.agency_id) != 0)) {
			rc = sx_error_set(err, SX_ENOTFOUND, "officer_not_found",
					  "执法人员不存在或不属于本机关");
			goto done;
		}
		if (rc < 0)
			goto done;
		snprintf(u.meta.officer_id, sizeof(u.meta.officer_id), "%s", o.id);
	} else {
		if ((rc = cases__actor_officer(&self, &has_self, tx, actor, err)) < 0)
			goto done;
		if (has_self)
			snprintf(u.meta.officer_id, sizeof(u.meta.officer_id), "%s", self.id);
	}
	if ((rc = sx_id_new(u.id)) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto done;
	}
	snprintf(u.meta.case_id, sizeof(u.meta.case_id), "%s", cx.c.id);
	snprintf(u.status, sizeof(u.status), "%s", "open");
	cases__now(u.created_at);
	snprintf(u.created_by, sizeof(u.created_by), "%s", actor->user_id);
	if ((rc = store_upload_insert(tx, &u, err)) < 0)
		goto done;
	/* The part file before the commit: a failed commit leaves an empty part
	 * file no row names (removed with the upload dir), never a row without one. */
	if ((rc = blob_upload_create(svc->blobs, u.id, (uint64_t)u.meta.size_bytes, err)) < 0)
		goto done;
	if ((rc = store_commit(tx, err)) < 0) {
		tx = NULL;
		blob_upload_abort(svc->blobs, u.id, NULL);
		goto done;
	}
	tx = NULL;
	out->u = u;
	snprintf(out->case_no, sizeof(out->case_no), "%s", cx.c.case_no);
done:
	store_rollback(tx);
	if (loaded)
		cases__ctx_clear(&cx);
	return rc;
}

/* Loads the upload and its case for the actor; with `work`, the actor must work on it. */
static int evidence__load_upload(struct store_upload *u, struct case_ctx *cx, struct store_tx *tx,
				 const struct service_actor *actor, const char *upload_id,
				 bool work, struct sx_error *err)
{
	int rc;

	if (!upload_id || strlen(upload_id) >= STORE_ID_SIZE)
		return sx_error_set(err, SX_ENOTFOUND, "upload_not_found", "上传任务不存在");
	rc = store_upload_get(u, tx, upload_id, err);
	if (rc < 0)
		return rc == SX_ENOTFOUND ? sx_error_set(err, SX_ENOTFOUND, "upload_not_found",
							 "上传任务不存在")
					  : rc;
	rc = cases__load(cx, tx, actor, u->meta.case_id, err);
	if (rc == SX_ENOTFOUND)
		return sx_error_set(err, SX_ENOTFOUND, "upload_not_found", "上传任务不存在");
	if (rc < 0)
		return rc;
	if (work && !cases__may_work(actor, cx)) {
		cases__ctx_clear(cx);
		return cases__forbidden(err, NULL);
	}
	return 0;
}

int service_upload_status(struct service_upload *out, const struct service *svc,
			  const struct service_actor *actor, const char *upload_id,
			  struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct case_ctx cx;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!svc->blobs)
		return evidence__unavailable(err);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	if ((rc = evidence__load_upload(&out->u, &cx, tx, actor, upload_id, false, err)) < 0)
		goto done;
	snprintf(out->case_no, sizeof(out->case_no), "%s", cx.c.case_no);
	cases__ctx_clear(&cx);
	if (strcmp(out->u.status, "open") == 0) {
		rc = blob_upload_offset(&out->offset, svc->blobs, out->u.id, err);
	} else {
		out->offset = strcmp(out->u.status, "complete") == 0 ? (uint64_t)out->u.meta.size_bytes
								      : 0;
	}
done:
	store_rollback(tx);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

int service_upload_begin(struct blob_upload **out, uint64_t *current, const struct service *svc,
			 const struct service_actor *actor, const char *upload_id, uint64_t offset,
			 struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_upload u;
	struct case_ctx cx;
	int rc;

	*out = NULL;
	*current = 0;
	if (!svc->blobs)
		return evidence__unavailable(err);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	rc = evidence__load_upload(&u, &cx, tx, actor, upload_id, true, err);
	store_rollback(tx);
	if (rc < 0)
		return rc;
	cases__ctx_clear(&cx);
	if (strcmp(u.status, "open") != 0) {
		if (strcmp(u.status, "complete") == 0)
			*current = (uint64_t)u.meta.size_bytes;
		return sx_error_set(err, SX_ECONFLICT, "upload_finished", "该上传任务已结束");
	}
	return blob_upload_begin(out, current, svc->blobs, u.id, offset,
				 (uint64_t)u.meta.size_bytes, err);
}

int service_upload_complete(struct store_evidence *out, int64_t *ledger_index,
			    const struct service *svc, const struct service_actor *actor,
			    const char *upload_id, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_upload u;
	struct store_evidence e;
	struct case_ctx cx;
	struct blob_info info;
	uint64_t index = 0;
	bool loaded = false;
	char size_text[24];
	int rc;

	memset(&e, 0, sizeof(e));
	if (out)
		memset(out, 0, sizeof(*out));
	if (ledger_index)
		*ledger_index = -1;
	if (!svc->blobs)
		return evidence__unavailable(err);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = evidence__load_upload(&u, &cx, tx, actor, upload_id, true, err)) < 0)
		goto done;
	loaded = true;
	if (strcmp(u.status, "open") != 0) {
		rc = sx_error_set(err, SX_ECONFLICT, "upload_finished", "该上传任务已结束");
		goto done;
	}
	/* Names the file by its content and fsyncs it before anything is acknowledged. */
	if ((rc = blob_upload_finish(&info, svc->blobs, u.id, err)) < 0)
		goto done;
	if ((rc = sx_id_new(e.id)) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto done;
	}
	e.meta = u.meta;
	snprintf(e.sha256, sizeof(e.sha256), "%s", info.sha256);
	snprintf(e.sm3, sizeof(e.sm3), "%s", info.sm3);
	cases__now(e.created_at);
	snprintf(e.created_by, sizeof(e.created_by), "%s", actor->user_id);
	if ((rc = store_evidence_insert(tx, &e, err)) < 0 ||
	    (rc = store_upload_finish(tx, u.id, "complete", e.id, e.created_at, err)) < 0)
		goto done;
	snprintf(size_text, sizeof(size_text), "%lld", (long long)e.meta.size_bytes);
	{
		/* No place, device or description: the ledger holds no personal data,
		 * only what proves the file (hashes, size, when it was captured). */
		const char *fields[] = {"evidence_id", e.id, "case_id", e.meta.case_id,
					"stage", e.meta.stage, "kind", e.meta.kind,
					"sha256", e.sha256, "sm3", e.sm3, "size", size_text,
					"captured_start", e.meta.captured_start,
					"captured_end", e.meta.captured_end, NULL};

		if ((rc = cases__event(&index, svc, tx, actor, "evidence.add", "evidence", e.id,
				       e.meta.case_id, fields, err)) < 0)
			goto done;
	}
	rc = store_commit(tx, err);
	tx = NULL;
	if (rc == 0) {
		if (out)
			*out = e;
		if (ledger_index)
			*ledger_index = (int64_t)index;
	}
done:
	store_rollback(tx);
	if (loaded)
		cases__ctx_clear(&cx);
	return rc;
}

int service_upload_abort(const struct service *svc, const struct service_actor *actor,
			 const char *upload_id, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_upload u;
	struct case_ctx cx;
	char now[STORE_TIME_SIZE];
	int rc;

	if (!svc->blobs)
		return evidence__unavailable(err);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = evidence__load_upload(&u, &cx, tx, actor, upload_id, true, err)) < 0)
		goto done;
	cases__ctx_clear(&cx);
	cases__now(now);
	if ((rc = store_upload_finish(tx, u.id, "aborted", "", now, err)) < 0)
		goto done;
	if ((rc = store_commit(tx, err)) < 0) {
		tx = NULL;
		goto done;
	}
	tx = NULL;
	rc = blob_upload_abort(svc->blobs, u.id, err);
	if (rc == SX_ENOTFOUND) {
		sx_error_clear(err);
		rc = 0;
	}
done:
	store_rollback(tx);
	return rc;
}

int service_evidence_open(int *fd, struct store_evidence *out, const struct service *svc,
			  const struct service_actor *actor, const char *evidence_id,
			  const char *reason, const char *remote_addr, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct case_ctx cx;
	uint64_t size = 0;
	bool loaded = false;
	int rc;

	*fd = -1;
	memset(out, 0, sizeof(*out));
	if (!svc->blobs)
		return evidence__unavailable(err);
	if (!evidence_id || strlen(evidence_id) >= STORE_ID_SIZE)
		return sx_error_set(err, SX_ENOTFOUND, "evidence_not_found", "证据不存在或您无权查看");
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	rc = store_evidence_get(out, tx, evidence_id, err);
	if (rc == 0) {
		rc = cases__load(&cx, tx, actor, out->meta.case_id, err);
		loaded = rc == 0;
	}
	if (rc == SX_ENOTFOUND) {
		rc = sx_error_set(err, SX_ENOTFOUND, "evidence_not_found", "证据不存在或您无权查看");
		goto done;
	}
	if (rc < 0)
		goto done;
	if (out->deleted_at[0]) {
		rc = sx_error_set(err, SX_ECONFLICT, "evidence_deleted",
				  "该证据文件已在保存期满后删除");
		goto done;
	}
	if ((rc = cases__log_access(NULL, svc, tx, actor, &cx, "evidence", out->id, "download",
				    reason, remote_addr, err)) < 0)
		goto done;
	if ((rc = blob_open(fd, &size, svc->blobs, out->sha256, err)) < 0)
		goto done;
	if (size != (uint64_t)out->meta.size_bytes) {
		rc = sx_error_set(err, SX_ECORRUPT, "blob_corrupt", "证据文件与记录不符");
		goto done;
	}
	rc = store_commit(tx, err);
	tx = NULL;
done:
	store_rollback(tx);
	if (loaded)
		cases__ctx_clear(&cx);
	if (rc < 0) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		memset(out, 0, sizeof(*out));
	}
	return rc;
}

/* ---- the 调阅 log ---- */

void service_access_page_clear(struct service_access_page *p)
{
	if (!p)
		return;
	sx_free(p->items);
	memset(p, 0, sizeof(*p));
}

int service_case_accesses(struct service_access_page *out, const struct service *svc,
			  const struct service_actor *actor, const char *case_id, int64_t page,
			  int64_t per_page, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_case_access_filter f;
	struct case_ctx cx;
	char prefix[8];
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&f, 0, sizeof(f));
	out->per_page = per_page < 1 ? 50 : per_page > 200 ? 200 : per_page;
	out->page = page < 1 ? 1 : page > 1000000 ? 1000000 : page;
	f.limit = out->per_page;
	f.offset = (out->page - 1) * out->per_page;
	if (actor->role == ACCOUNT_ROLE_SUPERVISOR) {
		if (account_region_prefix(prefix, sizeof(prefix), actor->region_code) < 0)
			return cases__forbidden(err, NULL);
		f.region_prefix = prefix;
	} else if (actor->role == ACCOUNT_ROLE_AGENCY_HEAD) {
		f.agency_id = actor->agency_id;
	} else if (actor->role != ACCOUNT_ROLE_ADMIN) {
		return cases__forbidden(err, "只有机关负责人、监督人员和系统管理员可以查看调阅记录");
	}
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	if (case_id && *case_id) {
		if ((rc = cases__load(&cx, tx, actor, case_id, err)) < 0)
			goto done;
		cases__ctx_clear(&cx);
		f.case_id = case_id;
	}
	if ((rc = store_case_access_count(&out->total, tx, &f, err)) < 0 ||
	    (rc = store_case_access_list(&out->items, &out->count, tx, &f, err)) < 0)
		goto done;
done:
	store_rollback(tx);
	if (rc < 0)
		service_access_page_clear(out);
	return rc;
}

/* ---- the party ---- */

void service_party_view_clear(struct service_party_view *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->count; i++)
		sx_free(v->docs[i].body_text);
	sx_free(v->docs);
	memset(v, 0, sizeof(*v));
}

static int evidence__party_not_found(struct sx_error *err)
{
	return sx_error_set(err, SX_ENOTFOUND, "party_not_found",
			    "案号或查验码不正确，请核对送达文书上的案号和查验码");
}

/*
 * Finds the case and its served records in tx; the code must be the code of
 * one of them. Logs the party's access (write tx).
 */
static int evidence__party_case(struct store_case *c, struct store_case_record **recs,
				size_t *count, const struct service *svc, struct store_tx *tx,
				const char *case_no, const char *code, const char *object_id,
				const char *remote_addr, struct sx_error *err)
{
	struct store_case_access a;
	char hash[STORE_SHA256_HEX_SIZE], upper[SERVICE_CASE_VERIFY_CODE_SIZE];
	size_t i, n;
	bool match = false;
	int rc;

	*recs = NULL;
	*count = 0;
	n = code ? strlen(code) : 0;
	if (!case_no || strlen(case_no) >= STORE_CASE_NO_SIZE || n != SERVICE_CASE_VERIFY_CODE_SIZE - 1)
		return evidence__party_not_found(err);
	for (i = 0; i < n; i++)
		upper[i] = (code[i] >= 'a' && code[i] <= 'z') ? (char)(code[i] - 'a' + 'A') : code[i];
	upper[n] = '\0';
	if (crypto_hash_hex(hash, CRYPTO_HASH_SHA256, upper, n) < 0)
		return sx_error_set(err, SX_EINTERNAL, NULL, NULL);
	rc = store_case_get_by_no(c, tx, case_no, err);
	if (rc == SX_ENOTFOUND)
		return evidence__party_not_found(err);
	if (rc < 0)
		return rc;
	if ((rc = store_case_records(recs, count, tx, c->id, true, err)) < 0)
		return rc;
	for (i = 0; i < *count; i++)
		if ((*recs)[i].served && crypto_str_equal((*recs)[i].verify_hash, hash))
			match = true;
	if (!match) {
		store_case_records_free(*recs, *count);
		*recs = NULL;
		*count = 0;
		return evidence__party_not_found(err);
	}
	memset(&a, 0, sizeof(a));
	if ((rc = sx_id_new(a.id)) < 0)
		return sx_error_set(err, rc, NULL, NULL);
	snprintf(a.case_id, sizeof(a.case_id), "%s", c->id);
	snprintf(a.agency_id, sizeof(a.agency_id), "%s", c->agency_id);
	snprintf(a.object_type, sizeof(a.object_type), "%s", object_id ? "record" : "case");
	snprintf(a.object_id, sizeof(a.object_id), "%s", object_id ? object_id : c->id);
	snprintf(a.action, sizeof(a.action), "%s", object_id ? "download" : "party_view");
	snprintf(a.reason, sizeof(a.reason), "%s", "当事人查阅送达文书");
	snprintf(a.actor_id, sizeof(a.actor_id), "%s", "party");
	snprintf(a.actor_name, sizeof(a.actor_name), "%s", "当事人");
	snprintf(a.remote_addr, sizeof(a.remote_addr), "%s", remote_addr ? remote_addr : "");
	cases__now(a.at);
	if ((rc = store_case_access_insert(tx, &a, err)) < 0)
		return rc;
	{
		const char *fields[] = {"access_id", a.id, "case_id", a.case_id, "object_type",
					a.object_type, "object_id", a.object_id, "action", a.action,
					"actor_id", "party", NULL};

		return service_ledger_record_fields(NULL, svc, tx, "case.access", a.case_id, fields,
						    err);
	}
}

int service_party_documents(struct service_party_view *out, const struct service *svc,
			    const char *case_no, const char *code, const char *remote_addr,
			    struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_case c;
	struct store_agency agency;
	struct store_case_record *recs = NULL;
	enum casefile_stage st;
	size_t count = 0, i;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = evidence__party_case(&c, &recs, &count, svc, tx, case_no, code, NULL, remote_addr,
				       err)) < 0)
		goto done;
	if ((rc = store_agency_get(&agency, tx, c.agency_id, err)) < 0)
		goto done;
	snprintf(out->case_no, sizeof(out->case_no), "%s", c.case_no);
	snprintf(out->agency_name, sizeof(out->agency_name), "%s", agency.name);
	snprintf(out->matter_name, sizeof(out->matter_name), "%s", c.matter_name);
	snprintf(out->stage_label, sizeof(out->stage_label), "%s",
		 casefile_stage_from_code(&st, c.stage) == 0 ? casefile_stage_label(st) : "");
	if (!(out->docs = sx_calloc(count + 1, sizeof(*out->docs)))) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	for (i = 0; i < count; i++) {
		struct service_party_document *d = &out->docs[out->count];

		if (!recs[i].served)
			continue;
		snprintf(d->record_id, sizeof(d->record_id), "%s", recs[i].id);
		snprintf(d->title, sizeof(d->title), "%s", recs[i].title);
		snprintf(d->doc_no, sizeof(d->doc_no), "%s", recs[i].doc_no);
		snprintf(d->made_on, sizeof(d->made_on), "%s", recs[i].made_on);
		d->body_text = recs[i].body_text;
		recs[i].body_text = NULL;
		out->count++;
	}
	rc = store_commit(tx, err);
	tx = NULL;
done:
	store_rollback(tx);
	store_case_records_free(recs, count);
	if (rc < 0)
		service_party_view_clear(out);
	return rc;
}

int service_party_pdf(struct buf *pdf, const struct service *svc, const char *case_no,
		      const char *code, const char *record_id, const char *remote_addr,
		      struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_case c;
	struct store_case_record *recs = NULL;
	const struct store_case_record *r = NULL;
	size_t count = 0, i;
	int rc;

	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = evidence__party_case(&c, &recs, &count, svc, tx, case_no, code, record_id,
				       remote_addr, err)) < 0)
		goto done;
	for (i = 0; record_id && i < count; i++)
		if (recs[i].served && strcmp(recs[i].id, record_id) == 0)
			r = &recs[i];
	if (!r) {
		rc = evidence__party_not_found(err);
		goto done;
	}
	if ((rc = cases__record_pdf(pdf, r, err)) < 0)
		goto done;
	rc = store_commit(tx, err);
	tx = NULL;
done:
	store_rollback(tx);
	store_case_records_free(recs, count);
	return rc;
}

/* ---- retention ---- */

int service_retention_policy(struct retention_policy *out, const struct service *svc,
			     struct sx_error *err)
{
	struct store_tx *tx = NULL;
	char text[STORE_SETTING_SIZE];
	int rc;

	retention_policy_default(out);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	rc = store_setting_get(text, sizeof(text), tx, SERVICE_SETTING_RETENTION, err);
	store_rollback(tx);
	if (rc == SX_ENOTFOUND) {
		sx_error_clear(err);
		return 0;
	}
	if (rc < 0)
		return rc;
	return retention_policy_parse(out, text, err);
}

int service_retention_policy_set(const struct service *svc, const struct service_actor *actor,
				 const char *text, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct retention_policy p;
	char canonical[RETENTION_TEXT_MIN_SIZE * 2], now[STORE_TIME_SIZE];
	int rc;

	if (actor->role != ACCOUNT_ROLE_ADMIN)
		return cases__forbidden(err, "只有系统管理员可以设置保存期限");
	if ((rc = retention_policy_parse(&p, text ? text : "", err)) < 0 ||
	    (rc = retention_policy_check(&p, err)) < 0)
		return rc;
	if ((rc = retention_policy_format(canonical, sizeof(canonical), &p)) < 0)
		return sx_error_set(err, rc, NULL, NULL);
	cases__now(now);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = store_setting_put(tx, SERVICE_SETTING_RETENTION, canonical, now, actor->user_id,
				    err)) < 0)
		goto fail;
	{
		const char *fields[] = {"setting", SERVICE_SETTING_RETENTION, "value", canonical, NULL};

		if ((rc = cases__event(NULL, svc, tx, actor, "retention.policy", "setting",
				       SERVICE_SETTING_RETENTION, SERVICE_SETTING_RETENTION, fields,
				       err)) < 0)
			goto fail;
	}
	return store_commit(tx, err);
fail:
	store_rollback(tx);
	return rc;
}

int service_evidence_delete(const struct service *svc, const struct service_actor *actor,
			    const char *evidence_id, const char *reason, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_evidence e;
	struct store_case c;
	struct retention_policy p;
	char why[STORE_REASON_SIZE], today[11], now[STORE_TIME_SIZE];
	int64_t refs = 0;
	int rc;

	if (actor->role != ACCOUNT_ROLE_ADMIN)
		return cases__forbidden(err, "只有系统管理员可以删除保存期满的证据");
	if (!svc->blobs)
		return evidence__unavailable(err);
	if ((rc = service_text_copy(why, sizeof(why), reason, "删除理由", 512,
				    SERVICE_TEXT_REQUIRED | SERVICE_TEXT_MULTILINE, err)) < 0)
		return rc;
	if ((rc = service_retention_policy(&p, svc, err)) < 0)
		return rc;
	if (!evidence_id || strlen(evidence_id) >= STORE_ID_SIZE)
		return sx_error_set(err, SX_ENOTFOUND, "evidence_not_found", "证据不存在");
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = store_evidence_get(&e, tx, evidence_id, err)) < 0 ||
	    (rc = store_case_get(&c, tx, e.meta.case_id, err)) < 0)
		goto done;
	cases__today(today);
	/* Nothing is deleted before its period ends (docs/cases.md, Retention). */
	if ((rc = retention_may_delete(&p, e.meta.kind, c.archived_on, today, err)) < 0)
		goto done;
	cases__now(now);
	if ((rc = store_evidence_delete(tx, e.id, why, now, actor->user_id, err)) < 0)
		goto done;
	{
		const char *fields[] = {"evidence_id", e.id, "case_id", c.id, "sha256", e.sha256,
					NULL};

		if ((rc = cases__event(NULL, svc, tx, actor, "evidence.delete", "evidence", e.id,
				       c.id, fields, err)) < 0)
			goto done;
	}
	if ((rc = store_evidence_blob_refs(&refs, tx, e.sha256, err)) < 0)
		goto done;
	rc = store_commit(tx, err);
	tx = NULL;
	if (rc < 0)
		goto done;
	/* The row is marked first; the file goes after the commit, once no kept
	 * row names it. A crash in between leaves a file no kept row needs,
	 * which a later deletion of the same content removes. */
	if (refs == 0) {
		rc = blob_delete(svc->blobs, e.sha256, err);
		if (rc == SX_ENOTFOUND) {
			sx_error_clear(err);
			rc = 0;
		}
	}
done:
	store_rollback(tx);
	return rc;
}

/* ---- the retention report ---- */

void service_retention_report_clear(struct service_retention_report *r)
{
	if (!r)
		return;
	sx_free(r->rows);
	memset(r, 0, sizeof(*r));
}

struct retention_walk {
	struct service_retention_report *out;
	size_t cap;
	int64_t limit;
	bool deleted_pass;   /* the second pass lists the deleted files */
	int rc;
	struct sx_error *err;
};

static int evidence__retention_row(const struct store_evidence *e, const char *case_no,
				   const char *archived_on, void *ctx)
{
	struct retention_walk *w = ctx;
	struct service_retention_report *r = w->out;
	struct service_retention_row *row;
	struct sx_error ignored;
	char from[11] = "";
	bool deletable = false, listed;

	if (!w->deleted_pass) {
		r->total++;
		if (e->deleted_at[0]) {
			r->deleted++;
		} else if (!archived_on[0]) {
			r->kept_not_archived++;
		} else if (retention_deletable_from(from, &r->policy, e->meta.kind, archived_on,
						    &ignored) < 0) {
			r->kept_permanent++;
		} else if (strcmp(r->today, from) >= 0) {
			r->deletable++;
			r->deletable_bytes += e->meta.size_bytes;
			deletable = true;
		} else {
			r->kept_in_period++;
		}
		if (!e->deleted_at[0])
			r->kept_bytes += e->meta.size_bytes;
		listed = deletable;
	} else {
		listed = e->deleted_at[0] != '\0';
	}
	if (!listed)
		return 0;
	if ((int64_t)r->count >= w->limit) {
		r->truncated = true;
		return 0;
	}
	if (r->count == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 32;
		struct service_retention_row *rows = sx_reallocarray(r->rows, cap, sizeof(*rows));

		if (!rows) {
			w->rc = sx_error_set(w->err, SX_ENOMEM, NULL, NULL);
			return -1;
		}
		r->rows = rows;
		w->cap = cap;
	}
	row = &r->rows[r->count++];
	memset(row, 0, sizeof(*row));
	snprintf(row->evidence_id, sizeof(row->evidence_id), "%s", e->id);
	snprintf(row->case_id, sizeof(row->case_id), "%s", e->meta.case_id);
	snprintf(row->case_no, sizeof(row->case_no), "%s", case_no);
	snprintf(row->kind, sizeof(row->kind), "%s", e->meta.kind);
	row->size_bytes = e->meta.size_bytes;
	snprintf(row->sha256, sizeof(row->sha256), "%s", e->sha256);
	snprintf(row->archived_on, sizeof(row->archived_on), "%s", archived_on);
	if (archived_on[0] &&
	    retention_deletable_from(row->deletable_from, &r->policy, e->meta.kind, archived_on,
				     &ignored) < 0)
		row->deletable_from[0] = '\0';
	row->deleted = e->deleted_at[0] != '\0';
	snprintf(row->deleted_at, sizeof(row->deleted_at), "%s", e->deleted_at);
	return 0;
}

int service_retention_report(struct service_retention_report *out, const struct service *svc,
			     const struct service_actor *actor, const char *agency_id, int64_t limit,
			     struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_agency agency;
	struct retention_walk w;
	struct account_actor view = {actor->role, actor->agency_id, actor->region_code};
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	if (agency_id && !*agency_id)
		agency_id = NULL;
	if (!agency_id && actor->role != ACCOUNT_ROLE_ADMIN) {
		if (actor->role != ACCOUNT_ROLE_AGENCY_HEAD)
			return cases__forbidden(err, "请指定机关");
		agency_id = actor->agency_id;
	}
	if (actor->role != ACCOUNT_ROLE_ADMIN && actor->role != ACCOUNT_ROLE_AGENCY_HEAD &&
	    actor->role != ACCOUNT_ROLE_SUPERVISOR)
		return cases__forbidden(err, "只有机关负责人、监督人员和系统管理员可以查看保存期限报告");
	if ((rc = service_retention_policy(&out->policy, svc, err)) < 0)
		return rc;
	cases__today(out->today);
	w.out = out;
	w.limit = limit < 1 ? 1 : limit > 1000 ? 1000 : limit;
	w.err = err;
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	if (agency_id) {
		rc = strlen(agency_id) < STORE_ID_SIZE ? store_agency_get(&agency, tx, agency_id, err)
						       : SX_ENOTFOUND;
		if (rc == SX_ENOTFOUND)
			rc = sx_error_set(err, SX_ENOTFOUND, "agency_not_found", "机关不存在");
		if (rc < 0)
			goto done;
		if (!(actor->role == ACCOUNT_ROLE_ADMIN ||
		      (actor->role == ACCOUNT_ROLE_AGENCY_HEAD &&
		       cases__same_agency(actor, agency.id)) ||
		      (actor->role == ACCOUNT_ROLE_SUPERVISOR &&
		       account_scope_covers(ACCOUNT_SCOPE_REGION, &view, agency.id,
					    agency.region_code)))) {
			rc = cases__forbidden(err, "您无权查看该机关的保存期限报告");
			goto done;
		}
	}
	if ((rc = store_evidence_retention_each(tx, agency_id, evidence__retention_row, &w,
						err)) < 0 || (rc = w.rc) < 0)
		goto done;
	w.deleted_pass = true;
	if ((rc = store_evidence_retention_each(tx, agency_id, evidence__retention_row, &w,
						err)) < 0 || (rc = w.rc) < 0)
		goto done;
done:
	store_rollback(tx);
	if (rc < 0)
		service_retention_report_clear(out);
	return rc;
}
