/*
 * base/error — the one project-wide error enum and the error record that
 * travels beside it.
 *
 * Every function that can fail returns int: 0 on success or a negative
 * SX_E* code. When the caller needs to tell a person what went wrong, the
 * function also fills a struct sx_error: a stable machine code (the same words
 * the JSON API puts in {"error":{"code":…}}), a message for people in Chinese,
 * and a detail for the log (SQL text, file paths, library errors). The detail
 * never reaches a client; the HTTP layer maps codes to statuses in exactly one
 * function (http_status_for_error).
 *
 * Invariants: messages and details are NUL-terminated and truncated to fit;
 * struct sx_error owns no heap memory, so it can live on the stack and needs no
 * free.
 */
#ifndef SX_BASE_ERROR_H
#define SX_BASE_ERROR_H

#include <stddef.h>

enum sx_errno {
	SX_OK = 0,
	SX_EINVALID = -1,   /* bad argument or malformed input */
	SX_ENOTFOUND = -2,  /* the thing asked for does not exist */
	SX_EEXISTS = -3,    /* a unique value is already taken */
	SX_EPERM = -4,      /* the actor may not do this */
	SX_ECONFLICT = -5,  /* the state does not allow it (stale version, wrong stage) */
	SX_ETOOBIG = -6,    /* input exceeds a hard limit */
	SX_ENOMEM = -7,     /* allocation failed */
	SX_EIO = -8,        /* file or database I/O failed */
	SX_EBUSY = -9,      /* resource locked; retry later */
	SX_ENOSPC = -10,    /* disk full */
	SX_EAUTH = -11,     /* not authenticated, or credentials wrong */
	SX_ETHROTTLED = -12,/* too many attempts; wait before retrying */
	SX_ELOCKED = -13,   /* account locked */
	SX_ETOONEW = -14,   /* database schema is newer than this binary */
	SX_ECORRUPT = -15,  /* stored data failed an integrity check */
	SX_EINTERNAL = -16, /* a bug or an unexpected library failure */
	SX_ECSRF = -17,     /* CSRF token missing or wrong */
	SX_EUNSUPPORTED = -18, /* media type or feature not supported */
	SX_EMETHOD = -19,   /* the resource exists but not with that method */
};

#define SX_ERROR_CODE_MAX 48
#define SX_ERROR_MESSAGE_MAX 256
#define SX_ERROR_DETAIL_MAX 512

struct sx_error {
	int rc;                               /* SX_E* code; 0 when unset */
	char code[SX_ERROR_CODE_MAX];         /* stable word for programs, e.g. "review_required" */
	char message[SX_ERROR_MESSAGE_MAX];   /* for people, zh-CN */
	char detail[SX_ERROR_DETAIL_MAX];     /* for the log only; may be empty */
};

/* Clears err (err may be NULL). */
void sx_error_clear(struct sx_error *err);

/*
 * Records a failure in err (which may be NULL, then only rc is returned).
 * code: stable word; NULL uses sx_errno_code(rc). message: zh-CN, NULL uses
 * sx_errno_message(rc). Returns rc so that callers can write
 * `return sx_error_set(err, SX_EINVALID, "bad_json", "请求体不是合法的 JSON");`.
 */
int sx_error_set(struct sx_error *err, int rc, const char *code, const char *message);

/* Like sx_error_set but also stores a printf-formatted detail for the log. */
int sx_error_setf(struct sx_error *err, int rc, const char *code, const char *message,
		  const char *detail_fmt, ...) __attribute__((format(printf, 5, 6)));

/* The default stable word for an SX_E* code ("not_found", "invalid", …). */
const char *sx_errno_code(int rc);

/* The default zh-CN message for an SX_E* code. */
const char *sx_errno_message(int rc);

#endif
