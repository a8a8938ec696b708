/*
 * service/evidence — audio/video and other evidence of a case (执法全过程记录),
 * the party's lookup of documents served on them, the 调阅 log for
 * supervisors, and retention (docs/cases.md).
 *
 * An evidence file arrives as a resumable upload (docs/api.md, "Evidence
 * upload"): service_upload_create checks the metadata and makes the upload
 * (a row and an empty part file under var/blobs); each request that carries
 * bytes takes the upload with service_upload_begin, streams into the blob
 * handle, ends it (blob_upload_end: fsync), and when the part is whole calls
 * service_upload_complete, which names the file by its SHA-256, stores the
 * evidence row and appends the ledger event "evidence.add" with both hashes.
 * Only then is the upload acknowledged as evidence.
 *
 * Who: the officers on the case, the unit head and the agency head of its
 * agency upload (as for records, service/cases.h). Downloading is 调阅: it
 * needs a reason from anyone not on the case and is logged (cases.h).
 *
 * Retention (domain/retention): evidence may be deleted only by an admin,
 * only after the period of its kind counted from the day the case was
 * archived; the row stays, marked deleted, with a ledger event
 * "evidence.delete"; the file goes when no kept row names it.
 */
#ifndef SX_SERVICE_EVIDENCE_H
#define SX_SERVICE_EVIDENCE_H

#include "domain/retention.h"
#include "service/cases.h"

struct blob_upload;

/* Metadata of an upload as the officer's phone sends it. */
struct service_upload_input {
	const char *kind;            /* video | audio | photo | file */
	int64_t size_bytes;          /* the whole file, 1..the store's limit */
	const char *stage;           /* a stage the case has been in; NULL or "" = the current one */
	const char *content_type;    /* e.g. video/mp4; NULL = application/octet-stream */
	const char *file_name;       /* as on the phone; NULL = "" */
	const char *captured_start;  /* UTC "YYYY-MM-DDTHH:MM:SSZ"; required for video/audio */
	const char *captured_end;
	const char *device_id;       /* 执法记录仪编号; required for video/audio */
	const char *place;           /* text */
	const char *lat, *lon;       /* decimal degrees as text; NULL or "" = none */
	const char *officer_id;      /* who captured it; NULL = the actor's own officer record */
	const char *description;
};

struct service_upload {
	struct store_upload u;
	uint64_t offset;             /* bytes durably received */
	char case_no[STORE_CASE_NO_SIZE];
};

/* Creates an upload for the case. Errors: SX_ENOTFOUND "case_not_found";
 * SX_EPERM "forbidden"; SX_ETOOBIG "upload_too_big"; SX_EINVALID
 * "bad_evidence_kind" "bad_size" "bad_stage" "bad_coordinates" and those of
 * recording_capture_check; SX_ECONFLICT "case_archived";
 * SX_EINTERNAL "evidence_unavailable" when the server has no blob store. */
int service_upload_create(struct service_upload *out, const struct service *svc,
			  const struct service_actor *actor, const char *case_id,
			  const struct service_upload_input *in, struct sx_error *err);

/* The upload and how far it got. SX_ENOTFOUND "upload_not_found". */
int service_upload_status(struct service_upload *out, const struct service *svc,
			  const struct service_actor *actor, const char *upload_id,
			  struct sx_error *err);

/*
 * Takes an open upload for writing at offset (blob_upload_begin): the actor
 * must work on its case. *current receives the durable offset (also on
 * SX_ECONFLICT "offset_mismatch", so that the client resumes from there).
 * The caller writes with blob_upload_write and ends with blob_upload_end or
 * blob_upload_cancel. SX_ECONFLICT "upload_finished" when no longer open.
 */
int service_upload_begin(struct blob_upload **out, uint64_t *current, const struct service *svc,
			 const struct service_actor *actor, const char *upload_id, uint64_t offset,
			 struct sx_error *err);

/* Completes an upload whose bytes are all in: see the header comment.
 * SX_ECONFLICT "upload_incomplete" when bytes are missing. */
int service_upload_complete(struct store_evidence *out, int64_t *ledger_index,
			    const struct service *svc, const struct service_actor *actor,
			    const char *upload_id, struct sx_error *err);

/* Gives an open upload up and removes its part file. */
int service_upload_abort(const struct service *svc, const struct service_actor *actor,
			 const char *upload_id, struct sx_error *err);

/* Opens an evidence file for download (调阅, logged): *fd (caller closes) and
 * the row. SX_ENOTFOUND "evidence_not_found"; SX_ECONFLICT "evidence_deleted"
 * after a retention deletion. */
int service_evidence_open(int *fd, struct store_evidence *out, const struct service *svc,
			  const struct service_actor *actor, const char *evidence_id,
			  const char *reason, const char *remote_addr, struct sx_error *err);

/* ---- the 调阅 log ---- */

struct service_access_page {
	struct store_case_access *items;
	size_t count;
	int64_t total, page, per_page;
};
void service_access_page_clear(struct service_access_page *p);

/* Accesses, newest first: of one case (case_id) or of every case the actor
 * supervises (case_id NULL): supervisors their region, agency heads their
 * agency, admins all. Others: SX_EPERM "forbidden". */
int service_case_accesses(struct service_access_page *out, const struct service *svc,
			  const struct service_actor *actor, const char *case_id, int64_t page,
			  int64_t per_page, struct sx_error *err);

/* ---- the party (当事人) ---- */

struct service_party_document {
	char record_id[STORE_ID_SIZE];
	char title[STORE_NAME_SIZE];
	char doc_no[STORE_CASE_NO_SIZE];
	char made_on[11];
	char *body_text;                  /* owned */
};
struct service_party_view {
	char case_no[STORE_CASE_NO_SIZE];
	char agency_name[STORE_NAME_SIZE];
	char matter_name[STORE_MATTER_NAME_SIZE];
	char stage_label[32];
	struct service_party_document *docs;
	size_t count;
};
void service_party_view_clear(struct service_party_view *v);

/*
 * The documents served on the party of case case_no that carry the
 * verification code `code` (printed on each served document), without an
 * account. Logged as "party_view" and in the ledger. A wrong number or code
 * gives SX_ENOTFOUND "party_not_found" (the same for both: no probing).
 */
int service_party_documents(struct service_party_view *out, const struct service *svc,
			    const char *case_no, const char *code, const char *remote_addr,
			    struct sx_error *err);

/* One served document as PDF for the party (same check as above). */
int service_party_pdf(struct buf *pdf, const struct service *svc, const char *case_no,
		      const char *code, const char *record_id, const char *remote_addr,
		      struct sx_error *err);

/* ---- retention ---- */

#define SERVICE_SETTING_RETENTION "retention_policy"

/* The installation's policy (the default until an admin sets one). */
int service_retention_policy(struct retention_policy *out, const struct service *svc,
			     struct sx_error *err);
/* Sets it (admin; text as retention_policy_parse reads). */
int service_retention_policy_set(const struct service *svc, const struct service_actor *actor,
				 const char *text, struct sx_error *err);

/* Deletes an evidence file after its retention period (admin only, reason
 * required). SX_ECONFLICT "retention_not_expired" / "case_not_archived". */
int service_evidence_delete(const struct service *svc, const struct service_actor *actor,
			    const char *evidence_id, const char *reason, struct sx_error *err);

/* One evidence file in the retention report. */
struct service_retention_row {
	char evidence_id[STORE_ID_SIZE];
	char case_id[STORE_ID_SIZE];
	char case_no[STORE_CASE_NO_SIZE];
	char kind[STORE_ROLE_SIZE];
	int64_t size_bytes;
	char sha256[STORE_SHA256_HEX_SIZE];
	char archived_on[11];      /* "" = the case is not archived: kept whatever the period */
	char deletable_from[11];   /* "" = not archived, or kept permanently */
	bool deleted;
	char deleted_at[STORE_TIME_SIZE];
};

/* What the retention policy means for an agency's evidence today. */
struct service_retention_report {
	struct retention_policy policy;
	char today[11];
	int64_t total, deleted, kept_not_archived, kept_permanent, kept_in_period, deletable;
	int64_t kept_bytes, deletable_bytes;
	struct service_retention_row *rows; /* the deletable files, then the deleted ones; ≤ limit */
	size_t count;
	bool truncated;                     /* more rows than limit */
};
void service_retention_report_clear(struct service_retention_report *r);

/*
 * The retention report of agency_id's evidence (NULL: every agency, admins
 * only): counts by state and the files that may be deleted today (and those
 * deleted), at most limit rows (1..1000). Admins any agency; agency heads
 * their own; supervisors an agency of their region. SX_EPERM "forbidden".
 */
int service_retention_report(struct service_retention_report *out, const struct service *svc,
			     const struct service_actor *actor, const char *agency_id, int64_t limit,
			     struct sx_error *err);

#endif
