/* Compiled, never run: sslshim's generated header next to OpenSSL's. C
 * refuses two declarations of one function that differ, so this compiles
 * with -Werror only if every signature sslshim exports is OpenSSL's. */
#include <openssl/ssl.h>

#include "sslshim.h"

int main(void) {
    return 0;
}
