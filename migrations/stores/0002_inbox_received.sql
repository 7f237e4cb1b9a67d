-- Inbox rows older than 14 days are pruned during consumer runs (SPEC §2.8).
CREATE INDEX inbox_received ON inbox (received_at);
