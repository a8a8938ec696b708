/*
 * store — the one interface between the service layer and the database.
 *
 * The service layer never sees SQL: it opens a transaction (store_begin),
 * calls store_<entity>_<verb> functions with it, and commits. Under the store
 * sits the small driver interface of db.h; the SQL in store*.c is written once
 * in the portable subset so that a PostgreSQL driver plugs in without touching
 * these functions.
 *
 * Concurrency (SQLite): one writer connection guarded by a mutex and a pool of
 * read-only connections. Write transactions take the writer in turn and run
 * as savepoints of a shared transaction that is committed when no other
 * writer is waiting (group commit, see store.c): store_commit returns only
 * after the COMMIT that made the writes durable, and concurrent writers share
 * its fsync. A read transaction takes any free reader and sees the last
 * committed state, so a page reads what its own request committed before.
 *
 * Replicas (PostgreSQL only): store_open may also pool read-only connections
 * to streaming replicas of the primary. Only STORE_TX_READ_PUBLIC
 * transactions read there, and a replica lags the primary, so a public page
 * may show a change a moment after it was committed; STORE_TX_READ always
 * reads the primary, so staff see their own writes at once.
 *
 * A write transaction must not wait for another thread's write transaction
 * while it is open (there is one writer); nothing in the service layer does.
 *
 * Rows are never deleted. Row structs hold fixed-size fields (lengths are
 * validated by the service before insert) so they need no freeing; lists are
 * arrays freed with sx_free.
 *
 * On error, a write transaction is rolled back by store_rollback; nothing of
 * it is kept.
 */
#ifndef SX_STORE_STORE_H
#define SX_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define STORE_ID_SIZE 27            /* ULID + NUL */
#define STORE_TIME_SIZE 28          /* fixed-width UTC text + NUL */
#define STORE_USERNAME_SIZE 65      /* 64 bytes max */
#define STORE_NAME_SIZE 193         /* 192 bytes: 64 CJK characters */
#define STORE_ROLE_SIZE 16
#define STORE_HASH_SIZE 161         /* argon2id PHC string */
#define STORE_TOKEN_SIZE 65         /* hex SHA-256 or base64url token */
#define STORE_CODE_SIZE 33          /* credit codes, region codes, cert numbers */
#define STORE_DUTIES_SIZE 3073      /* 3072 bytes: 1024 CJK characters */
#define STORE_ADDRESS_SIZE 385      /* 384 bytes: 128 CJK characters */
#define STORE_PHONE_SIZE 65         /* 64 bytes: one or more numbers as printed */
#define STORE_CHANNEL_SIZE 769      /* 768 bytes: 256 CJK characters */
#define STORE_SHA256_HEX_SIZE 65    /* hex SHA-256 + NUL */

struct store;
struct store_tx;

#define STORE_MAX_REPLICAS 8

struct store_options {
	int reader_count;     /* pooled read-only connections; 0 = default (4) */
	int busy_timeout_ms;  /* wait on the write lock; 0 = default (5000) */
	int max_batch;        /* group commit: most transactions per COMMIT; 0 = default (256) */
	/* PostgreSQL streaming replicas (hot standbys) of the primary dsn that
	 * STORE_TX_READ_PUBLIC transactions read from; NULL / 0 = none. At most
	 * STORE_MAX_REPLICAS; only with a PostgreSQL primary. */
	const char *const *replica_dsns;
	int replica_count;
	int replica_reader_count; /* read-only connections per replica; 0 = default (2) */
};

enum store_tx_mode {
	STORE_TX_READ = 1,        /* reads the primary: sees every committed write */
	STORE_TX_WRITE = 2,
	/*
	 * A read for the public that may lag: taken from a replica when the
	 * store has any (round robin), else like STORE_TX_READ. When the
	 * replica's connection fails at BEGIN, a warning is logged and the
	 * transaction reads the primary instead; the replica's connection is
	 * re-opened at its next use. Staff pages, which must read their own
	 * writes, use STORE_TX_READ.
	 */
	STORE_TX_READ_PUBLIC = 3,
};

/* Whether dsn names a PostgreSQL database ("postgresql://…", "postgres://…"
 * or a libpq keyword string; docs/postgresql.md) rather than a SQLite file. */
bool store_dsn_is_postgresql(const char *dsn);

/* The schema version this binary speaks: the highest embedded migration. */
int store_binary_schema_version(void);

/*
 * Creates a new database at dsn and applies every migration. Refuses with
 * SX_EEXISTS when the database already holds a schema.
 */
int store_create(const char *dsn, struct sx_error *err);

/*
 * Applies missing migrations in order, each in its own transaction; idempotent.
 * *from and *to (may be NULL) receive the versions before and after. Refuses
 * with SX_ETOONEW when the database is newer than the binary; SX_ENOTFOUND when
 * the database does not exist.
 */
int store_migrate(const char *dsn, int *from, int *to, struct sx_error *err);

/* Reads the schema version of an existing database (0 = no schema). */
int store_schema_version(int *out, const char *dsn, struct sx_error *err);

/*
 * Opens the connection pool. The database must exist and be at exactly the
 * binary's schema version (SX_ETOONEW if newer, SX_ECONFLICT with code
 * "schema_outdated" if older: run `sanxiang migrate`). Replicas named in opt
 * must be reachable now (their connections are opened here). SX_EINVALID
 * "replica_needs_postgresql" when replicas are given with a SQLite primary
 * or a replica DSN is not PostgreSQL; "replica_invalid" for more than
 * STORE_MAX_REPLICAS or a NULL replica_dsns.
 */
int store_open(struct store **out, const char *dsn, const struct store_options *opt,
	       struct sx_error *err);

/* Waits for no transaction to be in progress, then closes every connection. */
void store_close(struct store *st);

/* How many replicas the store reads public pages from (0 = none). */
int store_replica_count(const struct store *st);

/* Begins a transaction. Blocks until a connection is free. */
int store_begin(struct store_tx **out, struct store *st, enum store_tx_mode mode,
		struct sx_error *err);

/* Commits and releases the transaction (tx is freed either way; on failure it
 * was rolled back). */
int store_commit(struct store_tx *tx, struct sx_error *err);

/* Rolls back and releases. NULL is fine. */
void store_rollback(struct store_tx *tx);

/* Runs the database's integrity check in a read transaction. */
int store_integrity_check(struct store_tx *tx, struct sx_error *err);

/* ---- agencies ---- */

struct store_agency {
	char id[STORE_ID_SIZE];
	char name[STORE_NAME_SIZE];
	char credit_code[STORE_CODE_SIZE];
	char level[STORE_ROLE_SIZE];        /* province | city | county | township */
	char region_code[STORE_CODE_SIZE];  /* GB/T 2260, 6 digits */
	char parent_id[STORE_ID_SIZE];      /* "" = none */
	bool is_justice_bureau;
	bool active;
	char created_at[STORE_TIME_SIZE];
	char created_by[STORE_ID_SIZE + 32];
	/* Public by law (事前公开); "" = not filled in yet. */
	char duties[STORE_DUTIES_SIZE];              /* 主要职责 */
	char address[STORE_ADDRESS_SIZE];            /* 办公地址 */
	char phone[STORE_PHONE_SIZE];                /* 联系电话 */
	char complaint_channel[STORE_CHANNEL_SIZE];  /* 投诉举报渠道 */
};

int store_agency_insert(struct store_tx *tx, const struct store_agency *a, struct sx_error *err);
int store_agency_get(struct store_agency *out, struct store_tx *tx, const char *id,
		     struct sx_error *err);
/* Rewrites every column of agency a->id but id, credit_code, created_at and
 * created_by. SX_ENOTFOUND ("agency_not_found") when there is no such agency. */
int store_agency_update(struct store_tx *tx, const struct store_agency *a, struct sx_error *err);
/* All agencies ordered by region code then name. *out freed with sx_free. */
int store_agency_list(struct store_agency **out, size_t *count, struct store_tx *tx,
		      struct sx_error *err);

/* ---- users ---- */

struct store_user {
	char id[STORE_ID_SIZE];
	char username[STORE_USERNAME_SIZE];
	char display_name[STORE_NAME_SIZE];
	char agency_id[STORE_ID_SIZE];
	char role[STORE_ROLE_SIZE];
	char password_hash[STORE_HASH_SIZE];
	bool disabled;
	char password_changed_at[STORE_TIME_SIZE];
	char created_at[STORE_TIME_SIZE];
	char created_by[STORE_ID_SIZE + 32];
};

/* SX_EEXISTS when the username is taken. */
int store_user_insert(struct store_tx *tx, const struct store_user *u, struct sx_error *err);
int store_user_get(struct store_user *out, struct store_tx *tx, const char *id,
		   struct sx_error *err);
int store_user_get_by_username(struct store_user *out, struct store_tx *tx, const char *username,
			       struct sx_error *err);

struct store_user_filter {
	const char *agency_id;         /* NULL = any */
	const char *region_prefix;     /* agencies whose region code starts with this; NULL = any */
};
/* Users ordered by agency then username. *out freed with sx_free. */
int store_user_list(struct store_user **out, size_t *count, struct store_tx *tx,
		    const struct store_user_filter *filter, struct sx_error *err);
int store_user_set_disabled(struct store_tx *tx, const char *id, bool disabled,
			    struct sx_error *err);
int store_user_set_password(struct store_tx *tx, const char *id, const char *password_hash,
			    const char *changed_at, struct sx_error *err);

/* ---- sessions ---- */

struct store_session {
	char token_hash[STORE_TOKEN_SIZE];
	char user_id[STORE_ID_SIZE];
	char csrf_token[STORE_TOKEN_SIZE];
	char created_at[STORE_TIME_SIZE];
	char last_seen_at[STORE_TIME_SIZE];
	char expires_at[STORE_TIME_SIZE];
	char revoked_at[STORE_TIME_SIZE];   /* "" = live */
	char remote_addr[64];
};

int store_session_insert(struct store_tx *tx, const struct store_session *s, struct sx_error *err);
int store_session_get(struct store_session *out, struct store_tx *tx, const char *token_hash,
		      struct sx_error *err);
int store_session_touch(struct store_tx *tx, const char *token_hash, const char *at,
			struct sx_error *err);
/* Revokes one session (no-op if already revoked). */
int store_session_revoke(struct store_tx *tx, const char *token_hash, const char *at,
			 struct sx_error *err);
/* Revokes every live session of a user (disable, password change). */
int store_session_revoke_user(struct store_tx *tx, const char *user_id, const char *at,
			      struct sx_error *err);

/* ---- login throttling ---- */

struct store_throttle {
	int failures;
	char last_failure_at[STORE_TIME_SIZE];
	char blocked_until[STORE_TIME_SIZE];
};

/* SX_ENOTFOUND when the username has no recorded failures. */
int store_throttle_get(struct store_throttle *out, struct store_tx *tx, const char *username,
		       struct sx_error *err);
int store_throttle_put(struct store_tx *tx, const char *username, const struct store_throttle *t,
		       struct sx_error *err);
int store_throttle_clear(struct store_tx *tx, const char *username, struct sx_error *err);

/* ---- officers ---- */

struct store_officer {
	char id[STORE_ID_SIZE];
	char agency_id[STORE_ID_SIZE];
	char name[STORE_NAME_SIZE];
	char cert_no[STORE_CODE_SIZE];
	char cert_type[STORE_NAME_SIZE];
	char field[STORE_NAME_SIZE];
	char valid_from[11];
	char valid_to[11];
	char status[STORE_ROLE_SIZE];      /* active | suspended | revoked */
	char id_number[STORE_CODE_SIZE];   /* secret */
	char user_id[STORE_ID_SIZE];       /* "" = not linked */
	char created_at[STORE_TIME_SIZE];
	char created_by[STORE_ID_SIZE + 32];
	char photo_sha256[STORE_SHA256_HEX_SIZE]; /* blob hash of the photo; "" = none */
};

int store_officer_insert(struct store_tx *tx, const struct store_officer *o, struct sx_error *err);
/* The officer with that certificate number. SX_ENOTFOUND when none. */
int store_officer_get_by_cert(struct store_officer *out, struct store_tx *tx, const char *cert_no,
			      struct sx_error *err);
int store_officer_count(int64_t *out, struct store_tx *tx, const char *agency_id,
			struct sx_error *err);

/*
 * An officer as the public may see it (事前公开): there is deliberately no
 * id_number here, so that nothing above the store can publish it by mistake.
 */
struct store_officer_public {
	char agency_id[STORE_ID_SIZE];
	char agency_name[STORE_NAME_SIZE];
	char name[STORE_NAME_SIZE];
	char cert_no[STORE_CODE_SIZE];
	char cert_type[STORE_NAME_SIZE];
	char field[STORE_NAME_SIZE];
	char valid_from[11];
	char valid_to[11];
	char status[STORE_ROLE_SIZE];      /* active | suspended | revoked */
	char photo_sha256[STORE_SHA256_HEX_SIZE]; /* "" = none */
};

/*
 * Which officers a public list shows. query is matched literally (LIKE
 * wildcards and quotes in it are plain characters): an officer matches when
 * the query is a substring of the name or a prefix of the certificate number.
 * Name matching folds ASCII case on SQLite (LIKE); names are Chinese in
 * practice. Certificate prefixes match exactly.
 */
struct store_officer_filter {
	const char *agency_id;   /* NULL = any agency */
	const char *query;       /* NULL or "" = everyone */
	int64_t limit;           /* rows per page, >= 1 */
	int64_t offset;          /* rows skipped, >= 0 */
};

/*
 * One page of matching officers, ordered by agency (region code, name) then
 * certificate number. *out (sx_free) holds *count rows; *out is NULL when
 * *count is 0. SX_EINVALID for a NULL filter or limit < 1 / offset < 0.
 */
int store_officer_list(struct store_officer_public **out, size_t *count, struct store_tx *tx,
		       const struct store_officer_filter *filter, struct sx_error *err);

/* How many officers match filter (limit and offset ignored): the total for paging. */
int store_officer_list_count(int64_t *out, struct store_tx *tx,
			     const struct store_officer_filter *filter, struct sx_error *err);

/* ---- officers: staff side (store_officer.c) ---- */

/* The officer with that id. SX_ENOTFOUND ("officer_not_found") when none. */
int store_officer_get(struct store_officer *out, struct store_tx *tx, const char *id,
		      struct sx_error *err);

/*
 * Rewrites the changeable columns of the officer o->id: name, cert_type,
 * field, valid_from, valid_to, status, user_id ("" = not linked) and
 * photo_sha256 ("" = none). id, agency_id, cert_no, id_number, created_at and
 * created_by are never changed. SX_ENOTFOUND ("officer_not_found") when there
 * is no such officer; SX_EINVALID for a status the schema refuses or a user
 * id that does not exist.
 */
int store_officer_update(struct store_tx *tx, const struct store_officer *o,
			 struct sx_error *err);

/*
 * One page of matching officers as staff see them — whole rows, id_number
 * included, so callers must mask it (the service does) — ordered by
 * certificate number. The filter means what it means for store_officer_list,
 * and store_officer_list_count gives the total. *out (sx_free) holds *count
 * rows; *out is NULL when *count is 0. SX_EINVALID for a NULL filter or
 * limit < 1 / offset < 0.
 */
int store_officer_list_staff(struct store_officer **out, size_t *count, struct store_tx *tx,
			     const struct store_officer_filter *filter, struct sx_error *err);

/* The officer linked to that user account (the one with the lowest
 * certificate number, should there be several). SX_ENOTFOUND
 * ("officer_not_found") when the user is linked to none. */
int store_officer_by_user(struct store_officer *out, struct store_tx *tx, const char *user_id,
			  struct sx_error *err);

#define STORE_PHOTO_MAX_BYTES (512u * 1024)   /* as the CHECK of sql 0006 */
#define STORE_PHOTO_TYPE_SIZE 16

/* An officer photo (sql 0006): content-addressed, immutable. */
struct store_officer_photo {
	char sha256[STORE_SHA256_HEX_SIZE];        /* lower-case hex of the bytes */
	char content_type[STORE_PHOTO_TYPE_SIZE];  /* image/jpeg | image/png */
	unsigned char *data;                       /* owned when read (store_officer_photo_clear);
						    * borrowed when put */
	size_t size_bytes;                         /* 1..STORE_PHOTO_MAX_BYTES */
	char created_at[STORE_TIME_SIZE];
	char created_by[STORE_ID_SIZE + 32];
};

/*
 * Stores a photo unless a row with its sha256 exists already (then nothing is
 * written and 0 is returned: the same bytes are the same photo). The caller
 * computed p->sha256 from p->data; the store does not hash. SX_EINVALID for a
 * size outside 1..STORE_PHOTO_MAX_BYTES or a content type the schema refuses.
 */
int store_officer_photo_put(struct store_tx *tx, const struct store_officer_photo *p,
			    struct sx_error *err);

/*
 * Reads a photo with its bytes decoded. out->data is owned by the caller:
 * free with store_officer_photo_clear. SX_ENOTFOUND ("photo_not_found") when
 * there is none; SX_ECORRUPT when the stored text does not decode to
 * size_bytes bytes. On error out holds nothing to free.
 */
int store_officer_photo_get(struct store_officer_photo *out, struct store_tx *tx,
			    const char *sha256, struct sx_error *err);

/* Frees the bytes of a photo read by store_officer_photo_get and zeroes it; NULL is fine. */
void store_officer_photo_clear(struct store_officer_photo *p);

/* ---- public lists: versions of an agency's 执法事项清单 (sql 0005) ---- */

#define STORE_SUMMARY_SIZE 1537        /* 1536 bytes: 512 CJK characters */
#define STORE_MATTER_NAME_SIZE 385     /* as MATTER_NAME_SIZE */

/* One version of an agency's list. Content never changes once inserted; the
 * row changes once, from pending to approved or rejected. */
struct store_list_version {
	char id[STORE_ID_SIZE];
	char agency_id[STORE_ID_SIZE];
	int64_t version;                       /* 1, 2, 3 … per agency */
	char status[STORE_ROLE_SIZE];          /* pending | approved | rejected */
	char effective_from[11];               /* YYYY-MM-DD */
	char summary[STORE_SUMMARY_SIZE];      /* 修订说明 */
	int64_t item_count;
	char content_sha256[STORE_SHA256_HEX_SIZE];
	char created_at[STORE_TIME_SIZE];
	char created_by[STORE_ID_SIZE + 32];
	char decided_at[STORE_TIME_SIZE];      /* "" = pending */
	char decided_by[STORE_ID_SIZE + 32];   /* "" = pending */
	char decision_note[STORE_SUMMARY_SIZE];
};

/* One matter of a version. body is the canonical JSON of the whole matter. */
struct store_list_item {
	int64_t ord;                            /* 0-based position */
	char code[STORE_CODE_SIZE];
	char name[STORE_MATTER_NAME_SIZE];
	char act_type[STORE_ROLE_SIZE];         /* 许可 … 其他 */
	bool random_inspection;
	bool major_decision;
	char av_requirement[STORE_ROLE_SIZE];   /* none | key_steps | full_process */
	char *body;                             /* owned when read (store_list_items_free);
						 * borrowed when inserted */
};

/* SX_EEXISTS ("list_version_exists") when the agency already has that number. */
int store_list_version_insert(struct store_tx *tx, const struct store_list_version *v,
			      struct sx_error *err);
int store_list_item_insert(struct store_tx *tx, const char *version_id,
			   const struct store_list_item *item, struct sx_error *err);

/* The version with that number. SX_ENOTFOUND ("list_version_not_found"). */
int store_list_version_get(struct store_list_version *out, struct store_tx *tx,
			   const char *agency_id, int64_t version, struct sx_error *err);

/* The highest-numbered version with that status (NULL = any status).
 * SX_ENOTFOUND when there is none. */
int store_list_version_latest(struct store_list_version *out, struct store_tx *tx,
			      const char *agency_id, const char *status, struct sx_error *err);

/* The version in force on `today`: the highest-numbered approved version
 * whose effective_from ≤ today. SX_ENOTFOUND when none is in force yet. */
int store_list_version_current(struct store_list_version *out, struct store_tx *tx,
			       const char *agency_id, const char *today, struct sx_error *err);

/* An agency's versions, newest first; approved only unless include_all.
 * *out freed with sx_free. */
int store_list_version_list(struct store_list_version **out, size_t *count, struct store_tx *tx,
			    const char *agency_id, bool include_all, struct sx_error *err);

/* The highest version number of the agency; 0 when it has none. */
int store_list_version_max(int64_t *out, struct store_tx *tx, const char *agency_id,
			   struct sx_error *err);

/*
 * Decides a pending version: status becomes "approved" or "rejected",
 * effective_from is set (approval may move it later, see service/lists).
 * SX_ECONFLICT ("list_version_decided") when it is no longer pending.
 */
int store_list_version_decide(struct store_tx *tx, const char *id, const char *status,
			      const char *effective_from, const char *decided_at,
			      const char *decided_by, const char *note, struct sx_error *err);

/* Which items of a version to read. */
struct store_list_item_filter {
	const char *code;          /* NULL = every code */
	bool random_only;          /* only 随机抽查事项 */
	bool av_only;              /* only matters that require audio/video recording */
	bool with_body;            /* false leaves body NULL (lists that show names only) */
};

/* Items of a version in list order. *out (store_list_items_free) holds *count. */
int store_list_items(struct store_list_item **out, size_t *count, struct store_tx *tx,
		     const char *version_id, const struct store_list_item_filter *filter,
		     struct sx_error *err);
void store_list_items_free(struct store_list_item *items, size_t count);

/* ---- cases: 执法全过程记录 (sql 0007, store_case.c; docs/cases.md) ---- */

#define STORE_CASE_NO_SIZE 97           /* 案号 / 文号: 32 CJK characters */
#define STORE_CAUSE_SIZE 769            /* 案由: 256 CJK characters */
#define STORE_STAGE_SIZE 17             /* stage code */
#define STORE_REASON_SIZE 1537          /* 512 CJK characters */
#define STORE_TEMPLATE_CODE_SIZE 33
#define STORE_FILE_NAME_SIZE 256
#define STORE_CONTENT_TYPE_SIZE 128
#define STORE_DEVICE_SIZE 129
#define STORE_COORD_SIZE 24
#define STORE_SETTING_SIZE 1025

/* An agency's case settings. SX_ENOTFOUND from get when never set. */
struct store_case_settings {
	char agency_id[STORE_ID_SIZE];
	char doc_prefix[STORE_NAME_SIZE];      /* 文书简称, e.g. 示市监 */
	char updated_at[STORE_TIME_SIZE];
	char updated_by[STORE_ID_SIZE + 32];
};
int store_case_settings_get(struct store_case_settings *out, struct store_tx *tx,
			    const char *agency_id, struct sx_error *err);
/* Inserts or replaces the row of s->agency_id. */
int store_case_settings_put(struct store_tx *tx, const struct store_case_settings *s,
			    struct sx_error *err);

/* A case (一案一卷). party_id_code and party_phone are secrets: callers mask them. */
struct store_case {
	char id[STORE_ID_SIZE];
	char agency_id[STORE_ID_SIZE];
	char case_no[STORE_CASE_NO_SIZE];
	char kind[STORE_ROLE_SIZE];            /* penalty | inspection | coercion */
	char procedure[STORE_ROLE_SIZE];       /* general | simple */
	char matter_code[STORE_CODE_SIZE];
	char matter_name[STORE_MATTER_NAME_SIZE];
	int64_t list_version;
	char cause[STORE_CAUSE_SIZE];
	char party_type[STORE_ROLE_SIZE];      /* person | organization */
	char party_name[STORE_NAME_SIZE];
	char party_id_code[STORE_CODE_SIZE];
	char party_phone[STORE_PHONE_SIZE];
	char party_address[STORE_ADDRESS_SIZE];
	char stage[STORE_STAGE_SIZE];
	bool major;
	bool hearing_requested;
	char started_on[11];
	char due_on[11];                       /* "" = no deadline */
	int64_t extension_days;
	char decided_on[11];                   /* "" = not yet */
	char closed_on[11];
	char archived_on[11];
	char created_at[STORE_TIME_SIZE];
	char created_by[STORE_ID_SIZE + 32];
	char updated_at[STORE_TIME_SIZE];
};

/* SX_EEXISTS ("case_no_exists") when the agency already has that case number. */
int store_case_insert(struct store_tx *tx, const struct store_case *c, struct sx_error *err);
/* SX_ENOTFOUND ("case_not_found"). */
int store_case_get(struct store_case *out, struct store_tx *tx, const char *id,
		   struct sx_error *err);
/* The case with that 案号 (the party's lookup). SX_ENOTFOUND ("case_not_found"). A 案号 is
 * unique per agency only (it carries the agency's doc prefix, so in practice everywhere);
 * should two agencies share one, the oldest case is returned. */
int store_case_get_by_no(struct store_case *out, struct store_tx *tx, const char *case_no,
			 struct sx_error *err);
/*
 * Moves the case from expected_stage to c->stage and rewrites the columns
 * that change with it: stage, major, hearing_requested, due_on,
 * extension_days, decided_on, closed_on, archived_on, updated_at. Refuses
 * with SX_ECONFLICT ("stale_stage") when the stored stage is no longer
 * expected_stage (another request moved it first: a double submit changes
 * nothing); SX_ENOTFOUND when there is no such case. expected_stage may equal
 * c->stage for an update that does not move the stage.
 */
int store_case_update(struct store_tx *tx, const struct store_case *c, const char *expected_stage,
		      struct sx_error *err);

struct store_case_filter {
	const char *agency_id;     /* NULL = any (supervisors: see region_prefix) */
	const char *region_prefix; /* agencies whose region code starts with this; NULL = any */
	const char *officer_id;    /* cases that officer is on; NULL = any */
	const char *stage;         /* NULL = any */
	bool open_only;            /* stage not closed/archived */
	const char *overdue_on;    /* only cases whose due_on < this date and decided_on = ''; NULL = any */
	int64_t limit;             /* >= 1 */
	int64_t offset;            /* >= 0 */
};
/* Matching cases, newest first (created_at desc, id desc). *out (sx_free), NULL when *count 0.
 * SX_EINVALID for a NULL filter or a bad limit/offset. */
int store_case_list(struct store_case **out, size_t *count, struct store_tx *tx,
		    const struct store_case_filter *filter, struct sx_error *err);
int store_case_list_count(int64_t *out, struct store_tx *tx, const struct store_case_filter *filter,
			  struct sx_error *err);

/* Per stage of an agency's cases (NULL agency = all): calls cb for each stage with its count. */
int store_case_stage_counts(struct store_tx *tx, const char *agency_id,
			    int (*cb)(const char *stage, int64_t count, void *ctx), void *ctx,
			    struct sx_error *err);

struct store_case_officer {
	char case_id[STORE_ID_SIZE];
	char officer_id[STORE_ID_SIZE];
	char role[STORE_ROLE_SIZE];            /* lead | assist */
	char added_at[STORE_TIME_SIZE];
	char added_by[STORE_ID_SIZE + 32];
	struct store_officer officer;          /* joined: the officer as stored now */
};
/* SX_EEXISTS ("case_officer_exists") when already on the case. */
int store_case_officer_add(struct store_tx *tx, const struct store_case_officer *o,
			   struct sx_error *err);
/* Officers of a case, lead first then by certificate number. *out sx_free. */
int store_case_officers(struct store_case_officer **out, size_t *count, struct store_tx *tx,
			const char *case_id, struct sx_error *err);

struct store_case_transition {
	char id[STORE_ID_SIZE];
	char case_id[STORE_ID_SIZE];
	int64_t seq;
	char from_stage[STORE_STAGE_SIZE];     /* "" for the opening row */
	char to_stage[STORE_STAGE_SIZE];
	char reason[STORE_REASON_SIZE];
	char at[STORE_TIME_SIZE];
	char by_id[STORE_ID_SIZE + 32];
	char by_name[STORE_NAME_SIZE];
};
/* t->seq must be the next number (max + 1): SX_EEXISTS otherwise. */
int store_case_transition_insert(struct store_tx *tx, const struct store_case_transition *t,
				 struct sx_error *err);
/* In seq order. *out sx_free. */
int store_case_transitions(struct store_case_transition **out, size_t *count, struct store_tx *tx,
			   const char *case_id, struct sx_error *err);
/* Every transition of an agency's cases (NULL = all agencies), ordered by case then seq,
 * through cb (stops on a negative return): for statistics without loading everything. */
int store_case_transitions_each(struct store_tx *tx, const char *agency_id,
				int (*cb)(const struct store_case_transition *t, void *ctx), void *ctx,
				struct sx_error *err);

/* Takes the next number of (agency, doc_word, year): 1 for the first. Inside a write
 * transaction; the number is the writer's until commit, and given back by a rollback. */
int store_doc_counter_next(int64_t *out, struct store_tx *tx, const char *agency_id,
			   const char *doc_word, int64_t year, struct sx_error *err);

struct store_case_record {
	char id[STORE_ID_SIZE];
	char case_id[STORE_ID_SIZE];
	char stage[STORE_STAGE_SIZE];
	char template_code[STORE_TEMPLATE_CODE_SIZE];
	char title[STORE_NAME_SIZE];
	char doc_no[STORE_CASE_NO_SIZE];       /* "" = unnumbered */
	char doc_word[STORE_ROLE_SIZE + 16];
	int64_t doc_year;                      /* 0 = unnumbered */
	int64_t doc_seq;
	char field_act[STORE_ROLE_SIZE];       /* "" or a fieldact code */
	char made_on[11];
	char *values_json;                     /* owned when read (store_case_record_clear); borrowed on insert */
	char *body_text;                       /* idem */
	char content_sha256[STORE_SHA256_HEX_SIZE];
	bool served;
	char verify_hash[STORE_TOKEN_SIZE];    /* "" = not served */
	char supersedes[STORE_ID_SIZE];        /* "" = none */
	char created_at[STORE_TIME_SIZE];
	char created_by[STORE_ID_SIZE + 32];
};
void store_case_record_clear(struct store_case_record *r);
int store_case_record_insert(struct store_tx *tx, const struct store_case_record *r,
			     struct sx_error *err);
/* with_bodies false leaves values_json/body_text NULL. SX_ENOTFOUND ("record_not_found"). */
int store_case_record_get(struct store_case_record *out, struct store_tx *tx, const char *id,
			  bool with_bodies, struct sx_error *err);
/* Records of a case in creation order. *out freed with store_case_records_free. */
int store_case_records(struct store_case_record **out, size_t *count, struct store_tx *tx,
		       const char *case_id, bool with_bodies, struct sx_error *err);
void store_case_records_free(struct store_case_record *r, size_t count);

struct store_case_record_officer {
	char record_id[STORE_ID_SIZE];
	char officer_id[STORE_ID_SIZE];
	char name[STORE_NAME_SIZE];
	char cert_no[STORE_CODE_SIZE];
};
int store_case_record_officer_add(struct store_tx *tx, const struct store_case_record_officer *o,
				  struct sx_error *err);
int store_case_record_officers(struct store_case_record_officer **out, size_t *count,
			       struct store_tx *tx, const char *record_id, struct sx_error *err);

/* Evidence metadata shared by an upload in progress and the evidence it becomes. */
struct store_evidence_meta {
	char case_id[STORE_ID_SIZE];
	char stage[STORE_STAGE_SIZE];
	char kind[STORE_ROLE_SIZE];            /* video | audio | photo | file */
	int64_t size_bytes;
	char content_type[STORE_CONTENT_TYPE_SIZE];
	char file_name[STORE_FILE_NAME_SIZE];
	char captured_start[STORE_TIME_SIZE];  /* "" = not given */
	char captured_end[STORE_TIME_SIZE];
	char device_id[STORE_DEVICE_SIZE];
	char place[STORE_ADDRESS_SIZE];
	char lat[STORE_COORD_SIZE];            /* "" = none */
	char lon[STORE_COORD_SIZE];
	char officer_id[STORE_ID_SIZE];        /* "" = none */
	char description[STORE_REASON_SIZE];
};

struct store_upload {
	char id[STORE_ID_SIZE];
	struct store_evidence_meta meta;
	char status[STORE_ROLE_SIZE];          /* open | complete | aborted */
	char evidence_id[STORE_ID_SIZE];       /* "" until complete */
	char created_at[STORE_TIME_SIZE];
	char created_by[STORE_ID_SIZE + 32];
	char finished_at[STORE_TIME_SIZE];
};
int store_upload_insert(struct store_tx *tx, const struct store_upload *u, struct sx_error *err);
/* SX_ENOTFOUND ("upload_not_found"). */
int store_upload_get(struct store_upload *out, struct store_tx *tx, const char *id,
		     struct sx_error *err);
/* open → complete (with evidence_id) or aborted (evidence_id NULL or ""). SX_ECONFLICT
 * ("upload_finished") when no longer open; SX_ENOTFOUND ("upload_not_found"); SX_EINVALID
 * for another status, a complete without evidence_id or an empty finished_at. */
int store_upload_finish(struct store_tx *tx, const char *id, const char *status,
			const char *evidence_id, const char *finished_at, struct sx_error *err);

struct store_evidence {
	char id[STORE_ID_SIZE];
	struct store_evidence_meta meta;
	char sha256[STORE_SHA256_HEX_SIZE];
	char sm3[STORE_SHA256_HEX_SIZE];
	char created_at[STORE_TIME_SIZE];
	char created_by[STORE_ID_SIZE + 32];
	/* from evidence_deletion: "" = still kept */
	char deleted_at[STORE_TIME_SIZE];
	char deleted_by[STORE_ID_SIZE + 32];
	char delete_reason[STORE_REASON_SIZE];
};
int store_evidence_insert(struct store_tx *tx, const struct store_evidence *e, struct sx_error *err);
/* SX_ENOTFOUND ("evidence_not_found"). */
int store_evidence_get(struct store_evidence *out, struct store_tx *tx, const char *id,
		       struct sx_error *err);
/* Evidence of a case in creation order (deleted ones included, with deleted_at). *out sx_free. */
int store_evidence_list(struct store_evidence **out, size_t *count, struct store_tx *tx,
			const char *case_id, struct sx_error *err);
/* How many kept (not deleted) evidence rows name that blob. */
int store_evidence_blob_refs(int64_t *out, struct store_tx *tx, const char *sha256,
			     struct sx_error *err);
/* SX_EEXISTS ("evidence_deleted") when already deleted; SX_ENOTFOUND ("evidence_not_found"). */
int store_evidence_delete(struct store_tx *tx, const char *evidence_id, const char *reason,
			  const char *at, const char *by, struct sx_error *err);

struct store_recording_exemption {
	char id[STORE_ID_SIZE];
	char case_id[STORE_ID_SIZE];
	char stage[STORE_STAGE_SIZE];
	char reason[STORE_REASON_SIZE];
	char created_at[STORE_TIME_SIZE];
	char created_by[STORE_ID_SIZE + 32];
};
int store_recording_exemption_insert(struct store_tx *tx, const struct store_recording_exemption *e,
				     struct sx_error *err);
int store_recording_exemptions(struct store_recording_exemption **out, size_t *count,
			       struct store_tx *tx, const char *case_id, struct sx_error *err);

struct store_case_access {
	char id[STORE_ID_SIZE];
	char case_id[STORE_ID_SIZE];
	char agency_id[STORE_ID_SIZE];
	char object_type[STORE_ROLE_SIZE];     /* case | record | evidence | archive */
	char object_id[STORE_ID_SIZE];
	char action[STORE_ROLE_SIZE];          /* view | download | export | party_view */
	char reason[STORE_REASON_SIZE];
	char actor_id[STORE_ID_SIZE + 32];
	char actor_name[STORE_NAME_SIZE];
	char remote_addr[64];
	char at[STORE_TIME_SIZE];
};
int store_case_access_insert(struct store_tx *tx, const struct store_case_access *a,
			     struct sx_error *err);
struct store_case_access_filter {
	const char *case_id;       /* NULL = any */
	const char *agency_id;     /* NULL = any */
	const char *region_prefix; /* agencies whose region code starts with this; NULL = any */
	int64_t limit, offset;
};
/* Newest first. *out sx_free. */
int store_case_access_list(struct store_case_access **out, size_t *count, struct store_tx *tx,
			   const struct store_case_access_filter *filter, struct sx_error *err);
int store_case_access_count(int64_t *out, struct store_tx *tx,
			    const struct store_case_access_filter *filter, struct sx_error *err);

/* Installation settings (key → text). SX_ENOTFOUND ("setting_not_found") when unset;
 * SX_ETOOBIG when the value does not fit out_size (never truncated). put inserts or
 * replaces. */
int store_setting_get(char *out, size_t out_size, struct store_tx *tx, const char *key,
		      struct sx_error *err);
int store_setting_put(struct store_tx *tx, const char *key, const char *value, const char *at,
		      const char *by, struct sx_error *err);

/* ---- cases: statistics (store_case.c, end; service/case_stats) ----
 * Streams for per-agency statistics: each row goes to cb (a negative return
 * stops the stream and is returned), so the caller's memory does not grow
 * with the number of cases. cb must not start other queries on tx. */

/* The distinct (list_version, matter_code, kind) of an agency's cases, by list_version then
 * matter_code then kind: the matters whose 音像记录 stages the recording audit needs. */
int store_case_matters_each(struct store_tx *tx, const char *agency_id,
			    int (*cb)(int64_t list_version, const char *matter_code,
				      const char *kind, void *ctx),
			    void *ctx, struct sx_error *err);

/* One stage of one case for the recording audit: a stage the case has left at least once
 * (a transition from it) or the stage an open case is in now. */
struct store_case_stage_fact {
	char case_id[STORE_ID_SIZE];
	char case_no[STORE_CASE_NO_SIZE];
	char kind[STORE_ROLE_SIZE];
	int64_t list_version;
	char matter_code[STORE_CODE_SIZE];
	char stage[STORE_STAGE_SIZE];
	bool left;                             /* some transition left this stage */
	bool current;                          /* the case is in this stage now (not closed/archived) */
	bool has_video;                        /* kept (not deleted) video evidence of this stage */
	bool has_audio;                        /* idem, audio */
	char exemption_reason[STORE_REASON_SIZE]; /* a recording exemption of this stage; "" = none */
};
/* Every such stage of an agency's cases, newest case first (created_at desc, id desc), then
 * by stage code. SX_EINVALID for a NULL or empty agency_id or a NULL cb. */
int store_case_stage_facts_each(struct store_tx *tx, const char *agency_id,
				int (*cb)(const struct store_case_stage_fact *f, void *ctx),
				void *ctx, struct sx_error *err);

/* Every record of an agency's cases without bodies (values_json, body_text NULL), newest first
 * (created_at desc, id desc), with the case's 案号. SX_EINVALID for a NULL or empty agency_id
 * or a NULL cb. */
int store_case_records_each(struct store_tx *tx, const char *agency_id,
			    int (*cb)(const struct store_case_record *r, const char *case_no,
				      void *ctx),
			    void *ctx, struct sx_error *err);

/* Evidence for the retention report: every evidence row (kept and deleted) of
 * the agency's cases (NULL = all agencies), with its case's 案号 and 归档 date
 * ("" = not archived), ordered by case then creation, through cb (stops on a
 * negative return). */
int store_evidence_retention_each(struct store_tx *tx, const char *agency_id,
				  int (*cb)(const struct store_evidence *e, const char *case_no,
					    const char *archived_on, void *ctx),
				  void *ctx, struct sx_error *err);

/* ---- audit trail (append-only) ---- */

struct store_audit {
	const char *actor_id;
	const char *action;
	const char *object_type;
	const char *object_id;
	const char *detail;   /* may be NULL */
};

/* Appends one event stamped now with a fresh id. */
int store_audit_append(struct store_tx *tx, const struct store_audit *ev, struct sx_error *err);
int store_audit_count(int64_t *out, struct store_tx *tx, const char *action, struct sx_error *err);


/* ---- ledger (Merkle log storage; the tree logic is in src/ledger) ---- */

struct ledger_storage;

/* The storage operations for ledger_event_append; ctx is a write store_tx. */
const struct ledger_storage *store_ledger_storage(void);

/* Records the log's hash ("sha256" | "sm3") and origin once (at init).
 * SX_EEXISTS if already set. */
int store_ledger_meta_init(struct store_tx *tx, const char *hash_name, const char *origin,
			   struct sx_error *err);

/* Reads the log's meta. SX_ENOTFOUND when the ledger was never initialized. */
struct store_ledger_meta {
	char hash_name[16];
	char origin[256];
};
int store_ledger_meta_get(struct store_ledger_meta *out, struct store_tx *tx,
			  struct sx_error *err);

/* Number of leaves as tx sees it. */
int store_ledger_size(uint64_t *out, struct store_tx *tx, struct sx_error *err);

/* A stored subtree hash (raw 32 bytes). SX_ENOTFOUND when absent. */
int store_ledger_hash_get(unsigned char out[32], struct store_tx *tx, int level, uint64_t index,
			  struct sx_error *err);

struct store_ledger_leaf {
	uint64_t index;
	char kind[72];
	char entity_id[STORE_ID_SIZE + 32];
	char *data;               /* canonical JSON; owned, freed by store_ledger_leaf_clear */
	size_t data_len;
	unsigned char leaf_hash[32];
	char created_at[STORE_TIME_SIZE];
};
void store_ledger_leaf_clear(struct store_ledger_leaf *leaf);

/* Leaf at index. SX_ENOTFOUND when absent. */
int store_ledger_leaf_get(struct store_ledger_leaf *out, struct store_tx *tx, uint64_t index,
			  struct sx_error *err);

/* Leaves [from, from+count) in order through cb (stops on a negative return). */
int store_ledger_leaf_range(struct store_tx *tx, uint64_t from, uint64_t count,
			    int (*cb)(const struct store_ledger_leaf *leaf, void *ctx), void *ctx,
			    struct sx_error *err);

/* Indices of the leaves about an entity, ascending. *out freed with sx_free. */
int store_ledger_leaves_of(uint64_t **out, size_t *count, struct store_tx *tx,
			   const char *entity_id, struct sx_error *err);

struct store_ledger_checkpoint {
	uint64_t size;
	unsigned char root[32];
	char *note;               /* owned; freed by store_ledger_checkpoint_clear */
	size_t note_len;
	char created_at[STORE_TIME_SIZE];
};
void store_ledger_checkpoint_clear(struct store_ledger_checkpoint *c);

int store_ledger_checkpoint_insert(struct store_tx *tx, uint64_t size, const unsigned char root[32],
				   const char *note, struct sx_error *err);
/* The newest checkpoint. SX_ENOTFOUND when none was published yet. */
int store_ledger_checkpoint_latest(struct store_ledger_checkpoint *out, struct store_tx *tx,
				   struct sx_error *err);
/* The checkpoint of exactly that size. SX_ENOTFOUND when none. */
int store_ledger_checkpoint_at(struct store_ledger_checkpoint *out, struct store_tx *tx,
			       uint64_t size, struct sx_error *err);

/* ---- copying a whole installation between backends (store_copy.c) ---- */

/* Called after each committed batch (table_done false) and once per table at its end
 * (table_done true); rows is how many rows of that table are copied so far. */
typedef void (*store_copy_progress_fn)(const char *table, int64_t rows, bool table_done,
				       void *ctx);

/* The tables store_copy copies, in copy (dependency) order; name NULL past the end. */
size_t store_copy_table_count(void);
const char *store_copy_table_name(size_t i);

/*
 * Copies every row of src into dst: each table of store_copy_table_name in
 * order, rows in primary-key order, batch_rows rows per write transaction on
 * dst (src is read in one read transaction). Both stores are open, hence at
 * the binary's schema version; schema_version itself is not copied.
 *
 * Returns 0; SX_EINVALID for NULL stores, dst == src or batch_rows 0;
 * SX_ECONFLICT "destination_not_empty" when dst holds any row and
 * "schema_mismatch" when a table's columns differ; SX_EINTERNAL
 * "table_not_listed" when src holds a table the list lacks; the driver's
 * codes. On error the batches committed so far stay in dst: dst is then not
 * empty and must be emptied (or recreated) before another attempt.
 */
int store_copy(struct store *dst, struct store *src, size_t batch_rows,
	       store_copy_progress_fn progress, void *ctx, struct sx_error *err);

/* Whether no table of the copy list holds a row. */
int store_copy_is_empty(bool *out, struct store *st, struct sx_error *err);

/* Rows of one listed table (or schema_version) as tx sees it; SX_EINVALID for other names. */
int store_table_row_count(int64_t *out, struct store_tx *tx, const char *table,
			  struct sx_error *err);

/* The first table of the database (by name) that is neither in the copy list nor
 * schema_version, into out; "" when every table is listed. */
int store_copy_unlisted_table(char *out, size_t out_size, struct store_tx *tx,
			      struct sx_error *err);

#endif
