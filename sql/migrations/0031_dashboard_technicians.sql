-- The dashboard's technicians page (docs/dashboard.md, "Technicians"): GET
-- /api/technicians?verification=pending|verified|rejected lists by the profile's
-- verification state, newest first, as the other filters do: a range read of this
-- index from the keyset position (created_at, user_id).
ALTER TABLE technician_profiles
  ADD KEY ix_technicians_list_verification (verification, created_at, user_id);
