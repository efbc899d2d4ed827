-- Notices (issue #5): who approved what and when, where it went, and every step in an audit trail.

ALTER TABLE notices ADD COLUMN source VARCHAR;       -- the configured source that publishes it
ALTER TABLE notices ADD COLUMN approved_by VARCHAR;
ALTER TABLE notices ADD COLUMN url VARCHAR;          -- the published post's address
ALTER TABLE notices ADD COLUMN problem VARCHAR;      -- why it cannot be approved as it is (too long)
ALTER TABLE notices ADD COLUMN error VARCHAR;        -- why the last publishing attempt failed
ALTER TABLE notices ADD COLUMN updated_at TIMESTAMPTZ;

-- drafted, edited (detail: the text before), approved, rejected, publishing (an attempt starts: written
-- before the post is sent), published, failed: one row each, never updated.
CREATE TABLE notice_audit (
    notice_id VARCHAR NOT NULL,
    acted_at  TIMESTAMPTZ NOT NULL,
    action    VARCHAR NOT NULL CHECK (action IN ('drafted', 'edited', 'approved', 'rejected', 'publishing',
                                                 'published', 'failed')),
    actor     VARCHAR NOT NULL,   -- a person's name, or 'earshot' for the pipeline
    detail    VARCHAR
);
CREATE INDEX notice_audit_notice ON notice_audit (notice_id, acted_at);
