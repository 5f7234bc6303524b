/* domain/national_id: Egyptian national ID numbers read and checked for consistency. */
#include "domain/domain.h"
#include "check.h"

#define TODAY 2026, 12, 1

TEST(a_valid_number_gives_its_parts)
{
	struct national_id id;

	/* born 1990-05-14 in Cairo (01), a man (13th digit 3 is odd) */
	CHECK_INT(national_id_parse("29005140100231", TODAY, &id), NID_OK);
	CHECK_STR(id.digits, "29005140100231");
	CHECK_INT(id.year, 1990);
	CHECK_INT(id.month, 5);
	CHECK_INT(id.day, 14);
	CHECK_STR(id.governorate, "01");
	CHECK_INT(id.male, 1);
	CHECK_INT(national_id_age(&id, TODAY), 36);
	/* born 2004-02-29 in Giza (21), a woman; Arabic-Indic digits, spaces and dashes */
	CHECK_INT(national_id_parse("٣٠٤٠٢٢٩٢١٠٠٥٤٢", TODAY, &id), NID_OK);
	CHECK_STR(id.digits, "30402292100542");
	CHECK_INT(id.year, 2004);
	CHECK_INT(id.male, 0);
	CHECK_INT(national_id_age(&id, TODAY), 22);
	CHECK_INT(national_id_parse("3 040229 21 0054 2", TODAY, &id), NID_OK);
	CHECK_INT(national_id_parse("3-040229-21-0054-2", TODAY, &id), NID_OK);
	/* born abroad */
	CHECK_INT(national_id_parse("29912318800011", TODAY, &id), NID_OK);
	CHECK_STR(id.governorate, "88");
}

TEST(age_counts_whole_years)
{
	struct national_id id;

	CHECK_INT(national_id_parse("30812010100011", TODAY, &id), NID_OK);  /* 2008-12-01 */
	CHECK_INT(national_id_age(&id, TODAY), 18);
	CHECK_INT(national_id_age(&id, 2026, 11, 30), 17);
	CHECK_INT(national_id_age(&id, 2026, 12, 2), 18);
}

TEST(refused_numbers_say_why)
{
	struct national_id id;

	CHECK_INT(national_id_parse(NULL, TODAY, &id), NID_FORMAT);
	CHECK_INT(national_id_parse("", TODAY, &id), NID_FORMAT);
	CHECK_INT(national_id_parse("2900514010023", TODAY, &id), NID_FORMAT);     /* 13 */
	CHECK_INT(national_id_parse("290051401002311", TODAY, &id), NID_FORMAT);   /* 15 */
	CHECK_INT(national_id_parse("2900514010023a", TODAY, &id), NID_FORMAT);
	CHECK_INT(national_id_parse("+2900514010023", TODAY, &id), NID_FORMAT);
	CHECK_INT(national_id_parse("19005140100231", TODAY, &id), NID_CENTURY);
	CHECK_INT(national_id_parse("49005140100231", TODAY, &id), NID_CENTURY);
	CHECK_INT(national_id_parse("29013140100231", TODAY, &id), NID_BIRTH_DATE); /* month 13 */
	CHECK_INT(national_id_parse("29000140100231", TODAY, &id), NID_BIRTH_DATE); /* month 0 */
	CHECK_INT(national_id_parse("29002300100231", TODAY, &id), NID_BIRTH_DATE); /* Feb 30 */
	CHECK_INT(national_id_parse("30502290100231", TODAY, &id), NID_BIRTH_DATE); /* 2005 no leap */
	CHECK_INT(national_id_parse("30004310100231", TODAY, &id), NID_BIRTH_DATE); /* Apr 31 */
	CHECK_INT(national_id_parse("32612020100231", TODAY, &id), NID_BIRTH_DATE); /* tomorrow */
	CHECK_INT(national_id_parse("32701010100231", TODAY, &id), NID_BIRTH_DATE); /* 2027 */
	CHECK_INT(national_id_parse("29005140500231", TODAY, &id), NID_GOVERNORATE);  /* 05 */
	CHECK_INT(national_id_parse("29005142000231", TODAY, &id), NID_GOVERNORATE);  /* 20 */
	CHECK_INT(national_id_parse("29005149900231", TODAY, &id), NID_GOVERNORATE);  /* 99 */
	/* today itself is fine */
	CHECK_INT(national_id_parse("32612010100231", TODAY, &id), NID_OK);
}
