-- Service lists served by an index in their ORDER BY (docs/data-layer.md). The catalog
-- lists order by is_popular DESC, sort_order, id (ix_services_popular_sort); a list of
-- one category and the emergency list get an index of the same order behind their own
-- filter, so neither sorts the rows it finds.
--
-- "Emergency" is a stored generated column (available in an emergency, or in the
-- emergency category), so the emergency list filters on one indexed column instead of
-- an OR of two.

ALTER TABLE services
  ADD COLUMN is_emergency TINYINT(1) AS (emergency_available = 1 OR category = 'emergency') PERSISTENT,
  ADD KEY ix_services_category_list (category, is_active, is_popular DESC, sort_order, id),
  ADD KEY ix_services_emergency_list (is_emergency, is_active, is_popular DESC, sort_order, id);
