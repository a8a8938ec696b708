/* http/staff_import — importing officers and 执法事项 from the browser (see staff_import.c). */
#ifndef SX_HTTP_STAFF_IMPORT_H
#define SX_HTTP_STAFF_IMPORT_H

#include "http/http.h"

/* GET /staff/import: the upload form, the size limit and the file formats. */
int page_staff_import_form(struct http_request *req, struct http_response *resp);

/* POST /staff/import (multipart/form-data): imports the file and shows the
 * result, or the per-row report of a rejected file with the form again. */
int page_staff_import_submit(struct http_request *req, struct http_response *resp);

#endif
