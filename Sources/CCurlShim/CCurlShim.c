#include "CCurlShim.h"

#include <curl/curl.h>

int gplr_curl_easy_setopt_long(void *handle, unsigned int option, long value) {
    return (int)curl_easy_setopt((CURL *)handle, (CURLoption)option, value);
}

int gplr_curl_easy_setopt_int64(void *handle, unsigned int option, long long value) {
    return (int)curl_easy_setopt((CURL *)handle, (CURLoption)option, (curl_off_t)value);
}

int gplr_curl_easy_setopt_string(void *handle, unsigned int option, const char *value) {
    return (int)curl_easy_setopt((CURL *)handle, (CURLoption)option, value);
}

int gplr_curl_easy_setopt_pointer(void *handle, unsigned int option, void *value) {
    return (int)curl_easy_setopt((CURL *)handle, (CURLoption)option, value);
}

int gplr_curl_easy_setopt_callback(void *handle, unsigned int option, gplr_curl_data_callback callback) {
    return (int)curl_easy_setopt((CURL *)handle, (CURLoption)option, callback);
}

int gplr_curl_easy_getinfo_long(void *handle, unsigned int info, long *value) {
    return (int)curl_easy_getinfo((CURL *)handle, (CURLINFO)info, value);
}

int gplr_curl_easy_getinfo_double(void *handle, unsigned int info, double *value) {
    return (int)curl_easy_getinfo((CURL *)handle, (CURLINFO)info, value);
}

int gplr_curl_multi_setopt_long(void *multi, unsigned int option, long value) {
    return (int)curl_multi_setopt((CURLM *)multi, (CURLMoption)option, value);
}
