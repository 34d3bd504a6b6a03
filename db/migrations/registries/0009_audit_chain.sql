CREATE TABLE "audit_anchors" (
	"day" date PRIMARY KEY NOT NULL,
	"row_count" bigint NOT NULL,
	"final_hash" text NOT NULL,
	"anchored_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_chain_heads" (
	"day" date PRIMARY KEY NOT NULL,
	"last_seq" bigint NOT NULL,
	"last_hash" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "chain_day" date DEFAULT (now() at time zone 'UTC')::date NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "chain_seq" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "prev_hash" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "hash" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX "audit_log_chain_idx" ON "audit_log" USING btree ("chain_day","chain_seq");--> statement-breakpoint
-- The audit hash chain (db/engine/audit-chain.ts holds the same canonical serialization for verification): the row's
-- content, its place in the chain and the previous row's hash, as jsonb text.
CREATE FUNCTION audit_log_canonical(r audit_log) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_array(1, r.id, r.chain_day::text, r.chain_seq,
    to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), r.registry, r.operation, r.kind, r.subject_id,
    to_jsonb(r.fields), r.outcome, r.procedure_id, r.procedure_version, r.case_id, r.agency, r.purpose, r.legal_basis,
    r.actor, r.decided_by, r.prev_hash)::text
$$;
--> statement-breakpoint
CREATE FUNCTION audit_log_hash(r audit_log) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(audit_log_canonical(r), 'UTF8')), 'hex')
$$;
--> statement-breakpoint
-- Anchors every day before `today` that has a chain head and no anchor yet; each head is locked first, so a writer
-- still appending to it finishes before its final hash is read. Returns how many days were anchored.
CREATE FUNCTION audit_anchor_closed_days(today date) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE n integer;
BEGIN
  PERFORM 1 FROM audit_chain_heads h
    WHERE h.day < today AND NOT EXISTS (SELECT 1 FROM audit_anchors a WHERE a.day = h.day)
    ORDER BY h.day FOR UPDATE;
  INSERT INTO audit_anchors (day, row_count, final_hash, anchored_at)
    SELECT h.day, h.last_seq, h.last_hash, clock_timestamp() FROM audit_chain_heads h
    WHERE h.day < today AND NOT EXISTS (SELECT 1 FROM audit_anchors a WHERE a.day = h.day)
    ON CONFLICT (day) DO NOTHING;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
--> statement-breakpoint
-- Appends every new audit row to its day's chain under the day's chain-head lock (SELECT … FOR UPDATE), whatever
-- code inserts it: concurrent writers queue on the head and keep one chain, and the row commits or rolls back with
-- the transaction that wrote it. The first row of a day anchors the days before.
CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head_seq bigint;
  head_hash text;
  attempt integer := 0;
BEGIN
  LOOP
    attempt := attempt + 1;
    NEW.chain_day := (clock_timestamp() AT TIME ZONE 'UTC')::date;
    INSERT INTO audit_chain_heads (day, last_seq, last_hash)
      VALUES (NEW.chain_day, 0, repeat('0', 64)) ON CONFLICT (day) DO NOTHING;
    IF FOUND THEN PERFORM audit_anchor_closed_days(NEW.chain_day); END IF;
    SELECT last_seq, last_hash INTO head_seq, head_hash FROM audit_chain_heads WHERE day = NEW.chain_day FOR UPDATE;
    -- Midnight passed while this row waited for the lock and the day was anchored: append to the new day.
    EXIT WHEN NOT EXISTS (SELECT 1 FROM audit_anchors WHERE day = NEW.chain_day);
    IF attempt >= 3 THEN RAISE EXCEPTION 'audit day % is closed (anchored)', NEW.chain_day; END IF;
  END LOOP;
  NEW.chain_seq := head_seq + 1;
  NEW.prev_hash := head_hash;
  NEW.hash := audit_log_hash(NEW);
  UPDATE audit_chain_heads SET last_seq = NEW.chain_seq, last_hash = NEW.hash WHERE day = NEW.chain_day;
  RETURN NEW;
END $$;
--> statement-breakpoint
-- Backfill: chains the rows not chained yet (hash '') per UTC day of their `at`, in id order, after the day's head
-- if it has one; then anchors the days before today. The migration runs it once over the rows written before it.
CREATE FUNCTION audit_chain_backfill() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  r record;
  cur_day date := NULL;
  seq bigint := 0;
  prev text;
  n bigint := 0;
BEGIN
  FOR r IN SELECT id, (at AT TIME ZONE 'UTC')::date AS day FROM audit_log WHERE hash = '' ORDER BY 2, id LOOP
    IF cur_day IS DISTINCT FROM r.day THEN
      IF cur_day IS NOT NULL THEN
        UPDATE audit_chain_heads SET last_seq = seq, last_hash = prev WHERE day = cur_day;
      END IF;
      cur_day := r.day;
      IF EXISTS (SELECT 1 FROM audit_anchors WHERE day = cur_day) THEN
        RAISE EXCEPTION 'audit day % is anchored: unchained rows cannot join it', cur_day;
      END IF;
      INSERT INTO audit_chain_heads (day, last_seq, last_hash) VALUES (cur_day, 0, repeat('0', 64)) ON CONFLICT (day) DO NOTHING;
      SELECT last_seq, last_hash INTO seq, prev FROM audit_chain_heads WHERE day = cur_day FOR UPDATE;
    END IF;
    seq := seq + 1;
    n := n + 1;
    UPDATE audit_log SET chain_day = r.day, chain_seq = seq, prev_hash = prev WHERE id = r.id;
    UPDATE audit_log a SET hash = audit_log_hash(a) WHERE a.id = r.id RETURNING a.hash INTO prev;
  END LOOP;
  IF cur_day IS NOT NULL THEN
    UPDATE audit_chain_heads SET last_seq = seq, last_hash = prev WHERE day = cur_day;
  END IF;
  PERFORM audit_anchor_closed_days((clock_timestamp() AT TIME ZONE 'UTC')::date);
  RETURN n;
END $$;
--> statement-breakpoint
SELECT audit_chain_backfill();
--> statement-breakpoint
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain();
