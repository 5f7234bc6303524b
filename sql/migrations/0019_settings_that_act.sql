-- Settings that do what they say (docs/settings.md): every seeded setting is read by the
-- code its name promises.
--
-- Removed, as nothing reads them yet: the marketplace's and the wallet's rules
-- (platform_fee_bps, review_reveal_days, escrow_release_days, cash_fee_remittance_days)
-- come back with the code that applies them. currency, timezone and supported_languages
-- are facts of the code (piastres of EGP, core/cairo_time.c, the two languages of
-- core/i18n.c): GET /api/settings still serves them, from the code, and they are no
-- longer rows an admin could change without effect.
DELETE FROM settings WHERE `key` IN ('platform_fee_bps', 'review_reveal_days',
  'escrow_release_days', 'cash_fee_remittance_days', 'currency', 'timezone',
  'supported_languages');

-- Running workers cache the settings.
UPDATE cache_versions SET version = version + 1 WHERE name = 'settings';
