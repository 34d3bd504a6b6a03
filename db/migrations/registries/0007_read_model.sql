CREATE TABLE "case_decisions" (
	"case_id" text NOT NULL,
	"n" integer NOT NULL,
	"type" text NOT NULL,
	"actor" text NOT NULL,
	"agency" text,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "case_decisions_case_id_n_pk" PRIMARY KEY("case_id","n")
);
--> statement-breakpoint
CREATE TABLE "case_fields" (
	"case_id" text NOT NULL,
	"field" text NOT NULL,
	"source" text NOT NULL,
	"registry" text,
	"step" text,
	CONSTRAINT "case_fields_case_id_field_pk" PRIMARY KEY("case_id","field")
);
--> statement-breakpoint
CREATE TABLE "case_parties" (
	"case_id" text NOT NULL,
	"personal_id" text NOT NULL,
	"role" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "case_parties_case_id_personal_id_role_pk" PRIMARY KEY("case_id","personal_id","role")
);
--> statement-breakpoint
CREATE TABLE "case_steps" (
	"case_id" text NOT NULL,
	"step" text NOT NULL,
	"agency" text,
	"started_at" timestamp with time zone,
	"due_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"on_time" boolean,
	"working_days" integer NOT NULL,
	CONSTRAINT "case_steps_case_id_step_pk" PRIMARY KEY("case_id","step")
);
--> statement-breakpoint
CREATE TABLE "case_views" (
	"case_id" text PRIMARY KEY NOT NULL,
	"seq" integer NOT NULL,
	"procedure_id" text NOT NULL,
	"procedure_version" integer NOT NULL,
	"applicant_id" text,
	"channel" text,
	"agencies" text[] NOT NULL,
	"province_code" text,
	"commune_code" text,
	"status" text NOT NULL,
	"outcome" text,
	"active_states" text[] NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"dossier_complete_at" timestamp with time zone,
	"settled_at" timestamp with time zone,
	"deadline_at" timestamp with time zone,
	"on_time" boolean,
	"settlement_working_days" integer,
	"fields_reused" integer NOT NULL,
	"fields_collected" integer NOT NULL,
	"population_data_used" boolean NOT NULL,
	"electronic_result" boolean NOT NULL,
	"snapshot" jsonb NOT NULL,
	"projected_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_work_items" (
	"case_id" text NOT NULL,
	"agency" text NOT NULL,
	"events" text[] NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone,
	"procedure_id" text NOT NULL,
	"province_code" text,
	"commune_code" text,
	CONSTRAINT "case_work_items_case_id_agency_pk" PRIMARY KEY("case_id","agency")
);
--> statement-breakpoint
CREATE TABLE "kpi_snapshots" (
	"day" date NOT NULL,
	"group_by" text NOT NULL,
	"group_key" text NOT NULL,
	"indicators" jsonb NOT NULL,
	"taken_at" timestamp with time zone NOT NULL,
	CONSTRAINT "kpi_snapshots_day_group_by_group_key_pk" PRIMARY KEY("day","group_by","group_key")
);
--> statement-breakpoint
ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_kind";--> statement-breakpoint
CREATE INDEX "case_parties_person_idx" ON "case_parties" USING btree ("personal_id","received_at","case_id");--> statement-breakpoint
CREATE INDEX "case_steps_agency_idx" ON "case_steps" USING btree ("agency","completed_at");--> statement-breakpoint
CREATE INDEX "case_views_received_idx" ON "case_views" USING btree ("received_at","case_id");--> statement-breakpoint
CREATE INDEX "case_views_procedure_idx" ON "case_views" USING btree ("procedure_id","received_at","case_id");--> statement-breakpoint
CREATE INDEX "case_views_status_idx" ON "case_views" USING btree ("status","received_at","case_id");--> statement-breakpoint
CREATE INDEX "case_views_outcome_idx" ON "case_views" USING btree ("outcome","received_at","case_id");--> statement-breakpoint
CREATE INDEX "case_views_locality_idx" ON "case_views" USING btree ("province_code","commune_code","received_at","case_id");--> statement-breakpoint
CREATE INDEX "case_views_open_deadline_idx" ON "case_views" USING btree ("deadline_at") WHERE "case_views"."settled_at" is null;--> statement-breakpoint
CREATE INDEX "case_views_settled_idx" ON "case_views" USING btree ("settled_at");--> statement-breakpoint
CREATE INDEX "case_work_items_queue_idx" ON "case_work_items" USING btree ("agency","due_at","case_id");--> statement-breakpoint
CREATE INDEX "case_work_items_locality_idx" ON "case_work_items" USING btree ("agency","province_code","commune_code","due_at","case_id");--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_kind" CHECK ("audit_log"."kind" in ('read', 'write', 'view'));