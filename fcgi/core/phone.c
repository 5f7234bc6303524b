#include "phone.h"

#include <string.h>

int
phone_digits(const char *in, char *out, size_t outlen)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)in;

	if (in == NULL || outlen == 0)
		return -1;
	while (*p != '\0') {
		if (n + 1 >= outlen)
			return -1;
		if (*p >= '0' && *p <= '9') {
			out[n++] = (char)*p++;
		} else if (*p == '+' && n == 0) {
			out[n++] = '+';
			p++;
		} else if (*p == ' ' || *p == '-' || *p == '(' || *p == ')') {
			p++;
		} else if (p[0] == 0xD9 && p[1] >= 0xA0 && p[1] <= 0xA9) {
			out[n++] = (char)('0' + (p[1] - 0xA0));   /* U+0660..U+0669 */
			p += 2;
		} else if (p[0] == 0xDB && p[1] >= 0xB0 && p[1] <= 0xB9) {
			out[n++] = (char)('0' + (p[1] - 0xB0));   /* U+06F0..U+06F9 */
			p += 2;
		} else {
			return -1;
		}
	}
	out[n] = '\0';
	return (int)n;
}

int
phone_normalize(const char *in, char *out, size_t outlen)
{
	char d[32];
	size_t i;
	int n;
	const char *national;

	if (in == NULL || outlen < PHONE_E164_LEN || (n = phone_digits(in, d, sizeof(d))) < 0)
		return -1;
	if (n == 13 && strncmp(d, "+20", 3) == 0)
		national = d + 3;
	else if (n == 14 && strncmp(d, "0020", 4) == 0)
		national = d + 4;
	else if (n == 11 && d[0] == '0')
		national = d + 1;
	else
		return -1;
	/* 1[0125] then eight digits */
	if (national[0] != '1' || strchr("0125", national[1]) == NULL || national[1] == '\0')
		return -1;
	for (i = 2; i < 10; i++)
		if (national[i] < '0' || national[i] > '9')
			return -1;
	if (national[10] != '\0')
		return -1;
	memcpy(out, "+20", 3);
	memcpy(out + 3, national, 11);
	return 0;
}
