-- Dead letters of one context, newest first (GET /api/admin/dead-letters?context=…).
CREATE INDEX dead_letters_context_newest ON dead_letters (context, dead_lettered_at DESC, id DESC);
