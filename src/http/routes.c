/*
 * http/routes — the route table. Every URL the server answers is here, so
 * that docs/api.md and the route-walking security tests have one source.
 */
#include "http/case_stats_api.h"
#include "http/case_stats_pages.h"
#include "http/cases_handlers.h"
#include "http/cases_pages.h"
#include "http/evidence_api.h"
#include "http/handlers.h"
#include "http/lists_api.h"
#include "http/lists_handlers.h"
#include "http/officers_handlers.h"
#include "http/party_pages.h"
#include "http/staff_import.h"
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
	{"POST", "/api/v1/agencies", api_agency_create, true},
	{"POST", "/api/v1/agencies/:id", api_agency_update, true},
	{"POST", "/api/v1/agencies/:id/deactivate", api_agency_deactivate, true},
	{"POST", "/api/v1/agencies/:id/activate", api_agency_activate, true},
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
	{"POST", "/api/v1/officers", api_officers_create, true},
	{"POST", "/api/v1/officers/:cert_no", api_officer_update, true},
	{"POST", "/api/v1/officers/:cert_no/status", api_officer_status, true},
	{"POST", "/api/v1/officers/:cert_no/user", api_officer_user, true},
	{"PUT", "/api/v1/officers/:cert_no/photo", api_officer_photo_put, true},
	{"GET", "/api/v1/staff/officers", api_staff_officers_list, true},
	{"GET", "/api/v1/staff/officers/:cert_no", api_staff_officer_get, true},
	{"GET", "/officers/photo/:sha256", page_officer_photo, false},
	{"POST", "/api/v1/agencies/:id/list-versions", api_list_submit, true},
	{"POST", "/api/v1/agencies/:id/list-versions/:n/approve", api_list_approve, true},
	{"POST", "/api/v1/agencies/:id/list-versions/:n/reject", api_list_reject, true},
	{"POST", "/api/v1/agencies/:id/officers/import", api_import_officers, true},
	{"POST", "/api/v1/agencies/:id/matters/import", api_import_matters, true},
	{"POST", "/api/v1/cases", api_cases_create, true},
	{"GET", "/api/v1/cases", api_cases_list, true},
	{"GET", "/api/v1/cases/:id", api_case_get, true},
	{"POST", "/api/v1/cases/:id/move", api_case_move, true},
	{"POST", "/api/v1/cases/:id/hearing", api_case_hearing, true},
	{"POST", "/api/v1/cases/:id/extend", api_case_extend, true},
	{"POST", "/api/v1/cases/:id/exemptions", api_case_exempt, true},
	{"POST", "/api/v1/cases/:id/records", api_case_record_create, true},
	{"GET", "/api/v1/cases/:id/accesses", api_case_accesses, true},
	{"POST", EVIDENCE_API_UPLOAD_CREATE, api_upload_create, true},
	{"GET", EVIDENCE_API_UPLOAD, api_upload_get, true},
	{"DELETE", EVIDENCE_API_UPLOAD, api_upload_delete, true},
	{"GET", EVIDENCE_API_CONTENT, api_evidence_content, true},
	{"GET", "/api/v1/records/:id", api_record_get, true},
	{"GET", "/api/v1/records/:id/pdf", api_record_pdf, true},
	{"GET", "/api/v1/templates", api_templates_list, true},
	{"GET", "/api/v1/templates/:code", api_template_get, true},
	{"GET", "/api/v1/accesses", api_accesses_list, true},
	{"GET", CASE_STATS_API_PATH, api_case_stats_get, true},
	{"POST", "/api/v1/agencies/:id/case-settings", api_case_settings_put, true},
	{"GET", "/api/v1/retention-policy", api_retention_get, true},
	{"POST", "/api/v1/retention-policy", api_retention_put, true},
	{"GET", "/api/v1/retention-report", api_retention_report, true},
	{"POST", "/api/v1/evidence/:id/delete", api_evidence_delete, true},
	{"GET", "/api/v1/party/documents", api_party_documents, false},
	{"GET", "/party", page_party_form, false},
	{"POST", "/party", page_party_lookup, false},
	{"POST", "/party/pdf", page_party_pdf, false},
	{"GET", "/staff/cases", page_staff_cases, true},
	{"GET", "/staff/cases/new", page_staff_case_new, true},
	/* Before "/staff/cases/:id": the first matching pattern wins (router.c). */
	{"GET", CASE_STATS_PAGES_PATH, page_staff_case_stats, true},
	{"GET", CASE_STATS_PAGES_CSV_PATH, page_staff_case_stats_csv, true},
	{"POST", "/staff/cases", page_staff_case_create, true},
	{"GET", "/staff/cases/:id", page_staff_case, true},
	{"POST", "/staff/cases/:id/move", page_staff_case_move, true},
	{"POST", "/staff/cases/:id/exemptions", page_staff_case_exempt, true},
	{"POST", "/staff/cases/:id/extend", page_staff_case_extend, true},
	{"POST", "/staff/cases/:id/hearing", page_staff_case_hearing, true},
	{"GET", "/staff/cases/:id/records/new", page_staff_record_new, true},
	{"POST", "/staff/cases/:id/records", page_staff_record_create, true},
	{"GET", "/", page_index, false},
	{"GET", "/static/:file", page_static, false},
	{"GET", "/staff/login", page_login_form, false},
	{"POST", "/staff/login", page_login_submit, false},
	{"GET", "/staff", page_staff_redirect, false},
	{"GET", "/staff/", page_staff_home, true},
	{"POST", "/staff/logout", page_logout, true},
	{"GET", "/staff/lists", page_staff_lists, true},
	{"GET", "/staff/import", page_staff_import_form, true},
	{"POST", "/staff/import", page_staff_import_submit, true},
	{"GET", "/staff/officers", page_staff_officers, true},
	{"GET", "/staff/officers/:cert_no", page_staff_officer, true},
	{"POST", "/staff/officers/:cert_no/reveal", page_staff_officer_reveal, true},
	{"POST", "/staff/officers/:cert_no/status", page_staff_officer_status, true},
	{"POST", "/staff/lists/:n/approve", page_staff_list_approve, true},
	{"POST", "/staff/lists/:n/reject", page_staff_list_reject, true},
};

const size_t http_route_count = sizeof(http_routes) / sizeof(http_routes[0]);

/* Routes whose body streams to the handler as it arrives (router.h): not
 * buffered, not capped by --max-body-bytes. */
const struct http_stream_route http_stream_routes[] = {
	{"PUT", EVIDENCE_API_UPLOAD, api_upload_put_begin, api_upload_put_chunk, api_upload_put_end,
	 api_upload_put_abort, true},
};

const size_t http_stream_route_count = sizeof(http_stream_routes) / sizeof(http_stream_routes[0]);
