/* service/registry — see registry.h. */
#include "service/registry.h"

#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "base/time.h"
#include "domain/officer.h"

int service_agency_list_public(struct service_agency **out, size_t *count,
			       const struct service *svc, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_agency *rows = NULL;
	struct service_agency *items = NULL;
	size_t n = 0, kept = 0;
	int rc;

	*out = NULL;
	*count = 0;
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	rc = store_agency_list(&rows, &n, tx, err);
	store_rollback(tx);
	if (rc < 0)
		return rc;
	items = sx_calloc(n ? n : 1, sizeof(*items));
	if (items == NULL) {
		sx_free(rows);
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	}
	for (size_t i = 0; i < n; i++) {
		struct service_agency *a = &items[kept];

		if (!rows[i].active)
			continue;
		snprintf(a->id, sizeof(a->id), "%s", rows[i].id);
		snprintf(a->name, sizeof(a->name), "%s", rows[i].name);
		snprintf(a->credit_code, sizeof(a->credit_code), "%s", rows[i].credit_code);
		snprintf(a->level, sizeof(a->level), "%s", rows[i].level);
		snprintf(a->region_code, sizeof(a->region_code), "%s", rows[i].region_code);
		kept++;
	}
	sx_free(rows);
	*out = items;
	*count = kept;
	return 0;
}

int service_officer_verify(struct service_officer_public *out, const struct service *svc,
			   const char *cert_no, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_officer officer;
	struct store_agency agency;
	enum officer_credential_state state;
	int y, m, d;
	int rc;

	memset(out, 0, sizeof(*out));
	if (cert_no == NULL || !officer_cert_no_is_well_formed(cert_no, strlen(cert_no)))
		return sx_error_set(err, SX_EINVALID, "bad_cert_no",
				    "执法证号格式不正确（应为 4–32 位数字或字母）");
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	rc = store_officer_get_by_cert(&officer, tx, cert_no, err);
	if (rc == 0)
		rc = store_agency_get(&agency, tx, officer.agency_id, err);
	store_rollback(tx);
	if (rc < 0)
		return rc;
	/* Validity is a matter of the calendar date where the officer stands. */
	sx_time_shanghai_date(&y, &m, &d, sx_time_now_us());
	sx_date_format(out->checked_on, y, m, d);
	if (officer_credential_state(&state, officer.status, officer.valid_from, officer.valid_to,
				     out->checked_on) < 0)
		return sx_error_setf(err, SX_ECORRUPT, NULL, NULL, "officer %s: bad status or dates",
				     officer.id);
	snprintf(out->name, sizeof(out->name), "%s", officer.name);
	snprintf(out->cert_no, sizeof(out->cert_no), "%s", officer.cert_no);
	snprintf(out->cert_type, sizeof(out->cert_type), "%s", officer.cert_type);
	snprintf(out->field, sizeof(out->field), "%s", officer.field);
	snprintf(out->agency_id, sizeof(out->agency_id), "%s", agency.id);
	snprintf(out->agency_name, sizeof(out->agency_name), "%s", agency.name);
	snprintf(out->valid_from, sizeof(out->valid_from), "%s", officer.valid_from);
	snprintf(out->valid_to, sizeof(out->valid_to), "%s", officer.valid_to);
	snprintf(out->status, sizeof(out->status), "%s", officer.status);
	out->state = (int)state;
	return 0;
}
