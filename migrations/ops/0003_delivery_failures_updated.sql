-- delivery_failures rows older than 14 days are pruned during consumer runs (SPEC §2.8).
CREATE INDEX delivery_failures_updated ON delivery_failures (updated_at);
