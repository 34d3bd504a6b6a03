CREATE TABLE "ds_current_runs" (
	"namespace_id" uuid NOT NULL,
	"workflow_id" text NOT NULL,
	"run_id" uuid NOT NULL,
	CONSTRAINT "ds_current_runs_namespace_id_workflow_id_pk" PRIMARY KEY("namespace_id","workflow_id")
);
--> statement-breakpoint
CREATE TABLE "ds_deadlines" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"fire_at" timestamp with time zone NOT NULL,
	"payload" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ds_executions" (
	"run_id" uuid PRIMARY KEY NOT NULL,
	"namespace_id" uuid NOT NULL,
	"workflow_id" text NOT NULL,
	"version" integer NOT NULL,
	"next_event_id" integer NOT NULL,
	"status" integer NOT NULL,
	"state" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ds_history_events" (
	"run_id" uuid NOT NULL,
	"event_id" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "ds_history_events_run_id_event_id_pk" PRIMARY KEY("run_id","event_id")
);
--> statement-breakpoint
CREATE TABLE "ds_namespaces" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"config" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ds_namespaces_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "ds_request_ids" (
	"namespace_id" uuid NOT NULL,
	"request_id" text NOT NULL,
	"run_id" uuid NOT NULL,
	CONSTRAINT "ds_request_ids_namespace_id_request_id_pk" PRIMARY KEY("namespace_id","request_id")
);
--> statement-breakpoint
CREATE TABLE "ds_tasks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"namespace_id" uuid NOT NULL,
	"task_queue" text NOT NULL,
	"kind" text NOT NULL,
	"run_id" uuid NOT NULL,
	"scheduled_event_id" integer NOT NULL,
	"attempt" integer NOT NULL,
	"visible_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "visibility_executions" (
	"namespace_id" text NOT NULL,
	"run_id" text NOT NULL,
	"workflow_id" text NOT NULL,
	"workflow_type" text NOT NULL,
	"task_queue" text NOT NULL,
	"status" integer NOT NULL,
	"start_time" timestamp (6) with time zone NOT NULL,
	"execution_time" timestamp (6) with time zone NOT NULL,
	"close_time" timestamp (6) with time zone,
	"history_length" bigint DEFAULT 0 NOT NULL,
	"history_size_bytes" bigint DEFAULT 0 NOT NULL,
	"state_transition_count" bigint DEFAULT 0 NOT NULL,
	"parent_workflow_id" text,
	"parent_run_id" text,
	"root_workflow_id" text,
	"root_run_id" text,
	"memo" "bytea",
	"search_attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"search_attribute_types" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "visibility_executions_pk" PRIMARY KEY("namespace_id","run_id")
);
--> statement-breakpoint
CREATE TABLE "visibility_search_attributes" (
	"namespace_id" text NOT NULL,
	"name" text NOT NULL,
	"value_type" integer NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "visibility_search_attributes_pk" PRIMARY KEY("namespace_id","name")
);
--> statement-breakpoint
CREATE INDEX "ds_deadlines_fire_idx" ON "ds_deadlines" USING btree ("fire_at","id");--> statement-breakpoint
CREATE INDEX "ds_executions_wf_idx" ON "ds_executions" USING btree ("namespace_id","workflow_id");--> statement-breakpoint
CREATE INDEX "ds_tasks_queue_idx" ON "ds_tasks" USING btree ("namespace_id","kind","task_queue","visible_at","id");--> statement-breakpoint
CREATE INDEX "visibility_executions_start_idx" ON "visibility_executions" USING btree ("namespace_id","start_time" DESC NULLS LAST,"run_id");--> statement-breakpoint
CREATE INDEX "visibility_executions_close_idx" ON "visibility_executions" USING btree ("namespace_id","close_time");--> statement-breakpoint
CREATE INDEX "visibility_executions_workflow_id_idx" ON "visibility_executions" USING btree ("namespace_id","workflow_id");--> statement-breakpoint
CREATE INDEX "visibility_executions_type_idx" ON "visibility_executions" USING btree ("namespace_id","workflow_type");--> statement-breakpoint
CREATE INDEX "visibility_executions_status_idx" ON "visibility_executions" USING btree ("namespace_id","status");--> statement-breakpoint
CREATE INDEX "visibility_executions_sa_gin_idx" ON "visibility_executions" USING gin ("search_attributes" jsonb_path_ops);