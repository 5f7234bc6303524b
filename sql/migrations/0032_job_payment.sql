-- Seed 001's jobs say how the client pays (paymentType: Escrow, Cash, CashProtected)
-- and what the platform takes of the price (platformFee, piastres). The client may name
-- the payment type when posting or editing a job and again when accepting a quote; the
-- acceptance fixes both, the fee at the platform_fee_bps setting of that moment
-- (docs/bookings.md, "Payment type and platform fee"). The money work moves the amounts.
-- Added last, so MariaDB adds them in place without copying the table.
ALTER TABLE bookings
  ADD COLUMN payment_type ENUM('escrow', 'cash', 'cash_protected') NULL,
  ADD COLUMN platform_fee BIGINT UNSIGNED NOT NULL DEFAULT 0;
