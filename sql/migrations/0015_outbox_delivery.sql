-- Outbox delivery by the notifier (docs/notifications.md, "Delivery").
--
-- A notifier claims due rows in a short transaction (SELECT ... FOR UPDATE SKIP LOCKED)
-- and leases them: status 'sending', locked_by its own name, lease_until the end of the
-- lease. next_attempt_at is set to the same instant, so a lease that runs out (the
-- notifier died) makes the row due again on the same index, ix_outbox_due, and another
-- notifier claims it. 'skipped': the recipient's preferences no longer allow the
-- channel, or a push recipient has no device.
ALTER TABLE outbox
  MODIFY status ENUM('pending','sending','sent','failed','dead','skipped') NOT NULL
    DEFAULT 'pending',
  ADD COLUMN lease_until DATETIME(3) NULL AFTER locked_at;

-- Push devices (seed 004's POST/DELETE /api/users/fcm-token). A registration token
-- names one app installation: registering it again, by the same or another account,
-- moves it to the caller (a phone changes hands, a user signs in as someone else).
CREATE TABLE device_tokens (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id     BIGINT UNSIGNED NOT NULL,
  token       VARCHAR(512) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  device      VARCHAR(100) NULL,
  platform    ENUM('ios','android','web') NOT NULL,
  created_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_device_tokens_token (token),
  KEY ix_device_tokens_user (user_id, id),
  CONSTRAINT fk_device_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
