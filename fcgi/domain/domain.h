/* Business rules as plain functions: no database, no HTTP — unit tests call them. */
#ifndef WARSHA_DOMAIN_H
#define WARSHA_DOMAIN_H

#include "booking.h"
#include "identity.h"
#include "limits.h"
#include "money.h"
#include "national_id.h"
#include "settings_rules.h"

#endif
