/* service/registry — see registry.h. */
#include "service/registry.h"

#include <stdio.h>
#include <string.h>

#include "base/mem.h"

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
