/*
 * service/calendar — the working-day calendar as sanxiang uses it: the years
 * compiled into the binary (data/calendar/cn-holidays.json, embedded as the
 * asset "calendar/cn-holidays.json") plus the years an administrator imported
 * into the database, and that import.
 *
 * Precedence: a year both built in and imported is taken from the database,
 * so that installing a newer binary never moves a deadline this installation
 * has already computed (docs/calendar.md). Imports must extend the known
 * years without a gap, one year per file, and are recorded in the audit
 * trail and as the public ledger event "calendar.import" carrying the year,
 * the file's "source" and the SHA-256 of the file, which is stored byte for
 * byte so that anyone can recompute it.
 *
 * Does not: cache (each call loads afresh; a caller that answers many
 * questions keeps its struct calendar), or fetch notices from anywhere.
 */
#ifndef SX_SERVICE_CALENDAR_H
#define SX_SERVICE_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "calendar/calendar.h"
#include "service/service.h"

/* The embedded asset holding the built-in years. */
#define SERVICE_CALENDAR_ASSET "calendar/cn-holidays.json"

/*
 * Loads the built-in years into *out (initialised here; release with
 * calendar_clear). Returns 0, SX_EINTERNAL ("calendar_data_missing": the
 * binary was built without the asset, or it fails validation), SX_ENOMEM.
 * On error *out is empty.
 */
int service_calendar_load_builtin(struct calendar *out, struct sx_error *err);

/*
 * Loads the built-in years, then the imported ones (in import order, each
 * replacing a built-in year of the same number), into *out (initialised here;
 * release with calendar_clear). svc may be NULL, or have no store: then only
 * the built-in years are loaded.
 * Returns 0, the errors of service_calendar_load_builtin, SX_ECORRUPT
 * ("calendar_data_corrupt": a stored year no longer parses, or leaves a gap),
 * or the database's errors. On error *out is empty.
 */
int service_calendar_load(struct calendar *out, const struct service *svc, struct sx_error *err);

/* What an import recorded. */
struct service_calendar_import {
	int year;
	char sha256[65];                   /* lower-case hex SHA-256 of the file as given */
	char source[CALENDAR_SOURCE_SIZE]; /* the file's "source" */
	uint64_t ledger_index;             /* leaf of the "calendar.import" event */
};

/*
 * Imports one year from a data file (calendar.h format; text[0..len), need
 * not be NUL-terminated). Admins only.
 *
 * Returns 0 and fills *out (may be NULL), or:
 *   SX_EPERM     the actor is not an admin ("forbidden");
 *   SX_EINVALID  the file is invalid ("calendar_data_invalid"), holds other
 *                than exactly one year ("calendar_import_one_year"), or would
 *                leave a gap in the known years ("calendar_year_gap");
 *   SX_EEXISTS   the year is already known, built in or imported
 *                ("calendar_year_exists");
 *   SX_ETOOBIG   len > CALENDAR_FILE_MAX_BYTES;
 *   SX_ENOMEM, and the database's and the ledger's errors.
 * On error nothing is written.
 */
int service_calendar_import(struct service_calendar_import *out, const struct service *svc,
			    const struct service_actor *actor, const char *text, size_t len,
			    struct sx_error *err);

#endif
