-- Least privilege for the running app on PostgreSQL (see "Audit trail" in the README).
-- Run once as the owner of the database, after `vitrine db upgrade` (which stays with the
-- owner): psql "$OWNER_URL" -f scripts/postgres/app_role.sql, then set a password with
-- ALTER ROLE vitrine_app PASSWORD '...' and give the app DATABASE_URL=postgresql://vitrine_app:...
-- The audit trail (predictions, shadow answers, model events) and the reviews can be read and added to, never changed: the
-- revision 0006, 0010 and 0012 triggers refuse UPDATE, DELETE and TRUNCATE even to the owner; this
-- role lacks the right too.
CREATE ROLE vitrine_app LOGIN;
GRANT USAGE ON SCHEMA public TO vitrine_app;
GRANT SELECT, INSERT ON predictions, reviews, shadow_answers, model_events TO vitrine_app;
GRANT SELECT ON alembic_version TO vitrine_app;
-- Drift runs record their report's path; the catalogue, model registry and accounts are
-- managed by the app and the CLI.
GRANT SELECT, INSERT, UPDATE ON drift_reports TO vitrine_app;
-- Batch jobs move from running to done or cancelled.
GRANT SELECT, INSERT, UPDATE ON batch_jobs TO vitrine_app;
GRANT SELECT, INSERT ON drift_alerts, label_issues TO vitrine_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON products, model_versions, users, api_tokens,
    user_sessions TO vitrine_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO vitrine_app;
