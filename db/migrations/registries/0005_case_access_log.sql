CREATE TABLE "case_access_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"case_id" text NOT NULL,
	"viewer" text NOT NULL,
	"viewer_kind" text NOT NULL,
	"agency" text,
	"view" text NOT NULL,
	"subject_ids" text[] NOT NULL,
	CONSTRAINT "case_access_log_viewer_kind" CHECK ("case_access_log"."viewer_kind" in ('officer', 'staff'))
);
--> statement-breakpoint
CREATE INDEX "case_access_log_case_idx" ON "case_access_log" USING btree ("case_id","id");