-- One statement per projection (db/engine/case-views.ts builds the document): the case row at its transition, the
-- kinds of child rows whose digest changed, and the case's service-quality record, in the statement's own
-- transaction. It was 5 to 12 statements (begin, lock, upsert, deletes and inserts, record, commit), each a round trip.

-- The service-quality record's one settlement (db/engine/case-records.ts settleCase calls it too).
-- Only the first settlement counts; on time when settled on or before the deadline (no deadline: on time).
CREATE FUNCTION case_record_settle(id text, settled timestamptz, new_status text, electronic boolean)
RETURNS void LANGUAGE sql AS $$
  UPDATE case_records
     SET settled_at = settled, status = new_status, electronic_result = electronic,
         on_time = (deadline_at IS NULL OR settled <= deadline_at), updated_at = settled
   WHERE case_id = id AND settled_at IS NULL
$$;
--> statement-breakpoint
-- A stored digest that is not JSON reads as none (every kind is rewritten).
CREATE FUNCTION case_children_digest(stored text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN coalesce(stored::jsonb, '{}'::jsonb);
EXCEPTION WHEN others THEN
  RETURN '{}'::jsonb;
END $$;
--> statement-breakpoint
-- One static branch per kind of child row below, not dynamic SQL: each keeps its cached plan.
-- doc: { case_id, seq, view: case_views row, digest: {kind: text}, children: {kind: rows}, repair, record }
-- (rows keyed by column name). Returns whether the projection was applied: an older transition never
-- overwrites a newer one; the same transition again replaces it (a retried workflow task's own projection).
CREATE FUNCTION case_projection_apply(doc jsonb) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  id text := doc->>'case_id';
  new_seq integer := (doc->>'seq')::integer;
  stored_seq integer;
  stored_digest jsonb;
  applied boolean := false;
  kind text;
  kind_rows jsonb;
  rec jsonb := doc->'record';
BEGIN
  SELECT seq, case_children_digest(children_digest) INTO stored_seq, stored_digest FROM case_views WHERE case_id = id FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO case_views SELECT * FROM jsonb_populate_record(NULL::case_views, doc->'view') ON CONFLICT (case_id) DO NOTHING;
    applied := FOUND;
    stored_digest := '{}'::jsonb;
    IF NOT applied THEN
      -- Inserted meanwhile (the API's submitted row): applied over it, every kind rewritten.
      SELECT seq INTO stored_seq FROM case_views WHERE case_id = id FOR UPDATE;
    END IF;
  END IF;
  IF NOT applied AND stored_seq <= new_seq THEN
    DELETE FROM case_views WHERE case_id = id;
    INSERT INTO case_views SELECT * FROM jsonb_populate_record(NULL::case_views, doc->'view');
    applied := true;
  END IF;
  IF applied THEN
    FOR kind, kind_rows IN SELECT key, value FROM jsonb_each(doc->'children') LOOP
      CONTINUE WHEN NOT coalesce((doc->>'repair')::boolean, false) AND (stored_digest->>kind) IS NOT DISTINCT FROM (doc->'digest'->>kind);
      CASE kind
        WHEN 'parties' THEN
          DELETE FROM case_parties WHERE case_id = id;
          INSERT INTO case_parties SELECT * FROM jsonb_populate_recordset(NULL::case_parties, kind_rows);
        WHEN 'steps' THEN
          DELETE FROM case_steps WHERE case_id = id;
          INSERT INTO case_steps SELECT * FROM jsonb_populate_recordset(NULL::case_steps, kind_rows);
        WHEN 'decisions' THEN
          DELETE FROM case_decisions WHERE case_id = id;
          INSERT INTO case_decisions SELECT * FROM jsonb_populate_recordset(NULL::case_decisions, kind_rows);
        WHEN 'fields' THEN
          DELETE FROM case_fields WHERE case_id = id;
          INSERT INTO case_fields SELECT * FROM jsonb_populate_recordset(NULL::case_fields, kind_rows);
        WHEN 'workItems' THEN
          DELETE FROM case_work_items WHERE case_id = id;
          INSERT INTO case_work_items SELECT * FROM jsonb_populate_recordset(NULL::case_work_items, kind_rows);
        ELSE
          RAISE EXCEPTION 'case_projection_apply: no child table for "%"', kind;
      END CASE;
    END LOOP;
  END IF;
  -- The service-quality record: opened by the first transition (or by the first applied one of a case whose record
  -- predates it), then progress with every projection applied, and its one settlement.
  IF jsonb_typeof(rec) = 'object' THEN
    IF new_seq = 1 OR applied THEN
      INSERT INTO case_records SELECT * FROM jsonb_populate_record(NULL::case_records, rec->'open') ON CONFLICT (case_id) DO NOTHING;
    END IF;
    IF applied THEN
      UPDATE case_records
         SET updated_at = (rec#>>'{progress,at}')::timestamptz,
             status = coalesce(rec#>>'{progress,status}', status),
             deadline_at = (rec#>>'{progress,deadline_at}')::timestamptz
       WHERE case_id = id;
      IF jsonb_typeof(rec->'settle') = 'object' THEN
        PERFORM case_record_settle(id, (rec#>>'{settle,settled_at}')::timestamptz, rec#>>'{settle,status}', (rec#>>'{settle,electronic_result}')::boolean);
      END IF;
    END IF;
  END IF;
  RETURN applied;
END $$;
