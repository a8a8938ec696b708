/* base/embedded — lookup over the generated asset table (see embedded.h). */
#include "base/embedded.h"

#include <string.h>

const struct embedded_asset *embedded_asset_find(const char *path)
{
	for (size_t i = 0; i < embedded_asset_count; i++) {
		if (strcmp(embedded_assets[i].path, path) == 0)
			return &embedded_assets[i];
	}
	return NULL;
}
