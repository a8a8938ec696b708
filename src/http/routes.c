/*
 * http/routes — the route table. Every URL the server answers is here, so
 * that docs/api.md and the route-walking security tests have one source.
 */
#include "http/handlers.h"
#include "http/lists_api.h"
#include "http/lists_handlers.h"
#include "http/staff_lists.h"
#include "http/router.h"

const struct http_route http_routes[] = {
	{"GET", "/healthz", api_healthz, false},
	{"POST", "/api/v1/session", api_session_create, false},
	{"GET", "/api/v1/session", api_session_get, true},
	{"DELETE", "/api/v1/session", api_session_delete, true},
	{"GET", "/api/v1/users", api_users_list, true},
	{"POST", "/api/v1/users", api_users_create, true},
	{"GET", "/api/v1/users/:id", api_user_get, true},
	{"POST", "/api/v1/users/:id/disable", api_user_disable, true},
	{"POST", "/api/v1/users/:id/password", api_user_password, true},
	{"GET", "/ledger/checkpoint", ledger_checkpoint_get, false},
	{"GET", "/ledger/keys", ledger_keys_get, false},
	{"GET", "/ledger/tile/*", ledger_tile_get, false},
	{"GET", "/api/v1/ledger/proof/inclusion", ledger_proof_inclusion_get, false},
	{"GET", "/api/v1/ledger/proof/consistency", ledger_proof_consistency_get, false},
	{"GET", "/verify/officer", page_verify_officer, false},
	{"GET", "/verify/officer/qr.svg", page_verify_officer_qr_svg, false},
	{"GET", "/verify/officer/qr.png", page_verify_officer_qr_png, false},
	{"GET", "/api/v1/verify/officer", api_verify_officer, false},
	{"GET", "/agencies", page_agencies, false},
	{"GET", "/agencies/:id", page_agency, false},
	{"GET", "/officers", page_officers, false},
	{"GET", "/api/v1/agencies", api_agencies_list, false},
	{"GET", "/api/v1/agencies/:id", api_agency_get, false},
	{"GET", "/agencies/:id/matters", page_matters, false},
	{"GET", "/agencies/:id/matters/:code", page_matter, false},
	{"GET", "/agencies/:id/matters/:code/flowchart.svg", page_matter_flowchart_svg, false},
	{"GET", "/agencies/:id/random-inspection", page_random_inspection, false},
	{"GET", "/agencies/:id/discretion", page_discretion, false},
	{"GET", "/agencies/:id/av-list", page_av_list, false},
	{"GET", "/agencies/:id/versions", page_list_versions, false},
	{"GET", "/agencies/:id/versions/:n", page_list_version, false},
	{"GET", "/api/v1/agencies/:id/matters", api_matters_list, false},
	{"GET", "/api/v1/agencies/:id/matters/:code", api_matter_get, false},
	{"GET", "/api/v1/agencies/:id/list-versions", api_list_versions_list, false},
	{"GET", "/api/v1/agencies/:id/list-versions/:n", api_list_version_get, false},
	{"GET", "/api/v1/officers", api_officers_list, false},
	{"POST", "/api/v1/agencies/:id/list-versions", api_list_submit, true},
	{"POST", "/api/v1/agencies/:id/list-versions/:n/approve", api_list_approve, true},
	{"POST", "/api/v1/agencies/:id/list-versions/:n/reject", api_list_reject, true},
	{"POST", "/api/v1/agencies/:id/officers/import", api_import_officers, true},
	{"POST", "/api/v1/agencies/:id/matters/import", api_import_matters, true},
	{"GET", "/", page_index, false},
	{"GET", "/static/:file", page_static, false},
	{"GET", "/staff/login", page_login_form, false},
	{"POST", "/staff/login", page_login_submit, false},
	{"GET", "/staff", page_staff_redirect, false},
	{"GET", "/staff/", page_staff_home, true},
	{"POST", "/staff/logout", page_logout, true},
	{"GET", "/staff/lists", page_staff_lists, true},
	{"POST", "/staff/lists/:n/approve", page_staff_list_approve, true},
	{"POST", "/staff/lists/:n/reject", page_staff_list_reject, true},
};

const size_t http_route_count = sizeof(http_routes) / sizeof(http_routes[0]);
