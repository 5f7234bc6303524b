-- GET /api/jobs near a point: the board read by place first (docs/bookings.md, "The
-- board at a million jobs").
--
-- 0020's ix_bookings_jobs_open is walked backwards by time and checks the point from
-- each entry: where the circle holds many open jobs (central Cairo) the first page is
-- found in a few dozen entries, but where it holds few (Kharga, the desert) the walk
-- reads every open job of the country (or of the category) for one page, and the
-- total reads as many. With a million jobs and 100,000 of them open that was 60 to
-- 90 ms a request alone.
--
-- geo_cell numbers the quarter-degree cell of the job's point, row by row:
-- (FLOOR(latitude * 4) + 360) * 2000 + FLOOR(longitude * 4) + 720, so a row of cells
-- (one band of latitude) is one range of numbers and the box around a circle is at
-- most 10 ranges for the 100 km the API allows. It is virtual (nothing is written to
-- the rows), indexed beside the board's other filters, with and without the category:
-- the count and, where the circle holds few jobs, the page read only the cells the box
-- touches.
ALTER TABLE bookings
  ADD COLUMN IF NOT EXISTS geo_cell INT AS
    ((FLOOR(latitude * 4) + 360) * 2000 + FLOOR(longitude * 4) + 720) VIRTUAL,
  ADD KEY IF NOT EXISTS ix_bookings_jobs_open_cell
    (kind, list_status, geo_cell, created_at, id, latitude, longitude, budget_min, budget_max),
  ADD KEY IF NOT EXISTS ix_bookings_jobs_open_category_cell
    (kind, list_status, category, geo_cell, created_at, id, latitude, longitude, budget_min,
     budget_max);
