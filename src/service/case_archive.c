/*
 * service/case_archive — see case_archive.h. Only this file includes zip.h.
 *
 * Writing, in order (each step's failure leaves no file at zip_path):
 *   1. one write transaction: load the case (the actor must read it and may
 *      export it), log the 调阅 row of the export, read everything the
 *      archive holds (the new row included), commit;
 *   2. zip_open (nothing is on disk until zip_close), make the JSON files and
 *      the PDFs in memory, and note the evidence files;
 *   3. the manifest, then the "case.export" event with its SHA-256;
 *   4. publish a checkpoint and export the bundle; again while the bundle
 *      names pending events of the case (another request wrote meanwhile);
 *   5. add the entries, manifest first; zip_close reads the evidence from the
 *      blob store, re-hashing it; fsync the file and its folder.
 * The buffers libzip reads at zip_close belong to struct archive_entry until
 * after zip_close or zip_discard.
 */
#include "service/case_archive.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>

#include "base/buf.h"
#include "base/codec.h"
#include "base/mem.h"
#include "blob/blob.h"
#include "crypto/hash.h"
#include "domain/idcheck.h"
#include "service/case_internal.h"
#include "service/ledger.h"
#include "service/ledger_export.h"

#define ARCHIVE_PATH_MAX 192
#define ARCHIVE_PDF_MAX_BYTES (64u * 1024 * 1024)
#define ARCHIVE_CHUNK_BYTES (64u * 1024)
#define ARCHIVE_EXPORT_TRIES 5
#define ARCHIVE_MANIFEST "manifest.json"
#define ARCHIVE_BUNDLE "proof/bundle.json"

/* ---- small helpers ---- */

/* Copies src into out[0..size) cut at a UTF-8 character boundary. */
static void archive__copy_text(char *out, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, src, n);
	out[n] = '\0';
}

static int archive__hex(char out[BLOB_HEX_LEN + 1], struct crypto_hasher *h)
{
	unsigned char digest[CRYPTO_HASH_MAX_BYTES];

	if (crypto_hasher_final(h, digest) < 0)
		return SX_EINTERNAL;
	return codec_hex_encode(out, BLOB_HEX_LEN + 1, digest, 32);
}

static int archive__dump_cb(const char *buffer, size_t size, void *data)
{
	return buf_append(data, buffer, size) < 0 ? -1 : 0;
}

/* v as indented JSON ending in "\n", in *out (sx_free). */
static int archive__json_bytes(char **out, size_t *len, const json_t *v, struct sx_error *err)
{
	struct buf b;

	*out = NULL;
	buf_init(&b, SERVICE_CASE_ARCHIVE_JSON_MAX_BYTES);
	if (json_dump_callback(v, archive__dump_cb, &b, JSON_INDENT(2)) < 0 ||
	    buf_append(&b, "\n", 1) < 0) {
		bool too_big = b.len + 64 >= b.max_bytes;

		buf_free(&b);
		return too_big ? sx_error_set(err, SX_ETOOBIG, "archive_too_big", "案卷数据过大")
			       : sx_error_set(err, SX_ENOMEM, NULL, NULL);
	}
	*out = buf_detach(&b, len);
	return *out ? 0 : sx_error_set(err, SX_ENOMEM, NULL, NULL);
}

/* Sets o[key] = v (stolen); *ok becomes false when v is NULL or the set fails. */
static void archive__set(json_t *o, const char *key, json_t *v, bool *ok)
{
	if (!v || json_object_set_new(o, key, v) < 0)
		*ok = false;
}

static void archive__set_str(json_t *o, const char *key, const char *s, bool *ok)
{
	archive__set(o, key, json_string(s ? s : ""), ok);
}

static void archive__append(json_t *a, json_t *v, bool *ok)
{
	if (!v || json_array_append_new(a, v) < 0)
		*ok = false;
}

/* ---- what the archive holds ---- */

/* One file of the archive, as it goes into the ZIP and the manifest. */
struct archive_entry {
	char path[ARCHIVE_PATH_MAX];
	const char *kind;                   /* static: record_pdf, evidence, … */
	char id[STORE_ID_SIZE];             /* record or evidence id; "" */
	char sha256[BLOB_HEX_LEN + 1];      /* "" for the bundle (it proves the manifest) */
	uint64_t size;
	char *data;                         /* owned (sx_free); NULL for evidence */
	const struct store_evidence *evidence; /* borrowed from the snapshot; evidence only */
};

struct archive_entries {
	struct archive_entry *items;
	size_t count, cap;
};

static void archive__entries_free(struct archive_entries *es)
{
	for (size_t i = 0; i < es->count; i++)
		sx_free(es->items[i].data);
	sx_free(es->items);
	memset(es, 0, sizeof(*es));
}

static struct archive_entry *archive__entry_new(struct archive_entries *es)
{
	if (es->count == es->cap) {
		size_t cap = es->cap ? es->cap * 2 : 16;
		struct archive_entry *items = sx_reallocarray(es->items, cap, sizeof(*items));

		if (!items)
			return NULL;
		es->items = items;
		es->cap = cap;
	}
	memset(&es->items[es->count], 0, sizeof(es->items[0]));
	return &es->items[es->count++];
}

/* Adds an in-memory file; takes data (sx_malloc'd) in every case. */
static int archive__entry_bytes(struct archive_entries *es, const char *path, const char *kind,
				const char *id, char *data, size_t len, struct sx_error *err)
{
	struct archive_entry *e = archive__entry_new(es);

	if (!e) {
		sx_free(data);
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	}
	e->data = data;
	e->size = len;
	e->kind = kind;
	snprintf(e->path, sizeof(e->path), "%s", path);
	snprintf(e->id, sizeof(e->id), "%s", id ? id : "");
	if (crypto_hash_hex(e->sha256, CRYPTO_HASH_SHA256, data, len) < 0)
		return sx_error_set(err, SX_EINTERNAL, "hash_failed", NULL);
	return 0;
}

/* Everything read in the export's transaction. */
struct archive_snapshot {
	struct case_ctx cx;
	bool loaded;
	struct store_case shown;            /* the case as the exporter may see it */
	bool secrets_visible;
	struct store_case_transition *transitions;
	size_t transition_count;
	struct store_case_record *records;  /* with bodies */
	size_t record_count;
	struct store_evidence *evidence;
	size_t evidence_count;
	struct store_recording_exemption *exemptions;
	size_t exemption_count;
	struct store_case_access *accesses; /* newest first */
	size_t access_count;
	char exported_at[STORE_TIME_SIZE];
};

static void archive__snapshot_free(struct archive_snapshot *s)
{
	if (s->loaded)
		cases__ctx_clear(&s->cx);
	sx_free(s->transitions);
	store_case_records_free(s->records, s->record_count);
	sx_free(s->evidence);
	sx_free(s->exemptions);
	sx_free(s->accesses);
	memset(s, 0, sizeof(*s));
}

/* The agency head and unit heads of the agency, supervisors of its region
 * (cases__may_read checks the region), admins. */
static bool archive__may_export(const struct service_actor *actor, const struct case_ctx *cx)
{
	switch (actor->role) {
	case ACCOUNT_ROLE_ADMIN:
		return true;
	case ACCOUNT_ROLE_SUPERVISOR:
		return cases__may_read(actor, cx);
	case ACCOUNT_ROLE_UNIT_HEAD:
	case ACCOUNT_ROLE_AGENCY_HEAD:
		return cases__same_agency(actor, cx->c.agency_id);
	default:
		return false;
	}
}

/* Step 1: permission, the 调阅 row, and the snapshot, in one transaction. */
static int archive__read(struct archive_snapshot *s, uint64_t *access_index,
			 const struct service *svc, const struct service_actor *actor,
			 const char *case_id, const char *archive_id, const char *reason,
			 const char *remote_addr, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_case_access_filter f;
	int64_t total = 0;
	int rc;

	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = cases__load(&s->cx, tx, actor, case_id, err)) < 0)
		goto done;
	s->loaded = true;
	if (!archive__may_export(actor, &s->cx)) {
		rc = cases__forbidden(err, "只有本机关负责人、执法机构负责人、本地区监督人员和系统管理员"
					   "可以导出案卷");
		goto done;
	}
	if ((rc = store_case_transitions(&s->transitions, &s->transition_count, tx, s->cx.c.id,
					 err)) < 0 ||
	    (rc = store_case_records(&s->records, &s->record_count, tx, s->cx.c.id, true, err)) < 0 ||
	    (rc = store_evidence_list(&s->evidence, &s->evidence_count, tx, s->cx.c.id, err)) < 0 ||
	    (rc = store_recording_exemptions(&s->exemptions, &s->exemption_count, tx, s->cx.c.id,
					     err)) < 0)
		goto done;
	for (size_t i = 0; i < s->evidence_count && !svc->blobs; i++)
		if (!s->evidence[i].deleted_at[0]) {
			rc = sx_error_set(err, SX_EINTERNAL, "evidence_unavailable",
					  "未配置证据文件目录，无法导出证据文件");
			goto done;
		}
	if ((rc = cases__log_access(access_index, svc, tx, actor, &s->cx, "archive", archive_id,
				    "export", reason, remote_addr, err)) < 0)
		goto done;
	memset(&f, 0, sizeof(f));
	f.case_id = s->cx.c.id;
	if ((rc = store_case_access_count(&total, tx, &f, err)) < 0)
		goto done;
	f.limit = total > 0 ? total : 1;
	if ((rc = store_case_access_list(&s->accesses, &s->access_count, tx, &f, err)) < 0)
		goto done;
	rc = store_commit(tx, err);
	tx = NULL;
	if (rc < 0)
		goto done;
	s->shown = s->cx.c;
	s->secrets_visible = cases__may_see_secrets(actor, s->cx.c.agency_id);
	if (!s->secrets_visible)
		cases__mask(&s->shown);
	cases__now(s->exported_at);
done:
	store_rollback(tx);
	return rc;
}

/* ---- the JSON files ---- */

static json_t *archive__case_json(const struct store_case *c, bool *ok)
{
	json_t *o = json_object();

	if (!o) {
		*ok = false;
		return NULL;
	}
	archive__set_str(o, "id", c->id, ok);
	archive__set_str(o, "agency_id", c->agency_id, ok);
	archive__set_str(o, "case_no", c->case_no, ok);
	archive__set_str(o, "kind", c->kind, ok);
	archive__set_str(o, "procedure", c->procedure, ok);
	archive__set_str(o, "matter_code", c->matter_code, ok);
	archive__set_str(o, "matter_name", c->matter_name, ok);
	archive__set(o, "list_version", json_integer(c->list_version), ok);
	archive__set_str(o, "cause", c->cause, ok);
	archive__set_str(o, "party_type", c->party_type, ok);
	archive__set_str(o, "party_name", c->party_name, ok);
	archive__set_str(o, "party_id_code", c->party_id_code, ok);
	archive__set_str(o, "party_phone", c->party_phone, ok);
	archive__set_str(o, "party_address", c->party_address, ok);
	archive__set_str(o, "stage", c->stage, ok);
	archive__set(o, "major", json_boolean(c->major), ok);
	archive__set(o, "hearing_requested", json_boolean(c->hearing_requested), ok);
	archive__set_str(o, "started_on", c->started_on, ok);
	archive__set_str(o, "due_on", c->due_on, ok);
	archive__set(o, "extension_days", json_integer(c->extension_days), ok);
	archive__set_str(o, "decided_on", c->decided_on, ok);
	archive__set_str(o, "closed_on", c->closed_on, ok);
	archive__set_str(o, "archived_on", c->archived_on, ok);
	archive__set_str(o, "created_at", c->created_at, ok);
	archive__set_str(o, "created_by", c->created_by, ok);
	archive__set_str(o, "updated_at", c->updated_at, ok);
	return o;
}

/* File name extension of an evidence file: from its name, else its type, else "bin". */
static void archive__evidence_ext(char out[12], const struct store_evidence *e)
{
	static const char *const types[][2] = {
		{"video/mp4", "mp4"},  {"video/quicktime", "mov"}, {"audio/mpeg", "mp3"},
		{"audio/mp4", "m4a"},  {"audio/wav", "wav"},       {"image/jpeg", "jpg"},
		{"image/png", "png"},  {"application/pdf", "pdf"},
	};
	const char *dot = strrchr(e->meta.file_name, '.');
	size_t n = 0, ext_len = dot ? strlen(dot + 1) : 0;

	/* Kept when 1..8 letters or digits; anything else could be a path trick or noise. */
	for (size_t i = 0; ext_len >= 1 && ext_len <= 8 && i < ext_len; i++) {
		char ch = dot[1 + i];

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) {
			n = 0;
			break;
		}
		out[n++] = ch;
	}
	out[n] = '\0';
	if (n > 0)
		return;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(e->meta.content_type, types[i][0]) == 0) {
			snprintf(out, 12, "%s", types[i][1]);
			return;
		}
	snprintf(out, 12, "%s", "bin");
}

/* case.json; record_paths[i] is the path stem of record i, evidence_paths[i] "" when deleted. */
static int archive__case_file(char **out, size_t *len, const struct archive_snapshot *s,
			      char (*record_paths)[ARCHIVE_PATH_MAX],
			      char (*evidence_paths)[ARCHIVE_PATH_MAX], struct sx_error *err)
{
	json_t *root = json_object(), *a;
	bool ok = root != NULL;
	size_t i;
	int rc;

	*out = NULL;
	if (!ok)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	archive__set_str(root, "format", SERVICE_CASE_ARCHIVE_FORMAT, &ok);
	archive__set(root, "case", archive__case_json(&s->shown, &ok), &ok);
	archive__set(root, "agency",
		     json_pack("{s:s, s:s, s:s}", "id", s->cx.agency.id, "name", s->cx.agency.name,
			       "region_code", s->cx.agency.region_code),
		     &ok);
	archive__set(root, "secrets_visible", json_boolean(s->secrets_visible), &ok);
	archive__set(root, "officers", a = json_array(), &ok);
	for (i = 0; ok && i < s->cx.officer_count; i++) {
		const struct store_case_officer *o = &s->cx.officers[i];

		archive__append(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "officer_id",
					     o->officer_id, "name", o->officer.name, "cert_no",
					     o->officer.cert_no, "role", o->role, "added_at",
					     o->added_at, "added_by", o->added_by),
				&ok);
	}
	archive__set(root, "transitions", a = json_array(), &ok);
	for (i = 0; ok && i < s->transition_count; i++) {
		const struct store_case_transition *t = &s->transitions[i];

		archive__append(a, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "seq",
					     (json_int_t)t->seq, "from", t->from_stage, "to",
					     t->to_stage, "reason", t->reason, "at", t->at, "by_id",
					     t->by_id, "by_name", t->by_name),
				&ok);
	}
	archive__set(root, "records", a = json_array(), &ok);
	for (i = 0; ok && i < s->record_count; i++) {
		const struct store_case_record *r = &s->records[i];
		char json_path[ARCHIVE_PATH_MAX + 8], pdf_path[ARCHIVE_PATH_MAX + 8];

		snprintf(json_path, sizeof(json_path), "%s.json", record_paths[i]);
		snprintf(pdf_path, sizeof(pdf_path), "%s.pdf", record_paths[i]);
		archive__append(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, "
					     "s:s, s:s, s:s, s:s}",
					     "id", r->id, "template", r->template_code, "title",
					     r->title, "doc_no", r->doc_no, "stage", r->stage,
					     "made_on", r->made_on, "field_act", r->field_act,
					     "content_sha256", r->content_sha256, "served", r->served,
					     "supersedes", r->supersedes, "created_at", r->created_at,
					     "created_by", r->created_by, "json", json_path, "pdf",
					     pdf_path),
				&ok);
	}
	archive__set(root, "evidence", a = json_array(), &ok);
	for (i = 0; ok && i < s->evidence_count; i++) {
		const struct store_evidence *e = &s->evidence[i];
		json_t *x = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
				      "s:s, s:s, s:s, s:s, s:s, s:s}",
				      "id", e->id, "kind", e->meta.kind, "stage", e->meta.stage,
				      "size", (json_int_t)e->meta.size_bytes, "content_type",
				      e->meta.content_type, "file_name", e->meta.file_name,
				      "captured_start", e->meta.captured_start, "captured_end",
				      e->meta.captured_end, "device_id", e->meta.device_id, "place",
				      e->meta.place, "lat", e->meta.lat, "lon", e->meta.lon,
				      "officer_id", e->meta.officer_id, "description",
				      e->meta.description, "sha256", e->sha256, "sm3", e->sm3,
				      "created_at", e->created_at, "created_by", e->created_by);

		if (x) {
			archive__set_str(x, "deleted_at", e->deleted_at, &ok);
			archive__set_str(x, "deleted_by", e->deleted_by, &ok);
			archive__set_str(x, "delete_reason", e->delete_reason, &ok);
			/* A deleted file (retention expired) is listed without a path. */
			archive__set(x, "path",
				     evidence_paths[i][0] ? json_string(evidence_paths[i]) : json_null(),
				     &ok);
		}
		archive__append(a, x, &ok);
	}
	archive__set(root, "exemptions", a = json_array(), &ok);
	for (i = 0; ok && i < s->exemption_count; i++) {
		const struct store_recording_exemption *x = &s->exemptions[i];

		archive__append(a, json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", x->id, "stage",
					     x->stage, "reason", x->reason, "created_at",
					     x->created_at, "created_by", x->created_by),
				&ok);
	}
	rc = ok ? archive__json_bytes(out, len, root, err) : sx_error_set(err, SX_ENOMEM, NULL, NULL);
	json_decref(root);
	return rc;
}

static int archive__access_file(char **out, size_t *len, const struct archive_snapshot *s,
				struct sx_error *err)
{
	json_t *root = json_object(), *a = json_array();
	bool ok = root && a;
	int rc;

	*out = NULL;
	archive__set_str(root, "case_id", s->cx.c.id, &ok);
	archive__set_str(root, "order", "newest_first", &ok);
	for (size_t i = 0; ok && i < s->access_count; i++) {
		const struct store_case_access *x = &s->accesses[i];

		archive__append(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
					     x->id, "at", x->at, "object_type", x->object_type,
					     "object_id", x->object_id, "action", x->action,
					     "reason", x->reason, "actor_id", x->actor_id,
					     "actor_name", x->actor_name, "remote_addr",
					     x->remote_addr),
				&ok);
	}
	if (root) {
		archive__set(root, "accesses", a, &ok);
		a = NULL;
	}
	json_decref(a);
	rc = ok ? archive__json_bytes(out, len, root, err) : sx_error_set(err, SX_ENOMEM, NULL, NULL);
	json_decref(root);
	return rc;
}

static int archive__readme(char **out, size_t *len, const struct archive_snapshot *s,
			   struct sx_error *err)
{
	struct buf b;
	int rc;

	*out = NULL;
	buf_init(&b, 64u * 1024);
	rc = buf_appendf(
		&b,
		"行政执法案卷归档导出（一案一卷）\r\n"
		"================================\r\n\r\n"
		"案号：%s\r\n机关：%s\r\n执法事项：%s\r\n当前环节：%s%s\r\n导出时间（UTC）：%s\r\n\r\n"
		"本压缩包由 sanxiang 行政执法三项制度平台导出，内容如下：\r\n"
		"  manifest.json      清单：案件概要，以及其余每个文件的 SHA-256 和大小\r\n"
		"  case.json          案件信息、执法人员、环节流转、文书和证据目录、音像记录豁免\r\n"
		"                     （当事人证件号码和电话按导出人的权限脱敏）\r\n"
		"  records/           执法文书：.json 为系统存储的文书数据（原样导出），\r\n"
		"                     .pdf 为据此生成的版式文件\r\n"
		"  evidence/          证据文件（视听资料、照片、电子数据），文件名含其 SHA-256；\r\n"
		"                     已按保存期限删除的证据只在 case.json 中列出\r\n"
		"  access_log.json    本案的全部调阅记录（含本次导出）\r\n"
		"  proof/bundle.json  防篡改日志的离线证明包：本案的事件、包含证明和已签名的检查点\r\n\r\n"
		"如何核验（无需联网、无需数据库）：\r\n"
		"  sanxiang verify 本文件.zip --key <日志公钥或公钥文件>\r\n\r\n"
		"日志公钥须从可信渠道取得（机关公布的公钥，或平台的 /ledger/keys）。核验内容：\r\n"
		"  1. 清单所列文件齐全，SHA-256 和大小相符，没有清单以外的文件；\r\n"
		"  2. 证明包的检查点由该公钥签署，其中每个事件都包含在已签名的日志中；\r\n"
		"  3. 清单本身与日志中本次导出事件（case.export）记录的 SHA-256 相符；\r\n"
		"     每份文书的 .json 与其制作事件（record.make）记录的 SHA-256 相符；\r\n"
		"     每个证据文件与其上传事件（evidence.add）记录的 SHA-256、SM3 和大小相符。\r\n"
		"全部通过时退出码为 0。PDF 由 .json 生成，其真实性以 .json 为准。\r\n"
		"注意：日志只能证明所列事件存在，不能证明本案没有其他事件。\r\n",
		s->cx.c.case_no, s->cx.agency.name, s->cx.c.matter_name, s->cx.c.stage,
		strcmp(s->cx.c.stage, "archived") == 0 ? "（已归档）" : "（尚未归档）",
		s->exported_at);
	if (rc < 0) {
		buf_free(&b);
		return sx_error_set(err, rc, NULL, NULL);
	}
	*out = buf_detach(&b, len);
	return *out ? 0 : sx_error_set(err, SX_ENOMEM, NULL, NULL);
}

static int archive__manifest(char **out, size_t *len, const struct archive_snapshot *s,
			     const struct service_actor *actor, const char *archive_id,
			     const struct archive_entries *es, struct sx_error *err)
{
	const struct store_case *c = &s->cx.c;
	json_t *root = json_object(), *files = json_array();
	bool ok = root && files;
	int rc;

	*out = NULL;
	archive__set_str(root, "format", SERVICE_CASE_ARCHIVE_FORMAT, &ok);
	archive__set_str(root, "archive_id", archive_id, &ok);
	/* No party fields at all: the manifest is the part most often shown around. */
	archive__set(root, "case",
		     json_pack("{s:s, s:s, s:{s:s, s:s}, s:s, s:s, s:{s:s, s:s}, s:s, s:b, s:s, s:s, "
			       "s:s, s:s}",
			       "id", c->id, "case_no", c->case_no, "agency", "id", s->cx.agency.id,
			       "name", s->cx.agency.name, "kind", c->kind, "procedure", c->procedure,
			       "matter", "code", c->matter_code, "name", c->matter_name, "stage",
			       c->stage, "archived", strcmp(c->stage, "archived") == 0,
			       "started_on", c->started_on, "decided_on", c->decided_on,
			       "closed_on", c->closed_on, "archived_on", c->archived_on),
		     &ok);
	archive__set_str(root, "exported_at", s->exported_at, &ok);
	archive__set(root, "exported_by",
		     json_pack("{s:s, s:s}", "id", actor->user_id, "name",
			       actor->display_name[0] ? actor->display_name : actor->username),
		     &ok);
	for (size_t i = 0; ok && i < es->count; i++) {
		const struct archive_entry *e = &es->items[i];
		json_t *f = json_pack("{s:s, s:s}", "path", e->path, "kind", e->kind);

		if (f && e->sha256[0]) {
			archive__set_str(f, "sha256", e->sha256, &ok);
			archive__set(f, "size", json_integer((json_int_t)e->size), &ok);
		}
		if (f && e->id[0])
			archive__set_str(f, e->evidence ? "evidence_id" : "record_id", e->id, &ok);
		archive__append(files, f, &ok);
	}
	/* Proved by its signatures, and it proves this manifest: listed without a hash. */
	archive__append(files, json_pack("{s:s, s:s}", "path", ARCHIVE_BUNDLE, "kind", "proof_bundle"),
			&ok);
	if (root) {
		archive__set(root, "files", files, &ok);
		files = NULL;
	}
	json_decref(files);
	rc = ok ? archive__json_bytes(out, len, root, err) : sx_error_set(err, SX_ENOMEM, NULL, NULL);
	json_decref(root);
	return rc;
}

/* Step 2: every file but the manifest and the bundle. */
static int archive__collect(struct archive_entries *es, const struct archive_snapshot *s,
			    struct sx_error *err)
{
	char (*record_paths)[ARCHIVE_PATH_MAX] = NULL, (*evidence_paths)[ARCHIVE_PATH_MAX] = NULL;
	char *data = NULL;
	size_t len = 0, i;
	struct buf pdf;
	int rc = 0;

	buf_init(&pdf, ARCHIVE_PDF_MAX_BYTES);
	record_paths = sx_calloc(s->record_count + 1, sizeof(*record_paths));
	evidence_paths = sx_calloc(s->evidence_count + 1, sizeof(*evidence_paths));
	if (!record_paths || !evidence_paths) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	for (i = 0; i < s->record_count; i++)
		snprintf(record_paths[i], ARCHIVE_PATH_MAX, "records/%03zu-%s-%s", i + 1,
			 s->records[i].template_code, s->records[i].id);
	for (i = 0; i < s->evidence_count; i++) {
		const struct store_evidence *e = &s->evidence[i];
		char ext[12];

		if (e->deleted_at[0])
			continue;
		archive__evidence_ext(ext, e);
		snprintf(evidence_paths[i], ARCHIVE_PATH_MAX, "evidence/%s-%s.%s", e->id, e->sha256,
			 ext);
	}
	if ((rc = archive__readme(&data, &len, s, err)) < 0 ||
	    (rc = archive__entry_bytes(es, "README.txt", "readme", NULL, data, len, err)) < 0)
		goto done;
	if ((rc = archive__case_file(&data, &len, s, record_paths, evidence_paths, err)) < 0 ||
	    (rc = archive__entry_bytes(es, "case.json", "case_json", NULL, data, len, err)) < 0)
		goto done;
	for (i = 0; i < s->record_count; i++) {
		const struct store_case_record *r = &s->records[i];
		char path[ARCHIVE_PATH_MAX + 8];
		size_t n = r->values_json ? strlen(r->values_json) : 0;

		if (!(data = sx_malloc(n + 1))) {
			rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
			goto done;
		}
		memcpy(data, r->values_json ? r->values_json : "", n + 1);
		snprintf(path, sizeof(path), "%s.json", record_paths[i]);
		if ((rc = archive__entry_bytes(es, path, "record_json", r->id, data, n, err)) < 0)
			goto done;
		buf_reset(&pdf);
		if ((rc = cases__record_pdf(&pdf, r, err)) < 0)
			goto done;
		data = buf_detach(&pdf, &len);
		if (!data) {
			rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
			goto done;
		}
		snprintf(path, sizeof(path), "%s.pdf", record_paths[i]);
		if ((rc = archive__entry_bytes(es, path, "record_pdf", r->id, data, len, err)) < 0)
			goto done;
	}
	for (i = 0; i < s->evidence_count; i++) {
		const struct store_evidence *ev = &s->evidence[i];
		struct archive_entry *e;

		if (!evidence_paths[i][0])
			continue;
		if (!(e = archive__entry_new(es))) {
			rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
			goto done;
		}
		snprintf(e->path, sizeof(e->path), "%s", evidence_paths[i]);
		e->kind = "evidence";
		snprintf(e->id, sizeof(e->id), "%s", ev->id);
		snprintf(e->sha256, sizeof(e->sha256), "%s", ev->sha256);
		e->size = (uint64_t)ev->meta.size_bytes;
		e->evidence = ev;
	}
	if ((rc = archive__access_file(&data, &len, s, err)) < 0 ||
	    (rc = archive__entry_bytes(es, "access_log.json", "access_log", NULL, data, len, err)) < 0)
		goto done;
done:
	buf_free(&pdf);
	sx_free(record_paths);
	sx_free(evidence_paths);
	return rc;
}

/* ---- evidence streamed into the ZIP ---- */

/* Shared by the evidence sources of one export: the first blob that failed. */
struct archive_blob_outcome {
	bool failed;
	struct sx_error err;
};

/* libzip user data of one evidence file (freed at ZIP_SOURCE_FREE). */
struct archive_blob_source {
	struct blob_store *bs;
	struct archive_blob_outcome *outcome;
	char sha256[BLOB_HEX_LEN + 1];
	char sm3[BLOB_HEX_LEN + 1];
	char id[STORE_ID_SIZE];
	uint64_t size, done;
	int fd;
	struct crypto_hasher *h256, *hsm3;
	zip_error_t error;
};

static zip_int64_t archive__blob_fail(struct archive_blob_source *s, int zip_code, int rc,
				      const char *code, const char *message)
{
	if (!s->outcome->failed) {
		s->outcome->failed = true;
		sx_error_setf(&s->outcome->err, rc, code, message, "evidence %s blob %s", s->id,
			      s->sha256);
	}
	zip_error_set(&s->error, zip_code, 0);
	return -1;
}

static zip_int64_t archive__blob_corrupt(struct archive_blob_source *s)
{
	char message[SX_ERROR_MESSAGE_MAX];

	snprintf(message, sizeof(message), "证据文件 %s 的内容与其哈希值不符（已损坏），未导出", s->id);
	return archive__blob_fail(s, ZIP_ER_READ, SX_ECORRUPT, "blob_corrupt", message);
}

/* At end of file: the bytes read must be the blob's size, SHA-256 and SM3. */
static zip_int64_t archive__blob_end(struct archive_blob_source *s)
{
	char sha256[BLOB_HEX_LEN + 1], sm3[BLOB_HEX_LEN + 1];

	if (s->done != s->size || archive__hex(sha256, s->h256) < 0 ||
	    archive__hex(sm3, s->hsm3) < 0 || strcmp(sha256, s->sha256) != 0 ||
	    strcmp(sm3, s->sm3) != 0)
		return archive__blob_corrupt(s);
	return 0;
}

static zip_int64_t archive__blob_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct archive_blob_source *s = ud;
	struct sx_error e;
	uint64_t size = 0;
	ssize_t n;

	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		if (s->fd >= 0)
			close(s->fd);
		s->fd = -1;
		if (blob_open(&s->fd, &size, s->bs, s->sha256, &e) < 0)
			return archive__blob_fail(s, ZIP_ER_OPEN, e.rc == SX_ENOTFOUND ? SX_ECORRUPT : e.rc,
						  e.rc == SX_ENOTFOUND ? "blob_missing" : e.code,
						  "证据文件缺失或无法读取，未导出");
		if (size != s->size)
			return archive__blob_corrupt(s);
		if ((!s->h256 && crypto_hasher_new(&s->h256, CRYPTO_HASH_SHA256) < 0) ||
		    (!s->hsm3 && crypto_hasher_new(&s->hsm3, CRYPTO_HASH_SM3) < 0) ||
		    crypto_hasher_reset(s->h256) < 0 || crypto_hasher_reset(s->hsm3) < 0)
			return archive__blob_fail(s, ZIP_ER_MEMORY, SX_ENOMEM, NULL, NULL);
		s->done = 0;
		return 0;
	case ZIP_SOURCE_READ:
		if (len > ARCHIVE_CHUNK_BYTES * 16)
			len = ARCHIVE_CHUNK_BYTES * 16;
		do
			n = read(s->fd, data, (size_t)len);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return archive__blob_fail(s, ZIP_ER_READ, SX_EIO, "blob_io_failed",
						  "读取证据文件失败");
		if (n == 0)
			return archive__blob_end(s);
		if ((uint64_t)n > s->size - s->done)
			return archive__blob_corrupt(s);
		if (crypto_hasher_update(s->h256, data, (size_t)n) < 0 ||
		    crypto_hasher_update(s->hsm3, data, (size_t)n) < 0)
			return archive__blob_fail(s, ZIP_ER_INTERNAL, SX_EINTERNAL, "hash_failed", NULL);
		s->done += (uint64_t)n;
		return n;
	case ZIP_SOURCE_CLOSE:
		if (s->fd >= 0)
			close(s->fd);
		s->fd = -1;
		return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &s->error);

		if (!st)
			return -1;
		zip_stat_init(st);
		st->size = s->size;
		st->valid |= ZIP_STAT_SIZE;
		return sizeof(*st);
	}
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&s->error, data, len);
	case ZIP_SOURCE_FREE:
		if (s->fd >= 0)
			close(s->fd);
		crypto_hasher_free(s->h256);
		crypto_hasher_free(s->hsm3);
		zip_error_fini(&s->error);
		sx_free(s);
		return 0;
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ,
						      ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
						      ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
	default:
		zip_error_set(&s->error, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

static int archive__zip_error(zip_t *za, struct sx_error *err)
{
	return sx_error_setf(err, SX_EIO, "archive_write_failed", "写入归档文件失败", "libzip: %s",
			     zip_error_strerror(zip_get_error(za)));
}

/* Adds e to the ZIP: a buffer read at zip_close, or the blob streamed then. */
static int archive__zip_add(zip_t *za, const struct archive_entry *e, struct blob_store *bs,
			    struct archive_blob_outcome *outcome, struct sx_error *err)
{
	zip_source_t *src;
	zip_int64_t index;

	if (e->evidence) {
		struct archive_blob_source *s = sx_calloc(1, sizeof(*s));

		if (!s)
			return sx_error_set(err, SX_ENOMEM, NULL, NULL);
		s->bs = bs;
		s->outcome = outcome;
		s->fd = -1;
		s->size = e->size;
		snprintf(s->sha256, sizeof(s->sha256), "%s", e->evidence->sha256);
		snprintf(s->sm3, sizeof(s->sm3), "%s", e->evidence->sm3);
		snprintf(s->id, sizeof(s->id), "%s", e->id);
		zip_error_init(&s->error);
		if (!(src = zip_source_function(za, archive__blob_cb, s))) {
			zip_error_fini(&s->error);
			sx_free(s);
			return archive__zip_error(za, err);
		}
	} else if (!(src = zip_source_buffer(za, e->data, e->size, 0))) {
		return archive__zip_error(za, err);
	}
	if ((index = zip_file_add(za, e->path, src, ZIP_FL_ENC_UTF_8)) < 0) {
		zip_source_free(src);
		return archive__zip_error(za, err);
	}
	/* Video and photos do not compress; storing them spares the CPU and a re-read. */
	if (zip_set_file_compression(za, (zip_uint64_t)index, e->evidence ? ZIP_CM_STORE
									: ZIP_CM_DEFLATE, 0) < 0)
		return archive__zip_error(za, err);
	return 0;
}

/* Step 4: the bundle of the case, covering every event up to now. */
static int archive__bundle(char **out, size_t *len, uint64_t *checkpoint_size,
			   const struct service *svc, const char *case_id, struct sx_error *err)
{
	struct buf b;
	int rc = 0;

	*out = NULL;
	buf_init(&b, BUNDLE_MAX_BYTES);
	for (int attempt = 0; attempt < ARCHIVE_EXPORT_TRIES; attempt++) {
		struct bundle_report report;

		buf_reset(&b);
		if ((rc = service_ledger_publish(checkpoint_size, svc, err)) < 0)
			break;
		rc = service_ledger_export(&b, svc, case_id, NULL, 0, err);
		if (rc == SX_ECONFLICT)
			continue; /* not_yet_covered: another checkpoint */
		if (rc < 0)
			break;
		memset(&report, 0, sizeof(report));
		rc = bundle_verify(&report, b.data, b.len, NULL, NULL);
		if (rc == 0 && report.pending_count == 0) {
			*checkpoint_size = report.checkpoint.size;
			bundle_report_free(&report);
			*out = buf_detach(&b, len);
			return *out ? 0 : sx_error_set(err, SX_ENOMEM, NULL, NULL);
		}
		bundle_report_free(&report);
		if (rc < 0) {
			rc = rc == SX_ENOMEM ? rc
					     : sx_error_set(err, SX_EINTERNAL, "bundle_invalid", NULL);
			break;
		}
		rc = sx_error_set(err, SX_ECONFLICT, "not_yet_covered",
				  "本案的事件尚未全部被检查点覆盖，请稍后再导出");
	}
	buf_free(&b);
	if (rc == SX_ENOMEM)
		return sx_error_set(err, rc, NULL, NULL);
	return rc;
}

static void archive__fsync_path(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

int service_case_archive_write(const char *zip_path, struct service_case_archive_info *info,
			       const struct service *svc, const struct service_actor *actor,
			       const char *case_id, const char *reason, const char *remote_addr,
			       struct sx_error *err)
{
	struct archive_snapshot s;
	struct archive_entries es;
	struct archive_blob_outcome outcome;
	struct store_tx *tx = NULL;
	struct stat exists;
	zip_t *za = NULL;
	char archive_id[STORE_ID_SIZE], manifest_sha256[BLOB_HEX_LEN + 1], count_text[24];
	char *manifest = NULL, *bundle = NULL;
	size_t manifest_len = 0, bundle_len = 0, i;
	uint64_t access_index = 0, export_index = 0, checkpoint_size = 0;
	int zerr = 0, rc;

	memset(&s, 0, sizeof(s));
	memset(&es, 0, sizeof(es));
	memset(&outcome, 0, sizeof(outcome));
	if (info)
		memset(info, 0, sizeof(*info));
	if (!zip_path || !*zip_path || !svc || !actor)
		return sx_error_set(err, SX_EINVALID, "invalid", "归档文件路径无效");
	if (!svc->ledger)
		return sx_error_set(err, SX_EINVALID, "ledger_not_open", "防篡改日志未打开");
	if (lstat(zip_path, &exists) == 0)
		return sx_error_set(err, SX_EEXISTS, "file_exists", "输出文件已存在，不会覆盖；请换一个文件名");
	if ((rc = sx_id_new(archive_id)) < 0)
		return sx_error_set(err, rc, NULL, NULL);
	/* Opened first so that a bad path fails before anything is logged; libzip writes
	 * nothing until zip_close. */
	if (!(za = zip_open(zip_path, ZIP_CREATE | ZIP_EXCL, &zerr))) {
		if (zerr == ZIP_ER_EXISTS)
			return sx_error_set(err, SX_EEXISTS, "file_exists",
					    "输出文件已存在，不会覆盖；请换一个文件名");
		return sx_error_setf(err, zerr == ZIP_ER_MEMORY ? SX_ENOMEM : SX_EIO,
				     "archive_write_failed", "无法创建归档文件", "zip_open %s: %d",
				     zip_path, zerr);
	}
	if ((rc = archive__read(&s, &access_index, svc, actor, case_id, archive_id, reason,
				remote_addr, err)) < 0)
		goto done;
	if ((rc = archive__collect(&es, &s, err)) < 0)
		goto done;
	if ((rc = archive__manifest(&manifest, &manifest_len, &s, actor, archive_id, &es, err)) < 0)
		goto done;
	if (crypto_hash_hex(manifest_sha256, CRYPTO_HASH_SHA256, manifest, manifest_len) < 0) {
		rc = sx_error_set(err, SX_EINTERNAL, "hash_failed", NULL);
		goto done;
	}
	snprintf(count_text, sizeof(count_text), "%zu", es.count + 1);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		goto done;
	{
		const char *fields[] = {"archive_id", archive_id, "case_id", s.cx.c.id,
					"manifest_sha256", manifest_sha256, "file_count",
					count_text, NULL};

		if ((rc = cases__event(&export_index, svc, tx, actor, "case.export", "archive",
				       archive_id, s.cx.c.id, fields, err)) < 0)
			goto done;
	}
	rc = store_commit(tx, err);
	tx = NULL;
	if (rc < 0)
		goto done;
	if ((rc = archive__bundle(&bundle, &bundle_len, &checkpoint_size, svc, s.cx.c.id, err)) < 0)
		goto done;

	{
		struct archive_entry head = {0}, tail = {0};

		snprintf(head.path, sizeof(head.path), "%s", ARCHIVE_MANIFEST);
		head.data = manifest;
		head.size = manifest_len;
		snprintf(tail.path, sizeof(tail.path), "%s", ARCHIVE_BUNDLE);
		tail.data = bundle;
		tail.size = bundle_len;
		if ((rc = archive__zip_add(za, &head, svc->blobs, &outcome, err)) < 0)
			goto done;
		for (i = 0; i < es.count; i++)
			if ((rc = archive__zip_add(za, &es.items[i], svc->blobs, &outcome, err)) < 0)
				goto done;
		if ((rc = archive__zip_add(za, &tail, svc->blobs, &outcome, err)) < 0)
			goto done;
	}
	if (zip_close(za) < 0) {
		if (outcome.failed) {
			if (err)
				*err = outcome.err;
			rc = outcome.err.rc;
		} else {
			rc = archive__zip_error(za, err);
		}
		goto done;
	}
	za = NULL;
	archive__fsync_path(zip_path);
	if (info) {
		snprintf(info->archive_id, sizeof(info->archive_id), "%s", archive_id);
		snprintf(info->case_id, sizeof(info->case_id), "%s", s.cx.c.id);
		snprintf(info->case_no, sizeof(info->case_no), "%s", s.cx.c.case_no);
		info->case_archived = strcmp(s.cx.c.stage, "archived") == 0;
		info->file_count = es.count + 1;
		info->record_count = s.record_count;
		for (i = 0; i < es.count; i++)
			if (es.items[i].evidence) {
				info->evidence_count++;
				info->evidence_bytes += es.items[i].size;
			}
		info->checkpoint_size = checkpoint_size;
		info->ledger_index = (int64_t)export_index;
	}
	rc = 0;
done:
	store_rollback(tx);
	/* libzip writes to a temporary file renamed at zip_close: nothing is at zip_path. */
	if (za)
		zip_discard(za);
	archive__entries_free(&es);
	archive__snapshot_free(&s);
	sx_free(manifest);
	sx_free(bundle);
	return rc;
}

int service_case_archive_find(char out[STORE_ID_SIZE], const struct service *svc,
			      const struct service_actor *actor, const char *id_or_no,
			      struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_case c;
	struct case_ctx cx;
	int rc;

	out[0] = '\0';
	if (!id_or_no || !*id_or_no || strlen(id_or_no) >= STORE_CASE_NO_SIZE)
		return cases__not_found(err);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	rc = strlen(id_or_no) < STORE_ID_SIZE ? store_case_get(&c, tx, id_or_no, err) : SX_ENOTFOUND;
	if (rc == SX_ENOTFOUND)
		rc = store_case_get_by_no(&c, tx, id_or_no, err);
	if (rc == SX_ENOTFOUND)
		rc = cases__not_found(err);
	if (rc == 0 && (rc = cases__load(&cx, tx, actor, c.id, err)) == 0) {
		snprintf(out, STORE_ID_SIZE, "%s", cx.c.id);
		cases__ctx_clear(&cx);
	}
	store_rollback(tx);
	return rc;
}

/* ---- verification ---- */

/* One file the manifest lists. */
struct verify_file {
	const char *path;                  /* borrowed from the manifest JSON */
	const char *kind;
	const char *sha256;                /* NULL for the bundle */
	const char *id;                    /* record_id / evidence_id; NULL */
	json_int_t size;
	bool found;
	bool matched;                      /* hash and size as listed */
	char got_sha256[BLOB_HEX_LEN + 1]; /* as read from the ZIP */
	char got_sm3[BLOB_HEX_LEN + 1];    /* evidence only */
	uint64_t got_size;
};

struct verify_state {
	struct service_case_archive_report *out;
	struct sx_error *err;
	zip_t *za;
	json_t *manifest;
	struct verify_file *files;
	size_t file_count;
	char manifest_sha256[BLOB_HEX_LEN + 1];
	struct buf bundle;
	bool bundle_read;
	json_t *leaves;                    /* array of parsed envelopes of the bundle */
	bool oom;
};

static void verify__finding(struct verify_state *v, bool passed, const char *code,
			    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void verify__finding(struct verify_state *v, bool passed, const char *code,
			    const char *fmt, ...)
{
	struct service_case_archive_report *r = v->out;
	struct service_case_archive_finding *f;
	char text[sizeof(f->text)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!passed) {
		if (r->failure_count++ == 0 && v->err) {
			char message[SX_ERROR_MESSAGE_MAX];

			archive__copy_text(message, sizeof(message), text);
			sx_error_set(v->err, SX_ECORRUPT, code, message);
		}
	}
	if (r->finding_count >= SERVICE_CASE_ARCHIVE_MAX_FINDINGS)
		return;
	if (r->finding_count % 16 == 0) {
		f = sx_reallocarray(r->findings, r->finding_count + 16, sizeof(*f));
		if (!f) {
			v->oom = true;
			return;
		}
		r->findings = f;
	}
	f = &r->findings[r->finding_count++];
	f->passed = passed;
	snprintf(f->code, sizeof(f->code), "%s", code);
	archive__copy_text(f->text, sizeof(f->text), text);
}

static const char *verify__str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

bool service_case_archive_is_zip(const char *path)
{
	unsigned char head[4];
	ssize_t n;
	int fd;

	if (!path || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	do
		n = read(fd, head, sizeof(head));
	while (n < 0 && errno == EINTR);
	close(fd);
	return n == 4 && memcmp(head, "PK\x03\x04", 4) == 0;
}

/* Reads entry index into keep (when not NULL, up to its cap) while hashing it. */
static int verify__read_entry(struct verify_state *v, zip_uint64_t index, bool with_sm3,
			      struct buf *keep, char sha256[BLOB_HEX_LEN + 1],
			      char sm3[BLOB_HEX_LEN + 1], uint64_t *size, char *why, size_t why_size)
{
	struct crypto_hasher *h256 = NULL, *hsm3 = NULL;
	zip_file_t *zf = NULL;
	char *chunk = NULL;
	zip_int64_t n;
	int rc = 0;

	*size = 0;
	why[0] = '\0';
	chunk = sx_malloc(ARCHIVE_CHUNK_BYTES);
	if (!chunk || crypto_hasher_new(&h256, CRYPTO_HASH_SHA256) < 0 ||
	    (with_sm3 && crypto_hasher_new(&hsm3, CRYPTO_HASH_SM3) < 0)) {
		rc = SX_ENOMEM;
		goto done;
	}
	if (!(zf = zip_fopen_index(v->za, index, 0))) {
		snprintf(why, why_size, "%s", zip_error_strerror(zip_get_error(v->za)));
		rc = SX_EIO;
		goto done;
	}
	while ((n = zip_fread(zf, chunk, ARCHIVE_CHUNK_BYTES)) > 0) {
		if (crypto_hasher_update(h256, chunk, (size_t)n) < 0 ||
		    (hsm3 && crypto_hasher_update(hsm3, chunk, (size_t)n) < 0)) {
			rc = SX_EINTERNAL;
			goto done;
		}
		if (keep && (rc = buf_append(keep, chunk, (size_t)n)) < 0) {
			if (rc == SX_ETOOBIG)
				snprintf(why, why_size, "文件过大");
			goto done;
		}
		*size += (uint64_t)n;
	}
	if (n < 0) {
		/* libzip checks each entry's CRC-32 at its end: a changed byte shows here. */
		snprintf(why, why_size, "%s", zip_error_strerror(zip_file_get_error(zf)));
		rc = SX_EIO;
		goto done;
	}
	if (archive__hex(sha256, h256) < 0 || (hsm3 && archive__hex(sm3, hsm3) < 0))
		rc = SX_EINTERNAL;
done:
	if (zf)
		zip_fclose(zf);
	crypto_hasher_free(h256);
	crypto_hasher_free(hsm3);
	sx_free(chunk);
	return rc;
}

/* The manifest: format, case, files. SX_EINVALID when it is not one. */
static int verify__manifest(struct verify_state *v, const char *text, size_t len)
{
	struct service_case_archive_report *r = v->out;
	const json_t *c, *files, *f;
	json_error_t jerr;
	size_t i;

	if (crypto_hash_hex(v->manifest_sha256, CRYPTO_HASH_SHA256, text, len) < 0)
		return SX_EINTERNAL;
	v->manifest = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!v->manifest) {
		verify__finding(v, false, "bad_manifest", "manifest.json 不是合法的 JSON（第 %d 行）：已损坏或被改动",
				jerr.line);
		return SX_EINVALID;
	}
	if (!verify__str(v->manifest, "format") ||
	    strcmp(verify__str(v->manifest, "format"), SERVICE_CASE_ARCHIVE_FORMAT) != 0) {
		verify__finding(v, false, "bad_manifest", "manifest.json 不是本格式（%s）的归档清单",
				SERVICE_CASE_ARCHIVE_FORMAT);
		return SX_EINVALID;
	}
	c = json_object_get(v->manifest, "case");
	files = json_object_get(v->manifest, "files");
	if (!json_is_object(c) || !json_is_array(files) || !verify__str(c, "id") ||
	    !verify__str(v->manifest, "archive_id")) {
		verify__finding(v, false, "bad_manifest", "manifest.json 缺少案件或文件清单");
		return SX_EINVALID;
	}
	archive__copy_text(r->archive_id, sizeof(r->archive_id), verify__str(v->manifest, "archive_id"));
	archive__copy_text(r->case_id, sizeof(r->case_id), verify__str(c, "id"));
	archive__copy_text(r->case_no, sizeof(r->case_no),
			   verify__str(c, "case_no") ? verify__str(c, "case_no") : "");
	r->case_archived = json_is_true(json_object_get(c, "archived"));
	v->files = sx_calloc(json_array_size(files) + 1, sizeof(*v->files));
	if (!v->files)
		return SX_ENOMEM;
	json_array_foreach(files, i, f) {
		struct verify_file *x = &v->files[v->file_count];
		bool bundle;

		x->path = verify__str(f, "path");
		x->kind = verify__str(f, "kind");
		x->sha256 = verify__str(f, "sha256");
		x->size = json_integer_value(json_object_get(f, "size"));
		x->id = verify__str(f, "record_id") ? verify__str(f, "record_id")
						    : verify__str(f, "evidence_id");
		bundle = x->kind && strcmp(x->kind, "proof_bundle") == 0;
		if (!x->path || !x->kind || strcmp(x->path, ARCHIVE_MANIFEST) == 0 ||
		    (bundle && strcmp(x->path, ARCHIVE_BUNDLE) != 0) ||
		    (!bundle && (!x->sha256 || x->size < 0))) {
			verify__finding(v, false, "bad_manifest", "manifest.json 的第 %zu 个文件条目不完整",
					i + 1);
			return SX_EINVALID;
		}
		for (size_t j = 0; j < v->file_count; j++)
			if (strcmp(v->files[j].path, x->path) == 0) {
				verify__finding(v, false, "bad_manifest", "manifest.json 重复列出 %s",
						x->path);
				return SX_EINVALID;
			}
		v->file_count++;
	}
	r->file_count = v->file_count;
	return 0;
}

static struct verify_file *verify__listed(struct verify_state *v, const char *path)
{
	for (size_t i = 0; i < v->file_count; i++)
		if (strcmp(v->files[i].path, path) == 0)
			return &v->files[i];
	return NULL;
}

/* Check 1: each entry of the ZIP is listed, with its hash and size; none is missing. */
static int verify__files(struct verify_state *v)
{
	struct service_case_archive_report *r = v->out;
	zip_int64_t n = zip_get_num_entries(v->za, 0);
	char why[SX_ERROR_MESSAGE_MAX];
	size_t failures = r->failure_count;
	int rc;

	for (zip_int64_t i = 0; i < n; i++) {
		const char *name = zip_get_name(v->za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
		size_t name_len = name ? strlen(name) : 0;
		struct verify_file *f;
		bool bundle;
		struct buf scratch;

		if (!name) {
			verify__finding(v, false, "file_unreadable", "无法读取第 %lld 个条目的文件名",
					(long long)i + 1);
			continue;
		}
		if (name_len > 0 && name[name_len - 1] == '/')
			continue; /* a folder, as some zip tools add */
		if (strcmp(name, ARCHIVE_MANIFEST) == 0) {
			if (zip_name_locate(v->za, name, ZIP_FL_ENC_RAW) != i)
				verify__finding(v, false, "file_duplicate", "归档中有两个 %s", name);
			continue;
		}
		if (!(f = verify__listed(v, name))) {
			verify__finding(v, false, "file_unlisted",
					"归档中有清单未列出的文件：%s（可能被添加）", name);
			continue;
		}
		if (f->found) {
			verify__finding(v, false, "file_duplicate", "归档中有两个 %s", name);
			continue;
		}
		f->found = true;
		bundle = strcmp(f->kind, "proof_bundle") == 0;
		buf_init(&scratch, SERVICE_CASE_ARCHIVE_JSON_MAX_BYTES);
		rc = verify__read_entry(v, (zip_uint64_t)i, strcmp(f->kind, "evidence") == 0,
					bundle ? &v->bundle
					       : strcmp(f->kind, "record_json") == 0 ? &scratch : NULL,
					f->got_sha256, f->got_sm3, &f->got_size, why, sizeof(why));
		buf_free(&scratch);
		if (rc == SX_ENOMEM || rc == SX_EINTERNAL)
			return rc;
		if (rc < 0) {
			verify__finding(v, false, "file_unreadable", "文件 %s 读取失败（%s）：已损坏", name,
					why);
			continue;
		}
		if (bundle) {
			v->bundle_read = true;
			continue;
		}
		if (strcmp(f->got_sha256, f->sha256) != 0) {
			verify__finding(v, false, "file_hash_mismatch",
					"文件 %s 的 SHA-256 与清单不符：已被改动", name);
			continue;
		}
		if (f->got_size != (uint64_t)f->size) {
			verify__finding(v, false, "file_size_mismatch", "文件 %s 的大小与清单不符", name);
			continue;
		}
		f->matched = true;
		r->files_matched++;
	}
	for (size_t i = 0; i < v->file_count; i++)
		if (!v->files[i].found)
			verify__finding(v, false, "file_missing", "清单所列文件 %s 不在归档中（可能被删除）",
					v->files[i].path);
	if (r->failure_count == failures)
		verify__finding(v, true, "files_ok",
				"清单列出的 %zu 个文件齐全，SHA-256 和大小相符，没有清单以外的文件",
				v->file_count);
	return 0;
}

/* Check 2: the bundle verifies, is about this case and proves every event it names. */
static int verify__bundle(struct verify_state *v, const struct bundle_verify_options *opt)
{
	struct service_case_archive_report *r = v->out;
	struct sx_error e;
	json_t *root, *leaves, *leaf;
	json_error_t jerr;
	size_t i;
	int rc;

	if (!v->bundle_read) {
		verify__finding(v, false, "bundle_missing", "归档中没有可读的证明包 %s，无法证明其内容",
				ARCHIVE_BUNDLE);
		return 0;
	}
	sx_error_clear(&e);
	rc = bundle_verify(&r->bundle, v->bundle.data ? v->bundle.data : "", v->bundle.len, opt, &e);
	if (rc == SX_ENOMEM)
		return rc;
	if (rc < 0) {
		verify__finding(v, false, e.code[0] ? e.code : "bundle_invalid", "证明包未通过核验：%s",
				e.message);
		return 0;
	}
	if (strcmp(r->bundle.entity, r->case_id) != 0) {
		verify__finding(v, false, "wrong_entity", "证明包是关于对象 %s 的，不是本案（%s）",
				r->bundle.entity, r->case_id);
		return 0;
	}
	if (r->bundle.pending_count > 0) {
		verify__finding(v, false, "events_pending",
				"证明包中有 %zu 个本案事件尚未被检查点覆盖，未能证明", r->bundle.pending_count);
		return 0;
	}
	r->bundle_verified = true;
	verify__finding(v, true, "bundle_ok",
			"证明包核验通过：检查点（日志 %s，树大小 %llu）签名有效，本案 %zu 个事件均包含于其中",
			r->bundle.checkpoint.origin, (unsigned long long)r->bundle.checkpoint.size,
			r->bundle.leaf_count);
	/* The leaves' bytes are proved now; read what they say. */
	root = json_loadb(v->bundle.data, v->bundle.len, 0, &jerr);
	leaves = json_object_get(root, "leaves");
	if (!root || !(v->leaves = json_array())) {
		json_decref(root);
		return SX_ENOMEM;
	}
	json_array_foreach(leaves, i, leaf) {
		const char *data = verify__str(leaf, "data");
		json_t *env = data ? json_loads(data, 0, &jerr) : NULL;

		if (!env || json_array_append_new(v->leaves, env) < 0) {
			json_decref(root);
			return SX_ENOMEM; /* bundle_verify parsed the same bytes */
		}
	}
	json_decref(root);
	return 0;
}

/* The data of the newest proved event of kind whose data[key] is value; NULL. */
static const json_t *verify__event(const struct verify_state *v, const char *kind, const char *key,
				   const char *value)
{
	const json_t *found = NULL, *env;
	size_t i;

	json_array_foreach(v->leaves, i, env) {
		const json_t *data = json_object_get(env, "data");
		const char *k = verify__str(env, "kind"), *x = verify__str(data, key);

		if (k && x && strcmp(k, kind) == 0 && strcmp(x, value) == 0)
			found = data;
	}
	return found;
}

/* Check 3: manifest, records and evidence against their events. */
static void verify__cross(struct verify_state *v)
{
	struct service_case_archive_report *r = v->out;
	const json_t *ev;
	size_t records = 0, evidence = 0, failures;

	if (!r->bundle_verified) {
		verify__finding(v, false, "unproved",
				"证明包未通过核验，清单、文书和证据无法与防篡改日志比对");
		return;
	}
	ev = verify__event(v, "case.export", "archive_id", r->archive_id);
	if (!ev) {
		verify__finding(v, false, "manifest_unproved",
				"证明包中没有本归档（%s）的导出事件 case.export，清单无法证明", r->archive_id);
	} else if (!verify__str(ev, "manifest_sha256") ||
		   strcmp(verify__str(ev, "manifest_sha256"), v->manifest_sha256) != 0) {
		verify__finding(v, false, "manifest_mismatch",
				"manifest.json 的 SHA-256 与日志中导出事件 case.export 记录的不符：清单已被改动");
	} else {
		r->manifest_proved = true;
		verify__finding(v, true, "manifest_ok",
				"manifest.json 与日志中本归档的导出事件 case.export 记录的 SHA-256 相符");
	}
	failures = r->failure_count;
	for (size_t i = 0; i < v->file_count; i++) {
		struct verify_file *f = &v->files[i];
		const char *want;

		if (!f->found || strcmp(f->kind, "record_json") != 0)
			continue;
		records++;
		if (!f->id || !(ev = verify__event(v, "record.make", "record_id", f->id))) {
			verify__finding(v, false, "record_unproved",
					"文书 %s 在证明包中没有制作事件 record.make，无法证明", f->path);
			continue;
		}
		want = verify__str(ev, "content_sha256");
		if (!want || strcmp(want, f->got_sha256) != 0) {
			verify__finding(v, false, "record_mismatch",
					"文书 %s 的 SHA-256 与日志中制作事件 record.make 记录的不符：文书已被改动",
					f->path);
			continue;
		}
		r->records_proved++;
	}
	for (size_t i = 0; i < v->file_count; i++) {
		struct verify_file *f = &v->files[i];
		char size_text[24];
		const char *want_sha, *want_sm3, *want_size;

		if (!f->found || strcmp(f->kind, "evidence") != 0)
			continue;
		evidence++;
		if (!f->id || !(ev = verify__event(v, "evidence.add", "evidence_id", f->id))) {
			verify__finding(v, false, "evidence_unproved",
					"证据文件 %s 在证明包中没有上传事件 evidence.add，无法证明", f->path);
			continue;
		}
		want_sha = verify__str(ev, "sha256");
		want_sm3 = verify__str(ev, "sm3");
		want_size = verify__str(ev, "size");
		snprintf(size_text, sizeof(size_text), "%llu", (unsigned long long)f->got_size);
		if (!want_sha || strcmp(want_sha, f->got_sha256) != 0 || !want_sm3 ||
		    strcmp(want_sm3, f->got_sm3) != 0 || !want_size || strcmp(want_size, size_text) != 0) {
			verify__finding(v, false, "evidence_mismatch",
					"证据文件 %s 的 SHA-256、SM3 或大小与日志中上传事件 evidence.add 记录的不符："
					"证据已被改动",
					f->path);
			continue;
		}
		r->evidence_proved++;
	}
	if (r->failure_count == failures)
		verify__finding(v, true, "content_ok",
				"%zu 份文书的数据与其制作事件相符，%zu 个证据文件的 SHA-256、SM3 和大小与其上传事件相符",
				records, evidence);
}

int service_case_archive_verify(struct service_case_archive_report *out, const char *zip_path,
				const struct bundle_verify_options *opt, struct sx_error *err)
{
	struct verify_state v;
	struct buf manifest;
	char sha[BLOB_HEX_LEN + 1], sm3[BLOB_HEX_LEN + 1], why[SX_ERROR_MESSAGE_MAX];
	uint64_t size = 0;
	zip_int64_t index;
	int zerr = 0, rc;

	memset(&v, 0, sizeof(v));
	if (out)
		memset(out, 0, sizeof(*out));
	if (!out || !zip_path)
		return sx_error_set(err, SX_EINVALID, "invalid", NULL);
	v.out = out;
	v.err = err;
	buf_init(&v.bundle, BUNDLE_MAX_BYTES);
	buf_init(&manifest, SERVICE_CASE_ARCHIVE_MANIFEST_MAX_BYTES);
	if (!(v.za = zip_open(zip_path, ZIP_RDONLY, &zerr))) {
		if (zerr == ZIP_ER_NOENT || zerr == ZIP_ER_OPEN || zerr == ZIP_ER_READ)
			rc = sx_error_setf(err, SX_EIO, "unreadable", "无法读取归档文件",
					   "zip_open %s: %d", zip_path, zerr);
		else if (zerr == ZIP_ER_MEMORY)
			rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		else
			rc = sx_error_setf(err, SX_EINVALID, "not_an_archive",
					   "文件不是完整的 ZIP 归档（目录区已损坏或被截断）",
					   "zip_open %s: %d", zip_path, zerr);
		goto done;
	}
	if ((index = zip_name_locate(v.za, ARCHIVE_MANIFEST, ZIP_FL_ENC_RAW)) < 0) {
		rc = sx_error_set(err, SX_EINVALID, "not_an_archive",
				  "归档中没有 manifest.json，不是 sanxiang 案卷归档");
		goto done;
	}
	rc = verify__read_entry(&v, (zip_uint64_t)index, false, &manifest, sha, sm3, &size, why,
				sizeof(why));
	if (rc == SX_ENOMEM || rc == SX_EINTERNAL) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto done;
	}
	if (rc < 0) {
		verify__finding(&v, false, "bad_manifest", "manifest.json 读取失败（%s）：已损坏", why);
		rc = SX_ECORRUPT;
		goto done;
	}
	rc = verify__manifest(&v, manifest.data ? manifest.data : "", manifest.len);
	if (rc == SX_ENOMEM || rc == SX_EINTERNAL) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto done;
	}
	if (rc < 0) {
		rc = SX_ECORRUPT;
		goto done;
	}
	if ((rc = verify__files(&v)) < 0 || (rc = verify__bundle(&v, opt)) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto done;
	}
	verify__cross(&v);
	if (v.oom) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	rc = out->failure_count > 0 ? SX_ECORRUPT : 0;
done:
	if (v.za)
		zip_discard(v.za);
	json_decref(v.manifest);
	json_decref(v.leaves);
	sx_free(v.files);
	buf_free(&v.bundle);
	buf_free(&manifest);
	return rc;
}

void service_case_archive_report_free(struct service_case_archive_report *r)
{
	if (!r)
		return;
	bundle_report_free(&r->bundle);
	sx_free(r->findings);
	memset(r, 0, sizeof(*r));
}
