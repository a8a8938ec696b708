/*
 * service/imports — bulk import of officers and 执法事项 from the CSV files
 * agencies export from their spreadsheets (formats: docs/import.md).
 *
 * All or nothing: the whole file is checked first (domain/import), then
 * checked against the database (certificate numbers already registered), and
 * only a file without a single bad row is written, in one transaction. A
 * rejected file leaves the database exactly as it was and comes back with a
 * report that lists every bad row in Chinese, so that the clerk fixes the
 * file once.
 *
 * Officers are written directly (the registry is not versioned). Matters
 * become a new pending version of the agency's list: the latest approved
 * version with the file's matters applied (a code already in the list is
 * replaced, a new code is appended), which then goes through approval like
 * any other change (service/lists).
 *
 * Permissions are those of the single-record operations:
 * account_can_manage_officers / account_can_draft_lists, for the actor's own
 * agency (any agency for an admin).
 */
#ifndef SX_SERVICE_IMPORTS_H
#define SX_SERVICE_IMPORTS_H

#include "domain/import.h"
#include "service/lists.h"
#include "service/service.h"

/*
 * Imports officers into agency_id. *result holds the report (and is cleared
 * by import_result_clear; the records are consumed). *imported gets the
 * number of officers written (0 on any error).
 * Errors: SX_EPERM "forbidden"; SX_ENOTFOUND "agency_not_found";
 * SX_EINVALID "import_rejected" (see result->report), CSV errors; store errors.
 */
int service_import_officers(struct import_result *result, size_t *imported,
			    const struct service *svc, const struct service_actor *actor,
			    const char *agency_id, const char *data, size_t len,
			    import_progress_fn progress, void *ctx, struct sx_error *err);

/*
 * Imports matters as a new pending version of agency_id's list (see the
 * header comment), with effective_from and summary as in service_list_submit.
 * *out receives the new version.
 */
int service_import_matters(struct service_list_version *out, struct import_result *result,
			   const struct service *svc, const struct service_actor *actor,
			   const char *agency_id, const char *data, size_t len,
			   const char *effective_from, const char *summary,
			   import_progress_fn progress, void *ctx, struct sx_error *err);

#endif
