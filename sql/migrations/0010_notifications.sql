-- In-app notifications (docs/notifications.md): one row per recipient, written by
-- notify() (fcgi/store/notifications.c) in the transaction of the change that caused
-- it, together with its realtime_events row and the outbox rows the recipient's
-- preferences allow.
--
-- Deletion is hard: a notification is the user's own inbox item, nothing points at it,
-- and the counters below are kept by the same statements that delete.
--
-- Lists are per user, newest first (created_at DESC, id DESC), each filter variant read
-- backwards from its own index (docs/data-layer.md, "Lists").

-- An admin's send to a role or to everyone: the key of the fan-out, so the realtime
-- rows and the counters of one send are written set-based from its notifications
-- (WHERE send_id = ?), whatever ids other transactions take meanwhile.
CREATE TABLE IF NOT EXISTS notification_sends (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  sender_id   BIGINT UNSIGNED NULL,
  audience    ENUM('role','all') NOT NULL,
  role        ENUM('customer','technician','admin','moderator','corporate') NULL,
  recipients  INT UNSIGNED NOT NULL DEFAULT 0,
  created_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS notifications (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id     BIGINT UNSIGNED NOT NULL,
  -- seed 000's kinds, seed 001's, then seed 002's display kinds
  type        ENUM('booking_status','payment','promotion','system','emergency',
                   'invitation','quote','status','review','dispute','admin',
                   'info','success','warning','error') NOT NULL,
  title_ar    VARCHAR(200)  NOT NULL,
  title_en    VARCHAR(200)  NOT NULL,
  body_ar     VARCHAR(2000) NOT NULL,
  body_en     VARCHAR(2000) NOT NULL,
  data        JSON          NULL,                 -- e.g. {"bookingId": 12}
  is_read     TINYINT(1)    NOT NULL DEFAULT 0,
  read_at     DATETIME(3)   NULL,
  send_id     BIGINT UNSIGNED NULL,               -- an admin's fan-out, else NULL
  created_at  DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_notifications_user (user_id, created_at, id),
  KEY ix_notifications_user_read (user_id, is_read, created_at, id),
  KEY ix_notifications_user_type (user_id, type, created_at, id),
  KEY ix_notifications_user_type_read (user_id, type, is_read, created_at, id),
  KEY ix_notifications_send (send_id),
  CONSTRAINT fk_notifications_user FOREIGN KEY (user_id) REFERENCES users (id)
    ON DELETE CASCADE,
  CONSTRAINT fk_notifications_send FOREIGN KEY (send_id) REFERENCES notification_sends (id)
    ON DELETE SET NULL,
  CONSTRAINT ck_notifications_data CHECK (data IS NULL OR JSON_VALID(data))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per user: how many notifications, how many unread. Kept exact by the statements that
-- insert, read and delete notifications, in their transaction (never by a COUNT over
-- the table); a user without a row has none.
CREATE TABLE IF NOT EXISTS notification_counts (
  user_id     BIGINT UNSIGNED NOT NULL,
  total       INT NOT NULL DEFAULT 0,
  unread      INT NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id),
  CONSTRAINT fk_notification_counts_user FOREIGN KEY (user_id) REFERENCES users (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
