-- Sessions listed (seed 002's /api/refresh-token, /api/users/me/sessions): a session is
-- a refresh family, shown by its live row (not revoked, not expired: each family has
-- at most one), newest use first. These indexes serve both lists in their ORDER BY.
ALTER TABLE refresh_tokens
  ADD KEY ix_refresh_tokens_live (revoked_at, id),
  ADD KEY ix_refresh_tokens_user_live (user_id, revoked_at, id);
