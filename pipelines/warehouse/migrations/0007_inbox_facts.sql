-- Inbox metrics at scale (issue #6): each inbound message's answer and each conversation's first response,
-- computed when messages are written (for the conversations they touch) instead of on every read. The views
-- inbound_answers and conversation_first_response read these; see pipelines/metrics/facts.py.
CREATE TABLE answer_facts (
    platform          VARCHAR NOT NULL,
    id                VARCHAR NOT NULL,
    kind              VARCHAR,
    account           VARCHAR,
    lang              VARCHAR,
    author_id         VARCHAR,
    conversation_key  VARCHAR,
    created_at        TIMESTAMPTZ,
    answered_at       TIMESTAMPTZ,
    reply_s           DOUBLE,
    reply_business_s  DOUBLE
);

CREATE TABLE first_response_facts (
    conversation_key           VARCHAR,
    platform                   VARCHAR,
    kind                       VARCHAR,
    account                    VARCHAR,
    lang                       VARCHAR,
    author_id                  VARCHAR,
    first_inbound_at           TIMESTAMPTZ,
    first_response_at          TIMESTAMPTZ,
    first_response_s           DOUBLE,
    first_response_business_s  DOUBLE,
    business_clock_at_first    DOUBLE   -- business seconds at first_inbound_at: how long it has waited, later
);

-- An incident's messages carry their time, so its charts need not join the whole messages table.
ALTER TABLE incident_messages ADD COLUMN created_at TIMESTAMPTZ;
UPDATE incident_messages SET created_at = m.created_at
FROM messages m WHERE m.platform = incident_messages.platform AND m.id = incident_messages.message_id;
