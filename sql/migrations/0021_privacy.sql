-- A person's rights over their data (docs/privacy.md): the contact form's messages
-- (POST /api/send-email), and the limits of the contact form and of data exports.

CREATE TABLE IF NOT EXISTS contact_messages (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id     BIGINT UNSIGNED NULL,                 -- signed in when sent, else NULL
  name        VARCHAR(100)  NOT NULL,
  email       VARCHAR(254)  NOT NULL,
  phone       VARCHAR(16)   NULL,                   -- +201XXXXXXXXX
  subject     VARCHAR(200)  NULL,
  message     VARCHAR(5000) NOT NULL,
  lang        ENUM('ar','en') NOT NULL DEFAULT 'ar',
  ip          VARCHAR(45)   NULL,
  created_at  DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  -- a person's own messages (their export, their erasure)
  KEY ix_contact_messages_user (user_id, id),
  -- support's inbox, newest first
  KEY ix_contact_messages_created (created_at, id),
  CONSTRAINT fk_contact_messages_user FOREIGN KEY (user_id) REFERENCES users (id)
    ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE rate_limits MODIFY scope ENUM('login','login_account','login_ip','code_guess',
  'signup_conflict','contact','contact_email','export') NOT NULL;
