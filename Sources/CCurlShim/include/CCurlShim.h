// Non-variadic wrappers around libcurl's variadic `curl_easy_setopt`, `curl_multi_setopt` and
// `curl_easy_getinfo`, which Swift cannot call directly (see swift-corelibs-foundation's
// CFURLSessionInterface.h for the same approach).
//
// Handles are passed as `void *` (libcurl's `CURL` and `CURLM` are `void` typedefs) and options/codes as
// plain integers, so this header does not include <curl/curl.h> and does not duplicate curl's declarations
// in a second Clang module; the Swift wrapper passes `CURLoption.rawValue` and friends.
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A libcurl data callback (`CURLOPT_WRITEFUNCTION`, `CURLOPT_HEADERFUNCTION`).
typedef size_t (*gplr_curl_data_callback)(char *data, size_t size, size_t count, void *userdata);

int gplr_curl_easy_setopt_long(void *handle, unsigned int option, long value);
int gplr_curl_easy_setopt_int64(void *handle, unsigned int option, long long value);
int gplr_curl_easy_setopt_string(void *handle, unsigned int option, const char *value);
int gplr_curl_easy_setopt_pointer(void *handle, unsigned int option, void *value);
int gplr_curl_easy_setopt_callback(void *handle, unsigned int option, gplr_curl_data_callback callback);

int gplr_curl_easy_getinfo_long(void *handle, unsigned int info, long *value);
int gplr_curl_easy_getinfo_double(void *handle, unsigned int info, double *value);

int gplr_curl_multi_setopt_long(void *multi, unsigned int option, long value);

#ifdef __cplusplus
}
#endif
