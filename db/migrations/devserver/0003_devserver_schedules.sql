CREATE TABLE "ds_schedules" (
	"namespace_id" uuid NOT NULL,
	"schedule_id" text NOT NULL,
	"version" integer NOT NULL,
	"next_wake_at" timestamp with time zone,
	"state" jsonb NOT NULL,
	CONSTRAINT "ds_schedules_namespace_id_schedule_id_pk" PRIMARY KEY("namespace_id","schedule_id")
);
--> statement-breakpoint
CREATE INDEX "ds_schedules_wake_idx" ON "ds_schedules" USING btree ("next_wake_at");