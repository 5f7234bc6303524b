-- Seed 002 gives a service a display colour ({title, description, category, icon,
-- color}); it is kept as written ("#1E88E5", "#fff" or a CSS colour name, checked by
-- fcgi/api/services.c) and shown beside the icon.
ALTER TABLE services ADD COLUMN IF NOT EXISTS color VARCHAR(32) NULL AFTER icon;
