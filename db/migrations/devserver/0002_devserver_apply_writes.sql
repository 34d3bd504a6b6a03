-- Applies a batch of run writes (group commit): one statement, one round trip and one commit for every write
-- that arrived while the previous batch was in flight. Each write is isolated in its own subtransaction:
--   claim (task row) / consumed deadline must still exist, else nothing is written       -> [0, 0]
--   version-checked update of the execution row (insert for a new run), else rolled back  -> [0, 1]
--   current-run pointer compare-and-set and start request id (a start), else rolled back  -> [0, 1]
--   then its history events, tasks, cancelled and new deadlines, visibility row            -> [1, 1]
--   any other error rolls back that write only                                            -> {"error": sqlstate, "message": ...}
-- Write document (see devserver/storage/apply-writes.ts):
--   {run, ns, wf, new, v, next, status, state, ev: [[eventId, base64]], tk: [[ns, queue, kind, run, sched, attempt, visibleAtMs]],
--    dd: null | [entity] (absent = none), di: [[kind, fireAtMs, payload, entity]], claim: [queue, kind, sched, attempt], consume: deadlineId,
--    cur: previous current run id | null (absent = pointer untouched), rid: start request id, vis: visibility_executions row}
CREATE OR REPLACE FUNCTION ds_apply_writes(batch jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  w jsonb;
  res jsonb := '[]'::jsonb;
  n int;
  run uuid;
BEGIN
  FOR w IN SELECT value FROM jsonb_array_elements(batch) LOOP
    BEGIN
      run := (w->>'run')::uuid;
      IF w ? 'claim' THEN
        DELETE FROM ds_tasks
         WHERE run_id = run AND task_queue = w->'claim'->>0 AND kind = w->'claim'->>1
           AND scheduled_event_id = (w->'claim'->>2)::int AND attempt = (w->'claim'->>3)::int;
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n <> 1 THEN
          RAISE EXCEPTION USING ERRCODE = 'DSW01', MESSAGE = 'claim lost';
        END IF;
      END IF;
      IF w ? 'consume' THEN
        DELETE FROM ds_deadlines WHERE id = (w->>'consume')::bigint;
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n <> 1 THEN
          RAISE EXCEPTION USING ERRCODE = 'DSW01', MESSAGE = 'deadline already consumed';
        END IF;
      END IF;
      IF (w->>'new')::boolean THEN
        INSERT INTO ds_executions (run_id, namespace_id, workflow_id, version, next_event_id, status, state)
        VALUES (run, (w->>'ns')::uuid, w->>'wf', 1, (w->>'next')::int, (w->>'status')::int, w->'state');
      ELSE
        UPDATE ds_executions
           SET version = (w->>'v')::int + 1, next_event_id = (w->>'next')::int, status = (w->>'status')::int, state = w->'state'
         WHERE run_id = run AND version = (w->>'v')::int;
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n <> 1 THEN
          RAISE EXCEPTION USING ERRCODE = 'DSW02', MESSAGE = 'concurrent update';
        END IF;
      END IF;
      IF w ? 'cur' THEN
        IF jsonb_typeof(w->'cur') = 'null' THEN
          INSERT INTO ds_current_runs (namespace_id, workflow_id, run_id) VALUES ((w->>'ns')::uuid, w->>'wf', run)
          ON CONFLICT DO NOTHING;
        ELSE
          UPDATE ds_current_runs SET run_id = run
           WHERE namespace_id = (w->>'ns')::uuid AND workflow_id = w->>'wf' AND run_id = (w->>'cur')::uuid;
        END IF;
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n <> 1 THEN
          RAISE EXCEPTION USING ERRCODE = 'DSW02', MESSAGE = 'current run changed';
        END IF;
      END IF;
      IF w ? 'rid' THEN
        INSERT INTO ds_request_ids (namespace_id, request_id, run_id) VALUES ((w->>'ns')::uuid, w->>'rid', run)
        ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n <> 1 THEN
          RAISE EXCEPTION USING ERRCODE = 'DSW02', MESSAGE = 'request id already served';
        END IF;
      END IF;
      IF w ? 'ev' THEN
        INSERT INTO ds_history_events (run_id, event_id, data)
        SELECT run, (e->>0)::int, decode(e->>1, 'base64') FROM jsonb_array_elements(w->'ev') e;
      END IF;
      IF w ? 'tk' THEN
        INSERT INTO ds_tasks (namespace_id, task_queue, kind, run_id, scheduled_event_id, attempt, visible_at)
        SELECT (t->>0)::uuid, t->>1, t->>2, (t->>3)::uuid, (t->>4)::int, (t->>5)::int, to_timestamp((t->>6)::double precision / 1000)
          FROM jsonb_array_elements(w->'tk') t;
      END IF;
      IF w ? 'dd' THEN
        IF jsonb_typeof(w->'dd') = 'null' THEN
          DELETE FROM ds_deadlines WHERE run_id = run;
        ELSE
          DELETE FROM ds_deadlines WHERE run_id = run AND entity IN (SELECT jsonb_array_elements_text(w->'dd'));
        END IF;
      END IF;
      IF w ? 'di' THEN
        INSERT INTO ds_deadlines (run_id, kind, fire_at, payload, entity)
        SELECT run, d->>0, to_timestamp((d->>1)::double precision / 1000), d->2, d->>3 FROM jsonb_array_elements(w->'di') d;
      END IF;
      IF w ? 'vis' THEN
        INSERT INTO visibility_executions
        SELECT * FROM jsonb_populate_record(NULL::visibility_executions, w->'vis')
        ON CONFLICT (namespace_id, run_id) DO UPDATE SET
          workflow_id = EXCLUDED.workflow_id, workflow_type = EXCLUDED.workflow_type, task_queue = EXCLUDED.task_queue,
          status = EXCLUDED.status, start_time = EXCLUDED.start_time, execution_time = EXCLUDED.execution_time,
          close_time = EXCLUDED.close_time, history_length = EXCLUDED.history_length,
          history_size_bytes = EXCLUDED.history_size_bytes, state_transition_count = EXCLUDED.state_transition_count,
          parent_workflow_id = EXCLUDED.parent_workflow_id, parent_run_id = EXCLUDED.parent_run_id,
          root_workflow_id = EXCLUDED.root_workflow_id, root_run_id = EXCLUDED.root_run_id, memo = EXCLUDED.memo,
          search_attributes = EXCLUDED.search_attributes, search_attribute_types = EXCLUDED.search_attribute_types;
      END IF;
      res := res || '[[1, 1]]'::jsonb;
    EXCEPTION
      WHEN SQLSTATE 'DSW01' THEN res := res || '[[0, 0]]'::jsonb;
      WHEN SQLSTATE 'DSW02' THEN res := res || '[[0, 1]]'::jsonb;
      WHEN OTHERS THEN res := res || jsonb_build_array(jsonb_build_object('error', SQLSTATE, 'message', SQLERRM));
    END;
  END LOOP;
  RETURN res;
END
$$;
